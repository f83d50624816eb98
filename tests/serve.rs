//! The SPARQL endpoint end to end: `newsgraph serve` started on a free loopback port, asked
//! with a real HTTP client (ureq) and with raw sockets for what no polite client sends:
//! protocol and content negotiation, Graph Store reads and writes, the page, every error
//! status, and a bounded load test that checks the server keeps serving without growing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

mod common;
use common::{newsgraph, root, seed_store};

/// A running server, killed when dropped.
struct Server {
    child: Child,
    base: String,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(store: &Path, extra: &[&str]) -> Server {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .current_dir(root())
        .env_remove("NEWSGRAPH_STORE")
        .arg("--store")
        .arg(store)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server {
        child,
        base: format!("http://{addr}"),
        addr,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// (status, content type, body)
fn get(url: &str, accept: Option<&str>) -> (u16, String, String) {
    let mut req = agent().get(url);
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    finish(req.call().unwrap())
}

fn post(url: &str, content_type: &str, accept: Option<&str>, body: &str) -> (u16, String, String) {
    let mut req = agent().post(url).header("Content-Type", content_type);
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    finish(req.send(body).unwrap())
}

fn finish(mut resp: ureq::http::Response<ureq::Body>) -> (u16, String, String) {
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = resp
        .body_mut()
        .with_config()
        .limit(100 << 20)
        .read_to_string()
        .unwrap();
    (resp.status().as_u16(), ct, body)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Sends raw bytes and returns the status code of the answer (0 if none came).
fn raw(addr: &str, bytes: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    status_of(&out)
}

fn status_of(response: &[u8]) -> u16 {
    String::from_utf8_lossy(response)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

const COUNT_DOCS: &str = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ng:Document }";

#[test]
fn query_protocol_and_negotiation() {
    let server = start(seed_store(), &[]);
    let url = format!("{}/query?query={}", server.base, encode(COUNT_DOCS));
    assert_eq!(
        get(&url, None),
        (
            200,
            "application/sparql-results+json; charset=utf-8".into(),
            r#"{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"5","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}"#.into()
        )
    );
    assert_eq!(
        get(&url, Some("text/csv")),
        (200, "text/csv; charset=utf-8".into(), "n\r\n5\r\n".into())
    );
    assert_eq!(
        get(&url, Some("text/tab-separated-values")),
        (
            200,
            "text/tab-separated-values; charset=utf-8".into(),
            "?n\n5\n".into()
        )
    );
    let (status, ct, xml) = get(&url, Some("application/sparql-results+xml"));
    assert_eq!(
        (status, ct.as_str()),
        (200, "application/sparql-results+xml; charset=utf-8")
    );
    assert!(xml.contains(r#"<binding name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">5</literal></binding>"#), "{xml}");
    // POST, form-encoded and direct, give the same answer as GET.
    let form = format!("query={}", encode(COUNT_DOCS));
    let q = format!("{}/query", server.base);
    assert_eq!(
        post(
            &q,
            "application/x-www-form-urlencoded",
            Some("text/csv"),
            &form
        )
        .2,
        "n\r\n5\r\n"
    );
    assert_eq!(
        post(&q, "application/sparql-query", Some("text/csv"), COUNT_DOCS).2,
        "n\r\n5\r\n"
    );
    assert_eq!(
        post(
            &q,
            "application/sparql-query",
            None,
            "ASK { ?d a ng:Document }"
        ),
        (
            200,
            "application/sparql-results+json; charset=utf-8".into(),
            r#"{"head":{},"boolean":true}"#.into()
        )
    );
    // A graph answer in each RDF format.
    let construct = "CONSTRUCT { ?d a ng:Document } WHERE { ?d a ng:Document ; dcterms:identifier \"000_4118d443cf43b723\" }";
    let doc = "<https://w3id.org/newsgraph/doc/000_4118d443cf43b723>";
    assert_eq!(
        post(
            &q,
            "application/sparql-query",
            Some("application/n-triples"),
            construct
        ),
        (
            200,
            "application/n-triples; charset=utf-8".into(),
            format!(
                "{doc} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/newsgraph/ns#Document> .\n"
            )
        )
    );
    let (status, ct, ttl) = post(&q, "application/sparql-query", None, construct);
    assert_eq!((status, ct.as_str()), (200, "text/turtle; charset=utf-8"));
    assert!(
        ttl.contains("ngd:000_4118d443cf43b723 a ng:Document"),
        "{ttl}"
    );
    let (status, ct, rdfxml) = post(
        &q,
        "application/sparql-query",
        Some("application/rdf+xml"),
        construct,
    );
    assert_eq!(
        (status, ct.as_str()),
        (200, "application/rdf+xml; charset=utf-8")
    );
    assert!(rdfxml.contains("<rdf:RDF"), "{rdfxml}");
}

#[test]
fn example_query_matches_the_command_line() {
    let server = start(seed_store(), &[]);
    let text = std::fs::read_to_string(root().join("examples/queries/who-met-whom.rq")).unwrap();
    let cli = newsgraph(seed_store())
        .args(["query", "--format", "csv", &text])
        .output()
        .unwrap();
    let served = post(
        &format!("{}/query", server.base),
        "application/sparql-query",
        Some("text/csv"),
        &text,
    );
    assert_eq!(served.0, 200);
    assert_eq!(served.2, String::from_utf8(cli.stdout).unwrap());
    assert!(served.2.lines().count() > 1, "no rows: {}", served.2);
}

#[test]
fn graph_store_reads() {
    let server = start(seed_store(), &[]);
    let iri = "https://w3id.org/newsgraph/doc/001_5af763d636fa3a4c";
    let (status, ct, body) = get(
        &format!("{}/store?graph={}", server.base, encode(iri)),
        Some("application/n-triples"),
    );
    assert_eq!(
        (status, ct.as_str()),
        (200, "application/n-triples; charset=utf-8")
    );
    // The same triples as the graph's quads in the export.
    let dump = newsgraph(seed_store())
        .args(["export", "--format", "nquads"])
        .output()
        .unwrap();
    let suffix = format!(" <{iri}> .");
    let mut expected: Vec<String> = String::from_utf8(dump.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_suffix(&suffix).map(|t| format!("{t} .")))
        .collect();
    expected.sort();
    let mut got: Vec<String> = body.lines().map(str::to_owned).collect();
    got.sort();
    assert!(expected.len() > 50, "{} quads", expected.len());
    assert_eq!(got, expected);
    let missing = format!(
        "{}/store?graph={}",
        server.base,
        encode("https://w3id.org/newsgraph/doc/no-such")
    );
    assert_eq!(
        get(&missing, None),
        (
            404,
            "text/plain; charset=utf-8".into(),
            "no graph <https://w3id.org/newsgraph/doc/no-such> in the store\n".into()
        )
    );
    let (status, ct, all) = get(&format!("{}/store", server.base), None);
    assert_eq!(
        (status, ct.as_str()),
        (200, "application/n-quads; charset=utf-8")
    );
    assert!(all.lines().count() > expected.len());
    assert_eq!(
        get(&format!("{}/store?default&graph=x", server.base), None).0,
        400
    );
}

#[test]
fn page_and_graph() {
    let server = start(seed_store(), &[]);
    let (status, ct, html) = get(&format!("{}/", server.base), None);
    assert_eq!((status, ct.as_str()), (200, "text/html; charset=utf-8"));
    assert!(html.contains("<textarea id=\"query\""));
    assert!(html.contains(r#""name":"who-met-whom""#));
    assert!(!html.contains("{{"), "a placeholder was left in the page");
    let (status, ct, svg) = get(&format!("{}/graph.svg", server.base), None);
    assert_eq!((status, ct.as_str()), (200, "image/svg+xml"), "{svg}");
    assert!(svg.contains("<svg"), "{svg}");
}

#[test]
fn errors_get_their_status_and_the_server_goes_on() {
    let server = start(
        seed_store(),
        &[
            "--max-body",
            "2000",
            "--client-timeout",
            "1",
            "--timeout",
            "0.5",
        ],
    );
    let q = format!("{}/query", server.base);
    let text = |r: (u16, String, String)| (r.0, r.2);
    assert_eq!(
        text(post(
            &format!("{}/update", server.base),
            "application/sparql-update",
            None,
            "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
        )),
        (
            403,
            "updates are disabled: start the server with --allow-update\n".into()
        )
    );
    let (status, body) = text(post(&q, "application/sparql-query", None, "SELEKT nothing"));
    assert_eq!(status, 400);
    assert!(body.starts_with("malformed SPARQL query: "), "{body}");
    assert_eq!(text(get(&q, None)).0, 400);
    assert_eq!(
        text(post(&q, "text/plain", None, COUNT_DOCS)),
        (
            415,
            "unsupported Content-Type \"text/plain\": use application/sparql-query or application/x-www-form-urlencoded\n".into()
        )
    );
    assert_eq!(
        get(
            &format!("{q}?query={}", encode(COUNT_DOCS)),
            Some("image/png")
        )
        .0,
        406
    );
    assert_eq!(get(&format!("{}/nothing", server.base), None).0, 404);
    let put = agent()
        .put(&format!("{}/store?default", server.base))
        .header("Content-Type", "text/turtle")
        .send("<http://example.org/a> <http://example.org/b> 1 .")
        .unwrap();
    assert_eq!(finish(put).0, 403);
    let delete = agent().delete(&q).call().unwrap();
    assert_eq!(finish(delete).0, 405);
    // A body over --max-body, announced and sent.
    let big = format!("query={}", "x".repeat(3000));
    assert_eq!(
        text(post(&q, "application/x-www-form-urlencoded", None, &big)),
        (
            413,
            "request body larger than the limit of 2000 bytes (--max-body)\n".into()
        )
    );
    // A huge body announced but not sent: refused before reading it.
    assert_eq!(
        raw(
            &server.addr,
            b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 10000000000\r\n\r\nSELECT"
        ),
        413
    );
    // Malformed requests.
    assert_eq!(raw(&server.addr, b"GARBAGE\r\n\r\n"), 400);
    assert_eq!(raw(&server.addr, b"GET /query HTTP/2.0\r\n\r\n"), 505);
    assert_eq!(
        raw(&server.addr, b"GET / HTTP/1.1\r\nno colon here\r\n\r\n"),
        400
    );
    let mut long = b"GET / HTTP/1.1\r\nX-Long: ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 20_000));
    long.extend(b"\r\n\r\n");
    assert_eq!(raw(&server.addr, &long), 431);
    assert_eq!(
        raw(&server.addr, b"GET /query?query=%ZZ HTTP/1.1\r\n\r\n"),
        400
    );
    assert_eq!(
        raw(
            &server.addr,
            b"POST /query HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        ),
        400
    );
    // A chunked body is read.
    let chunked = format!(
        "POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nAccept: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{COUNT_DOCS}\r\n0\r\n\r\n",
        COUNT_DOCS.len()
    );
    assert_eq!(raw(&server.addr, chunked.as_bytes()), 200);
    // A slow client: half a request, then silence past --client-timeout.
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // Meanwhile other clients are served.
    assert_eq!(get(&format!("{}/", server.base), None).0, 200);
    let mut answer = Vec::new();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = slow.read_to_end(&mut answer);
    assert_eq!(status_of(&answer), 408);
    // A query past --timeout is cancelled.
    // Every path from every node: reads the store over and over, so it stops when cancelled.
    let heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<http://example.org/none>)* ?b . ?b (!<http://example.org/none>)* ?c }";
    assert_eq!(
        text(post(&q, "application/sparql-query", None, heavy)),
        (
            503,
            "query cancelled after the time limit of 0.5 s (--timeout)\n".into()
        )
    );
    // And the server still answers.
    assert_eq!(
        post(&q, "application/sparql-query", Some("text/csv"), COUNT_DOCS).2,
        "n\r\n5\r\n"
    );
}

#[test]
fn updates_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let doc = dir.path().join("note.txt");
    std::fs::write(&doc, "Jane Doe met John Roe in Ruritania on Monday.").unwrap();
    newsgraph(&store).arg("ingest").arg(&doc).assert().success();
    let server = start(&store, &["--allow-update"]);
    let q = format!("{}/query", server.base);
    let ask = "ASK { <http://example.org/a> <http://example.org/b> 1 }";
    assert_eq!(
        post(&q, "application/sparql-query", None, ask).2,
        r#"{"head":{},"boolean":false}"#
    );
    let (status, _, body) = post(
        &format!("{}/update", server.base),
        "application/x-www-form-urlencoded",
        None,
        &format!(
            "update={}",
            encode("INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }")
        ),
    );
    assert_eq!((status, body.as_str()), (204, ""));
    assert_eq!(
        post(&q, "application/sparql-query", None, ask).2,
        r#"{"head":{},"boolean":true}"#
    );
    // Graph Store writes: PUT creates, GET reads, DELETE removes.
    let g = format!(
        "{}/store?graph={}",
        server.base,
        encode("http://example.org/g")
    );
    let put = |body: &str| {
        finish(
            agent()
                .put(&g)
                .header("Content-Type", "application/n-triples")
                .send(body)
                .unwrap(),
        )
        .0
    };
    assert_eq!(
        put("<http://example.org/s> <http://example.org/p> \"one\" .\n"),
        201
    );
    assert_eq!(
        put("<http://example.org/s> <http://example.org/p> \"two\" .\n"),
        204
    );
    assert_eq!(
        get(&g, Some("application/n-triples")).2,
        "<http://example.org/s> <http://example.org/p> \"two\" .\n"
    );
    assert_eq!(finish(agent().delete(&g).call().unwrap()).0, 204);
    assert_eq!(get(&g, None).0, 404);
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// 10,000 requests from 4 clients, one in five malformed or failing: each gets its status,
/// and the server's memory after the last is within 16 MiB of what it was after the first
/// 2,000 (a leak of a few hundred bytes per request would exceed it).
#[test]
fn load_test_without_failure_or_growth() {
    let server = start(seed_store(), &["--workers", "4"]);
    let addr = server.addr.clone();
    let run = |from: usize, to: usize| {
        std::thread::scope(|s| {
            for t in 0..4 {
                let addr = addr.clone();
                s.spawn(move || {
                    for i in (from..to).filter(|i| i % 4 == t) {
                        let (request, expected): (Vec<u8>, u16) = match i % 5 {
                            0 => (b"BROKEN\r\n\r\n".to_vec(), 400),
                            1 => (
                                b"GET /query?query=SELECT HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
                                400,
                            ),
                            2 => (
                                format!(
                                    "POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nAccept: text/csv\r\nContent-Length: {}\r\n\r\n{COUNT_DOCS}",
                                    COUNT_DOCS.len()
                                )
                                .into_bytes(),
                                200,
                            ),
                            3 => (b"GET / HTTP/1.1\r\n\r\n".to_vec(), 200),
                            _ => (
                                format!("GET /query?query={} HTTP/1.1\r\n\r\n", encode(COUNT_DOCS))
                                    .into_bytes(),
                                200,
                            ),
                        };
                        assert_eq!(raw(&addr, &request), expected, "request {i}");
                    }
                });
            }
        });
    };
    run(0, 2_000);
    let before = rss_kib(server.child.id());
    run(2_000, 10_000);
    let after = rss_kib(server.child.id());
    assert!(
        after < before + 16 * 1024,
        "server memory grew from {before} KiB to {after} KiB"
    );
    assert_eq!(
        post(
            &format!("{}/query", server.base),
            "application/sparql-query",
            Some("text/csv"),
            COUNT_DOCS
        )
        .2,
        "n\r\n5\r\n"
    );
}
