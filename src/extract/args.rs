//! What an argument token stands for: a resolved entity (through relative pronouns,
//! "the government of X", appositions), its conjuncts and named examples, or a literal value
//! (money, quantity with its qualifier, percentage, date, or a short noun phrase). Also the
//! time and place qualifiers of a clause.

use super::tree::Tree;
use crate::gazetteer::gazetteer;
use crate::model::{Arg, Date, EntityType, Literal, LiteralKind, Upos};
use crate::recognize::{month_number, parse_date_prefix};
use newsgraph_nlp::Sentence;

/// Relative pronouns, replaced by the noun their clause modifies.
const RELATIVE: [&str; 5] = ["who", "whom", "which", "that", "whose"];

/// Nouns of a stretch of time: a phrase headed by one is a time frame.
const TIME_UNITS: [&str; 11] = [
    "second", "minute", "hour", "day", "week", "weekend", "month", "year", "decade", "century",
    "period",
];

/// Nouns too vague to stand alone as an object ("part of", "one of"; "a request for comment").
const VAGUE: [&str; 35] = [
    "comment",
    "world",
    "reason",
    "moment",
    "point",
    "situation",
    "extent",
    "pleasure",
    "matter",
    "one",
    "part",
    "way",
    "thing",
    "lot",
    "kind",
    "sort",
    "type",
    "number",
    "fact",
    "case",
    "time",
    "something",
    "anything",
    "nothing",
    "everything",
    "other",
    "others",
    "some",
    "many",
    "most",
    "all",
    "opposite",
    "example",
    "stage",
    "step",
];

/// Adverbs that qualify an amount ("more than 300", "nearly 2%") and stay in its phrase.
const AMOUNT_ADVERBS: [&str; 13] = [
    "more",
    "less",
    "fewer",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "over",
    "under",
    "some",
    "just",
];

/// Nouns that stand for the country that owns them ("Ruritania's economy", "its military").
const OWNER_NOUNS: [&str; 5] = ["economy", "military", "army", "navy", "forces"];

/// The entity a token stands for, if any.
pub(super) fn entity_of(t: &Tree<'_>, n: usize) -> Option<usize> {
    entity_inner(t, n, 0)
}

fn entity_inner(t: &Tree<'_>, n: usize, depth: usize) -> Option<usize> {
    if depth > 4 {
        return None;
    }
    if let Some(e) = t.entity_at(n) {
        return Some(e);
    }
    let lemma = t.lemma(n);
    // A relative pronoun stands for the noun its clause modifies.
    if t.upos(n) == Upos::Pron && RELATIVE.contains(&lemma.as_str()) {
        return antecedent(t, n).and_then(|a| entity_inner(t, a, depth + 1));
    }
    if !t.is_nominal(n) {
        return None;
    }
    // "the government of X", "X's government", "the X administration" stand for X (for a
    // person, for the country the person leads when the document says so).
    if gazetteer().is_government_word(&lemma) {
        for &c in t.kids(n) {
            let r = t.rel(c);
            let of = r == "nmod" && t.case_of(c) == "of";
            if (r == "nmod:poss" || r == "compound" || of)
                && let Some(e) = t.entity_at(c)
            {
                return Some(state_of(t, e).unwrap_or(e));
            }
        }
    }
    // "Ruritania's economy is reliant on X": the economy's owner.
    if OWNER_NOUNS.contains(&lemma.as_str())
        && let Some(p) = t.kid(n, "nmod:poss")
        && let Some(e) = t.entity_at(p)
        && super::entity_type(t.cx, e) == Some(EntityType::Country)
    {
        return Some(e);
    }
    // Apposition: "Jane Doe, a senator" — the senator is Jane Doe.
    if t.rel(n) == "appos"
        && let Some(h) = t.head(n)
        && let Some(e) = t.entity_at(h)
    {
        return Some(e);
    }
    for &c in t.kids(n) {
        if t.rel(c) == "appos"
            && let Some(e) = t.entity_at(c)
        {
            return Some(e);
        }
    }
    // A predicate nominal is its subject: in "X is a group that Y designated", the group is X.
    if t.kid(n, "cop").is_some()
        && let Some(s) = t.kid(n, "nsubj")
        && s != n
    {
        return t.entity_at(s);
    }
    None
}

/// The noun a relative pronoun's clause modifies.
pub(super) fn antecedent(t: &Tree<'_>, pron: usize) -> Option<usize> {
    let mut cur = pron;
    for _ in 0..4 {
        let Some(h) = t.head(cur) else { break };
        if t.rel(cur) == "acl:relcl" {
            return Some(h);
        }
        cur = h;
    }
    // ", which ...", the clause attached elsewhere: the noun phrase before the comma.
    let comma = pron.checked_sub(1)?;
    if !matches!(t.form(comma).as_str(), "," | "—" | "–") || t.lemma(pron) == "that" {
        return None;
    }
    let k = comma.checked_sub(1)?;
    matches!(t.upos(k), Upos::Noun | Upos::Propn).then_some(k)
}

/// The country a person is head of state or government of, by a title in this document.
pub(super) fn state_of(t: &Tree<'_>, person: usize) -> Option<usize> {
    if super::entity_type(t.cx, person) != Some(EntityType::Person) {
        return None;
    }
    super::roles::states_led(t.cx)
        .into_iter()
        .find(|(p, _)| *p == person)
        .map(|(_, c)| c)
}

/// The argument heads a token stands for: itself and its conjuncts, or, for a common noun
/// with named examples ("gangs such as A and B", "gangs, particularly A and B"), the examples.
pub(super) fn distribute(t: &Tree<'_>, n: usize) -> Vec<usize> {
    let mut out = vec![n];
    for &c in t.kids(n) {
        if t.rel(c) == "conj" && t.upos(c) != Upos::Verb && t.upos(c) != Upos::Aux {
            out.push(c);
        }
    }
    if entity_of(t, n).is_none() {
        let mut examples = Vec::new();
        for &c in t.kids(n) {
            let r = t.rel(c);
            let case = t.case_of(c);
            let example = r == "appos"
                || (r.starts_with("nmod") && matches!(case.as_str(), "such as" | "including"));
            if example && t.entity_at(c).is_some() {
                examples.push(c);
                for &d in t.kids(c) {
                    if t.rel(d) == "conj" && t.entity_at(d).is_some() {
                        examples.push(d);
                    }
                }
            }
        }
        if !examples.is_empty() {
            return examples;
        }
    }
    out
}

/// An argument: the entity a token stands for, else a literal when `literal` allows one of
/// that kind. `text_ok` allows plain noun-phrase literals; values (money, quantities, dates)
/// are always allowed.
pub(super) fn arg_of(t: &Tree<'_>, n: usize, text_ok: bool) -> Option<Arg> {
    if let Some(e) = entity_of(t, n) {
        return Some(Arg::Entity(e));
    }
    let l = literal_of(t, n)?;
    (text_ok || l.kind != LiteralKind::Text).then_some(Arg::Literal(l))
}

/// The token range of a node's subtree (contiguous for projective trees; the outer bounds
/// otherwise).
pub fn subtree(s: &Sentence, n: usize) -> std::ops::Range<usize> {
    let (mut lo, mut hi) = (n, n);
    let mut stack = vec![n];
    let mut guard = 0;
    while let Some(x) = stack.pop() {
        guard += 1;
        if guard > s.tokens.len() * 2 {
            break;
        }
        lo = lo.min(x);
        hi = hi.max(x);
        stack.extend(s.children(x + 1));
    }
    lo..hi + 1
}

fn span_of(t: &Tree<'_>, n: usize) -> std::ops::Range<usize> {
    let (mut lo, mut hi) = (n, n);
    let mut stack = vec![n];
    let mut guard = 0;
    while let Some(x) = stack.pop() {
        guard += 1;
        if guard > t.len() * 2 {
            break;
        }
        lo = lo.min(x);
        hi = hi.max(x);
        stack.extend_from_slice(t.kids(x));
    }
    lo..hi + 1
}

/// The core of a noun phrase: its subtree without relative clauses, participles, appositions,
/// coordination and trailing punctuation, and without its preposition.
pub(super) fn phrase_range(t: &Tree<'_>, n: usize) -> std::ops::Range<usize> {
    let mut r = span_of(t, n);
    let has_num = t.toks[r.clone()].iter().any(|x| x.upos == Upos::Num);
    for &c in t.kids(n) {
        // "more than 5,000 tonnes", "nearly 2%": the qualifier belongs to the value.
        if has_num && t.rel(c) == "advmod" && AMOUNT_ADVERBS.contains(&t.form(c).as_str()) {
            continue;
        }
        let rel = t.rel(c);
        if c > n
            && matches!(
                rel,
                "acl:relcl" | "acl" | "appos" | "punct" | "conj" | "cc" | "parataxis" | "advcl"
            )
        {
            r.end = r.end.min(span_of(t, c).start);
        }
        if c < n
            && matches!(
                rel,
                "case"
                    | "punct"
                    | "cc"
                    | "mark"
                    | "advmod"
                    | "nsubj"
                    | "nsubj:pass"
                    | "csubj"
                    | "cop"
                    | "aux"
            )
        {
            r.start = r.start.max(c + 1);
        }
    }
    // A clause deeper in the phrase ends it too ("$100 a month to lobbyists to get ...").
    for k in n + 1..r.end {
        if matches!(t.rel(k), "acl:relcl" | "acl" | "advcl" | "parataxis")
            && t.upos(k) == Upos::Verb
        {
            r.end = r.end.min(span_of(t, k).start);
            break;
        }
    }
    while r.end > r.start + 1 && t.upos(r.end - 1) == Upos::Punct {
        r.end -= 1;
    }
    while r.start + 1 < r.end && t.upos(r.start) == Upos::Punct {
        r.start += 1;
    }
    r
}

/// A literal: an amount of money, a quantity, a percentage, a date, or a short noun phrase.
pub(super) fn literal_of(t: &Tree<'_>, n: usize) -> Option<Literal> {
    let head = &t.toks[n];
    let mut r = phrase_range(t, n);
    // "tariffs on Ruritanian exports" parsed with the demonym as the noun and "exports"
    // elsewhere: drop the dangling modifier rather than print "tariffs on Ruritanian".
    if r.end > r.start + 1 {
        let last = r.end - 1;
        let form = &t.toks[last].form;
        if last != n
            && t.rel(last).starts_with("nmod")
            && !form.ends_with('s')
            && gazetteer().country_by_demonym(form).is_some()
        {
            r.end = span_of(t, last).start;
        }
    }
    let has_num = t.toks[r.clone()].iter().any(|x| x.upos == Upos::Num);
    let value_head = has_num && matches!(head.upos, Upos::Sym | Upos::Num | Upos::Noun);
    if !(matches!(head.upos, Upos::Noun | Upos::Propn | Upos::Num) || value_head) {
        return None;
    }
    if r.is_empty() || r.len() > if has_num { 12 } else { 10 } {
        return None;
    }
    if !has_num && VAGUE.contains(&t.lemma(n).as_str()) {
        return None;
    }
    // "over the past two decades", "for three years": a time frame, not a participant.
    if TIME_UNITS.contains(&t.lemma(n).as_str()) {
        return None;
    }
    let raw = t.text(r.clone());
    let text = raw
        .trim_matches(|c: char| {
            matches!(
                c,
                ',' | '.' | ';' | ':' | '"' | '“' | '”' | '\'' | '‘' | '’'
            )
        })
        .trim();
    if text.is_empty() || text.contains(['\n', '(', ')', '"', '“', '”']) {
        return None;
    }
    let text = text.to_owned();
    let lower = text.to_lowercase();
    if has_num && r.len() <= 5 {
        let date = parse_date_prefix(&text).or_else(|| month_day(t, &text));
        if let Some(d) = date {
            // The resolved date is the value (the store keeps dates as typed values).
            let mut l = Literal::text(d.to_string(), LiteralKind::Date);
            l.date = Some(d);
            return Some(l);
        }
        // "April 14" in an article without a date: a date all the same, its year unknown.
        let words: Vec<&str> = text.split_whitespace().collect();
        if let [m, d, ..] = words.as_slice()
            && month_number(m.trim_end_matches(',')).is_some()
            && d.trim_end_matches(',')
                .parse::<u8>()
                .is_ok_and(|d| (1..=31).contains(&d))
        {
            return Some(Literal::text(text.clone(), LiteralKind::Date));
        }
    }
    // "one of the messages" is a thing, not a count.
    let has_num = has_num
        && !(head.upos == Upos::Num
            && t.lemma(n) == "one"
            && t.toks[r.clone()]
                .iter()
                .filter(|x| x.upos == Upos::Num)
                .count()
                == 1);
    if !has_num && !text_allowed(t, n) {
        return None;
    }
    let kind = if has_num
        && (text.contains(['$', '€', '£']) || lower.contains("dollar") || lower.contains("euro"))
    {
        LiteralKind::Money
    } else if has_num && (text.contains('%') || lower.contains("percent")) {
        LiteralKind::Percent
    } else if has_num {
        LiteralKind::Quantity
    } else {
        LiteralKind::Text
    };
    let mut l = Literal::text(text.clone(), kind);
    if kind != LiteralKind::Text {
        let (amount, qualifier) = amount_of(&text);
        l.amount = amount;
        l.qualifier = qualifier;
        if kind == LiteralKind::Quantity && head.upos != Upos::Num {
            l.unit = Some(head.form.clone());
        }
        if kind == LiteralKind::Money {
            let unit = if text.contains('€') || lower.contains("euro") {
                "EUR"
            } else if text.contains('£') {
                "GBP"
            } else {
                "USD"
            };
            l.unit = Some(unit.to_owned());
        }
    }
    Some(l)
}

/// Whether a word may head a plain-text literal.
fn text_allowed(t: &Tree<'_>, n: usize) -> bool {
    !VAGUE.contains(&t.lemma(n).as_str())
}

/// "April 14" completed with the article's year.
fn month_day(t: &Tree<'_>, text: &str) -> Option<Date> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if let Some(m) = month_number(w.trim_end_matches(',')) {
            let day = words
                .get(i + 1)
                .and_then(|d| d.trim_end_matches(',').parse::<u8>().ok())
                .filter(|d| (1..=31).contains(d))?;
            let doc = t.cx.doc_date?;
            return Some(Date {
                year: doc.year,
                month: Some(m),
                day: Some(day),
            });
        }
    }
    None
}

/// A date among the clause's temporal dependents ("on April 14", "in 2019").
pub(super) fn time_of(t: &Tree<'_>, p: usize) -> Option<Date> {
    let noun = t.upos(p) == Upos::Noun;
    // "visited the palace on May 3" with the date misattached to the object.
    let in_object = t
        .kids(p)
        .iter()
        .filter(|&&o| t.rel(o) == "obj")
        .flat_map(|&o| t.kids(o).iter().copied())
        .filter(|&c| t.rel(c) == "nmod" && t.case_of(c) == "on");
    for c in t.kids(p).iter().copied().chain(in_object) {
        let r = t.rel(c);
        // An event noun's date is its modifier or its participle's ("a meeting scheduled
        // for May 3").
        let of_noun = noun
            && (r == "nmod"
                || r == "nmod:tmod"
                || (r == "acl" && t.toks[c].xpos == "VBN" && t.kid(c, "nsubj").is_none()));
        if !(r.starts_with("obl") || r == "nmod:tmod" || of_noun || r == "nmod") {
            continue;
        }
        if r == "nmod" && !noun && t.case_of(c) != "on" {
            continue;
        }
        if !t.toks[span_of(t, c)].iter().any(|x| x.upos == Upos::Num) {
            continue;
        }
        let text = t.text(phrase_range(t, c));
        let words: Vec<&str> = text.split_whitespace().collect();
        for i in 0..words.len() {
            let rest = words[i..].join(" ");
            if let Some(d) = parse_date_prefix(&rest).or_else(|| month_day(t, &rest)) {
                return Some(d);
            }
        }
    }
    None
}

/// A place among the clause's dependents ("in Ruritania", "at the Kremlin").
pub(super) fn place_of(t: &Tree<'_>, p: usize) -> Option<usize> {
    t.kids(p).iter().find_map(|&c| {
        let prep = t.case_of(c);
        if !(t.rel(c).starts_with("obl") && (prep == "in" || prep == "at")) {
            return None;
        }
        let m = t.mention_at(c)?;
        matches!(
            m.entity_type,
            EntityType::City | EntityType::Country | EntityType::Place | EntityType::Facility
        )
        .then_some(m.entity)
        .flatten()
    })
}

const QUALIFIERS: [&str; 13] = [
    "more than",
    "less than",
    "fewer than",
    "up to",
    "at least",
    "at most",
    "nearly",
    "about",
    "almost",
    "around",
    "over",
    "under",
    "roughly",
];

/// The amount of a value phrase and its qualifier ("more than", "nearly").
pub(super) fn amount_of(text: &str) -> (Option<f64>, Option<String>) {
    let lower = text.to_lowercase();
    let lower = lower
        .strip_prefix("an average of ")
        .or_else(|| lower.strip_prefix("a total of "))
        .unwrap_or(&lower)
        .to_owned();
    let qualifier = QUALIFIERS
        .iter()
        .find(|q| lower.starts_with(&format!("{q} ")))
        .map(|q| q.to_string());
    let mut amount = None;
    let words: Vec<&str> = lower.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if !w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let digits: String = w
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if let Ok(mut v) = digits.trim_end_matches('.').parse::<f64>() {
            let scale = |s: &str| match s.trim_end_matches([',', '.']) {
                "thousand" | "k" => 1e3,
                "million" | "m" | "mn" => 1e6,
                "billion" | "bn" | "b" => 1e9,
                "trillion" | "tn" => 1e12,
                _ => 1.0,
            };
            let suffix: String = w.chars().skip_while(|c| !c.is_alphabetic()).collect();
            v *= scale(&suffix);
            if let Some(next) = words.get(i + 1) {
                v *= scale(next);
            }
            amount = Some(v);
            break;
        }
    }
    (amount, qualifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_qualifiers() {
        let rows: [(&str, Option<f64>, Option<&str>); 6] = [
            ("more than $1 billion", Some(1e9), Some("more than")),
            ("7,250 tonnes", Some(7250.0), None),
            ("$1.4bn", Some(1.4e9), None),
            ("nearly 2%", Some(2.0), Some("nearly")),
            ("over 300 tanks", Some(300.0), Some("over")),
            ("an average of $5,000 a month", Some(5000.0), None),
        ];
        for (text, amount, qualifier) in rows {
            assert_eq!(
                amount_of(text),
                (amount, qualifier.map(str::to_owned)),
                "{text}"
            );
        }
    }
}
