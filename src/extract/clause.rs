//! Clauses: every predicate of the sentence with its subject and objects (ClausIE's SV, SVO,
//! SVOO, SVA, SVOA, SVC and SVOC types). Verbs are read with their direct, indirect and
//! prepositional objects; copular predicates ("is afraid of", "is in talks with") and linking
//! verbs ("became the first ...") with their complement; event nouns ("his praise of",
//! "a meeting with") with their possessor and prepositional dependents. Subjects missing from a
//! clause are inherited the way English grammar assigns them: controlled infinitives (subject or
//! object control), shared subjects of coordinated verbs, participial and relative clauses.

use super::Candidate;
use super::args::{self, arg_of, distribute, entity_of};
use super::roles;
use super::tree::Tree;
use crate::model::{Arg, Upos};
use crate::ontology::{LIGHT_VERBS, vocabulary};

/// Verbs whose object is the understood subject of their infinitive ("invite X to visit").
const OBJECT_CONTROL: [&str; 24] = [
    "invite",
    "ask",
    "urge",
    "tell",
    "persuade",
    "convince",
    "help",
    "allow",
    "encourage",
    "force",
    "order",
    "get",
    "pressure",
    "enable",
    "permit",
    "require",
    "call",
    "want",
    "authorize",
    "instruct",
    "press",
    "push",
    "lead",
    "compel",
];

/// Nouns whose addressee is the understood subject of their infinitive ("an invitation to X to
/// visit").
const CONTROL_NOUNS: [&str; 8] = [
    "invitation",
    "request",
    "call",
    "order",
    "permission",
    "appeal",
    "pressure",
    "offer",
];

/// Nouns of a relation between actors: the verb acts on the relation with the noun's "with"
/// dependent ("strengthened its ties with X", "cut diplomatic relations with X").
const RELATIONAL_NOUNS: [&str; 12] = [
    "closeness",
    "rivalry",
    "tie",
    "link",
    "relation",
    "relationship",
    "cooperation",
    "partnership",
    "alliance",
    "contact",
    "dialogue",
    "friendship",
];

/// Verbs that praise or blame their object for a deed ("praised X for helping": X helped).
const PRAISE_BLAME: [&str; 14] = [
    "praise",
    "commend",
    "thank",
    "congratulate",
    "laud",
    "applaud",
    "criticize",
    "criticise",
    "blame",
    "accuse",
    "fault",
    "punish",
    "reward",
    "condemn",
];

/// Verbs of receiving: with an event noun object, the subject is the noun's beneficiary
/// ("won support from X" → X supports the subject).
const RECEIVE: [&str; 11] = [
    "receive", "get", "gain", "win", "earn", "secure", "garner", "enjoy", "obtain", "attract",
    "draw",
];

/// Linking verbs that take a predicate complement as `xcomp` ("became the first ...").
const LINKING: [&str; 7] = [
    "become", "remain", "stay", "seem", "appear", "prove", "turn",
];

/// Prepositions that introduce circumstances (reason, concession, comparison, time frame)
/// rather than a participant.
const SKIP_PREPS: [&str; 35] = [
    "according to",
    "because of",
    "due to",
    "despite",
    "in spite of",
    "in addition to",
    "instead of",
    "rather than",
    "as well as",
    "like",
    "unlike",
    "than",
    "amid",
    "regardless of",
    "besides",
    "in light of",
    "in response to",
    "thanks to",
    "under",
    "since",
    "after",
    "before",
    "until",
    "while",
    "throughout",
    "among",
    "within",
    "without",
    "beyond",
    "including",
    "such as",
    "ahead of",
    "prior to",
    "during",
    "except",
];

/// Prepositions whose object may be a plain noun phrase ("rely on X", "advocate for X"); other
/// prepositional objects must be actors or values.
const TEXT_PREPS: [&str; 11] = [
    "on", "for", "against", "about", "to", "into", "from", "with", "over", "toward", "towards",
];

/// Core relations of attitude towards an actor: their object may be given through the actor's
/// deeds ("praised X's policies" → praise X).
const ATTITUDE: [&str; 9] = [
    "praise",
    "criticize",
    "condemn",
    "support",
    "thank",
    "oppose",
    "accuse",
    "welcome",
    "congratulate",
];

/// Core relations that an event noun does not introduce (a "statement" is not a saying event
/// between two actors; "leadership" is a role).
const NOT_EVENTS: [&str; 16] = [
    "say",
    "report",
    "announce",
    "claim",
    "lead",
    "headOfState",
    "headOfGovernment",
    "memberOf",
    "holdPosition",
    "locatedIn",
    "citizenOf",
    "basedIn",
    "capitalOf",
    "partOf",
    "employ",
    "affiliatedWith",
];

/// Finds the clauses of a sentence and their claims.
pub(super) fn clauses(t: &Tree<'_>, out: &mut Vec<Candidate>) {
    let mut consumed = vec![false; t.len()];
    for v in 0..t.len() {
        if t.upos(v) == Upos::Verb
            && !matches!(
                t.rel(v),
                "amod" | "compound" | "case" | "mark" | "det" | "fixed"
            )
        {
            verbal(t, v, out, &mut consumed);
        }
    }
    for p in 0..t.len() {
        if t.upos(p) != Upos::Verb && t.kid(p, "cop").is_some() && !consumed[p] {
            let subjects = subjects(t, p, 0);
            copular(t, p, "be", &subjects, out, &mut consumed);
        }
    }
    for (n, &used) in consumed.iter().enumerate() {
        if t.upos(n) == Upos::Noun && !used {
            nominal(t, n, out);
        }
    }
}

/// The agents of a predicate: its subject (the `by` phrase of a passive), else the one it
/// inherits.
pub(super) fn subjects(t: &Tree<'_>, v: usize, depth: usize) -> Vec<usize> {
    if depth > 6 {
        return Vec::new();
    }
    let passive = t.is_passive(v);
    let mut subj = Vec::new();
    for &c in t.kids(v) {
        match t.rel(c) {
            "nsubj" | "obl:agent" => subj.push(c),
            "obl" if passive && t.case_of(c) == "by" => subj.push(c),
            _ => {}
        }
    }
    if !subj.is_empty() || passive {
        return subj;
    }
    inherited(t, v, depth)
}

/// The grammatical subject of a predicate, active or passive ("X is expected to ..." → X).
fn surface_subject(t: &Tree<'_>, h: usize, depth: usize) -> Vec<usize> {
    let s: Vec<usize> = t
        .kids(h)
        .iter()
        .copied()
        .filter(|&c| matches!(t.rel(c), "nsubj" | "nsubj:pass"))
        .collect();
    if !s.is_empty() {
        return s;
    }
    if t.is_passive(h) && t.rel(h) == "acl" {
        return t.head(h).into_iter().collect();
    }
    inherited(t, h, depth + 1)
}

/// The prepositional "to"/"for" dependent of a word that resolves to an entity.
fn addressee(t: &Tree<'_>, w: usize) -> Option<usize> {
    t.kids(w).iter().copied().find(|&c| {
        (t.rel(c).starts_with("nmod") || t.rel(c).starts_with("obl") || t.rel(c) == "iobj")
            && matches!(t.case_of(c).as_str(), "to" | "for" | "")
            && t.rel(c) != "nmod:poss"
            && entity_of(t, c).is_some()
    })
}

/// The addressee of a control noun that is the object of `h` ("extended an invitation to X").
fn control_addressee(t: &Tree<'_>, h: usize) -> Option<usize> {
    let o = t.kid(h, "obj")?;
    if !CONTROL_NOUNS.contains(&t.lemma(o).as_str()) {
        return None;
    }
    addressee(t, o).or_else(|| addressee(t, h))
}

fn inherited(t: &Tree<'_>, v: usize, depth: usize) -> Vec<usize> {
    if depth > 6 {
        return Vec::new();
    }
    let Some(h) = t.head(v) else {
        return Vec::new();
    };
    let hl = t.lemma(h);
    match t.rel(v) {
        "xcomp" => {
            if OBJECT_CONTROL.contains(&hl.as_str())
                && let Some(o) = t.kid(h, "obj").or_else(|| t.kid(h, "iobj"))
                && !CONTROL_NOUNS.contains(&t.lemma(o).as_str())
            {
                return vec![o];
            }
            if let Some(o) = t.kid(h, "obj")
                && CONTROL_NOUNS.contains(&t.lemma(o).as_str())
                && let Some(x) = addressee(t, o).or_else(|| addressee(t, h))
            {
                return vec![x];
            }
            if CONTROL_NOUNS.contains(&hl.as_str())
                && let Some(x) = addressee(t, h)
            {
                return vec![x];
            }
            if t.upos(h) == Upos::Noun && t.kid(h, "cop").is_none() {
                return t.kid(h, "nmod:poss").into_iter().collect();
            }
            surface_subject(t, h, depth)
        }
        "conj" => surface_subject(t, h, depth),
        // "extended an invitation to X, to visit ...", parsed as a loose clause.
        "parataxis" if t.mark_of(v).as_deref() == Some("to") => match control_addressee(t, h) {
            Some(x) => vec![x],
            // "X said that he called Y, to congratulate him": a purpose clause set loose.
            None => surface_subject(t, h, depth),
        },
        "advcl" => {
            let xpos = t.toks[v].xpos.as_str();
            let mark = t.mark_of(v).unwrap_or_default();
            let nonfinite = xpos == "VBG" || (xpos == "VB" && mark == "to");
            if !nonfinite {
                return Vec::new();
            }
            // "praised X for helping": the praised one did the helping.
            if mark == "for"
                && PRAISE_BLAME.contains(&hl.as_str())
                && let Some(o) = t.kid(h, "obj")
            {
                return vec![o];
            }
            if let Some(x) = control_addressee(t, h) {
                return vec![x];
            }
            surface_subject(t, h, depth)
        }
        "acl" => {
            let xpos = t.toks[v].xpos.as_str();
            if xpos == "VBG" {
                // "X's letter praising Y", "one of X's messages thanking Y": X's words act.
                if entity_of(t, h).is_none() {
                    let owner =
                        |n: usize| t.kid(n, "nmod:poss").filter(|&p| entity_of(t, p).is_some());
                    let of = t
                        .kids(h)
                        .iter()
                        .copied()
                        .find(|&c| t.rel(c) == "nmod" && t.case_of(c) == "of");
                    if let Some(p) = owner(h).or_else(|| of.and_then(owner)) {
                        return vec![p];
                    }
                }
                return vec![h];
            }
            if xpos == "VBN" {
                return Vec::new();
            }
            if let Some(p) = t.kid(h, "nmod:poss") {
                return vec![p];
            }
            if CONTROL_NOUNS.contains(&hl.as_str()) {
                if let Some(x) = addressee(t, h) {
                    return vec![x];
                }
                if let Some(w) = t.head(h)
                    && let Some(x) = addressee(t, w)
                {
                    return vec![x];
                }
                return Vec::new();
            }
            if entity_of(t, h).is_some() {
                return vec![h];
            }
            // "X became the first country to adopt ...": the predicate noun is X.
            if t.kid(h, "cop").is_some() {
                return surface_subject(t, h, depth);
            }
            if let Some(w) = t.head(h)
                && (t.rel(h) == "xcomp"
                    || (t.rel(h) == "obj" && LINKING.contains(&t.lemma(w).as_str())))
            {
                return surface_subject(t, w, depth);
            }
            Vec::new()
        }
        "acl:relcl" => vec![h],
        _ => Vec::new(),
    }
}

/// The verb's lemma with its particle ("take in", "clamp down").
fn verb_phrase(t: &Tree<'_>, v: usize) -> String {
    let mut words = vec![t.lemma(v)];
    for &c in t.kids(v) {
        if t.rel(c) == "compound:prt" {
            words.push(t.form(c));
        }
    }
    words.join(" ")
}

fn verbal(t: &Tree<'_>, v: usize, out: &mut Vec<Candidate>, consumed: &mut [bool]) {
    let passive = t.is_passive(v);
    let agents = subjects(t, v, 0);
    let lemma = t.lemma(v);
    if LINKING.contains(&lemma.as_str())
        && let Some(x) = t
            .kid(v, "xcomp")
            .or_else(|| t.kid(v, "obj").filter(|&o| entity_of(t, o).is_none()))
        && matches!(t.upos(x), Upos::Noun | Upos::Adj | Upos::Propn | Upos::Num)
    {
        copular(t, x, &lemma, &agents, out, consumed);
        return;
    }
    dated(t, v, out);
    // "do" stands for another verb ("that's why they're doing it").
    if agents.is_empty() || lemma == "do" {
        return;
    }
    hosted(t, v, out);
    let inherited = !t.kids(v).iter().any(|&c| {
        matches!(t.rel(c), "nsubj" | "obl:agent") || (t.rel(c) == "obl" && t.case_of(c) == "by")
    });
    let base = verb_phrase(t, v);
    let mut objects: Vec<(usize, String, bool)> = Vec::new();
    // An object with its own copula is a misread clause ("responded: it is a pleasure").
    let obj = t.kid(v, "obj").filter(|&o| t.kid(o, "cop").is_none());
    if passive {
        if let Some(p) = t.kid(v, "nsubj:pass") {
            objects.push((p, String::new(), true));
        } else if t.rel(v) == "acl"
            && let Some(h) = t.head(v)
        {
            objects.push((h, String::new(), true));
        } else if let Some(n) = noun_before(t, v) {
            // "the tariffs recently imposed by X", the participle attached elsewhere.
            objects.push((n, String::new(), true));
        }
    }
    let mut light_used = Vec::new();
    if let Some(o) = obj {
        if let Some((phrase, target)) = light_verb(t, v, o) {
            light_used.push(target);
            emit(t, v, &agents, target, &phrase, true, inherited, out);
            // An idiom that means what its verb means ("sign a treaty with") keeps its object.
            if LIGHT_VERBS.contains(&lemma.as_str())
                || vocabulary().map(&phrase) != vocabulary().map(&base)
            {
                consumed[o] = true;
            } else {
                objects.push((o, String::new(), true));
            }
        } else {
            objects.push((o, String::new(), true));
            if entity_of(t, o).is_none() && RELATIONAL_NOUNS.contains(&t.lemma(o).as_str()) {
                for &c in t.kids(o) {
                    let case = t.case_of(c);
                    if t.rel(c) == "nmod" && matches!(case.as_str(), "with" | "to") {
                        let phrase = format!("{base} {} {case}", t.lemma(o));
                        emit(t, v, &agents, c, &phrase, false, inherited, out);
                    }
                }
            }
        }
    }
    // Relative clause with its object gapped: "the accord that Ruritania signed".
    if t.rel(v) == "acl:relcl"
        && !passive
        && obj.is_none()
        && let Some(h) = t.head(v)
        && t.kid(v, "nsubj").is_some()
        && !t
            .kids(v)
            .iter()
            .any(|&c| matches!(t.lemma(c).as_str(), "where" | "when" | "why" | "how"))
        && entity_of(t, h).is_some()
        && t.kid(v, "nsubj")
            .is_some_and(|s| entity_of(t, s) != entity_of(t, h))
    {
        objects.push((h, String::new(), false));
    }
    for &c in t.kids(v) {
        if light_used.contains(&c) {
            continue;
        }
        let r = t.rel(c);
        if !(r == "obl" || r == "obl:npmod" || r == "iobj") {
            continue;
        }
        let prep = t.case_of(c);
        if r == "iobj" {
            objects.push((c, String::new(), false));
            continue;
        }
        if prep.is_empty() || (passive && prep == "by") || SKIP_PREPS.contains(&prep.as_str()) {
            continue;
        }
        // "approved the budget for 2025": a period the object is for, not the event's date.
        if prep == "for" && t.toks[c].upos == Upos::Num {
            continue;
        }
        let text_ok = obj.is_none() && TEXT_PREPS.contains(&prep.as_str());
        objects.push((c, prep, text_ok));
    }
    for (o, prep, text_ok) in objects {
        let phrase = if prep.is_empty() {
            base.clone()
        } else {
            format!("{base} {prep}")
        };
        emit(t, v, &agents, o, &phrase, text_ok, inherited, out);
    }
}

/// "a letter dated April 1" → (letter, dated, April 1).
fn dated(t: &Tree<'_>, v: usize, out: &mut Vec<Candidate>) {
    if t.lemma(v) != "date" || t.toks[v].xpos != "VBN" || t.rel(v) != "acl" {
        return;
    }
    let Some(h) = t.head(v) else { return };
    let Some(subject) = entity_of(t, h) else {
        return;
    };
    for &c in t.kids(v) {
        if !matches!(
            t.rel(c),
            "xcomp" | "obj" | "obl" | "obl:tmod" | "nmod:tmod" | "obl:npmod"
        ) {
            continue;
        }
        if let Some(l) = args::literal_of(t, c)
            && (l.kind == crate::model::LiteralKind::Date || l.date.is_some())
        {
            out.push(Candidate {
                subject,
                phrase: "dated".to_owned(),
                relation: None,
                object: Arg::Literal(l),
                predicate: v,
                polarity: None,
                evidence: vec![h, v, c],
                confidence: 0.6,
            });
        }
    }
}

/// Verbs of hosting: their guest visits the place where they host ("X hosted Y at the
/// palace" → Y visit the palace).
fn hosted(t: &Tree<'_>, v: usize, out: &mut Vec<Candidate>) {
    use crate::model::EntityType;
    if !matches!(t.lemma(v).as_str(), "host" | "welcome" | "receive") {
        return;
    }
    let Some(o) = t.kid(v, "obj") else { return };
    let Some(guest) = entity_of(t, o) else { return };
    if super::entity_type(t.cx, guest) != Some(EntityType::Person) {
        return;
    }
    let places = t
        .kids(v)
        .iter()
        .copied()
        .filter(|&c| t.rel(c) == "obl")
        .chain(t.kids(o).iter().copied().filter(|&c| t.rel(c) == "nmod"));
    for c in places {
        if !matches!(t.case_of(c).as_str(), "at" | "in") {
            continue;
        }
        let Some(m) = t.mention_at(c) else { continue };
        let Some(place) = m.entity else { continue };
        if !matches!(
            m.entity_type,
            EntityType::Facility | EntityType::City | EntityType::Place | EntityType::Country
        ) {
            continue;
        }
        out.push(Candidate {
            subject: guest,
            phrase: "visit".to_owned(),
            relation: None,
            object: Arg::Entity(place),
            predicate: v,
            polarity: None,
            evidence: vec![o, v, c],
            confidence: 0.6,
        });
    }
}

/// The noun right before a participle (adverbs between them skipped).
fn noun_before(t: &Tree<'_>, v: usize) -> Option<usize> {
    let mut k = v.checked_sub(1)?;
    while t.upos(k) == Upos::Adv {
        k = k.checked_sub(1)?;
    }
    matches!(t.upos(k), Upos::Noun | Upos::Propn).then_some(k)
}

/// "extend an invitation to X" → (invite, X); "hold talks with X" → (hold talk with, X).
fn light_verb(t: &Tree<'_>, v: usize, o: usize) -> Option<(String, usize)> {
    let lemma = t.lemma(v);
    let noun = t.lemma(o);
    // A verb-noun idiom of the vocabulary ("join forces with") reads like a light verb.
    let idiom = vocabulary().has_phrase_start(&format!("{lemma} {noun}"));
    if !(LIGHT_VERBS.contains(&lemma.as_str()) || idiom) || t.upos(o) != Upos::Noun {
        return None;
    }
    let from_noun = t.kids(o).iter().copied().filter(|&c| {
        t.rel(c).starts_with("nmod") && t.rel(c) != "nmod:poss" && !t.case_of(c).is_empty()
    });
    let from_verb = t
        .kids(v)
        .iter()
        .copied()
        .filter(|&c| (t.rel(c) == "obl" && !t.case_of(c).is_empty()) || t.rel(c) == "iobj");
    let target = from_noun.chain(from_verb).find(|&c| {
        let prep = t.case_of(c);
        !SKIP_PREPS.contains(&prep.as_str())
            && prep != "by"
            && (entity_of(t, c).is_some() || t.kid(c, "nmod:poss").is_some())
    })?;
    let prep = match t.case_of(target) {
        p if p.is_empty() => "to".to_owned(),
        p => p,
    };
    Some((format!("{lemma} {noun} {prep}"), target))
}

/// One claim per agent and object, after distributing conjuncts.
#[expect(clippy::too_many_arguments, reason = "one call site per construction")]
fn emit(
    t: &Tree<'_>,
    pred: usize,
    agents: &[usize],
    object: usize,
    phrase: &str,
    text_ok: bool,
    inherited: bool,
    out: &mut Vec<Candidate>,
) {
    let relation = vocabulary().map(phrase);
    let attitude = relation.core && ATTITUDE.contains(&relation.local.as_str());
    for &a0 in agents {
        for a in distribute(t, a0) {
            let Some(subject) = entity_of(t, a) else {
                continue;
            };
            for o in distribute(t, object) {
                // An object "it" is mostly a thing or an event ("announced it"), rarely the
                // actor the resolver links it to.
                if t.form(o) == "it" && t.upos(o) == Upos::Pron && !t.rel(o).starts_with("nsubj") {
                    continue;
                }
                let mut arg = arg_of(t, o, text_ok);
                if attitude
                    && !matches!(arg, Some(Arg::Entity(_)))
                    && let Some(p) = t.kid(o, "nmod:poss").and_then(|p| entity_of(t, p))
                {
                    arg = Some(Arg::Entity(p));
                }
                let Some(arg) = arg else { continue };
                // What a speech verb governs is the content, not a participant: "said on
                // Tuesday" or "said in a call" is no claim.
                if matches!(arg, Arg::Literal(_))
                    && super::factuality::SPEECH.contains(&t.lemma(pred).as_str())
                {
                    continue;
                }
                let mut confidence: f32 = if matches!(arg, Arg::Entity(_)) {
                    0.75
                } else {
                    0.55
                };
                if inherited {
                    confidence -= 0.1;
                }
                if phrase.contains(' ') {
                    confidence -= 0.05;
                }
                out.push(Candidate {
                    subject,
                    phrase: phrase.to_owned(),
                    relation: None,
                    object: arg,
                    predicate: pred,
                    polarity: None,
                    evidence: vec![a, pred, o],
                    confidence,
                });
            }
        }
    }
}

/// A predicate complement: "X is afraid of Y", "X is in talks with Y", "X is Y's partner",
/// "X became the first Z".
fn copular(
    t: &Tree<'_>,
    p: usize,
    cop: &str,
    agents: &[usize],
    out: &mut Vec<Candidate>,
    consumed: &mut [bool],
) {
    if agents.is_empty() {
        return;
    }
    consumed[p] = true;
    // A cleft ("It was in July that X said ...") focuses a phrase of the clause after it; its
    // "it" is no actor.
    let cleft = agents.iter().any(|&a| t.form(a) == "it")
        && t.kids(p).iter().any(|&c| {
            matches!(
                t.rel(c),
                "advcl:relcl" | "acl:relcl" | "advcl" | "ccomp" | "parataxis" | "acl"
            ) && (t.mark_of(c).as_deref() == Some("that")
                || t.kids(c).iter().any(|&d| {
                    t.rel(d).starts_with("nsubj")
                        && matches!(t.form(d).as_str(), "that" | "who" | "which")
                }))
        });
    if cleft {
        return;
    }
    let case = t.case_of(p);
    if t.is_nominal(p) {
        if !case.is_empty() {
            if SKIP_PREPS.contains(&case.as_str()) {
                return;
            }
            // "X is in talks with Y": the noun's own prepositional dependent is the object.
            for &c in t.kids(p) {
                let inner = t.case_of(c);
                if t.rel(c).starts_with("nmod") && !inner.is_empty() && t.rel(c) != "nmod:poss" {
                    let phrase = format!("{cop} {case} {} {inner}", t.lemma(p));
                    emit(t, p, agents, c, &phrase, false, false, out);
                }
            }
            if entity_of(t, p).is_some() {
                emit(t, p, agents, p, &format!("{cop} {case}"), false, false, out);
            }
            return;
        }
        // "X is part of Y" → Y includes X.
        if t.lemma(p) == "part" {
            for &c in t.kids(p) {
                if t.rel(c) == "nmod" && t.case_of(c) == "of" && entity_of(t, c).is_some() {
                    for &a in agents {
                        emit(t, p, &[c], a, "include", true, false, out);
                    }
                }
            }
            return;
        }
        for &a0 in agents {
            for a in distribute(t, a0) {
                let Some(subject) = entity_of(t, a) else {
                    continue;
                };
                // "X is a group of Ruritanian origin".
                if let Some(c) = roles::origin_of(t, p)
                    && c != subject
                {
                    out.push(Candidate {
                        subject,
                        phrase: "originate from".to_owned(),
                        relation: None,
                        object: Arg::Entity(c),
                        predicate: p,
                        polarity: None,
                        evidence: vec![a, p],
                        confidence: 0.7,
                    });
                }
            }
        }
        if entity_of(t, p).is_some() {
            return;
        }
        for &a0 in agents {
            for a in distribute(t, a0) {
                let Some(subject) = entity_of(t, a) else {
                    continue;
                };
                if let Some((relation, object)) = roles::role_of(t, subject, p) {
                    out.push(Candidate {
                        subject,
                        phrase: String::new(),
                        relation: Some(relation),
                        object,
                        predicate: p,
                        polarity: None,
                        evidence: vec![a, p],
                        confidence: 0.75,
                    });
                    continue;
                }
                if let Some(l) = args::literal_of(t, p) {
                    out.push(Candidate {
                        subject,
                        phrase: controlled_be(t, p, cop),
                        relation: None,
                        object: Arg::Literal(l),
                        predicate: p,
                        polarity: None,
                        evidence: vec![a, p],
                        confidence: 0.6,
                    });
                }
            }
        }
        return;
    }
    if t.upos(p) == Upos::Adj {
        let adj = t.lemma(p);
        for &c in t.kids(p) {
            let prep = t.case_of(c);
            if (t.rel(c) == "obl" || t.rel(c).starts_with("nmod"))
                && !prep.is_empty()
                && !SKIP_PREPS.contains(&prep.as_str())
            {
                let phrase = format!("{cop} {adj} {prep}");
                emit(t, p, agents, c, &phrase, true, false, out);
            }
        }
    }
}

/// Events that happen to the person named by "of", with what the verb's passive says: "the
/// election of X in 2019" → X was elected in 2019.
const UNDERGONE: [(&str, &str); 10] = [
    ("election", "be elected"),
    ("reelection", "be reelected"),
    ("re-election", "be reelected"),
    ("appointment", "be appointed"),
    ("nomination", "be nominated"),
    ("inauguration", "be inaugurated"),
    ("arrest", "be arrested"),
    ("extradition", "be extradited"),
    ("release", "be released"),
    ("conviction", "be convicted"),
];

/// "the election of X in 2019" → (X, be elected, 2019): an agentless event noun whose "of"
/// dependent undergoes it, with its date (without a date there is no object to state).
fn undergone(t: &Tree<'_>, n: usize, out: &mut Vec<Candidate>) {
    let lemma = t.lemma(n);
    let Some(&(_, phrase)) = UNDERGONE.iter().find(|(w, _)| *w == lemma) else {
        return;
    };
    if t.kid(n, "nmod:poss").is_some() {
        return;
    }
    let Some(x) = t
        .kids(n)
        .iter()
        .copied()
        .find(|&c| t.rel(c) == "nmod" && t.case_of(c) == "of")
    else {
        return;
    };
    let Some(subject) = entity_of(t, x) else {
        return;
    };
    if super::entity_type(t.cx, subject) != Some(crate::model::EntityType::Person) {
        return;
    }
    for &c in t.kids(n) {
        if c == x || !t.rel(c).starts_with("nmod") || !matches!(t.case_of(c).as_str(), "in" | "on")
        {
            continue;
        }
        if let Some(l) = args::literal_of(t, c)
            && l.kind == crate::model::LiteralKind::Date
        {
            out.push(Candidate {
                subject,
                phrase: phrase.to_owned(),
                relation: None,
                object: Arg::Literal(l),
                predicate: n,
                polarity: None,
                evidence: vec![n, x, c],
                confidence: 0.6,
            });
        }
    }
}

/// The copula of a controlled predicate keeps its governor: "X agreed to be Y" → agree to be,
/// "X refused to become Y" → refuse to become.
fn controlled_be(t: &Tree<'_>, p: usize, cop: &str) -> String {
    if t.rel(p) == "xcomp"
        && let Some(h) = t.head(p)
        && t.upos(h) == Upos::Verb
        && !LINKING.contains(&t.lemma(h).as_str())
        && t.kid(p, "mark").is_some_and(|m| t.form(m) == "to")
    {
        return format!("{} to {cop}", verb_phrase(t, h));
    }
    cop.to_owned()
}

/// Relations and events between two actors: "the close relationship between X and Y", "talks
/// between X and Y" → (X, relationship with / negotiate, Y).
fn between(t: &Tree<'_>, n: usize, out: &mut Vec<Candidate>) {
    let lemma = t.lemma(n);
    let rel = vocabulary().map(&lemma);
    let relational = RELATIONAL_NOUNS.contains(&lemma.as_str());
    if !(relational || (rel.core && !NOT_EVENTS.contains(&rel.local.as_str()))) {
        return;
    }
    for &a in t.kids(n) {
        if !t.rel(a).starts_with("nmod") || t.case_of(a) != "between" || entity_of(t, a).is_none() {
            continue;
        }
        for &b in t.kids(a) {
            if t.rel(b) != "conj" || entity_of(t, b).is_none() {
                continue;
            }
            let phrase = if relational {
                format!("have {lemma} with")
            } else {
                format!("{lemma} with")
            };
            emit(t, n, &[a], b, &phrase, false, false, out);
        }
    }
}

/// Event nouns: "Doe's praise of Roe" → (Doe, praise, Roe); "talks with X" inside a clause
/// whose subject takes part; "support from X" received by the clause's subject.
fn nominal(t: &Tree<'_>, n: usize, out: &mut Vec<Candidate>) {
    let lemma = t.lemma(n);
    undergone(t, n, out);
    between(t, n, out);
    let rel = vocabulary().map(&lemma);
    // "his closeness to X", "Ruritania's ties with X": a relation held, not an event.
    let relational = RELATIONAL_NOUNS.contains(&lemma.as_str());
    if !relational && (!rel.core || NOT_EVENTS.contains(&rel.local.as_str())) {
        return;
    }
    let mut agents: Vec<usize> = Vec::new();
    let mut from_agent = false;
    if let Some(p) = t.kid(n, "nmod:poss")
        && entity_of(t, p).is_some()
    {
        agents.push(p);
    }
    if agents.is_empty() {
        // "support for X from Y", also with "from Y" misattached to X.
        let near = t.kids(n).iter().copied().chain(
            t.kids(n)
                .iter()
                .filter(|&&c| t.rel(c) == "nmod")
                .flat_map(|&c| t.kids(c).iter().copied()),
        );
        for c in near {
            if t.rel(c).starts_with("nmod")
                && matches!(t.case_of(c).as_str(), "from" | "by")
                && entity_of(t, c).is_some()
                && !agents.contains(&c)
            {
                agents.push(c);
                from_agent = true;
            }
        }
    }
    // "received $5 million in aid from X": the noun's slot is the amount's.
    let (slot, governor) = match t.head(n) {
        Some(h)
            if t.rel(n) == "nmod"
                && matches!(t.case_of(n).as_str(), "in" | "of")
                && t.rel(h) == "obj"
                && t.toks[h..=n].iter().any(|x| x.upos == Upos::Num) =>
        {
            (h, t.head(h))
        }
        g => (n, g),
    };
    if agents.is_empty()
        && t.rel(n) == "obj"
        && let Some(w) = governor
    {
        for &c in t.kids(w) {
            if t.rel(c) == "obl" && t.case_of(c) == "from" && entity_of(t, c).is_some() {
                agents.push(c);
                from_agent = true;
            }
        }
    }
    if agents.is_empty()
        && let Some(w) = governor
        && t.rel(n).starts_with("obl")
        && matches!(
            t.case_of(n).as_str(),
            "in" | "during" | "through" | "amid" | "at"
        )
        && !t.is_passive(w)
    {
        agents = surface_subject(t, w, 0);
    }
    if agents.is_empty() {
        return;
    }
    let mut patients: Vec<(usize, String)> = Vec::new();
    for &c in t.kids(n) {
        let case = t.case_of(c);
        if t.rel(c).starts_with("nmod")
            && t.rel(c) != "nmod:poss"
            && matches!(
                case.as_str(),
                "of" | "with" | "to" | "on" | "against" | "for" | "toward" | "towards" | "over"
            )
        {
            patients.push((c, case));
        }
    }
    if patients.is_empty()
        && from_agent
        && let Some(w) = governor
        && t.rel(slot) == "obj"
    {
        if let Some(i) = t.kid(w, "iobj") {
            patients.push((i, String::new()));
        } else if RECEIVE.contains(&t.lemma(w).as_str()) {
            for s in surface_subject(t, w, 0) {
                patients.push((s, String::new()));
            }
        }
    }
    for (o, case) in patients {
        if relational && !matches!(case.as_str(), "with" | "to" | "between") {
            continue;
        }
        let phrase = if relational {
            format!("have {lemma} {case}")
        } else if case.is_empty() {
            lemma.clone()
        } else {
            format!("{lemma} {case}")
        };
        let before = out.len();
        emit(t, n, &agents, o, &phrase, false, false, out);
        // Keep only actor objects for event nouns: their literals are rarely facts.
        let mut i = before;
        while i < out.len() {
            if matches!(out[i].object, Arg::Entity(_)) {
                i += 1;
            } else {
                out.remove(i);
            }
        }
    }
}
