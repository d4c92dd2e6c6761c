//! Typed audit events, their builder, and their canonical bytes.

use std::borrow::Cow;
use std::io::Write as _;
use std::net::IpAddr;

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::Error;

/// The longest accepted actor type, actor id, target, user agent, request id or resource type,
/// in bytes. Longer values are refused by [`EventBuilder::build`] (no silent truncation).
pub const MAX_FIELD_LEN: usize = 1024;
/// The longest accepted action name, in bytes.
pub const MAX_ACTION_LEN: usize = 128;
/// The deepest accepted nesting of `details`.
pub const MAX_DETAILS_DEPTH: usize = 32;
/// The largest accepted `details`, serialised, in bytes.
pub const MAX_DETAILS_LEN: usize = 256 * 1024;

/// The stored time format: RFC 3339, UTC, always six fractional digits, so that one instant has
/// exactly one encoding.
const TIME_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The common actions as dotted names. Any other lowercase dotted name is accepted too.
pub mod actions {
    /// A successful sign-in.
    pub const AUTH_LOGIN: &str = "auth.login";
    /// A refused sign-in.
    pub const AUTH_LOGIN_FAILED: &str = "auth.login_failed";
    /// A sign-out.
    pub const AUTH_LOGOUT: &str = "auth.logout";
    /// A multi-factor challenge.
    pub const AUTH_MFA: &str = "auth.mfa";
    /// A password change or reset.
    pub const AUTH_PASSWORD_CHANGED: &str = "auth.password_changed";
    /// An API key was created.
    pub const API_KEY_CREATED: &str = "api_key.created";
    /// An API key was revoked.
    pub const API_KEY_REVOKED: &str = "api_key.revoked";
    /// An API key was rotated.
    pub const API_KEY_ROTATED: &str = "api_key.rotated";
    /// A billing plan or payment method changed.
    pub const BILLING_CHANGED: &str = "billing.changed";
    /// A configuration setting changed.
    pub const CONFIG_CHANGED: &str = "config.changed";
    /// A member was added, removed or changed role.
    pub const MEMBER_CHANGED: &str = "member.changed";
    /// An MCP tool was called.
    pub const MCP_TOOL_CALLED: &str = "mcp.tool_called";
    /// Events were removed by a retention purge (written by the log itself).
    pub const AUDIT_PURGED: &str = "audit.purged";
}

/// Who did it: a type (`user`, `api_key`, `service`, `system`...) and an id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    kind: String,
    id: String,
}

impl Actor {
    /// An actor of type `kind` with identifier `id`. Validated by [`EventBuilder::build`].
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            id: id.into(),
        }
    }

    /// A user.
    pub fn user(id: impl Into<String>) -> Self {
        Self::new("user", id)
    }

    /// An API key (its public id, never the key).
    pub fn api_key(id: impl Into<String>) -> Self {
        Self::new("api_key", id)
    }

    /// A service or the system itself.
    pub fn system(id: impl Into<String>) -> Self {
        Self::new("system", id)
    }

    /// The actor type.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The actor id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// How the action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// It was done.
    Success,
    /// It was attempted and failed.
    Failure,
    /// It was refused by policy.
    Denied,
}

impl Outcome {
    /// The stored name: `success`, `failure` or `denied`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(Outcome::Success),
            "failure" => Some(Outcome::Failure),
            "denied" => Some(Outcome::Denied),
            _ => None,
        }
    }
}

/// What happened, before the log gives it a sequence number and a time. Built with
/// [`Event::builder`]; fields are validated there.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub(crate) actor: Actor,
    pub(crate) action: String,
    pub(crate) target: Option<String>,
    pub(crate) outcome: Outcome,
    pub(crate) ip: Option<IpAddr>,
    pub(crate) user_agent: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) resource_type: Option<String>,
    pub(crate) details: Value,
    pub(crate) no_log: bool,
}

impl Event {
    /// Starts an event: who, which action (a dotted name such as [`actions::API_KEY_REVOKED`]),
    /// and how it ended.
    pub fn builder(actor: Actor, action: impl Into<String>, outcome: Outcome) -> EventBuilder {
        EventBuilder {
            event: Event {
                actor,
                action: action.into(),
                target: None,
                outcome,
                ip: None,
                user_agent: None,
                request_id: None,
                resource_type: None,
                details: Value::Null,
                no_log: false,
            },
        }
    }

    /// The actor.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
    /// The dotted action name.
    pub fn action(&self) -> &str {
        &self.action
    }
    /// The target (the id of the thing acted on), if any.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }
    /// The outcome.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
    /// The client IP address, if recorded.
    pub fn ip(&self) -> Option<IpAddr> {
        self.ip
    }
    /// The client user agent, if recorded.
    pub fn user_agent(&self) -> Option<&str> {
        self.user_agent.as_deref()
    }
    /// The request id, if recorded.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The type of the target resource, if recorded.
    pub fn resource_type(&self) -> Option<&str> {
        self.resource_type.as_deref()
    }
    /// Structured details (after redaction, once stored). `Null` when none.
    pub fn details(&self) -> &Value {
        &self.details
    }
    /// Whether the actor had opted out of logging, so that only metadata was recorded.
    pub fn is_metadata_only(&self) -> bool {
        self.no_log
    }

    /// Keeps only the metadata: drops details, IP and user agent (the per-actor opt-out).
    pub(crate) fn strip_to_metadata(&mut self) {
        self.details = Value::Null;
        self.ip = None;
        self.user_agent = None;
        self.no_log = true;
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        check_field("actor.type", &self.actor.kind, true)?;
        check_field("actor.id", &self.actor.id, true)?;
        check_action(&self.action)?;
        for (field, value) in [
            ("target", &self.target),
            ("user_agent", &self.user_agent),
            ("request_id", &self.request_id),
            ("resource_type", &self.resource_type),
        ] {
            if let Some(v) = value {
                check_field(field, v, false)?;
            }
        }
        if depth(&self.details) > MAX_DETAILS_DEPTH {
            return Err(Error::InvalidEvent {
                field: "details",
                reason: "nested too deeply",
            });
        }
        Ok(())
    }
}

fn check_field(field: &'static str, value: &str, required: bool) -> Result<(), Error> {
    if required && value.is_empty() {
        return Err(Error::InvalidEvent {
            field,
            reason: "must not be empty",
        });
    }
    if value.len() > MAX_FIELD_LEN {
        return Err(Error::InvalidEvent {
            field,
            reason: "too long",
        });
    }
    if value.chars().any(char::is_control) {
        return Err(Error::InvalidEvent {
            field,
            reason: "contains control characters",
        });
    }
    Ok(())
}

/// An action is one or more segments of `[a-z0-9_]` joined by dots.
fn check_action(action: &str) -> Result<(), Error> {
    let bad = |reason| Error::InvalidEvent {
        field: "action",
        reason,
    };
    if action.is_empty() || action.len() > MAX_ACTION_LEN {
        return Err(bad("must be 1 to 128 bytes"));
    }
    for segment in action.split('.') {
        if segment.is_empty()
            || !segment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(bad("must be lowercase dotted segments of [a-z0-9_]"));
        }
    }
    Ok(())
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Builds an [`Event`]; [`EventBuilder::build`] validates it.
#[derive(Debug, Clone)]
pub struct EventBuilder {
    event: Event,
}

impl EventBuilder {
    /// The id of the thing acted on.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.event.target = Some(target.into());
        self
    }
    /// The client IP address.
    pub fn ip(mut self, ip: IpAddr) -> Self {
        self.event.ip = Some(ip);
        self
    }
    /// The client user agent.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.event.user_agent = Some(user_agent.into());
        self
    }
    /// The request id, to join the event with traces.
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.event.request_id = Some(request_id.into());
        self
    }
    /// The type of the target resource (`api_key`, `workspace`...).
    pub fn resource_type(mut self, resource_type: impl Into<String>) -> Self {
        self.event.resource_type = Some(resource_type.into());
        self
    }
    /// Structured details. Values under sensitive keys are redacted when the event is appended.
    pub fn details(mut self, details: Value) -> Self {
        self.event.details = details;
        self
    }
    /// Validates and returns the event: non-empty actor, a lowercase dotted action, fields within
    /// [`MAX_FIELD_LEN`] without control characters, details at most [`MAX_DETAILS_DEPTH`] deep.
    pub fn build(self) -> Result<Event, Error> {
        self.event.validate()?;
        Ok(self.event)
    }
}

/// A stored event: its sequence number (its leaf index in the Merkle tree), the time the log
/// stamped on it, and the event as written (after redaction).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub(crate) seq: u64,
    pub(crate) time: OffsetDateTime,
    pub(crate) event: Event,
}

impl Entry {
    /// The sequence number: 0 for the first event, then one more per event, never reused.
    pub fn seq(&self) -> u64 {
        self.seq
    }
    /// When the log accepted the event (UTC, microsecond precision).
    pub fn time(&self) -> OffsetDateTime {
        self.time
    }
    /// The event.
    pub fn event(&self) -> &Event {
        &self.event
    }
    /// The time as stored: RFC 3339 UTC with six fractional digits.
    pub fn time_rfc3339(&self) -> String {
        format_time(self.time)
    }

    /// The canonical bytes of this entry: the leaf of the Merkle tree. One JSON object with a
    /// fixed field order, absent optional fields omitted, object keys in `details` sorted by
    /// byte order, no whitespace. The same entry always yields the same bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write_canonical(&mut out);
        out
    }

    pub(crate) fn write_canonical(&self, out: &mut Vec<u8>) {
        let e = &self.event;
        let _ = write!(out, "{{\"seq\":{},\"time\":\"", self.seq);
        let _ = self.time.format_into(out, TIME_FORMAT);
        out.extend_from_slice(b"\",\"actor\":{\"type\":");
        json_str(out, &e.actor.kind);
        out.extend_from_slice(b",\"id\":");
        json_str(out, &e.actor.id);
        out.extend_from_slice(b"},\"action\":");
        json_str(out, &e.action);
        if let Some(t) = &e.target {
            out.extend_from_slice(b",\"target\":");
            json_str(out, t);
        }
        out.extend_from_slice(b",\"outcome\":\"");
        out.extend_from_slice(e.outcome.as_str().as_bytes());
        out.push(b'"');
        if let Some(ip) = &e.ip {
            let _ = write!(out, ",\"ip\":\"{ip}\"");
        }
        for (name, value) in [
            ("user_agent", &e.user_agent),
            ("request_id", &e.request_id),
            ("resource_type", &e.resource_type),
        ] {
            if let Some(v) = value {
                let _ = write!(out, ",\"{name}\":");
                json_str(out, v);
            }
        }
        if !e.details.is_null() {
            out.extend_from_slice(b",\"details\":");
            canonical_value(out, &e.details);
        }
        if e.no_log {
            out.extend_from_slice(b",\"no_log\":true");
        }
        out.push(b'}');
    }

    /// Parses canonical bytes back into an entry. Any deviation from the canonical shape that
    /// the parser can see (unknown fields, a bad time, an invalid action) is refused.
    pub fn from_canonical(bytes: &[u8]) -> Result<Entry, Error> {
        let raw: RawEntry = serde_json::from_slice(bytes).map_err(|_| Error::Corrupt {
            what: "entry is not a valid event record",
        })?;
        raw.into_entry()
    }
}

/// Truncates a time to the stored precision (microseconds, UTC).
pub(crate) fn normalise_time(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    let micros = t.microsecond();
    t.replace_nanosecond(micros * 1000).unwrap_or(t)
}

pub(crate) fn format_time(t: OffsetDateTime) -> String {
    t.format(TIME_FORMAT).unwrap_or_default()
}

/// Parses a stored time (the canonical format only).
pub(crate) fn parse_time(s: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(s, TIME_FORMAT)
        .ok()
        .map(|p| p.assume_utc())
}

/// Parses any RFC 3339 time (for query bounds given by people).
pub fn parse_rfc3339(s: &str) -> Result<OffsetDateTime, Error> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .map_err(|_| Error::Config("time is not RFC 3339"))
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    // Serialising a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Writes `value` with object keys sorted by byte order, whatever map type serde_json uses.
pub(crate) fn canonical_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_str(out, key);
                out.push(b':');
                if let Some(v) = map.get(key) {
                    canonical_value(out, v);
                }
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_value(out, item);
            }
            out.push(b']');
        }
        scalar => {
            let _ = serde_json::to_writer(&mut *out, scalar);
        }
    }
}

/// A borrowed view of an entry for verification: every field is checked for shape and
/// validity without building the details tree (which the leaf hash already covers).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckEntry<'a> {
    #[serde(rename = "seq")]
    _seq: u64,
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(borrow)]
    actor: CheckActor<'a>,
    #[serde(borrow)]
    action: Cow<'a, str>,
    #[serde(default, borrow)]
    target: Option<Cow<'a, str>>,
    #[serde(borrow)]
    outcome: Cow<'a, str>,
    #[serde(default, borrow)]
    ip: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    user_agent: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    resource_type: Option<Cow<'a, str>>,
    #[serde(default, rename = "details")]
    _details: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "no_log")]
    _no_log: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckActor<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    id: Cow<'a, str>,
}

/// The deepest nesting of arrays and objects in JSON text (strings skipped).
fn json_nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Whether canonical bytes decode as a valid entry, without allocating the details. Applies
/// the same limits as [`Entry::from_canonical`] (details depth included), so that a log that
/// verifies can also be read.
pub(crate) fn check_canonical(bytes: &[u8]) -> bool {
    // The entry object is one level; `details` nests below it.
    if json_nesting(bytes) > MAX_DETAILS_DEPTH + 1 {
        return false;
    }
    let Ok(e) = serde_json::from_slice::<CheckEntry<'_>>(bytes) else {
        return false;
    };
    parse_time(&e.time).is_some()
        && Outcome::parse(&e.outcome).is_some()
        && e.ip
            .as_deref()
            .is_none_or(|ip| ip.parse::<IpAddr>().is_ok())
        && check_field("actor.type", &e.actor.kind, true).is_ok()
        && check_field("actor.id", &e.actor.id, true).is_ok()
        && check_action(&e.action).is_ok()
        && [&e.target, &e.user_agent, &e.request_id, &e.resource_type]
            .into_iter()
            .flatten()
            .all(|v| check_field("field", v, false).is_ok())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    seq: u64,
    time: String,
    actor: RawActor,
    action: String,
    #[serde(default)]
    target: Option<String>,
    outcome: String,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    resource_type: Option<String>,
    #[serde(default)]
    details: Value,
    #[serde(default)]
    no_log: bool,
}

impl RawEntry {
    fn into_entry(self) -> Result<Entry, Error> {
        let time = parse_time(&self.time).ok_or(Error::Corrupt {
            what: "entry time is not canonical RFC 3339",
        })?;
        let outcome = Outcome::parse(&self.outcome).ok_or(Error::Corrupt {
            what: "entry outcome is unknown",
        })?;
        let ip = match self.ip {
            Some(s) => Some(s.parse().map_err(|_| Error::Corrupt {
                what: "entry ip is not an address",
            })?),
            None => None,
        };
        let event = Event {
            actor: Actor::new(self.actor.kind, self.actor.id),
            action: self.action,
            target: self.target,
            outcome,
            ip,
            user_agent: self.user_agent,
            request_id: self.request_id,
            resource_type: self.resource_type,
            details: self.details,
            no_log: self.no_log,
        };
        event.validate().map_err(|_| Error::Corrupt {
            what: "entry fields are invalid",
        })?;
        Ok(Entry {
            seq: self.seq,
            time,
            event,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn entry(details: Value) -> Entry {
        let event = Event::builder(
            Actor::user("u_1"),
            actions::API_KEY_REVOKED,
            Outcome::Success,
        )
        .target("key_9")
        .ip("203.0.113.7".parse().unwrap())
        .user_agent("curl/8 \"quoted\"")
        .request_id("req-1")
        .resource_type("api_key")
        .details(details)
        .build()
        .unwrap();
        Entry {
            seq: 42,
            time: normalise_time(
                OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap(),
            ),
            event,
        }
    }

    #[test]
    fn canonical_bytes_are_fixed_and_round_trip() {
        let e = entry(json!({"z": 1, "a": {"y": [1, "x"], "b": null}, "m": 1.5}));
        let bytes = e.canonical_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"seq":42,"time":"2023-11-14T22:13:20.123456Z","actor":{"type":"user","id":"u_1"},"action":"api_key.revoked","target":"key_9","outcome":"success","ip":"203.0.113.7","user_agent":"curl/8 \"quoted\"","request_id":"req-1","resource_type":"api_key","details":{"a":{"b":null,"y":[1,"x"]},"m":1.5,"z":1}}"#
        );
        let back = Entry::from_canonical(&bytes).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.canonical_bytes(), bytes);
    }

    #[test]
    fn builder_refuses_bad_fields() {
        let build =
            |actor: Actor, action: &str| Event::builder(actor, action, Outcome::Denied).build();
        assert!(build(Actor::user(""), "a.b").is_err());
        assert!(build(Actor::user("u"), "A.b").is_err());
        assert!(build(Actor::user("u"), "a..b").is_err());
        assert!(build(Actor::user("u"), "").is_err());
        assert!(build(Actor::user("u\n"), "a").is_err());
        assert!(build(Actor::user("x".repeat(MAX_FIELD_LEN + 1)), "a").is_err());
        assert!(build(Actor::user("u"), actions::MCP_TOOL_CALLED).is_ok());
        let mut deep = json!(1);
        for _ in 0..=MAX_DETAILS_DEPTH {
            deep = json!([deep]);
        }
        assert!(
            Event::builder(Actor::user("u"), "a", Outcome::Success)
                .details(deep)
                .build()
                .is_err()
        );
    }

    #[test]
    fn from_canonical_refuses_unknown_fields_and_bad_times() {
        assert!(Entry::from_canonical(br#"{"seq":1,"time":"2023-11-14T22:13:20Z","actor":{"type":"u","id":"i"},"action":"a","outcome":"success"}"#).is_err());
        assert!(Entry::from_canonical(br#"{"seq":1,"time":"2023-11-14T22:13:20.000000Z","actor":{"type":"u","id":"i"},"action":"a","outcome":"success","x":1}"#).is_err());
        assert!(Entry::from_canonical(br#"{"seq":1,"time":"2023-11-14T22:13:20.000000Z","actor":{"type":"u","id":"i"},"action":"a","outcome":"success"}"#).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_entry_round_trips(seq in 0u64..u64::MAX, nanos in 0i64..4_000_000_000_000_000_000, target in "[ -~]{0,20}", key in "[a-z]{1,5}", val in any::<i64>(), s in "\\PC{0,20}") {
            let event = Event::builder(Actor::api_key("k"), "x.y", Outcome::Failure)
                .target(target)
                .details(json!({ key: [val, s] }))
                .build().unwrap();
            let e = Entry { seq, time: normalise_time(OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos)).unwrap()), event };
            let bytes = e.canonical_bytes();
            let back = Entry::from_canonical(&bytes).unwrap();
            prop_assert_eq!(back.canonical_bytes(), bytes);
            prop_assert_eq!(back, e);
        }
    }
}
