//! Named-entity recognition: the IOB2 reader, BIO span extraction, training round trips and
//! the shipped model's output on invented sentences.

use newsgraph_nlp::Analyzer;
use newsgraph_nlp::ner::iob::{self, IobSentence};
use newsgraph_nlp::ner::lexicon::{GIVEN_NAME, Gazetteer, Lexicon, LexiconOptions, SURNAME};
use newsgraph_nlp::ner::train::{self, Example, NerOptions, NerScores};
use newsgraph_nlp::ner::{Bio, NerLabel, Recognizer, spans_from_bio};

const PER: NerLabel = NerLabel::Per;
const ORG: NerLabel = NerLabel::Org;
const LOC: NerLabel = NerLabel::Loc;

#[test]
fn reader_maps_oth_and_stray_b_o_to_o() {
    let text = "# newdoc id = doc-1\n# sent_id = doc-1-0001\n# text = Al-Zaman : American forces .\n\
                1\tAl\tB-ORG\t-\tann\n2\t-\tI-ORG\t-\tann\n3\tZaman\tI-ORG\t-\tann\n4\t:\tO\n\
                5\tAmerican\tB-OTH\t-\tann\n6\tforces\tI-OTH\t-\tann\n7\t.\tB-O\t-\tann\n\n\
                # sent_id = doc-1-0002\n1\tJane\tB-PER\t-\t-\n2\tin\tO\t-\t-\n3\tOslo\tB-LOC\t-\t-\n\
                4\tfor\tO\n5\tAcme\tI-ORG\t-\t-\n";
    let got = iob::parse(text).unwrap();
    let expected = vec![
        IobSentence {
            id: "doc-1-0001".into(),
            newdoc: true,
            forms: ["Al", "-", "Zaman", ":", "American", "forces", "."]
                .map(String::from)
                .to_vec(),
            tags: vec![
                Bio::B(ORG),
                Bio::I(ORG),
                Bio::I(ORG),
                Bio::O,
                Bio::O,
                Bio::O,
                Bio::O,
            ],
        },
        IobSentence {
            id: "doc-1-0002".into(),
            newdoc: false,
            forms: ["Jane", "in", "Oslo", "for", "Acme"]
                .map(String::from)
                .to_vec(),
            tags: vec![Bio::B(PER), Bio::O, Bio::B(LOC), Bio::O, Bio::I(ORG)],
        },
    ];
    assert_eq!(got, expected);
}

#[test]
fn reader_tag_mapping_table() {
    let rows = [
        ("O", Bio::O),
        ("B-PER", Bio::B(PER)),
        ("I-PER", Bio::I(PER)),
        ("B-ORG", Bio::B(ORG)),
        ("I-LOC", Bio::I(LOC)),
        ("B-OTH", Bio::O),
        ("I-OTH", Bio::O),
        ("B-O", Bio::O),
        ("B-MISC", Bio::O),
        ("", Bio::O),
    ];
    for (raw, want) in rows {
        assert_eq!(iob::map_tag(raw), want, "{raw:?}");
    }
}

#[test]
fn reader_reports_short_lines() {
    let err = iob::parse("1\tJane\tB-PER\n2\tDoe\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: expected at least 3 tab-separated columns (ID, FORM, TAG)"
    );
}

#[test]
fn spans_from_bio_table() {
    use Bio::{B, I, O};
    type Row = (Vec<Bio>, Vec<(usize, usize, NerLabel)>);
    let rows: Vec<Row> = vec![
        (vec![], vec![]),
        (vec![O, O], vec![]),
        (vec![B(PER)], vec![(0, 1, PER)]),
        (vec![B(PER), I(PER), O], vec![(0, 2, PER)]),
        (vec![B(PER), B(PER)], vec![(0, 1, PER), (1, 2, PER)]),
        // A stray I- opens a span (conlleval).
        (vec![O, I(ORG), I(ORG)], vec![(1, 3, ORG)]),
        // A label change inside a span closes it.
        (vec![B(ORG), I(LOC)], vec![(0, 1, ORG), (1, 2, LOC)]),
        (
            vec![B(LOC), I(LOC), I(LOC), O, B(ORG)],
            vec![(0, 3, LOC), (4, 5, ORG)],
        ),
    ];
    for (tags, want) in rows {
        assert_eq!(spans_from_bio(&tags), want, "{tags:?}");
    }
}

#[test]
fn scores_count_exact_spans_only() {
    let mut s = NerScores::default();
    s.add(
        &[(0, 2, PER), (3, 4, LOC), (5, 6, ORG)],
        &[(0, 2, PER), (3, 4, ORG), (5, 7, ORG)],
    );
    let m = s.micro();
    assert_eq!((m.gold, m.predicted, m.correct), (3, 3, 1));
    assert_eq!(s.labels[0].f1(), 1.0);
    assert_eq!(s.labels[2].recall(), 0.0);
}

/// A small invented training set: people meet people, work for organisations, travel to
/// places.
fn synthetic() -> Vec<IobSentence> {
    let people = [
        ("Jane", "Doe"),
        ("John", "Roe"),
        ("Alma", "Brisk"),
        ("Otto", "Vance"),
        ("Nia", "Kell"),
        ("Sam", "Orrin"),
    ];
    let orgs = ["Acme Corp", "Vexa Bank", "Ruritanian Rail", "Zeno Labs"];
    let places = ["Oslo", "Lima", "Ruritania", "Kestrel Bay", "Norvik"];
    let mut out = Vec::new();
    for i in 0..120 {
        let (f, l) = people[i % people.len()];
        let org = orgs[(i / 2) % orgs.len()];
        let place = places[(i / 3) % places.len()];
        let (text, tags): (Vec<&str>, Vec<Bio>) = match i % 3 {
            0 => {
                let mut w = vec![f, l, "works", "for"];
                let mut t = vec![Bio::B(PER), Bio::I(PER), Bio::O, Bio::O];
                for (k, x) in org.split(' ').enumerate() {
                    w.push(x);
                    t.push(if k == 0 { Bio::B(ORG) } else { Bio::I(ORG) });
                }
                w.push(".");
                t.push(Bio::O);
                (w, t)
            }
            1 => {
                let mut w = vec!["They", "flew", "to"];
                let mut t = vec![Bio::O, Bio::O, Bio::O];
                for (k, x) in place.split(' ').enumerate() {
                    w.push(x);
                    t.push(if k == 0 { Bio::B(LOC) } else { Bio::I(LOC) });
                }
                w.extend(["with", f, "."]);
                t.extend([Bio::O, Bio::B(PER), Bio::O]);
                (w, t)
            }
            _ => (
                vec!["the", "report", "was", "late", "again", "."],
                vec![Bio::O; 6],
            ),
        };
        out.push(IobSentence {
            id: format!("s{i}"),
            newdoc: i == 0,
            forms: text.into_iter().map(String::from).collect(),
            tags,
        });
    }
    out
}

fn small_model() -> Recognizer {
    let gold = synthetic();
    let ex: Vec<Example> = train::examples(&gold);
    let text: Vec<Vec<&str>> = gold
        .iter()
        .map(|s| s.forms.iter().map(String::as_str).collect())
        .collect();
    let lexicon = Lexicon::learn(
        &text,
        &LexiconOptions {
            classes: [4, 8],
            min_count: 1,
            iterations: 3,
        },
    );
    let mut gazetteer = Gazetteer::from_pairs([("Norvik".to_string(), LOC)]);
    gazetteer.add_word("Otto", GIVEN_NAME);
    gazetteer.add_word("kell", SURNAME);
    let opts = NerOptions {
        epochs: 4,
        entity_bias: false,
        ..NerOptions::default()
    };
    train::train(&ex, None, lexicon, gazetteer, &opts).0
}

fn analyzed(text: &str) -> newsgraph_nlp::Sentence {
    let mut s = Analyzer::embedded().analyze(text);
    assert_eq!(s.len(), 1, "{text}");
    s.remove(0)
}

fn spans(rec: &Recognizer, text: &str) -> Vec<(String, NerLabel)> {
    let s = analyzed(text);
    rec.predict(&s)
        .into_iter()
        .map(|p| {
            let words: Vec<&str> = s.tokens[p.start..p.end]
                .iter()
                .map(|t| t.form.as_str())
                .collect();
            (words.join(" "), p.label)
        })
        .collect()
}

#[test]
fn small_training_round_trips_through_bytes() {
    let model = small_model();
    let bytes = model.to_bytes();
    let loaded = Recognizer::from_bytes(&bytes).unwrap();
    assert_eq!(loaded, model);
    assert_eq!(loaded.to_bytes(), bytes);
    // Same training data, same bytes.
    assert_eq!(small_model().to_bytes(), bytes);
    for text in [
        "Jane Doe works for Vexa Bank.",
        "They flew to Kestrel Bay with Otto.",
        "Nia Kell works for Zeno Labs.",
    ] {
        let s = analyzed(text);
        assert_eq!(model.predict(&s), loaded.predict(&s), "{text}");
    }
    assert_eq!(
        spans(&loaded, "Jane Doe works for Vexa Bank."),
        vec![
            ("Jane Doe".to_string(), PER),
            ("Vexa Bank".to_string(), ORG)
        ]
    );
}

#[test]
fn gazetteer_folder_gives_places_any_case_and_name_words() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer");
    let g = Gazetteer::from_dir(&dir).unwrap();
    assert_eq!(g.get("Paris"), Some(LOC));
    assert_eq!(g.get("paris"), None);
    assert_eq!(g.get_lower("paris"), Some(LOC));
    assert_eq!(g.get_lower("new york"), Some(LOC));
    // Acronyms are not matched lowercased ("us", "who").
    assert_eq!(g.get("US"), Some(LOC));
    assert_eq!(g.get_lower("us"), None);
    assert_eq!(g.word_kinds("jane") & GIVEN_NAME, GIVEN_NAME);
    assert_eq!(g.word_kinds("smith") & SURNAME, SURNAME);
    assert_eq!(g.word_kinds("weather"), 0);
}

#[test]
fn broken_model_bytes_are_refused() {
    let bytes = small_model().to_bytes();
    assert!(Recognizer::from_bytes(&bytes[..bytes.len() - 3]).is_err());
    assert_eq!(
        Recognizer::from_bytes(b"NGTAGGER....")
            .unwrap_err()
            .to_string(),
        "not a NGNER model file (bad magic bytes)"
    );
}

#[test]
fn empty_sentence_and_empty_model_find_nothing() {
    let s = newsgraph_nlp::Sentence::default();
    assert!(Recognizer::embedded().predict(&s).is_empty());
    assert!(
        Recognizer::empty()
            .predict(&analyzed("Jane Doe left."))
            .is_empty()
    );
}

#[test]
fn shipped_model_loads() {
    let rec = Recognizer::load_embedded().unwrap();
    assert!(rec.feature_count() > 10_000);
}

#[test]
fn shipped_model_on_invented_sentences() {
    let rec = Recognizer::embedded();
    let rows: Vec<(&str, Vec<(&str, NerLabel)>)> = vec![
        (
            "Jane Doe met officials of the Ministry of Finance in Paris.",
            vec![
                ("Jane Doe", PER),
                ("Ministry of Finance", ORG),
                ("Paris", LOC),
            ],
        ),
        (
            "John Smith flew to London on Monday.",
            vec![("John Smith", PER), ("London", LOC)],
        ),
        ("The weather was cold and the roads were icy.", vec![]),
    ];
    for (text, want) in rows {
        let want: Vec<(String, NerLabel)> =
            want.into_iter().map(|(w, l)| (w.to_string(), l)).collect();
        assert_eq!(spans(rec, text), want, "{text}");
    }
}

#[test]
fn document_prediction_keeps_one_label_per_phrase() {
    let rec = small_model();
    let sentences: Vec<_> = ["Otto Vance works for Acme Corp.", "Otto Vance"]
        .iter()
        .map(|t| analyzed(t))
        .collect();
    let doc = rec.predict_document(&sentences);
    let first: Vec<_> = doc[0].iter().map(|p| (p.start, p.end, p.label)).collect();
    assert_eq!(first, vec![(0, 2, PER), (4, 6, ORG)]);
    let second: Vec<_> = doc[1].iter().map(|p| (p.start, p.end, p.label)).collect();
    assert_eq!(second, vec![(0, 2, PER)]);
}
