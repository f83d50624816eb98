//! Reading raw bytes as a document (UTF-8 checks, lenient decoding, HTML blanking): never a
//! panic, and the decoded text keeps the length, so every offset, of the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::ingest::{self, ReadOptions};
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let options = ReadOptions {
        strict_utf8: flags & 1 == 1,
    };
    let path = PathBuf::from(if flags & 2 == 2 {
        "doc.html"
    } else {
        "doc.txt"
    });
    if let Ok((doc, _warnings)) = ingest::decode("fuzz".into(), Some(path), bytes, options) {
        assert_eq!(doc.text.len(), bytes.len());
        let _ = ingest::document_info(&doc.text);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let blanked = ingest::blank_html(text);
        assert_eq!(blanked.len(), text.len());
    }
});
