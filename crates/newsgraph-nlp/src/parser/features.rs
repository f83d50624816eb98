//! Feature extraction: a parser configuration in, one 48-bit key per feature template out.
//!
//! The templates follow Zhang & Nivre (2011), adapted to the arc-hybrid system: words, lemmas
//! and tags of the top three stack items (s0–s2) and the first three buffer tokens (b0–b2),
//! their outermost dependents and those dependents' labels, distances, valencies and label
//! sets, and pairs and triples of these. A key is a hash of the template number and integer
//! ids only (never of strings), so extraction allocates nothing and costs a few multiplies.

use super::system::{NO_TOKEN, Node, State};
use super::vocab::{NONE, ROOT};

/// The integer ids of one token's attributes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokIds {
    /// Normalised word form.
    pub word: u32,
    /// Lemma.
    pub lemma: u32,
    /// Language-specific tag.
    pub xpos: u32,
    /// Universal tag.
    pub upos: u32,
}

impl TokIds {
    /// The ids of an empty position.
    pub(crate) const NONE: TokIds = TokIds {
        word: NONE,
        lemma: NONE,
        xpos: NONE,
        upos: NONE,
    };
    /// The ids of the artificial root.
    pub(crate) const ROOT: TokIds = TokIds {
        word: ROOT,
        lemma: ROOT,
        xpos: ROOT,
        upos: ROOT,
    };
}

/// Number of feature templates.
pub(crate) const N_TEMPLATES: usize = 85;

/// One key per template.
pub(crate) type Features = [u64; N_TEMPLATES];

const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

#[inline(always)]
fn mix(h: u64, v: u64) -> u64 {
    let x = (h ^ v).wrapping_mul(MUL);
    x ^ (x >> 32)
}

/// Final avalanche (MurmurHash3's fmix64), then the top 48 bits; 0 is kept for empty slots.
#[inline(always)]
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    (h >> 16).max(1)
}

/// Distance bucket between two positions (0 when one is missing).
#[inline]
fn distance(a: Option<u32>, b: Option<u32>) -> u64 {
    match (a, b) {
        (Some(a), Some(b)) => {
            let d = a.abs_diff(b);
            let bucket = match d {
                0..=5 => d,
                6..=7 => 6,
                8..=10 => 7,
                11..=15 => 8,
                _ => 9,
            };
            u64::from(bucket) + 1
        }
        _ => 0,
    }
}

/// Extracts the features of `st`. `toks` holds the ids of tokens 0..=n (0 is the artificial
/// root) and `base` maps label ids to base-label ids.
pub(crate) fn extract(toks: &[TokIds], st: &State, base: &[u16], out: &mut Features) {
    let ids = |t: Option<u32>| match t {
        Some(t) => toks.get(t as usize).copied().unwrap_or(TokIds::NONE),
        None => TokIds::NONE,
    };
    let node = |t: Option<u32>| t.and_then(|t| st.nodes.get(t as usize));
    let child =
        |t: Option<u32>, pick: fn(&Node) -> u32| node(t).map(pick).filter(|&c| c != NO_TOKEN);
    let label = |t: Option<u32>| match node(t) {
        Some(n) => base
            .get(usize::from(n.label))
            .map_or(0, |&b| u64::from(b) + 1),
        None => 0,
    };
    let labels = |t: Option<u32>, pick: fn(&Node) -> u64| node(t).map_or(0, pick);

    let (i_s0, i_s1, i_s2) = (st.stack_at(0), st.stack_at(1), st.stack_at(2));
    let (i_b0, i_b1, i_b2) = (st.buffer_at(0), st.buffer_at(1), st.buffer_at(2));
    let (s0, s1, s2) = (ids(i_s0), ids(i_s1), ids(i_s2));
    let (b0, b1, b2) = (ids(i_b0), ids(i_b1), ids(i_b2));

    let i_s0l1 = child(i_s0, |n| n.left1);
    let i_s0l2 = child(i_s0, |n| n.left2);
    let i_s0r1 = child(i_s0, |n| n.right1);
    let i_s0r2 = child(i_s0, |n| n.right2);
    let i_s1l1 = child(i_s1, |n| n.left1);
    let i_s1r1 = child(i_s1, |n| n.right1);
    let i_s1r2 = child(i_s1, |n| n.right2);
    let i_b0l1 = child(i_b0, |n| n.left1);
    let i_b0l2 = child(i_b0, |n| n.left2);
    let (s0l1, s0l2, s0r1, s0r2) = (ids(i_s0l1), ids(i_s0l2), ids(i_s0r1), ids(i_s0r2));
    let (s1l1, s1r1, s1r2) = (ids(i_s1l1), ids(i_s1r1), ids(i_s1r2));
    let (b0l1, b0l2) = (ids(i_b0l1), ids(i_b0l2));
    let (l_s0l1, l_s0l2, l_s0r1, l_s0r2) =
        (label(i_s0l1), label(i_s0l2), label(i_s0r1), label(i_s0r2));
    let (l_s1l1, l_s1r1, l_s1r2) = (label(i_s1l1), label(i_s1r1), label(i_s1r2));
    let (l_b0l1, l_b0l2) = (label(i_b0l1), label(i_b0l2));

    let d_s0b0 = distance(i_s0, i_b0);
    let d_s1s0 = distance(i_s1, i_s0);

    let w = |t: TokIds| u64::from(t.word);
    let p = |t: TokIds| u64::from(t.xpos);
    let m = |t: TokIds| u64::from(t.lemma);
    let u = |t: TokIds| u64::from(t.upos);

    let mut k = 0usize;
    macro_rules! f {
        ($($v:expr),+) => {{
            let mut h = mix(0x243f_6a88_85a3_08d3, k as u64);
            $( h = mix(h, $v); )+
            if let Some(slot) = out.get_mut(k) {
                *slot = finish(h);
            }
            k += 1;
        }};
    }
    // Single positions and pairs of the stack top with its neighbours.
    f!(w(s0), p(s0));
    f!(w(s0));
    f!(p(s0));
    f!(m(s0));
    f!(w(s1), p(s1));
    f!(p(s1));
    f!(w(b0), p(b0));
    f!(p(b0));
    f!(m(b0));
    f!(w(s0), w(b0));
    f!(p(s0), p(b0));
    f!(w(s0), p(s0), p(b0));
    f!(p(s0), w(b0), p(b0));
    f!(m(s0), m(b0));
    f!(w(s1), w(s0));
    f!(p(s1), p(s0));
    f!(w(s1), p(s1), p(s0));
    f!(p(s1), w(s0), p(s0));
    f!(m(s1), m(s0));
    f!(l_s0l1);
    f!(l_s0r1);
    f!(l_b0l1);
    f!(l_s1r1);
    f!(p(s0), l_s0l1, l_s0l2);
    f!(p(s0), l_s0r1, l_s0r2);
    f!(w(s0), l_s0l1, l_s0r1);
    f!(
        p(s0),
        labels(i_s0, |n| n.right_labels),
        labels(i_s0, |n| n.left_labels)
    );
    f!(p(s0), p(b0), d_s0b0);
    f!(p(s1), p(s0), d_s1s0);
    f!(p(s0), p(b0), p(b1));
    f!(p(s1), p(s0), p(b0));
    // More context.
    f!(w(s1));
    f!(m(s1));
    f!(w(s2), p(s2));
    f!(p(s2));
    f!(w(b0));
    f!(w(b1), p(b1));
    f!(w(b1));
    f!(p(b1));
    f!(w(b2), p(b2));
    f!(p(b2));
    f!(w(s0), p(s0), w(b0), p(b0));
    f!(w(s0), p(s0), w(b0));
    f!(w(s0), w(b0), p(b0));
    f!(u(s0), u(b0));
    f!(w(s1), p(s1), w(s0), p(s0));
    f!(w(s1), p(s1), w(s0));
    f!(w(s1), w(s0), p(s0));
    f!(u(s1), u(s0));
    f!(p(b0), p(b1));
    f!(p(b0), p(b1), p(b2));
    f!(p(s2), p(s1), p(s0));
    f!(w(s0l1));
    f!(p(s0l1));
    f!(w(s0r1));
    f!(p(s0r1));
    f!(p(s1l1));
    f!(l_s1l1);
    f!(w(s1r1));
    f!(p(s1r1));
    f!(w(b0l1));
    f!(p(b0l1));
    f!(p(s0l2), l_s0l2);
    f!(p(s0r2), l_s0r2);
    f!(p(s1r2), l_s1r2);
    f!(p(b0l2), l_b0l2);
    f!(p(s0), p(s0l1), p(b0));
    f!(p(s0), p(s0r1), p(b0));
    f!(p(s0), p(b0), p(b0l1));
    f!(p(s1), p(s1l1), p(s0));
    f!(p(s1), p(s1r1), p(s0));
    f!(p(s1), p(s0), p(s0l1));
    f!(p(s1), p(s0), p(s0r1));
    f!(p(b0), l_b0l1, l_b0l2);
    f!(p(s1), l_s1r1, l_s1r2);
    f!(p(s0), p(s0l1), p(s0l2));
    f!(p(s0), p(s0r1), p(s0r2));
    f!(p(b0), p(b0l1), p(b0l2));
    f!(w(s0), p(s0), l_s0r1);
    f!(w(b0), p(b0), l_b0l1);
    f!(w(s0), labels(i_s0, |n| n.right_labels));
    f!(w(s0), labels(i_s0, |n| n.left_labels));
    f!(w(b0), labels(i_b0, |n| n.left_labels));
    f!(p(b0), labels(i_b0, |n| n.left_labels));
    f!(p(s1), labels(i_s1, |n| n.right_labels));
    debug_assert_eq!(k, N_TEMPLATES);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_filled_and_distinct() {
        let toks = [
            TokIds::ROOT,
            TokIds {
                word: 5,
                lemma: 6,
                xpos: 7,
                upos: 8,
            },
        ];
        let mut st = State::default();
        st.reset(1);
        let mut out = [0u64; N_TEMPLATES];
        extract(&toks, &st, &[0], &mut out);
        assert!(out.iter().all(|&k| k != 0 && k < 1 << 48));
        let mut sorted = out.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), N_TEMPLATES, "templates must not collide");
    }
}
