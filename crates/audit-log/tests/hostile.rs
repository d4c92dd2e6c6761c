//! Hostile log files through the public read-only verifiers: they must yield a finding or an
//! error, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::signed_file_log;

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

/// Someone who can write the file but has no key drops the first entries of a signed log by
/// turning an ordinary signed checkpoint into a purge base (frontier recomputed from the entries
/// it replaces). Only a checkpoint signed as a purge cut may stand for a purged prefix.
#[test]
fn an_ordinary_checkpoint_cannot_serve_as_a_purge_base() {
    use audit_log::{Actor, CheckpointSigner, Event, Outcome, Verification, verify_file};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = [9u8; 32];
    let log = signed_file_log(&path, &key);
    let ev = |i: u32| {
        Event::builder(
            Actor::user(format!("u{i}")),
            "config.changed",
            Outcome::Success,
        )
        .build()
        .unwrap()
    };
    for i in 0..6 {
        log.append(ev(i)).unwrap();
    }
    let cp = log.checkpoint().unwrap();
    for i in 6..9 {
        log.append(ev(i)).unwrap();
    }
    let cp_after = log.checkpoint().unwrap();
    log.close().unwrap();
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    assert!(
        verify_file(&path, Some(&verifier), None)
            .unwrap()
            .is_valid()
    );

    let text = std::fs::read_to_string(&path).unwrap();
    let mut frontier = Frontier::new();
    let mut kept = String::new();
    let mut passed_cut = false;
    for line in text.lines() {
        if line.starts_with("{\"seq\":") && !passed_cut {
            let body = &line[..line.len() - 72];
            frontier.push(leaf_hash(format!("{body}}}").as_bytes()));
        } else if line.starts_with("{\"checkpoint\":") && !passed_cut {
            passed_cut = true;
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    assert_eq!(frontier.size(), cp.size());
    let base = serde_json::json!({"base": {
        "size": frontier.size(),
        "frontier": frontier.nodes().iter().map(hex::encode).collect::<Vec<_>>(),
        "checkpoint": serde_json::from_str::<serde_json::Value>(&cp.to_json()).unwrap(),
    }});
    std::fs::write(&path, format!("{base}\n{kept}")).unwrap();
    let verdict = verify_file(&path, Some(&verifier), Some(&cp_after)).unwrap();
    assert!(
        !matches!(verdict, Verification::Valid { .. }),
        "silently purged log verified: {verdict:?}"
    );
    // Flipping the flag on the ordinary checkpoint breaks its signature.
    let mut flagged: serde_json::Value = serde_json::from_str(&cp.to_json()).unwrap();
    flagged["purge"] = serde_json::Value::Bool(true);
    let base = serde_json::json!({"base": {
        "size": frontier.size(),
        "frontier": frontier.nodes().iter().map(hex::encode).collect::<Vec<_>>(),
        "checkpoint": flagged,
    }});
    std::fs::write(&path, format!("{base}\n{kept}")).unwrap();
    let verdict = verify_file(&path, Some(&verifier), Some(&cp_after)).unwrap();
    assert!(!verdict.is_valid(), "{verdict:?}");
}

/// Two logs signed with one key (say, one per tenant): the file of one must not verify as the
/// other, since the checkpoints name their origin.
#[test]
fn a_log_of_another_origin_does_not_verify_under_a_shared_key() {
    use audit_log::{Actor, AuditLog, CheckpointSigner, Event, Outcome};
    let dir = tempfile::tempdir().unwrap();
    let key = [5u8; 32];
    let make = |origin: &str, n: u32| {
        let path = dir.path().join(format!("{origin}.jsonl"));
        let log = AuditLog::builder()
            .origin(origin)
            .signer(CheckpointSigner::hmac(&key).unwrap())
            .open_file(&path)
            .unwrap();
        for i in 0..n {
            let ev = Event::builder(Actor::user(format!("u{i}")), "auth.login", Outcome::Success)
                .build()
                .unwrap();
            log.append(ev).unwrap();
        }
        log.checkpoint().unwrap();
        log.close().unwrap();
        path
    };
    let a = make("tenant-a", 5);
    let b = make("tenant-b", 2);
    std::fs::copy(&b, &a).unwrap();
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    let log = AuditLog::builder()
        .origin("tenant-a")
        .signer(CheckpointSigner::hmac(&key).unwrap())
        .open_file(&a)
        .unwrap();
    let verdict = log.verify(Some(&verifier)).unwrap();
    assert!(!verdict.is_valid(), "{verdict:?}");
    // The genuine log of that origin verifies.
    let log_b = AuditLog::builder()
        .origin("tenant-b")
        .open_file(&b)
        .unwrap();
    assert!(log_b.verify(Some(&verifier)).unwrap().is_valid());
}

/// Whoever carries an export to the auditor drops an awkward entry from the middle: every
/// remaining proof is genuine, but the range is no longer whole.
#[test]
fn an_export_with_an_entry_left_out_does_not_verify() {
    use audit_log::{Actor, CheckpointSigner, Event, Export, Outcome};
    let dir = tempfile::tempdir().unwrap();
    let key = [3u8; 32];
    let log = signed_file_log(dir.path().join("audit.jsonl"), &key);
    for i in 0..5 {
        let ev = Event::builder(Actor::user(format!("u{i}")), "auth.login", Outcome::Success)
            .build()
            .unwrap();
        log.append(ev).unwrap();
    }
    let export = log.export(0, 5).unwrap();
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    assert_eq!(export.verify(Some(&verifier)).unwrap().len(), 5);
    let mut json: serde_json::Value = serde_json::from_str(&export.to_json()).unwrap();
    json["entries"].as_array_mut().unwrap().remove(2);
    let cut = Export::from_json(&json.to_string()).unwrap();
    assert!(cut.verify(Some(&verifier)).is_err());
    let mut json: serde_json::Value = serde_json::from_str(&export.to_json()).unwrap();
    let first = json["entries"][0].clone();
    json["entries"].as_array_mut().unwrap().push(first);
    let repeated = Export::from_json(&json.to_string()).unwrap();
    assert!(repeated.verify(Some(&verifier)).is_err());
}

/// An entry whose details nest deeper than any event may: it must not verify while every read
/// of the log refuses it.
#[test]
fn an_entry_too_deep_to_read_does_not_verify() {
    let mut details = String::from("1");
    for _ in 0..(audit_log::MAX_DETAILS_DEPTH + 1) {
        details = format!("[{details}]");
    }
    let canonical = format!(
        r#"{{"seq":0,"time":"2023-11-14T22:13:20.000000Z","actor":{{"type":"user","id":"u"}},"action":"a","outcome":"success","details":{details}}}"#
    );
    assert!(audit_log::Entry::from_canonical(canonical.as_bytes()).is_err());
    let log = entry_line(&canonical);
    let verdict = verify_reader(log.as_bytes(), None, None).unwrap();
    assert!(!verdict.is_valid(), "{verdict:?}");
    // At the limit it is fine, and a bracket inside a string does not count.
    let mut details = String::from("\"[[[\\\"{{\"");
    for _ in 0..audit_log::MAX_DETAILS_DEPTH {
        details = format!("[{details}]");
    }
    let canonical = format!(
        r#"{{"seq":0,"time":"2023-11-14T22:13:20.000000Z","actor":{{"type":"user","id":"u"}},"action":"a","outcome":"success","details":{details}}}"#
    );
    assert!(audit_log::Entry::from_canonical(canonical.as_bytes()).is_ok());
    let log = entry_line(&canonical);
    assert!(
        verify_reader(log.as_bytes(), None, None)
            .unwrap()
            .is_valid()
    );
}

/// A second writer reaching the same log through a symlink must meet the writer lock.
#[cfg(unix)]
#[test]
fn a_symlink_does_not_bypass_the_writer_lock() {
    use audit_log::{AuditLog, Error};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let link = dir.path().join("link.jsonl");
    let _first = AuditLog::open(&path).unwrap();
    std::os::unix::fs::symlink(&path, &link).unwrap();
    assert!(matches!(AuditLog::open(&link), Err(Error::Locked)));
}
