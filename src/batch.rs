//! Many documents at once: sources in, facts printed (`extract`) or graphs stored (`ingest`)
//! out, with the analysis spread over a thread pool and the output in input order.
//!
//! The sources are cut into chunks whose boundaries depend only on the input (a fixed number
//! of documents and bytes), never on the number of threads, so the cross-document step
//! [`pipeline::link_batch`], which sees one chunk at a time, gives the same result whatever
//! `--jobs` is. Within a chunk, documents are read and analysed in parallel; the results are
//! then written in input order, one store transaction per document. While the store writes
//! one chunk, the pool analyses the next, so at most about three chunks are in memory: memory
//! follows the chunk size, not the corpus size.

use crate::export;
use crate::ingest::{self, IngestError, Source};
use crate::model::{AnalyzedDocument, Document};
use crate::pipeline;
use crate::store::{self, GraphStore, PreparedDocument, PutOutcome, StoreError};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::sync::mpsc;

/// Most documents in one chunk.
pub const CHUNK_DOCUMENTS: usize = 64;
/// Most bytes of text in one chunk (a chunk always takes at least one document).
pub const CHUNK_BYTES: u64 = 4 << 20;

/// Errors that stop a batch (a bad document does not: it is counted and reported).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The store failed to read or write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the output failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The thread pool could not be started.
    #[error("cannot start {jobs} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        jobs: usize,
        /// Cause.
        message: String,
    },
    /// `--shard` is not `I/N` with `0 <= I < N`.
    #[error("bad --shard {0:?}: expected I/N with 0 <= I < N, e.g. 0/4")]
    Shard(String),
}

/// One of N disjoint parts of the input, chosen by a hash of each document's id, so that N
/// machines given the same paths split them without talking to each other, and a document
/// stays in its shard when other files come and go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This part, from 0 to `count - 1` (Kubernetes' `JOB_COMPLETION_INDEX`).
    pub index: u64,
    /// Number of parts.
    pub count: u64,
}

impl Shard {
    /// Parses `I/N`.
    pub fn parse(s: &str) -> Result<Shard, BatchError> {
        let bad = || BatchError::Shard(s.to_owned());
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the document with this id belongs to this shard.
    pub fn contains(&self, doc_id: &str) -> bool {
        let h = Sha256::digest(doc_id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h[..8]);
        u64::from_be_bytes(first) % self.count == self.index
    }
}

/// How a batch runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct BatchOptions {
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Only this part of the input.
    pub shard: Option<Shard>,
    /// Draw a progress bar on standard error.
    pub progress: bool,
    /// Ingest: print one line per document on standard output as soon as its outcome is
    /// final (`added ID`, `replaced ID`, `unchanged ID`); a stored document is listed only
    /// after its transaction has committed.
    pub list: bool,
    /// How documents are decoded.
    pub read: ingest::ReadOptions,
}

/// Reads one document, printing its warnings (invalid bytes substituted) on standard error.
fn read_source(source: &Source, options: ingest::ReadOptions) -> Result<Document, IngestError> {
    let (doc, warnings) = ingest::read_with(source, options)?;
    for w in warnings {
        eprintln!("newsgraph: {w}");
    }
    Ok(doc)
}

/// One line of `ingest --list`. Standard output is line-buffered, so each line is out as soon
/// as the document's outcome is final.
fn list_outcome(list: bool, outcome: &str, id: &str) {
    if list {
        let mut out = io::stdout().lock();
        // A closed pipe must not fail the ingest: the store is what matters.
        let _ = writeln!(out, "{outcome} {id}");
    }
}

/// The document id a source will get.
pub fn source_id(source: &Source) -> String {
    match source {
        Source::File(p) => ingest::doc_id(p),
        Source::Stdin(id) => id.clone(),
    }
}

/// Keeps the sources of a shard (all of them without one), in their order.
pub fn select(sources: Vec<Source>, shard: Option<Shard>) -> Vec<Source> {
    match shard {
        None => sources,
        Some(s) => sources
            .into_iter()
            .filter(|src| s.contains(&source_id(src)))
            .collect(),
    }
}

/// Cuts sources into chunks of at most [`CHUNK_DOCUMENTS`] documents and about
/// [`CHUNK_BYTES`] bytes (file sizes; standard input counts as empty). The cut depends only on
/// the sources, never on the thread count.
pub fn chunks(sources: &[Source]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, s) in sources.iter().enumerate() {
        let size = match s {
            Source::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Source::Stdin(_) => 0,
        };
        if i > start && (i - start >= CHUNK_DOCUMENTS || bytes + size > CHUNK_BYTES) {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sources.len() {
        out.push(start..sources.len());
    }
    out
}

fn pool(jobs: usize) -> Result<rayon::ThreadPool, BatchError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("newsgraph-worker-{i}"))
        .build()
        .map_err(|e| BatchError::Threads {
            jobs,
            message: e.to_string(),
        })
}

fn progress_bar(show: bool, len: usize) -> Option<indicatif::ProgressBar> {
    (show && len > 1).then(|| {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} documents [{bar:30}] {elapsed} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

/// Output formats of [`extract`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtractFormat {
    /// The facts CSV contract.
    Csv,
    /// One JSON object per fact.
    Jsonl,
    /// N-Quads, as `ingest` stores them (each document's quads sorted).
    Nquads,
}

/// Analyses every source and prints its facts in input order, chunk by chunk. Returns the
/// documents that could not be read, one message each.
pub fn extract(
    sources: &[Source],
    format: ExtractFormat,
    options: BatchOptions,
    out: &mut dyn Write,
) -> Result<Vec<String>, BatchError> {
    let sources = select(sources.to_vec(), options.shard);
    let pool = pool(options.jobs)?;
    let bar = progress_bar(options.progress, sources.len());
    let mut failures = Vec::new();
    if format == ExtractFormat::Csv {
        export::write_facts_csv(&[], &mut *out)?;
    }
    for range in chunks(&sources) {
        let results: Vec<Result<AnalyzedDocument, String>> = pool.install(|| {
            sources[range.clone()]
                .par_iter()
                .map(|s| {
                    read_source(s, options.read)
                        .map_err(|e| e.to_string())
                        .and_then(analyze_guarded)
                })
                .collect()
        });
        let mut docs = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(d) => docs.push(d),
                Err(e) => failures.push(e),
            }
        }
        pipeline::link_batch(&mut docs);
        let rendered: Vec<Vec<u8>> = pool.install(|| {
            docs.par_iter()
                .map(|a| render(a, format))
                .collect::<io::Result<_>>()
        })?;
        for r in &rendered {
            out.write_all(r)?;
        }
        if let Some(bar) = &bar {
            bar.inc(range.len() as u64);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    out.flush()?;
    Ok(failures)
}

/// Analyses a document; a panic in the pipeline (a bug) becomes that document's error instead
/// of ending the batch.
fn analyze_guarded(doc: Document) -> Result<AnalyzedDocument, String> {
    let shown = doc
        .path
        .as_ref()
        .map_or_else(|| doc.id.clone(), |p| p.display().to_string());
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pipeline::analyze(doc))).map_err(
        |_| {
            format!(
                "{shown}: internal error while analysing (a bug: please report it with this file)"
            )
        },
    )
}

fn render(a: &AnalyzedDocument, format: ExtractFormat) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    match format {
        ExtractFormat::Csv => {
            export::write_facts_csv(&export::fact_rows(a), &mut buf)?;
            // Each document's block starts with the header, written once at the top instead.
            let skip = export::FACTS_HEADER.len() + 1;
            buf.drain(..skip.min(buf.len()));
        }
        ExtractFormat::Jsonl => export::write_facts_jsonl(&export::fact_rows(a), &mut buf)?,
        ExtractFormat::Nquads => store::write_nquads(&store::document_quads(a), &mut buf)?,
    }
    Ok(buf)
}

/// What an ingest did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// New documents.
    pub added: usize,
    /// Changed documents whose graph was replaced.
    pub replaced: usize,
    /// Documents already stored with the same content.
    pub unchanged: usize,
    /// Documents that could not be read, one message each, in input order.
    pub failures: Vec<String>,
    /// Sentences analysed.
    pub sentences: usize,
    /// Facts analysed.
    pub facts: usize,
    /// Entities analysed (per document).
    pub entities: usize,
}

impl IngestSummary {
    /// Documents seen, failed ones included.
    pub fn documents(&self) -> usize {
        self.added + self.replaced + self.unchanged + self.failures.len()
    }
}

enum Slot {
    Failed(String),
    Unchanged(String),
    Ready(Ready),
}

/// An analysed document, its quads built, waiting for the writer.
struct Ready {
    prepared: PreparedDocument,
    sentences: usize,
    facts: usize,
    entities: usize,
}

/// A chunk whose new documents hold at least this many quads is stored through the bulk
/// loader ([`GraphStore::put_new_documents`]: the index files are built apart and added at
/// once), which takes about half the CPU of write batches (measured on the bench corpus) and
/// leaves nothing in RocksDB's memtables. A smaller chunk is written one write batch per
/// document, so that a small ingest commits, and `--list`s, document by document; the test
/// corpora of `tests/crash.rs`, `tests/disk.rs` and `tests/concurrency.rs` (about 20,000
/// quads for 64 documents) are written that way.
pub const BULK_MIN_QUADS: usize = 25_000;
/// Most quads in one bulk write: its index files are built in memory (about 1 KB a quad).
pub const BULK_MAX_QUADS: usize = 100_000;
/// Quads written through write batches between two flushes of RocksDB's memtables, which
/// otherwise grow with the corpus (about 900 bytes a quad) up to 128 MB per index.
pub const FLUSH_QUADS: usize = 100_000;

/// Counts a stored document and lists it.
fn record(summary: &mut IngestSummary, ready: &Ready, outcome: PutOutcome, list: bool) {
    let word = match outcome {
        PutOutcome::Added => {
            summary.added += 1;
            "added"
        }
        PutOutcome::Replaced => {
            summary.replaced += 1;
            "replaced"
        }
        PutOutcome::Unchanged => {
            summary.unchanged += 1;
            "unchanged"
        }
    };
    list_outcome(list, word, ready.prepared.id());
    summary.sentences += ready.sentences;
    summary.facts += ready.facts;
    summary.entities += ready.entities;
}

/// Stores a group of documents in one bulk write, then counts and lists them.
fn store_group(
    store: &GraphStore,
    group: &mut Vec<Ready>,
    ingested_at: &str,
    summary: &mut IngestSummary,
    list: bool,
) -> Result<(), StoreError> {
    if group.is_empty() {
        return Ok(());
    }
    let outcomes =
        store.put_new_documents(group.iter_mut().map(|r| &mut r.prepared), ingested_at)?;
    for (ready, outcome) in group.drain(..).zip(outcomes) {
        record(summary, &ready, outcome, list);
    }
    Ok(())
}

/// Reads, analyses and stores every source: analysis on the pool, writes in input order on
/// one writer thread, while the pool goes on with the next chunk. Each document is stored
/// whole or not at all: alone in a write batch, or with the other new documents of a large
/// chunk in one bulk write. An unchanged document is skipped before analysis.
pub fn ingest(
    store: &GraphStore,
    sources: &[Source],
    options: BatchOptions,
    ingested_at: &str,
) -> Result<IngestSummary, BatchError> {
    let sources = select(sources.to_vec(), options.shard);
    let pool = pool(options.jobs)?;
    let bar = progress_bar(options.progress, sources.len());
    let ranges = chunks(&sources);
    // One chunk waits while the writer stores another: bounded memory, and the pool is kept
    // busy while RocksDB writes.
    let (tx, rx) = mpsc::sync_channel::<Vec<Slot>>(1);
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| -> Result<IngestSummary, BatchError> {
            let mut summary = IngestSummary::default();
            let mut unflushed = 0;
            let mut group: Vec<Ready> = Vec::new();
            let write_group = |group: &mut Vec<Ready>, summary: &mut IngestSummary| {
                store_group(store, group, ingested_at, summary, options.list)
            };
            for chunk in rx {
                let n = chunk.len() as u64;
                let quads: usize = chunk
                    .iter()
                    .map(|s| match s {
                        Slot::Ready(r) => r.prepared.quad_count(),
                        _ => 0,
                    })
                    .sum();
                let bulk = quads >= BULK_MIN_QUADS;
                for slot in chunk {
                    match slot {
                        Slot::Failed(e) => summary.failures.push(e),
                        Slot::Unchanged(id) => {
                            // Listed in input order: the documents before it go first.
                            write_group(&mut group, &mut summary)?;
                            summary.unchanged += 1;
                            list_outcome(options.list, "unchanged", &id);
                        }
                        Slot::Ready(ready) if bulk => {
                            group.push(ready);
                            let group_quads: usize =
                                group.iter().map(|r| r.prepared.quad_count()).sum();
                            if group_quads >= BULK_MAX_QUADS {
                                write_group(&mut group, &mut summary)?;
                            }
                        }
                        Slot::Ready(ready) => {
                            if let Some(bar) = &bar {
                                bar.set_message(ready.prepared.id().to_owned());
                            }
                            let outcome = store.put_prepared(&ready.prepared, ingested_at)?;
                            record(&mut summary, &ready, outcome, options.list);
                            unflushed += ready.prepared.quad_count();
                            if unflushed >= FLUSH_QUADS {
                                store.flush()?;
                                unflushed = 0;
                            }
                        }
                    }
                }
                write_group(&mut group, &mut summary)?;
                if let Some(bar) = &bar {
                    bar.inc(n);
                }
            }
            store.flush()?;
            Ok(summary)
        });
        let mut producer_error = None;
        for range in ranges {
            let analysed: Result<Vec<Result<Option<AnalyzedDocument>, String>>, StoreError> = pool
                .install(|| {
                    sources[range.clone()]
                        .par_iter()
                        .map(
                            |s| -> Result<Result<Option<AnalyzedDocument>, String>, StoreError> {
                                match read_source(s, options.read) {
                                    Err(e) => Ok(Err(e.to_string())),
                                    Ok(doc) => {
                                        if store.document_hash(&doc.id)?.as_deref()
                                            == Some(doc.hash.as_str())
                                        {
                                            Ok(Ok(None))
                                        } else {
                                            Ok(analyze_guarded(doc).map(Some))
                                        }
                                    }
                                }
                            },
                        )
                        .collect()
                });
            let analysed = match analysed {
                Ok(a) => a,
                Err(e) => {
                    producer_error = Some(e);
                    break;
                }
            };
            let mut docs: Vec<AnalyzedDocument> = Vec::new();
            let mut order: Vec<Result<Option<usize>, String>> = Vec::new();
            for r in analysed {
                order.push(r.map(|d| {
                    d.map(|d| {
                        docs.push(d);
                        docs.len() - 1
                    })
                }));
            }
            pipeline::link_batch(&mut docs);
            let mut prepared: Vec<Option<Slot>> = pool.install(|| {
                docs.into_par_iter()
                    .map(|a| {
                        Some(Slot::Ready(Ready {
                            sentences: a.sentences.len(),
                            facts: a.claims.len(),
                            entities: a.entities.len(),
                            prepared: PreparedDocument::new(&a),
                        }))
                    })
                    .collect()
            });
            let slots: Vec<Slot> = order
                .into_iter()
                .zip(&sources[range])
                .map(|(o, source)| match o {
                    Err(e) => Slot::Failed(e),
                    Ok(None) => Slot::Unchanged(source_id(source)),
                    Ok(Some(i)) => prepared[i]
                        .take()
                        .unwrap_or_else(|| Slot::Unchanged(source_id(source))),
                })
                .collect();
            if tx.send(slots).is_err() {
                // The writer stopped on an error, which it returns below.
                break;
            }
        }
        drop(tx);
        let summary = writer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        if let Some(e) = producer_error {
            return Err(e.into());
        }
        if let Some(bar) = bar.as_ref() {
            bar.finish_and_clear();
        }
        Ok(summary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parsing() {
        assert_eq!(Shard::parse("1/4").ok(), Some(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "1", "a/2", "0/0", "-1/3"] {
            assert_eq!(
                Shard::parse(bad).map_err(|e| e.to_string()).err(),
                Some(format!(
                    "bad --shard {bad:?}: expected I/N with 0 <= I < N, e.g. 0/4"
                )),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_id_is_in_exactly_one_shard() {
        for n in 1..6u64 {
            for id in ["a", "b", "doc-17", "2024-01-01_news", ""] {
                let hits = (0..n)
                    .filter(|&i| Shard { index: i, count: n }.contains(id))
                    .count();
                assert_eq!(hits, 1, "{id} in {n} shards");
            }
        }
    }

    #[test]
    fn chunks_cut_by_count() {
        let sources: Vec<Source> = (0..150).map(|i| Source::Stdin(format!("d{i}"))).collect();
        assert_eq!(chunks(&sources), vec![0..64, 64..128, 128..150]);
        assert_eq!(chunks(&[]), Vec::<std::ops::Range<usize>>::new());
    }
    /// A chunk of [`BULK_MIN_QUADS`] or more goes in by one bulk write and stores exactly
    /// the quads `extract` prints, each document with its ingest-log entry.
    #[test]
    fn a_large_chunk_is_stored_as_extracted() {
        let dir = tempfile::tempdir().unwrap();
        let sources: Vec<Source> = (0..64)
            .map(|i| {
                let p = dir.path().join(format!("doc-{i:03}.txt"));
                let mut text = format!("Talks number {i}\n\n");
                for k in 0..4 {
                    text.push_str(&format!(
                        "Jane Doe met John Roe in Ruritania on May {d}, 2021. Doe did not pay \
                         Roe Holdings. John Roe said Roe Holdings would sign an agreement with \
                         Freedonia. The Ruritanian government arrested Roe after the meeting. \
                         Freedonia may send troops to Ruritania, Doe warned.\n\n",
                        d = (i + k) % 28 + 1
                    ));
                }
                std::fs::write(&p, text).unwrap();
                Source::File(p)
            })
            .collect();
        let at = "2000-01-01T00:00:00Z";
        let store = GraphStore::memory().unwrap();
        let summary = ingest(&store, &sources, BatchOptions::default(), at).unwrap();
        assert_eq!((summary.added, summary.failures.len()), (64, 0));
        let lines = |bytes: Vec<u8>| {
            let mut v: Vec<String> = String::from_utf8(bytes)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect();
            v.sort();
            v
        };
        let mut stored = Vec::new();
        store::write_nquads(&store.sorted_quads(false).unwrap(), &mut stored).unwrap();
        let mut extracted = Vec::new();
        extract(
            &sources,
            ExtractFormat::Nquads,
            BatchOptions::default(),
            &mut extracted,
        )
        .unwrap();
        let (stored, extracted) = (lines(stored), lines(extracted));
        assert!(stored.len() >= BULK_MIN_QUADS, "{} quads", stored.len());
        assert!(stored == extracted, "the store differs from extract");
        assert_eq!(store.document_ids().unwrap().len(), 64);
        let log = store.sorted_quads(true).unwrap();
        let logged = log
            .iter()
            .filter(|q| q.graph_name.to_string() == format!("<{}>", crate::ontology::INGEST_GRAPH))
            .count();
        assert_eq!(logged, 128);
        let again = ingest(&store, &sources, BatchOptions::default(), at).unwrap();
        assert_eq!((again.added, again.unchanged), (0, 64));
    }
}
