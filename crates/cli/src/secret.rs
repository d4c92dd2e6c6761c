//! `rampart secret check`: refuse missing, short, placeholder and low-entropy secrets before a
//! deploy.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use key_format::{SecretPurpose, check_secret};

use crate::CliError;

pub const SECRET_HELP: &str = "Examples:
  rampart secret check --env JWT_SECRET --env API_KEY_SECRET
  rampart secret check RAMPART_KEY_SECRET=\"$(openssl rand -base64 48)\"";

pub const CHECK_HELP: &str =
    "Each secret is checked for: missing or empty; too short (32 bytes for signing, JWT and
encryption secrets, 16 for API-key secrets); a known default or placeholder (changeme, secret,
password, your-secret-here, change-me-…, case-insensitive); low entropy (one repeated character,
a short cycle, fewer than 5 distinct characters, an alphabet run). The purpose is taken from
--purpose, or else from the name: *JWT* → jwt, *API_KEY* → api-key, *ENCRYPTION* → encryption,
anything else → signing. Exit 0 when all pass, 1 naming each failure, 2 on bad usage.
Prefer --env: values given as NAME=VALUE are visible to other local users in the process list.

Examples:
  rampart secret check --env JWT_SECRET --env API_KEY_SECRET
  rampart secret check JWT_SECRET=\"$JWT_SECRET\" --purpose jwt
  rampart secret check TOKEN=abc --min-len 64";

#[derive(Debug, Args)]
pub struct SecretArgs {
    #[command(subcommand)]
    command: SecretCommand,
}

#[derive(Debug, Subcommand)]
enum SecretCommand {
    /// Check secrets given as NAME=VALUE or read from the environment with --env NAME.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Purpose {
    Signing,
    Jwt,
    ApiKey,
    Encryption,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Secrets as NAME=VALUE.
    pairs: Vec<String>,
    /// Names of environment variables to check (repeatable).
    #[arg(long = "env", value_name = "NAME")]
    env: Vec<String>,
    /// The purpose of every secret checked (default: guessed from each name).
    #[arg(long, value_enum)]
    purpose: Option<Purpose>,
    /// Minimum length in bytes for every secret checked (overrides the purpose's).
    #[arg(long)]
    min_len: Option<usize>,
}

pub fn run(args: &SecretArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        SecretCommand::Check(a) => check(a),
    }
}

fn purpose_for(name: &str, args: &CheckArgs) -> SecretPurpose {
    if let Some(min_len) = args.min_len {
        return SecretPurpose::Custom { min_len };
    }
    let upper = name.to_ascii_uppercase();
    match args.purpose {
        Some(Purpose::Signing) => SecretPurpose::Signing,
        Some(Purpose::Jwt) => SecretPurpose::Jwt,
        Some(Purpose::ApiKey) => SecretPurpose::ApiKeySecret,
        Some(Purpose::Encryption) => SecretPurpose::Encryption,
        None if upper.contains("JWT") => SecretPurpose::Jwt,
        None if upper.contains("API_KEY") => SecretPurpose::ApiKeySecret,
        None if upper.contains("ENCRYPTION") => SecretPurpose::Encryption,
        None => SecretPurpose::Signing,
    }
}

fn check(args: &CheckArgs) -> Result<ExitCode, CliError> {
    if args.pairs.is_empty() && args.env.is_empty() {
        return Err(CliError::Input(
            "nothing to check: give NAME=VALUE arguments or --env NAME".into(),
        ));
    }
    let mut items: Vec<(String, Option<String>)> = Vec::new();
    for pair in &args.pairs {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(CliError::Input(
                "expected NAME=VALUE (use --env NAME to read the environment)".into(),
            ));
        };
        if name.is_empty() {
            return Err(CliError::Input("empty secret name in NAME=VALUE".into()));
        }
        items.push((name.to_owned(), Some(value.to_owned())));
    }
    for name in &args.env {
        let value = match std::env::var(name) {
            Ok(v) => Some(v),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(CliError::Input(format!("{name} is not valid UTF-8")));
            }
        };
        items.push((name.clone(), value));
    }
    let mut failed = 0usize;
    for (name, value) in &items {
        match check_secret(name, value.as_deref(), purpose_for(name, args)) {
            Ok(()) => println!("{name}: ok"),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} secrets refused", items.len());
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
