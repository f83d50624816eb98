//! Role and state claims: titles before names ("Ruritania's President Jane Doe",
//! "Ruritanian Prime Minister John Roe", "Special Envoy Jane Doe"), titles followed by
//! "of Country" ("President Jane Doe of Ruritania"), appositions ("Jane Doe, a retired
//! senior customs agent", "the country's leader, Jane Doe", "Ruritania, its largest trading
//! partner") and predicate nominals ("X is Y's son").

use super::Candidate;
use super::args::{entity_of, phrase_range};
use super::tree::Tree;
use crate::gazetteer::gazetteer;
use crate::model::{Arg, EntityType, Literal, LiteralKind, MentionKind, Polarity, Relation, Upos};
use crate::ontology::vocabulary;

/// Words before a title that say the role is no longer held.
const FORMER: [&str; 5] = ["former", "ex", "then", "late", "outgoing"];

/// Role nouns for a country's leader that the title list files under another category.
const LEADER_NOUNS: [&str; 3] = ["leader", "ruler", "strongman"];

/// Role claims of one sentence: titles and appositions.
pub(super) fn roles(t: &Tree<'_>, out: &mut Vec<Candidate>) {
    titles(t, out);
    appositions(t, out);
    described_leaders(t, out);
}

/// A leader described by role and resolved to a person ("the country's president said",
/// "Ruritania's leader, who ..."): the person heads that country.
fn described_leaders(t: &Tree<'_>, out: &mut Vec<Candidate>) {
    let cx = t.cx;
    for i in super::sentence_mentions(cx, t.s.index) {
        let m = &cx.mentions[i];
        let Some(e) = m.entity else { continue };
        if m.kind != MentionKind::Description
            || super::entity_type(cx, e) != Some(EntityType::Person)
            || t.upos(m.head) != Upos::Noun
        {
            continue;
        }
        if t.kids(m.head)
            .iter()
            .any(|&c| FORMER.contains(&t.form(c).as_str()))
        {
            continue;
        }
        let Some((relation, object)) = role_of(t, e, m.head) else {
            continue;
        };
        if !matches!(relation.local.as_str(), "headOfState" | "headOfGovernment") {
            continue;
        }
        out.push(role_claim(e, relation, object, m.head, vec![m.head], 0.7));
    }
}

fn titles(t: &Tree<'_>, out: &mut Vec<Candidate>) {
    let cx = t.cx;
    for i in super::sentence_mentions(cx, t.s.index) {
        let m = &cx.mentions[i];
        if m.kind != MentionKind::Name {
            continue;
        }
        let (Some(e), Some(Some(title))) = (m.entity, cx.titles.get(i)) else {
            continue;
        };
        // Only people hold titles: "will host Ruritania's president" gives a place no role.
        if m.entity_type != EntityType::Person {
            continue;
        }
        let Some(role) = title_role(t, m.tokens.clone(), m.head, title) else {
            continue;
        };
        let (relation, object) = match role.country {
            Some(c) if !role.former && role.category == "head_of_state" => {
                (vocabulary().map("head of state"), Arg::Entity(c))
            }
            Some(c) if !role.former && role.category == "head_of_government" => {
                (vocabulary().map("head of government"), Arg::Entity(c))
            }
            _ => {
                let text = if role.former {
                    format!("former {title}")
                } else {
                    title.clone()
                };
                (
                    vocabulary().map("hold position"),
                    Arg::Literal(Literal::text(text, LiteralKind::Role)),
                )
            }
        };
        out.push(role_claim(
            e,
            relation,
            object,
            m.head,
            vec![role.first, m.tokens.end.saturating_sub(1)],
            0.9,
        ));
    }
}

struct TitleRole {
    category: String,
    country: Option<usize>,
    former: bool,
    first: usize,
}

/// What a title before a name says: its category, the country it is of, whether it is former.
fn title_role(
    t: &Tree<'_>,
    name: std::ops::Range<usize>,
    head: usize,
    title: &str,
) -> Option<TitleRole> {
    let g = gazetteer();
    let words = title.split_whitespace().count();
    let start = name.start.checked_sub(words)?;
    let category = g.title_category(title).unwrap_or("").to_owned();
    let mut first = start;
    let mut former = false;
    let mut country = None;
    let mut k = start;
    // Up to two words before the title: a country (possibly with 's) and/or "former".
    for _ in 0..3 {
        let Some(b) = k.checked_sub(1) else { break };
        let form = t.form(b);
        let bare = form.trim_end_matches('-');
        if FORMER.contains(&bare) || form.starts_with("then-") || form.starts_with("ex-") {
            former = true;
            first = b;
            k = b;
            continue;
        }
        if form == "'s" || form == "’s" {
            k = b;
            continue;
        }
        if let Some(c) = country_at(t, b) {
            country = Some(c);
            first = b;
            k = b;
            continue;
        }
        break;
    }
    // "President Jane Doe of Ruritania".
    if country.is_none() {
        for &c in t.kids(head) {
            if t.rel(c) == "nmod"
                && t.case_of(c) == "of"
                && let Some(e) = country_at(t, c)
            {
                country = Some(e);
            }
        }
    }
    Some(TitleRole {
        category,
        country,
        former,
        first,
    })
}

/// The country entity a token names, as a name mention or a demonym.
pub(super) fn country_at(t: &Tree<'_>, k: usize) -> Option<usize> {
    if let Some(m) = t.mention_at(k)
        && m.entity_type == EntityType::Country
    {
        return m.entity;
    }
    let g = gazetteer();
    let form = &t.toks[k].form;
    let name = g
        .country(form)
        .or_else(|| g.country_by_demonym(form))
        .map(|c| c.name.clone())?;
    country_entity(t.cx, &name)
}

/// The entity of a country in this document, found through its mentions.
fn country_entity(cx: &super::Context<'_>, name: &str) -> Option<usize> {
    let g = gazetteer();
    cx.mentions.iter().find_map(|m| {
        if m.entity_type != EntityType::Country {
            return None;
        }
        let named = g.country(&m.text).map(|c| c.name.as_str()) == Some(name)
            || m.text.split_whitespace().any(|w| {
                g.country_by_demonym(w).map(|c| c.name.as_str()) == Some(name)
                    || g.country(w).map(|c| c.name.as_str()) == Some(name)
            });
        if named { m.entity } else { None }
    })
}

/// Heads of state and government in a document, by their titles: (person, country).
pub(super) fn states_led(cx: &super::Context<'_>) -> Vec<(usize, usize)> {
    let g = gazetteer();
    let mut out = Vec::new();
    for (i, m) in cx.mentions.iter().enumerate() {
        let (Some(e), Some(Some(title))) = (m.entity, cx.titles.get(i)) else {
            continue;
        };
        if !matches!(
            g.title_category(title),
            Some("head_of_state" | "head_of_government")
        ) {
            continue;
        }
        let Some(s) = cx.sentences.iter().find(|s| s.index == m.sentence) else {
            continue;
        };
        let t = super::tree::Tree::new(cx, s);
        if let Some(r) = title_role(&t, m.tokens.clone(), m.head, title)
            && !r.former
            && let Some(c) = r.country
        {
            out.push((e, c));
        }
    }
    out
}

/// The country of "a group of Ruritanian origin": the demonym on an "origin" dependent.
pub(super) fn origin_of(t: &Tree<'_>, p: usize) -> Option<usize> {
    t.kids(p).iter().copied().find_map(|c| {
        if !(t.rel(c) == "nmod" && t.case_of(c) == "of" && t.lemma(c) == "origin") {
            return None;
        }
        t.kids(c)
            .iter()
            .copied()
            .filter(|&d| matches!(t.rel(d), "amod" | "compound"))
            .find_map(|d| country_at(t, d))
    })
}

fn appositions(t: &Tree<'_>, out: &mut Vec<Candidate>) {
    for b in 0..t.len() {
        if t.rel(b) != "appos" {
            continue;
        }
        let Some(a) = t.head(b) else { continue };
        let (ea, eb) = (t.entity_at(a), t.entity_at(b));
        let described = |k: usize| t.mention_at(k).is_some_and(|m| m.kind != MentionKind::Name);
        let (entity, role_tok) = match (ea, eb) {
            (Some(e), None) if t.upos(b) == Upos::Noun => (e, b),
            (None, Some(e)) if t.upos(a) == Upos::Noun => (e, a),
            // "the country's leader, Jane Doe": the description is resolved to the name.
            (Some(x), Some(y)) if x == y && t.upos(a) == Upos::Noun && described(a) => (x, a),
            (Some(x), Some(y)) if x == y && t.upos(b) == Upos::Noun && described(b) => (x, b),
            _ => continue,
        };
        if let Some(c) = origin_of(t, role_tok)
            && c != entity
        {
            out.push(role_claim(
                entity,
                vocabulary().map("originate from"),
                Arg::Entity(c),
                role_tok,
                vec![a, b],
                0.7,
            ));
        }
        if let Some((relation, object)) = role_of(t, entity, role_tok) {
            out.push(role_claim(
                entity,
                relation,
                object,
                role_tok,
                vec![a, b],
                0.8,
            ));
        }
    }
}

/// The role a noun gives an entity: "Ruritania's leader" → head of state of Ruritania;
/// "Y's largest trading partner" → largest trading partner of Y; for a person, a title noun
/// ("a retired customs agent") → holds that position.
pub(super) fn role_of(t: &Tree<'_>, entity: usize, r: usize) -> Option<(Relation, Arg)> {
    if t.upos(r) != Upos::Noun {
        return None;
    }
    let lemma = t.lemma(r);
    let owner = t.kids(r).iter().copied().find_map(|c| {
        let of = t.rel(c) == "nmod" && t.case_of(c) == "of";
        if t.rel(c) == "nmod:poss" || of {
            entity_of(t, c).filter(|&o| o != entity)
        } else {
            None
        }
    });
    let mut words: Vec<String> = t
        .kids(r)
        .iter()
        .copied()
        .filter(|&c| c < r && matches!(t.rel(c), "amod" | "compound"))
        .filter(|&c| t.entity_at(c).is_none())
        .map(|c| t.form(c))
        .collect();
    words.push(lemma.clone());
    let noun_phrase = words.join(" ");
    let category = title_category(&noun_phrase).or_else(|| title_category(&lemma));
    let is_person = super::entity_type(t.cx, entity) == Some(EntityType::Person);
    if let Some(o) = owner {
        let owner_is_country = super::entity_type(t.cx, o) == Some(EntityType::Country);
        if owner_is_country && is_person {
            if category.as_deref() == Some("head_of_state")
                || LEADER_NOUNS.contains(&lemma.as_str())
            {
                return Some((vocabulary().map("head of state"), Arg::Entity(o)));
            }
            if category.as_deref() == Some("head_of_government") {
                return Some((vocabulary().map("head of government"), Arg::Entity(o)));
            }
        }
        return Some((
            vocabulary().map(&format!("{noun_phrase} of")),
            Arg::Entity(o),
        ));
    }
    if is_person && category.is_some() {
        let range = phrase_range(t, r);
        let mut start = range.start;
        while start < r && matches!(t.rel(start), "det" | "nmod:poss" | "case") {
            start += 1;
        }
        let text = t.text(start..range.end).trim().to_owned();
        if !text.is_empty() && range.end - start <= 10 {
            return Some((
                vocabulary().map("hold position"),
                Arg::Literal(Literal::text(text, LiteralKind::Role)),
            ));
        }
    }
    None
}

/// The title category of a lower-case noun phrase ("special agent"), trying it capitalised.
fn title_category(phrase: &str) -> Option<String> {
    let g = gazetteer();
    let capitalised: String = phrase
        .split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    g.title_category(&capitalised)
        .or_else(|| g.title_category(phrase))
        .map(str::to_owned)
}

/// A role or state claim: the construction itself asserts it, with its relation already chosen.
fn role_claim(
    subject: usize,
    relation: Relation,
    object: Arg,
    predicate: usize,
    evidence: Vec<usize>,
    confidence: f32,
) -> Candidate {
    Candidate {
        subject,
        phrase: String::new(),
        relation: Some(relation),
        object,
        predicate,
        polarity: Some(Polarity::Asserted),
        evidence,
        confidence,
    }
}
