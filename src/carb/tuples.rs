//! CaRB's two tab-separated files: gold (`sentence, relation, arg1, arg2, ...`) and system
//! output (`sentence, confidence, relation, arg1, ...`), read into tuples grouped by sentence,
//! and system tuples written back.

use std::collections::BTreeMap;

/// A CaRB file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CarbError {
    /// A line does not have the fields its format needs.
    #[error("{path}: line {line}: {what}")]
    Line {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        what: String,
    },
}

/// One open-IE tuple: a relation phrase, its arguments (subject first) and a confidence
/// (1 for gold tuples).
#[derive(Clone, Debug, PartialEq)]
pub struct Tuple {
    /// Relation words.
    pub relation: String,
    /// Arguments, subject first.
    pub args: Vec<String>,
    /// Confidence; only the order matters.
    pub confidence: f64,
}

/// The tuples of one sentence, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceTuples {
    /// The sentence as first written in the file.
    pub sentence: String,
    /// Its tuples.
    pub tuples: Vec<Tuple>,
}

/// The key CaRB matches sentences by: spaces removed, PTB bracket escapes undone, ASCII
/// punctuation removed.
pub fn normalize_key(sentence: &str) -> String {
    let mut s: String = sentence.chars().filter(|c| *c != ' ').collect();
    for (plain, escaped) in [
        ("(", "-LRB-"),
        (")", "-RRB-"),
        ("[", "-LSB-"),
        ("]", "-RSB-"),
        ("{", "-LCB-"),
        ("}", "-RCB-"),
    ] {
        s = s.replace(escaped, plain);
    }
    s.chars().filter(|c| !c.is_ascii_punctuation()).collect()
}

/// Groups tuples by their sentence's raw text (first-seen order), then by the normalised key;
/// like CaRB, a later sentence whose key collides with an earlier one replaces its tuples.
fn group(rows: Vec<(String, Tuple)>) -> BTreeMap<String, (usize, SentenceTuples)> {
    let mut raw: Vec<SentenceTuples> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (sentence, t) in rows {
        let i = *index.entry(sentence.clone()).or_insert_with(|| {
            raw.push(SentenceTuples {
                sentence,
                tuples: Vec::new(),
            });
            raw.len() - 1
        });
        raw[i].tuples.push(t);
    }
    let mut out: BTreeMap<String, (usize, SentenceTuples)> = BTreeMap::new();
    for (order, st) in raw.into_iter().enumerate() {
        let key = normalize_key(&st.sentence);
        match out.get_mut(&key) {
            Some(slot) => slot.1 = st,
            None => {
                out.insert(key, (order, st));
            }
        }
    }
    out
}

/// Tuples by normalised sentence key, in the order the sentences first appear.
pub type ByKey = Vec<(String, SentenceTuples)>;

fn ordered(map: BTreeMap<String, (usize, SentenceTuples)>) -> ByKey {
    let mut v: Vec<(usize, String, SentenceTuples)> =
        map.into_iter().map(|(k, (o, st))| (o, k, st)).collect();
    v.sort_by_key(|x| x.0);
    v.into_iter().map(|(_, k, st)| (k, st)).collect()
}

/// Reads a gold file. Fields are trimmed; an argument containing `C: ` (a context note) is
/// dropped, as CaRB's scorer does. `path` only names the file in errors.
pub fn read_gold(path: &str, text: &str) -> Result<ByKey, CarbError> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.trim().split('\t').collect();
        if fields.len() < 3 {
            return Err(CarbError::Line {
                path: path.to_owned(),
                line: n + 1,
                what: format!(
                    "a gold tuple needs sentence, relation and an argument, found {} field(s)",
                    fields.len()
                ),
            });
        }
        let args = fields[2..]
            .iter()
            .filter(|a| !a.contains("C: "))
            .map(|a| a.trim().to_owned())
            .collect();
        rows.push((
            fields[0].trim().to_owned(),
            Tuple {
                relation: fields[1].trim().to_owned(),
                args,
                confidence: 1.0,
            },
        ));
    }
    Ok(ordered(group(rows)))
}

/// Reads a system output file (`sentence, confidence, relation, args...`).
pub fn read_system(path: &str, text: &str) -> Result<ByKey, CarbError> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.trim().split('\t').collect();
        let bad = |what: String| CarbError::Line {
            path: path.to_owned(),
            line: n + 1,
            what,
        };
        if fields.len() < 3 {
            return Err(bad(format!(
                "a system tuple needs sentence, confidence and relation, found {} field(s)",
                fields.len()
            )));
        }
        let confidence: f64 = fields[1]
            .trim()
            .parse()
            .ok()
            .filter(|c: &f64| c.is_finite())
            .ok_or_else(|| bad(format!("confidence {:?} is not a number", fields[1])))?;
        rows.push((
            fields[0].to_owned(),
            Tuple {
                relation: fields[2].to_owned(),
                args: fields[3..].iter().map(|a| (*a).to_owned()).collect(),
                confidence,
            },
        ));
    }
    Ok(ordered(group(rows)))
}

/// Writes tuples in the system format, one line each, confidence with four decimals.
pub fn write_system(
    sentences: &[SentenceTuples],
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    for st in sentences {
        for t in &st.tuples {
            write!(out, "{}\t{:.4}\t{}", st.sentence, t.confidence, t.relation)?;
            for a in &t.args {
                write!(out, "\t{a}")?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}
