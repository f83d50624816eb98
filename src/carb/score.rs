//! CaRB scoring: gold and system tuples by sentence in, the precision-recall curve over the
//! system's confidences out, with P/R/F1 at the best-F1 threshold and the area under the
//! curve, computed the way the official CaRB scorer (dair-iitd/CaRB) does.

use super::tuples::{ByKey, Tuple};
use std::collections::BTreeMap;
use std::fmt;

/// Relation words CaRB treats as speech verbs: for them a system tuple may also match with
/// its arguments swapped (CaRB tests them as substrings of the gold relation).
const SAID_WORDS: [&str; 5] = ["said", "told", "added", "adds", "says"];

/// Forms of "be" that a system relation word `be` matches.
const BE_FORMS: [&str; 8] = ["be", "is", "am", "are", "was", "were", "been", "being"];

/// The CaRB result for one system on one gold file.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Precision at the best-F1 threshold.
    pub precision: f64,
    /// Recall at the best-F1 threshold.
    pub recall: f64,
    /// The best F1 over thresholds.
    pub f1: f64,
    /// The confidence threshold giving the best F1.
    pub threshold: f64,
    /// Area under the precision-recall curve (with the point recall 0, precision 1 added).
    pub auc: f64,
    /// Gold sentences and tuples.
    pub gold_sentences: usize,
    /// Gold tuples.
    pub gold_tuples: usize,
    /// System tuples on gold sentences.
    pub system_tuples: usize,
    /// The curve: (threshold, precision, recall), thresholds ascending.
    pub curve: Vec<(f64, f64, f64)>,
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "gold: {} sentences, {} tuples; system: {} tuples on those sentences",
            self.gold_sentences, self.gold_tuples, self.system_tuples
        )?;
        writeln!(
            f,
            "P {:.3}  R {:.3}  F1 {:.3}  AUC {:.3}  (best-F1 threshold {:.4})",
            self.precision, self.recall, self.f1, self.auc, self.threshold
        )
    }
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Counts gold words found in `predicted`, each predicted word used once; returns the count
/// and the predicted words left over.
fn overlap<'a>(gold: &[&str], mut predicted: Vec<&'a str>) -> (usize, Vec<&'a str>) {
    let mut n = 0;
    for g in gold {
        if let Some(i) = predicted.iter().position(|p| p == g) {
            predicted.remove(i);
            n += 1;
        }
    }
    (n, predicted)
}

/// CaRB's lenient tuple match on (possibly binarised) tuples: (precision, recall), or (0, 0)
/// when the relations share no word or the system lacks an argument the gold has in its
/// first two slots.
fn lenient(gold_rel: &str, gold_args: &[String], sys_rel: &str, sys_args: &[String]) -> [f64; 2] {
    let gold_words = words(gold_rel);
    let sys_words = words(sys_rel);
    let (mut prec_num, mut prec_den) = (0usize, sys_words.len());
    let mut rec_den = gold_words.len();
    let (mut matched, left) = overlap(&gold_words, sys_words);
    if left.contains(&"be") && BE_FORMS.iter().any(|f| gold_words.contains(f)) {
        matched += 1;
    }
    if matched == 0 {
        return [0.0, 0.0];
    }
    prec_num += matched;
    let mut rec_num = matched;
    for (i, g) in gold_args.iter().enumerate() {
        let gw = words(g);
        rec_den += gw.len();
        let Some(s) = sys_args.get(i) else {
            if i < 2 {
                return [0.0, 0.0];
            }
            continue;
        };
        let sw = words(s);
        prec_den += sw.len();
        let (m, _) = overlap(&gw, sw);
        prec_num += m;
        rec_num += m;
    }
    let p = if prec_den == 0 {
        0.0
    } else {
        prec_num as f64 / prec_den as f64
    };
    let r = if rec_den == 0 {
        0.0
    } else {
        rec_num as f64 / rec_den as f64
    };
    [p, r]
}

/// Arguments folded into two slots: the first, and all later ones joined by a space.
fn binarised(args: &[String]) -> Vec<String> {
    if args.len() >= 2 {
        vec![args[0].clone(), args[1..].join(" ")]
    } else {
        args.to_vec()
    }
}

/// CaRB's default matching function (binary lenient tuple match), (precision, recall).
pub(crate) fn match_pair(gold: &Tuple, system: &Tuple) -> [f64; 2] {
    let g = binarised(&gold.args);
    let s = binarised(&system.args);
    let straight = lenient(&gold.relation, &g, &system.relation, &s);
    if !SAID_WORDS.iter().any(|w| gold.relation.contains(w)) {
        return straight;
    }
    let swapped = if system.args.len() >= 2 {
        vec![system.args[1..].join(" "), system.args[0].clone()]
    } else {
        system.args.clone()
    };
    let reverse = lenient(&gold.relation, &g, &system.relation, &swapped);
    // Python's max on [p, r] lists: compare precision, then recall.
    if reverse[0] > straight[0] || (reverse[0] == straight[0] && reverse[1] > straight[1]) {
        reverse
    } else {
        straight
    }
}

/// Scores system tuples against gold ones. Sentences are matched by their normalised key;
/// system tuples on sentences without gold tuples are ignored, as in CaRB.
pub fn score(gold: &ByKey, system: &ByKey) -> Score {
    let sys: BTreeMap<&str, &[Tuple]> = system
        .iter()
        .map(|(k, st)| (k.as_str(), st.tuples.as_slice()))
        .collect();
    let mut thresholds: Vec<f64> = system
        .iter()
        .flat_map(|(_, st)| st.tuples.iter().map(|t| t.confidence))
        .collect();
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    let n = thresholds.len();
    let (mut p, mut pl, mut r, mut rl) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut gold_tuples = 0;
    let mut system_tuples = 0;
    for (key, g) in gold {
        let golds = &g.tuples;
        let preds: &[Tuple] = sys.get(key.as_str()).copied().unwrap_or(&[]);
        gold_tuples += golds.len();
        system_tuples += preds.len();
        let scores: Vec<Vec<[f64; 2]>> = golds
            .iter()
            .map(|gt| preds.iter().map(|pt| match_pair(gt, pt)).collect())
            .collect();
        let mut confs: Vec<f64> = preds.iter().map(|t| t.confidence).collect();
        confs.sort_by(f64::total_cmp);
        let mut prev = 0usize;
        for conf in confs {
            let c = thresholds
                .binary_search_by(|x| x.total_cmp(&conf))
                .unwrap_or(0);
            let kept: Vec<usize> = (0..preds.len())
                .filter(|&j| preds[j].confidence >= conf)
                .collect();
            let recall_num: f64 = scores
                .iter()
                .map(|row| kept.iter().map(|&j| row[j][1]).fold(0.0, f64::max))
                .sum();
            let precision_num = greedy_precision(&scores, &kept);
            for i in prev..=c {
                p[i] += precision_num;
                pl[i] += kept.len() as f64;
                r[i] += recall_num;
                rl[i] += golds.len() as f64;
            }
            prev = c + 1;
        }
        for x in rl.iter_mut().skip(prev) {
            *x += golds.len() as f64;
        }
    }
    let prec: Vec<f64> = p
        .iter()
        .zip(&pl)
        .map(|(a, b)| if *b > 0.0 { a / b } else { 1.0 })
        .collect();
    let rec: Vec<f64> = r
        .iter()
        .zip(&rl)
        .map(|(a, b)| if *b > 0.0 { a / b } else { 0.0 })
        .collect();
    let f1s: Vec<f64> = prec.iter().zip(&rec).map(|(p, r)| f1(*p, *r)).collect();
    let best = f1s
        .iter()
        .enumerate()
        .fold(None, |acc: Option<(usize, f64)>, (i, f)| match acc {
            Some((_, bf)) if bf >= *f => acc,
            _ => Some((i, *f)),
        });
    let (precision, recall, f1v, threshold) = match best {
        Some((i, f)) => (prec[i], rec[i], f, thresholds[i]),
        None => (0.0, 0.0, 0.0, 0.0),
    };
    let mut xs = rec.clone();
    let mut ys = prec.clone();
    xs.push(0.0);
    ys.push(1.0);
    let auc = if n == 0 { 0.0 } else { area(&xs, &ys) };
    Score {
        precision,
        recall,
        f1: f1v,
        threshold,
        auc,
        gold_sentences: gold.len(),
        gold_tuples,
        system_tuples,
        curve: thresholds
            .iter()
            .zip(prec.iter().zip(&rec))
            .map(|(t, (p, r))| (*t, *p, *r))
            .collect(),
    }
}

/// One-to-one greedy matching on precision over the kept system tuples: repeatedly takes the
/// best (gold, system) pair not yet used, first in gold-then-system order on ties.
fn greedy_precision(scores: &[Vec<[f64; 2]>], kept: &[usize]) -> f64 {
    let mut used_rows = vec![false; scores.len()];
    let mut used_cols: Vec<usize> = Vec::new();
    let mut total = 0.0;
    for _ in 0..scores.len().min(kept.len()) {
        let mut best: Option<(usize, usize, f64)> = None;
        for (i, row) in scores.iter().enumerate() {
            if used_rows[i] {
                continue;
            }
            for &j in kept {
                if used_cols.contains(&j) {
                    continue;
                }
                if best.is_none_or(|b| row[j][0] > b.2) {
                    best = Some((i, j, row[j][0]));
                }
            }
        }
        let Some((i, j, v)) = best else { break };
        used_rows[i] = true;
        used_cols.push(j);
        total += v;
    }
    total
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Trapezoidal area under y(x), for x monotonic in either direction (as scikit-learn's `auc`).
fn area(xs: &[f64], ys: &[f64]) -> f64 {
    let mut a = 0.0;
    for i in 1..xs.len() {
        a += (xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1]) / 2.0;
    }
    a.abs()
}
