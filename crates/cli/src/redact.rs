//! `rampart redact`: PII and secret redaction of a stream (pii-redact).
//!
//! Plain mode streams raw text (constant memory, values split across read boundaries are still
//! found, multi-line PEM blocks included). `--jsonl` reads `{"text": "…"}` per line and writes
//! `{"redacted": "…", "findings": [{"entity": "EMAIL", "start": 3, "end": 20}]}` with start/end
//! in Unicode code points. Hash mode's key comes from `RAMPART_REDACT_KEY` (at least 16 bytes),
//! never from a flag.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pii_redact::{Entity, HashKey, Mode, Redactor};
use serde::Deserialize;

use crate::CliError;
use crate::input;

/// The environment variable holding the pseudonym key of `--mode hash`.
pub const KEY_ENV: &str = "RAMPART_REDACT_KEY";

pub const REDACT_HELP: &str = "\
Entities: EMAIL, CPF, CNPJ, CREDIT_CARD, PHONE, SSN, IP_ADDRESS, IBAN, JWT, API_KEY, AWS_KEY,
PRIVATE_KEY, PASSWORD, SECRET (default: all).
Hash mode reads its key from RAMPART_REDACT_KEY (at least 16 bytes); the same value and key give
the same pseudonym, so redacted logs stay joinable.

Examples:
  tail -f app.log | rampart redact
  rampart redact --mode mask --entities EMAIL,CREDIT_CARD < in.txt > out.txt
  RAMPART_REDACT_KEY=... rampart redact --mode hash big.log > big.redacted.log
  echo '{\"text\": \"mail bob@example.com\"}' | rampart redact --jsonl";

/// Output mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// `[EMAIL_REDACTED]`, `[CC_REDACTED]`, …
    Redact,
    /// Partial masking (`***@example.com`, `**** **** **** 1111`).
    Mask,
    /// Keyed pseudonyms (`[EMAIL_1f2e3d4c5b6a7988]`), key from RAMPART_REDACT_KEY.
    Hash,
}

/// `rampart redact` arguments.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Output mode.
    #[arg(long, value_enum, default_value = "redact")]
    mode: ModeArg,
    /// Comma-separated entities to detect (default: all).
    #[arg(long, value_delimiter = ',', value_name = "E,…")]
    entities: Vec<String>,
    /// JSON lines: `{"text": …}` in, `{"redacted": …, "findings": […]}` out.
    #[arg(long)]
    jsonl: bool,
    /// Input file (default: stdin; `-` is stdin).
    file: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Line {
    text: String,
}

fn build(args: &RedactArgs) -> Result<Redactor, CliError> {
    let mut b = Redactor::builder();
    if !args.entities.is_empty() {
        let list = args
            .entities
            .iter()
            .filter(|e| !e.trim().is_empty())
            .map(|e| e.parse::<Entity>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::Config(e.to_string()))?;
        b = b.only(&list);
    }
    b = match args.mode {
        ModeArg::Redact => b.mode(Mode::Redact),
        ModeArg::Mask => b.mode(Mode::Mask),
        ModeArg::Hash => {
            let key = std::env::var_os(KEY_ENV).ok_or_else(|| {
                CliError::Config(format!("--mode hash needs {KEY_ENV} (at least 16 bytes)"))
            })?;
            let key = HashKey::new(key.as_encoded_bytes())
                .map_err(|e| CliError::Config(format!("{KEY_ENV}: {e}")))?;
            b.mode(Mode::Hash).hash_key(key)
        }
    };
    b.build().map_err(|e| CliError::Config(e.to_string()))
}

/// Runs `rampart redact`.
pub fn run(args: &RedactArgs) -> Result<ExitCode, CliError> {
    let redactor = build(args)?;
    let mut reader = input::open(args.file.as_deref())?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.jsonl {
        let mut bad = 0u64;
        input::for_each_line(&mut reader, |line| {
            if line.trim().is_empty() {
                return Ok(());
            }
            let json = match serde_json::from_str::<Line>(line) {
                Ok(l) => jsonl_line(&redactor, &l.text),
                Err(_) => {
                    bad += 1;
                    serde_json::json!({"error": "expected a JSON object with a string field \"text\""})
                }
            };
            serde_json::to_writer(&mut out, &json).map_err(|e| CliError::Io(e.into()))?;
            out.write_all(b"\n")?;
            Ok(())
        })?;
        out.flush()?;
        if bad > 0 {
            return Err(CliError::Input(format!(
                "{bad} line(s) were not {{\"text\": …}} objects"
            )));
        }
        return Ok(ExitCode::SUCCESS);
    }
    stream(&redactor, &mut reader, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn jsonl_line(redactor: &Redactor, text: &str) -> serde_json::Value {
    let (redacted, findings) = redactor.redact_with_findings(text);
    // Byte offsets to code-point offsets, in one pass (findings are sorted).
    let mut chars = 0usize;
    let mut pos = 0usize;
    let mut to_chars = |b: usize| {
        chars += text.get(pos..b).map_or(0, |s| s.chars().count());
        pos = b;
        chars
    };
    let list: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let start = to_chars(f.start);
            let end = to_chars(f.end);
            serde_json::json!({"entity": f.entity.name(), "start": start, "end": end})
        })
        .collect();
    serde_json::json!({"redacted": redacted, "findings": list})
}

/// Streams raw text through the redactor in 64 KiB reads; fails on non-UTF-8 input.
fn stream(
    redactor: &Redactor,
    reader: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut s = redactor.stream();
    let mut pending: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    let mut text = String::new();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        pending.extend_from_slice(buf);
        let n = buf.len();
        reader.consume(n);
        let valid = match std::str::from_utf8(&pending) {
            Ok(_) => pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => {
                return Err(CliError::Input(format!(
                    "input is not UTF-8 at byte {}",
                    offset + e.valid_up_to() as u64
                )));
            }
        };
        let rest = pending.split_off(valid);
        let chunk = String::from_utf8(std::mem::replace(&mut pending, rest))
            .map_err(|_| CliError::Input("input is not UTF-8".into()))?;
        offset += valid as u64;
        text.clear();
        s.push_into(&chunk, &mut text);
        out.write_all(text.as_bytes())?;
    }
    if !pending.is_empty() {
        return Err(CliError::Input(format!(
            "input ends inside a UTF-8 sequence at byte {offset}"
        )));
    }
    out.write_all(s.finish().as_bytes())?;
    Ok(())
}
