//! Perceptron weights: while training, sparse integer weights with lazy averaging; once
//! trained, averaged, pruned and quantised to i16 in an open-addressing table that maps a
//! feature key to its short run of (class, weight) entries.

use super::features::N_TEMPLATES;
use crate::binio::{ModelError, Reader, Writer};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Feature keys are already well-mixed hashes; hashing them again would only cost time.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

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
/// the running sum needed for averaging (Daumé's lazy-update trick).
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
            if key == 1 {
                continue;
            }
            let row = self.rows.entry(key).or_default();
            for (class, delta) in [(good, 1), (bad, -1)] {
                let cell = match row.iter().position(|c| c.class == class) {
                    Some(i) => &mut row[i],
                    None => {
                        row.push(Cell {
                            class,
                            weight: 0,
                            stamp: now,
                            total: 0,
                        });
                        let last = row.len() - 1;
                        &mut row[last]
                    }
                };
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

    /// The averaged weights, quantised to i16 and pruned: entries whose averaged magnitude is
    /// below `prune_below` are dropped, and so are features left with no entry.
    pub(crate) fn compile(&self, prune_below: f64, classes: usize) -> Weights {
        let clock = i64::from(self.clock.max(1));
        let mut max_abs = 0f64;
        let mut rows: Vec<(u64, Vec<(u8, f64)>)> = Vec::with_capacity(self.rows.len());
        for (&key, row) in &self.rows {
            let mut out = Vec::with_capacity(row.len());
            for c in row {
                let total = c.total + i64::from(c.weight) * (clock - i64::from(c.stamp));
                let avg = total as f64 / clock as f64;
                if avg.abs() >= prune_below && avg != 0.0 {
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
        let mut compiled = Vec::with_capacity(rows.len());
        for (key, mut row) in rows {
            row.sort_unstable_by_key(|e| e.0);
            let q: Vec<(u8, i16)> = row
                .into_iter()
                .map(|(class, avg)| (class, (avg * scale).round() as i16))
                .filter(|&(_, w)| w != 0)
                .collect();
            if !q.is_empty() {
                compiled.push((key, q));
            }
        }
        Weights::from_sorted(&compiled, classes)
    }
}

/// Slots per bucket: one bucket is one 64-byte cache line.
const WAYS: usize = 8;

/// Eight fingerprints and the offsets of the matching features' weights.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct Bucket {
    tags: [u32; WAYS],
    starts: [u32; WAYS],
}

/// Trained weights in a read-only hash table of cache-line buckets.
///
/// A feature lives in the first bucket, from its home bucket on, that had room when the
/// table was built; lookups stop at the first bucket that is not full. Fingerprints are
/// compared eight at a time without branches, so a lookup costs one cache line and few
/// mispredicted branches. A feature's weights start with their length: `n` for `n` sparse
/// (class, weight) pairs, or [`DENSE`] for a dense row of one weight per class (the frequent
/// features, whose rows are added with vector instructions). `data[0]` is an empty run that
/// absent features point to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Weights {
    buckets: Vec<Bucket>,
    mask: usize,
    data: Vec<i16>,
    classes: usize,
    /// Full keys in increasing order with the offsets of their runs, for writing the model
    /// out (buckets only keep fingerprints).
    keys: Vec<(u64, u32)>,
    entries: usize,
}

/// Run-length marker of a dense row.
const DENSE: i16 = -1;

/// Largest quantised weight magnitude: eight dense rows can be summed in i16 lanes without
/// overflow before they are widened to i32.
pub(crate) const MAX_WEIGHT: i16 = 4095;

/// Dense rows summed in i16 before widening.
const BLOCK: usize = 8;

/// Most classes a model can have.
pub(crate) const MAX_CLASSES: usize = 256;

/// Scores of every possible class; a fixed size lets class ids index without bounds checks.
pub(crate) type Scores = [i32; MAX_CLASSES];

static NOTOUCH: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
static DENSE_DIV: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// The fingerprint stored for a key (never 0, which marks an empty slot).
#[inline(always)]
fn tag(key: u64) -> u32 {
    ((key >> 16) as u32) | 1
}

/// Bit j set when way j holds `t`.
#[inline(always)]
fn matches(b: &Bucket, t: u32) -> u32 {
    let mut m = 0u32;
    for (j, &x) in b.tags.iter().enumerate() {
        m |= u32::from(x == t) << j;
    }
    m
}

impl Weights {
    /// Builds the table from features sorted by key, each with entries sorted by class and
    /// below `classes`.
    fn from_sorted(rows: &[(u64, Vec<(u8, i16)>)], classes: usize) -> Weights {
        let n_buckets = (rows.len() / 5 + 1).next_power_of_two();
        let mask = n_buckets - 1;
        let mut buckets = vec![Bucket::default(); n_buckets];
        let mut data: Vec<i16> = vec![0];
        let mut keys = Vec::with_capacity(rows.len());
        let dense_div = *DENSE_DIV.get_or_init(|| {
            std::env::var("DENSE_DIV")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(4)
        });
        for (key, row) in rows {
            let start = data.len() as u32;
            if row.len() * dense_div >= classes {
                data.push(DENSE);
                let at = data.len();
                data.resize(at + classes, 0);
                for &(class, w) in row {
                    if let Some(d) = data.get_mut(at + usize::from(class)) {
                        *d = w;
                    }
                }
            } else {
                data.push(row.len() as i16);
                for &(class, w) in row {
                    data.push(i16::from(class));
                    data.push(w);
                }
            }
            keys.push((*key, start));
            // There are at least 1.6 slots per feature, so a free way is always found.
            let mut b = *key as usize & mask;
            loop {
                let bucket = &mut buckets[b];
                if let Some(j) = bucket.tags.iter().position(|&t| t == 0) {
                    bucket.tags[j] = tag(*key);
                    bucket.starts[j] = start;
                    break;
                }
                b = (b + 1) & mask;
            }
        }
        let entries = rows.iter().map(|r| r.1.len()).sum();
        Weights {
            buckets,
            mask,
            data,
            classes,
            keys,
            entries,
        }
    }

    /// Offset of `key`'s run in `data` (0, an empty run, when the model lacks it).
    #[inline(always)]
    fn find(&self, key: u64) -> usize {
        let t = tag(key);
        let mut b = key as usize & self.mask;
        loop {
            let Some(bucket) = self.buckets.get(b) else {
                return 0;
            };
            let m = matches(bucket, t);
            let start = bucket.starts[(m.trailing_zeros() as usize) & (WAYS - 1)];
            // Overflowing into the next bucket is rare; found-or-absent is a select, not a
            // branch, because it is unpredictable.
            if m == 0 && bucket.tags[WAYS - 1] != 0 {
                b = (b + 1) & self.mask;
                continue;
            }
            return if m != 0 { start as usize } else { 0 };
        }
    }

    /// Adds each feature's weights into `scores` (indexed by class); at most
    /// [`N_TEMPLATES`] features are looked up.
    ///
    /// The table does not fit in cache, so lookups are done in passes without
    /// data-dependent branches in between, letting the processor overlap the cache misses
    /// instead of taking them one after another.
    #[inline]
    pub(crate) fn score(&self, feats: &[u64], scores: &mut Scores) {
        let mut touch = 0u32;
        for &key in feats {
            touch ^= self
                .buckets
                .get(key as usize & self.mask)
                .map_or(0, |b| b.tags[0]);
        }
        std::hint::black_box(touch);
        let mut starts = [0u32; N_TEMPLATES];
        for (s, &key) in starts.iter_mut().zip(feats) {
            *s = self.find(key) as u32;
        }
        let starts = &starts[..feats.len().min(N_TEMPLATES)];
        if !*NOTOUCH.get_or_init(|| std::env::var_os("NOTOUCH").is_some()) {
            let mut touch = 0i16;
            for &start in starts {
                touch ^= self.data.get(start as usize).copied().unwrap_or(0);
            }
            std::hint::black_box(touch);
        }
        let classes = self.classes;
        let mut lanes = [0i16; MAX_CLASSES];
        let lanes = &mut lanes[..classes.min(MAX_CLASSES)];
        let mut pending = 0;
        for &start in starts {
            let start = start as usize;
            let Some(&len) = self.data.get(start) else {
                continue;
            };
            if len == DENSE {
                let Some(row) = self.data.get(start + 1..start + 1 + classes) else {
                    continue;
                };
                for (a, &w) in lanes.iter_mut().zip(row) {
                    *a = a.wrapping_add(w);
                }
                pending += 1;
                if pending == BLOCK {
                    widen_into(lanes, scores);
                    pending = 0;
                }
            } else {
                let end = start + 1 + 2 * len.max(0) as usize;
                let Some(run) = self.data.get(start + 1..end) else {
                    continue;
                };
                for pair in run.chunks_exact(2) {
                    scores[usize::from(pair[0] as u8)] += i32::from(pair[1]);
                }
            }
        }
        if pending > 0 {
            widen_into(lanes, scores);
        }
    }

    /// A copy without the weights smaller than `min_abs` (quantised units).
    pub(crate) fn pruned(&self, min_abs: i16) -> Weights {
        let mut rows = Vec::new();
        for &(key, start) in &self.keys {
            let row: Vec<(u8, i16)> = self
                .entries_of(start)
                .into_iter()
                .filter(|e| e.1.abs() >= min_abs)
                .collect();
            if !row.is_empty() {
                rows.push((key, row));
            }
        }
        Weights::from_sorted(&rows, self.classes)
    }

    /// Number of features.
    pub(crate) fn features(&self) -> usize {
        self.keys.len()
    }

    /// Number of non-zero (feature, class) weights.
    pub(crate) fn weights(&self) -> usize {
        self.entries
    }

    /// The (class, weight) entries of the run at `start`.
    fn entries_of(&self, start: u32) -> Vec<(u8, i16)> {
        let start = start as usize;
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
        for &(key, start) in &self.keys {
            w.varint(key - prev);
            prev = key;
            let run = self.entries_of(start);
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
    /// non-zero, that classes increase and stay below `classes` (at most 255), and that
    /// weights are within ±[`MAX_WEIGHT`].
    pub(crate) fn read(r: &mut Reader<'_>, classes: usize) -> Result<Weights, ModelError> {
        if classes >= MAX_CLASSES {
            return Err(ModelError::Invalid(format!("{classes} classes")));
        }
        let n = r.len()?;
        let mut rows = Vec::with_capacity(n);
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
            let mut row = Vec::with_capacity(len);
            let mut class = 0u64;
            for i in 0..len {
                let d = r.varint()?;
                class += d;
                if (i > 0 && d == 0) || class >= classes as u64 {
                    return Err(ModelError::Invalid("weight classes out of order".into()));
                }
                let weight = i16::try_from(r.svarint()?)
                    .ok()
                    .filter(|&w| w != 0 && (-MAX_WEIGHT..=MAX_WEIGHT).contains(&w))
                    .ok_or_else(|| ModelError::Invalid("weight out of range".into()))?;
                row.push((class as u8, weight));
            }
            rows.push((key, row));
        }
        Ok(Weights::from_sorted(&rows, classes))
    }
}

/// Adds the i16 partial sums into the scores and clears them.
#[inline(always)]
fn widen_into(lanes: &mut [i16], scores: &mut Scores) {
    for (s, a) in scores.iter_mut().zip(lanes.iter_mut()) {
        *s += i32::from(*a);
        *a = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::features::N_TEMPLATES;

    #[test]
    fn averaging_quantising_and_round_trip() {
        let mut feats = [0u64; N_TEMPLATES];
        for (i, f) in feats.iter_mut().enumerate() {
            *f = 1000 + i as u64;
        }
        let mut tw = TrainWeights::default();
        tw.update(&feats, 2, 1);
        tw.tick();
        tw.tick();
        let w = tw.compile(0.0, 3);
        assert_eq!(w.features(), N_TEMPLATES);
        let mut scores = [0i32; MAX_CLASSES];
        w.score(&feats, &mut scores);
        assert!(scores[2] > 0 && scores[1] < 0 && scores[0] == 0);
        assert_eq!(scores[2], -scores[1]);

        let mut out = Writer::new(b"NGTEST  ", 1);
        w.write(&mut out);
        let bytes = out.finish();
        let mut r = Reader::new(&bytes, b"NGTEST  ", 1).unwrap();
        let back = Weights::read(&mut r, 3).unwrap();
        let mut again = [0i32; MAX_CLASSES];
        back.score(&feats, &mut again);
        assert_eq!(scores, again);
        let mut r = Reader::new(&bytes, b"NGTEST  ", 1).unwrap();
        assert!(Weights::read(&mut r, 2).is_err());
    }
}
