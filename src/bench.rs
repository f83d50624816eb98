//! The throughput benchmark behind `newsgraph bench`: a folder of shared data in, a corpus of
//! real sentences and a table of sentences/s, MB/s and peak memory out, for extraction alone
//! and for ingest into the on-disk store, on one thread and on all.
//!
//! The corpus: the seed articles, the CaRB dev sentences and the `# text =` sentences of UD
//! English-EWT, grouped into articles of 40 sentences (paragraphs of four), optionally
//! repeated under new ids up to a size. `MANIFEST.tsv` in the corpus folder lists each
//! article's bytes and sentences, so a peer system (`benches/spacy_peer.py`) can be measured on
//! the very same text.

use crate::batch::{self, BatchOptions, ExtractFormat};
use crate::ingest::Source;
use crate::store::GraphStore;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Errors of the benchmark.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A corpus file cannot be read or written.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },
    /// Running a batch failed.
    #[error(transparent)]
    Batch(#[from] batch::BatchError),
    /// Opening the store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn file_error(path: &Path) -> impl FnOnce(io::Error) -> BenchError + '_ {
    move |source| BenchError::File {
        path: path.to_owned(),
        source,
    }
}

/// What the corpus holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corpus {
    /// Article files, in order.
    pub files: Vec<PathBuf>,
    /// Sentences given (seed sentences as the splitter counts them).
    pub sentences: usize,
    /// Bytes of text.
    pub bytes: u64,
}

/// Sentences per article and per paragraph of the built corpus.
const ARTICLE_SENTENCES: usize = 40;
const PARAGRAPH_SENTENCES: usize = 4;

/// Reads the benchmark sentences from the shared folder: EWT `# text =` lines (train, dev,
/// test) and CaRB dev sentences.
fn shared_sentences(shared: &Path) -> Result<Vec<String>, BenchError> {
    let mut out = Vec::new();
    let ewt = shared.join("data/UD_English-EWT");
    for split in ["train", "dev", "test"] {
        let p = ewt.join(format!("en_ewt-ud-{split}.conllu"));
        let f = std::fs::File::open(&p).map_err(file_error(&p))?;
        for line in io::BufReader::new(f).lines() {
            let line = line.map_err(file_error(&p))?;
            if let Some(t) = line.strip_prefix("# text = ") {
                out.push(t.trim().to_owned());
            }
        }
    }
    let carb = shared.join("benchmarks/carb/dev.txt");
    let text = std::fs::read_to_string(&carb).map_err(file_error(&carb))?;
    out.extend(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned),
    );
    Ok(out)
}

/// Writes the corpus into `dir` (created), repeating it under new ids until it holds at least
/// `min_bytes`.
pub fn build_corpus(shared: &Path, dir: &Path, min_bytes: u64) -> Result<Corpus, BenchError> {
    std::fs::create_dir_all(dir).map_err(file_error(dir))?;
    let mut articles: Vec<(String, usize)> = Vec::new();
    let seeds = shared.join("seeds");
    let mut seed_files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .map_err(file_error(&seeds))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seed_files.sort();
    for p in &seed_files {
        let text = std::fs::read_to_string(p).map_err(file_error(p))?;
        let tokens = newsgraph_nlp::tokenize::tokenize(&text);
        let n = newsgraph_nlp::split::split(&text, &tokens).len();
        articles.push((text, n));
    }
    let sentences = shared_sentences(shared)?;
    for group in sentences.chunks(ARTICLE_SENTENCES) {
        let text: Vec<String> = group
            .chunks(PARAGRAPH_SENTENCES)
            .map(|p| p.join(" "))
            .collect();
        articles.push((text.join("\n\n") + "\n", group.len()));
    }
    let mut corpus = Corpus::default();
    let mut manifest = String::from("file\tbytes\tsentences\n");
    let mut round = 0;
    loop {
        for (i, (text, n)) in articles.iter().enumerate() {
            let name = format!("r{round:03}-a{i:05}.txt");
            let p = dir.join(&name);
            std::fs::write(&p, text).map_err(file_error(&p))?;
            manifest.push_str(&format!("{name}\t{}\t{n}\n", text.len()));
            corpus.files.push(p);
            corpus.sentences += n;
            corpus.bytes += text.len() as u64;
        }
        round += 1;
        if corpus.bytes >= min_bytes {
            break;
        }
    }
    let m = dir.join("MANIFEST.tsv");
    std::fs::write(&m, manifest).map_err(file_error(&m))?;
    Ok(corpus)
}

/// One measured run.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// `extract` or `ingest`.
    pub task: &'static str,
    /// Worker threads.
    pub jobs: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Sentences per second (corpus sentences).
    pub sentences_per_s: f64,
    /// Megabytes (10^6 bytes) of text per second.
    pub mb_per_s: f64,
    /// Peak resident memory of the process during the run, in MiB (0 if unknown).
    pub peak_rss_mib: f64,
    /// CPU seconds (user + system, all threads) the run used: on a busy machine, sentences
    /// per CPU second is steadier than per wall-clock second.
    pub cpu_seconds: f64,
}

/// CPU seconds this process has used so far, all threads (Linux `/proc/self/stat`, in clock
/// ticks of 1/100 s); 0 where unknown.
pub fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may hold spaces) start after the last ')'.
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split(' ').collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

/// Resets the kernel's peak-RSS mark for this process (Linux); false where unsupported.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Peak resident memory since start or the last reset, in MiB (Linux `VmHWM`).
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Times extraction (facts CSV into nothing) and ingest (into a new store under `work`) for
/// each thread count.
pub fn run(
    corpus: &Corpus,
    work: &Path,
    jobs: &[usize],
    tasks: &[&'static str],
    mut report: impl FnMut(&Measure),
) -> Result<Vec<Measure>, BenchError> {
    let sources: Vec<Source> = corpus.files.iter().cloned().map(Source::File).collect();
    let mut out = Vec::new();
    for &task in tasks {
        for &j in jobs {
            let options = BatchOptions {
                jobs: j,
                shard: None,
                progress: false,
                list: false,
                read: Default::default(),
            };
            let peak_known = reset_peak_rss();
            let cpu_before = cpu_seconds();
            let started = Instant::now();
            if task == "extract" {
                let failures =
                    batch::extract(&sources, ExtractFormat::Csv, options, &mut io::sink())?;
                debug_assert!(failures.is_empty());
            } else {
                let dir = work.join(format!("store-{j}"));
                let _ = std::fs::remove_dir_all(&dir);
                let store = GraphStore::open(&dir)?;
                let summary = batch::ingest(&store, &sources, options, "2000-01-01T00:00:00Z")?;
                debug_assert_eq!(summary.added, sources.len());
                drop(store);
                let _ = std::fs::remove_dir_all(&dir);
            }
            let seconds = started.elapsed().as_secs_f64();
            let m = Measure {
                task,
                jobs: j,
                seconds,
                sentences_per_s: corpus.sentences as f64 / seconds,
                mb_per_s: corpus.bytes as f64 / 1e6 / seconds,
                peak_rss_mib: if peak_known { peak_rss_mib() } else { 0.0 },
                cpu_seconds: cpu_seconds() - cpu_before,
            };
            report(&m);
            out.push(m);
        }
    }
    Ok(out)
}
