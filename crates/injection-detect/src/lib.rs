#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod canary;
mod decode;
mod error;
mod guard;
mod mention;
mod normalize;
mod plan;
mod rules;
mod spotlight;
#[cfg(feature = "tools")]
mod tools;

pub use canary::Canary;
pub use decode::{DecodeLimits, DecodeStats};
pub use error::Error;
pub use guard::{
    Action, ConversationVerdict, Guard, GuardBuilder, Match, Message, Mode, Policy, Source,
    Verdict, Via,
};
pub use spotlight::{Spotlighted, spotlight};
#[cfg(feature = "tools")]
pub use tools::{
    MAX_ARGUMENTS_BYTES, Schema, ToolDecision, ToolDenial, ToolPolicy, ToolPolicyBuilder,
};

/// How bad a match is. Ordered: `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Weak evidence: adds to the score, never blocks alone.
    Low,
    /// Suspicious: blocks together with other evidence.
    Medium,
    /// Strong evidence: enough to block on its own.
    High,
}

impl Severity {
    /// The lower-case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// The weight of one rule of this severity in the score (noisy-OR of all matched rules).
    pub fn weight(self) -> f32 {
        match self {
            Self::Low => 0.2,
            Self::Medium => 0.5,
            Self::High => 0.9,
        }
    }

    fn up(self) -> Self {
        match self {
            Self::Low => Self::Medium,
            Self::Medium | Self::High => Self::High,
        }
    }

    fn down(self) -> Self {
        match self {
            Self::Low | Self::Medium => Self::Low,
            Self::High => Self::Medium,
        }
    }
}

/// What kind of attack a rule detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Category {
    /// "Ignore / disregard / forget previous instructions" and its variants.
    SystemOverride,
    /// Re-assigning the model a new identity ("you are now …", "pretend to be …").
    RoleHijack,
    /// Asking for the system prompt or the instructions the model was given.
    PromptLeak,
    /// Chat-template tokens, fake turns and role headers (`<|im_start|>system`, `[INST]`).
    DelimiterInjection,
    /// DAN-style personas, "developer mode", "no restrictions".
    Jailbreak,
    /// Instructions hidden in an encoding (base64, hex, URL, ROT13) or obfuscated (look-alikes,
    /// invisible characters, leetspeak, spaced letters).
    EncodingEvasion,
    /// Instructions aimed at an AI hidden in data (documents, pages, tool output).
    IndirectInjection,
    /// Data exfiltration through markdown images or links with templated query strings.
    Exfiltration,
    /// Actions nobody asked for: send, delete, transfer, run.
    ToolUse,
}

impl Category {
    /// The snake_case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SystemOverride => "system_override",
            Self::RoleHijack => "role_hijack",
            Self::PromptLeak => "prompt_leak",
            Self::DelimiterInjection => "delimiter_injection",
            Self::Jailbreak => "jailbreak",
            Self::EncodingEvasion => "encoding_evasion",
            Self::IndirectInjection => "indirect_injection",
            Self::Exfiltration => "exfiltration",
            Self::ToolUse => "tool_use",
        }
    }
}

/// The ids, categories and severities of every built-in rule (for documentation and for
/// [`GuardBuilder::disable_rule`]). Two synthetic rules are added by the scanner itself:
/// `encoding.obfuscated` (a rule matched only after undoing look-alikes, invisible characters,
/// leetspeak, spacing or ROT13) and `encoding.encoded_payload` (a rule matched inside a decoded
/// base64, hex or URL-encoded segment).
pub fn rule_ids() -> impl Iterator<Item = (&'static str, Category, Severity)> {
    rules::RULES
        .iter()
        .map(|r| (r.id, r.category, r.severity))
        .chain([
            (
                guard::OBFUSCATED,
                Category::EncodingEvasion,
                Severity::Medium,
            ),
            (guard::ENCODED, Category::EncodingEvasion, Severity::High),
        ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_and_named() {
        assert!(Severity::Low < Severity::Medium && Severity::Medium < Severity::High);
        assert_eq!(Severity::High.as_str(), "high");
        assert_eq!(Severity::Low.up(), Severity::Medium);
        assert_eq!(Severity::High.down(), Severity::Medium);
        assert_eq!(Category::PromptLeak.as_str(), "prompt_leak");
        assert!(rule_ids().count() > 50);
    }
}
