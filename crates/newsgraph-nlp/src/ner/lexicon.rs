//! What the recogniser knows about words beyond the labelled data: distributional word
//! classes and capitalisation habits learned from unlabelled text ([`Lexicon`]), and names
//! known in advance ([`Gazetteer`]).
//!
//! Word classes come from the exchange algorithm on a predictive class bigram model (each
//! word's class predicts the next word and the previous word): words that occur in similar
//! contexts, such as first names, month names or city names, end up in one class even when
//! the labelled data never shows them. Two clusterings of different granularity are kept.

use super::NerLabel;
use crate::binio::{ModelError, Reader, Writer};
use std::collections::{BTreeMap, HashMap};

/// Number of class granularities kept per word.
pub const GRAINS: usize = 2;

/// Distributional facts about one (lowercased) word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WordInfo {
    /// Class id at each granularity (coarse first).
    pub classes: [u16; GRAINS],
    /// How often the word is capitalised away from the sentence start, in five buckets
    /// (0: almost never … 4: almost always).
    pub caps: u8,
}

/// Lowercased word → [`WordInfo`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lexicon {
    words: HashMap<String, WordInfo>,
}

/// How the lexicon is learned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexiconOptions {
    /// Class counts, coarse first.
    pub classes: [usize; GRAINS],
    /// Words seen fewer times are left out.
    pub min_count: usize,
    /// Exchange passes over the vocabulary.
    pub iterations: usize,
}

impl Default for LexiconOptions {
    fn default() -> Self {
        Self {
            classes: [64, 400],
            min_count: 2,
            iterations: 8,
        }
    }
}

/// `x ln x`, with a table for small counts (the exchange loop calls it hundreds of millions
/// of times).
struct XLogX {
    table: Vec<f64>,
}

impl XLogX {
    fn new(n: usize) -> Self {
        Self {
            table: (0..n)
                .map(|x| {
                    if x == 0 {
                        0.0
                    } else {
                        x as f64 * (x as f64).ln()
                    }
                })
                .collect(),
        }
    }
    #[inline]
    fn f(&self, x: u32) -> f64 {
        match self.table.get(x as usize) {
            Some(&v) => v,
            None => f64::from(x) * f64::from(x).ln(),
        }
    }
}

impl Lexicon {
    /// Learns classes and capitalisation buckets from tokenised sentences.
    pub fn learn(sentences: &[Vec<&str>], opts: &LexiconOptions) -> Lexicon {
        // Vocabulary: lowercased words with their counts, most frequent first, ties by
        // spelling, so that ids and therefore classes are reproducible.
        let mut counts: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
        for s in sentences {
            for (i, w) in s.iter().enumerate() {
                let e = counts.entry(w.to_lowercase()).or_default();
                e.0 += 1;
                if i > 0 {
                    e.1 += 1;
                    if w.chars().next().is_some_and(char::is_uppercase) {
                        e.2 += 1;
                    }
                }
            }
        }
        let mut vocab: Vec<(&String, u32)> = counts
            .iter()
            .filter(|(_, c)| c.0 as usize >= opts.min_count)
            .map(|(w, c)| (w, c.0))
            .collect();
        vocab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        // Id 0 is the sentence boundary, id 1 stands for every rare word.
        let ids: HashMap<&str, u32> = vocab
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (w.as_str(), i as u32 + 2))
            .collect();
        let v = vocab.len() + 2;
        let mut bigrams: BTreeMap<(u32, u32), u32> = BTreeMap::new();
        let mut unigram = vec![0u32; v];
        for s in sentences {
            let mut prev = 0u32;
            unigram[0] += 1;
            for w in s {
                let id = ids.get(w.to_lowercase().as_str()).copied().unwrap_or(1);
                *bigrams.entry((prev, id)).or_default() += 1;
                unigram[id as usize] += 1;
                prev = id;
            }
            *bigrams.entry((prev, 0)).or_default() += 1;
        }
        let mut succ: Vec<Vec<(u32, u32)>> = vec![Vec::new(); v];
        let mut pred: Vec<Vec<(u32, u32)>> = vec![Vec::new(); v];
        for (&(a, b), &n) in &bigrams {
            succ[a as usize].push((b, n));
            pred[b as usize].push((a, n));
        }
        let xlx = XLogX::new(1 << 16);
        let mut words = HashMap::new();
        let mut all_classes = Vec::new();
        for &k in &opts.classes {
            all_classes.push(exchange(&succ, &pred, &unigram, k.max(2), opts, &xlx));
        }
        for (i, (w, _)) in vocab.iter().enumerate() {
            let c = counts[*w];
            let ratio = if c.1 == 0 {
                0.5
            } else {
                f64::from(c.2) / f64::from(c.1)
            };
            let caps = match ratio {
                r if r < 0.05 => 0,
                r if r < 0.3 => 1,
                r if r < 0.7 => 2,
                r if r < 0.95 => 3,
                _ => 4,
            };
            let classes = std::array::from_fn(|g| all_classes[g][i + 2]);
            words.insert((*w).clone(), WordInfo { classes, caps });
        }
        Lexicon { words }
    }

    /// What is known about `lower` (a lowercased word).
    pub fn get(&self, lower: &str) -> Option<WordInfo> {
        self.words.get(lower).copied()
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when no word is known.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        let mut all: Vec<(&String, &WordInfo)> = self.words.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        w.varint(all.len() as u64);
        for (word, info) in all {
            w.str(word);
            for c in info.classes {
                w.varint(u64::from(c));
            }
            w.u8(info.caps);
        }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Lexicon, ModelError> {
        let n = r.len()?;
        let mut words = HashMap::with_capacity(n);
        for _ in 0..n {
            let word = r.str()?.to_owned();
            let mut classes = [0u16; GRAINS];
            for c in &mut classes {
                *c = u16::try_from(r.varint()?)
                    .map_err(|_| ModelError::Invalid("word class out of range".into()))?;
            }
            let caps = r.u8()?;
            words.insert(word, WordInfo { classes, caps });
        }
        Ok(Lexicon { words })
    }
}

// Class statistics of the two-sided predictive model: `right[c * v + w]` counts bigrams
// (x, w) with x in class c, `left[c * v + w]` bigrams (w, x) with x in c.
struct Tables {
    v: usize,
    right: Vec<u32>,
    left: Vec<u32>,
    size: Vec<u32>,
}

impl Tables {
    fn apply(&mut self, c: usize, succ: &[(u32, u32)], pred: &[(u32, u32)], n: u32, add: bool) {
        let base = c * self.v;
        for &(x, k) in succ {
            let cell = &mut self.right[base + x as usize];
            *cell = if add { *cell + k } else { *cell - k };
        }
        for &(x, k) in pred {
            let cell = &mut self.left[base + x as usize];
            *cell = if add { *cell + k } else { *cell - k };
        }
        self.size[c] = if add {
            self.size[c] + n
        } else {
            self.size[c] - n
        };
    }
}

/// Exchange clustering into `k` classes; returns each word id's class.
fn exchange(
    succ: &[Vec<(u32, u32)>],
    pred: &[Vec<(u32, u32)>],
    unigram: &[u32],
    k: usize,
    opts: &LexiconOptions,
    xlx: &XLogX,
) -> Vec<u16> {
    let v = unigram.len();
    // Start with frequency rank modulo k (the boundary and rare-word ids take classes 0 and 1
    // and stay there).
    let mut class: Vec<u16> = (0..v).map(|i| (i % k) as u16).collect();
    let mut t = Tables {
        v,
        right: vec![0; k * v],
        left: vec![0; k * v],
        size: vec![0; k],
    };
    for w in 0..v {
        t.apply(class[w] as usize, &succ[w], &pred[w], unigram[w], true);
    }
    for _ in 0..opts.iterations {
        let mut moved = 0usize;
        for w in 2..v {
            let from = class[w] as usize;
            let n = unigram[w];
            t.apply(from, &succ[w], &pred[w], n, false);
            let mut best = from;
            let mut best_gain = f64::NEG_INFINITY;
            for c in 0..k {
                let base = c * v;
                let mut gain = 0.0;
                for &(x, m) in &succ[w] {
                    let cur = t.right[base + x as usize];
                    gain += xlx.f(cur + m) - xlx.f(cur);
                }
                for &(x, m) in &pred[w] {
                    let cur = t.left[base + x as usize];
                    gain += xlx.f(cur + m) - xlx.f(cur);
                }
                gain -= 2.0 * (xlx.f(t.size[c] + n) - xlx.f(t.size[c]));
                if gain > best_gain + 1e-9 || (c == from && gain >= best_gain - 1e-9) {
                    best_gain = gain;
                    best = c;
                }
            }
            t.apply(best, &succ[w], &pred[w], n, true);
            if best != from {
                class[w] = best as u16;
                moved += 1;
            }
        }
        if moved == 0 {
            break;
        }
    }
    class
}

/// Names known in advance: a phrase (tokens joined by single spaces, case kept) → label, and
/// words known as given names or surnames.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gazetteer {
    names: HashMap<String, NerLabel>,
    max_len: usize,
    /// Lowercased word → kinds of name it is a known word of ([`GIVEN_NAME`], [`SURNAME`]).
    words: HashMap<String, u8>,
    /// Lowercased phrase → label (derived from `names`).
    lower: HashMap<String, NerLabel>,
}

/// [`Gazetteer::word_kinds`] bit: a known given name.
pub const GIVEN_NAME: u8 = 1;
/// [`Gazetteer::word_kinds`] bit: a known surname.
pub const SURNAME: u8 = 2;

impl Gazetteer {
    /// A gazetteer from `(phrase, label)` pairs; a phrase listed twice keeps its first label.
    pub fn from_pairs<I: IntoIterator<Item = (String, NerLabel)>>(pairs: I) -> Gazetteer {
        let mut g = Gazetteer::default();
        for (p, l) in pairs {
            let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
            if p.is_empty() {
                continue;
            }
            g.max_len = g.max_len.max(p.split(' ').count());
            // Acronyms ("US", "WHO") lowercased are common words.
            if p.chars().any(char::is_lowercase) {
                g.lower.entry(p.to_lowercase()).or_insert(l);
            }
            g.names.entry(p).or_insert(l);
        }
        g
    }

    /// Reads the project's gazetteer folder: `countries.tsv` (names, short forms and capitals
    /// as locations; demonyms are not names), `cities.tsv`, `places.tsv` and
    /// `world_places.txt` (locations), `organizations.tsv` (names and aliases as
    /// organisations, facilities as locations), and the word lists `given_names.txt` and
    /// `surnames.txt`. A phrase in several files keeps the label of the first. Multi-token
    /// phrases are split the way the tokenizer splits them.
    pub fn from_dir(dir: &std::path::Path) -> Result<Gazetteer, String> {
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).map_err(|e| format!("{}: cannot read: {e}", p.display()))
        };
        let mut pairs = Vec::new();
        let mut add = |phrase: &str, l: NerLabel| {
            let spans = crate::tokenize::tokenize(phrase);
            let toks: Vec<&str> = spans.iter().map(|s| s.slice(phrase)).collect();
            if !toks.is_empty() {
                pairs.push((toks.join(" "), l));
            }
        };
        for line in read("countries.tsv")?.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            for (i, cell) in cols.iter().enumerate() {
                if matches!(i, 0 | 2 | 4) {
                    for p in cell.split('|').filter(|p| !p.is_empty()) {
                        add(p, NerLabel::Loc);
                    }
                }
            }
        }
        for file in ["cities.tsv", "places.tsv"] {
            for line in read(file)?.lines().skip(1) {
                let cols: Vec<&str> = line.split('\t').collect();
                for (i, cell) in cols.iter().enumerate() {
                    if matches!(i, 0 | 4) {
                        for p in cell.split('|').filter(|p| !p.is_empty()) {
                            add(p, NerLabel::Loc);
                        }
                    }
                }
            }
        }
        for p in read("world_places.txt")?.lines() {
            add(p, NerLabel::Loc);
        }
        for line in read("organizations.tsv")?.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let label = match cols.get(2) {
                Some(&"FACILITY") => NerLabel::Loc,
                _ => NerLabel::Org,
            };
            for (i, cell) in cols.iter().enumerate() {
                if matches!(i, 0 | 3) {
                    for p in cell.split('|').filter(|p| !p.is_empty()) {
                        add(p, label);
                    }
                }
            }
        }
        let mut g = Gazetteer::from_pairs(pairs);
        for (file, kind) in [("given_names.txt", GIVEN_NAME), ("surnames.txt", SURNAME)] {
            for w in read(file)?.lines().map(str::trim).filter(|w| !w.is_empty()) {
                g.add_word(w, kind);
            }
        }
        Ok(g)
    }

    /// The label of a lowercased phrase whose listed spelling has capitals.
    pub fn get_lower(&self, lower: &str) -> Option<NerLabel> {
        self.lower.get(lower).copied()
    }

    /// Marks `word` (any case) as a word of the given name kinds (bits, added to any it had).
    pub fn add_word(&mut self, word: &str, kinds: u8) {
        *self.words.entry(word.to_lowercase()).or_default() |= kinds;
    }

    /// The name kinds of a lowercased word (0 when unknown).
    pub fn word_kinds(&self, lower: &str) -> u8 {
        self.words.get(lower).copied().unwrap_or(0)
    }

    /// The label of `phrase`, if listed.
    pub fn get(&self, phrase: &str) -> Option<NerLabel> {
        self.names.get(phrase).copied()
    }

    /// Tokens in the longest phrase.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no phrase is listed.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        let mut all: Vec<(&String, &NerLabel)> = self.names.iter().collect();
        all.sort();
        w.varint(all.len() as u64);
        for (p, l) in all {
            w.str(p);
            w.u8(l.index() as u8);
        }
        let mut words: Vec<(&String, &u8)> = self.words.iter().collect();
        words.sort();
        w.varint(words.len() as u64);
        for (word, k) in words {
            w.str(word);
            w.u8(*k);
        }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Gazetteer, ModelError> {
        let n = r.len()?;
        let mut pairs = Vec::with_capacity(n);
        for _ in 0..n {
            let p = r.str()?.to_owned();
            let l = NerLabel::ALL
                .get(usize::from(r.u8()?))
                .copied()
                .ok_or_else(|| ModelError::Invalid("gazetteer label out of range".into()))?;
            pairs.push((p, l));
        }
        let mut g = Gazetteer::from_pairs(pairs);
        let n = r.len()?;
        for _ in 0..n {
            let word = r.str()?.to_owned();
            let k = r.u8()?;
            g.words.insert(word, k);
        }
        Ok(g)
    }
}
