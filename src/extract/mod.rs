//! Relation extraction: parsed sentences and resolved mentions in, [`Claim`]s out.
//!
//! The sentence's dependency tree is read clause by clause (ClausIE's view): every verb, every
//! copular predicate and every event noun ("the invitation", "his praise of") is a predicate;
//! its subject is found on the tree or inherited (controlled infinitives, shared subjects of
//! coordinated verbs, relative clauses, participles); its objects are the direct object, the
//! prepositional objects and the predicate nominal. Claims are always agent → patient: passives
//! are turned round and relative pronouns and pronouns stand for their resolved entity. Light
//! verbs give way to their nominal ("extend an invitation to" → invite). Titles and appositions
//! give role claims. Each claim gets its polarity (negated, hedged, reported with the speaker,
//! or asserted) and its time and place qualifiers.
//!
//! Submodules: `tree` (the sentence as a tree with its mentions), `args` (what a token stands
//! for: an entity or a literal), `clause` (predicates and their arguments), `roles` (titles,
//! appositions, predicate nominals), `factuality` (polarity and attribution).

mod args;
mod clause;
mod factuality;
mod roles;
mod tree;

use crate::model::{Arg, Claim, Date, EntityType, Mention, Polarity, Relation, SentenceInfo, Span};
use crate::ontology::vocabulary;
use tree::Tree;

pub use args::subtree;

/// Everything extraction needs about a document's sentences and mentions.
pub struct Context<'a> {
    /// Document text.
    pub text: &'a str,
    /// Sentences.
    pub sentences: &'a [SentenceInfo],
    /// Resolved mentions.
    pub mentions: &'a [Mention],
    /// Article date, to complete dates without a year.
    pub doc_date: Option<Date>,
    /// Titles written before name mentions, by mention index.
    pub titles: &'a [Option<String>],
}

/// A claim found on the tree, before its relation is mapped and its polarity computed.
#[derive(Clone, Debug)]
struct Candidate {
    /// Subject entity.
    subject: usize,
    /// Relation phrase in lemma form ("meet with"), mapped through the vocabulary.
    phrase: String,
    /// Relation already chosen (role claims).
    relation: Option<Relation>,
    /// Object.
    object: Arg,
    /// The predicate token whose clause gives polarity, time and place.
    predicate: usize,
    /// Polarity given by the construction itself (role claims are asserted).
    polarity: Option<Polarity>,
    /// Tokens that carry the claim (the evidence span covers them).
    evidence: Vec<usize>,
    /// Confidence before the clause-level adjustments.
    confidence: f32,
}

/// Extracts the claims of one sentence.
pub fn extract(cx: &Context<'_>, s: &SentenceInfo) -> Vec<Claim> {
    let t = Tree::new(cx, s);
    let mut found = Vec::new();
    clause::clauses(&t, &mut found);
    roles::roles(&t, &mut found);
    finish(&t, found)
}

/// Maps relations, computes polarity and qualifiers, and keeps one claim per triple: the
/// strongest polarity wins, so a negated fact is never also asserted plainly.
fn finish(t: &Tree<'_>, found: Vec<Candidate>) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for c in found {
        if let Arg::Entity(o) = c.object
            && o == c.subject
        {
            continue;
        }
        let relation = c
            .relation
            .clone()
            .unwrap_or_else(|| vocabulary().map(&c.phrase));
        let (polarity, attribution) = match c.polarity {
            Some(p) => (p, None),
            None => factuality::factuality(t, c.predicate),
        };
        let attribution = attribution.filter(|&a| a != c.subject);
        let mut confidence = c.confidence;
        if relation.core {
            confidence += 0.1;
        }
        if t.toks.len() > 40 {
            confidence -= 0.1;
        }
        let (time, place) = if c.polarity.is_some() {
            (None, None)
        } else {
            (
                args::time_of(t, c.predicate),
                args::place_of(t, c.predicate)
                    .filter(|&p| p != c.subject && !matches!(c.object, Arg::Entity(o) if o == p)),
            )
        };
        let claim = Claim {
            subject: Arg::Entity(c.subject),
            relation,
            object: c.object,
            polarity,
            confidence: confidence.clamp(0.05, 0.99),
            attribution,
            sentence: t.s.index,
            span: t.cover(&c.evidence),
            time,
            place,
        };
        if let Some(prev) = out.iter_mut().find(|p| {
            p.subject == claim.subject && p.relation == claim.relation && p.object == claim.object
        }) {
            if strength(claim.polarity) > strength(prev.polarity) {
                prev.polarity = claim.polarity;
                prev.attribution = claim.attribution;
            }
            prev.confidence = prev.confidence.max(claim.confidence);
            continue;
        }
        out.push(claim);
    }
    event_dates(&mut out);
    // "adopted X in 2021" gives (adopt, 2021) as the event's date; the same date read as the
    // prepositional object ("adopt in", 2021) says nothing more.
    let dated: Vec<(Arg, String, Arg)> = out
        .iter()
        .filter(|c| matches!(&c.object, Arg::Literal(l) if l.date.is_some()))
        .map(|c| {
            (
                c.subject.clone(),
                c.relation.label.clone(),
                c.object.clone(),
            )
        })
        .collect();
    out.retain(|c| {
        let Arg::Literal(l) = &c.object else {
            return true;
        };
        if l.date.is_none() {
            return true;
        }
        !dated.iter().any(|(s, label, o)| {
            *s == c.subject
                && *o == c.object
                && c.relation.label.len() > label.len()
                && c.relation.label.starts_with(label.as_str())
                && c.relation.label[label.len()..].starts_with(' ')
        })
    });
    out
}

/// The date of an event between actors is a fact of its own ("met Y on 3 May" → met on
/// 2025-05-03): one date claim per subject and relation, beside the claim that carries it.
fn event_dates(out: &mut Vec<Claim>) {
    let mut extra: Vec<Claim> = Vec::new();
    for c in out.iter() {
        let (Some(d), Arg::Entity(_)) = (c.time, &c.object) else {
            continue;
        };
        let mut l = crate::model::Literal::text(d.to_string(), crate::model::LiteralKind::Date);
        l.date = Some(d);
        let object = Arg::Literal(l);
        let known =
            |x: &Claim| x.subject == c.subject && x.relation == c.relation && x.object == object;
        if out.iter().any(known) || extra.iter().any(known) {
            continue;
        }
        extra.push(Claim {
            object,
            confidence: (c.confidence - 0.1).max(0.05),
            place: None,
            ..c.clone()
        });
    }
    out.extend(extra);
}

/// The gold guideline's order: negated > hedged > reported > asserted.
fn strength(p: Polarity) -> u8 {
    match p {
        Polarity::Asserted => 0,
        Polarity::Reported => 1,
        Polarity::Hedged => 2,
        Polarity::Negated => 3,
    }
}

/// Index range of the mentions of sentence `index` (mentions are in text order, so those of
/// one sentence are contiguous): per-sentence work stays linear in the document's length.
fn sentence_mentions(cx: &Context<'_>, index: usize) -> std::ops::Range<usize> {
    let start = cx.mentions.partition_point(|m| m.sentence < index);
    let end = start + cx.mentions[start..].partition_point(|m| m.sentence == index);
    start..end
}

/// The type of an entity as its name mentions give it (pronouns carry no reliable type).
fn entity_type(cx: &Context<'_>, e: usize) -> Option<EntityType> {
    cx.mentions
        .iter()
        .filter(|m| m.entity == Some(e))
        .find(|m| m.kind != crate::model::MentionKind::Pronoun)
        .map(|m| m.entity_type)
}

/// Byte span covering the given tokens.
fn cover(toks: &[newsgraph_nlp::Token], idx: &[usize]) -> Span {
    let lo = idx
        .iter()
        .filter_map(|&i| toks.get(i))
        .map(|t| t.span.start)
        .min();
    let hi = idx
        .iter()
        .filter_map(|&i| toks.get(i))
        .map(|t| t.span.end)
        .max();
    match (lo, hi) {
        (Some(lo), Some(hi)) => Span::new(lo, hi),
        _ => Span::default(),
    }
}
