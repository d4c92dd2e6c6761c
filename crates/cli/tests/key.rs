//! `rampart key new|check` and `rampart secret check` run as an operator would, on real and
//! malformed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "q8Vn3LxR2pT7wK9mZ4cY1bH6sD0fG5jA-cli-tests";

fn rampart(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args)
        .env_remove("RAMPART_KEY_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    // The child may exit on bad input before reading it all: a broken pipe is not a failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn new_key(extra: &[&str]) -> String {
    let mut args = vec!["key", "new"];
    args.extend_from_slice(extra);
    let o = rampart(&args, &[("RAMPART_KEY_SECRET", SECRET)], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    out(&o).trim().to_owned()
}

#[test]
fn new_prints_a_key_that_checks() {
    let key = new_key(&[]);
    assert!(key.starts_with("rk_live_"), "{key}");
    assert_eq!(key.lines().count(), 1);
    let o = rampart(
        &["key", "check", &key],
        &[("RAMPART_KEY_SECRET", SECRET)],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("valid"), "{}", out(&o));
    assert!(out(&o).contains("tag ok"));
    // Under another secret the tag fails: exit 1 with the reason.
    let other = "Zx7Qw2Er9Ty4Ui1Op6As3Df8Gh5Jk0Lz-other-secret";
    let o = rampart(
        &["key", "check", &key],
        &[("RAMPART_KEY_SECRET", other)],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("tag"), "{}", err(&o));
}

#[test]
fn new_json_has_key_and_record_without_plaintext_in_the_record() {
    let line = new_key(&[
        "--prefix",
        "omk_live",
        "--scopes",
        "read:*,write:combos",
        "--expires",
        "90d",
        "--label",
        "ci",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let key = v["key"].as_str().unwrap();
    assert!(key.starts_with("omk_live_"));
    let record = &v["record"];
    assert_eq!(record["prefix"], "omk_live");
    assert_eq!(record["key_id"].as_str().unwrap(), &key[9..21]);
    assert_eq!(
        record["scopes"],
        serde_json::json!(["read:*", "write:combos"])
    );
    assert_eq!(record["label"], "ci");
    let created = record["created_at"].as_u64().unwrap();
    assert_eq!(
        record["expires_at"].as_u64().unwrap(),
        created + 90 * 86_400
    );
    assert_eq!(record["hash"].as_str().unwrap().len(), 64);
    assert!(!record.to_string().contains(&key[21..]));
}

#[test]
fn new_refuses_weak_or_missing_secret_and_bad_flags() {
    let o = rampart(&["key", "new"], &[], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("RAMPART_KEY_SECRET"), "{}", err(&o));
    for weak in [
        "changeme",
        "change-me-change-me-change-me-change-me",
        &"a".repeat(40),
    ] {
        let o = rampart(&["key", "new"], &[("RAMPART_KEY_SECRET", weak)], "");
        assert_eq!(o.status.code(), Some(2), "{weak}");
        assert!(!err(&o).contains(weak), "secret echoed");
        assert!(out(&o).is_empty());
    }
    for flags in [
        &["--prefix", "Bad-Prefix"][..],
        &["--scopes", "read"],
        &["--expires", "90y"],
        &["--expires", "0d"],
    ] {
        let mut args = vec!["key", "new"];
        args.extend_from_slice(flags);
        let o = rampart(&args, &[("RAMPART_KEY_SECRET", SECRET)], "");
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {}", err(&o));
        assert!(out(&o).is_empty());
        assert!(!err(&o).contains("panicked"));
    }
}

#[test]
fn check_reports_each_kind_of_damage() {
    let key = new_key(&["--prefix", "omk"]);
    let env = [("RAMPART_KEY_SECRET", SECRET)];
    let accented = format!("omk_a{}", "é".repeat(29));
    let mut typo = key.clone();
    let c = if &typo[10..11] == "a" { "b" } else { "a" };
    typo.replace_range(10..11, c);
    for (bad, reason) in [
        (typo.as_str(), "checksum"),
        (&key[..key.len() - 1], "length"),
        ("omk_!!!!", "length"),
        ("", "prefix"),
        ("notakey", "prefix"),
        (accented.as_str(), "character"),
    ] {
        let o = rampart(&["key", "check", bad], &env, "");
        assert_eq!(o.status.code(), Some(1), "{bad:?}: {}", err(&o));
        assert!(err(&o).contains(reason), "{bad:?}: {}", err(&o));
    }
    let o = rampart(&["key", "check", "--prefix", "sk", &key], &env, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("prefix"));
    // Missing secret for a tagged check is a usage error.
    let o = rampart(&["key", "check", &key], &[], "");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_reads_stdin_line_by_line() {
    let env = [("RAMPART_KEY_SECRET", SECRET)];
    let a = new_key(&[]);
    let b = new_key(&["--prefix", "omk_test"]);
    let o = rampart(&["key", "check", "-"], &env, &format!("{a}\n\n{b}\r\n"));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o).lines().count(), 2);
    let o = rampart(&["key", "check", "-"], &env, &format!("{a}\ngarbage\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("line 2"), "{}", err(&o));
    let o = rampart(&["key", "check", "-"], &env, "");
    assert_eq!(o.status.code(), Some(2));
    let o = rampart(&["key", "check", "-"], &env, "\u{0}\u{ff}bad\n");
    assert_eq!(o.status.code(), Some(1));
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["key", "check", "-"])
        .env("RAMPART_KEY_SECRET", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The child may exit on bad input before reading it all: a broken pipe is not a failure.
    let _ = child.stdin.take().unwrap().write_all(b"\xff\xfe\n");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "non-UTF-8 input is a usage error");
}

#[test]
fn check_untagged_keys_without_a_secret() {
    // A well-formed untagged key of this crate's format (built through the library).
    let keys = key_format::KeyManager::builder(
        "rk_test",
        key_format::ServerSecret::from_bytes(SECRET.as_bytes()).unwrap(),
    )
    .tagged(false)
    .build()
    .unwrap();
    let (k, _) = keys
        .issue(key_format::KeyRequest::new())
        .unwrap()
        .into_parts();
    let o = rampart(&["key", "check", "--untagged", k.expose()], &[], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let tagged = new_key(&[]);
    let o = rampart(&["key", "check", "--untagged", &tagged], &[], "");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn secret_check_names_each_failure() {
    let o = rampart(
        &[
            "secret",
            "check",
            "JWT_SECRET=k3Jx9vQ2mP7wL0sR4tY8uZ1aB6cD5eF!",
            "API_KEY_SECRET=Tq7mZ2xK9vB4nW1c",
        ],
        &[],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o).lines().count(), 2);

    let o = rampart(
        &[
            "secret",
            "check",
            "JWT_SECRET=short",
            "API_KEY_SECRET=your-secret-here",
            "SIGNING_KEY=abcabcabcabcabcabcabcabcabcabcabcabc",
            "OK_ONE=k3Jx9vQ2mP7wL0sR4tY8uZ1aB6cD5eF!",
            "--env",
            "RAMPART_TEST_UNSET_VARIABLE",
            "--env",
            "RAMPART_TEST_WEAK",
        ],
        &[("RAMPART_TEST_WEAK", "CHANGEME-CHANGEME-CHANGEME-CHANGEME")],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("JWT_SECRET") && e.contains("too short"), "{e}");
    assert!(
        e.contains("API_KEY_SECRET") && e.contains("default or placeholder"),
        "{e}"
    );
    assert!(
        e.contains("SIGNING_KEY") && e.contains("low entropy"),
        "{e}"
    );
    assert!(
        e.contains("RAMPART_TEST_UNSET_VARIABLE") && e.contains("missing"),
        "{e}"
    );
    assert!(e.contains("RAMPART_TEST_WEAK"), "{e}");
    assert!(e.contains("5 of 6"), "{e}");
    assert!(
        !e.contains("your-secret-here") && !e.contains("CHANGEME"),
        "{e}"
    );
    assert!(out(&o).contains("OK_ONE: ok"));

    // Options: purpose and min length.
    let o = rampart(
        &[
            "secret",
            "check",
            "--purpose",
            "api-key",
            "X=k3Jx9vQ2mP7wL0sR",
        ],
        &[],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = rampart(
        &[
            "secret",
            "check",
            "--min-len",
            "64",
            "X=k3Jx9vQ2mP7wL0sR4tY8uZ1aB6cD5eF!",
        ],
        &[],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn secret_check_usage_errors() {
    for args in [
        &["secret", "check"][..],
        &["secret", "check", "NOEQUALS"],
        &["secret", "check", "=value"],
        &["secret", "check", "--purpose", "nope", "A=b"],
    ] {
        let o = rampart(args, &[], "");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"));
    }
    for help in [
        &["key", "new", "--help"][..],
        &["key", "check", "--help"],
        &["secret", "check", "--help"],
    ] {
        let o = rampart(help, &[], "");
        assert_eq!(o.status.code(), Some(0));
        assert!(out(&o).contains("Examples:"), "{help:?}");
    }
}
