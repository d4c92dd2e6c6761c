//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A custom detector pattern did not compile (or is too large).
    #[error("invalid detector pattern for {entity}")]
    InvalidPattern {
        /// The entity the pattern was for.
        entity: String,
    },
    /// A custom entity name is not 1 to 32 characters of `A-Z`, `0-9` and `_` starting with a
    /// letter, or it collides with a built-in name.
    #[error(
        "invalid custom entity name (use A-Z, 0-9 and _, starting with a letter, not a built-in name)"
    )]
    InvalidEntityName,
    /// An entity name was not recognised.
    #[error(
        "unknown entity {name:?}; known: EMAIL, CPF, CNPJ, CREDIT_CARD, PHONE, SSN, IP_ADDRESS, IBAN, JWT, API_KEY, AWS_KEY, PRIVATE_KEY, PASSWORD, SECRET"
    )]
    UnknownEntity {
        /// The name given (truncated).
        name: String,
    },
    /// The pseudonym key is shorter than the minimum.
    #[error("hash key too short: need at least {min} bytes")]
    WeakHashKey {
        /// Minimum length in bytes.
        min: usize,
    },
    /// `Mode::Hash` was chosen without a key.
    #[error("hash mode needs a key: call RedactorBuilder::hash_key")]
    MissingHashKey,
    /// A confidence threshold outside 0.0..=1.0.
    #[error("confidence must be between 0.0 and 1.0")]
    InvalidConfidence,
}
