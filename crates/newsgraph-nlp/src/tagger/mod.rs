//! Part-of-speech tagging: a sentence's word forms in, a universal (UPOS) and a Penn
//! Treebank (XPOS) tag per token out.
//!
//! The tagger is a greedy averaged perceptron over joint `UPOS+XPOS` labels, which keeps the
//! two tags consistent. A first pass tags left to right from the words around each token and
//! its two previous tags; a second pass re-tags the sentence adding the first pass's tags on
//! the right, on top of the first pass's word scores. Frequent words that always carry one
//! label in training skip scoring (the tag dictionary), and the summed weights of the
//! form-only features of frequent words are precomputed at load time (the word cache).
//!
//! [`Tagger::train`] builds a model from CoNLL-U sentences, [`Tagger::to_bytes`] and
//! [`Tagger::from_bytes`] store and load it, and [`evaluate`] scores tagger and lemmatizer
//! against gold sentences.

mod features;
mod table;
mod train;

use crate::binio::{ModelError, Reader, Writer};
use crate::conllu::{self, ConlluSentence};
use crate::lemma::Lemmatizer;
use crate::token::{Sentence, Upos};
use features::{Atoms, N_LEFT, N_RIGHT, N_STATIC, N_WORD, NO_TAG_AFTER, NO_TAG_BEFORE};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use table::{KeyMap, Weights};

const MAGIC: &[u8; 8] = b"NGTAGGER";
const VERSION: u32 = 1;
/// Label ids are bytes; the largest value is kept free to mark "no usable gold label".
const MAX_LABELS: usize = u8::MAX as usize;
/// Features of one token in every layout: word, context, left tags, right tags.
const N_ALL: usize = N_STATIC + N_LEFT + N_RIGHT;

/// Training settings. [`Default`] gives the settings the shipped model was trained with.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggerOptions {
    /// Passes over the training data (the best one on the development set is kept).
    pub epochs: usize,
    /// Seed of the sentence shuffling and word dropout.
    pub seed: u64,
    /// Train the second, right-context-aware pass.
    pub two_pass: bool,
    /// Folds used to produce realistic first-pass output on the training data for the
    /// second pass (jackknifing); at least 2.
    pub folds: usize,
    /// A form enters the tag dictionary when seen at least this often ...
    pub dict_min_count: u32,
    /// ... with its most frequent label at least this share of the time.
    pub dict_min_share: f64,
    /// Quantised weights smaller than this in magnitude are dropped from the model.
    pub min_weight: i16,
    /// Tag-independent features seen fewer times than this in training get no weight.
    pub min_feature_count: u32,
    /// Word dropout strength α: in training, a word seen `c` times has its word features
    /// hidden with probability α / (α + c), teaching the model to tag unseen words.
    pub word_dropout: f64,
    /// Forms seen at least this often in training get their form-only scores cached at
    /// load time (a speed/memory trade-off; it never changes the output).
    pub cache_min_count: u32,
    /// The second pass sees the first pass's word scores divided by 2^this, so that its
    /// own tag features can outweigh them.
    pub base_shift: u8,
}

impl Default for TaggerOptions {
    fn default() -> Self {
        Self {
            epochs: 10,
            seed: 0x5eed_7a66,
            two_pass: true,
            folds: 4,
            dict_min_count: 10,
            dict_min_share: 0.98,
            min_weight: 1,
            min_feature_count: 2,
            word_dropout: 0.25,
            cache_min_count: 2,
            base_shift: 2,
        }
    }
}

/// What training measured, for logs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainReport {
    /// Joint UPOS+XPOS accuracy on the development set after each first-pass epoch.
    pub pass1_dev: Vec<f64>,
    /// The same for the second pass, when trained.
    pub pass2_dev: Vec<f64>,
    /// Training tokens mis-tagged during each first-pass epoch.
    pub pass1_errors: Vec<usize>,
    /// The same for the second pass.
    pub pass2_errors: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Label {
    upos: Upos,
    xpos: String,
}

/// Precomputed form-only scores: form hash → row of `n_labels` scores.
#[derive(Clone, Debug, PartialEq, Eq)]
struct WordCache {
    rows: KeyMap<u32>,
    scores: Vec<i32>,
}

impl WordCache {
    fn build(forms: &[String], pass1: &Weights, n_labels: usize) -> Self {
        let mut pairs = Vec::with_capacity(forms.len());
        let mut scores = vec![0i32; forms.len() * n_labels];
        let mut buf = String::new();
        let mut keys = [0u64; N_WORD];
        for (r, form) in forms.iter().enumerate() {
            let a = features::atoms(form, &mut buf);
            features::word_features(&a, &mut keys);
            pass1.add_all(&keys, &mut scores[r * n_labels..(r + 1) * n_labels]);
            pairs.push((a.exact, r as u32));
        }
        WordCache {
            rows: KeyMap::build(&pairs),
            scores,
        }
    }
}

/// A trained part-of-speech tagger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tagger {
    labels: Vec<Label>,
    dict: KeyMap<u8>,
    pass1: Weights,
    pass2: Option<Weights>,
    /// Right shift of the first-pass word scores under the second pass.
    base_shift: u8,
    /// Forms whose form-only scores are cached, in byte order.
    cached_forms: Vec<String>,
    cache: WordCache,
}

/// A sentence made ready for training: per-token atoms, tag-independent features,
/// dictionary labels and gold labels.
pub(crate) struct Prepared {
    atoms: Vec<Atoms>,
    statics: Vec<u64>,
    dict: Vec<Option<u8>>,
    gold: Vec<u8>,
}

impl Prepared {
    fn len(&self) -> usize {
        self.atoms.len()
    }
}

fn sentence_atoms<'a>(forms: impl Iterator<Item = &'a str>) -> Vec<Atoms> {
    let mut buf = String::new();
    forms.map(|f| features::atoms(f, &mut buf)).collect()
}

/// Fills the word and context features of token `i`.
fn static_keys(atoms: &[Atoms], i: usize, out: &mut [u64]) {
    features::word_features(&atoms[i], &mut out[..N_WORD]);
    features::context_features(atoms, i, &mut out[N_WORD..N_STATIC]);
}

/// Fills `out` (laid out as word, context, left, right) with the tag features of token `i`
/// given the tags decided so far (`left`, one per earlier token) and, for a second pass,
/// the first pass's tags; the static part is copied from `p`.
#[inline]
pub(crate) fn assemble(
    out: &mut [u64; N_ALL],
    p: &Prepared,
    i: usize,
    left: &[u8],
    right: Option<&[u8]>,
) {
    out[..N_STATIC].copy_from_slice(&p.statics[i * N_STATIC..(i + 1) * N_STATIC]);
    tag_keys(out, &p.atoms[i], i, left, right);
}

/// Fills the left (and, with `right`, right) tag features of token `i` into `out`.
#[inline]
fn tag_keys(out: &mut [u64; N_ALL], a: &Atoms, i: usize, left: &[u8], right: Option<&[u8]>) {
    let before = |k: usize| {
        i.checked_sub(k)
            .and_then(|j| left.get(j))
            .map_or(NO_TAG_BEFORE[k - 1], |&t| u64::from(t))
    };
    let (p1, p2) = (before(1), before(2));
    features::left_features(a, p1, p2, &mut out[N_STATIC..N_STATIC + N_LEFT]);
    if let Some(r) = right {
        let after = |k: usize| r.get(i + k).map_or(NO_TAG_AFTER[k - 1], |&t| u64::from(t));
        features::right_features(a, p1, after(1), after(2), &mut out[N_STATIC + N_LEFT..]);
    }
}

/// Index of the highest score; the lowest index wins ties.
#[inline]
fn argmax(scores: &[i32]) -> u8 {
    let mut best = 0usize;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best as u8
}

/// The models a sentence is decoded with.
struct Decoder<'a> {
    n_labels: usize,
    dict: &'a KeyMap<u8>,
    pass1: &'a Weights,
    pass2: Option<&'a Weights>,
    base_shift: u8,
    cache: Option<&'a WordCache>,
}

impl Decoder<'_> {
    /// Tag-independent first-pass scores of every token not in the tag dictionary
    /// (`len × n_labels`, row-major; dictionary rows stay zero).
    fn static_scores(&self, atoms: &[Atoms], dict: &[Option<u8>], out: &mut Vec<i32>) {
        let l = self.n_labels;
        out.clear();
        out.resize(atoms.len() * l, 0);
        let mut keys = [0u64; N_STATIC];
        for (i, a) in atoms.iter().enumerate() {
            if dict[i].is_some() {
                continue;
            }
            let row = &mut out[i * l..(i + 1) * l];
            let cached = self
                .cache
                .and_then(|c| c.rows.get(a.exact).map(|r| (c, r as usize)));
            match cached {
                Some((c, r)) => {
                    row.copy_from_slice(&c.scores[r * l..(r + 1) * l]);
                    features::context_features(atoms, i, &mut keys[N_WORD..]);
                    self.pass1.add_all(&keys[N_WORD..], row);
                }
                None => {
                    static_keys(atoms, i, &mut keys);
                    self.pass1.add_all(&keys, row);
                }
            }
        }
    }

    /// Greedy left-to-right decoding of one pass into `out`, over `base` scores; a second
    /// pass gets the first pass's tags as `right`.
    fn pass(
        &self,
        weights: &Weights,
        atoms: &[Atoms],
        dict: &[Option<u8>],
        base: &[i32],
        right: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) {
        let l = self.n_labels;
        let mut scores = [0i32; MAX_LABELS];
        let scores = &mut scores[..l];
        let mut keys = [0u64; N_ALL];
        let used = match right {
            None => N_STATIC..N_STATIC + N_LEFT,
            Some(_) => N_STATIC..N_ALL,
        };
        out.clear();
        for i in 0..atoms.len() {
            if let Some(t) = dict[i] {
                out.push(t);
                continue;
            }
            tag_keys(&mut keys, &atoms[i], i, out, right);
            scores.copy_from_slice(&base[i * l..(i + 1) * l]);
            weights.add_all(&keys[used.clone()], scores);
            out.push(argmax(scores));
        }
    }

    /// Labels for a sentence's tokens; `bufs` is scratch space reused between sentences.
    fn decode(&self, atoms: &[Atoms], bufs: &mut Buffers, out: &mut Vec<u8>) {
        let Buffers {
            dict, base, first, ..
        } = bufs;
        dict.clear();
        dict.extend(atoms.iter().map(|a| self.dict.get(a.exact)));
        self.static_scores(atoms, dict, base);
        self.pass(self.pass1, atoms, dict, base, None, out);
        if let Some(pass2) = self.pass2 {
            first.clone_from(out);
            for s in base.iter_mut() {
                *s >>= self.base_shift;
            }
            self.pass(pass2, atoms, dict, base, Some(first), out);
        }
    }
}

/// Scratch space of [`Decoder::decode`], kept per thread so that tagging allocates nothing
/// once the buffers have grown to the longest sentence seen.
#[derive(Default)]
struct Buffers {
    buf: String,
    atoms: Vec<Atoms>,
    dict: Vec<Option<u8>>,
    base: Vec<i32>,
    first: Vec<u8>,
    tags: Vec<u8>,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::new(Buffers::default());
}

impl Decoder<'_> {}

/// The shipped model (`models/tagger.bin`), trained by [`train_from_dir`] on UD
/// English-EWT, whose CC BY-SA 4.0 licence carries over to it.
const EMBEDDED: &[u8] = include_bytes!("../../models/tagger.bin");

impl Tagger {
    /// Loads the shipped model (trained on UD English-EWT). Parsing takes tens of
    /// milliseconds, so load it once and share it.
    pub fn embedded() -> Result<Tagger, ModelError> {
        Tagger::from_bytes(EMBEDDED)
    }

    /// Trains a tagger on gold sentences; `dev`, when given, picks the best epoch.
    ///
    /// The same data and options always give the same model, byte for byte.
    pub fn train(
        train: &[ConlluSentence],
        dev: Option<&[ConlluSentence]>,
        opts: &TaggerOptions,
    ) -> Tagger {
        Self::train_with_report(train, dev, opts).0
    }

    /// Like [`Tagger::train`], also returning development scores per epoch.
    pub fn train_with_report(
        train: &[ConlluSentence],
        dev: Option<&[ConlluSentence]>,
        opts: &TaggerOptions,
    ) -> (Tagger, TrainReport) {
        let labels = collect_labels(train);
        let label_ids: BTreeMap<(Upos, &str), u8> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| ((l.upos, l.xpos.as_str()), i as u8))
            .collect();
        let dict = build_dict(train, &label_ids, opts);
        let prepare = |s: &ConlluSentence| {
            let atoms = sentence_atoms(s.sentence.tokens.iter().map(|t| t.form.as_str()));
            let mut statics = vec![0u64; atoms.len() * N_STATIC];
            for i in 0..atoms.len() {
                static_keys(&atoms, i, &mut statics[i * N_STATIC..(i + 1) * N_STATIC]);
            }
            let gold = s
                .sentence
                .tokens
                .iter()
                .map(|t| {
                    label_ids
                        .get(&(t.upos, t.xpos.as_str()))
                        .copied()
                        .unwrap_or(u8::MAX)
                })
                .collect();
            let dict_labels = atoms.iter().map(|a| dict.get(a.exact)).collect();
            Prepared {
                atoms,
                statics,
                dict: dict_labels,
                gold,
            }
        };
        let preps: Vec<Prepared> = train.iter().map(prepare).collect();
        let refs: Vec<&Prepared> = preps.iter().collect();
        let dev_preps: Vec<Prepared> = dev.unwrap_or(&[]).iter().map(prepare).collect();
        let n_labels = labels.len().max(1);
        let mut report = TrainReport::default();

        let dev_score = |pass1: &Weights, pass2: Option<&Weights>| -> Option<f64> {
            if dev_preps.is_empty() {
                return None;
            }
            let decoder = Decoder {
                n_labels,
                dict: &dict,
                pass1,
                pass2,
                base_shift: opts.base_shift,
                cache: None,
            };
            let (mut good, mut total) = (0usize, 0usize);
            let mut tags = Vec::new();
            let mut bufs = Buffers::default();
            for p in &dev_preps {
                decoder.decode(&p.atoms, &mut bufs, &mut tags);
                good += tags.iter().zip(&p.gold).filter(|(a, b)| a == b).count();
                total += p.len();
            }
            Some(good as f64 / total.max(1) as f64)
        };

        let first = train::train_pass(&refs, None, n_labels, opts.epochs, opts.seed, opts, |w| {
            dev_score(w, None)
        });
        report.pass1_dev = first.dev.iter().flatten().copied().collect();
        report.pass1_errors = first.errors.clone();
        let pass1 = first.weights;
        let pass2 = opts.two_pass.then(|| {
            let epochs = best_epoch(&first.dev, opts);
            let (right, base) = jackknife(&refs, &dict, n_labels, opts, epochs);
            let second = train::SecondPass {
                right: &right,
                base: &base,
                scale: first.scale,
            };
            let trained = train::train_pass(
                &refs,
                Some(&second),
                n_labels,
                opts.epochs,
                opts.seed ^ 0x2,
                opts,
                |w| dev_score(&pass1, Some(w)),
            );
            report.pass2_dev = trained.dev.iter().flatten().copied().collect();
            report.pass2_errors = trained.errors;
            trained.weights
        });
        // A second pass that does not beat the first on the development set is dropped.
        let best = |dev: &[f64]| dev.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pass2 = pass2.filter(|_| {
            report.pass2_dev.is_empty() || best(&report.pass2_dev) > best(&report.pass1_dev)
        });
        let cached_forms = frequent_forms(train, &dict, opts.cache_min_count);
        let cache = WordCache::build(&cached_forms, &pass1, n_labels);
        let base_shift = if pass2.is_some() { opts.base_shift } else { 0 };
        (
            Tagger {
                labels,
                dict,
                pass1,
                pass2,
                base_shift,
                cached_forms,
                cache,
            },
            report,
        )
    }

    fn decoder(&self) -> Decoder<'_> {
        Decoder {
            n_labels: self.labels.len(),
            dict: &self.dict,
            pass1: &self.pass1,
            pass2: self.pass2.as_ref(),
            base_shift: self.base_shift,
            cache: Some(&self.cache),
        }
    }

    /// Tags `sentence` in place: reads each token's `form`, writes its `upos` and `xpos`.
    pub fn tag(&self, sentence: &mut Sentence) {
        BUFFERS.with(|b| match b.try_borrow_mut() {
            Ok(mut b) => self.tag_with(sentence, &mut b),
            // Only reachable by tagging from inside a tagging call on the same thread.
            Err(_) => self.tag_with(sentence, &mut Buffers::default()),
        });
    }

    fn tag_with(&self, sentence: &mut Sentence, bufs: &mut Buffers) {
        let mut atoms = std::mem::take(&mut bufs.atoms);
        let mut tags = std::mem::take(&mut bufs.tags);
        atoms.clear();
        for t in &sentence.tokens {
            atoms.push(features::atoms(&t.form, &mut bufs.buf));
        }
        self.decoder().decode(&atoms, bufs, &mut tags);
        for (token, &t) in sentence.tokens.iter_mut().zip(&tags) {
            if let Some(label) = self.labels.get(usize::from(t)) {
                token.upos = label.upos;
                token.xpos.clear();
                token.xpos.push_str(&label.xpos);
            }
        }
        bufs.atoms = atoms;
        bufs.tags = tags;
    }

    /// Serialises the model (see [`crate::binio`]); equal models give equal bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        w.varint(self.labels.len() as u64);
        for l in &self.labels {
            w.u8(l.upos.id() as u8);
            w.str(&l.xpos);
        }
        self.dict.write(&mut w);
        w.varint(self.cached_forms.len() as u64);
        for f in &self.cached_forms {
            w.str(f);
        }
        self.pass1.write(&mut w);
        match &self.pass2 {
            Some(p) => {
                w.u8(1);
                w.u8(self.base_shift);
                p.write(&mut w);
            }
            None => w.u8(0),
        }
        w.finish()
    }

    /// Loads a model written by [`Tagger::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader::new(bytes, MAGIC, VERSION)?;
        let n = r.len()?;
        if n == 0 || n > MAX_LABELS {
            return Err(ModelError::Invalid(format!("{n} labels")));
        }
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let id = usize::from(r.u8()?);
            let upos = *Upos::ALL
                .get(id)
                .ok_or_else(|| ModelError::Invalid(format!("UPOS id {id}")))?;
            labels.push(Label {
                upos,
                xpos: r.str()?.to_owned(),
            });
        }
        let dict = KeyMap::read(&mut r, n)?;
        let n_forms = r.len()?;
        let mut cached_forms = Vec::with_capacity(n_forms);
        for _ in 0..n_forms {
            cached_forms.push(r.str()?.to_owned());
        }
        if cached_forms.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ModelError::Invalid(
                "cached forms not sorted and distinct".into(),
            ));
        }
        let pass1 = Weights::read(&mut r, n)?;
        let (pass2, base_shift) = match r.u8()? {
            0 => (None, 0),
            1 => {
                let shift = r.u8()?;
                if shift > 16 {
                    return Err(ModelError::Invalid(format!("base shift {shift}")));
                }
                (Some(Weights::read(&mut r, n)?), shift)
            }
            b => return Err(ModelError::Invalid(format!("second-pass flag {b}"))),
        };
        if !r.is_at_end() {
            return Err(ModelError::Invalid(
                "trailing bytes after the tagger model".into(),
            ));
        }
        let cache = WordCache::build(&cached_forms, &pass1, n);
        Ok(Tagger {
            labels,
            dict,
            pass1,
            pass2,
            base_shift,
            cached_forms,
            cache,
        })
    }

    /// Size figures for logs: labels, dictionary forms, cached forms, features and weights.
    pub fn stats(&self) -> TaggerStats {
        let (f2, w2) = self
            .pass2
            .as_ref()
            .map_or((0, 0), |p| (p.n_features(), p.n_weights()));
        TaggerStats {
            labels: self.labels.len(),
            dictionary: self.dict.len(),
            cached: self.cached_forms.len(),
            features: self.pass1.n_features() + f2,
            weights: self.pass1.n_weights() + w2,
        }
    }
}

/// Size figures of a tagger model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaggerStats {
    /// Joint UPOS+XPOS labels.
    pub labels: usize,
    /// Forms in the tag dictionary.
    pub dictionary: usize,
    /// Forms with cached scores.
    pub cached: usize,
    /// Features with at least one weight, both passes.
    pub features: usize,
    /// Non-zero weights, both passes.
    pub weights: usize,
}

/// Distinct `(UPOS, XPOS)` pairs of the training data, most frequent first (ties by name),
/// at most [`MAX_LABELS`]; then sorted by tag so ids are stable.
fn collect_labels(train: &[ConlluSentence]) -> Vec<Label> {
    let mut counts: BTreeMap<(Upos, &str), usize> = BTreeMap::new();
    for s in train {
        for t in &s.sentence.tokens {
            *counts.entry((t.upos, t.xpos.as_str())).or_default() += 1;
        }
    }
    let mut by_count: Vec<((Upos, &str), usize)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    by_count.truncate(MAX_LABELS);
    let mut labels: Vec<Label> = by_count
        .into_iter()
        .map(|((upos, xpos), _)| Label {
            upos,
            xpos: xpos.to_owned(),
        })
        .collect();
    labels.sort_by(|a, b| (a.upos, &a.xpos).cmp(&(b.upos, &b.xpos)));
    labels
}

/// Forms (exact spelling) frequent enough and unambiguous enough to skip scoring.
fn build_dict(
    train: &[ConlluSentence],
    label_ids: &BTreeMap<(Upos, &str), u8>,
    opts: &TaggerOptions,
) -> KeyMap<u8> {
    let mut counts: BTreeMap<&str, BTreeMap<u8, u32>> = BTreeMap::new();
    for s in train {
        for t in &s.sentence.tokens {
            if let Some(&l) = label_ids.get(&(t.upos, t.xpos.as_str())) {
                *counts
                    .entry(t.form.as_str())
                    .or_default()
                    .entry(l)
                    .or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<(u64, u8)> = Vec::new();
    for (form, labels) in counts {
        let total: u32 = labels.values().sum();
        let Some((&label, &top)) = labels.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        else {
            continue;
        };
        if total >= opts.dict_min_count && f64::from(top) >= opts.dict_min_share * f64::from(total)
        {
            pairs.push((features::form_key(form), label));
        }
    }
    pairs.sort_unstable();
    // Two forms with one 64-bit hash are astronomically unlikely; keep the first if so.
    pairs.dedup_by_key(|p| p.0);
    KeyMap::build(&pairs)
}

/// Training forms seen at least `min_count` times and not in the tag dictionary, in byte
/// order (`min_count` 0 caches nothing).
fn frequent_forms(train: &[ConlluSentence], dict: &KeyMap<u8>, min_count: u32) -> Vec<String> {
    if min_count == 0 {
        return Vec::new();
    }
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for s in train {
        for t in &s.sentence.tokens {
            *counts.entry(t.form.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|&(f, c)| c >= min_count && dict.get(features::form_key(f)).is_none())
        .map(|(f, _)| f.to_owned())
        .collect()
}

fn best_epoch(history: &[Option<f64>], opts: &TaggerOptions) -> usize {
    let mut best: Option<(usize, f64)> = None;
    for (i, s) in history
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i, s)))
    {
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((i + 1, s));
        }
    }
    best.map_or(opts.epochs, |(e, _)| e)
}

/// First-pass tags and static scores (in perceptron units) for every training sentence,
/// each from a first pass trained without it.
fn jackknife(
    preps: &[&Prepared],
    dict: &KeyMap<u8>,
    n_labels: usize,
    opts: &TaggerOptions,
    epochs: usize,
) -> (Vec<Vec<u8>>, Vec<Vec<f32>>) {
    let folds = opts.folds.max(2);
    let mut tags = vec![Vec::new(); preps.len()];
    let mut base = vec![Vec::new(); preps.len()];
    for fold in 0..folds {
        let (held, kept): (Vec<usize>, Vec<usize>) =
            (0..preps.len()).partition(|i| i % folds == fold);
        let subset: Vec<&Prepared> = kept.iter().map(|&i| preps[i]).collect();
        let seed = opts.seed ^ (fold as u64 + 0x10);
        let trained = train::train_pass(&subset, None, n_labels, epochs, seed, opts, |_| None);
        let decoder = Decoder {
            n_labels,
            dict,
            pass1: &trained.weights,
            pass2: None,
            base_shift: 0,
            cache: None,
        };
        let mut scores = Vec::new();
        for i in held {
            let p = preps[i];
            decoder.static_scores(&p.atoms, &p.dict, &mut scores);
            decoder.pass(
                &trained.weights,
                &p.atoms,
                &p.dict,
                &scores,
                None,
                &mut tags[i],
            );
            base[i] = scores
                .iter()
                .map(|&s| (f64::from(s >> opts.base_shift) / trained.scale) as f32)
                .collect();
        }
    }
    (tags, base)
}

/// Accuracy of a tagger and lemmatizer against gold sentences (gold tokenisation).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TagScores {
    /// Share of tokens with the right universal tag.
    pub upos: f64,
    /// Share of tokens with the right treebank tag.
    pub xpos: f64,
    /// Share of tokens with the right lemma, lemmatised from the predicted tags.
    pub lemma: f64,
    /// Tokens scored.
    pub tokens: usize,
}

/// Tags and lemmatises copies of `gold` and compares them with the gold annotation.
pub fn evaluate(tagger: &Tagger, lemmatizer: &Lemmatizer, gold: &[ConlluSentence]) -> TagScores {
    let (mut upos, mut xpos, mut lemma, mut tokens) = (0usize, 0usize, 0usize, 0usize);
    for g in gold {
        let mut s = g.sentence.clone();
        for t in &mut s.tokens {
            t.upos = Upos::X;
            t.xpos.clear();
            t.lemma.clear();
        }
        tagger.tag(&mut s);
        lemmatizer.lemmatize(&mut s);
        for (p, g) in s.tokens.iter().zip(&g.sentence.tokens) {
            tokens += 1;
            upos += usize::from(p.upos == g.upos);
            xpos += usize::from(p.xpos == g.xpos);
            lemma += usize::from(p.lemma == g.lemma);
        }
    }
    let share = |n: usize| n as f64 / tokens.max(1) as f64;
    TagScores {
        upos: share(upos),
        xpos: share(xpos),
        lemma: share(lemma),
        tokens,
    }
}

/// Why training from a treebank directory failed.
#[derive(Debug)]
pub enum TrainError {
    /// No file ending in the expected suffix was found.
    Missing {
        /// Directory searched.
        dir: PathBuf,
        /// Expected file-name suffix, e.g. `-ud-train.conllu`.
        suffix: &'static str,
    },
    /// A file or directory could not be read.
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A treebank file is malformed.
    Conllu {
        /// The file.
        path: PathBuf,
        /// The cause, with its line.
        source: conllu::ConlluError,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Missing { dir, suffix } => {
                write!(f, "no *{suffix} file in {}", dir.display())
            }
            TrainError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            TrainError::Conllu { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for TrainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TrainError::Missing { .. } => None,
            TrainError::Io { source, .. } => Some(source),
            TrainError::Conllu { source, .. } => Some(source),
        }
    }
}

/// Reads the one file of `dir` whose name ends with `suffix` (e.g. `-ud-train.conllu`).
pub fn read_split(dir: &Path, suffix: &'static str) -> Result<Vec<ConlluSentence>, TrainError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| TrainError::Io { path, source }
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    names.sort();
    let Some(path) = names.into_iter().next() else {
        return Err(TrainError::Missing {
            dir: dir.to_owned(),
            suffix,
        });
    };
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    conllu::parse(&text).map_err(|source| TrainError::Conllu { path, source })
}

/// The models trained from a treebank directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainedModels {
    /// The tagger.
    pub tagger: Tagger,
    /// The lemmatizer.
    pub lemmatizer: Lemmatizer,
}

/// Trains the shipped tagger and lemmatizer from a UD treebank directory holding
/// `*-ud-train.conllu` and `*-ud-dev.conllu`, with default options. The result's
/// `to_bytes()` are exactly `models/tagger.bin` and `models/lemma.bin`.
pub fn train_from_dir(ud_dir: &Path) -> Result<TrainedModels, TrainError> {
    let train = read_split(ud_dir, "-ud-train.conllu")?;
    let dev = read_split(ud_dir, "-ud-dev.conllu")?;
    let tagger = Tagger::train(&train, Some(&dev), &TaggerOptions::default());
    let lemmatizer = Lemmatizer::train(&train);
    Ok(TrainedModels { tagger, lemmatizer })
}
