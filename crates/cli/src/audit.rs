//! `rampart audit append|verify|prove|checkpoint|export|purge --log PATH`: the tamper-evident
//! audit log (audit-log) from the shell.
//!
//! The checkpoint key comes from the environment, never from a flag (flags end up in shell
//! history and `ps`): `RAMPART_AUDIT_KEY` holds `hmac:<hex>` (an HMAC-SHA256 secret of at least
//! 32 bytes; plain hex means the same) or `ed25519:<64 hex>` (an Ed25519 seed). `verify` can
//! instead take `--public-key HEX` to check Ed25519 checkpoints without the secret.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use audit_log::{
    Actor, AuditLog, Checkpoint, CheckpointSigner, CheckpointVerifier, Durability, Event, Outcome,
    Tamper, Verification,
};
use clap::{Args, Subcommand, ValueEnum};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::CliError;
use crate::input;

const KEY_ENV: &str = "RAMPART_AUDIT_KEY";

pub const AUDIT_HELP: &str = "\
Examples:
  echo '{\"actor\":\"user:alice\",\"action\":\"api_key.revoked\",\"target\":\"key_1\",\"outcome\":\"success\",\"details\":{}}' \\
    | rampart audit append --log audit.jsonl
  rampart audit verify --log audit.jsonl          # exit 0 valid, 1 tampered (names the sequence)
  rampart audit checkpoint --log audit.jsonl > cp.json
  rampart audit verify --log audit.jsonl --checkpoint cp.json   # also detects truncation
  rampart audit prove --log audit.jsonl --seq 3
  rampart audit export --log audit.jsonl --from 0 --to 100 > export.json
  rampart audit purge --log audit.jsonl --older-than-days 365

The checkpoint key is read from RAMPART_AUDIT_KEY (hmac:<hex> or ed25519:<hex seed>).";

/// The audit subcommands.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Append one JSON event per stdin line; print an ack line once each is durable.
    #[command(
        after_help = "Example:\n  echo '{\"actor\":\"user:alice\",\"action\":\"auth.login\",\"outcome\":\"success\"}' | rampart audit append --log audit.jsonl\n\nEach input line: {\"actor\": \"type:id\" or {\"type\":..,\"id\":..}, \"action\": \"dotted.name\", \"outcome\": \"success|failure|denied\", optional \"target\", \"details\", \"ip\", \"user_agent\", \"request_id\", \"resource_type\"}.\nEach output line: {\"line\":N,\"seq\":S,\"leaf_hash\":..} once durable, or {\"line\":N,\"error\":..} (exit 2 at the end)."
    )]
    Append(AppendArgs),
    /// Verify the log; exit 0 when valid, 1 naming the first bad sequence number.
    #[command(
        after_help = "Example:\n  rampart audit verify --log audit.jsonl --checkpoint cp.json"
    )]
    Verify(VerifyArgs),
    /// Print an inclusion proof (--seq) or a consistency proof (--old/--new).
    #[command(
        after_help = "Examples:\n  rampart audit prove --log audit.jsonl --seq 3\n  rampart audit prove --log audit.jsonl --old 10 --new 20"
    )]
    Prove(ProveArgs),
    /// Write a checkpoint (signed with RAMPART_AUDIT_KEY if set) and print it.
    #[command(
        after_help = "Example:\n  RAMPART_AUDIT_KEY=hmac:$(openssl rand -hex 32) rampart audit checkpoint --log audit.jsonl > cp.json"
    )]
    Checkpoint(LogArg),
    /// Export entries [from, to) with inclusion proofs in a fresh checkpoint.
    #[command(
        after_help = "Example:\n  rampart audit export --log audit.jsonl --from 0 --to 100 > export.json"
    )]
    Export(ExportArgs),
    /// Remove entries older than N days, keeping the rest verifiable; records an audit.purged event.
    #[command(
        after_help = "Example:\n  rampart audit purge --log audit.jsonl --older-than-days 365"
    )]
    Purge(PurgeArgs),
}

#[derive(Debug, Args)]
struct LogArg {
    /// The JSON-lines log file.
    #[arg(long, value_name = "PATH")]
    log: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DurabilityArg {
    /// fsync each event before its ack.
    PerEvent,
    /// Group commit: one fsync per batch collected for --group-ms.
    Group,
}

#[derive(Debug, Args)]
struct AppendArgs {
    /// The JSON-lines log file (created if missing).
    #[arg(long, value_name = "PATH")]
    log: PathBuf,
    /// When an event counts as durable.
    #[arg(long, value_enum, default_value = "group")]
    durability: DurabilityArg,
    /// Group commit window in milliseconds.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    group_ms: u64,
    /// With RAMPART_AUDIT_KEY set, write a signed checkpoint every N events (0: only at the end).
    #[arg(long, default_value_t = 0)]
    checkpoint_every: u64,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The JSON-lines log file.
    #[arg(long, value_name = "PATH")]
    log: PathBuf,
    /// A checkpoint kept earlier (JSON, as printed by `checkpoint`): the log must extend it.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Check Ed25519 checkpoint signatures with this public key (64 hex digits).
    #[arg(long, value_name = "HEX")]
    public_key: Option<String>,
}

#[derive(Debug, Args)]
struct ProveArgs {
    /// The JSON-lines log file.
    #[arg(long, value_name = "PATH")]
    log: PathBuf,
    /// Inclusion proof of this sequence number.
    #[arg(long, conflicts_with_all = ["old"])]
    seq: Option<u64>,
    /// Tree size of the proof (default: the whole log).
    #[arg(long)]
    size: Option<u64>,
    /// Consistency proof from this size...
    #[arg(long, requires = "new")]
    old: Option<u64>,
    /// ...to this size.
    #[arg(long, requires = "old")]
    new: Option<u64>,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// The JSON-lines log file.
    #[arg(long, value_name = "PATH")]
    log: PathBuf,
    /// First sequence number.
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// End (exclusive); default: the whole log.
    #[arg(long)]
    to: Option<u64>,
}

#[derive(Debug, Args)]
struct PurgeArgs {
    /// The JSON-lines log file.
    #[arg(long, value_name = "PATH")]
    log: PathBuf,
    /// Remove entries older than this many days.
    #[arg(long, value_name = "DAYS")]
    older_than_days: u32,
}

/// Runs an audit subcommand.
pub fn run(args: &AuditArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        AuditCommand::Append(a) => append(a),
        AuditCommand::Verify(a) => verify(a),
        AuditCommand::Prove(a) => prove(a),
        AuditCommand::Checkpoint(a) => checkpoint(&a.log),
        AuditCommand::Export(a) => export(a),
        AuditCommand::Purge(a) => purge(a),
    }
}

fn lib_err(e: audit_log::Error) -> CliError {
    match e {
        audit_log::Error::Io(io) => CliError::Io(io),
        audit_log::Error::Locked => {
            CliError::Config("the log is locked by another writer".to_owned())
        }
        other => CliError::Input(other.to_string()),
    }
}

fn decode_key_hex(text: &str) -> Result<Vec<u8>, CliError> {
    hex::decode(text.trim())
        .map_err(|_| CliError::Config(format!("{KEY_ENV} must hold hex digits")))
}

fn signer_from_env() -> Result<Option<CheckpointSigner>, CliError> {
    let Ok(value) = std::env::var(KEY_ENV) else {
        return Ok(None);
    };
    if let Some(seed) = value.strip_prefix("ed25519:") {
        let seed: [u8; 32] = decode_key_hex(seed)?
            .try_into()
            .map_err(|_| CliError::Config(format!("{KEY_ENV}: an Ed25519 seed is 32 bytes")))?;
        return Ok(Some(CheckpointSigner::ed25519(&seed)));
    }
    let secret = decode_key_hex(value.strip_prefix("hmac:").unwrap_or(&value))?;
    CheckpointSigner::hmac(&secret)
        .map(Some)
        .map_err(|e| CliError::Config(format!("{KEY_ENV}: {e}")))
}

/// Opens the log for writing; also says whether checkpoints will be signed.
fn open(log: &Path, durability: Durability, every: u64) -> Result<(AuditLog, bool), CliError> {
    let mut builder = AuditLog::builder()
        .durability(durability)
        .checkpoint_every(every);
    let signer = signer_from_env()?;
    let signed = signer.is_some();
    if let Some(signer) = signer {
        builder = builder.signer(signer);
    }
    Ok((builder.open_file(log).map_err(lib_err)?, signed))
}

/// One input line of `append`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputEvent {
    actor: InputActor,
    action: String,
    outcome: String,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    details: Option<Value>,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    resource_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum InputActor {
    Text(String),
    Object {
        #[serde(rename = "type")]
        kind: String,
        id: String,
    },
}

fn parse_event(line: &str) -> Result<Event, String> {
    let input: InputEvent = serde_json::from_str(line).map_err(|e| {
        // serde's message names the field or position, never the value.
        format!("not an event: {e}")
    })?;
    let actor = match input.actor {
        InputActor::Text(text) => match text.split_once(':') {
            Some((kind, id)) => Actor::new(kind, id),
            None => return Err("actor must be \"type:id\" or {\"type\",\"id\"}".to_owned()),
        },
        InputActor::Object { kind, id } => Actor::new(kind, id),
    };
    let outcome = Outcome::parse(&input.outcome)
        .ok_or_else(|| "outcome must be success, failure or denied".to_owned())?;
    let mut builder = Event::builder(actor, input.action, outcome);
    if let Some(t) = input.target {
        builder = builder.target(t);
    }
    if let Some(d) = input.details {
        builder = builder.details(d);
    }
    if let Some(ip) = input.ip {
        builder = builder.ip(ip
            .parse()
            .map_err(|_| "ip is not an IP address".to_owned())?);
    }
    if let Some(v) = input.user_agent {
        builder = builder.user_agent(v);
    }
    if let Some(v) = input.request_id {
        builder = builder.request_id(v);
    }
    if let Some(v) = input.resource_type {
        builder = builder.resource_type(v);
    }
    builder.build().map_err(|e| e.to_string())
}

enum Ack {
    Pending(u64, audit_log::Pending),
    Refused(u64, String),
}

fn append(args: &AppendArgs) -> Result<ExitCode, CliError> {
    let durability = match args.durability {
        DurabilityArg::PerEvent => Durability::PerEvent,
        DurabilityArg::Group => Durability::GroupCommit(Duration::from_millis(args.group_ms)),
    };
    let (log, signed) = open(&args.log, durability, args.checkpoint_every)?;
    // Acks are printed by a second thread as each event becomes durable, in input order, so a
    // slow fsync never stalls reading and an interactive producer sees each ack promptly.
    let (tx, rx) = mpsc::sync_channel::<Ack>(4096);
    let printer = std::thread::spawn(move || -> Result<(bool, bool), io::Error> {
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let (mut bad_input, mut failed) = (false, false);
        for ack in rx {
            let line = match ack {
                Ack::Pending(n, pending) => match pending.wait() {
                    Ok(r) => {
                        json!({"line": n, "seq": r.seq, "leaf_hash": hex::encode(r.leaf_hash)})
                    }
                    Err(e) => {
                        failed = true;
                        json!({"line": n, "error": e.to_string()})
                    }
                },
                Ack::Refused(n, reason) => {
                    bad_input = true;
                    json!({"line": n, "error": reason})
                }
            };
            writeln!(out, "{line}")?;
            out.flush()?;
        }
        Ok((bad_input, failed))
    });
    let mut reader = input::open(None)?;
    let mut number = 0u64;
    let read = input::for_each_line(&mut reader, |line| {
        number += 1;
        if line.trim().is_empty() {
            return Ok(());
        }
        let ack = match parse_event(line) {
            Ok(event) => match log.submit(event) {
                Ok(p) => Ack::Pending(number, p),
                Err(e) => Ack::Refused(number, e.to_string()),
            },
            Err(reason) => Ack::Refused(number, reason),
        };
        tx.send(ack)
            .map_err(|_| CliError::Io(io::Error::other("stdout closed")))
    });
    drop(tx);
    let printed = printer
        .join()
        .map_err(|_| CliError::Io(io::Error::other("ack printer failed")))?;
    if signed {
        // End a signed run with a checkpoint covering everything it appended.
        log.checkpoint().map_err(lib_err)?;
    }
    log.close().map_err(lib_err)?;
    read?;
    let (bad_input, failed) = printed?;
    if failed {
        return Err(CliError::Io(io::Error::other(
            "some events were not written (see the error lines)",
        )));
    }
    if bad_input {
        return Err(CliError::Input(
            "some lines were not events (see the error lines)".to_owned(),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn verifier(args: &VerifyArgs) -> Result<Option<CheckpointVerifier>, CliError> {
    if let Some(public) = &args.public_key {
        let bytes: [u8; 32] = hex::decode(public.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CliError::Config("--public-key must be 64 hex digits".to_owned()))?;
        return CheckpointVerifier::ed25519(&bytes)
            .map(Some)
            .map_err(|e| CliError::Config(e.to_string()));
    }
    Ok(signer_from_env()?.map(|s| s.verifier()))
}

fn reason(r: Tamper) -> &'static str {
    match r {
        Tamper::Modified => "modified",
        Tamper::Missing => "missing (deleted or reordered)",
        Tamper::OutOfOrder => "out of order (inserted, duplicated or moved)",
        Tamper::Malformed => "malformed or torn",
        Tamper::BadCheckpoint => "rewritten (a checkpoint no longer matches)",
        Tamper::Truncated => "truncated or rewritten (the kept checkpoint no longer matches)",
        _ => "tampered",
    }
}

fn verify(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let key = verifier(args)?;
    let anchor = match &args.checkpoint {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
            let cp = Checkpoint::from_json(text.trim()).map_err(lib_err)?;
            if let Some(k) = &key {
                cp.verify_signature(k).map_err(|_| {
                    CliError::Input("the kept checkpoint's signature does not verify".to_owned())
                })?;
            }
            Some(cp)
        }
        None => None,
    };
    if !args.log.exists() {
        return Err(CliError::Input(format!(
            "{} does not exist",
            args.log.display()
        )));
    }
    match audit_log::verify_file(&args.log, key.as_ref(), anchor.as_ref()).map_err(lib_err)? {
        Verification::Valid {
            size,
            root,
            first,
            checkpointed,
        } => {
            println!(
                "{}",
                json!({"valid": true, "size": size, "first": first, "root": hex::encode(root), "checkpointed": checkpointed})
            );
            Ok(ExitCode::SUCCESS)
        }
        Verification::Tampered { seq, reason: r } => {
            println!(
                "{}",
                json!({"valid": false, "seq": seq, "reason": reason(r)})
            );
            eprintln!(
                "rampart: audit log tampered at sequence {seq}: {}",
                reason(r)
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn prove(args: &ProveArgs) -> Result<ExitCode, CliError> {
    let tree = audit_log::tree_from_file(&args.log).map_err(lib_err)?;
    let hexes = |path: &[audit_log::Hash]| path.iter().map(hex::encode).collect::<Vec<_>>();
    let out = if let Some(seq) = args.seq {
        let size = args.size.unwrap_or(tree.size());
        let proof = tree.inclusion_proof(seq, size).map_err(lib_err)?;
        let root = tree.root_at(size).map_err(lib_err)?;
        let leaf = tree
            .leaf(seq)
            .ok_or_else(|| lib_err(audit_log::Error::Purged { seq }))?;
        json!({"type": "inclusion", "seq": seq, "size": size, "leaf_hash": hex::encode(leaf),
               "root": hex::encode(root), "proof": hexes(&proof.path)})
    } else if let (Some(old), Some(new)) = (args.old, args.new) {
        let proof = tree.consistency_proof(old, new).map_err(lib_err)?;
        json!({"type": "consistency", "old": old, "new": new,
               "old_root": hex::encode(tree.root_at(old).map_err(lib_err)?),
               "new_root": hex::encode(tree.root_at(new).map_err(lib_err)?),
               "proof": hexes(&proof.path)})
    } else {
        return Err(CliError::Config(
            "give --seq N for an inclusion proof or --old A --new B for a consistency proof"
                .to_owned(),
        ));
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn checkpoint(log: &Path) -> Result<ExitCode, CliError> {
    let (log, _) = open(log, Durability::PerEvent, 0)?;
    let cp = log.checkpoint().map_err(lib_err)?;
    println!("{}", cp.to_json());
    log.close().map_err(lib_err)?;
    Ok(ExitCode::SUCCESS)
}

fn export(args: &ExportArgs) -> Result<ExitCode, CliError> {
    let (log, _) = open(&args.log, Durability::PerEvent, 0)?;
    let export = log
        .export(args.from, args.to.unwrap_or(u64::MAX))
        .map_err(lib_err)?;
    println!("{}", export.to_json());
    log.close().map_err(lib_err)?;
    Ok(ExitCode::SUCCESS)
}

fn purge(args: &PurgeArgs) -> Result<ExitCode, CliError> {
    let (log, _) = open(&args.log, Durability::PerEvent, 0)?;
    let report = log
        .purge_older_than(args.older_than_days)
        .map_err(lib_err)?;
    println!(
        "{}",
        json!({"removed": report.removed, "cut": report.cut, "purge_event_seq": report.receipt.seq,
               "checkpoint": serde_json::from_str::<Value>(&report.checkpoint.to_json()).unwrap_or(Value::Null)})
    );
    log.close().map_err(lib_err)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_events_parse_strictly() {
        assert!(
            parse_event(r#"{"actor":"user:a","action":"auth.login","outcome":"success"}"#).is_ok()
        );
        assert!(parse_event(r#"{"actor":{"type":"user","id":"a"},"action":"a.b","outcome":"denied","details":{"x":1},"ip":"::1"}"#).is_ok());
        for bad in [
            "",
            "{}",
            r#"{"actor":"nocolon","action":"a","outcome":"success"}"#,
            r#"{"actor":"u:a","action":"Bad Action","outcome":"success"}"#,
            r#"{"actor":"u:a","action":"a","outcome":"maybe"}"#,
            r#"{"actor":"u:a","action":"a","outcome":"success","extra":1}"#,
            r#"{"actor":"u:a","action":"a","outcome":"success","ip":"999.1.1.1"}"#,
        ] {
            assert!(parse_event(bad).is_err(), "{bad}");
        }
    }
}
