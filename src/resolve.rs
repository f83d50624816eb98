//! Coreference: recognised mentions in, [`Entity`]s out, each mention linked to its entity.
//!
//! Within a document, sieves, most precise first; each works on the whole document at once,
//! so the result does not depend on the order in which names are met:
//!
//! 1. exact names (gazetteer canonical names, else the normalised surface);
//! 2. explicit aliases ("Jane Doe, alias “JD”", "National Widget Board (NWB)");
//! 3. acronyms and their expansions, both directions ("NWB" ↔ "National Widget Board",
//!    "Road Runners 13" ↔ "RR-13"), and a name ↔ the same name closed by a number;
//! 4. person-name variants: surname or any final part of the name, a part of a hyphenated
//!    surname, the full name without a middle name or initial, a one-letter typo in the
//!    first name; generational suffixes (`Jr.`) must agree. When several people share the
//!    variant, each mention goes to the nearest one named before it, else stays alone;
//! 5. descriptions: government words (the country named, or the one the leader leads),
//!    "the country" (the country in apposition, else the most mentioned so far), roles (the
//!    person in apposition, else the latest holder of that title or of a title tied to the
//!    named country), salient heads (one entity per class and document);
//! 6. pronouns, by gender and number agreement and salience: nearest sentence first (no
//!    cataphora across sentences), subjects before other mentions, then recency.
//!
//! Unresolvable mentions stay unlinked. An entity's key (and IRI) is the slug of its
//! canonical label, so one actor gets one IRI in every document; an entity known only from
//! descriptions is keyed within its document.
//!
//! Across documents, [`link_documents`] ties a short name to the one full name in the batch
//! that fits it, and a leader's government to the leader's country.

use crate::gazetteer::{gazetteer, key};
use crate::model::{AnalyzedDocument, Entity, EntityType, Mention, MentionKind, SentenceInfo};
use crate::ontology::slug;
use crate::recognize::{Cue, NAME_SUFFIXES, Recognized, SALIENT, title_country};
use std::collections::{BTreeMap, BTreeSet};

/// Groups mentions into entities. Returns the mentions (in the order given, with `entity`
/// set where resolved) and the entities (in order of first mention). `doc_id` scopes the
/// keys of entities known only from descriptions ("the talks").
pub fn resolve(
    recognized: Vec<Recognized>,
    sentences: &[SentenceInfo],
    doc_id: &str,
) -> (Vec<Mention>, Vec<Entity>) {
    let n = recognized.len();
    let mut uf = UnionFind::new(n);
    let names: Vec<usize> = (0..n)
        .filter(|&i| recognized[i].mention.kind == MentionKind::Name)
        .collect();
    let name_key: Vec<String> = recognized.iter().map(mention_key).collect();
    // 1. Exact names.
    let mut first_of_key: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &names {
        match first_of_key.get(name_key[i].as_str()) {
            Some(&j) => uf.union(i, j),
            None => {
                first_of_key.insert(&name_key[i], i);
            }
        }
    }
    // 2. Explicit aliases.
    for &i in &names {
        if let Some(span) = recognized[i].alias_of
            && let Some(&j) = names.iter().find(|&&j| recognized[j].mention.span == span)
        {
            uf.union(i, j);
        }
    }
    // 3. Acronyms, and names closed by a number.
    let keys: Vec<&str> = first_of_key.keys().copied().collect();
    let mut by_expansion: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for &k in &keys {
        let j = first_of_key[k];
        for x in expansions(&recognized[j].mention.text) {
            by_expansion.entry(x).or_default().insert(j);
        }
    }
    for &k in &keys {
        let i = first_of_key[k];
        let surface = &recognized[i].mention.text;
        // A gazetteer name ("US") is already linked by its canonical form.
        if is_acronym(surface) && recognized[i].canonical.is_none() {
            let want = acronym_letters(surface);
            let fits: Vec<usize> = by_expansion
                .get(&want)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&j| j != i)
                .collect();
            if let [j] = fits.as_slice() {
                uf.union(i, *j);
            }
        }
        let fits: Vec<usize> = keys
            .iter()
            .filter(|k2| {
                k2.strip_prefix(k).is_some_and(|rest| {
                    rest.starts_with(' ') && rest[1..].bytes().all(|b| b.is_ascii_digit())
                })
            })
            .map(|k2| first_of_key[k2])
            .collect();
        if let [j] = fits.as_slice()
            && k.contains(' ')
        {
            uf.union(i, *j);
        }
    }
    // 4. Person-name variants.
    let mut assigned: Vec<Option<usize>> = vec![None; n];
    person_variants(&recognized, &names, &mut uf, &mut assigned);
    // Entities for the name clusters, in order of first mention.
    let mut mentions: Vec<Mention> = recognized.iter().map(|r| r.mention.clone()).collect();
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &names {
        let root = uf.find(assigned[i].unwrap_or(i));
        clusters.entry(root).or_default().push(i);
    }
    let mut order: Vec<(usize, usize)> = clusters.iter().map(|(r, ms)| (ms[0], *r)).collect();
    order.sort_unstable();
    let mut builder = Builder::default();
    for (_, root) in order {
        let members = &clusters[&root];
        let e = builder.named_entity(&recognized, members);
        for &m in members {
            mentions[m].entity = Some(e);
        }
    }
    // 5. Descriptions.
    descriptions(&recognized, sentences, &mut mentions, &mut builder, doc_id);
    // 6. Pronouns.
    let genders = builder.genders(&recognized, &mentions);
    let plural = builder.plural(&recognized, &mentions);
    for i in 0..n {
        if mentions[i].kind == MentionKind::Pronoun {
            mentions[i].entity = antecedent(
                &recognized,
                &mentions,
                i,
                &builder.entities,
                &genders,
                &plural,
                sentences,
            );
        }
    }
    let entities = builder.finish(&recognized, &mentions);
    (mentions, entities)
}

/// The normalised name a mention is matched by.
fn mention_key(r: &Recognized) -> String {
    let k = key(r.canonical.as_deref().unwrap_or(&r.mention.text));
    let k = k
        .strip_suffix("'s")
        .or_else(|| k.strip_suffix('\''))
        .unwrap_or(&k)
        .to_owned();
    k.split(' ')
        .map(|w| w.trim_end_matches('.').trim_end_matches(','))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Name words of a person's name, and its generational suffix if any.
fn person_words(text: &str) -> (Vec<String>, Option<String>) {
    let mut words: Vec<String> = key(text)
        .split(' ')
        .map(|w| w.trim_end_matches(['\'', ',']).to_owned())
        .filter(|w| !w.is_empty() && w != "'s")
        .collect();
    if let Some(w) = words.last_mut()
        && let Some(stripped) = w.strip_suffix("'s")
    {
        *w = stripped.to_owned();
    }
    let suffix = words
        .last()
        .filter(|w| NAME_SUFFIXES.contains(&w.as_str()))
        .map(|w| w.trim_end_matches('.').to_owned());
    if suffix.is_some() {
        words.pop();
    }
    (words, suffix)
}

fn is_initial(w: &str) -> bool {
    w.len() <= 2 && w.ends_with('.') || w.chars().count() == 1
}

/// True when the short name `s` is a variant of the full name `f` (word lists, suffixes
/// already removed and equal).
fn is_variant(s: &[String], f: &[String]) -> bool {
    if s.is_empty() || s.len() > f.len() {
        return false;
    }
    if s == f {
        return true;
    }
    // Initials for the given names: "J. Doe" for "Jane Doe".
    if s.len() >= 2
        && s.last() == f.last()
        && s[..s.len() - 1].iter().all(|w| is_initial(w))
        && s[..s.len() - 1]
            .iter()
            .zip(f.iter())
            .all(|(i, w)| i.chars().next() == w.chars().next())
    {
        return true;
    }
    if s.len() == f.len() {
        return first_name_typo(s, f);
    }
    // A final part: surname, or two-word surname.
    if f.ends_with(s) {
        return true;
    }
    // A part of a hyphenated surname: "Doe" or "Roe" for "Jane Doe-Roe".
    if let ([w], Some(last)) = (s, f.last())
        && last.contains('-')
        && last.split('-').any(|p| p == w)
    {
        return true;
    }
    // The name without middle names or initials: "Jane Doe" for "Jane Q. Doe".
    if s.len() >= 2 && s.first() == f.first() && s.last() == f.last() {
        return f[1..f.len() - 1]
            .iter()
            .all(|w| !s.contains(w) || is_initial(w));
    }
    false
}

/// "Willian Doe" for "William Doe": same surname, first names one letter apart.
fn first_name_typo(a: &[String], b: &[String]) -> bool {
    a.len() >= 2
        && a[1..] == b[1..]
        && a[0].chars().count() >= 5
        && a[0] != b[0]
        && edit_distance_one(&a[0], &b[0])
}

fn edit_distance_one(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() != b.len() {
        let (s, l) = if a.len() < b.len() {
            (&a, &b)
        } else {
            (&b, &a)
        };
        if l.len() - s.len() != 1 {
            return false;
        }
        let p = s.iter().zip(l.iter()).take_while(|(x, y)| x == y).count();
        return s[p..] == l[p + 1..];
    }
    a.iter().zip(b.iter()).filter(|(x, y)| x != y).count() == 1
}

fn person_variants(
    recognized: &[Recognized],
    names: &[usize],
    uf: &mut UnionFind,
    assigned: &mut [Option<usize>],
) {
    // Clusters after the exact sieves, with their longest name and type votes.
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in names {
        by_root.entry(uf.find(i)).or_default().push(i);
    }
    struct Cluster {
        root: usize,
        words: Vec<String>,
        suffix: Option<String>,
        person: bool,
        maybe_person: bool,
        members: Vec<usize>,
    }
    let clusters: Vec<Cluster> = by_root
        .into_iter()
        .filter_map(|(root, members)| {
            if members.iter().any(|&m| recognized[m].canonical.is_some()) {
                return None;
            }
            let longest = members
                .iter()
                .map(|&m| person_words(&recognized[m].mention.text))
                .max_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| b.0.cmp(&a.0)))?;
            let votes = |t: EntityType| {
                members
                    .iter()
                    .filter(|&&m| recognized[m].mention.entity_type == t)
                    .count()
            };
            let person = votes(EntityType::Person) > 0
                && votes(EntityType::Person)
                    >= members.len() - votes(EntityType::Other) - votes(EntityType::Person);
            let maybe_person = person || votes(EntityType::Other) == members.len();
            Some(Cluster {
                root,
                words: longest.0,
                suffix: longest.1,
                person,
                maybe_person,
                members,
            })
        })
        .collect();
    let pos = |m: usize| {
        (
            recognized[m].mention.sentence,
            recognized[m].mention.span.start,
        )
    };
    let mut unions = Vec::new();
    for c in &clusters {
        if !c.maybe_person {
            continue;
        }
        let fits: Vec<&Cluster> = clusters
            .iter()
            .filter(|f| {
                f.root != c.root
                    && f.person
                    && f.suffix == c.suffix
                    && (f.words.len() > c.words.len()
                        || f.words.len() == c.words.len() && f.root < c.root)
                    && is_variant(&c.words, &f.words)
            })
            .collect();
        // A first name alone, when it is one person's and nobody's surname.
        let fits = if fits.is_empty() && c.words.len() == 1 && c.person {
            let w = &c.words[0];
            let surname = clusters
                .iter()
                .any(|f| f.words.len() >= 2 && f.words.last() == Some(w));
            let firsts: Vec<&Cluster> = clusters
                .iter()
                .filter(|f| {
                    f.person && f.suffix == c.suffix && f.words.len() >= 2 && f.words[0] == *w
                })
                .collect();
            if surname || firsts.len() != 1 {
                Vec::new()
            } else {
                firsts
            }
        } else {
            fits
        };
        match fits.as_slice() {
            [] => {}
            [f] => unions.push((c.root, f.root)),
            many => {
                // Several people fit: each mention goes to the nearest one named before it.
                for &m in &c.members {
                    let best = many
                        .iter()
                        .flat_map(|f| f.members.iter().map(move |&x| (x, f.root)))
                        .filter(|&(x, _)| pos(x) < pos(m))
                        .max_by_key(|&(x, _)| pos(x));
                    if let Some((_, root)) = best {
                        assigned[m] = Some(root);
                    }
                }
            }
        }
    }
    for (a, b) in unions {
        uf.union(a, b);
    }
}

fn is_acronym(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2
        && letters.iter().all(|c| c.is_uppercase())
        && !s.contains(' ')
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// Letters and digits of an acronym, upper case: "R.R.-13" → "RR13".
fn acronym_letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

const FUNCTION_WORDS: [&str; 9] = ["of", "for", "and", "the", "de", "la", "del", "y", "&"];

/// Acronyms a multi-word name may be abbreviated to: initials with and without function
/// words, with and without a leading country, numbers kept whole.
fn expansions(name: &str) -> Vec<String> {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let g = gazetteer();
    let mut out = Vec::new();
    for skip_country in [false, true] {
        let ws: &[&str] = if skip_country && g.country(words[0]).is_some() {
            &words[1..]
        } else if skip_country {
            continue;
        } else {
            &words[..]
        };
        for keep_function in [false, true] {
            let a: String = ws
                .iter()
                .filter(|w| keep_function || !FUNCTION_WORDS.contains(&w.to_lowercase().as_str()))
                .map(|w| {
                    if w.bytes().all(|b| b.is_ascii_digit()) {
                        (*w).to_owned()
                    } else {
                        w.chars()
                            .next()
                            .map(|c| c.to_uppercase().collect())
                            .unwrap_or_default()
                    }
                })
                .collect();
            if a.chars().count() >= 2 {
                out.push(a);
            }
        }
    }
    out
}

/// Collects entities and what is known about them while resolving.
#[derive(Default)]
struct Builder {
    entities: Vec<Entity>,
    same_as: Vec<Option<String>>,
    /// Entities known only from descriptions, by class.
    by_class: BTreeMap<String, usize>,
}

impl Builder {
    fn push(
        &mut self,
        label: String,
        key: String,
        ty: EntityType,
        same_as: Option<String>,
    ) -> usize {
        if let Some(e) = self.entities.iter().position(|e| e.key == key) {
            return e;
        }
        self.entities.push(Entity {
            key,
            label,
            entity_type: ty,
            aliases: BTreeMap::new(),
            same_as: None,
        });
        self.same_as.push(same_as);
        self.entities.len() - 1
    }

    fn named_entity(&mut self, recognized: &[Recognized], members: &[usize]) -> usize {
        let mut canon: BTreeMap<&str, usize> = BTreeMap::new();
        for &m in members {
            if let Some(c) = &recognized[m].canonical {
                *canon.entry(c.as_str()).or_default() += 1;
            }
        }
        let ty = entity_type(recognized, members);
        let label = if let Some((c, _)) = canon.iter().max_by_key(|(c, n)| (**n, c.len())) {
            (*c).to_owned()
        } else {
            // Each distinct form counted once, so a long document's entity with many
            // mentions costs linear time.
            let mut forms: BTreeMap<String, usize> = BTreeMap::new();
            for &m in members {
                *forms
                    .entry(strip_article(&recognized[m].mention.text))
                    .or_default() += 1;
            }
            let score = |s: &str, n: usize| (!is_acronym(s), s.split_whitespace().count(), n);
            forms
                .into_iter()
                .max_by(|(a, na), (b, nb)| score(a, *na).cmp(&score(b, *nb)).then_with(|| b.cmp(a)))
                .map(|(s, _)| s)
                .unwrap_or_default()
        };
        let same_as = members.iter().find_map(|&m| recognized[m].wikidata.clone());
        self.push(label.clone(), slug(&label), ty, same_as)
    }

    fn country(&mut self, name: &str) -> usize {
        let g = gazetteer();
        let (label, wd) = match g.country(name) {
            Some(c) => (c.name.clone(), c.wikidata.clone()),
            None => (name.to_owned(), None),
        };
        self.push(label.clone(), slug(&label), EntityType::Country, wd)
    }

    /// Gender per entity from titles and descriptions.
    fn genders(&self, recognized: &[Recognized], mentions: &[Mention]) -> Vec<Option<char>> {
        let mut out = vec![None; self.entities.len()];
        for (r, m) in recognized.iter().zip(mentions) {
            if let (Some(e), Some(gd), false) = (m.entity, r.gender, m.kind == MentionKind::Pronoun)
            {
                out[e] = Some(gd);
            }
        }
        out
    }

    fn plural(&self, recognized: &[Recognized], mentions: &[Mention]) -> Vec<bool> {
        let mut out = vec![false; self.entities.len()];
        for (r, m) in recognized.iter().zip(mentions) {
            if let Some(e) = m.entity
                && m.kind == MentionKind::Description
                && r.plural
            {
                out[e] = true;
            }
        }
        for (e, ent) in self.entities.iter().enumerate() {
            if ent.entity_type == EntityType::CriminalGroup {
                out[e] = true;
            }
        }
        out
    }

    fn finish(mut self, recognized: &[Recognized], mentions: &[Mention]) -> Vec<Entity> {
        for (r, m) in recognized.iter().zip(mentions) {
            let Some(e) = m.entity else { continue };
            if m.kind == MentionKind::Pronoun {
                continue;
            }
            *self.entities[e].aliases.entry(m.text.clone()).or_default() += 1;
            for a in &r.extra_aliases {
                *self.entities[e].aliases.entry(a.clone()).or_default() += 1;
            }
        }
        for (e, ent) in self.entities.iter_mut().enumerate() {
            ent.same_as = self.same_as[e].clone();
        }
        self.entities
    }
}

/// The type of a cluster of name mentions: the gazetteer's when it knows the name, else the
/// most frequent specific type (ties: the more specific kind of organisation first).
fn entity_type(recognized: &[Recognized], members: &[usize]) -> EntityType {
    if let Some(&m) = members.iter().find(|&&m| recognized[m].canonical.is_some()) {
        return recognized[m].mention.entity_type;
    }
    let mut votes: BTreeMap<EntityType, usize> = BTreeMap::new();
    for &m in members {
        let t = recognized[m].mention.entity_type;
        if t != EntityType::Other {
            // Evidence (a group word, a title, a suffix) outweighs the shape of a name.
            *votes.entry(t).or_default() += if recognized[m].typed_by_evidence {
                10
            } else {
                1
            };
        }
    }
    pick_type(votes)
}

/// The type with most votes; ties go to the more specific kind.
fn pick_type(votes: BTreeMap<EntityType, usize>) -> EntityType {
    const PRIORITY: [EntityType; 8] = [
        EntityType::CriminalGroup,
        EntityType::Media,
        EntityType::GovernmentBody,
        EntityType::Facility,
        EntityType::Agreement,
        EntityType::Law,
        EntityType::Person,
        EntityType::Organization,
    ];
    votes
        .into_iter()
        .max_by_key(|(t, n)| {
            (
                *n,
                std::cmp::Reverse(PRIORITY.iter().position(|p| p == t).unwrap_or(99)),
            )
        })
        .map_or(EntityType::Other, |(t, _)| t)
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

/// Sentence position of a mention, for recency comparisons.
fn pos(m: &Mention) -> (usize, usize) {
    (m.sentence, m.span.start)
}

/// The entity of a name mention in apposition with the description headed at `m.head`.
fn apposition(m: &Mention, mentions: &[Mention], sentences: &[SentenceInfo]) -> Option<usize> {
    let s = sentences.get(m.sentence)?;
    let toks = &s.parse.tokens;
    let t = toks.get(m.head)?;
    let mut partners: Vec<usize> = s
        .parse
        .children(m.head + 1)
        .filter(|&c| toks[c].deprel == "appos")
        .collect();
    if t.deprel == "appos" && t.head > 0 {
        partners.push(t.head - 1);
    }
    let by_tree = partners.into_iter().find_map(|p| {
        mentions
            .iter()
            .find(|x| {
                x.sentence == m.sentence
                    && x.kind == MentionKind::Name
                    && x.tokens.contains(&p)
                    && x.entity.is_some()
            })
            .and_then(|x| x.entity)
    });
    // The parser may miss it: "Ruritania's leader, Jane Doe," reads as one by its commas.
    by_tree.or_else(|| {
        let comma = |k: usize| toks.get(k).is_some_and(|t| t.form == ",");
        let closes = |k: usize| k >= toks.len() || matches!(toks[k].form.as_str(), "," | "." | ";");
        mentions
            .iter()
            .find(|x| {
                x.sentence == m.sentence
                    && x.kind == MentionKind::Name
                    && x.entity_type == m.entity_type
                    && ((x.tokens.start == m.tokens.end + 1
                        && comma(m.tokens.end)
                        && closes(x.tokens.end))
                        || (m.tokens.start == x.tokens.end + 1
                            && comma(x.tokens.end)
                            && closes(m.tokens.end)))
            })
            .and_then(|x| x.entity)
    })
}

fn descriptions(
    recognized: &[Recognized],
    sentences: &[SentenceInfo],
    mentions: &mut [Mention],
    b: &mut Builder,
    doc_id: &str,
) {
    // Role evidence: the countries tied to each person by titles.
    let mut ties: BTreeMap<usize, BTreeMap<String, usize>> = BTreeMap::new();
    for (r, m) in recognized.iter().zip(mentions.iter()) {
        if let (Some(e), Some(c), MentionKind::Name) = (m.entity, &r.country, m.kind) {
            *ties.entry(e).or_default().entry(c.clone()).or_default() += 1;
        }
    }
    // Titles written before each entity's names, lower case.
    let mut titles: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (r, m) in recognized.iter().zip(mentions.iter()) {
        if let (Some(e), Some(t)) = (m.entity, &r.title) {
            titles.entry(e).or_default().insert(t.to_lowercase());
        }
    }
    let country_of = |e: usize| -> Option<String> {
        let t = ties.get(&e)?;
        let best = t.values().max()?;
        let top: Vec<&String> = t
            .iter()
            .filter(|(_, n)| *n == best)
            .map(|(c, _)| c)
            .collect();
        (top.len() == 1).then(|| top[0].clone())
    };
    let order: Vec<usize> = (0..recognized.len())
        .filter(|&i| mentions[i].kind == MentionKind::Description)
        .collect();
    // Countries and governments first: the salient country depends on them.
    for &i in &order {
        let r = &recognized[i];
        match &r.cue {
            Cue::Country => {
                let e = if let Some(c) = r.canonical.as_deref() {
                    Some(b.country(c))
                } else {
                    apposition(&mentions[i], mentions, sentences)
                        .or_else(|| salient_country(mentions, i, &b.entities))
                };
                mentions[i].entity = e;
            }
            Cue::Government { leader } => {
                let leader_entity = mentions
                    .iter()
                    .find(|m| m.span == *leader)
                    .and_then(|m| m.entity);
                if let Some(c) = leader_entity.and_then(country_of) {
                    mentions[i].entity = Some(b.country(&c));
                }
            }
            _ => {}
        }
    }
    for &i in &order {
        let r = &recognized[i];
        match &r.cue {
            Cue::Role(title) => {
                if let Some(e) = apposition(&mentions[i], mentions, sentences) {
                    mentions[i].entity = Some(e);
                    continue;
                }
                let country = match r.country.as_deref() {
                    Some(SALIENT) => salient_country(mentions, i, &b.entities)
                        .map(|e| b.entities[e].label.clone()),
                    other => other.map(str::to_owned),
                };
                let holds = |e: usize| -> bool {
                    if b.entities[e].entity_type != EntityType::Person {
                        return false;
                    }
                    if let Some(c) = &country {
                        return country_of(e).as_deref() == Some(c.as_str());
                    }
                    titles.get(&e).is_some_and(|ts| {
                        ts.iter().any(|t| {
                            t == title
                                || t.rsplit(' ').next() == Some(title.as_str())
                                || (title == "president-elect" && t == "president")
                        })
                    })
                };
                let here = pos(&mentions[i]);
                let best = mentions
                    .iter()
                    .filter(|m| {
                        m.kind == MentionKind::Name
                            && pos(m) < here
                            && m.sentence + 6 > here.0
                            && m.entity.is_some_and(holds)
                    })
                    .max_by_key(|m| pos(m))
                    .and_then(|m| m.entity);
                mentions[i].entity = best;
            }
            Cue::Salient { class } if class != "*" => {
                let head_word = sentences
                    .get(mentions[i].sentence)
                    .and_then(|s| s.parse.tokens.get(mentions[i].head))
                    .map(|t| t.lemma.to_lowercase())
                    .unwrap_or_default();
                // A named thing whose name ends in the head ("the Widget Treaty"): that one.
                let named: Vec<usize> = (0..b.entities.len())
                    .filter(|&e| {
                        b.entities[e].entity_type == mentions[i].entity_type
                            && key(&b.entities[e].label).rsplit(' ').next()
                                == Some(head_word.as_str())
                    })
                    .collect();
                let e = if let [one] = named.as_slice() {
                    *one
                } else if let Some(&e) = b.by_class.get(class) {
                    e
                } else {
                    let label = description_label(&mentions[i].text);
                    let e = b.push(
                        label.clone(),
                        slug(&format!("{doc_id} {label}")),
                        mentions[i].entity_type,
                        None,
                    );
                    b.by_class.insert(class.clone(), e);
                    e
                };
                mentions[i].entity = Some(e);
            }
            _ => {}
        }
    }
    // Generic heads ("the facility") join the one entity of their type.
    for &i in &order {
        if let Cue::Salient { class } = &recognized[i].cue
            && class == "*"
        {
            let ty = mentions[i].entity_type;
            let of_type: BTreeSet<usize> = mentions
                .iter()
                .filter_map(|m| m.entity)
                .filter(|&e| b.entities[e].entity_type == ty)
                .collect();
            if of_type.len() == 1 {
                mentions[i].entity = of_type.into_iter().next();
            }
        }
    }
}

/// "the world's largest widget" → "world's largest widget".
fn description_label(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let skip = usize::from(words.first().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "the" | "a" | "an" | "its" | "his" | "her" | "their" | "this" | "that"
        )
    }));
    words[skip..].join(" ")
}

/// The country the document is about: the one most mentioned by name (ties: the first
/// mentioned).
fn salient_country(mentions: &[Mention], _i: usize, entities: &[Entity]) -> Option<usize> {
    let mut count: BTreeMap<usize, (usize, std::cmp::Reverse<(usize, usize)>)> = BTreeMap::new();
    for m in mentions {
        let Some(e) = m.entity else { continue };
        if m.kind != MentionKind::Name || entities[e].entity_type != EntityType::Country {
            continue;
        }
        let v = count
            .entry(e)
            .or_insert((0, std::cmp::Reverse((usize::MAX, usize::MAX))));
        v.0 += 1;
        v.1 = v.1.max(std::cmp::Reverse(pos(m)));
    }
    count.into_iter().max_by_key(|(_, v)| *v).map(|(e, _)| e)
}

/// The entity a pronoun refers to, or `None`.
fn antecedent(
    recognized: &[Recognized],
    mentions: &[Mention],
    i: usize,
    entities: &[Entity],
    genders: &[Option<char>],
    plural: &[bool],
    sentences: &[SentenceInfo],
) -> Option<usize> {
    let p = &mentions[i];
    let r = &recognized[i];
    let word = p.text.to_lowercase();
    let s = sentences.get(p.sentence)?;
    let tok = s.parse.tokens.get(p.head)?;
    if word == "it" {
        // Expletive "it" ("it is likely that"): not a reference.
        let head = tok.head.checked_sub(1).and_then(|h| s.parse.tokens.get(h));
        if tok.deprel == "expl"
            || head.is_some_and(|h| h.lemma == "be" || h.upos == newsgraph_nlp::Upos::Adj)
        {
            return None;
        }
    }
    let agrees = |e: usize| -> bool {
        let t = entities[e].entity_type;
        if p.entity_type == EntityType::Person {
            t == EntityType::Person && (genders[e].is_none() || genders[e] == r.gender)
        } else if r.plural {
            plural[e]
        } else {
            !plural[e] && !matches!(t, EntityType::Person | EntityType::Other)
        }
    };
    let is_subject = |m: &Mention| {
        sentences
            .get(m.sentence)
            .and_then(|s| s.parse.tokens.get(m.head))
            .is_some_and(|t| t.deprel.starts_with("nsubj"))
    };
    // "Doe thanked him", "Doe visited Roe and called him": an object pronoun is not the
    // subject of its own clause, nor the shared subject of the verb it is coordinated with.
    let clause_heads: Vec<usize> = {
        let mut v = vec![tok.head];
        let verb = tok.head.checked_sub(1).and_then(|h| s.parse.tokens.get(h));
        if let Some(verb) = verb
            && matches!(
                verb.deprel.as_str(),
                "conj" | "xcomp" | "advcl" | "parataxis"
            )
            && !s
                .parse
                .tokens
                .iter()
                .any(|t| t.head == tok.head && t.deprel.starts_with("nsubj"))
            // "X asked Y to visit him": with an object to control it, the infinitive's
            // subject is Y, and "him" may well be X.
            && !(verb.deprel == "xcomp"
                && s.parse
                    .tokens
                    .iter()
                    .any(|t| t.head == verb.head && matches!(t.deprel.as_str(), "obj" | "iobj")))
        {
            v.push(verb.head);
        }
        v
    };
    let own_subject = |m: &Mention| {
        m.sentence == p.sentence
            && matches!(tok.deprel.as_str(), "obj" | "iobj" | "obl")
            && sentences
                .get(m.sentence)
                .and_then(|s| s.parse.tokens.get(m.head))
                .is_some_and(|t| t.deprel.starts_with("nsubj") && clause_heads.contains(&t.head))
    };
    // "Director Jane Doe and his deputy John Roe": the possessive of a conjunct's noun is
    // the conjunct before it.
    if tok.deprel == "nmod:poss"
        && p.entity_type == EntityType::Person
        && let Some(noun) = tok.head.checked_sub(1).and_then(|h| s.parse.tokens.get(h))
        && noun.deprel == "conj"
    {
        let first = noun.head.checked_sub(1);
        let hit = mentions.iter().find(|m| {
            m.sentence == p.sentence
                && m.kind != MentionKind::Pronoun
                && Some(m.head) == first
                && m.entity.is_some_and(agrees)
        });
        if let Some(m) = hit {
            return m.entity;
        }
    }
    // “Doe has done it,” he said: the speaker outside the quotation is not someone it names.
    let outside = !quoted(s, p.head);
    let quoted_here = |m: &Mention| outside && m.sentence == p.sentence && quoted(s, m.head);
    for back in 0..3 {
        let Some(sent) = p.sentence.checked_sub(back) else {
            break;
        };
        // Mentions come sentence by sentence, so one sentence's are a contiguous run: a
        // binary search keeps pronoun resolution linear in the document's length.
        let lo = mentions.partition_point(|m| m.sentence < sent);
        let hi = lo + mentions[lo..].partition_point(|m| m.sentence == sent);
        let cands: Vec<&Mention> = mentions[lo..hi]
            .iter()
            .filter(|m| {
                m.kind != MentionKind::Pronoun
                    && (back > 0 || m.span.end <= p.span.start)
                    && m.entity.is_some_and(agrees)
                    && !own_subject(m)
                    && !quoted_here(m)
            })
            .collect();
        if cands.is_empty() {
            continue;
        }
        // "they" with several groups before it and none the subject: ambiguous, left unlinked.
        if r.plural && p.entity_type != EntityType::Person && !cands.iter().any(|m| is_subject(m)) {
            let distinct: BTreeSet<usize> = cands.iter().filter_map(|m| m.entity).collect();
            if distinct.len() > 1 {
                return None;
            }
        }
        let best = cands
            .iter()
            .filter(|m| is_subject(m))
            .max_by_key(|m| pos(m))
            .or_else(|| cands.iter().max_by_key(|m| pos(m)));
        return best.and_then(|m| m.entity);
    }
    None
}

/// Whether a token is inside quotation marks in its sentence.
fn quoted(s: &SentenceInfo, k: usize) -> bool {
    let mut inside = false;
    for t in s.parse.tokens.iter().take(k) {
        match t.form.as_str() {
            "“" | "``" => inside = true,
            "”" | "''" => inside = false,
            "\"" => inside = !inside,
            _ => {}
        }
    }
    inside
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        Self((0..n).collect())
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    /// Joins two sets; the smaller index becomes the root, so the result does not depend on
    /// the order of the unions.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
}

/// Cross-document linking over a batch. Entity keys are slugs of canonical labels, so an
/// actor named in full gets the same IRI in every document already. This step:
///
/// - gives a person known in a document only by a shorter name (a surname) the key and label
///   of the one full name in the batch it is a variant of; when several people in the batch
///   fit, or none, it stays as it is (different people sharing a surname never merge);
/// - links a leader's government ("the Doe administration") left unlinked in its document to
///   the country a title ties that leader to anywhere in the batch, when exactly one does.
///
/// The result does not depend on the order of `docs`, and running it twice changes nothing.
pub fn link_documents(docs: &mut [AnalyzedDocument]) {
    // Full names of people in the batch, by key.
    let mut full: BTreeMap<String, (String, Vec<String>, Option<String>)> = BTreeMap::new();
    for d in docs.iter() {
        for e in &d.entities {
            if e.entity_type != EntityType::Person {
                continue;
            }
            let (words, suffix) = person_words(&e.label);
            if words.len() >= 2 {
                full.entry(e.key.clone())
                    .or_insert((e.label.clone(), words, suffix));
            }
        }
    }
    // Countries tied to people by titles, by person key.
    let mut ties: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in docs.iter() {
        for m in &d.mentions {
            let (Some(e), MentionKind::Name) = (m.entity, m.kind) else {
                continue;
            };
            if d.entities[e].entity_type != EntityType::Person {
                continue;
            }
            if let Some(s) = d.sentences.get(m.sentence)
                && let Some(c) = title_country(&d.doc.text, s, m.tokens.clone())
            {
                ties.entry(d.entities[e].key.clone()).or_default().insert(c);
            }
        }
    }
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for d in docs.iter() {
        for e in &d.entities {
            if !matches!(e.entity_type, EntityType::Person | EntityType::Other)
                || full.contains_key(&e.key)
            {
                continue;
            }
            let (words, suffix) = person_words(&e.label);
            if words.is_empty() || words.iter().any(|w| !w.chars().any(char::is_alphabetic)) {
                continue;
            }
            let fits: Vec<&String> = full
                .iter()
                .filter(|(_, (_, fw, fs))| *fs == suffix && is_variant(&words, fw))
                .map(|(k, _)| k)
                .collect();
            if let [k] = fits.as_slice() {
                renamed.insert(e.key.clone(), (*k).clone());
            }
        }
    }
    // A renamed short key must not also be someone's full key elsewhere.
    for d in docs.iter_mut() {
        let keys: BTreeSet<String> = d.entities.iter().map(|e| e.key.clone()).collect();
        for e in d.entities.iter_mut() {
            if let Some(k) = renamed.get(&e.key)
                && !keys.contains(k)
                && let Some((label, _, _)) = full.get(k)
            {
                e.key = k.clone();
                e.label = label.clone();
                e.entity_type = EntityType::Person;
            }
        }
    }
    // One type per key over the batch: the most frequent specific type among documents.
    let mut types: BTreeMap<String, BTreeMap<EntityType, usize>> = BTreeMap::new();
    for d in docs.iter() {
        for e in &d.entities {
            if e.entity_type != EntityType::Other {
                *types
                    .entry(e.key.clone())
                    .or_default()
                    .entry(e.entity_type)
                    .or_default() += 1;
            }
        }
    }
    for d in docs.iter_mut() {
        for e in d.entities.iter_mut() {
            if let Some(v) = types.get(&e.key) {
                e.entity_type = pick_type(v.clone());
            }
        }
    }
    // Leaders titled without their country ("President Jane Doe") where the batch ties them
    // to exactly one ("Ruritanian President Jane Doe" elsewhere): the head-of-state fact.
    for d in docs.iter_mut() {
        leaders_by_batch(d, &ties);
    }
    // Leaders' governments.
    for d in docs.iter_mut() {
        let mut links: Vec<(usize, String, usize)> = Vec::new();
        for (i, m) in d.mentions.iter().enumerate() {
            if m.entity.is_some() || m.kind != MentionKind::Description {
                continue;
            }
            let head = d
                .sentences
                .get(m.sentence)
                .and_then(|s| s.parse.tokens.get(m.head))
                .map(|t| t.form.to_lowercase())
                .unwrap_or_default();
            if !matches!(
                head.as_str(),
                "government" | "administration" | "regime" | "authorities"
            ) {
                continue;
            }
            let leader = d.mentions.iter().find(|x| {
                x.sentence == m.sentence
                    && x.kind == MentionKind::Name
                    && x.span.start >= m.span.start
                    && x.span.end <= m.span.end
                    && x.entity
                        .is_some_and(|e| d.entities[e].entity_type == EntityType::Person)
            });
            let Some(leader) = leader.and_then(|x| x.entity) else {
                continue;
            };
            if let Some(countries) = ties.get(&d.entities[leader].key)
                && countries.len() == 1
                && let Some(c) = countries.iter().next()
            {
                links.push((i, c.clone(), leader));
            }
        }
        for (i, c, leader) in links {
            let e = country_in(d, &c);
            d.mentions[i].entity = Some(e);
            let text = d.mentions[i].text.clone();
            *d.entities[e].aliases.entry(text).or_default() += 1;
            government_claims(d, i, leader, e);
        }
    }
}

/// The entity of a country (gazetteer name) in a document, added when the document has none.
fn country_in(d: &mut AnalyzedDocument, c: &str) -> usize {
    let g = gazetteer();
    let (label, wd) = match g.country(c) {
        Some(x) => (x.name.clone(), x.wikidata.clone()),
        None => (c.to_owned(), None),
    };
    let k = slug(&label);
    match d.entities.iter().position(|e| e.key == k) {
        Some(e) => e,
        None => {
            d.entities.push(Entity {
                key: k,
                label,
                entity_type: EntityType::Country,
                aliases: BTreeMap::new(),
                same_as: wd,
            });
            d.entities.len() - 1
        }
    }
}

/// Head-of-state (or government) claims for people titled as leaders in a document without
/// their country, when the batch's titles tie them to exactly one country.
fn leaders_by_batch(d: &mut AnalyzedDocument, ties: &BTreeMap<String, BTreeSet<String>>) {
    let g = gazetteer();
    let mut found: Vec<(usize, String, &'static str, usize, crate::model::Span)> = Vec::new();
    for m in &d.mentions {
        let (Some(e), MentionKind::Name) = (m.entity, m.kind) else {
            continue;
        };
        if d.entities[e].entity_type != EntityType::Person {
            continue;
        }
        let Some(countries) = ties.get(&d.entities[e].key) else {
            continue;
        };
        let [c] = countries.iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        let Some(s) = d.sentences.get(m.sentence) else {
            continue;
        };
        let toks = &s.parse.tokens;
        let start = m.tokens.start;
        if start == 0 || m.tokens.end > toks.len() {
            continue;
        }
        let Some(j) = (start.saturating_sub(4)..start).find(|&j| {
            let w: Vec<&str> = toks[j..start].iter().map(|t| t.form.as_str()).collect();
            g.title_prefix(&w) == Some(w.len())
        }) else {
            continue;
        };
        let title: Vec<&str> = toks[j..start].iter().map(|t| t.form.as_str()).collect();
        let relation = match g.title_category(&title.join(" ")) {
            Some("head_of_state") => "head of state",
            Some("head_of_government") => "head of government",
            _ => continue,
        };
        let former = j > 0 && {
            let b = toks[j - 1].form.to_lowercase();
            matches!(b.as_str(), "former" | "ex" | "then" | "late" | "outgoing")
                || b.starts_with("then-")
                || b.starts_with("ex-")
        };
        if former || title_country(&d.doc.text, s, m.tokens.clone()).is_some() {
            continue;
        }
        let span = crate::model::Span::new(toks[j].span.start, m.span.end);
        found.push((e, c.clone(), relation, m.sentence, span));
    }
    for (person, c, relation, sentence, span) in found {
        let country = country_in(d, &c);
        let relation = crate::ontology::vocabulary().map(relation);
        let object = crate::model::Arg::Entity(country);
        let subject = crate::model::Arg::Entity(person);
        if d.claims
            .iter()
            .any(|x| x.subject == subject && x.object == object && x.relation == relation)
        {
            continue;
        }
        d.claims.push(crate::model::Claim {
            subject,
            relation,
            object,
            polarity: crate::model::Polarity::Asserted,
            confidence: 0.7,
            attribution: None,
            sentence,
            span,
            time: None,
            place: None,
        });
    }
    d.claims
        .sort_by_key(|c| (c.sentence, c.span.start, c.span.end));
}

/// Claims were extracted before the batch linked a leader's government to its country, and
/// read "the Doe administration" as Doe: in that sentence, when the leader is mentioned only
/// inside the government's name, the claims about the leader are about the country.
fn government_claims(d: &mut AnalyzedDocument, gov: usize, leader: usize, country: usize) {
    let g = &d.mentions[gov];
    let (sentence, span) = (g.sentence, g.span);
    let elsewhere = d.mentions.iter().any(|m| {
        m.sentence == sentence
            && m.entity == Some(leader)
            && (m.span.start < span.start || m.span.end > span.end)
    });
    if elsewhere {
        return;
    }
    let swap = |a: &mut crate::model::Arg| {
        if *a == crate::model::Arg::Entity(leader) {
            *a = crate::model::Arg::Entity(country);
        }
    };
    for c in d.claims.iter_mut().filter(|c| c.sentence == sentence) {
        swap(&mut c.subject);
        swap(&mut c.object);
        if c.attribution == Some(leader) {
            c.attribution = Some(country);
        }
    }
    d.claims
        .retain(|c| c.sentence != sentence || c.subject != c.object);
    let mut seen: Vec<(crate::model::Arg, String, crate::model::Arg)> = Vec::new();
    d.claims.retain(|c| {
        if c.sentence != sentence {
            return true;
        }
        let k = (
            c.subject.clone(),
            c.relation.local.clone(),
            c.object.clone(),
        );
        if seen.contains(&k) {
            return false;
        }
        seen.push(k);
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn name_variants() {
        let rows = [
            ("doe", "jane doe", true),
            ("roe", "jane doe-roe", true),
            ("doe-roe", "jane doe-roe", true),
            ("jane doe", "jane q. doe", true),
            ("lopez garcia", "ana lopez garcia", true),
            ("jane", "jane doe", false),
            ("john doe", "jane doe", false),
            ("doe", "jane roe", false),
            ("willian doe", "william doe", true),
            ("j. doe", "jane doe", true),
            ("j. q. doe", "jane quinn doe", true),
            ("k. doe", "jane doe", false),
            ("liam doe", "lian doe", false),
        ];
        for (short, long, expected) in rows {
            assert_eq!(
                is_variant(&words(short), &words(long)),
                expected,
                "{short} / {long}"
            );
        }
    }

    #[test]
    fn acronym_expansions() {
        assert!(expansions("National Widget Board").contains(&"NWB".to_owned()));
        assert!(expansions("Voice of Ruritania").contains(&"VOR".to_owned()));
        assert!(expansions("Road Runners 13").contains(&"RR13".to_owned()));
        assert!(expansions("U.S. Widget Agency").contains(&"WA".to_owned()));
        assert_eq!(acronym_letters("R.R.-13"), "RR13");
        assert!(is_acronym("NWB") && is_acronym("RR-13") && !is_acronym("Nwb"));
    }
}
