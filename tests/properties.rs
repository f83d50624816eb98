//! Property tests: any UTF-8 text gives an analysis whose every span slices back to its text
//! (in bounds, on character boundaries, the evidence of each claim being the text of its
//! sentence), and whose quads can be built; the same text always gives the same quads.

mod common;

use common::span_violations;
use newsgraph::pipeline::analyze_text;
use proptest::prelude::*;

/// Text shaped like news, with the characters that trouble tokenisers mixed in.
fn newsy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "Jane Doe", "John Roe", "Ruritania", "the Acme Corporation", "met", "did not pay",
            "said", "may sign", "an agreement", "with", "in", "on May 4, 2021", "$5 million",
            "3.5%", "Dr.", "U.S.", "Mr. Roe", "he", "she", "they", "its", "Inc.",
        ])
        .prop_map(str::to_owned),
        2 => prop::sample::select(vec![
            ".", ",", "!", "?", "\"", "'", "(", ")", "[", "]", "«", "»", "“", "”", "—", "…",
            "\n", "\n\n", "\r\n", "\t", "\u{feff}", "\u{a0}", "\u{200b}", "\u{301}", "\u{1a}",
            "\0", "🙂", "👩‍👩‍👧", "🇺🇳", "القاهرة", "東京", "\u{202e}", "&amp;", "<p>",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gives_spans_that_slice_back(text in any::<String>()) {
        let a = analyze_text("p", &text);
        let bad = span_violations(&a);
        prop_assert!(bad.is_empty(), "{:?}", bad);
        prop_assert!(!newsgraph::store::document_quads(&a).is_empty());
    }

    #[test]
    fn news_like_text_gives_spans_that_slice_back(text in newsy_text()) {
        let a = analyze_text("p", &text);
        let bad = span_violations(&a);
        prop_assert!(bad.is_empty(), "{:?}", bad);
        let quads = newsgraph::store::document_quads(&a);
        let again = newsgraph::store::document_quads(&analyze_text("p", &text));
        prop_assert_eq!(quads, again);
    }

    #[test]
    fn any_bytes_decode_to_text_of_the_same_length(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        html in any::<bool>(),
    ) {
        let path = std::path::PathBuf::from(if html { "d.html" } else { "d.txt" });
        if let Ok((doc, _)) = newsgraph::ingest::decode(
            "d".into(),
            Some(path),
            &bytes,
            newsgraph::ingest::ReadOptions::default(),
        ) {
            prop_assert_eq!(doc.text.len(), bytes.len());
            let a = newsgraph::pipeline::analyze(doc);
            let bad = span_violations(&a);
            prop_assert!(bad.is_empty(), "{:?}", bad);
        }
    }
}
