//! Exports: plain rows in, CSV tables and GraphViz drawings of the actor graph out.
//!
//! Architecture invariant: this module never reads the store; it receives [`FactRow`]s and
//! [`EntityRow`]s (from the store or straight from the pipeline) and only writes. It is the
//! one module that uses petgraph.

use crate::model::{AnalyzedDocument, Arg, EntityRow, FactRow};
use crate::ontology;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{self, Write};

/// The header of `export --format csv`, a contract.
pub const FACTS_HEADER: &str = "doc,sentence_index,sentence,subject,subject_id,subject_type,relation,predicate,object,object_id,object_type,polarity,confidence,attribution,start,end";
/// The header of `export --format entities`, a contract.
pub const ENTITIES_HEADER: &str = "id,label,type,aliases,mentions,same_as,spans";

/// Writes fact rows as CSV with [`FACTS_HEADER`].
pub fn write_facts_csv(rows: &[FactRow], out: impl Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(FACTS_HEADER.split(','))?;
    for r in rows {
        w.write_record([
            r.doc.as_str(),
            &r.sentence_index.to_string(),
            &r.sentence,
            &r.subject,
            &r.subject_id,
            &r.subject_type,
            &r.relation,
            &r.predicate,
            &r.object,
            &r.object_id,
            &r.object_type,
            &r.polarity,
            &r.confidence,
            &r.attribution,
            &r.start.to_string(),
            &r.end.to_string(),
        ])?;
    }
    w.flush()
}

/// Writes fact rows as JSON lines, one object per claim with the CSV's field names.
pub fn write_facts_jsonl(rows: &[FactRow], mut out: impl Write) -> io::Result<()> {
    for r in rows {
        serde_json::to_writer(&mut out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes entity rows as CSV with [`ENTITIES_HEADER`]: aliases `|`-separated, each with its
/// count in parentheses; spans `|`-separated `doc:start-end`.
pub fn write_entities_csv(rows: &[EntityRow], out: impl Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ENTITIES_HEADER.split(','))?;
    for r in rows {
        let aliases: Vec<String> = r
            .aliases
            .iter()
            .enumerate()
            .map(|(i, a)| match r.alias_counts.get(i) {
                Some(n) => format!("{a} ({n})"),
                None => a.clone(),
            })
            .collect();
        w.write_record([
            r.id.as_str(),
            &r.label,
            &r.entity_type,
            &aliases.join("|"),
            &r.mentions.to_string(),
            &r.same_as,
            &r.spans.join("|"),
        ])?;
    }
    w.flush()
}

/// The rows of an analysed document, as the store would give them back after ingest.
pub fn fact_rows(a: &AnalyzedDocument) -> Vec<FactRow> {
    let describe = |arg: &Arg| match arg {
        Arg::Entity(i) => {
            let e = &a.entities[*i];
            (
                e.label.clone(),
                e.key.clone(),
                e.entity_type.code().to_owned(),
            )
        }
        // A resolved date is stored (and so exported) in ISO form.
        Arg::Literal(l) => match (l.kind, l.date) {
            (crate::model::LiteralKind::Date, Some(d)) => {
                (d.to_string(), String::new(), l.kind.code().to_owned())
            }
            _ => (l.text.clone(), String::new(), l.kind.code().to_owned()),
        },
    };
    let doc_iri = ontology::doc_iri(&a.doc.id);
    let mut rows: Vec<FactRow> = a
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (subject, subject_id, subject_type) = describe(&c.subject);
            let (object, object_id, object_type) = describe(&c.object);
            let subject_type = if subject_id.is_empty() {
                String::new()
            } else {
                subject_type
            };
            let sentence = a
                .sentences
                .get(c.sentence)
                .map(|s| s.span.slice(&a.doc.text))
                .unwrap_or("");
            FactRow {
                doc: a.doc.id.clone(),
                sentence_index: c.sentence,
                sentence: crate::store::one_line(sentence),
                subject,
                subject_id,
                subject_type,
                relation: c.relation.label.clone(),
                predicate: ontology::relation_iri(&c.relation),
                object,
                object_id,
                object_type,
                polarity: c.polarity.as_str().to_owned(),
                confidence: format!("{:.2}", c.confidence),
                attribution: c
                    .attribution
                    .map(|e| a.entities[e].label.clone())
                    .unwrap_or_default(),
                start: c.span.start,
                end: c.span.end,
                claim: format!("{doc_iri}#c{i}"),
            }
        })
        .collect();
    rows.sort_by(FactRow::order);
    rows
}

/// Filters for the actor-graph drawing.
#[derive(Clone, Debug, Default)]
pub struct GraphFilter {
    /// Keep only the neighbourhood of the actors whose label, id or alias matches.
    pub actor: Option<String>,
    /// Neighbourhood radius for `actor` (edges, either direction).
    pub depth: usize,
    /// Drop edges supported by fewer claims.
    pub min_weight: usize,
    /// Keep only edges whose relation label or predicate local name matches.
    pub relation: Option<String>,
    /// Keep only edges with at least one end of this type code.
    pub entity_type: Option<String>,
    /// Keep only claims of this document.
    pub doc: Option<String>,
    /// Keep the top N actors by degree (0: all).
    pub top: usize,
    /// Draw clusters by entity type.
    pub cluster: bool,
}

/// A filter value that matches nothing the graph could hold.
#[derive(Debug, thiserror::Error)]
pub enum FilterError {
    /// No actor matches `--actor`.
    #[error("no actor matches --actor {0:?}")]
    UnknownActor(String),
    /// An unknown type code.
    #[error("unknown --type {0:?} (expected one of {1})")]
    UnknownType(String, String),
}

#[derive(Clone, Debug)]
struct Node {
    key: String,
    label: String,
    entity_type: String,
}

#[derive(Clone, Debug)]
struct Edge {
    relation: String,
    weight: usize,
    negated: bool,
    hedged: bool,
}

/// The actor graph: one node per entity, one edge per (subject, relation, object, negated?).
pub struct ActorGraph {
    graph: DiGraph<Node, Edge>,
}

impl ActorGraph {
    /// Builds the graph from fact rows (claims between two entities) and entity rows.
    pub fn build(
        rows: &[FactRow],
        entities: &[EntityRow],
        filter: &GraphFilter,
    ) -> Result<Self, FilterError> {
        if let Some(t) = &filter.entity_type
            && crate::model::EntityType::parse(t).is_none()
        {
            let all: Vec<&str> = crate::model::EntityType::ALL
                .iter()
                .map(|t| t.code())
                .collect();
            return Err(FilterError::UnknownType(t.clone(), all.join(", ")));
        }
        let type_filter = filter
            .entity_type
            .as_deref()
            .and_then(crate::model::EntityType::parse);
        let mut edges: BTreeMap<(String, String, String, bool), (usize, bool)> = BTreeMap::new();
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        for r in rows {
            if r.subject_id.is_empty() || r.object_id.is_empty() || r.subject_id == r.object_id {
                continue;
            }
            if filter.doc.as_ref().is_some_and(|d| *d != r.doc) {
                continue;
            }
            if let Some(rel) = &filter.relation {
                let local = r.predicate.rsplit(['#', '/']).next().unwrap_or("");
                if !r.relation.eq_ignore_ascii_case(rel) && !local.eq_ignore_ascii_case(rel) {
                    continue;
                }
            }
            if let Some(t) = type_filter
                && r.subject_type != t.code()
                && r.object_type != t.code()
            {
                continue;
            }
            for (key, label, t) in [
                (&r.subject_id, &r.subject, &r.subject_type),
                (&r.object_id, &r.object, &r.object_type),
            ] {
                nodes.entry(key.clone()).or_insert_with(|| Node {
                    key: key.clone(),
                    label: label.clone(),
                    entity_type: t.clone(),
                });
            }
            let negated = r.polarity == "negated";
            let e = edges
                .entry((
                    r.subject_id.clone(),
                    r.relation.clone(),
                    r.object_id.clone(),
                    negated,
                ))
                .or_insert((0, true));
            e.0 += 1;
            e.1 &= r.polarity == "hedged";
        }
        for e in entities {
            if let Some(n) = nodes.get_mut(&e.id) {
                n.label = e.label.clone();
                n.entity_type = e.entity_type.clone();
            }
        }
        edges.retain(|_, (w, _)| *w >= filter.min_weight.max(1));
        let mut keep: BTreeSet<String> = edges
            .keys()
            .flat_map(|(s, _, o, _)| [s.clone(), o.clone()])
            .collect();
        if let Some(actor) = &filter.actor {
            let needle = actor.to_lowercase();
            let seeds: BTreeSet<String> = nodes
                .values()
                .filter(|n| {
                    n.key == needle
                        || n.label.to_lowercase() == needle
                        || entities.iter().any(|e| {
                            e.id == n.key && e.aliases.iter().any(|a| a.to_lowercase() == needle)
                        })
                })
                .map(|n| n.key.clone())
                .collect();
            let seeds = if seeds.is_empty() {
                nodes
                    .values()
                    .filter(|n| n.label.to_lowercase().contains(&needle))
                    .map(|n| n.key.clone())
                    .collect()
            } else {
                seeds
            };
            if seeds.is_empty() {
                return Err(FilterError::UnknownActor(actor.clone()));
            }
            let mut seen = seeds.clone();
            let mut queue: VecDeque<(String, usize)> = seeds.into_iter().map(|s| (s, 0)).collect();
            while let Some((k, d)) = queue.pop_front() {
                if d >= filter.depth.max(1) {
                    continue;
                }
                for (s, _, o, _) in edges.keys() {
                    let other = if *s == k {
                        o
                    } else if *o == k {
                        s
                    } else {
                        continue;
                    };
                    if seen.insert(other.clone()) {
                        queue.push_back((other.clone(), d + 1));
                    }
                }
            }
            keep.retain(|k| seen.contains(k));
        }
        if filter.top > 0 && keep.len() > filter.top {
            let mut degree: BTreeMap<&String, usize> = BTreeMap::new();
            for ((s, _, o, _), (w, _)) in &edges {
                if keep.contains(s) && keep.contains(o) {
                    *degree.entry(s).or_default() += w;
                    *degree.entry(o).or_default() += w;
                }
            }
            let mut ranked: Vec<(&String, usize)> = degree.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            keep = ranked
                .into_iter()
                .take(filter.top)
                .map(|(k, _)| k.clone())
                .collect();
        }
        let mut graph = DiGraph::new();
        let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
        for (k, n) in &nodes {
            if keep.contains(k) {
                index.insert(k.clone(), graph.add_node(n.clone()));
            }
        }
        for ((s, rel, o, negated), (w, hedged)) in edges {
            if let (Some(&a), Some(&b)) = (index.get(&s), index.get(&o)) {
                graph.add_edge(
                    a,
                    b,
                    Edge {
                        relation: rel,
                        weight: w,
                        negated,
                        hedged,
                    },
                );
            }
        }
        Ok(Self { graph })
    }

    /// Number of actors drawn.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges drawn.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// GraphViz DOT text; stable for the same input.
    pub fn to_dot(&self, cluster: bool) -> String {
        let mut s = String::new();
        s.push_str("digraph newsgraph {\n");
        s.push_str("  graph [rankdir=LR, overlap=false, splines=true, fontname=\"Helvetica\", fontsize=11];\n");
        s.push_str(
            "  node [fontname=\"Helvetica\", fontsize=11, style=\"filled\", penwidth=0.8];\n",
        );
        s.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
        let mut by_type: BTreeMap<&str, Vec<NodeIndex>> = BTreeMap::new();
        for i in self.graph.node_indices() {
            by_type
                .entry(self.graph[i].entity_type.as_str())
                .or_default()
                .push(i);
        }
        for (t, nodes) in &by_type {
            let indent = if cluster {
                s.push_str(&format!(
                    "  subgraph \"cluster_{t}\" {{\n    label=\"{}\"; style=\"rounded,dashed\"; color=\"#bbbbbb\"; fontcolor=\"#777777\";\n",
                    type_title(t)
                ));
                "    "
            } else {
                "  "
            };
            for &i in nodes {
                let n = &self.graph[i];
                let (shape, fill) = style_for(&n.entity_type);
                s.push_str(&format!(
                    "{indent}{} [label={}, shape={shape}, fillcolor=\"{fill}\", tooltip={}];\n",
                    quote(&n.key),
                    quote(&n.label),
                    quote(&format!("{} ({})", n.label, n.entity_type))
                ));
            }
            if cluster {
                s.push_str("  }\n");
            }
        }
        for e in self.graph.edge_references() {
            let (a, b) = (&self.graph[e.source()], &self.graph[e.target()]);
            let w = e.weight();
            let mut attrs = vec![
                format!(
                    "label={}",
                    quote(&if w.weight > 1 {
                        format!("{} ({})", w.relation, w.weight)
                    } else {
                        w.relation.clone()
                    })
                ),
                format!("weight={}", w.weight),
                format!("penwidth={:.1}", 1.0 + (w.weight as f64).ln()),
            ];
            if w.negated {
                attrs.push("style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\"".to_owned());
                attrs[0] = format!("label={}", quote(&format!("not {}", w.relation)));
            } else if w.hedged {
                attrs.push("style=dotted".to_owned());
            }
            s.push_str(&format!(
                "  {} -> {} [{}];\n",
                quote(&a.key),
                quote(&b.key),
                attrs.join(", ")
            ));
        }
        s.push_str("}\n");
        s
    }
}

fn type_title(code: &str) -> String {
    crate::model::EntityType::parse(code)
        .map(|t| crate::ontology::split_camel(t.class_name()))
        .map(|s| {
            let mut c = s.trim().chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .unwrap_or_else(|| code.to_owned())
}

fn style_for(code: &str) -> (&'static str, &'static str) {
    match code {
        "PERSON" => ("ellipse", "#f9e79f"),
        "COUNTRY" => ("box", "#aed6f1"),
        "CITY" | "PLACE" => ("box", "#d6eaf8"),
        "GOVERNMENT_BODY" => ("box", "#a9dfbf"),
        "ORGANIZATION" => ("box", "#d5f5e3"),
        "CRIMINAL_GROUP" => ("octagon", "#f5b7b1"),
        "FACILITY" => ("house", "#e8daef"),
        "MEDIA" => ("note", "#fdebd0"),
        "AGREEMENT" | "LAW" => ("component", "#f2f3f4"),
        _ => ("ellipse", "#eeeeee"),
    }
}

/// A DOT string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &str, rel: &str, o: &str, polarity: &str) -> FactRow {
        FactRow {
            doc: "d".into(),
            subject: s.to_uppercase(),
            subject_id: s.into(),
            subject_type: "PERSON".into(),
            relation: rel.into(),
            predicate: format!("https://w3id.org/newsgraph/ns#{rel}"),
            object: o.to_uppercase(),
            object_id: o.into(),
            object_type: "COUNTRY".into(),
            polarity: polarity.into(),
            ..FactRow::default()
        }
    }

    #[test]
    fn dot_merges_repeated_claims_and_marks_negation() {
        let rows = vec![
            row("a", "visit", "x", "asserted"),
            row("a", "visit", "x", "reported"),
            row("b", "visit", "x", "negated"),
            row("b", "praise", "a", "hedged"),
        ];
        let g = ActorGraph::build(&rows, &[], &GraphFilter::default()).unwrap();
        let dot = g.to_dot(false);
        let edges: Vec<&str> = dot.lines().filter(|l| l.contains("->")).collect();
        assert_eq!(
            edges,
            vec![
                "  \"a\" -> \"x\" [label=\"visit (2)\", weight=2, penwidth=1.7];",
                "  \"b\" -> \"a\" [label=\"praise\", weight=1, penwidth=1.0, style=dotted];",
                "  \"b\" -> \"x\" [label=\"not visit\", weight=1, penwidth=1.0, style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\"];",
            ]
        );
    }

    #[test]
    fn filters_select_neighbourhoods_and_reject_unknown_values() {
        let rows = vec![
            row("a", "visit", "x", "asserted"),
            row("b", "meet", "c", "asserted"),
        ];
        let f = GraphFilter {
            actor: Some("A".into()),
            depth: 1,
            ..GraphFilter::default()
        };
        let g = ActorGraph::build(&rows, &[], &f).unwrap();
        assert_eq!((g.node_count(), g.edge_count()), (2, 1));
        let f = GraphFilter {
            relation: Some("meet".into()),
            ..GraphFilter::default()
        };
        assert_eq!(ActorGraph::build(&rows, &[], &f).unwrap().edge_count(), 1);
        let f = GraphFilter {
            actor: Some("nobody".into()),
            ..GraphFilter::default()
        };
        assert_eq!(
            ActorGraph::build(&rows, &[], &f).err().unwrap().to_string(),
            "no actor matches --actor \"nobody\""
        );
        let f = GraphFilter {
            entity_type: Some("planet".into()),
            ..GraphFilter::default()
        };
        assert!(
            ActorGraph::build(&rows, &[], &f)
                .err()
                .unwrap()
                .to_string()
                .starts_with("unknown --type \"planet\"")
        );
    }
}
