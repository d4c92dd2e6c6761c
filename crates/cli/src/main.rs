//! `rampart`: the operator's command line for the rampart crates.
//!
//! Exit codes are the same for every command: 0 success, 1 a negative answer (a check failed, a
//! prompt was blocked, a log did not verify), 2 bad usage or unreadable input.

mod audit;
mod crypt;
mod error;
mod info;
mod input;
mod key;
mod redact;
mod scan;
mod secret;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::CliError;

/// Security tooling for services that front APIs and LLMs.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Each crate's commands register here: a module, one variant and one match arm.
#[derive(Debug, Subcommand)]
enum Command {
    /// Mint API keys and check them offline (key-format).
    #[command(after_help = key::KEY_HELP)]
    Key(key::KeyArgs),
    /// Check secrets before a deploy: missing, short, placeholder, low entropy (key-format).
    #[command(after_help = secret::SECRET_HELP)]
    Secret(secret::SecretArgs),
    /// The tamper-evident audit log: append, verify, prove, checkpoint, export, purge (audit-log).
    #[command(after_help = audit::AUDIT_HELP)]
    Audit(audit::AuditArgs),
    /// Redact PII and secrets from a stream: stdin to stdout (pii-redact).
    #[command(after_help = redact::REDACT_HELP)]
    Redact(redact::RedactArgs),
    /// Triage prompts for injection and jailbreaks (injection-detect).
    #[command(after_help = scan::SCAN_HELP)]
    Scan(scan::ScanArgs),
    /// Show the crates this binary was built with.
    #[command(after_help = "Example:\n  rampart info")]
    Info,
    /// Encrypt values line by line (key from STORAGE_ENCRYPTION_KEY).
    #[command(after_help = crypt::ENCRYPT_HELP)]
    Encrypt(crypt::EncryptArgs),
    /// Decrypt values line by line (key from STORAGE_ENCRYPTION_KEY).
    #[command(after_help = crypt::DECRYPT_HELP)]
    Decrypt(crypt::DecryptArgs),
    /// Re-encrypt values under the primary key (rotation, v1 migration).
    #[command(after_help = crypt::REWRAP_HELP)]
    Rewrap(crypt::RewrapArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info => info::run(),
        Command::Scan(args) => scan::run(&args),
        Command::Redact(args) => redact::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Key(args) => key::run(&args),
        Command::Secret(args) => secret::run(&args),
        Command::Encrypt(args) => crypt::encrypt(&args),
        Command::Decrypt(args) => crypt::decrypt(&args),
        Command::Rewrap(args) => crypt::rewrap(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("rampart: error: {error}");
            ExitCode::from(2)
        }
    }
}
