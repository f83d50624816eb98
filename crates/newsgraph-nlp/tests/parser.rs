//! Parser end to end: training on the EWT sample is deterministic and survives a save/load
//! round trip; the shipped model parses the sample and a simple sentence as expected.
//!
//! The shipped model is rebuilt, with the tagger and lemmatizer, by `newsgraph train UD_DIR`.

use newsgraph_nlp::conllu::{self, ConlluSentence};
use newsgraph_nlp::parser::{Parser, ParserOptions};
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

fn quick_options() -> ParserOptions {
    ParserOptions {
        epochs: 3,
        ..ParserOptions::default()
    }
}

fn trees(parser: &Parser, data: &[ConlluSentence]) -> Vec<Vec<(usize, String)>> {
    data.iter()
        .map(|s| {
            let mut sentence = s.sentence.clone();
            parser.parse(&mut sentence);
            sentence
                .tokens
                .into_iter()
                .map(|t| (t.head, t.deprel))
                .collect()
        })
        .collect()
}

#[test]
fn save_load_keeps_bytes_and_predictions() {
    let data = sample();
    let (train, held_out) = data.split_at(320);
    let parser = Parser::train(train, Some(held_out), &quick_options());
    let bytes = parser.to_bytes();
    let loaded = Parser::from_bytes(&bytes).expect("a model we wrote loads");
    assert_eq!(loaded.to_bytes(), bytes);
    assert_eq!(trees(&loaded, held_out), trees(&parser, held_out));
    assert_eq!(loaded.evaluate(held_out), parser.evaluate(held_out));
}

#[test]
fn training_is_reproducible() {
    let data = sample();
    let (train, held_out) = data.split_at(320);
    let a = Parser::train(train, Some(held_out), &quick_options()).to_bytes();
    let b = Parser::train(train, Some(held_out), &quick_options()).to_bytes();
    assert!(
        a == b,
        "two trainings on the same data gave different model bytes"
    );
    let other_seed = ParserOptions {
        seed: 7,
        ..quick_options()
    };
    let c = Parser::train(train, Some(held_out), &other_seed).to_bytes();
    assert!(a != c, "the seed should matter");
}

fn shipped() -> Parser {
    let bytes = std::fs::read(manifest_path("models/parser.bin"))
        .expect("models/parser.bin is present (see this file's header to rebuild it)");
    Parser::from_bytes(&bytes).expect("the shipped model loads")
}

#[test]
fn shipped_model_parses_the_sample() {
    let scores = shipped().evaluate(&sample());
    assert!(scores.uas >= 0.85, "UAS {scores}");
    assert!(scores.las >= 0.80, "LAS {scores}");
}

/// Tokens with gold tags: (form, UPOS, XPOS, lemma).
fn tagged(words: &[(&str, Upos, &str, &str)]) -> Sentence {
    let tokens = words
        .iter()
        .map(|&(form, upos, xpos, lemma)| Token {
            form: form.into(),
            upos,
            xpos: xpos.into(),
            lemma: lemma.into(),
            space_after: true,
            ..Token::default()
        })
        .collect();
    Sentence {
        tokens,
        ..Sentence::default()
    }
}

#[test]
fn shipped_model_parses_a_passive_sentence() {
    use Upos::*;
    let mut s = tagged(&[
        ("The", Det, "DT", "the"),
        ("bill", Noun, "NN", "bill"),
        ("was", Aux, "VBD", "be"),
        ("signed", Verb, "VBN", "sign"),
        ("by", Adp, "IN", "by"),
        ("the", Det, "DT", "the"),
        ("president", Noun, "NN", "president"),
        (".", Punct, ".", "."),
    ]);
    shipped().parse(&mut s);
    let got: Vec<(usize, &str)> = s
        .tokens
        .iter()
        .map(|t| (t.head, t.deprel.as_str()))
        .collect();
    let want = [
        (2, "det"),
        (4, "nsubj:pass"),
        (4, "aux:pass"),
        (0, "root"),
        (7, "case"),
        (7, "det"),
        (4, "obl:agent"),
        (4, "punct"),
    ];
    assert_eq!(got, want);
}

#[test]
fn shipped_model_parses_a_phrasal_verb() {
    use Upos::*;
    let mut s = tagged(&[
        ("Maria", Propn, "NNP", "Maria"),
        ("picked", Verb, "VBD", "pick"),
        ("up", Adp, "RP", "up"),
        ("her", Pron, "PRP$", "she"),
        ("phone", Noun, "NN", "phone"),
        (".", Punct, ".", "."),
    ]);
    shipped().parse(&mut s);
    let got: Vec<(usize, &str)> = s
        .tokens
        .iter()
        .map(|t| (t.head, t.deprel.as_str()))
        .collect();
    let want = [
        (2, "nsubj"),
        (0, "root"),
        (2, "compound:prt"),
        (5, "nmod:poss"),
        (2, "obj"),
        (2, "punct"),
    ];
    assert_eq!(got, want);
}

/// A 5,000-token "sentence" goes through the whole shipped pipeline: one tree, every head
/// in range, exactly one root (no recursion to overflow, nothing quadratic to wait for).
#[test]
fn the_pipeline_handles_a_five_thousand_token_sentence() {
    let text = "word, ".repeat(2_500) + "end.";
    let analyzer = newsgraph_nlp::Analyzer::embedded();
    let sentences = analyzer.analyze(&text);
    assert_eq!(sentences.len(), 1);
    let tokens = &sentences[0].tokens;
    assert_eq!(tokens.len(), 5_002);
    assert_eq!(tokens.iter().filter(|t| t.head == 0).count(), 1);
    assert!(tokens.iter().all(|t| t.head <= tokens.len()));
    assert!(
        tokens
            .iter()
            .all(|t| !t.deprel.is_empty() && !t.xpos.is_empty())
    );
}
