//! Disk full and permission denied, simulated: the error is one clear line naming the store,
//! nothing half-written is left, and the store opens and completes afterwards.
//!
//! Disk full is simulated with a file-size limit (`ulimit -f`, RLIMIT_FSIZE, with SIGXFSZ
//! ignored so that writes fail with EFBIG as on a full disk); permission denied with a store
//! folder the ingesting user cannot write (as root, the child runs as `nobody` through
//! `setpriv`, since root ignores permission bits).

mod common;

use common::{check_all_or_nothing, snapshot, write_corpus};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_newsgraph")
}

fn newsgraph(store: &Path) -> Command {
    let mut c = Command::new(bin());
    c.arg("--store").arg(store);
    c
}

/// The command run under a shell with a file-size limit of `kib` KiB.
fn limited(kib: u64, store: &Path) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {}; exec \"$0\" \"$@\"",
            kib * 2
        ))
        .arg(bin())
        .arg("--store")
        .arg(store);
    c
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| text(&o.stdout).trim() == "0")
}

/// The command run as a user who cannot write where root wrote (as root: `nobody`).
fn unprivileged(store: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin()])
            .arg("--store")
            .arg(store);
        c
    } else {
        newsgraph(store)
    }
}

#[test]
fn disk_full_during_ingest_is_a_clear_error_and_the_store_survives() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_corpus(&corpus, 120);
    let reference = dir.path().join("reference");
    let out = newsgraph(&reference)
        .arg("ingest")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let complete = snapshot(&reference).unwrap();

    let store = dir.path().join("s");
    let first = corpus.join("doc-000.txt");
    assert!(
        newsgraph(&store)
            .args(["ingest", "--quiet"])
            .arg(&first)
            .status()
            .unwrap()
            .success()
    );
    // 256 KiB per file: the write-ahead log fills up partway through the corpus.
    let out: Output = limited(256, &store)
        .args(["ingest", "--quiet"])
        .arg(&corpus)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let prefix = format!("newsgraph: cannot write to store {}: ", store.display());
    assert!(stderr.starts_with(&prefix), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");

    let after = snapshot(&store).unwrap();
    let present = check_all_or_nothing(&after, &complete).unwrap();
    assert!((1..120).contains(&present), "{present} documents stored");
    // With room again, the same command completes the corpus.
    let out = newsgraph(&store)
        .arg("ingest")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with(&format!(
            "120 documents: {} added, 0 replaced, {present} unchanged, 0 failed;",
            120 - present
        )),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(snapshot(&store).unwrap().graphs, complete.graphs);
}

/// A small tmpfs, unmounted on drop; `None` where mounting is not allowed (not root, or no
/// CAP_SYS_ADMIN in this sandbox).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, kib: u64) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The real thing where the sandbox allows it: a store on a 1 MiB tmpfs runs out of space.
#[test]
fn full_tmpfs_is_a_clear_error_and_the_store_survives() {
    let dir = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(&dir.path().join("small"), 1024) else {
        eprintln!("mount not permitted here: the file-size limit test covers disk full");
        return;
    };
    let corpus = dir.path().join("corpus");
    write_corpus(&corpus, 200);
    let store = fs.0.join("s");
    let out = newsgraph(&store)
        .args(["ingest", "--quiet"])
        .arg(&corpus)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Whichever store operation meets the full disk first reports it, naming the store.
    let named = [
        "cannot write to store",
        "cannot read store",
        "cannot open store",
    ]
    .iter()
    .any(|what| stderr.starts_with(&format!("newsgraph: {what} {}: ", store.display())));
    assert!(named, "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    let reference = dir.path().join("reference");
    assert!(
        newsgraph(&reference)
            .args(["ingest", "--quiet"])
            .arg(&corpus)
            .status()
            .unwrap()
            .success()
    );
    let complete = snapshot(&reference).unwrap();
    let present = check_all_or_nothing(&snapshot(&store).unwrap(), &complete).unwrap();
    assert!(present < 200);
}

#[test]
fn read_only_store_folder_refuses_ingest_clearly_and_still_serves_reads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let corpus = dir.path().join("corpus");
    write_corpus(&corpus, 4);
    let store = dir.path().join("s");
    let out = newsgraph(&store)
        .args(["ingest", "--quiet"])
        .arg(corpus.join("doc-000.txt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = snapshot(&store).unwrap();
    // Read-only for everyone but root, who is not asked.
    set_mode_recursive(&store, 0o555, 0o444);

    let out = unprivileged(&store)
        .args(["ingest", "--quiet"])
        .arg(&corpus)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "newsgraph: cannot open store {}: ",
            store.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("Permission denied"), "{stderr}");

    // Reading needs no write access.
    let q = unprivileged(&store)
        .args([
            "query",
            "--format",
            "csv",
            "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ng:Document }",
        ])
        .output()
        .unwrap();
    assert_eq!(text(&q.stderr), "");
    assert_eq!(text(&q.stdout), "n\r\n1\r\n");

    // Writable again, the store opens as it was and takes the rest.
    set_mode_recursive(&store, 0o755, 0o644);
    assert_eq!(snapshot(&store).unwrap(), before);
    let out = newsgraph(&store)
        .arg("ingest")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("4 documents: 3 added, 0 replaced, 1 unchanged, 0 failed;")
    );
}

#[test]
fn unreadable_input_is_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let corpus = dir.path().join("corpus");
    write_corpus(&corpus, 2);
    let secret = corpus.join("doc-001.txt");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let store = dir.path().join("s");
    std::fs::create_dir(&store).unwrap();
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = unprivileged(&store)
        .arg("ingest")
        .arg(&corpus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "newsgraph: {}: cannot read: Permission denied (os error 13)\n",
            secret.display()
        )
    );
    assert!(
        text(&out.stdout).starts_with("2 documents: 1 added, 0 replaced, 0 unchanged, 1 failed;")
    );
}

fn set_mode_recursive(path: &Path, dir_mode: u32, file_mode: u32) {
    let meta = std::fs::metadata(path).unwrap();
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            set_mode_recursive(&entry.unwrap().path(), dir_mode, file_mode);
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(dir_mode)).unwrap();
    } else {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(file_mode)).unwrap();
    }
}
