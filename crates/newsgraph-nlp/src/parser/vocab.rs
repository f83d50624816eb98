//! Vocabularies: strings (word forms, lemmas, XPOS tags) in, small dense integer ids out.
//!
//! Ids 0–2 are reserved so that feature templates can tell an empty position, the artificial
//! root and an unseen string apart; real entries start at [`FIRST_ID`] in sorted string order,
//! which keeps model files independent of hash-map iteration order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Id of an empty position (no token there).
pub(crate) const NONE: u32 = 0;
/// Id of the artificial root token.
pub(crate) const ROOT: u32 = 1;
/// Id of a string missing from the vocabulary.
pub(crate) const UNKNOWN: u32 = 2;
/// Id of the first real entry.
pub(crate) const FIRST_ID: u32 = 3;

/// A fast non-cryptographic hasher for short strings (word forms); the inputs are our own
/// training data and the text being parsed, so collision attacks are not a concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(a));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut a = [0u8; 8];
            a[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(a) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(SEED);
    }

    fn finish(&self) -> u64 {
        let h = self.0;
        h ^ (h >> 29)
    }
}

/// Builds [`FastHasher`]s.
pub(crate) type FastBuild = BuildHasherDefault<FastHasher>;

/// A string ↔ id table.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocab {
    ids: HashMap<Box<str>, u32, FastBuild>,
    items: Vec<Box<str>>,
}

impl Vocab {
    /// The strings counted at least `min_count` times, in sorted order.
    pub(crate) fn from_counts(counts: &HashMap<String, usize>, min_count: usize) -> Self {
        let mut items: Vec<&String> = counts
            .iter()
            .filter(|&(_, &c)| c >= min_count)
            .map(|(s, _)| s)
            .collect();
        items.sort();
        Self::from_sorted(items.into_iter().map(|s| s.as_str().into()).collect())
    }

    /// A vocabulary read back from a model file; the entries must be sorted and distinct.
    pub(crate) fn from_items(items: Vec<Box<str>>) -> Option<Self> {
        if items.windows(2).any(|w| w[0] >= w[1]) {
            return None;
        }
        Some(Self::from_sorted(items))
    }

    fn from_sorted(items: Vec<Box<str>>) -> Self {
        let mut ids = HashMap::with_capacity_and_hasher(items.len(), FastBuild::default());
        for (i, s) in items.iter().enumerate() {
            ids.insert(s.clone(), FIRST_ID + i as u32);
        }
        Self { ids, items }
    }

    /// The id of `s`, or [`UNKNOWN`].
    pub(crate) fn id(&self, s: &str) -> u32 {
        self.ids.get(s).copied().unwrap_or(UNKNOWN)
    }

    /// The entries in id order.
    pub(crate) fn items(&self) -> &[Box<str>] {
        &self.items
    }

    /// Number of real entries.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

/// Writes the form the word vocabulary keys on into `out`: lower case, every digit as `0`,
/// so that "1984" and "2023" or "Apple" and "apple" share statistics.
pub(crate) fn normalize_into(form: &str, out: &mut String) {
    out.clear();
    for c in form.chars() {
        if c.is_ascii_digit() {
            out.push('0');
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_and_ids() {
        let mut s = String::new();
        for (input, expected) in [("Apple", "apple"), ("1,984.5", "0,000.0"), ("ÉTÉ", "été")] {
            normalize_into(input, &mut s);
            assert_eq!(s, expected);
        }
        let counts: HashMap<String, usize> = [("b", 3), ("a", 2), ("c", 1)]
            .iter()
            .map(|&(k, v)| (k.to_owned(), v))
            .collect();
        let v = Vocab::from_counts(&counts, 2);
        assert_eq!(v.id("a"), FIRST_ID);
        assert_eq!(v.id("b"), FIRST_ID + 1);
        assert_eq!(v.id("c"), UNKNOWN);
        assert!(Vocab::from_items(vec!["b".into(), "a".into()]).is_none());
    }
}
