//! Distributional word classes for the parser: every word form seen often
//! enough in the training text gets a coarse and a fine class id, learned by the exchange
//! clustering of the named-entity recogniser ([`crate::ner::lexicon::Lexicon::learn`]) on
//! the forms lowercased with digits folded to `0`. Words of one class occur in similar
//! contexts, so a rare word borrows the statistics of its frequent class mates.

use super::vocab::normalize_into;
use crate::binio::{ModelError, Reader, Writer};
use crate::conllu::ConlluSentence;
use crate::ner::lexicon::{Lexicon, LexiconOptions};
use std::collections::{BTreeSet, HashMap};

/// Word classes of folded word forms, coarse class first; ids start at 1 (0: no class).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WordClasses {
    /// Sorted folded forms with their classes.
    entries: Vec<(Box<str>, [u16; 2])>,
    map: HashMap<Box<str>, [u16; 2]>,
}

impl WordClasses {
    /// Learns `counts` (coarse, fine) classes from the forms of `sentences`; `[0, 0]` (or
    /// empty text) gives no classes.
    pub(crate) fn learn(sentences: &[&ConlluSentence], counts: [usize; 2]) -> WordClasses {
        if counts == [0, 0] || sentences.is_empty() {
            return WordClasses::default();
        }
        let mut norm = String::new();
        let mut forms: BTreeSet<String> = BTreeSet::new();
        let text: Vec<Vec<String>> = sentences
            .iter()
            .map(|s| {
                s.sentence
                    .tokens
                    .iter()
                    .map(|t| {
                        normalize_into(&t.form, &mut norm);
                        forms.insert(norm.clone());
                        norm.clone()
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<Vec<&str>> = text
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        let lexicon = Lexicon::learn(
            &refs,
            &LexiconOptions {
                classes: counts.map(|c| c.max(2)),
                ..LexiconOptions::default()
            },
        );
        let entries = forms
            .into_iter()
            .filter_map(|f| {
                let info = lexicon.get(&f)?;
                Some((
                    f.into_boxed_str(),
                    info.classes.map(|c| c.saturating_add(1)),
                ))
            })
            .collect();
        Self::from_entries(entries)
    }

    fn from_entries(entries: Vec<(Box<str>, [u16; 2])>) -> WordClasses {
        let map = entries.iter().cloned().collect();
        WordClasses { entries, map }
    }

    /// The classes of a folded form (`[0, 0]` when unknown).
    #[inline]
    pub(crate) fn get_folded(&self, folded: &str) -> [u16; 2] {
        if self.entries.is_empty() {
            return [0, 0];
        }
        self.map.get(folded).copied().unwrap_or([0, 0])
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        w.varint(self.entries.len() as u64);
        for (f, c) in &self.entries {
            w.str(f);
            w.varint(u64::from(c[0]));
            w.varint(u64::from(c[1]));
        }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<WordClasses, ModelError> {
        let n = r.len()?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let f: Box<str> = r.str()?.into();
            let mut c = [0u16; 2];
            for x in &mut c {
                *x = u16::try_from(r.varint()?)
                    .map_err(|_| ModelError::Invalid("word class out of range".into()))?;
            }
            entries.push((f, c));
        }
        if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(ModelError::Invalid(
                "word classes not sorted and distinct".into(),
            ));
        }
        Ok(Self::from_entries(entries))
    }
}
