//! Segmentation and parsing: a document's text in, [`SentenceInfo`]s out, each with tokens,
//! tags, lemmas and a dependency tree from the language core (`newsgraph-nlp`).

use crate::model::SentenceInfo;
use newsgraph_nlp::Analyzer;

/// Splits and parses a document text. Token and sentence spans are offsets into `text`.
pub fn segment(text: &str) -> Vec<SentenceInfo> {
    Analyzer::embedded()
        .analyze(text)
        .into_iter()
        .enumerate()
        .map(|(index, parse)| SentenceInfo {
            index,
            span: parse.span,
            parse,
        })
        .collect()
}
