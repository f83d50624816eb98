//! Averaged-perceptron training: prepared sentences with gold labels in, quantised
//! [`Weights`] out.
//!
//! Weights are integers (each update adds or subtracts one) and averages are kept lazily
//! with integer totals, so a run is exactly reproducible: the only randomness is the
//! sentence order and word dropout, both drawn from a seeded SplitMix64.

use super::features::{N_LEFT, N_RIGHT, N_STATIC, WORD_POSITIONS};
use super::table::{Entry, Weights};
use super::{Prepared, TaggerOptions, assemble};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

/// Hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = super::features::mix(self.0, u64::from(b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// A hash map keyed by feature hashes.
pub(crate) type KeyHashMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// SplitMix64: a tiny, fast, seedable generator, enough for shuffling and dropout.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    /// A generator started from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform draw in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            // The modulo bias is irrelevant for shuffling a few thousand sentences.
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Acc {
    label: u8,
    weight: i32,
    total: i64,
    stamp: u64,
}

/// Perceptron weights under training, with lazily kept running sums for averaging.
#[derive(Default)]
pub(crate) struct Averaged {
    /// Tag-independent features seen too rarely in training to be given weights.
    rare: HashSet<u64, BuildHasherDefault<KeyHasher>>,
    index: KeyHashMap<u32>,
    keys: Vec<u64>,
    accs: Vec<Vec<Acc>>,
    now: u64,
}

impl Averaged {
    /// Adds the current weights of `key` to `scores`.
    #[inline]
    pub(crate) fn add(&self, key: u64, scores: &mut [f64]) {
        if let Some(&i) = self.index.get(&key) {
            for a in &self.accs[i as usize] {
                if let Some(s) = scores.get_mut(usize::from(a.label)) {
                    *s += f64::from(a.weight);
                }
            }
        }
    }

    /// Counts one more training instance (the clock of the running averages).
    pub(crate) fn tick(&mut self) {
        self.now += 1;
    }

    /// Rewards `truth` and penalises `guess` on every feature in `feats` (0 = hidden).
    pub(crate) fn update(&mut self, feats: &[u64], truth: u8, guess: u8) {
        let now = self.now;
        for &f in feats {
            if f == 0 || self.rare.contains(&f) {
                continue;
            }
            let next = self.accs.len() as u32;
            let i = *self.index.entry(f).or_insert(next) as usize;
            if i == self.accs.len() {
                self.accs.push(Vec::new());
                self.keys.push(f);
            }
            for (label, delta) in [(truth, 1), (guess, -1)] {
                let accs = &mut self.accs[i];
                let pos = match accs.iter().position(|a| a.label == label) {
                    Some(p) => p,
                    None => {
                        accs.push(Acc {
                            label,
                            weight: 0,
                            total: 0,
                            stamp: now,
                        });
                        accs.len() - 1
                    }
                };
                let a = &mut accs[pos];
                a.total += (now - a.stamp) as i64 * i64::from(a.weight);
                a.stamp = now;
                a.weight += delta;
            }
        }
    }

    /// The averaged weights quantised to `i16`: multiplied by `scale`, or by default so that
    /// the largest fits, and rounded; weights below `min_weight` in magnitude are dropped.
    /// Returns the weights and the scale used.
    pub(crate) fn finalize(&self, min_weight: i16, scale: Option<f64>) -> (Weights, f64) {
        let now = self.now.max(1);
        let mut order: Vec<usize> = (0..self.keys.len()).collect();
        order.sort_unstable_by_key(|&i| self.keys[i]);
        let avg = |a: &Acc| {
            let total = a.total + (now - a.stamp) as i64 * i64::from(a.weight);
            total as f64 / now as f64
        };
        let scale = scale.unwrap_or_else(|| {
            let max = self
                .accs
                .iter()
                .flatten()
                .map(|a| avg(a).abs())
                .fold(0.0f64, f64::max);
            if max > 0.0 {
                f64::from(i16::MAX) / max
            } else {
                1.0
            }
        });
        let min = i32::from(min_weight.max(1));
        let mut features = Vec::new();
        for i in order {
            let mut entries: Vec<Entry> = self.accs[i]
                .iter()
                .filter_map(|a| {
                    let q = (avg(a) * scale)
                        .round()
                        .clamp(f64::from(i16::MIN), f64::from(i16::MAX))
                        as i32;
                    (q.abs() >= min).then_some(Entry::new(a.label, q as i16))
                })
                .collect();
            if entries.is_empty() {
                continue;
            }
            entries.sort_unstable_by_key(|e| e.label);
            features.push((self.keys[i], entries));
        }
        (Weights::build(&features), scale)
    }
}

/// What a second pass is trained on, per training sentence: first-pass tags (for the right
/// context) and first-pass tag-independent scores in perceptron units (the fixed base).
pub(crate) struct SecondPass<'a> {
    /// First-pass tags.
    pub right: &'a [Vec<u8>],
    /// First-pass static scores, `len × n_labels` per sentence.
    pub base: &'a [Vec<f32>],
    /// The first pass's quantisation scale, shared by the second pass.
    pub scale: f64,
}

/// A trained pass: its weights, the quantisation scale and the development score and
/// training errors of every epoch.
pub(crate) struct Trained {
    pub weights: Weights,
    pub scale: f64,
    pub dev: Vec<Option<f64>>,
    pub errors: Vec<usize>,
}

/// Trains one pass of the tagger.
///
/// A first pass scores tag-independent and left-tag features; a second pass (`second`)
/// adds left- and right-tag features to a fixed base. After each epoch `score` rates the
/// averaged weights (higher is better; `None` without a development set) and the best
/// epoch's weights are kept; without scores the last epoch's are.
pub(crate) fn train_pass(
    preps: &[&Prepared],
    second: Option<&SecondPass<'_>>,
    n_labels: usize,
    epochs: usize,
    seed: u64,
    opts: &TaggerOptions,
    mut score: impl FnMut(&Weights) -> Option<f64>,
) -> Trained {
    let mut model = Averaged::default();
    let used: Range<usize> = match second {
        None => 0..N_STATIC + N_LEFT,
        Some(_) => N_STATIC..N_STATIC + N_LEFT + N_RIGHT,
    };
    if opts.min_feature_count > 1 && second.is_none() {
        let mut counts: KeyHashMap<u32> = HashMap::default();
        for p in preps {
            for &f in &p.statics {
                *counts.entry(f).or_default() += 1;
            }
        }
        model.rare = counts
            .into_iter()
            .filter(|&(_, c)| c < opts.min_feature_count)
            .map(|(f, _)| f)
            .collect();
    }
    let mut word_counts: KeyHashMap<u32> = HashMap::default();
    for p in preps {
        for a in &p.atoms {
            *word_counts.entry(a.word).or_default() += 1;
        }
    }
    let fixed_scale = second.map(|s| s.scale);
    let mut rng = SplitMix::new(seed);
    let mut order: Vec<usize> = (0..preps.len()).collect();
    let mut scores = vec![0f64; n_labels];
    let mut feats = [0u64; N_STATIC + N_LEFT + N_RIGHT];
    let mut tags: Vec<u8> = Vec::new();
    let mut best: Option<(f64, Weights, f64)> = None;
    let mut last = None;
    let (mut dev, mut errors) = (Vec::new(), Vec::new());
    for _ in 0..epochs.max(1) {
        let mut wrong = 0usize;
        rng.shuffle(&mut order);
        for &si in &order {
            let p = preps[si];
            let right = second.and_then(|s| s.right.get(si)).map(Vec::as_slice);
            let base = second.and_then(|s| s.base.get(si));
            tags.clear();
            for i in 0..p.len() {
                if let Some(l) = p.dict[i] {
                    tags.push(l);
                    continue;
                }
                assemble(&mut feats, p, i, &tags, right);
                let count = word_counts.get(&p.atoms[i].word).copied().unwrap_or(0);
                let hide = opts.word_dropout / (opts.word_dropout + f64::from(count));
                if opts.word_dropout > 0.0 && rng.next_f64() < hide {
                    for &k in &WORD_POSITIONS {
                        feats[k] = 0;
                    }
                }
                match base {
                    Some(b) => {
                        for (s, &v) in scores.iter_mut().zip(&b[i * n_labels..(i + 1) * n_labels]) {
                            *s = f64::from(v);
                        }
                    }
                    None => scores.fill(0.0),
                }
                for &f in &feats[used.clone()] {
                    model.add(f, &mut scores);
                }
                let guess = argmax_f64(&scores);
                model.tick();
                let gold = p.gold[i];
                if usize::from(gold) < n_labels && gold != guess {
                    wrong += 1;
                    model.update(&feats[used.clone()], gold, guess);
                }
                tags.push(guess);
            }
        }
        errors.push(wrong);
        let (weights, scale) = model.finalize(opts.min_weight, fixed_scale);
        let s = score(&weights);
        dev.push(s);
        match (s, &best) {
            (Some(s), Some((b, _, _))) if s <= *b => {}
            (Some(s), _) => best = Some((s, weights, scale)),
            (None, _) => last = Some((weights, scale)),
        }
    }
    let (weights, scale) = match (best, last) {
        (Some((_, w, s)), _) => (w, s),
        (None, Some(ws)) => ws,
        (None, None) => model.finalize(opts.min_weight, fixed_scale),
    };
    Trained {
        weights,
        scale,
        dev,
        errors,
    }
}

/// Index of the highest score; the lowest index wins ties.
fn argmax_f64(scores: &[f64]) -> u8 {
    let mut best = 0usize;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_seeded_and_shuffles_a_permutation() {
        let mut a = SplitMix::new(7);
        let mut b = SplitMix::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut v: Vec<u32> = (0..50).collect();
        a.shuffle(&mut v);
        let mut w: Vec<u32> = (0..50).collect();
        b.shuffle(&mut w);
        assert_eq!(v, w);
        assert_ne!(v, (0..50).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..50).collect::<Vec<_>>());
        let x = a.next_f64();
        assert!((0.0..1.0).contains(&x));
    }

    #[test]
    fn averaging_weights_updates_by_their_lifetime() {
        let mut m = Averaged::default();
        m.tick();
        m.update(&[11], 1, 0);
        m.tick();
        m.tick();
        // Label 1 held weight 1 for 2 of 3 ticks, label 0 held -1 for 2 of 3.
        let (w, scale) = m.finalize(1, None);
        assert!((scale - f64::from(i16::MAX) * 1.5).abs() < 1e-9);
        let mut s = [0i32; 2];
        w.add_all(&[11], &mut s);
        assert_eq!(s, [-i32::from(i16::MAX), i32::from(i16::MAX)]);
        let (w, _) = m.finalize(1, Some(3.0));
        let mut s = [0i32; 2];
        w.add_all(&[11], &mut s);
        assert_eq!(s, [-2, 2]);
    }
}
