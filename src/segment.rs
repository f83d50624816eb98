//! Segmentation and parsing: a document's text in, [`SentenceInfo`]s out, each with tokens,
//! tags, lemmas and a dependency tree from the language core (`newsgraph-nlp`).

use crate::model::SentenceInfo;
use crate::pipeline::MAX_SENTENCE_TOKENS;
use newsgraph_nlp::Analyzer;

/// Splits and parses a document text. Token and sentence spans are offsets into `text`. A
/// sentence of more than [`MAX_SENTENCE_TOKENS`] tokens (run-on text) keeps its span but gets
/// no tokens and no analysis, so that junk input costs little time and memory.
pub fn segment(text: &str) -> Vec<SentenceInfo> {
    Analyzer::embedded()
        .analyze_bounded(text, MAX_SENTENCE_TOKENS)
        .into_iter()
        .enumerate()
        .map(|(index, parse)| SentenceInfo {
            index,
            span: parse.span,
            parse,
        })
        .collect()
}
