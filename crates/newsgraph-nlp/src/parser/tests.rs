//! Unit tests over the whole parser: oracle, projectivisation, robustness, model files.

use super::system::{Gold, Move, ROOT_LABEL, State, costs};
use super::*;
use std::collections::HashMap;

const SAMPLE: &str = include_str!("../../tests/data/ewt-sample.conllu");

fn sample() -> Vec<ConlluSentence> {
    conllu::parse(SAMPLE).expect("fixture parses")
}

fn heads_of(s: &ConlluSentence) -> Vec<u32> {
    s.sentence.tokens.iter().map(|t| t.head as u32).collect()
}

/// Follows zero-cost moves (the first or the last one in class order) to the end.
fn follow_oracle(heads: &[u32], labels: &[u16], n_labels: usize, last: bool) -> Vec<(u32, u16)> {
    let gold = Gold::new(heads, labels);
    let base: Vec<u16> = (0..n_labels as u16).collect();
    let mut st = State::default();
    st.reset(heads.len());
    while !st.is_final() {
        if st.needs_root() {
            st.attach_root();
            continue;
        }
        let c = costs(&st, &gold);
        let mut zero = (0..1 + 2 * n_labels).filter(|&k| c.of(k, n_labels) == Some(0));
        let k = if last { zero.next_back() } else { zero.next() };
        st.apply(
            Move::from_class(k.expect("a zero-cost move exists"), n_labels),
            &base,
        );
    }
    st.nodes[1..].iter().map(|n| (n.head, n.label)).collect()
}

#[test]
fn oracle_rebuilds_every_projective_training_tree() {
    let mut ids: HashMap<String, u16> = HashMap::new();
    let mut checked = 0;
    for s in sample() {
        let mut heads = heads_of(&s);
        assert!(projective::is_tree(&heads), "{:?}", s.comment("sent_id"));
        projective::projectivize(&mut heads);
        let labels: Vec<u16> = s
            .sentence
            .tokens
            .iter()
            .map(|t| {
                if t.head == 0 {
                    return ROOT_LABEL;
                }
                let next = ids.len() as u16;
                *ids.entry(t.deprel.clone()).or_insert(next)
            })
            .collect();
        let want: Vec<(u32, u16)> = heads.iter().copied().zip(labels.iter().copied()).collect();
        for last in [false, true] {
            assert_eq!(
                follow_oracle(&heads, &labels, 64, last),
                want,
                "{:?}",
                s.comment("sent_id")
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 400);
}

#[test]
fn projectivisation_keeps_trees_valid() {
    let mut lifted_total = 0;
    for s in sample() {
        let orig = heads_of(&s);
        let mut heads = orig.clone();
        let lifted = projective::projectivize(&mut heads);
        lifted_total += lifted.len();
        assert!(projective::is_tree(&heads));
        // Projective now: following the oracle rebuilds the lifted tree exactly.
        let labels = vec![0u16; heads.len()];
        let rebuilt: Vec<u32> = follow_oracle(&heads, &labels, 1, false)
            .into_iter()
            .map(|(h, _)| h)
            .collect();
        assert_eq!(rebuilt, heads);
        for &(d, h) in &lifted {
            assert_eq!(orig[d - 1], h);
        }
    }
    assert!(lifted_total > 0, "the sample has non-projective trees");
}

fn small_parser() -> Parser {
    let data = sample();
    let opts = ParserOptions {
        epochs: 2,
        ..ParserOptions::default()
    };
    Parser::train(&data[..60], None, &opts)
}

fn assert_tree(tokens: &[Token]) {
    if tokens.is_empty() {
        return;
    }
    let heads: Vec<u32> = tokens.iter().map(|t| t.head as u32).collect();
    assert!(projective::is_tree(&heads));
    for t in tokens {
        assert_eq!(t.head == 0, t.deprel == ROOT_RELATION);
        assert!(!t.deprel.is_empty());
    }
}

#[test]
fn any_token_sequence_gets_one_tree() {
    let parser = small_parser();
    let data = sample();
    // A 5,000-token "sentence" made of fixture tokens, and one of 50,000: both finish in
    // 2n moves, without recursion.
    let pool: Vec<Token> = data
        .iter()
        .flat_map(|s| s.sentence.tokens.iter().cloned())
        .collect();
    for n in [5_000, 50_000] {
        let mut s = Sentence {
            tokens: pool.iter().cycle().take(n).cloned().collect(),
            ..Sentence::default()
        };
        parser.parse(&mut s);
        assert_tree(&s.tokens);
    }
    // Odd input: empty strings, unknown tags, control characters, a single token.
    let odd = |form: &str, xpos: &str| Token {
        form: form.into(),
        xpos: xpos.into(),
        ..Token::default()
    };
    for tokens in [
        vec![],
        vec![odd("", "")],
        vec![odd("\u{0}", "???"), odd("ﬃ", ""), odd("", "NN")],
        (0..300).map(|i| odd(&"x".repeat(i), "FW")).collect(),
    ] {
        let mut s = Sentence {
            tokens,
            ..Sentence::default()
        };
        parser.parse(&mut s);
        assert_tree(&s.tokens);
    }
}

#[test]
fn corrupt_model_files_are_errors() {
    let bytes = small_parser().to_bytes();
    assert!(Parser::from_bytes(&bytes).is_ok());
    let step = (bytes.len() / 300).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        assert!(Parser::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut flipped = bytes.clone();
    for i in (12..flipped.len()).step_by(step) {
        flipped[i] ^= 0x5a;
        // Either refused or loaded; never a panic.
        let _ = Parser::from_bytes(&flipped);
        flipped[i] ^= 0x5a;
    }
    assert!(matches!(
        Parser::from_bytes(b"NGTAGGER\x01\0\0\0"),
        Err(ModelError::BadMagic { .. })
    ));
}

#[test]
fn scores_and_universal_part() {
    assert_eq!(universal_part("nsubj:pass"), "nsubj");
    assert_eq!(universal_part("obj"), "obj");
    let parser = small_parser();
    let data = sample();
    let s = parser.evaluate(&data[300..]);
    assert_eq!(
        s.tokens,
        data[300..]
            .iter()
            .map(|s| s.sentence.tokens.len())
            .sum::<usize>()
    );
    assert!(s.las <= s.las_universal && s.las_universal <= s.uas && s.uas <= 1.0);
}

#[test]
fn lifted_labels_train_and_lower() {
    let data = sample();
    let opts = ParserOptions {
        epochs: 2,
        min_lifted_label_count: 1,
        ..ParserOptions::default()
    };
    let parser = Parser::train(&data, None, &opts);
    assert!(
        !parser.labels.lifted.is_empty(),
        "the sample has lifted arcs"
    );
    let bytes = parser.to_bytes();
    let back = Parser::from_bytes(&bytes).expect("loads");
    assert_eq!(back.to_bytes(), bytes);
    for s in &data {
        let mut sentence = s.sentence.clone();
        back.parse(&mut sentence);
        assert_tree(&sentence.tokens);
        assert!(sentence.tokens.iter().all(|t| !t.deprel.contains('^')));
    }
}
