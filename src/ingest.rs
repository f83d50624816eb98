//! Reading articles: paths in (files, folders, `-` for standard input), [`Document`]s out,
//! each with its id, content hash, and the headline and date the article gives.
//!
//! A bad file is an [`IngestError`] for that file alone; the caller reports it and goes on.

use crate::model::{Date, Document, DocumentInfo};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions read from folders (files named explicitly are read whatever their extension).
pub const EXTENSIONS: [&str; 2] = ["txt", "md"];

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
    /// The file is not valid UTF-8.
    #[error("{}: invalid UTF-8 at byte offset {offset}", path.display())]
    InvalidUtf8 {
        /// The path.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
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

/// Reads one source into a [`Document`].
pub fn read(source: &Source) -> Result<Document, IngestError> {
    match source {
        Source::File(p) => {
            let bytes = std::fs::read(p).map_err(|e| IngestError::Unreadable {
                path: p.clone(),
                source: e,
            })?;
            document_from_bytes(doc_id(p), Some(p.clone()), &bytes)
        }
        Source::Stdin(id) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| IngestError::Unreadable {
                    path: PathBuf::from("-"),
                    source: e,
                })?;
            document_from_bytes(id.clone(), None, &bytes)
        }
    }
}

/// Checks and decodes raw bytes into a [`Document`]: UTF-8 only, no NUL bytes, not empty.
/// A leading byte-order mark is kept in the text (offsets stay true to the bytes) and
/// skipped by the analysis like any other non-word character.
pub fn document_from_bytes(
    id: String,
    path: Option<PathBuf>,
    bytes: &[u8],
) -> Result<Document, IngestError> {
    let shown = path.clone().unwrap_or_else(|| {
        PathBuf::from(if id == "stdin" {
            "-".to_owned()
        } else {
            id.clone()
        })
    });
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary {
            path: shown,
            offset,
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(e) => {
            return Err(IngestError::InvalidUtf8 {
                path: shown,
                offset: e.valid_up_to(),
            });
        }
    };
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
    {
        return Err(IngestError::Empty { path: shown });
    }
    let hash = crate::store::hex(&Sha256::digest(bytes));
    Ok(Document {
        id,
        path,
        text,
        hash,
    })
}

/// Reads the headline and the publication date from the article's opening.
pub fn document_info(text: &str) -> DocumentInfo {
    let mut lines = text
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || *l == "\u{feff}");
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
    let lower = head.to_lowercase();
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
        let e = document_from_bytes("x".into(), Some("a/x.txt".into()), b"abc\xff").unwrap_err();
        assert_eq!(e.to_string(), "a/x.txt: invalid UTF-8 at byte offset 3");
        let e = document_from_bytes("x".into(), Some("a/x.txt".into()), b" \n\t ").unwrap_err();
        assert_eq!(e.to_string(), "a/x.txt: empty document");
        let d = document_from_bytes("x".into(), None, b"Hi.").unwrap();
        assert_eq!(
            d.hash,
            "17f4444f3932f8a1c554c7cdea92208dbecb03b0173a2b6a79cc2310a05c5fad"
        );
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
