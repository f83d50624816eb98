//! Clause-based open IE for CaRB: one PTB-tokenised sentence in, tuples in the sentence's own
//! words out (relation with its auxiliaries, negation and leading preposition; subject; object
//! or first prepositional phrase; further phrases as extra arguments), each with a confidence
//! computed from the clause's shape.
//!
//! The sentence is tagged and parsed on its given tokens (PTB escapes such as `-LRB-` and
//! ``` `` ``` are mapped to plain characters for the tagger), and every predicate of the
//! dependency tree (a verb, or a word with a copula) becomes a clause: subject, relation,
//! complements. Subjects missing from a clause are taken from the clause it depends on
//! (coordinated verbs, relative clauses, participles), relative pronouns are replaced by
//! their antecedent, and coordinated nouns are distributed. Appositions, possessives and
//! `X in Y` noun phrases add tuples with an implied `be`, `has` or `be in`.
//!
//! A sentence tagged without any finite verb is retagged and reparsed once (with the
//! embedded lemmatizer and parser), since that is nearly always a verb read as a noun.

use super::tuples::{SentenceTuples, Tuple};
use newsgraph_nlp::analyzer::{LEMMA_MODEL, PARSER_MODEL};
use newsgraph_nlp::lemma::Lemmatizer;
use newsgraph_nlp::parser::Parser;
use newsgraph_nlp::{Analyzer, Sentence, Span, Token, Upos};
use std::sync::LazyLock;

/// Words that negate a clause and belong in its relation.
const NEGATIONS: [&str; 4] = ["not", "n't", "never", "no"];
/// Relative pronouns replaced by the noun their clause modifies.
const RELATIVE: [&str; 5] = ["who", "which", "that", "whom", "what"];
/// Speech verbs that report the clause they are attached to.
const SPEECH: [&str; 16] = [
    "say",
    "tell",
    "add",
    "state",
    "announce",
    "report",
    "argue",
    "admit",
    "note",
    "claim",
    "insist",
    "explain",
    "write",
    "contend",
    "warn",
    "acknowledge",
];
/// Sentences longer than this (in tokens) give no tuples: argument building is quadratic in
/// the worst case, and such a line is a run of text, not a sentence.
const MAX_TOKENS: usize = 400;
/// Argument length beyond which the confidence stops falling.
const MAX_ARG_WORDS: usize = 40;

/// Extracts the tuples of every non-empty line of `text` (one tokenised sentence per line).
pub fn extract_lines(analyzer: &Analyzer, text: &str) -> Vec<SentenceTuples> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| extract_line(analyzer, l))
        .collect()
}

/// Maps a PTB token to the character the tagger was trained on.
fn plain_form(ptb: &str) -> &str {
    match ptb {
        "-LRB-" => "(",
        "-RRB-" => ")",
        "-LSB-" => "[",
        "-RSB-" => "]",
        "-LCB-" => "{",
        "-RCB-" => "}",
        "``" | "''" => "\"",
        "`" => "'",
        _ => ptb,
    }
}

/// Extracts the tuples of one tokenised sentence (tokens separated by whitespace).
pub fn extract_line(analyzer: &Analyzer, line: &str) -> SentenceTuples {
    let sentence = line.trim().to_owned();
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() > MAX_TOKENS {
        return SentenceTuples {
            sentence,
            tuples: Vec::new(),
        };
    }
    let mut s = Sentence::default();
    let mut pos = 0;
    for w in &words {
        let form = plain_form(w).to_owned();
        let span = Span::new(pos, pos + form.len());
        pos = span.end + 1;
        s.tokens.push(Token {
            span,
            form,
            space_after: true,
            ..Token::default()
        });
    }
    if let (Some(first), Some(last)) = (s.tokens.first(), s.tokens.last()) {
        s.span = Span::new(first.span.start, last.span.end);
    }
    analyzer.annotate(&mut s);
    if retag_verbless(&mut s)
        && let Some(reparser) = REPARSER.as_ref()
    {
        reparser.annotate(&mut s);
    }
    let tree = Tree::new(&s, &words);
    let mut tuples = tree.tuples();
    tuples.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let mut seen = std::collections::BTreeSet::new();
    tuples.retain(|t| seen.insert((t.relation.clone(), t.args.clone())));
    SentenceTuples { sentence, tuples }
}

/// Lemmatizer and parser without a tagger: re-annotates a sentence whose tags were corrected.
static REPARSER: LazyLock<Option<Analyzer>> = LazyLock::new(|| {
    let lemmatizer = Lemmatizer::from_bytes(LEMMA_MODEL?).ok()?;
    let parser = Parser::from_bytes(PARSER_MODEL?).ok()?;
    Some(Analyzer::new(None, Some(lemmatizer), Some(parser)))
});

/// A sentence tagged without any finite verb has almost always lost its verb to a noun
/// reading of a third-person form (`X plans to ...`, `X consists of ...`): retags the first
/// `-s` noun that follows a nominal and precedes a determiner, preposition or the like as a
/// verb. Returns true when it changed a tag.
fn retag_verbless(s: &mut Sentence) -> bool {
    let finite = |x: &str| matches!(x, "VBZ" | "VBD" | "VBP" | "MD");
    if s.tokens.iter().any(|t| finite(&t.xpos)) {
        return false;
    }
    let n = s.tokens.len();
    for i in 1..n.saturating_sub(1) {
        let t = &s.tokens[i];
        let w = t.form.to_lowercase();
        let candidate = matches!(t.xpos.as_str(), "NNS" | "NN" | "JJ")
            && w.len() > 3
            && w.ends_with('s')
            && !w.ends_with("ss")
            && !w.ends_with("us")
            && matches!(
                s.tokens[i - 1].upos,
                Upos::Noun | Upos::Propn | Upos::Pron | Upos::Num
            )
            && matches!(
                s.tokens[i + 1].xpos.as_str(),
                "DT" | "IN" | "TO" | "PRP$" | "PRP" | "JJ" | "NNP" | "CD" | "RB" | "NNS" | "NN"
            );
        if candidate {
            let t = &mut s.tokens[i];
            t.upos = Upos::Verb;
            t.xpos = "VBZ".to_owned();
            return true;
        }
    }
    false
}

/// A parsed sentence with its children lists and its words as given.
struct Tree<'a> {
    toks: &'a [Token],
    words: &'a [&'a str],
    kids: Vec<Vec<usize>>,
}

/// One argument: its tokens (sorted) and the preposition tokens that introduced it.
#[derive(Clone, Debug)]
struct Arg {
    case: Vec<usize>,
    body: Vec<usize>,
    position: usize,
}

/// A clause's second slot, and how it was found (for the confidence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Complement {
    Object,
    Prepositional,
    Clausal,
    Predicative,
    Bare,
}

/// Where the subject came from (for the confidence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SubjectSource {
    Own,
    Shared,
    Antecedent,
}

impl<'a> Tree<'a> {
    fn new(s: &'a Sentence, words: &'a [&'a str]) -> Self {
        let n = s.tokens.len();
        let mut kids = vec![Vec::new(); n];
        for (i, t) in s.tokens.iter().enumerate() {
            if t.head > 0 && t.head <= n && t.head - 1 != i {
                kids[t.head - 1].push(i);
            }
        }
        Tree {
            toks: &s.tokens,
            words,
            kids,
        }
    }

    fn rel(&self, i: usize) -> &str {
        &self.toks[i].deprel
    }

    fn base(&self, i: usize) -> &str {
        let r = self.rel(i);
        r.split(':').next().unwrap_or(r)
    }

    fn head(&self, i: usize) -> Option<usize> {
        let h = self.toks[i].head;
        (h > 0 && h <= self.toks.len()).then(|| h - 1)
    }

    fn lower(&self, i: usize) -> String {
        self.toks[i].form.to_lowercase()
    }

    fn children_with(&self, i: usize, rels: &[&str]) -> Vec<usize> {
        self.kids[i]
            .iter()
            .copied()
            .filter(|&c| rels.contains(&self.rel(c)) || rels.contains(&self.base(c)))
            .collect()
    }

    /// The subtree of `i`, leaving out the subtrees of children whose relation is in `cut`.
    fn span(&self, i: usize, cut: &[&str]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![i];
        let mut guard = 0;
        while let Some(x) = stack.pop() {
            guard += 1;
            if guard > self.toks.len() * 2 {
                break;
            }
            out.push(x);
            for &c in &self.kids[x] {
                if x == i && (cut.contains(&self.rel(c)) || cut.contains(&self.base(c))) {
                    continue;
                }
                stack.push(c);
            }
        }
        out.sort_unstable();
        self.trim(out)
    }

    /// Drops punctuation (except quotes, closing brackets and symbols) and coordinators at
    /// both ends.
    fn trim(&self, mut v: Vec<usize>) -> Vec<usize> {
        let edge = |t: &Tree, i: usize| {
            let u = t.toks[i].upos;
            (u == Upos::Punct && !matches!(t.words[i], "``" | "''" | "-RRB-" | "%" | "$"))
                || u == Upos::Cconj
        };
        while v.first().is_some_and(|&i| edge(self, i)) {
            v.remove(0);
        }
        while v.last().is_some_and(|&i| edge(self, i)) {
            v.pop();
        }
        v
    }

    fn text(&self, idx: &[usize]) -> String {
        idx.iter()
            .map(|&i| self.words[i])
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The preposition (with fixed multiword parts) introducing nominal `i`.
    fn case_of(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for c in self.children_with(i, &["case"]) {
            if c < i && self.toks[c].upos != Upos::Part {
                out.push(c);
                out.extend(self.children_with(c, &["fixed"]));
            }
        }
        out.sort_unstable();
        out
    }

    /// A noun phrase argument: the subtree without relative clauses, appositions and the
    /// preposition.
    fn nominal(&self, i: usize) -> Arg {
        let case = self.case_of(i);
        let mut body: Vec<usize> =
            self.span(i, &["acl:relcl", "appos", "parataxis", "case", "mark"]);
        // A clause set off by a comma after the noun is not part of it ("a band , retaining ..."),
        // nor is a verb coordinated with the noun (a clause the parse attached too low).
        for c in self.children_with(i, &["acl", "advcl", "dep", "amod", "conj"]) {
            let cut = self.span(c, &[]);
            let start = cut.first().copied().unwrap_or(c);
            let comma_led = c > i && start > 0 && self.words[start - 1] == ",";
            let clause = matches!(self.toks[c].upos, Upos::Verb | Upos::Adj)
                && !self
                    .children_with(c, &["nsubj", "nsubj:pass", "cop", "obj"])
                    .is_empty();
            let verb_conj = self.base(c) == "conj" && self.toks[c].upos == Upos::Verb;
            if (comma_led && (self.base(c) != "conj" && self.base(c) != "amod" || clause))
                || verb_conj
            {
                body.retain(|x| !cut.contains(x));
            }
        }
        let body = self.trim(body);
        Arg {
            case,
            body,
            position: i,
        }
    }

    fn is_predicate(&self, i: usize) -> bool {
        let t = &self.toks[i];
        let has_cop = !self.children_with(i, &["cop"]).is_empty();
        t.upos == Upos::Verb || has_cop
    }

    fn tuples(&self) -> Vec<Tuple> {
        let mut out = Vec::new();
        for p in 0..self.toks.len() {
            if !self.is_predicate(p) {
                continue;
            }
            // An infinitive complement folded into its governing verb is handled there.
            if self.folded_xcomp(p) {
                continue;
            }
            // "was considered to be the saint": the predicate is already the complement of the
            // governing verb's tuple.
            if self.rel(p) == "xcomp"
                && self.toks[p].upos != Upos::Verb
                && self
                    .head(p)
                    .is_some_and(|h| self.toks[h].upos == Upos::Verb)
            {
                continue;
            }
            self.clause(p, &mut out);
        }
        self.appositions(&mut out);
        self.possessives(&mut out);
        self.locatives(&mut out);
        out
    }

    /// True for `to VERB` complements merged into their head's relation ("plans to build").
    fn folded_xcomp(&self, p: usize) -> bool {
        self.rel(p) == "xcomp"
            && self.toks[p].upos == Upos::Verb
            && self.head(p).is_some_and(|h| {
                self.toks[h].upos == Upos::Verb
                    && self.children_with(h, &["obj", "ccomp"]).is_empty()
                    && self.children_with(h, &["cop"]).is_empty()
            })
    }

    /// True for a relative pronoun (`who`, `which`, `that` introducing a clause).
    fn is_relative(&self, i: usize) -> bool {
        RELATIVE.contains(&self.lower(i).as_str())
            && matches!(
                self.toks[i].xpos.as_str(),
                "WP" | "WDT" | "WP$" | "IN" | "DT"
            )
            && self.head(i).is_some_and(|h| {
                matches!(
                    self.base(h),
                    "acl" | "amod" | "advcl" | "conj" | "ccomp" | "parataxis"
                )
            })
    }

    /// The first quotation (from `` to '') that does not contain token `p`, quotes included.
    fn quotation_outside(&self, p: usize) -> Option<Vec<usize>> {
        let open = self.words.iter().position(|w| *w == "``")?;
        let close = (open + 1..self.words.len()).find(|&i| self.words[i] == "''")?;
        if (open..=close).contains(&p) || close - open < 3 {
            return None;
        }
        // A comma just inside the closing quote belongs to the sentence, not the quote.
        let mut v: Vec<usize> = (open..=close).collect();
        if close >= 1 && self.words[close - 1] == "," {
            v.retain(|&i| i != close - 1);
        }
        Some(v)
    }

    /// The noun phrase a relative or participial clause `p` modifies, without the clause.
    fn antecedent(&self, p: usize) -> Option<Arg> {
        let nounish = |i: usize| {
            matches!(
                self.toks[i].upos,
                Upos::Noun | Upos::Propn | Upos::Pron | Upos::Num
            )
        };
        let mut h = self.head(p)?;
        if !nounish(h) {
            // A clause opened by "who", "whom" or "which" but attached elsewhere by the parse
            // still refers to the noun just before it (", many of whom ...").
            let clause = self.span(p, &[]);
            let first = *clause.first()?;
            let wh = clause
                .iter()
                .take(3)
                .any(|&i| matches!(self.lower(i).as_str(), "who" | "whom" | "which"));
            let mut j = first.checked_sub(1)?;
            if self.words[j] == "," {
                j = j.checked_sub(1)?;
            }
            if !wh || !nounish(j) {
                return None;
            }
            h = j;
        }
        let mut a = self.nominal(h);
        let clause = self.span(p, &[]);
        a.body.retain(|i| !clause.contains(i));
        a.body = self.trim(std::mem::take(&mut a.body));
        a.case.clear();
        Some(a)
    }

    /// The subject of predicate `p` and where it came from.
    fn subject(&self, p: usize, depth: usize) -> Option<(Arg, SubjectSource)> {
        if depth > 6 {
            return None;
        }
        let own = self.children_with(p, &["nsubj", "nsubj:pass", "csubj", "csubj:pass"]);
        if let Some(&s) = own.first() {
            if self.is_relative(s) {
                let ante = self.antecedent(p)?;
                return Some((ante, SubjectSource::Antecedent));
            }
            let mut a = self.nominal(s);
            a.case.clear();
            // "many of whom": the relative pronoun inside the subject stands for the antecedent.
            if let Some(k) = a
                .body
                .iter()
                .position(|&i| i != s && matches!(self.lower(i).as_str(), "whom" | "which"))
                && let Some(ante) = self.antecedent(p)
            {
                a.body.splice(k..=k, ante.body);
                return Some((a, SubjectSource::Antecedent));
            }
            return Some((a, SubjectSource::Own));
        }
        let h = self.head(p)?;
        match self.rel(p) {
            "conj" => {
                let (a, _) = self.subject(h, depth + 1)?;
                Some((a, SubjectSource::Shared))
            }
            "acl:relcl" | "acl" => Some((self.antecedent(p)?, SubjectSource::Antecedent)),
            "xcomp" | "advcl" => {
                if self.rel(p) == "xcomp"
                    && let Some(&o) = self.children_with(h, &["obj"]).first()
                {
                    return Some((self.nominal(o), SubjectSource::Shared));
                }
                let (a, _) = self.subject(h, depth + 1)?;
                Some((a, SubjectSource::Shared))
            }
            _ => None,
        }
    }

    /// Relation words of predicate `p` (auxiliaries, negation, adverbs between them, the verb
    /// or copula, particles). For a copular clause the predicate word is not included.
    fn relation_words(&self, p: usize, copular: bool) -> Vec<usize> {
        let mut rel = Vec::new();
        let mut auxes = self.children_with(p, &["aux", "aux:pass", "cop"]);
        // Coordinated verbs share their first conjunct's auxiliaries ("was arrested and charged").
        if auxes.is_empty()
            && self.rel(p) == "conj"
            && matches!(self.toks[p].xpos.as_str(), "VBN" | "VBG" | "VB")
            && let Some(h) = self.head(p)
        {
            auxes = self
                .children_with(h, &["aux", "aux:pass"])
                .into_iter()
                .filter(|&a| !matches!(self.lower(a).as_str(), "to"))
                .collect();
        }
        let first = auxes.iter().copied().min().unwrap_or(p);
        rel.extend(auxes.iter().copied().filter(|&a| self.lower(a) != "to"));
        // Adverbs between the subject (or first auxiliary) and the verb are part of the
        // relation ("often refers to", "has also been").
        let subj_end = self
            .children_with(p, &["nsubj", "nsubj:pass", "expl"])
            .into_iter()
            .filter(|&s| s < p)
            .map(|s| self.span(s, &[]).last().copied().unwrap_or(s) + 1)
            .max();
        let start = subj_end.unwrap_or(first).min(first);
        for c in self.children_with(p, &["advmod"]) {
            let w = self.lower(c);
            // In a copular clause an adverb after the copula modifies the predicate ("were |
            // virtually unchanged"); before it, the clause ("is also | home").
            let end = if copular {
                self.children_with(p, &["cop"])
                    .first()
                    .copied()
                    .unwrap_or(p)
            } else {
                p
            };
            let inner = c >= start && c < end && self.kids[c].is_empty();
            if NEGATIONS.contains(&w.as_str())
                || (inner && !RELATIVE.contains(&w.as_str()) && w != "where" && w != "when")
            {
                rel.push(c);
            }
        }
        if !copular {
            rel.push(p);
            rel.extend(self.children_with(p, &["compound:prt"]));
        }
        rel.sort_unstable();
        rel.dedup();
        rel
    }

    /// Builds the tuples of the clause headed by `p`.
    fn clause(&self, p: usize, out: &mut Vec<Tuple>) {
        let copular = !self.children_with(p, &["cop"]).is_empty();
        let Some((subj, source)) = self.subject(p, 0) else {
            return;
        };
        if subj.body.is_empty() {
            return;
        }
        let mut rel = self.relation_words(p, copular);
        let mut tail: Vec<usize> = Vec::new();
        // The clause whose complements we read: `p`, or a folded `to VERB` complement.
        let mut core = p;
        if !copular {
            for x in self.children_with(p, &["xcomp"]) {
                if self.folded_xcomp(x) && x > p {
                    rel.extend(self.children_with(x, &["mark", "aux", "aux:pass"]));
                    rel.push(x);
                    rel.extend(self.children_with(x, &["compound:prt"]));
                    core = x;
                    break;
                }
            }
        }
        let mut args: Vec<Arg> = Vec::new();
        let mut second: Option<(Arg, Complement)> = None;
        let mut skip_obl: Option<usize> = None;
        if copular {
            let case = self.case_of(p);
            let body = self.span(
                p,
                &[
                    "nsubj",
                    "nsubj:pass",
                    "csubj",
                    "cop",
                    "aux",
                    "aux:pass",
                    "case",
                    "mark",
                    "punct",
                    "cc",
                    "conj",
                    "advcl",
                    "acl:relcl",
                    "parataxis",
                    "obl",
                    "obl:tmod",
                    "ccomp",
                    "appos",
                    "expl",
                    "discourse",
                    "dep",
                ],
            );
            // Adverbs before the copula are in the relation; those after it stay here.
            let body: Vec<usize> = body.into_iter().filter(|i| !rel.contains(i)).collect();
            let body = self.trim(body);
            tail.extend(case.iter().copied());
            // "is home to X", "is responsible for X": the predicate and the preposition of its
            // first phrase join the relation when the predicate is short.
            let first_pp = self
                .children_with(p, &["obl"])
                .into_iter()
                .find(|&o| o > p && !self.case_of(o).is_empty());
            if let Some(o) = first_pp
                && case.is_empty()
                && body.len() <= 3
            {
                rel.extend(body.iter().copied());
                tail.extend(self.case_of(o));
                let mut a = self.nominal(o);
                a.case.clear();
                second = Some((a, Complement::Prepositional));
                skip_obl = Some(o);
            } else {
                second = Some((
                    Arg {
                        case: Vec::new(),
                        body,
                        position: p,
                    },
                    Complement::Predicative,
                ));
            }
        }
        let mut cores = vec![core];
        if core != p {
            cores.push(p);
        }
        for &c0 in &cores {
            for c in self.kids[c0].clone() {
                let r = self.rel(c);
                let b = self.base(c);
                if c0 == p && core != p && c == core {
                    continue;
                }
                match (b, r) {
                    ("obj", _) | ("iobj", _) => {
                        let mut a = if self.is_relative(c) {
                            match self.antecedent(p) {
                                Some(a) => a,
                                None => continue,
                            }
                        } else {
                            self.nominal(c)
                        };
                        a.case.clear();
                        if second.is_none() && b == "obj" {
                            second = Some((a, Complement::Object));
                        } else {
                            args.push(a);
                        }
                    }
                    ("obl", _) | (_, "nmod:tmod") | (_, "nmod:npmod") if skip_obl != Some(c) => {
                        args.push(self.nominal(c));
                    }
                    ("xcomp", _) if c0 == core && !copular => {
                        let a = Arg {
                            case: Vec::new(),
                            body: self.span(c, &["punct"]),
                            position: c,
                        };
                        if second.is_none() && self.toks[c].upos != Upos::Verb {
                            // "was considered to be the patron": `to be` joins the relation.
                            let linking: Vec<usize> = self
                                .children_with(c, &["mark", "cop", "aux"])
                                .into_iter()
                                .filter(|&m| m < c)
                                .collect();
                            let body: Vec<usize> = a
                                .body
                                .iter()
                                .copied()
                                .filter(|i| !linking.contains(i))
                                .collect();
                            if !linking.is_empty() && !body.is_empty() {
                                tail.extend(linking);
                                second = Some((
                                    Arg {
                                        case: Vec::new(),
                                        body: self.trim(body),
                                        position: c,
                                    },
                                    Complement::Predicative,
                                ));
                            } else {
                                second = Some((a, Complement::Predicative));
                            }
                        } else {
                            args.push(a);
                        }
                    }
                    ("advcl", _) if c0 == core && c > core => {
                        args.push(Arg {
                            case: Vec::new(),
                            body: self.span(c, &["punct"]),
                            position: c,
                        });
                    }
                    ("ccomp", _) if c0 == core => {
                        let marks = self.children_with(c, &["mark"]);
                        let body = self.span(c, &["mark", "punct"]);
                        if second.is_none() {
                            tail.extend(marks.iter().copied().filter(|&m| m < c));
                            second = Some((
                                Arg {
                                    case: Vec::new(),
                                    body,
                                    position: c,
                                },
                                Complement::Clausal,
                            ));
                        } else {
                            let mut all = marks;
                            all.extend(body);
                            all.sort_unstable();
                            args.push(Arg {
                                case: Vec::new(),
                                body: all,
                                position: c,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        // "buy and sell X": a verb coordinated right before another shares its object.
        if !copular
            && second.is_none()
            && self
                .children_with(core, &["obj", "ccomp", "xcomp"])
                .is_empty()
            && let Some(&c) = self.children_with(core, &["conj"]).first()
            && self.toks[c].upos == Upos::Verb
            && (core + 1..c).all(|i| matches!(self.toks[i].upos, Upos::Cconj | Upos::Punct))
            && let Some(&o) = self.children_with(c, &["obj"]).first()
        {
            let mut a = self.nominal(o);
            a.case.clear();
            second = Some((a, Complement::Object));
        }
        // Phrases fronted before the first of coordinated verbs hold for all of them ("In
        // 1717 she observed ... and attempted ...").
        if self.rel(p) == "conj"
            && let Some(h) = self.head(p)
        {
            let clause_start = self.span(h, &[]).first().copied();
            for o in self.children_with(h, &["obl", "obl:tmod", "obl:npmod"]) {
                if o < h && self.span(o, &[]).first().copied() == clause_start {
                    args.push(self.nominal(o));
                }
            }
        }
        // A relative clause introduced by "where" happened in its antecedent.
        if self.rel(p) == "acl:relcl"
            && self
                .children_with(p, &["advmod"])
                .iter()
                .any(|&a| self.lower(a) == "where")
            && let Some(h) = self.head(p)
        {
            let a = self.nominal(h);
            args.push(Arg {
                case: Vec::new(),
                body: a.body,
                position: h,
            });
        }
        // A relative clause whose own subject is present relates to its antecedent as object.
        if self.rel(p) == "acl:relcl"
            && source == SubjectSource::Own
            && second.is_none()
            && !self
                .children_with(p, &["advmod", "obl"])
                .iter()
                .any(|&a| matches!(self.lower(a).as_str(), "where" | "when" | "why" | "how"))
            && let Some(a) = self.antecedent(p)
        {
            second = Some((a, Complement::Object));
        }
        // `` ... , '' says X: a speech verb outside a quotation reports it (unless its own
        // complement reaches beyond the quotation, which is then only a part of it).
        if SPEECH.contains(&self.toks[p].lemma.as_str())
            && let Some(quote) = self.quotation_outside(p)
            && second
                .as_ref()
                .is_none_or(|(a, _)| a.body.iter().all(|i| quote.contains(i)))
        {
            tail.clear();
            args.retain(|a| !a.body.iter().any(|i| quote.contains(i)));
            second = Some((
                Arg {
                    case: Vec::new(),
                    body: quote,
                    position: p,
                },
                Complement::Clausal,
            ));
        }
        // `"...", she said`: a speech verb attached to the quote reports the rest of it.
        if second.is_none()
            && self.rel(p) == "parataxis"
            && SPEECH.contains(&self.toks[p].lemma.as_str())
            && let Some(h) = self.head(p)
        {
            let mine = self.span(p, &[]);
            let quote: Vec<usize> = self
                .span(h, &["punct"])
                .into_iter()
                .filter(|i| !mine.contains(i))
                .collect();
            second = Some((
                Arg {
                    case: Vec::new(),
                    body: self.trim(quote),
                    position: h,
                },
                Complement::Clausal,
            ));
        }
        args.sort_by_key(|a| a.position);
        if second.is_none() {
            // The first prepositional phrase after the verb gives the relation its preposition.
            let pick = args
                .iter()
                .position(|a| a.position > core && !a.case.is_empty())
                .or_else(|| args.iter().position(|a| a.position > core))
                .or(if args.is_empty() { None } else { Some(0) });
            if let Some(i) = pick {
                let a = args.remove(i);
                if a.position > core {
                    tail.extend(a.case.iter().copied());
                    second = Some((
                        Arg {
                            case: Vec::new(),
                            body: a.body,
                            position: a.position,
                        },
                        Complement::Prepositional,
                    ));
                } else {
                    let mut body = a.case.clone();
                    body.extend(a.body);
                    second = Some((
                        Arg {
                            case: Vec::new(),
                            body,
                            position: a.position,
                        },
                        Complement::Bare,
                    ));
                }
            }
        }
        // Nothing else: an adverbial clause after the verb, with its conjunction ("can be
        // cleaned by adding ...").
        if second.is_none()
            && let Some(&c) = self
                .children_with(core, &["advcl"])
                .iter()
                .find(|&&c| c > core && !self.children_with(c, &["mark"]).is_empty())
        {
            second = Some((
                Arg {
                    case: Vec::new(),
                    body: self.span(c, &["punct"]),
                    position: c,
                },
                Complement::Bare,
            ));
        }
        // Only an adverb after the verb ("will work together").
        if second.is_none()
            && !copular
            && let Some(&a) = self
                .children_with(core, &["advmod"])
                .iter()
                .find(|&&a| a > core && !NEGATIONS.contains(&self.lower(a).as_str()))
        {
            second = Some((
                Arg {
                    case: Vec::new(),
                    body: self.span(a, &["punct", "conj", "cc"]),
                    position: a,
                },
                Complement::Bare,
            ));
        }
        let Some((obj, kind)) = second else {
            // A clause with a subject only ("the army was not disbanded").
            if args.is_empty() && !copular {
                rel.sort_unstable();
                rel.dedup();
                out.push(Tuple {
                    relation: self.text(&rel),
                    args: vec![self.text(&subj.body)],
                    confidence: (0.08 - length_penalty(subj.body.len())).max(0.01),
                });
            }
            return;
        };
        if obj.body.is_empty() {
            return;
        }
        let mut rel_idx = rel.clone();
        rel_idx.sort_unstable();
        rel_idx.dedup();
        let mut relation = self.text(&rel_idx);
        // A participle clause ("a form known as X", "..., leading to Y") is a clause with its
        // `be` left out: the implied `be` is added, as for appositions.
        if matches!(self.base(p), "acl" | "advcl")
            && matches!(self.toks[p].xpos.as_str(), "VBN" | "VBG")
            && self
                .children_with(p, &["aux", "aux:pass", "cop"])
                .is_empty()
            && source != SubjectSource::Own
        {
            relation.insert_str(0, "be ");
        } else if self.base(p) == "acl"
            && self.toks[p].xpos == "VB"
            && self
                .children_with(p, &["mark"])
                .iter()
                .any(|&m| self.lower(m) == "to")
            && source != SubjectSource::Own
        {
            // "plans to build X": the plans are to build X.
            relation.insert_str(0, "be to ");
        }
        if !tail.is_empty() {
            relation.push(' ');
            relation.push_str(&self.text(&tail));
        }
        let extras: Vec<String> = args
            .iter()
            .map(|a| {
                let mut v = a.case.clone();
                v.extend(a.body.iter().copied());
                self.text(&v)
            })
            .filter(|s| !s.is_empty())
            .collect();
        let subj_variants = self.distribute(&subj.body, false);
        let obj_variants = self.distribute(&obj.body, kind == Complement::Predicative);
        let nonfinite = matches!(self.toks[p].xpos.as_str(), "VBG" | "VBN" | "VB")
            && self
                .children_with(p, &["aux", "aux:pass", "nsubj", "nsubj:pass"])
                .is_empty();
        let shape = Shape {
            shared_subject: source == SubjectSource::Shared,
            antecedent_subject: source == SubjectSource::Antecedent,
            pronoun_subject: subj.body.len() == 1 && self.toks[subj.body[0]].upos == Upos::Pron,
            prepositional: kind == Complement::Prepositional,
            predicative: kind == Complement::Predicative,
            clausal: kind == Complement::Clausal,
            bare: kind == Complement::Bare,
            dependent: self.head(p).is_some(),
            nonfinite,
            distributed: subj_variants.len() > 1 || obj_variants.len() > 1,
            extras: extras.len(),
            subject_words: subj.body.len(),
            object_words: obj.body.len(),
            relation_words: rel_idx.len() + tail.len(),
            sentence_words: self.toks.len(),
            ..Shape::default()
        };
        for (si, sv) in subj_variants.iter().enumerate() {
            for (oi, ov) in obj_variants.iter().enumerate() {
                let mut args = vec![self.text(sv), self.text(ov)];
                args.extend(extras.iter().cloned());
                let shape = Shape {
                    object_has_verb: ov.iter().any(|&i| self.toks[i].upos == Upos::Verb),
                    object_has_name: ov.iter().any(|&i| self.toks[i].upos == Upos::Propn),
                    object_commas: ov.iter().filter(|&&i| self.words[i] == ",").count(),
                    implied_be: relation.starts_with("be "),
                    ..shape
                };
                out.push(Tuple {
                    relation: relation.clone(),
                    args,
                    confidence: confidence(&shape) - 0.001 * (si + oi) as f64,
                });
            }
        }
    }

    /// Coordinated nouns (and, in a predicate, adjectives) inside an argument, each in the
    /// place of the first ("a series of attacks and raids" → "a series of attacks", "a series
    /// of raids"); the argument alone when it has no such coordination.
    fn distribute(&self, body: &[usize], adjectives: bool) -> Vec<Vec<usize>> {
        let whole = vec![body.to_vec()];
        let nounish = |i: usize| {
            matches!(self.toks[i].upos, Upos::Noun | Upos::Propn)
                || (adjectives && self.toks[i].upos == Upos::Adj)
        };
        let simple = |c: usize| {
            nounish(c)
                && self
                    .children_with(c, &["acl", "obj", "nsubj", "xcomp", "ccomp", "advcl"])
                    .is_empty()
        };
        let Some(h) = body.iter().copied().find(|&i| {
            nounish(i)
                && self
                    .children_with(i, &["conj"])
                    .iter()
                    .any(|&c| body.contains(&c) && simple(c))
        }) else {
            return whole;
        };
        // Conjuncts, also those chained onto another conjunct ("A , B , C and D").
        let mut conjs: Vec<usize> = Vec::new();
        let mut frontier = vec![h];
        while let Some(x) = frontier.pop() {
            for c in self.children_with(x, &["conj"]) {
                if body.contains(&c) && simple(c) && !conjs.contains(&c) && conjs.len() < 12 {
                    conjs.push(c);
                    frontier.push(c);
                }
            }
        }
        conjs.sort_unstable();
        let mut conj_sets: Vec<Vec<usize>> = Vec::new();
        for &c in &conjs {
            conj_sets.push(self.span(c, &["cc", "punct", "conj"]));
        }
        let all_conj: Vec<usize> = conjs
            .iter()
            .flat_map(|&c| self.span(c, &[]))
            .chain(
                conjs
                    .iter()
                    .flat_map(|&c| self.children_with(c, &["cc", "punct"])),
            )
            .collect();
        let h_core = self.span(h, &["conj"]);
        let outside: Vec<usize> = body
            .iter()
            .copied()
            .filter(|i| !all_conj.contains(i) && !h_core.contains(i))
            .collect();
        let mut variants = Vec::new();
        let first: Vec<usize> = body
            .iter()
            .copied()
            .filter(|i| !all_conj.contains(i))
            .collect();
        variants.push(self.trim(first));
        let c_of = |set: &Vec<usize>| set.iter().copied().find(|i| conjs.contains(i)).unwrap_or(h);
        for set in conj_sets {
            let mut v = outside.clone();
            // The first conjunct's determiner or possessor is shared ("its X and Y" → "its Y").
            let c = c_of(&set);
            if self.children_with(c, &["det", "nmod:poss"]).is_empty()
                && self.toks[c].upos != Upos::Propn
            {
                for d in self.children_with(h, &["det", "nmod:poss"]) {
                    if d < h {
                        v.extend(self.span(d, &[]));
                    }
                }
            }
            // So is its preposition ("a symbol of progress and innovation").
            if self.children_with(c, &["case"]).is_empty() {
                v.extend(self.case_of(h).into_iter().filter(|&k| body.contains(&k)));
            }
            v.extend(set);
            v.sort_unstable();
            v.dedup();
            variants.push(self.trim(v));
        }
        variants.retain(|v| !v.is_empty());
        if variants.len() < 2 { whole } else { variants }
    }

    /// `X , a Y ,` → (be, X, Y).
    fn appositions(&self, out: &mut Vec<Tuple>) {
        for a in 0..self.toks.len() {
            if self.rel(a) != "appos" {
                continue;
            }
            let Some(h) = self.head(a) else { continue };
            let nounish = |i: usize| {
                matches!(
                    self.toks[i].upos,
                    Upos::Noun | Upos::Propn | Upos::Pron | Upos::Num
                )
            };
            if !nounish(h) || !nounish(a) {
                continue;
            }
            let x = self.nominal(h);
            let mut y = self.span(a, &["acl:relcl", "punct", "appos", "parataxis"]);
            // The apposition ends at the first comma after its head.
            if let Some(k) = y.iter().position(|&i| i > a && self.words[i] == ",") {
                y.truncate(k);
            }
            if !self.case_of(a).is_empty() {
                continue;
            }
            if x.body.is_empty() || y.is_empty() {
                continue;
            }
            out.push(Tuple {
                // The copula is implied, not written, so it has no tense of its own: the lemma
                // (CaRB matches it with any form of "be").
                relation: "be".to_owned(),
                args: vec![self.text(&x.body), self.text(&y)],
                confidence: 0.57 - length_penalty(x.body.len() + y.len()),
            });
        }
    }

    /// `X in Y` inside a noun phrase → (be in, X, Y): where a thing is.
    fn locatives(&self, out: &mut Vec<Tuple>) {
        for m in 0..self.toks.len() {
            if self.rel(m) != "nmod" {
                continue;
            }
            let Some(h) = self.head(m) else { continue };
            if !matches!(self.toks[h].upos, Upos::Noun | Upos::Propn) {
                continue;
            }
            let case = self.case_of(m);
            let [c] = case.as_slice() else { continue };
            let prep = self.lower(*c);
            if prep != "in" {
                continue;
            }
            let x = self.span(
                h,
                &[
                    "nmod",
                    "acl",
                    "acl:relcl",
                    "appos",
                    "punct",
                    "case",
                    "conj",
                    "cc",
                ],
            );
            let y = self.span(m, &["case", "acl:relcl", "appos", "punct", "acl"]);
            if x.is_empty() || y.is_empty() || x.len() + y.len() > 12 {
                continue;
            }
            out.push(Tuple {
                relation: format!("be {}", self.words[*c]),
                args: vec![self.text(&x), self.text(&y)],
                confidence: 0.4 - length_penalty(x.len() + y.len()),
            });
        }
    }

    /// True when the sentence's main verb is in the past tense.
    fn past(&self) -> bool {
        let Some(root) = (0..self.toks.len()).find(|&i| self.toks[i].head == 0) else {
            return false;
        };
        self.toks[root].xpos == "VBD"
            || self
                .children_with(root, &["aux", "aux:pass", "cop"])
                .iter()
                .any(|&a| self.toks[a].xpos == "VBD")
    }

    /// `X 's Y` → (has, X, Y) for names and nouns (not pronouns).
    fn possessives(&self, out: &mut Vec<Tuple>) {
        for q in 0..self.toks.len() {
            if self.rel(q) != "nmod:poss" || self.toks[q].upos == Upos::Pron {
                continue;
            }
            let Some(h) = self.head(q) else { continue };
            let owner = self.span(q, &["case", "punct"]);
            let owned: Vec<usize> = self
                .span(
                    h,
                    &[
                        "acl",
                        "acl:relcl",
                        "appos",
                        "punct",
                        "case",
                        "parataxis",
                        "nmod",
                        "conj",
                        "cc",
                        "nsubj",
                        "cop",
                        "aux",
                        "advmod",
                    ],
                )
                .into_iter()
                .filter(|i| !owner.contains(i) && !self.children_with(q, &["case"]).contains(i))
                .collect();
            let owned = self.trim(owned);
            if owner.is_empty() || owned.is_empty() || owned.len() > 8 {
                continue;
            }
            out.push(Tuple {
                // In the sentence's tense: a possession told in the past is `had`.
                relation: if self.past() { "had" } else { "has" }.to_owned(),
                args: vec![self.text(&owner), self.text(&owned)],
                confidence: 0.23 - length_penalty(owner.len() + owned.len()),
            });
        }
    }
}

fn length_penalty(words: usize) -> f64 {
    (words.saturating_sub(8) as f64 * 0.01).min(0.3)
}

/// What the confidence of a clause tuple is computed from.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    shared_subject: bool,
    antecedent_subject: bool,
    pronoun_subject: bool,
    prepositional: bool,
    predicative: bool,
    clausal: bool,
    bare: bool,
    /// The clause depends on another one (coordinated, adverbial, relative, complement).
    dependent: bool,
    /// A participle or infinitive clause without auxiliaries.
    nonfinite: bool,
    distributed: bool,
    /// The relation starts with an implied `be` (a participle or infinitive clause).
    implied_be: bool,
    /// The second argument holds a verb (often a clause swallowed by a wrong attachment).
    object_has_verb: bool,
    object_has_name: bool,
    object_commas: usize,
    extras: usize,
    subject_words: usize,
    object_words: usize,
    relation_words: usize,
    sentence_words: usize,
}

/// Confidence of a clause tuple from its shape: own subjects and direct objects are the
/// surest; borrowed subjects, clausal complements, non-finite clauses, many extra arguments
/// and long arguments less so. The weights were set on the CaRB development split.
fn confidence(f: &Shape) -> f64 {
    let flag = |b: bool, w: f64| if b { w } else { 0.0 };
    let words = f.subject_words.min(MAX_ARG_WORDS) + f.object_words.min(MAX_ARG_WORDS);
    let mut c: f64 = 0.805;
    c += flag(f.shared_subject, 0.113);
    c += flag(f.antecedent_subject, 0.026);
    c += flag(f.pronoun_subject, -0.053);
    c += flag(f.prepositional, -0.006);
    c += flag(f.predicative, -0.088);
    c += flag(f.clausal, 0.143);
    c += flag(f.bare, -0.053);
    c += flag(f.dependent, -0.155);
    c += flag(f.nonfinite, -0.153);
    c += flag(f.implied_be, 0.102);
    c += flag(f.distributed, -0.033);
    c += flag(f.object_has_verb, -0.11);
    c += flag(f.object_has_name, 0.044);
    c -= 0.048 * f.object_commas as f64;
    c -= 0.089 * f.extras as f64;
    c -= 0.002 * f.subject_words.min(MAX_ARG_WORDS) as f64;
    c += 0.012 * f.object_words.min(MAX_ARG_WORDS) as f64;
    c += 0.022 * f.relation_words as f64;
    c -= 0.003 * f.sentence_words as f64;
    c -= 0.013 * words.saturating_sub(8) as f64;
    c.clamp(0.01, 0.99)
}
