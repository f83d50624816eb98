//! The on-disk graph: analysed documents in, one named graph per document out, each written in
//! one transaction; and the reading side that turns graphs back into plain rows for exports.
//!
//! Architecture invariant: only this module and `query` touch oxigraph's store. Everything
//! that leaves this module is a plain type from `model`.

use crate::model::{
    AnalyzedDocument, Arg, Date, EntityRow, FactRow, LiteralKind, MentionKind, Polarity,
};
use crate::ontology::{self, DOC_NS, INGEST_GRAPH, NS, ONTOLOGY_GRAPH, WIKIDATA_NS};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{GraphName, GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::store::{StorageError, Store};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const DCTERMS: &str = "http://purl.org/dc/terms/";
const PROV: &str = "http://www.w3.org/ns/prov#";
const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the store's lock.
    #[error("store {} is in use by another process", path.display())]
    Locked {
        /// Store directory.
        path: PathBuf,
    },
    /// A store was expected but the directory holds none.
    #[error("no store at {} (run `newsgraph ingest` first, or pass --store)", path.display())]
    Missing {
        /// Store directory.
        path: PathBuf,
    },
    /// The store could not be opened.
    #[error("cannot open store {}: {source}", path.display())]
    Open {
        /// Store directory.
        path: PathBuf,
        /// Cause.
        source: StorageError,
    },
    /// Reading or writing failed.
    #[error("store error: {0}")]
    Storage(#[from] StorageError),
    /// The shipped ontology files do not parse (a build defect).
    #[error("ontology file does not parse: {0}")]
    Ontology(String),
}

/// What happened to a document on [`GraphStore::put_document`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutOutcome {
    /// New document.
    Added,
    /// The document changed: its graph was replaced.
    Replaced,
    /// Same content hash as stored: nothing written.
    Unchanged,
}

/// A summary of one stored document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSummary {
    /// Document id.
    pub id: String,
    /// Source path, when known.
    pub path: Option<String>,
    /// Content hash.
    pub hash: String,
    /// Article date, when known.
    pub date: Option<String>,
    /// Title, when known.
    pub title: Option<String>,
    /// Number of sentences.
    pub sentences: usize,
}

/// A document's quads built ahead of the write, on any thread (see
/// [`GraphStore::put_prepared`]).
pub struct PreparedDocument {
    id: String,
    hash: String,
    quads: Vec<Quad>,
}

impl PreparedDocument {
    /// Builds the quads of an analysed document.
    pub fn new(a: &AnalyzedDocument) -> Self {
        Self {
            id: a.doc.id.clone(),
            hash: a.doc.hash.clone(),
            // The store keeps quads in its own order and once each: no sort, no dedup.
            quads: unsorted_document_quads(a),
        }
    }

    /// The document id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Number of quads to write, not counting the ingest-log entry.
    pub fn quad_count(&self) -> usize {
        self.quads.len()
    }
}

/// Index files RocksDB keeps open in a writing process. Each open file holds its index in
/// memory, so without a bound the writer's memory grows with the store (about 300 MB for a
/// 100 MB corpus, measured with `newsgraph bench --min-mb 100`); files past the bound are
/// reopened when read.
#[cfg(feature = "rocksdb")]
const MAX_OPEN_FILES: u32 = 128;

/// The embedded RDF store, on disk or in memory.
pub struct GraphStore {
    inner: Store,
}

impl GraphStore {
    /// Opens (creating if needed) a read-write store in `dir` and makes sure the current
    /// ontology is loaded.
    #[cfg(feature = "rocksdb")]
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let options = oxigraph::store::StoreOptions::default().with_max_open_files(MAX_OPEN_FILES);
        let inner = Store::open_with_options(dir, options).map_err(|e| open_error(dir, e))?;
        // A bulk write killed midway leaves its unfinished index files (`bulk-*.sst`, which
        // RocksDB does not know) behind; this process holds the lock, so none is in use.
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("bulk-") && name.ends_with(".sst") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let s = Self { inner };
        // Loading the ontology is the first write: a full disk or a read-only store shows
        // here, and the error names the store.
        s.ensure_ontology().map_err(|e| match e {
            StoreError::Storage(source) => StoreError::Open {
                path: dir.to_owned(),
                source,
            },
            other => other,
        })?;
        Ok(s)
    }

    /// Opens an existing store read-only: several readers may run at once, and beside a
    /// writer (they see the store as it was when they opened it). A directory without a store
    /// is an error rather than a new empty store.
    #[cfg(feature = "rocksdb")]
    pub fn open_read_only(dir: &Path) -> Result<Self, StoreError> {
        if !dir.join("CURRENT").is_file() {
            return Err(StoreError::Missing {
                path: dir.to_owned(),
            });
        }
        // A writer that flushes or compacts can delete a file between the moment a read-only
        // open reads the file list and the moment it opens that file, and a store being
        // created has its column families only a moment later: such opens are retried.
        let mut attempt = 0u64;
        loop {
            match Store::open_read_only(dir) {
                Ok(inner) => return Ok(Self { inner }),
                Err(e) if attempt < 40 && transient_open_error(&e) => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(25 * attempt.min(8)));
                }
                // A store whose creation was interrupted (killed before its first commit)
                // lacks column families or its version record, which only a writer adds: it
                // holds nothing yet.
                Err(e)
                    if e.to_string().contains("only possible on read-write")
                        || e.to_string()
                            .to_lowercase()
                            .contains("column family not found") =>
                {
                    return Err(StoreError::Missing {
                        path: dir.to_owned(),
                    });
                }
                Err(e) => return Err(open_error(dir, e)),
            }
        }
    }

    /// A store in memory (for `extract`, tests and the library API).
    pub fn memory() -> Result<Self, StoreError> {
        let s = Self {
            inner: Store::new()?,
        };
        s.ensure_ontology()?;
        Ok(s)
    }

    /// The oxigraph store, for the query module.
    pub(crate) fn oxigraph(&self) -> &Store {
        &self.inner
    }

    /// Loads the shipped ontology into its graph when missing or changed.
    fn ensure_ontology(&self) -> Result<(), StoreError> {
        let mut hasher = Sha256::new();
        hasher.update(ontology::CORE_TTL);
        hasher.update(ontology::RELATIONS_TTL);
        let hash = hex(&hasher.finalize());
        let g = named(ONTOLOGY_GRAPH);
        let hash_quad = Quad::new(
            g.clone(),
            named(&format!("{NS}contentHash")),
            Literal::new_simple_literal(&hash),
            g.clone(),
        );
        if self.inner.contains(&hash_quad)? {
            return Ok(());
        }
        let mut quads = vec![hash_quad];
        for ttl in [ontology::CORE_TTL, ontology::RELATIONS_TTL] {
            for q in RdfParser::from_format(RdfFormat::Turtle)
                .with_default_graph(g.clone())
                .for_slice(ttl.as_bytes())
            {
                quads.push(q.map_err(|e| StoreError::Ontology(e.to_string()))?);
            }
        }
        let mut t = self.inner.start_transaction()?;
        t.clear_graph(&g)?;
        t.extend(quads.iter());
        t.commit()?;
        Ok(())
    }

    /// The content hash stored for a document, if it is stored.
    pub fn document_hash(&self, doc_id: &str) -> Result<Option<String>, StoreError> {
        let d = named(&ontology::doc_iri(doc_id));
        let p = named(&format!("{NS}contentHash"));
        for q in self.inner.quads_for_pattern(
            Some((&d).into()),
            Some((&p).into()),
            None,
            Some(GraphNameRef::NamedNode((&d).into())),
        ) {
            if let Term::Literal(l) = q?.object {
                return Ok(Some(l.value().to_owned()));
            }
        }
        Ok(None)
    }

    /// Writes a document's graph in one transaction: the old graph (if any) is replaced as a
    /// whole, or nothing happens when the stored content hash is the same.
    pub fn put_document(
        &self,
        doc: &AnalyzedDocument,
        ingested_at: &str,
    ) -> Result<PutOutcome, StoreError> {
        if self.document_hash(&doc.doc.id)?.as_deref() == Some(doc.doc.hash.as_str()) {
            return Ok(PutOutcome::Unchanged);
        }
        self.put_prepared(&PreparedDocument::new(doc), ingested_at)
    }

    /// [`GraphStore::put_document`] with the quads built beforehand (on any thread), so that
    /// the single writer spends its time writing.
    pub fn put_prepared(
        &self,
        doc: &PreparedDocument,
        ingested_at: &str,
    ) -> Result<PutOutcome, StoreError> {
        let old = self.document_hash(&doc.id)?;
        if old.as_deref() == Some(doc.hash.as_str()) {
            return Ok(PutOutcome::Unchanged);
        }
        let g = named(&ontology::doc_iri(&doc.id));
        let log = named(INGEST_GRAPH);
        let log_quads = log_quads(&doc.id, ingested_at);
        if old.is_none()
            && !self.inner.contains_named_graph(&g)?
            && self
                .inner
                .quads_for_pattern(Some((&g).into()), None, None, Some((&log).into()))
                .next()
                .is_none()
        {
            // A new graph: nothing to remove, so one plain write batch (atomic in RocksDB,
            // like the transaction below, but without its indexed batch and reads).
            self.inner
                .extend(doc.quads.iter().chain(&log_quads).map(Quad::as_ref))?;
            return Ok(PutOutcome::Added);
        }
        let mut t = self.inner.start_transaction()?;
        t.clear_graph(&g)?;
        let stale: Vec<Quad> = t
            .quads_for_pattern(Some((&g).into()), None, None, Some((&log).into()))
            .collect::<Result<_, _>>()?;
        for q in &stale {
            t.remove(q);
        }
        t.extend(doc.quads.iter().chain(&log_quads));
        t.commit()?;
        Ok(if old.is_some() {
            PutOutcome::Replaced
        } else {
            PutOutcome::Added
        })
    }

    /// Writes documents in one atomic step through RocksDB's file ingestion (Oxigraph's bulk
    /// loader): the index files of the whole group are built apart and added together, so
    /// every document is stored whole or not at all, as with [`GraphStore::put_prepared`],
    /// but without the write-ahead log, memtable inserts and a later flush, and with each
    /// string written once per group instead of once per quad. The quads of the documents
    /// so written are moved out of them. A document already stored, or a second one with the
    /// same id, goes through [`GraphStore::put_prepared`] after the group. The outcomes come
    /// in the order of `docs`.
    pub fn put_new_documents<'a>(
        &self,
        docs: impl IntoIterator<Item = &'a mut PreparedDocument>,
        ingested_at: &str,
    ) -> Result<Vec<PutOutcome>, StoreError> {
        let mut outcomes = Vec::new();
        let mut fresh_ids = std::collections::HashSet::new();
        let mut later = Vec::new();
        let mut quads = Vec::new();
        for doc in docs {
            outcomes.push(PutOutcome::Added);
            if fresh_ids.contains(&doc.id) || !self.is_absent(&doc.id)? {
                later.push((outcomes.len() - 1, &*doc));
                continue;
            }
            quads.append(&mut doc.quads);
            quads.extend(log_quads(&doc.id, ingested_at));
            fresh_ids.insert(doc.id.clone());
        }
        if !quads.is_empty() {
            let mut loader = self.inner.bulk_loader().with_num_threads(1);
            loader.load_quads(quads)?;
            loader.commit()?;
        }
        for (i, doc) in later {
            outcomes[i] = self.put_prepared(doc, ingested_at)?;
        }
        Ok(outcomes)
    }

    /// True when nothing of the document is stored: no graph, no ingest-log entry.
    fn is_absent(&self, doc_id: &str) -> Result<bool, StoreError> {
        let g = named(&ontology::doc_iri(doc_id));
        let log = named(INGEST_GRAPH);
        Ok(!self.inner.contains_named_graph(&g)?
            && self
                .inner
                .quads_for_pattern(Some((&g).into()), None, None, Some((&log).into()))
                .next()
                .is_none())
    }

    /// Flushes pending writes to disk.
    #[cfg(feature = "rocksdb")]
    pub fn flush(&self) -> Result<(), StoreError> {
        Ok(self.inner.flush()?)
    }

    /// Ids of the stored documents, sorted.
    pub fn document_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut ids: Vec<String> = self
            .inner
            .named_graphs()
            .filter_map(|g| match g {
                Ok(NamedOrBlankNode::NamedNode(n)) => n
                    .as_str()
                    .strip_prefix(DOC_NS)
                    .map(|s| Ok(percent_decode(s))),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<_, _>>()?;
        ids.sort();
        Ok(ids)
    }

    /// Every quad of the document graphs (and, with `all`, of the ontology and ingest-log
    /// graphs), sorted by their N-Quads form so that dumps are byte-identical across runs.
    pub fn sorted_quads(&self, all: bool) -> Result<Vec<Quad>, StoreError> {
        let mut quads: Vec<(String, Quad)> = Vec::new();
        for q in self.inner.iter() {
            let q = q?;
            let keep = all
                || matches!(&q.graph_name, GraphName::NamedNode(n) if n.as_str().starts_with(DOC_NS));
            if keep {
                quads.push((q.to_string(), q));
            }
        }
        quads.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(quads.into_iter().map(|(_, q)| q).collect())
    }

    fn graph_index(&self, doc_id: &str) -> Result<GraphIndex, StoreError> {
        let g = named(&ontology::doc_iri(doc_id));
        let mut by_subject: HashMap<String, Vec<(String, Term)>> = HashMap::new();
        for q in self
            .inner
            .quads_for_pattern(None, None, None, Some((&g).into()))
        {
            let q = q?;
            let s = match &q.subject {
                NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
                NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
            };
            by_subject
                .entry(s)
                .or_default()
                .push((q.predicate.as_str().to_owned(), q.object));
        }
        Ok(GraphIndex { by_subject })
    }

    /// Summaries of every stored document, sorted by id.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        let mut out = Vec::new();
        for id in self.document_ids()? {
            let idx = self.graph_index(&id)?;
            let d = ontology::doc_iri(&id);
            let sentences = idx
                .by_subject
                .values()
                .filter(|props| {
                    props.iter().any(|(p, o)| {
                        p == rdf::TYPE.as_str()
                            && iri_of(o) == Some(format!("{NS}Sentence").as_str())
                    })
                })
                .count();
            out.push(DocumentSummary {
                path: idx.text(&d, &format!("{NS}sourcePath")),
                hash: idx
                    .text(&d, &format!("{NS}contentHash"))
                    .unwrap_or_default(),
                date: idx.text(&d, &format!("{DCTERMS}date")),
                title: idx.text(&d, &format!("{DCTERMS}title")),
                sentences,
                id,
            });
        }
        Ok(out)
    }

    /// The claims of every stored document (or of one, with `doc`) as CSV rows, sorted by
    /// document, sentence and position.
    pub fn fact_rows(&self, doc: Option<&str>) -> Result<Vec<FactRow>, StoreError> {
        let ids = match doc {
            Some(d) => vec![d.to_owned()],
            None => self.document_ids()?,
        };
        let mut rows = Vec::new();
        for id in ids {
            let idx = self.graph_index(&id)?;
            let claim_class = format!("{NS}Claim");
            for (c, props) in &idx.by_subject {
                if !props.iter().any(|(p, o)| {
                    p == rdf::TYPE.as_str() && iri_of(o) == Some(claim_class.as_str())
                }) {
                    continue;
                }
                let get = |p: &str| props.iter().find(|(pp, _)| pp == p).map(|(_, o)| o);
                let get_text = |p: &str| get(p).map(term_text).unwrap_or_default();
                let sentence = get(&format!("{NS}sentence"))
                    .and_then(iri_of)
                    .unwrap_or_default()
                    .to_owned();
                let subject = get(rdf::SUBJECT.as_str());
                let object = get(rdf::OBJECT.as_str());
                let (subject, subject_id, subject_type) = idx.describe(subject);
                let (object, object_id, mut object_type) = idx.describe(object);
                if object_id.is_empty() {
                    object_type = get_text(&format!("{NS}literalKind"));
                }
                let attribution = get(&format!("{NS}attributedTo"))
                    .map(|a| idx.describe(Some(a)).0)
                    .unwrap_or_default();
                let polarity = get(&format!("{NS}polarity"))
                    .and_then(iri_of)
                    .and_then(|p| p.strip_prefix(NS))
                    .unwrap_or("asserted")
                    .to_owned();
                rows.push(FactRow {
                    doc: id.clone(),
                    sentence_index: idx
                        .text(&sentence, &format!("{NS}index"))
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0),
                    sentence: idx
                        .text(&sentence, &format!("{NS}text"))
                        .unwrap_or_default(),
                    subject,
                    subject_id,
                    subject_type,
                    relation: get_text(&format!("{NS}relationLabel")),
                    predicate: get(rdf::PREDICATE.as_str())
                        .and_then(iri_of)
                        .unwrap_or_default()
                        .to_owned(),
                    object,
                    object_id,
                    object_type,
                    polarity,
                    confidence: get_text(&format!("{NS}confidence"))
                        .parse::<f32>()
                        .map(|c| format!("{c:.2}"))
                        .unwrap_or_default(),
                    attribution,
                    start: get_text(&format!("{NS}startByte")).parse().unwrap_or(0),
                    end: get_text(&format!("{NS}endByte")).parse().unwrap_or(0),
                    claim: c.clone(),
                });
            }
        }
        rows.sort_by(FactRow::order);
        Ok(rows)
    }

    /// Every entity with its label, type, aliases and mention counts, merged over all
    /// documents, sorted by id.
    pub fn entity_rows(&self) -> Result<Vec<EntityRow>, StoreError> {
        #[derive(Default)]
        struct Acc {
            labels: BTreeMap<String, usize>,
            types: BTreeMap<String, usize>,
            aliases: BTreeMap<String, usize>,
            mentions: usize,
            spans: Vec<(String, usize, usize)>,
            same_as: Option<String>,
        }
        let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
        let denotes = format!("{NS}denotes");
        for id in self.document_ids()? {
            let idx = self.graph_index(&id)?;
            for (s, props) in &idx.by_subject {
                if let Some(key) = s.strip_prefix(ontology::ENTITY_NS) {
                    let a = acc.entry(key.to_owned()).or_default();
                    for (p, o) in props {
                        if p == rdfs::LABEL.as_str() {
                            *a.labels.entry(term_text(o)).or_default() += 1;
                        } else if p == rdf::TYPE.as_str() {
                            if let Some(t) = iri_of(o).and_then(|t| t.strip_prefix(NS)) {
                                *a.types.entry(t.to_owned()).or_default() += 1;
                            }
                        } else if p == OWL_SAME_AS
                            && let Some(q) = iri_of(o).and_then(|t| t.strip_prefix(WIKIDATA_NS))
                        {
                            a.same_as = Some(q.to_owned());
                        }
                    }
                } else if let Some((_, target)) = props.iter().find(|(p, _)| *p == denotes) {
                    let Some(key) =
                        iri_of(target).and_then(|t| t.strip_prefix(ontology::ENTITY_NS))
                    else {
                        continue;
                    };
                    let kind = idx.text(s, &format!("{NS}mentionKind")).unwrap_or_default();
                    let a = acc.entry(key.to_owned()).or_default();
                    a.mentions += 1;
                    let byte = |p: &str| {
                        idx.text(s, &format!("{NS}{p}"))
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0)
                    };
                    a.spans
                        .push((id.clone(), byte("startByte"), byte("endByte")));
                    if kind == MentionKind::Name.as_str()
                        || kind == MentionKind::Description.as_str()
                    {
                        *a.aliases
                            .entry(idx.text(s, &format!("{NS}text")).unwrap_or_default())
                            .or_default() += 1;
                    }
                }
            }
        }
        Ok(acc
            .into_iter()
            .filter(|(_, a)| !a.labels.is_empty())
            .map(|(key, a)| {
                let label = most_frequent(&a.labels);
                let class = most_frequent(&a.types);
                let entity_type = crate::model::EntityType::parse(&class)
                    .map(|t| t.code().to_owned())
                    .unwrap_or(class);
                let mut aliases: Vec<(String, usize)> = a.aliases.into_iter().collect();
                aliases.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
                let mut spans = a.spans;
                spans.sort();
                EntityRow {
                    id: key,
                    label,
                    entity_type,
                    alias_counts: aliases.iter().map(|(_, n)| *n).collect(),
                    aliases: aliases.into_iter().map(|(s, _)| s).collect(),
                    mentions: a.mentions,
                    spans: spans
                        .into_iter()
                        .map(|(d, s, e)| format!("{d}:{s}-{e}"))
                        .collect(),
                    same_as: a
                        .same_as
                        .map(|q| format!("{WIKIDATA_NS}{q}"))
                        .unwrap_or_default(),
                }
            })
            .collect())
    }

    /// Number of quads in the document graphs.
    pub fn quad_count(&self) -> Result<usize, StoreError> {
        let mut n = 0;
        for q in self.inner.iter() {
            if matches!(&q?.graph_name, GraphName::NamedNode(g) if g.as_str().starts_with(DOC_NS)) {
                n += 1;
            }
        }
        Ok(n)
    }
}

fn most_frequent(m: &BTreeMap<String, usize>) -> String {
    // Highest count; ties go to the longer, then the alphabetically first, string.
    m.iter()
        .max_by(|a, b| {
            a.1.cmp(b.1)
                .then(a.0.len().cmp(&b.0.len()))
                .then(b.0.cmp(a.0))
        })
        .map(|(s, _)| s.clone())
        .unwrap_or_default()
}

struct GraphIndex {
    by_subject: HashMap<String, Vec<(String, Term)>>,
}

impl GraphIndex {
    fn text(&self, subject: &str, predicate: &str) -> Option<String> {
        self.by_subject
            .get(subject)?
            .iter()
            .find(|(p, _)| p == predicate)
            .map(|(_, o)| term_text(o))
    }

    /// (label or value, entity key or "", type code or "") of a claim argument.
    fn describe(&self, term: Option<&Term>) -> (String, String, String) {
        match term {
            Some(Term::NamedNode(n)) => {
                let iri = n.as_str();
                let key = iri
                    .strip_prefix(ontology::ENTITY_NS)
                    .unwrap_or(iri)
                    .to_owned();
                let label = self
                    .text(iri, rdfs::LABEL.as_str())
                    .unwrap_or_else(|| key.clone());
                let t = self
                    .by_subject
                    .get(iri)
                    .and_then(|ps| {
                        ps.iter()
                            .filter(|(p, _)| p == rdf::TYPE.as_str())
                            .find_map(|(_, o)| {
                                iri_of(o)
                                    .and_then(|c| c.strip_prefix(NS))
                                    .and_then(crate::model::EntityType::parse)
                            })
                    })
                    .map(|t| t.code().to_owned())
                    .unwrap_or_default();
                (label, key, t)
            }
            Some(t) => (term_text(t), String::new(), String::new()),
            None => Default::default(),
        }
    }
}

fn iri_of(t: &Term) -> Option<&str> {
    match t {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn term_text(t: &Term) -> String {
    match t {
        Term::Literal(l) => l.value().to_owned(),
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

/// True for the failures of a read-only open that a concurrent writer causes for a moment.
#[cfg(feature = "rocksdb")]
fn transient_open_error(e: &StorageError) -> bool {
    let msg = e.to_string().to_lowercase();
    msg.contains("no such file or directory") || msg.contains("column family not found")
}

#[cfg(feature = "rocksdb")]
fn open_error(dir: &Path, e: StorageError) -> StoreError {
    // RocksDB says "While lock file: DIR/LOCK: Resource temporarily unavailable" when another
    // process holds the lock, and "lock hold by current process" within this one. Other
    // failures around the lock file (it cannot be created: permission denied, disk full) are
    // not "in use" and keep their own message.
    let msg = e.to_string().to_lowercase();
    if msg.contains("while lock file") || msg.contains("lock hold by current process") {
        StoreError::Locked {
            path: dir.to_owned(),
        }
    } else {
        StoreError::Open {
            path: dir.to_owned(),
            source: e,
        }
    }
}

fn named(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

fn int(v: usize) -> Literal {
    Literal::new_typed_literal(v.to_string(), xsd::INTEGER)
}

fn date_literal(d: &Date) -> Literal {
    let dt = match (d.month, d.day) {
        (Some(_), Some(_)) => xsd::DATE,
        (Some(_), None) => xsd::G_YEAR_MONTH,
        _ => xsd::G_YEAR,
    };
    Literal::new_typed_literal(d.to_string(), dt)
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The ingest-log quads of a document: when and by what it was stored.
fn log_quads(doc_id: &str, ingested_at: &str) -> [Quad; 2] {
    let g = named(&ontology::doc_iri(doc_id));
    let log = named(INGEST_GRAPH);
    [
        Quad::new(
            g.clone(),
            named(&format!("{PROV}generatedAtTime")),
            Literal::new_typed_literal(ingested_at, xsd::DATE_TIME),
            log.clone(),
        ),
        Quad::new(
            g,
            named(&format!("{NS}ingestedWith")),
            Literal::new_simple_literal(concat!("newsgraph ", env!("CARGO_PKG_VERSION"))),
            log,
        ),
    ]
}

/// The quads that represent an analysed document in its graph (without the ingest log),
/// sorted by their N-Quads form and without repeats.
pub fn document_quads(a: &AnalyzedDocument) -> Vec<Quad> {
    let mut out = unsorted_document_quads(a);
    out.sort_by_cached_key(|q| q.to_string());
    out.dedup();
    out
}

/// [`document_quads`] in the order they are made, possibly with repeats.
fn unsorted_document_quads(a: &AnalyzedDocument) -> Vec<Quad> {
    let doc_iri = ontology::doc_iri(&a.doc.id);
    let g = named(&doc_iri);
    let d = named(&doc_iri);
    let mut out = Vec::new();
    let mut add = |s: &NamedNode, p: &str, o: Term| {
        out.push(Quad::new(s.clone(), named(p), o, g.clone()));
    };
    let ng = |l: &str| format!("{NS}{l}");
    add(&d, rdf::TYPE.as_str(), named(&ng("Document")).into());
    add(
        &d,
        &format!("{DCTERMS}identifier"),
        Literal::new_simple_literal(&a.doc.id).into(),
    );
    if let Some(p) = &a.doc.path {
        add(
            &d,
            &ng("sourcePath"),
            Literal::new_simple_literal(p.to_string_lossy()).into(),
        );
    }
    add(
        &d,
        &ng("contentHash"),
        Literal::new_simple_literal(&a.doc.hash).into(),
    );
    add(&d, &ng("byteLength"), int(a.doc.text.len()).into());
    add(&d, &ng("sentenceCount"), int(a.sentences.len()).into());
    if let Some(t) = &a.info.title {
        add(
            &d,
            &format!("{DCTERMS}title"),
            Literal::new_simple_literal(t).into(),
        );
    }
    if let Some(date) = &a.info.date {
        add(&d, &format!("{DCTERMS}date"), date_literal(date).into());
    }
    let sent_iri = |i: usize| named(&format!("{doc_iri}#s{i}"));
    for s in &a.sentences {
        let n = sent_iri(s.index);
        add(&n, rdf::TYPE.as_str(), named(&ng("Sentence")).into());
        add(&n, &ng("document"), d.clone().into());
        add(&n, &ng("index"), int(s.index).into());
        add(&n, &ng("startByte"), int(s.span.start).into());
        add(&n, &ng("endByte"), int(s.span.end).into());
        add(
            &n,
            &ng("text"),
            Literal::new_simple_literal(one_line(s.span.slice(&a.doc.text))).into(),
        );
    }
    let entity_node = |i: usize| named(&ontology::entity_iri(&a.entities[i].key));
    for e in &a.entities {
        let n = named(&ontology::entity_iri(&e.key));
        add(
            &n,
            rdf::TYPE.as_str(),
            named(&ontology::class_iri(e.entity_type)).into(),
        );
        add(
            &n,
            rdfs::LABEL.as_str(),
            Literal::new_simple_literal(&e.label).into(),
        );
        for alias in e.aliases.keys() {
            add(&n, &ng("alias"), Literal::new_simple_literal(alias).into());
        }
        if let Some(q) = &e.same_as {
            add(&n, OWL_SAME_AS, named(&format!("{WIKIDATA_NS}{q}")).into());
        }
    }
    for (i, m) in a.mentions.iter().enumerate() {
        let Some(ent) = m.entity else { continue };
        let n = named(&format!("{doc_iri}#m{i}"));
        add(&n, rdf::TYPE.as_str(), named(&ng("Mention")).into());
        add(&n, &ng("denotes"), entity_node(ent).into());
        add(&n, &ng("sentence"), sent_iri(m.sentence).into());
        add(&n, &ng("startByte"), int(m.span.start).into());
        add(&n, &ng("endByte"), int(m.span.end).into());
        add(&n, &ng("text"), Literal::new_simple_literal(&m.text).into());
        add(
            &n,
            &ng("mentionKind"),
            Literal::new_simple_literal(m.kind.as_str()).into(),
        );
    }
    let mut open_relations = BTreeMap::new();
    for (i, c) in a.claims.iter().enumerate() {
        let n = named(&format!("{doc_iri}#c{i}"));
        let pred = named(&ontology::relation_iri(&c.relation));
        if !c.relation.core {
            open_relations.insert(pred.clone(), c.relation.label.clone());
        }
        let subject: Term = match &c.subject {
            Arg::Entity(e) => entity_node(*e).into(),
            Arg::Literal(l) => Literal::new_simple_literal(&l.text).into(),
        };
        let object: Term = match &c.object {
            Arg::Entity(e) => entity_node(*e).into(),
            Arg::Literal(l) => match (&l.kind, &l.date) {
                (LiteralKind::Date, Some(d)) => date_literal(d).into(),
                _ => Literal::new_simple_literal(&l.text).into(),
            },
        };
        add(&n, rdf::TYPE.as_str(), named(&ng("Claim")).into());
        add(&n, rdf::SUBJECT.as_str(), subject.clone());
        add(&n, rdf::PREDICATE.as_str(), pred.clone().into());
        add(&n, rdf::OBJECT.as_str(), object.clone());
        add(
            &n,
            &ng("relationLabel"),
            Literal::new_simple_literal(&c.relation.label).into(),
        );
        add(&n, &ng("polarity"), named(&ng(c.polarity.as_str())).into());
        add(
            &n,
            &ng("confidence"),
            Literal::new_typed_literal(decimal_2(f64::from(c.confidence)), xsd::DECIMAL).into(),
        );
        add(&n, &ng("sentence"), sent_iri(c.sentence).into());
        add(&n, &ng("document"), d.clone().into());
        add(&n, &ng("startByte"), int(c.span.start).into());
        add(&n, &ng("endByte"), int(c.span.end).into());
        if let Some(att) = c.attribution {
            add(&n, &ng("attributedTo"), entity_node(att).into());
        }
        if let Some(t) = &c.time {
            add(&n, &ng("time"), date_literal(t).into());
        }
        if let Some(p) = c.place {
            add(&n, &ng("place"), entity_node(p).into());
        }
        if let Arg::Literal(l) = &c.object {
            add(
                &n,
                &ng("literalKind"),
                Literal::new_simple_literal(l.kind.code()).into(),
            );
            if let Some(v) = l.amount {
                add(
                    &n,
                    &ng("amount"),
                    Literal::new_typed_literal(format_amount(v), xsd::DECIMAL).into(),
                );
            }
            if let Some(u) = &l.unit {
                add(&n, &ng("unit"), Literal::new_simple_literal(u).into());
            }
            if let Some(q) = &l.qualifier {
                add(&n, &ng("qualifier"), Literal::new_simple_literal(q).into());
            }
        }
        if c.polarity == Polarity::Asserted
            && let Term::NamedNode(s) = &subject
        {
            add(s, pred.as_str(), object);
        }
    }
    for (pred, label) in open_relations {
        add(&pred, rdf::TYPE.as_str(), named(&ng("OpenRelation")).into());
        add(
            &pred,
            rdfs::LABEL.as_str(),
            Literal::new_simple_literal(label).into(),
        );
    }
    out
}

/// A value rounded to two decimals in the store's canonical `xsd:decimal` form (no trailing
/// zeros: `0.5`, `1`), so what `extract` prints equals what the store gives back.
pub fn decimal_2(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" || s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Decimal text of an amount without a trailing `.0`.
pub fn format_amount(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Replaces line breaks and tabs with spaces.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl MentionKind {
    /// Lower-case name stored with mentions.
    pub const fn as_str(self) -> &'static str {
        match self {
            MentionKind::Name => "name",
            MentionKind::Pronoun => "pronoun",
            MentionKind::Description => "description",
        }
    }
}

/// RDF dump formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RdfDump {
    /// N-Quads, one quad per line.
    NQuads,
    /// TriG, graphs kept.
    TriG,
    /// Turtle: the union of the graphs as triples.
    Turtle,
}

/// Writes quads (already sorted) as N-Quads.
pub fn write_nquads(quads: &[Quad], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_dump(quads, RdfDump::NQuads, out)
}

/// Writes quads (already sorted) in a dump format with the project's prefixes.
pub fn write_dump(
    quads: &[Quad],
    format: RdfDump,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rdf = match format {
        RdfDump::NQuads => RdfFormat::NQuads,
        RdfDump::TriG => RdfFormat::TriG,
        RdfDump::Turtle => RdfFormat::Turtle,
    };
    let mut ser = oxigraph::io::RdfSerializer::from_format(rdf);
    if format != RdfDump::NQuads {
        for (p, iri) in ontology::PREFIXES {
            ser = ser.with_prefix(p, iri).map_err(std::io::Error::other)?;
        }
    }
    let mut w = ser.for_writer(out);
    if format == RdfDump::Turtle {
        let mut triples: Vec<oxigraph::model::Triple> =
            quads.iter().map(|q| q.clone().into()).collect();
        triples.sort_by_key(|t| t.to_string());
        triples.dedup();
        for t in &triples {
            w.serialize_triple(t)?;
        }
    } else {
        for q in quads {
            w.serialize_quad(q)?;
        }
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: &str = "2000-01-01T00:00:00Z";

    fn prepared(id: &str, text: &str) -> PreparedDocument {
        PreparedDocument::new(&crate::pipeline::analyze_text(id, text))
    }

    #[test]
    fn a_bulk_write_stores_what_write_batches_store() {
        let texts = [
            (
                "a",
                "Jane Doe met John Roe in Ruritania on May 3, 2021. Doe did not pay Roe Holdings.",
            ),
            (
                "b",
                "The Ruritanian government arrested John Roe. Freedonia may send troops to Ruritania.",
            ),
            // A second version of `a` in the same group: stored after it, replacing it.
            ("a", "Jane Doe visited Freedonia on June 1, 2021."),
        ];
        let one_by_one = GraphStore::memory().unwrap();
        for (id, text) in texts {
            one_by_one.put_prepared(&prepared(id, text), AT).unwrap();
        }
        let bulk = GraphStore::memory().unwrap();
        // Already stored: unchanged, not written twice.
        bulk.put_prepared(&prepared("b", texts[1].1), AT).unwrap();
        let mut docs: Vec<PreparedDocument> =
            texts.iter().map(|(id, text)| prepared(id, text)).collect();
        let outcomes = bulk.put_new_documents(docs.iter_mut(), AT).unwrap();
        assert_eq!(
            outcomes,
            [
                PutOutcome::Added,
                PutOutcome::Unchanged,
                PutOutcome::Replaced
            ]
        );
        // Document graphs and ingest log (the ontology graph has blank nodes of its own).
        let written = |s: &GraphStore| -> Vec<Quad> {
            let ontology = GraphName::NamedNode(named(ONTOLOGY_GRAPH));
            let quads = s.sorted_quads(true).unwrap();
            quads
                .into_iter()
                .filter(|q| q.graph_name != ontology)
                .collect()
        };
        assert_eq!(written(&bulk), written(&one_by_one));
        assert_eq!(bulk.document_ids().unwrap(), ["a", "b"]);
    }
}
