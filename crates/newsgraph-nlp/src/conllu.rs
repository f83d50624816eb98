//! CoNLL-U reading and writing: treebank files in, [`Sentence`]s out, and back.
//!
//! Multiword tokens (`19-20 don't`) keep their surface in the rebuilt sentence text; the
//! syntactic words get sub-spans of it when their forms concatenate to the surface, and the
//! whole surface otherwise. Empty nodes (`8.1`) are skipped.

use crate::token::{Sentence, Span, Token, Upos};
use std::fmt::{self, Write as _};

/// One sentence of a CoNLL-U file: its comment lines, its text and its tokens.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConlluSentence {
    /// Comment lines without the leading `# `, in order (`sent_id = ...`, `text = ...`).
    pub comments: Vec<String>,
    /// The sentence text rebuilt from the forms and `SpaceAfter=No`; token spans point into it.
    pub text: String,
    /// The syntactic words with their annotation.
    pub sentence: Sentence,
}

impl ConlluSentence {
    /// The value of a `# key = value` comment, if present.
    pub fn comment(&self, key: &str) -> Option<&str> {
        self.comments.iter().find_map(|c| {
            let (k, v) = c.split_once('=')?;
            (k.trim() == key).then(|| v.trim())
        })
    }
}

/// A malformed CoNLL-U line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConlluError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConlluError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ConlluError {}

struct Word<'a> {
    form: &'a str,
    lemma: &'a str,
    upos: &'a str,
    xpos: &'a str,
    head: &'a str,
    deprel: &'a str,
    space_after: bool,
    line: usize,
}

/// Parses a whole CoNLL-U document.
///
/// Unknown UPOS values and `_` columns are accepted (they read as `X`, empty, or head 0), so
/// that unannotated input (`ID FORM _ _ ...`) can be analysed; a line with fewer than ten
/// columns, a bad ID or a non-numeric head is an error naming the line.
pub fn parse(input: &str) -> Result<Vec<ConlluSentence>, ConlluError> {
    let mut out = Vec::new();
    let mut comments = Vec::new();
    let mut words: Vec<Word<'_>> = Vec::new();
    // (first word id, last word id, surface, space_after)
    let mut mwts: Vec<(usize, usize, &str, bool)> = Vec::new();
    for (i, raw) in input.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            if !words.is_empty() || !comments.is_empty() {
                out.push(build(
                    std::mem::take(&mut comments),
                    std::mem::take(&mut words),
                    std::mem::take(&mut mwts),
                )?);
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            comments.push(c.trim_start().to_owned());
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(ConlluError {
                line: line_no,
                message: format!("expected 10 tab-separated columns, found {}", cols.len()),
            });
        }
        let space_after = !cols[9].split('|').any(|m| m == "SpaceAfter=No");
        let id = cols[0];
        if id.contains('.') {
            continue;
        }
        if let Some((a, b)) = id.split_once('-') {
            let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) else {
                return Err(ConlluError {
                    line: line_no,
                    message: format!("bad multiword token range {id:?}"),
                });
            };
            mwts.push((a, b, cols[1], space_after));
            continue;
        }
        let Ok(n) = id.parse::<usize>() else {
            return Err(ConlluError {
                line: line_no,
                message: format!("bad token id {id:?}"),
            });
        };
        if n != words.len() + 1 {
            return Err(ConlluError {
                line: line_no,
                message: format!(
                    "token id {n} out of sequence (expected {})",
                    words.len() + 1
                ),
            });
        }
        words.push(Word {
            form: cols[1],
            lemma: cols[2],
            upos: cols[3],
            xpos: cols[4],
            head: cols[6],
            deprel: cols[7],
            space_after,
            line: line_no,
        });
    }
    if !words.is_empty() || !comments.is_empty() {
        out.push(build(comments, words, mwts)?);
    }
    Ok(out)
}

fn build(
    comments: Vec<String>,
    words: Vec<Word<'_>>,
    mwts: Vec<(usize, usize, &str, bool)>,
) -> Result<ConlluSentence, ConlluError> {
    let mut text = String::new();
    let mut tokens = Vec::with_capacity(words.len());
    let mut next = 1;
    let mut mwt_iter = mwts.into_iter().peekable();
    while next <= words.len() {
        let mwt = mwt_iter.next_if(|m| m.0 == next);
        let (first, last, surface, space_after) = match mwt {
            Some((a, b, s, sp)) if b >= a && b <= words.len() => (a, b, s, sp),
            _ => (
                next,
                next,
                words[next - 1].form,
                words[next - 1].space_after,
            ),
        };
        let base = text.len();
        text.push_str(surface);
        let pieces: Vec<&str> = (first..=last).map(|k| words[k - 1].form).collect();
        let aligned = first < last && pieces.concat() == surface;
        let mut offset = base;
        for k in first..=last {
            let w = &words[k - 1];
            let span = if first == last {
                Span::new(base, text.len())
            } else if aligned {
                let s = Span::new(offset, offset + w.form.len());
                offset = s.end;
                s
            } else {
                Span::new(base, text.len())
            };
            let head = match w.head {
                "_" => 0,
                h => h.parse::<usize>().map_err(|_| ConlluError {
                    line: w.line,
                    message: format!("bad head {h:?}"),
                })?,
            };
            tokens.push(Token {
                span,
                form: w.form.to_owned(),
                upos: w.upos.parse::<Upos>().unwrap_or_default(),
                xpos: underscore_empty(w.xpos),
                lemma: underscore_empty(w.lemma),
                head,
                deprel: underscore_empty(w.deprel),
                space_after: if k == last { space_after } else { false },
            });
        }
        if space_after && last < words.len() {
            text.push(' ');
        }
        next = last + 1;
    }
    let span = match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => Span::new(a.span.start, b.span.end),
        _ => Span::default(),
    };
    Ok(ConlluSentence {
        comments,
        text,
        sentence: Sentence { span, tokens },
    })
}

fn underscore_empty(s: &str) -> String {
    if s == "_" {
        String::new()
    } else {
        s.to_owned()
    }
}

fn or_underscore(s: &str) -> &str {
    if s.is_empty() { "_" } else { s }
}

/// Writes sentences as CoNLL-U: a `# sent_id` and `# text` comment each, then one line per
/// token. The text comment is the sentence's slice of `text`, with line breaks turned into
/// spaces. Words that share a span are written under a multiword-token line.
pub fn write(text: &str, sentences: &[Sentence], first_id: usize, out: &mut String) {
    for (n, s) in sentences.iter().enumerate() {
        let sent_text: String = s
            .span
            .slice(text)
            .chars()
            .map(|c| {
                if c == '\n' || c == '\r' || c == '\t' {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let _ = writeln!(out, "# sent_id = {}", first_id + n);
        let _ = writeln!(out, "# text = {sent_text}");
        let mut i = 0;
        while i < s.tokens.len() {
            let t = &s.tokens[i];
            let mut j = i;
            while j + 1 < s.tokens.len() && s.tokens[j + 1].span == t.span && !t.span.is_empty() {
                j += 1;
            }
            if j > i {
                let _ = writeln!(
                    out,
                    "{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{}",
                    i + 1,
                    j + 1,
                    clean(t.span.slice(text)),
                    misc(s.tokens[j].space_after)
                );
            }
            for k in i..=j {
                let t = &s.tokens[k];
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t_\t{}\t{}\t_\t{}",
                    k + 1,
                    clean(&t.form),
                    clean(or_underscore(&t.lemma)),
                    t.upos,
                    clean(or_underscore(&t.xpos)),
                    t.head,
                    or_underscore(&t.deprel),
                    if j > i { "_" } else { misc(t.space_after) }
                );
            }
            i = j + 1;
        }
        out.push('\n');
    }
}

fn misc(space_after: bool) -> &'static str {
    if space_after { "_" } else { "SpaceAfter=No" }
}

/// A form safe for a CoNLL-U column: no tabs or line breaks, never empty.
fn clean(s: &str) -> String {
    let c: String = s
        .chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect();
    if c.is_empty() { "_".to_owned() } else { c }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# sent_id = a-1\n# text = I don't know.\n1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_\n2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\tSpaceAfter=No\n3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\n";

    #[test]
    fn reads_multiword_tokens_with_sub_spans() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(s.text, "I don't know.");
        assert_eq!(s.comment("sent_id"), Some("a-1"));
        let rows: Vec<(&str, &str, usize, &str)> = s
            .sentence
            .tokens
            .iter()
            .map(|t| {
                (
                    t.span.slice(&s.text),
                    t.upos.as_str(),
                    t.head,
                    t.deprel.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("I", "PRON", 4, "nsubj"),
                ("do", "AUX", 4, "aux"),
                ("n't", "PART", 4, "advmod"),
                ("know", "VERB", 0, "root"),
                (".", "PUNCT", 4, "punct"),
            ]
        );
    }

    #[test]
    fn write_then_read_is_a_fixed_point() {
        let first = parse(SAMPLE).unwrap();
        let mut out = String::new();
        write(&first[0].text, &[first[0].sentence.clone()], 1, &mut out);
        let again = parse(&out).unwrap();
        assert_eq!(again[0].sentence, first[0].sentence);
        assert_eq!(again[0].text, first[0].text);
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("1\tA\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: expected 10 tab-separated columns, found 2"
        );
        let err = parse("1\tA\t_\t_\t_\t_\tx\t_\t_\t_\n").unwrap_err();
        assert_eq!(err.to_string(), "line 1: bad head \"x\"");
    }
}
