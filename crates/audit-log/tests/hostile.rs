//! Hostile log files through the public read-only verifiers: they must yield a finding or an
//! error, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use audit_log::{Checkpoint, Frontier, leaf_hash, tree_from_reader, verify_reader};
use time::OffsetDateTime;

fn entry_line(canonical: &str) -> String {
    let body = canonical.strip_suffix('}').unwrap();
    format!(
        "{body},\"h\":\"{}\"}}\n",
        hex::encode(leaf_hash(canonical.as_bytes()))
    )
}

/// A purge base at the largest sequence number followed by one entry: appending it to the
/// frontier would overflow the tree size.
#[test]
fn base_at_u64_max_is_refused_not_a_panic() {
    let size = u64::MAX;
    let nodes = vec![[7u8; 32]; size.count_ones() as usize];
    let root = {
        // The root of those nodes, as the verifier computes it.
        let mut acc = *nodes.last().unwrap();
        for left in nodes.iter().rev().skip(1) {
            acc = audit_log::node_hash(left, &acc);
        }
        acc
    };
    let cp = Checkpoint::new(
        "rampart-audit",
        size,
        root,
        OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
        None,
    );
    let base = serde_json::json!({"base": {
        "size": size,
        "frontier": nodes.iter().map(hex::encode).collect::<Vec<_>>(),
        "checkpoint": serde_json::from_str::<serde_json::Value>(&cp.to_json()).unwrap(),
    }});
    let canonical = format!(
        r#"{{"seq":{size},"time":"2023-11-14T22:13:20.000000Z","actor":{{"type":"user","id":"u"}},"action":"a","outcome":"success"}}"#
    );
    let log = format!("{base}\n{}", entry_line(&canonical));
    let verdict = verify_reader(log.as_bytes(), None, None);
    assert!(!matches!(verdict, Ok(ref v) if v.is_valid()), "{verdict:?}");
    assert!(tree_from_reader(log.as_bytes()).is_err());
    assert!(Frontier::from_parts(size, nodes).is_err());
}
