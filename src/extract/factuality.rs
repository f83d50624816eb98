//! Factuality of a clause: negated ("not", "never", "no longer", "refused to", a "no" subject
//! or object), hedged (modals, "likely", "expected to", "possible", conditionals), reported
//! (a speech verb's complement, "according to X", "as X announced", "X said" as a parenthetical)
//! with the speaker as an entity, else asserted. Negation and modality pass down to controlled
//! infinitives ("did not agree to receive"), not into reported speech.

use super::args::entity_of;
use super::tree::Tree;
use crate::model::Polarity;

const HEDGE_AUX: [&str; 6] = ["may", "might", "could", "would", "should", "can"];
const HEDGE_ADV: [&str; 8] = [
    "likely",
    "possibly",
    "probably",
    "perhaps",
    "potentially",
    "maybe",
    "reportedly",
    "allegedly",
];
/// Heads of a controlled infinitive that leave it unrealised ("expected to", "plans to").
const HEDGE_HEADS: [&str; 17] = [
    "expect", "plan", "hope", "want", "seek", "aim", "intend", "propose", "consider", "try",
    "attempt", "likely", "possible", "threaten", "prepare", "wish", "set",
];
/// Heads of a content clause that leave it uncertain ("believes that", "suggests that").
const HEDGE_CLAUSE_HEADS: [&str; 7] = [
    "believe", "think", "suggest", "suspect", "hope", "expect", "fear",
];
/// Modifiers of an event noun that leave it unrealised ("a possible deal").
const HEDGE_AMOD: [&str; 7] = [
    "possible",
    "potential",
    "proposed",
    "planned",
    "expected",
    "likely",
    "prospective",
];
/// Nouns that present the clause they introduce as unrealised ("the risk is that ...").
const HEDGE_NOUNS: [&str; 9] = [
    "possibility",
    "chance",
    "risk",
    "likelihood",
    "prospect",
    "hope",
    "fear",
    "question",
    "scenario",
];
const NEGATING_HEADS: [&str; 9] = [
    "refuse", "decline", "fail", "deny", "reject", "stop", "cease", "avoid", "unable",
];
/// Verbs of saying whose complement is reported speech.
pub(super) const SPEECH: [&str; 25] = [
    "say",
    "assure",
    "tell",
    "report",
    "claim",
    "state",
    "add",
    "announce",
    "confirm",
    "allege",
    "insist",
    "argue",
    "warn",
    "write",
    "note",
    "explain",
    "recall",
    "assert",
    "stress",
    "declare",
    "acknowledge",
    "reveal",
    "indicate",
    "signal",
    "testify",
];

/// Polarity of the clause headed by `p`, and who it is attributed to.
pub(super) fn factuality(t: &Tree<'_>, p: usize) -> (Polarity, Option<usize>) {
    let (mut negated, mut hedged, mut reported, mut speaker) = (false, false, false, None);
    let mut cur = p;
    // Whether negation and modals of `cur` still apply to the clause of `p`.
    let (mut own_neg, mut own_modal) = (true, true);
    for depth in 0..8 {
        for &c in t.kids(cur) {
            let rel = t.rel(c);
            let lemma = t.lemma(c);
            let form = t.form(c);
            if own_neg {
                if matches!(rel, "advmod" | "neg" | "aux")
                    && (lemma == "not" || form == "n't" || lemma == "never")
                    && !t
                        .toks
                        .get(c + 1)
                        .is_some_and(|n| n.form.eq_ignore_ascii_case("only"))
                {
                    negated = true;
                }
                if (lemma == "longer" || form == "longer")
                    && (t.kids(c).iter().any(|&d| t.form(d) == "no")
                        || c.checked_sub(1).is_some_and(|b| t.form(b) == "no"))
                {
                    negated = true;
                }
                if matches!(rel, "nsubj" | "nsubj:pass" | "obj")
                    && t.kids(c).iter().any(|&d| {
                        t.rel(d) == "det" && matches!(t.form(d).as_str(), "no" | "neither")
                    })
                {
                    negated = true;
                }
            }
            if own_modal {
                if rel == "aux" && HEDGE_AUX.contains(&lemma.as_str()) {
                    hedged = true;
                }
                if rel == "advmod" && HEDGE_ADV.contains(&lemma.as_str()) {
                    hedged = true;
                }
                if depth == 0 && rel == "amod" && HEDGE_AMOD.contains(&lemma.as_str()) {
                    hedged = true;
                }
                if rel == "mark" && matches!(lemma.as_str(), "if" | "unless") {
                    hedged = true;
                }
                // "If X refuses, Y will take them": the consequence of a condition.
                if rel == "advcl"
                    && t.kids(c).iter().any(|&d| {
                        t.rel(d) == "mark" && matches!(t.lemma(d).as_str(), "if" | "unless")
                    })
                {
                    hedged = true;
                }
            }
            // "one possibility is that X will ...": a possibility asserts nothing.
            if rel == "nsubj:outer" && HEDGE_NOUNS.contains(&lemma.as_str()) {
                hedged = true;
            }
            // "the question is whether X will ...": an open question asserts nothing.
            if rel == "mark" && lemma == "whether" {
                hedged = true;
            }
            if rel.starts_with("obl") && t.case_of(c) == "according to" {
                reported = true;
                speaker = speaker.or_else(|| entity_of(t, c));
            }
            // "..., X said." and "as X announced".
            let speech = SPEECH.contains(&lemma.as_str());
            if speech
                && (rel == "parataxis" || (rel == "advcl" && t.mark_of(c).as_deref() == Some("as")))
            {
                reported = true;
                speaker = speaker.or_else(|| speaker_of(t, c));
            }
        }
        let Some(head) = t.head(cur) else { break };
        let hl = t.lemma(head);
        let rel = t.rel(cur).to_owned();
        match rel.as_str() {
            "ccomp" | "parataxis" if SPEECH.contains(&hl.as_str()) => {
                reported = true;
                speaker = speaker.or_else(|| speaker_of(t, head));
                (own_neg, own_modal) = (false, false);
            }
            "ccomp" if HEDGE_CLAUSE_HEADS.contains(&hl.as_str()) => {
                hedged = true;
                (own_neg, own_modal) = (false, false);
            }
            // A participle with its own agent is a reduced relative misread as a complement
            // ("seek relief from the tariffs imposed by X"): the head's modality is not its own.
            "xcomp" if t.toks[cur].xpos == "VBN" && t.kid(cur, "obl:agent").is_some() => break,
            "xcomp" => {
                if HEDGE_HEADS.contains(&hl.as_str()) {
                    hedged = true;
                }
                if NEGATING_HEADS.contains(&hl.as_str()) {
                    negated = true;
                }
            }
            "conj" => {
                own_neg = false;
            }
            "advcl" => {
                if t.mark_of(cur).as_deref() == Some("without") {
                    negated = true;
                }
                (own_neg, own_modal) = (false, false);
            }
            "ccomp" | "acl" | "acl:relcl" | "csubj" => {
                (own_neg, own_modal) = (false, false);
            }
            _ => break,
        }
        cur = head;
    }
    // A direct question ("Will X sign the deal?") asserts nothing either; a quoted one
    // ("X asked Y: “Will you ...?”") is what someone asked, and the asking is a fact.
    let quoted = t
        .toks
        .iter()
        .any(|x| matches!(x.form.as_str(), ":" | "\"" | "“" | "”" | "``" | "''"));
    if !quoted
        && t.toks
            .iter()
            .rev()
            .find(|x| x.upos != crate::model::Upos::Punct || x.form == "?")
            .is_some_and(|x| x.form == "?")
    {
        hedged = true;
    }
    let polarity = if negated {
        Polarity::Negated
    } else if hedged {
        Polarity::Hedged
    } else if reported {
        Polarity::Reported
    } else {
        Polarity::Asserted
    };
    (polarity, if reported { speaker } else { None })
}

/// The entity that speaks in a speech verb's clause: its subject, or its `by` agent.
fn speaker_of(t: &Tree<'_>, v: usize) -> Option<usize> {
    t.kids(v).iter().copied().find_map(|c| {
        let r = t.rel(c);
        if r == "nsubj" || r == "obl:agent" || (r == "obl" && t.case_of(c) == "by") {
            entity_of(t, c)
        } else {
            None
        }
    })
}
