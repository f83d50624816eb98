//! `explain`: entity rows and fact rows in, the facts about one actor (or between two) out,
//! each with its evidence sentence and source.

use crate::model::{EntityRow, FactRow};
use std::fmt::Write as _;

/// A name that matches no actor, or too many.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// No entity matches.
    #[error("no actor matches {0:?}")]
    NotFound(String),
    /// Several entities match a partial name.
    #[error("{name:?} is ambiguous: {candidates}")]
    Ambiguous {
        /// The name given.
        name: String,
        /// The matching labels.
        candidates: String,
    },
}

/// Finds the entity a user means: exact id, label or alias (case-insensitive) first, then a
/// unique label containing the name.
pub fn find_actor<'a>(
    entities: &'a [EntityRow],
    name: &str,
) -> Result<&'a EntityRow, ExplainError> {
    let needle = name.trim().to_lowercase();
    let exact: Vec<&EntityRow> = entities
        .iter()
        .filter(|e| {
            e.id == needle
                || e.label.to_lowercase() == needle
                || e.aliases.iter().any(|a| a.to_lowercase() == needle)
        })
        .collect();
    let candidates = if exact.is_empty() {
        entities
            .iter()
            .filter(|e| e.label.to_lowercase().contains(&needle))
            .collect()
    } else {
        exact
    };
    match candidates.as_slice() {
        [] => Err(ExplainError::NotFound(name.to_owned())),
        [one] => Ok(one),
        many => {
            // Prefer the most mentioned when one clearly dominates an exact match.
            let mut sorted = many.to_vec();
            sorted.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
            Err(ExplainError::Ambiguous {
                name: name.to_owned(),
                candidates: sorted
                    .iter()
                    .map(|e| format!("{} ({})", e.label, e.id))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    }
}

/// The facts that involve `a` (and `b`, when given), grouped by triple, with evidence. Empty
/// when there are none.
pub fn explain(rows: &[FactRow], a: &EntityRow, b: Option<&EntityRow>) -> String {
    let involves = |r: &FactRow, e: &EntityRow| r.subject_id == e.id || r.object_id == e.id;
    let selected: Vec<&FactRow> = rows
        .iter()
        .filter(|r| involves(r, a) && b.is_none_or(|b| involves(r, b)))
        .collect();
    let mut groups: std::collections::BTreeMap<(String, String, String, String), Vec<&FactRow>> =
        Default::default();
    for r in selected {
        groups
            .entry((
                r.subject.clone(),
                r.relation.clone(),
                r.object.clone(),
                r.polarity.clone(),
            ))
            .or_default()
            .push(r);
    }
    let mut out = String::new();
    for ((s, rel, o, pol), evidence) in groups {
        let best = evidence
            .iter()
            .map(|r| r.confidence.as_str())
            .max()
            .unwrap_or("");
        let _ = writeln!(
            out,
            "{s} —{rel}→ {o}   [{pol}, confidence {best}, {} source{}]",
            evidence.len(),
            if evidence.len() == 1 { "" } else { "s" }
        );
        for r in evidence {
            let said = if r.attribution.is_empty() {
                String::new()
            } else {
                format!(" (according to {})", r.attribution)
            };
            let _ = writeln!(
                out,
                "    {} #{} bytes {}–{}{said}: {}",
                r.doc, r.sentence_index, r.start, r.end, r.sentence
            );
        }
    }
    out
}
