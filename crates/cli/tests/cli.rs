//! Runs the built `rampart` binary as an operator would.

use std::process::Command;

fn rampart() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
}

#[test]
fn info_lists_every_crate() {
    let out = rampart().arg("info").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "key-format",
        "envelope-encryption",
        "audit-log",
        "resilience",
    ] {
        assert!(text.contains(name), "{name} missing from {text}");
    }
}

#[test]
fn unknown_command_exits_2_without_a_backtrace() {
    let out = rampart().arg("no-such-command").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
}
