#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod aead;
mod encoding;
pub mod envelope;
mod error;
mod key;
pub mod stream;
pub mod v1;
pub mod v2;

pub use envelope::{KeyEncryptionKey, LocalKek};
pub use error::Error;
pub use key::{KEY_LEN, ScryptParams, SecretKey};
pub use v1::{Migration, V1Cipher, V1Store};
pub use v2::{Cipher, KeyRing, KeyRingBuilder};

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

/// The outcome of a decryption that tolerates unencrypted input: either a real plaintext, or
/// the input itself, flagged as never having been encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Decrypted<T = String> {
    /// The value was encrypted and authenticated; this is its plaintext.
    Plaintext(T),
    /// The value carried no encryption prefix and is returned unchanged. It was stored in the
    /// clear: re-encrypt it, and do not treat it as proof of anything.
    WasPlaintext(String),
}

impl<T> Decrypted<T> {
    /// The plaintext if the value was encrypted, or [`Error::NotEncrypted`] (fail closed).
    pub fn require_encrypted(self) -> Result<T, Error> {
        match self {
            Self::Plaintext(t) => Ok(t),
            Self::WasPlaintext(_) => Err(Error::NotEncrypted),
        }
    }

    /// Whether the value was stored in the clear.
    pub fn was_plaintext(&self) -> bool {
        matches!(self, Self::WasPlaintext(_))
    }
}

impl Decrypted<String> {
    /// The string either way (OmniRoute's behaviour), for callers that accept passthrough.
    pub fn into_string(self) -> String {
        match self {
            Self::Plaintext(s) | Self::WasPlaintext(s) => s,
        }
    }
}

/// Where a value lives: bound into v2 values and envelopes as associated data, so a ciphertext
/// copied to another table, column or row fails to decrypt. Not secret (it is not stored in the
/// value, but it is not hidden either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context<'a> {
    table: &'a str,
    column: &'a str,
    row: &'a str,
}

impl<'a> Context<'a> {
    /// No binding: the value may be moved anywhere. Use only where a row identity does not
    /// exist (a config file, a single secret).
    pub const NONE: Context<'static> = Context {
        table: "",
        column: "",
        row: "",
    };

    /// A value in `table.column` of the row whose primary key is `row`.
    pub const fn new(table: &'a str, column: &'a str, row: &'a str) -> Self {
        Self { table, column, row }
    }

    /// The table name.
    pub fn table(&self) -> &'a str {
        self.table
    }

    /// The column name.
    pub fn column(&self) -> &'a str {
        self.column
    }

    /// The row id.
    pub fn row(&self) -> &'a str {
        self.row
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

    #[test]
    fn decrypted_helpers() {
        let p: Decrypted = Decrypted::Plaintext("a".into());
        assert!(!p.was_plaintext());
        assert_eq!(p.clone().require_encrypted().unwrap(), "a");
        let w: Decrypted = Decrypted::WasPlaintext("b".into());
        assert!(w.was_plaintext());
        assert_eq!(w.clone().into_string(), "b");
        assert_eq!(w.require_encrypted(), Err(Error::NotEncrypted));
    }
}
