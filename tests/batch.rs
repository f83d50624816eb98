//! Parallel batches end to end: the output of `extract` and `ingest` does not depend on
//! `--jobs`, documents come out in input order across chunks, a bad document is reported and
//! counted while the rest go in, and the `--shard I/N` parts make the whole, without overlap.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod common;
use common::{newsgraph, stdout_of};

const SUBJECTS: [&str; 6] = [
    "Jane Doe",
    "John Roe",
    "The Ruritanian government",
    "Freedonia",
    "The Acme Corporation",
    "Mary Major",
];
const VERBS: [&str; 5] = ["met", "criticized", "invited", "praised", "visited"];
const OBJECTS: [&str; 4] = [
    "Ruritania",
    "Richard Miles",
    "the Grand Fenwick council",
    "Latveria",
];

/// A folder of small invented articles, more than one chunk's worth.
fn corpus(dir: &Path, n: usize) -> PathBuf {
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for i in 0..n {
        let s = SUBJECTS[i % SUBJECTS.len()];
        let v = VERBS[i % VERBS.len()];
        let o = OBJECTS[i % OBJECTS.len()];
        let text = format!(
            "Talks in the capital\n\n{s} {v} {o} on Monday, officials said. {o} did not comment on the meeting with {s}.\n"
        );
        std::fs::write(docs.join(format!("doc-{i:03}.txt")), text).unwrap();
    }
    docs
}

fn extract(dir: &Path, args: &[&str]) -> String {
    stdout_of(newsgraph(&dir.join("unused")).arg("extract").args(args))
}

#[test]
fn extract_output_does_not_depend_on_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus(dir.path(), 70);
    let docs = docs.to_str().unwrap();
    for format in ["csv", "nquads", "jsonl"] {
        let one = extract(
            dir.path(),
            &[docs, "seeds/", "--format", format, "--jobs", "1"],
        );
        for jobs in ["2", "3"] {
            let many = extract(
                dir.path(),
                &[docs, "seeds/", "--format", format, "--jobs", jobs],
            );
            assert!(
                one == many,
                "{format} with --jobs {jobs} differs from --jobs 1"
            );
        }
        assert!(
            one.lines().count() > 70,
            "{format}: {} lines",
            one.lines().count()
        );
    }
}

#[test]
fn extract_keeps_input_order_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus(dir.path(), 70);
    let csv = extract(dir.path(), &[docs.to_str().unwrap(), "--jobs", "2"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "doc,sentence_index,sentence,subject,subject_id,subject_type,relation,predicate,object,object_id,object_type,polarity,confidence,attribution,start,end"
        )
    );
    let mut order: Vec<&str> = Vec::new();
    for l in lines {
        let doc = l.split(',').next().unwrap();
        if order.last() != Some(&doc) {
            order.push(doc);
        }
    }
    // Each document's rows come in one block, blocks in file order, past the first chunk.
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(order.len() > 60, "{order:?}");
    assert_eq!(order.last(), Some(&"doc-069"));
}

#[test]
fn ingest_output_does_not_depend_on_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus(dir.path(), 70);
    let mut dumps = Vec::new();
    for jobs in ["1", "2"] {
        let store = dir.path().join(format!("store-{jobs}"));
        let out = stdout_of(
            newsgraph(&store)
                .arg("ingest")
                .arg(&docs)
                .args(["seeds/", "--jobs", jobs]),
        );
        assert!(
            out.starts_with("75 documents: 75 added, 0 replaced, 0 unchanged, 0 failed; "),
            "{out}"
        );
        dumps.push(stdout_of(
            newsgraph(&store).args(["export", "--format", "nquads"]),
        ));
    }
    assert!(
        dumps[0] == dumps[1],
        "the stores differ between --jobs 1 and 2"
    );
}

#[test]
fn bad_documents_are_counted_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus(dir.path(), 3);
    std::fs::write(docs.join("zz-binary.txt"), b"Jane Doe met\0John Roe.").unwrap();
    std::fs::write(docs.join("zz-empty.txt"), b"  \n").unwrap();
    let store = dir.path().join("store");
    let out = newsgraph(&store)
        .arg("ingest")
        .arg(&docs)
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("5 documents: 3 added, 0 replaced, 0 unchanged, 2 failed; "),
        "{stdout}"
    );
    let d = docs.display();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "newsgraph: {d}/zz-binary.txt: binary file (NUL byte at offset 12), expected UTF-8 text\n\
             newsgraph: {d}/zz-empty.txt: empty document\n"
        )
    );
    let ids = stdout_of(newsgraph(&store).args([
        "query",
        "--format",
        "csv",
        "SELECT ?id WHERE { ?d a ng:Document ; dcterms:identifier ?id } ORDER BY ?id",
    ]));
    assert_eq!(ids, "id\r\ndoc-000\r\ndoc-001\r\ndoc-002\r\n");
}

#[test]
fn shards_partition_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus(dir.path(), 40);
    let docs = docs.to_str().unwrap();
    let whole = extract(dir.path(), &[docs, "seeds/", "--format", "nquads"]);
    let mut union: Vec<String> = Vec::new();
    let mut graphs_seen: Vec<BTreeSet<String>> = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let part = extract(
            dir.path(),
            &[docs, "seeds/", "--format", "nquads", "--shard", &shard],
        );
        let graphs: BTreeSet<String> = part
            .lines()
            .filter_map(|l| l.rsplit(' ').nth(1).map(str::to_owned))
            .collect();
        assert!(!graphs.is_empty(), "shard {shard} is empty");
        for earlier in &graphs_seen {
            assert!(earlier.is_disjoint(&graphs), "shards overlap");
        }
        graphs_seen.push(graphs);
        union.extend(part.lines().map(str::to_owned));
    }
    // Each shard links names across its own documents only (a surname alone is tied to a
    // full name found elsewhere in the same run), so entity IRIs may differ from one whole
    // run; everything else (documents, sentences, mentions, claims, evidence) is the same.
    let mut whole_lines = without_entity_iris(whole.lines());
    whole_lines.sort();
    let mut union = without_entity_iris(union.iter().map(String::as_str));
    union.sort();
    assert_eq!(union, whole_lines);

    // Three shard ingests into one store give the store of one whole ingest.
    let sharded = dir.path().join("sharded");
    for i in 0..3 {
        newsgraph(&sharded)
            .args(["ingest", docs, "seeds/", "--shard", &format!("{i}/3")])
            .assert()
            .success();
    }
    let single = dir.path().join("single");
    newsgraph(&single)
        .args(["ingest", docs, "seeds/"])
        .assert()
        .success();
    let dump = |s: &Path| stdout_of(newsgraph(s).args(["export", "--format", "nquads"]));
    let (sharded, single) = (dump(&sharded), dump(&single));
    let (mut sharded, mut single) = (
        without_entity_iris(sharded.lines()),
        without_entity_iris(single.lines()),
    );
    sharded.sort();
    single.sort();
    assert!(sharded == single, "sharded ingest differs");
}

/// A chunk of 25,000 quads or more goes in as one bulk write: it stores exactly what `extract`
/// prints, with every document's ingest-log entry, and reads as unchanged the next time.
#[test]
fn a_large_chunk_is_stored_whole_by_one_bulk_write() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    common::write_corpus(&docs, 64);
    // Each article three times over: about 900 quads a document, 55,000 for the chunk.
    for e in std::fs::read_dir(&docs).unwrap() {
        let p = e.unwrap().path();
        let t = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("{t}\n{t}\n{t}")).unwrap();
    }
    let store = dir.path().join("store");
    let out = stdout_of(newsgraph(&store).arg("ingest").arg(&docs));
    assert!(
        out.starts_with("64 documents: 64 added, 0 replaced, 0 unchanged, 0 failed;"),
        "{out}"
    );
    let sorted_lines = |s: String| {
        let mut v: Vec<String> = s.lines().map(str::to_owned).collect();
        v.sort();
        v.dedup();
        v
    };
    let stored = sorted_lines(stdout_of(
        newsgraph(&store).args(["export", "--format", "nquads"]),
    ));
    let extracted = sorted_lines(stdout_of(
        newsgraph(&store)
            .arg("extract")
            .arg(&docs)
            .args(["--format", "nquads"]),
    ));
    assert!(stored.len() > 25_000, "{} quads", stored.len());
    assert!(stored == extracted, "the store differs from extract");
    let snap = common::snapshot(&store).unwrap();
    assert_eq!(snap.graphs.len(), 64);
    assert_eq!(snap.logged.len(), 64);
    assert!(snap.logged.values().all(|&n| n == 2), "{:?}", snap.logged);
    let again = stdout_of(newsgraph(&store).arg("ingest").arg(&docs));
    assert!(
        again.starts_with("64 documents: 0 added, 0 replaced, 64 unchanged, 0 failed;"),
        "{again}"
    );
}

/// The quads with every entity IRI replaced by `<entity>`, leaving out the entities' own
/// descriptions (label, type, aliases), which follow cross-document linking.
fn without_entity_iris<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    const ENTITY: &str = "<https://w3id.org/newsgraph/entity/";
    lines
        .filter(|l| !l.starts_with(ENTITY))
        .map(|l| {
            let mut out = String::with_capacity(l.len());
            let mut rest = l;
            while let Some(i) = rest.find(ENTITY) {
                out.push_str(&rest[..i]);
                out.push_str("<entity>");
                let tail = &rest[i..];
                rest = &tail[tail.find('>').map_or(tail.len(), |j| j + 1)..];
            }
            out.push_str(rest);
            out
        })
        .collect()
}

#[test]
fn bad_shard_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    newsgraph(&dir.path().join("s"))
        .args(["extract", "seeds/", "--shard", "3/3"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("newsgraph: bad --shard \"3/3\": expected I/N with 0 <= I < N, e.g. 0/4\n");
}
