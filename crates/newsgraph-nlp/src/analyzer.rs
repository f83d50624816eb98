//! The whole language core behind one call: text in, tokenised, split, tagged, lemmatised and
//! parsed [`Sentence`]s out, with the models embedded in the binary.

use crate::binio::ModelError;
use crate::lemma::Lemmatizer;
use crate::parser::Parser;
use crate::tagger::Tagger;
use crate::token::{Sentence, Span, Token};
use std::sync::LazyLock;

/// The shipped tagger model, if this build has one.
#[cfg(has_tagger_model)]
pub const TAGGER_MODEL: Option<&[u8]> = Some(include_bytes!("../models/tagger.bin"));
/// The shipped tagger model, if this build has one.
#[cfg(not(has_tagger_model))]
pub const TAGGER_MODEL: Option<&[u8]> = None;
/// The shipped lemmatizer model, if this build has one.
#[cfg(has_lemma_model)]
pub const LEMMA_MODEL: Option<&[u8]> = Some(include_bytes!("../models/lemma.bin"));
/// The shipped lemmatizer model, if this build has one.
#[cfg(not(has_lemma_model))]
pub const LEMMA_MODEL: Option<&[u8]> = None;
/// The shipped parser model, if this build has one.
#[cfg(has_parser_model)]
pub const PARSER_MODEL: Option<&[u8]> = Some(include_bytes!("../models/parser.bin"));
/// The shipped parser model, if this build has one.
#[cfg(not(has_parser_model))]
pub const PARSER_MODEL: Option<&[u8]> = None;

/// Tagger, lemmatizer and parser together. Stages whose model is missing are skipped (the
/// tokens keep their defaults), so that a fresh checkout can train its first models.
pub struct Analyzer {
    tagger: Option<Tagger>,
    lemmatizer: Option<Lemmatizer>,
    parser: Option<Parser>,
}

static EMBEDDED: LazyLock<Analyzer> = LazyLock::new(|| {
    // The embedded files were written by our own trainer at build time; a load failure is a
    // build defect, reported by `Analyzer::load_embedded` and the tests.
    Analyzer::load_embedded().unwrap_or(Analyzer {
        tagger: None,
        lemmatizer: None,
        parser: None,
    })
});

impl Analyzer {
    /// The analyser with the models embedded in this build, loaded once.
    pub fn embedded() -> &'static Analyzer {
        &EMBEDDED
    }

    /// Loads the embedded models, reporting a model file that does not load.
    pub fn load_embedded() -> Result<Analyzer, ModelError> {
        Ok(Analyzer {
            tagger: TAGGER_MODEL.map(Tagger::from_bytes).transpose()?,
            lemmatizer: LEMMA_MODEL.map(Lemmatizer::from_bytes).transpose()?,
            parser: PARSER_MODEL.map(Parser::from_bytes).transpose()?,
        })
    }

    /// An analyser from explicit models.
    pub fn new(
        tagger: Option<Tagger>,
        lemmatizer: Option<Lemmatizer>,
        parser: Option<Parser>,
    ) -> Self {
        Self {
            tagger,
            lemmatizer,
            parser,
        }
    }

    /// True when tagger, lemmatizer and parser are all present.
    pub fn is_complete(&self) -> bool {
        self.tagger.is_some() && self.lemmatizer.is_some() && self.parser.is_some()
    }

    /// Tokenises, splits and annotates a text. Token spans are byte offsets into `text`.
    pub fn analyze(&self, text: &str) -> Vec<Sentence> {
        self.analyze_bounded(text, usize::MAX)
    }

    /// As [`Analyzer::analyze`], except that a sentence of more than `max_tokens` tokens
    /// (run-on text without punctuation) comes back with its span and no tokens, neither
    /// built nor annotated: time and memory stay small on such input.
    pub fn analyze_bounded(&self, text: &str, max_tokens: usize) -> Vec<Sentence> {
        let spans = crate::tokenize::tokenize(text);
        let ranges = crate::split::split(text, &spans);
        let mut out = Vec::with_capacity(ranges.len());
        for r in ranges {
            let toks = &spans[r];
            let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
                continue;
            };
            if toks.len() > max_tokens {
                out.push(Sentence {
                    span: Span::new(first.start, last.end),
                    tokens: Vec::new(),
                });
                continue;
            }
            let tokens = toks
                .iter()
                .enumerate()
                .map(|(i, sp)| Token {
                    span: *sp,
                    form: sp.slice(text).to_owned(),
                    space_after: toks.get(i + 1).is_none_or(|n| n.start > sp.end),
                    ..Token::default()
                })
                .collect();
            let mut s = Sentence {
                span: Span::new(first.start, last.end),
                tokens,
            };
            self.annotate(&mut s);
            out.push(s);
        }
        out
    }

    /// Tags, lemmatises and parses a tokenised sentence in place.
    pub fn annotate(&self, s: &mut Sentence) {
        if let Some(t) = &self.tagger {
            t.tag(s);
        }
        if let Some(l) = &self.lemmatizer {
            l.lemmatize(s);
        }
        if let Some(p) = &self.parser {
            p.parse(s);
        }
    }
}
