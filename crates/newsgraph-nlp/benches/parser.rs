//! Parser throughput on the EWT sample with gold tags: sentences per second, and model
//! loading. Needs `models/parser.bin`.
//!
//! `cargo bench -p newsgraph-nlp --bench parser -- --warm-up-time 1 --measurement-time 4`
//! on 2026-11-22, 2-vCPU Xeon (Sapphire Rapids) VM shared with other builds (load ≈ 3):
//! 4.4k sentences/s and 97k tokens/s (the sample's sentences average 23 tokens), load
//! 42 ms. The same model parses EWT dev (12.6 tokens a sentence) at about 9.4k sentences/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsgraph_nlp::Sentence;
use newsgraph_nlp::conllu;
use newsgraph_nlp::parser::Parser;
use std::hint::black_box;
use std::path::Path;

fn parser_benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join("models/parser.bin")).expect("models/parser.bin");
    let parser = Parser::from_bytes(&bytes).expect("the model loads");
    let text = std::fs::read_to_string(root.join("tests/data/ewt-sample.conllu")).expect("fixture");
    let mut sentences: Vec<Sentence> = conllu::parse(&text)
        .expect("fixture parses")
        .into_iter()
        .map(|s| s.sentence)
        .collect();
    let n = sentences.len();
    let tokens: usize = sentences.iter().map(|s| s.tokens.len()).sum();

    let mut group = c.benchmark_group("parser");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("parse_sentences", |b| {
        b.iter(|| {
            parser.parse_all(&mut sentences);
            // Every sentence must come out with exactly one root.
            let roots = sentences
                .iter()
                .flat_map(|s| &s.tokens)
                .filter(|t| t.head == 0)
                .count();
            assert_eq!(roots, n);
        });
    });
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function("parse_tokens", |b| {
        b.iter(|| {
            parser.parse_all(&mut sentences);
            let attached = sentences
                .iter()
                .flat_map(|s| &s.tokens)
                .filter(|t| !t.deprel.is_empty())
                .count();
            assert_eq!(attached, tokens);
        });
    });
    group.finish();

    let mut group = c.benchmark_group("parser_model");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("load", |b| {
        b.iter(|| assert!(Parser::from_bytes(black_box(&bytes)).is_ok()));
    });
    group.finish();
}

criterion_group!(benches, parser_benches);
criterion_main!(benches);
