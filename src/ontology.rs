//! The vocabulary: IRIs for documents, entities and claims, the ontology files shipped in
//! `ontology/`, and the mapping from a relation phrase to a core or open relation property.
//!
//! Architecture invariant: this module knows words and IRIs, not RDF storage; it reads its own
//! Turtle files with oxigraph's parser and nothing else of oxigraph.

use crate::model::{EntityType, Relation};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Term, vocab::rdf};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

/// Namespace of the newsgraph ontology (classes, properties, core relations).
pub const NS: &str = "https://w3id.org/newsgraph/ns#";
/// Namespace of entity IRIs: one per real-world actor, shared by every document.
pub const ENTITY_NS: &str = "https://w3id.org/newsgraph/entity/";
/// Namespace of document IRIs (also the names of the documents' graphs).
pub const DOC_NS: &str = "https://w3id.org/newsgraph/doc/";
/// Namespace of open relations minted from relation phrases outside the core vocabulary.
pub const REL_NS: &str = "https://w3id.org/newsgraph/rel/";
/// Graph holding the ontology itself.
pub const ONTOLOGY_GRAPH: &str = "https://w3id.org/newsgraph/graph/ontology";
/// Graph holding the ingest log (ingest times), kept apart so that exports stay deterministic.
pub const INGEST_GRAPH: &str = "https://w3id.org/newsgraph/graph/ingest";
/// Wikidata entity namespace, for `owl:sameAs`.
pub const WIKIDATA_NS: &str = "http://www.wikidata.org/entity/";

/// The core ontology: classes, provenance vocabulary.
pub const CORE_TTL: &str = include_str!("../ontology/newsgraph.ttl");
/// The core relation vocabulary with triggers and CAMEO codes.
pub const RELATIONS_TTL: &str = include_str!("../ontology/relations.ttl");

/// Prefixes used when writing Turtle, TriG and query results.
pub const PREFIXES: [(&str, &str); 11] = [
    ("ng", NS),
    ("nge", ENTITY_NS),
    ("ngd", DOC_NS),
    ("ngr", REL_NS),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("wd", WIKIDATA_NS),
];

/// The SPARQL `PREFIX` lines for [`PREFIXES`].
pub fn sparql_prefixes() -> String {
    PREFIXES
        .iter()
        .map(|(p, iri)| format!("PREFIX {p}: <{iri}>\n"))
        .collect()
}

/// `ng:` + local name.
pub fn ng(local: &str) -> String {
    format!("{NS}{local}")
}

/// IRI of a document (and of its graph).
pub fn doc_iri(doc_id: &str) -> String {
    format!("{DOC_NS}{}", iri_segment(doc_id))
}

/// IRI of an entity from its key.
pub fn entity_iri(key: &str) -> String {
    format!("{ENTITY_NS}{key}")
}

/// IRI of the ontology class of a type.
pub fn class_iri(t: EntityType) -> String {
    ng(t.class_name())
}

/// IRI of a relation: `ng:` for core relations, `ngr:` for open ones.
pub fn relation_iri(r: &Relation) -> String {
    if r.core {
        ng(&r.local)
    } else {
        format!("{REL_NS}{}", r.local)
    }
}

/// Percent-encodes what may not appear in an IRI path segment.
pub fn iri_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A lower-case ASCII slug for entity keys: `Jane Q. Public` → `jane-q-public`. Letters
/// outside ASCII are folded where a plain counterpart exists (é → e), else kept encoded.
pub fn slug(label: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in label.chars() {
        let folded = fold_char(c);
        for f in folded.chars() {
            if f.is_ascii_alphanumeric() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(f.to_ascii_lowercase());
            } else if f.is_alphanumeric() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                let mut buf = [0u8; 4];
                out.push_str(&iri_segment(f.encode_utf8(&mut buf)));
            } else if f != '\'' && f != '’' && f != '.' {
                dash = true;
            }
        }
    }
    if out.is_empty() {
        "unnamed".to_owned()
    } else {
        out
    }
}

fn fold_char(c: char) -> String {
    let s = match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => "a",
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' => "A",
        'é' | 'è' | 'ê' | 'ë' | 'ē' => "e",
        'É' | 'È' | 'Ê' | 'Ë' | 'Ē' => "E",
        'í' | 'ì' | 'î' | 'ï' | 'ī' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => "I",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' | 'Ō' => "O",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' => "U",
        'ñ' => "n",
        'Ñ' => "N",
        'ç' => "c",
        'Ç' => "C",
        'ß' => "ss",
        _ => return c.to_string(),
    };
    s.to_owned()
}

/// A relation of the core vocabulary, as declared in `ontology/relations.ttl`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoreRelation {
    /// Local name (`invite`).
    pub local: String,
    /// Label in words (`invite`).
    pub label: String,
    /// Single-lemma triggers (`invite`, `invitation`).
    pub lemmas: Vec<String>,
    /// Multi-word lemma triggers (`extend invitation to`).
    pub phrases: Vec<String>,
    /// CAMEO event code, when one fits.
    pub cameo: Option<String>,
    /// Declared `owl:SymmetricProperty`.
    pub symmetric: bool,
}

/// The core relations with lookup tables from triggers.
#[derive(Debug, Default)]
pub struct Vocabulary {
    relations: Vec<CoreRelation>,
    by_lemma: HashMap<String, usize>,
    by_phrase: HashMap<String, usize>,
    declared: BTreeSet<String>,
}

static VOCABULARY: LazyLock<Vocabulary> =
    LazyLock::new(|| Vocabulary::from_turtle(&[CORE_TTL, RELATIONS_TTL]));

/// The shipped vocabulary, parsed once.
pub fn vocabulary() -> &'static Vocabulary {
    &VOCABULARY
}

const PREPOSITIONS: [&str; 16] = [
    "to", "with", "on", "in", "for", "from", "of", "at", "by", "against", "into", "about", "over",
    "as", "under", "between",
];

impl Vocabulary {
    /// Reads relations and declared IRIs from Turtle documents. Malformed Turtle is a bug in
    /// the shipped files: the parse stops there and what was read so far is kept (a test
    /// checks the shipped files parse completely).
    pub fn from_turtle(docs: &[&str]) -> Self {
        let mut v = Vocabulary::default();
        let mut props: BTreeMap<String, CoreRelation> = BTreeMap::new();
        let is_relation = ng("Relation");
        let mut relation_subjects = BTreeSet::new();
        for doc in docs {
            for triple in RdfParser::from_format(RdfFormat::Turtle).for_slice(doc.as_bytes()) {
                let Ok(q) = triple else { break };
                let s = q.subject.to_string();
                let s = s.trim_start_matches('<').trim_end_matches('>').to_owned();
                v.declared.insert(s.clone());
                let p = q.predicate.as_str();
                let text = match &q.object {
                    Term::Literal(l) => Some(l.value().to_owned()),
                    _ => None,
                };
                let obj_iri = match &q.object {
                    Term::NamedNode(n) => Some(n.as_str().to_owned()),
                    _ => None,
                };
                let Some(local) = s.strip_prefix(NS) else {
                    continue;
                };
                if p == rdf::TYPE.as_str() && obj_iri.as_deref() == Some(is_relation.as_str()) {
                    relation_subjects.insert(local.to_owned());
                }
                let entry = props
                    .entry(local.to_owned())
                    .or_insert_with(|| CoreRelation {
                        local: local.to_owned(),
                        ..CoreRelation::default()
                    });
                match (p.strip_prefix(NS), text) {
                    (Some("lemmaTrigger"), Some(t)) => entry.lemmas.push(t.to_lowercase()),
                    (Some("phraseTrigger"), Some(t)) => entry.phrases.push(normalize_phrase(&t)),
                    (Some("cameoCode"), Some(t)) => entry.cameo = Some(t),
                    _ if p == "http://www.w3.org/2000/01/rdf-schema#label" => {
                        if let Term::Literal(l) = &q.object
                            && l.language().is_none_or(|t| t == "en")
                        {
                            entry.label = l.value().to_owned();
                        }
                    }
                    _ if p == rdf::TYPE.as_str()
                        && obj_iri.as_deref()
                            == Some("http://www.w3.org/2002/07/owl#SymmetricProperty") =>
                    {
                        entry.symmetric = true;
                    }
                    _ => {}
                }
            }
        }
        for (local, mut rel) in props {
            if !relation_subjects.contains(&local) {
                continue;
            }
            if rel.label.is_empty() {
                rel.label = split_camel(&local);
            }
            rel.lemmas.sort();
            rel.phrases.sort();
            let i = v.relations.len();
            for l in &rel.lemmas {
                v.by_lemma.entry(l.clone()).or_insert(i);
            }
            for ph in &rel.phrases {
                v.by_phrase.entry(ph.clone()).or_insert(i);
            }
            v.by_phrase.entry(rel.label.clone()).or_insert(i);
            v.relations.push(rel);
        }
        v
    }

    /// The core relations, sorted by local name.
    pub fn relations(&self) -> &[CoreRelation] {
        &self.relations
    }

    /// The core relation with this local name.
    pub fn get(&self, local: &str) -> Option<&CoreRelation> {
        self.relations.iter().find(|r| r.local == local)
    }

    /// True when the IRI is declared (as a subject) in the shipped ontology files.
    pub fn declares(&self, iri: &str) -> bool {
        self.declared.contains(iri)
    }

    /// True when a phrase trigger is this verb-noun pair, alone or with a preposition
    /// ("join force" for "join force with").
    pub fn has_phrase_start(&self, start: &str) -> bool {
        let start = normalize_phrase(start);
        let with_space = format!("{start} ");
        self.by_phrase
            .keys()
            .any(|p| *p == start || p.starts_with(&with_space))
    }

    /// Maps a lemmatised relation phrase (`extend invitation to`, `meet with`, `take in`) to a
    /// relation: a core relation when a phrase or lemma trigger matches, else an open relation
    /// minted from the phrase.
    pub fn map(&self, phrase: &str) -> Relation {
        let phrase = normalize_phrase(phrase);
        if let Some(r) = self.lookup(&phrase) {
            return r;
        }
        Relation {
            local: camel(&phrase),
            label: phrase,
            core: false,
        }
    }

    fn lookup(&self, phrase: &str) -> Option<Relation> {
        let core = |i: usize| {
            let r = &self.relations[i];
            Relation {
                label: r.label.clone(),
                local: r.local.clone(),
                core: true,
            }
        };
        if let Some(&i) = self.by_phrase.get(phrase) {
            return Some(core(i));
        }
        let words: Vec<&str> = phrase.split(' ').collect();
        // A verb plus a trailing preposition ("meet with", "rely on") maps like the verb.
        let content: Vec<&str> = match words.split_last() {
            Some((last, rest)) if !rest.is_empty() && PREPOSITIONS.contains(last) => rest.to_vec(),
            _ => words.clone(),
        };
        let joined = content.join(" ");
        if let Some(&i) = self.by_phrase.get(&joined) {
            return Some(core(i));
        }
        if content.len() == 1
            && let Some(&i) = self.by_lemma.get(content[0])
        {
            return Some(core(i));
        }
        // A light verb with its nominal ("hold talk", "give support"): the noun decides.
        if content.len() == 2
            && LIGHT_VERBS.contains(&content[0])
            && let Some(&i) = self.by_lemma.get(content[1])
        {
            return Some(core(i));
        }
        None
    }
}

/// Verbs that carry little meaning of their own before a nominalisation.
pub const LIGHT_VERBS: [&str; 15] = [
    "make", "give", "hold", "have", "take", "extend", "issue", "offer", "launch", "express",
    "show", "voice", "conduct", "lodge", "file",
];

/// Lower-cases and collapses spaces.
pub fn normalize_phrase(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `take in` → `takeIn`; characters that cannot appear in a local name are dropped.
pub fn camel(phrase: &str) -> String {
    let mut out = String::new();
    for (i, w) in phrase
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let w = slug(w).replace('-', "");
        if i == 0 {
            out.push_str(&w);
        } else {
            let mut cs = w.chars();
            if let Some(f) = cs.next() {
                out.extend(f.to_uppercase());
                out.push_str(cs.as_str());
            }
        }
    }
    if out.is_empty() {
        "relatedTo".to_owned()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("r{out}")
    } else {
        out
    }
}

/// `imposeTariff` → `impose tariff`.
pub fn split_camel(local: &str) -> String {
    let mut out = String::new();
    for c in local.chars() {
        if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_camel_case() {
        let rows = [
            ("Jane Q. Public", "jane-q-public"),
            (
                "U.S. Immigration and Customs Enforcement",
                "us-immigration-and-customs-enforcement",
            ),
            ("Nuñez Álvarez", "nunez-alvarez"),
            ("G-20", "g-20"),
            ("O’Brien", "obrien"),
            ("!!!", "unnamed"),
        ];
        for (label, expected) in rows {
            assert_eq!(slug(label), expected, "{label}");
        }
        assert_eq!(camel("take in"), "takeIn");
        assert_eq!(camel("crack down on"), "crackDownOn");
        assert_eq!(camel("2 be"), "r2Be");
        assert_eq!(split_camel("imposeTariff"), "impose tariff");
        assert_eq!(iri_segment("a b/ç"), "a%20b%2F%C3%A7");
    }

    #[test]
    fn open_relations_are_minted_from_the_phrase() {
        let v = vocabulary();
        let r = v.map("Zorble  Across");
        assert_eq!(
            r,
            Relation {
                label: "zorble across".into(),
                local: "zorbleAcross".into(),
                core: false
            }
        );
        assert_eq!(
            relation_iri(&r),
            "https://w3id.org/newsgraph/rel/zorbleAcross"
        );
    }
}
