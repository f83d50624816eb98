//! The whole pipeline on any text: text → analysed document → quads. Checks that nothing
//! panics and that every span lies in the text, on character boundaries, and slices back to
//! the surface it claims (on one line, for mentions).
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::model::AnalyzedDocument;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let a = newsgraph::pipeline::analyze_text("fuzz", &text);
    check_spans(&a);
    let quads = newsgraph::store::document_quads(&a);
    assert!(
        !quads.is_empty(),
        "a document always has its metadata quads"
    );
    let _ = newsgraph::export::fact_rows(&a);
});

fn check_spans(a: &AnalyzedDocument) {
    let text = &a.doc.text;
    let ok = |start: usize, end: usize| {
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
    };
    let mut last_end = 0;
    for s in &a.sentences {
        assert!(
            ok(s.span.start, s.span.end),
            "sentence {} span {:?}",
            s.index,
            s.span
        );
        assert!(s.span.start >= last_end, "sentences overlap at {}", s.index);
        last_end = s.span.end;
        for t in &s.parse.tokens {
            assert!(ok(t.span.start, t.span.end), "token span {:?}", t.span);
            assert!(s.span.start <= t.span.start && t.span.end <= s.span.end);
            assert_eq!(t.form, &text[t.span.start..t.span.end]);
        }
    }
    for m in &a.mentions {
        assert!(ok(m.span.start, m.span.end), "mention span {:?}", m.span);
        // Mention texts are kept on one line (control characters as spaces).
        let surface = newsgraph::store::one_line(&text[m.span.start..m.span.end]);
        assert_eq!(m.text, surface);
    }
    for c in &a.claims {
        assert!(ok(c.span.start, c.span.end), "claim span {:?}", c.span);
        let s = &a.sentences[c.sentence];
        assert!(s.span.start <= c.span.start && c.span.end <= s.span.end);
    }
}
