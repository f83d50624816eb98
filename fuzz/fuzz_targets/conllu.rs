//! CoNLL-U reading, then annotation and writing of whatever parsed: never a panic, and what
//! was written reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph_nlp::{Analyzer, conllu};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sentences) = conllu::parse(text) else {
        return;
    };
    let analyzer = Analyzer::embedded();
    let mut out = String::new();
    for (i, mut c) in sentences.into_iter().enumerate() {
        analyzer.annotate(&mut c.sentence);
        conllu::write(&c.text, std::slice::from_ref(&c.sentence), i + 1, &mut out);
    }
    let _ = conllu::parse(&out);
});
