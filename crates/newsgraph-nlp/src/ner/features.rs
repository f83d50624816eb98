//! Feature extraction for the recogniser: a [`Sentence`]'s word forms in, a [`FeatureSet`] of
//! 64-bit feature keys per token out.
//!
//! A feature key mixes a template number with one or more atoms (hashes of words, shapes,
//! affixes, word classes, gazetteer matches, case-blind gazetteer matches, known given names
//! and surnames). The same sentence always gives the same keys.
//! The features read the forms only: parts of speech from the tagger, and dependency
//! relations from the parser, were tried (the tags also jackknifed over the training
//! sentences, since the tagger was trained on them) and lowered dev F1.

use super::lexicon::{Gazetteer, Lexicon};
use super::{Bio, NerLabel};
use crate::token::Sentence;

const K: u64 = 0x9e37_79b9_7f4a_7c15;

#[inline]
fn step(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(K).rotate_left(29)
}

#[inline]
fn avalanche(mut x: u64) -> u64 {
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 29;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 32)
}

/// Hash of a string, used as an atom.
pub(crate) fn atom(s: &str) -> u64 {
    let mut h = 0x6a09_e667_f3bc_c909u64 ^ s.len() as u64;
    for c in s.as_bytes().chunks(8) {
        let mut a = [0u8; 8];
        a[..c.len()].copy_from_slice(c);
        h = step(h, u64::from_le_bytes(a));
    }
    avalanche(h)
}

/// The key of template `t` over `atoms`.
#[inline]
fn key(t: u64, atoms: &[u64]) -> u64 {
    let mut h = step(0xbb67_ae85_84ca_a73b, t);
    for &a in atoms {
        h = step(h, a);
    }
    avalanche(h)
}

/// Feature keys of every token of a sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeatureSet {
    keys: Vec<u64>,
    ends: Vec<usize>,
    lexical: Vec<u8>,
}

impl FeatureSet {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True for an empty sentence.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The keys of token `i`.
    pub fn token(&self, i: usize) -> &[u64] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.keys[start..self.ends[i]]
    }

    /// How many of token `i`'s keys, at the front, stand for the word itself.
    pub fn lexical(&self, i: usize) -> usize {
        usize::from(self.lexical[i])
    }
}

/// `X` for uppercase, `x` for lowercase, `d` for digits, other characters as they are.
fn shape_of(form: &str, short: bool) -> String {
    let mut out = String::new();
    let mut last = None;
    for ch in form.chars() {
        let c = if ch.is_uppercase() {
            'X'
        } else if ch.is_lowercase() {
            'x'
        } else if ch.is_ascii_digit() {
            'd'
        } else {
            ch
        };
        if short && last == Some(c) {
            continue;
        }
        if !short && out.len() >= 8 {
            break;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

/// Per-token values that the templates combine.
struct Atoms {
    lower: u64,
    form: u64,
    shape: u64,
    short: u64,
    prefix: [u64; 4],
    suffix: [u64; 4],
    classes: [u64; 2],
    caps: u64,
    gaz: u64,
    cap: bool,
}

const NONE: u64 = 0x5555_5555;

fn affixes(lower: &str) -> ([u64; 4], [u64; 4]) {
    let chars: Vec<char> = lower.chars().collect();
    let mut p = [NONE; 4];
    let mut s = [NONE; 4];
    for n in 1..=4usize.min(chars.len()) {
        p[n - 1] = atom(&chars[..n].iter().collect::<String>());
        s[n - 1] = atom(&chars[chars.len() - n..].iter().collect::<String>());
    }
    (p, s)
}

/// Gazetteer matches as BIO tags: the longest listed phrase wins, left to right.
fn gazetteer_tags(
    forms: &[&str],
    lower_ok: bool,
    lookup: &dyn Fn(&str) -> Option<NerLabel>,
    max_len: usize,
) -> Vec<Bio> {
    let mut out = vec![Bio::O; forms.len()];
    let mut i = 0;
    while i < forms.len() {
        let starts_lower = forms[i].chars().next().is_some_and(char::is_lowercase) && !lower_ok;
        let mut hit = None;
        if !starts_lower {
            let mut phrase = String::new();
            for (n, f) in forms[i..].iter().take(max_len.max(1)).enumerate() {
                if n > 0 {
                    phrase.push(' ');
                }
                phrase.push_str(f);
                if let Some(l) = lookup(&phrase) {
                    hit = Some((n + 1, l));
                }
            }
        }
        match hit {
            Some((len, l)) => {
                out[i] = Bio::B(l);
                for t in &mut out[i + 1..i + len] {
                    *t = Bio::I(l);
                }
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// Words that may join capitalised words into one name ("Bank of England", "AT & T").
fn is_connector(form: &str) -> bool {
    matches!(
        form,
        "of" | "and" | "&" | "-" | "'s" | "de" | "du" | "la" | "for" | "the" | "on" | "." | "'"
    )
}

/// For each token, the maximal run of capitalised words (joined by connectors) it belongs
/// to, as a token range.
fn capital_runs(forms: &[&str]) -> Vec<Option<(usize, usize)>> {
    let cap = |f: &str| {
        f.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() && f.len() > 1)
            && f.chars().any(char::is_alphabetic)
    };
    let n = forms.len();
    let mut out = vec![None; n];
    let mut i = 0;
    while i < n {
        if !cap(forms[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < n {
            if cap(forms[j]) {
                end = j + 1;
                j += 1;
            } else if is_connector(forms[j]) && j + 1 < n {
                j += 1;
            } else {
                break;
            }
        }
        for o in &mut out[start..end] {
            *o = Some((start, end));
        }
        i = end;
    }
    out
}

fn normalise(form: &str) -> String {
    form.chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Feature keys for every token of `sentence`.
pub fn extract(
    sentence: &Sentence,
    lexicon: &Lexicon,
    gazetteer: &Gazetteer,
    lookup: &dyn Fn(&str) -> Option<NerLabel>,
) -> FeatureSet {
    let gaz_max_len = gazetteer.max_len();
    let toks = &sentence.tokens;
    let n = toks.len();
    let forms: Vec<&str> = toks.iter().map(|t| t.form.as_str()).collect();
    let gaz = gazetteer_tags(&forms, false, lookup, gaz_max_len);
    let lowered: Vec<String> = forms.iter().map(|f| f.to_lowercase()).collect();
    let lowered: Vec<&str> = lowered.iter().map(String::as_str).collect();
    let gaz_low = gazetteer_tags(&lowered, true, &|p| gazetteer.get_lower(p), gaz_max_len);
    let lowers: Vec<String> = forms.iter().map(|f| normalise(f)).collect();
    let atoms: Vec<Atoms> = (0..n)
        .map(|i| {
            let t = &toks[i];
            let lower = &lowers[i];
            let (prefix, suffix) = affixes(lower);
            let info = lexicon.get(lower);
            Atoms {
                lower: atom(lower),
                form: atom(&t.form),
                shape: atom(&shape_of(&t.form, false)),
                short: atom(&shape_of(&t.form, true)),
                prefix,
                suffix,
                classes: match info {
                    Some(w) => [u64::from(w.classes[0]) + 1, u64::from(w.classes[1]) + 1],
                    None => [0, 0],
                },
                caps: info.map_or(9, |w| u64::from(w.caps)),
                gaz: gaz[i].id() as u64,
                cap: t.form.chars().next().is_some_and(char::is_uppercase),
            }
        })
        .collect();
    // Sentence-level casing: most alphabetic words capitalised means a headline or a
    // shouting line, where capitals say less.
    let alpha: Vec<&Atoms> = atoms
        .iter()
        .zip(&forms)
        .filter(|(_, f)| f.chars().next().is_some_and(char::is_alphabetic))
        .map(|(a, _)| a)
        .collect();
    let titled = alpha.len() >= 3 && alpha.iter().filter(|a| a.cap).count() * 10 >= alpha.len() * 7;
    let bos = Atoms {
        lower: 1,
        form: 1,
        shape: 1,
        short: 1,
        prefix: [1; 4],
        suffix: [1; 4],
        classes: [1000, 1000],
        caps: 10,
        gaz: 100,
        cap: false,
    };
    let eos = Atoms {
        lower: 2,
        form: 2,
        shape: 2,
        short: 2,
        prefix: [2; 4],
        suffix: [2; 4],
        classes: [1001, 1001],
        caps: 11,
        gaz: 101,
        cap: false,
    };
    let at = |j: isize| -> &Atoms {
        if j < 0 {
            &bos
        } else if j as usize >= n {
            &eos
        } else {
            &atoms[j as usize]
        }
    };
    let runs = capital_runs(&forms);
    let kinds: Vec<u64> = lowers
        .iter()
        .map(|l| u64::from(gazetteer.word_kinds(l)))
        .collect();
    let kind = |j: isize| -> u64 {
        if j < 0 {
            8
        } else {
            kinds.get(j as usize).copied().unwrap_or(9)
        }
    };
    let mut fs = FeatureSet {
        keys: Vec::with_capacity(n * 64),
        ends: Vec::with_capacity(n),
        lexical: Vec::with_capacity(n),
    };
    for (i, run) in runs.iter().enumerate() {
        let k = &mut fs.keys;
        let ii = i as isize;
        let (p2, p1, c, n1, n2) = (at(ii - 2), at(ii - 1), at(ii), at(ii + 1), at(ii + 2));
        let mut f = |t: u64, a: &[u64]| k.push(key(t, a));
        // Word-identity features first: training may hide them (word dropout).
        f(1, &[c.lower]);
        f(2, &[c.form]);
        f(7, &[p1.lower, c.lower]);
        f(8, &[c.lower, n1.lower]);
        let lexical = 4;
        f(0, &[]);
        f(3, &[p1.lower]);
        f(4, &[n1.lower]);
        f(5, &[p2.lower]);
        f(6, &[n2.lower]);
        for j in 1..4 {
            f(10 + j as u64, &[c.prefix[j]]);
            f(20 + j as u64, &[c.suffix[j]]);
        }
        f(30, &[c.shape]);
        f(31, &[c.short]);
        f(32, &[p1.short, c.short]);
        f(33, &[c.short, n1.short]);
        f(34, &[p1.lower, c.short]);
        f(35, &[c.short, n1.lower]);
        f(50, &[u64::from(i == 0), c.short]);
        f(51, &[u64::from(titled), c.short]);
        f(52, &[u64::from(titled), c.caps, u64::from(c.cap)]);
        f(53, &[c.caps, u64::from(c.cap), u64::from(i == 0)]);
        f(60, &[c.classes[0]]);
        f(61, &[c.classes[1]]);
        f(62, &[p1.classes[1]]);
        f(63, &[n1.classes[1]]);
        f(64, &[p1.classes[0], c.classes[0]]);
        f(65, &[c.classes[0], n1.classes[0]]);
        f(66, &[c.classes[1], c.short]);
        f(67, &[p2.classes[0]]);
        f(68, &[n2.classes[0]]);
        f(70, &[c.gaz]);
        f(71, &[p1.gaz, c.gaz]);
        f(72, &[c.gaz, n1.gaz]);
        f(73, &[c.gaz, c.short]);
        // The gazetteer again, whatever the case ("france", "new york"), and known given
        // names and surnames, with their neighbours'.
        f(84, &[gaz_low[i].id() as u64, u64::from(c.cap)]);
        f(85, &[gaz_low[i].id() as u64, c.short]);
        f(76, &[kind(ii), u64::from(c.cap)]);
        f(77, &[kind(ii - 1), kind(ii), u64::from(c.cap)]);
        f(78, &[kind(ii), kind(ii + 1), u64::from(c.cap)]);
        f(79, &[kind(ii), c.classes[0]]);
        if let Some((a, b)) = *run {
            // The capitalised phrase around the token: its last word names the kind of thing
            // ("... Housing Authority", "... Futures", "... University"), its neighbours
            // the role ("at ...", "... said").
            let last = atoms[b - 1].lower;
            let first = atoms[a].lower;
            let pos = match (i == a, i + 1 == b) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            let len = (b - a).min(4) as u64;
            f(90, &[last]);
            f(91, &[first]);
            f(92, &[pos, len]);
            f(93, &[last, pos]);
            f(94, &[at(a as isize - 1).lower, pos]);
            f(95, &[at(b as isize).lower, pos]);
            f(96, &[atoms[b - 1].classes[1], pos]);
            f(97, &[atoms[b - 1].suffix[2], pos]);
        }
        fs.ends.push(fs.keys.len());
        fs.lexical.push(lexical as u8);
    }
    fs
}
