//! The plain data that crosses the language core's stages: byte spans, tokens and sentences.

use std::fmt;
use std::str::FromStr;

/// A half-open byte range `[start, end)` into the text that was analysed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Number of bytes covered.
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The text the span covers, or `""` when it does not fit `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Universal part-of-speech tags (UD v2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[expect(missing_docs, reason = "the variants are the UD tag names")]
pub enum Upos {
    Adj,
    Adp,
    Adv,
    Aux,
    Cconj,
    Det,
    Intj,
    Noun,
    Num,
    Part,
    Pron,
    Propn,
    Punct,
    Sconj,
    Sym,
    Verb,
    #[default]
    X,
}

impl Upos {
    /// Every tag, in a fixed order (the index is the tag's id in model files).
    pub const ALL: [Upos; 17] = [
        Upos::Adj,
        Upos::Adp,
        Upos::Adv,
        Upos::Aux,
        Upos::Cconj,
        Upos::Det,
        Upos::Intj,
        Upos::Noun,
        Upos::Num,
        Upos::Part,
        Upos::Pron,
        Upos::Propn,
        Upos::Punct,
        Upos::Sconj,
        Upos::Sym,
        Upos::Verb,
        Upos::X,
    ];

    /// The UD spelling, e.g. `"PROPN"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Upos::Adj => "ADJ",
            Upos::Adp => "ADP",
            Upos::Adv => "ADV",
            Upos::Aux => "AUX",
            Upos::Cconj => "CCONJ",
            Upos::Det => "DET",
            Upos::Intj => "INTJ",
            Upos::Noun => "NOUN",
            Upos::Num => "NUM",
            Upos::Part => "PART",
            Upos::Pron => "PRON",
            Upos::Propn => "PROPN",
            Upos::Punct => "PUNCT",
            Upos::Sconj => "SCONJ",
            Upos::Sym => "SYM",
            Upos::Verb => "VERB",
            Upos::X => "X",
        }
    }

    /// Position in [`Upos::ALL`].
    pub fn id(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Upos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for a string that is not a UD part-of-speech tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownUpos(pub String);

impl fmt::Display for UnknownUpos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown UPOS tag {:?}", self.0)
    }
}

impl std::error::Error for UnknownUpos {}

impl FromStr for Upos {
    type Err = UnknownUpos;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Upos::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownUpos(s.to_owned()))
    }
}

/// One analysed token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the analysed text (for CoNLL-U input: in the reconstructed sentence text).
    pub span: Span,
    /// Surface form as written.
    pub form: String,
    /// Universal part of speech.
    pub upos: Upos,
    /// Language-specific tag (Penn Treebank for English).
    pub xpos: String,
    /// Lemma.
    pub lemma: String,
    /// Head: 0 for the root, otherwise the 1-based index of the head token in its sentence.
    pub head: usize,
    /// Universal dependency relation with subtype, e.g. `nsubj:pass`.
    pub deprel: String,
    /// False when the next token follows without whitespace.
    pub space_after: bool,
}

/// One sentence: its byte span and its tokens.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the analysed text, from the first token's start to the last token's end.
    pub span: Span,
    /// Tokens in order.
    pub tokens: Vec<Token>,
}

impl Sentence {
    /// Indices (0-based) of the dependents of token `head` (1-based; 0 is the root).
    pub fn children(&self, head: usize) -> impl Iterator<Item = usize> + '_ {
        self.tokens
            .iter()
            .enumerate()
            .filter(move |(_, t)| t.head == head)
            .map(|(i, _)| i)
    }
}
