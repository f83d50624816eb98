//! The whole language core on raw text: tokenize + tag (tokens per second) and the full
//! pipeline, tokenize → split → tag → lemmatise → parse (sentences per second), with the
//! shipped models; and how tokenize + split time grows with the input on inputs that could
//! go quadratic (1× against 8× the text).
//!
//! The text is UD English-EWT dev rebuilt as raw text when the treebank is present beside
//! the repository (its sentences are EWT-length, 12.6 tokens on average), else the EWT
//! sample under `tests/data`. Each timed loop checks its output count, so a broken stage
//! cannot look fast.
//!
//! Run: `cargo bench -p newsgraph-nlp --bench pipeline`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use newsgraph_nlp::split::{rebuild_documents, split};
use newsgraph_nlp::tagger::Tagger;
use newsgraph_nlp::tokenize::tokenize;
use newsgraph_nlp::{Analyzer, Sentence, Span, Token};
use std::hint::black_box;
use std::path::Path;

fn raw_text() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ewt = root.join("../../../shared/data/UD_English-EWT/en_ewt-ud-dev.conllu");
    let conllu = std::fs::read_to_string(ewt).unwrap_or_else(|_| {
        std::fs::read_to_string(root.join("tests/data/ewt-sample.conllu")).expect("fixture")
    });
    rebuild_documents(&conllu)
        .expect("the treebank parses")
        .text
}

fn pipeline(c: &mut Criterion) {
    let text = raw_text();
    let analyzer = Analyzer::load_embedded().expect("the shipped models load");
    assert!(analyzer.is_complete(), "the models are shipped");
    let tagger = Tagger::embedded().expect("the shipped tagger loads");
    let spans = tokenize(&text);
    let n_tokens = spans.len();
    let n_sentences = split(&text, &spans).len();

    let mut group = c.benchmark_group("tokenize_and_tag");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n_tokens as u64));
    group.bench_function("tokens", |b| {
        let mut sentence = Sentence::default();
        b.iter(|| {
            let spans = tokenize(black_box(&text));
            let mut tagged = 0usize;
            // Tag in chunks of a sentence's length, the way the pipeline sees them, without
            // splitting (that is the next stage's cost).
            for chunk in spans.chunks(16) {
                sentence.tokens.clear();
                sentence.tokens.extend(chunk.iter().map(|sp| Token {
                    span: *sp,
                    form: sp.slice(&text).to_owned(),
                    ..Token::default()
                }));
                sentence.span = Span::new(chunk[0].start, chunk[chunk.len() - 1].end);
                tagger.tag(&mut sentence);
                tagged += sentence
                    .tokens
                    .iter()
                    .filter(|t| !t.xpos.is_empty())
                    .count();
            }
            assert_eq!(tagged, n_tokens);
        });
    });
    group.finish();

    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n_sentences as u64));
    group.bench_function("sentences", |b| {
        b.iter(|| {
            let sentences = analyzer.analyze(black_box(&text));
            assert_eq!(sentences.len(), n_sentences);
            let roots = sentences
                .iter()
                .flat_map(|s| &s.tokens)
                .filter(|t| t.head == 0)
                .count();
            assert_eq!(roots, n_sentences);
        });
    });
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("bytes", |b| {
        b.iter(|| assert_eq!(analyzer.analyze(black_box(&text)).len(), n_sentences));
    });
    group.finish();
}

/// Builds a text `n` units long.
type MakeText = fn(usize) -> String;

/// Inputs that a careless tokenizer or splitter handles in quadratic time. Compare the
/// `x1` and `x8` times of each: linear code takes about eight times longer on `x8`.
fn scaling(c: &mut Criterion) {
    const UNIT: usize = 100_000;
    let makers: [(&str, MakeText); 7] = [
        ("words", |n| "word ".repeat(n * UNIT / 5)),
        ("one_long_word", |n| "a".repeat(n * UNIT)),
        ("hyphen_chain", |n| "a-".repeat(n * UNIT / 2)),
        ("abbreviations", |n| "U.S. ".repeat(n * UNIT / 5)),
        ("line_breaks", |n| "x\n".repeat(n * UNIT / 2)),
        ("combining_marks", |n| "\u{301}".repeat(n * UNIT / 2)),
        ("url_closing_brackets", |n| {
            format!("see http://example.com/{}", ")".repeat(n * UNIT))
        }),
    ];
    let mut group = c.benchmark_group("tokenize_split_scaling");
    group.sample_size(10);
    for (name, make) in makers {
        for n in [1usize, 8] {
            let text = make(n);
            let tokens = tokenize(&text).len();
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new(name, format!("x{n}")), &text, |b, text| {
                b.iter(|| {
                    let t = tokenize(black_box(text));
                    assert_eq!(t.len(), tokens);
                    let ranges = split(text, &t);
                    assert_eq!(ranges.last().map(|r| r.end), Some(tokens));
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, pipeline, scaling);
criterion_main!(benches);
