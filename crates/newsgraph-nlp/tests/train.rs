//! The whole language core trained by [`train_models`] on a small slice of EWT, with the
//! parser trained on jackknifed tags or on gold tags with the development sentences added:
//! training twice gives the same bytes, and the models saved, loaded and run again give the
//! same predictions.

use newsgraph_nlp::Analyzer;
use newsgraph_nlp::conllu::{self, ConlluSentence};
use newsgraph_nlp::lemma::Lemmatizer;
use newsgraph_nlp::parser::{Parser, ParserOptions};
use newsgraph_nlp::tagger::{Tagger, TaggerOptions};
use newsgraph_nlp::train::{Models, TrainOptions, retag, train_models};
use std::path::Path;

fn sample() -> Vec<ConlluSentence> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ewt-sample.conllu");
    let text = std::fs::read_to_string(path).expect("the EWT sample fixture is present");
    conllu::parse(&text).expect("the EWT sample parses")
}

fn quick() -> TrainOptions {
    TrainOptions {
        tagger: TaggerOptions {
            epochs: 2,
            folds: 2,
            ..TaggerOptions::default()
        },
        parser: ParserOptions {
            epochs: 2,
            ..ParserOptions::default()
        },
        parser_folds: 3,
        parser_adds_dev: false,
    }
}

fn bytes(m: &Models) -> [Vec<u8>; 3] {
    [
        m.tagger.to_bytes(),
        m.lemmatizer.to_bytes(),
        m.parser.to_bytes(),
    ]
}

/// Every token's (UPOS, XPOS, lemma, head, relation) after annotation from the forms alone.
fn annotate(a: &Analyzer, data: &[ConlluSentence]) -> Vec<Vec<String>> {
    data.iter()
        .map(|s| {
            let mut s = s.sentence.clone();
            for t in &mut s.tokens {
                *t = newsgraph_nlp::Token {
                    span: t.span,
                    form: std::mem::take(&mut t.form),
                    ..Default::default()
                };
            }
            a.annotate(&mut s);
            s.tokens
                .iter()
                .map(|t| {
                    format!(
                        "{:?} {} {} {} {}",
                        t.upos, t.xpos, t.lemma, t.head, t.deprel
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn train_save_load_gives_identical_models_and_predictions() {
    let data = sample();
    let (train, held_out) = data.split_at(300);
    let mut notes = Vec::new();
    let models = train_models(train, Some(held_out), &quick(), &mut notes);
    // One note per jackknife fold, and the parser's dev score per epoch.
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.starts_with("parser fold"))
            .count(),
        3
    );
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.starts_with("parser epoch"))
            .count(),
        2
    );

    let again = train_models(train, Some(held_out), &quick(), &mut Vec::new());
    assert_eq!(bytes(&again), bytes(&models));

    let [t, l, p] = bytes(&models);
    let loaded = Analyzer::new(
        Some(Tagger::from_bytes(&t).expect("tagger loads")),
        Some(Lemmatizer::from_bytes(&l).expect("lemmatizer loads")),
        Some(Parser::from_bytes(&p).expect("parser loads")),
    );
    let original = Analyzer::new(
        Some(models.tagger),
        Some(models.lemmatizer),
        Some(models.parser),
    );
    let predicted = annotate(&original, held_out);
    assert_eq!(annotate(&loaded, held_out), predicted);
    // Every token was annotated: a tag, a lemma and a relation.
    assert!(
        predicted
            .iter()
            .flatten()
            .all(|row| row.split(' ').all(|field| !field.is_empty()))
    );
}

#[test]
fn parser_trained_on_train_and_dev_is_reproducible() {
    let data = sample();
    let (train, held_out) = data.split_at(300);
    let opts = TrainOptions {
        parser_folds: 0,
        parser_adds_dev: true,
        ..quick()
    };
    let mut notes = Vec::new();
    let models = train_models(train, Some(held_out), &opts, &mut notes);
    let wanted = format!(
        "parser trained on 300 training and {} development sentences",
        held_out.len()
    );
    assert!(notes.contains(&wanted), "{notes:?}");
    // No development set is left to pick an epoch.
    assert!(!notes.iter().any(|n| n.starts_with("parser epoch")));
    let again = train_models(train, Some(held_out), &opts, &mut Vec::new());
    assert_eq!(bytes(&again), bytes(&models));
    // The development sentences were learned from: the parser differs from one that did not
    // see them.
    let without = TrainOptions {
        parser_adds_dev: false,
        ..opts
    };
    let other = train_models(train, Some(held_out), &without, &mut Vec::new());
    assert_ne!(other.parser.to_bytes(), models.parser.to_bytes());
}

#[test]
fn retag_replaces_tags_and_lemmas_but_keeps_the_tree() {
    let data = sample();
    let (train, held_out) = data.split_at(300);
    let tagger = Tagger::train(train, None, &quick().tagger);
    let lemmatizer = Lemmatizer::train(train);
    let tagged = retag(held_out, &tagger, &lemmatizer);
    assert_eq!(tagged.len(), held_out.len());
    let (mut same, mut total) = (0usize, 0usize);
    for (p, g) in tagged.iter().zip(held_out) {
        assert_eq!(p.text, g.text);
        for (a, b) in p.sentence.tokens.iter().zip(&g.sentence.tokens) {
            assert_eq!((&a.form, a.head, &a.deprel), (&b.form, b.head, &b.deprel));
            assert!(!a.xpos.is_empty() && !a.lemma.is_empty());
            same += usize::from(a.upos == b.upos);
            total += 1;
        }
    }
    // Predicted, not copied: a tagger trained on 300 sentences makes mistakes ...
    assert!(same < total, "{same} of {total}");
    // ... but is far better than chance.
    assert!(same * 10 > total * 7, "{same} of {total}");
}
