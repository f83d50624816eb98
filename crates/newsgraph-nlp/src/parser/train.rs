//! Training: gold (or re-tagged) CoNLL-U sentences in, a [`Parser`] and a per-epoch report
//! out. Online averaged perceptron with the arc-hybrid dynamic oracle and error exploration
//! (Goldberg & Nivre 2012): after the first epoch the parser usually follows its own
//! prediction, learning to recover from its mistakes as it will have to when parsing.

use super::features::{self, N_TEMPLATES, TokIds};
use super::projective;
use super::system::{self, Gold, Move, ROOT_LABEL, State};
use super::vocab::{FastBuild, Vocab, normalize_into};
use super::weights::TrainWeights;
use super::{
    Encoder, Labels, MAX_LABELS, ParseScores, Parser, ParserOptions, ROOT_RELATION, best_legal,
};
use crate::conllu::ConlluSentence;
use crate::token::Token;
use std::collections::HashMap;

/// What one pass over the training data did.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochReport {
    /// 0-based epoch number.
    pub epoch: usize,
    /// Fraction of moves where the model's choice was one the oracle allowed.
    pub train_accuracy: f64,
    /// Perceptron updates made.
    pub updates: usize,
    /// Features with weights at the end of the epoch.
    pub features: usize,
    /// Scores of the averaged model on the development data, if given.
    pub dev: Option<ParseScores>,
}

/// What training did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainReport {
    /// One entry per epoch.
    pub epochs: Vec<EpochReport>,
    /// The epoch whose averaged weights were kept.
    pub chosen_epoch: usize,
    /// Training sentences used.
    pub sentences: usize,
    /// Training sentences skipped because their heads do not form a tree.
    pub skipped: usize,
    /// Arcs lifted to make training trees projective.
    pub lifted_arcs: usize,
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, well-mixed generator, so that training is
/// reproducible without a dependency.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// One training sentence, ready for the oracle.
struct Example {
    toks: Vec<TokIds>,
    gold: Gold,
}

/// The relation a training token's arc is learnt as: its deprel, or `dep` when that is
/// missing or claims `root` for a word that is not the root.
fn relation(t: &Token) -> &str {
    if t.deprel.is_empty() || t.deprel == ROOT_RELATION {
        "dep"
    } else {
        &t.deprel
    }
}

pub(super) fn train(
    train: &[ConlluSentence],
    dev: Option<&[ConlluSentence]>,
    opts: &ParserOptions,
) -> (Parser, TrainReport) {
    let mut report = TrainReport::default();

    // Trees, made projective.
    let mut trees: Vec<TrainTree<'_>> = Vec::new();
    for s in train {
        let tokens = s.sentence.tokens.as_slice();
        let heads: Vec<u32> = tokens
            .iter()
            .map(|t| u32::try_from(t.head).unwrap_or(u32::MAX))
            .collect();
        if tokens.is_empty() || !projective::is_tree(&heads) {
            report.skipped += 1;
            continue;
        }
        let mut proj = heads;
        let lifted = projective::projectivize(&mut proj);
        report.lifted_arcs += lifted.len();
        trees.push((tokens, proj, lifted));
    }
    report.sentences = trees.len();

    // Vocabularies.
    let mut norm = String::new();
    let mut words: HashMap<String, usize> = HashMap::new();
    let mut lemmas: HashMap<String, usize> = HashMap::new();
    let mut xpos: HashMap<String, usize> = HashMap::new();
    let mut rels: HashMap<&str, usize> = HashMap::new();
    for (tokens, _, _) in &trees {
        for t in tokens.iter() {
            normalize_into(&t.form, &mut norm);
            *words.entry(norm.clone()).or_default() += 1;
            normalize_into(&t.lemma, &mut norm);
            *lemmas.entry(norm.clone()).or_default() += 1;
            *xpos.entry(t.xpos.clone()).or_default() += 1;
            if t.head != 0 {
                *rels.entry(relation(t)).or_default() += 1;
            }
        }
    }
    let encoder = Encoder {
        words: Vocab::from_counts(&words, opts.min_word_count.max(1)),
        lemmas: Vocab::from_counts(&lemmas, opts.min_lemma_count.max(1)),
        xpos: Vocab::from_counts(&xpos, 1),
    };

    // Relations: the most frequent ones if there are too many, then sorted by name.
    let mut by_count: Vec<(&str, usize)> = rels.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    by_count.truncate(MAX_LABELS);
    let mut names: Vec<String> = by_count.iter().map(|(s, _)| (*s).to_owned()).collect();
    if names.is_empty() {
        names.push("dep".to_owned());
    }
    names.sort();
    let name_id: HashMap<String, u16> = names
        .iter()
        .enumerate()
        .map(|(i, s)| (s.clone(), i as u16))
        .collect();
    let base_id = |t: &Token| name_id.get(relation(t)).copied().unwrap_or(0);

    // Lifted-arc labels worth keeping.
    let mut pairs: HashMap<(u16, u16), usize> = HashMap::new();
    for (tokens, _, lifted) in &trees {
        for &(d, h) in lifted {
            let key = (base_id(&tokens[d - 1]), base_id(&tokens[h as usize - 1]));
            *pairs.entry(key).or_default() += 1;
        }
    }
    let mut kept: Vec<((u16, u16), usize)> = pairs
        .into_iter()
        .filter(|&(_, c)| c >= opts.min_lifted_label_count)
        .collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.truncate(MAX_LABELS.saturating_sub(names.len()));
    let mut lifted_labels: Vec<(u16, u16)> = kept.into_iter().map(|(p, _)| p).collect();
    lifted_labels.sort_unstable();
    let n_names = names.len();
    let labels = Labels::new(names, lifted_labels);
    let lifted_id: HashMap<(u16, u16), u16, FastBuild> = labels
        .lifted
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, (n_names + i) as u16))
        .collect();

    // Examples.
    let mut examples = Vec::with_capacity(trees.len());
    for (tokens, heads, lifted) in &trees {
        let mut toks = Vec::new();
        encoder.encode(tokens, &mut norm, &mut toks);
        let mut label_ids: Vec<u16> = tokens
            .iter()
            .map(|t| if t.head == 0 { ROOT_LABEL } else { base_id(t) })
            .collect();
        for &(d, h) in lifted {
            let pair = (label_ids[d - 1], base_id(&tokens[h as usize - 1]));
            if let Some(&id) = lifted_id.get(&pair) {
                label_ids[d - 1] = id;
            }
        }
        examples.push(Example {
            toks,
            gold: Gold::new(heads, &label_ids),
        });
    }

    // Epochs.
    let n_labels = labels.len();
    let classes = labels.classes();
    let mut weights = TrainWeights::default();
    let mut rng = Rng(opts.seed);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut state = State::default();
    let mut feats = [0u64; N_TEMPLATES];
    let mut scores = vec![0i64; classes];
    let mut best: Option<(f64, Parser)> = None;
    let compile = |weights: &TrainWeights| Parser {
        encoder: encoder.clone(),
        labels: labels.clone(),
        weights: weights.compile(opts.min_weight, classes),
    };
    for epoch in 0..opts.epochs.max(1) {
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        let exploring = epoch >= opts.explore_from_epoch;
        let (mut moves, mut right, mut updates) = (0usize, 0usize, 0usize);
        for &e in &order {
            let ex = &examples[e];
            state.reset(ex.toks.len() - 1);
            while !state.is_final() {
                if state.needs_root() {
                    state.attach_root();
                    continue;
                }
                features::extract(&ex.toks, &state, &labels.base, &mut feats);
                scores.fill(0);
                weights.score(&feats, &mut scores);
                let costs = system::costs(&state, &ex.gold);
                let predicted = best_legal(&scores, &state, n_labels);
                let mut gold: Option<usize> = None;
                for (k, &s) in scores.iter().enumerate() {
                    if costs.of(k, n_labels) == Some(0) && gold.is_none_or(|g| s > scores[g]) {
                        gold = Some(k);
                    }
                }
                // Projective gold trees always leave a zero-cost move; fall back to the
                // prediction rather than stall if that ever fails.
                let gold = gold.unwrap_or(predicted);
                moves += 1;
                if costs.of(predicted, n_labels) == Some(0) {
                    right += 1;
                } else {
                    weights.update(&feats, gold as u8, predicted as u8);
                    updates += 1;
                }
                weights.tick();
                let follow = if exploring && rng.unit() < opts.explore_probability {
                    predicted
                } else {
                    gold
                };
                state.apply(Move::from_class(follow, n_labels), &labels.base);
            }
        }
        let mut er = EpochReport {
            epoch,
            train_accuracy: if moves == 0 {
                0.0
            } else {
                right as f64 / moves as f64
            },
            updates,
            features: weights.len(),
            dev: None,
        };
        if let Some(dev) = dev {
            let parser = compile(&weights);
            let scores = parser.evaluate(dev);
            er.dev = Some(scores);
            if best.as_ref().is_none_or(|(las, _)| scores.las > *las) {
                report.chosen_epoch = epoch;
                best = Some((scores.las, parser));
            }
        }
        report.epochs.push(er);
    }
    let parser = match best {
        Some((_, p)) => p,
        None => {
            report.chosen_epoch = opts.epochs.max(1) - 1;
            compile(&weights)
        }
    };
    (parser, report)
}

/// A training sentence's tokens, its projectivised heads and its (dependent, label) arcs.
type TrainTree<'a> = (&'a [Token], Vec<u32>, Vec<(usize, u32)>);
