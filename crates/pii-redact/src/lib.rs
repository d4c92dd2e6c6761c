#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod entity;
mod error;
#[cfg(feature = "json")]
mod json;
mod mapping;
mod redactor;
mod scan;
mod stream;
#[cfg(feature = "tracing")]
mod tracing_writer;
mod trigger;
mod validate;

pub use entity::{Entity, EntitySet};
pub use error::Error;
pub use mapping::Mapping;
pub use redactor::{CustomDetector, Finding, HashKey, Mode, Redactor, RedactorBuilder};
pub use stream::StreamRedactor;
#[cfg(feature = "tracing")]
pub use tracing_writer::{RedactingMakeWriter, RedactingWriter};

/// Redacts `text` with every built-in detector and OmniRoute's placeholders
/// (`[EMAIL_REDACTED]`, `[CC_REDACTED]`, …). Builds the default [`Redactor`] once.
pub fn redact(text: &str) -> String {
    default_redactor().redact(text)
}

/// Finds every built-in entity in `text` (byte spans on character boundaries).
pub fn detect(text: &str) -> Vec<Finding> {
    default_redactor().detect(text)
}

fn default_redactor() -> &'static Redactor {
    static DEFAULT: std::sync::LazyLock<Redactor> = std::sync::LazyLock::new(Redactor::new);
    &DEFAULT
}

/// Luhn (mod 10) check over the ASCII digits of `candidate`, skipping spaces and dashes.
///
/// Returns `false` for anything else, and for fewer than two digits.
pub fn luhn_valid(candidate: &str) -> bool {
    let mut digits = Vec::with_capacity(candidate.len());
    for byte in candidate.bytes() {
        match byte {
            b' ' | b'-' => {}
            b'0'..=b'9' => digits.push(byte),
            _ => return false,
        }
    }
    validate::luhn_digits(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("4111-1111-1111-1111"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid("4111x1111"));
        assert!(!luhn_valid("0"));
    }
}
