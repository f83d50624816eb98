//! Training and scoring the recogniser: UNER IOB2 files in, a [`Recognizer`] and span-level
//! precision, recall and F1 (conlleval style: a span counts only with exact bounds and label)
//! out.
//!
//! Training is an averaged structured perceptron: each sentence is decoded with Viterbi under
//! BIO constraints, and when the best path differs from the gold one, the gold features and
//! transitions gain and the predicted ones lose. Sentences are visited in an order shuffled
//! from a fixed seed, and the epoch with the best development F1 is kept, so the same data
//! gives the same model, byte for byte.

use super::features::{FeatureSet, extract};
use super::iob::{self, IobSentence};
use super::lexicon::{Gazetteer, Lexicon, LexiconOptions};
use super::{Bio, KeyMap, NTAGS, NerLabel, Recognizer, spans_from_bio, viterbi};
use crate::token::Sentence;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
pub struct NerOptions {
    /// Passes over the training data (the best one on dev is kept).
    pub epochs: usize,
    /// Seed of the visiting order.
    pub seed: u64,
    /// Word-class learning.
    pub lexicon: LexiconOptions,
    /// Features seen fewer times in training are dropped.
    pub min_feature_count: u32,
    /// Train a conditional random field (stochastic gradient, L2) instead of an averaged
    /// perceptron.
    pub crf: bool,
    /// CRF: L2 strength over the whole training set (1/σ²).
    pub l2: f64,
    /// CRF: initial learning rate.
    pub rate: f64,
    /// Word dropout α: in training, a token whose word was seen `c` times has its
    /// word-identity features hidden with probability α / (α + c), so that the model learns
    /// to recognise names it has never seen from their shape and context.
    pub word_dropout: f64,
    /// Shift each label's scores after training by amounts tuned on dev
    /// ([`tune_label_bias`]); with [`NerOptions::with_dev`], they are tuned on a model trained
    /// without dev first.
    pub entity_bias: bool,
    /// Train on the dev file too, for exactly `epochs` epochs (settings chosen beforehand on
    /// dev): the final model sees all the labelled data there is.
    pub with_dev: bool,
    /// Share of training sentences with a name that are added again in lowercase, and half
    /// that share in uppercase: web text often writes names without their capitals
    /// ("malaysia", "taco bell") or shouts them, and the copies teach the model to find them
    /// from the words themselves.
    pub case_copies: f64,
}

impl Default for NerOptions {
    fn default() -> Self {
        Self {
            epochs: 12,
            seed: 0x005e_ed0f_4e52,
            lexicon: LexiconOptions::default(),
            min_feature_count: 1,
            crf: true,
            l2: 1.0,
            rate: 0.1,
            word_dropout: 0.0,
            entity_bias: true,
            with_dev: false,
            case_copies: 0.0,
        }
    }
}

impl NerOptions {
    /// The settings of the shipped model: chosen on dev, then trained on train and dev.
    pub fn shipped() -> Self {
        Self {
            epochs: 8,
            with_dev: true,
            entity_bias: true,
            case_copies: 0.3,
            l2: 2.0,
            lexicon: LexiconOptions {
                classes: [100, 800],
                ..LexiconOptions::default()
            },
            ..Self::default()
        }
    }
}

/// Span counts for one label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Gold spans.
    pub gold: usize,
    /// Predicted spans.
    pub predicted: usize,
    /// Predicted spans with the gold bounds and label.
    pub correct: usize,
}

impl Counts {
    /// Correct over predicted (0 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    /// Correct over gold (0 when there is no gold span).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Span-level scores per label and over all labels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NerScores {
    /// Counts per label, in [`NerLabel::ALL`] order.
    pub labels: [Counts; 3],
    /// Sentences scored.
    pub sentences: usize,
    /// Tokens scored.
    pub tokens: usize,
}

impl NerScores {
    /// Counts summed over labels (micro average).
    pub fn micro(&self) -> Counts {
        self.labels.iter().fold(Counts::default(), |a, c| Counts {
            gold: a.gold + c.gold,
            predicted: a.predicted + c.predicted,
            correct: a.correct + c.correct,
        })
    }

    /// Adds one sentence's gold and predicted spans.
    pub fn add(&mut self, gold: &[(usize, usize, NerLabel)], pred: &[(usize, usize, NerLabel)]) {
        self.sentences += 1;
        for g in gold {
            self.labels[g.2.index()].gold += 1;
        }
        for p in pred {
            let c = &mut self.labels[p.2.index()];
            c.predicted += 1;
            if gold.contains(p) {
                c.correct += 1;
            }
        }
    }
}

impl fmt::Display for NerScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} sentences, {} tokens (spans: exact bounds and label)",
            self.sentences, self.tokens
        )?;
        writeln!(
            f,
            "{:<6} {:>6} {:>6} {:>7} {:>9} {:>7} {:>7}",
            "label", "gold", "pred", "correct", "precision", "recall", "F1"
        )?;
        let rows = NerLabel::ALL
            .iter()
            .map(|l| (l.as_str(), self.labels[l.index()]))
            .chain(std::iter::once(("micro", self.micro())));
        for (name, c) in rows {
            writeln!(
                f,
                "{:<6} {:>6} {:>6} {:>7} {:>9.4} {:>7.4} {:>7.4}",
                name,
                c.gold,
                c.predicted,
                c.correct,
                c.precision(),
                c.recall(),
                c.f1()
            )?;
        }
        Ok(())
    }
}

/// A gold sentence ready for training or scoring.
#[derive(Clone, Debug)]
pub struct Example {
    /// The tokens.
    pub sentence: Sentence,
    /// Gold tags.
    pub tags: Vec<Bio>,
}

/// Gold IOB2 sentences as examples.
pub fn examples(gold: &[IobSentence]) -> Vec<Example> {
    gold.iter()
        .map(|g| Example {
            sentence: g.to_sentence(),
            tags: g.tags.clone(),
        })
        .collect()
}

/// Scores `rec` on annotated examples.
pub fn score(rec: &Recognizer, gold: &[Example]) -> NerScores {
    let mut s = NerScores::default();
    for e in gold {
        let pred: Vec<_> = rec
            .predict(&e.sentence)
            .into_iter()
            .map(|p| (p.start, p.end, p.label))
            .collect();
        s.add(&spans_from_bio(&e.tags), &pred);
        s.tokens += e.tags.len();
    }
    s
}

/// Scores `rec` document by document with [`Recognizer::predict_document`]; `docs` gives
/// the first example index of each document.
pub fn score_documents(rec: &Recognizer, gold: &[Example], starts: &[bool]) -> NerScores {
    let mut s = NerScores::default();
    let mut i = 0;
    while i < gold.len() {
        let mut j = i + 1;
        while j < gold.len() && !starts.get(j).copied().unwrap_or(false) {
            j += 1;
        }
        let sentences: Vec<Sentence> = gold[i..j].iter().map(|e| e.sentence.clone()).collect();
        for (e, spans) in gold[i..j].iter().zip(rec.predict_document(&sentences)) {
            let pred: Vec<_> = spans.iter().map(|p| (p.start, p.end, p.label)).collect();
            s.add(&spans_from_bio(&e.tags), &pred);
            s.tokens += e.tags.len();
        }
        i = j;
    }
    s
}

/// Reads an IOB2 file.
pub fn read_file(path: &Path) -> Result<Vec<IobSentence>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    iob::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Scores `rec` on a gold IOB2 file, sentence by sentence and document by document.
pub fn evaluate_file(rec: &Recognizer, path: &Path) -> Result<(NerScores, NerScores), String> {
    let gold = read_file(path)?;
    let ex = examples(&gold);
    let starts: Vec<bool> = gold.iter().map(|g| g.newdoc).collect();
    Ok((score(rec, &ex), score_documents(rec, &ex, &starts)))
}

/// A splitmix64 generator: a fixed seed gives a fixed visiting order on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Weights being learned, with the running sums that averaging needs.
struct Learner {
    w: Vec<f32>,
    u: Vec<f64>,
    tw: [[f32; NTAGS]; NTAGS + 1],
    tu: [[f64; NTAGS]; NTAGS + 1],
    clock: f64,
}

impl Learner {
    fn bump(&mut self, f: u32, tag: usize, d: f32) {
        let i = f as usize * NTAGS + tag;
        self.w[i] += d;
        self.u[i] += self.clock * f64::from(d);
    }

    fn bump_trans(&mut self, prev: usize, next: usize, d: f32) {
        self.tw[prev][next] += d;
        self.tu[prev][next] += self.clock * f64::from(d);
    }

    fn decode(&self, ids: &[Vec<u32>]) -> Vec<usize> {
        let mut scores = vec![0.0f32; ids.len() * NTAGS];
        for (row, fs) in scores.chunks_exact_mut(NTAGS).zip(ids) {
            for &f in fs {
                let w = &self.w[f as usize * NTAGS..(f as usize + 1) * NTAGS];
                for (o, x) in row.iter_mut().zip(w) {
                    *o += x;
                }
            }
        }
        viterbi(&scores, &self.tw)
    }

    /// The averaged model as a recogniser (rows whose weights are all zero are left out).
    fn averaged(&self, keys: &[u64], lexicon: &Lexicon, gazetteer: &Gazetteer) -> Recognizer {
        let c = self.clock;
        let mut rows = KeyMap::default();
        let mut weights = Vec::new();
        for (f, &k) in keys.iter().enumerate() {
            let avg: [f32; NTAGS] = std::array::from_fn(|t| {
                let i = f * NTAGS + t;
                (f64::from(self.w[i]) - self.u[i] / c) as f32
            });
            if avg.iter().all(|x| x.abs() < 1e-3) {
                continue;
            }
            rows.insert(k, (weights.len() / NTAGS) as u32);
            weights.extend_from_slice(&avg);
        }
        let mut trans = [[0.0f32; NTAGS]; NTAGS + 1];
        for (p, row) in trans.iter_mut().enumerate() {
            for (t, x) in row.iter_mut().enumerate() {
                *x = (f64::from(self.tw[p][t]) - self.tu[p][t] / c) as f32;
            }
        }
        Recognizer {
            rows,
            weights,
            trans,
            lexicon: lexicon.clone(),
            gazetteer: gazetteer.clone(),
        }
    }
}

/// A conditional random field trained by stochastic gradient ascent on the log-likelihood
/// with L2, the weights kept as `scale * v` so that the decay costs nothing per feature.
struct Crf {
    v: Vec<f64>,
    tv: [[f64; NTAGS]; NTAGS + 1],
    scale: f64,
}

fn log_sum_exp(xs: impl Iterator<Item = f64>) -> f64 {
    let xs: Vec<f64> = xs.collect();
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

impl Crf {
    fn trans(&self, p: usize, t: usize) -> f64 {
        let prev = (p < NTAGS).then(|| Bio::from_id(p));
        if Bio::allows(prev, Bio::from_id(t)) {
            self.scale * self.tv[p][t]
        } else {
            f64::NEG_INFINITY
        }
    }

    fn emissions(&self, ids: &[Vec<u32>]) -> Vec<[f64; NTAGS]> {
        ids.iter()
            .map(|fs| {
                let mut row = [0.0f64; NTAGS];
                for &f in fs {
                    let w = &self.v[f as usize * NTAGS..(f as usize + 1) * NTAGS];
                    for (o, x) in row.iter_mut().zip(w) {
                        *o += x;
                    }
                }
                row.map(|x| x * self.scale)
            })
            .collect()
    }

    /// One stochastic step on one sentence.
    fn step(&mut self, ids: &[Vec<u32>], gold: &[usize], rate: f64, decay: f64) {
        let n = gold.len();
        if n == 0 {
            return;
        }
        let e = self.emissions(ids);
        let tr: Vec<[f64; NTAGS]> = (0..=NTAGS)
            .map(|p| std::array::from_fn(|t| self.trans(p, t)))
            .collect();
        let mut alpha = vec![[f64::NEG_INFINITY; NTAGS]; n];
        for t in 0..NTAGS {
            alpha[0][t] = tr[NTAGS][t] + e[0][t];
        }
        for i in 1..n {
            for t in 0..NTAGS {
                alpha[i][t] = log_sum_exp((0..NTAGS).map(|p| alpha[i - 1][p] + tr[p][t])) + e[i][t];
            }
        }
        let mut beta = vec![[0.0f64; NTAGS]; n];
        for i in (0..n - 1).rev() {
            for p in 0..NTAGS {
                beta[i][p] =
                    log_sum_exp((0..NTAGS).map(|t| tr[p][t] + e[i + 1][t] + beta[i + 1][t]));
            }
        }
        let z = log_sum_exp((0..NTAGS).map(|t| alpha[n - 1][t]));
        // Decay first, then add the gradient in the scaled space.
        self.scale *= 1.0 - rate * decay;
        if self.scale < 1e-6 {
            for x in &mut self.v {
                *x *= self.scale;
            }
            for x in self.tv.iter_mut().flatten() {
                *x *= self.scale;
            }
            self.scale = 1.0;
        }
        let g = rate / self.scale;
        for i in 0..n {
            let mut d = [0.0f64; NTAGS];
            for (t, dt) in d.iter_mut().enumerate() {
                let m = (alpha[i][t] + beta[i][t] - z).exp();
                *dt = f64::from(u8::from(gold[i] == t)) - m;
            }
            for &f in &ids[i] {
                let w = &mut self.v[f as usize * NTAGS..(f as usize + 1) * NTAGS];
                for (x, dt) in w.iter_mut().zip(&d) {
                    *x += g * dt;
                }
            }
            if i == 0 {
                for t in 0..NTAGS {
                    let m = (alpha[0][t] + beta[0][t] - z).exp();
                    self.tv[NTAGS][t] += g * (f64::from(u8::from(gold[0] == t)) - m);
                }
            } else {
                for p in 0..NTAGS {
                    for t in 0..NTAGS {
                        let m = (alpha[i - 1][p] + tr[p][t] + e[i][t] + beta[i][t] - z).exp();
                        let o = f64::from(u8::from(gold[i - 1] == p && gold[i] == t));
                        if m > 0.0 || o > 0.0 {
                            self.tv[p][t] += g * (o - m);
                        }
                    }
                }
            }
        }
    }

    fn model(&self, keys: &[u64], lexicon: &Lexicon, gazetteer: &Gazetteer) -> Recognizer {
        let mut rows = KeyMap::default();
        let mut weights = Vec::new();
        for (f, &k) in keys.iter().enumerate() {
            let w: [f32; NTAGS] =
                std::array::from_fn(|t| (self.v[f * NTAGS + t] * self.scale) as f32);
            if w.iter().all(|x| x.abs() < 1e-3) {
                continue;
            }
            rows.insert(k, (weights.len() / NTAGS) as u32);
            weights.extend_from_slice(&w);
        }
        let mut trans = [[0.0f32; NTAGS]; NTAGS + 1];
        for (p, row) in trans.iter_mut().enumerate() {
            for (t, x) in row.iter_mut().enumerate() {
                *x = (self.tv[p][t] * self.scale) as f32;
            }
        }
        Recognizer {
            rows,
            weights,
            trans,
            lexicon: lexicon.clone(),
            gazetteer: gazetteer.clone(),
        }
    }
}

/// Adds `bias[l]` to the score of the `B-` and `I-` tags of each label `l` (through the
/// transitions into them: every token has exactly one).
pub fn apply_label_bias(model: &mut Recognizer, bias: [f32; 3]) {
    for row in model.trans.iter_mut() {
        for l in NerLabel::ALL {
            row[Bio::B(l).id()] += bias[l.index()];
            row[Bio::I(l).id()] += bias[l.index()];
        }
    }
}

/// Per-label score shifts, from a small grid, that give the best dev F1 (two rounds of
/// coordinate ascent; ties keep the smaller shift): labels that the training data
/// under-marks get found more often.
pub fn tune_label_bias(model: &Recognizer, dev: &[Example]) -> ([f32; 3], f64) {
    let base = model.clone();
    let f1_of = |bias: [f32; 3]| {
        let mut m = base.clone();
        apply_label_bias(&mut m, bias);
        score(&m, dev).micro().f1()
    };
    let mut bias = [0.0f32; 3];
    let mut best = f1_of(bias);
    for _ in 0..2 {
        for l in 0..3 {
            for step in [-1.0f32, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0] {
                let mut b = bias;
                b[l] = step;
                let f1 = f1_of(b);
                if f1 > best + 1e-9 {
                    best = f1;
                    bias = b;
                }
            }
        }
    }
    (bias, best)
}

/// What training did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NerTrainReport {
    /// Dev micro F1 after each epoch (empty without dev data).
    pub dev_f1: Vec<f64>,
    /// The epoch kept (1-based).
    pub best_epoch: usize,
    /// Score shifts per label applied after training ([`apply_label_bias`]).
    pub bias: [f32; 3],
    /// Human-readable notes.
    pub notes: Vec<String>,
}

/// Trains a recogniser on annotated examples; with `dev`, the epoch with the best dev micro
/// F1 is kept, otherwise the last.
pub fn train(
    train: &[Example],
    dev: Option<&[Example]>,
    lexicon: Lexicon,
    gazetteer: Gazetteer,
    opts: &NerOptions,
) -> (Recognizer, NerTrainReport) {
    let lookup = |p: &str| gazetteer.get(p);
    let sets: Vec<FeatureSet> = train
        .iter()
        .map(|e| extract(&e.sentence, &lexicon, &gazetteer, &lookup))
        .collect();
    // Feature ids in order of first occurrence, so that ids do not depend on hashing order.
    let mut index = KeyMap::default();
    let mut keys: Vec<u64> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for fs in &sets {
        for i in 0..fs.len() {
            for &k in fs.token(i) {
                let id = *index.entry(k).or_insert_with(|| {
                    keys.push(k);
                    seen.push(0);
                    (keys.len() - 1) as u32
                });
                seen[id as usize] += 1;
            }
        }
    }
    let mut word_counts: HashMap<String, u32> = HashMap::new();
    for e in train {
        for t in &e.sentence.tokens {
            *word_counts.entry(t.form.to_lowercase()).or_default() += 1;
        }
    }
    // For each token: the chance that its word-identity features are hidden, and how many
    // of its ids (at the front) those are.
    let hide_plan: Vec<Vec<(f64, usize)>> = sets
        .iter()
        .zip(train)
        .map(|(fs, e)| {
            (0..fs.len())
                .map(|i| {
                    let c = word_counts
                        .get(&e.sentence.tokens[i].form.to_lowercase())
                        .copied()
                        .unwrap_or(0);
                    let a = opts.word_dropout;
                    let p = if a > 0.0 { a / (a + f64::from(c)) } else { 0.0 };
                    let lex = fs.token(i)[..fs.lexical(i)]
                        .iter()
                        .filter(|k| {
                            index
                                .get(k)
                                .is_some_and(|&id| seen[id as usize] >= opts.min_feature_count)
                        })
                        .count();
                    (p, lex)
                })
                .collect()
        })
        .collect();
    let data: Vec<(Vec<Vec<u32>>, Vec<usize>)> = sets
        .iter()
        .zip(train)
        .map(|(fs, e)| {
            let ids = (0..fs.len())
                .map(|i| {
                    fs.token(i)
                        .iter()
                        .filter_map(|k| index.get(k).copied())
                        .filter(|&id| seen[id as usize] >= opts.min_feature_count)
                        .collect()
                })
                .collect();
            (ids, e.tags.iter().map(|t| t.id()).collect())
        })
        .collect();
    drop(sets);
    let mut learner = Learner {
        w: vec![0.0; keys.len() * NTAGS],
        u: vec![0.0; keys.len() * NTAGS],
        tw: [[0.0; NTAGS]; NTAGS + 1],
        tu: [[0.0; NTAGS]; NTAGS + 1],
        clock: 1.0,
    };
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = Rng(opts.seed);
    let mut report = NerTrainReport::default();
    let mut best: Option<(f64, Recognizer)> = None;
    if opts.crf {
        let mut crf = Crf {
            v: vec![0.0; keys.len() * NTAGS],
            tv: [[0.0; NTAGS]; NTAGS + 1],
            scale: 1.0,
        };
        let decay = opts.l2 / data.len().max(1) as f64;
        let mut mean = Crf {
            v: vec![0.0; keys.len() * NTAGS],
            tv: [[0.0; NTAGS]; NTAGS + 1],
            scale: 1.0,
        };
        let mut snapshots = 0.0f64;
        let mut t = 0usize;
        for epoch in 0..opts.epochs.max(1) {
            rng.shuffle(&mut order);
            for &s in &order {
                let rate = opts.rate / (1.0 + t as f64 / data.len() as f64);
                if opts.word_dropout > 0.0 {
                    let ids: Vec<Vec<u32>> = data[s]
                        .0
                        .iter()
                        .zip(&hide_plan[s])
                        .map(|(ids, &(p, lex))| {
                            let hide = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 <= p;
                            ids[if hide { lex } else { 0 }..].to_vec()
                        })
                        .collect();
                    crf.step(&ids, &data[s].1, rate, decay);
                } else {
                    crf.step(&data[s].0, &data[s].1, rate, decay);
                }
                t += 1;
            }
            // The model is the mean of the end-of-epoch weights so far (from the second
            // epoch on): stochastic gradient iterates wander, their mean less so.
            if epoch >= 1 || opts.epochs <= 1 {
                snapshots += 1.0;
                for (a, x) in mean.v.iter_mut().zip(&crf.v) {
                    *a += (x * crf.scale - *a) / snapshots;
                }
                for (ar, xr) in mean.tv.iter_mut().zip(&crf.tv) {
                    for (a, x) in ar.iter_mut().zip(xr) {
                        *a += (x * crf.scale - *a) / snapshots;
                    }
                }
            }
            let model =
                if snapshots > 0.0 { &mean } else { &crf }.model(&keys, &lexicon, &gazetteer);
            let note = format!("epoch {}", epoch + 1);
            match dev {
                Some(dev) => {
                    let f1 = score(&model, dev).micro().f1();
                    report.dev_f1.push(f1);
                    report.notes.push(format!("{note}; dev F1 {f1:.4}"));
                    if best.as_ref().is_none_or(|(b, _)| f1 > *b) {
                        best = Some((f1, model));
                        report.best_epoch = epoch + 1;
                    }
                }
                None => {
                    report.notes.push(note);
                    best = Some((0.0, model));
                    report.best_epoch = epoch + 1;
                }
            }
        }
        let mut model = best.map(|b| b.1).unwrap_or_else(Recognizer::empty);
        if let (true, Some(dev)) = (opts.entity_bias, dev) {
            let (bias, f1) = tune_label_bias(&model, dev);
            apply_label_bias(&mut model, bias);
            report.bias = bias;
            report
                .notes
                .push(format!("label bias {bias:?}: dev F1 {f1:.4}"));
        }
        return (quantised(model), report);
    }
    for epoch in 0..opts.epochs.max(1) {
        rng.shuffle(&mut order);
        let mut wrong = 0usize;
        for &s in &order {
            let (ids, gold) = &data[s];
            let pred = learner.decode(ids);
            if pred != *gold {
                wrong += 1;
                for i in 0..gold.len() {
                    if pred[i] != gold[i] {
                        for &f in &ids[i] {
                            learner.bump(f, gold[i], 1.0);
                            learner.bump(f, pred[i], -1.0);
                        }
                    }
                    let (gp, pp) = if i == 0 {
                        (NTAGS, NTAGS)
                    } else {
                        (gold[i - 1], pred[i - 1])
                    };
                    if (gp, gold[i]) != (pp, pred[i]) {
                        learner.bump_trans(gp, gold[i], 1.0);
                        learner.bump_trans(pp, pred[i], -1.0);
                    }
                }
            }
            learner.clock += 1.0;
        }
        let note = format!(
            "epoch {}: {wrong} of {} training sentences wrong",
            epoch + 1,
            data.len()
        );
        match dev {
            Some(dev) => {
                let model = learner.averaged(&keys, &lexicon, &gazetteer);
                let f1 = score(&model, dev).micro().f1();
                report.dev_f1.push(f1);
                report.notes.push(format!("{note}; dev F1 {f1:.4}"));
                if best.as_ref().is_none_or(|(b, _)| f1 > *b) {
                    best = Some((f1, model));
                    report.best_epoch = epoch + 1;
                }
            }
            None => report.notes.push(note),
        }
    }
    let model = match best {
        Some((_, m)) => m,
        None => {
            report.best_epoch = opts.epochs.max(1);
            learner.averaged(&keys, &lexicon, &gazetteer)
        }
    };
    (quantised(model), report)
}

/// The model as it reads back from its file (16-bit weights), so that a trained model and
/// its saved copy predict exactly alike.
fn quantised(model: Recognizer) -> Recognizer {
    Recognizer::from_bytes(&model.to_bytes()).unwrap_or(model)
}

/// Appends lowercased and uppercased copies of some sentences with names (see
/// [`NerOptions::case_copies`]); the copies keep the original's tags and parts of speech.
fn add_case_copies(examples: &mut Vec<Example>, share: f64, seed: u64) {
    if share <= 0.0 {
        return;
    }
    let mut rng = Rng(seed ^ 0xc0de);
    let mut copies = Vec::new();
    for e in examples.iter() {
        if e.tags.iter().all(|t| *t == Bio::O) {
            continue;
        }
        let r = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        let upper = if r < share {
            false
        } else if r < share * 1.5 {
            true
        } else {
            continue;
        };
        let mut c = e.clone();
        for t in &mut c.sentence.tokens {
            t.form = if upper {
                t.form.to_uppercase()
            } else {
                t.form.to_lowercase()
            };
        }
        copies.push(c);
    }
    examples.extend(copies);
}

/// The file in `dir` whose name contains `part` and ends in `.iob2`.
fn find(dir: &Path, part: &str) -> Result<PathBuf, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
    let mut hits: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains(part) && n.ends_with(".iob2"))
        })
        .collect();
    hits.sort();
    hits.into_iter()
        .next()
        .ok_or_else(|| format!("{}: no *{part}*.iob2 file", dir.display()))
}

/// Trains the shipped recogniser from a UNER folder (`*train*.iob2`, `*dev*.iob2`): word
/// classes from the training and dev text, the gazetteer folder if given, and the best
/// epoch on dev (or, with [`NerOptions::with_dev`], train and dev together).
pub fn train_from_dir(
    uner_dir: &Path,
    gazetteer_dir: Option<&Path>,
    opts: &NerOptions,
) -> Result<(Recognizer, NerTrainReport), String> {
    let train_gold = read_file(&find(uner_dir, "train")?)?;
    let dev_gold = read_file(&find(uner_dir, "dev")?)?;
    let gazetteer = match gazetteer_dir {
        Some(d) => Gazetteer::from_dir(d)?,
        None => Gazetteer::default(),
    };
    let started = std::time::Instant::now();
    let text: Vec<Vec<&str>> = train_gold
        .iter()
        .chain(&dev_gold)
        .map(|s| s.forms.iter().map(String::as_str).collect())
        .collect();
    let lexicon = Lexicon::learn(&text, &opts.lexicon);
    let lex_note = format!(
        "word classes for {} words in {:.1}s",
        lexicon.len(),
        started.elapsed().as_secs_f64()
    );
    let train_ex = examples(&train_gold);
    let dev_ex = examples(&dev_gold);
    let started = std::time::Instant::now();
    let mut train_ex = train_ex;
    add_case_copies(&mut train_ex, opts.case_copies, opts.seed);
    let (model, mut report) = if opts.with_dev {
        let mut bias = [0.0; 3];
        let mut notes = Vec::new();
        if opts.entity_bias {
            let solo = NerOptions {
                with_dev: false,
                ..opts.clone()
            };
            let r = train(
                &train_ex,
                Some(&dev_ex),
                lexicon.clone(),
                gazetteer.clone(),
                &solo,
            )
            .1;
            bias = r.bias;
            notes = r.notes;
        }
        let all: Vec<Example> = train_ex.into_iter().chain(dev_ex).collect();
        let (mut m, mut r) = train(&all, None, lexicon, gazetteer, opts);
        apply_label_bias(&mut m, bias);
        r.bias = bias;
        notes.push(format!(
            "trained on train and dev; label bias {bias:?} from the train-only model"
        ));
        notes.append(&mut r.notes);
        r.notes = notes;
        (m, r)
    } else {
        train(&train_ex, Some(&dev_ex), lexicon, gazetteer, opts)
    };
    report.notes.insert(0, lex_note);
    report.notes.push(format!(
        "trained in {:.1}s; kept epoch {} ({} features, {} gazetteer phrases)",
        started.elapsed().as_secs_f64(),
        report.best_epoch,
        model.feature_count(),
        model.gazetteer.len()
    ));
    Ok((model, report))
}

/// `newsgraph train-ner`: trains with the shipped settings (chosen on dev, then retrained on
/// train and dev together) and writes the model to `out`; returns the report lines.
pub fn train_command(
    uner_dir: &Path,
    gazetteer_dir: Option<&Path>,
    out: &Path,
) -> Result<String, String> {
    let started = std::time::Instant::now();
    let (model, report) = train_from_dir(uner_dir, gazetteer_dir, &NerOptions::shipped())?;
    let bytes = model.to_bytes();
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    }
    std::fs::write(out, &bytes).map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    let mut text = String::new();
    for n in &report.notes {
        text.push_str(n);
        text.push('\n');
    }
    text.push_str(&format!(
        "wrote {} ({} bytes) in {:.1}s\n",
        out.display(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    ));
    Ok(text)
}

/// `newsgraph eval-ner`: scores the shipped recogniser on a gold IOB2 file, sentence by
/// sentence ([`Recognizer::predict`]) and document by document
/// ([`Recognizer::predict_document`]).
pub fn eval_command(gold: &Path) -> Result<String, String> {
    let started = std::time::Instant::now();
    let rec = Recognizer::load_embedded().map_err(|e| format!("models/ner.bin: {e}"))?;
    let (by_sentence, by_document) = evaluate_file(&rec, gold)?;
    Ok(format!(
        "sentence by sentence (Recognizer::predict):\n{by_sentence}\ndocument by document (Recognizer::predict_document):\n{by_document}\n({:.2}s)\n",
        started.elapsed().as_secs_f64()
    ))
}
