//! The language core of newsgraph: English text in, tokenised, sentence-split, tagged,
//! lemmatised and dependency-parsed sentences out, every token carrying its byte span.
//!
//! Stage chain (each a module):
//!
//! ```text
//! text ─ tokenize ─▶ Vec<Span> ─ split ─▶ sentences ─ tagger ─▶ UPOS/XPOS ─ lemma ─▶ lemmas ─ parser ─▶ heads + relations
//! ```
//!
//! The statistical models (tagger, parser) are trained by our own code from Universal
//! Dependencies English-EWT and shipped as compact binary files embedded in the crate.

pub mod analyzer;
pub mod binio;
pub mod conllu;
pub mod eval;
pub mod lemma;
pub mod ner;
pub mod parser;
pub mod split;
pub mod tagger;
pub mod token;
pub mod tokenize;
pub mod train;

pub use analyzer::Analyzer;
pub use token::{Sentence, Span, Token, Upos};
