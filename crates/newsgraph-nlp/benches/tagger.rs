//! Tagger and lemmatizer throughput on the EWT sample (tokens per second), and model
//! loading. Uses the shipped `models/tagger.bin` and `models/lemma.bin`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsgraph_nlp::conllu;
use newsgraph_nlp::lemma::Lemmatizer;
use newsgraph_nlp::tagger::Tagger;
use newsgraph_nlp::{Sentence, Upos};
use std::hint::black_box;
use std::path::Path;

fn tagger_benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tagger = Tagger::embedded().expect("the shipped tagger loads");
    let lemmatizer = Lemmatizer::embedded().expect("the shipped lemmatizer loads");
    let text = std::fs::read_to_string(root.join("tests/data/ewt-sample.conllu")).expect("fixture");
    let mut sentences: Vec<Sentence> = conllu::parse(&text)
        .expect("fixture parses")
        .into_iter()
        .map(|s| s.sentence)
        .collect();
    for t in sentences.iter_mut().flat_map(|s| &mut s.tokens) {
        t.upos = Upos::X;
        t.xpos.clear();
        t.lemma.clear();
    }
    let tokens: usize = sentences.iter().map(|s| s.tokens.len()).sum();

    let mut group = c.benchmark_group("tagger");
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function("tag_tokens", |b| {
        b.iter(|| {
            for s in &mut sentences {
                tagger.tag(s);
            }
            // Every token must come out with a treebank tag.
            let tagged = sentences
                .iter()
                .flat_map(|s| &s.tokens)
                .filter(|t| !t.xpos.is_empty());
            assert_eq!(tagged.count(), tokens);
        });
    });
    group.bench_function("lemmatize_tokens", |b| {
        b.iter(|| {
            for s in &mut sentences {
                lemmatizer.lemmatize(s);
            }
            let done = sentences
                .iter()
                .flat_map(|s| &s.tokens)
                .filter(|t| !t.lemma.is_empty());
            assert_eq!(done.count(), tokens);
        });
    });
    group.finish();

    let bytes = std::fs::read(root.join("models/tagger.bin")).expect("models/tagger.bin");
    let mut group = c.benchmark_group("tagger_model");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("load", |b| {
        b.iter(|| Tagger::from_bytes(black_box(&bytes)).expect("the model loads"));
    });
    group.finish();
}

criterion_group!(benches, tagger_benches);
criterion_main!(benches);
