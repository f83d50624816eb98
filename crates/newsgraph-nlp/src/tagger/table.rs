//! Feature weights for tagging: 64-bit feature keys in, per-label integer weights out.
//!
//! Features live in an open-addressing table (linear probing, power-of-two size, key 0 =
//! empty); each slot points at a run of `(label, weight)` entries. Weights are quantised to
//! `i16` against one scale per table, which keeps the arg-max intact while shrinking the file.

use crate::binio::{ModelError, Reader, Writer};

/// One non-zero weight of a feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Label id.
    pub label: u8,
    /// Marks the last entry of a feature's run (it fills what would be padding).
    last: bool,
    /// Quantised weight.
    pub weight: i16,
}

impl Entry {
    /// A weight for `label`.
    pub(crate) fn new(label: u8, weight: i16) -> Self {
        Entry {
            label,
            last: false,
            weight,
        }
    }
}

/// A table slot: the key's upper 32 bits (its lower bits chose the slot) and where its run
/// of entries starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    fingerprint: u32,
    start: u32,
}

const EMPTY: u32 = u32::MAX;

/// Quantised feature weights with fast lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Weights {
    mask: usize,
    slots: Vec<Slot>,
    /// Runs of entries, one per feature, in key order.
    entries: Vec<Entry>,
    /// Feature keys in increasing order (for serialisation).
    keys: Vec<u64>,
    /// One bit per hash bucket: most lookups of unseen features stop here, in a bit set
    /// small enough to stay in cache.
    filter: Vec<u64>,
    filter_mask: usize,
}

/// Bucket of a key in the presence filter (other bits than the slot index).
#[inline]
fn filter_bit(key: u64, mask: usize) -> usize {
    ((key >> 24) as usize) & mask
}

impl Weights {
    /// Builds the table from features sorted by strictly increasing, non-zero key, each with
    /// at least one entry.
    pub(crate) fn from_sorted(features: &[(u64, Vec<Entry>)]) -> Result<Self, ModelError> {
        let total: usize = features.iter().map(|(_, e)| e.len()).sum();
        if total >= EMPTY as usize {
            return Err(ModelError::Invalid("too many weights".into()));
        }
        let mut last = 0u64;
        for (key, entries) in features {
            if *key == 0 || *key <= last {
                return Err(ModelError::Invalid(
                    "feature keys not strictly increasing".into(),
                ));
            }
            if entries.is_empty() {
                return Err(ModelError::Invalid("feature without weights".into()));
            }
            last = *key;
        }
        Ok(Self::build(features))
    }

    /// Builds the table from features known to have distinct non-zero keys, non-empty runs
    /// and fewer than 2^32 - 1 entries in all (the trainer's output).
    pub(crate) fn build(features: &[(u64, Vec<Entry>)]) -> Self {
        // At most three quarters full: probes stay short and usually within a cache line.
        let n = features.len();
        let cap = (n + n / 3 + 16).next_power_of_two();
        let mask = cap - 1;
        let mut slots = vec![
            Slot {
                fingerprint: 0,
                start: EMPTY
            };
            cap
        ];
        let total: usize = features.iter().map(|(_, e)| e.len()).sum();
        let mut entries = Vec::with_capacity(total);
        let mut keys = Vec::with_capacity(n);
        // About 16 bits per feature: roughly 6% of unseen keys pass the filter.
        let filter_bits = (n * 16).max(64).next_power_of_two();
        let filter_mask = filter_bits - 1;
        let mut filter = vec![0u64; filter_bits / 64];
        for (key, run) in features {
            let b = filter_bit(*key, filter_mask);
            filter[b / 64] |= 1 << (b % 64);
            let start = entries.len() as u32;
            entries.extend_from_slice(run);
            if let Some(e) = entries.last_mut() {
                e.last = true;
            }
            keys.push(*key);
            let fingerprint = (*key >> 32) as u32;
            let mut i = (*key as usize) & mask;
            while slots[i].start != EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = Slot { fingerprint, start };
        }
        Self {
            mask,
            slots,
            entries,
            keys,
            filter,
            filter_mask,
        }
    }

    /// Adds the weights of every known feature in `keys` to `scores`.
    ///
    /// The table is larger than the CPU caches, so lookups are done in two phases: first the
    /// home slot of every key is loaded (independent loads the CPU overlaps), then keys are
    /// matched, probing on where needed, and their weights added.
    #[inline]
    pub(crate) fn add_all(&self, keys: &[u64], scores: &mut [i32]) {
        const BATCH: usize = 48;
        let mut home = [Slot {
            fingerprint: 0,
            start: EMPTY,
        }; BATCH];
        let mut live = [0u64; BATCH];
        for chunk in keys.chunks(BATCH) {
            let mut n = 0;
            for &k in chunk {
                let b = filter_bit(k, self.filter_mask);
                if k != 0 && self.filter[b / 64] >> (b % 64) & 1 != 0 {
                    live[n] = k;
                    n += 1;
                }
            }
            for (h, &k) in home.iter_mut().zip(&live[..n]) {
                *h = self.slots[(k as usize) & self.mask];
            }
            for (h, &key) in home.iter().zip(&live[..n]) {
                let fingerprint = (key >> 32) as u32;
                let mut slot = *h;
                let mut i = (key as usize) & self.mask;
                while slot.fingerprint != fingerprint && slot.start != EMPTY {
                    i = (i + 1) & self.mask;
                    slot = self.slots[i];
                }
                if slot.start == EMPTY {
                    continue;
                }
                for e in self.entries.iter().skip(slot.start as usize) {
                    if let Some(s) = scores.get_mut(usize::from(e.label)) {
                        *s += i32::from(e.weight);
                    }
                    if e.last {
                        break;
                    }
                }
            }
        }
    }

    /// Number of features.
    pub(crate) fn n_features(&self) -> usize {
        self.keys.len()
    }

    /// Number of stored weights.
    pub(crate) fn n_weights(&self) -> usize {
        self.entries.len()
    }

    /// Appends the table: count, then per feature the key gap, the entry count and the
    /// entries (label gap, weight), all as varints.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.varint(self.keys.len() as u64);
        let mut last = 0u64;
        let mut run = self.entries.split_inclusive(|e| e.last);
        for &key in &self.keys {
            let entries = run.next().unwrap_or(&[]);
            w.varint(key - last);
            last = key;
            w.varint(entries.len() as u64);
            let mut prev = 0u8;
            for e in entries {
                w.u8(e.label - prev);
                prev = e.label;
                w.svarint(i64::from(e.weight));
            }
        }
    }

    /// Reads a table written by [`Weights::write`], checking labels against `n_labels`.
    pub(crate) fn read(r: &mut Reader<'_>, n_labels: usize) -> Result<Self, ModelError> {
        let n = r.len()?;
        let mut features = Vec::with_capacity(n);
        let mut key = 0u64;
        for _ in 0..n {
            let gap = r.varint()?;
            if gap == 0 {
                return Err(ModelError::Invalid("repeated feature key".into()));
            }
            key = key
                .checked_add(gap)
                .ok_or_else(|| ModelError::Invalid("feature key overflow".into()))?;
            let m = r.len()?;
            let mut entries = Vec::with_capacity(m);
            let mut label = 0u8;
            for k in 0..m {
                let gap = r.u8()?;
                if k > 0 && gap == 0 {
                    return Err(ModelError::Invalid("repeated label in a feature".into()));
                }
                label = label
                    .checked_add(gap)
                    .filter(|&l| usize::from(l) < n_labels)
                    .ok_or_else(|| ModelError::Invalid("label out of range".into()))?;
                let weight = i16::try_from(r.svarint()?)
                    .map_err(|_| ModelError::Invalid("weight out of range".into()))?;
                entries.push(Entry::new(label, weight));
            }
            features.push((key, entries));
        }
        Self::from_sorted(&features)
    }
}

/// An open-addressing map from non-zero 64-bit keys to small values: the tag dictionary
/// (form → label) and the word-score cache (form → row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyMap<V> {
    mask: usize,
    keys: Vec<u64>,
    values: Vec<V>,
}

impl<V: Copy + Default> KeyMap<V> {
    /// Builds the map from pairs with distinct non-zero keys.
    pub(crate) fn build(pairs: &[(u64, V)]) -> Self {
        let cap = (pairs.len() * 2).max(16).next_power_of_two();
        let mask = cap - 1;
        let mut keys = vec![0u64; cap];
        let mut values = vec![V::default(); cap];
        for &(key, value) in pairs {
            let mut i = (key as usize) & mask;
            while keys[i] != 0 && keys[i] != key {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = value;
        }
        Self { mask, keys, values }
    }

    /// The value stored for `key`.
    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<V> {
        let mut i = (key as usize) & self.mask;
        loop {
            let k = self.keys[i];
            if k == key {
                return Some(self.values[i]);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.keys.iter().filter(|&&k| k != 0).count()
    }
}

impl KeyMap<u8> {
    /// Builds a label map from pairs sorted by strictly increasing, non-zero key.
    pub(crate) fn from_sorted(pairs: &[(u64, u8)]) -> Result<Self, ModelError> {
        let mut last = 0u64;
        for &(key, _) in pairs {
            if key == 0 || key <= last {
                return Err(ModelError::Invalid(
                    "dictionary keys not strictly increasing".into(),
                ));
            }
            last = key;
        }
        Ok(Self::build(pairs))
    }

    /// Appends the map as a count then (key gap, label) pairs in key order.
    pub(crate) fn write(&self, w: &mut Writer) {
        let mut pairs: Vec<(u64, u8)> = self
            .keys
            .iter()
            .zip(&self.values)
            .filter(|(k, _)| **k != 0)
            .map(|(k, l)| (*k, *l))
            .collect();
        pairs.sort_unstable();
        w.varint(pairs.len() as u64);
        let mut last = 0u64;
        for (k, l) in pairs {
            w.varint(k - last);
            last = k;
            w.u8(l);
        }
    }

    /// Reads a map written by [`KeyMap::write`], checking labels against `n_labels`.
    pub(crate) fn read(r: &mut Reader<'_>, n_labels: usize) -> Result<Self, ModelError> {
        let n = r.len()?;
        let mut pairs = Vec::with_capacity(n);
        let mut key = 0u64;
        for _ in 0..n {
            let gap = r.varint()?;
            if gap == 0 {
                return Err(ModelError::Invalid("repeated dictionary key".into()));
            }
            key = key
                .checked_add(gap)
                .ok_or_else(|| ModelError::Invalid("dictionary key overflow".into()))?;
            let label = r.u8()?;
            if usize::from(label) >= n_labels {
                return Err(ModelError::Invalid("label out of range".into()));
            }
            pairs.push((key, label));
        }
        Self::from_sorted(&pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_round_trip_and_lookup() {
        let feats = vec![
            (5u64, vec![Entry::new(0, 3), Entry::new(2, -7)]),
            (37u64, vec![Entry::new(2, 1)]),
            // Same slot bits as 21, different fingerprint: 21 itself must not match it.
            (21u64 | 7 << 40, vec![Entry::new(1, 300)]),
        ];
        let w = Weights::from_sorted(&feats).unwrap();
        let mut scores = [0i32; 3];
        w.add_all(&[5, 21 | 7 << 40, 99, 21], &mut scores);
        assert_eq!(scores, [3, 300, -7]);
        let mut out = Writer::new(b"NGTEST  ", 1);
        w.write(&mut out);
        let bytes = out.finish();
        let mut r = Reader::new(&bytes, b"NGTEST  ", 1).unwrap();
        assert_eq!(Weights::read(&mut r, 3).unwrap(), w);
        let mut r = Reader::new(&bytes, b"NGTEST  ", 1).unwrap();
        assert!(Weights::read(&mut r, 2).is_err());
    }

    #[test]
    fn unsorted_keys_are_refused() {
        let feats = vec![
            (9u64, vec![Entry::new(0, 1)]),
            (3u64, vec![Entry::new(0, 1)]),
        ];
        assert!(Weights::from_sorted(&feats).is_err());
        assert!(Weights::from_sorted(&[(9u64, vec![])]).is_err());
        assert!(KeyMap::from_sorted(&[(4, 1), (4, 2)]).is_err());
    }

    #[test]
    fn label_map_round_trip() {
        let m = KeyMap::from_sorted(&[(3, 1), (19, 4), (35, 0)]).unwrap();
        assert_eq!(m.get(19), Some(4));
        assert_eq!(m.get(35), Some(0));
        assert_eq!(m.get(4), None);
        let mut out = Writer::new(b"NGTEST  ", 1);
        m.write(&mut out);
        let bytes = out.finish();
        let mut r = Reader::new(&bytes, b"NGTEST  ", 1).unwrap();
        assert_eq!(KeyMap::read(&mut r, 5).unwrap(), m);
        assert_eq!(m.len(), 3);
    }
}
