//! The SQLite and PostgreSQL sinks through the public API: append, indexed queries, verify
//! against SQL-level tampering, purge, and (PostgreSQL) many writers sharing one log.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![cfg(any(feature = "sqlite", feature = "postgres"))]

use std::sync::Arc;
use std::time::Duration;

use audit_log::sink::Sink;
use audit_log::{
    Actor, AuditLog, CheckpointSigner, Durability, Event, ManualClock, Outcome, Query, Tamper,
    Verification, actions,
};
use serde_json::json;
use time::OffsetDateTime;

fn event(i: u64) -> Event {
    Event::builder(
        Actor::user(format!("u{}", i % 3)),
        if i.is_multiple_of(2) {
            actions::API_KEY_CREATED
        } else {
            actions::AUTH_LOGIN
        },
        Outcome::Success,
    )
    .target(format!("t{i}"))
    .details(json!({"i": i, "password": "hunter2"}))
    .build()
    .unwrap()
}

/// Appends 20 events one simulated day apart, then checks queries, verification and purge.
fn exercise(sink: Box<dyn Sink>) {
    let start = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let key = [3u8; 32];
    let log = AuditLog::builder()
        .clock(clock.clone())
        .signer(CheckpointSigner::hmac(&key).unwrap())
        .durability(Durability::GroupCommit(Duration::from_millis(1)))
        .build(sink)
        .unwrap();
    for i in 0..20 {
        assert_eq!(log.append(event(i)).unwrap().seq, i);
        clock.advance(time::Duration::days(1));
        if i == 9 {
            log.checkpoint().unwrap();
        }
    }
    let page = log
        .query(&Query::new().actor("user", "u1").limit(3))
        .unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.seq()).collect::<Vec<_>>(),
        [1, 4, 7]
    );
    let page = log
        .query(
            &Query::new()
                .actor("user", "u1")
                .limit(3)
                .after(page.next.unwrap()),
        )
        .unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.seq()).collect::<Vec<_>>(),
        [10, 13, 16]
    );
    let logins = log
        .query(&Query::new().action("auth.*").limit(100))
        .unwrap();
    assert_eq!(logins.entries.len(), 10);
    let window = log
        .query(
            &Query::new()
                .from(start + time::Duration::days(5))
                .until(start + time::Duration::days(7)),
        )
        .unwrap();
    assert_eq!(
        window.entries.iter().map(|e| e.seq()).collect::<Vec<_>>(),
        [5, 6]
    );
    assert_eq!(
        log.query(&Query::new().target("t3")).unwrap().entries[0]
            .event()
            .details()["password"],
        "[redacted]"
    );
    let verifier = CheckpointSigner::hmac(&key).unwrap().verifier();
    match log.verify(Some(&verifier)).unwrap() {
        Verification::Valid {
            size, checkpointed, ..
        } => assert_eq!((size, checkpointed), (20, 10)),
        v => panic!("{v:?}"),
    }
    let report = log.purge_older_than(5).unwrap();
    assert_eq!((report.cut, report.removed), (15, 15));
    match log
        .verify_against(Some(&verifier), Some(&report.checkpoint))
        .unwrap()
    {
        Verification::Valid { size, first, .. } => assert_eq!((size, first), (21, 15)),
        v => panic!("{v:?}"),
    }
    let inc = log.inclusion_proof(17, 21).unwrap();
    let cp = log.checkpoint().unwrap();
    let leaf = audit_log::leaf_hash(
        &log.query(&Query::new().after(16).limit(1)).unwrap().entries[0].canonical_bytes(),
    );
    inc.verify(&leaf, cp.root()).unwrap();
}

fn expect_tampered(log: &AuditLog, seq: u64, reason: Tamper) {
    match log.verify(None).unwrap() {
        Verification::Tampered { seq: s, reason: r } => assert_eq!((s, r), (seq, reason)),
        v => panic!("expected tampering at {seq}, got {v:?}"),
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use audit_log::sink::sqlite::SqliteSink;

    #[test]
    fn sqlite_sink_appends_queries_verifies_and_purges() {
        let dir = tempfile::tempdir().unwrap();
        exercise(Box::new(
            SqliteSink::open(dir.path().join("audit.db")).unwrap(),
        ));
    }

    #[test]
    fn sqlite_tampering_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.db");
        {
            let log = AuditLog::builder()
                .build(Box::new(SqliteSink::open(&path).unwrap()))
                .unwrap();
            for i in 0..6 {
                log.append(event(i)).unwrap();
            }
        }
        let attack = |sql: &str| {
            SqliteSink::open(&path)
                .unwrap()
                .connection()
                .execute_batch(sql)
                .unwrap();
        };
        let reopen = || {
            AuditLog::builder()
                .build(Box::new(SqliteSink::open(&path).unwrap()))
                .unwrap()
        };
        // An UPDATE of an index column only (what a query would see).
        attack("UPDATE audit_entries SET outcome = 'failure' WHERE seq = 2");
        expect_tampered(&reopen(), 2, Tamper::Modified);
        attack("UPDATE audit_entries SET outcome = 'success' WHERE seq = 2");
        assert!(reopen().verify(None).unwrap().is_valid());
        // A rewrite of the canonical bytes.
        attack(
            "UPDATE audit_entries SET canonical = CAST(REPLACE(CAST(canonical AS TEXT), 't4', 't9') AS BLOB) WHERE seq = 4",
        );
        expect_tampered(&reopen(), 4, Tamper::Modified);
        // A deleted row.
        attack("DELETE FROM audit_entries WHERE seq = 1");
        expect_tampered(&reopen(), 1, Tamper::Missing);
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use audit_log::sink::postgres::PostgresSink;

    fn url() -> Option<String> {
        match std::env::var("RAMPART_POSTGRES_URL") {
            Ok(u) => Some(u),
            Err(_) => {
                println!("skipped: RAMPART_POSTGRES_URL not set");
                None
            }
        }
    }

    fn schema(name: &str) -> String {
        let mut r = [0u8; 6];
        getrandom::fill(&mut r).unwrap();
        format!("rampart_audit_{name}_{}", hex::encode(r))
    }

    #[test]
    fn postgres_sink_appends_queries_verifies_and_purges() {
        let Some(url) = url() else { return };
        let schema = schema("basic");
        exercise(Box::new(PostgresSink::connect(&url, &schema).unwrap()));
        PostgresSink::connect(&url, &schema)
            .unwrap()
            .drop_schema()
            .unwrap();
    }

    #[test]
    fn many_writers_share_one_consistent_log() {
        let Some(url) = url() else { return };
        let schema = schema("writers");
        // Create the tables once before the writers race.
        drop(PostgresSink::connect(&url, &schema).unwrap());
        let writers: Vec<_> = (0..4u64)
            .map(|w| {
                let (url, schema) = (url.clone(), schema.clone());
                std::thread::spawn(move || {
                    let log = AuditLog::builder()
                        .build(Box::new(PostgresSink::connect(&url, &schema).unwrap()))
                        .unwrap();
                    let pending: Vec<_> = (0..25)
                        .map(|i| log.submit(event(w * 100 + i)).unwrap())
                        .collect();
                    pending
                        .into_iter()
                        .map(|p| p.wait().unwrap().seq)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seqs: Vec<u64> = writers
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (0..100).collect::<Vec<_>>());
        let mut sink = PostgresSink::connect(&url, &schema).unwrap();
        // Tamper, then check it is caught.
        let sql = format!("UPDATE {schema}.audit_entries SET target = 'x' WHERE seq = 42");
        sink.client().batch_execute(&sql).unwrap();
        let log = AuditLog::builder().build(Box::new(sink)).unwrap();
        expect_tampered(&log, 42, Tamper::Modified);
        drop(log);
        PostgresSink::connect(&url, &schema)
            .unwrap()
            .drop_schema()
            .unwrap();
    }

    #[test]
    fn bad_schema_names_are_refused() {
        let Some(url) = url() else { return };
        assert!(PostgresSink::connect(&url, "x; DROP TABLE y").is_err());
        assert!(PostgresSink::connect(&url, "Upper").is_err());
    }
}
