//! Concurrency: one writer at a time, with a clear error for the second; readers (`query`,
//! `export`, `stats`) work beside a running ingest and see whole documents only.

mod common;

use common::{check_all_or_nothing, snapshot, write_corpus};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

fn newsgraph(store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsgraph"));
    c.arg("--store").arg(store);
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

/// True when some process holds a POSIX lock on the store's LOCK file (`/proc/locks`), as
/// RocksDB's writer does for as long as it has the store open.
fn lock_held(store: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(store.join("LOCK")) else {
        return false;
    };
    let suffix = format!(":{}", meta.ino());
    std::fs::read_to_string("/proc/locks")
        .unwrap_or_default()
        .lines()
        .any(|l| {
            l.split_whitespace()
                .nth(5)
                .is_some_and(|f| f.ends_with(&suffix))
        })
}

/// An `ingest -` that opens the store and then waits for its standard input: a writer that
/// holds the lock until the test lets it go.
fn holding_writer(store: &Path) -> Child {
    let mut child = newsgraph(store)
        .args(["ingest", "--quiet", "--id", "late", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..600 {
        if lock_held(store) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the writer never locked the store");
}

#[test]
fn second_writer_is_refused_and_readers_work_beside_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_corpus(&corpus, 3);
    let store = dir.path().join("s");
    assert!(
        run(newsgraph(&store).args(["ingest", "--quiet"]).arg(&corpus))
            .status
            .success()
    );
    let before = run(newsgraph(&store).args(["export", "--format", "nquads"])).stdout;

    let mut writer = holding_writer(&store);
    let second = run(newsgraph(&store).args(["ingest", "--quiet"]).arg(&corpus));
    assert_eq!(second.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(second.stderr).unwrap(),
        format!(
            "newsgraph: store {} is in use by another process\n",
            store.display()
        )
    );
    // Readers open the store read-only beside the writer.
    let q = run(newsgraph(&store).args([
        "query",
        "--format",
        "csv",
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ng:Document }",
    ]));
    assert_eq!(String::from_utf8_lossy(&q.stderr), "");
    assert_eq!(String::from_utf8(q.stdout).unwrap(), "n\r\n3\r\n");
    let export = run(newsgraph(&store).args(["export", "--format", "nquads"]));
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert_eq!(export.stdout, before);
    assert!(run(newsgraph(&store).arg("stats")).status.success());

    // The writer goes on and stores its document.
    writer
        .stdin
        .take()
        .unwrap()
        .write_all(b"Jane Doe met John Roe in Ruritania.")
        .unwrap();
    let out = writer.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let q = run(newsgraph(&store).args([
        "query",
        "--format",
        "csv",
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ng:Document }",
    ]));
    assert_eq!(String::from_utf8(q.stdout).unwrap(), "n\r\n4\r\n");
}

#[test]
fn readers_during_a_running_ingest_see_whole_documents() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_corpus(&corpus, 40);
    let reference = dir.path().join("reference");
    assert!(
        run(newsgraph(&reference)
            .args(["ingest", "--quiet"])
            .arg(&corpus))
        .status
        .success()
    );
    let complete = snapshot(&reference).unwrap();

    let store = dir.path().join("s");
    let mut writer = newsgraph(&store)
        .args(["ingest", "--quiet"])
        .arg(&corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    let mut exports = 0;
    loop {
        let done = writer.try_wait().unwrap().is_some();
        if store.join("CURRENT").exists() {
            // The library's read-only open, as `query` and `export` use it.
            let snap = snapshot(&store).unwrap();
            seen.push(check_all_or_nothing(&snap, &complete).unwrap());
            let q = run(newsgraph(&store).args([
                "query",
                "--format",
                "tsv",
                "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ng:Document }",
            ]));
            assert!(
                q.status.code() == Some(0),
                "{}",
                String::from_utf8_lossy(&q.stderr)
            );
            if exports < 3 {
                let e = run(newsgraph(&store).args(["export", "--format", "csv"]));
                assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
                exports += 1;
            }
        }
        if done {
            break;
        }
    }
    assert!(writer.wait().unwrap().success());
    // Readers never saw documents disappear, and the last one saw them all.
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&40));
}
