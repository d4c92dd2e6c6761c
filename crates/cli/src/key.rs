//! `rampart key new` and `rampart key check`: mint keys and check them offline.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use key_format::{
    KeyFormat, KeyManager, KeyRequest, ScopeSet, SecretPurpose, ServerSecret, check_secret,
};

use crate::{CliError, input};

/// The environment variable holding the server secret.
const SECRET_VAR: &str = "RAMPART_KEY_SECRET";

pub const KEY_HELP: &str = "Examples:
  RAMPART_KEY_SECRET=\"$(openssl rand -base64 48)\" rampart key new --prefix omk_live --scopes read:*,write:combos --expires 90d --json
  rampart key check omk_live_…
  echo \"$KEY\" | rampart key check -";

pub const NEW_HELP: &str =
    "The key is printed once on stdout; persist the record (with --json) and discard the key.
Keys are tagged with an HMAC under RAMPART_KEY_SECRET, which must pass `rampart secret check`.

Examples:
  rampart key new
  rampart key new --prefix omk_live --scopes read:*,write:combos --expires 90d --json";

pub const CHECK_HELP: &str =
    "Checks prefix, length, alphabet, CRC-32 checksum and (unless --untagged) the HMAC tag
under RAMPART_KEY_SECRET, offline. Exit 0 when every key is valid, 1 otherwise (the reason on
stderr), 2 on bad usage. With `-`, every non-empty line of stdin is a key.

Examples:
  rampart key check omk_live_…
  rampart key check --prefix omk_live - < keys.txt
  rampart key check --untagged rk_test_…";

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    command: KeyCommand,
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Mint a key (shown once) and its record to persist.
    #[command(after_help = NEW_HELP)]
    New(NewArgs),
    /// Check a key offline: format, checksum and tag.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct NewArgs {
    /// Key prefix: `_`-separated segments of `[a-z][a-z0-9]{1,15}` (e.g. `omk`, `omk_live`).
    #[arg(long, default_value = "rk_live")]
    prefix: String,
    /// Comma-separated scopes (`verb:resource`, `read:*`, `*`).
    #[arg(long, default_value = "")]
    scopes: String,
    /// Lifetime: a number and a unit s, m, h, d or w (e.g. 90d). No expiry when absent.
    #[arg(long)]
    expires: Option<String>,
    /// A label stored in the record.
    #[arg(long)]
    label: Option<String>,
    /// The principal (user, service) the key acts for.
    #[arg(long)]
    principal: Option<String>,
    /// Print `{"key": …, "record": {…}}` instead of the bare key.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The key, or `-` to read keys from stdin (one per line).
    key: String,
    /// Expected prefix; by default the part of the key before its last `_`.
    #[arg(long)]
    prefix: Option<String>,
    /// Keys carry no HMAC tag: check the checksum only (RAMPART_KEY_SECRET not needed).
    #[arg(long)]
    untagged: bool,
}

pub fn run(args: &KeyArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        KeyCommand::New(a) => new(a),
        KeyCommand::Check(a) => check(a),
    }
}

fn server_secret() -> Result<ServerSecret, CliError> {
    let value = std::env::var(SECRET_VAR).ok();
    check_secret(SECRET_VAR, value.as_deref(), SecretPurpose::Signing)
        .map_err(|e| CliError::Config(e.to_string()))?;
    let value = value.unwrap_or_default();
    ServerSecret::from_bytes(value.as_bytes()).map_err(|e| CliError::Config(e.to_string()))
}

/// Parses `90d`, `12h`, `30m`, `3600s`, `2w`.
fn parse_lifetime(text: &str) -> Result<Duration, CliError> {
    let bad = || {
        CliError::Input(format!(
            "--expires {text:?}: expected a number and a unit s, m, h, d or w (e.g. 90d)"
        ))
    };
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| bad())?;
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    let secs = n.checked_mul(unit_secs).ok_or_else(bad)?;
    if secs == 0 {
        return Err(CliError::Input("--expires must be longer than zero".into()));
    }
    Ok(Duration::from_secs(secs))
}

fn new(args: &NewArgs) -> Result<ExitCode, CliError> {
    let scopes =
        ScopeSet::parse(&args.scopes).map_err(|e| CliError::Input(format!("--scopes: {e}")))?;
    let expires = args.expires.as_deref().map(parse_lifetime).transpose()?;
    let secret = server_secret()?;
    let keys = KeyManager::builder(&args.prefix, secret)
        .build()
        .map_err(|e| CliError::Input(format!("--prefix: {e}")))?;
    let mut request = KeyRequest::new().scopes(scopes);
    if let Some(d) = expires {
        request = request.expires_in(d);
    }
    if let Some(l) = &args.label {
        request = request.label(l.clone());
    }
    if let Some(p) = &args.principal {
        request = request.principal(p.clone());
    }
    let (key, record) = keys
        .issue(request)
        .map_err(|e| CliError::Config(e.to_string()))?
        .into_parts();
    if args.json {
        let record = serde_json::to_value(&record).map_err(|e| CliError::Config(e.to_string()))?;
        let out = serde_json::json!({ "key": key.expose(), "record": record });
        println!("{out}");
    } else {
        println!("{}", key.expose());
        eprintln!(
            "key id {} ({}); this is the only time the key is shown",
            record.key_id,
            if record.scopes.is_empty() {
                "no scopes".to_owned()
            } else {
                record.scopes.iter().collect::<Vec<_>>().join(",")
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: &CheckArgs) -> Result<ExitCode, CliError> {
    let secret = if args.untagged {
        None
    } else {
        Some(server_secret()?)
    };
    if let Some(p) = &args.prefix {
        key_format::Prefix::new(p).map_err(|e| CliError::Input(format!("--prefix: {e}")))?;
    }
    let check_one = |key: &str| -> Result<String, String> {
        let prefix = match &args.prefix {
            Some(p) => p.as_str(),
            None => key.rsplit_once('_').map(|(p, _)| p).unwrap_or(key),
        };
        let format = match &secret {
            Some(s) => KeyFormat::signed(prefix, s),
            None => KeyFormat::new(prefix),
        }
        .map_err(|e| e.to_string())?;
        let parsed = format.parse(key).map_err(|e| e.to_string())?;
        Ok(format!(
            "valid: prefix {} key id {}{}",
            parsed.prefix(),
            parsed.key_id(),
            if parsed.is_tagged() { " (tag ok)" } else { "" }
        ))
    };
    let mut all_ok = true;
    let mut seen = 0u64;
    let mut report = |label: Option<u64>, key: &str| {
        let at = label.map(|n| format!("line {n}: ")).unwrap_or_default();
        match check_one(key) {
            Ok(msg) => println!("{at}{msg}"),
            Err(reason) => {
                all_ok = false;
                eprintln!("{at}invalid: {reason}");
            }
        }
    };
    if args.key == "-" {
        let mut reader = input::open(Some(Path::new("-")))?;
        let mut line_no = 0u64;
        input::for_each_line(&mut reader, |line| {
            line_no += 1;
            let key = line.trim();
            if !key.is_empty() {
                seen += 1;
                report(Some(line_no), key);
            }
            Ok(())
        })?;
        if seen == 0 {
            return Err(CliError::Input("no key on stdin".into()));
        }
    } else {
        report(None, &args.key);
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        assert_eq!(
            parse_lifetime("90d").unwrap(),
            Duration::from_secs(90 * 86_400)
        );
        assert_eq!(
            parse_lifetime("2w").unwrap(),
            Duration::from_secs(14 * 86_400)
        );
        assert_eq!(parse_lifetime("30m").unwrap(), Duration::from_secs(1800));
        for bad in [
            "",
            "d",
            "90",
            "90y",
            "-1d",
            "0d",
            "99999999999999999999d",
            "1.5h",
        ] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
    }
}
