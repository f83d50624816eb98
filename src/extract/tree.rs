//! The sentence as extraction reads it: tokens, children lists, and the mention covering each
//! token.

use super::Context;
use crate::model::{SentenceInfo, Span, Upos};
use newsgraph_nlp::Token;

/// A parsed sentence with its children lists and mentions, built once per sentence.
pub(super) struct Tree<'a> {
    /// The document context.
    pub cx: &'a Context<'a>,
    /// The sentence.
    pub s: &'a SentenceInfo,
    /// Its tokens.
    pub toks: &'a [Token],
    kids: Vec<Vec<usize>>,
    mention: Vec<Option<usize>>,
}

impl<'a> Tree<'a> {
    pub fn new(cx: &'a Context<'a>, s: &'a SentenceInfo) -> Self {
        let toks = &s.parse.tokens[..];
        let mut kids = vec![Vec::new(); toks.len()];
        for (i, t) in toks.iter().enumerate() {
            if t.head > 0 && t.head <= toks.len() && t.head - 1 != i {
                kids[t.head - 1].push(i);
            }
        }
        let mut mention: Vec<Option<usize>> = vec![None; toks.len()];
        for mi in super::sentence_mentions(cx, s.index) {
            let m = &cx.mentions[mi];
            for k in m.tokens.clone() {
                let Some(slot) = mention.get_mut(k) else {
                    continue;
                };
                let better = match *slot {
                    None => true,
                    Some(prev) => cx.mentions[prev].entity.is_none() && m.entity.is_some(),
                };
                if better {
                    *slot = Some(mi);
                }
            }
        }
        Tree {
            cx,
            s,
            toks,
            kids,
            mention,
        }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// Dependents of token `i`, in order.
    pub fn kids(&self, i: usize) -> &[usize] {
        self.kids.get(i).map_or(&[], Vec::as_slice)
    }

    /// The first dependent with exactly this relation.
    pub fn kid(&self, i: usize, rel: &str) -> Option<usize> {
        self.kids(i).iter().copied().find(|&c| self.rel(c) == rel)
    }

    pub fn rel(&self, i: usize) -> &str {
        &self.toks[i].deprel
    }

    pub fn upos(&self, i: usize) -> Upos {
        self.toks[i].upos
    }

    pub fn head(&self, i: usize) -> Option<usize> {
        let h = self.toks[i].head;
        (h > 0 && h <= self.toks.len() && h - 1 != i).then(|| h - 1)
    }

    /// Lower-case lemma.
    pub fn lemma(&self, i: usize) -> String {
        self.toks[i].lemma.to_lowercase()
    }

    /// Lower-case form.
    pub fn form(&self, i: usize) -> String {
        self.toks[i].form.to_lowercase()
    }

    pub fn is_nominal(&self, i: usize) -> bool {
        matches!(self.upos(i), Upos::Noun | Upos::Propn | Upos::Num)
    }

    /// The preposition (or multi-word case marker) of a nominal: "to", "according to".
    pub fn case_of(&self, n: usize) -> String {
        let mut words = Vec::new();
        for &c in self.kids(n) {
            if self.rel(c) == "case" && c < n {
                words.push(self.form(c));
                for &f in self.kids(c) {
                    if self.rel(f) == "fixed" {
                        words.push(self.form(f));
                    }
                }
            }
        }
        words.join(" ")
    }

    /// The subordinating marker of a clause ("if", "as", "to").
    pub fn mark_of(&self, v: usize) -> Option<String> {
        self.kid(v, "mark").map(|m| self.form(m))
    }

    /// The entity of the mention covering a token.
    pub fn entity_at(&self, i: usize) -> Option<usize> {
        self.mention
            .get(i)
            .copied()
            .flatten()
            .and_then(|m| self.cx.mentions[m].entity)
    }

    /// The mention covering a token.
    pub fn mention_at(&self, i: usize) -> Option<&'a crate::model::Mention> {
        self.mention
            .get(i)
            .copied()
            .flatten()
            .map(|m| &self.cx.mentions[m])
    }

    /// Text of a token range, from the document.
    pub fn text(&self, r: std::ops::Range<usize>) -> &'a str {
        if r.is_empty() || r.end > self.toks.len() {
            return "";
        }
        Span::new(self.toks[r.start].span.start, self.toks[r.end - 1].span.end).slice(self.cx.text)
    }

    pub fn cover(&self, idx: &[usize]) -> Span {
        super::cover(self.toks, idx)
    }

    /// True for a verb in the passive voice (a passive subject or auxiliary, or a past
    /// participle modifying a noun).
    pub fn is_passive(&self, v: usize) -> bool {
        self.kids(v)
            .iter()
            .any(|&c| matches!(self.rel(c), "nsubj:pass" | "aux:pass" | "csubj:pass"))
            || (self.toks[v].xpos == "VBN"
                && (self.rel(v) == "acl" || self.kid(v, "obl:agent").is_some()))
    }
}
