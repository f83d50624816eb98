//! The small parsers of user input: dates (article openings and sentences), type, polarity
//! and literal codes, `--actor`/`--type`/`--relation` filters of the actor graph, and the actor
//! names of `explain`. Input: NUL-separated fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::export::{ActorGraph, GraphFilter};
use newsgraph::model::{EntityRow, EntityType, FactRow, LiteralKind, Polarity};
use std::sync::LazyLock;

/// A small fixed graph to filter.
static ROWS: LazyLock<(Vec<FactRow>, Vec<EntityRow>)> = LazyLock::new(|| {
    let a = newsgraph::pipeline::analyze_text(
        "f",
        "Jane Doe met John Roe in Ruritania on May 4, 2021. The Acme Corporation did not pay Jane Doe.",
    );
    let rows = newsgraph::export::fact_rows(&a);
    let entities = a
        .entities
        .iter()
        .map(|e| EntityRow {
            id: e.key.clone(),
            label: e.label.clone(),
            entity_type: e.entity_type.code().to_owned(),
            aliases: e.aliases.keys().cloned().collect(),
            mentions: 1,
            same_as: String::new(),
        })
        .collect();
    (rows, entities)
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let fields: Vec<&str> = text.split('\0').collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or("");
    let _ = newsgraph::recognize::parse_date_prefix(field(0));
    let _ = newsgraph::recognize::month_number(field(0));
    let _ = newsgraph::ingest::document_info(field(0));
    let _ = EntityType::parse(field(1));
    let _ = Polarity::parse(field(1));
    let _ = LiteralKind::parse(field(1));
    let (rows, entities) = &*ROWS;
    let _ = newsgraph::explain::find_actor(entities, field(2));
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let numbers = field(5).as_bytes();
    let filter = GraphFilter {
        actor: opt(field(2)),
        depth: numbers.first().map_or(1, |&b| usize::from(b % 8)),
        min_weight: numbers.get(1).map_or(1, |&b| usize::from(b % 4)),
        relation: opt(field(3)),
        entity_type: opt(field(4)),
        doc: opt(field(6)),
        top: numbers.get(2).map_or(80, |&b| usize::from(b)),
        cluster: numbers.get(3).is_some_and(|b| b & 1 == 1),
    };
    if let Ok(graph) = ActorGraph::build(rows, entities, &filter) {
        let _ = graph.to_dot(filter.cluster);
    }
});
