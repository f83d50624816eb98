//! CaRB: the scorer on invented tuples with exact precision and recall, and the extractor on
//! invented sentences with exact tuples.

use newsgraph::carb::{
    extract_line, extract_lines, normalize_key, read_gold, read_system, score, write_system,
};
use newsgraph_nlp::Analyzer;

const SENT: &str = "Jane Doe visited Ruritania in 1999 .";

fn gold(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{SENT}\t{l}\n")).collect()
}

fn system(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{SENT}\t{l}\n")).collect()
}

fn run(g: &[&str], s: &[&str]) -> newsgraph::carb::Score {
    let g = read_gold("gold.tsv", &gold(g)).expect("gold reads");
    let s = read_system("sys.tsv", &system(s)).expect("system reads");
    score(&g, &s)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[test]
fn exact_match_scores_one() {
    let r = run(
        &["visited\tJane Doe\tRuritania\tin 1999"],
        &["0.9\tvisited\tJane Doe\tRuritania\tin 1999"],
    );
    assert_eq!((r.precision, r.recall, r.f1), (1.0, 1.0, 1.0));
    // The curve has one point (R 1, P 1) plus the added (0, 1): area 1.
    assert_eq!(r.auc, 1.0);
}

#[test]
fn partial_match_counts_tokens_per_slot() {
    // Gold: rel 1 word, arg1 2, args 2+3 joined: 3 words; 6 in all.
    // System: rel "visited" (1/1), arg1 "Doe" (1 of 1), rest "Ruritania" (1 of 1):
    // precision 3/3, recall 3/6.
    let r = run(
        &["visited\tJane Doe\tRuritania\tin 1999"],
        &["0.5\tvisited\tDoe\tRuritania"],
    );
    assert_eq!((r.precision, r.recall), (1.0, 0.5));
    assert_eq!(round(r.f1), 0.667);
}

#[test]
fn relation_must_share_a_word_and_arguments_must_be_present() {
    let r = run(
        &["visited\tJane Doe\tRuritania"],
        &["0.5\ttoured\tJane Doe\tRuritania", "0.4\tvisited\tJane Doe"],
    );
    assert_eq!((r.precision, r.recall, r.f1), (0.0, 0.0, 0.0));
}

#[test]
fn system_be_matches_a_gold_form_of_be() {
    // rel: "be" matches "is" (1 of 1 / 1 of 1); args all match: P 3/3, R 3/3.
    let r = run(
        &["is\tJane Doe\tthe mayor"],
        &["0.5\tbe\tJane Doe\tthe mayor"],
    );
    assert_eq!((r.precision, r.recall), (1.0, 1.0));
}

#[test]
fn precision_is_one_to_one_and_recall_is_best_per_gold() {
    // Two identical system tuples: recall takes the best for the one gold tuple (1.0), but
    // only one system tuple can be matched for precision: (1 + 0) / 2.
    let r = run(
        &["visited\tJane Doe\tRuritania"],
        &[
            "0.5\tvisited\tJane Doe\tRuritania",
            "0.5\tvisited\tJane Doe\tRuritania",
        ],
    );
    assert_eq!((r.precision, r.recall), (0.5, 1.0));
}

#[test]
fn threshold_sweep_picks_the_best_f1_and_integrates_the_curve() {
    // At threshold 0.9 only the right tuple: P 1, R 1/2. At 0.2 both tuples: the wrong one
    // matches nothing, P 1/2, R 1/2. Best F1 at 0.9 (P 1, R 0.5, F1 0.667).
    // Curve (R, P): (0.5, 0.5) at 0.2, (0.5, 1) at 0.9, then (0, 1): area 0.5.
    let r = run(
        &["visited\tJane Doe\tRuritania", "was\tJane Doe\tin 1999"],
        &[
            "0.9\tvisited\tJane Doe\tRuritania",
            "0.2\tsang\tthe choir\ta song",
        ],
    );
    assert_eq!((r.precision, r.recall, r.threshold), (1.0, 0.5, 0.9));
    assert_eq!(round(r.f1), 0.667);
    assert_eq!(r.auc, 0.5);
}

#[test]
fn speech_verbs_match_with_arguments_swapped() {
    let r = run(
        &["said\tJane Doe\tthe bridge was closed"],
        &["0.5\tsaid\tthe bridge was closed\tJane Doe"],
    );
    assert_eq!((r.precision, r.recall), (1.0, 1.0));
}

#[test]
fn context_arguments_are_ignored_and_sentences_match_without_punctuation() {
    let g = read_gold(
        "gold.tsv",
        "Jane Doe -LRB- the mayor -RRB- left .\tleft\tJane Doe\tthe town\tC: John Roe said\n",
    )
    .expect("gold reads");
    assert_eq!(g[0].1.tuples[0].args, vec!["Jane Doe", "the town"]);
    assert_eq!(
        normalize_key("Jane Doe -LRB- the mayor -RRB- left ."),
        normalize_key("Jane Doe (the mayor) left")
    );
}

#[test]
fn bad_confidence_names_file_and_line() {
    let err = read_system("sys.tsv", "a b .\t0.5\tx\ty\na b .\thigh\tx\ty\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "sys.tsv: line 2: confidence \"high\" is not a number"
    );
}

fn tuples(sentence: &str) -> Vec<String> {
    let st = extract_line(Analyzer::embedded(), sentence);
    st.tuples
        .iter()
        .map(|t| format!("{} | {}", t.relation, t.args.join(" | ")))
        .collect()
}

/// One row per construction: sentence in, tuples out (most confident first), written
/// `relation | arg1 | arg2 | ...`.
#[test]
fn extracts_one_tuple_per_clause_in_the_sentences_words() {
    let table: &[(&str, &[&str])] = &[
        // SVO with a time phrase as an extra argument.
        (
            "Jane Doe visited Ruritania in 1999 .",
            &["visited | Jane Doe | Ruritania | in 1999"],
        ),
        // Passive: voice and agent kept, the first preposition joins the relation.
        (
            "The mayor was invited by John Roe to the opening of the new bridge .",
            &["was invited by | The mayor | John Roe | to the opening of the new bridge"],
        ),
        // Apposition: an implied copula, as the lemma `be`.
        (
            "Jane Doe , a retired teacher , lives in Springfield .",
            &[
                "lives in | Jane Doe | Springfield",
                "be | Jane Doe | a retired teacher",
            ],
        ),
        // Negation stays in the relation; a coordinated verb shares the subject but not the
        // do-support auxiliary.
        (
            "The committee did not approve the budget and rejected the proposal .",
            &[
                "did not approve | The committee | the budget",
                "rejected | The committee | the proposal",
            ],
        ),
        // Coordinated objects are distributed, with the shared possessive.
        (
            "The company sold its farms and factories to a rival firm .",
            &[
                "sold | The company | its farms | to a rival firm",
                "sold | The company | its factories | to a rival firm",
            ],
        ),
        // A short copular predicate with a prepositional phrase; a locative inside a noun
        // phrase.
        (
            "The museum in Springfield is home to a large collection of maps .",
            &[
                "is home to | The museum in Springfield | a large collection of maps",
                "be in | The museum | Springfield",
            ],
        ),
        // Subject only.
        ("The town was flooded .", &["was flooded | The town"]),
        // A relative clause takes its antecedent as subject.
        (
            "The farmers who grow rice met the minister in May .",
            &[
                "met | The farmers | the minister | in May",
                "grow | The farmers | rice",
            ],
        ),
        // A reported clause: the complementizer joins the relation; an adverb is the only
        // complement of the inner clause.
        (
            "The report found that the river had flooded twice .",
            &[
                "found that | The report | the river had flooded twice",
                "had flooded | the river | twice",
            ],
        ),
        // An infinitive complement folds into the relation.
        (
            "The council has decided to close the library .",
            &["has decided to close | The council | the library"],
        ),
        // PTB brackets are read as brackets but written back as given; a participle clause
        // gets its implied `be`.
        (
            "The bridge -LRB- built in 1920 -RRB- was closed last year .",
            &[
                "was closed | The bridge -LRB- built in 1920 -RRB- | last year",
                "be built in | The bridge | 1920",
            ],
        ),
    ];
    for (sentence, expected) in table {
        assert_eq!(&tuples(sentence), expected, "{sentence}");
    }
}

#[test]
fn a_sentence_without_a_clause_gives_no_tuple() {
    assert_eq!(tuples("The end ."), Vec::<String>::new());
    assert_eq!(tuples(""), Vec::<String>::new());
}

#[test]
fn an_overlong_line_gives_no_tuple_and_keeps_its_text() {
    let line = "Jane Doe visited Ruritania and ".repeat(100);
    let st = extract_line(Analyzer::embedded(), &line);
    assert_eq!(st.sentence, line.trim());
    assert!(st.tuples.is_empty());
}

#[test]
fn retags_a_verb_read_as_a_noun_in_a_verbless_sentence() {
    // Regression: a sentence-initial name followed by an -s verb was tagged noun + noun, and
    // the sentence had no clause at all.
    let out = tuples("Ruritania plans to build a new port near the capital .");
    assert_eq!(
        out,
        vec!["plans to build | Ruritania | a new port | near the capital"]
    );
}

#[test]
fn confidences_rank_clauses_above_inferred_copulas_and_are_written_with_the_sentence() {
    let st = extract_line(
        Analyzer::embedded(),
        "Jane Doe , a retired teacher , lives in Springfield .",
    );
    assert!(st.tuples[0].confidence > st.tuples[1].confidence);
    let mut out = Vec::new();
    write_system(std::slice::from_ref(&st), &mut out).expect("writes to memory");
    let text = String::from_utf8(out).expect("utf-8");
    let first = text.lines().next().expect("a line");
    assert_eq!(
        first.split('\t').collect::<Vec<_>>(),
        vec![
            "Jane Doe , a retired teacher , lives in Springfield .",
            &format!("{:.4}", st.tuples[0].confidence),
            "lives in",
            "Jane Doe",
            "Springfield",
        ]
    );
}

#[test]
fn extraction_is_deterministic_and_one_sentence_per_line() {
    let text = "The town was flooded .\n\nJane Doe visited Ruritania in 1999 .\n";
    let a = extract_lines(Analyzer::embedded(), text);
    let b = extract_lines(Analyzer::embedded(), text);
    assert_eq!(a, b);
    assert_eq!(
        a.iter().map(|s| s.sentence.as_str()).collect::<Vec<_>>(),
        vec![
            "The town was flooded .",
            "Jane Doe visited Ruritania in 1999 ."
        ]
    );
}

fn newsgraph() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("newsgraph").expect("the newsgraph binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn eval_carb_scores_a_system_file() {
    // Tuple 1: P 4/4, R 4/6; tuple 2 ("flooded | the town" for "was flooded | The town"):
    // P 2/3, R 2/4. Both kept (threshold 0.4): P 0.833, R 0.583.
    newsgraph()
        .args([
            "eval-carb",
            "--gold",
            "tests/fixtures/carb/gold.tsv",
            "tests/fixtures/carb/system.tsv",
        ])
        .assert()
        .success()
        .stdout(
            "gold: 2 sentences, 2 tuples; system: 2 tuples on those sentences\n\
             P 0.833  R 0.583  F1 0.686  AUC 0.562  (best-F1 threshold 0.4000)\n",
        );
}

#[test]
fn eval_carb_runs_our_extractor_and_extract_writes_the_system_format() {
    let out = newsgraph()
        .args([
            "eval-carb",
            "--gold",
            "tests/fixtures/carb/gold.tsv",
            "--ours",
            "tests/fixtures/carb/sentences.txt",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("P 1.000  R 1.000  F1 1.000  AUC 1.000"),
        "{text}"
    );
    let out = newsgraph()
        .args([
            "extract",
            "--format",
            "carb",
            "tests/fixtures/carb/sentences.txt",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let rows: Vec<Vec<String>> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    let without_confidence: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(i, _)| *i != 1)
                .map(|(_, f)| f.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        without_confidence,
        vec![
            vec![
                "Jane Doe visited Ruritania in 1999 .",
                "visited",
                "Jane Doe",
                "Ruritania",
                "in 1999"
            ],
            vec!["The town was flooded .", "was flooded", "The town"],
        ]
    );
    assert!(rows.iter().all(|r| r[1].parse::<f64>().is_ok()));
}

#[test]
fn eval_carb_reports_a_missing_or_bad_file_with_exit_code_2() {
    newsgraph()
        .args([
            "eval-carb",
            "--gold",
            "tests/fixtures/carb/nope.tsv",
            "x.tsv",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "newsgraph: tests/fixtures/carb/nope.tsv: cannot read",
        ));
    newsgraph()
        .args([
            "eval-carb",
            "--gold",
            "tests/fixtures/carb/system.tsv",
            "tests/fixtures/carb/gold.tsv",
        ])
        .assert()
        .code(2)
        .stderr("newsgraph: tests/fixtures/carb/gold.tsv: line 1: confidence \"visited\" is not a number\n");
}
