//! Pushing to a remote store: the local store's graphs in, one SPARQL 1.1 Graph Store HTTP
//! Protocol `PUT` per graph out (the ontology graph and every document graph), so that any
//! SPARQL 1.1 store (Oxigraph server, Apache Jena Fuseki, GraphDB, a cluster store) can take
//! over where one machine ends.
//!
//! A push is resumable: each graph sent is appended to a push log (target, graph IRI and the
//! SHA-256 of the exact body sent), and a graph whose line is already there is skipped, so an
//! interrupted push goes on where it stopped and a re-ingested document is sent again.
//! Failures are retried with exponential backoff; a graph that still fails is reported and the
//! push goes on with the next.

use crate::ontology::{self, DOC_NS, ONTOLOGY_GRAPH};
use crate::store::{GraphStore, StoreError};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedNodeRef, Triple};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::time::Duration;

/// Errors that stop a push (a graph the remote refuses does not: it is reported).
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// Reading the local store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The push log cannot be read or written.
    #[error("{}: push log: {source}", path.display())]
    Log {
        /// The log file.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },
    /// No Graph Store URL was given and none follows from the endpoint.
    #[error(
        "cannot tell the Graph Store URL from --endpoint {0}: pass --graph-store URL (e.g. http://host:3030/ds/data for Fuseki)"
    )]
    NoGraphStore(String),
    /// A local graph cannot be written as N-Triples.
    #[error("cannot serialise graph <{graph}>: {message}")]
    Serialise {
        /// Graph IRI.
        graph: String,
        /// Cause.
        message: String,
    },
}

/// How a push runs.
#[derive(Clone, Debug)]
pub struct PushOptions {
    /// The remote SPARQL query endpoint (used to count what arrived).
    pub endpoint: String,
    /// The remote Graph Store Protocol URL; derived from `endpoint` when absent.
    pub graph_store: Option<String>,
    /// The push log.
    pub log: PathBuf,
    /// Attempts per graph after the first.
    pub retries: u32,
    /// First backoff delay; doubled after each failed attempt.
    pub backoff: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
}

/// What a push did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushSummary {
    /// Graphs sent in this run.
    pub pushed: usize,
    /// Graphs skipped because the log says the same content was sent already.
    pub skipped: usize,
    /// Graphs that failed after every retry, one message each.
    pub failures: Vec<String>,
    /// Requests retried.
    pub retried: usize,
    /// Document graphs the endpoint reports holding after the push, when it answered.
    pub remote_documents: Option<u64>,
}

/// The Graph Store URL that goes with a query endpoint: Oxigraph's `/query` → `/store`,
/// Fuseki's `/ds/sparql` or `/ds/query` → `/ds/data`, GraphDB's `/repositories/NAME` →
/// `/repositories/NAME/rdf-graphs/service`.
pub fn graph_store_for(endpoint: &str) -> Option<String> {
    let base = endpoint.split(['?', '#']).next().unwrap_or(endpoint);
    let base = base.trim_end_matches('/');
    if let Some(root) = base.strip_suffix("/query") {
        // Oxigraph serves /query and /store at the root; Fuseki serves /ds/query and /ds/data.
        let path_depth = root
            .splitn(4, '/')
            .nth(3)
            .map_or(0, |p| p.split('/').count());
        return Some(if path_depth == 0 {
            format!("{root}/store")
        } else {
            format!("{root}/data")
        });
    }
    if let Some(root) = base.strip_suffix("/sparql") {
        return Some(format!("{root}/data"));
    }
    // GraphDB and RDF4J: /repositories/NAME answers queries, .../rdf-graphs/service graphs.
    let (_, repo) = base.rsplit_once("/repositories/")?;
    (!repo.is_empty() && !repo.contains('/')).then(|| format!("{base}/rdf-graphs/service"))
}

/// `IRI` percent-encoded as a query-string value.
fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn read_log(path: &PathBuf) -> Result<BTreeSet<String>, PushError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(source) => {
            return Err(PushError::Log {
                path: path.clone(),
                source,
            });
        }
    };
    let mut done = BTreeSet::new();
    for line in io::BufReader::new(file).lines() {
        let line = line.map_err(|source| PushError::Log {
            path: path.clone(),
            source,
        })?;
        // A line cut short by a crash has fewer than three fields: ignored, sent again.
        if line.split('\t').count() == 3 {
            done.insert(line);
        }
    }
    Ok(done)
}

/// The graph as sorted N-Triples.
fn graph_body(store: &GraphStore, iri: &str) -> Result<Vec<u8>, PushError> {
    let ser_err = |e: &dyn std::fmt::Display| PushError::Serialise {
        graph: iri.to_owned(),
        message: e.to_string(),
    };
    let g = NamedNodeRef::new_unchecked(iri);
    let mut triples: Vec<Triple> = Vec::new();
    for q in store
        .oxigraph()
        .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g)))
    {
        triples.push(q.map_err(StoreError::from)?.into());
    }
    triples.sort_by_cached_key(|t| t.to_string());
    let mut body = Vec::new();
    let mut w = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(&mut body);
    for t in &triples {
        w.serialize_triple(t).map_err(|e| ser_err(&e))?;
    }
    w.finish().map_err(|e| ser_err(&e))?;
    Ok(body)
}

enum Attempt {
    Done,
    Retry(String),
    Fail(String),
}

fn put_once(agent: &ureq::Agent, url: &str, body: &[u8]) -> Attempt {
    match agent
        .put(url)
        .header("Content-Type", "application/n-triples")
        .send(body)
    {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            if (200..300).contains(&status) {
                return Attempt::Done;
            }
            let text = resp
                .body_mut()
                .with_config()
                .limit(4096)
                .read_to_string()
                .unwrap_or_default();
            let msg = format!("HTTP {status}: {}", text.trim());
            if status >= 500 || status == 408 || status == 429 {
                Attempt::Retry(msg)
            } else {
                Attempt::Fail(msg)
            }
        }
        Err(e) => Attempt::Retry(e.to_string()),
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends every graph that the log does not list yet; calls `progress` after each graph with
/// (graphs done, graphs in all).
pub fn push(
    store: &GraphStore,
    options: &PushOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<PushSummary, PushError> {
    let gsp = match &options.graph_store {
        Some(g) => g.clone(),
        None => graph_store_for(&options.endpoint)
            .ok_or_else(|| PushError::NoGraphStore(options.endpoint.clone()))?,
    };
    let done = read_log(&options.log)?;
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&options.log)
        .map_err(|source| PushError::Log {
            path: options.log.clone(),
            source,
        })?;
    let mut graphs = vec![ONTOLOGY_GRAPH.to_owned()];
    graphs.extend(store.document_ids()?.iter().map(|id| ontology::doc_iri(id)));
    let agent = agent(options.timeout);
    let mut summary = PushSummary::default();
    let sep = if gsp.contains('?') { '&' } else { '?' };
    for (i, iri) in graphs.iter().enumerate() {
        let body = graph_body(store, iri)?;
        let hash = crate::store::hex(&Sha256::digest(&body));
        let line = format!("{gsp}\t{iri}\t{hash}");
        if done.contains(&line) {
            summary.skipped += 1;
            progress(i + 1, graphs.len());
            continue;
        }
        let url = format!("{gsp}{sep}graph={}", encode_component(iri));
        let mut delay = options.backoff;
        let mut attempt = 0;
        loop {
            match put_once(&agent, &url, &body) {
                Attempt::Done => {
                    writeln!(log, "{line}")
                        .and_then(|()| log.flush())
                        .map_err(|source| PushError::Log {
                            path: options.log.clone(),
                            source,
                        })?;
                    summary.pushed += 1;
                    break;
                }
                Attempt::Retry(msg) if attempt < options.retries => {
                    let _ = msg;
                    attempt += 1;
                    summary.retried += 1;
                    std::thread::sleep(delay);
                    delay = delay.saturating_mul(2).min(Duration::from_secs(60));
                }
                Attempt::Retry(msg) | Attempt::Fail(msg) => {
                    summary
                        .failures
                        .push(format!("{url}: graph <{iri}> not pushed: {msg}"));
                    break;
                }
            }
        }
        progress(i + 1, graphs.len());
    }
    summary.remote_documents = count_remote(&agent, &options.endpoint);
    Ok(summary)
}

/// Asks the endpoint how many newsgraph document graphs it holds (`None` if it cannot say).
fn count_remote(agent: &ureq::Agent, endpoint: &str) -> Option<u64> {
    let query = format!(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?g a <{}Document> }} FILTER(STRSTARTS(STR(?g), \"{DOC_NS}\")) }}",
        ontology::NS
    );
    let mut resp = agent
        .post(endpoint)
        .header("Accept", "application/sparql-results+json")
        .header("Content-Type", "application/sparql-query")
        .send(query.as_bytes())
        .ok()?;
    if resp.status().as_u16() != 200 {
        return None;
    }
    let json: serde_json::Value = serde_json::from_str(
        &resp
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()
            .ok()?,
    )
    .ok()?;
    json["results"]["bindings"][0]["n"]["value"]
        .as_str()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_store_urls() {
        for (endpoint, expected) in [
            (
                "http://127.0.0.1:7878/query",
                Some("http://127.0.0.1:7878/store"),
            ),
            ("http://h:3030/ds/query", Some("http://h:3030/ds/data")),
            ("http://h:3030/ds/sparql", Some("http://h:3030/ds/data")),
            ("http://h:3030/ds/sparql/", Some("http://h:3030/ds/data")),
            (
                "http://h:7200/repositories/news",
                Some("http://h:7200/repositories/news/rdf-graphs/service"),
            ),
            ("http://h/other", None),
        ] {
            assert_eq!(graph_store_for(endpoint).as_deref(), expected, "{endpoint}");
        }
    }

    #[test]
    fn iri_encoding() {
        assert_eq!(
            encode_component("https://w3id.org/newsgraph/doc/a b#x"),
            "https%3A%2F%2Fw3id.org%2Fnewsgraph%2Fdoc%2Fa%20b%23x"
        );
    }
}
