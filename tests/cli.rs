//! End-to-end tests of the `newsgraph` binary on the seed articles: every command, the output
//! contracts, determinism, and each bad-input case with its exit code and message.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

mod common;
use common::{newsgraph, root, seed_store, stdout_of};

/// The ids of the stored documents, as the query command prints them in CSV.
fn stored_ids(store: &Path) -> String {
    stdout_of(newsgraph(store).args([
        "query",
        "--format",
        "csv",
        "SELECT ?id WHERE { ?d dcterms:identifier ?id }",
    ]))
}

fn check_golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the output; rerun with UPDATE_EXPECT=1 after checking the change",
        path.display()
    );
}

#[test]
fn ingest_summary_and_reingest_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s");
    newsgraph(&store)
        .args(["ingest", "seeds/"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^5 documents: 5 added, 0 replaced, 0 unchanged, 0 failed; \d+ sentences, \d+ facts, \d+ entities analysed in [0-9.]+s\n$").unwrap());
    let before = stdout_of(newsgraph(&store).arg("stats"));
    newsgraph(&store)
        .args(["ingest", "seeds/"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "5 documents: 0 added, 0 replaced, 5 unchanged, 0 failed; 0 sentences",
        ));
    assert_eq!(stdout_of(newsgraph(&store).arg("stats")), before);
}

#[test]
fn changed_document_replaces_its_graph() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("note.txt");
    std::fs::write(&doc, "France signed a treaty with Germany.").unwrap();
    let store = dir.path().join("s");
    newsgraph(&store).arg("ingest").arg(&doc).assert().success();
    std::fs::write(&doc, "Japan criticized China.").unwrap();
    newsgraph(&store)
        .arg("ingest")
        .arg(&doc)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "1 documents: 0 added, 1 replaced, 0 unchanged, 0 failed",
        ));
    let labels = stdout_of(newsgraph(&store).args([
        "query",
        "--format",
        "csv",
        "SELECT ?l WHERE { GRAPH ngd:note { ?e a ng:Country ; rdfs:label ?l } } ORDER BY ?l",
    ]));
    assert_eq!(labels, "l\r\nChina\r\nJapan\r\n");
}

#[test]
fn ingest_list_names_each_document_with_its_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("alpha.txt"), dir.path().join("beta.txt"));
    std::fs::write(&a, "France signed a treaty with Germany.").unwrap();
    std::fs::write(&b, "Japan criticized China.").unwrap();
    let store = dir.path().join("s");
    let listing = |out: String| -> String { out.lines().take(2).collect::<Vec<_>>().join("\n") };
    let first = stdout_of(newsgraph(&store).args(["ingest", "--list"]).arg(&a).arg(&b));
    assert_eq!(listing(first), "added alpha\nadded beta");
    std::fs::write(&b, "Japan praised China.").unwrap();
    let second = stdout_of(newsgraph(&store).args(["ingest", "-l"]).arg(&a).arg(&b));
    assert_eq!(listing(second.clone()), "unchanged alpha\nreplaced beta");
    assert!(
        second
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("2 documents: 0 added, 1 replaced, 1 unchanged"),
        "{second}"
    );
    newsgraph(&store)
        .args(["ingest", "--list", "--quiet"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn csv_exports_have_the_contract_headers() {
    let store = seed_store();
    let facts = stdout_of(newsgraph(store).args(["export", "--format", "csv"]));
    assert_eq!(
        facts.lines().next().unwrap(),
        "doc,sentence_index,sentence,subject,subject_id,subject_type,relation,predicate,object,object_id,object_type,polarity,confidence,attribution,start,end"
    );
    assert!(facts.lines().count() > 20, "too few facts:\n{facts}");
    let entities = stdout_of(newsgraph(store).args(["export", "--format", "entities"]));
    assert_eq!(
        entities.lines().next().unwrap(),
        "id,label,type,aliases,mentions,same_as,spans"
    );
    assert!(entities.contains(",COUNTRY,"), "{entities}");
}

#[test]
fn extract_matches_what_ingest_stores() {
    let extracted = stdout_of(
        Command::cargo_bin("newsgraph")
            .unwrap()
            .current_dir(root())
            .args(["extract", "seeds/"]),
    );
    let exported = stdout_of(newsgraph(seed_store()).args(["export", "--format", "csv"]));
    assert_eq!(extracted, exported);
}

#[test]
fn seed_graph_goldens() {
    let store = seed_store();
    check_golden(
        "seeds.nq",
        &stdout_of(newsgraph(store).args(["export", "--format", "nquads"])),
    );
    check_golden(
        "seeds.dot",
        &stdout_of(newsgraph(store).args(["export", "--format", "dot"])),
    );
    check_golden(
        "seeds.entities.csv",
        &stdout_of(newsgraph(store).args(["export", "--format", "entities"])),
    );
}

#[test]
fn exports_are_byte_identical_across_stores() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("s");
    newsgraph(&other)
        .args(["ingest", "seeds/"])
        .assert()
        .success();
    for format in ["nquads", "trig", "turtle", "csv", "entities", "dot"] {
        assert_eq!(
            stdout_of(newsgraph(&other).args(["export", "--format", format])),
            stdout_of(newsgraph(seed_store()).args(["export", "--format", format])),
            "{format}"
        );
    }
}

#[test]
fn example_queries_return_rows_on_the_seeds() {
    let store = seed_store();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("examples/queries")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rq") {
            let out = stdout_of(
                newsgraph(store)
                    .args(["query", "--format", "tsv", "--file"])
                    .arg(&path),
            );
            assert!(
                out.lines().count() >= 2,
                "{} returned no rows",
                path.display()
            );
            names.push(path);
        }
    }
    assert!(names.len() >= 8, "only {} example queries", names.len());
}

#[test]
fn query_formats_and_exit_codes() {
    let store = seed_store();
    let q = "SELECT (COUNT(*) AS ?n) WHERE { ?d a ng:Document }";
    assert_eq!(
        stdout_of(newsgraph(store).args(["query", "--format", "csv", q])),
        "n\r\n5\r\n"
    );
    assert_eq!(
        stdout_of(newsgraph(store).args(["query", q])),
        "?n\n──\n5\n(1 row)\n"
    );
    let json = stdout_of(newsgraph(store).args(["query", "--format", "json", q]));
    assert!(json.contains("\"head\":{\"vars\":[\"n\"]}"), "{json}");
    assert_eq!(
        stdout_of(newsgraph(store).args(["query", "ASK { ?d a ng:Document }"])),
        "true\n"
    );
    newsgraph(store)
        .args(["query", "ASK { ?d a ng:Nothing }"])
        .assert()
        .code(1)
        .stdout("false\n");
    newsgraph(store)
        .args(["query", "SELECT ?x WHERE { ?x a ng:Nothing }"])
        .assert()
        .code(1);
    let ttl = stdout_of(newsgraph(store).args([
        "query",
        "CONSTRUCT { ?d a ng:Document } WHERE { ?d a ng:Document }",
    ]));
    assert!(
        ttl.contains("@prefix ng: <https://w3id.org/newsgraph/ns#>"),
        "{ttl}"
    );
    newsgraph(store)
        .args(["query", "SELEC nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "newsgraph: malformed SPARQL query:",
        ));
}

#[test]
fn stats_and_explain() {
    let store = seed_store();
    let stats = stdout_of(newsgraph(store).arg("stats"));
    assert!(stats.starts_with("documents  5\n"), "{stats}");
    let entities = stdout_of(newsgraph(store).args(["export", "--format", "entities"]));
    let busiest = entities
        .lines()
        .skip(1)
        .filter(|l| l.contains(",COUNTRY,"))
        // The most mentioned country: mentions is the fifth of six columns.
        .max_by_key(|l| {
            l.rsplit(',')
                .nth(1)
                .and_then(|m| m.parse::<usize>().ok())
                .unwrap_or(0)
        })
        .unwrap();
    let label = busiest.split(',').nth(1).unwrap().to_owned();
    let out = stdout_of(newsgraph(store).args(["explain", &label]));
    assert!(out.contains(" —") && out.contains("#"), "{out}");
    newsgraph(store)
        .args(["explain", "Nobody At All"])
        .assert()
        .code(2)
        .stderr("newsgraph: no actor matches \"Nobody At All\"\n");
}

#[test]
fn dot_renders_with_graphviz_and_filters_are_checked() {
    let store = seed_store();
    if which("dot") {
        let svg = stdout_of(newsgraph(store).args(["export", "--format", "svg"]));
        assert!(svg.contains("<svg"), "not an SVG");
    }
    newsgraph(store)
        .args(["export", "--format", "dot", "--type", "planet"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "newsgraph: unknown --type \"planet\"",
        ));
    newsgraph(store)
        .args(["export", "--format", "dot", "--actor", "Nobody At All"])
        .assert()
        .code(2)
        .stderr("newsgraph: no actor matches --actor \"Nobody At All\"\n");
    newsgraph(store)
        .args(["export", "--format", "csv", "--doc", "missing-doc"])
        .assert()
        .code(2)
        .stderr("newsgraph: unknown --doc \"missing-doc\": no such document in the store\n");
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

#[test]
fn bad_inputs_are_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(
        docs.join("good.txt"),
        "Canada signed an agreement with Mexico.",
    )
    .unwrap();
    std::fs::write(docs.join("empty.txt"), "  \n").unwrap();
    std::fs::write(docs.join("binary.txt"), b"ab\0cd").unwrap();
    std::fs::write(docs.join("latin1.txt"), b"caf\xe9").unwrap();
    let empty_dir = dir.path().join("nothing");
    std::fs::create_dir(&empty_dir).unwrap();
    let store = dir.path().join("s");
    let out = newsgraph(&store)
        .args(["ingest", "--strict-utf8"])
        .arg(&docs)
        .arg(&empty_dir)
        .arg(dir.path().join("missing.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("6 documents: 1 added, 0 replaced, 0 unchanged, 5 failed;"),
        "{stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let d = docs.display();
    let expected = [
        format!(
            "newsgraph: {}: directory contains no .txt or .md documents",
            empty_dir.display()
        ),
        format!(
            "newsgraph: {}: no such file or directory",
            dir.path().join("missing.txt").display()
        ),
        format!(
            "newsgraph: {d}/binary.txt: binary file (NUL byte at offset 2), expected UTF-8 text"
        ),
        format!("newsgraph: {d}/empty.txt: empty document"),
        format!("newsgraph: {d}/latin1.txt: invalid UTF-8 at byte offset 3"),
    ];
    assert_eq!(stderr.lines().collect::<Vec<_>>(), expected);
    // The good document is stored.
    assert_eq!(stored_ids(&store), "id\r\ngood\r\n");
}

#[test]
fn missing_store_and_locked_store_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    newsgraph(&dir.path().join("none"))
        .arg("stats")
        .assert()
        .code(2)
        .stderr(format!(
            "newsgraph: no store at {} (run `newsgraph ingest` first, or pass --store)\n",
            dir.path().join("none").display()
        ));
    // A writer that waits on standard input holds the store's lock.
    let store = dir.path().join("s");
    let mut holder = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsgraph"))
        .arg("--store")
        .arg(&store)
        .args(["ingest", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut waited = 0;
    while !store.join("LOCK").exists() && waited < 200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    newsgraph(&store)
        .args(["ingest", "seeds/"])
        .assert()
        .code(2)
        .stderr(format!(
            "newsgraph: store {} is in use by another process\n",
            store.display()
        ));
    {
        use std::io::Write;
        let mut stdin = holder.stdin.take().unwrap();
        stdin.write_all(b"Brazil hosted Argentina.").unwrap();
    }
    assert!(holder.wait().unwrap().success());
    assert_eq!(stored_ids(&store), "id\r\nstdin\r\n");
}

#[test]
fn completions_and_help() {
    let out = stdout_of(
        Command::cargo_bin("newsgraph")
            .unwrap()
            .args(["completions", "bash"]),
    );
    assert!(out.contains("_newsgraph()"), "{out}");
    let help = stdout_of(Command::cargo_bin("newsgraph").unwrap().arg("--help"));
    for cmd in [
        "ingest",
        "extract",
        "query",
        "export",
        "stats",
        "explain",
        "completions",
    ] {
        assert!(help.contains(cmd), "help lacks {cmd}");
    }
}
