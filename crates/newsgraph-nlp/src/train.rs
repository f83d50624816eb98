//! Training every model of the language core from a UD treebank folder, reproducibly: the
//! same treebank gives byte-identical model files (fixed seeds, sorted tables).

use crate::parser::{Parser, ParserOptions};
use crate::tagger;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What training wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainReport {
    /// Files written with their sizes in bytes.
    pub files: Vec<(PathBuf, usize)>,
    /// Human-readable notes (timings, dev scores).
    pub notes: Vec<String>,
}

/// Trains tagger, lemmatizer and parser from `ud_dir` (holding `*-ud-train.conllu` and
/// `*-ud-dev.conllu`) and writes `tagger.bin`, `lemma.bin` and `parser.bin` into `out_dir`.
pub fn train_all(
    ud_dir: &Path,
    out_dir: &Path,
) -> Result<TrainReport, Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("{}: cannot create: {e}", out_dir.display()))?;
    let mut report = TrainReport {
        files: Vec::new(),
        notes: Vec::new(),
    };
    let started = Instant::now();
    let models = tagger::train_from_dir(ud_dir)?;
    report.notes.push(format!(
        "tagger and lemmatizer trained in {:.1}s",
        started.elapsed().as_secs_f64()
    ));
    let started = Instant::now();
    let parser: Parser = crate::parser::train_parser_from_dir(ud_dir, &ParserOptions::default())?;
    report.notes.push(format!(
        "parser trained in {:.1}s",
        started.elapsed().as_secs_f64()
    ));
    for (name, bytes) in [
        ("tagger.bin", models.tagger.to_bytes()),
        ("lemma.bin", models.lemmatizer.to_bytes()),
        ("parser.bin", parser.to_bytes()),
    ] {
        let path = out_dir.join(name);
        std::fs::write(&path, &bytes)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        report.files.push((path, bytes.len()));
    }
    Ok(report)
}
