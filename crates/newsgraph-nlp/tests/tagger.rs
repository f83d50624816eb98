//! Tagger and lemmatizer end to end: training on the EWT sample is deterministic and
//! survives a save/load round trip; the shipped models tag and lemmatise the sample and
//! simple sentences as expected.
//!
//! The shipped models are rebuilt, with the parser, by `newsgraph train UD_DIR`.

use newsgraph_nlp::conllu::{self, ConlluSentence};
use newsgraph_nlp::lemma::Lemmatizer;
use newsgraph_nlp::tagger::{self, Tagger, TaggerOptions};
use newsgraph_nlp::{Sentence, Token, Upos};
use std::path::{Path, PathBuf};

fn manifest_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn sample() -> Vec<ConlluSentence> {
    let text = std::fs::read_to_string(manifest_path("tests/data/ewt-sample.conllu"))
        .expect("the EWT sample fixture is present");
    conllu::parse(&text).expect("the EWT sample parses")
}

fn quick_options() -> TaggerOptions {
    TaggerOptions {
        epochs: 3,
        ..TaggerOptions::default()
    }
}

fn tags(tagger: &Tagger, data: &[ConlluSentence]) -> Vec<Vec<(Upos, String)>> {
    data.iter()
        .map(|s| {
            let mut sentence = s.sentence.clone();
            tagger.tag(&mut sentence);
            sentence
                .tokens
                .into_iter()
                .map(|t| (t.upos, t.xpos))
                .collect()
        })
        .collect()
}

fn sentence(words: &[&str]) -> Sentence {
    let tokens = words
        .iter()
        .map(|w| Token {
            form: (*w).to_owned(),
            ..Token::default()
        })
        .collect();
    Sentence {
        tokens,
        ..Sentence::default()
    }
}

#[test]
fn save_load_keeps_bytes_and_predictions() {
    let data = sample();
    let (train, held_out) = data.split_at(300);
    let tagger = Tagger::train(train, Some(held_out), &quick_options());
    let bytes = tagger.to_bytes();
    let loaded = Tagger::from_bytes(&bytes).expect("a model we wrote loads");
    assert_eq!(loaded, tagger);
    assert_eq!(loaded.to_bytes(), bytes);
    assert_eq!(tags(&loaded, held_out), tags(&tagger, held_out));
    // Even a tagger trained on 300 sentences gets most of its training data right.
    let lemmatizer = Lemmatizer::train(train);
    let scores = tagger::evaluate(&loaded, &lemmatizer, train);
    assert!(scores.upos > 0.9, "{scores:?}");
}

#[test]
fn training_twice_gives_identical_bytes() {
    let data = sample();
    let (train, dev) = data.split_at(300);
    let a = Tagger::train(train, Some(dev), &quick_options()).to_bytes();
    let b = Tagger::train(train, Some(dev), &quick_options()).to_bytes();
    assert_eq!(a, b);
    let one_pass = TaggerOptions {
        two_pass: false,
        ..quick_options()
    };
    let c = Tagger::train(train, None, &one_pass).to_bytes();
    assert_eq!(c, Tagger::train(train, None, &one_pass).to_bytes());
    // Without a development set the second pass is always kept.
    let two = Tagger::train(train, None, &quick_options()).to_bytes();
    assert_ne!(two, c);
    let la = Lemmatizer::train(train).to_bytes();
    assert_eq!(la, Lemmatizer::train(train).to_bytes());
    assert_eq!(
        Lemmatizer::from_bytes(&la)
            .expect("lemma model loads")
            .to_bytes(),
        la
    );
}

#[test]
fn damaged_models_are_refused() {
    let data = sample();
    let tagger = Tagger::train(&data[..50], None, &quick_options());
    let bytes = tagger.to_bytes();
    for cut in [0, 8, 12, bytes.len() / 2, bytes.len() - 1] {
        assert!(Tagger::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(Tagger::from_bytes(&extra).is_err());
    let lemma = Lemmatizer::train(&data[..50]).to_bytes();
    assert!(Tagger::from_bytes(&lemma).is_err());
    assert!(Lemmatizer::from_bytes(&bytes).is_err());
}

#[test]
fn tagging_odd_input_does_not_panic() {
    let tagger = Tagger::train(&sample()[..50], None, &quick_options());
    let mut empty = Sentence::default();
    tagger.tag(&mut empty);
    let mut odd = sentence(&[
        "",
        " ",
        "\u{0}",
        "ÉCOLE",
        "日本語",
        "a\u{301}",
        "--",
        "1,000,000",
    ]);
    tagger.tag(&mut odd);
    assert!(odd.tokens.iter().all(|t| !t.xpos.is_empty()));
}

#[test]
fn shipped_models_tag_the_sample() {
    let tagger = Tagger::embedded().expect("the shipped tagger loads");
    let lemmatizer = Lemmatizer::embedded().expect("the shipped lemmatizer loads");
    let scores = tagger::evaluate(&tagger, &lemmatizer, &sample());
    eprintln!("shipped models on the sample: {scores:?}");
    assert!(scores.upos >= 0.95, "{scores:?}");
    assert!(scores.xpos >= 0.95, "{scores:?}");
    assert!(scores.lemma >= 0.95, "{scores:?}");
    let from_file = std::fs::read(manifest_path("models/tagger.bin")).expect("tagger.bin");
    assert_eq!(tagger.to_bytes(), from_file);
}

/// Expected (UPOS, XPOS, lemma) of one token.
type Expected = (&'static str, &'static str, &'static str);

#[test]
fn shipped_models_tag_simple_sentences() {
    let tagger = Tagger::embedded().expect("the shipped tagger loads");
    let lemmatizer = Lemmatizer::embedded().expect("the shipped lemmatizer loads");
    let rows: &[(&[&str], &[Expected])] = &[
        (
            &[
                "The", "company", "said", "it", "would", "hire", "workers", ".",
            ],
            &[
                ("DET", "DT", "the"),
                ("NOUN", "NN", "company"),
                ("VERB", "VBD", "say"),
                ("PRON", "PRP", "it"),
                ("AUX", "MD", "would"),
                ("VERB", "VB", "hire"),
                ("NOUN", "NNS", "worker"),
                ("PUNCT", ".", "."),
            ],
        ),
        (
            &[
                "Officials",
                "in",
                "Paris",
                "were",
                "invited",
                "to",
                "the",
                "talks",
                ".",
            ],
            &[
                ("NOUN", "NNS", "official"),
                ("ADP", "IN", "in"),
                ("PROPN", "NNP", "Paris"),
                ("AUX", "VBD", "be"),
                ("VERB", "VBN", "invite"),
                ("ADP", "IN", "to"),
                ("DET", "DT", "the"),
                ("NOUN", "NNS", "talk"),
                ("PUNCT", ".", "."),
            ],
        ),
    ];
    for (words, expected) in rows {
        let mut s = sentence(words);
        tagger.tag(&mut s);
        lemmatizer.lemmatize(&mut s);
        let got: Vec<(&str, &str, &str)> = s
            .tokens
            .iter()
            .map(|t| (t.upos.as_str(), t.xpos.as_str(), t.lemma.as_str()))
            .collect();
        assert_eq!(&got, expected, "{words:?}");
    }
}
