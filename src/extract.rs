//! Relation extraction: parsed sentences and resolved mentions in, [`Claim`]s out. Each verb
//! with its subject and objects becomes a claim in active direction (passives turned round),
//! with its polarity (negation, hedges, attribution), time and place; titles before names
//! become role claims.

use crate::gazetteer::gazetteer;
use crate::model::{
    Arg, Claim, Date, EntityType, Literal, LiteralKind, Mention, MentionKind, Polarity,
    SentenceInfo, Span, Upos,
};
use crate::ontology::vocabulary;
use crate::recognize::{month_number, parse_date_prefix};
use newsgraph_nlp::{Sentence, Token};

const HEDGE_AUX: [&str; 6] = ["may", "might", "could", "would", "should", "can"];
const HEDGE_ADV: [&str; 6] = [
    "likely",
    "possibly",
    "probably",
    "perhaps",
    "potentially",
    "maybe",
];
const HEDGE_HEADS: [&str; 12] = [
    "expect", "plan", "hope", "want", "seek", "aim", "intend", "propose", "consider", "likely",
    "possible", "try",
];
const NEGATING_HEADS: [&str; 4] = ["refuse", "decline", "fail", "deny"];
const SPEECH: [&str; 14] = [
    "say", "tell", "report", "claim", "state", "add", "announce", "confirm", "allege", "insist",
    "argue", "warn", "write", "note",
];

/// Everything extraction needs about a document's sentences and mentions.
pub struct Context<'a> {
    /// Document text.
    pub text: &'a str,
    /// Sentences.
    pub sentences: &'a [SentenceInfo],
    /// Resolved mentions.
    pub mentions: &'a [Mention],
    /// Article date, to complete dates without a year.
    pub doc_date: Option<Date>,
    /// Titles written before name mentions, by mention index.
    pub titles: &'a [Option<String>],
}

/// Extracts the claims of one sentence.
pub fn extract(cx: &Context<'_>, s: &SentenceInfo) -> Vec<Claim> {
    let mut out = Vec::new();
    let toks = &s.parse.tokens;
    let in_sentence: Vec<usize> = (0..cx.mentions.len())
        .filter(|&m| cx.mentions[m].sentence == s.index)
        .collect();
    let mention_at = |tok: usize| -> Option<&Mention> {
        in_sentence
            .iter()
            .map(|&m| &cx.mentions[m])
            .find(|m| m.tokens.contains(&tok) && m.entity.is_some())
    };
    for (v, t) in toks.iter().enumerate() {
        if t.upos != Upos::Verb {
            continue;
        }
        let children: Vec<usize> = s.parse.children(v + 1).collect();
        let passive = children
            .iter()
            .any(|&c| toks[c].deprel == "nsubj:pass" || toks[c].deprel == "aux:pass");
        let mut agents: Vec<usize> = Vec::new();
        let mut patients: Vec<(usize, String)> = Vec::new();
        for &c in &children {
            let rel = toks[c].deprel.as_str();
            match rel {
                "nsubj" if !passive => agents.push(c),
                "nsubj:pass" => patients.push((c, String::new())),
                "obj" | "iobj" if !passive || rel == "obj" => patients.push((c, String::new())),
                "obl:agent" => agents.push(c),
                "obl" | "obl:npmod" => {
                    let prep = case_of(&s.parse, c);
                    if passive && prep == "by" {
                        agents.push(c);
                    } else if !prep.is_empty() && prep != "according to" {
                        patients.push((c, prep));
                    }
                }
                _ => {}
            }
        }
        if agents.is_empty() {
            agents.extend(inherited_subject(&s.parse, v));
        }
        // Relative clause: the modified noun is the subject (or object) the pronoun stands for.
        if t.deprel == "acl:relcl" && t.head > 0 {
            let noun = t.head - 1;
            let rel_pron = |c: &usize| {
                toks[*c].upos == Upos::Pron
                    && matches!(toks[*c].lemma.as_str(), "who" | "which" | "that")
            };
            if agents.iter().any(rel_pron) || agents.is_empty() {
                agents.retain(|c| !rel_pron(c));
                agents.push(noun);
            }
        }
        let particle: Vec<&str> = children
            .iter()
            .filter(|&&c| toks[c].deprel == "compound:prt")
            .map(|&c| toks[c].form.as_str())
            .collect();
        let lemma = t.lemma.to_lowercase();
        let (polarity, attribution) = factuality(cx, s, v);
        let time = time_of(cx, s, &children);
        let place = children.iter().find_map(|&c| {
            let prep = case_of(&s.parse, c);
            if toks[c].deprel.starts_with("obl") && (prep == "in" || prep == "at") {
                mention_at(c)
                    .filter(|m| {
                        matches!(
                            m.entity_type,
                            EntityType::City
                                | EntityType::Country
                                | EntityType::Place
                                | EntityType::Facility
                        )
                    })
                    .and_then(|m| m.entity)
            } else {
                None
            }
        });
        let mut emitted = false;
        for (p, prep) in &patients {
            // Light verb + nominalisation: "extend an invitation to X" → relation from the noun,
            // object from its prepositional dependent.
            let mut phrase = std::iter::once(lemma.clone())
                .chain(particle.iter().map(|p| p.to_lowercase()))
                .collect::<Vec<_>>()
                .join(" ");
            let mut target = *p;
            let mut target_prep = prep.clone();
            if prep.is_empty()
                && toks[*p].upos == Upos::Noun
                && crate::ontology::LIGHT_VERBS.contains(&lemma.as_str())
            {
                let nmod = s.parse.children(p + 1).find(|&c| {
                    toks[c].deprel.starts_with("nmod") && !case_of(&s.parse, c).is_empty()
                });
                let obl = children
                    .iter()
                    .copied()
                    .find(|&c| toks[c].deprel == "obl" && !case_of(&s.parse, c).is_empty());
                if let Some(x) = nmod.or(obl) {
                    phrase = format!("{phrase} {}", toks[*p].lemma.to_lowercase());
                    target_prep = case_of(&s.parse, x);
                    target = x;
                }
            }
            if !target_prep.is_empty() {
                phrase = format!("{phrase} {target_prep}");
            }
            if prep.is_empty() && passive && toks[*p].deprel == "nsubj:pass" && agents.is_empty() {
                continue;
            }
            let relation = vocabulary().map(&phrase);
            for a in expand_conj(&s.parse, &agents) {
                let Some(subject) = entity_arg(mention_at(a)) else {
                    continue;
                };
                for o in expand_conj(&s.parse, &[target]) {
                    let object = match entity_arg(mention_at(o)) {
                        Some(e) => e,
                        None => match literal_arg(cx, &s.parse, o) {
                            Some(l) => Arg::Literal(l),
                            None => continue,
                        },
                    };
                    if object == subject {
                        continue;
                    }
                    let both = matches!(object, Arg::Entity(_));
                    let mut confidence: f32 = if both { 0.8 } else { 0.6 };
                    if relation.core {
                        confidence += 0.1;
                    }
                    if toks.len() > 40 {
                        confidence -= 0.1;
                    }
                    if !prep.is_empty() {
                        confidence -= 0.05;
                    }
                    let span = cover(toks, &[a, v, o]);
                    out.push(Claim {
                        subject: subject.clone(),
                        relation: relation.clone(),
                        object,
                        polarity,
                        confidence: confidence.clamp(0.05, 0.99),
                        attribution,
                        sentence: s.index,
                        span,
                        time,
                        place,
                    });
                    emitted = true;
                }
            }
        }
        let _ = emitted;
    }
    out.extend(role_claims(cx, s));
    out
}

fn entity_arg(m: Option<&Mention>) -> Option<Arg> {
    m.and_then(|m| m.entity).map(Arg::Entity)
}

/// Titles and appositions: "Secretary of State Jane Doe" → holds position; "Ruritania's
/// President Jane Doe" or "Ruritanian President Jane Doe" → head of state of the country.
fn role_claims(cx: &Context<'_>, s: &SentenceInfo) -> Vec<Claim> {
    let mut out = Vec::new();
    let g = gazetteer();
    let toks = &s.parse.tokens;
    for (i, m) in cx.mentions.iter().enumerate() {
        if m.sentence != s.index || m.kind != MentionKind::Name {
            continue;
        }
        let (Some(e), Some(Some(title))) = (m.entity, cx.titles.get(i)) else {
            continue;
        };
        let category = g.title_category(title).unwrap_or("");
        // A country right before the title, possibly with 's, or a demonym.
        let title_words = title.split_whitespace().count();
        let before = m.tokens.start.checked_sub(title_words);
        let country = before.and_then(|b| {
            let mut k = b.checked_sub(1)?;
            if toks[k].form == "'s" || toks[k].form == "’s" {
                k = k.checked_sub(1)?;
            }
            if let Some(c) = cx.mentions.iter().find(|x| {
                x.sentence == s.index
                    && x.tokens.contains(&k)
                    && x.entity_type == EntityType::Country
            }) {
                return c.entity.map(Arg::Entity);
            }
            None
        });
        let span = Span::new(
            before.map_or(m.span.start, |b| toks[b].span.start),
            m.span.end,
        );
        let (relation, object) = match (category, country) {
            ("head_of_state", Some(c)) => (vocabulary().map("head of state"), c),
            ("head_of_government", Some(c)) => (vocabulary().map("head of government"), c),
            _ => (
                vocabulary().map("hold position"),
                Arg::Literal(Literal::text(title.clone(), LiteralKind::Role)),
            ),
        };
        out.push(Claim {
            subject: Arg::Entity(e),
            relation,
            object,
            polarity: Polarity::Asserted,
            confidence: 0.9,
            attribution: None,
            sentence: s.index,
            span,
            time: None,
            place: None,
        });
    }
    out
}

/// The preposition (or multi-word case marker) of a nominal: "to", "according to".
fn case_of(s: &Sentence, n: usize) -> String {
    let words: Vec<String> = s
        .children(n + 1)
        .filter(|&c| s.tokens[c].deprel == "case" && c < n)
        .flat_map(|c| {
            std::iter::once(c).chain(s.children(c + 1).filter(|&f| s.tokens[f].deprel == "fixed"))
        })
        .map(|c| s.tokens[c].form.to_lowercase())
        .collect();
    words.join(" ")
}

/// The subject a verb without one shares: an xcomp's or conjunct's head subject.
fn inherited_subject(s: &Sentence, v: usize) -> Option<usize> {
    let mut cur = v;
    for _ in 0..8 {
        let t = &s.tokens[cur];
        if t.head == 0 || !(t.deprel == "xcomp" || t.deprel == "conj" || t.deprel == "advcl") {
            return None;
        }
        let head = t.head - 1;
        if let Some(subj) = s
            .children(head + 1)
            .find(|&c| s.tokens[c].deprel == "nsubj")
        {
            return Some(subj);
        }
        cur = head;
    }
    None
}

/// An argument and its conjuncts ("Panama, Guatemala and Costa Rica").
fn expand_conj(s: &Sentence, heads: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    for &h in heads {
        out.push(h);
        out.extend(
            s.children(h + 1)
                .filter(|&c| s.tokens[c].deprel == "conj" && s.tokens[c].upos != Upos::Verb),
        );
    }
    out
}

/// Polarity of the clause headed by `v`, and who it is attributed to.
fn factuality(cx: &Context<'_>, s: &SentenceInfo, v: usize) -> (Polarity, Option<usize>) {
    let toks = &s.parse.tokens;
    let (mut negated, mut hedged, mut reported, mut speaker) = (false, false, false, None);
    let clause_markers = |h: usize| -> Vec<usize> { s.parse.children(h + 1).collect() };
    let mut cur = v;
    for depth in 0..6 {
        for c in clause_markers(cur) {
            let w = toks[c].lemma.to_lowercase();
            let form = toks[c].form.to_lowercase();
            match toks[c].deprel.as_str() {
                "advmod" | "neg"
                    if depth == 0
                        && (w == "not" || form == "n't" || w == "never" || form == "no") =>
                {
                    negated = true
                }
                "aux" if HEDGE_AUX.contains(&w.as_str()) => hedged = true,
                "advmod" if HEDGE_ADV.contains(&w.as_str()) => hedged = true,
                "obl" if case_of(&s.parse, c) == "according to" => {
                    reported = true;
                    speaker = speaker.or_else(|| mention_entity(cx, s, c));
                }
                "mark" if depth == 0 && (w == "if" || w == "unless") => hedged = true,
                _ => {}
            }
        }
        if depth == 0
            && s.parse.children(v + 1).any(|c| {
                toks[c].lemma == "longer"
                    && s.parse
                        .children(c + 1)
                        .any(|d| toks[d].form.eq_ignore_ascii_case("no"))
            })
        {
            negated = true;
        }
        let t = &toks[cur];
        if t.head == 0 {
            break;
        }
        let head = t.head - 1;
        let hl = toks[head].lemma.to_lowercase();
        match t.deprel.as_str() {
            "ccomp" | "parataxis" if SPEECH.contains(&hl.as_str()) => {
                reported = true;
                speaker = speaker.or_else(|| {
                    s.parse
                        .children(head + 1)
                        .find(|&c| toks[c].deprel == "nsubj")
                        .and_then(|c| mention_entity(cx, s, c))
                });
            }
            "xcomp" if HEDGE_HEADS.contains(&hl.as_str()) => hedged = true,
            "xcomp" if NEGATING_HEADS.contains(&hl.as_str()) => negated = true,
            "ccomp" | "xcomp" | "advcl" | "conj" => {}
            _ => break,
        }
        cur = head;
    }
    let p = if negated {
        Polarity::Negated
    } else if hedged {
        Polarity::Hedged
    } else if reported {
        Polarity::Reported
    } else {
        Polarity::Asserted
    };
    (p, speaker)
}

fn mention_entity(cx: &Context<'_>, s: &SentenceInfo, tok: usize) -> Option<usize> {
    cx.mentions
        .iter()
        .find(|m| m.sentence == s.index && m.tokens.contains(&tok))
        .and_then(|m| m.entity)
}

/// A date among the verb's temporal dependents ("on April 14", "in 2019").
fn time_of(cx: &Context<'_>, s: &SentenceInfo, children: &[usize]) -> Option<Date> {
    let toks = &s.parse.tokens;
    for &c in children {
        if !(toks[c].deprel.starts_with("obl") || toks[c].deprel == "nmod:tmod") {
            continue;
        }
        let sub = subtree(&s.parse, c);
        let text = Span::new(toks[sub.start].span.start, toks[sub.end - 1].span.end).slice(cx.text);
        for (i, w) in text.split_whitespace().enumerate() {
            let rest: String = text
                .split_whitespace()
                .skip(i)
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(d) = parse_date_prefix(&rest) {
                return Some(d);
            }
            if let Some(m) = month_number(w) {
                let day = text
                    .split_whitespace()
                    .nth(i + 1)
                    .and_then(|d| d.trim_end_matches(',').parse::<u8>().ok())
                    .filter(|d| (1..=31).contains(d));
                if let (Some(day), Some(doc)) = (day, cx.doc_date) {
                    return Some(Date {
                        year: doc.year,
                        month: Some(m),
                        day: Some(day),
                    });
                }
            }
        }
    }
    None
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

/// A literal object: an amount of money, a quantity, a percentage, a date, or a short noun
/// phrase.
fn literal_arg(cx: &Context<'_>, s: &Sentence, n: usize) -> Option<Literal> {
    let toks = &s.tokens;
    let head: &Token = &toks[n];
    if matches!(
        head.upos,
        Upos::Pron | Upos::Det | Upos::Adv | Upos::Sconj | Upos::Verb | Upos::Aux | Upos::Punct
    ) {
        return None;
    }
    let mut r = subtree(s, n);
    // Leave out relative clauses and trailing punctuation: keep the noun phrase core.
    for c in s.children(n + 1) {
        if matches!(
            toks[c].deprel.as_str(),
            "acl:relcl" | "acl" | "appos" | "punct" | "conj" | "cc" | "parataxis"
        ) && c > n
        {
            r.end = r.end.min(subtree(s, c).start);
        }
        if toks[c].deprel == "case" && c < n {
            r.start = r.start.max(c + 1);
        }
    }
    if r.is_empty() || r.len() > 12 {
        return None;
    }
    let text = Span::new(toks[r.start].span.start, toks[r.end - 1].span.end).slice(cx.text);
    let text = text.trim_end_matches([',', '.', ';', ':']).to_owned();
    if text.is_empty() {
        return None;
    }
    let has_num = toks[r.clone()].iter().any(|t| t.upos == Upos::Num);
    let lower = text.to_lowercase();
    let kind = if let Some(d) = parse_date_prefix(&text).filter(|_| has_num && r.len() <= 4) {
        let mut l = Literal::text(text.clone(), LiteralKind::Date);
        l.date = Some(d);
        return Some(l);
    } else if has_num
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
            l.unit = Some(
                if text.contains('€') {
                    "EUR"
                } else if text.contains('£') {
                    "GBP"
                } else {
                    "USD"
                }
                .to_owned(),
            );
        }
    }
    Some(l)
}

const QUALIFIERS: [&str; 10] = [
    "more than",
    "less than",
    "fewer than",
    "up to",
    "at least",
    "nearly",
    "about",
    "almost",
    "around",
    "over",
];

fn amount_of(text: &str) -> (Option<f64>, Option<String>) {
    let lower = text.to_lowercase();
    let qualifier = QUALIFIERS
        .iter()
        .find(|q| lower.starts_with(*q))
        .map(|q| q.to_string());
    let mut amount = None;
    let words: Vec<&str> = lower.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let digits: String = w
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if digits.is_empty() || !w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if let Ok(mut v) = digits.trim_end_matches('.').parse::<f64>() {
            let scale = |s: &str| match s.trim_end_matches([',', '.']) {
                "thousand" => 1e3,
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

fn cover(toks: &[Token], idx: &[usize]) -> Span {
    let lo = idx.iter().map(|&i| toks[i].span.start).min().unwrap_or(0);
    let hi = idx.iter().map(|&i| toks[i].span.end).max().unwrap_or(0);
    Span::new(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_qualifiers() {
        assert_eq!(
            amount_of("more than $1 billion"),
            (Some(1e9), Some("more than".into()))
        );
        assert_eq!(amount_of("7,250 tonnes"), (Some(7250.0), None));
        assert_eq!(amount_of("$1.4bn"), (Some(1.4e9), None));
        assert_eq!(amount_of("nearly 2%"), (Some(2.0), Some("nearly".into())));
    }
}
