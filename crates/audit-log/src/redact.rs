//! Redaction before anything is written.
//!
//! Every event passes through the log's [`Redaction`] before it gets a sequence number: values
//! under sensitive keys in `details` (at any depth, in objects inside arrays too) become
//! `"[redacted]"`, and each string left in `details` and the target goes through the host's
//! [`Redactor`]s. What was redacted never reaches a sink, so it is not in the Merkle tree either.

use serde_json::Value;

use crate::event::Event;

/// The replacement for a redacted value.
pub const REDACTED: &str = "[redacted]";

/// A host's redaction rule. Both methods default to "nothing to redact".
pub trait Redactor: Send + Sync {
    /// Whether the value under this `details` key must be replaced whole by `[redacted]`
    /// (whatever its type). `key` is the key as written by the caller.
    fn is_sensitive_key(&self, key: &str) -> bool {
        let _ = key;
        false
    }

    /// Scrubs one string value (in `details`, and the target); `None` keeps it unchanged.
    fn scrub(&self, text: &str) -> Option<String> {
        let _ = text;
        None
    }
}

/// The built-in key rule. A key is compared after lowercasing and dropping everything but ASCII
/// letters and digits (`X-Api-Key`, `api_key` and `apiKey` all become `xapikey` / `apikey`).
/// It is sensitive when it *contains* one of the unambiguous words `password`, `passwd`,
/// `passphrase`, `secret`, `apikey`, `privatekey`, `credential`, `authorization`, `cookie`
/// (so `password_confirmation`, `secret_key`, `SECRET-KEY`, `apiKeyValue` are redacted), or
/// when it equals or *ends with* one of the words that also occur in harmless names: `token`,
/// `accesskey`, `sessionid`, `pwd`, `jwt`. So `refresh_token` is redacted, while `max_tokens`
/// or `token_count` (ordinary LLM gateway fields) are kept. The rule errs towards redacting.
#[derive(Debug, Clone)]
pub struct SensitiveKeys {
    /// Sensitive when the key ends with one of these.
    words: Vec<String>,
    /// Sensitive when the key contains one of these.
    contains: Vec<String>,
}

const CONTAINS_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "apikey",
    "privatekey",
    "credential",
    "authorization",
    "cookie",
];

const DEFAULT_WORDS: &[&str] = &["token", "accesskey", "sessionid", "pwd", "jwt"];

impl Default for SensitiveKeys {
    fn default() -> Self {
        Self {
            words: DEFAULT_WORDS.iter().map(|w| (*w).to_owned()).collect(),
            contains: CONTAINS_WORDS.iter().map(|w| (*w).to_owned()).collect(),
        }
    }
}

impl SensitiveKeys {
    /// Adds a word (normalised the same way as keys; empty words are ignored): keys equal to it
    /// or ending with it are sensitive.
    pub fn with_word(mut self, word: &str) -> Self {
        let word = normalise(word);
        if !word.is_empty() {
            self.words.push(word);
        }
        self
    }
}

fn normalise(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Redactor for SensitiveKeys {
    fn is_sensitive_key(&self, key: &str) -> bool {
        let key = normalise(key);
        self.contains.iter().any(|w| key.contains(w.as_str()))
            || self.words.iter().any(|w| key.ends_with(w.as_str()))
    }
}

/// The redaction pipeline of a log: the built-in [`SensitiveKeys`] plus any host redactors.
#[derive(Default)]
pub struct Redaction {
    keys: SensitiveKeys,
    extra: Vec<Box<dyn Redactor>>,
}

impl std::fmt::Debug for Redaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redaction")
            .field("keys", &self.keys)
            .field("extra", &self.extra.len())
            .finish()
    }
}

impl Redaction {
    /// Replaces the built-in key rule (to add words).
    pub fn with_keys(mut self, keys: SensitiveKeys) -> Self {
        self.keys = keys;
        self
    }

    /// Adds a host redactor, applied after the built-in key rule.
    pub fn with(mut self, redactor: Box<dyn Redactor>) -> Self {
        self.extra.push(redactor);
        self
    }

    fn sensitive(&self, key: &str) -> bool {
        self.keys.is_sensitive_key(key) || self.extra.iter().any(|r| r.is_sensitive_key(key))
    }

    fn scrub(&self, text: &mut String) {
        for r in &self.extra {
            if let Some(clean) = r.scrub(text) {
                *text = clean;
            }
        }
    }

    /// Redacts an event in place.
    pub fn apply(&self, event: &mut Event) {
        self.value(&mut event.details);
        if let Some(target) = &mut event.target {
            self.scrub(target);
        }
    }

    fn value(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if self.sensitive(key) {
                        *v = Value::String(REDACTED.to_owned());
                    } else {
                        self.value(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::String(s) => self.scrub(s),
            _ => {}
        }
    }
}

/// A [`Redactor`] that scrubs PII and secrets (emails, card numbers, CPF, phone numbers, JWTs,
/// API keys...) from string values with the pii-redact crate (feature `pii`).
#[cfg(feature = "pii")]
#[derive(Debug)]
pub struct PiiRedactor(pii_redact::Redactor);

#[cfg(feature = "pii")]
impl PiiRedactor {
    /// Wraps a configured pii-redact redactor (its mode decides redact, mask or hash).
    pub fn new(redactor: pii_redact::Redactor) -> Self {
        Self(redactor)
    }
}

#[cfg(feature = "pii")]
impl Default for PiiRedactor {
    /// Every built-in pii-redact detector, redact mode.
    fn default() -> Self {
        Self(pii_redact::Redactor::new())
    }
}

#[cfg(feature = "pii")]
impl Redactor for PiiRedactor {
    fn scrub(&self, text: &str) -> Option<String> {
        let out = self.0.redact(text);
        (out != text).then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Actor, Outcome};
    use serde_json::json;

    fn redact(details: Value, r: &Redaction) -> Value {
        let mut e = Event::builder(Actor::user("u"), "a.b", Outcome::Success)
            .details(details)
            .build()
            .unwrap();
        r.apply(&mut e);
        e.details
    }

    #[test]
    fn sensitive_keys_are_redacted_at_any_depth_and_case() {
        let out = redact(
            json!({
                "API_KEY": "sk-live-1", "nested": {"Authorization": {"scheme": "Bearer"}, "ok": 1},
                "list": [{"refresh_token": "r"}, {"password": 5}], "max_tokens": 100,
                "X-Api-Key": "k", "client_secret": ["a"], "token_count": 7
            }),
            &Redaction::default(),
        );
        assert_eq!(
            out,
            json!({
                "API_KEY": REDACTED, "nested": {"Authorization": REDACTED, "ok": 1},
                "list": [{"refresh_token": REDACTED}, {"password": REDACTED}], "max_tokens": 100,
                "X-Api-Key": REDACTED, "client_secret": REDACTED, "token_count": 7
            })
        );
    }

    #[test]
    fn sensitive_words_inside_keys_are_redacted() {
        let out = redact(
            json!({
                "password_confirmation": "p", "secret_key": "s", "SECRET-KEY": "s",
                "passwordHash": "h", "pwd": "p", "apiKeyValue": "k", "x-api-key-v2": "k",
                "list": [[{"privateKeyPem": "k"}]], "db_credentials_json": "c",
                "max_tokens": 1, "token_count": 2, "tokenizer": "t", "description": "d"
            }),
            &Redaction::default(),
        );
        assert_eq!(
            out,
            json!({
                "password_confirmation": REDACTED, "secret_key": REDACTED, "SECRET-KEY": REDACTED,
                "passwordHash": REDACTED, "pwd": REDACTED, "apiKeyValue": REDACTED,
                "x-api-key-v2": REDACTED, "list": [[{"privateKeyPem": REDACTED}]],
                "db_credentials_json": REDACTED,
                "max_tokens": 1, "token_count": 2, "tokenizer": "t", "description": "d"
            })
        );
    }

    struct Emails;
    impl Redactor for Emails {
        fn is_sensitive_key(&self, key: &str) -> bool {
            key == "ssn"
        }
        fn scrub(&self, text: &str) -> Option<String> {
            text.contains('@').then(|| "[email]".to_owned())
        }
    }

    #[cfg(feature = "pii")]
    #[test]
    fn the_pii_feature_scrubs_string_values() {
        let r = Redaction::default().with(Box::new(PiiRedactor::default()));
        let out = redact(
            json!({"note": "write to alice@example.com", "cards": ["4111 1111 1111 1111"], "n": 3}),
            &r,
        );
        let text = out.to_string();
        assert!(!text.contains("alice@example.com"), "{text}");
        assert!(!text.contains("4111 1111 1111 1111"), "{text}");
        assert_eq!(out["n"], 3);
    }

    #[test]
    fn host_redactors_scrub_strings_and_add_keys() {
        let r = Redaction::default()
            .with(Box::new(Emails))
            .with_keys(SensitiveKeys::default().with_word("Card-Number"));
        let out = redact(
            json!({"note": ["mail a@b.c"], "ssn": "1", "cardNumber": "4111", "n": "x"}),
            &r,
        );
        assert_eq!(
            out,
            json!({"note": ["[email]"], "ssn": REDACTED, "cardNumber": REDACTED, "n": "x"})
        );
    }
}
