//! Helpers shared by the integration tests: running the binary on a store, the seed store,
//! and the reliability checks (pathological inputs, properties, regressions, crashes).

#![allow(dead_code, reason = "each test file uses a part of the helpers")]

use assert_cmd::Command;
use newsgraph::model::AnalyzedDocument;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository root, where `seeds/` and `examples/` are.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root on the given store, deaf to `NEWSGRAPH_STORE`.
pub fn newsgraph(store: &Path) -> Command {
    let mut c = Command::cargo_bin("newsgraph").unwrap();
    c.current_dir(root())
        .env_remove("NEWSGRAPH_STORE")
        .arg("--store")
        .arg(store);
    c
}

/// A store with the seeds ingested once for the whole test binary (read only afterwards).
pub fn seed_store() -> &'static Path {
    static STORE: OnceLock<tempfile::TempDir> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            newsgraph(&dir.path().join("store"))
                .args(["ingest", "seeds/"])
                .assert()
                .success();
            dir
        })
        .path()
        .join("store")
        .leak()
}

/// Runs the command, asserts success (showing its stderr if not) and returns its stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every offset invariant of an analysed document, as a list of violations (empty when all
/// hold): sentences, tokens, mentions and claims lie in the text on character boundaries, in
/// order; token forms are the text they span, mention texts the same on one line; each claim lies in its
/// sentence, and its CSV row carries that sentence's text and the claim's span.
pub fn span_violations(a: &AnalyzedDocument) -> Vec<String> {
    let text = &a.doc.text;
    let mut bad = Vec::new();
    let fits = |start: usize, end: usize| {
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
    };
    let mut last_end = 0;
    for (i, s) in a.sentences.iter().enumerate() {
        if s.index != i {
            bad.push(format!("sentence {i} has index {}", s.index));
        }
        if !fits(s.span.start, s.span.end) || s.span.start < last_end {
            bad.push(format!("sentence {i} span {:?}", s.span));
            continue;
        }
        last_end = s.span.end;
        for t in &s.parse.tokens {
            if !fits(t.span.start, t.span.end)
                || t.span.start < s.span.start
                || t.span.end > s.span.end
                || t.form != text[t.span.start..t.span.end]
            {
                bad.push(format!("sentence {i} token {:?} {:?}", t.form, t.span));
            }
        }
    }
    for m in &a.mentions {
        // A mention's text is its surface on one line (control characters as spaces).
        if !fits(m.span.start, m.span.end)
            || m.text != newsgraph::store::one_line(&text[m.span.start..m.span.end])
        {
            bad.push(format!("mention {:?} {:?}", m.text, m.span));
        }
        if a.sentences.get(m.sentence).is_none() {
            bad.push(format!("mention {:?} in sentence {}", m.text, m.sentence));
        }
    }
    for c in &a.claims {
        let inside = a
            .sentences
            .get(c.sentence)
            .is_some_and(|s| s.span.start <= c.span.start && c.span.end <= s.span.end);
        if !fits(c.span.start, c.span.end) || !inside {
            bad.push(format!("claim {:?} span {:?}", c.relation.label, c.span));
        }
    }
    let rows = newsgraph::export::fact_rows(a);
    for r in &rows {
        let Some(s) = a.sentences.get(r.sentence_index) else {
            bad.push(format!("row in sentence {}", r.sentence_index));
            continue;
        };
        let evidence = newsgraph::store::one_line(&text[s.span.start..s.span.end]);
        if r.sentence != evidence || r.start < s.span.start || r.end > s.span.end {
            bad.push(format!("row {:?} {}..{}", r.relation, r.start, r.end));
        }
    }
    bad
}

/// Panics with the violations when any offset invariant fails.
pub fn assert_spans(a: &AnalyzedDocument) {
    let bad = span_violations(a);
    assert!(bad.is_empty(), "{} offset violations: {bad:#?}", bad.len());
}

/// (subject, relation, object, polarity) of every claim, in order: what a reader takes from a
/// document, independent of where its bytes are.
pub fn facts(a: &AnalyzedDocument) -> Vec<(String, String, String, String)> {
    newsgraph::export::fact_rows(a)
        .into_iter()
        .map(|r| (r.subject, r.relation, r.object, r.polarity))
        .collect()
}

/// A corpus of `n` small invented news documents written into `dir` as `doc-NNN.txt`, each
/// with different actors, so that every document has its own facts and entities.
pub fn write_corpus(dir: &std::path::Path, n: usize) {
    write_corpus_sized(dir, n, 1);
}

/// [`write_corpus`] with `paragraphs` paragraphs a document, each with its own cast, so that
/// a document holds about 300 quads a paragraph.
pub fn write_corpus_sized(dir: &std::path::Path, n: usize, paragraphs: usize) {
    const FIRST: [&str; 10] = [
        "Jane", "John", "Mara", "Alan", "Ines", "Oskar", "Lena", "Tomas", "Rhea", "Victor",
    ];
    const LAST: [&str; 9] = [
        "Doe", "Roe", "Vale", "Marsh", "Quill", "Fenn", "Holt", "Brandt", "Okafor",
    ];
    const PLACES: [&str; 5] = ["Ruritania", "Freedonia", "Elbonia", "Genovia", "Latveria"];
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let mut text = format!("Talks number {i} in {}\n", PLACES[i % 5]);
        for k in 0..paragraphs {
            let j = i + 7 * k;
            let a = format!("{} {}", FIRST[j % 10], LAST[j % 9]);
            let b = format!("{} {}", FIRST[(j + 3) % 10], LAST[(j + 5) % 9]);
            let place = PLACES[j % 5];
            let other = PLACES[(j + 2) % 5];
            let org = format!("{} Holdings", LAST[(j + 7) % 9]);
            text.push_str(&format!(
                "\n{a} met {b} in {place} on May {day}, 2021. {a} did not pay {org}. \
                 {b} said {org} would sign an agreement with {other}. \
                 The {place} government arrested {b} after the meeting. \
                 {org} hired {a} as an adviser, officials said. \
                 {other} may send troops to {place}, {a} warned.\n",
                day = j % 28 + 1
            ));
        }
        std::fs::write(dir.join(format!("doc-{i:03}.txt")), text).unwrap();
    }
}

/// What a store holds, per document: the N-Quads lines of its graph, and whether the ingest
/// log records it. Read with a read-only open; a store that does not exist yet is empty.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Document graph IRI → its sorted N-Quads lines.
    pub graphs: std::collections::BTreeMap<String, Vec<String>>,
    /// Document graph IRIs that the ingest log mentions, with their number of log quads.
    pub logged: std::collections::BTreeMap<String, usize>,
}

/// Reads a [`Snapshot`] of the store in `dir`.
pub fn snapshot(dir: &std::path::Path) -> Result<Snapshot, String> {
    use newsgraph::store::{GraphStore, StoreError};
    let store = match GraphStore::open_read_only(dir) {
        Ok(s) => s,
        Err(StoreError::Missing { .. }) => return Ok(Snapshot::default()),
        Err(e) => return Err(e.to_string()),
    };
    let mut snap = Snapshot::default();
    for q in store.sorted_quads(true).map_err(|e| e.to_string())? {
        let graph = match &q.graph_name {
            oxigraph::model::GraphName::NamedNode(n) => n.as_str().to_owned(),
            _ => continue,
        };
        if graph.starts_with(newsgraph::ontology::DOC_NS) {
            snap.graphs.entry(graph).or_default().push(q.to_string());
        } else if graph == newsgraph::ontology::INGEST_GRAPH {
            let subject = match &q.subject {
                oxigraph::model::NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
                other => other.to_string(),
            };
            *snap.logged.entry(subject).or_default() += 1;
        }
    }
    Ok(snap)
}

/// Checks a store snapshot against the complete one: every document graph is either absent
/// or exactly as complete, and logged exactly when present. Returns the number present.
pub fn check_all_or_nothing(got: &Snapshot, complete: &Snapshot) -> Result<usize, String> {
    for (g, quads) in &got.graphs {
        match complete.graphs.get(g) {
            None => return Err(format!("unexpected graph {g}")),
            Some(want) if want != quads => {
                return Err(format!(
                    "graph {g} is partial: {} quads of {}",
                    quads.len(),
                    want.len()
                ));
            }
            Some(_) => {}
        }
        let logged = got.logged.get(g).copied().unwrap_or(0);
        let want_logged = complete.logged.get(g).copied().unwrap_or(0);
        if logged != want_logged {
            return Err(format!(
                "graph {g} has {logged} log quads, expected {want_logged}"
            ));
        }
    }
    if let Some(g) = got.logged.keys().find(|g| !got.graphs.contains_key(*g)) {
        return Err(format!("ingest log names {g}, whose graph is absent"));
    }
    Ok(got.graphs.len())
}
