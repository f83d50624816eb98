//! Pathological input: every case reads without a panic, keeps its offsets true to the file,
//! and gives the documented result (an error naming the file, a warning, or an analysis).
//! Inputs are generated here, not stored.

mod common;

use common::{assert_spans, facts};
use newsgraph::ingest::{self, IngestError, ReadOptions};
use newsgraph::pipeline::{MAX_SENTENCE_TOKENS, analyze, analyze_text};
use std::path::PathBuf;
use std::process::Command;

fn decode(name: &str, bytes: &[u8]) -> Result<newsgraph::model::Document, IngestError> {
    ingest::decode(
        "doc".into(),
        Some(PathBuf::from(name)),
        bytes,
        ReadOptions::default(),
    )
    .map(|(d, _)| d)
}

fn newsgraph(store: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsgraph"));
    c.arg("--store").arg(store);
    c
}

/// A few words cycling through a small vocabulary, without punctuation.
fn words(n: usize) -> String {
    const VOCAB: [&str; 8] = [
        "river", "stone", "market", "quietly", "north", "seven", "lantern", "over",
    ];
    let mut s = String::with_capacity(n * 7);
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(VOCAB[i % VOCAB.len()]);
    }
    s
}

const STORY: &str =
    "Jane Doe met John Roe in Ruritania. The Acme Corporation did not pay Jane Doe.";

#[test]
fn empty_file_is_an_error_naming_it() {
    let e = decode("in/empty.txt", b"").unwrap_err();
    assert_eq!(e.to_string(), "in/empty.txt: empty document");
    let a = analyze_text("empty", "");
    assert_eq!(
        (a.sentences.len(), a.mentions.len(), a.claims.len()),
        (0, 0, 0)
    );
    // The document's own quads only: type, identifier, hash, length, sentence count.
    assert_eq!(newsgraph::store::document_quads(&a).len(), 5);
}

#[test]
fn whitespace_only_is_empty() {
    let blank = " \t\r\n\u{3000}\u{a0}\u{feff}\n\n\u{2028}";
    let e = decode("in/blank.txt", blank.as_bytes()).unwrap_err();
    assert_eq!(e.to_string(), "in/blank.txt: empty document");
    let a = analyze_text("blank", blank);
    assert_eq!(a.sentences.len(), 0);
    assert_eq!(a.info.title, None);
}

#[test]
fn fifty_megabyte_line_without_punctuation_is_skipped_with_a_diagnostic() {
    let mut text = words(50 * 1024 * 1024 / 6);
    text.truncate(50 * 1024 * 1024);
    let len = text.trim_end().len();
    let a = analyze_text("run-on", &text);
    assert_eq!(a.sentences.len(), 1);
    assert_eq!(a.sentences[0].span, newsgraph::model::Span::new(0, len));
    assert!(a.sentences[0].parse.tokens.is_empty());
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(
        a.diagnostics[0].message,
        format!("sentence of more than {MAX_SENTENCE_TOKENS} tokens skipped (bytes 0..{len})")
    );
    assert_eq!((a.mentions.len(), a.claims.len()), (0, 0));
    assert_spans(&a);
}

#[test]
fn ten_thousand_token_sentence_is_skipped_and_the_rest_analysed() {
    let long = words(10_000);
    let text = format!("{STORY} River {long}. {STORY}");
    let a = analyze_text("long", &text);
    assert_eq!(a.sentences.len(), 5);
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(a.diagnostics[0].sentence, Some(2));
    assert!(a.sentences[2].parse.tokens.is_empty());
    // The sentences around it are analysed as they are alone.
    let alone = analyze_text("story", STORY);
    let f = facts(&a);
    assert!(!facts(&alone).is_empty());
    assert_eq!(f, [facts(&alone), facts(&alone)].concat());
    assert_spans(&a);
    // Just under the limit, a sentence is analysed.
    let under = format!("{}.", words(MAX_SENTENCE_TOKENS - 1));
    let a = analyze_text("under", &under);
    assert_eq!(a.sentences[0].parse.tokens.len(), MAX_SENTENCE_TOKENS);
    assert!(a.diagnostics.is_empty());
}

#[test]
fn deeply_nested_brackets_and_quotes() {
    for depth in [1, 10, 100, 1_000, 20_000] {
        let open: String = "([{\"'«“‘".chars().cycle().take(depth).collect();
        let close: String = ")]}\"'»”’".chars().cycle().take(depth).collect();
        let close: String = close.chars().rev().collect();
        let text = format!("{open}Jane Doe met John Roe.{close} {open}{close}");
        let a = analyze_text("nested", &text);
        assert_spans(&a);
        assert!(!a.sentences.is_empty(), "depth {depth}");
        // Deeper than the sentence limit, the brackets are a run-on sentence, reported.
        assert_eq!(a.diagnostics.is_empty(), depth < 150, "depth {depth}");
    }
}

#[test]
fn mixed_scripts_and_right_to_left_text() {
    let text = "Jane Doe met officials in القاهرة and ירושלים on Monday. \
                東京 and Москва signed a deal with Ruritania. \
                \u{202E}txet desrever\u{202C} \u{200F}שלום\u{200E} John Roe said.";
    let a = analyze_text("scripts", text);
    assert_spans(&a);
    assert_eq!(a.sentences.len(), 3);
    let m: Vec<&str> = a.mentions.iter().map(|m| m.text.as_str()).collect();
    assert!(m.contains(&"Jane Doe"), "{m:?}");
}

#[test]
fn emoji_and_combining_marks() {
    let text = "Jane Doe 👩‍👩‍👧 met Jose\u{301} Roe\u{308}\u{308}\u{308} 🇺🇳🏳️‍🌈. \
                The e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307} 🙂🙂🙂 \u{1F600}!";
    let a = analyze_text("emoji", text);
    assert_spans(&a);
    assert_eq!(a.sentences.len(), 2);
    // A mark never splits from its letter: every token ends on a character boundary that
    // is not followed by a combining mark.
    for s in &a.sentences {
        for t in &s.parse.tokens {
            let next = text[t.span.end..].chars().next();
            assert!(
                !next.is_some_and(|c| ('\u{300}'..='\u{36f}').contains(&c)),
                "{:?}",
                t.form
            );
        }
    }
}

#[test]
fn nul_bytes_make_a_file_binary_and_do_not_break_the_pipeline() {
    let e = decode("in/nul.txt", b"Jane Doe\0 met John Roe.").unwrap_err();
    assert_eq!(
        e.to_string(),
        "in/nul.txt: binary file (NUL byte at offset 8), expected UTF-8 text"
    );
    // Text that reaches the library with NULs in it is analysed like any other.
    let a = analyze_text("nul", "Jane Doe\0met John Roe.\0\0\0 The\0end.");
    assert_spans(&a);
    assert_eq!(a.sentences.len(), 2);
}

#[test]
fn invalid_utf8_is_substituted_with_a_warning_or_rejected_when_strict() {
    let bytes = b"Jane Doe met John Roe at a caf\xe9 in Ruritania.\n\xff\xfe\xfd The end.";
    let (d, warnings) = ingest::decode(
        "latin".into(),
        Some(PathBuf::from("in/latin.txt")),
        bytes,
        ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(d.text.len(), bytes.len());
    assert_eq!(
        warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        [
            "in/latin.txt: invalid UTF-8 at byte offset 30: 4 invalid bytes read as U+001A (--strict-utf8 rejects such files)"
        ]
    );
    let a = analyze(d);
    assert_spans(&a);
    // Offsets are the file's: every mention is the same bytes in the file.
    for m in &a.mentions {
        assert_eq!(&bytes[m.span.start..m.span.end], m.text.as_bytes());
    }
    let e = ingest::decode(
        "latin".into(),
        Some(PathBuf::from("in/latin.txt")),
        bytes,
        ReadOptions { strict_utf8: true },
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "in/latin.txt: invalid UTF-8 at byte offset 30"
    );
}

#[test]
fn invalid_utf8_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin.txt");
    std::fs::write(&file, b"Jane Doe met John Roe in Caf\xe9 Ruritania.").unwrap();
    let store = dir.path().join("s");
    let out = newsgraph(&store)
        .args(["ingest", "--quiet"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "newsgraph: {}: invalid UTF-8 at byte offset 28: 1 invalid byte read as U+001A (--strict-utf8 rejects such files)\n",
            file.display()
        )
    );
    let strict = dir.path().join("strict");
    let out = newsgraph(&strict)
        .args(["ingest", "--quiet", "--strict-utf8"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "newsgraph: {}: invalid UTF-8 at byte offset 28\n",
            file.display()
        )
    );
}

#[test]
fn html_is_read_as_text_with_the_offsets_of_the_file() {
    let html = "<!DOCTYPE html>\n<html><head><title>Talks in Ruritania</title>\n\
        <style>p { color: red } /* Jane Doe met nobody. */</style>\n\
        <script>var s = \"<p>John Roe attacked Jane Doe.</p>\"; if (a < b) {}</script>\n\
        </head><body><!-- John Roe paid nobody. -->\n\
        <p>Jane Doe met John Roe in Ruritania &amp; Freedonia.</p>\n\
        <p>The <b>Acme Corporation</b> did not pay Jane Doe&nbsp;&#8212; said John Roe.</p>\n\
        </body></html>\n";
    let d = decode("in/page.html", html.as_bytes()).unwrap();
    assert_eq!(d.text.len(), html.len());
    assert!(!d.text.contains('<') && !d.text.contains("color") && !d.text.contains("var s"));
    assert!(d.text.contains("Ruritania &     Freedonia"));
    assert!(d.text.contains("Jane Doe\u{a0}    —     said"));
    let a = analyze(d);
    assert_spans(&a);
    assert_eq!(a.info.title.as_deref(), Some("Talks in Ruritania"));
    // Nothing from the script, style or comment is read.
    assert!(a.claims.iter().all(|c| c.relation.label != "attack"));
    let texts: Vec<&str> = a.mentions.iter().map(|m| m.text.as_str()).collect();
    assert!(texts.contains(&"Acme Corporation"), "{texts:?}");
    // Every mention is the same bytes in the original page.
    for m in &a.mentions {
        assert_eq!(&html[m.span.start..m.span.end], m.text);
    }
    // The same page read as plain text (no extension, no doctype) keeps its markup.
    let raw = decode(
        "in/page.txt",
        html.trim_start_matches("<!DOCTYPE html>\n<html>")
            .as_bytes(),
    );
    assert!(raw.unwrap().text.contains("<p>"));
}

#[test]
fn windows_line_endings_read_like_unix_ones() {
    let unix = format!("Talks in Ruritania\n\n{STORY}\nJohn Roe said the talks went well.\n");
    let windows = unix.replace('\n', "\r\n");
    let (u, w) = (
        analyze(decode("u.txt", unix.as_bytes()).unwrap()),
        analyze(decode("w.txt", windows.as_bytes()).unwrap()),
    );
    assert_spans(&w);
    assert_eq!(w.info.title.as_deref(), Some("Talks in Ruritania"));
    assert_eq!(w.sentences.len(), u.sentences.len());
    assert!(!facts(&u).is_empty());
    assert_eq!(facts(&w), facts(&u));
    for s in &w.sentences {
        let t = &w.doc.text[s.span.start..s.span.end];
        assert!(!t.starts_with('\r') && !t.ends_with('\r'), "{t:?}");
    }
}

#[test]
fn byte_order_mark_is_kept_and_ignored() {
    let plain = format!("Talks in Ruritania\n\n{STORY}");
    let bom = format!("\u{feff}{plain}");
    let (p, b) = (
        analyze(decode("p.txt", plain.as_bytes()).unwrap()),
        analyze(decode("b.txt", bom.as_bytes()).unwrap()),
    );
    assert_spans(&b);
    assert_eq!(b.doc.text, bom);
    assert_eq!(b.info.title.as_deref(), Some("Talks in Ruritania"));
    assert_eq!(b.sentences[0].span.start, 3);
    assert_eq!(facts(&b), facts(&p));
    // A UTF-16 byte-order mark is refused by name rather than read as binary.
    let e = decode("in/utf16.txt", b"\xff\xfeJ\0a\0n\0e\0").unwrap_err();
    assert!(matches!(e, IngestError::Utf16 { .. }), "{e}");
}
