//! The reference gateway: every rampart crate composed into one secure LLM gateway.
//!
//! Until the gateway issue lands this binary only says so; the command already works, so the
//! README's first command never breaks.

use std::process::ExitCode;

fn main() -> ExitCode {
    println!(
        "rampart gateway {}: not built yet.",
        env!("CARGO_PKG_VERSION")
    );
    println!("The crates are usable now; see README.md for one example per crate.");
    ExitCode::SUCCESS
}
