//! Detection and false-positive rates of the default guard on the labelled data in
//! `../shared/data/injection/` (see its README for sources and licences; the data is read in
//! place, never copied into this repository).
//!
//! ```text
//! cargo run --release -p injection-detect --example evaluate [-- DIR] [--misses N] [--fps N] [--near S]
//! ```
//!
//! "Flagged" means the verdict at the default thresholds is block; the warn-or-block rate is
//! printed beside it. `--misses N` / `--fps N` print the first N missed attacks / flagged benign
//! prompts (truncated) for error analysis; `--near S` prints every benign prompt that is not
//! blocked but scores at least S (how close the benign files come to the threshold).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;

use injection_detect::{Action, Guard};

#[derive(Default)]
struct Tally {
    rows: usize,
    block: usize,
    warn_or_block: usize,
}

impl Tally {
    fn pct(n: usize, d: usize) -> f64 {
        if d == 0 {
            0.0
        } else {
            100.0 * n as f64 / d as f64
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/injection"
    ));
    let mut misses = 0usize;
    let mut fps = 0usize;
    let mut near = f32::INFINITY;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--misses" => misses = args.next().and_then(|n| n.parse().ok()).unwrap_or(10),
            "--fps" => fps = args.next().and_then(|n| n.parse().ok()).unwrap_or(10),
            "--near" => near = args.next().and_then(|n| n.parse().ok()).unwrap_or(0.2),
            other => dir = PathBuf::from(other),
        }
    }
    if !dir.is_dir() {
        eprintln!("skipped: {} not found", dir.display());
        return;
    }
    let guard = Guard::new().expect("guard");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    println!(
        "{:<36} {:>9} {:>6} {:>9} {:>13}",
        "file / label", "rows", "block", "block %", "warn+block %"
    );
    let start = std::time::Instant::now();
    let mut scanned = 0usize;
    let mut bytes = 0usize;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read file");
        let mut attack = Tally::default();
        let mut benign = Tally::default();
        let (mut shown_m, mut shown_f) = (0, 0);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let row: serde_json::Value = serde_json::from_str(line).expect("json line");
            let prompt = row["text"].as_str().unwrap_or_default();
            let is_attack = row["label"].as_str() != Some("benign");
            let v = guard.scan(prompt);
            scanned += 1;
            bytes += prompt.len();
            let t = if is_attack { &mut attack } else { &mut benign };
            t.rows += 1;
            if v.action() == Action::Block {
                t.block += 1;
            }
            if v.action() != Action::Allow {
                t.warn_or_block += 1;
            }
            let short: String = prompt
                .chars()
                .take(160)
                .collect::<String>()
                .replace('\n', " ");
            if is_attack && v.action() != Action::Block && shown_m < misses {
                shown_m += 1;
                let rules: Vec<_> = v.matches().iter().map(|m| m.rule()).collect();
                println!("  MISS {:.2} {rules:?} {short}", v.score());
            }
            if !is_attack && v.action() != Action::Block && v.score() >= near {
                let rules: Vec<_> = v.matches().iter().map(|m| m.rule()).collect();
                println!("  NEAR {:.2} {rules:?} {short}", v.score());
            }
            if !is_attack && v.action() == Action::Block && shown_f < fps {
                shown_f += 1;
                let rules: Vec<_> = v.matches().iter().map(|m| m.rule()).collect();
                println!("  FP {:.2} {rules:?} {short}", v.score());
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (label, t) in [("attacks", &attack), ("benign", &benign)] {
            if t.rows > 0 {
                println!(
                    "{:<36} {:>9} {:>6} {:>8.1}% {:>12.1}%",
                    format!("{name} / {label}"),
                    t.rows,
                    t.block,
                    Tally::pct(t.block, t.rows),
                    Tally::pct(t.warn_or_block, t.rows)
                );
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "scanned {scanned} prompts ({:.1} MB) in {:.2} s",
        bytes as f64 / 1e6,
        secs
    );
}
