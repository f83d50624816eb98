//! The pipeline: a [`Document`] in, an [`AnalyzedDocument`] out, running every stage in order:
//! segment (tokenise, split, tag, parse) → recognise mentions → resolve entities → extract
//! claims. Storing and exporting come after, in `store` and `export`.

use crate::model::{AnalyzedDocument, Diagnostic, Document, SentenceInfo};
use crate::{extract, ingest, recognize, resolve, segment};

/// Longest sentence, in tokens, that is analysed; longer ones (run-on text without
/// punctuation) keep their span but no tokens (see [`segment::segment`]), and are reported as a
/// diagnostic and skipped.
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// Runs every analysis stage on one document.
pub fn analyze(doc: Document) -> AnalyzedDocument {
    let info = ingest::document_info(&doc.text);
    let sentences = segment::segment(&doc.text);
    let mut diagnostics = Vec::new();
    let mut recognized = Vec::new();
    for s in &sentences {
        if !analysed(s) {
            diagnostics.push(Diagnostic {
                sentence: Some(s.index),
                message: format!(
                    "sentence of more than {MAX_SENTENCE_TOKENS} tokens skipped (bytes {}..{})",
                    s.span.start, s.span.end
                ),
            });
            continue;
        }
        recognized.extend(recognize::recognize(&doc.text, s));
    }
    let titles: Vec<Option<String>> = recognized.iter().map(|r| r.title.clone()).collect();
    let (mentions, entities) = resolve::resolve(recognized, &sentences, &doc.id);
    let cx = extract::Context {
        text: &doc.text,
        sentences: &sentences,
        mentions: &mentions,
        doc_date: info.date,
        titles: &titles,
    };
    let mut claims = Vec::new();
    for s in &sentences {
        if analysed(s) {
            claims.extend(extract::extract(&cx, s));
        }
    }
    claims.sort_by_key(|c| (c.sentence, c.span.start, c.span.end));
    claims.dedup_by(|a, b| {
        a.subject == b.subject
            && a.relation == b.relation
            && a.object == b.object
            && a.sentence == b.sentence
            && a.polarity == b.polarity
    });
    AnalyzedDocument {
        doc,
        info,
        sentences,
        mentions,
        entities,
        claims,
        diagnostics,
    }
}

/// True for a sentence that went through the analysis ([`segment::segment`] leaves run-on
/// sentences without tokens).
fn analysed(s: &SentenceInfo) -> bool {
    !s.parse.tokens.is_empty() && s.parse.tokens.len() <= MAX_SENTENCE_TOKENS
}

/// Analyses a string as a document with the given id (for the library API and tests).
pub fn analyze_text(id: &str, text: &str) -> AnalyzedDocument {
    let hash = crate::store::hex(&<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()));
    analyze(Document {
        id: id.to_owned(),
        path: None,
        text: text.to_owned(),
        hash,
    })
}

/// The cross-document step, run on each batch of analysed documents (in input order) before
/// they are written or printed: links mentions that name the same actor across the batch
/// (see [`resolve::link_documents`]). Its result does not depend on the order of `docs`.
pub fn link_batch(docs: &mut [AnalyzedDocument]) {
    resolve::link_documents(docs);
}
