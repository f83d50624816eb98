//! Throughput of the tokenizer and the sentence splitter, in bytes and in tokens.
//!
//! The corpus is the seed articles (and the UD English-EWT training text when it is present
//! beside the repository), repeated to about a megabyte. Each timed loop checks the number of
//! tokens or sentences, so a broken stage cannot look fast.
//!
//! Run: `cargo bench -p newsgraph-nlp --bench tokenize`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsgraph_nlp::split::{rebuild_documents, split};
use newsgraph_nlp::tokenize::tokenize;
use std::hint::black_box;
use std::path::Path;

/// About a megabyte of English news text, paragraphs separated by blank lines.
fn corpus() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    let ewt = root.join("../../../shared/data/UD_English-EWT/en_ewt-ud-train.conllu");
    if let Some(doc) = std::fs::read_to_string(ewt)
        .ok()
        .and_then(|c| rebuild_documents(&c).ok())
    {
        text.push_str(&doc.text);
    }
    let mut seeds = String::new();
    if let Ok(entries) = std::fs::read_dir(root.join("../../seeds")) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        {
            if let Ok(s) = std::fs::read_to_string(p) {
                seeds.push_str(&s);
                seeds.push_str("\n\n");
            }
        }
    }
    if seeds.is_empty() {
        seeds.push_str("Mr. Smith's plan, worth $1.4bn, was announced in the U.S. on Feb. 3. ");
    }
    while text.len() < 1 << 20 {
        text.push_str(&seeds);
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let tokens = tokenize(&text);
    let n_tokens = tokens.len();
    let n_sentences = split(&text, &tokens).len();

    let mut group = c.benchmark_group("tokenize");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("bytes", |b| {
        b.iter(|| assert_eq!(tokenize(black_box(&text)).len(), n_tokens));
    });
    group.throughput(Throughput::Elements(n_tokens as u64));
    group.bench_function("tokens", |b| {
        b.iter(|| assert_eq!(tokenize(black_box(&text)).len(), n_tokens));
    });
    group.finish();

    let mut group = c.benchmark_group("split");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            assert_eq!(
                split(black_box(&text), black_box(&tokens)).len(),
                n_sentences
            )
        });
    });
    group.throughput(Throughput::Elements(n_tokens as u64));
    group.bench_function("tokens", |b| {
        b.iter(|| {
            assert_eq!(
                split(black_box(&text), black_box(&tokens)).len(),
                n_sentences
            )
        });
    });
    group.finish();

    let mut group = c.benchmark_group("tokenize_and_split");
    group.throughput(Throughput::Elements(n_tokens as u64));
    group.bench_function("tokens", |b| {
        b.iter(|| {
            let t = tokenize(black_box(&text));
            assert_eq!(split(&text, &t).len(), n_sentences);
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
