//! Tells the crate which trained model files are present in `models/`, so that a fresh
//! checkout can build (and train) before the models exist.

fn main() {
    println!("cargo::rerun-if-changed=models");
    for name in ["tagger", "lemma", "parser"] {
        println!("cargo::rustc-check-cfg=cfg(has_{name}_model)");
        println!("cargo::rerun-if-changed=models/{name}.bin");
        if std::path::Path::new(&format!("models/{name}.bin")).is_file() {
            println!("cargo::rustc-cfg=has_{name}_model");
        }
    }
}
