//! The plain data that crosses newsgraph's stages: documents, sentences, mentions, entities,
//! claims and their provenance. Every span is a byte range into the document's original text.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use newsgraph_nlp::{Span, Upos};

/// A document as read by [`crate::ingest`]: its id, where it came from, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Stable id: the file stem (`seeds/003_x.txt` → `003_x`), or `stdin`.
    pub id: String,
    /// Where the text was read from; `None` for standard input or a string.
    pub path: Option<PathBuf>,
    /// The text exactly as read (never rewritten: spans point into it).
    pub text: String,
    /// SHA-256 of the raw bytes, lower-case hex.
    pub hash: String,
}

/// A calendar date (proleptic Gregorian), possibly partial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1–12, if known.
    pub month: Option<u8>,
    /// Day 1–31, if known (only with a month).
    pub day: Option<u8>,
}

impl fmt::Display for Date {
    /// ISO 8601: `2025-04-14`, `2025-04` or `2025`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// What a document says about itself: a headline and a publication date when it gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentInfo {
    /// The first line when it reads as a headline.
    pub title: Option<String>,
    /// A date found in the article's opening (dateline, "Published ..." line).
    pub date: Option<Date>,
}

/// One sentence with its analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceInfo {
    /// 0-based position in the document.
    pub index: usize,
    /// Byte span in the document text.
    pub span: Span,
    /// Tokens with tags, lemmas and dependency tree; token spans are document offsets.
    pub parse: newsgraph_nlp::Sentence,
}

/// The kinds of actor and salient thing newsgraph tells apart (the gold guideline's types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[expect(missing_docs, reason = "each variant is the type its name says")]
pub enum EntityType {
    Person,
    Country,
    City,
    Place,
    Organization,
    GovernmentBody,
    CriminalGroup,
    Facility,
    Agreement,
    Law,
    Asset,
    Event,
    Media,
    Other,
}

impl EntityType {
    /// Every type, in a fixed order.
    pub const ALL: [EntityType; 14] = [
        EntityType::Person,
        EntityType::Country,
        EntityType::City,
        EntityType::Place,
        EntityType::Organization,
        EntityType::GovernmentBody,
        EntityType::CriminalGroup,
        EntityType::Facility,
        EntityType::Agreement,
        EntityType::Law,
        EntityType::Asset,
        EntityType::Event,
        EntityType::Media,
        EntityType::Other,
    ];

    /// Upper-case code used in CSV exports, e.g. `GOVERNMENT_BODY`.
    pub const fn code(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Country => "COUNTRY",
            EntityType::City => "CITY",
            EntityType::Place => "PLACE",
            EntityType::Organization => "ORGANIZATION",
            EntityType::GovernmentBody => "GOVERNMENT_BODY",
            EntityType::CriminalGroup => "CRIMINAL_GROUP",
            EntityType::Facility => "FACILITY",
            EntityType::Agreement => "AGREEMENT",
            EntityType::Law => "LAW",
            EntityType::Asset => "ASSET",
            EntityType::Event => "EVENT",
            EntityType::Media => "MEDIA",
            EntityType::Other => "OTHER",
        }
    }

    /// Local name of the ontology class, e.g. `GovernmentBody`.
    pub const fn class_name(self) -> &'static str {
        match self {
            EntityType::Person => "Person",
            EntityType::Country => "Country",
            EntityType::City => "City",
            EntityType::Place => "Place",
            EntityType::Organization => "Organization",
            EntityType::GovernmentBody => "GovernmentBody",
            EntityType::CriminalGroup => "CriminalGroup",
            EntityType::Facility => "Facility",
            EntityType::Agreement => "Agreement",
            EntityType::Law => "Law",
            EntityType::Asset => "Asset",
            EntityType::Event => "Event",
            EntityType::Media => "Media",
            EntityType::Other => "Other",
        }
    }

    /// Parses a CSV code or a class name, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        EntityType::ALL
            .into_iter()
            .find(|t| t.code().eq_ignore_ascii_case(s) || t.class_name().eq_ignore_ascii_case(s))
    }
}

/// How a mention refers to its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MentionKind {
    /// A proper name, possibly with a title ("President Smith").
    Name,
    /// A personal or possessive pronoun.
    Pronoun,
    /// A definite description ("the country").
    Description,
}

/// A stretch of text that refers to an actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Byte span in the document text.
    pub span: Span,
    /// Sentence index.
    pub sentence: usize,
    /// Token range (0-based, end exclusive) in that sentence.
    pub tokens: std::ops::Range<usize>,
    /// Index of the head token in the sentence.
    pub head: usize,
    /// The surface text.
    pub text: String,
    /// How it refers.
    pub kind: MentionKind,
    /// Type guessed from the mention alone.
    pub entity_type: EntityType,
    /// The entity it was resolved to (index into [`AnalyzedDocument::entities`]).
    pub entity: Option<usize>,
}

/// One real-world actor as known in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Stable key, the last segment of the entity's IRI (`donald-trump`): the same actor gets
    /// the same key in every document.
    pub key: String,
    /// Canonical label (the fullest name seen).
    pub label: String,
    /// Type.
    pub entity_type: EntityType,
    /// Surface forms seen, with how often.
    pub aliases: BTreeMap<String, usize>,
    /// Wikidata id (`Q30`) when the gazetteer knows the entity.
    pub same_as: Option<String>,
}

/// How the sentence presents a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Polarity {
    /// Stated as fact.
    Asserted,
    /// Denied ("has not issued", "refused to").
    Negated,
    /// Uncertain (may, could, likely, expected to).
    Hedged,
    /// Attributed to a speaker ("X said", "according to X").
    Reported,
}

impl Polarity {
    /// Every polarity.
    pub const ALL: [Polarity; 4] = [
        Polarity::Asserted,
        Polarity::Negated,
        Polarity::Hedged,
        Polarity::Reported,
    ];

    /// Lower-case name, as in the CSV export and the ontology individual.
    pub const fn as_str(self) -> &'static str {
        match self {
            Polarity::Asserted => "asserted",
            Polarity::Negated => "negated",
            Polarity::Hedged => "hedged",
            Polarity::Reported => "reported",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(s: &str) -> Option<Self> {
        Polarity::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// What kind of value a literal argument is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LiteralKind {
    /// Free text (a noun phrase that is not an actor).
    Text,
    /// An amount of money.
    Money,
    /// A count or measure with a unit.
    Quantity,
    /// A percentage.
    Percent,
    /// A date or time.
    Date,
    /// A role or title ("Secretary of State").
    Role,
}

impl LiteralKind {
    /// Upper-case code used as `object_type` in CSV exports.
    pub const fn code(self) -> &'static str {
        match self {
            LiteralKind::Text => "TEXT",
            LiteralKind::Money => "MONEY",
            LiteralKind::Quantity => "QUANTITY",
            LiteralKind::Percent => "PERCENT",
            LiteralKind::Date => "DATE",
            LiteralKind::Role => "ROLE",
        }
    }

    /// Parses the code.
    pub fn parse(s: &str) -> Option<Self> {
        [
            LiteralKind::Text,
            LiteralKind::Money,
            LiteralKind::Quantity,
            LiteralKind::Percent,
            LiteralKind::Date,
            LiteralKind::Role,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }
}

/// A literal argument: a value rather than an actor.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// The words as written ("more than 7,250 tonnes").
    pub text: String,
    /// What kind of value.
    pub kind: LiteralKind,
    /// Numeric amount when there is one (6100).
    pub amount: Option<f64>,
    /// Unit ("BTC", "USD", "troops").
    pub unit: Option<String>,
    /// Qualifier on the amount ("more than", "about").
    pub qualifier: Option<String>,
    /// Resolved date for [`LiteralKind::Date`].
    pub date: Option<Date>,
}

impl Literal {
    /// A plain text literal.
    pub fn text(text: impl Into<String>, kind: LiteralKind) -> Self {
        Self {
            text: text.into(),
            kind,
            amount: None,
            unit: None,
            qualifier: None,
            date: None,
        }
    }
}

/// One side of a claim.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// An actor (index into [`AnalyzedDocument::entities`]).
    Entity(usize),
    /// A value.
    Literal(Literal),
}

/// The relation of a claim: words and ontology term.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Relation {
    /// The normalised relation in words, lemma form (`invite`, `take in`).
    pub label: String,
    /// Local name of the property (`invite`, `takeIn`).
    pub local: String,
    /// True for a relation of the core vocabulary, false for an open one minted from the words.
    pub core: bool,
}

/// A fact read from a sentence, with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Agent side.
    pub subject: Arg,
    /// What the agent does or is.
    pub relation: Relation,
    /// Patient side.
    pub object: Arg,
    /// How the sentence presents it.
    pub polarity: Polarity,
    /// Confidence in `[0, 1]`.
    pub confidence: f32,
    /// Who the sentence attributes it to (entity index).
    pub attribution: Option<usize>,
    /// Sentence index.
    pub sentence: usize,
    /// Byte span of the words that carry the claim.
    pub span: Span,
    /// When it happened, if the sentence says.
    pub time: Option<Date>,
    /// Where it happened (entity index), if the sentence says.
    pub place: Option<usize>,
}

/// Something in a document that could not be analysed; reported, never fatal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Sentence index, when it concerns one sentence.
    pub sentence: Option<usize>,
    /// What happened.
    pub message: String,
}

/// Everything the pipeline knows about one document.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyzedDocument {
    /// The document.
    pub doc: Document,
    /// Headline and date.
    pub info: DocumentInfo,
    /// Sentences in order.
    pub sentences: Vec<SentenceInfo>,
    /// Mentions in text order.
    pub mentions: Vec<Mention>,
    /// Entities, in order of first mention.
    pub entities: Vec<Entity>,
    /// Claims in text order.
    pub claims: Vec<Claim>,
    /// Problems met along the way.
    pub diagnostics: Vec<Diagnostic>,
}

/// One claim as a row of the CSV export (`export --format csv`, `extract --format csv`). The
/// field order is the CSV header's column order, a documented contract.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FactRow {
    /// Document id.
    pub doc: String,
    /// Sentence index in the document.
    pub sentence_index: usize,
    /// Sentence text on one line.
    pub sentence: String,
    /// Subject: canonical label or literal value.
    pub subject: String,
    /// Subject entity key, empty for a literal.
    pub subject_id: String,
    /// Subject type code, empty for a literal.
    pub subject_type: String,
    /// Relation in words, lemma form.
    pub relation: String,
    /// Relation property IRI.
    pub predicate: String,
    /// Object: canonical label or literal value.
    pub object: String,
    /// Object entity key, empty for a literal.
    pub object_id: String,
    /// Object type code, or the literal kind for a literal.
    pub object_type: String,
    /// asserted, negated, hedged or reported.
    pub polarity: String,
    /// Confidence with two decimals.
    pub confidence: String,
    /// Label of the entity the claim is attributed to, if any.
    pub attribution: String,
    /// First byte of the evidence in the document.
    pub start: usize,
    /// One past the last byte of the evidence.
    pub end: usize,
    /// Claim IRI (not a CSV column).
    #[serde(skip)]
    pub claim: String,
}

impl FactRow {
    /// The export order: document, sentence, span, then the triple.
    pub fn order(a: &FactRow, b: &FactRow) -> std::cmp::Ordering {
        (
            &a.doc,
            a.sentence_index,
            a.start,
            a.end,
            &a.subject,
            &a.relation,
            &a.object,
            &a.polarity,
        )
            .cmp(&(
                &b.doc,
                b.sentence_index,
                b.start,
                b.end,
                &b.subject,
                &b.relation,
                &b.object,
                &b.polarity,
            ))
    }
}

/// One entity as a row of `export --format entities`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityRow {
    /// Entity key (the last segment of its IRI).
    pub id: String,
    /// Canonical label.
    pub label: String,
    /// Type code.
    pub entity_type: String,
    /// Surface forms seen, most frequent first.
    pub aliases: Vec<String>,
    /// How often each alias was seen, in the order of `aliases`.
    pub alias_counts: Vec<usize>,
    /// Every mention as `doc:start-end` (byte span in that document), sorted.
    pub spans: Vec<String>,
    /// Number of mentions over all documents.
    pub mentions: usize,
    /// Wikidata IRI, or empty.
    pub same_as: String,
}
