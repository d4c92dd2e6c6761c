//! audit-log against what a service would otherwise write: a hand-rolled JSON-lines file with
//! one fsync per batch, and OmniRoute's plain `audit_log` table in SQLite / PostgreSQL (no
//! tamper evidence). Then verification of one million entries and proofs at one million.
//!
//! Run: `cargo bench -p rampart-benches --bench audit_log -- --warm-up-time 1 --measurement-time 3`
//! (PostgreSQL groups run when RAMPART_POSTGRES_URL is set).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use audit_log::sink::Sink;
use audit_log::sink::file::FileSink;
use audit_log::sink::sqlite::SqliteSink;
use audit_log::{Actor, AuditLog, Durability, Event, MerkleTree, Outcome, actions, leaf_hash};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};

const BATCH: u64 = 10_000;

fn event(i: u64) -> Event {
    Event::builder(
        Actor::user(format!("user_{}", i % 97)),
        actions::API_KEY_CREATED,
        Outcome::Success,
    )
    .target(format!("key_{i}"))
    .request_id(format!("req-{i}"))
    .ip("203.0.113.9"
        .parse()
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])))
    .details(serde_json::json!({"scopes": ["read", "write"], "plan": "pro", "n": i}))
    .build()
    .unwrap_or_else(|_| unreachable!())
}

fn peer_json(i: u64) -> serde_json::Value {
    serde_json::json!({"time": "2026-11-23T10:00:00.000000Z", "actor": format!("user_{}", i % 97),
        "action": "api_key.created", "target": format!("key_{i}"), "outcome": "success",
        "request_id": format!("req-{i}"), "ip": "203.0.113.9",
        "details": {"scopes": ["read", "write"], "plan": "pro", "n": i}})
}

/// Submits BATCH events and waits for every acknowledgement.
fn pump(log: &AuditLog, start: u64) {
    let pending: Vec<_> = (start..start + BATCH)
        .filter_map(|i| log.submit(event(i)).ok())
        .collect();
    for p in pending {
        black_box(p.wait().ok());
    }
}

fn appends(c: &mut Criterion) {
    let mut g = c.benchmark_group("audit_log/append_10k");
    g.throughput(Throughput::Elements(BATCH));
    g.sample_size(10);
    let dir = tempfile::tempdir().unwrap_or_else(|_| unreachable!());

    // Ours: file sink, group commit every 2 ms (batches of up to 1024, one fsync each).
    let path = dir.path().join("ours.jsonl");
    let log = AuditLog::builder()
        .durability(Durability::GroupCommit(Duration::from_millis(2)))
        .open_file(&path)
        .unwrap_or_else(|_| unreachable!());
    let mut n = 0;
    g.bench_function("file_group_commit", |b| {
        b.iter(|| {
            pump(&log, n);
            n += BATCH;
        })
    });
    drop(log);

    // Peer: serde_json lines, one write + fsync per 1024 events, no hashing.
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.path().join("peer.jsonl"))
        .unwrap_or_else(|_| unreachable!());
    g.bench_function("peer_jsonl_fsync_per_1024", |b| {
        b.iter(|| {
            let mut buf = Vec::with_capacity(1 << 20);
            for i in 0..BATCH {
                serde_json::to_writer(&mut buf, &peer_json(i)).ok();
                buf.push(b'\n');
                if (i + 1) % 1024 == 0 || i + 1 == BATCH {
                    file.write_all(&buf).ok();
                    file.sync_data().ok();
                    buf.clear();
                }
            }
        })
    });

    // Ours: SQLite sink (WAL, synchronous=FULL, one transaction per batch).
    let sqlite = SqliteSink::open(dir.path().join("ours.db")).unwrap_or_else(|_| unreachable!());
    let log = AuditLog::builder()
        .durability(Durability::GroupCommit(Duration::from_millis(2)))
        .build(Box::new(sqlite))
        .unwrap_or_else(|_| unreachable!());
    let mut n = 0;
    g.bench_function("sqlite", |b| {
        b.iter(|| {
            pump(&log, n);
            n += BATCH;
        })
    });
    drop(log);

    // Peer: OmniRoute-style audit_log table, same pragmas, one transaction per 1024 rows.
    let conn =
        rusqlite::Connection::open(dir.path().join("peer.db")).unwrap_or_else(|_| unreachable!());
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .ok();
    conn.pragma_update(None, "synchronous", "FULL").ok();
    conn.execute_batch(
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT, actor TEXT, action TEXT, target TEXT, outcome TEXT, details TEXT)",
    )
    .ok();
    let mut conn = conn;
    g.bench_function("peer_sqlite_table", |b| {
        b.iter(|| {
            let mut i = 0;
            while i < BATCH {
                let Ok(tx) = conn.transaction() else { return };
                for j in i..(i + 1024).min(BATCH) {
                    let v = peer_json(j);
                    tx.execute(
                        "INSERT INTO audit_log (time, actor, action, target, outcome, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        rusqlite::params![v["time"].as_str(), v["actor"].as_str(), v["action"].as_str(), v["target"].as_str(), v["outcome"].as_str(), v["details"].to_string()],
                    )
                    .ok();
                }
                tx.commit().ok();
                i += 1024;
            }
        })
    });

    // PostgreSQL, when a server is configured.
    if let Ok(url) = std::env::var("RAMPART_POSTGRES_URL") {
        let schema = format!("rampart_audit_bench_{}", std::process::id());
        if let Ok(sink) = audit_log::sink::postgres::PostgresSink::connect(&url, &schema) {
            let log = AuditLog::builder()
                .durability(Durability::GroupCommit(Duration::from_millis(2)))
                .build(Box::new(sink))
                .unwrap_or_else(|_| unreachable!());
            let mut n = 0;
            g.bench_function("postgres", |b| {
                b.iter(|| {
                    pump(&log, n);
                    n += BATCH;
                })
            });
            drop(log);
            if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
                client.batch_execute(&format!(
                    "CREATE TABLE {schema}.peer_audit_log (id BIGSERIAL PRIMARY KEY, time TEXT, actor TEXT, action TEXT, target TEXT, outcome TEXT, details TEXT)"
                ))
                .ok();
                let sql = format!(
                    "INSERT INTO {schema}.peer_audit_log (time, actor, action, target, outcome, details) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])"
                );
                g.bench_function("peer_postgres_table", |b| {
                    b.iter(|| {
                        let mut i = 0;
                        while i < BATCH {
                            let rows: Vec<serde_json::Value> =
                                (i..(i + 1024).min(BATCH)).map(peer_json).collect();
                            let col = |k: &str| {
                                rows.iter()
                                    .map(|v| v[k].as_str().unwrap_or("").to_owned())
                                    .collect::<Vec<String>>()
                            };
                            let details: Vec<String> =
                                rows.iter().map(|v| v["details"].to_string()).collect();
                            client
                                .execute(
                                    &sql,
                                    &[
                                        &col("time"),
                                        &col("actor"),
                                        &col("action"),
                                        &col("target"),
                                        &col("outcome"),
                                        &details,
                                    ],
                                )
                                .ok();
                            i += 1024;
                        }
                    })
                });
                client
                    .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                    .ok();
            }
        }
    } else {
        eprintln!("skipped: RAMPART_POSTGRES_URL not set (PostgreSQL groups)");
    }
    g.finish();
}

const MILLION: u64 = 1_000_000;

/// Writes a log of one million entries (no fsync: only the file content matters here).
fn million_log(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("million.jsonl");
    let mut sink = FileSink::open(&path)
        .unwrap_or_else(|_| unreachable!())
        .without_fsync();
    let now = time::OffsetDateTime::now_utc();
    let mut i = 0;
    while i < MILLION {
        let events: Vec<Event> = (i..i + 10_000).map(event).collect();
        sink.append(&events, now).ok();
        i += 10_000;
    }
    path
}

fn verification(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|_| unreachable!());
    let t0 = Instant::now();
    let path = million_log(dir.path());
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("built a 1M-entry log ({bytes} bytes) in {:?}", t0.elapsed());
    let mut g = c.benchmark_group("audit_log/verify_1m");
    g.throughput(Throughput::Elements(MILLION));
    g.sample_size(10);
    g.bench_function("verify_file", |b| {
        b.iter(|| black_box(audit_log::verify_file(&path, None, None).ok()))
    });
    // Peer: parse every line with serde_json and SHA-256 it (a hand-rolled hash check).
    g.bench_function("peer_parse_and_sha256", |b| {
        b.iter(|| {
            let Ok(file) = std::fs::File::open(&path) else {
                return 0;
            };
            let mut n = 0u64;
            for line in BufReader::with_capacity(1 << 18, file).lines() {
                let Ok(line) = line else { break };
                let v: Option<serde_json::Value> = serde_json::from_str(&line).ok();
                black_box((v, Sha256::digest(line.as_bytes())));
                n += 1;
            }
            black_box(n)
        })
    });
    g.finish();
}

fn proofs(c: &mut Criterion) {
    let mut tree = MerkleTree::new();
    let t0 = Instant::now();
    for i in 0..MILLION {
        tree.push(leaf_hash(&i.to_be_bytes()));
    }
    eprintln!("built a 1M-leaf tree in {:?}", t0.elapsed());
    let root = tree.root().unwrap_or_else(|_| unreachable!());
    let index = 765_432;
    let inclusion = tree
        .inclusion_proof(index, MILLION)
        .unwrap_or_else(|_| unreachable!());
    let consistency = tree
        .consistency_proof(654_321, MILLION)
        .unwrap_or_else(|_| unreachable!());
    let old_root = tree.root_at(654_321).unwrap_or_else(|_| unreachable!());
    eprintln!(
        "proof sizes at 1M: inclusion {} nodes ({} bytes), consistency 654321->1M {} nodes ({} bytes)",
        inclusion.path.len(),
        inclusion.path.len() * 32,
        consistency.path.len(),
        consistency.path.len() * 32
    );
    let leaf = leaf_hash(&index.to_be_bytes());
    let mut g = c.benchmark_group("audit_log/proofs_1m");
    g.bench_function("inclusion_prove", |b| {
        b.iter(|| black_box(tree.inclusion_proof(black_box(index), MILLION).ok()))
    });
    g.bench_function("inclusion_verify", |b| {
        b.iter(|| black_box(inclusion.verify(&leaf, &root).is_ok()))
    });
    g.bench_function("consistency_prove", |b| {
        b.iter(|| black_box(tree.consistency_proof(black_box(654_321), MILLION).ok()))
    });
    g.bench_function("consistency_verify", |b| {
        b.iter(|| black_box(consistency.verify(&old_root, &root).is_ok()))
    });
    g.bench_function("frontier_push_1k", |b| {
        b.iter_batched(
            audit_log::Frontier::new,
            |mut f| {
                for i in 0..1000u64 {
                    f.push(leaf_hash(&i.to_be_bytes()));
                }
                black_box(f.root())
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, appends, verification, proofs);
criterion_main!(benches);
