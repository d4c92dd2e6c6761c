//! Detection and false-positive rates of injection-detect and of the `llm-security` crate (its
//! `DetectionEngine` with the default config, `is_malicious`), side by side on the same
//! labelled files: the shared data (`../shared/data/injection/`), the team's probe set
//! (`crates/injection-detect/eval/`) and probe set B (`crates/injection-detect/eval_b/`).
//!
//! ```text
//! cargo run --release -p rampart-benches --example injection_quality [-- DIR ...]
//! ```
//!
//! Flagged means injection-detect's verdict is not `Allow` (warn or block; rows whose `source`
//! is `untrusted` are scanned with `Source::Document`) and llm-security's `is_malicious`.
//! All rows of every file are counted (no development / held-out split: see the crate's own
//! `evaluate` example for that).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use injection_detect::{Action, Guard, Source};
use llm_security::{DetectionEngine, LLMSecurityConfig};

fn jsonl(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        dirs = vec![
            root.join("../shared/data/injection"),
            root.join("crates/injection-detect/eval"),
            root.join("crates/injection-detect/eval_b"),
        ];
    }
    let guard = Guard::new().expect("guard");
    let peer = DetectionEngine::new(LLMSecurityConfig::default());
    println!(
        "{:<52} {:>6} {:>16} {:>14}",
        "file / label (flagged)", "rows", "injection-detect", "llm-security"
    );
    for dir in dirs {
        let files = jsonl(&dir);
        if files.is_empty() {
            println!("skipped: no .jsonl files in {}", dir.display());
        }
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read file");
            // [attack, benign] x (rows, ours, peer)
            let mut t = [(0usize, 0usize, 0usize); 2];
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let row: serde_json::Value = serde_json::from_str(line).expect("json line");
                let prompt = row["text"].as_str().unwrap_or_default();
                let benign = row["label"].as_str() == Some("benign");
                let ours = match row["source"].as_str() {
                    Some("untrusted") => guard.scan_from(prompt, Source::Document),
                    _ => guard.scan(prompt),
                };
                let theirs = peer.detect_prompt_injection(prompt);
                let cell = &mut t[usize::from(benign)];
                cell.0 += 1;
                cell.1 += usize::from(ours.action() != Action::Allow);
                cell.2 += usize::from(theirs.is_malicious);
            }
            let dir_name = dir.file_name().unwrap_or_default().to_string_lossy();
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            for (label, (rows, ours, theirs)) in [("attacks", t[0]), ("benign", t[1])] {
                if rows > 0 {
                    let pct = |n: usize| 100.0 * n as f64 / rows as f64;
                    println!(
                        "{:<52} {rows:>6} {:>15.1}% {:>13.1}%",
                        format!("{dir_name}/{stem} / {label}"),
                        pct(ours),
                        pct(theirs)
                    );
                }
            }
        }
    }
}
