//! Does the pipeline stay linear in time and memory as input grows? Runs each size in a child
//! process (so that its peak memory is its own) and prints one row per size: bytes, seconds,
//! MB/s, peak resident memory and its ratio to the input. Two inputs: news-like prose, and a
//! single run-on line without punctuation (the pathological case, skipped by the analysis).
//!
//! `cargo bench --bench scaling` (add `-- quick` for the small sizes only).

use std::process::Command;
use std::time::Instant;

const CHILD: &str = "NEWSGRAPH_SCALING_CHILD";

fn prose(bytes: usize) -> String {
    const FIRST: [&str; 7] = ["Jane", "John", "Mara", "Alan", "Ines", "Oskar", "Lena"];
    const LAST: [&str; 6] = ["Doe", "Roe", "Vale", "Marsh", "Quill", "Fenn"];
    const PLACES: [&str; 4] = ["Ruritania", "Freedonia", "Elbonia", "Genovia"];
    let mut s = String::with_capacity(bytes + 400);
    let mut i = 0;
    while s.len() < bytes {
        let a = format!("{} {}", FIRST[i % 7], LAST[i % 6]);
        let b = format!("{} {}", FIRST[(i + 3) % 7], LAST[(i + 1) % 6]);
        let p = PLACES[i % 4];
        s.push_str(&format!(
            "{a} met {b} in {p} on May {}, 2021. {a} did not pay the {p} Trading Company. \
             {b} said {p} would sign an agreement with {}.\n\n",
            i % 28 + 1,
            PLACES[(i + 1) % 4]
        ));
        i += 1;
    }
    s
}

fn run_on(bytes: usize) -> String {
    const VOCAB: [&str; 6] = ["river", "stone", "market", "north", "seven", "lantern"];
    let mut s = String::with_capacity(bytes + 8);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(VOCAB[i % 6]);
        s.push(' ');
        i += 1;
    }
    s
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn child(kind: &str, bytes: usize) {
    // Load the models first, so that the peak and the time are those of the analysis.
    let warm = newsgraph::pipeline::analyze_text("warm", "Jane Doe met John Roe.");
    assert!(!warm.claims.is_empty());
    let base = peak_rss_kib();
    let text = if kind == "prose" {
        prose(bytes)
    } else {
        run_on(bytes)
    };
    let started = Instant::now();
    let a = newsgraph::pipeline::analyze_text("bench", &text);
    let quads = newsgraph::store::document_quads(&a);
    let secs = started.elapsed().as_secs_f64();
    // The output is checked, so that a broken stage cannot look fast.
    if kind == "prose" {
        assert!(
            a.claims.len() >= text.len() / 400,
            "{} claims",
            a.claims.len()
        );
    } else {
        assert_eq!(a.diagnostics.len(), 1);
    }
    println!(
        "{secs} {} {} {}",
        peak_rss_kib().saturating_sub(base),
        a.sentences.len(),
        quads.len()
    );
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        let (kind, bytes) = spec.split_once(':').expect("kind:bytes");
        child(kind, bytes.parse().expect("bytes"));
        return;
    }
    let quick = std::env::args().any(|a| a == "quick");
    let exe = std::env::current_exe().expect("own path");
    let mib = 1 << 20;
    let cases: Vec<(&str, usize)> = if quick {
        vec![
            ("prose", mib / 8),
            ("prose", mib / 2),
            ("run-on", mib),
            ("run-on", 4 * mib),
        ]
    } else {
        vec![
            ("prose", mib / 4),
            ("prose", mib),
            ("prose", 4 * mib),
            ("run-on", mib),
            ("run-on", 10 * mib),
            ("run-on", 50 * mib),
        ]
    };
    println!(
        "{:<7} {:>10} {:>9} {:>8} {:>12} {:>10} {:>9} {:>9}",
        "input", "bytes", "seconds", "MB/s", "peak KiB", "KiB/KiB", "sentences", "quads"
    );
    for (kind, bytes) in cases {
        let out = Command::new(&exe)
            .env(CHILD, format!("{kind}:{bytes}"))
            .output()
            .expect("child run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.split_whitespace().collect();
        let secs: f64 = f[0].parse().expect("seconds");
        let peak: f64 = f[1].parse().expect("peak");
        println!(
            "{kind:<7} {bytes:>10} {secs:>9.3} {:>8.2} {peak:>12.0} {:>10.2} {:>9} {:>9}",
            bytes as f64 / secs / 1e6,
            peak / (bytes as f64 / 1024.0),
            f[2],
            f[3]
        );
    }
}
