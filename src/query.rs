//! SPARQL over the store: a query string in, results out in a W3C results format, an RDF
//! format, or an aligned table for people. The default graph is the union of every graph.

use crate::ontology::PREFIXES;
use crate::store::GraphStore;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Term, Triple};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use std::io::{self, Write};

/// Output formats of `query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultFormat {
    /// Aligned text table (SELECT, ASK); Turtle for CONSTRUCT and DESCRIBE.
    Table,
    /// SPARQL 1.1 Query Results CSV (N-Triples for graphs).
    Csv,
    /// SPARQL 1.1 Query Results TSV (N-Triples for graphs).
    Tsv,
    /// SPARQL 1.1 Query Results JSON (JSON-LD is not offered: N-Triples for graphs).
    Json,
    /// SPARQL Query Results XML (RDF/XML for graphs).
    Xml,
}

/// Errors of `query`.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The query does not parse.
    #[error("malformed SPARQL query: {0}")]
    Syntax(String),
    /// Evaluation failed.
    #[error("query evaluation failed: {0}")]
    Evaluation(String),
    /// Writing the results failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What a query returned, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryOutcome {
    /// Rows, triples, or 1/0 for ASK true/false.
    pub results: usize,
}

/// A SPARQL evaluator with the project's prefixes predeclared.
pub(crate) fn evaluator() -> SparqlEvaluator {
    let mut e = SparqlEvaluator::new();
    for (p, iri) in PREFIXES {
        // The prefixes are constants that parse; a failure would leave the prefix undeclared.
        if let Ok(next) = e.clone().with_prefix(p, iri) {
            e = next;
        }
    }
    e
}

/// Runs a SPARQL query on the union of all graphs and writes the results. The `ng:`, `nge:`,
/// `ngr:`, `ngd:`, `rdf:`, `rdfs:`, `owl:`, `xsd:`, `prov:`, `dcterms:` and `wd:` prefixes
/// are predeclared.
pub fn run(
    store: &GraphStore,
    query: &str,
    format: ResultFormat,
    out: &mut dyn Write,
) -> Result<QueryOutcome, QueryError> {
    let mut prepared = evaluator()
        .parse_query(query)
        .map_err(|e| QueryError::Syntax(e.to_string()))?;
    prepared.dataset_mut().set_default_graph_as_union();
    let results = prepared
        .on_store(store.oxigraph())
        .execute()
        .map_err(|e| QueryError::Evaluation(e.to_string()))?;
    match results {
        QueryResults::Boolean(b) => {
            match results_format(format) {
                None => writeln!(out, "{b}")?,
                Some(f) => {
                    QueryResultsSerializer::from_format(f)
                        .serialize_boolean_to_writer(&mut *out, b)?;
                }
            }
            Ok(QueryOutcome {
                results: usize::from(b),
            })
        }
        QueryResults::Solutions(solutions) => {
            let vars = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for s in solutions {
                let s = s.map_err(|e| QueryError::Evaluation(e.to_string()))?;
                rows.push(
                    vars.iter()
                        .map(|v| s.get(v).cloned())
                        .collect::<Vec<Option<Term>>>(),
                );
            }
            match results_format(format) {
                None => write_table(
                    &vars
                        .iter()
                        .map(|v| v.as_str().to_owned())
                        .collect::<Vec<_>>(),
                    &rows,
                    out,
                )?,
                Some(f) => {
                    let mut ser = QueryResultsSerializer::from_format(f)
                        .serialize_solutions_to_writer(&mut *out, vars.clone())?;
                    for row in &rows {
                        ser.serialize(
                            vars.iter()
                                .zip(row)
                                .filter_map(|(v, t)| t.as_ref().map(|t| (v, t))),
                        )?;
                    }
                    ser.finish()?;
                }
            }
            Ok(QueryOutcome {
                results: rows.len(),
            })
        }
        QueryResults::Graph(triples) => {
            let triples: Vec<Triple> = triples
                .collect::<Result<_, _>>()
                .map_err(|e| QueryError::Evaluation(e.to_string()))?;
            let rdf = match format {
                ResultFormat::Table => RdfFormat::Turtle,
                ResultFormat::Xml => RdfFormat::RdfXml,
                _ => RdfFormat::NTriples,
            };
            write_triples(&triples, rdf, out)?;
            Ok(QueryOutcome {
                results: triples.len(),
            })
        }
    }
}

fn results_format(f: ResultFormat) -> Option<QueryResultsFormat> {
    match f {
        ResultFormat::Table => None,
        ResultFormat::Csv => Some(QueryResultsFormat::Csv),
        ResultFormat::Tsv => Some(QueryResultsFormat::Tsv),
        ResultFormat::Json => Some(QueryResultsFormat::Json),
        ResultFormat::Xml => Some(QueryResultsFormat::Xml),
    }
}

/// Writes triples in an RDF format with the project's prefixes.
pub fn write_triples(triples: &[Triple], format: RdfFormat, out: &mut dyn Write) -> io::Result<()> {
    let mut ser = RdfSerializer::from_format(format);
    for (p, iri) in PREFIXES {
        ser = ser.with_prefix(p, iri).map_err(io::Error::other)?;
    }
    let mut w = ser.for_writer(out);
    for t in triples {
        w.serialize_triple(t)?;
    }
    w.finish()?;
    Ok(())
}

/// A term for people: prefixed IRIs, bare literal values.
pub fn display_term(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => compact_iri(n.as_str()),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().to_owned(),
    }
}

/// `https://w3id.org/newsgraph/ns#invite` → `ng:invite`.
pub fn compact_iri(iri: &str) -> String {
    for (p, ns) in PREFIXES {
        if let Some(local) = iri.strip_prefix(ns)
            && !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return format!("{p}:{local}");
        }
    }
    format!("<{iri}>")
}

fn write_table(vars: &[String], rows: &[Vec<Option<Term>>], out: &mut dyn Write) -> io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|t| t.as_ref().map(display_term).unwrap_or_default())
                .map(|s| crate::store::one_line(&s))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = vars.iter().map(|v| v.chars().count() + 1).collect();
    for r in &cells {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count()).min(80);
        }
    }
    let line = |cols: &[String], out: &mut dyn Write| -> io::Result<()> {
        let mut s = String::new();
        for (i, (c, w)) in cols.iter().zip(&widths).enumerate() {
            let shown: String = if c.chars().count() > *w {
                c.chars().take(w - 1).collect::<String>() + "…"
            } else {
                c.clone()
            };
            s.push_str(&shown);
            if i + 1 < cols.len() {
                s.push_str(&" ".repeat(w - shown.chars().count() + 2));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    let header: Vec<String> = vars.iter().map(|v| format!("?{v}")).collect();
    line(&header, out)?;
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    line(&rule, out)?;
    for r in &cells {
        line(r, out)?;
    }
    writeln!(
        out,
        "({} row{})",
        cells.len(),
        if cells.len() == 1 { "" } else { "s" }
    )
}
