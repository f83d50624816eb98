//! Perceptron weights: while training, sparse integer weights with lazy averaging; once
//! trained, averaged, pruned and quantised to i8 in a hash table of cache-line buckets that
//! maps a feature key to its (class, weight) entries.

use super::features::N_TEMPLATES;
use crate::binio::{ModelError, Reader, Writer};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Feature keys are already well-mixed hashes; hashing them again would only cost time.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }

    fn finish(&self) -> u64 {
        // hashbrown takes the bucket from the low bits and a tag from the top 7; keys are
        // 48-bit, so spread them over the whole word.
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

type KeyBuild = BuildHasherDefault<KeyHasher>;

#[derive(Clone, Copy, Debug)]
struct Cell {
    class: u8,
    weight: i32,
    stamp: u32,
    total: i64,
}

/// Weights being trained: per feature a short list of classes with a current weight and
/// the running sum needed for averaging (the lazy-update trick of Daumé's thesis).
#[derive(Debug, Default)]
pub(crate) struct TrainWeights {
    rows: HashMap<u64, Vec<Cell>, KeyBuild>,
    clock: u32,
}

impl TrainWeights {
    /// Adds each feature's weights into `scores` (indexed by class).
    pub(crate) fn score(&self, feats: &[u64], scores: &mut [i64]) {
        for key in feats {
            if let Some(row) = self.rows.get(key) {
                for c in row {
                    if let Some(s) = scores.get_mut(usize::from(c.class)) {
                        *s += i64::from(c.weight);
                    }
                }
            }
        }
    }

    /// One perceptron update: +1 for `good`, −1 for `bad`, on every feature.
    pub(crate) fn update(&mut self, feats: &[u64], good: u8, bad: u8) {
        let now = self.clock;
        for &key in feats {
            let row = self.rows.entry(key).or_default();
            for (class, delta) in [(good, 1), (bad, -1)] {
                let i = match row.iter().position(|c| c.class == class) {
                    Some(i) => i,
                    None => {
                        row.push(Cell {
                            class,
                            weight: 0,
                            stamp: now,
                            total: 0,
                        });
                        row.len() - 1
                    }
                };
                let cell = &mut row[i];
                cell.total += i64::from(cell.weight) * i64::from(now - cell.stamp);
                cell.stamp = now;
                cell.weight += delta;
            }
        }
    }

    /// Advances the averaging clock by one training instance.
    pub(crate) fn tick(&mut self) {
        self.clock = self.clock.saturating_add(1);
    }

    /// Number of features with weights.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The averaged weights, quantised to i8 with one scale for the whole model (the largest
    /// magnitude becomes [`MAX_WEIGHT`]); quantised weights smaller than `min_weight` in
    /// magnitude (and at least those that round to 0) are dropped, and so are features left
    /// empty.
    pub(crate) fn compile(&self, min_weight: u8, classes: usize) -> Weights {
        let clock = i64::from(self.clock.max(1));
        let mut max_abs = 0f64;
        let mut rows: Vec<(u64, Vec<(u8, f64)>)> = Vec::with_capacity(self.rows.len());
        for (&key, row) in &self.rows {
            let mut out = Vec::with_capacity(row.len());
            for c in row {
                let total = c.total + i64::from(c.weight) * (clock - i64::from(c.stamp));
                let avg = total as f64 / clock as f64;
                if avg != 0.0 {
                    max_abs = max_abs.max(avg.abs());
                    out.push((c.class, avg));
                }
            }
            if !out.is_empty() {
                rows.push((key, out));
            }
        }
        rows.sort_unstable_by_key(|r| r.0);
        let scale = if max_abs > 0.0 {
            f64::from(MAX_WEIGHT) / max_abs
        } else {
            1.0
        };
        let mut compiled = Flat::default();
        for (key, mut row) in rows {
            row.sort_unstable_by_key(|e| e.0);
            let q = row
                .into_iter()
                .map(|(class, avg)| {
                    let w = (avg * scale)
                        .round()
                        .clamp(-f64::from(MAX_WEIGHT), f64::from(MAX_WEIGHT));
                    (class, w as i8)
                })
                .filter(|&(_, w)| w.unsigned_abs() >= min_weight.max(1));
            compiled.push(key, q);
        }
        Weights::from_flat(&compiled, classes)
    }
}

/// Largest quantised weight magnitude.
pub(crate) const MAX_WEIGHT: i8 = 127;

/// Most classes a model can have: class ids fit 7 bits.
pub(crate) const MAX_CLASSES: usize = 128;

/// Scores of every possible class. Each feature adds at most one weight of magnitude
/// [`MAX_WEIGHT`] per class, so the sum of [`N_TEMPLATES`] features fits an i16; a fixed
/// size lets masked class ids index without bounds checks.
pub(crate) type Scores = [i16; MAX_CLASSES];

const _: () = assert!(N_TEMPLATES * (MAX_WEIGHT as usize) < i16::MAX as usize);

/// Slots per bucket: one bucket fills one 64-byte cache line.
const WAYS: usize = 8;

/// Eight fingerprints and the matching features' payloads.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct Bucket {
    tags: [u32; WAYS],
    payloads: [u32; WAYS],
}

/// Payload flag: the feature's (at most two) entries are stored in the payload itself.
const INLINE: u32 = 1 << 31;

/// The payload of an absent feature: two inline entries of weight 0.
const ABSENT: u32 = INLINE;

/// Run-length byte of a dense row.
const DENSE: i8 = -1;

/// Features with at least this many entries get a dense row instead of (class, weight)
/// pairs: adding a row of a hundred i8 weights with vector instructions costs about as
/// much as scattering eight pairs.
const DENSE_FROM: usize = 8;

/// One inline entry: class in bits 8..15, weight in bits 0..7.
fn inline_entry(class: u8, w: i8) -> u32 {
    u32::from(class & 0x7f) << 8 | u32::from(w as u8)
}

/// Trained weights in a read-only hash table of cache-line buckets.
///
/// A feature lives in the first bucket, from its home bucket on, that had room when the
/// table was built, so a lookup stops at the first bucket that is not full. A slot holds a
/// 32-bit fingerprint of the key (0 for an empty slot) and a payload: the feature's entries
/// themselves when there are at most two (most features), else the offset of its run in
/// `data`. A run starts with its length: `n` for `n` (class, weight) pairs, or [`DENSE`] for
/// one weight per class (the frequent features, added with vector instructions).
#[derive(Clone, Debug, Default)]
pub(crate) struct Weights {
    buckets: Vec<Bucket>,
    /// Number of buckets, for [`home`].
    n_buckets: u64,
    data: Vec<i8>,
    classes: usize,
    /// Full keys in increasing order with their payloads, for writing the model out
    /// (buckets only keep fingerprints).
    keys: Vec<(u64, u32)>,
    entries: usize,
}

/// Feature keys are 48-bit.
const KEY_BITS: u32 = 48;

/// The fingerprint stored for a key: its low bits (never 0, which marks an empty slot).
#[inline(always)]
fn tag(key: u64) -> u32 {
    (key as u32) | 1
}

/// The home bucket of a key among `n` buckets: its top 32 bits scaled to `0..n`
/// (Lemire's multiply-shift range reduction), which keeps key order.
#[inline(always)]
fn home(key: u64, n: u64) -> usize {
    (((key >> (KEY_BITS - 32)) * n) >> 32) as usize
}

/// The payload of the way holding `t` (or-ed over ways, so a fingerprint that occurs twice
/// gives garbage, which `score` tolerates), and whether there is one. Written as masks so
/// that it compiles to vector compares rather than eight branches.
#[inline(always)]
fn lookup(b: &Bucket, t: u32) -> (u32, bool) {
    let mut payload = 0u32;
    let mut found = 0u32;
    for (&x, &p) in b.tags.iter().zip(b.payloads.iter()) {
        let hit = u32::from(x == t);
        payload |= p & hit.wrapping_neg();
        found |= hit;
    }
    (payload, found != 0)
}

/// Features with their entries, in one allocation.
#[derive(Debug, Default)]
struct Flat {
    keys: Vec<u64>,
    /// Entries of feature i: `entries[ends[i - 1]..ends[i]]`.
    ends: Vec<u32>,
    entries: Vec<(u8, i8)>,
}

impl Flat {
    /// Appends a feature, unless it has no entry.
    fn push(&mut self, key: u64, entries: impl IntoIterator<Item = (u8, i8)>) {
        let before = self.entries.len();
        self.entries.extend(entries);
        if self.entries.len() > before {
            self.keys.push(key);
            self.ends.push(self.entries.len() as u32);
        }
    }

    fn rows(&self) -> impl Iterator<Item = (u64, &[(u8, i8)])> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        self.keys
            .iter()
            .zip(starts.zip(self.ends.iter()))
            .map(|(&key, (start, &end))| {
                (
                    key,
                    self.entries
                        .get(start as usize..end as usize)
                        .unwrap_or(&[]),
                )
            })
    }
}

impl Weights {
    /// Builds the table from features sorted by key, each with entries sorted by class and
    /// below `classes` (at most [`MAX_CLASSES`]).
    fn from_flat(rows: &Flat, classes: usize) -> Weights {
        // 4.5 features per 8-way bucket on average: about 4% of buckets overflow.
        let n_buckets = rows.keys.len() * 2 / 9 + 1;
        let mut buckets = vec![Bucket::default(); n_buckets];
        let mut data: Vec<i8> = vec![0];
        let mut keys = Vec::with_capacity(rows.keys.len());
        for (key, row) in rows.rows() {
            let payload = match row {
                [] => ABSENT,
                &[(c, w)] => INLINE | inline_entry(c, w),
                &[(c, w), (d, v)] => INLINE | inline_entry(c, w) | inline_entry(d, v) << 16,
                _ => {
                    let start = data.len() as u32;
                    if row.len() >= DENSE_FROM {
                        data.push(DENSE);
                        let at = data.len();
                        data.resize(at + classes, 0);
                        for &(class, w) in row {
                            if let Some(d) = data.get_mut(at + usize::from(class)) {
                                *d = w;
                            }
                        }
                    } else {
                        data.push(row.len() as i8);
                        for &(class, w) in row {
                            data.push(class as i8);
                            data.push(w);
                        }
                    }
                    start
                }
            };
            keys.push((key, payload));
        }
        // Keys arrive sorted and the home bucket is taken from their top bits, so the table
        // fills front to back.
        for &(key, payload) in &keys {
            // There are at least 1.6 slots per feature, so a free way is always found.
            let mut b = home(key, n_buckets as u64);
            loop {
                let bucket = &mut buckets[b];
                if let Some(j) = bucket.tags.iter().position(|&t| t == 0) {
                    bucket.tags[j] = tag(key);
                    bucket.payloads[j] = payload;
                    break;
                }
                b = if b + 1 == n_buckets { 0 } else { b + 1 };
            }
        }
        let entries = rows.entries.len();
        Weights {
            buckets,
            n_buckets: n_buckets as u64,
            data,
            classes,
            keys,
            entries,
        }
    }

    /// The payload of `key` ([`ABSENT`] when the model lacks it).
    #[inline(always)]
    fn find(&self, key: u64) -> u32 {
        let t = tag(key);
        let mut b = home(key, self.n_buckets);
        loop {
            let Some(bucket) = self.buckets.get(b) else {
                return ABSENT;
            };
            let (payload, found) = lookup(bucket, t);
            // Overflowing into the next bucket is rare; found-or-absent is a select rather
            // than a branch, because it is unpredictable.
            if !found && bucket.tags[WAYS - 1] != 0 {
                b = if b + 1 == self.buckets.len() {
                    0
                } else {
                    b + 1
                };
                continue;
            }
            return if found { payload } else { ABSENT };
        }
    }

    /// Adds the weights of `feats` (at most [`N_TEMPLATES`]) into `scores`.
    ///
    /// The table does not fit in cache, so it is read in passes without data-dependent
    /// branches in between, letting the processor overlap the cache misses of all features
    /// instead of taking them one after another.
    #[inline]
    pub(crate) fn score(&self, feats: &[u64], scores: &mut Scores) {
        let feats = &feats[..feats.len().min(N_TEMPLATES)];
        let mut touch = 0u32;
        for &key in feats {
            touch ^= self
                .buckets
                .get(home(key, self.n_buckets))
                .map_or(0, |b| b.tags[0]);
        }
        let mut payloads = [ABSENT; N_TEMPLATES];
        for (p, &key) in payloads.iter_mut().zip(feats) {
            *p = self.find(key);
        }
        let payloads = &payloads[..feats.len()];
        for &p in payloads {
            let at = if p & INLINE == 0 { p as usize } else { 0 };
            touch ^= u32::from(self.data.get(at).copied().unwrap_or(0) as u8);
        }
        std::hint::black_box(touch);
        let classes = self.classes;
        for &p in payloads {
            if p & INLINE != 0 {
                // Absent features add 0 to class 0, which is cheaper than a branch.
                let (a, b) = (p & 0xffff, (p >> 16) & 0x7fff);
                let sa = &mut scores[((a >> 8) & 0x7f) as usize];
                *sa = sa.wrapping_add(i16::from(a as u8 as i8));
                let sb = &mut scores[((b >> 8) & 0x7f) as usize];
                *sb = sb.wrapping_add(i16::from(b as u8 as i8));
                continue;
            }
            let start = p as usize;
            let Some(&len) = self.data.get(start) else {
                continue;
            };
            if len == DENSE {
                let Some(row) = self.data.get(start + 1..start + 1 + classes) else {
                    continue;
                };
                for (s, &w) in scores.iter_mut().zip(row) {
                    *s = s.wrapping_add(i16::from(w));
                }
            } else {
                let end = start + 1 + 2 * len.max(0) as usize;
                let Some(run) = self.data.get(start + 1..end) else {
                    continue;
                };
                for pair in run.chunks_exact(2) {
                    let s = &mut scores[(pair[0] as u8 & 0x7f) as usize];
                    *s = s.wrapping_add(i16::from(pair[1]));
                }
            }
        }
    }

    /// Number of features.
    pub(crate) fn features(&self) -> usize {
        self.keys.len()
    }

    /// Number of non-zero (feature, class) weights.
    pub(crate) fn weights(&self) -> usize {
        self.entries
    }

    /// The (class, weight) entries of the feature with payload `p`.
    fn entries_of(&self, p: u32) -> Vec<(u8, i8)> {
        if p & INLINE != 0 {
            return [p & 0xffff, (p >> 16) & 0x7fff]
                .into_iter()
                .map(|e| ((e >> 8) as u8, e as u8 as i8))
                .filter(|&(_, w)| w != 0)
                .collect();
        }
        let start = p as usize;
        match self.data.get(start) {
            Some(&DENSE) => {
                let row = self
                    .data
                    .get(start + 1..start + 1 + self.classes)
                    .unwrap_or(&[]);
                row.iter()
                    .enumerate()
                    .filter(|&(_, &w)| w != 0)
                    .map(|(c, &w)| (c as u8, w))
                    .collect()
            }
            Some(&len) => {
                let end = start + 1 + 2 * len.max(0) as usize;
                let run = self.data.get(start + 1..end).unwrap_or(&[]);
                run.chunks_exact(2).map(|p| (p[0] as u8, p[1])).collect()
            }
            None => Vec::new(),
        }
    }

    /// Writes the features in key order: key delta, entry count, then class delta and
    /// weight per entry, all as varints.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.varint(self.keys.len() as u64);
        let mut prev = 0u64;
        for &(key, payload) in &self.keys {
            w.varint(key - prev);
            prev = key;
            let run = self.entries_of(payload);
            w.varint(run.len() as u64);
            let mut prev_class = 0u8;
            for (class, weight) in run {
                w.varint(u64::from(class - prev_class));
                prev_class = class;
                w.svarint(i64::from(weight));
            }
        }
    }

    /// Reads what [`Weights::write`] wrote, checking that keys increase, are 48-bit and
    /// non-zero, that classes increase and stay below `classes` (at most [`MAX_CLASSES`]),
    /// and that weights are non-zero and within ±[`MAX_WEIGHT`].
    pub(crate) fn read(r: &mut Reader<'_>, classes: usize) -> Result<Weights, ModelError> {
        if classes > MAX_CLASSES {
            return Err(ModelError::Invalid(format!("{classes} classes")));
        }
        let n = r.len()?;
        let mut rows = Flat::default();
        rows.keys.reserve(n);
        rows.ends.reserve(n);
        let mut prev = 0u64;
        for _ in 0..n {
            let delta = r.varint()?;
            let key = prev
                .checked_add(delta)
                .filter(|&k| delta > 0 && k < 1 << 48);
            let Some(key) = key else {
                return Err(ModelError::Invalid("feature keys out of order".into()));
            };
            prev = key;
            let len = r.len()?;
            if len == 0 || len > classes {
                return Err(ModelError::Invalid(format!("feature with {len} weights")));
            }
            let mut class = 0u64;
            for i in 0..len {
                let d = r.varint()?;
                class += d;
                if (i > 0 && d == 0) || class >= classes as u64 {
                    return Err(ModelError::Invalid("weight classes out of order".into()));
                }
                let weight = i8::try_from(r.svarint()?)
                    .ok()
                    .filter(|&w| w != 0 && w >= -MAX_WEIGHT)
                    .ok_or_else(|| ModelError::Invalid("weight out of range".into()))?;
                rows.entries.push((class as u8, weight));
            }
            rows.keys.push(key);
            rows.ends.push(rows.entries.len() as u32);
        }
        Ok(Weights::from_flat(&rows, classes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averaging_quantising_and_round_trip() {
        let feats: Vec<u64> = (0..N_TEMPLATES as u64).map(|i| 1000 + i * 7919).collect();
        let mut tw = TrainWeights::default();
        tw.update(&feats, 2, 1);
        tw.tick();
        tw.update(&feats[..1], 3, 2);
        tw.tick();
        tw.update(&feats[1..2], 5, 4);
        for c in 6..60u8 {
            tw.update(&feats[2..3], c, 0);
        }
        tw.tick();
        let w = tw.compile(1, 64);
        assert_eq!(w.features(), N_TEMPLATES);
        let mut scores = [0i16; MAX_CLASSES];
        w.score(&feats, &mut scores);
        assert!(scores[2] > 0 && scores[1] < 0);
        assert!(scores[6] > 0 && scores[0] < 0);
        assert!(scores[64..].iter().all(|&s| s == 0));

        let mut out = Writer::new(b"NGTEST  ", 1);
        w.write(&mut out);
        let bytes = out.finish();
        let mut r = Reader::new(&bytes, b"NGTEST  ", 1).unwrap();
        let back = Weights::read(&mut r, 64).unwrap();
        let mut again = [0i16; MAX_CLASSES];
        back.score(&feats, &mut again);
        assert_eq!(scores, again);
        // Absent features add nothing.
        let mut none = [0i16; MAX_CLASSES];
        back.score(&[1, 2, 3], &mut none);
        assert!(none.iter().all(|&s| s == 0));
        let mut r = Reader::new(&bytes, b"NGTEST  ", 1).unwrap();
        assert!(Weights::read(&mut r, 10).is_err());
    }
}
