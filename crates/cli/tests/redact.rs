//! `rampart redact`: the built binary on real and malformed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.arg("redact")
        .args(args)
        .env_remove("RAMPART_REDACT_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn redacts_stdin_to_stdout() {
    let o = run(
        &[],
        b"mail bob@example.com, card 4111 1111 1111 1111\nCPF 529.982.247-25 ok\n",
        &[],
    );
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        stdout(&o),
        "mail [EMAIL_REDACTED], card [CC_REDACTED]\nCPF [CPF_REDACTED] ok\n"
    );
}

#[test]
fn multi_line_private_key_and_large_input_stream() {
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nabc\n-----END PRIVATE KEY-----";
    let mut input = String::new();
    for i in 0..20_000 {
        input.push_str(&format!("line {i} user{i}@example.com status=200\n"));
    }
    input.push_str(pem);
    input.push('\n');
    let o = run(&[], input.as_bytes(), &[]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 20_001);
    assert!(!out.contains("@example.com") && !out.contains("MIIEvQ"));
    assert!(out.ends_with("[PRIVATE_KEY_REDACTED]\n"));
}

#[test]
fn mode_mask_and_entity_filter() {
    let o = run(
        &["--mode", "mask", "--entities", "EMAIL,CREDIT_CARD"],
        b"bob@example.com 4111 1111 1111 1111 192.168.0.1",
        &[],
    );
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "***@example.com **** **** **** 1111 192.168.0.1"
    );
}

#[test]
fn hash_mode_needs_a_key_and_is_stable() {
    let o = run(&["--mode", "hash"], b"bob@example.com", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("RAMPART_REDACT_KEY"));
    let short = run(
        &["--mode", "hash"],
        b"x",
        &[("RAMPART_REDACT_KEY", "short")],
    );
    assert_eq!(short.status.code(), Some(2));
    let key = [("RAMPART_REDACT_KEY", "0123456789abcdef-test-key")];
    let a = run(
        &["--mode", "hash"],
        b"bob@example.com and BOB@example.com",
        &key,
    );
    assert!(a.status.success());
    let out = stdout(&a);
    let parts: Vec<&str> = out.split(" and ").collect();
    assert!(
        parts[0].starts_with("[EMAIL_") && parts[0].len() == 24,
        "{out}"
    );
    assert_eq!(parts[0], parts[1], "same address, same pseudonym");
    let other = run(
        &["--mode", "hash"],
        b"bob@example.com",
        &[("RAMPART_REDACT_KEY", "another-key-0123456789")],
    );
    assert_ne!(stdout(&other), parts[0]);
}

#[test]
fn jsonl_findings_count_code_points() {
    let o = run(
        &["--jsonl"],
        "{\"text\": \"ção bob@example.com\"}\n\n{\"text\": \"nothing\"}\n".as_bytes(),
        &[],
    );
    assert!(o.status.success(), "{o:?}");
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["redacted"], "ção [EMAIL_REDACTED]");
    assert_eq!(
        lines[0]["findings"],
        serde_json::json!([{"entity": "EMAIL", "start": 4, "end": 19}])
    );
    assert_eq!(lines[1]["findings"], serde_json::json!([]));
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let o = run(
        &["--jsonl"],
        b"{\"text\": \"a@b.com\"}\nnot json\n{\"txt\": 1}\n{\"text\": \"ok\"}\n",
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert_eq!(
        out.lines().count(),
        4,
        "one output line per input line: {out}"
    );
    assert!(out.lines().nth(1).unwrap().contains("\"error\""));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2 line(s)"));

    let bin = run(&[], b"ok \xff\xfe bytes", &[]);
    assert_eq!(bin.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bin.stderr).contains("not UTF-8"));

    let bad = run(&["--entities", "EMAIL,NOPE"], b"x", &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown entity"));
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("panicked"));
}

#[test]
fn help_has_an_example() {
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["redact", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(help.contains("Examples:") && help.contains("RAMPART_REDACT_KEY"));
}
