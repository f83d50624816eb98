//! Crash safety: an ingest killed with SIGKILL at random points leaves every document either
//! fully stored (all its quads, and its ingest-log entry) or absent, the store opens, and a
//! second ingest completes the corpus to exactly what an uninterrupted run stores.

mod common;

use common::{Snapshot, check_all_or_nothing, snapshot, write_corpus_sized};
use newsgraph::batch::{BULK_MIN_QUADS, CHUNK_DOCUMENTS};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SEED: u64 = 0x5eed_c0ff_ee15_2026;

/// One crash experiment: a corpus, and how many kills to try on it.
struct Plan {
    documents: usize,
    /// Paragraphs a document (about 300 quads each).
    paragraphs: usize,
    trials: usize,
    /// Listed trials kill after the K-th listed document, K drawn from `1..=most_listed`.
    most_listed: usize,
}

fn ingest(store: &Path, corpus: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsgraph"));
    c.arg("--store")
        .arg(store)
        .arg("ingest")
        .arg(corpus)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// splitmix64: a small seeded generator, so that a failing trial can be replayed.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn stats(store: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .arg("--store")
        .arg(store)
        .arg("stats")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Small documents, 60 in one chunk of about 20,000 quads: each document is its own write
/// batch, committed and listed one by one.
#[test]
fn sigkill_during_ingest_leaves_whole_documents_and_a_resumable_store() {
    crash_trials(&Plan {
        documents: 60,
        paragraphs: 1,
        trials: 20,
        most_listed: 58,
    });
}

/// Larger documents, 128 in two chunks of about 50,000 quads: each chunk is one bulk write
/// (RocksDB file ingestion), so a kill lands while index files are being built or added.
/// Listed kills come after the first chunk is listed, while the second is analysed or written.
#[test]
fn sigkill_during_bulk_ingest_leaves_whole_documents_and_a_resumable_store() {
    crash_trials(&Plan {
        documents: 128,
        paragraphs: 3,
        trials: 10,
        most_listed: 64,
    });
}

fn crash_trials(plan: &Plan) {
    let (documents, trials) = (plan.documents, plan.trials);
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_corpus_sized(&corpus, documents, plan.paragraphs);

    // The uninterrupted run: what every store must end up as.
    let reference = dir.path().join("reference");
    let started = Instant::now();
    let out = ingest(&reference, &corpus).output().unwrap();
    let full_run = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let complete: Snapshot = snapshot(&reference).unwrap();
    assert_eq!(complete.graphs.len(), documents);
    // Which write path the plan drives: a chunk of documents over the bulk threshold or not.
    let quads: usize = complete.graphs.values().map(Vec::len).sum();
    let per_chunk = quads * CHUNK_DOCUMENTS / documents;
    assert_eq!(
        per_chunk >= BULK_MIN_QUADS,
        plan.paragraphs > 1,
        "{per_chunk} quads a chunk"
    );
    let reference_stats = stats(&reference);

    let mut state = SEED;
    let mut partial_trials = 0;
    let mut listed_trials = 0;
    for trial in 0..trials {
        let store = dir.path().join(format!("trial-{trial}"));
        // Even trials: kill points spread over the whole run, start-up and store creation
        // included. Odd trials: kill after the K-th document is listed as stored, plus up to
        // one document's worth of time, so that the kill lands mid-batch on a fast machine
        // as on a slow one, and every listed document must have survived it.
        let listed = trial % 2 == 1;
        let (delay, after) = if listed {
            let per_document = full_run.as_micros() as u64 / documents as u64;
            let after = 1 + (next(&mut state) % plan.most_listed as u64) as usize;
            (
                Duration::from_micros(next(&mut state) % (per_document + 1)),
                after,
            )
        } else {
            (
                Duration::from_micros(next(&mut state) % (full_run.as_micros() as u64 + 1)),
                0,
            )
        };
        let mut command = ingest(&store, &corpus);
        if listed {
            command.arg("--list");
            listed_trials += 1;
        }
        let mut child = command.spawn().unwrap();
        let mut seen = 0;
        if listed {
            let stdout = BufReader::new(child.stdout.take().unwrap());
            for line in stdout.lines() {
                let line = line.unwrap();
                assert!(line.starts_with("added doc-"), "trial {trial}: {line}");
                seen += 1;
                if seen == after {
                    break;
                }
            }
            assert_eq!(seen, after, "trial {trial}: the listing ended early");
        }
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();

        let after_kill = snapshot(&store).unwrap_or_else(|e| {
            panic!("trial {trial} (kill at {delay:?}): store does not open: {e}")
        });
        let present = check_all_or_nothing(&after_kill, &complete)
            .unwrap_or_else(|e| panic!("trial {trial} (kill at {delay:?}): {e}"));
        assert!(
            present >= seen,
            "trial {trial}: {seen} documents were listed as stored, {present} survived the kill"
        );
        if listed && !finished && present > 0 && present < documents {
            partial_trials += 1;
        }

        // Resuming stores the rest, and skips what is already whole.
        let out = ingest(&store, &corpus).output().unwrap();
        assert!(
            out.status.success(),
            "trial {trial}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary = String::from_utf8(out.stdout).unwrap();
        let expected = format!(
            "{documents} documents: {} added, 0 replaced, {present} unchanged, 0 failed;",
            documents - present
        );
        assert!(summary.starts_with(&expected), "trial {trial}: {summary}");
        let resumed = snapshot(&store).unwrap();
        assert_eq!(
            resumed.graphs, complete.graphs,
            "trial {trial}: resumed store differs"
        );
        assert_eq!(resumed.logged.len(), documents, "trial {trial}");
        assert_eq!(stats(&store), reference_stats, "trial {trial}");
        std::fs::remove_dir_all(&store).unwrap();
    }
    // The listed kills must have landed in the middle of the batch, or the trials proved
    // little; one in two is a wide margin for a machine that finishes the batch in between.
    assert!(
        partial_trials * 2 >= listed_trials,
        "only {partial_trials} of {listed_trials} listed kills interrupted the batch midway"
    );
}
