//! `rampart encrypt`, `rampart decrypt`, `rampart rewrap`: field encryption line by line
//! (envelope-encryption).
//!
//! Keys come from the environment, never from flags (flags end up in shell history and `ps`):
//! - `STORAGE_ENCRYPTION_KEY`: the primary key. For `--format v1` it is OmniRoute's key string
//!   (scrypt with OmniRoute's fixed salt). For `--format v2` it is a passphrase, derived once
//!   with scrypt (N = 2^15, r = 8, p = 1, salt `rampart/cli/v2/k<id>`), or with `--raw-key` 64
//!   hex digits used as the key itself. Its key id is `--key-id` (default 1).
//! - older v2 keys: `--old-key ID=ENV_NAME` (repeatable), each variable in the same encoding.
//! - OmniRoute v1 values in a v2 run: `--v1-key-env ENV_NAME` (the OmniRoute key string).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use envelope_encryption::{
    Cipher, Context, Decrypted, Error, KeyRing, Migration, ScryptParams, SecretKey, V1Cipher,
};
use serde::Deserialize;

use crate::CliError;
use crate::input;

const KEY_ENV: &str = "STORAGE_ENCRYPTION_KEY";

/// Which stored format to write (and read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// OmniRoute's `enc:v1:` (no key id, no context).
    V1,
    /// `enc:v2:k<id>:` with key id and context binding (recommended).
    V2,
}

/// Key selection shared by the three commands.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// Stored format.
    #[arg(long, value_enum, default_value = "v2")]
    format: FormatArg,
    /// v2: the key id (version) of STORAGE_ENCRYPTION_KEY.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    key_id: u32,
    /// v2: the key variables hold 64 hex digits (a raw 256-bit key), not a passphrase.
    #[arg(long)]
    raw_key: bool,
    /// v2: an older key for decryption and rewrap, as ID=ENV_NAME (repeatable).
    #[arg(long = "old-key", value_name = "ID=ENV_NAME")]
    old_keys: Vec<String>,
    /// v2: refuse values whose key id is below this version.
    #[arg(long, default_value_t = 1)]
    min_decryption_version: u32,
    /// v2: also read OmniRoute v1 values, with the key string in this variable.
    #[arg(long, value_name = "ENV_NAME")]
    v1_key_env: Option<String>,
    /// v2 context: table name bound into each value.
    #[arg(long, default_value = "")]
    table: String,
    /// v2 context: column name bound into each value.
    #[arg(long, default_value = "")]
    column: String,
    /// v2 context: row id bound into each value (JSONL lines may carry their own "row").
    #[arg(long, default_value = "")]
    row: String,
}

/// Input and output shape shared by the three commands.
#[derive(Debug, Args)]
pub struct IoArgs {
    /// Lines are JSON objects `{"value": "..."}` (optionally with "table", "column", "row");
    /// output lines are `{"value": "..."}` or `{"error": "..."}`.
    #[arg(long)]
    jsonl: bool,
    /// Input file (default stdin; `-` is stdin).
    file: Option<PathBuf>,
}

/// `rampart encrypt`.
#[derive(Debug, Args)]
pub struct EncryptArgs {
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    io: IoArgs,
}

/// `rampart decrypt`.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    io: IoArgs,
    /// Pass unencrypted values through unchanged instead of failing on them.
    #[arg(long)]
    allow_plaintext: bool,
}

/// `rampart rewrap`.
#[derive(Debug, Args)]
pub struct RewrapArgs {
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    io: IoArgs,
}

/// Help text examples.
pub const ENCRYPT_HELP: &str = "Examples:\n  \
    export STORAGE_ENCRYPTION_KEY='a long random passphrase'\n  \
    printf 'sk-live-123\\n' | rampart encrypt --table providers --column api_key --row 42\n  \
    rampart encrypt --format v1 < plaintexts.txt > values.txt\n  \
    echo '{\"value\":\"sk-1\",\"row\":\"7\"}' | rampart encrypt --jsonl --table providers --column api_key\n\n\
    Keys come from the environment: STORAGE_ENCRYPTION_KEY (primary), --old-key ID=ENV_NAME for\n\
    older v2 keys, --v1-key-env ENV_NAME for OmniRoute v1 values. Exit status: 0 all lines done,\n\
    1 some JSONL lines failed (each has an {\"error\"} line), 2 bad usage or input.";

/// Help text examples.
pub const DECRYPT_HELP: &str = "Examples:\n  \
    rampart decrypt --table providers --column api_key --row 42 < values.txt\n  \
    rampart decrypt --format v1 --allow-plaintext < omniroute_column.txt\n  \
    rampart decrypt --jsonl --old-key 1=OLD_STORAGE_KEY --key-id 2 < rows.jsonl\n\n\
    Without --jsonl the first bad line stops the run (exit 2), naming its line number; a\n\
    plaintext containing a line break needs --jsonl.";

/// Help text examples.
pub const REWRAP_HELP: &str = "Examples:\n  \
    # rotate: key 2 is the new primary, key 1 the old one\n  \
    STORAGE_ENCRYPTION_KEY=$NEW OLD_KEY=$OLD rampart rewrap --key-id 2 --old-key 1=OLD_KEY < values.txt\n  \
    # migrate OmniRoute v1 values into v2\n  \
    OMNI_KEY=$OMNI rampart rewrap --v1-key-env OMNI_KEY --table providers --column api_key < v1.txt\n  \
    # OmniRoute: move old dynamic-salt values to the current v1 key\n  \
    rampart rewrap --format v1 < v1_column.txt\n\n\
    Values already under the primary key are checked and printed unchanged.";

fn env_secret(name: &str) -> Result<String, CliError> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) => Err(CliError::Config(format!("{name} is empty"))),
        Err(std::env::VarError::NotPresent) => Err(CliError::Config(format!(
            "{name} is not set (the key is read from the environment)"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(CliError::Config(format!("{name} is not valid UTF-8")))
        }
    }
}

fn v2_key(args: &KeyArgs, id: u32, env: &str) -> Result<SecretKey, CliError> {
    let secret = env_secret(env)?;
    if args.raw_key {
        return SecretKey::from_hex(&secret)
            .map_err(|e| CliError::Config(format!("{env}: {e} (with --raw-key)")));
    }
    let salt = format!("rampart/cli/v2/k{id}");
    SecretKey::derive(secret.as_bytes(), salt.as_bytes(), &ScryptParams::DEFAULT)
        .map_err(|e| CliError::Config(format!("{env}: {e}")))
}

fn v1_cipher(env: &str, legacy: bool) -> Result<V1Cipher, CliError> {
    let secret = env_secret(env)?;
    let cipher =
        V1Cipher::from_key_string(&secret).map_err(|e| CliError::Config(format!("{env}: {e}")))?;
    if legacy {
        cipher
            .with_legacy_dynamic_salt(&secret)
            .map_err(|e| CliError::Config(format!("{env}: {e}")))
    } else {
        Ok(cipher)
    }
}

fn v2_cipher(args: &KeyArgs) -> Result<Cipher, CliError> {
    let mut builder = KeyRing::builder()
        .primary(args.key_id, v2_key(args, args.key_id, KEY_ENV)?)
        .min_decryption_version(args.min_decryption_version);
    for spec in &args.old_keys {
        let (id, env) = spec
            .split_once('=')
            .ok_or_else(|| CliError::Config(format!("--old-key {spec}: expected ID=ENV_NAME")))?;
        let id: u32 = id
            .parse()
            .map_err(|_| CliError::Config(format!("--old-key {spec}: ID must be a number")))?;
        builder = builder.older(id, v2_key(args, id, env)?);
    }
    let ring = builder
        .build()
        .map_err(|e| CliError::Config(format!("key ring: {e}")))?;
    let mut cipher = Cipher::new(ring);
    if let Some(env) = &args.v1_key_env {
        cipher = cipher.with_v1_fallback(v1_cipher(env, false)?);
    }
    Ok(cipher)
}

enum Engine {
    V1(V1Cipher),
    V2(Cipher),
}

impl Engine {
    fn build(args: &KeyArgs, legacy_v1: bool) -> Result<Self, CliError> {
        match args.format {
            FormatArg::V1 => {
                if !args.old_keys.is_empty() || args.v1_key_env.is_some() {
                    return Err(CliError::Config(
                        "--old-key and --v1-key-env apply to --format v2".into(),
                    ));
                }
                Ok(Self::V1(v1_cipher(KEY_ENV, legacy_v1)?))
            }
            FormatArg::V2 => Ok(Self::V2(v2_cipher(args)?)),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonIn {
    value: String,
    table: Option<String>,
    column: Option<String>,
    row: Option<String>,
}

#[derive(Clone, Copy)]
enum Op {
    Encrypt,
    Decrypt { allow_plaintext: bool },
    Rewrap,
}

/// One value through one operation. `Err` is a message without secrets.
fn apply(engine: &Engine, op: Op, value: &str, ctx: &Context<'_>) -> Result<String, String> {
    let text = |e: Error| e.to_string();
    match (engine, op) {
        (Engine::V1(c), Op::Encrypt) => c.encrypt(value).map_err(text),
        (Engine::V2(c), Op::Encrypt) => c.encrypt(value, ctx).map_err(text),
        (Engine::V1(c), Op::Decrypt { allow_plaintext }) => match c.decrypt(value).map_err(text)? {
            Decrypted::Plaintext(p) => Ok(p),
            Decrypted::WasPlaintext(p) if allow_plaintext => Ok(p),
            Decrypted::WasPlaintext(_) => Err(text(Error::NotEncrypted)),
        },
        (Engine::V2(c), Op::Decrypt { allow_plaintext }) => {
            match c.decrypt_or_passthrough(value, ctx).map_err(text)? {
                Decrypted::Plaintext(p) => Ok(p),
                Decrypted::WasPlaintext(p) if allow_plaintext => Ok(p),
                Decrypted::WasPlaintext(_) => Err(text(Error::NotEncrypted)),
            }
        }
        (Engine::V1(c), Op::Rewrap) => match c.migrate(value).map_err(text)? {
            Migration::Current => Ok(value.to_owned()),
            Migration::Migrated(v) => Ok(v),
            Migration::WasPlaintext => Err(text(Error::NotEncrypted)),
            _ => Err("unsupported migration outcome".into()),
        },
        (Engine::V2(c), Op::Rewrap) => c.rewrap(value, ctx).map_err(text),
    }
}

/// A JSONL input error without serde_json's own message, which quotes offending values
/// (`invalid type: integer `4111111111111111``): the input holds plaintexts.
fn json_error(number: u64, e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => {
            "expected {\"value\": string} with optional string \"table\", \"column\", \"row\""
        }
        serde_json::error::Category::Eof => "unexpected end of line",
    };
    format!(
        "line {number}: invalid JSON input ({kind} at column {})",
        e.column()
    )
}

fn run(keys: &KeyArgs, io_args: &IoArgs, op: Op) -> Result<std::process::ExitCode, CliError> {
    let engine = Engine::build(keys, matches!(op, Op::Rewrap))?;
    let mut reader = input::open(io_args.file.as_deref())?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut number = 0u64;
    let mut failed = 0u64;
    input::for_each_line(&mut reader, |line| {
        number += 1;
        if io_args.jsonl {
            let result = match serde_json::from_str::<JsonIn>(line) {
                Err(e) => Err(json_error(number, &e)),
                Ok(obj) => {
                    let ctx = Context::new(
                        obj.table.as_deref().unwrap_or(&keys.table),
                        obj.column.as_deref().unwrap_or(&keys.column),
                        obj.row.as_deref().unwrap_or(&keys.row),
                    );
                    apply(&engine, op, &obj.value, &ctx).map_err(|e| format!("line {number}: {e}"))
                }
            };
            let json = match result {
                Ok(v) => serde_json::json!({ "value": v }),
                Err(e) => {
                    failed += 1;
                    serde_json::json!({ "error": e })
                }
            };
            serde_json::to_writer(&mut out, &json)
                .map_err(|e| CliError::Io(io::Error::other(e)))?;
            out.write_all(b"\n")?;
        } else {
            let ctx = Context::new(&keys.table, &keys.column, &keys.row);
            let value = apply(&engine, op, line, &ctx)
                .map_err(|e| CliError::Input(format!("line {number}: {e}")))?;
            if value.contains(['\n', '\r']) {
                return Err(CliError::Input(format!(
                    "line {number}: the plaintext contains a line break; use --jsonl"
                )));
            }
            out.write_all(value.as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    out.flush()?;
    if failed > 0 {
        eprintln!("rampart: {failed} of {number} lines failed");
        return Ok(std::process::ExitCode::from(1));
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `rampart encrypt`.
pub fn encrypt(args: &EncryptArgs) -> Result<std::process::ExitCode, CliError> {
    run(&args.keys, &args.io, Op::Encrypt)
}

/// `rampart decrypt`.
pub fn decrypt(args: &DecryptArgs) -> Result<std::process::ExitCode, CliError> {
    run(
        &args.keys,
        &args.io,
        Op::Decrypt {
            allow_plaintext: args.allow_plaintext,
        },
    )
}

/// `rampart rewrap`.
pub fn rewrap(args: &RewrapArgs) -> Result<std::process::ExitCode, CliError> {
    run(&args.keys, &args.io, Op::Rewrap)
}
