//! Feature extraction for the tagger: a sentence's word forms in, 64-bit feature hashes out.
//!
//! Every feature is a template id mixed with one or more "atoms" (hashes of a lowercased
//! word, an affix, a shape, a tag id) and finished into a well-spread 64-bit key. Nothing is
//! allocated per feature: each token's atoms are computed once from a reused lowercase
//! buffer, and features are combinations of those integers.

/// Multiplier of the Fx hash (the one rustc uses), used to fold words into a running hash.
const FX: u64 = 0x517c_c1b7_2722_0a95;
/// Starting value for feature hashes, so that template 0 with atom 0 is not hash 0.
const SEED: u64 = 0x243f_6a88_85a3_08d3;

/// One Fx step: fold `v` into the running hash `h`.
#[inline]
pub(crate) fn mix(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(FX)
}

/// Final avalanche (MurmurHash3's fmix64), so keys spread evenly over an open-addressing table.
#[inline]
pub(crate) fn finish(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    // 0 marks an empty slot in the lookup tables.
    if k == 0 { 1 } else { k }
}

/// Hash of a byte string, eight bytes at a time.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = mix(SEED, bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(a));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut a = [0u8; 8];
        a[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(a));
    }
    finish(h)
}

/// Key of a form in the tag dictionary (exact spelling, case kept).
pub(crate) fn form_key(form: &str) -> u64 {
    hash_bytes(form.as_bytes())
}

/// A feature from a template and one atom.
#[inline]
pub(crate) fn f1(template: u64, a: u64) -> u64 {
    finish(mix(mix(SEED, template), a))
}

/// A feature from a template and two atoms.
#[inline]
pub(crate) fn f2(template: u64, a: u64, b: u64) -> u64 {
    finish(mix(mix(mix(SEED, template), a), b))
}

/// A feature from a template and three atoms.
#[inline]
pub(crate) fn f3(template: u64, a: u64, b: u64, c: u64) -> u64 {
    finish(mix(mix(mix(mix(SEED, template), a), b), c))
}

/// Longest prefix and suffix (in characters) used as features.
pub(crate) const MAX_AFFIX: usize = 4;
/// Longest suffix used; one more than the prefixes because English inflection lives there.
pub(crate) const MAX_SUFFIX: usize = 5;

/// Atoms of one token, computed once per sentence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Atoms {
    /// The lowercased form with digits folded to `0`.
    pub word: u64,
    /// Prefixes of 1..=4 characters of the folded form.
    pub prefix: [u64; MAX_AFFIX],
    /// Suffixes of 1..=5 characters of the folded form.
    pub suffix: [u64; MAX_SUFFIX],
    /// Shape with runs cut at four: `Xxxx`, `dd,ddd`.
    pub shape: u64,
    /// Shape with runs cut at one: `Xx`, `d,d`.
    pub short_shape: u64,
    /// Bit set of the `FLAG_*` properties.
    pub flags: u64,
    /// The form exactly as written.
    pub exact: u64,
}

const FLAG_DIGIT: u64 = 1;
const FLAG_HYPHEN: u64 = 1 << 1;
const FLAG_UPPER: u64 = 1 << 2;
const FLAG_ALL_UPPER: u64 = 1 << 3;
const FLAG_INITIAL_UPPER: u64 = 1 << 4;
const FLAG_ALPHA: u64 = 1 << 5;
const FLAG_PERIOD: u64 = 1 << 6;
const FLAG_LONG: u64 = 1 << 7;
const FLAG_OTHER: u64 = 1 << 8;
/// Number of single-flag features (one per bit above).
const FLAG_BITS: u64 = 9;

/// Atom values standing for positions before the first and after the last token.
const PAD: [u64; 4] = [
    0x9e37_79b9_7f4a_7c15,
    0xbf58_476d_1ce4_e5b9,
    0x94d0_49bb_1331_11eb,
    0x2545_f491_4f6c_dd1d,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Upper,
    Lower,
    Digit,
    Other(char),
}

fn class_of(c: char) -> CharClass {
    if c.is_ascii_digit() {
        CharClass::Digit
    } else if c.is_uppercase() {
        CharClass::Upper
    } else if c.is_alphabetic() {
        CharClass::Lower
    } else {
        CharClass::Other(c)
    }
}

fn class_code(c: CharClass) -> u64 {
    match c {
        CharClass::Upper => u64::from('X'),
        CharClass::Lower => u64::from('x'),
        CharClass::Digit => u64::from('d'),
        CharClass::Other(c) => u64::from(c),
    }
}

/// Computes a token's atoms. `buf` is scratch space, reused between tokens.
pub(crate) fn atoms(form: &str, buf: &mut String) -> Atoms {
    buf.clear();
    let mut flags = 0u64;
    let mut n_upper = 0usize;
    let mut n_alpha = 0usize;
    let mut n_chars = 0usize;
    let mut shape = mix(SEED, 1);
    let mut short_shape = mix(SEED, 2);
    let mut prev: Option<CharClass> = None;
    let mut run = 0usize;
    let mut shape_len = 0usize;
    for (i, c) in form.chars().enumerate() {
        n_chars += 1;
        let class = class_of(c);
        match class {
            CharClass::Digit => {
                flags |= FLAG_DIGIT;
                buf.push('0');
            }
            CharClass::Upper => {
                n_upper += 1;
                n_alpha += 1;
                flags |= FLAG_UPPER;
                if i == 0 {
                    flags |= FLAG_INITIAL_UPPER;
                }
                buf.extend(c.to_lowercase());
            }
            CharClass::Lower => {
                n_alpha += 1;
                buf.push(c);
            }
            CharClass::Other(o) => {
                match o {
                    '-' => flags |= FLAG_HYPHEN,
                    '.' => flags |= FLAG_PERIOD,
                    _ => flags |= FLAG_OTHER,
                }
                buf.push(c);
            }
        }
        if prev == Some(class) {
            run += 1;
        } else {
            run = 1;
            short_shape = mix(short_shape, class_code(class));
        }
        if run <= 4 && shape_len < 16 {
            shape = mix(shape, class_code(class));
            shape_len += 1;
        }
        prev = Some(class);
    }
    if n_alpha > 0 {
        flags |= FLAG_ALPHA;
        if n_upper == n_alpha {
            flags |= FLAG_ALL_UPPER;
        }
    }
    if n_chars > 8 {
        flags |= FLAG_LONG;
    }
    let bytes = buf.as_bytes();
    let mut prefix = [0u64; MAX_AFFIX];
    let mut suffix = [0u64; MAX_SUFFIX];
    // Byte offsets of the first MAX_AFFIX character ends, padding with the full length.
    let mut ends = [bytes.len(); MAX_AFFIX];
    for (k, (idx, c)) in buf.char_indices().take(MAX_AFFIX).enumerate() {
        ends[k] = idx + c.len_utf8();
    }
    for (k, p) in prefix.iter_mut().enumerate() {
        *p = hash_bytes(&bytes[..ends[k]]);
    }
    let mut starts = [0usize; MAX_SUFFIX];
    for (k, (idx, _)) in buf.char_indices().rev().take(MAX_SUFFIX).enumerate() {
        starts[k] = idx;
    }
    for (k, s) in suffix.iter_mut().enumerate() {
        *s = hash_bytes(&bytes[starts[k]..]);
    }
    Atoms {
        word: hash_bytes(bytes),
        prefix,
        suffix,
        shape: finish(shape),
        short_shape: finish(short_shape),
        flags,
        exact: hash_bytes(form.as_bytes()),
    }
}

/// Template ids.
mod t {
    pub const BIAS: u64 = 0;
    pub const WORD: u64 = 1;
    pub const PREFIX: u64 = 2; // ..=5
    pub const SUFFIX: u64 = 6; // ..=10
    pub const SHAPE: u64 = 11;
    pub const SHORT_SHAPE: u64 = 12;
    pub const FLAGS: u64 = 13;
    pub const FLAG: u64 = 14;
    pub const EXACT: u64 = 15;
    pub const PREV_WORD: u64 = 20;
    pub const PREV2_WORD: u64 = 21;
    pub const NEXT_WORD: u64 = 22;
    pub const NEXT2_WORD: u64 = 23;
    pub const PREV_SUFFIX3: u64 = 24;
    pub const NEXT_SUFFIX3: u64 = 25;
    pub const PREV_WORD_WORD: u64 = 26;
    pub const WORD_NEXT_WORD: u64 = 27;
    pub const PREV_NEXT_WORD: u64 = 28;
    pub const PREV_SHAPE: u64 = 29;
    pub const NEXT_SHAPE: u64 = 30;
    pub const FIRST_WORD: u64 = 31;
    pub const PREV_TAG: u64 = 40;
    pub const PREV2_TAG: u64 = 41;
    pub const PREV_TAGS: u64 = 42;
    pub const PREV_TAG_WORD: u64 = 43;
    pub const PREV_TAG_SUFFIX3: u64 = 44;
    pub const NEXT_TAG: u64 = 50;
    pub const NEXT2_TAG: u64 = 51;
    pub const NEXT_TAGS: u64 = 52;
    pub const NEXT_TAG_WORD: u64 = 53;
    pub const AROUND_TAGS: u64 = 54;
    pub const NEXT_TAG_SUFFIX3: u64 = 55;
}

/// Number of features that depend on the token's form alone (so their summed weights can
/// be cached per word).
pub(crate) const N_WORD: usize = 7 + MAX_AFFIX + MAX_SUFFIX;
/// Number of tag-independent features that depend on the neighbouring words.
pub(crate) const N_CONTEXT: usize = 12;
/// Number of tag-independent features.
pub(crate) const N_STATIC: usize = N_WORD + N_CONTEXT;
/// Number of features from the left context of predicted tags.
pub(crate) const N_LEFT: usize = 5;
/// Number of features from the right context of first-pass tags.
pub(crate) const N_RIGHT: usize = 6;

/// Positions, in a token's assembled features (word, context, left, right), of the
/// features that involve the token's own word form: training hides these at random for
/// rare words so that the model learns to tag unseen words from their affixes and context.
pub(crate) const WORD_POSITIONS: [usize; 7] = [
    1,
    N_WORD - 1,
    N_WORD + 6,
    N_WORD + 7,
    N_WORD + 11,
    N_STATIC + 3,
    N_STATIC + N_LEFT + 3,
];

/// Writes the features of a token's form alone.
pub(crate) fn word_features(a: &Atoms, out: &mut [u64]) {
    let low = if a.flags == 0 {
        FLAG_BITS
    } else {
        u64::from(a.flags.trailing_zeros())
    };
    out[0] = f1(t::BIAS, 0);
    out[1] = f1(t::WORD, a.word);
    for (k, &p) in a.prefix.iter().enumerate() {
        out[2 + k] = f1(t::PREFIX + k as u64, p);
    }
    for (k, &s) in a.suffix.iter().enumerate() {
        out[2 + MAX_AFFIX + k] = f1(t::SUFFIX + k as u64, s);
    }
    let rest = 2 + MAX_AFFIX + MAX_SUFFIX;
    out[rest] = f1(t::SHAPE, a.shape);
    out[rest + 1] = f1(t::SHORT_SHAPE, a.short_shape);
    out[rest + 2] = f1(t::FLAGS, a.flags);
    // The lowest set flag bit as its own feature, so rare flag sets still share weight.
    out[rest + 3] = f1(t::FLAG, low);
    out[rest + 4] = f1(t::EXACT, a.exact);
}

/// Writes the tag-independent features of token `i` that look at its neighbours.
pub(crate) fn context_features(atoms: &[Atoms], i: usize, out: &mut [u64]) {
    let a = &atoms[i];
    let word_at = |j: isize| -> u64 {
        let k = i as isize + j;
        if k < 0 {
            PAD[(-k - 1).min(1) as usize]
        } else {
            // The padding is computed only past the end (`map_or` would compute it for every
            // token, underflowing `k - len`).
            atoms
                .get(k as usize)
                .map_or_else(|| PAD[2 + (k as usize - atoms.len()).min(1)], |x| x.word)
        }
    };
    let prev = i.checked_sub(1).and_then(|k| atoms.get(k));
    let next = atoms.get(i + 1);
    let suffix3 = |x: Option<&Atoms>, pad: u64| x.map_or(pad, |x| x.suffix[2]);
    let shape = |x: Option<&Atoms>, pad: u64| x.map_or(pad, |x| x.short_shape);
    let (w_1, w_2, w1, w2) = (word_at(-1), word_at(-2), word_at(1), word_at(2));
    out[0] = f1(t::PREV_WORD, w_1);
    out[1] = f1(t::PREV2_WORD, w_2);
    out[2] = f1(t::NEXT_WORD, w1);
    out[3] = f1(t::NEXT2_WORD, w2);
    out[4] = f1(t::PREV_SUFFIX3, suffix3(prev, PAD[0]));
    out[5] = f1(t::NEXT_SUFFIX3, suffix3(next, PAD[2]));
    out[6] = f2(t::PREV_WORD_WORD, w_1, a.word);
    out[7] = f2(t::WORD_NEXT_WORD, a.word, w1);
    out[8] = f2(t::PREV_NEXT_WORD, w_1, w1);
    out[9] = f1(t::PREV_SHAPE, shape(prev, PAD[0]));
    out[10] = f1(t::NEXT_SHAPE, shape(next, PAD[2]));
    // Sentence-initial capitals say little; other capitals say a lot. For other tokens this
    // would repeat the word feature, so it is left out (key 0 is never looked up).
    let case = u64::from(i == 0) * 2 + u64::from(a.flags & FLAG_INITIAL_UPPER != 0);
    out[11] = if case == 0 {
        0
    } else {
        f2(t::FIRST_WORD, a.word, case)
    };
}

/// Tag atom for a position before the sentence (`k` = 1 or 2 back) or after it.
pub(crate) const NO_TAG_BEFORE: [u64; 2] = [1000, 1001];
/// Tag atom for a position after the sentence.
pub(crate) const NO_TAG_AFTER: [u64; 2] = [1002, 1003];

/// Writes the features that depend on the two previous predicted tags `p1`, `p2`.
#[inline]
pub(crate) fn left_features(a: &Atoms, p1: u64, p2: u64, out: &mut [u64]) {
    out[..N_LEFT].copy_from_slice(&[
        f1(t::PREV_TAG, p1),
        f1(t::PREV2_TAG, p2),
        f2(t::PREV_TAGS, p1, p2),
        f2(t::PREV_TAG_WORD, p1, a.word),
        f2(t::PREV_TAG_SUFFIX3, p1, a.suffix[2]),
    ]);
}

/// Writes the features that depend on the next two first-pass tags `n1`, `n2`.
#[inline]
pub(crate) fn right_features(a: &Atoms, p1: u64, n1: u64, n2: u64, out: &mut [u64]) {
    out[..N_RIGHT].copy_from_slice(&[
        f1(t::NEXT_TAG, n1),
        f1(t::NEXT2_TAG, n2),
        f2(t::NEXT_TAGS, n1, n2),
        f2(t::NEXT_TAG_WORD, n1, a.word),
        f2(t::AROUND_TAGS, p1, n1),
        f3(t::NEXT_TAG_SUFFIX3, n1, a.suffix[2], 0),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affixes_and_shape_fold_case_and_digits() {
        let mut buf = String::new();
        let a = atoms("Walking", &mut buf);
        assert_eq!(buf, "walking");
        let b = atoms("walking", &mut buf);
        assert_eq!(a.word, b.word);
        assert_eq!(a.suffix, b.suffix);
        assert_ne!(a.exact, b.exact);
        assert_eq!(a.suffix[2], hash_bytes(b"ing"));
        assert_eq!(a.prefix[1], hash_bytes(b"wa"));
        assert_ne!(a.shape, b.shape);
        assert_ne!(a.flags, b.flags);
        assert_eq!(a.flags & FLAG_INITIAL_UPPER, FLAG_INITIAL_UPPER);
        let c = atoms("1,234", &mut buf);
        assert_eq!(buf, "0,000");
        let d = atoms("9,876", &mut buf);
        assert_eq!(c.shape, d.shape);
        assert_eq!(c.flags & FLAG_DIGIT, FLAG_DIGIT);
    }

    #[test]
    fn short_words_and_non_ascii_do_not_panic() {
        let mut buf = String::new();
        let a = atoms("é", &mut buf);
        assert_eq!(a.suffix[4], hash_bytes("é".as_bytes()));
        assert_eq!(a.prefix[3], a.prefix[0]);
        let e = atoms("", &mut buf);
        assert_eq!(e.word, hash_bytes(b""));
        let s = atoms("ÉCOLE", &mut buf);
        assert_eq!(buf, "école");
        assert_eq!(s.flags & FLAG_ALL_UPPER, FLAG_ALL_UPPER);
    }

    #[test]
    fn shapes_cap_runs() {
        let mut buf = String::new();
        let long = atoms("Hellooooo", &mut buf);
        let short = atoms("Hello", &mut buf);
        assert_eq!(long.shape, short.shape);
        assert_eq!(long.short_shape, atoms("Hi", &mut buf).short_shape);
        assert_ne!(long.shape, atoms("Hi", &mut buf).shape);
    }

    fn assembled(atoms: &[Atoms], i: usize) -> Vec<u64> {
        let mut out = vec![0u64; N_STATIC + N_LEFT + N_RIGHT];
        word_features(&atoms[i], &mut out[..N_WORD]);
        context_features(atoms, i, &mut out[N_WORD..N_STATIC]);
        left_features(&atoms[i], 3, 4, &mut out[N_STATIC..]);
        right_features(&atoms[i], 3, 5, 6, &mut out[N_STATIC + N_LEFT..]);
        out
    }

    #[test]
    fn features_are_distinct_and_non_zero() {
        let mut buf = String::new();
        let atoms: Vec<Atoms> = ["I", "saw", "it"]
            .iter()
            .map(|w| atoms(w, &mut buf))
            .collect();
        for i in 0..atoms.len() {
            let mut f = assembled(&atoms, i);
            // Only the sentence-initial / capitalised-word feature may be absent.
            assert!(
                f.iter()
                    .enumerate()
                    .all(|(k, &key)| key != 0 || k == N_WORD + 11)
            );
            f[N_WORD + 11] = 1;
            f.sort_unstable();
            f.dedup();
            assert_eq!(f.len(), N_STATIC + N_LEFT + N_RIGHT);
        }
    }

    #[test]
    fn word_positions_are_the_word_features() {
        let mut buf = String::new();
        let base: Vec<Atoms> = ["We", "Saw", "it"]
            .iter()
            .map(|w| atoms(w, &mut buf))
            .collect();
        let mut other = base.clone();
        other[1].word ^= 0xdead;
        other[1].exact ^= 0xbeef;
        let (a, b) = (assembled(&base, 1), assembled(&other, 1));
        let differ: Vec<usize> = (0..a.len()).filter(|&k| a[k] != b[k]).collect();
        assert_eq!(differ, WORD_POSITIONS.to_vec());
    }
}
