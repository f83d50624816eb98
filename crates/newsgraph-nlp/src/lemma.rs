//! Lemmatisation: tagged tokens (form, UPOS, XPOS) in, dictionary forms out.
//!
//! Regular English inflection is undone by rules ([`rule_lemma`]): plural and third-person
//! `-s`, past `-ed`, `-ing`, comparative `-er` and superlative `-est`, with consonant
//! undoubling and silent-`e` restoration. What the rules get wrong on the training data
//! (irregular forms, pronouns, spelling variants) is kept in two exception tables learned from
//! the treebank: one keyed by the exact form, one by the lowercased form, both with the XPOS.
//! Case follows UD English-EWT: proper nouns keep their spelling, other words are lowercased.

use crate::binio::{ModelError, Reader, Writer};
use crate::conllu::ConlluSentence;
use crate::token::{Sentence, Upos};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

const MAGIC: &[u8; 8] = b"NGLEMMAS";
const VERSION: u32 = 2;

/// A lemmatizer: exception tables over rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lemmatizer {
    /// `XPOS \t form` → lemma.
    exact: HashMap<String, String>,
    /// `XPOS \t lowercased form` → lemma.
    lower: HashMap<String, String>,
    /// `* \t lowercased form` → lemma, for forms that have one lowercase lemma, different
    /// from the form, under every tag seen in training: used when the tag given is one the
    /// form was never seen with, which is most often a tagging error (`kidding` as a noun).
    form: HashMap<String, String>,
}

/// Tag part of the keys of the tag-independent table.
const ANY_TAG: &str = "*";

/// The tag a table key uses: the XPOS, or the UPOS when there is none.
fn tag_key(upos: Upos, xpos: &str) -> &str {
    if xpos.is_empty() { upos.as_str() } else { xpos }
}

fn make_key(buf: &mut String, tag: &str, form: &str, lowercase: bool) {
    buf.clear();
    buf.push_str(tag);
    buf.push('\t');
    if lowercase {
        buf.extend(form.chars().flat_map(char::to_lowercase));
    } else {
        buf.push_str(form);
    }
}

/// The shipped tables (`models/lemma.bin`), learned by
/// [`crate::tagger::train_from_dir`] from UD English-EWT (CC BY-SA 4.0).
const EMBEDDED: &[u8] = include_bytes!("../models/lemma.bin");

impl Lemmatizer {
    /// Loads the shipped lemmatizer (learned from UD English-EWT).
    pub fn embedded() -> Result<Lemmatizer, ModelError> {
        Lemmatizer::from_bytes(EMBEDDED)
    }

    /// Learns the exception tables from gold sentences.
    ///
    /// For each (XPOS, lowercased form) the most frequent lemma is stored when it is right more
    /// often than the rules; then each (XPOS, exact form) whose most frequent lemma beats what
    /// the rules and the lowercase table give is stored too.
    pub fn train(train: &[ConlluSentence]) -> Lemmatizer {
        // (tag, form, first-in-sentence, upos) → lemma → count; ordered maps keep ties stable.
        type Occ<'a> = BTreeMap<(&'a str, &'a str, bool, Upos), BTreeMap<&'a str, u32>>;
        let mut occ: Occ<'_> = BTreeMap::new();
        for s in train {
            for (i, t) in s.sentence.tokens.iter().enumerate() {
                if t.lemma.is_empty() {
                    continue;
                }
                let key = (tag_key(t.upos, &t.xpos), t.form.as_str(), i == 0, t.upos);
                *occ.entry(key)
                    .or_default()
                    .entry(t.lemma.as_str())
                    .or_default() += 1;
            }
        }
        let mut out = Lemmatizer::default();
        let mut buf = String::new();

        // Lowercase table.
        let mut groups: BTreeMap<String, (u32, BTreeMap<&str, u32>)> = BTreeMap::new();
        for (&(tag, form, first, upos), lemmas) in &occ {
            make_key(&mut buf, tag, form, true);
            let g = groups.entry(buf.clone()).or_default();
            let rule = rule_lemma(form, upos, tag, first);
            for (&lemma, &n) in lemmas {
                if rule == lemma {
                    g.0 += n;
                }
                *g.1.entry(lemma).or_default() += n;
            }
        }
        for (key, (rule_right, lemmas)) in groups {
            if let Some((lemma, _)) = most_frequent(&lemmas).filter(|&(_, n)| n > rule_right) {
                out.lower.insert(key, lemma.to_owned());
            }
        }

        // Exact table, against rules + lowercase table.
        let mut groups: BTreeMap<String, (u32, BTreeMap<&str, u32>)> = BTreeMap::new();
        for (&(tag, form, first, upos), lemmas) in &occ {
            let current = out.lemma(form, upos, tag, first);
            make_key(&mut buf, tag, form, false);
            let g = groups.entry(buf.clone()).or_default();
            for (&lemma, &n) in lemmas {
                if current == lemma {
                    g.0 += n;
                }
                *g.1.entry(lemma).or_default() += n;
            }
        }
        for (key, (current_right, lemmas)) in groups {
            if let Some((lemma, _)) = most_frequent(&lemmas).filter(|&(_, n)| n > current_right) {
                out.exact.insert(key, lemma.to_owned());
            }
        }

        // Tag-independent table: lowercased forms with a single lemma under every tag.
        let mut by_form: BTreeMap<String, Option<&str>> = BTreeMap::new();
        for (&(_, form, _, _), lemmas) in &occ {
            make_key(&mut buf, ANY_TAG, form, true);
            for &lemma in lemmas.keys() {
                let slot = by_form.entry(buf.clone()).or_insert(Some(lemma));
                if *slot != Some(lemma) {
                    *slot = None;
                }
            }
        }
        for (key, lemma) in by_form {
            let Some(lemma) = lemma else { continue };
            let lower_form = key.split_once('\t').map_or("", |(_, f)| f);
            if lemma != lower_form && !lemma.chars().any(char::is_uppercase) {
                out.form.insert(key, lemma.to_owned());
            }
        }
        out
    }

    /// The lemma of one token; `first` tells whether it starts its sentence.
    pub fn lemma(&self, form: &str, upos: Upos, xpos: &str, first: bool) -> String {
        let tag = tag_key(upos, xpos);
        let mut buf = String::with_capacity(tag.len() + form.len() + 1);
        make_key(&mut buf, tag, form, false);
        if let Some(l) = self.exact.get(&buf) {
            return l.clone();
        }
        make_key(&mut buf, tag, form, true);
        if let Some(l) = self.lower.get(&buf) {
            return l.clone();
        }
        // Not for names, nor for nouns in `-ing`: a gerund seen only as a verb in training
        // is often a noun elsewhere (`sharing`, `dealing`).
        let gerund = tag == "NN" && form.ends_with("ing");
        if upos != Upos::Propn && !matches!(tag, "NNP" | "NNPS") && !gerund {
            make_key(&mut buf, ANY_TAG, form, true);
            if let Some(l) = self.form.get(&buf) {
                return l.clone();
            }
        }
        rule_lemma(form, upos, tag, first)
    }

    /// Writes each token's lemma from its form, UPOS and XPOS.
    pub fn lemmatize(&self, sentence: &mut Sentence) {
        for (i, t) in sentence.tokens.iter_mut().enumerate() {
            t.lemma = self.lemma(&t.form, t.upos, &t.xpos, i == 0);
        }
        // A clitic `'s` before `been` or `got` (adverbs between) is `has`, not `is`.
        for i in 0..sentence.tokens.len() {
            let t = &sentence.tokens[i];
            if t.xpos != "VBZ" || t.lemma != "be" || !matches!(t.form.as_str(), "'s" | "’s") {
                continue;
            }
            let next = sentence.tokens[i + 1..]
                .iter()
                .find(|n| !matches!(n.xpos.as_str(), "RB" | "RBR"));
            if next.is_some_and(|n| {
                n.xpos == "VBN"
                    && ["been", "got", "gotten"]
                        .iter()
                        .any(|w| n.form.eq_ignore_ascii_case(w))
            }) {
                sentence.tokens[i].lemma = "have".to_owned();
            }
        }
    }

    /// Share of tokens of `gold` whose lemma is found from their gold form and tags.
    pub fn accuracy(&self, gold: &[ConlluSentence]) -> f64 {
        let (mut right, mut total) = (0usize, 0usize);
        for s in gold {
            for (i, t) in s.sentence.tokens.iter().enumerate() {
                total += 1;
                right += usize::from(self.lemma(&t.form, t.upos, &t.xpos, i == 0) == t.lemma);
            }
        }
        right as f64 / total.max(1) as f64
    }

    /// Number of exception entries (exact, lowercase and tag-independent).
    pub fn len(&self) -> (usize, usize) {
        (self.exact.len(), self.lower.len() + self.form.len())
    }

    /// True when both tables are empty (rules only).
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.lower.is_empty() && self.form.is_empty()
    }

    /// Serialises the tables, sorted by key so that equal models give equal bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        for table in [&self.exact, &self.lower, &self.form] {
            let sorted: BTreeMap<&String, &String> = table.iter().collect();
            w.varint(sorted.len() as u64);
            for (k, v) in sorted {
                w.str(k);
                write_lemma(&mut w, k, v);
            }
        }
        w.finish()
    }

    /// Loads tables written by [`Lemmatizer::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader::new(bytes, MAGIC, VERSION)?;
        let mut tables = [HashMap::new(), HashMap::new(), HashMap::new()];
        for table in &mut tables {
            let n = r.len()?;
            table.reserve(n);
            for _ in 0..n {
                let key = r.str()?.to_owned();
                let lemma = read_lemma(&mut r, &key)?;
                if !key.contains('\t') {
                    return Err(ModelError::Invalid(format!("lemma key {key:?} has no tag")));
                }
                table.insert(key, lemma);
            }
        }
        if !r.is_at_end() {
            return Err(ModelError::Invalid(
                "trailing bytes after the lemma tables".into(),
            ));
        }
        let [exact, lower, form] = tables;
        Ok(Lemmatizer { exact, lower, form })
    }
}

/// The lemma is stored as an edit of the key's form: bytes to keep from its start, then a
/// tail (`went` → `go` is keep 0 + "go"; `countries` → `country` is keep 6 + "y").
fn write_lemma(w: &mut Writer, key: &str, lemma: &str) {
    let form = key.split_once('\t').map_or("", |(_, f)| f);
    let mut keep = 0;
    for ((i, a), b) in form.char_indices().zip(lemma.chars()) {
        if a != b {
            break;
        }
        keep = i + a.len_utf8();
    }
    w.varint(keep as u64);
    w.str(&lemma[keep..]);
}

fn read_lemma(r: &mut Reader<'_>, key: &str) -> Result<String, ModelError> {
    let form = key.split_once('\t').map_or("", |(_, f)| f);
    let keep = usize::try_from(r.varint()?).unwrap_or(usize::MAX);
    let head = form
        .get(..keep)
        .ok_or_else(|| ModelError::Invalid(format!("lemma edit of {key:?} keeps {keep} bytes")))?;
    let tail = r.str()?;
    Ok(format!("{head}{tail}"))
}

fn most_frequent<'a>(counts: &BTreeMap<&'a str, u32>) -> Option<(&'a str, u32)> {
    // The first of equally frequent lemmas in string order wins.
    let mut best: Option<(&str, u32)> = None;
    for (&l, &n) in counts {
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((l, n));
        }
    }
    best
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Vowel groups in a lowercase ASCII stem (`y` after a consonant counts as a vowel).
fn syllables(s: &[u8]) -> usize {
    let mut n = 0;
    let mut in_vowel = false;
    for (i, &c) in s.iter().enumerate() {
        let v = is_vowel(c) || (c == b'y' && i > 0 && !is_vowel(s[i - 1]));
        if v && !in_vowel {
            n += 1;
        }
        in_vowel = v;
    }
    n
}

/// Whether a stem left by removing `-ed`, `-ing`, `-er` or `-est` lost a silent `e`
/// (`invit` → `invite`, `hop` → `hope`, but `visit`, `open`, `help` stay).
fn needs_e(s: &[u8]) -> bool {
    let n = s.len();
    if n < 2 {
        return false;
    }
    let (last, prev) = (s[n - 1], s[n - 2]);
    if is_vowel(last) {
        return last == b'u' && !is_vowel(prev);
    }
    match last {
        b'v' | b'c' => true,
        b'z' => prev != b'z',
        b's' => is_vowel(prev) && !(n >= 4 && s.ends_with(b"cus")),
        b'g' => {
            matches!(prev, b'r' | b'd' | b'l')
                || (n >= 5 && s.ends_with(b"ang"))
                || (is_vowel(prev) && n >= 3 && !is_vowel(s[n - 3]))
        }
        b'l' => {
            if is_vowel(prev) {
                matches!(prev, b'i' | b'u' | b'o') && n >= 3 && !is_vowel(s[n - 3])
            } else {
                !matches!(prev, b'l' | b'r' | b'w' | b'n')
            }
        }
        b'h' | b'w' | b'x' | b'y' => false,
        _ => {
            if !is_vowel(prev) {
                return false;
            }
            // A vowel pair before the consonant (`load`, `treat`) takes no `e`, but `qu`/`gu`
            // are consonants here (`quot`, `guid`).
            if n >= 3 && is_vowel(s[n - 3]) {
                let qu = s[n - 3] == b'u' && n >= 4 && matches!(s[n - 4], b'q' | b'g');
                // `evaluat`, `graduat`, `situat`.
                if s.ends_with(b"uat") && n >= 5 {
                    return true;
                }
                if !qu {
                    return false;
                }
            }
            if syllables(s) <= 1 {
                return true;
            }
            match (prev, last) {
                (b'a', b'n' | b'l') => false,
                (b'a', _) => true,
                (b'i', b't') => n >= 3 && matches!(s[n - 3], b'v' | b'c' | b'n'),
                (b'i', _) => true,
                (b'o', b'n' | b'r' | b'p') => false,
                (b'o', _) => true,
                (b'u', _) => true,
                (b'e', b't') => n >= 3 && matches!(s[n - 3], b'l' | b'p'),
                // `preced`, `conced`, `imped`.
                (b'e', b'd') => n >= 3 && matches!(s[n - 3], b'c' | b'p'),
                _ => false,
            }
        }
    }
}

/// Undoes a doubled final consonant (`stopp` → `stop`), except in short words that really
/// end so (`add`, `err`, `inn`).
fn undouble(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let n = b.len();
    if n >= 3
        && b[n - 1] == b[n - 2]
        && matches!(
            b[n - 1],
            b'b' | b'd' | b'g' | b'k' | b'm' | b'n' | b'p' | b'r' | b't'
        )
        && !(n == 3 && is_vowel(b[0]))
    {
        Some(&s[..n - 1])
    } else {
        None
    }
}

/// Base form of a stem left after stripping a suffix that can follow a doubled consonant
/// or a dropped `e`.
fn restore(stem: &str) -> String {
    if let Some(s) = undouble(stem) {
        return s.to_owned();
    }
    let b = stem.as_bytes();
    // British doubling after an unstressed `e` (`modell`, `travell`, `cancell`), but not
    // in verbs built on `tell`, `sell`, `spell` and the like (`retell`, `outsell`).
    if b.len() >= 5
        && stem.ends_with("ell")
        && syllables(b) >= 2
        && !["tell", "sell", "well", "pell", "mell", "hell", "dwell"]
            .iter()
            .any(|e| stem.ends_with(e))
    {
        return stem[..stem.len() - 1].to_owned();
    }
    // `mimick`, `panick`, `traffick` (but `pick`, `kick`, `stick`).
    if b.len() >= 6 && stem.ends_with("ick") && syllables(b) >= 2 {
        return stem[..stem.len() - 1].to_owned();
    }
    if needs_e(stem.as_bytes()) {
        format!("{stem}e")
    } else {
        stem.to_owned()
    }
}

/// `-ed` (past tense and participle): `invited` → `invite`, `stopped` → `stop`,
/// `carried` → `carry`, `agreed` → `agree`.
fn strip_ed(w: &str) -> String {
    let n = w.len();
    if n <= 3 || !w.ends_with("ed") {
        return w.to_owned();
    }
    if let Some(stem) = w.strip_suffix("ied") {
        return if stem.len() == 1 {
            format!("{stem}ie")
        } else {
            format!("{stem}y")
        };
    }
    if w.ends_with("eed") || w.ends_with("ued") || w.ends_with("yed") && n == 4 {
        return w[..n - 1].to_owned();
    }
    restore(&w[..n - 2])
}

/// `-ing`: `making` → `make`, `running` → `run`, `dying` → `die`, `seeing` → `see`.
fn strip_ing(w: &str) -> String {
    let n = w.len();
    if n <= 4 || !w.ends_with("ing") {
        return w.to_owned();
    }
    let stem = &w[..n - 3];
    if stem.len() == 2 && stem.ends_with('y') {
        return format!("{}ie", &stem[..1]);
    }
    restore(stem)
}

/// `-er` / `-est`: `bigger` → `big`, `happier` → `happy`, `nicest` → `nice`.
fn strip_degree(w: &str, suffix: &str) -> String {
    let n = w.len();
    if n <= suffix.len() + 2 || !w.ends_with(suffix) {
        return w.to_owned();
    }
    let stem = &w[..n - suffix.len()];
    if let Some(s) = stem.strip_suffix('i') {
        return format!("{s}y");
    }
    restore(stem)
}

/// Plural or third-person `-s`: `countries` → `country`, `says` → `say`,
/// `boxes` → `box`, `classes` → `class`, `women` → `woman`.
fn strip_s(w: &str, noun: bool) -> String {
    let n = w.len();
    if noun && w.ends_with("men") && n >= 3 {
        return format!("{}man", &w[..n - 3]);
    }
    if n <= 2 || !w.ends_with('s') || w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        return w.to_owned();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return if stem.len() <= 1 {
            format!("{stem}ie")
        } else {
            format!("{stem}y")
        };
    }
    for es in ["sses", "xes", "ches", "shes", "zzes", "oes"] {
        if w.ends_with(es) {
            return w[..n - 2].to_owned();
        }
    }
    w[..n - 1].to_owned()
}

/// Plural of a proper noun, keeping its case: `Americans` → `American`, `STATES` → `STATE`.
fn strip_proper_s(w: &str) -> String {
    let lower = w.to_lowercase();
    if lower.len() != w.len() {
        return w.to_owned();
    }
    let base = strip_s(&lower, true);
    // Copy the case of the original letter by letter; any appended letters copy the last.
    let upper_tail = w.chars().last().is_some_and(char::is_uppercase);
    base.char_indices()
        .map(|(i, c)| match w[i..].chars().next() {
            Some(o) if i < base.len() && o.to_lowercase().eq(std::iter::once(c)) => o,
            _ if upper_tail => c.to_ascii_uppercase(),
            _ => c,
        })
        .collect()
}

/// The lemma of a singular proper noun: its form, except that a long all-capitals word
/// (`WASHINGTON` in a dateline or headline) is written as a name (`Washington`), as EWT does;
/// short ones are mostly acronyms (`NATO`, `IAEA`) and keep their case.
fn proper_lemma(form: &str) -> String {
    let mut chars = form.chars();
    let long_caps = form.len() >= 6 && form.bytes().all(|b| b.is_ascii_uppercase());
    match chars.next() {
        Some(c) if long_caps => {
            let mut out = String::with_capacity(form.len());
            out.push(c);
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
            out
        }
        _ => form.to_owned(),
    }
}

/// Past tenses and participles of irregular verbs, with their base form: `base past
/// participle...` per line (extra forms are variants).
const IRREGULAR: &str = "arise arose arisen
awake awoke awoken
be was were been
bear bore borne born
beat beat beaten
become became become
begin began begun
bend bent
bet bet
bid bid
bind bound
bite bit bitten
bleed bled
blow blew blown
break broke broken
breed bred
bring brought
build built
burn burnt
burst burst
buy bought
cast cast
catch caught
choose chose chosen
cling clung
come came come
cost cost
creep crept
cut cut
deal dealt
dig dug
do did done
draw drew drawn
dream dreamt
drink drank drunk
drive drove driven
eat ate eaten
fall fell fallen
feed fed
feel felt
fight fought
find found
flee fled
fling flung
fly flew flown
forbid forbade forbidden
forecast forecast
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
get got gotten
give gave given
go went gone
grind ground
grow grew grown
hang hung
have had
hear heard
hide hid hidden
hit hit
hold held
hurt hurt
keep kept
kneel knelt
know knew known
lay laid
lead led
lean leant
leap leapt
learn learnt
leave left
lend lent
let let
lie lay lain
light lit
lose lost
make made
mean meant
meet met
pay paid
prove proven
put put
quit quit
read read
rid rid
ride rode ridden
ring rang rung
rise rose risen
run ran run
say said
see saw seen
seek sought
sell sold
send sent
set set
sew sewn
shake shook shaken
shed shed
shine shone
shoot shot
show shown
shrink shrank shrunk
shut shut
sing sang sung
sink sank sunk
sit sat
slay slew slain
sleep slept
slide slid
sling slung
speak spoke spoken
speed sped
spend spent
spill spilt
spin spun
spit spat
split split
spread spread
spring sprang sprung
stand stood
steal stole stolen
stick stuck
sting stung
stink stank stunk
strike struck stricken
string strung
strive strove striven
swear swore sworn
sweep swept
swell swollen
swim swam swum
swing swung
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
thrust thrust
tread trod trodden
understand understood
wake woke woken
wear wore worn
weave wove woven
weep wept
win won
wind wound
withdraw withdrew withdrawn
write wrote written";

/// Prefixes that make new verbs of irregular ones (`overtook`, `withheld`, `became`).
const IRREGULAR_PREFIXES: [&str; 10] = [
    "under", "over", "with", "fore", "out", "mis", "for", "be", "re", "up",
];

/// The base form of an irregular past tense or participle (`fought` → `fight`,
/// `overtook` → `overtake`), if it is one.
fn irregular_past(w: &str) -> Option<String> {
    // Inflected form → base, built once; a form listed under two bases keeps the first.
    static TABLE: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
        let mut table = HashMap::new();
        for line in IRREGULAR.lines() {
            let mut parts = line.split(' ');
            if let Some(base) = parts.next() {
                for form in parts {
                    table.entry(form).or_insert(base);
                }
            }
        }
        table
    });
    let lookup = |w: &str| TABLE.get(w).copied();
    if let Some(base) = lookup(w) {
        return Some(base.to_owned());
    }
    IRREGULAR_PREFIXES.iter().find_map(|p| {
        let rest = w.strip_prefix(p).filter(|r| r.len() >= 3)?;
        lookup(rest).map(|base| format!("{p}{base}"))
    })
}

/// A capitalised adjective with a nationality-like ending (`Syrian`, `Chinese`, `British`,
/// `Iraqi`): EWT keeps these capitalised; other capitalised adjectives (`Secure` in a
/// title) are lowercased.
fn looks_national(form: &str, lower: &str) -> bool {
    let mut cs = form.chars();
    let capitalised = cs.next().is_some_and(char::is_uppercase)
        && cs.clone().next().is_some()
        && cs.all(|c| !c.is_uppercase());
    capitalised && ["an", "ese", "ish", "i"].iter().any(|s| lower.ends_with(s))
}

/// Lemma by rule alone, for a form with its UPOS and tag (XPOS, or UPOS when there is no
/// XPOS). `first` tells whether the token starts its sentence (a capitalised nationality
/// adjective inside a sentence, like `American`, keeps its case).
pub fn rule_lemma(form: &str, upos: Upos, tag: &str, first: bool) -> String {
    match tag {
        "NNP" => return proper_lemma(form),
        "NNPS" => return strip_proper_s(form),
        "ADD" | "SYM" | "$" | "LS" | "-LRB-" | "-RRB-" | "," | "." | ":" | "``" | "''" | "HYPH" => {
            return form.to_owned();
        }
        _ => {}
    }
    if upos == Upos::Propn {
        return form.to_owned();
    }
    let w = form.to_lowercase();
    if upos == Upos::Adj && !first && looks_national(form, &w) {
        return form.to_owned();
    }
    match tag {
        "NNS" => strip_s(&w, true),
        "VBZ" => strip_s(&w, false),
        "VBD" | "VBN" => irregular_past(&w).unwrap_or_else(|| strip_ed(&w)),
        "VBG" => strip_ing(&w),
        "JJR" | "RBR" => strip_degree(&w, "er"),
        "JJS" | "RBS" => strip_degree(&w, "est"),
        "CD" if w.contains(',') && w.bytes().all(|b| b.is_ascii_digit() || b == b',') => {
            w.replace(',', "")
        }
        _ => w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_undo_regular_inflection() {
        let rows: &[(&str, Upos, &str, &str)] = &[
            ("invited", Upos::Verb, "VBD", "invite"),
            ("stopped", Upos::Verb, "VBD", "stop"),
            ("carried", Upos::Verb, "VBN", "carry"),
            ("agreed", Upos::Verb, "VBD", "agree"),
            ("visited", Upos::Verb, "VBD", "visit"),
            ("hoped", Upos::Verb, "VBD", "hope"),
            ("opened", Upos::Verb, "VBN", "open"),
            ("argued", Upos::Verb, "VBD", "argue"),
            ("played", Upos::Verb, "VBD", "play"),
            ("realized", Upos::Verb, "VBD", "realize"),
            ("decided", Upos::Verb, "VBD", "decide"),
            ("developed", Upos::Verb, "VBN", "develop"),
            ("handled", Upos::Verb, "VBN", "handle"),
            ("changed", Upos::Verb, "VBD", "change"),
            ("called", Upos::Verb, "VBD", "call"),
            ("added", Upos::Verb, "VBD", "add"),
            ("countries", Upos::Noun, "NNS", "country"),
            ("boxes", Upos::Noun, "NNS", "box"),
            ("classes", Upos::Noun, "NNS", "class"),
            ("churches", Upos::Noun, "NNS", "church"),
            ("cases", Upos::Noun, "NNS", "case"),
            ("women", Upos::Noun, "NNS", "woman"),
            ("news", Upos::Noun, "NN", "news"),
            ("says", Upos::Verb, "VBZ", "say"),
            ("goes", Upos::Verb, "VBZ", "go"),
            ("makes", Upos::Verb, "VBZ", "make"),
            ("making", Upos::Verb, "VBG", "make"),
            ("running", Upos::Verb, "VBG", "run"),
            ("dying", Upos::Verb, "VBG", "die"),
            ("seeing", Upos::Verb, "VBG", "see"),
            ("looking", Upos::Verb, "VBG", "look"),
            ("bigger", Upos::Adj, "JJR", "big"),
            ("happier", Upos::Adj, "JJR", "happy"),
            ("nicest", Upos::Adj, "JJS", "nice"),
            ("older", Upos::Adj, "JJR", "old"),
            ("Americans", Upos::Propn, "NNPS", "American"),
            ("Obama", Upos::Propn, "NNP", "Obama"),
            ("The", Upos::Det, "DT", "the"),
            ("American", Upos::Adj, "JJ", "American"),
            ("Chinese", Upos::Adj, "JJ", "Chinese"),
            ("Secure", Upos::Adj, "JJ", "secure"),
            ("1,200", Upos::Num, "CD", "1200"),
            ("3.5", Upos::Num, "CD", "3.5"),
            ("http://x.org", Upos::X, "ADD", "http://x.org"),
            // Irregular verbs, also under a prefix.
            ("fought", Upos::Verb, "VBD", "fight"),
            ("fled", Upos::Verb, "VBD", "flee"),
            ("won", Upos::Verb, "VBN", "win"),
            ("overtook", Upos::Verb, "VBD", "overtake"),
            ("withheld", Upos::Verb, "VBN", "withhold"),
            ("became", Upos::Verb, "VBD", "become"),
            // Silent `e`, British doubling and `-ick`.
            ("evacuated", Upos::Verb, "VBD", "evacuate"),
            ("preceding", Upos::Verb, "VBG", "precede"),
            ("modelling", Upos::Verb, "VBG", "model"),
            ("retelling", Upos::Verb, "VBG", "retell"),
            ("mimicking", Upos::Verb, "VBG", "mimic"),
            ("picking", Upos::Verb, "VBG", "pick"),
            // Long all-capitals names are written as names; acronyms keep their case.
            ("WASHINGTON", Upos::Propn, "NNP", "Washington"),
            ("NATO", Upos::Propn, "NNP", "NATO"),
        ];
        for &(form, upos, tag, want) in rows {
            assert_eq!(rule_lemma(form, upos, tag, false), want, "{form} {tag}");
        }
        assert_eq!(rule_lemma("Good", Upos::Adj, "JJ", true), "good");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for form in [
            "",
            "s",
            "ed",
            "ing",
            "é",
            "ÉCOLES",
            "İs",
            "ßes",
            "a\u{301}ed",
        ] {
            for tag in ["NNS", "NNPS", "VBZ", "VBD", "VBG", "JJR", "JJS", "CD", "NN"] {
                let _ = rule_lemma(form, Upos::Noun, tag, false);
            }
        }
    }

    fn sentence(rows: &[(&str, &str, &str, &str)]) -> ConlluSentence {
        let mut text = String::new();
        for (i, (form, lemma, upos, xpos)) in rows.iter().enumerate() {
            text.push_str(&format!(
                "{}\t{form}\t{lemma}\t{upos}\t{xpos}\t_\t0\t_\t_\t_\n",
                i + 1
            ));
        }
        crate::conllu::parse(&text).unwrap().remove(0)
    }

    #[test]
    fn tables_learn_exceptions_and_round_trip() {
        let train = vec![
            sentence(&[("I", "I", "PRON", "PRP"), ("went", "go", "VERB", "VBD")]),
            sentence(&[
                ("Children", "child", "NOUN", "NNS"),
                ("mice", "mouse", "NOUN", "NNS"),
            ]),
            sentence(&[
                ("US", "US", "PROPN", "NNP"),
                ("stopped", "stop", "VERB", "VBD"),
            ]),
        ];
        let l = Lemmatizer::train(&train);
        // Only what the rules miss is stored (`went` is a known irregular verb).
        assert_eq!(l.lower.len() + l.exact.len(), 3, "{l:?}");
        assert_eq!(l.lemma("mice", Upos::Noun, "NNS", false), "mouse");
        assert_eq!(l.lemma("children", Upos::Noun, "NNS", false), "child");
        assert_eq!(l.lemma("Went", Upos::Verb, "VBD", true), "go");
        assert_eq!(l.lemma("invited", Upos::Verb, "VBD", false), "invite");
        let bytes = l.to_bytes();
        let back = Lemmatizer::from_bytes(&bytes).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.to_bytes(), bytes);
        assert!(Lemmatizer::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut s = train[0].sentence.clone();
        s.tokens.iter_mut().for_each(|t| t.lemma.clear());
        back.lemmatize(&mut s);
        assert_eq!(s.tokens[0].lemma, "I");
        assert_eq!(s.tokens[1].lemma, "go");
    }

    #[test]
    fn clitic_s_before_been_or_got_is_have() {
        let l = Lemmatizer::default();
        let rows = [
            ("She", "PRON", "PRP"),
            ("'s", "AUX", "VBZ"),
            ("already", "ADV", "RB"),
            ("been", "AUX", "VBN"),
            ("here", "ADV", "RB"),
        ];
        let lemmas = |rows: &[(&str, &str, &str)]| {
            let rows: Vec<_> = rows.iter().map(|&(f, u, x)| (f, "_", u, x)).collect();
            let mut s = sentence(&rows).sentence;
            s.tokens.iter_mut().for_each(|t| {
                t.lemma.clear();
                if t.form == "'s" {
                    t.lemma.push_str("be");
                }
            });
            let mut tables = l.clone();
            tables.exact.insert("VBZ\t's".to_owned(), "be".to_owned());
            tables.lemmatize(&mut s);
            s.tokens[1].lemma.clone()
        };
        assert_eq!(lemmas(&rows), "have");
        let mut passive = rows;
        passive[3] = ("done", "VERB", "VBN");
        assert_eq!(lemmas(&passive), "be");
    }
}
