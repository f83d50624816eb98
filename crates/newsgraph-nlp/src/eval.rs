//! Accuracy of the language core on a gold CoNLL-U file: tags, lemmas and trees on the gold
//! tokens (each stage fed by the previous stage's predictions), and sentence boundaries from
//! the raw text rebuilt from the file.

use crate::analyzer::Analyzer;
use crate::conllu::{self, ConlluError};
use crate::token::Upos;
use std::fmt;

/// Scores of one evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EvalReport {
    /// Tokens scored.
    pub tokens: usize,
    /// Sentences scored.
    pub sentences: usize,
    /// UPOS accuracy.
    pub upos: f64,
    /// XPOS accuracy.
    pub xpos: f64,
    /// Lemma accuracy.
    pub lemma: f64,
    /// Unlabelled attachment score.
    pub uas: f64,
    /// Labelled attachment score (relation with subtype).
    pub las: f64,
    /// Sentence-boundary F1 from raw text.
    pub sentence_f1: f64,
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "sentences    {}", self.sentences)?;
        writeln!(f, "tokens       {}", self.tokens)?;
        writeln!(f, "UPOS         {:.2}", self.upos * 100.0)?;
        writeln!(f, "XPOS         {:.2}", self.xpos * 100.0)?;
        writeln!(f, "lemma        {:.2}", self.lemma * 100.0)?;
        writeln!(f, "UAS          {:.2}", self.uas * 100.0)?;
        writeln!(f, "LAS          {:.2}", self.las * 100.0)?;
        writeln!(f, "sentence F1  {:.2}", self.sentence_f1 * 100.0)
    }
}

/// Evaluates `analyzer` against a gold CoNLL-U text.
pub fn evaluate(analyzer: &Analyzer, gold_text: &str) -> Result<EvalReport, ConlluError> {
    let gold = conllu::parse(gold_text)?;
    let mut r = EvalReport {
        sentences: gold.len(),
        ..EvalReport::default()
    };
    let (mut upos, mut xpos, mut lemma, mut uas, mut las) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    for g in &gold {
        let mut s = g.sentence.clone();
        for t in &mut s.tokens {
            t.upos = Upos::X;
            t.xpos.clear();
            t.lemma.clear();
            t.head = 0;
            t.deprel.clear();
        }
        analyzer.annotate(&mut s);
        for (p, g) in s.tokens.iter().zip(&g.sentence.tokens) {
            r.tokens += 1;
            upos += usize::from(p.upos == g.upos);
            xpos += usize::from(p.xpos == g.xpos);
            lemma += usize::from(p.lemma == g.lemma);
            uas += usize::from(p.head == g.head);
            las += usize::from(p.head == g.head && p.deprel == g.deprel);
        }
    }
    let share = |n: usize| n as f64 / r.tokens.max(1) as f64;
    r.upos = share(upos);
    r.xpos = share(xpos);
    r.lemma = share(lemma);
    r.uas = share(uas);
    r.las = share(las);
    r.sentence_f1 = crate::split::sentence_boundary_f1(gold_text)?.f1;
    Ok(r)
}
