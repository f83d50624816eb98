//! Development loop: trains on EWT train, scores on dev (never test).
//! `cargo run --release -p newsgraph-nlp --example devloop -- UD_DIR OUT_DIR [tagger] [parser]`
//! Env: TAGGER_EPOCHS, PARSER_EPOCHS, RETAG_DEV=tagger.bin (dev tagged by it picks the
//! parser's epoch).
use newsgraph_nlp::lemma::Lemmatizer;
use newsgraph_nlp::parser::{Parser, ParserOptions};
use newsgraph_nlp::tagger::{self, Tagger, TaggerOptions};
use newsgraph_nlp::train::retag;
use std::path::Path;
use std::time::Instant;

fn env(k: &str) -> Option<usize> {
    std::env::var(k).ok().and_then(|v| v.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ud = Path::new(&args[1]);
    let out = Path::new(&args[2]);
    std::fs::create_dir_all(out).unwrap();
    let what: Vec<&str> = args[3..].iter().map(String::as_str).collect();
    let train = tagger::read_split(ud, "-ud-train.conllu").unwrap();
    let dev = tagger::read_split(ud, "-ud-dev.conllu").unwrap();
    let mut topts = TaggerOptions::default();
    if let Some(e) = env("TAGGER_EPOCHS") {
        topts.epochs = e;
    }
    let mut popts = ParserOptions::default();
    if let Some(e) = env("PARSER_EPOCHS") {
        popts.epochs = e;
    }
    let pdev = match std::env::var("RETAG_DEV") {
        Ok(p) => {
            let t = Tagger::from_bytes(&std::fs::read(p).unwrap()).unwrap();
            retag(&dev, &t, &Lemmatizer::train(&train))
        }
        Err(_) => dev.clone(),
    };
    let t0 = Instant::now();
    let parser = if what.contains(&"parser") {
        let (p, rep) = Parser::train_with_report(&train, Some(&pdev), &popts);
        for e in &rep.epochs {
            if let Some(d) = &e.dev {
                eprintln!("epoch {}: dev {d}", e.epoch + 1);
            }
        }
        std::fs::write(out.join("parser.bin"), p.to_bytes()).unwrap();
        eprintln!("parser trained in {:.0}s", t0.elapsed().as_secs_f64());
        Some(p)
    } else {
        std::fs::read(out.join("parser.bin"))
            .ok()
            .map(|b| Parser::from_bytes(&b).unwrap())
    };
    if what.contains(&"noeval") {
        return;
    }
    let t0 = Instant::now();
    let tagger = if what.contains(&"tagger") {
        let (t, rep) = Tagger::train_with_report(&train, Some(&dev), &topts);
        eprintln!(
            "pass1 dev {:?}\npass2 dev {:?}",
            rep.pass1_dev, rep.pass2_dev
        );
        std::fs::write(out.join("tagger.bin"), t.to_bytes()).unwrap();
        t
    } else {
        Tagger::from_bytes(&std::fs::read(out.join("tagger.bin")).unwrap()).unwrap()
    };
    let lem = Lemmatizer::train(&train);
    let s = tagger::evaluate(&tagger, &lem, &dev);
    eprintln!(
        "tagger ({:.0}s): dev UPOS {:.2} XPOS {:.2} lemma {:.2}",
        t0.elapsed().as_secs_f64(),
        100.0 * s.upos,
        100.0 * s.xpos,
        100.0 * s.lemma
    );
    if let Some(parser) = parser {
        let tagged = retag(&dev, &tagger, &lem);
        eprintln!("parser: predicted-tag dev {}", parser.evaluate(&tagged));
    }
}
