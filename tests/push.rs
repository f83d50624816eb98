//! `newsgraph push` against a local fake Graph Store: one PUT per graph with the graph's
//! triples, retries on server errors, a refused graph reported while the rest go on, and a
//! second run that sends only what is missing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod common;
use common::{newsgraph, root};

/// What the fake server got, and how it misbehaves.
#[derive(Default)]
struct Fake {
    /// graph IRI → body of its last successful PUT
    graphs: BTreeMap<String, String>,
    /// PUT requests received, in order, as `graph`.
    puts: Vec<String>,
    /// Answer this many PUTs with 503 first.
    fail_first: usize,
    /// Refuse (400) the first PUT of graphs whose IRI contains this.
    refuse_once: Option<String>,
}

fn decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Starts a fake Graph Store (`/store`) and query endpoint (`/query`, answering the count of
/// document graphs held); returns its base URL.
fn fake_server(state: Arc<Mutex<Fake>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() || line.is_empty() {
                continue;
            }
            let mut parts = line.split(' ');
            let method = parts.next().unwrap_or("").to_owned();
            let target = parts.next().unwrap_or("").to_owned();
            let mut length = 0;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some((n, v)) = h.split_once(':')
                    && n.eq_ignore_ascii_case("content-length")
                {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let body = String::from_utf8(body).unwrap();
            let (status, answer) = {
                let mut st = state.lock().unwrap();
                if method == "PUT" && target.starts_with("/store?graph=") {
                    let graph = decode(&target["/store?graph=".len()..]);
                    st.puts.push(graph.clone());
                    if st.fail_first > 0 {
                        st.fail_first -= 1;
                        (503, "busy".to_owned())
                    } else if st.refuse_once.as_ref().is_some_and(|r| graph.contains(r)) {
                        st.refuse_once = None;
                        (400, "refused".to_owned())
                    } else {
                        st.graphs.insert(graph, body);
                        (204, String::new())
                    }
                } else if method == "POST" && target == "/query" {
                    let n = st
                        .graphs
                        .keys()
                        .filter(|g| g.starts_with("https://w3id.org/newsgraph/doc/"))
                        .count();
                    (
                        200,
                        format!(
                            r#"{{"head":{{"vars":["n"]}},"results":{{"bindings":[{{"n":{{"type":"literal","value":"{n}"}}}}]}}}}"#
                        ),
                    )
                } else {
                    (404, String::new())
                }
            };
            let _ = write!(
                conn,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    base
}

fn seed_store(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    newsgraph(&store)
        .args(["ingest", "seeds/"])
        .assert()
        .success();
    store
}

#[test]
fn push_retries_then_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let store = seed_store(dir.path());
    let state = Arc::new(Mutex::new(Fake {
        fail_first: 2,
        ..Fake::default()
    }));
    let base = fake_server(state.clone());
    let endpoint = format!("{base}/query");
    newsgraph(&store)
        .args(["push", "--endpoint", &endpoint, "--retries", "3"])
        .assert()
        .success()
        .stdout("6 graphs: 6 pushed, 0 skipped (already pushed), 0 failed, 2 retries; the endpoint holds 5 document graphs\n");
    {
        let st = state.lock().unwrap();
        // The ontology first, then the documents in id order; the first retried twice.
        let mut expected = vec!["https://w3id.org/newsgraph/graph/ontology".to_owned(); 3];
        let ids: Vec<String> = std::fs::read_dir(root().join("seeds"))
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .path()
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        expected.extend(
            ids.iter()
                .map(|id| format!("https://w3id.org/newsgraph/doc/{id}")),
        );
        assert_eq!(st.puts, expected);
        // Each document's body holds exactly the triples of its graph.
        let dump = newsgraph(&store)
            .args(["export", "--format", "nquads"])
            .output()
            .unwrap();
        let dump = String::from_utf8(dump.stdout).unwrap();
        for id in &ids {
            let iri = format!("https://w3id.org/newsgraph/doc/{id}");
            let suffix = format!(" <{iri}> .");
            let mut expected: Vec<String> = dump
                .lines()
                .filter_map(|l| l.strip_suffix(&suffix).map(|t| format!("{t} .")))
                .collect();
            expected.sort();
            let mut got: Vec<String> = st.graphs[&iri].lines().map(str::to_owned).collect();
            got.sort();
            assert_eq!(got, expected, "{id}");
        }
    }
    // Everything is in the push log: a second run sends nothing.
    newsgraph(&store)
        .args(["push", "--endpoint", &endpoint])
        .assert()
        .success()
        .stdout("6 graphs: 0 pushed, 6 skipped (already pushed), 0 failed, 0 retries; the endpoint holds 5 document graphs\n");
    assert_eq!(state.lock().unwrap().puts.len(), 8);
}

#[test]
fn refused_graph_is_reported_and_sent_on_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = seed_store(dir.path());
    let state = Arc::new(Mutex::new(Fake {
        refuse_once: Some("/doc/002_".to_owned()),
        ..Fake::default()
    }));
    let base = fake_server(state.clone());
    let log = dir.path().join("push.log");
    let out = newsgraph(&store)
        .args(["push", "--endpoint", "http://127.0.0.1:9/sparql"])
        .args(["--graph-store", &format!("{base}/store")])
        .arg("--log")
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "6 graphs: 5 pushed, 0 skipped (already pushed), 1 failed, 0 retries; the endpoint did not say how many document graphs it holds\n"
    );
    let iri = "https://w3id.org/newsgraph/doc/002_fed728be088dd005";
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "newsgraph: {base}/store?graph=https%3A%2F%2Fw3id.org%2Fnewsgraph%2Fdoc%2F002_fed728be088dd005: graph <{iri}> not pushed: HTTP 400: refused\n"
        )
    );
    newsgraph(&store)
        .args(["push", "--endpoint", "http://127.0.0.1:9/sparql"])
        .args(["--graph-store", &format!("{base}/store")])
        .arg("--log")
        .arg(&log)
        .assert()
        .success()
        .stdout("6 graphs: 1 pushed, 5 skipped (already pushed), 0 failed, 0 retries; the endpoint did not say how many document graphs it holds\n");
    let st = state.lock().unwrap();
    assert_eq!(st.puts.len(), 7);
    assert_eq!(st.puts.last().map(String::as_str), Some(iri));
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 6);
}

#[test]
fn no_graph_store_url_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = seed_store(dir.path());
    newsgraph(&store)
        .args(["push", "--endpoint", "http://127.0.0.1:9/somewhere"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("newsgraph: cannot tell the Graph Store URL from --endpoint http://127.0.0.1:9/somewhere: pass --graph-store URL (e.g. http://host:3030/ds/data for Fuseki)\n");
}
