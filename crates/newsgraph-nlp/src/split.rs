//! Sentence splitter: text and its tokens in, token index ranges of sentences out; plus the
//! sentence-boundary evaluation against a CoNLL-U treebank.
//!
//! A sentence ends
//!
//! * after final punctuation (`.`, `?`, `!`, `...`, `…`, runs like `?!`) and the closing
//!   quotes and brackets attached to it (`He said "no." Then` ends after the quote), unless
//!   the next token continues the sentence: a lower-case word after `?`, `!` or an ellipsis,
//!   or a comma-like mark;
//! * at a blank line, always;
//! * at a single line break when the line has no final punctuation but the next line looks
//!   like a new start: a bullet or numbered item, or a capitalised line after a line that does
//!   not end in a joining word or mark (headlines, bylines, captions). In hard-wrapped text,
//!   recognised by lines that continue in lower case, only a line clearly shorter than the
//!   wrap width counts.
//!
//! Abbreviations need no handling here: the tokenizer keeps an abbreviation's period inside
//! its token (`U.S.`) and gives it up as a `.` token of its own only where a sentence ends.
//! Bullets (`-`, `*`, `•`, `1.`, `a)`) at the start of a line always open a sentence.
//!
//! Everything is decided in one pass over the tokens, looking at most one line back, so the
//! cost is linear in the text.

use crate::conllu::{self, ConlluError};
use crate::token::Span;
use crate::tokenize::{count_common, prf, tokenize};
use std::ops::Range;

/// Splits tokenised text into sentences.
///
/// `tokens` are the spans of [`tokenize`] (any ordered, non-overlapping spans work). The
/// result covers `0..tokens.len()` with consecutive, non-empty ranges of token indices.
pub fn split(text: &str, tokens: &[Span]) -> Vec<Range<usize>> {
    let n = tokens.len();
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    let doc = Doc {
        text,
        tokens,
        layout: Layout::measure(text, tokens),
    };
    let mut start = 0;
    let mut i = 0;
    while i < n {
        let mut end = i;
        if doc.is_separator_line(i) && start < i {
            out.push(start..i);
            start = i;
        }
        let boundary = if doc.is_final_punct(i, start) {
            end = doc.extend_closers(i);
            doc.ends_after_final_punct(i, end)
        } else {
            doc.is_separator_line(i) || doc.ends_without_punct(i, start)
        };
        if boundary || end + 1 >= n {
            out.push(start..end + 1);
            start = end + 1;
        }
        i = end + 1;
    }
    out
}

/// Sentence-boundary agreement with a treebank.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SplitScore {
    /// Share of predicted sentence ends that are gold sentence ends.
    pub precision: f64,
    /// Share of gold sentence ends that were predicted.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Number of gold sentences.
    pub gold: usize,
    /// Number of predicted sentences.
    pub predicted: usize,
    /// Number of predicted sentence ends at the byte offset of a gold sentence end.
    pub matched: usize,
}

/// The raw text of a CoNLL-U treebank rebuilt as running documents, with gold annotations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreebankText {
    /// Sentences of one paragraph joined by a space; paragraphs (`# newpar`) and documents
    /// (`# newdoc`) separated by a blank line (`"\n\n"`).
    pub text: String,
    /// Gold token spans in `text`, in order and without duplicates (the words of a multiword
    /// token share the surface's span when their forms do not spell it).
    pub tokens: Vec<Span>,
    /// Byte offset in `text` where each gold sentence ends.
    pub sentence_ends: Vec<usize>,
}

/// Rebuilds the running text of a CoNLL-U file (see [`TreebankText`] for the layout).
pub fn rebuild_documents(conllu_text: &str) -> Result<TreebankText, ConlluError> {
    let sentences = conllu::parse(conllu_text)?;
    let mut doc = TreebankText::default();
    for s in &sentences {
        if s.sentence.tokens.is_empty() {
            continue;
        }
        if !doc.text.is_empty() {
            let new_block = s
                .comments
                .iter()
                .any(|c| c.starts_with("newpar") || c.starts_with("newdoc"));
            doc.text.push_str(if new_block { "\n\n" } else { " " });
        }
        let base = doc.text.len();
        doc.text.push_str(&s.text);
        for t in &s.sentence.tokens {
            let span = Span::new(base + t.span.start, base + t.span.end);
            if doc.tokens.last() != Some(&span) {
                doc.tokens.push(span);
            }
        }
        doc.sentence_ends.push(doc.text.len());
    }
    Ok(doc)
}

/// Tokenises and splits the rebuilt raw text of a CoNLL-U file and scores the predicted
/// sentence ends against the gold ones (a match is an equal byte offset).
pub fn sentence_boundary_f1(conllu_text: &str) -> Result<SplitScore, ConlluError> {
    let doc = rebuild_documents(conllu_text)?;
    let tokens = tokenize(&doc.text);
    let predicted: Vec<Span> = split(&doc.text, &tokens)
        .into_iter()
        .filter_map(|r| tokens.get(r.end.checked_sub(1)?))
        .map(|t| Span::new(t.end, t.end))
        .collect();
    let gold: Vec<Span> = doc.sentence_ends.iter().map(|&e| Span::new(e, e)).collect();
    let matched = count_common(&gold, &predicted);
    let (precision, recall, f1) = prf(matched, gold.len(), predicted.len());
    Ok(SplitScore {
        precision,
        recall,
        f1,
        gold: gold.len(),
        predicted: predicted.len(),
        matched,
    })
}

const CASUAL_SHARE: u32 = 10;

/// Document-wide statistics: is the text hard-wrapped, at what width, and does it start
/// sentences in lower case?
#[derive(Clone, Debug, Default)]
struct Layout {
    wrapped: bool,
    /// Longest line (bytes) that continues on the next line in lower case.
    wrap_width: usize,
    /// Block (stretch between blank lines) of each token.
    block_of: Vec<u32>,
    /// Per block: sentence-initial words seen in lower case and in upper case.
    starts: Vec<(u32, u32)>,
}

impl Layout {
    fn measure(text: &str, tokens: &[Span]) -> Self {
        let (mut breaks, mut continued, mut wrap_width) = (0usize, 0usize, 0usize);
        let mut block_of = Vec::with_capacity(tokens.len());
        let mut starts = vec![(0u32, 0u32)];
        let mut expect_start = true;
        for (k, span) in tokens.iter().enumerate() {
            if k > 0 {
                let gap = gap_text(text, tokens[k - 1], *span);
                let n = line_breaks(gap);
                if n >= 2 {
                    starts.push((0, 0));
                    expect_start = true;
                } else if n == 1 {
                    breaks += 1;
                    if starts_lowercase(span.slice(text)) {
                        continued += 1;
                        wrap_width = wrap_width.max(line_len_before(text, tokens[k - 1].end));
                    }
                }
            }
            block_of.push((starts.len() - 1) as u32);
            let t = span.slice(text);
            if is_terminal(t) {
                expect_start = true;
            } else if expect_start {
                match t.chars().next() {
                    Some(_) if starts_lowercase(t) => {
                        if let Some(last) = starts.last_mut() {
                            last.0 += 1;
                        }
                        expect_start = false;
                    }
                    Some(c) if c.is_uppercase() => {
                        if let Some(last) = starts.last_mut() {
                            last.1 += 1;
                        }
                        expect_start = false;
                    }
                    Some(c) if c.is_alphanumeric() => expect_start = false,
                    _ => {}
                }
            }
        }
        let wrapped = continued >= 3 && continued * 3 >= breaks;
        Layout {
            wrapped,
            wrap_width,
            block_of,
            starts,
        }
    }

    /// Does the writing around token `i` (its block and two blocks either side) often start
    /// sentences in lower case, as chat and e-mail do? Edited prose rarely does, so there a
    /// lower-case word after a period signals a typo or an unknown abbreviation instead.
    fn casual_around(&self, i: usize) -> bool {
        let Some(&b) = self.block_of.get(i) else {
            return false;
        };
        let b = b as usize;
        let lo = b.saturating_sub(2);
        let hi = (b + 3).min(self.starts.len());
        let (lower, upper) = self.starts[lo..hi]
            .iter()
            .fold((0, 0), |(l, u), &(x, y)| (l + x, u + y));
        // The lower-case word being judged is one of the starts counted; leave it out.
        let lower = lower.saturating_sub(1);
        lower > 0 && lower * CASUAL_SHARE >= lower + upper
    }
}

struct Doc<'a> {
    text: &'a str,
    tokens: &'a [Span],
    layout: Layout,
}

impl Doc<'_> {
    fn tok(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |s| s.slice(self.text))
    }

    /// The whitespace between token `i` and token `i + 1`.
    fn gap(&self, i: usize) -> &str {
        match (self.tokens.get(i), self.tokens.get(i + 1)) {
            (Some(&a), Some(&b)) => gap_text(self.text, a, b),
            _ => "",
        }
    }

    /// True when token `i` begins a line (or the text).
    fn starts_line(&self, i: usize) -> bool {
        i == 0 || line_breaks(self.gap(i - 1)) > 0
    }

    /// Final punctuation (or an emoticon, which ends sentences the same way) at token `i`,
    /// in a sentence that began at token `start`.
    fn is_final_punct(&self, i: usize, start: usize) -> bool {
        let t = self.tok(i);
        if is_emoticon(t) || self.is_abbreviation_before_quote(i) {
            return true;
        }
        is_terminal(t) && !self.is_list_marker_end(i) && !self.is_item_number_end(i, start)
    }

    /// `... in the U.S." He said`: an abbreviation whose period the tokenizer kept, closed by
    /// a quote and followed by a capitalised word, ends the sentence like a period would.
    fn is_abbreviation_before_quote(&self, i: usize) -> bool {
        let t = self.tok(i);
        if t.len() < 2 || !t.ends_with('.') || !self.gap(i).is_empty() {
            return false;
        }
        let quote = self.tok(i + 1);
        let closing = matches!(quote, "\"" | "”" | "’" | "'" | "''");
        let next = self.tok(i + 2);
        closing
            && !self.gap(i + 1).is_empty()
            && next.chars().next().is_some_and(char::is_uppercase)
    }

    /// The `.` after a number that opens the sentence (`3. I expect ...`, `*2. The second`):
    /// an item number, not the end of a one-word sentence.
    fn is_item_number_end(&self, i: usize, start: usize) -> bool {
        if i == 0 || self.tok(i) != "." || !self.gap(i - 1).is_empty() || self.gap(i).is_empty() {
            return false;
        }
        let number = self.tok(i - 1);
        let short_number =
            (1..=2).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
        let bullet = matches!(self.tok(start), "*" | "-" | "•" | "#");
        let opens = i - 1 == start || (i.checked_sub(2) == Some(start) && bullet);
        short_number && opens
    }

    /// A line of dashes, stars or equals signs: it stands between sentences.
    fn is_separator_line(&self, i: usize) -> bool {
        let t = self.tok(i);
        let rule = t.len() >= 4
            && t.bytes()
                .all(|b| matches!(b, b'-' | b'=' | b'*' | b'_' | b'~'));
        let spaced_before = i == 0 || !self.gap(i - 1).is_empty();
        let spaced_after = i + 1 >= self.tokens.len() || !self.gap(i).is_empty();
        rule && spaced_before && spaced_after
    }

    /// `02/13/2001 08:02 PM` as in e-mail headers: a timestamp closes the header line.
    fn ends_timestamp(&self, i: usize) -> bool {
        if i < 2 || !matches!(self.tok(i), "AM" | "PM") {
            return false;
        }
        let time = self.tok(i - 1);
        let date = self.tok(i - 2);
        let is_time = time.contains(':') && time.bytes().all(|b| b.is_ascii_digit() || b == b':');
        let is_date =
            date.matches('/').count() == 2 && date.bytes().all(|b| b.is_ascii_digit() || b == b'/');
        let next = self.tok(i + 1);
        is_time && is_date && !starts_lowercase(next)
    }

    /// The `.` or `)` closing a list number at the start of a line (`1.`, `a)`).
    fn is_list_marker_end(&self, i: usize) -> bool {
        if i == 0 || !matches!(self.tok(i), "." | ")") || !self.gap(i - 1).is_empty() {
            return false;
        }
        let marker = self.tok(i - 1);
        let short_number =
            !marker.is_empty() && marker.len() <= 3 && marker.bytes().all(|b| b.is_ascii_digit());
        let letter = marker.len() == 1 && marker.bytes().all(|b| b.is_ascii_alphabetic());
        (short_number || letter) && self.starts_line(i - 1) && !self.gap(i).is_empty()
    }

    /// Extends final punctuation at `i` over attached closing quotes, brackets and further
    /// final punctuation; returns the last token of the run.
    fn extend_closers(&self, i: usize) -> usize {
        let mut end = i;
        while end + 1 < self.tokens.len() {
            let next = self.tok(end + 1);
            let gap = self.gap(end);
            let attached = gap.is_empty() && !next.is_empty() && next.chars().all(is_closer_char);
            // Spaced-out ellipses (`. . .`) and a trailing emoticon stay with the sentence.
            let spaced = line_breaks(gap) == 0 && (is_terminal(next) || is_emoticon(next));
            if !(attached || spaced) {
                break;
            }
            end += 1;
        }
        end
    }

    /// Does a sentence end after the run of final punctuation and closers `first..=end`?
    fn ends_after_final_punct(&self, first: usize, end: usize) -> bool {
        let next = end + 1;
        if next >= self.tokens.len() {
            return true;
        }
        let breaks = line_breaks(self.gap(end));
        if breaks >= 2 || (breaks == 1 && self.is_bullet(next)) {
            return true;
        }
        let following = self.tok(next);
        if is_continuation_mark(following) {
            return false;
        }
        if starts_lowercase(following) {
            // EWT's web text often starts sentences in lower case after `.`, `?` or `!`;
            // an ellipsis usually trails off mid-sentence, and a quote closed after the
            // punctuation is followed by its attribution (`"Why?" she asked`).
            let punct = self.tok(first);
            let ellipsis = punct.contains("..") || punct.contains('…');
            let quoted = (first + 1..=end).any(|k| self.tok(k).chars().any(is_quote_or_bracket));
            if breaks == 1 && !self.layout.wrapped {
                return true;
            }
            return !(ellipsis || quoted || self.layout.wrapped) && self.layout.casual_around(next);
        }
        true
    }

    /// Does a sentence end after token `i`, which is not final punctuation?
    fn ends_without_punct(&self, i: usize, start: usize) -> bool {
        let next = i + 1;
        if next >= self.tokens.len() {
            return true;
        }
        match line_breaks(self.gap(i)) {
            0 => self.ends_timestamp(i) || self.ends_metadata_line(start, i),
            1 => self.line_break_ends(i),
            _ => true,
        }
    }

    /// `Updated: 2025-04-03 10:00 The president ...`: a label and a numeric date or time
    /// that open a line (page metadata run into the text) end before the capitalised word
    /// that follows them.
    fn ends_metadata_line(&self, start: usize, i: usize) -> bool {
        if i <= start || i - start > 4 || !self.starts_line(start) {
            return false;
        }
        let label = self.tok(start);
        let labelled = [
            "date",
            "dated",
            "updated",
            "published",
            "posted",
            "modified",
        ]
        .iter()
        .any(|l| label.eq_ignore_ascii_case(l));
        if !labelled {
            return false;
        }
        let numeric = |t: &str| {
            t.bytes().any(|b| b.is_ascii_digit())
                && t.bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'/' | b':' | b'.'))
        };
        let body_ok = (start + 1..=i).all(|k| {
            let t = self.tok(k);
            numeric(t) || matches!(t, ":" | "AM" | "PM" | "am" | "pm" | "GMT" | "UTC" | "ET")
        });
        let next = self.tok(i + 1);
        body_ok && numeric(self.tok(i)) && next.chars().next().is_some_and(char::is_uppercase)
    }

    /// A single line break after token `i` with no final punctuation before it.
    fn line_break_ends(&self, i: usize) -> bool {
        let next = i + 1;
        if self.is_bullet(next) {
            return true;
        }
        if starts_lowercase(self.tok(next)) || is_joining(self.tok(i)) {
            return false;
        }
        if !self.layout.wrapped {
            return true;
        }
        let len = line_len_before(self.text, self.tokens[i].end);
        len * 10 < self.layout.wrap_width * 7
    }

    /// A bullet or list number opening the line at token `i`.
    fn is_bullet(&self, i: usize) -> bool {
        if !self.starts_line(i) {
            return false;
        }
        match self.tok(i) {
            "•" | "·" | "‣" | "▪" | "◦" | "●" | "■" | "○" | "►" | "→" => true,
            "-" | "*" | "+" | "–" | "—" | "--" => !self.gap(i).is_empty(),
            "(" => {
                let inner = self.tok(i + 1);
                self.gap(i).is_empty()
                    && self.gap(i + 1).is_empty()
                    && self.tok(i + 2) == ")"
                    && !inner.is_empty()
                    && inner.len() <= 3
                    && inner.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            _ => self.is_list_marker_end(i + 1),
        }
    }
}

/// The text between two spans (empty when they touch or are out of order).
fn gap_text(text: &str, a: Span, b: Span) -> &str {
    if a.end <= b.start {
        text.get(a.end..b.start).unwrap_or("")
    } else {
        ""
    }
}

/// Number of line breaks in a stretch of whitespace (`\r\n` counts once; a paragraph
/// separator counts as a blank line).
fn line_breaks(gap: &str) -> usize {
    let mut n = 0;
    let mut prev_cr = false;
    for c in gap.chars() {
        match c {
            '\n' if prev_cr => {}
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' => n += 1,
            '\u{2029}' => n += 2,
            _ => {}
        }
        prev_cr = c == '\r';
    }
    n
}

/// Length in bytes of the line that ends at byte `end`.
fn line_len_before(text: &str, end: usize) -> usize {
    let head = text.get(..end).unwrap_or("");
    match head.rfind('\n') {
        Some(p) => end - p - 1,
        None => end,
    }
}

/// A word in lower case (addresses like `www.example.com` do not count).
fn starts_lowercase(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_lowercase) && !t.starts_with("www.") && !t.contains("://")
}

/// `.`, `?`, `!`, `…` and runs of them.
fn is_terminal(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| matches!(c, '.' | '?' | '!' | '…'))
}

fn is_quote_or_bracket(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '}')
}

/// Characters that may close a sentence after its final punctuation.
fn is_closer_char(c: char) -> bool {
    is_quote_or_bracket(c) || matches!(c, '.' | '?' | '!' | '…')
}

fn is_emoticon(t: &str) -> bool {
    matches!(
        t,
        ":)" | ":-)"
            | ":("
            | ":-("
            | ":D"
            | ":-D"
            | ":P"
            | ":-P"
            | ":p"
            | ":-p"
            | ";)"
            | ";-)"
            | ";D"
            | ":/"
            | ":-/"
            | ":O"
            | ":o"
            | ":|"
            | ":'("
            | "=)"
            | "=("
            | "=D"
            | "<3"
            | "^_^"
            | "^^"
            | ":))"
            | ":(("
            | ":]"
            | ":["
            | ";("
    )
}

/// Marks after which a sentence cannot have ended: `,`, `;`, `:`, closing brackets, `%`.
fn is_continuation_mark(t: &str) -> bool {
    matches!(
        t,
        "," | ";" | ":" | ")" | "]" | "}" | "%" | "-" | "–" | "—" | "--" | "/"
    )
}

/// Tokens that leave a line unfinished: joining punctuation and function words.
fn is_joining(t: &str) -> bool {
    if matches!(
        t,
        "," | ";" | ":" | "-" | "–" | "—" | "--" | "(" | "[" | "&" | "/" | "+" | "="
    ) {
        return true;
    }
    matches!(
        t,
        "a" | "an"
            | "the"
            | "of"
            | "to"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "by"
            | "from"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "that"
            | "as"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "your"
            | "into"
            | "than"
            | "if"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let tokens = tokenize(text);
        split(text, &tokens)
            .into_iter()
            .map(|r| {
                let (a, b) = (tokens[r.start].start, tokens[r.end - 1].end);
                &text[a..b]
            })
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Mr. Smith went home. He slept.",
                &["Mr. Smith went home.", "He slept."],
            ),
            (
                "He said \"no.\" Then he left.",
                &["He said \"no.\"", "Then he left."],
            ),
            ("“Go away.” She did.", &["“Go away.”", "She did."]),
            ("Why? Because! Fine...", &["Why?", "Because!", "Fine..."]),
            ("Really?! Yes.", &["Really?!", "Yes."]),
            ("“Why?” she asked.", &["“Why?” she asked."]),
            ("Wait... what? No.", &["Wait... what?", "No."]),
            (
                "It gave $1 billion to the U.S. over two decades.",
                &["It gave $1 billion to the U.S. over two decades."],
            ),
            (
                "It wants to partner with the U.S. They really do.",
                &["It wants to partner with the U.S.", "They really do."],
            ),
            (
                "Two senior U.S. Immigration officials agreed.",
                &["Two senior U.S. Immigration officials agreed."],
            ),
            (
                "Gen. Jones spoke. Sen. Lee did too.",
                &["Gen. Jones spoke.", "Sen. Lee did too."],
            ),
            ("institutions (...) and we", &["institutions (...) and we"]),
            (
                "Big News Headline\n\nThe story begins here.",
                &["Big News Headline", "The story begins here."],
            ),
            (
                "Headline Without Period\nThe story begins here.",
                &["Headline Without Period", "The story begins here."],
            ),
            (
                "By Jane Doe\nWASHINGTON (Reuters) - The talks began.",
                &["By Jane Doe", "WASHINGTON (Reuters) - The talks began."],
            ),
            (
                "Items:\n- first item\n- second item\n1. third\n2) fourth",
                &[
                    "Items:",
                    "- first item",
                    "- second item",
                    "1. third",
                    "2) fourth",
                ],
            ),
            ("• one\n• two", &["• one", "• two"]),
            (
                "\"We won.\"\n— A spokesman\nThe end.",
                &["\"We won.\"", "— A spokesman", "The end."],
            ),
            (
                "It rose 5.5 percent. Then fell.",
                &["It rose 5.5 percent.", "Then fell."],
            ),
            ("no final punctuation", &["no final punctuation"]),
            (
                "He lives in the U.S.\" Critics disagree.",
                &["He lives in the U.S.\"", "Critics disagree."],
            ),
            (
                "Offices in Washington, D.C. The firm, based in Washington, D.C., grew.",
                &[
                    "Offices in Washington, D.C.",
                    "The firm, based in Washington, D.C., grew.",
                ],
            ),
            (
                "It opens at 5 p.m. Tuesday in St. Louis. He will attend at 9 a.m. He said so.",
                &[
                    "It opens at 5 p.m. Tuesday in St. Louis.",
                    "He will attend at 9 a.m.",
                    "He said so.",
                ],
            ),
            (
                "Gov. Ron Smith (R-Fla.) and John F. Kennedy Jr. met on Jan. 6 at No. 10.",
                &["Gov. Ron Smith (R-Fla.) and John F. Kennedy Jr. met on Jan. 6 at No. 10."],
            ),
            (
                "They met in 2019.\n(Photo by Jane Doe/Getty Images)\nThe talks ended.",
                &[
                    "They met in 2019.",
                    "(Photo by Jane Doe/Getty Images)",
                    "The talks ended.",
                ],
            ),
            (
                "Updated: 2025-04-03 10:00 The president spoke.",
                &["Updated: 2025-04-03 10:00", "The president spoke."],
            ),
            ("I think... maybe not.", &["I think... maybe not."]),
            ("great :) See you", &["great :)", "See you"]),
        ];
        for (input, expected) in cases {
            assert_eq!(&sentences(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn hard_wrapped_lines_continue() {
        let text = "The committee met on Tuesday to discuss the budget and\n\
                    the plans for next year, which include a new school and\n\
                    a road. Members of the public were invited to attend and\n\
                    many did so, according to the minutes of the meeting that\n\
                    President Smith released on Friday.";
        let got = sentences(text);
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn covers_all_tokens() {
        let text = "a. b! c? \n\n d";
        let tokens = tokenize(text);
        let ranges = split(text, &tokens);
        assert_eq!(ranges.first().map(|r| r.start), Some(0));
        assert_eq!(ranges.last().map(|r| r.end), Some(tokens.len()));
        for w in ranges.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert!(split("", &[]).is_empty());
    }

    #[test]
    fn treebank_rebuild() {
        let conllu = "# newdoc id = d\n# newpar id = p\n# text = Hi.\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\tSpaceAfter=No\n2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n# text = Bye.\n1\tBye\tbye\tINTJ\tUH\t_\t0\troot\t_\tSpaceAfter=No\n2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n# newpar id = q\n# text = Ok\n1\tOk\tok\tINTJ\tUH\t_\t0\troot\t_\t_\n\n";
        let doc = rebuild_documents(conllu).unwrap();
        assert_eq!(doc.text, "Hi. Bye.\n\nOk");
        assert_eq!(doc.sentence_ends, vec![3, 8, 12]);
        let score = sentence_boundary_f1(conllu).unwrap();
        assert_eq!((score.gold, score.predicted, score.matched), (3, 3, 3));
    }
}
