//! Crash test: a child process appends events to a file log and prints each acknowledgement;
//! the parent kills it with SIGKILL at a random moment, many times over, and after each kill
//! checks that every acknowledged event is present with its content and that the log verifies.
//!
//! The child is this same test binary, re-run with `AUDIT_CRASH_CHILD` set to the log path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use audit_log::{Actor, AuditLog, Durability, Event, Outcome, Query, Verification};

const CHILD_ENV: &str = "AUDIT_CRASH_CHILD";

/// The child: appends until killed, printing `counter seq` once each event is durable.
#[test]
fn crash_child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return; // Only runs as the child.
    };
    let per_event = std::env::var("AUDIT_CRASH_PER_EVENT").is_ok();
    let log = AuditLog::builder()
        .durability(if per_event {
            Durability::PerEvent
        } else {
            Durability::GroupCommit(Duration::from_millis(1))
        })
        .open_file(&path)
        .unwrap();
    let start: u64 = std::env::var("AUDIT_CRASH_START").unwrap().parse().unwrap();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut pending = std::collections::VecDeque::new();
    for counter in start.. {
        let event = Event::builder(Actor::user("crash"), "crash.test", Outcome::Success)
            .target(format!("n{counter}"))
            .details(serde_json::json!({"counter": counter, "pad": "x".repeat((counter % 200) as usize)}))
            .build()
            .unwrap();
        pending.push_back((counter, log.submit(event).unwrap()));
        // Keep up to 64 in flight so group commit batches them.
        while pending.len() > 64 || pending.front_mut().is_some_and(|(_, p)| p.poll()) {
            let (c, p) = pending.pop_front().unwrap();
            let receipt = p.wait().unwrap();
            writeln!(out, "{c} {}", receipt.seq).unwrap();
            out.flush().unwrap();
        }
    }
}

fn random_below(n: u64) -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    u64::from_le_bytes(b) % n
}

#[test]
fn every_acknowledged_event_survives_sigkill() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let exe = std::env::current_exe().unwrap();
    let mut acked: Vec<(u64, u64)> = Vec::new();
    let mut next_counter = 0u64;
    let rounds = 25;
    for round in 0..rounds {
        let mut cmd = Command::new(&exe);
        cmd.args([
            "--exact",
            "crash_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .env("AUDIT_CRASH_START", next_counter.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        if round % 3 == 0 {
            cmd.env("AUDIT_CRASH_PER_EVENT", "1");
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        // Read acks on a thread while the child runs; kill at a random moment.
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let mut parts = line.split(' ');
                if let (Some(Ok(c)), Some(Ok(s))) = (
                    parts.next().map(str::parse::<u64>),
                    parts.next().map(str::parse::<u64>),
                ) {
                    acks.push((c, s));
                }
            }
            acks
        });
        let delay = Duration::from_millis(20 + random_below(120));
        let t0 = Instant::now();
        while t0.elapsed() < delay {
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL on Unix.
        child.wait().unwrap();
        let acks = reader.join().unwrap();
        acked.extend(&acks);
        if let Some((c, _)) = acks.last() {
            next_counter = c + 1_000_000; // Distinguish unacknowledged leftovers.
        } else {
            next_counter += 1_000_000;
        }

        // Recovery: open for writing (cuts a torn line), then every ack must be there.
        let log = AuditLog::open(&path).unwrap();
        let size = match log.verify(None).unwrap() {
            Verification::Valid { size, .. } => size,
            v => panic!("round {round}: {v:?}"),
        };
        for &(_, seq) in &acked {
            assert!(
                seq < size,
                "round {round}: acked seq {seq} missing (size {size})"
            );
        }
        // Spot-check content of this round's acks.
        for &(counter, seq) in acks.iter().rev().take(5) {
            let query = match seq {
                0 => Query::new().limit(1),
                s => Query::new().after(s - 1).limit(1),
            };
            let entry = log.query(&query).unwrap().entries.remove(0);
            assert_eq!(entry.seq(), seq);
            assert_eq!(entry.event().target(), Some(format!("n{counter}").as_str()));
        }
        drop(log);
    }
    assert!(!acked.is_empty(), "the child never acknowledged anything");
    // Sequence numbers were never given out twice.
    let mut seqs: Vec<u64> = acked.iter().map(|a| a.1).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), acked.len());
}
