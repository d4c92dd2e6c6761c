//! Reversible placeholders for LLM round trips.

use std::collections::HashMap;
use std::fmt;

use zeroize::Zeroize;

use crate::Entity;

/// The caller-held table from placeholders (`<EMAIL_1>`) back to the original values.
///
/// # Security
/// It holds the original values: keep it in memory for the round trip only, never log or
/// send it. The values are zeroized when the mapping is dropped, and `Debug` prints only the
/// number of entries.
#[derive(Default, Clone)]
pub struct Mapping {
    /// placeholder → original value.
    forward: HashMap<String, String>,
    /// (entity name, original value) → placeholder.
    reverse: HashMap<(String, String), String>,
    counters: HashMap<String, u32>,
}

impl fmt::Debug for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mapping({} entries, [redacted])", self.forward.len())
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        for (_, mut v) in self.forward.drain() {
            v.zeroize();
        }
        for ((_, mut v), _) in self.reverse.drain() {
            v.zeroize();
        }
    }
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of distinct values held.
    pub fn len(&self) -> usize {
        self.forward.len()
    }

    /// Whether no value is held.
    pub fn is_empty(&self) -> bool {
        self.forward.is_empty()
    }

    /// The original value behind `placeholder` (e.g. `"<EMAIL_1>"`).
    pub fn get(&self, placeholder: &str) -> Option<&str> {
        self.forward.get(placeholder).map(String::as_str)
    }

    pub(crate) fn placeholder_for(&mut self, entity: &Entity, value: &str) -> String {
        let key = (entity.label().to_owned(), value.to_owned());
        if let Some(p) = self.reverse.get(&key) {
            return p.clone();
        }
        let counter = self.counters.entry(entity.label().to_owned()).or_insert(0);
        *counter += 1;
        let placeholder = format!("<{}_{}>", entity.label(), counter);
        self.forward.insert(placeholder.clone(), value.to_owned());
        self.reverse.insert(key, placeholder.clone());
        placeholder
    }

    /// Puts the original values back wherever a placeholder of this mapping appears in `text`
    /// (e.g. the provider's answer). Unknown placeholders and other text are left as they are.
    ///
    /// Every placeholder of the mapping is restored, including ones the caller did not send in
    /// this turn: a provider (or a prompt injection reaching it) can write `<EMAIL_2>` and get
    /// that value shown to whoever reads the restored answer. Keep one mapping per conversation
    /// of one principal, never shared between users, and treat the restored text as holding
    /// every value of the mapping. Restored values are inserted verbatim (not escaped for HTML,
    /// JSON or a shell).
    pub fn restore(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            let (before, from) = rest.split_at(open);
            out.push_str(before);
            let close = from
                .get(1..)
                .and_then(|s| s.find(['>', '<']))
                .map(|c| c + 1);
            match close {
                Some(c) if from.as_bytes().get(c) == Some(&b'>') => {
                    let candidate = from.get(..=c).unwrap_or_default();
                    match self.forward.get(candidate) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(candidate),
                    }
                    rest = from.get(c + 1..).unwrap_or_default();
                }
                _ => {
                    out.push('<');
                    rest = from.get(1..).unwrap_or_default();
                }
            }
        }
        out.push_str(rest);
        out
    }
}
