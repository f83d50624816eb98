//! Mention detection: parsed sentences in, [`Recognized`] mentions out. Evidence sources, in
//! the order they are consulted:
//!
//! 1. capitalisation: runs of capitalised tokens (sentence-initial ones only when tagged as
//!    proper nouns), joined across name particles (`de`, `la`, `bin`, `van`) and, when the
//!    whole is organisation-shaped, across `of`/`for`/`and`; split where a title or a known
//!    place starts a new name; leading titles stripped and kept as role evidence;
//! 2. the gazetteer (countries, capitals, cities, places, organisations) for names and types;
//! 3. descriptions: government words ("the Ruritanian government", "the Doe administration"),
//!    "the country", roles ("the Ruritanian president", "the historian") and salient heads
//!    ("the prison", "the talks", from `data/lexicon/salient_heads.tsv`);
//! 4. pronouns;
//! 5. optional span hints from another recogniser ([`Hint`], e.g. a statistical tagger),
//!    which add names capitalisation missed and type names it could not type.
//!
//! Types come from the gazetteer, organisation suffixes, group words next to or in apposition
//! with the name, titles, speech verbs and the name's shape. Also the date reader used for
//! article dates and time qualifiers.

use crate::gazetteer::{Gazetteer, gazetteer};
use crate::model::{Date, EntityType, Mention, MentionKind, SentenceInfo, Span, Upos};
use newsgraph_nlp::Token;
use std::ops::Range;

/// What kind of reference a mention makes, beyond its [`MentionKind`]; tells `resolve`
/// which sieve links it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cue {
    /// A name or a pronoun.
    Plain,
    /// "the country", "the nation": the country in `Recognized::country`, else the salient one.
    Country,
    /// "the Doe administration", "Doe's government": the country the person named at `leader`
    /// (the span of that name mention) leads.
    Government {
        /// Span of the leader's name mention.
        leader: Span,
    },
    /// "the president", "the Ruritanian president", "the historian": the person who holds the
    /// role (lower-case title word).
    Role(String),
    /// "the prison", "the talks": descriptions of one class in a document are one thing.
    Salient {
        /// Coreference class (`*` for a generic head).
        class: String,
    },
}

/// A mention with what recognition learned about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recognized {
    /// The mention.
    pub mention: Mention,
    /// Canonical name when the gazetteer knows it (or a description names a country).
    pub canonical: Option<String>,
    /// Wikidata id when the gazetteer knows it.
    pub wikidata: Option<String>,
    /// A title written before the name ("President", "Secretary of State", "historian").
    pub title: Option<String>,
    /// Gender a title or pronoun implies (`m`, `f`).
    pub gender: Option<char>,
    /// A plural pronoun or description.
    pub plural: bool,
    /// The country a title or description ties the mention to ("Ruritania's President Jane
    /// Doe", "the Ruritanian president", "President Jane Doe of Ruritania").
    pub country: Option<String>,
    /// Which sieve resolves it.
    pub cue: Cue,
    /// Span of a name this mention is given as another name of ("Jane Doe, alias “JD”",
    /// "National Widget Board (NWB)").
    pub alias_of: Option<Span>,
    /// Other surface forms worth keeping as aliases ("the Congress in Ruritania").
    pub extra_aliases: Vec<String>,
    /// True when the type rests on evidence (gazetteer, title, suffix, group word, hint)
    /// rather than on the name's shape alone.
    pub typed_by_evidence: bool,
}

/// A name span proposed by another recogniser (token range in the sentence, end exclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct Hint {
    /// Token range.
    pub tokens: Range<usize>,
    /// Type proposed.
    pub entity_type: EntityType,
}

const PRONOUNS: [(&str, EntityType, Option<char>, bool); 17] = [
    ("he", EntityType::Person, Some('m'), false),
    ("him", EntityType::Person, Some('m'), false),
    ("his", EntityType::Person, Some('m'), false),
    ("himself", EntityType::Person, Some('m'), false),
    ("she", EntityType::Person, Some('f'), false),
    ("her", EntityType::Person, Some('f'), false),
    ("hers", EntityType::Person, Some('f'), false),
    ("herself", EntityType::Person, Some('f'), false),
    ("it", EntityType::Other, None, false),
    ("its", EntityType::Other, None, false),
    ("itself", EntityType::Other, None, false),
    ("they", EntityType::Other, None, true),
    ("them", EntityType::Other, None, true),
    ("their", EntityType::Other, None, true),
    ("theirs", EntityType::Other, None, true),
    ("themselves", EntityType::Other, None, true),
    ("themself", EntityType::Other, None, true),
];

/// Lower-case particles inside personal and place names ("Jorge de la Vega", "Ibn Saud").
const PARTICLES: [&str; 24] = [
    "de", "del", "della", "la", "las", "los", "le", "da", "das", "do", "dos", "di", "du", "van",
    "von", "der", "den", "ter", "y", "e", "bin", "ibn", "al", "el",
];

/// Words joining two capitalised runs into one organisation-shaped name.
const CONNECTORS: [&str; 6] = ["of", "for", "and", "&", "on", "against"];

/// Generational suffixes: part of the name, never a surname.
pub const NAME_SUFFIXES: [&str; 7] = ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"];

/// Capitalised words that are never part of a name.
const NOT_NAMES: [&str; 17] = [
    "i",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "dr",
    "dr.",
    "ms.",
    "sir",
    "ok",
];

/// Capitalised words that are not a name on their own, though they may start one
/// ("Democratic Party", "Western Sahara").
const NOT_ALONE: [&str; 14] = [
    "republican",
    "republicans",
    "democrat",
    "democrats",
    "democratic",
    "western",
    "eastern",
    "northern",
    "southern",
    "god",
    "internet",
    "covid",
    "tv",
    "central",
];

/// Stands for "the country the document is about" in [`Recognized::country`].
pub const SALIENT: &str = "*";

/// Nouns that name a country's government: with a demonym, a country or a leader before them
/// they stand for the country (the documented metonymy convention).
const GOVERNMENT_WORDS: [&str; 4] = ["government", "administration", "regime", "authorities"];

/// Prepositions after which a capital names the city itself rather than its country.
const LOCATIVE: [&str; 12] = [
    "in",
    "at",
    "near",
    "outside",
    "around",
    "across",
    "into",
    "inside",
    "throughout",
    "within",
    "via",
    "downtown",
];

/// Verbs whose subject is a speaker, so a single-word name there is a person.
const SPEECH_VERBS: [&str; 16] = [
    "say", "tell", "explain", "add", "conclude", "recall", "believe", "argue", "note", "insist",
    "warn", "write", "post", "ask", "claim", "think",
];

/// Finds the mentions of one sentence.
pub fn recognize(text: &str, s: &SentenceInfo) -> Vec<Recognized> {
    recognize_with(text, s, &[])
}

/// Finds the mentions of one sentence, also using span hints from another recogniser.
pub fn recognize_with(text: &str, s: &SentenceInfo, hints: &[Hint]) -> Vec<Recognized> {
    let g = gazetteer();
    let toks = &s.parse.tokens;
    let mut out: Vec<Recognized> = Vec::new();
    let shouting = is_shouting(toks);
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lower = t.form.to_lowercase();
        if let Some(&(_, ty, gender, plural)) = PRONOUNS.iter().find(|p| p.0 == lower)
            && (t.upos == Upos::Pron || t.upos == Upos::Det || lower.ends_with('s'))
        {
            let mut r = plain(mention(text, s, i..i + 1, i, MentionKind::Pronoun, ty));
            r.gender = gender;
            r.plural = plural;
            out.push(r);
            i += 1;
            continue;
        }
        if shouting || !is_name_token(toks, i) {
            i += 1;
            continue;
        }
        let end = name_run_end(text, s, i, g);
        let mut found = split_run(text, s, i..end, g);
        // "alias “El Jefe”", "(NWB)": another name for the name just before.
        if let Some(first) = found.first_mut() {
            let prev = out
                .iter()
                .rev()
                .find(|r| r.mention.kind == MentionKind::Name)
                .map(|r| r.mention.clone());
            if let Some(p) = prev
                && introduces_alias(toks, p.tokens.end, i)
            {
                first.alias_of = Some(p.span);
            }
        }
        for r in &mut found {
            if r.mention.kind == MentionKind::Name && r.title.is_some() && r.country.is_none() {
                r.country = title_country(text, s, r.mention.tokens.clone());
            }
        }
        out.extend(found);
        i = end.max(i + 1);
    }
    for h in hints {
        if h.tokens.is_empty() || h.tokens.end > toks.len() {
            continue;
        }
        let overlapping: Vec<usize> = (0..out.len())
            .filter(|&k| {
                out[k].mention.kind == MentionKind::Name
                    && out[k].mention.tokens.start < h.tokens.end
                    && h.tokens.start < out[k].mention.tokens.end
            })
            .collect();
        if overlapping.is_empty() {
            let m = mention(
                text,
                s,
                h.tokens.clone(),
                h.tokens.end - 1,
                MentionKind::Name,
                h.entity_type,
            );
            let mut r = plain(m);
            r.typed_by_evidence = true;
            out.push(r);
        } else {
            for k in overlapping {
                if !out[k].typed_by_evidence {
                    out[k].mention.entity_type = h.entity_type;
                    out[k].typed_by_evidence = true;
                }
            }
        }
    }
    if !shouting {
        descriptions(text, s, g, &mut out);
    }
    // Text order; a nested mention sorts before the longer one that starts with it, so a
    // token maps to the innermost mention that starts there.
    out.sort_by_key(|r| (r.mention.span.start, r.mention.span.end));
    out.dedup_by(|a, b| a.mention.span == b.mention.span);
    out
}

fn plain(mention: Mention) -> Recognized {
    Recognized {
        mention,
        canonical: None,
        wikidata: None,
        title: None,
        gender: None,
        plural: false,
        country: None,
        cue: Cue::Plain,
        alias_of: None,
        extra_aliases: Vec::new(),
        typed_by_evidence: false,
    }
}

/// A headline or banner in capitals ("READ MORE FROM THE DAILY PLANET"): no name evidence.
fn is_shouting(toks: &[Token]) -> bool {
    let words: Vec<&Token> = toks
        .iter()
        .filter(|t| t.form.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .collect();
    let caps = words
        .iter()
        .filter(|t| !t.form.chars().any(char::is_lowercase))
        .count();
    words.len() >= 4 && caps * 10 >= words.len() * 7
}

fn starts_upper(form: &str) -> bool {
    form.chars().next().is_some_and(char::is_uppercase)
}

/// True when token `i` can be (part of) a proper name.
fn is_name_token(toks: &[Token], i: usize) -> bool {
    let t = &toks[i];
    if !starts_upper(&t.form) || t.upos == Upos::Punct || t.upos == Upos::Pron {
        return false;
    }
    let lower = t.form.to_lowercase();
    if NOT_NAMES.contains(&lower.as_str()) || month_number(&t.form).is_some_and(|_| lower.len() > 2)
    {
        return false;
    }
    // "NGOs": a plural acronym is a common noun.
    if let Some(body) = t.form.strip_suffix('s')
        && body.len() >= 2
        && !body.chars().any(char::is_lowercase)
    {
        return false;
    }
    // "7,250 XYZ": a unit after a number, not a name.
    if i > 0
        && toks[i - 1].upos == Upos::Num
        && !t.form.chars().any(char::is_lowercase)
        && toks[i - 1].form.chars().any(|c| c.is_ascii_digit())
    {
        return false;
    }
    if known_at(toks, i) {
        return true;
    }
    let initial = i == 0
        || toks[i - 1].upos == Upos::Punct
            && !matches!(toks[i - 1].form.as_str(), "," | ")" | "-" | "–")
            && !(toks[i - 1].form == "." && i >= 2 && toks[i - 2].form.len() <= 2);
    if initial {
        return t.upos == Upos::Propn
            || gazetteer().country(&t.form).is_some()
            || gazetteer().organization(&t.form).is_some()
            || (toks.get(i + 1).is_some_and(|n| {
                starts_upper(&n.form) && n.upos == Upos::Propn && n.upos != Upos::Punct
            }) && t.upos != Upos::Det
                && t.upos != Upos::Adp
                && t.upos != Upos::Sconj
                && t.upos != Upos::Cconj
                && t.upos != Upos::Adv);
    }
    // A capitalised function word inside a run ("El", "La", "The"): only before a name.
    !matches!(t.upos, Upos::Det | Upos::Adp | Upos::Cconj | Upos::Sconj)
        || t.form.chars().filter(|c| c.is_uppercase()).count() >= 2
        || toks
            .get(i + 1)
            .is_some_and(|n| starts_upper(&n.form) && n.upos == Upos::Propn)
}

/// True when a gazetteer name (country, capital, place, organisation) starts at token `i`.
fn known_at(toks: &[Token], i: usize) -> bool {
    let g = gazetteer();
    if toks[i].form.eq_ignore_ascii_case("the") {
        return false;
    }
    (1..=4.min(toks.len() - i)).any(|n| {
        let words: Vec<&str> = toks[i..i + n].iter().map(|t| t.form.as_str()).collect();
        let joined = words.join(" ");
        n > 1
            && toks[i..i + n].iter().all(|t| starts_upper(&t.form))
            && (g.country(&joined).is_some()
                || g.capital(&joined).is_some()
                || g.place(&joined).is_some()
                || g.organization(&joined).is_some())
    })
}

/// End (exclusive) of the capitalised run starting at `start`.
fn name_run_end(text: &str, s: &SentenceInfo, start: usize, g: &Gazetteer) -> usize {
    let toks = &s.parse.tokens;
    let mut end = start + 1;
    loop {
        if end < toks.len() && is_name_token(toks, end) {
            end += 1;
            continue;
        }
        // "RR-13", "Doe-Roe" split by the tokenizer: glue them back.
        if end + 1 < toks.len()
            && matches!(toks[end].form.as_str(), "-" | "–")
            && toks[end - 1].span.end == toks[end].span.start
            && toks[end].span.end == toks[end + 1].span.start
            && (starts_upper(&toks[end + 1].form)
                || toks[end + 1].form.bytes().all(|b| b.is_ascii_digit()))
        {
            end += 2;
            continue;
        }
        // "Road Runners 13": a small number closing a name.
        if end < toks.len()
            && toks[end].form.len() <= 2
            && toks[end].form.bytes().all(|b| b.is_ascii_digit())
            && toks[end - 1].span.end < toks[end].span.start
            && !toks.get(end + 1).is_some_and(|n| {
                month_number(&n.form).is_some() || matches!(n.form.as_str(), "-" | "–" | ":")
            })
            && toks[start..end]
                .iter()
                .all(|t| t.form.chars().any(char::is_lowercase))
            && end - start >= 2
        {
            end += 1;
            continue;
        }
        // Particles: "Jorge de la Vega", "Gran Hotel y Casino".
        let mut p = end;
        while p < toks.len() && PARTICLES.contains(&toks[p].form.as_str()) {
            p += 1;
        }
        if p > end && p < toks.len() && p - end <= 2 && is_name_token(toks, p) {
            end = p + 1;
            continue;
        }
        // Connectors join organisation-shaped names ("Department of Defense").
        if end + 1 < toks.len() && CONNECTORS.contains(&toks[end].form.to_lowercase().as_str()) {
            let mut from = end + 1;
            if toks[from].form == "the" && toks[end].form != "and" && from + 1 < toks.len() {
                from += 1;
            }
            if is_name_token(toks, from) {
                let mut e2 = from + 1;
                while e2 < toks.len() && is_name_token(toks, e2) {
                    e2 += 1;
                }
                let before: Vec<&str> = toks[start..end].iter().map(|t| t.form.as_str()).collect();
                let joined = span_text(text, s, start..e2);
                let pure_title =
                    g.title_prefix(&before) == Some(before.len()) && toks[end].form == "of";
                let org_head = toks[start..e2]
                    .iter()
                    .any(|t| g.org_suffix(&t.form).is_some())
                    && !toks[start..end]
                        .iter()
                        .all(|t| g.country(&t.form).is_some() || g.capital(&t.form).is_some());
                // "Food and Water Agency" joins; "Tax Office and Parliament" does not.
                let before_text = span_text(text, s, start..end);
                let and_ok = toks[end].form != "and" && toks[end].form != "&"
                    || (toks[from..e2]
                        .iter()
                        .any(|t| g.org_suffix(&t.form).is_some())
                        && !toks[start..end]
                            .iter()
                            .any(|t| g.org_suffix(&t.form).is_some())
                        && g.organization(&before_text).is_none()
                        && g.country(&before_text).is_none());
                if g.organization(&joined).is_some()
                    || g.country(&joined).is_some()
                    || g.place(&joined).is_some()
                    || pure_title
                    || (org_head && and_ok)
                {
                    end = e2;
                    continue;
                }
            }
        }
        break;
    }
    end
}

/// Splits a capitalised run into name mentions: titles stripped, a known place or
/// organisation before a person's name made its own mention.
fn split_run(text: &str, s: &SentenceInfo, range: Range<usize>, g: &Gazetteer) -> Vec<Recognized> {
    let toks = &s.parse.tokens;
    let words: Vec<&str> = toks[range.clone()]
        .iter()
        .map(|t| t.form.as_str())
        .collect();
    let mut out = Vec::new();
    let org_shaped = g.org_suffix(words[words.len() - 1]).is_some()
        || g.organization(&span_text(text, s, range.clone())).is_some();
    // A title somewhere in the run: what precedes it qualifies it ("US President Jane Doe").
    for k in 0..words.len() {
        if org_shaped {
            break;
        }
        // "MS" is an acronym here, not the honorific.
        if words[k].chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !words[k].chars().any(char::is_lowercase)
            && !g.is_capital_title(words[k])
        {
            continue;
        }
        let Some(mut n) = g.title_prefix(&words[k..]) else {
            continue;
        };
        // "Director of Prisons Jane Doe": the title runs on to the last two name words.
        while k + n + 3 < words.len() + 1
            && CONNECTORS.contains(&words[k + n])
            && words.len() - (k + n + 1) > 2
        {
            n += 2;
        }
        if k + n >= words.len() {
            // Only a title: a role description if a determiner comes first.
            if k == 0 {
                if let Some(r) = role_description(text, s, range.clone(), g) {
                    out.push(r);
                }
                return out;
            }
            continue;
        }
        let title = words[k..k + n].join(" ");
        let mut country = None;
        if k > 0 {
            let pre = range.start..range.start + k;
            let pre_text = span_text(text, s, pre.clone());
            if let Some(c) = g
                .country(&pre_text)
                .or_else(|| g.country_by_demonym(&pre_text))
            {
                country = Some(c.name.clone());
            }
            if g.country_by_demonym(&pre_text).is_none() {
                out.extend(single_name(text, s, pre, g, None));
            }
        }
        let name = range.start + k + n..range.end;
        if !starts_upper(&toks[name.start].form) {
            return out;
        }
        let mut r = single_name(text, s, name, g, Some(title.clone()));
        if let Some(r) = r.as_mut() {
            r.country = r.country.take().or(country);
            r.gender = g.title_gender(&title);
        }
        out.extend(r);
        return out;
    }
    // A known place or organisation followed by a person's name: two mentions.
    if words.len() >= 3 {
        for p in (1..=words.len() - 2).rev() {
            let pre = span_text(text, s, range.start..range.start + p);
            let known = g.country(&pre).is_some()
                || g.capital(&pre).is_some()
                || g.place(&pre).is_some()
                || g.organization(&pre).is_some();
            let rest = &toks[range.start + p..range.end];
            if known
                && g.organization(&span_text(text, s, range.clone())).is_none()
                && rest
                    .iter()
                    .filter(|t| t.upos != Upos::Punct)
                    .all(|t| t.form.chars().any(char::is_lowercase))
                && !rest.iter().any(|t| g.org_suffix(&t.form).is_some())
            {
                out.extend(single_name(text, s, range.start..range.start + p, g, None));
                out.extend(single_name(text, s, range.start + p..range.end, g, None));
                return out;
            }
        }
    }
    // A lower-case role word just before: "historian Jane Doe", "then-prosecutor Jane Doe".
    let mut title = None;
    let mut country = None;
    if range.start > 0 {
        let prev = &toks[range.start - 1];
        let word = prev.form.rsplit('-').next().unwrap_or("");
        if prev.form.chars().next().is_some_and(char::is_lowercase)
            && g.title_prefix(&[word]).is_some()
        {
            title = Some(word.to_owned());
            if range.start > 1 {
                let d = toks[range.start - 2].form.rsplit('-').next().unwrap_or("");
                country = g.country_by_demonym(d).map(|c| c.name.clone());
            }
        }
    }
    let mut r = single_name(text, s, range, g, title.clone());
    if let Some(r) = r.as_mut() {
        r.country = r.country.take().or(country);
        r.gender = title.as_deref().and_then(|t| g.title_gender(t));
    }
    out.extend(r);
    out
}

/// "the new Secretary of State": a capitalised title alone, with a determiner before it.
fn role_description(
    text: &str,
    s: &SentenceInfo,
    range: Range<usize>,
    g: &Gazetteer,
) -> Option<Recognized> {
    let toks = &s.parse.tokens;
    let start = left_edge(s, range.start);
    if start == range.start {
        return None;
    }
    let det = toks[start].form.to_lowercase();
    if !matches!(det.as_str(), "the" | "his" | "her" | "its" | "their") {
        return None;
    }
    let title = span_text(text, s, range.clone()).to_lowercase();
    let mut r = plain(mention(
        text,
        s,
        start..range.end,
        range.end - 1,
        MentionKind::Description,
        EntityType::Person,
    ));
    r.gender = g.title_gender(&title);
    r.country = qualifier_country(text, s, start..range.start, g);
    r.cue = Cue::Role(title);
    Some(r)
}

/// One name mention over `range`, typed.
fn single_name(
    text: &str,
    s: &SentenceInfo,
    range: Range<usize>,
    g: &Gazetteer,
    title: Option<String>,
) -> Option<Recognized> {
    if range.is_empty() {
        return None;
    }
    let toks = &s.parse.tokens;
    let surface = span_text(text, s, range.clone());
    let head = syntactic_head(s, range.clone());
    let n = range.len();
    if n == 1 && NOT_ALONE.contains(&surface.to_lowercase().as_str()) {
        return None;
    }
    // "Ruritanian", "Ruritanians", "Central American": an adjective or a people, not a name.
    if g.country_by_demonym(&toks[range.end - 1].form).is_some()
        && g.country(&surface).is_none()
        && g.organization(&surface).is_none()
    {
        return None;
    }
    let mut r = plain(mention(
        text,
        s,
        range.clone(),
        head,
        MentionKind::Name,
        EntityType::Other,
    ));
    r.title = title.clone();
    r.country = following_country(text, s, range.end, g);
    if let Some(c) = g.country(&surface) {
        r.mention.entity_type = EntityType::Country;
        r.canonical = Some(c.name.clone());
        r.wikidata = c.wikidata.clone();
        r.typed_by_evidence = true;
        return Some(r);
    }
    if let Some(o) = g.organization(&surface) {
        let qualified = n == 1 && r.country.is_some() && toks[range.end].form == "in";
        if !qualified {
            r.mention.entity_type = o.entity_type;
            r.canonical = Some(o.name.clone());
            r.wikidata = o.wikidata.clone();
            r.typed_by_evidence = true;
            return Some(r);
        }
    }
    if let Some((cap, wd)) = g.capital(&surface) {
        // Metonymy convention: a capital stands for its country's government, except where
        // it is a place ("in Ruriton", "Ruriton is the safest city").
        let country = g.country_of_capital(cap);
        if let Some(c) = country
            && !is_locative(s, range.clone())
            && !range.clone().any(|k| is_copular_subject(s, k))
        {
            r.mention.entity_type = EntityType::Country;
            r.canonical = Some(c.name.clone());
            r.wikidata = c.wikidata.clone();
        } else {
            r.mention.entity_type = EntityType::City;
            r.canonical = Some(cap.clone());
            r.wikidata = wd.clone();
        }
        return Some(r);
    }
    if let Some(p) = g.place(&surface) {
        r.mention.entity_type = p.entity_type;
        r.canonical = Some(p.name.clone());
        r.wikidata = p.wikidata.clone();
        r.typed_by_evidence = true;
        return Some(r);
    }
    let last = toks[range.end - 1].form.as_str();
    let first = toks[range.start].form.as_str();
    let lower_first = first.to_lowercase();
    let all_caps = n == 1
        && last.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !last.chars().any(char::is_lowercase);
    let org_word = toks[range.clone()]
        .iter()
        .rev()
        .find_map(|t| g.org_suffix(&t.form));
    let context = context_group_type(s, range.clone(), g);
    r.typed_by_evidence = title.is_some() || context.is_some() || org_word.is_some();
    r.mention.entity_type = if title.is_some() {
        EntityType::Person
    } else if let Some(t) = context {
        t
    } else if let Some(t) = org_word {
        t
    } else if all_caps
        || matches!(
            lower_first.as_str(),
            "el" | "la" | "los" | "las" | "le" | "les"
        )
    {
        // An acronym, or a name opening with a Romance article ("La Voz"): an organisation.
        EntityType::Organization
    } else if ((2..=5).contains(&n)
        && toks[range.clone()].iter().all(|t| {
            t.upos == Upos::Punct
                || (starts_upper(&t.form) && t.form.chars().any(char::is_lowercase))
                || PARTICLES.contains(&t.form.as_str())
                || (t.form.len() <= 3 && t.form.ends_with('.'))
        }))
        || (n == 1 && is_speaker(s, head))
    {
        EntityType::Person
    } else {
        EntityType::Other
    };
    // "the Grand Plaza hotel", "the Doe gang": the name with its head noun is an alias too.
    if let Some(next) = toks.get(range.end)
        && next.upos == Upos::Noun
        && !GOVERNMENT_WORDS.contains(&next.form.to_lowercase().as_str())
        && g.group_word(&next.form.to_lowercase()).is_some()
    {
        r.extra_aliases.push(format!("{surface} {}", next.form));
    }
    // "the Congress in Ruritania": kept as an alias; a one-word name gets it as its label.
    if let Some(place) = following_place(text, s, range.end, g) {
        let long = format!("{surface} in {place}");
        if n == 1 && g.organization(&surface).is_some() {
            r.canonical = Some(long.clone());
            r.mention.entity_type = g
                .organization(&surface)
                .map_or(EntityType::Organization, |o| o.entity_type);
        }
        if matches!(
            r.mention.entity_type,
            EntityType::Organization | EntityType::GovernmentBody | EntityType::Facility
        ) {
            r.extra_aliases.push(long);
        }
    }
    Some(r)
}

/// The token of `range` whose head lies outside it (the last one if the parse disagrees).
fn syntactic_head(s: &SentenceInfo, range: Range<usize>) -> usize {
    let toks = &s.parse.tokens;
    range
        .clone()
        .find(|&k| toks[k].head == 0 || !range.contains(&(toks[k].head - 1)))
        .unwrap_or(range.end - 1)
}

/// "President Jane Doe of Ruritania": the country after `of`.
fn following_country(text: &str, s: &SentenceInfo, end: usize, g: &Gazetteer) -> Option<String> {
    let toks = &s.parse.tokens;
    let w = toks.get(end)?;
    if w.form != "of" && w.form != "in" {
        return None;
    }
    let run = name_after(s, end + 1)?;
    let name = span_text(text, s, run);
    g.country(&name).map(|c| c.name.clone())
}

/// "in Ruritania" or "in Ruriton" right after a name: the place's name.
fn following_place(text: &str, s: &SentenceInfo, end: usize, g: &Gazetteer) -> Option<String> {
    let toks = &s.parse.tokens;
    if toks.get(end)?.form != "in" {
        return None;
    }
    let run = name_after(s, end + 1)?;
    let name = span_text(text, s, run);
    (g.country(&name).is_some() || g.capital(&name).is_some() || g.place(&name).is_some())
        .then_some(name)
}

/// The capitalised run starting at `from` (after an optional `the`).
fn name_after(s: &SentenceInfo, from: usize) -> Option<Range<usize>> {
    let toks = &s.parse.tokens;
    let mut a = from;
    if toks.get(a)?.form.eq_ignore_ascii_case("the") {
        a += 1;
    }
    let mut b = a;
    while b < toks.len() && starts_upper(&toks[b].form) && toks[b].upos != Upos::Punct {
        b += 1;
    }
    (b > a).then_some(a..b)
}

fn is_locative(s: &SentenceInfo, range: Range<usize>) -> bool {
    let toks = &s.parse.tokens;
    range.clone().any(|k| {
        s.parse.children(k + 1).any(|c| {
            toks[c].deprel == "case" && LOCATIVE.contains(&toks[c].form.to_lowercase().as_str())
        })
    }) || range
        .start
        .checked_sub(1)
        .is_some_and(|p| LOCATIVE.contains(&toks[p].form.to_lowercase().as_str()))
}

fn is_copular_subject(s: &SentenceInfo, head: usize) -> bool {
    let toks = &s.parse.tokens;
    let t = &toks[head];
    if !t.deprel.starts_with("nsubj") || t.head == 0 {
        return false;
    }
    let parent = t.head - 1;
    toks[parent].lemma == "be"
        || s.parse
            .children(parent + 1)
            .any(|c| toks[c].deprel == "cop")
}

/// True when the token is the subject of a speech verb ("Doe said", "said Doe").
fn is_speaker(s: &SentenceInfo, head: usize) -> bool {
    let toks = &s.parse.tokens;
    let t = &toks[head];
    t.deprel.starts_with("nsubj")
        && t.head > 0
        && SPEECH_VERBS.contains(&toks[t.head - 1].lemma.to_lowercase().as_str())
}

/// A group word next to the name ("the Doe gang"), after it in apposition ("Doe, a gang")
/// or as its copular predicate ("Doe is a criminal group").
fn context_group_type(s: &SentenceInfo, range: Range<usize>, g: &Gazetteer) -> Option<EntityType> {
    let toks = &s.parse.tokens;
    let word_at = |i: usize| -> Option<EntityType> {
        let t = toks.get(i)?;
        let lemma = t.lemma.to_lowercase();
        // "the Doe administration" is a description of a country, not a type for "Doe".
        if GOVERNMENT_WORDS.contains(&lemma.as_str()) {
            return None;
        }
        if i > 0 {
            let two = format!("{} {}", toks[i - 1].form.to_lowercase(), lemma);
            if let Some(ty) = g.group_word(&two) {
                return Some(ty);
            }
        }
        g.group_word(&lemma)
            .or_else(|| g.group_word(&t.form.to_lowercase()))
            .filter(|_| t.upos == Upos::Noun)
    };
    if let Some(ty) = word_at(range.end) {
        return Some(ty);
    }
    let head = syntactic_head(s, range.clone());
    for c in s.parse.children(head + 1) {
        if toks[c].deprel == "appos"
            && let Some(ty) = word_at(c)
        {
            return Some(ty);
        }
    }
    let t = &toks[head];
    if t.deprel.starts_with("nsubj") && t.head > 0 {
        let p = t.head - 1;
        if s.parse.children(p + 1).any(|c| toks[c].deprel == "cop") {
            return word_at(p);
        }
    }
    if t.deprel == "appos"
        && t.head > 0
        && toks[t.head - 1].form.to_lowercase() == toks[t.head - 1].lemma
    {
        return word_at(t.head - 1);
    }
    None
}

/// True when the tokens between a name ending at `prev_end` and one starting at `start` say
/// the second is another name for the first: "(", "alias", "aka", "known as", quotes.
fn introduces_alias(toks: &[Token], prev_end: usize, start: usize) -> bool {
    if prev_end > start {
        return false;
    }
    let between: Vec<String> = toks[prev_end..start]
        .iter()
        .map(|t| t.form.to_lowercase())
        .collect();
    let words: Vec<&str> = between
        .iter()
        .map(String::as_str)
        .filter(|w| !matches!(*w, "," | "“" | "\"" | "‘" | "'" | "”"))
        .collect();
    matches!(
        words.as_slice(),
        ["("] | ["alias"] | ["aka"] | ["a.k.a."] | ["known", "as"] | ["also", "known", "as"]
    )
}

/// Descriptions: government words, "the country", roles and salient heads.
fn descriptions(text: &str, s: &SentenceInfo, g: &Gazetteer, out: &mut Vec<Recognized>) {
    let toks = &s.parse.tokens;
    let covered = |i: usize, out: &[Recognized]| {
        out.iter()
            .any(|r| r.mention.kind != MentionKind::Pronoun && r.mention.tokens.contains(&i))
    };
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lower = t.form.to_lowercase();
        if covered(i, out) || !matches!(t.upos, Upos::Noun | Upos::Propn | Upos::Adj) {
            i += 1;
            continue;
        }
        if GOVERNMENT_WORDS.contains(&lower.as_str()) {
            if let Some(r) = government(text, s, i, g, out) {
                out.push(r);
            }
            i += 1;
            continue;
        }
        if matches!(lower.as_str(), "country" | "nation") && t.upos == Upos::Noun {
            if let Some(r) = country_description(text, s, i, g, out) {
                out.push(r);
            }
            i += 1;
            continue;
        }
        let rest: Vec<String> = toks[i..]
            .iter()
            .take(4)
            .map(|t| t.form.to_lowercase())
            .collect();
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        if let Some((h, n)) = g.salient_head(&rest)
            && t.upos == Upos::Noun
            && t.deprel != "compound"
        {
            let start = left_edge(s, i);
            if start < i || h.head.ends_with('s') || n > 1 || lower.contains('-') {
                let mut r = plain(mention(
                    text,
                    s,
                    start..i + n,
                    i,
                    MentionKind::Description,
                    h.entity_type,
                ));
                r.plural = h.head.ends_with('s') && !h.head.ends_with("ss");
                // "a letter dated April 1": the dated form is an alias too.
                if toks.get(i + n).is_some_and(|d| d.form == "dated") {
                    let mut e = i + n + 1;
                    while e < toks.len()
                        && (toks[e].upos == Upos::Num
                            || month_number(&toks[e].form).is_some()
                            || toks[e].form == ",")
                    {
                        e += 1;
                    }
                    while e > i + n + 1 && toks[e - 1].form == "," {
                        e -= 1;
                    }
                    if e > i + n + 1 {
                        r.extra_aliases.push(span_text(text, s, start..e));
                    }
                }
                r.cue = Cue::Salient {
                    class: h.class.clone(),
                };
                out.push(r);
            }
            i += n;
            continue;
        }
        if t.upos == Upos::Noun
            && !lower.ends_with('s')
            && (g.title_prefix(&[lower.as_str()]).is_some()
                || matches!(lower.as_str(), "counterpart" | "president-elect"))
            && !toks.get(i + 1).is_some_and(|n| starts_upper(&n.form))
            && t.deprel != "compound"
        {
            let start = left_edge(s, i);
            let det = toks[start].form.to_lowercase();
            if start < i
                && !matches!(
                    det.as_str(),
                    "a" | "an"
                        | "another"
                        | "every"
                        | "each"
                        | "this"
                        | "that"
                        | "these"
                        | "those"
                        | "any"
                        | "no"
                        | "one"
                )
            {
                let mut r = plain(mention(
                    text,
                    s,
                    start..i + 1,
                    i,
                    MentionKind::Description,
                    EntityType::Person,
                ));
                r.gender = g.title_gender(&lower);
                r.country = qualifier_country(text, s, start..i, g);
                r.cue = Cue::Role(lower.clone());
                out.push(r);
            }
        }
        i += 1;
    }
}

/// Leftmost token of the noun phrase headed by `head`: its determiners, adjectives,
/// compounds, possessors and numbers, with everything under them.
fn left_edge(s: &SentenceInfo, head: usize) -> usize {
    let toks = &s.parse.tokens;
    let mut start = head;
    let mut stack = vec![head];
    while let Some(h) = stack.pop() {
        for c in s.parse.children(h + 1) {
            let ok = c < head
                && (h != head
                    || matches!(
                        toks[c].deprel.as_str(),
                        "det" | "det:poss" | "amod" | "compound" | "nmod:poss" | "nummod" | "flat"
                    ));
            if ok {
                start = start.min(c);
                stack.push(c);
            }
        }
    }
    while start < head && matches!(toks[start].upos, Upos::Punct | Upos::Adp) {
        start += 1;
    }
    // Keep the phrase contiguous: stop after the last token not under the head.
    for k in (start..head).rev() {
        let mut a = k;
        let mut steps = 0;
        while a != head && toks[a].head > 0 && steps < 64 {
            a = toks[a].head - 1;
            steps += 1;
        }
        if a != head {
            return k + 1;
        }
    }
    start
}

/// The country named by a demonym, a country name or "the country's" before a head.
fn qualifier_country(
    text: &str,
    s: &SentenceInfo,
    range: Range<usize>,
    g: &Gazetteer,
) -> Option<String> {
    let toks = &s.parse.tokens;
    for k in range.clone() {
        if matches!(toks[k].form.to_lowercase().as_str(), "country" | "nation") {
            return Some(SALIENT.to_owned());
        }
        // "Central American", "Latin American": a region, not a country's people.
        if k > range.start && starts_upper(&toks[k - 1].form) && toks[k - 1].upos != Upos::Det {
            continue;
        }
        let f = toks[k].form.rsplit('-').next().unwrap_or("");
        if let Some(c) = g.country_by_demonym(f) {
            return Some(c.name.clone());
        }
    }
    // A country name (possibly several words) ending before `'s`.
    for a in range.clone() {
        for b in (a + 1..=range.end).rev() {
            if let Some(c) = g.country(&span_text(text, s, a..b)) {
                return Some(c.name.clone());
            }
        }
    }
    None
}

/// "the Ruritanian government", "the government of Ruritania", "the Doe administration".
fn government(
    text: &str,
    s: &SentenceInfo,
    i: usize,
    g: &Gazetteer,
    out: &[Recognized],
) -> Option<Recognized> {
    let toks = &s.parse.tokens;
    if toks[i].form.to_lowercase().ends_with('s') && toks[i].form != "authorities" {
        return None;
    }
    let start = left_edge(s, i);
    let mut end = i + 1;
    let mut country = qualifier_country(text, s, start..i, g);
    // "the government of Ruritania"
    if country.is_none()
        && toks.get(i + 1).is_some_and(|t| t.form == "of")
        && let Some(run) = name_after(s, i + 2)
        && let Some(c) = g.country(&span_text(text, s, run.clone()))
    {
        country = Some(c.name.clone());
        end = run.end;
    }
    if let Some(c) = country {
        let mut r = plain(mention(
            text,
            s,
            start..end,
            i,
            MentionKind::Description,
            EntityType::Country,
        ));
        r.cue = Cue::Country;
        if c == SALIENT {
            return Some(r);
        }
        r.canonical = Some(c.clone());
        r.wikidata = g.country(&c).and_then(|c| c.wikidata.clone());
        r.country = Some(c);
        r.cue = Cue::Country;
        return Some(r);
    }
    // "the Doe administration", "Doe's government": a person's name inside.
    let leader = out.iter().find(|r| {
        r.mention.kind == MentionKind::Name
            && r.mention.tokens.start >= start
            && r.mention.tokens.end <= i
            && r.mention.entity_type != EntityType::Country
            && r.mention.entity_type != EntityType::Organization
    })?;
    let mut r = plain(mention(
        text,
        s,
        start..end,
        i,
        MentionKind::Description,
        EntityType::Country,
    ));
    r.cue = Cue::Government {
        leader: leader.mention.span,
    };
    Some(r)
}

/// "the country", "the Central American nation", "the Ruritanian nation".
fn country_description(
    text: &str,
    s: &SentenceInfo,
    i: usize,
    g: &Gazetteer,
    _out: &[Recognized],
) -> Option<Recognized> {
    let toks = &s.parse.tokens;
    let start = left_edge(s, i);
    if start == i || !toks[start].form.eq_ignore_ascii_case("the") {
        return None;
    }
    // Only a determiner and capitalised modifiers ("the Central American nation").
    if toks[start + 1..i].iter().any(|t| !starts_upper(&t.form)) {
        return None;
    }
    // A copular predicate or a noun with a restrictive modifier ("the country with the most
    // applications", "a country that receives") is not a reference to one known country.
    if s.parse.children(i + 1).any(|c| {
        matches!(
            toks[c].deprel.as_str(),
            "cop" | "nmod" | "acl" | "acl:relcl"
        ) && (toks[c].deprel == "cop" || c > i)
    }) {
        return None;
    }
    let mut r = plain(mention(
        text,
        s,
        start..i + 1,
        i,
        MentionKind::Description,
        EntityType::Country,
    ));
    r.country = qualifier_country(text, s, start..i, g).filter(|c| c != SALIENT);
    if let Some(c) = &r.country {
        r.canonical = Some(c.clone());
        r.wikidata = g.country(c).and_then(|c| c.wikidata.clone());
    }
    r.cue = Cue::Country;
    Some(r)
}

/// The country a title before a person's name ties them to: "Ruritania's President",
/// "Ruritanian President", "US President" before, or "of Ruritania" after the name.
pub fn title_country(text: &str, s: &SentenceInfo, tokens: Range<usize>) -> Option<String> {
    let g = gazetteer();
    let toks = &s.parse.tokens;
    if tokens.start == 0 || tokens.end > toks.len() {
        return None;
    }
    if let Some(c) = following_country(text, s, tokens.end, g) {
        return Some(c);
    }
    // The longest title ending right before the name, then the capitalised words before it.
    let j = (tokens.start.saturating_sub(4)..tokens.start).find(|&j| {
        let w: Vec<&str> = toks[j..tokens.start]
            .iter()
            .map(|t| t.form.as_str())
            .collect();
        g.title_prefix(&w) == Some(w.len())
    })?;
    let mut q = j;
    if q > 0 && matches!(toks[q - 1].form.as_str(), "'s" | "’s") {
        q -= 1;
    }
    let mut from = q;
    while from > 0 && q - from < 3 && starts_upper(&toks[from - 1].form) {
        from -= 1;
    }
    (from < q)
        .then(|| qualifier_country(text, s, from..q, g))?
        .filter(|c| c != SALIENT)
}

fn span_text(text: &str, s: &SentenceInfo, r: Range<usize>) -> String {
    let toks = &s.parse.tokens;
    Span::new(toks[r.start].span.start, toks[r.end - 1].span.end)
        .slice(text)
        .to_owned()
}

fn mention(
    text: &str,
    s: &SentenceInfo,
    r: Range<usize>,
    head: usize,
    kind: MentionKind,
    ty: EntityType,
) -> Mention {
    let toks = &s.parse.tokens;
    let span = Span::new(toks[r.start].span.start, toks[r.end - 1].span.end);
    Mention {
        span,
        sentence: s.index,
        tokens: r,
        head,
        text: crate::store::one_line(span.slice(text)),
        kind,
        entity_type: ty,
        entity: None,
    }
}
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month number of an English month name or its abbreviation (`Feb.`, `Sept`).
pub fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() >= 3 && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u8 + 1)
}

/// Reads a date at the start of `s`: `2025-04-03`, `April 14, 2025`, `14 April 2025`,
/// `April 2025`, `April 14` (year unknown: `None`), or a bare year `2019`.
pub fn parse_date_prefix(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = s.get(from..from + n)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let (y, m, d) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
        if (1..=12).contains(&m) && (1..=31).contains(&d) {
            return Some(Date {
                year: y as i32,
                month: Some(m as u8),
                day: Some(d as u8),
            });
        }
    }
    let words: Vec<&str> = s.split_whitespace().take(4).collect();
    let num = |w: &str| -> Option<u32> {
        let w = w.trim_end_matches([',', '.']);
        let w = w
            .trim_end_matches("st")
            .trim_end_matches("nd")
            .trim_end_matches("rd")
            .trim_end_matches("th");
        (!w.is_empty() && w.len() <= 4 && w.bytes().all(|c| c.is_ascii_digit()))
            .then(|| w.parse().ok())?
    };
    let year = |w: &str| {
        num(w).filter(|y| (1000..=2999).contains(y) && w.trim_end_matches([',', '.']).len() == 4)
    };
    let first = *words.first()?;
    if let Some(m) = month_number(first) {
        if let Some(d) = words
            .get(1)
            .and_then(|w| num(w))
            .filter(|d| (1..=31).contains(d))
        {
            let y = words.get(2).and_then(|w| year(w))?;
            return Some(Date {
                year: y as i32,
                month: Some(m),
                day: Some(d as u8),
            });
        }
        let y = words.get(1).and_then(|w| year(w))?;
        return Some(Date {
            year: y as i32,
            month: Some(m),
            day: None,
        });
    }
    if let Some(d) = num(first).filter(|d| (1..=31).contains(d))
        && let Some(m) = words.get(1).and_then(|w| month_number(w))
    {
        let y = words.get(2).and_then(|w| year(w))?;
        return Some(Date {
            year: y as i32,
            month: Some(m),
            day: Some(d as u8),
        });
    }
    let y = year(first)?;
    Some(Date {
        year: y as i32,
        month: None,
        day: None,
    })
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Days since 1970-01-01 of a full date (proleptic Gregorian).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date {
        year: y as i32,
        month: Some(m),
        day: Some(d),
    }
}

/// Reads a date at the start of `s` like [`parse_date_prefix`], completing it from the
/// article's date when the text leaves something out: "April 14" takes the article's year
/// (the year before when that would put it more than six months after the article), a
/// weekday ("Tuesday", "Monday, February 3") is the latest such day on or before the
/// article date unless a month and day follow, and a span of years ("2017-2021") gives its
/// first year.
pub fn resolve_date(s: &str, article: Option<Date>) -> Option<Date> {
    let s = s.trim();
    let first = s.split_whitespace().next()?;
    let word = first.trim_end_matches([',', '.']).to_lowercase();
    if let Some(wd) = WEEKDAYS.iter().position(|w| *w == word) {
        let rest = s[first.len()..].trim_start();
        if !rest.is_empty()
            && let Some(d) = resolve_date(rest, article)
            && d.day.is_some()
        {
            return Some(d);
        }
        let a = article?;
        let (m, d) = (a.month?, a.day?);
        let today = days_from_civil(a.year, m, d);
        // 1970-01-01 was a Thursday (index 3).
        let today_wd = (today + 3).rem_euclid(7);
        let back = (today_wd - wd as i64).rem_euclid(7);
        return Some(civil_from_days(today - back));
    }
    // "2017-2021", "2017–21": the first year.
    if first.len() >= 9
        && first.is_char_boundary(4)
        && first[..4].bytes().all(|b| b.is_ascii_digit())
        && matches!(first[4..].chars().next(), Some('-' | '–'))
    {
        return parse_date_prefix(&first[..4]);
    }
    if let Some(d) = parse_date_prefix(s) {
        return Some(d);
    }
    // A month and day without a year.
    let mut words = s.split_whitespace();
    let (w1, w2) = (words.next()?, words.next()?);
    let day = |w: &str| -> Option<u8> {
        let w = w.trim_end_matches([',', '.']);
        let w = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        w.parse::<u8>().ok().filter(|d| (1..=31).contains(d))
    };
    let (m, d) = match (month_number(w1), day(w2)) {
        (Some(m), Some(d)) => (m, d),
        _ => (month_number(w2)?, day(w1)?),
    };
    let a = article?;
    let mut year = a.year;
    if let Some(am) = a.month
        && i32::from(m) - i32::from(am) > 6
    {
        year -= 1;
    }
    Some(Date {
        year,
        month: Some(m),
        day: Some(d),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_dates_against_the_article() {
        let article = Some(Date {
            year: 2025,
            month: Some(4),
            day: Some(3),
        });
        let rows = [
            ("April 14", Some("2025-04-14")),
            ("14 April", Some("2025-04-14")),
            ("December 12", Some("2024-12-12")),
            ("Monday, February 3", Some("2025-02-03")),
            ("Tuesday", Some("2025-04-01")),
            ("Thursday", Some("2025-04-03")),
            ("2017-2021", Some("2017")),
            ("September 2019", Some("2019-09")),
            ("the day", None),
        ];
        for (s, expected) in rows {
            assert_eq!(
                resolve_date(s, article).map(|d| d.to_string()).as_deref(),
                expected,
                "{s}"
            );
        }
        assert_eq!(resolve_date("April 14", None), None);
    }

    #[test]
    fn reads_dates() {
        let rows = [
            ("2025-04-03 rest", Some("2025-04-03")),
            ("April 14, 2025", Some("2025-04-14")),
            ("14 April 2025", Some("2025-04-14")),
            ("Sept. 2019", Some("2019-09")),
            ("2019", Some("2019")),
            ("April 14", None),
            ("Mayor", None),
            ("99 bottles", None),
        ];
        for (s, expected) in rows {
            assert_eq!(
                parse_date_prefix(s).map(|d| d.to_string()).as_deref(),
                expected,
                "{s}"
            );
        }
    }
}
