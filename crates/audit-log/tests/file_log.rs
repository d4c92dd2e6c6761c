//! The file-backed log through its public API: append, query, verify against every kind of
//! tampering, checkpoints, proofs, export, retention, redaction, opt-out, locking, back-pressure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::signed_file_log;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use audit_log::{
    Actor, AuditLog, Checkpoint, CheckpointSigner, Durability, Error, Event, Export, ManualClock,
    Outcome, Query, REDACTED, Tamper, Verification, actions, leaf_hash, verify_file,
};
use proptest::prelude::*;
use serde_json::json;
use time::OffsetDateTime;

fn event(i: u64) -> Event {
    Event::builder(
        Actor::user(format!("u{}", i % 3)),
        if i.is_multiple_of(2) {
            actions::API_KEY_CREATED
        } else {
            actions::CONFIG_CHANGED
        },
        if i.is_multiple_of(5) {
            Outcome::Denied
        } else {
            Outcome::Success
        },
    )
    .target(format!("t{i}"))
    .request_id(format!("req-{i}"))
    .details(json!({"i": i, "api_key": "sk-live-secret", "note": "hello"}))
    .build()
    .unwrap()
}

fn fill(path: &Path, n: u64) {
    let log = AuditLog::builder()
        .durability(Durability::GroupCommit(Duration::from_millis(1)))
        .open_file(path)
        .unwrap();
    let pending: Vec<_> = (0..n).map(|i| log.submit(event(i)).unwrap()).collect();
    for (i, p) in pending.into_iter().enumerate() {
        assert_eq!(p.wait().unwrap().seq, i as u64);
    }
    log.close().unwrap();
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

fn tampered_at(path: &Path) -> (u64, Tamper) {
    match verify_file(path, None, None).unwrap() {
        Verification::Tampered { seq, reason } => (seq, reason),
        v => panic!("expected tampering, got {v:?}"),
    }
}

#[test]
fn appends_verify_and_redact_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    fill(&path, 10);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("sk-live-secret"));
    assert!(text.contains(REDACTED));
    match verify_file(&path, None, None).unwrap() {
        Verification::Valid { size, first, .. } => assert_eq!((size, first), (10, 0)),
        v => panic!("{v:?}"),
    }
    // Reopening continues the sequence.
    let log = AuditLog::open(&path).unwrap();
    assert_eq!(log.append(event(10)).unwrap().seq, 10);
    assert!(log.verify(None).unwrap().is_valid());
}

#[test]
fn verify_names_the_first_bad_sequence_for_each_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    fill(&path, 8);
    let original = lines(&path);

    // Modified: a value changed, hash left as is.
    let mut l = original.clone();
    l[3] = l[3]
        .replace("\"denied\"", "\"success\"")
        .replace("\"t3\"", "\"t33\"");
    write_lines(&path, &l);
    assert_eq!(tampered_at(&path), (3, Tamper::Modified));

    // Deleted.
    let mut l = original.clone();
    l.remove(5);
    write_lines(&path, &l);
    assert_eq!(tampered_at(&path), (5, Tamper::Missing));

    // Inserted (a duplicate of an earlier entry).
    let mut l = original.clone();
    l.insert(4, original[1].clone());
    write_lines(&path, &l);
    assert_eq!(tampered_at(&path), (4, Tamper::OutOfOrder));

    // Reordered.
    let mut l = original.clone();
    l.swap(2, 6);
    write_lines(&path, &l);
    assert_eq!(tampered_at(&path), (2, Tamper::Missing));

    // Torn last line.
    let mut text = original.join("\n");
    text.push('\n');
    text.push_str(&original[7][..20]);
    std::fs::write(&path, &text).unwrap();
    assert_eq!(tampered_at(&path), (8, Tamper::Malformed));

    // Garbage in the middle.
    let mut l = original.clone();
    l[1] = "not json".to_owned();
    write_lines(&path, &l);
    assert_eq!(tampered_at(&path), (1, Tamper::Malformed));

    // Truncated: only a checkpoint the auditor kept can tell.
    write_lines(&path, &original);
    let cp = {
        let log = AuditLog::open(&path).unwrap();
        log.checkpoint().unwrap()
    };
    let kept = lines(&path);
    write_lines(&path, &kept[..6]);
    assert!(verify_file(&path, None, None).unwrap().is_valid());
    match verify_file(&path, None, Some(&cp)).unwrap() {
        Verification::Tampered { seq, reason } => assert_eq!((seq, reason), (6, Tamper::Truncated)),
        v => panic!("{v:?}"),
    }
    write_lines(&path, &kept);
    assert!(verify_file(&path, None, Some(&cp)).unwrap().is_valid());

    // A writer refuses to extend a tampered log.
    let mut l = original.clone();
    l[2] = l[2].replace("hello", "HELLO");
    write_lines(&path, &l);
    assert!(matches!(
        AuditLog::open(&path),
        Err(Error::Tampered { seq: 2 })
    ));
}

#[test]
fn a_consistent_rewrite_is_caught_by_the_signed_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = [42u8; 32];
    let log = signed_file_log(&path, &key);
    for i in 0..6 {
        log.append(event(i)).unwrap();
    }
    let cp = log.checkpoint().unwrap();
    log.append(event(6)).unwrap();
    drop(log);
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    match verify_file(&path, Some(&verifier), None).unwrap() {
        Verification::Valid {
            size, checkpointed, ..
        } => assert_eq!((size, checkpointed), (7, 6)),
        v => panic!("{v:?}"),
    }
    assert_eq!(cp.size(), 6);

    // Rewrite entry 4 and recompute its stored hash, as an attacker without the key would.
    let mut l = lines(&path);
    let body = l[4].replace("\"t4\"", "\"t44\"");
    let canonical = format!("{}}}", &body[..body.len() - 72]);
    let hash = hex::encode(leaf_hash(canonical.as_bytes()));
    l[4] = format!("{},\"h\":\"{hash}\"}}", &body[..body.len() - 72]);
    write_lines(&path, &l);
    match verify_file(&path, Some(&verifier), None).unwrap() {
        Verification::Tampered { seq, reason } => {
            assert_eq!(reason, Tamper::BadCheckpoint);
            assert!(seq <= 4);
        }
        v => panic!("{v:?}"),
    }
}

#[test]
fn query_filters_and_paginates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let start = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let log = AuditLog::builder()
        .clock(clock.clone())
        .durability(Durability::PerEvent)
        .open_file(&path)
        .unwrap();
    for i in 0..30 {
        log.append(event(i)).unwrap();
        clock.advance(time::Duration::minutes(1));
    }
    let page = log
        .query(&Query::new().actor("user", "u1").limit(4))
        .unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.seq()).collect::<Vec<_>>(),
        [1, 4, 7, 10]
    );
    let next = log
        .query(
            &Query::new()
                .actor("user", "u1")
                .limit(4)
                .after(page.next.unwrap()),
        )
        .unwrap();
    assert_eq!(next.entries[0].seq(), 13);
    let all: Vec<u64> = log
        .query(&Query::new().actor("user", "u1").limit(1000))
        .unwrap()
        .entries
        .iter()
        .map(|e| e.seq())
        .collect();
    assert_eq!(all.len(), 10);
    let denied = log.query(&Query::new().outcome(Outcome::Denied)).unwrap();
    assert_eq!(denied.entries.len(), 6);
    let window = log
        .query(
            &Query::new()
                .from(start + time::Duration::minutes(10))
                .until(start + time::Duration::minutes(13))
                .action("api_key.*"),
        )
        .unwrap();
    assert_eq!(
        window.entries.iter().map(|e| e.seq()).collect::<Vec<_>>(),
        [10, 12]
    );
    let target = log.query(&Query::new().target("t7")).unwrap();
    assert_eq!(target.entries.len(), 1);
    assert_eq!(target.entries[0].event().details()["api_key"], REDACTED);
    assert_eq!(target.next, None);
}

#[test]
fn purge_keeps_the_rest_verifiable_and_records_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let start = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let key = [7u8; 32];
    let log = AuditLog::builder()
        .clock(clock.clone())
        .signer(CheckpointSigner::hmac(&key).unwrap())
        .open_file(&path)
        .unwrap();
    for i in 0..20 {
        log.append(event(i)).unwrap();
        clock.advance(time::Duration::days(1));
    }
    let before = log.checkpoint().unwrap();
    // Now is day 20; older than 7 days = entries of days 0..=12.
    let report = log.purge_older_than(7).unwrap();
    assert_eq!((report.cut, report.removed), (13, 13));
    assert_eq!(report.receipt.seq, 20);
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    match log
        .verify_against(Some(&verifier), Some(&report.checkpoint))
        .unwrap()
    {
        Verification::Valid { size, first, .. } => assert_eq!((size, first), (21, 13)),
        v => panic!("{v:?}"),
    }
    // The root at 20 is unchanged, and proofs for retained entries still work.
    let proof = log.consistency_proof(before.size(), 21).unwrap();
    let after = log.checkpoint().unwrap();
    proof.verify(before.root(), after.root()).unwrap();
    let inc = log.inclusion_proof(15, 21).unwrap();
    inc.verify(&log_leaf(&log, 15), after.root()).unwrap();
    assert!(matches!(
        log.inclusion_proof(3, 21),
        Err(Error::Purged { seq: 3 })
    ));
    let purged = log
        .query(&Query::new().action(actions::AUDIT_PURGED))
        .unwrap();
    assert_eq!(purged.entries.len(), 1);
    assert_eq!(purged.entries[0].event().details()["removed"], 13);
    drop(log);
    // The purged file reopens and verifies read-only too.
    assert!(
        verify_file(&path, Some(&verifier), None)
            .unwrap()
            .is_valid()
    );
    let log = AuditLog::open(&path).unwrap();
    assert_eq!(log.append(event(99)).unwrap().seq, 21);
}

fn log_leaf(log: &AuditLog, seq: u64) -> [u8; 32] {
    let page = log.query(&Query::new().after(seq - 1).limit(1)).unwrap();
    leaf_hash(&page.entries[0].canonical_bytes())
}

#[test]
fn export_carries_proofs_an_auditor_can_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = [9u8; 32];
    let log = signed_file_log(&path, &key);
    for i in 0..12 {
        log.append(event(i)).unwrap();
    }
    let export = log.export(3, 7).unwrap();
    let json = export.to_json();
    let back = Export::from_json(&json).unwrap();
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    let entries = back.verify(Some(&verifier)).unwrap();
    assert_eq!(
        entries.iter().map(|e| e.seq()).collect::<Vec<_>>(),
        [3, 4, 5, 6]
    );
    let forged = Export::from_json(&json.replacen("t4", "t9", 1)).unwrap();
    assert!(forged.verify(Some(&verifier)).is_err());
    let wrong_key = CheckpointSigner::hmac(&[1u8; 32]).unwrap().verifier();
    assert!(matches!(
        back.verify(Some(&wrong_key)),
        Err(Error::BadSignature)
    ));
    assert!(Export::from_json("{\"entries\":[]}").is_err());
    let cp = Checkpoint::from_json(&back.checkpoint.to_json()).unwrap();
    assert_eq!(cp.size(), 12);
}

#[test]
fn opted_out_actors_keep_only_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::builder()
        .no_log_actor(&Actor::user("u1"))
        .open_file(&path)
        .unwrap();
    let e = Event::builder(
        Actor::user("u1"),
        actions::MCP_TOOL_CALLED,
        Outcome::Success,
    )
    .ip("198.51.100.4".parse().unwrap())
    .user_agent("agent/1")
    .target("tool:search")
    .details(json!({"prompt": "private words"}))
    .build()
    .unwrap();
    log.append(e.clone()).unwrap();
    log.set_no_log(&Actor::user("u1"), false);
    log.append(e).unwrap();
    let page = log.query(&Query::new()).unwrap();
    let first = page.entries[0].event();
    assert!(first.is_metadata_only());
    assert!(first.details().is_null() && first.ip().is_none() && first.user_agent().is_none());
    assert_eq!(first.target(), Some("tool:search"));
    assert_eq!(page.entries[1].event().details()["prompt"], "private words");
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .contains("private")
    );
}

#[test]
fn a_second_writer_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path).unwrap();
    assert!(matches!(AuditLog::open(&path), Err(Error::Locked)));
    drop(log);
    assert!(AuditLog::open(&path).is_ok());
}

#[test]
fn a_torn_last_line_is_cut_on_open_never_read_as_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    fill(&path, 3);
    let mut text = std::fs::read_to_string(&path).unwrap();
    let whole = text.len();
    text.push_str("{\"seq\":3,\"time\":\"2026-");
    std::fs::write(&path, &text).unwrap();
    let log = AuditLog::open(&path).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), whole as u64);
    assert_eq!(log.append(event(3)).unwrap().seq, 3);
    assert!(log.verify(None).unwrap().is_valid());
}

#[test]
fn back_pressure_and_nothing_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::builder()
        .queue_capacity(2)
        .max_batch(2)
        .durability(Durability::GroupCommit(Duration::from_millis(20)))
        .open_file(&path)
        .unwrap();
    // try_submit refuses when the queue is full instead of dropping silently.
    let mut pending = Vec::new();
    let mut refused = 0;
    for i in 0..50 {
        match log.try_submit(event(i)) {
            Ok(p) => pending.push(p),
            Err(Error::QueueFull) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(refused > 0);
    let accepted = pending.len() as u64;
    let seqs: Vec<u64> = pending.into_iter().map(|p| p.wait().unwrap().seq).collect();
    assert_eq!(seqs, (0..accepted).collect::<Vec<_>>());
    // submit blocks instead, so every event lands.
    let log = Arc::new(log);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                (0..25)
                    .map(|i| log.append(event(t * 100 + i)).unwrap().seq)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort_unstable();
    assert_eq!(all, (accepted..accepted + 100).collect::<Vec<_>>());
    match log.verify(None).unwrap() {
        Verification::Valid { size, .. } => assert_eq!(size, accepted + 100),
        v => panic!("{v:?}"),
    }
}

#[test]
fn invalid_events_and_configuration_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    assert!(matches!(
        AuditLog::builder().queue_capacity(0).open_file(&path),
        Err(Error::Config(_))
    ));
    let log = AuditLog::open(&path).unwrap();
    let huge = json!({"blob": "x".repeat(audit_log::MAX_DETAILS_LEN)});
    let e = Event::builder(Actor::user("u"), "a.b", Outcome::Success)
        .details(huge)
        .build()
        .unwrap();
    assert!(matches!(
        log.append(e),
        Err(Error::InvalidEvent {
            field: "details",
            ..
        })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Any single-byte change anywhere in the file is detected (or refused as malformed).
    #[test]
    fn any_byte_flip_is_detected(pos in 0usize..10_000, bit in 0u8..8) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        fill(&path, 5);
        let mut bytes = std::fs::read(&path).unwrap();
        let pos = pos % bytes.len();
        bytes[pos] ^= 1 << bit;
        std::fs::write(&path, &bytes).unwrap();
        let v = verify_file(&path, None, None);
        prop_assert!(!matches!(v, Ok(Verification::Valid { .. })), "flip at {pos} undetected");
    }
}

#[test]
fn signed_checkpoints_are_written_every_n_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = [5u8; 32];
    let log = AuditLog::builder()
        .signer(CheckpointSigner::hmac(&key).unwrap())
        .checkpoint_every(4)
        .durability(Durability::PerEvent)
        .open_file(&path)
        .unwrap();
    for i in 0..10 {
        log.append(event(i)).unwrap();
    }
    drop(log);
    let checkpoints = lines(&path)
        .iter()
        .filter(|l| l.starts_with("{\"checkpoint\""))
        .count();
    assert_eq!(checkpoints, 2);
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    match verify_file(&path, Some(&verifier), None).unwrap() {
        Verification::Valid { checkpointed, .. } => assert_eq!(checkpointed, 8),
        v => panic!("{v:?}"),
    }
}
