//! `rampart info`: what this binary was built with.

use std::process::ExitCode;

use crate::CliError;

/// Prints the binary's version and the crates it composes.
pub fn run() -> Result<ExitCode, CliError> {
    println!("rampart {}", env!("CARGO_PKG_VERSION"));
    for name in [
        "key-format",
        "envelope-encryption",
        "pii-redact",
        "injection-detect",
        "rate-limit",
        "audit-log",
        "resilience",
    ] {
        println!("  {name}");
    }
    Ok(ExitCode::SUCCESS)
}
