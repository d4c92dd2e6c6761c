//! The configured redactor: detection, overlap resolution and the output modes.

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::Error;
use crate::entity::{BUILTIN, Entity, EntitySet};
use crate::mapping::Mapping;
use crate::scan::{Raw, Scanner};
use crate::stream::StreamRedactor;

/// One sensitive value found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What it is.
    pub entity: Entity,
    /// Byte offset of the first byte (always on a `char` boundary).
    pub start: usize,
    /// Byte offset one past the last byte (always on a `char` boundary).
    pub end: usize,
    /// How sure the detector is, 0.0 to 1.0: 0.99 for checksum-validated values, 0.9–0.95 for
    /// strictly structured ones, 0.6–0.85 for phones without context.
    pub confidence: f32,
}

impl Finding {
    /// The matched text (empty if `text` is not the text this finding came from).
    pub fn value<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or_default()
    }
}

/// What replaces a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// `[EMAIL_REDACTED]`, `[CC_REDACTED]`, … (OmniRoute's placeholders).
    #[default]
    Redact,
    /// Partial masking: an email keeps its domain (`***@example.com`); card, phone, IBAN, CPF,
    /// CNPJ and SSN keep their last four characters (`**** **** **** 1111`); an IP address keeps
    /// its separators only; credentials are replaced whole by their placeholder.
    Mask,
    /// A keyed pseudonym, `[EMAIL_1f2e3d4c5b6a7988]`: the first 64 bits of
    /// HMAC-SHA256(key, entity ‖ 0 ‖ normalised value). Stable for the same value and key, so
    /// logs stay joinable; not reversible without brute force over the value space, which is
    /// why the key must stay secret.
    Hash,
}

/// The secret key of [`Mode::Hash`], zeroized on drop. At least 16 bytes.
#[derive(Clone)]
pub struct HashKey(Zeroizing<Vec<u8>>);

impl HashKey {
    /// Minimum key length in bytes.
    pub const MIN_LEN: usize = 16;

    /// Wraps `key` (copied). Errors with [`Error::WeakHashKey`] under 16 bytes.
    pub fn new(key: &[u8]) -> Result<Self, Error> {
        if key.len() < Self::MIN_LEN {
            return Err(Error::WeakHashKey { min: Self::MIN_LEN });
        }
        Ok(HashKey(Zeroizing::new(key.to_vec())))
    }
}

impl fmt::Debug for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashKey([redacted])")
    }
}

type Validator = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// A caller-defined detector: a regular expression plus an optional validator.
///
/// Custom detectors run as one extra regex pass each over the text, after the built-in scan;
/// their findings join the same overlap resolution.
#[derive(Clone)]
pub struct CustomDetector {
    entity: Entity,
    regex: regex::Regex,
    validator: Option<Validator>,
    confidence: f32,
}

impl fmt::Debug for CustomDetector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomDetector")
            .field("entity", &self.entity)
            .field("pattern", &self.regex.as_str())
            .finish_non_exhaustive()
    }
}

impl CustomDetector {
    /// A detector for entity `name` (`A-Z`, `0-9`, `_`, starting with a letter, at most 32
    /// characters, not a built-in name) matching `pattern` (Rust `regex` syntax; compiled
    /// once, size-limited to 1 MiB).
    pub fn new(name: &str, pattern: &str) -> Result<Self, Error> {
        let valid = !name.is_empty()
            && name.len() <= 32
            && name.bytes().next().is_some_and(|c| c.is_ascii_uppercase())
            && name
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
            && name.parse::<Entity>().is_err();
        if !valid {
            return Err(Error::InvalidEntityName);
        }
        let regex = regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
            .map_err(|_| Error::InvalidPattern {
                entity: name.to_owned(),
            })?;
        Ok(CustomDetector {
            entity: Entity::Custom(Arc::from(name)),
            regex,
            validator: None,
            confidence: 0.8,
        })
    }

    /// Keeps only matches for which `validator` returns true (e.g. a checksum).
    #[must_use]
    pub fn with_validator(
        mut self,
        validator: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.validator = Some(Arc::new(validator));
        self
    }

    /// The confidence reported for this detector's findings (default 0.8, clamped to 0..=1).
    #[must_use]
    pub fn with_confidence(mut self, confidence: f32) -> Self {
        self.confidence = confidence.clamp(0.0, 1.0);
        self
    }

    /// The entity this detector reports.
    pub fn entity(&self) -> &Entity {
        &self.entity
    }
}

/// Builds a [`Redactor`]. Defaults: every built-in entity, [`Mode::Redact`], no minimum
/// confidence.
#[derive(Debug, Clone, Default)]
pub struct RedactorBuilder {
    set: EntitySet,
    custom: Vec<CustomDetector>,
    mode: Mode,
    key: Option<HashKey>,
    min_confidence: f32,
}

impl RedactorBuilder {
    /// Exactly these built-in entities.
    #[must_use]
    pub fn entities(mut self, set: EntitySet) -> Self {
        self.set = set;
        self
    }

    /// Only the listed entities (custom ones are added with [`Self::custom`]).
    #[must_use]
    pub fn only(mut self, entities: &[Entity]) -> Self {
        self.set = entities.iter().collect();
        self
    }

    /// Switches a built-in entity on.
    #[must_use]
    pub fn enable(mut self, entity: &Entity) -> Self {
        self.set = self.set.with(entity);
        self
    }

    /// Switches a built-in entity off.
    #[must_use]
    pub fn disable(mut self, entity: &Entity) -> Self {
        self.set = self.set.without(entity);
        self
    }

    /// Adds a custom detector.
    #[must_use]
    pub fn custom(mut self, detector: CustomDetector) -> Self {
        self.custom.push(detector);
        self
    }

    /// The output mode of [`Redactor::redact`].
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The key of [`Mode::Hash`].
    #[must_use]
    pub fn hash_key(mut self, key: HashKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Drops findings below this confidence (0.0 keeps everything).
    #[must_use]
    pub fn min_confidence(mut self, confidence: f32) -> Self {
        self.min_confidence = confidence;
        self
    }

    /// Validates and builds.
    pub fn build(self) -> Result<Redactor, Error> {
        if !(0.0..=1.0).contains(&self.min_confidence) {
            return Err(Error::InvalidConfidence);
        }
        if self.mode == Mode::Hash && self.key.is_none() {
            return Err(Error::MissingHashKey);
        }
        Ok(Redactor {
            scanner: Scanner::new(),
            set: self.set,
            custom: self.custom,
            mode: self.mode,
            key: self.key,
            min_confidence: self.min_confidence,
        })
    }
}

/// Finds and replaces PII and secrets. Build once, share freely (`Send + Sync`).
///
/// Overlapping findings are resolved deterministically: the earliest start wins; at the same
/// start the longer span wins; at the same span the higher confidence, then the built-in order
/// (`Entity::builtins()`), then custom detectors in the order added.
#[derive(Debug, Clone)]
pub struct Redactor {
    scanner: Scanner,
    set: EntitySet,
    custom: Vec<CustomDetector>,
    mode: Mode,
    key: Option<HashKey>,
    min_confidence: f32,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// Every built-in entity, [`Mode::Redact`].
    pub fn new() -> Self {
        Redactor {
            scanner: Scanner::new(),
            set: EntitySet::all(),
            custom: Vec::new(),
            mode: Mode::Redact,
            key: None,
            min_confidence: 0.0,
        }
    }

    /// A builder.
    pub fn builder() -> RedactorBuilder {
        RedactorBuilder::default()
    }

    /// The configured mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether `entity` is switched on.
    pub fn enabled(&self, entity: &Entity) -> bool {
        match entity {
            Entity::Custom(_) => self.custom.iter().any(|c| &c.entity == entity),
            builtin => self.set.contains(builtin),
        }
    }

    /// Every finding in `text`, sorted by start, non-overlapping.
    pub fn detect(&self, text: &str) -> Vec<Finding> {
        let mut raw = Vec::new();
        self.scanner.scan(text, self.set, &mut raw);
        let mut all: Vec<(Raw, Option<usize>)> = raw.into_iter().map(|r| (r, None)).collect();
        for (idx, det) in self.custom.iter().enumerate() {
            for m in det.regex.find_iter(text) {
                if m.start() == m.end() {
                    continue;
                }
                if det.validator.as_ref().is_none_or(|v| v(m.as_str())) {
                    let r = Raw {
                        kind: u8::MAX,
                        start: m.start(),
                        end: m.end(),
                        conf: det.confidence,
                    };
                    all.push((r, Some(idx)));
                }
            }
        }
        #[cfg(feature = "key-format")]
        if self.set.contains(&Entity::ApiKey) {
            for key in key_format::find_keys(text) {
                let r = Raw {
                    kind: crate::scan::k::API_KEY,
                    start: key.start(),
                    end: key.end(),
                    conf: 0.99,
                };
                all.push((r, None));
            }
        }
        all.sort_by(|(a, ca), (b, cb)| {
            a.start
                .cmp(&b.start)
                .then(b.end.cmp(&a.end))
                .then(b.conf.total_cmp(&a.conf))
                .then(a.kind.cmp(&b.kind))
                .then(ca.cmp(cb))
        });
        let mut out: Vec<Finding> = Vec::with_capacity(all.len());
        let mut last_end = 0usize;
        for (r, custom) in all {
            if r.start < last_end || r.conf < self.min_confidence {
                continue;
            }
            if !(text.is_char_boundary(r.start) && text.is_char_boundary(r.end)) {
                continue;
            }
            let entity = match custom {
                Some(idx) => match self.custom.get(idx) {
                    Some(d) => d.entity.clone(),
                    None => continue,
                },
                None => match BUILTIN.get(usize::from(r.kind)) {
                    Some(e) => e.clone(),
                    None => continue,
                },
            };
            last_end = r.end;
            out.push(Finding {
                entity,
                start: r.start,
                end: r.end,
                confidence: r.conf,
            });
        }
        out
    }

    /// Replaces every finding according to the configured [`Mode`].
    pub fn redact(&self, text: &str) -> String {
        self.redact_with_findings(text).0
    }

    /// [`Self::redact`] plus the findings (spans refer to the input).
    pub fn redact_with_findings(&self, text: &str) -> (String, Vec<Finding>) {
        let findings = self.detect(text);
        let mut out = String::with_capacity(self.output_len(text, &findings));
        self.render(text, &findings, &mut out);
        (out, findings)
    }

    /// The length of the rendered output (exact in redact and hash mode, an upper bound in
    /// mask mode), so the output is allocated once and never grows.
    fn output_len(&self, text: &str, findings: &[Finding]) -> usize {
        findings.iter().fold(text.len(), |len, f| {
            let value = f.end.saturating_sub(f.start);
            // `[` LABEL `_REDACTED]` and `[` LABEL `_` 16 hex `]`.
            let placeholder = f.entity.label().len() + 11;
            let replacement = match self.mode {
                Mode::Redact => placeholder,
                Mode::Hash => f.entity.label().len() + 19,
                // An email gains at most `***@` over a one-letter local part.
                Mode::Mask => placeholder.max(value + 3),
            };
            (len - value.min(len)).saturating_add(replacement)
        })
    }

    pub(crate) fn render(&self, text: &str, findings: &[Finding], out: &mut String) {
        let mut pos = 0;
        for f in findings {
            out.push_str(text.get(pos..f.start).unwrap_or_default());
            self.replacement(f.entity.clone(), f.value(text), out);
            pos = f.end;
        }
        out.push_str(text.get(pos..).unwrap_or_default());
    }

    /// Writes the replacement of one value in the configured mode.
    pub(crate) fn replacement(&self, entity: Entity, value: &str, out: &mut String) {
        match self.mode {
            Mode::Redact => push_placeholder(&entity, out),
            Mode::Mask => mask(&entity, value, out),
            Mode::Hash => match &self.key {
                Some(key) => pseudonym(key, &entity, value, out),
                None => push_placeholder(&entity, out),
            },
        }
    }

    /// Replaces findings with numbered placeholders (`<EMAIL_1>`, `<PHONE_2>`, …) and returns
    /// the mapping needed to put the values back with [`Mapping::restore`]. The same value gets
    /// the same placeholder. For a conversation, keep one mapping and use
    /// [`Self::redact_reversible_into`].
    pub fn redact_reversible(&self, text: &str) -> (String, Mapping) {
        let mut mapping = Mapping::new();
        let out = self.redact_reversible_into(text, &mut mapping);
        (out, mapping)
    }

    /// [`Self::redact_reversible`] adding to an existing mapping.
    pub fn redact_reversible_into(&self, text: &str, mapping: &mut Mapping) -> String {
        let findings = self.detect(text);
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for f in &findings {
            out.push_str(text.get(pos..f.start).unwrap_or_default());
            out.push_str(&mapping.placeholder_for(&f.entity, f.value(text)));
            pos = f.end;
        }
        out.push_str(text.get(pos..).unwrap_or_default());
        out
    }

    /// A streaming redactor for chunked input (see [`StreamRedactor`]).
    pub fn stream(&self) -> StreamRedactor<'_> {
        StreamRedactor::new(self)
    }
}

fn push_placeholder(entity: &Entity, out: &mut String) {
    out.push('[');
    out.push_str(entity.label());
    out.push_str("_REDACTED]");
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{AD}')
}

fn mask(entity: &Entity, value: &str, out: &mut String) {
    match entity {
        Entity::Email => {
            let domain = value.rsplit_once('@').map_or("", |(_, d)| d);
            out.push_str("***@");
            out.extend(domain.chars().filter(|&c| !is_invisible(c)));
        }
        Entity::CreditCard
        | Entity::Phone
        | Entity::Iban
        | Entity::Cpf
        | Entity::Cnpj
        | Entity::Ssn => {
            let total = value.chars().filter(char::is_ascii_alphanumeric).count();
            let keep_from = total.saturating_sub(4);
            let mut seen = 0;
            for c in value.chars().filter(|&c| !is_invisible(c)) {
                if c.is_ascii_alphanumeric() {
                    out.push(if seen >= keep_from { c } else { '*' });
                    seen += 1;
                } else {
                    out.push(c);
                }
            }
        }
        Entity::IpAddress => {
            out.extend(
                value
                    .chars()
                    .filter(|&c| !is_invisible(c))
                    .map(|c| if c.is_ascii_hexdigit() { '*' } else { c }),
            );
        }
        other => push_placeholder(other, out),
    }
}

fn normalise(entity: &Entity, value: &str) -> String {
    let visible = value.chars().filter(|&c| !is_invisible(c));
    match entity {
        Entity::Email | Entity::IpAddress => visible.flat_map(char::to_lowercase).collect(),
        Entity::CreditCard
        | Entity::Phone
        | Entity::Iban
        | Entity::Cpf
        | Entity::Cnpj
        | Entity::Ssn => visible
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect(),
        _ => visible.collect(),
    }
}

fn pseudonym(key: &HashKey, entity: &Entity, value: &str, out: &mut String) {
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&key.0) else {
        push_placeholder(entity, out);
        return;
    };
    let norm = Zeroizing::new(normalise(entity, value));
    mac.update(entity.name().as_bytes());
    mac.update(&[0]);
    mac.update(norm.as_bytes());
    let tag = mac.finalize().into_bytes();
    out.push('[');
    out.push_str(entity.label());
    out.push('_');
    for b in tag.iter().take(8) {
        out.push_str(&format!("{b:02x}"));
    }
    out.push(']');
}

#[cfg(all(test, feature = "key-format"))]
mod key_format_tests {
    use crate::{Entity, Redactor};

    #[test]
    fn finds_key_format_keys() {
        // An untagged key: prefix, '_', 12-char id + 30-char secret, CRC-32 in base62.
        let mut key = String::from("omk_live_AbCdEf012345xYz9876543210QwErTyUiOpAsDfGhJkLz");
        key.truncate("omk_live_".len() + 42);
        let head = key.clone();
        key_format::push_crc32_base62(head.as_bytes(), &mut key);
        let key = key.as_str();
        assert!(
            key_format::KeyFormat::new("omk_live")
                .unwrap()
                .parse(key)
                .is_ok()
        );
        let text = format!("leaked {key} here");
        let found = Redactor::new().detect(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].entity, Entity::ApiKey);
        assert_eq!(found[0].value(&text), key);
        assert_eq!(
            Redactor::new().redact(&text),
            "leaked [API_KEY_REDACTED] here"
        );
        let off = Redactor::builder()
            .disable(&Entity::ApiKey)
            .build()
            .unwrap();
        assert!(off.detect(&text).is_empty());
    }
}

#[cfg(test)]
mod capacity_tests {
    use crate::{HashKey, Mode, Redactor};

    /// The output is allocated once with its exact length (redact and hash mode) or more
    /// (mask mode): rendering never reallocates.
    #[test]
    fn output_is_allocated_once() {
        let text = "ip 1.2.3.4, mail a@b.co, card 4111 1111 1111 1111, \u{200b}x password=hunter2";
        let key = HashKey::new(b"0123456789abcdef").unwrap();
        for (mode, exact) in [
            (Mode::Redact, true),
            (Mode::Hash, true),
            (Mode::Mask, false),
        ] {
            let r = Redactor::builder()
                .mode(mode)
                .hash_key(key.clone())
                .build()
                .unwrap();
            let (out, found) = r.redact_with_findings(text);
            assert_eq!(found.len(), 4, "{mode:?}");
            if exact {
                assert_eq!(out.capacity(), out.len(), "{mode:?}: {out}");
            } else {
                assert!(out.capacity() >= out.len(), "{mode:?}: {out}");
            }
        }
    }
}
