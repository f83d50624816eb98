//! Tokenizer and sentence splitter: property tests on arbitrary text, huge and
//! degenerate inputs, the seed articles, and agreement with UD English-EWT when the treebank is
//! available beside the repository.

use newsgraph_nlp::Span;
use newsgraph_nlp::split::{self, split};
use newsgraph_nlp::tokenize::{self, tokenize};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Characters the tokenizer treats as separators (never inside a token).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Checks every promise of `tokenize` and `split` on `text`.
fn check(text: &str) -> Result<(), TestCaseError> {
    let tokens = tokenize(text);
    let mut prev_end = 0;
    let mut covered = String::with_capacity(text.len());
    for (k, t) in tokens.iter().enumerate() {
        prop_assert!(t.start < t.end, "empty span {k}: {t:?}");
        prop_assert!(t.end <= text.len(), "span {k} out of bounds: {t:?}");
        prop_assert!(t.start >= prev_end, "span {k} overlaps or goes back: {t:?}");
        prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        let s = t.slice(text);
        prop_assert!(
            !s.chars().any(is_separator),
            "span {k} covers whitespace: {s:?}"
        );
        covered.push_str(s);
        prev_end = t.end;
    }
    // Together the tokens cover every character that is not a separator.
    let visible: String = text.chars().filter(|&c| !is_separator(c)).collect();
    prop_assert_eq!(covered, visible);

    let ranges = split(text, &tokens);
    let mut next = 0;
    for r in &ranges {
        prop_assert_eq!(r.start, next);
        prop_assert!(r.end > r.start, "empty sentence {r:?}");
        next = r.end;
    }
    prop_assert_eq!(next, tokens.len());
    prop_assert_eq!(ranges.is_empty(), tokens.is_empty());
    Ok(())
}

/// Pieces that exercise the tokenizer's special cases when strung together at random.
fn piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "Doe's",
        "don't",
        "can't",
        "cannot",
        "U.S.",
        "Mr.",
        "e.g.",
        "J.",
        "4,200",
        "1.4",
        "25%",
        "$1.4bn",
        "2017-2021",
        "713-853-3989",
        "e-mail",
        "al-Qaeda",
        "O'Brien",
        "'s",
        "n't",
        "'",
        "’",
        "\"",
        "“",
        "”",
        "(",
        ")",
        "[",
        "]",
        ".",
        "...",
        "?!",
        "…",
        "--",
        "—",
        "-",
        ":)",
        "http://example.com/a(b)",
        "www.x.org.",
        "a@b.co",
        "@user",
        "#tag",
        "#1",
        "👍🏽",
        "👨\u{200D}👩\u{200D}👧",
        "🇺🇸",
        "e\u{301}",
        "\u{301}",
        "\u{200D}",
        "\u{FE0F}",
        "שלום",
        "مرحبا",
        "\u{202E}",
        "\u{200F}",
        "\0",
        "\u{7}",
        "\u{FEFF}",
        "\u{200B}",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        "\u{A0}",
        "\u{2028}",
        "\u{2029}",
        "1.",
        "a)",
        "•",
        "*",
        "The",
        "the",
        "said",
        "Inc.",
        "etc.",
        "...@",
        ".doc",
        "''",
        "``",
        "'99",
    ]);
    prop_oneof![
        3 => fixed.prop_map(str::to_owned),
        1 => "[a-zA-Z]{1,8}",
        1 => "[0-9]{1,5}",
        1 => any::<char>().prop_map(String::from),
    ]
}

proptest! {
    // Shrunk failures are reported, not persisted: add them below as named regression tests.
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_string_keeps_the_promises(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn english_like_text_keeps_the_promises(
        text in "[A-Za-z0-9 .,!?'\"’“”()\\-–—:;/@#$%&*\n]{0,300}"
    ) {
        check(&text)?;
    }

    #[test]
    fn tricky_pieces_keep_the_promises(parts in prop::collection::vec(piece(), 0..80)) {
        check(&parts.concat())?;
    }

    #[test]
    fn spans_are_independent_of_surrounding_whitespace(word in "[A-Za-z.'’-]{1,20}") {
        // A chunk tokenises the same wherever it stands (up to the sentence-final period
        // of an abbreviation, which looks at what follows).
        let a = tokenize(&format!("x {word} y"));
        let b = tokenize(&format!("x   {word}   y"));
        prop_assert_eq!(a.len(), b.len());
    }
}

/// Regression: a URL followed by many closing brackets must not go quadratic (its growth
/// is measured by the `tokenize_split_scaling` group of `benches/pipeline.rs`).
#[test]
fn url_with_many_closing_brackets() {
    let text = format!("see http://example.com/{}", ")".repeat(200_000));
    let tokens = tokenize(&text);
    assert_eq!(tokens[0].slice(&text), "see");
    assert_eq!(tokens[1].slice(&text), "http://example.com/");
    assert!(tokens[2..].iter().all(|t| t.slice(&text) == ")"));
    assert_eq!(tokens.len(), 200_002);
}

#[test]
fn a_five_thousand_token_sentence() {
    let text = "word, ".repeat(2_500) + "end.";
    let tokens = tokenize(&text);
    assert_eq!(tokens.len(), 5_002);
    assert_eq!(split(&text, &tokens), vec![0..5_002]);
}

#[test]
fn fifty_megabytes_on_one_line_without_punctuation() {
    let text = "lorem ipsum dolor sit amet ".repeat(50 * 1024 * 1024 / 27);
    let tokens = tokenize(&text);
    assert_eq!(tokens.len(), text.len() / 27 * 5);
    assert_eq!(split(&text, &tokens).len(), 1);
}

/// The seed articles: one paragraph per line, so no sentence may cross a line, and every
/// sentence starts like one (in lower case only at the start of a line, where scraped page
/// metadata such as `date 2025-04-03` may stand).
#[test]
fn seed_articles_split_into_sentences() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "note: {} not found; skipping the seed articles",
            dir.display()
        );
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    // Sentence counts checked by reading each article (the seeds are test material only).
    const EXPECTED: [(&str, usize); 5] = [
        ("000_", 26),
        ("001_", 77),
        ("002_", 49),
        ("003_", 29),
        ("004_", 17),
    ];
    let mut total = 0;
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("seed readable");
        let tokens = tokenize(&text);
        let ranges = split(&text, &tokens);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some((_, n)) = EXPECTED.iter().find(|(prefix, _)| name.starts_with(prefix)) {
            assert_eq!(ranges.len(), *n, "{name}: sentence count");
        }
        for r in ranges {
            let s = &text[tokens[r.start].start..tokens[r.end - 1].end];
            total += 1;
            assert!(
                !s.contains('\n'),
                "{}: sentence crosses a line: {s:?}",
                path.display()
            );
            let first = s.chars().next().unwrap_or(' ');
            let start = tokens[r.start].start;
            let before = text[..start].trim_end_matches([' ', '\t']);
            let line_start = before.is_empty() || before.ends_with('\n');
            assert!(
                !first.is_lowercase() || line_start,
                "{}: sentence starts in lower case: {s:?}",
                path.display()
            );
            let metadata = first.is_lowercase() && line_start;
            let last = s.chars().last().unwrap_or(' ');
            let end = tokens[r.end - 1].end;
            let line_end = text[end..].starts_with(['\n', '\r']) || end == text.len();
            assert!(
                matches!(last, '.' | '?' | '!' | '”' | '"' | '’' | ')') || line_end || metadata,
                "{}: sentence ends mid-line without punctuation: {s:?}",
                path.display()
            );
        }
    }
    if !paths.is_empty() {
        assert!(
            total > 100,
            "only {total} sentences in {} seed articles",
            paths.len()
        );
    }
}

fn ewt(split_name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../../shared/data/UD_English-EWT/en_ewt-ud-{split_name}.conllu"
    ));
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            println!("note: {} not found; skipping the EWT check", path.display());
            None
        }
    }
}

#[test]
fn ewt_dev_token_f1() {
    let Some(conllu) = ewt("dev") else { return };
    let score = tokenize::token_f1(&conllu).expect("EWT dev parses");
    println!(
        "EWT dev token F1 {:.4} (P {:.4}, R {:.4})",
        score.f1, score.precision, score.recall
    );
    assert!(score.f1 >= 0.98, "token F1 {:.4} below 0.98", score.f1);
}

#[test]
fn ewt_dev_sentence_boundary_f1() {
    let Some(conllu) = ewt("dev") else { return };
    let score = split::sentence_boundary_f1(&conllu).expect("EWT dev parses");
    println!(
        "EWT dev sentence F1 {:.4} (P {:.4}, R {:.4})",
        score.f1, score.precision, score.recall
    );
    assert!(score.f1 >= 0.88, "sentence F1 {:.4} below 0.88", score.f1);
}

#[test]
fn spans_slice_back_to_their_surface() {
    let text = "Gen. Smith’s “plan” costs $1.4bn (2017-2021).";
    let got: Vec<(&str, Span)> = tokenize(text)
        .into_iter()
        .map(|s| (s.slice(text), s))
        .collect();
    for (surface, span) in &got {
        assert_eq!(&&text[span.start..span.end], surface);
    }
    let surfaces: Vec<&str> = got.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        surfaces,
        [
            "Gen.", "Smith", "’s", "“", "plan", "”", "costs", "$", "1.4", "bn", "(", "2017", "-",
            "2021", ")", "."
        ]
    );
}
