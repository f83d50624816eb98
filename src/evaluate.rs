//! Scoring against hand-made gold (the format of `shared/gold/GUIDELINE.md`): analysed
//! documents and gold files in, fact recall, polarity accuracy and entity recall, splits and
//! wrong merges out.

use crate::export::fact_rows;
use crate::model::{AnalyzedDocument, FactRow};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

/// Gold files that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    /// A file is missing or unreadable.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Clone, Debug)]
struct GoldEntity {
    doc: String,
    id: String,
    aliases: Vec<String>,
}

#[derive(Clone, Debug)]
struct GoldFact {
    doc: String,
    sent: String,
    subject: String,
    relations: Vec<String>,
    object: String,
    polarity: String,
}

/// The scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldReport {
    /// Gold facts.
    pub facts: usize,
    /// Gold facts found (strict argument matching).
    pub found_strict: usize,
    /// Gold facts found (lenient argument matching).
    pub found_lenient: usize,
    /// Found (lenient) facts whose polarity is right.
    pub polarity_right: usize,
    /// Gold entities (per document).
    pub entities: usize,
    /// Gold entities found.
    pub entities_found: usize,
    /// Gold entities matched by several system entities.
    pub entities_split: usize,
    /// System entities that match two gold entities.
    pub wrong_merges: usize,
    /// Gold facts not found, as `doc: subject relation object`, each followed by indented
    /// lines: the sentence, the system's facts for it, and the likely cause.
    pub missed: Vec<String>,
    /// Entity problems for `eval -v`: gold entities missed, split, and system entities that
    /// merge several gold ones, one line each.
    pub entity_problems: Vec<String>,
}

impl fmt::Display for GoldReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        writeln!(f, "facts             {}", self.facts)?;
        writeln!(
            f,
            "recall strict     {:.3} ({})",
            r(self.found_strict, self.facts),
            self.found_strict
        )?;
        writeln!(
            f,
            "recall lenient    {:.3} ({})",
            r(self.found_lenient, self.facts),
            self.found_lenient
        )?;
        writeln!(
            f,
            "polarity correct  {:.3} of found",
            r(self.polarity_right, self.found_lenient)
        )?;
        writeln!(f, "entities          {}", self.entities)?;
        writeln!(
            f,
            "entity recall     {:.3} ({})",
            r(self.entities_found, self.entities),
            self.entities_found
        )?;
        writeln!(
            f,
            "entities split    {:.3} ({})",
            r(self.entities_split, self.entities),
            self.entities_split
        )?;
        writeln!(f, "wrong merges      {}", self.wrong_merges)
    }
}

fn read(dir: &Path, name: &str) -> Result<String, GoldError> {
    let p = dir.join(name);
    std::fs::read_to_string(&p).map_err(|e| GoldError::File {
        path: p.display().to_string(),
        message: e.to_string(),
    })
}

/// Normalises a label the guideline's way.
pub fn normalize(s: &str) -> String {
    let s = s.replace(['’', '‘'], "'").replace(['"', '“', '”'], "");
    let mut s = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    for art in ["the ", "a ", "an ", "its ", "his ", "her ", "their "] {
        if let Some(rest) = s.strip_prefix(art) {
            s = rest.to_owned();
            break;
        }
    }
    if let Some(rest) = s.strip_suffix("'s") {
        s = rest.to_owned();
    } else if let Some(rest) = s.strip_suffix('\'') {
        s = rest.to_owned();
    }
    s.trim_matches(|c: char| c.is_ascii_punctuation() && c != '$' && c != '%')
        .to_owned()
}

const GENERIC: [&str; 12] = [
    "he",
    "she",
    "it",
    "they",
    "him",
    "her",
    "country",
    "government",
    "president",
    "administration",
    "nation",
    "state",
];

/// Scores analysed documents against the gold in `dir` (`entities.tsv`, `facts.tsv`). Gold
/// rows of documents that were not analysed are ignored.
pub fn evaluate(dir: &Path, docs: &[AnalyzedDocument]) -> Result<GoldReport, GoldError> {
    let analysed: BTreeSet<&str> = docs.iter().map(|d| d.doc.id.as_str()).collect();
    let mut entities = Vec::new();
    for line in read(dir, "entities.tsv")?.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 5 || !analysed.contains(c[0]) {
            continue;
        }
        let mut aliases: Vec<String> = c[4]
            .split('|')
            .map(normalize)
            .filter(|a| !a.is_empty())
            .collect();
        aliases.push(normalize(c[3]));
        entities.push(GoldEntity {
            doc: c[0].to_owned(),
            id: c[1].to_owned(),
            aliases,
        });
    }
    let mut facts = Vec::new();
    for line in read(dir, "facts.tsv")?.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 6 || !analysed.contains(c[0]) {
            continue;
        }
        facts.push(GoldFact {
            doc: c[0].to_owned(),
            sent: c[1].to_owned(),
            subject: c[2].to_owned(),
            relations: c[3].split('|').map(|r| r.trim().to_lowercase()).collect(),
            object: c[4].to_owned(),
            polarity: c[5].to_owned(),
        });
    }
    let mut report = GoldReport {
        facts: facts.len(),
        entities: entities.len(),
        ..GoldReport::default()
    };
    let rows: BTreeMap<&str, Vec<FactRow>> = docs
        .iter()
        .map(|d| (d.doc.id.as_str(), fact_rows(d)))
        .collect();
    for g in &facts {
        let doc_entities: Vec<&GoldEntity> = entities.iter().filter(|e| e.doc == g.doc).collect();
        let Some(rows) = rows.get(g.doc.as_str()) else {
            continue;
        };
        let mut best: Option<(bool, &FactRow)> = None;
        for r in rows {
            if !relation_matches(&g.relations, r) {
                continue;
            }
            let s = arg_matches(&g.subject, &r.subject, &doc_entities);
            let o = arg_matches(&g.object, &r.object, &doc_entities);
            let (Some(s), Some(o)) = (s, o) else { continue };
            let strict = s && o;
            let polarity_ok = r.polarity == g.polarity;
            let better = match best {
                None => true,
                Some((bs, br)) => (strict, polarity_ok) > (bs, br.polarity == g.polarity),
            };
            if better {
                best = Some((strict, r));
            }
        }
        match best {
            Some((strict, r)) => {
                report.found_lenient += 1;
                report.found_strict += usize::from(strict);
                report.polarity_right += usize::from(r.polarity == g.polarity);
            }
            None => {
                let doc = docs.iter().find(|d| d.doc.id == g.doc);
                report
                    .missed
                    .push(missed_detail(g, doc, rows, &doc_entities));
            }
        }
    }
    // Entities.
    let mut matched_by: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut matches_of: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for d in docs {
        for e in &d.entities {
            let forms: BTreeSet<String> = std::iter::once(normalize(&e.label))
                .chain(e.aliases.keys().map(|a| normalize(a)))
                .filter(|f| !f.is_empty() && !GENERIC.contains(&f.as_str()))
                .collect();
            for g in entities.iter().filter(|g| g.doc == d.doc.id) {
                if g.aliases.iter().any(|a| forms.contains(a)) {
                    matched_by
                        .entry((g.doc.clone(), g.id.clone()))
                        .or_default()
                        .insert(e.key.clone());
                    matches_of
                        .entry((d.doc.id.clone(), e.key.clone()))
                        .or_default()
                        .insert(g.id.clone());
                }
            }
        }
    }
    report.entities_found = matched_by.len();
    report.entities_split = matched_by.values().filter(|s| s.len() > 1).count();
    report.wrong_merges = matches_of.values().filter(|g| g.len() > 1).count();
    for g in &entities {
        match matched_by.get(&(g.doc.clone(), g.id.clone())) {
            None => report.entity_problems.push(format!(
                "missed  {}: {} ({})",
                g.doc,
                g.id,
                g.aliases.join("|")
            )),
            Some(keys) if keys.len() > 1 => report.entity_problems.push(format!(
                "split   {}: {} over {}",
                g.doc,
                g.id,
                keys.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
            Some(_) => {}
        }
    }
    for ((doc, key), golds) in &matches_of {
        if golds.len() > 1 {
            report.entity_problems.push(format!(
                "merged  {doc}: {key} matches {}",
                golds.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(report)
}

/// A missed gold fact with the sentence it comes from, the system's facts for that sentence,
/// and the likely cause: an argument the pipeline never found as an entity (the recogniser's
/// miss), or an extraction miss (both arguments exist as entities).
fn missed_detail(
    g: &GoldFact,
    doc: Option<&AnalyzedDocument>,
    rows: &[FactRow],
    entities: &[&GoldEntity],
) -> String {
    let mut out = format!(
        "{}: {} {} {} [{}]",
        g.doc,
        g.subject,
        g.relations.join("|"),
        g.object,
        g.polarity
    );
    let Some(doc) = doc else { return out };
    let squash = |s: &str| -> String {
        normalize(s)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let snippet = squash(&g.sent);
    let sentence = doc
        .sentences
        .iter()
        .find(|s| !snippet.is_empty() && squash(s.span.slice(&doc.doc.text)).contains(&snippet));
    match sentence {
        Some(s) => {
            out.push_str(&format!(
                "\n    sentence {}: {}",
                s.index,
                crate::store::one_line(s.span.slice(&doc.doc.text))
            ));
            for r in rows.iter().filter(|r| r.sentence_index == s.index) {
                out.push_str(&format!(
                    "\n    system: {} | {} | {} | {}",
                    r.subject, r.relation, r.object, r.polarity
                ));
            }
        }
        None => out.push_str("\n    sentence: not found"),
    }
    let known = |arg: &str| -> bool {
        if arg.starts_with("lit:") {
            return true;
        }
        let Some(e) = entities.iter().find(|e| e.id == arg) else {
            return false;
        };
        doc.entities.iter().any(|x| {
            std::iter::once(&x.label)
                .chain(x.aliases.keys())
                .any(|a| e.aliases.contains(&normalize(a)))
        })
    };
    let missing: Vec<&str> = [g.subject.as_str(), g.object.as_str()]
        .into_iter()
        .filter(|a| !known(a))
        .collect();
    if missing.is_empty() {
        out.push_str("\n    cause: extraction (both arguments are entities)");
    } else {
        out.push_str(&format!(
            "\n    cause: entity not found: {}",
            missing.join(", ")
        ));
    }
    out
}

/// `Some(strict)` when the system label matches the gold argument, strictly or leniently.
fn arg_matches(gold: &str, label: &str, entities: &[&GoldEntity]) -> Option<bool> {
    let label = normalize(label);
    if label.is_empty() {
        return None;
    }
    if let Some(lits) = gold.strip_prefix("lit:") {
        let ok = lits.split('|').map(normalize).any(|l| {
            l == label || ((l.contains(&label) || label.contains(&l)) && label.len() * 2 >= l.len())
        });
        return ok.then_some(true);
    }
    let e = entities.iter().find(|e| e.id == gold)?;
    if e.aliases.contains(&label) {
        return Some(true);
    }
    let last = |s: &str| s.rsplit(' ').next().unwrap_or("").to_owned();
    e.aliases
        .iter()
        .any(|a| last(a) == last(&label))
        .then_some(false)
}

fn relation_matches(keywords: &[String], r: &FactRow) -> bool {
    let local = r.predicate.rsplit(['#', '/']).next().unwrap_or("");
    let mut words: Vec<String> = r
        .relation
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    words.extend(
        crate::ontology::split_camel(local)
            .split_whitespace()
            .map(str::to_owned),
    );
    let text = words.join(" ");
    keywords.iter().any(|k| {
        if k.contains(' ') {
            format!(" {text} ").contains(&format!(" {k} "))
        } else {
            let stem = k.strip_suffix('e').unwrap_or(k);
            words.iter().any(|w| {
                w == k || w.starts_with(k.as_str()) || w.starts_with(stem) && stem.len() >= 3
            })
        }
    })
}
