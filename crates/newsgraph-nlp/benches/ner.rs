//! Named-entity recognition throughput on the EWT sample (sentences and tokens per second)
//! with the shipped `models/ner.bin`, and model loading.
//!
//! `cargo bench -p newsgraph-nlp --bench ner -- --warm-up-time 1 --measurement-time 3` on
//! 2026-12-02, 2-vCPU VM shared with other builds (load ≈ 8): 9.5k sentences/s and 220k
//! tokens/s, load 57 ms.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsgraph_nlp::ner::Recognizer;
use newsgraph_nlp::{Analyzer, Sentence, conllu};
use std::hint::black_box;
use std::path::Path;

fn ner_benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/data/ewt-sample.conllu")).expect("fixture");
    // Re-annotate the gold tokens with the language core, as the pipeline would.
    let sentences: Vec<Sentence> = conllu::parse(&text)
        .expect("fixture parses")
        .into_iter()
        .map(|s| {
            let mut s = s.sentence;
            Analyzer::embedded().annotate(&mut s);
            s
        })
        .collect();
    let tokens: usize = sentences.iter().map(|s| s.tokens.len()).sum();
    let rec = Recognizer::load_embedded().expect("the shipped model loads");
    let expected: usize = sentences.iter().map(|s| rec.predict(s).len()).sum();
    assert!(expected > 0, "the sample has names");

    let mut group = c.benchmark_group("ner");
    group.throughput(Throughput::Elements(sentences.len() as u64));
    group.bench_function("predict_sentences", |b| {
        b.iter(|| {
            let found: usize = sentences
                .iter()
                .map(|s| rec.predict(black_box(s)).len())
                .sum();
            assert_eq!(found, expected);
        });
    });
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function("predict_tokens", |b| {
        b.iter(|| {
            let found: usize = sentences
                .iter()
                .map(|s| rec.predict(black_box(s)).len())
                .sum();
            assert_eq!(found, expected);
        });
    });
    group.finish();

    let bytes = std::fs::read(root.join("models/ner.bin")).expect("models/ner.bin");
    let mut group = c.benchmark_group("ner_model");
    group.sample_size(10);
    group.bench_function("load", |b| {
        b.iter(|| Recognizer::from_bytes(black_box(&bytes)).expect("loads"));
    });
    group.finish();
}

criterion_group!(benches, ner_benches);
criterion_main!(benches);
