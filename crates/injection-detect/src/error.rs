//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
///
/// A detected attack is not an error: it is a [`crate::Verdict`] with [`crate::Action::Block`].
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A configured threshold is outside 0.0..=1.0, not finite, or warn is above block.
    #[error("invalid threshold: thresholds must be finite, within 0..=1, and warn <= block")]
    InvalidThreshold,
    /// [`crate::GuardBuilder::disable_rule`] named a rule that does not exist.
    #[error("unknown rule id `{0}`")]
    UnknownRule(String),
    /// A built-in pattern failed to compile (a bug in this crate; please report it).
    #[error("rule `{0}` failed to compile")]
    BadRule(&'static str),
    /// The operating system's random number generator failed.
    #[error("the OS random number generator failed")]
    Random,
    /// A spotlight source label is empty, too long, or holds characters other than
    /// ASCII letters, digits, `-`, `_`, `.` and `:`.
    #[error("invalid source label: use 1 to 64 ASCII letters, digits, '-', '_', '.', ':'")]
    InvalidLabel,
    /// A tool schema is inconsistent (a minimum above its maximum, an empty enum).
    #[error("invalid tool schema: {0}")]
    InvalidSchema(&'static str),
}
