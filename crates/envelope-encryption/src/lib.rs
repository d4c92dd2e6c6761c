#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;

pub use error::Error;

/// The stored-string formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// OmniRoute's `enc:v1:<iv>:<ciphertext>:<tag>`.
    V1,
    /// This crate's recommended format, with a key id and associated data.
    V2,
}

impl Format {
    /// Tells which format a stored value claims to be in, from its prefix alone.
    ///
    /// `None` means the value is not encrypted at all (plaintext passthrough is then the
    /// caller's explicit choice, never a silent default).
    pub fn detect(stored: &str) -> Option<Self> {
        if stored.starts_with("enc:v1:") {
            Some(Self::V1)
        } else if stored.starts_with("enc:v2:") {
            Some(Self::V2)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_prefix() {
        assert_eq!(Format::detect("enc:v1:00:00:00"), Some(Format::V1));
        assert_eq!(Format::detect("enc:v2:k1:00"), Some(Format::V2));
        assert_eq!(Format::detect("enc:v3:"), None);
        assert_eq!(Format::detect("sk-plain"), None);
    }
}
