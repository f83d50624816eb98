//! Reading articles: paths in (files, folders, `-` for standard input), [`Document`]s out,
//! each with its id, content hash, and the headline and date the article gives.
//!
//! A bad file is an [`IngestError`] for that file alone; the caller reports it and goes on.
//!
//! Decoding keeps every byte offset of the file: invalid UTF-8 bytes become U+001A SUBSTITUTE
//! (one byte each, with an [`IngestWarning`]; `strict_utf8` rejects the file instead), and in
//! HTML the markup, scripts and styles are blanked with spaces and entities are decoded in
//! place, padded with spaces. A span in the analysis is therefore also a span of the file.

use crate::model::{Date, Document, DocumentInfo};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions read from folders (files named explicitly are read whatever their extension).
pub const EXTENSIONS: [&str; 2] = ["txt", "md"];

/// Extensions of files read as HTML (other files are read as HTML when they open with a
/// doctype or an `<html>` tag).
pub const HTML_EXTENSIONS: [&str; 3] = ["html", "htm", "xhtml"];

/// The byte that stands for each invalid UTF-8 byte in a leniently decoded text: U+001A
/// SUBSTITUTE, one byte long so that offsets stay those of the file, and a separator for the
/// tokenizer.
pub const SUBSTITUTE: char = '\u{1a}';

/// How to read documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Reject a file that is not valid UTF-8 instead of substituting its invalid bytes.
    pub strict_utf8: bool,
}

/// Something wrong with a document that was read all the same.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct IngestWarning {
    /// The path (`-` for standard input).
    pub path: PathBuf,
    /// What was wrong and what was done about it.
    pub message: String,
}

/// Where a document comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A file.
    File(PathBuf),
    /// Standard input, with the id to give it.
    Stdin(String),
}

/// A document that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The path does not exist.
    #[error("{}: no such file or directory", path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A folder holds no .txt or .md file.
    #[error("{}: directory contains no .txt or .md documents", path.display())]
    NoDocuments {
        /// The folder.
        path: PathBuf,
    },
    /// The file is empty or only whitespace.
    #[error("{}: empty document", path.display())]
    Empty {
        /// The path.
        path: PathBuf,
    },
    /// The file holds NUL bytes: it is binary, not text.
    #[error("{}: binary file (NUL byte at offset {offset}), expected UTF-8 text", path.display())]
    Binary {
        /// The path.
        path: PathBuf,
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// The file is not valid UTF-8 (only with [`ReadOptions::strict_utf8`]).
    #[error("{}: invalid UTF-8 at byte offset {offset}", path.display())]
    InvalidUtf8 {
        /// The path.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The file starts with a UTF-16 byte-order mark.
    #[error("{}: UTF-16 text is not supported (byte-order mark at offset 0); convert it to UTF-8", path.display())]
    Utf16 {
        /// The path.
        path: PathBuf,
    },
    /// Two inputs have the same file stem.
    #[error("{}: document id {id:?} is already used by {}", path.display(), first.display())]
    DuplicateId {
        /// The document id.
        id: String,
        /// The later path.
        path: PathBuf,
        /// The path that had the id first.
        first: PathBuf,
    },
}

/// Expands paths into sources: files as given, folders recursively (only .txt and .md,
/// sorted), `-` as standard input. Paths that fail are returned as errors beside the good
/// sources, so that one bad path does not stop a batch. Duplicate document ids are errors.
pub fn discover(paths: &[PathBuf], stdin_id: &str) -> (Vec<Source>, Vec<IngestError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            sources.push(Source::Stdin(stdin_id.to_owned()));
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                errors.push(IngestError::NotFound { path: p.clone() })
            }
            Err(e) => errors.push(IngestError::Unreadable {
                path: p.clone(),
                source: e,
            }),
            Ok(m) if m.is_dir() => {
                let before = sources.len();
                walk(p, &mut sources, &mut errors);
                if sources.len() == before {
                    errors.push(IngestError::NoDocuments { path: p.clone() });
                }
            }
            Ok(_) => sources.push(Source::File(p.clone())),
        }
    }
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    sources.retain(|s| {
        let (id, path) = match s {
            Source::File(p) => (doc_id(p), p.clone()),
            Source::Stdin(id) => (id.clone(), PathBuf::from("-")),
        };
        if let Some(first) = seen.get(&id) {
            if *first == path {
                return false;
            }
            errors.push(IngestError::DuplicateId {
                id,
                path,
                first: first.clone(),
            });
            return false;
        }
        seen.insert(id, path);
        true
    });
    (sources, errors)
}

fn walk(dir: &Path, sources: &mut Vec<Source>, errors: &mut Vec<IngestError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(IngestError::Unreadable {
                path: dir.to_owned(),
                source: e,
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            walk(&p, sources, errors);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            sources.push(Source::File(p));
        }
    }
}

/// The document id of a path: its file stem.
pub fn doc_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".to_owned())
}

/// Reads one source into a [`Document`] with the default [`ReadOptions`], dropping the
/// warnings (use [`read_with`] to see them).
pub fn read(source: &Source) -> Result<Document, IngestError> {
    read_with(source, ReadOptions::default()).map(|(doc, _)| doc)
}

/// Reads one source into a [`Document`], with the warnings about what had to be mended.
pub fn read_with(
    source: &Source,
    options: ReadOptions,
) -> Result<(Document, Vec<IngestWarning>), IngestError> {
    match source {
        Source::File(p) => {
            let bytes = std::fs::read(p).map_err(|e| IngestError::Unreadable {
                path: p.clone(),
                source: e,
            })?;
            decode(doc_id(p), Some(p.clone()), &bytes, options)
        }
        Source::Stdin(id) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| IngestError::Unreadable {
                    path: PathBuf::from("-"),
                    source: e,
                })?;
            decode(id.clone(), None, &bytes, options)
        }
    }
}

/// Decodes raw bytes into a [`Document`] with the default [`ReadOptions`] (see [`decode`]).
pub fn document_from_bytes(
    id: String,
    path: Option<PathBuf>,
    bytes: &[u8],
) -> Result<Document, IngestError> {
    decode(id, path, bytes, ReadOptions::default()).map(|(doc, _)| doc)
}

/// Checks and decodes raw bytes into a [`Document`]. NUL bytes (binary), a UTF-16
/// byte-order mark and empty text are errors; invalid UTF-8 is an error with
/// [`ReadOptions::strict_utf8`], else each invalid byte becomes [`SUBSTITUTE`] with a warning
/// naming the first offset. HTML (by extension or opening tag) has its markup blanked (see
/// [`blank_html`]). The text always has the length of the bytes, so offsets are the file's;
/// the hash is that of the bytes. A byte-order mark is kept in the text and skipped by the
/// analysis like any other non-word character; Windows line endings are kept likewise.
pub fn decode(
    id: String,
    path: Option<PathBuf>,
    bytes: &[u8],
    options: ReadOptions,
) -> Result<(Document, Vec<IngestWarning>), IngestError> {
    let shown = path.clone().unwrap_or_else(|| {
        PathBuf::from(if id == "stdin" {
            "-".to_owned()
        } else {
            id.clone()
        })
    });
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(IngestError::Utf16 { path: shown });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary {
            path: shown,
            offset,
        });
    }
    let mut warnings = Vec::new();
    let mut text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(e) if options.strict_utf8 => {
            return Err(IngestError::InvalidUtf8 {
                path: shown,
                offset: e.valid_up_to(),
            });
        }
        Err(e) => {
            let (text, replaced) = substitute_invalid(bytes);
            warnings.push(IngestWarning {
                path: shown.clone(),
                message: format!(
                    "invalid UTF-8 at byte offset {}: {replaced} invalid byte{} read as U+001A (--strict-utf8 rejects such files)",
                    e.valid_up_to(),
                    if replaced == 1 { "" } else { "s" }
                ),
            });
            text
        }
    };
    if is_html(path.as_deref(), &text) {
        text = blank_html(&text);
    }
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == SUBSTITUTE)
        .is_empty()
    {
        return Err(IngestError::Empty { path: shown });
    }
    let hash = crate::store::hex(&Sha256::digest(bytes));
    Ok((
        Document {
            id,
            path,
            text,
            hash,
        },
        warnings,
    ))
}

/// The bytes as text with each byte of an invalid UTF-8 sequence replaced by [`SUBSTITUTE`],
/// and the number of bytes replaced.
fn substitute_invalid(bytes: &[u8]) -> (String, usize) {
    let mut out = String::with_capacity(bytes.len());
    let mut replaced = 0;
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        replaced += chunk.invalid().len();
        out.extend(std::iter::repeat_n(SUBSTITUTE, chunk.invalid().len()));
    }
    (out, replaced)
}

/// True when a document is read as HTML: its extension is one of [`HTML_EXTENSIONS`], or its
/// text opens (after a byte-order mark and white space) with `<!doctype html` or `<html`.
pub fn is_html(path: Option<&Path>, text: &str) -> bool {
    if path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .is_some_and(|e| HTML_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
    {
        return true;
    }
    let head = text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .as_bytes();
    let opens = |prefix: &[u8]| {
        head.get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
    };
    opens(b"<!doctype html") || opens(b"<html")
}

/// Elements whose content is dropped with their tags.
const DROPPED_ELEMENTS: [&str; 5] = ["script", "style", "noscript", "template", "svg"];

/// Elements that end a paragraph: their tags become a blank line, so that the sentence
/// splitter sees the break.
const BLOCK_ELEMENTS: [&str; 33] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "title",
    "tr",
    "ul",
];

/// HTML with its markup blanked, keeping every byte offset: tags and comments become spaces
/// (block-level tags a blank line, `<br>` a line break), the content of `script`, `style`,
/// `noscript`, `template` and `svg` becomes spaces, and a character reference (`&amp;`,
/// `&#8217;`) becomes its character followed by spaces to its length. Line breaks inside
/// blanked stretches are kept. Runs in one pass, linear in the input.
pub fn blank_html(text: &str) -> String {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = b.to_vec();
    let mut i = 0;
    // Once no '>' is left, no later '<' opens a tag.
    let mut tags_possible = true;
    while i < n {
        match b[i] {
            b'<' if b[i..].starts_with(b"<!--") => {
                let end = find(b, i + 4, b"-->").map_or(n, |p| p + 3);
                blank(&mut out, i, end);
                i = end;
            }
            b'<' if tags_possible && opens_tag(b.get(i + 1..).unwrap_or_default()) => {
                let Some(gt) = b[i..].iter().position(|&c| c == b'>') else {
                    tags_possible = false;
                    i += 1;
                    continue;
                };
                let end = i + gt + 1;
                blank(&mut out, i, end);
                let tag = &b[i + 1..end - 1];
                let closing = tag.first() == Some(&b'/');
                let name_bytes = if closing { &tag[1..] } else { tag };
                let len = name_bytes
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .unwrap_or(name_bytes.len());
                let name = name_bytes[..len].to_ascii_lowercase();
                if name == b"br" {
                    out[i] = b'\n';
                } else if BLOCK_ELEMENTS.iter().any(|e| e.as_bytes() == name) {
                    out[i] = b'\n';
                    out[i + 1] = b'\n';
                }
                i = end;
                if !closing
                    && !tag.ends_with(b"/")
                    && DROPPED_ELEMENTS.iter().any(|e| e.as_bytes() == name)
                {
                    let close = find_closing(b, end, &name).unwrap_or(n);
                    blank(&mut out, end, close);
                    i = close;
                }
            }
            b'&' => match character_reference(&b[i..]) {
                Some((len, c)) => {
                    let mut buf = [0u8; 4];
                    let enc = c.encode_utf8(&mut buf).as_bytes();
                    out[i..i + enc.len()].copy_from_slice(enc);
                    out[i + enc.len()..i + len].fill(b' ');
                    i += len;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    // Every replaced stretch starts and ends on an ASCII byte and is filled with whole
    // characters, so the bytes stay UTF-8; the fallback is never taken.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// True when the bytes after a `<` make it a tag: a letter, `/` and a letter, `!` or `?`.
fn opens_tag(after: &[u8]) -> bool {
    match after {
        [c, ..] if c.is_ascii_alphabetic() || *c == b'!' || *c == b'?' => true,
        [b'/', c, ..] => c.is_ascii_alphabetic(),
        _ => false,
    }
}

/// Replaces bytes with spaces, keeping line breaks.
fn blank(out: &mut [u8], from: usize, to: usize) {
    for c in &mut out[from..to] {
        if *c != b'\n' {
            *c = b' ';
        }
    }
}

/// Position of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Position of the closing tag `</name` (any case) at or after `from`.
fn find_closing(hay: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(p) = find(hay, at, b"</") {
        let rest = &hay[p + 2..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name) {
            return Some(p);
        }
        at = p + 2;
    }
    None
}

/// Named character references read by [`blank_html`]: the XML five, spaces and dashes,
/// quotes, and the letters and signs most common in news text.
const NAMED_REFERENCES: [(&str, char); 48] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("hellip", '…'),
    ("bull", '•'),
    ("middot", '·'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("deg", '°'),
    ("sect", '§'),
    ("para", '¶'),
    ("euro", '€'),
    ("pound", '£'),
    ("yen", '¥'),
    ("cent", '¢'),
    ("times", '×'),
    ("divide", '÷'),
    ("aacute", 'á'),
    ("eacute", 'é'),
    ("iacute", 'í'),
    ("oacute", 'ó'),
    ("uacute", 'ú'),
    ("agrave", 'à'),
    ("egrave", 'è'),
    ("ntilde", 'ñ'),
    ("ccedil", 'ç'),
    ("auml", 'ä'),
    ("ouml", 'ö'),
    ("uuml", 'ü'),
    ("szlig", 'ß'),
    ("Eacute", 'É'),
];

/// The length and character of a character reference at the start of `b` (which starts with
/// `&`), when it is one that [`blank_html`] reads and its character is no longer than it.
fn character_reference(b: &[u8]) -> Option<(usize, char)> {
    let semi = b.iter().take(12).position(|&c| c == b';')?;
    let body = std::str::from_utf8(&b[1..semi]).ok()?;
    let c = if let Some(num) = body.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(v).filter(|c| !c.is_control() || c.is_whitespace())?
    } else {
        NAMED_REFERENCES
            .iter()
            .find(|(name, _)| *name == body)
            .map(|&(_, c)| c)?
    };
    (c.len_utf8() <= semi + 1).then_some((semi + 1, c))
}

/// Reads the headline and the publication date from the article's opening.
pub fn document_info(text: &str) -> DocumentInfo {
    let mut lines = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .skip_while(|l| l.is_empty());
    let first = lines.next().unwrap_or("");
    let next_blank = text
        .trim_start()
        .lines()
        .nth(1)
        .is_some_and(|l| l.trim().is_empty());
    let ends_sentence = first.ends_with(['.', '"', '”', '!', ')']);
    let title =
        (first.chars().count() <= 160 && !first.is_empty() && (next_blank || !ends_sentence))
            .then(|| first.to_owned());
    DocumentInfo {
        title,
        date: opening_date(text),
    }
}

/// A date the article gives for itself: an ISO date at its very start, or a full date after
/// "date", "published", "updated" or "posted" in the first 400 bytes.
fn opening_date(text: &str) -> Option<Date> {
    let head = &text[..floor_char_boundary(text, 400)];
    // ASCII lower case keeps every byte where it is (full lower case does not: 'Ⱦ' grows
    // from two bytes to three), so positions found in `lower` are positions in `head`.
    let lower = head.to_ascii_lowercase();
    let trimmed = head.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if let Some(d) = crate::recognize::parse_date_prefix(trimmed)
        && d.day.is_some()
    {
        return Some(d);
    }
    for kw in ["date", "published", "updated", "posted"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(kw) {
            let at = from + i + kw.len();
            let rest = head[at..].trim_start_matches(|c: char| {
                c.is_whitespace() || c == ':' || c == '-' || c == ','
            });
            let rest = rest.strip_prefix("on ").unwrap_or(rest);
            if let Some(d) = crate::recognize::parse_date_prefix(rest)
                && d.day.is_some()
            {
                return Some(d);
            }
            from = at;
        }
    }
    None
}

/// The largest char boundary not above `i`.
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_are_named_with_offsets() {
        let e = document_from_bytes("x".into(), Some("a/x.txt".into()), b"ab\0c").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a/x.txt: binary file (NUL byte at offset 2), expected UTF-8 text"
        );
        let strict = ReadOptions { strict_utf8: true };
        let e = decode("x".into(), Some("a/x.txt".into()), b"abc\xff", strict).unwrap_err();
        assert_eq!(e.to_string(), "a/x.txt: invalid UTF-8 at byte offset 3");
        let e = document_from_bytes("x".into(), Some("a/x.txt".into()), b" \n\t ").unwrap_err();
        assert_eq!(e.to_string(), "a/x.txt: empty document");
        let e =
            document_from_bytes("x".into(), Some("a/x.txt".into()), b"\xff\xfeH\0i\0").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a/x.txt: UTF-16 text is not supported (byte-order mark at offset 0); convert it to UTF-8"
        );
        let d = document_from_bytes("x".into(), None, b"Hi.").unwrap();
        assert_eq!(
            d.hash,
            "17f4444f3932f8a1c554c7cdea92208dbecb03b0173a2b6a79cc2310a05c5fad"
        );
    }

    #[test]
    fn invalid_utf8_is_substituted_byte_for_byte() {
        let bytes = b"Caf\xe9 owners met \xf0\x9f\x98 in Ruritania.";
        let (d, w) = decode(
            "x".into(),
            Some("a/x.txt".into()),
            bytes,
            ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(
            d.text,
            "Caf\u{1a} owners met \u{1a}\u{1a}\u{1a} in Ruritania."
        );
        assert_eq!(d.text.len(), bytes.len());
        assert_eq!(
            w.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "a/x.txt: invalid UTF-8 at byte offset 3: 4 invalid bytes read as U+001A (--strict-utf8 rejects such files)"
            ]
        );
        // The hash is the file's, not the decoded text's.
        assert_eq!(d.hash, crate::store::hex(&Sha256::digest(bytes)));
    }

    #[test]
    fn html_is_blanked_in_place() {
        let rows = [
            ("<p>Hi</p>", "\n\n Hi\n\n  "),
            ("a<b>c</b>d", "a   c    d"),
            ("x &amp; y", "x &     y"),
            ("&lt;&#65;&#x42;&rsquo;", "<   A    B     ’    "),
            (
                "a<script>if (a<b) x();</script>b",
                "a                              b",
            ),
            ("a<!-- c\n -->b", "a      \n    b"),
            ("<STYLE>p{}</Style>z", "                  z"),
            ("1 < 2 &unknown; &", "1 < 2 &unknown; &"),
            ("a<br/>b<br>c", "a\n    b\n   c"),
            (
                "<a href=\"x\">Caf&eacute;</a>",
                "            Café          ",
            ),
            ("<b>open", "   open"),
            ("tail <b", "tail <b"),
        ];
        for (html, expected) in rows {
            let got = blank_html(html);
            assert_eq!(got, expected, "{html:?}");
            assert_eq!(got.len(), html.len(), "{html:?}");
        }
        assert!(is_html(Some(Path::new("a/b.HTM")), "plain"));
        assert!(is_html(None, "\u{feff}  <!DOCTYPE html><p>x"));
        assert!(is_html(None, "<html lang=en>"));
        assert!(!is_html(Some(Path::new("a.txt")), "Use <b> for bold."));
    }

    #[test]
    fn opening_dates_and_titles() {
        let rows = [
            (" date 2025-04-03 Leaders met.", Some("2025-04-03")),
            ("Published: March 5, 2024\nText.", Some("2024-03-05")),
            ("2023-11-02 Talks resume.", Some("2023-11-02")),
            ("They met on March 5, 2024 in Paris.", None),
        ];
        for (text, expected) in rows {
            assert_eq!(
                document_info(text).date.map(|d| d.to_string()).as_deref(),
                expected,
                "{text}"
            );
        }
        assert_eq!(
            document_info("Big headline here\n\nBody text.")
                .title
                .as_deref(),
            Some("Big headline here")
        );
        assert_eq!(
            document_info("A long first sentence that ends.\nMore.").title,
            None
        );
    }
}
