//! Reading Universal NER IOB2 files: tab-separated `ID FORM TAG ...` lines, `#` comments,
//! blank lines between sentences; sentences with word forms and [`Bio`] tags out.
//!
//! Only `PER`, `ORG` and `LOC` are kept. The pre-release EWT training file also carries an
//! `OTH` class and stray `B-O` tags: both read as `O`, as does any other unknown label.

use super::{Bio, NerLabel};
use crate::token::{Sentence, Span, Token};
use std::fmt;

/// One sentence of an IOB2 file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IobSentence {
    /// The `sent_id` comment, when present.
    pub id: String,
    /// True when a `newdoc` comment precedes the sentence.
    pub newdoc: bool,
    /// Word forms.
    pub forms: Vec<String>,
    /// One tag per form.
    pub tags: Vec<Bio>,
}

impl IobSentence {
    /// A [`Sentence`] of the forms (single spaces between them, spans into that text), ready
    /// for [`crate::Analyzer::annotate`].
    pub fn to_sentence(&self) -> Sentence {
        let mut tokens = Vec::with_capacity(self.forms.len());
        let mut at = 0usize;
        for f in &self.forms {
            tokens.push(Token {
                span: Span::new(at, at + f.len()),
                form: f.clone(),
                space_after: true,
                ..Token::default()
            });
            at += f.len() + 1;
        }
        Sentence {
            span: Span::new(0, at.saturating_sub(1)),
            tokens,
        }
    }
}

/// A malformed IOB2 line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IobError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for IobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for IobError {}

/// The tag a raw IOB2 label stands for: `B-PER`/`I-ORG`/... as they are, everything else
/// (`O`, `B-OTH`, `I-OTH`, `B-O`, unknown labels) as `O`.
pub fn map_tag(raw: &str) -> Bio {
    let Some((bi, label)) = raw.split_once('-') else {
        return Bio::O;
    };
    match (bi, NerLabel::parse(label)) {
        ("B", Some(l)) => Bio::B(l),
        ("I", Some(l)) => Bio::I(l),
        _ => Bio::O,
    }
}

/// Parses a whole IOB2 file.
pub fn parse(text: &str) -> Result<Vec<IobSentence>, IobError> {
    let mut out = Vec::new();
    let mut cur = IobSentence::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if !cur.forms.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            if let Some((k, v)) = c.split_once('=') {
                match k.trim() {
                    "sent_id" => cur.id = v.trim().to_owned(),
                    "newdoc id" | "newdoc" => cur.newdoc = true,
                    _ => {}
                }
            }
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(_id), Some(form), Some(tag)) = (cols.next(), cols.next(), cols.next()) else {
            return Err(IobError {
                line: n + 1,
                message: "expected at least 3 tab-separated columns (ID, FORM, TAG)".into(),
            });
        };
        if form.is_empty() {
            return Err(IobError {
                line: n + 1,
                message: "empty word form".into(),
            });
        }
        cur.forms.push(form.to_owned());
        cur.tags.push(map_tag(tag.trim()));
    }
    if !cur.forms.is_empty() {
        out.push(cur);
    }
    Ok(out)
}
