//! Mention detection: parsed sentences in, [`Mention`]s out: proper names (with their titles
//! stripped), pronouns and government descriptions, each typed from the gazetteer, organisation
//! suffixes, titles and its shape. Also the date reader used for article dates and time
//! qualifiers.

use crate::gazetteer::{Gazetteer, gazetteer};
use crate::model::{Date, EntityType, Mention, MentionKind, SentenceInfo, Span, Upos};

/// A name mention with what recognition learned about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recognized {
    /// The mention.
    pub mention: Mention,
    /// Canonical name when the gazetteer knows it.
    pub canonical: Option<String>,
    /// Wikidata id when the gazetteer knows it.
    pub wikidata: Option<String>,
    /// A title written before the name ("President", "Secretary of State").
    pub title: Option<String>,
}

const PRONOUNS: [(&str, EntityType); 11] = [
    ("he", EntityType::Person),
    ("him", EntityType::Person),
    ("his", EntityType::Person),
    ("she", EntityType::Person),
    ("her", EntityType::Person),
    ("hers", EntityType::Person),
    ("it", EntityType::Other),
    ("its", EntityType::Other),
    ("they", EntityType::Other),
    ("them", EntityType::Other),
    ("their", EntityType::Other),
];

const CONNECTORS: [&str; 9] = ["of", "de", "del", "da", "la", "for", "and", "&", "y"];

/// Finds the mentions of one sentence.
pub fn recognize(text: &str, s: &SentenceInfo) -> Vec<Recognized> {
    let g = gazetteer();
    let toks = &s.parse.tokens;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lower = t.form.to_lowercase();
        if t.upos == Upos::Pron || lower == "its" || lower == "his" || lower == "their" {
            if let Some((_, ty)) = PRONOUNS.iter().find(|(p, _)| *p == lower) {
                out.push(Recognized {
                    mention: mention(text, s, i..i + 1, i, MentionKind::Pronoun, *ty),
                    canonical: None,
                    wikidata: None,
                    title: None,
                });
            }
            i += 1;
            continue;
        }
        // "the Ruritanian government": a demonym before a government word stands for the country.
        if (t.upos == Upos::Adj || t.upos == Upos::Propn)
            && let Some(country) = g.country_by_demonym(&t.form)
            && toks
                .get(i + 1)
                .is_some_and(|n| g.is_government_word(&n.form.to_lowercase()))
        {
            let start = if i > 0 && toks[i - 1].form.eq_ignore_ascii_case("the") {
                i - 1
            } else {
                i
            };
            out.push(Recognized {
                mention: mention(
                    text,
                    s,
                    start..i + 2,
                    i + 1,
                    MentionKind::Description,
                    EntityType::Country,
                ),
                canonical: Some(country.name.clone()),
                wikidata: country.wikidata.clone(),
                title: None,
            });
            i += 2;
            continue;
        }
        if !is_name_token(t) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        loop {
            if end < toks.len() && is_name_token(&toks[end]) {
                end += 1;
                continue;
            }
            // A connector joins two capitalised runs when the whole is a known or
            // organisation-shaped name ("Department of Defense", "Bank of England").
            if end + 1 < toks.len()
                && CONNECTORS.contains(&toks[end].form.to_lowercase().as_str())
                && is_name_token(&toks[end + 1])
            {
                let mut e2 = end + 1;
                while e2 < toks.len() && is_name_token(&toks[e2]) {
                    e2 += 1;
                }
                let joined = span_text(text, s, start..e2);
                let first = toks[start].form.as_str();
                let org_like = g.organization(&joined).is_some()
                    || g.org_suffix(&toks[e2 - 1].form).is_some()
                    || g.org_suffix(first).is_some()
                    || (toks[end].form != "and" && g.title_prefix(&[first]).is_some());
                if org_like {
                    end = e2;
                    continue;
                }
            }
            break;
        }
        out.extend(name_mention(text, s, start..end, g));
        i = end;
    }
    out
}

fn is_name_token(t: &newsgraph_nlp::Token) -> bool {
    let starts_upper = t
        .form
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    (t.upos == Upos::Propn && starts_upper)
        || (starts_upper
            && t.form.contains('-')
            && t.upos != Upos::Punct
            && t.form.len() > 2
            && t.upos == Upos::Num)
}

fn name_mention(
    text: &str,
    s: &SentenceInfo,
    range: std::ops::Range<usize>,
    g: &Gazetteer,
) -> Option<Recognized> {
    let toks = &s.parse.tokens;
    let words: Vec<&str> = toks[range.clone()]
        .iter()
        .map(|t| t.form.as_str())
        .collect();
    // Strip a leading title ("President", "Secretary of State", "Sen.").
    let (mut start, mut title) = (range.start, None);
    if let Some(n) = g.title_prefix(&words)
        && n < words.len()
    {
        title = Some(words[..n].join(" "));
        start = range.start + n;
    }
    // "US President Jane Doe": a country or organisation before the title is not part of the name.
    if title.is_none() {
        for k in 1..words.len().saturating_sub(1) {
            if let Some(n) = g.title_prefix(&words[k..])
                && k + n < words.len()
            {
                title = Some(words[k..k + n].join(" "));
                start = range.start + k + n;
                break;
            }
        }
    }
    let range = start..range.end;
    if range.is_empty() {
        return None;
    }
    let surface = span_text(text, s, range.clone());
    let head = range.end - 1;
    if let Some(c) = g.country(&surface) {
        return Some(Recognized {
            mention: mention(text, s, range, head, MentionKind::Name, EntityType::Country),
            canonical: Some(c.name.clone()),
            wikidata: c.wikidata.clone(),
            title,
        });
    }
    if let Some(o) = g.organization(&surface) {
        return Some(Recognized {
            mention: mention(text, s, range, head, MentionKind::Name, o.entity_type),
            canonical: Some(o.name.clone()),
            wikidata: o.wikidata.clone(),
            title,
        });
    }
    if let Some(c) = g.capital(&surface) {
        return Some(Recognized {
            mention: mention(text, s, range, head, MentionKind::Name, EntityType::City),
            canonical: Some(c.0.clone()),
            wikidata: c.1.clone(),
            title,
        });
    }
    let last = toks[head].form.as_str();
    let first = toks[range.start].form.as_str();
    let n = range.len();
    let ty = if title.is_some() {
        EntityType::Person
    } else if let Some(t) = g.org_suffix(last).or_else(|| g.org_suffix(first)) {
        t
    } else if n == 1
        && last.len() >= 2
        && last
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        EntityType::Organization
    } else if (2..=4).contains(&n)
        && toks[range.clone()].iter().all(|t| {
            t.form.chars().next().is_some_and(char::is_uppercase)
                && t.form.chars().any(char::is_lowercase)
        })
    {
        EntityType::Person
    } else {
        EntityType::Other
    };
    Some(Recognized {
        mention: mention(text, s, range, head, MentionKind::Name, ty),
        canonical: None,
        wikidata: None,
        title,
    })
}

fn span_text(text: &str, s: &SentenceInfo, r: std::ops::Range<usize>) -> String {
    let toks = &s.parse.tokens;
    Span::new(toks[r.start].span.start, toks[r.end - 1].span.end)
        .slice(text)
        .to_owned()
}

fn mention(
    text: &str,
    s: &SentenceInfo,
    r: std::ops::Range<usize>,
    head: usize,
    kind: MentionKind,
    ty: EntityType,
) -> Mention {
    let toks = &s.parse.tokens;
    let span = Span::new(toks[r.start].span.start, toks[r.end - 1].span.end);
    Mention {
        span,
        sentence: s.index,
        tokens: r,
        head,
        text: crate::store::one_line(span.slice(text)),
        kind,
        entity_type: ty,
        entity: None,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month number of an English month name or its abbreviation (`Feb.`, `Sept`).
pub fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() >= 3 && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u8 + 1)
}

/// Reads a date at the start of `s`: `2025-04-03`, `April 14, 2025`, `14 April 2025`,
/// `April 2025`, `April 14` (year unknown: `None`), or a bare year `2019`.
pub fn parse_date_prefix(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = s.get(from..from + n)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let (y, m, d) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
        if (1..=12).contains(&m) && (1..=31).contains(&d) {
            return Some(Date {
                year: y as i32,
                month: Some(m as u8),
                day: Some(d as u8),
            });
        }
    }
    let words: Vec<&str> = s.split_whitespace().take(4).collect();
    let num = |w: &str| -> Option<u32> {
        let w = w.trim_end_matches([',', '.']);
        let w = w
            .trim_end_matches("st")
            .trim_end_matches("nd")
            .trim_end_matches("rd")
            .trim_end_matches("th");
        (!w.is_empty() && w.len() <= 4 && w.bytes().all(|c| c.is_ascii_digit()))
            .then(|| w.parse().ok())?
    };
    let year = |w: &str| {
        num(w).filter(|y| (1000..=2999).contains(y) && w.trim_end_matches([',', '.']).len() == 4)
    };
    let first = *words.first()?;
    if let Some(m) = month_number(first) {
        if let Some(d) = words
            .get(1)
            .and_then(|w| num(w))
            .filter(|d| (1..=31).contains(d))
        {
            let y = words.get(2).and_then(|w| year(w))?;
            return Some(Date {
                year: y as i32,
                month: Some(m),
                day: Some(d as u8),
            });
        }
        let y = words.get(1).and_then(|w| year(w))?;
        return Some(Date {
            year: y as i32,
            month: Some(m),
            day: None,
        });
    }
    if let Some(d) = num(first).filter(|d| (1..=31).contains(d))
        && let Some(m) = words.get(1).and_then(|w| month_number(w))
    {
        let y = words.get(2).and_then(|w| year(w))?;
        return Some(Date {
            year: y as i32,
            month: Some(m),
            day: Some(d as u8),
        });
    }
    let y = year(first)?;
    Some(Date {
        year: y as i32,
        month: None,
        day: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates() {
        let rows = [
            ("2025-04-03 rest", Some("2025-04-03")),
            ("April 14, 2025", Some("2025-04-14")),
            ("14 April 2025", Some("2025-04-14")),
            ("Sept. 2019", Some("2019-09")),
            ("2019", Some("2019")),
            ("April 14", None),
            ("Mayor", None),
            ("99 bottles", None),
        ];
        for (s, expected) in rows {
            assert_eq!(
                parse_date_prefix(s).map(|d| d.to_string()).as_deref(),
                expected,
                "{s}"
            );
        }
    }
}
