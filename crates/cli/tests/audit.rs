//! Runs `rampart audit` as an operator would: append from stdin, verify clean and tampered
//! logs, checkpoints with keys, proofs, export, purge, and malformed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const HMAC_KEY: &str = "hmac:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn rampart(args: &[&str], stdin: &str, key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("RAMPART_AUDIT_KEY");
    if let Some(k) = key {
        cmd.env("RAMPART_AUDIT_KEY", k);
    }
    let mut child = cmd.spawn().unwrap();
    // A child that refuses its input (bad key, locked log) may exit before reading it: a
    // broken pipe here is part of that outcome, not a test failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn stdout_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn events(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"actor\":\"user:u{i}\",\"action\":\"api_key.revoked\",\"target\":\"key_{i}\",\"outcome\":\"success\",\"details\":{{\"token\":\"secret-{i}\",\"n\":{i}}}}}\n"
            )
        })
        .collect()
}

fn append(log: &Path, n: usize, key: Option<&str>) {
    append_from(log, n, 0, key);
}

fn append_from(log: &Path, n: usize, first: usize, key: Option<&str>) {
    let out = rampart(
        &["audit", "append", "--log", log.to_str().unwrap()],
        &events(n),
        key,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let acks = stdout_lines(&out);
    assert_eq!(acks.len(), n);
    for (i, ack) in acks.iter().enumerate() {
        assert_eq!(ack["line"], i + 1);
        assert_eq!(ack["seq"], first + i);
    }
}

#[test]
fn append_acks_every_event_and_verify_passes() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    append(&log, 5, None);
    append_from(&log, 2, 5, None);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("secret-1"),
        "the token value must be redacted"
    );
    let out = rampart(
        &["audit", "verify", "--log", log.to_str().unwrap()],
        "",
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = &stdout_lines(&out)[0];
    assert_eq!(v["valid"], true);
    assert_eq!(v["size"], 7);
}

#[test]
fn verify_exits_1_naming_the_first_bad_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    append(&log, 6, None);
    let original: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let cases: Vec<(Vec<String>, u64)> = vec![
        // Modified.
        (
            {
                let mut l = original.clone();
                l[2] = l[2].replace("key_2", "key_X");
                l
            },
            2,
        ),
        // Deleted.
        (
            {
                let mut l = original.clone();
                l.remove(4);
                l
            },
            4,
        ),
        // Inserted.
        (
            {
                let mut l = original.clone();
                l.insert(1, original[3].clone());
                l
            },
            1,
        ),
        // Reordered.
        (
            {
                let mut l = original.clone();
                l.swap(0, 1);
                l
            },
            0,
        ),
    ];
    for (lines, seq) in cases {
        std::fs::write(&log, lines.join("\n") + "\n").unwrap();
        let out = rampart(
            &["audit", "verify", "--log", log.to_str().unwrap()],
            "",
            None,
        );
        assert_eq!(out.status.code(), Some(1));
        let v = &stdout_lines(&out)[0];
        assert_eq!(v["valid"], false);
        assert_eq!(v["seq"], seq, "{v}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(&format!("sequence {seq}")), "{err}");
    }
    // Torn last line.
    std::fs::write(&log, original.join("\n") + "\n" + &original[5][..30]).unwrap();
    let out = rampart(
        &["audit", "verify", "--log", log.to_str().unwrap()],
        "",
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_lines(&out)[0]["seq"], 6);
}

#[test]
fn a_kept_signed_checkpoint_detects_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    append(&log, 4, Some(HMAC_KEY));
    let out = rampart(
        &["audit", "checkpoint", "--log", log.to_str().unwrap()],
        "",
        Some(HMAC_KEY),
    );
    assert!(out.status.success());
    let cp_path = dir.path().join("cp.json");
    std::fs::write(&cp_path, &out.stdout).unwrap();
    let cp: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cp["size"], 4);
    assert_eq!(cp["alg"], "hmac-sha256");
    let args = [
        "audit",
        "verify",
        "--log",
        log.to_str().unwrap(),
        "--checkpoint",
        cp_path.to_str().unwrap(),
    ];
    assert_eq!(rampart(&args, "", Some(HMAC_KEY)).status.code(), Some(0));
    // A wrong key fails the signed checkpoints.
    let wrong = "hmac:ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    assert_ne!(rampart(&args, "", Some(wrong)).status.code(), Some(0));
    // Cut the log to its first two entries.
    let text = std::fs::read_to_string(&log).unwrap();
    let kept: Vec<&str> = text.lines().take(2).collect();
    std::fs::write(&log, kept.join("\n") + "\n").unwrap();
    let out = rampart(&args, "", Some(HMAC_KEY));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_lines(&out)[0]["seq"], 2);
}

#[test]
fn ed25519_checkpoints_verify_with_the_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let seed = "ed25519:9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    append(&log, 3, Some(seed));
    // RFC 8032 test 1: this seed's public key.
    let public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let out = rampart(
        &[
            "audit",
            "verify",
            "--log",
            log.to_str().unwrap(),
            "--public-key",
            public,
        ],
        "",
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_lines(&out)[0]["checkpointed"], 3);
    let other = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    let out = rampart(
        &[
            "audit",
            "verify",
            "--log",
            log.to_str().unwrap(),
            "--public-key",
            other,
        ],
        "",
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn prove_and_export_produce_checkable_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    append(&log, 9, None);
    let l = log.to_str().unwrap();
    let out = rampart(&["audit", "prove", "--log", l, "--seq", "4"], "", None);
    assert!(out.status.success());
    let p = &stdout_lines(&out)[0];
    let path: Vec<Vec<u8>> = p["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| hex::decode(h.as_str().unwrap()).unwrap())
        .collect();
    audit_log::verify_inclusion(
        4,
        9,
        &hex::decode(p["leaf_hash"].as_str().unwrap()).unwrap(),
        &path,
        &hex::decode(p["root"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let out = rampart(
        &["audit", "prove", "--log", l, "--old", "3", "--new", "9"],
        "",
        None,
    );
    assert!(out.status.success());
    let c = &stdout_lines(&out)[0];
    assert_eq!(c["type"], "consistency");
    let out = rampart(&["audit", "prove", "--log", l, "--seq", "99"], "", None);
    assert_eq!(out.status.code(), Some(2));
    let out = rampart(
        &["audit", "export", "--log", l, "--from", "2", "--to", "5"],
        "",
        None,
    );
    assert!(out.status.success());
    let export =
        audit_log::Export::from_json(std::str::from_utf8(&out.stdout).unwrap().trim()).unwrap();
    let entries = export.verify(None).unwrap();
    assert_eq!(entries.len(), 3);
}

#[test]
fn purge_on_a_fresh_log_removes_nothing_and_records_itself() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    append(&log, 3, None);
    let l = log.to_str().unwrap();
    let out = rampart(
        &["audit", "purge", "--log", l, "--older-than-days", "30"],
        "",
        None,
    );
    assert!(out.status.success());
    let r = &stdout_lines(&out)[0];
    assert_eq!(r["removed"], 0);
    assert_eq!(r["purge_event_seq"], 3);
    let out = rampart(
        &["audit", "purge", "--log", l, "--older-than-days", "0"],
        "",
        None,
    );
    assert!(out.status.success());
    assert_eq!(stdout_lines(&out)[0]["removed"], 4);
    let out = rampart(&["audit", "verify", "--log", l], "", None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_lines(&out)[0]["first"], 4);
}

#[test]
fn malformed_input_is_reported_per_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let input = "{\"actor\":\"user:a\",\"action\":\"auth.login\",\"outcome\":\"success\"}\n\
                 not json\n\
                 {\"actor\":\"user:a\",\"action\":\"Auth Login\",\"outcome\":\"success\"}\n\
                 {\"actor\":\"user:a\",\"action\":\"auth.login\",\"outcome\":\"maybe\"}\n\
                 \n\
                 {\"actor\":\"user:b\",\"action\":\"auth.logout\",\"outcome\":\"success\"}\n";
    let out = rampart(
        &["audit", "append", "--log", log.to_str().unwrap()],
        input,
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let lines = stdout_lines(&out);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["seq"], 0);
    assert!(lines[1]["error"].is_string());
    assert!(lines[2]["error"].is_string());
    assert!(lines[3]["error"].is_string());
    assert_eq!(
        (lines[4]["line"].as_u64(), lines[4]["seq"].as_u64()),
        (Some(6), Some(1))
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    // Empty input appends nothing and succeeds.
    let out = rampart(
        &["audit", "append", "--log", log.to_str().unwrap()],
        "",
        None,
    );
    assert!(out.status.success());
    // Bad flags and missing files.
    assert_eq!(
        rampart(&["audit", "verify"], "", None).status.code(),
        Some(2)
    );
    let missing = dir.path().join("none.jsonl");
    assert_eq!(
        rampart(
            &["audit", "verify", "--log", missing.to_str().unwrap()],
            "",
            None
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        rampart(
            &["audit", "append", "--log", log.to_str().unwrap()],
            "",
            Some("hmac:zz")
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        rampart(
            &["audit", "append", "--log", log.to_str().unwrap()],
            "",
            Some("hmac:0011")
        )
        .status
        .code(),
        Some(2)
    );
    let garbage_cp = dir.path().join("cp.json");
    std::fs::write(&garbage_cp, "{not a checkpoint").unwrap();
    assert_eq!(
        rampart(
            &[
                "audit",
                "verify",
                "--log",
                log.to_str().unwrap(),
                "--checkpoint",
                garbage_cp.to_str().unwrap()
            ],
            "",
            None
        )
        .status
        .code(),
        Some(2)
    );
    let help = rampart(&["audit", "append", "--help"], "", None);
    assert!(String::from_utf8(help.stdout).unwrap().contains("Example"));
}

#[test]
fn a_second_writer_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let mut first = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["audit", "append", "--log", log.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first writer holds the lock (its first ack).
    let mut stdin = first.stdin.take().unwrap();
    stdin.write_all(events(1).as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut stdout = first.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut byte).unwrap();
    let out = rampart(
        &["audit", "append", "--log", log.to_str().unwrap()],
        &events(1),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("locked"));
    drop(stdin);
    assert!(first.wait().unwrap().success());
}
