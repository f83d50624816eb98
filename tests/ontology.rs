//! The ontology files parse, and every IRI the code writes is declared in them (or, for open
//! relations, in the graph that uses them).

use newsgraph::ontology::{self, NS, vocabulary};
use newsgraph::store::document_quads;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Term, vocab::rdf};

#[test]
fn shipped_turtle_parses_completely() {
    for (name, ttl) in [
        ("newsgraph.ttl", ontology::CORE_TTL),
        ("relations.ttl", ontology::RELATIONS_TTL),
    ] {
        let n = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(ttl.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .len();
        assert!(n > 100, "{name}: only {n} triples");
    }
    let v = vocabulary();
    assert!(
        v.relations().len() >= 40,
        "{} core relations",
        v.relations().len()
    );
    for r in v.relations() {
        assert!(!r.label.is_empty(), "{} has no label", r.local);
    }
}

#[test]
fn relation_phrases_map_to_core_relations() {
    let v = vocabulary();
    let rows = [
        ("invite", "invite"),
        ("meet with", "meet"),
        ("extend invitation to", "invite"),
        ("head of state", "headOfState"),
        ("hold position", "holdPosition"),
    ];
    for (phrase, local) in rows {
        let r = v.map(phrase);
        assert!(r.core, "{phrase} is not core");
        assert_eq!(r.local, local, "{phrase}");
    }
}

#[test]
fn every_emitted_iri_is_declared() {
    let text = "Ruritania's President Jane Doe met German Chancellor Max Mustermann in Berlin on March 3, 2024. \
                She did not sign the accord. The Ruritanian government may buy 300 tanks, officials said.";
    let a = newsgraph::pipeline::analyze_text("t", text);
    let quads = document_quads(&a);
    let v = vocabulary();
    let mut open_declared = std::collections::BTreeSet::new();
    for q in &quads {
        if q.predicate == rdf::TYPE
            && q.object
                == Term::NamedNode(oxigraph::model::NamedNode::new_unchecked(format!(
                    "{NS}OpenRelation"
                )))
        {
            open_declared.insert(q.subject.to_string());
        }
    }
    for q in &quads {
        let mut iris = vec![q.predicate.as_str().to_owned()];
        if let Term::NamedNode(n) = &q.object
            && (q.predicate == rdf::TYPE
                || q.predicate.as_str() == "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"
                || q.predicate.as_str() == format!("{NS}polarity"))
        {
            iris.push(n.as_str().to_owned());
        }
        for iri in iris {
            let ok = if iri.starts_with(NS) || iri.starts_with(ontology::REL_NS) {
                v.declares(&iri) || open_declared.contains(&format!("<{iri}>"))
            } else {
                true
            };
            assert!(ok, "{iri} is not declared");
        }
    }
}
