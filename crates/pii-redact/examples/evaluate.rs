//! Precision and recall per entity on the Presidio research synthetic set and on the 32
//! OmniRoute cases.
//!
//! `cargo run --release -p pii-redact --example evaluate [-- --errors]`
//!
//! Presidio: a prediction is a true positive when it overlaps a gold span of the same entity
//! (one-to-one); offsets are converted from bytes to characters. "exact" counts only identical
//! spans. Only in-scope types are scored: CREDIT_CARD, PHONE_NUMBER, EMAIL_ADDRESS, IBAN_CODE,
//! US_SSN, IP_ADDRESS. Predictions of other entities are listed separately.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use pii_redact::{Entity, Redactor};

#[derive(Default)]
struct Score {
    tp: usize,
    exact: usize,
    fp: usize,
    fn_: usize,
}

fn map(t: &str) -> Option<Entity> {
    Some(match t {
        "CREDIT_CARD" => Entity::CreditCard,
        "PHONE_NUMBER" => Entity::Phone,
        "EMAIL_ADDRESS" => Entity::Email,
        "IBAN_CODE" => Entity::Iban,
        "US_SSN" => Entity::Ssn,
        "IP_ADDRESS" => Entity::IpAddress,
        _ => return None,
    })
}

fn main() {
    let show = std::env::args().any(|a| a == "--errors");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");
    let r = Redactor::new();

    let path = format!("{root}/data/pii/presidio_research_synth_dataset_v2.jsonl");
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let mut other: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = 0;
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        rows += 1;
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let gold: Vec<(Entity, usize, usize, String)> = v["spans"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| {
                Some((
                    map(s["entity_type"].as_str()?)?,
                    s["start"].as_u64()? as usize,
                    s["end"].as_u64()? as usize,
                    s["value"].as_str()?.to_owned(),
                ))
            })
            .collect();
        let char_at = |b: usize| text[..b].chars().count();
        let preds: Vec<(Entity, usize, usize)> = r
            .detect(text)
            .into_iter()
            .map(|f| (f.entity, char_at(f.start), char_at(f.end)))
            .collect();
        let mut used = vec![false; gold.len()];
        for (e, s, en) in &preds {
            let hit = gold
                .iter()
                .enumerate()
                .find(|(i, (ge, gs, gend, _))| !used[*i] && ge == e && s < gend && gs < en);
            let in_scope = map_back(e);
            match hit {
                Some((i, (_, gs, gend, _))) => {
                    used[i] = true;
                    let sc = scores.entry(e.name().to_owned()).or_default();
                    sc.tp += 1;
                    if gs == s && gend == en {
                        sc.exact += 1;
                    } else if show {
                        let pv: String = text.chars().skip(*s).take(en - s).collect();
                        println!("  span {}: gold {:?} got {:?}", e.name(), gold[i].3, pv);
                    }
                }
                None if in_scope => {
                    scores.entry(e.name().to_owned()).or_default().fp += 1;
                    if show {
                        let pv: String = text.chars().skip(*s).take(en - s).collect();
                        println!("  FP {}: {:?} in {:?}", e.name(), pv, text);
                    }
                }
                None => *other.entry(e.name().to_owned()).or_default() += 1,
            }
        }
        for (i, (e, _, _, val)) in gold.iter().enumerate() {
            if !used[i] {
                scores.entry(e.name().to_owned()).or_default().fn_ += 1;
                if show {
                    println!("  FN {}: {:?} in {:?}", e.name(), val, text);
                }
            }
        }
    }
    println!("Presidio research synth_dataset_v2 ({rows} rows; overlap match, exact in brackets)");
    print_table(&scores);
    if !other.is_empty() {
        println!("  other predictions (no gold type in this set): {other:?}");
    }

    // OmniRoute: expected outputs are ours (tests/data/omniroute_expected.json).
    let vec_path = format!("{root}/vectors/omniroute/pii_redaction.json");
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&vec_path).unwrap()).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../tests/data/omniroute_expected.json")).unwrap();
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let mut exact_outputs = 0;
    let cases = vectors["cases"].as_array().unwrap();
    for exp in expected["cases"].as_array().unwrap() {
        let id = exp["id"].as_str().unwrap();
        let case = cases.iter().find(|c| c["id"] == id).unwrap();
        let text = case["text"].as_str().unwrap();
        let want: Vec<String> = exp["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_owned())
            .collect();
        let (out, found) = r.redact_with_findings(text);
        if out == exp["expected"].as_str().unwrap() {
            exact_outputs += 1;
        } else if show {
            println!("  omniroute {id}: got {out:?}");
        }
        let got: Vec<String> = found.iter().map(|f| f.entity.name().to_owned()).collect();
        let mut left = want.clone();
        for g in &got {
            if let Some(p) = left.iter().position(|w| w == g) {
                left.remove(p);
                scores.entry(g.clone()).or_default().tp += 1;
                scores.entry(g.clone()).or_default().exact += 1;
            } else {
                scores.entry(g.clone()).or_default().fp += 1;
            }
        }
        for w in left {
            scores.entry(w).or_default().fn_ += 1;
        }
    }
    println!(
        "OmniRoute pii_redaction.json (32 cases; {exact_outputs}/32 outputs exactly as expected)"
    );
    print_table(&scores);
}

fn map_back(e: &Entity) -> bool {
    matches!(
        e,
        Entity::CreditCard
            | Entity::Phone
            | Entity::Email
            | Entity::Iban
            | Entity::Ssn
            | Entity::IpAddress
    )
}

fn print_table(scores: &BTreeMap<String, Score>) {
    println!(
        "  {:<12} {:>5} {:>5} {:>5} {:>10} {:>8} {:>7}",
        "entity", "tp", "fp", "fn", "precision", "recall", "exact"
    );
    for (name, s) in scores {
        let p = if s.tp + s.fp == 0 {
            1.0
        } else {
            s.tp as f64 / (s.tp + s.fp) as f64
        };
        let r = if s.tp + s.fn_ == 0 {
            1.0
        } else {
            s.tp as f64 / (s.tp + s.fn_) as f64
        };
        println!(
            "  {:<12} {:>5} {:>5} {:>5} {:>10.3} {:>8.3} {:>7}",
            name, s.tp, s.fp, s.fn_, p, r, s.exact
        );
    }
}
