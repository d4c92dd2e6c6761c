//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material (no key,
/// no plaintext, no ciphertext bytes).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The value is not in a format this crate knows (wrong prefix, wrong magic bytes).
    #[error("unknown format")]
    UnknownFormat,
    /// The value has the right prefix but its layout is broken: wrong number of fields, bad
    /// hex or base64, a field of the wrong length. `what` names the part that is wrong.
    #[error("malformed value: {what}")]
    Malformed {
        /// The part of the value that is wrong.
        what: &'static str,
    },
    /// Authentication failed: wrong key, wrong context, or the value was tampered with.
    #[error("decryption failed (wrong key, wrong context, or tampered value)")]
    Decrypt,
    /// The value decrypted, but the plaintext is not UTF-8 (use a `*_bytes` method for binary).
    #[error("plaintext is not UTF-8")]
    NotUtf8,
    /// The value was not encrypted, and the caller required it to be.
    #[error("value is not encrypted")]
    NotEncrypted,
    /// The value is encrypted but this instance runs without a key (explicit passthrough mode).
    #[error("value is encrypted but no key is configured")]
    NoKey,
    /// The value names a key id the key ring does not hold.
    #[error("unknown key id {id}")]
    UnknownKeyId {
        /// The key id named by the value.
        id: u32,
    },
    /// The value names a key id below the ring's `min_decryption_version`.
    #[error("key id {id} is below the minimum decryption version {min}")]
    KeyVersionTooOld {
        /// The key id named by the value.
        id: u32,
        /// The configured minimum.
        min: u32,
    },
    /// Key material of the wrong shape (length, encoding), or a key ring that cannot be built
    /// (no primary key, a duplicate id, a primary below the minimum version).
    #[error("invalid key: {what}")]
    InvalidKey {
        /// What is wrong with it.
        what: &'static str,
    },
    /// KDF parameters outside the accepted range.
    #[error("invalid KDF parameters: {what}")]
    InvalidKdfParams {
        /// What is wrong with them.
        what: &'static str,
    },
    /// The key has encrypted as many messages as its documented limit allows: rotate it.
    #[error("key id {id} reached its message limit; rotate to a new primary key")]
    KeyExhausted {
        /// The exhausted key id.
        id: u32,
    },
    /// The operating system's random number generator failed.
    #[error("the OS random number generator failed")]
    Random,
    /// A stream ended before its final chunk: the file was truncated.
    #[error("stream truncated after chunk {chunk}")]
    Truncated {
        /// How many chunks were authenticated before the end.
        chunk: u64,
    },
    /// A stream chunk failed authentication: tampered, reordered, swapped or from another file.
    #[error("stream chunk {chunk} failed authentication")]
    ChunkTampered {
        /// The index of the chunk that failed.
        chunk: u64,
    },
    /// Data follows the final chunk of a stream.
    #[error("data after the final chunk of the stream")]
    TrailingData,
    /// A stream is longer than the construction allows (2^32 chunks).
    #[error("stream too long")]
    StreamTooLong,
    /// A [`StreamEncryptor`](crate::stream::StreamEncryptor) failed earlier (its output is
    /// incomplete); it refuses every further call. Start a new stream.
    #[error("the stream encryptor failed earlier; start a new stream")]
    StreamFailed,
    /// The key-encryption key could not wrap or unwrap a data key.
    #[error("key-encryption key failed: {what}")]
    Kek {
        /// What failed (no secret material).
        what: &'static str,
    },
    /// Reading or writing the underlying stream failed.
    #[error("i/o error: {0}")]
    Io(std::io::ErrorKind),
}

impl From<Error> for std::io::Error {
    fn from(error: Error) -> Self {
        match error {
            Error::Io(kind) => std::io::Error::from(kind),
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other),
        }
    }
}
