//! The CaRB open-IE benchmark: tokenised sentences in, CaRB-style tuples out (the sentence's
//! own words, voice and order), and the CaRB scorer (gold and system tuple files in,
//! precision, recall, F1 and the area under the precision-recall curve out).
//!
//! ```text
//! sentence per line ─ extract ─▶ Tuple (relation, args, confidence) ─ write ─▶ tabbed file
//! gold file + tabbed file ─ read ─▶ tuples by sentence ─ score ─▶ Score (P, R, F1, AUC)
//! ```
//!
//! This is a benchmark view of the sentence, kept apart from the graph facts of `extract`:
//! CaRB rewards surface words, not normalised relations or resolved entities.

mod clauses;
mod score;
mod tuples;

pub use clauses::{extract_line, extract_lines};
pub use score::{Score, score};
pub use tuples::{
    ByKey, CarbError, SentenceTuples, Tuple, normalize_key, read_gold, read_system, write_system,
};
