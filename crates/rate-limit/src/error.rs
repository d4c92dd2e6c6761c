//! The crate's one error type.

/// Everything that can go wrong in this crate: misuse and broken input. Being limited is not an
/// error (it is [`Decision::Limited`](crate::Decision::Limited)). Messages never contain keys,
/// addresses or other request data.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A quota string did not parse, or a quota is out of range.
    #[error("invalid quota: {reason}")]
    InvalidQuota {
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A request cost more than the burst: no bucket could ever admit it. Split the request or
    /// raise the burst.
    #[error("cost {cost} exceeds the burst {burst}: never admissible")]
    CostExceedsBurst {
        /// The cost asked for.
        cost: u32,
        /// The quota's burst.
        burst: u32,
    },
    /// A limiter configuration is invalid (builder misuse).
    #[error("invalid configuration: {reason}")]
    InvalidConfig {
        /// What was wrong with it.
        reason: &'static str,
    },
    /// An IP address or CIDR range did not parse.
    #[error("invalid IP range: {reason}")]
    InvalidCidr {
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A policy name cannot be written into a `RateLimit` header.
    #[error("invalid policy name: {reason}")]
    InvalidPolicyName {
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A check named a limit the Redis limiter was not built with.
    #[error("unknown limit name")]
    UnknownLimit,
    /// The Redis backend failed (connection, timeout, script). Reported alongside the decision
    /// the host's failure policy produced; never contains the key.
    #[error("redis backend unavailable: {kind}")]
    Backend {
        /// What failed: `connect`, `timeout`, `io`, `script`, `reply`.
        kind: &'static str,
    },
}
