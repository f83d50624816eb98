//! Named-entity recognition: a tokenised [`Sentence`] in, person, organisation and location
//! spans ([`NerSpan`]) out.
//!
//! The recogniser is a linear-chain conditional random field over BIO tags, decoded with
//! Viterbi under BIO constraints and trained by [`train`] on Universal NER English-EWT. Its
//! features read the word forms: words in a window, shapes, affixes, capitalisation in
//! context, the capitalised phrase a word belongs to, word classes and capitalisation habits
//! learned by [`lexicon`] from unlabelled EWT text, and matches in a gazetteer of names. The
//! shipped model is `models/ner.bin`, embedded in the crate and loaded on first use.

pub mod features;
pub mod iob;
pub mod lexicon;
pub mod train;

use crate::binio::{ModelError, Reader, Writer};
use crate::token::Sentence;
use features::{FeatureSet, extract};
use lexicon::{Gazetteer, Lexicon};
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// The kind of a named entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NerLabel {
    /// A person (real or fictional), by name.
    Per,
    /// An organisation: company, institution, agency, party, team, band.
    Org,
    /// A location: country, city, region, natural place, facility.
    Loc,
}

impl NerLabel {
    /// Every label, in model-file order.
    pub const ALL: [NerLabel; 3] = [NerLabel::Per, NerLabel::Org, NerLabel::Loc];

    /// The UNER spelling: `PER`, `ORG` or `LOC`.
    pub const fn as_str(self) -> &'static str {
        match self {
            NerLabel::Per => "PER",
            NerLabel::Org => "ORG",
            NerLabel::Loc => "LOC",
        }
    }

    /// Parses `PER`, `ORG` or `LOC`.
    pub fn parse(s: &str) -> Option<NerLabel> {
        NerLabel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for NerLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recognised name: tokens `start..end` of its sentence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NerSpan {
    /// Index of the first token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Entity kind.
    pub label: NerLabel,
    /// Confidence in (0, 1): a squashed margin of the weakest token over its best rival tag.
    /// A ranking aid, not a calibrated probability.
    pub score: f32,
}

/// A BIO tag: `O`, or the beginning or inside of a [`NerLabel`] span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bio {
    /// Outside any name.
    O,
    /// First token of a name.
    B(NerLabel),
    /// Later token of a name.
    I(NerLabel),
}

/// Number of BIO tags (O plus B and I for each label).
pub const NTAGS: usize = 1 + 2 * NerLabel::ALL.len();

impl Bio {
    /// Dense id in `0..NTAGS`.
    pub const fn id(self) -> usize {
        match self {
            Bio::O => 0,
            Bio::B(l) => 1 + 2 * l.index(),
            Bio::I(l) => 2 + 2 * l.index(),
        }
    }

    /// The tag with dense id `id` (ids past the end read as `O`).
    pub fn from_id(id: usize) -> Bio {
        match id {
            0 => Bio::O,
            _ => {
                let l = NerLabel::ALL.get((id - 1) / 2).copied();
                match l {
                    Some(l) if id % 2 == 1 => Bio::B(l),
                    Some(l) => Bio::I(l),
                    None => Bio::O,
                }
            }
        }
    }

    /// The entity label, if any.
    pub const fn label(self) -> Option<NerLabel> {
        match self {
            Bio::O => None,
            Bio::B(l) | Bio::I(l) => Some(l),
        }
    }

    /// Whether tag `next` may follow tag `self` (`None` is the sentence start): an `I-X` only
    /// continues a `B-X` or `I-X`.
    pub fn allows(prev: Option<Bio>, next: Bio) -> bool {
        match next {
            Bio::I(l) => matches!(prev, Some(Bio::B(p) | Bio::I(p)) if p == l),
            _ => true,
        }
    }
}

impl fmt::Display for Bio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bio::O => f.write_str("O"),
            Bio::B(l) => write!(f, "B-{l}"),
            Bio::I(l) => write!(f, "I-{l}"),
        }
    }
}

/// The spans of a BIO sequence, conlleval style: a span starts at `B-X`, or at an `I-X` that
/// does not continue an `X` span, and runs over the following `I-X` tags.
pub fn spans_from_bio(tags: &[Bio]) -> Vec<(usize, usize, NerLabel)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, NerLabel)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let continues = matches!((t, open), (Bio::I(l), Some((_, o))) if l == o);
        if continues {
            continue;
        }
        if let Some((s, l)) = open.take() {
            out.push((s, i, l));
        }
        if let Some(l) = t.label() {
            open = Some((i, l));
        }
    }
    if let Some((s, l)) = open {
        out.push((s, tags.len(), l));
    }
    out
}

/// A hasher for keys that are already well-spread 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// A map from feature keys to weight rows.
pub(crate) type KeyMap = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

const MAGIC: &[u8; 8] = b"NGNER   ";
const VERSION: u32 = 2;

/// A trained recogniser: feature weights, BIO transition weights, the word lexicon (clusters,
/// capitalisation statistics) and the gazetteer it was trained with.
#[derive(Clone, Debug, PartialEq)]
pub struct Recognizer {
    /// Feature key → row in `weights`.
    pub(crate) rows: KeyMap,
    /// `NTAGS` weights per row.
    pub(crate) weights: Vec<f32>,
    /// Transition weights: `trans[prev][next]`, row `NTAGS` being the sentence start.
    pub(crate) trans: [[f32; NTAGS]; NTAGS + 1],
    /// Distributional word information.
    pub(crate) lexicon: Lexicon,
    /// Names known in advance.
    pub(crate) gazetteer: Gazetteer,
}

/// The shipped model, written by `newsgraph train-ner` (an empty file stands for no model).
const EMBEDDED_MODEL: &[u8] = include_bytes!("../../models/ner.bin");

static EMBEDDED: LazyLock<Recognizer> = LazyLock::new(|| {
    // A shipped model that fails to load is a build defect, caught by
    // `Recognizer::load_embedded` in the tests; here it degrades to finding nothing.
    Recognizer::load_embedded().unwrap_or_else(|_| Recognizer::empty())
});

impl Recognizer {
    /// The recogniser shipped in this build (`models/ner.bin`), loaded once on first use.
    pub fn embedded() -> &'static Recognizer {
        &EMBEDDED
    }

    /// Loads the shipped model (an empty model file gives [`Recognizer::empty`]).
    pub fn load_embedded() -> Result<Recognizer, ModelError> {
        if EMBEDDED_MODEL.is_empty() {
            return Ok(Recognizer::empty());
        }
        Recognizer::from_bytes(EMBEDDED_MODEL)
    }

    /// A recogniser with no weights: finds nothing.
    pub fn empty() -> Recognizer {
        Recognizer {
            rows: KeyMap::default(),
            weights: Vec::new(),
            trans: [[0.0; NTAGS]; NTAGS + 1],
            lexicon: Lexicon::default(),
            gazetteer: Gazetteer::default(),
        }
    }

    /// Names in `sentence` (only the token forms are read; a sentence from
    /// [`crate::Analyzer::analyze`] is fine). Spans are sorted and never overlap.
    pub fn predict(&self, sentence: &Sentence) -> Vec<NerSpan> {
        self.predict_with(sentence, &|p| self.gazetteer.get(p))
    }

    /// Like [`Recognizer::predict`], with the caller's gazetteer in place of the one the model
    /// was trained with: `lookup` receives candidate phrases (tokens joined by single spaces,
    /// starting at a token that does not begin with a lowercase letter) and names their label.
    pub fn predict_with(
        &self,
        sentence: &Sentence,
        lookup: &dyn Fn(&str) -> Option<NerLabel>,
    ) -> Vec<NerSpan> {
        if sentence.tokens.is_empty() {
            return Vec::new();
        }
        let fs = extract(sentence, &self.lexicon, &self.gazetteer, lookup);
        let scores = self.emissions(&fs);
        let path = viterbi(&scores, &self.trans);
        let tags: Vec<Bio> = path.iter().map(|&t| Bio::from_id(t)).collect();
        spans_from_bio(&tags)
            .into_iter()
            .map(|(start, end, label)| {
                let margin = (start..end)
                    .map(|i| {
                        let row = &scores[i * NTAGS..(i + 1) * NTAGS];
                        let best = row[path[i]];
                        let rival = row
                            .iter()
                            .enumerate()
                            .filter(|&(t, _)| t != path[i])
                            .map(|(_, &s)| s)
                            .fold(f32::NEG_INFINITY, f32::max);
                        best - rival
                    })
                    .fold(f32::INFINITY, f32::min);
                NerSpan {
                    start,
                    end,
                    label,
                    score: 1.0 / (1.0 + (-margin / 4.0).exp()),
                }
            })
            .collect()
    }

    /// Names in the sentences of one document, made consistent across it: a phrase
    /// recognised in one place gets the label it gets most (by summed score) everywhere, and
    /// its other capitalised occurrences that no span covers are added with that label
    /// (score scaled by 0.8). Writers repeat names, and one confident occurrence is evidence
    /// for the hesitant ones.
    pub fn predict_document(&self, sentences: &[Sentence]) -> Vec<Vec<NerSpan>> {
        let mut out: Vec<Vec<NerSpan>> = sentences.iter().map(|s| self.predict(s)).collect();
        let surface = |s: &Sentence, a: usize, b: usize| {
            s.tokens[a..b]
                .iter()
                .map(|t| t.form.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        // Phrase → (summed score per label, best score).
        let mut votes: std::collections::BTreeMap<String, [f32; 3]> = Default::default();
        for (s, spans) in sentences.iter().zip(&out) {
            for sp in spans {
                votes.entry(surface(s, sp.start, sp.end)).or_default()[sp.label.index()] +=
                    sp.score;
            }
        }
        let winner = |v: &[f32; 3]| {
            let mut best = 0;
            for l in 1..3 {
                if v[l] > v[best] {
                    best = l;
                }
            }
            (NerLabel::ALL[best], v[best])
        };
        for (s, spans) in sentences.iter().zip(out.iter_mut()) {
            for sp in spans.iter_mut() {
                if let Some(v) = votes.get(&surface(s, sp.start, sp.end)) {
                    sp.label = winner(v).0;
                }
            }
            let mut added = Vec::new();
            let covered =
                |i: usize, spans: &[NerSpan]| spans.iter().any(|p| p.start <= i && i < p.end);
            for (phrase, v) in &votes {
                let (label, total) = winner(v);
                let words: Vec<&str> = phrase.split(' ').collect();
                if !words[0].chars().next().is_some_and(char::is_uppercase)
                    || words.len() > s.tokens.len()
                {
                    continue;
                }
                for a in 0..=s.tokens.len() - words.len() {
                    let b = a + words.len();
                    let hit = s.tokens[a..b].iter().zip(&words).all(|(t, w)| t.form == *w);
                    if hit && !(a..b).any(|i| covered(i, spans) || covered(i, &added)) {
                        let n: f32 = v.iter().sum::<f32>().max(f32::EPSILON);
                        added.push(NerSpan {
                            start: a,
                            end: b,
                            label,
                            score: 0.8 * total / n * (total / n).min(1.0),
                        });
                    }
                }
            }
            spans.extend(added);
            spans.sort_by_key(|p| p.start);
        }
        out
    }

    /// Per-token tag scores (`NTAGS` per token) from the feature weights.
    pub(crate) fn emissions(&self, fs: &FeatureSet) -> Vec<f32> {
        let mut out = vec![0.0f32; fs.len() * NTAGS];
        for (i, row) in out.chunks_exact_mut(NTAGS).enumerate() {
            for k in fs.token(i) {
                if let Some(&r) = self.rows.get(k) {
                    let w = &self.weights[r as usize * NTAGS..(r as usize + 1) * NTAGS];
                    for (o, x) in row.iter_mut().zip(w) {
                        *o += x;
                    }
                }
            }
        }
        out
    }

    /// Number of feature rows with weights.
    pub fn feature_count(&self) -> usize {
        self.rows.len()
    }

    /// Serialises the model: equal models give equal bytes. Weights are stored as 16-bit
    /// integers with one scale per file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        let max = self
            .weights
            .iter()
            .chain(self.trans.iter().flatten())
            .fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        w.f32(scale);
        let q = |x: f32| (x / scale).round() as i64;
        for row in &self.trans {
            for &x in row {
                w.svarint(q(x));
            }
        }
        let mut keys: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        w.varint(keys.len() as u64);
        let mut prev = 0u64;
        for &(k, r) in &keys {
            w.varint(k - prev);
            prev = k;
            for &x in &self.weights[r as usize * NTAGS..(r as usize + 1) * NTAGS] {
                w.svarint(q(x));
            }
        }
        self.lexicon.write(&mut w);
        self.gazetteer.write(&mut w);
        w.finish()
    }

    /// Reads a model written by [`Recognizer::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Recognizer, ModelError> {
        let mut r = Reader::new(bytes, MAGIC, VERSION)?;
        let scale = r.f32()?;
        if !scale.is_finite() || scale <= 0.0 {
            return Err(ModelError::Invalid(format!("weight scale {scale}")));
        }
        let mut trans = [[0.0f32; NTAGS]; NTAGS + 1];
        for row in &mut trans {
            for x in row.iter_mut() {
                *x = r.svarint()? as f32 * scale;
            }
        }
        let n = r.len()?;
        let mut rows = KeyMap::with_capacity_and_hasher(n, Default::default());
        let mut weights = Vec::with_capacity(n * NTAGS);
        let mut key = 0u64;
        for i in 0..n {
            let d = r.varint()?;
            key = key
                .checked_add(d)
                .filter(|_| i == 0 || d > 0)
                .ok_or_else(|| ModelError::Invalid("feature keys out of order".into()))?;
            rows.insert(key, i as u32);
            for _ in 0..NTAGS {
                weights.push(r.svarint()? as f32 * scale);
            }
        }
        let lexicon = Lexicon::read(&mut r)?;
        let gazetteer = Gazetteer::read(&mut r)?;
        if !r.is_at_end() {
            return Err(ModelError::Invalid("trailing bytes".into()));
        }
        Ok(Recognizer {
            rows,
            weights,
            trans,
            lexicon,
            gazetteer,
        })
    }
}

/// The best tag sequence under BIO constraints, given `NTAGS` scores per token.
pub(crate) fn viterbi(scores: &[f32], trans: &[[f32; NTAGS]; NTAGS + 1]) -> Vec<usize> {
    let n = scores.len() / NTAGS;
    if n == 0 {
        return Vec::new();
    }
    let tags: [Bio; NTAGS] = std::array::from_fn(Bio::from_id);
    let mut back = vec![0u8; n * NTAGS];
    let mut cur = [f32::NEG_INFINITY; NTAGS];
    for (t, c) in cur.iter_mut().enumerate() {
        if Bio::allows(None, tags[t]) {
            *c = scores[t] + trans[NTAGS][t];
        }
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; NTAGS];
        for t in 0..NTAGS {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0usize;
            for p in 0..NTAGS {
                if !Bio::allows(Some(tags[p]), tags[t]) {
                    continue;
                }
                let s = cur[p] + trans[p][t];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            next[t] = best + scores[i * NTAGS + t];
            back[i * NTAGS + t] = arg as u8;
        }
        cur = next;
    }
    let mut t = (0..NTAGS)
        .max_by(|&a, &b| cur[a].total_cmp(&cur[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    let mut path = vec![0usize; n];
    for i in (0..n).rev() {
        path[i] = t;
        t = usize::from(back[i * NTAGS + t]);
    }
    path
}
