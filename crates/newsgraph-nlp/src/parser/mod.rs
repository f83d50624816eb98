//! Dependency parsing: tagged tokens (form, UPOS, XPOS, lemma) in, a labelled Universal
//! Dependencies tree out (a head and a relation, subtype included, for every token).
//!
//! A greedy arc-hybrid transition parser (`system`) scored by an averaged perceptron over
//! Zhang & Nivre-style feature templates (`features`), one weight per labelled move, trained
//! with a dynamic oracle and error exploration (Goldberg & Nivre 2012, 2013). Non-projective
//! training trees are made projective by lifting arcs (`projective`); lifted arcs may also
//! be encoded in the label and lowered after parsing (Nivre & Nilsson 2005), which is off by
//! default because it did not pay on English-EWT. Every sentence, whatever its tokens, gets
//! a tree with exactly one `root` word in 2n moves, without recursion.
//!
//! Speed comes from the weight table (`weights`): weights are averaged, pruned and quantised
//! to i8, features are looked up by integer hash in cache-line buckets, and scores are
//! summed in i16 lanes. The model is written with [`crate::binio`]; training is
//! deterministic, so the same data and [`ParserOptions`] give the same model bytes.

mod features;
mod projective;
mod system;
mod train;
mod vocab;
mod weights;

use crate::binio::{ModelError, Reader, Writer};
use crate::conllu::{self, ConlluError, ConlluSentence};
use crate::token::{Sentence, Token};
use features::{Features, N_TEMPLATES, TokIds};
use std::fmt;
use std::path::{Path, PathBuf};
use system::{Move, NO_HEAD, ROOT_LABEL, SHIFT, State};
use vocab::{FIRST_ID, Vocab};
use weights::{MAX_CLASSES, Scores, Weights};

pub use train::{EpochReport, TrainReport};

const MAGIC: &[u8; 8] = b"NGPARSE ";
const VERSION: u32 = 1;

/// The relation of the word attached to the artificial root.
pub const ROOT_RELATION: &str = "root";

/// Most labels a model can have: classes (SHIFT plus LEFT and RIGHT per label) must stay
/// below [`weights::MAX_CLASSES`]. UD English uses about fifty.
const MAX_LABELS: usize = (MAX_CLASSES - 1) / 2;

/// Training settings. The defaults are the ones the shipped model was trained with.
#[derive(Clone, Debug, PartialEq)]
pub struct ParserOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the generator that shuffles sentences and decides exploration.
    pub seed: u64,
    /// First epoch (0-based) in which the parser follows its own mistakes.
    pub explore_from_epoch: usize,
    /// Probability of following the predicted move instead of the oracle's once exploring.
    pub explore_probability: f64,
    /// Word forms seen fewer times than this in training are unknown words.
    pub min_word_count: usize,
    /// Lemmas seen fewer times than this in training are unknown.
    pub min_lemma_count: usize,
    /// Weights are quantised to −127..=127 for the whole model; those smaller than this in
    /// magnitude are dropped, which makes the model smaller and faster.
    pub min_weight: u8,
    /// A lifted non-projective arc keeps its original head's relation in its label (so that it
    /// can be lowered after parsing) when that relation pair occurs at least this often in
    /// training; `usize::MAX` turns the encoding off.
    pub min_lifted_label_count: usize,
}

impl Default for ParserOptions {
    fn default() -> Self {
        Self {
            epochs: 15,
            seed: 0x6e65_7773_6772_6170,
            explore_from_epoch: 1,
            explore_probability: 0.9,
            min_word_count: 2,
            min_lemma_count: 2,
            min_weight: 3,
            min_lifted_label_count: usize::MAX,
        }
    }
}

/// Attachment scores over a set of sentences (punctuation included, as in the UD shared
/// tasks). Scores are fractions in `[0, 1]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ParseScores {
    /// Unlabelled attachment score: tokens with the right head.
    pub uas: f64,
    /// Labelled attachment score: right head and right relation, subtype included.
    pub las: f64,
    /// Labelled attachment score comparing only the universal part of the relation
    /// (`nsubj` for `nsubj:pass`).
    pub las_universal: f64,
    /// Number of tokens scored.
    pub tokens: usize,
}

impl fmt::Display for ParseScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UAS {:.2} LAS {:.2} (universal {:.2}) over {} tokens",
            100.0 * self.uas,
            100.0 * self.las,
            100.0 * self.las_universal,
            self.tokens
        )
    }
}

/// A treebank directory or file that cannot be read for training.
#[derive(Debug)]
pub enum ParserTrainError {
    /// No `*-ud-<split>.conllu` file in the directory.
    MissingSplit {
        /// The directory searched.
        dir: PathBuf,
        /// `train`, `dev` or `test`.
        split: String,
    },
    /// A file or directory could not be read.
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A CoNLL-U file is malformed.
    Conllu {
        /// The file.
        path: PathBuf,
        /// The offending line and what is wrong with it.
        source: ConlluError,
    },
    /// The training split holds no sentence.
    Empty {
        /// The treebank directory.
        dir: PathBuf,
    },
}

impl fmt::Display for ParserTrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSplit { dir, split } => {
                write!(f, "no *-ud-{split}.conllu file in {}", dir.display())
            }
            Self::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Self::Conllu { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Empty { dir } => {
                write!(f, "the train split in {} holds no sentence", dir.display())
            }
        }
    }
}

impl std::error::Error for ParserTrainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Conllu { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads split `split` (`train`, `dev` or `test`) of the UD treebank in `ud_dir`: the one
/// file whose name ends in `-ud-<split>.conllu`.
pub fn load_treebank(ud_dir: &Path, split: &str) -> Result<Vec<ConlluSentence>, ParserTrainError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ParserTrainError::Io { path, source }
    };
    let suffix = format!("-ud-{split}.conllu");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(ud_dir).map_err(io(ud_dir))? {
        let path = entry.map_err(io(ud_dir))?.path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(&suffix))
        {
            found.push(path);
        }
    }
    found.sort();
    let Some(path) = found.into_iter().next() else {
        return Err(ParserTrainError::MissingSplit {
            dir: ud_dir.to_path_buf(),
            split: split.to_owned(),
        });
    };
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    conllu::parse(&text).map_err(|source| ParserTrainError::Conllu { path, source })
}

/// Trains a parser on the `train` split of the UD treebank in `ud_dir`, choosing the epoch
/// by LAS on its `dev` split, with gold tags, as [`crate::train::train_all`] does for the
/// shipped `models/parser.bin`.
pub fn train_parser_from_dir(
    ud_dir: &Path,
    opts: &ParserOptions,
) -> Result<Parser, ParserTrainError> {
    let train = load_treebank(ud_dir, "train")?;
    if train.is_empty() {
        return Err(ParserTrainError::Empty {
            dir: ud_dir.to_path_buf(),
        });
    }
    let dev = load_treebank(ud_dir, "dev")?;
    Ok(Parser::train(&train, Some(&dev), opts))
}

/// The relation inventory: base relations (UD labels with subtypes, without `root`), then
/// lifted-arc labels that also name the relation of the original head.
#[derive(Clone, Debug, Default)]
struct Labels {
    names: Vec<String>,
    lifted: Vec<(u16, u16)>,
    /// Base-relation id of every label id.
    base: Vec<u16>,
}

impl Labels {
    fn new(names: Vec<String>, lifted: Vec<(u16, u16)>) -> Labels {
        let mut base: Vec<u16> = (0..names.len() as u16).collect();
        base.extend(lifted.iter().map(|&(d, _)| d));
        Labels {
            names,
            lifted,
            base,
        }
    }

    fn len(&self) -> usize {
        self.base.len()
    }

    fn classes(&self) -> usize {
        1 + 2 * self.len()
    }
}

/// Maps token attributes to vocabulary ids.
#[derive(Clone, Debug, Default)]
struct Encoder {
    words: Vocab,
    lemmas: Vocab,
    xpos: Vocab,
}

impl Encoder {
    /// Fills `out` with the ids of the artificial root and then of each token.
    fn encode(&self, tokens: &[Token], norm: &mut String, out: &mut Vec<TokIds>) {
        out.clear();
        out.push(TokIds::ROOT);
        for t in tokens {
            vocab::normalize_into(&t.form, norm);
            let word = self.words.id(norm);
            vocab::normalize_into(&t.lemma, norm);
            let lemma = self.lemmas.id(norm);
            let xpos = self.xpos.id(&t.xpos);
            let upos = FIRST_ID + t.upos.id() as u32;
            out.push(TokIds {
                word,
                lemma,
                xpos,
                upos,
            });
        }
    }
}

/// Buffers reused from sentence to sentence.
#[derive(Clone, Debug)]
struct Workspace {
    state: State,
    toks: Vec<TokIds>,
    norm: String,
    feats: Features,
    scores: Box<Scores>,
    heads: Vec<u32>,
    labels: Vec<u16>,
    lift: Vec<Option<u16>>,
}

impl Default for Workspace {
    fn default() -> Self {
        Self {
            state: State::default(),
            toks: Vec::new(),
            norm: String::new(),
            feats: [0; N_TEMPLATES],
            scores: Box::new([0; MAX_CLASSES]),
            heads: Vec::new(),
            labels: Vec::new(),
            lift: Vec::new(),
        }
    }
}

thread_local! {
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::new(Workspace::default());
}

/// The legal class with the highest score (the lowest class id on ties), or SHIFT when no
/// move is legal (callers check for final configurations first).
fn best_legal<T: Copy + Ord>(scores: &[T], st: &State, labels: usize) -> usize {
    let ranges = [
        (st.can_shift(), SHIFT..SHIFT + 1),
        (st.can_left(), 1..1 + labels),
        (st.can_right(), 1 + labels..1 + 2 * labels),
    ];
    let mut best: Option<(usize, T)> = None;
    for (legal, range) in ranges {
        let Some(part) = scores.get(range.clone()).filter(|_| legal) else {
            continue;
        };
        // A maximum then a search vectorise; a running arg-max does not.
        let Some(&top) = part.iter().max() else {
            continue;
        };
        if best.is_none_or(|(_, b)| top > b) {
            let at = part.iter().position(|&s| s == top).unwrap_or(0);
            best = Some((range.start + at, top));
        }
    }
    best.map_or(SHIFT, |(k, _)| k)
}

/// A trained dependency parser.
#[derive(Clone)]
pub struct Parser {
    encoder: Encoder,
    labels: Labels,
    weights: Weights,
}

impl fmt::Debug for Parser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parser")
            .field("words", &self.encoder.words.len())
            .field("lemmas", &self.encoder.lemmas.len())
            .field("xpos", &self.encoder.xpos.len())
            .field("labels", &self.labels.names.len())
            .field("lifted_labels", &self.labels.lifted.len())
            .field("features", &self.weights.features())
            .field("weights", &self.weights.weights())
            .finish()
    }
}

impl Parser {
    /// Trains a parser on `train`, reading each token's `form`, `upos`, `xpos` and `lemma` as
    /// features and its `head` and `deprel` as the gold tree; pass tags predicted by the
    /// tagger (jackknifed) to train for tagged rather than gold input. Sentences whose heads
    /// do not form a tree are skipped. With `dev`, the averaged model of every epoch is
    /// scored there and the one with the best LAS is kept. Deterministic: the same inputs
    /// give the same model bytes.
    pub fn train(
        train: &[ConlluSentence],
        dev: Option<&[ConlluSentence]>,
        opts: &ParserOptions,
    ) -> Parser {
        train::train(train, dev, opts).0
    }

    /// Like [`Parser::train`], also returning what happened in each epoch.
    pub fn train_with_report(
        train: &[ConlluSentence],
        dev: Option<&[ConlluSentence]>,
        opts: &ParserOptions,
    ) -> (Parser, TrainReport) {
        train::train(train, dev, opts)
    }

    /// Parses one sentence: reads `form`, `upos`, `xpos` and `lemma` of its tokens and sets
    /// every token's `head` (0 for the one root word, else 1-based) and `deprel`.
    pub fn parse(&self, sentence: &mut Sentence) {
        // Reuse one set of buffers per thread: callers parse sentence by sentence.
        WORKSPACE.with(|ws| match ws.try_borrow_mut() {
            Ok(mut ws) => self.parse_tokens(&mut ws, &mut sentence.tokens),
            Err(_) => self.parse_tokens(&mut Workspace::default(), &mut sentence.tokens),
        });
    }

    /// Parses many sentences, reusing buffers between them.
    pub fn parse_all(&self, sentences: &mut [Sentence]) {
        let mut ws = Workspace::default();
        for s in sentences {
            self.parse_tokens(&mut ws, &mut s.tokens);
        }
    }

    fn parse_tokens(&self, ws: &mut Workspace, tokens: &mut [Token]) {
        let n = tokens.len();
        if n == 0 {
            return;
        }
        self.encoder.encode(tokens, &mut ws.norm, &mut ws.toks);
        let n_labels = self.labels.len();
        let classes = self.labels.classes();
        let st = &mut ws.state;
        st.reset(n);
        // 2n moves finish any sentence; the bound only guards against a logic error.
        for _ in 0..=2 * n {
            if st.is_final() {
                break;
            }
            if st.needs_root() {
                st.attach_root();
                continue;
            }
            features::extract(&ws.toks, st, &self.labels.base, &mut ws.feats);
            ws.scores.fill(0);
            self.weights.score(&ws.feats, &mut ws.scores);
            let class = best_legal(&ws.scores[..classes], st, n_labels);
            st.apply(Move::from_class(class, n_labels), &self.labels.base);
        }
        self.write_tree(ws, tokens);
    }

    /// Copies the finished configuration into the tokens, lowering lifted arcs.
    fn write_tree(&self, ws: &mut Workspace, tokens: &mut [Token]) {
        let names = &self.labels.names;
        let n_names = names.len();
        ws.heads.clear();
        ws.labels.clear();
        ws.lift.clear();
        let mut root_seen = false;
        for node in &ws.state.nodes[1..] {
            let (head, label) = match (node.head, node.label) {
                // A word left without a head (impossible unless the move bound was hit)
                // becomes the root if there is none yet, else a dependent of the root word.
                (NO_HEAD, _) | (_, ROOT_LABEL) if !root_seen => {
                    root_seen = true;
                    (0, ROOT_LABEL)
                }
                (NO_HEAD, _) | (_, ROOT_LABEL) => (NO_HEAD, 0),
                (h, l) => (h, l),
            };
            let l = usize::from(label);
            let (base, lift) = if label == ROOT_LABEL || l < n_names {
                (label, None)
            } else {
                let (d, h) = self
                    .labels
                    .lifted
                    .get(l - n_names)
                    .copied()
                    .unwrap_or((0, 0));
                (d, Some(h))
            };
            ws.heads.push(head);
            ws.labels.push(base);
            ws.lift.push(lift);
        }
        let root = ws
            .heads
            .iter()
            .position(|&h| h == 0)
            .map_or(1, |i| i as u32 + 1);
        for h in ws.heads.iter_mut() {
            if *h == NO_HEAD {
                *h = root;
            }
        }
        projective::deprojectivize(&mut ws.heads, &ws.labels, &ws.lift);
        for ((t, &h), &l) in tokens.iter_mut().zip(&ws.heads).zip(&ws.labels) {
            t.head = h as usize;
            t.deprel = if h == 0 {
                ROOT_RELATION.to_owned()
            } else {
                names
                    .get(usize::from(l))
                    .map_or_else(|| "dep".to_owned(), Clone::clone)
            };
        }
    }

    /// Parses copies of `gold`'s sentences and scores them against the gold trees.
    pub fn evaluate(&self, gold: &[ConlluSentence]) -> ParseScores {
        let mut ws = Workspace::default();
        let mut tokens = Vec::new();
        let (mut heads, mut labelled, mut universal, mut total) = (0usize, 0usize, 0usize, 0usize);
        for s in gold {
            tokens.clear();
            tokens.extend_from_slice(&s.sentence.tokens);
            self.parse_tokens(&mut ws, &mut tokens);
            for (p, g) in tokens.iter().zip(&s.sentence.tokens) {
                total += 1;
                if p.head == g.head {
                    heads += 1;
                    if p.deprel == g.deprel {
                        labelled += 1;
                    }
                    if universal_part(&p.deprel) == universal_part(&g.deprel) {
                        universal += 1;
                    }
                }
            }
        }
        let frac = |k: usize| {
            if total == 0 {
                0.0
            } else {
                k as f64 / total as f64
            }
        };
        ParseScores {
            uas: frac(heads),
            las: frac(labelled),
            las_universal: frac(universal),
            tokens: total,
        }
    }

    /// The model file: vocabularies, labels and weights.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        w.u32(N_TEMPLATES as u32);
        for v in [
            &self.encoder.words,
            &self.encoder.lemmas,
            &self.encoder.xpos,
        ] {
            w.varint(v.len() as u64);
            for s in v.items() {
                w.str(s);
            }
        }
        w.varint(self.labels.names.len() as u64);
        for s in &self.labels.names {
            w.str(s);
        }
        w.varint(self.labels.lifted.len() as u64);
        for &(d, h) in &self.labels.lifted {
            w.varint(u64::from(d));
            w.varint(u64::from(h));
        }
        self.weights.write(&mut w);
        w.finish()
    }

    /// Reads a model written by [`Parser::to_bytes`]; a truncated, foreign or inconsistent
    /// file is an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader::new(bytes, MAGIC, VERSION)?;
        let templates = r.u32()?;
        if templates as usize != N_TEMPLATES {
            return Err(ModelError::Invalid(format!(
                "model has {templates} feature templates, this build has {N_TEMPLATES}"
            )));
        }
        let mut vocab = |what: &str| -> Result<Vocab, ModelError> {
            let n = r.len()?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(Box::<str>::from(r.str()?));
            }
            Vocab::from_items(items)
                .ok_or_else(|| ModelError::Invalid(format!("{what} vocabulary is not sorted")))
        };
        let encoder = Encoder {
            words: vocab("word")?,
            lemmas: vocab("lemma")?,
            xpos: vocab("XPOS")?,
        };
        let n_names = r.len()?;
        let mut names = Vec::with_capacity(n_names);
        for _ in 0..n_names {
            names.push(r.str()?.to_owned());
        }
        let n_lifted = r.len()?;
        if n_names == 0 || n_names + n_lifted > MAX_LABELS {
            return Err(ModelError::Invalid(format!(
                "{} labels",
                n_names + n_lifted
            )));
        }
        let mut lifted = Vec::with_capacity(n_lifted);
        for _ in 0..n_lifted {
            let (d, h) = (r.varint()?, r.varint()?);
            if d >= n_names as u64 || h >= n_names as u64 {
                return Err(ModelError::Invalid("lifted label out of range".into()));
            }
            lifted.push((d as u16, h as u16));
        }
        let labels = Labels::new(names, lifted);
        let weights = Weights::read(&mut r, labels.classes())?;
        if !r.is_at_end() {
            return Err(ModelError::Invalid(
                "trailing bytes after the weights".into(),
            ));
        }
        Ok(Parser {
            encoder,
            labels,
            weights,
        })
    }
}

/// `nsubj` for `nsubj:pass`.
fn universal_part(rel: &str) -> &str {
    rel.split_once(':').map_or(rel, |(u, _)| u)
}

#[cfg(test)]
mod tests;
