//! The SPARQL endpoint: a store and a listening socket in, HTTP responses out. It speaks the
//! SPARQL 1.1 Protocol (`/query`, `/update`), reads graphs with the SPARQL 1.1 Graph Store
//! Protocol (`/store`), and serves a page with a query box (`/`) and the actor graph
//! (`/graph.svg`).
//!
//! The HTTP/1.1 server is our own and small on purpose: a fixed pool of worker threads takes
//! accepted connections from a bounded queue (a full queue is answered `503` at once), every
//! request must arrive whole within the client timeout (`408` otherwise, so a slow client holds
//! a worker for a bounded time), bodies over the limit get `413` unread, and each connection
//! serves one request and is closed, so an idle client never holds a worker. Queries run
//! with a cancellation token that a watchdog fires after the query timeout (`503`).
//!
//! Architecture invariant: like `store` and `query`, this module touches oxigraph; it never
//! writes to the store unless updates were allowed when it started.

use crate::export::{ActorGraph, GraphFilter};
use crate::ontology::PREFIXES;
use crate::store::GraphStore;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad, Triple};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryResults};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PAGE: &str = include_str!("serve_page.html");

/// The example queries shown on the page, compiled in (a test checks the list against
/// `examples/queries/`).
pub const EXAMPLES: [(&str, &str); 9] = [
    (
        "who-met-whom",
        include_str!("../examples/queries/who-met-whom.rq"),
    ),
    (
        "actor-activity",
        include_str!("../examples/queries/actor-activity.rq"),
    ),
    (
        "actors-by-relations",
        include_str!("../examples/queries/actors-by-relations.rq"),
    ),
    (
        "country-holdings",
        include_str!("../examples/queries/country-holdings.rq"),
    ),
    (
        "edge-evidence",
        include_str!("../examples/queries/edge-evidence.rq"),
    ),
    (
        "facts-by-date",
        include_str!("../examples/queries/facts-by-date.rq"),
    ),
    (
        "facts-from-source",
        include_str!("../examples/queries/facts-from-source.rq"),
    ),
    ("roles", include_str!("../examples/queries/roles.rq")),
    (
        "uncertain-claims",
        include_str!("../examples/queries/uncertain-claims.rq"),
    ),
];

/// Longest request line or header line.
const MAX_LINE: u64 = 16 * 1024;
/// Most header lines in a request.
const MAX_HEADERS: usize = 100;
/// Accepted connections waiting for a worker before new ones are turned away.
const QUEUE: usize = 64;

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Accept SPARQL updates on `/update` (otherwise `403`).
    pub allow_update: bool,
    /// Largest request body in bytes (`413` above).
    pub max_body: usize,
    /// Longest a query may run (`503` after).
    pub query_timeout: Duration,
    /// Longest a client may take to send its request (`408` after) or read the response.
    pub client_timeout: Duration,
    /// Worker threads.
    pub workers: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            allow_update: false,
            max_body: 1 << 20,
            query_timeout: Duration::from_secs(30),
            client_timeout: Duration::from_secs(10),
            workers: 8,
        }
    }
}

/// Errors that stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Cause.
        source: io::Error,
    },
    /// The listening socket failed.
    #[error("server socket error: {0}")]
    Io(#[from] io::Error),
}

/// Opens the listening socket (`127.0.0.1:0` picks a free port; see `local_addr`).
pub fn bind(addr: &str) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr).map_err(|source| ServeError::Bind {
        addr: addr.to_owned(),
        source,
    })
}

/// Whether an address can be reached only from this machine.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

struct App {
    store: GraphStore,
    options: ServeOptions,
    page: String,
    svg: Mutex<Option<Vec<u8>>>,
    /// Queries running, timed-out ones that have not stopped yet included.
    running: Arc<AtomicUsize>,
}

/// Serves requests on `listener` until the process ends.
pub fn serve(
    store: GraphStore,
    listener: TcpListener,
    options: ServeOptions,
) -> Result<(), ServeError> {
    let app = App {
        page: page(),
        store,
        options,
        svg: Mutex::new(None),
        running: Arc::new(AtomicUsize::new(0)),
    };
    let (tx, rx) = mpsc::sync_channel::<TcpStream>(QUEUE);
    let rx = Mutex::new(rx);
    std::thread::scope(|scope| {
        for i in 0..app.options.workers.max(1) {
            let (app, rx) = (&app, &rx);
            std::thread::Builder::new()
                .name(format!("newsgraph-http-{i}"))
                .spawn_scoped(scope, move || {
                    loop {
                        let next = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        let Ok(stream) = next else { return };
                        // A bug in one request must not take a worker down with it.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            handle_connection(app, stream)
                        }));
                    }
                })?;
        }
        for conn in listener.incoming() {
            match conn {
                Ok(stream) => {
                    if let Err(TrySendError::Full(stream)) = tx.try_send(stream) {
                        turn_away(stream);
                    }
                }
                // Out of file descriptors or a connection reset before accept: wait a little
                // and go on serving.
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        Ok(())
    })
}

fn turn_away(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let r = Response::text(503, "server busy, try again\n").header("Retry-After", "1");
    let _ = r.write_to(&mut stream, false);
    let _ = stream.shutdown(Shutdown::Write);
}

fn page() -> String {
    let examples: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .map(|(name, text)| serde_json::json!({ "name": name, "query": text }))
        .collect();
    // `</` inside a script element would end it.
    let json = serde_json::Value::Array(examples)
        .to_string()
        .replace("</", "<\\/");
    let prefixes: String = PREFIXES
        .iter()
        .map(|(p, iri)| format!("PREFIX {p}: &lt;{iri}&gt;\n"))
        .collect();
    PAGE.replace("{{EXAMPLES}}", &json)
        .replace("{{PREFIXES}}", &prefixes)
}

/// A parsed HTTP request.
struct Request {
    method: String,
    path: String,
    query_string: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type of the body, lower-case, without parameters.
    fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }
}

enum ReadError {
    /// The client closed or timed out before sending anything: nothing to answer.
    Silent,
    /// Answer with this status and message, then close.
    Http(u16, String),
}

fn io_to_read_error(e: io::Error) -> ReadError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            ReadError::Http(408, "request not received in time\n".into())
        }
        _ => ReadError::Silent,
    }
}

/// Sets the socket's read timeout to what is left before `deadline`.
fn arm(stream: &TcpStream, deadline: Instant) -> Result<(), ReadError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ReadError::Http(
            408,
            "request not received in time\n".into(),
        ));
    }
    stream
        .set_read_timeout(Some(left))
        .map_err(|_| ReadError::Silent)
}

fn read_line(
    reader: &mut BufReader<TcpStream>,
    deadline: Instant,
    what: &str,
) -> Result<Vec<u8>, ReadError> {
    let mut line = Vec::new();
    loop {
        arm(reader.get_ref(), deadline)?;
        let before = line.len();
        let n = reader
            .by_ref()
            .take(MAX_LINE + 1 - line.len() as u64)
            .read_until(b'\n', &mut line)
            .map_err(io_to_read_error)?;
        if line.ends_with(b"\n") {
            line.pop();
            if line.ends_with(b"\r") {
                line.pop();
            }
            return Ok(line);
        }
        if line.len() as u64 > MAX_LINE {
            return Err(ReadError::Http(431, format!("{what} too long\n")));
        }
        if n == 0 && line.len() == before {
            return Err(if line.is_empty() {
                ReadError::Silent
            } else {
                ReadError::Http(400, "request ended in the middle of a line\n".into())
            });
        }
    }
}

fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    deadline: Instant,
    max_body: usize,
) -> Result<Request, ReadError> {
    let bad = |m: &str| ReadError::Http(400, format!("{m}\n"));
    let line = read_line(reader, deadline, "request line")?;
    let line = String::from_utf8(line).map_err(|_| bad("request line is not UTF-8"))?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad("malformed method"));
    }
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.starts_with("HTTP/") => {
            return Err(ReadError::Http(505, "only HTTP/1.x is served\n".into()));
        }
        _ => return Err(bad("malformed HTTP version")),
    }
    // Origin form `/path?q`, or absolute form `http://host/path?q`.
    let target = match target.find("://") {
        Some(i) if !target.starts_with('/') => {
            let rest = &target[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        _ => target,
    };
    if !target.starts_with('/') {
        return Err(bad("malformed request target"));
    }
    let (path, query_string) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, deadline, "header line")?;
        if line.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(ReadError::Http(431, "too many header lines\n".into()));
        }
        let line = String::from_utf8(line).map_err(|_| bad("header is not UTF-8"))?;
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad("malformed header line"));
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(bad("malformed header name"));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    let mut req = Request {
        method: method.to_owned(),
        path: path.to_owned(),
        query_string: query_string.to_owned(),
        headers,
        body: Vec::new(),
    };
    let chunked = match req.header("transfer-encoding") {
        None => false,
        Some(te) if te.eq_ignore_ascii_case("chunked") => true,
        Some(_) => {
            return Err(ReadError::Http(
                501,
                "unsupported transfer encoding\n".into(),
            ));
        }
    };
    let length = match req.header("content-length") {
        None => None,
        Some(_) if chunked => {
            return Err(bad("both Content-Length and Transfer-Encoding given"));
        }
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| bad("malformed Content-Length"))?,
        ),
    };
    if let Some(n) = length
        && n > max_body as u64
    {
        return Err(too_large(max_body));
    }
    if (chunked || length.is_some_and(|n| n > 0))
        && req
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        writer
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|_| ReadError::Silent)?;
    }
    if chunked {
        req.body = read_chunked(reader, deadline, max_body)?;
    } else if let Some(n) = length {
        let mut body = vec![0u8; n as usize];
        let mut got = 0;
        while got < body.len() {
            arm(reader.get_ref(), deadline)?;
            match reader.read(&mut body[got..]) {
                Ok(0) => return Err(bad("request body shorter than Content-Length")),
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_to_read_error(e)),
            }
        }
        req.body = body;
    }
    Ok(req)
}

fn too_large(max_body: usize) -> ReadError {
    ReadError::Http(
        413,
        format!("request body larger than the limit of {max_body} bytes (--max-body)\n"),
    )
}

fn read_chunked(
    reader: &mut BufReader<TcpStream>,
    deadline: Instant,
    max_body: usize,
) -> Result<Vec<u8>, ReadError> {
    let bad = || ReadError::Http(400, "malformed chunked body\n".into());
    let mut body = Vec::new();
    loop {
        let line = read_line(reader, deadline, "chunk size")?;
        let line = String::from_utf8(line).map_err(|_| bad())?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| bad())?;
        if size == 0 {
            // Trailer lines, up to the empty one.
            while !read_line(reader, deadline, "trailer")?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > max_body {
            return Err(too_large(max_body));
        }
        let start = body.len();
        body.resize(start + size, 0);
        let mut got = start;
        while got < body.len() {
            arm(reader.get_ref(), deadline)?;
            match reader.read(&mut body[got..]) {
                Ok(0) => return Err(bad()),
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_to_read_error(e)),
            }
        }
        if !read_line(reader, deadline, "chunk end")?.is_empty() {
            return Err(bad());
        }
    }
}

/// An HTTP response, body in memory.
struct Response {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            status,
            content_type,
            headers: Vec::new(),
            body,
        }
    }

    fn text(status: u16, body: impl Into<String>) -> Self {
        Self::new(
            status,
            "text/plain; charset=utf-8",
            body.into().into_bytes(),
        )
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn write_to(&self, out: &mut dyn Write, head_only: bool) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\nX-Content-Type-Options: nosniff\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        for (n, v) in &self.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(&self.body)?;
        }
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

fn handle_connection(app: &App, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let timeout = app.options.client_timeout;
    let deadline = Instant::now() + timeout;
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let _ = writer.set_write_timeout(Some(timeout));
    let mut reader = BufReader::new(stream);
    let (response, head_only, unread_body) =
        match read_request(&mut reader, &mut writer, deadline, app.options.max_body) {
            Ok(req) => (route(app, &req), req.method == "HEAD", false),
            Err(ReadError::Silent) => return,
            Err(ReadError::Http(status, message)) => (Response::text(status, message), false, true),
        };
    if response.write_to(&mut writer, head_only).is_err() {
        return;
    }
    let _ = writer.shutdown(Shutdown::Write);
    if unread_body {
        // Closing with unread bytes would reset the connection and could destroy the
        // response before the client reads it: drain a little first.
        let _ = reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(200)));
        let _ = io::copy(&mut reader.by_ref().take(1 << 20), &mut io::sink());
    }
}

fn route(app: &App, req: &Request) -> Response {
    let get_like = matches!(req.method.as_str(), "GET" | "HEAD");
    if req.method == "OPTIONS" {
        return Response::new(204, "text/plain", Vec::new())
            .header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
            .header("Access-Control-Allow-Headers", "Content-Type, Accept");
    }
    match req.path.as_str() {
        "/" | "/index.html" if get_like => Response::new(
            200,
            "text/html; charset=utf-8",
            app.page.clone().into_bytes(),
        ),
        "/graph.svg" if get_like => graph_svg(app),
        "/" | "/index.html" | "/graph.svg" => not_allowed("GET, HEAD"),
        "/query" => match req.method.as_str() {
            "GET" | "HEAD" | "POST" => query(app, req),
            _ => not_allowed("GET, HEAD, POST"),
        },
        "/update" => {
            if !app.options.allow_update {
                Response::text(
                    403,
                    "updates are disabled: start the server with --allow-update\n",
                )
            } else if req.method != "POST" {
                not_allowed("POST")
            } else {
                update(app, req)
            }
        }
        "/store" => match req.method.as_str() {
            "GET" | "HEAD" => graph_store_get(app, req),
            _ if !app.options.allow_update => Response::text(
                403,
                "the graph store is read-only: start the server with --allow-update\n",
            ),
            "PUT" | "POST" | "DELETE" => graph_store_write(app, req),
            _ => not_allowed("GET, HEAD, PUT, POST, DELETE"),
        },
        _ => Response::text(404, format!("no such resource: {}\n", req.path)),
    }
}

fn not_allowed(allow: &'static str) -> Response {
    Response::text(405, format!("method not allowed here; use {allow}\n")).header("Allow", allow)
}

/// Decodes `application/x-www-form-urlencoded` text (also used for query strings).
fn parse_form(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((percent_decode(k)?, percent_decode(v)?));
    }
    Ok(out)
}

fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("malformed percent-encoding at byte {i}"))?;
                out.push(hex);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "parameter is not UTF-8 after decoding".to_owned())
}

/// Picks the best of `offered` (media types, preferred first) for an `Accept` header: the
/// highest quality, taken for each type from its most specific matching range; ties go to
/// our order. `None` when the client accepts none of them.
fn negotiate<'a>(accept: Option<&str>, offered: &[&'a str]) -> Option<&'a str> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return offered.first().copied();
    };
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .map(|range| {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .next_back()
                .map_or(1.0, |v| v.trim().parse().unwrap_or(0.0));
            (media, q)
        })
        .collect();
    let mut best: Option<(f32, &str)> = None;
    for &o in offered {
        let otype = o.split('/').next().unwrap_or(o);
        let mut found: Option<(u8, f32)> = None;
        for (m, q) in &ranges {
            let specificity = if m == o {
                2
            } else if m.strip_suffix("/*") == Some(otype) {
                1
            } else if m == "*/*" {
                0
            } else {
                continue;
            };
            if found.is_none_or(|(s, _)| specificity > s) {
                found = Some((specificity, *q));
            }
        }
        if let Some((_, q)) = found
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, o));
        }
    }
    best.map(|(_, o)| o)
}

const SOLUTION_TYPES: [&str; 6] = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
];
const GRAPH_TYPES: [&str; 5] = [
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "text/plain",
    "application/xml",
];

fn query(app: &App, req: &Request) -> Response {
    let mut params = match parse_form(&req.query_string) {
        Ok(p) => p,
        Err(e) => return Response::text(400, format!("{e}\n")),
    };
    let mut text = None;
    if req.method == "POST" {
        match req.content_type().as_str() {
            "application/x-www-form-urlencoded" => {
                let body = match std::str::from_utf8(&req.body)
                    .map_err(|_| "form body is not UTF-8".to_owned())
                    .and_then(parse_form)
                {
                    Ok(b) => b,
                    Err(e) => return Response::text(400, format!("{e}\n")),
                };
                params.extend(body);
            }
            "application/sparql-query" => match String::from_utf8(req.body.clone()) {
                Ok(q) => text = Some(q),
                Err(_) => return Response::text(400, "query is not UTF-8\n"),
            },
            other => {
                return Response::text(
                    415,
                    format!(
                        "unsupported Content-Type {other:?}: use application/sparql-query or application/x-www-form-urlencoded\n"
                    ),
                );
            }
        }
    }
    let mut default_graphs = Vec::new();
    let mut named_graphs = Vec::new();
    for (k, v) in params {
        match k.as_str() {
            "query" if text.is_some() => {
                return Response::text(400, "more than one query given\n");
            }
            "query" => text = Some(v),
            "default-graph-uri" | "named-graph-uri" => match NamedNode::new(v.as_str()) {
                Ok(n) if k == "default-graph-uri" => default_graphs.push(GraphName::from(n)),
                Ok(n) => named_graphs.push(NamedOrBlankNode::from(n)),
                Err(e) => return Response::text(400, format!("bad {k} {v:?}: {e}\n")),
            },
            _ => {}
        }
    }
    let Some(text) = text else {
        return Response::text(
            400,
            "no query given: pass it as the `query` parameter or as an application/sparql-query body\n",
        );
    };
    let token = CancellationToken::new();
    let mut prepared = match crate::query::evaluator()
        .with_cancellation_token(token.clone())
        .parse_query(&text)
    {
        Ok(p) => p,
        Err(e) => return Response::text(400, format!("malformed SPARQL query: {e}\n")),
    };
    if !default_graphs.is_empty() || !named_graphs.is_empty() {
        let d = prepared.dataset_mut();
        d.set_default_graph(default_graphs);
        if !named_graphs.is_empty() {
            d.set_available_named_graphs(named_graphs);
        }
    } else if prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    // The query runs on its own thread with its own handle on the store. When the time is up
    // the client gets 503 at once and the token is cancelled: evaluation stops at its next
    // read of the store. A query that computes without reading (a join held in memory) runs
    // on; `running` bounds how many such threads there can be.
    let limit = app.options.query_timeout;
    if app.running.fetch_add(1, Ordering::SeqCst) >= app.options.workers.max(1) * 2 {
        app.running.fetch_sub(1, Ordering::SeqCst);
        return Response::text(503, "too many queries running, try again\n")
            .header("Retry-After", "5");
    }
    let (send, receive) = mpsc::channel();
    let store = app.store.oxigraph().clone();
    let accept = req.header("accept").map(str::to_owned);
    let running = Arc::clone(&app.running);
    let spawned = std::thread::Builder::new()
        .name("newsgraph-query".into())
        .spawn(move || {
            let result = run_query(&store, prepared, accept.as_deref());
            running.fetch_sub(1, Ordering::SeqCst);
            let _ = send.send(result);
        });
    if spawned.is_err() {
        app.running.fetch_sub(1, Ordering::SeqCst);
        return Response::text(503, "cannot start the query, try again\n");
    }
    match receive.recv_timeout(limit) {
        Ok(Ok(r)) => r,
        Err(RecvTimeoutError::Timeout) => {
            token.cancel();
            timed_out(limit)
        }
        Ok(Err(e)) => Response::text(400, format!("query evaluation failed: {e}\n")),
        Err(RecvTimeoutError::Disconnected) => {
            Response::text(500, "the query stopped unexpectedly\n")
        }
    }
}

fn timed_out(limit: Duration) -> Response {
    Response::text(
        503,
        format!(
            "query cancelled after the time limit of {:.1} s (--timeout)\n",
            limit.as_secs_f64()
        ),
    )
}

fn run_query(
    store: &oxigraph::store::Store,
    prepared: oxigraph::sparql::PreparedSparqlQuery,
    accept: Option<&str>,
) -> Result<Response, String> {
    let results = prepared
        .on_store(store)
        .execute()
        .map_err(|e| e.to_string())?;
    let not_acceptable = |offered: &[&str]| {
        Response::text(
            406,
            format!(
                "cannot answer in any accepted type; offered: {}\n",
                offered.join(", ")
            ),
        )
    };
    match results {
        QueryResults::Solutions(_) | QueryResults::Boolean(_) => {
            let Some(media) = negotiate(accept, &SOLUTION_TYPES) else {
                return Ok(not_acceptable(&SOLUTION_TYPES));
            };
            let (format, content_type) = match media {
                "application/sparql-results+xml" | "application/xml" => (
                    QueryResultsFormat::Xml,
                    "application/sparql-results+xml; charset=utf-8",
                ),
                "text/csv" => (QueryResultsFormat::Csv, "text/csv; charset=utf-8"),
                "text/tab-separated-values" => (
                    QueryResultsFormat::Tsv,
                    "text/tab-separated-values; charset=utf-8",
                ),
                _ => (
                    QueryResultsFormat::Json,
                    "application/sparql-results+json; charset=utf-8",
                ),
            };
            let mut body = Vec::new();
            let ser = QueryResultsSerializer::from_format(format);
            match results {
                QueryResults::Boolean(b) => {
                    ser.serialize_boolean_to_writer(&mut body, b)
                        .map_err(|e| e.to_string())?;
                }
                QueryResults::Solutions(solutions) => {
                    let vars = solutions.variables().to_vec();
                    let mut w = ser
                        .serialize_solutions_to_writer(&mut body, vars)
                        .map_err(|e| e.to_string())?;
                    for s in solutions {
                        let s = s.map_err(|e| e.to_string())?;
                        w.serialize(s.iter()).map_err(|e| e.to_string())?;
                    }
                    w.finish().map_err(|e| e.to_string())?;
                }
                QueryResults::Graph(_) => {}
            }
            Ok(Response::new(200, content_type, body))
        }
        QueryResults::Graph(triples) => {
            let Some(media) = negotiate(accept, &GRAPH_TYPES) else {
                return Ok(not_acceptable(&GRAPH_TYPES));
            };
            let (format, content_type) = graph_format(media);
            let triples: Vec<Triple> = triples
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            let mut body = Vec::new();
            crate::query::write_triples(&triples, format, &mut body).map_err(|e| e.to_string())?;
            Ok(Response::new(200, content_type, body))
        }
    }
}

fn graph_format(media: &str) -> (RdfFormat, &'static str) {
    match media {
        "application/n-triples" | "text/plain" => {
            (RdfFormat::NTriples, "application/n-triples; charset=utf-8")
        }
        "application/rdf+xml" | "application/xml" => {
            (RdfFormat::RdfXml, "application/rdf+xml; charset=utf-8")
        }
        _ => (RdfFormat::Turtle, "text/turtle; charset=utf-8"),
    }
}

fn update(app: &App, req: &Request) -> Response {
    let text = match req.content_type().as_str() {
        "application/sparql-update" => match String::from_utf8(req.body.clone()) {
            Ok(t) => t,
            Err(_) => return Response::text(400, "update is not UTF-8\n"),
        },
        "application/x-www-form-urlencoded" => {
            let form = match std::str::from_utf8(&req.body)
                .map_err(|_| "form body is not UTF-8".to_owned())
                .and_then(parse_form)
            {
                Ok(f) => f,
                Err(e) => return Response::text(400, format!("{e}\n")),
            };
            let mut updates = form.into_iter().filter(|(k, _)| k == "update");
            match (updates.next(), updates.next()) {
                (Some((_, u)), None) => u,
                (None, _) => return Response::text(400, "no `update` parameter given\n"),
                (Some(_), Some(_)) => {
                    return Response::text(400, "more than one update given\n");
                }
            }
        }
        other => {
            return Response::text(
                415,
                format!(
                    "unsupported Content-Type {other:?}: use application/sparql-update or application/x-www-form-urlencoded\n"
                ),
            );
        }
    };
    let prepared = match crate::query::evaluator().parse_update(&text) {
        Ok(u) => u,
        Err(e) => return Response::text(400, format!("malformed SPARQL update: {e}\n")),
    };
    match prepared.on_store(app.store.oxigraph()).execute() {
        Ok(()) => {
            forget_svg(app);
            Response::new(204, "text/plain", Vec::new())
        }
        Err(e) => Response::text(500, format!("update failed: {e}\n")),
    }
}

fn forget_svg(app: &App) {
    if let Ok(mut s) = app.svg.lock() {
        *s = None;
    }
}

/// Which graph a Graph Store Protocol request names.
enum Target {
    /// `?default`: the default graph, which for newsgraph is the union of all graphs.
    Default,
    /// `?graph=IRI`.
    Named(NamedNode),
    /// No parameter: the whole dataset.
    All,
}

fn gsp_target(req: &Request) -> Result<Target, Response> {
    let params = parse_form(&req.query_string).map_err(|e| Response::text(400, e + "\n"))?;
    let mut target = Target::All;
    for (k, v) in params {
        let next = match k.as_str() {
            "default" => Target::Default,
            "graph" => Target::Named(
                NamedNode::new(v.as_str())
                    .map_err(|e| Response::text(400, format!("bad graph IRI {v:?}: {e}\n")))?,
            ),
            _ => continue,
        };
        if !matches!(target, Target::All) {
            return Err(Response::text(
                400,
                "give either ?default or one ?graph=IRI\n",
            ));
        }
        target = next;
    }
    Ok(target)
}

fn graph_store_get(app: &App, req: &Request) -> Response {
    let target = match gsp_target(req) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let store = app.store.oxigraph();
    let mut body = Vec::new();
    match target {
        Target::All => {
            let offered = ["application/n-quads", "application/trig", "text/plain"];
            let Some(media) = negotiate(req.header("accept"), &offered) else {
                return Response::text(406, "the dataset is offered as N-Quads or TriG\n");
            };
            let (format, ct) = if media == "application/trig" {
                (RdfFormat::TriG, "application/trig; charset=utf-8")
            } else {
                (RdfFormat::NQuads, "application/n-quads; charset=utf-8")
            };
            let quads: Result<Vec<Quad>, _> = store.iter().collect();
            let mut quads = match quads {
                Ok(q) => q,
                Err(e) => return Response::text(500, format!("store error: {e}\n")),
            };
            quads.sort_by_cached_key(|q| q.to_string());
            if let Err(e) = crate::store::write_dump(
                &quads,
                if format == RdfFormat::TriG {
                    crate::store::RdfDump::TriG
                } else {
                    crate::store::RdfDump::NQuads
                },
                &mut body,
            ) {
                return Response::text(500, format!("cannot write the dataset: {e}\n"));
            }
            Response::new(200, ct, body)
        }
        Target::Default | Target::Named(_) => {
            let Some(media) = negotiate(req.header("accept"), &GRAPH_TYPES) else {
                return Response::text(
                    406,
                    format!("a graph is offered as {}\n", GRAPH_TYPES.join(", ")),
                );
            };
            let (format, ct) = graph_format(media);
            let graph = match &target {
                Target::Named(n) => Some(GraphNameRef::NamedNode(n.as_ref())),
                _ => None,
            };
            let mut triples: Vec<Triple> = Vec::new();
            for q in store.quads_for_pattern(None, None, None, graph) {
                match q {
                    Ok(q) => triples.push(q.into()),
                    Err(e) => return Response::text(500, format!("store error: {e}\n")),
                }
            }
            if let Target::Named(n) = &target
                && triples.is_empty()
                && !store.contains_named_graph(n.as_ref()).unwrap_or(false)
            {
                return Response::text(404, format!("no graph <{}> in the store\n", n.as_str()));
            }
            triples.sort_by_cached_key(|t| t.to_string());
            triples.dedup();
            if let Err(e) = crate::query::write_triples(&triples, format, &mut body) {
                return Response::text(500, format!("cannot write the graph: {e}\n"));
            }
            Response::new(200, ct, body)
        }
    }
}

/// Graph Store Protocol writes (only with `--allow-update`): PUT replaces a graph, POST adds
/// to it, DELETE removes it; each in one transaction.
fn graph_store_write(app: &App, req: &Request) -> Response {
    let graph: GraphName = match gsp_target(req) {
        Ok(Target::Named(n)) => n.into(),
        Ok(Target::Default) => GraphName::DefaultGraph,
        Ok(Target::All) => return Response::text(400, "name a graph: ?graph=IRI or ?default\n"),
        Err(r) => return r,
    };
    let store = app.store.oxigraph();
    let mut quads = Vec::new();
    if req.method != "DELETE" {
        let format = match req.content_type().as_str() {
            "text/turtle" => RdfFormat::Turtle,
            "application/n-triples" | "text/plain" => RdfFormat::NTriples,
            "application/rdf+xml" => RdfFormat::RdfXml,
            other => {
                return Response::text(
                    415,
                    format!(
                        "unsupported Content-Type {other:?}: use text/turtle, application/n-triples or application/rdf+xml\n"
                    ),
                );
            }
        };
        for q in RdfParser::from_format(format)
            .with_default_graph(graph.clone())
            .for_slice(&req.body)
        {
            match q {
                Ok(q) => quads.push(q),
                Err(e) => return Response::text(400, format!("body does not parse: {e}\n")),
            }
        }
    }
    let existed = match &graph {
        GraphName::NamedNode(n) => store.contains_named_graph(n.as_ref()).unwrap_or(false),
        _ => true,
    };
    if req.method == "DELETE" && !existed {
        return Response::text(404, "no such graph\n");
    }
    let result = (|| {
        let mut t = store.start_transaction()?;
        if req.method != "POST" {
            match &graph {
                GraphName::NamedNode(n) => {
                    t.remove_named_graph(n.as_ref())?;
                }
                _ => t.clear_graph(GraphNameRef::DefaultGraph)?,
            }
        }
        if req.method != "DELETE" {
            if let GraphName::NamedNode(n) = &graph {
                t.insert_named_graph(n.as_ref());
            }
            t.extend(quads.iter());
        }
        t.commit()
    })();
    match result {
        Ok(()) => {
            forget_svg(app);
            Response::new(if existed { 204 } else { 201 }, "text/plain", Vec::new())
        }
        Err(e) => Response::text(500, format!("store error: {e}\n")),
    }
}

fn graph_svg(app: &App) -> Response {
    if let Ok(cached) = app.svg.lock()
        && let Some(svg) = cached.as_ref()
    {
        return Response::new(200, "image/svg+xml", svg.clone());
    }
    let built = (|| -> Result<Vec<u8>, String> {
        let rows = app.store.fact_rows(None).map_err(|e| e.to_string())?;
        let entities = app.store.entity_rows().map_err(|e| e.to_string())?;
        let filter = GraphFilter {
            depth: 1,
            min_weight: 1,
            top: 80,
            cluster: true,
            ..GraphFilter::default()
        };
        let graph = ActorGraph::build(&rows, &entities, &filter).map_err(|e| e.to_string())?;
        render_svg(&graph.to_dot(true))
    })();
    match built {
        Ok(svg) => {
            if let Ok(mut cache) = app.svg.lock() {
                *cache = Some(svg.clone());
            }
            Response::new(200, "image/svg+xml", svg)
        }
        Err(e) => Response::text(503, format!("cannot draw the actor graph: {e}\n")),
    }
}

/// Runs GraphViz `dot -Tsvg` on DOT text.
fn render_svg(dot: &str) -> Result<Vec<u8>, String> {
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("GraphViz `dot` cannot be run ({e}); install graphviz"))?;
    let mut stdin = child.stdin.take();
    let text = dot.to_owned();
    // Feed stdin from another thread so that a large drawing cannot deadlock on full pipes.
    let feeder = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(text.as_bytes());
        }
    });
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = feeder.join();
    if !out.status.success() {
        return Err(format!(
            "GraphViz `dot` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_table() {
        let offered = &SOLUTION_TYPES;
        for (accept, expected) in [
            (None, Some("application/sparql-results+json")),
            (Some("*/*"), Some("application/sparql-results+json")),
            (Some("text/csv"), Some("text/csv")),
            (
                Some("application/sparql-results+xml;q=0.9, text/csv;q=0.5"),
                Some("application/sparql-results+xml"),
            ),
            (
                Some("text/*;q=0.9, application/sparql-results+json;q=0.1"),
                Some("text/csv"),
            ),
            (
                Some("text/tab-separated-values, */*;q=0.1"),
                Some("text/tab-separated-values"),
            ),
            (Some("image/png"), None),
            (Some("text/csv;q=0"), None),
        ] {
            assert_eq!(negotiate(accept, offered), expected, "{accept:?}");
        }
    }

    #[test]
    fn form_decoding() {
        assert_eq!(
            parse_form("query=SELECT+%3Fs%20WHERE&x=&y").unwrap(),
            vec![
                ("query".to_owned(), "SELECT ?s WHERE".to_owned()),
                ("x".to_owned(), String::new()),
                ("y".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            parse_form("q=%zz").unwrap_err(),
            "malformed percent-encoding at byte 0"
        );
        assert_eq!(
            parse_form("q=%ff").unwrap_err(),
            "parameter is not UTF-8 after decoding"
        );
    }

    #[test]
    fn examples_match_the_examples_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/queries");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let p = e.unwrap().path();
                (p.extension()? == "rq").then(|| p.file_stem().unwrap().to_string_lossy().into())
            })
            .collect();
        on_disk.sort();
        let mut compiled: Vec<String> = EXAMPLES.iter().map(|(n, _)| (*n).to_owned()).collect();
        compiled.sort();
        assert_eq!(compiled, on_disk);
    }
}
