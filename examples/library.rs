//! Build a graph from a string with the library API, store it in memory, and query it.
//!
//! Run with `cargo run --release --example library`.

use newsgraph::query::{self, ResultFormat};
use newsgraph::store::GraphStore;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Analyse a text: sentences, entities and claims with their provenance.
    let text = "Germany's Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday. \
                Macron praised Germany. The European Union did not sanction Turkey.";
    let analysed = newsgraph::pipeline::analyze_text("example", text);
    for e in &analysed.entities {
        println!("entity  {:<28} {:?}", e.label, e.entity_type);
    }

    // 2. Store it (an in-memory store here; `GraphStore::open(dir)` persists to disk).
    let store = GraphStore::memory()?;
    store.put_document(&analysed, "2025-01-01T00:00:00Z")?;

    // 3. Ask the graph: every claim with its polarity.
    let sparql = "SELECT ?subject ?relation ?object ?polarity WHERE {
        ?c a ng:Claim ; rdf:subject ?s ; rdf:object ?o ; ng:relationLabel ?relation ; ng:polarity ?p .
        ?p rdfs:label ?polarity .
        OPTIONAL { ?s rdfs:label ?sl } OPTIONAL { ?o rdfs:label ?ol }
        BIND(COALESCE(?sl, STR(?s)) AS ?subject) BIND(COALESCE(?ol, STR(?o)) AS ?object)
    } ORDER BY ?subject ?relation";
    query::run(&store, sparql, ResultFormat::Table, &mut std::io::stdout())?;
    Ok(())
}
