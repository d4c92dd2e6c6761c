//! Detection and false-positive rates of the default guard on the labelled data in
//! `../shared/data/injection/` (see its README for sources and licences; the data is read in
//! place, never copied into this repository).
//!
//! ```text
//! cargo run --release -p injection-detect --example evaluate [-- DIR] [--misses N] [--fps N] [--near S] [--width W] [--no-probe] [--by-category]
//! ```
//!
//! **Flagged** means the verdict of [`Guard::scan`] at the default thresholds is not
//! [`Action::Allow`] (warn or block): the host logs or stops the prompt. The same definition
//! applies to attacks (detection rate) and benign prompts (false-positive rate); the block-only
//! rate is printed beside it.
//!
//! **Splits.** Every file is split into a development part (rules are written looking only at
//! its errors) and a held-out part (reported, never listed): deepset rows by their `orig_split`
//! field (`train` = dev, `test` = held-out); every other file by row index (every 5th row,
//! index % 5 == 4, is held out). `--misses N` / `--fps N` print the first N missed attacks /
//! flagged benign prompts of the development split only; `--near S` prints development benign
//! prompts that are allowed but score at least S; `--width W` sets how many characters of each
//! listed prompt are shown (default 160).
//!
//! **Probe set.** The files of `crates/injection-detect/eval/` (written by the team without
//! reading the rules; see its README) are reported too, rows with `"source": "untrusted"`
//! scanned with [`Source::Document`]; every 2nd row (odd index) is held out. `--no-probe`
//! leaves them out; `--by-category` adds the rates per `category` field (aggregates only).
//! Probe set B (`crates/injection-detect/eval_b/`, written without reading the rules or probe
//! set A) is held out whole: reported as `B/…`, never listed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;

use injection_detect::{Action, Guard, Source};

#[derive(Default, Clone, Copy)]
struct Tally {
    rows: usize,
    block: usize,
    flagged: usize,
}

impl Tally {
    fn add(&mut self, a: Action) {
        self.rows += 1;
        self.block += usize::from(a == Action::Block);
        self.flagged += usize::from(a != Action::Allow);
    }
    fn merge(self, o: Self) -> Self {
        Self {
            rows: self.rows + o.rows,
            block: self.block + o.block,
            flagged: self.flagged + o.flagged,
        }
    }
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

/// Whether row `index` of a file belongs to the held-out split.
fn held_out(row: &serde_json::Value, index: usize, probe: bool) -> bool {
    match row["orig_split"].as_str() {
        Some(s) => s != "train",
        None if probe => index % 2 == 1,
        None => index % 5 == 4,
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
    let mut width = 160usize;
    let mut probe = true;
    let mut by_category = false;
    // (file, label, category) -> [dev, held-out]
    let mut categories: std::collections::BTreeMap<(String, &str, String), [Tally; 2]> =
        std::collections::BTreeMap::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--misses" => misses = args.next().and_then(|n| n.parse().ok()).unwrap_or(10),
            "--fps" => fps = args.next().and_then(|n| n.parse().ok()).unwrap_or(10),
            "--width" => width = args.next().and_then(|n| n.parse().ok()).unwrap_or(160),
            "--no-probe" => probe = false,
            "--by-category" => by_category = true,
            "--near" => near = args.next().and_then(|n| n.parse().ok()).unwrap_or(0.2),
            other => dir = PathBuf::from(other),
        }
    }
    if !dir.is_dir() {
        eprintln!("skipped: {} not found", dir.display());
        return;
    }
    let built = std::time::Instant::now();
    let guard = Guard::new().expect("guard");
    let build_time = built.elapsed();
    let jsonl = |dir: &std::path::Path| -> Vec<PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    let probe_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/eval"));
    let unseen_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/eval_b"));
    // (path, probe set, unseen: every row held out)
    let files: Vec<(PathBuf, bool, bool)> = jsonl(&dir)
        .into_iter()
        .map(|p| (p, false, false))
        .chain(
            jsonl(&probe_dir)
                .into_iter()
                .filter(|_| probe)
                .map(|p| (p, true, false)),
        )
        .chain(
            jsonl(&unseen_dir)
                .into_iter()
                .filter(|_| probe)
                .map(|p| (p, true, true)),
        )
        .collect();
    let mut report = Vec::new();
    let start = std::time::Instant::now();
    let mut scanned = 0usize;
    let mut bytes = 0usize;
    for (path, probe, unseen) in files {
        let text = std::fs::read_to_string(&path).expect("read file");
        // [attack, benign] x [dev, held-out]
        let mut t = [[Tally::default(); 2]; 2];
        let (mut shown_m, mut shown_f) = (0, 0);
        let lines = text.lines().filter(|l| !l.trim().is_empty());
        for (index, line) in lines.enumerate() {
            let row: serde_json::Value = serde_json::from_str(line).expect("json line");
            let prompt = row["text"].as_str().unwrap_or_default();
            let is_attack = row["label"].as_str() != Some("benign");
            let held = unseen || held_out(&row, index, probe);
            // The probe set marks text that arrives from a tool, document or web page.
            let v = match row["source"].as_str() {
                Some("untrusted") => guard.scan_from(prompt, Source::Document),
                _ => guard.scan(prompt),
            };
            scanned += 1;
            bytes += prompt.len();
            t[usize::from(!is_attack)][usize::from(held)].add(v.action());
            if let Some(category) = row["category"].as_str() {
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                let label = if is_attack { "attacks" } else { "benign" };
                categories
                    .entry((stem, label, category.to_owned()))
                    .or_default()[usize::from(held)]
                .add(v.action());
            }
            if held {
                continue;
            }
            let short: String = prompt
                .chars()
                .take(width)
                .collect::<String>()
                .replace('\n', " ");
            let rules: Vec<_> = v.matches().iter().map(|m| m.rule()).collect();
            if is_attack && v.action() == Action::Allow && shown_m < misses {
                shown_m += 1;
                println!("  MISS {:.2} {rules:?} {short}", v.score());
            }
            if !is_attack && v.action() == Action::Allow && v.score() >= near {
                println!("  NEAR {:.2} {rules:?} {short}", v.score());
            }
            if !is_attack && v.action() != Action::Allow && shown_f < fps {
                shown_f += 1;
                println!(
                    "  FP {} {:.2} {rules:?} {short}",
                    v.action().as_str(),
                    v.score()
                );
            }
        }
        let mut name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if unseen {
            name = format!("B/{name}");
        }
        for (label, [dev, held]) in [("attacks", t[0]), ("benign", t[1])] {
            if dev.rows + held.rows > 0 {
                report.push((format!("{name} / {label}"), dev, held));
            }
        }
    }
    println!(
        "{:<44} {:>14} {:>14} {:>14} {:>8}",
        "file / label (flagged = warn or block)", "dev", "held-out", "all", "all block"
    );
    for (name, dev, held) in report {
        let all = dev.merge(held);
        let cell = |t: Tally| format!("{:.1}% of {}", pct(t.flagged, t.rows), t.rows);
        println!(
            "{name:<44} {:>14} {:>14} {:>14} {:>7.1}%",
            cell(dev),
            cell(held),
            cell(all),
            pct(all.block, all.rows)
        );
    }
    if by_category {
        for ((file, label, category), [dev, held]) in &categories {
            let all = dev.merge(*held);
            let cell = |t: Tally| format!("{:.1}% of {}", pct(t.flagged, t.rows), t.rows);
            println!(
                "{:<44} {:>14} {:>14} {:>14}",
                format!("  {file} / {label} / {category}"),
                cell(*dev),
                cell(*held),
                cell(all)
            );
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "scanned {scanned} prompts ({:.1} MB) in {:.2} s; Guard::new took {:.0} ms",
        bytes as f64 / 1e6,
        secs,
        build_time.as_secs_f64() * 1e3
    );
}
