//! `rampart encrypt`, `decrypt` and `rewrap` run as an operator would, on real and malformed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const OMNI_KEY_1: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const RAW_A: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const RAW_B: &str = "2222222222222222222222222222222222222222222222222222222222222222";

fn rampart(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args)
        .env_remove("STORAGE_ENCRYPTION_KEY")
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

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn v1_decrypts_omniroute_values_and_round_trips() {
    let env = [("STORAGE_ENCRYPTION_KEY", OMNI_KEY_1)];
    // Values written by OmniRoute itself (shared vectors, key_1).
    let input = "enc:v1:c151002372cd2a236b2dc956a5e22e9e:e7376caa06:f523c1c412d1aa9299b71a5cd6bd809f\n\
                 enc:v1:0102030405060708090a0b0c:00d2210197:f381c839b5bb054288022556193f1f50\n";
    let out = rampart(&["decrypt", "--format", "v1"], &env, input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello\nhello\n");

    let out = rampart(&["encrypt", "--format", "v1"], &env, "a\nsecond line\n\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let enc = stdout(&out);
    assert_eq!(enc.lines().count(), 3);
    assert!(enc.lines().all(|l| l.starts_with("enc:v1:")));
    let back = rampart(&["decrypt", "--format", "v1"], &env, &enc);
    assert_eq!(stdout(&back), "a\nsecond line\n\n");
}

#[test]
fn v2_context_is_bound_and_plaintext_is_refused_by_default() {
    let env = [("STORAGE_ENCRYPTION_KEY", RAW_A)];
    let ctx = [
        "--raw-key",
        "--table",
        "providers",
        "--column",
        "api_key",
        "--row",
        "42",
    ];
    let out = rampart(&[&["encrypt"][..], &ctx].concat(), &env, "sk-live-1\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let value = stdout(&out);
    assert!(value.starts_with("enc:v2:k1:"), "{value}");

    let back = rampart(&[&["decrypt"][..], &ctx].concat(), &env, &value);
    assert_eq!(stdout(&back), "sk-live-1\n");

    // Another row: refused, exit 2, line number named, no secret printed.
    let moved = rampart(
        &[
            "decrypt",
            "--raw-key",
            "--table",
            "providers",
            "--column",
            "api_key",
            "--row",
            "43",
        ],
        &env,
        &value,
    );
    assert_eq!(moved.status.code(), Some(2));
    let err = stderr(&moved);
    assert!(
        err.contains("line 1") && err.contains("decryption failed"),
        "{err}"
    );
    assert!(!err.contains("sk-live") && !err.contains(RAW_A));

    let plain = rampart(&["decrypt", "--raw-key"], &env, "not-encrypted\n");
    assert_eq!(plain.status.code(), Some(2));
    assert!(stderr(&plain).contains("not encrypted"));
    let allowed = rampart(
        &["decrypt", "--raw-key", "--allow-plaintext"],
        &env,
        "not-encrypted\n",
    );
    assert_eq!(stdout(&allowed), "not-encrypted\n");
}

#[test]
fn jsonl_reports_each_bad_line_and_continues() {
    let env = [("STORAGE_ENCRYPTION_KEY", "a passphrase for the cli test")];
    let out = rampart(
        &["encrypt", "--jsonl", "--table", "t", "--column", "c"],
        &env,
        "{\"value\":\"one\",\"row\":\"1\"}\n{\"value\":\"two\\nlines\",\"row\":\"2\"}\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let v1 = lines[0]["value"].as_str().unwrap();
    let v2 = lines[1]["value"].as_str().unwrap();

    let input = format!(
        "{}\n{}\nnot json\n{}\n{}\n{}\n",
        serde_json::json!({"value": v1, "row": "1"}),
        serde_json::json!({"value": v2, "row": "1"}), // wrong row
        serde_json::json!({"value": "enc:v2:k1:AAAA", "row": "1"}),
        serde_json::json!({"other": 1}),
        serde_json::json!({"value": v2, "row": "2"}),
    );
    let out = rampart(
        &["decrypt", "--jsonl", "--table", "t", "--column", "c"],
        &env,
        &input,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["value"], "one");
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2"));
    assert!(lines[2]["error"].as_str().unwrap().contains("invalid JSON"));
    assert!(lines[3]["error"].as_str().unwrap().contains("malformed"));
    assert!(lines[4]["error"].as_str().unwrap().contains("line 5"));
    assert_eq!(lines[5]["value"], "two\nlines");
    // Regression: serde_json's messages quote the offending value; a plaintext given as a
    // number (a card number, a PIN) or in a wrongly typed field must not be echoed.
    let out = rampart(
        &["encrypt", "--jsonl", "--table", "t", "--column", "c"],
        &env,
        "{\"value\":4111111111111111}\n{\"value\":\"x\",\"row\":987654321}\n{\"value\":true}\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out) + &stderr(&out);
    assert!(!text.contains("4111111111111111"), "{text}");
    assert!(!text.contains("987654321"), "{text}");
    assert_eq!(text.matches("invalid JSON").count(), 3, "{text}");
    // Plain mode refuses to print a plaintext with a line break.
    let plain = rampart(
        &["decrypt", "--table", "t", "--column", "c", "--row", "2"],
        &env,
        &format!("{v2}\n"),
    );
    assert_eq!(plain.status.code(), Some(2));
    assert!(stderr(&plain).contains("--jsonl"));
}

#[test]
fn rewrap_rotates_keys_and_migrates_v1() {
    let old = rampart(
        &["encrypt", "--raw-key", "--row", "9"],
        &[("STORAGE_ENCRYPTION_KEY", RAW_A)],
        "secret\n",
    );
    let old_value = stdout(&old);
    assert!(old_value.starts_with("enc:v2:k1:"));

    let env = [("STORAGE_ENCRYPTION_KEY", RAW_B), ("OLD_KEY", RAW_A)];
    let rot = [
        "--raw-key",
        "--key-id",
        "2",
        "--old-key",
        "1=OLD_KEY",
        "--row",
        "9",
    ];
    let out = rampart(&[&["rewrap"][..], &rot].concat(), &env, &old_value);
    assert!(out.status.success(), "{}", stderr(&out));
    let new_value = stdout(&out);
    assert!(new_value.starts_with("enc:v2:k2:"), "{new_value}");
    assert_eq!(
        stdout(&rampart(
            &[&["decrypt"][..], &rot].concat(),
            &env,
            &new_value
        )),
        "secret\n"
    );
    // Raising the minimum version refuses the old value.
    let strict = rampart(
        &[&["decrypt"][..], &rot, &["--min-decryption-version", "2"]].concat(),
        &env,
        &old_value,
    );
    assert_eq!(strict.status.code(), Some(2));
    assert!(stderr(&strict).contains("minimum decryption version"));

    // OmniRoute v1 value into v2.
    let env = [("STORAGE_ENCRYPTION_KEY", RAW_B), ("OMNI", OMNI_KEY_1)];
    let v1 =
        "enc:v1:c151002372cd2a236b2dc956a5e22e9e:e7376caa06:f523c1c412d1aa9299b71a5cd6bd809f\n";
    let args = [
        "--raw-key",
        "--key-id",
        "2",
        "--v1-key-env",
        "OMNI",
        "--row",
        "5",
    ];
    let out = rampart(&[&["rewrap"][..], &args].concat(), &env, v1);
    assert!(out.status.success(), "{}", stderr(&out));
    let migrated = stdout(&out);
    assert!(migrated.starts_with("enc:v2:k2:"));
    assert_eq!(
        stdout(&rampart(
            &[&["decrypt"][..], &args].concat(),
            &env,
            &migrated
        )),
        "hello\n"
    );

    // OmniRoute dynamic-salt value to the current v1 key.
    let legacy =
        "enc:v1:70f031b3fc197553d3eb32aedd5cb81a:5859be108f:a4dd3b6a80dec82326ad38e2839aab97\n";
    let env = [("STORAGE_ENCRYPTION_KEY", OMNI_KEY_1)];
    let out = rampart(&["rewrap", "--format", "v1"], &env, legacy);
    assert!(out.status.success(), "{}", stderr(&out));
    let current = stdout(&out);
    assert_ne!(current, legacy);
    assert_eq!(
        stdout(&rampart(&["decrypt", "--format", "v1"], &env, &current)),
        "hello\n"
    );
}

#[test]
fn configuration_errors_exit_2_without_panics() {
    let no_key = rampart(&["encrypt"], &[], "x\n");
    assert_eq!(no_key.status.code(), Some(2));
    assert!(stderr(&no_key).contains("STORAGE_ENCRYPTION_KEY is not set"));

    let bad_raw = rampart(
        &["encrypt", "--raw-key"],
        &[("STORAGE_ENCRYPTION_KEY", "zz")],
        "x\n",
    );
    assert_eq!(bad_raw.status.code(), Some(2));
    assert!(!stderr(&bad_raw).contains("zz"));

    let bad_old = rampart(
        &["decrypt", "--raw-key", "--old-key", "nope"],
        &[("STORAGE_ENCRYPTION_KEY", RAW_A)],
        "",
    );
    assert_eq!(bad_old.status.code(), Some(2));

    let bad_format = rampart(&["encrypt", "--format", "v9"], &[], "");
    assert_eq!(bad_format.status.code(), Some(2));

    let garbage = rampart(
        &["decrypt", "--format", "v1"],
        &[("STORAGE_ENCRYPTION_KEY", OMNI_KEY_1)],
        "enc:v1:zz:zz\n",
    );
    assert_eq!(garbage.status.code(), Some(2));
    for o in [&no_key, &bad_raw, &bad_old, &bad_format, &garbage] {
        assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
    }

    let help = rampart(&["rewrap", "--help"], &[], "");
    assert!(stdout(&help).contains("Examples:"));
}
