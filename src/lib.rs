//! newsgraph: English news articles in, a knowledge graph of actors and facts out, stored with
//! its evidence in an embedded RDF store (Oxigraph), queried with SPARQL, drawn with GraphViz.
//!
//! The stages, one module each, with the plain types of [`model`] between them:
//!
//! ```text
//! ingest ─▶ Document ─ segment ─▶ SentenceInfo (tokens, tags, tree) ─ recognize ─▶ mentions
//!   ─ resolve ─▶ Entity ─ extract ─▶ Claim ─ ontology ─▶ IRIs ─ store ─▶ named graph
//!   ─▶ query (SPARQL) / export (CSV, RDF, DOT) / explain
//! ```
//!
//! [`pipeline::analyze`] runs the analysis stages on one document.

pub mod batch;
pub mod bench;
pub mod carb;
pub mod evaluate;
pub mod explain;
pub mod export;
pub mod extract;
pub mod gazetteer;
pub mod ingest;
pub mod model;
pub mod ontology;
pub mod pipeline;
pub mod push;
pub mod query;
pub mod recognize;
pub mod resolve;
pub mod segment;
pub mod serve;
pub mod store;
