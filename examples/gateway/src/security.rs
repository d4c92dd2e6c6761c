//! The content layers: the injection guard (injection-detect) over every message with its
//! role's policy, the per-key tool allow-list, and reversible PII redaction (pii-redact) of the
//! prompt, with the placeholders restored in the answer and new PII in the answer redacted.

use injection_detect::{Action, Guard, Message as GuardMessage, Source};
use pii_redact::{Mapping, Redactor};
use serde_json::Value;

use crate::config::{GuardMode, SpeechPii};
use crate::error::{ApiError, StartError};
use crate::openai::{ChatRequest, Role};

/// Bytes of a streamed answer held back so that a value (an email, a card, a key) or a
/// placeholder cut across chunks is seen whole before it is sent.
pub const STREAM_HOLD_BACK: usize = 128;

/// A streamed run without whitespace longer than this is cut anyway (outside detected values),
/// so the held-back text stays bounded.
pub const STREAM_MAX_PENDING: usize = 4096;

/// The guard and the redactor, built once at start.
pub struct Content {
    guard: Guard,
    mode: GuardMode,
    redactor: Redactor,
    pii: bool,
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("mode", &self.mode)
            .field("pii", &self.pii)
            .finish_non_exhaustive()
    }
}

fn source(role: Role) -> Source {
    match role {
        Role::System | Role::Developer => Source::System,
        Role::User => Source::User,
        Role::Assistant => Source::Assistant,
        Role::Tool => Source::Tool,
    }
}

impl Content {
    /// Builds the layers.
    pub fn new(mode: GuardMode, pii: bool) -> Result<Self, StartError> {
        let guard = Guard::builder()
            .mode(injection_detect::Mode::Block)
            .build()
            .map_err(|e| StartError::Component {
                component: "injection-detect",
                reason: e.to_string(),
            })?;
        Ok(Self {
            guard,
            mode,
            redactor: Redactor::new(),
            pii,
        })
    }

    /// The redactor (also used for the logs).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Scans every text of the chat. Block mode: 400 `SECURITY_001` with the rules that fired
    /// (never the matched text). Warn mode: a log line, and the request goes on.
    pub fn guard_texts<'a>(
        &self,
        texts: impl Iterator<Item = (Role, &'a str)>,
        key_id: &str,
    ) -> Result<(), ApiError> {
        if self.mode == GuardMode::Off {
            return Ok(());
        }
        let messages: Vec<GuardMessage<'_>> = texts
            .map(|(role, content)| GuardMessage {
                source: source(role),
                content,
            })
            .collect();
        let verdict = self.guard.scan_messages(&messages);
        if verdict.action == Action::Allow {
            return Ok(());
        }
        let rules: Vec<&str> = verdict
            .messages
            .iter()
            .flat_map(|v| v.matches().iter().map(|m| m.rule()))
            .collect();
        let blocking = verdict.action == Action::Block && self.mode == GuardMode::Block;
        tracing::warn!(
            key = key_id,
            action = verdict.action.as_str(),
            score = verdict.score,
            rules = ?rules,
            blocked = blocking,
            "prompt injection guard"
        );
        if blocking {
            let mut err = ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "SECURITY_001",
                "request blocked by the prompt-injection guard",
            );
            err.set_details(serde_json::json!({ "rules": rules, "score": verdict.score }));
            return Err(err);
        }
        Ok(())
    }

    /// Checks the tools the request offers against the key's allow-list (`None`: no tools).
    pub fn check_tools(request: &ChatRequest, allowed: Option<&[String]>) -> Result<(), ApiError> {
        for tool in request.tools.iter().flatten() {
            let name = tool.function.name.as_str();
            if !allowed.is_some_and(|list| list.iter().any(|a| a == name)) {
                let mut err = ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "SECURITY_002",
                    "a tool in the request is not on this key's allow-list",
                );
                err.set_details(serde_json::json!({ "tool": name }));
                return Err(err);
            }
        }
        Ok(())
    }

    /// Replaces PII and secrets in every prompt text by reversible placeholders
    /// (`<EMAIL_1>`); the returned mapping restores them in the answer.
    pub fn redact_prompt(&self, request: &mut ChatRequest) -> Mapping {
        let mut mapping = Mapping::new();
        if self.pii {
            for (_, text) in request.texts_mut() {
                let redacted = self.redactor.redact_reversible_into(text, &mut mapping);
                *text = redacted;
            }
        }
        mapping
    }

    /// Redacts PII the provider produced by itself, then restores the prompt's placeholders.
    pub fn answer_text(&self, text: &str, mapping: &Mapping) -> String {
        if !self.pii {
            return text.to_owned();
        }
        let redacted = self.redactor.redact(text);
        if mapping.is_empty() {
            redacted
        } else {
            mapping.restore(&redacted)
        }
    }

    /// Applies [`Content::answer_text`] to every `content` string of a chat completion and to
    /// the arguments of every tool call the model made (they are model output too, and carry
    /// the prompt's placeholders the client needs restored).
    pub fn answer_json(&self, value: &mut Value, mapping: &Mapping) {
        let Some(choices) = value.get_mut("choices").and_then(Value::as_array_mut) else {
            return;
        };
        for choice in choices {
            for field in ["message", "delta"] {
                let Some(message) = choice.get_mut(field) else {
                    continue;
                };
                if let Some(Value::String(text)) = message.get_mut("content") {
                    *text = self.answer_text(text, mapping);
                }
                let calls = message
                    .get_mut("tool_calls")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten();
                for call in calls {
                    if let Some(Value::String(args)) = call
                        .get_mut("function")
                        .and_then(|f| f.get_mut("arguments"))
                    {
                        *args = self.answer_text(args, mapping);
                    }
                }
            }
        }
    }

    /// Redacts and restores streamed text, where a chunk may cut a value or a placeholder in
    /// two. `pending` holds back the last [`STREAM_HOLD_BACK`] bytes (and, below that, back to
    /// the last whitespace outside any detected value), so a value the provider sends across
    /// chunks is redacted whole; a run of more than [`STREAM_MAX_PENDING`] bytes without
    /// whitespace is cut outside detected values. Returns what can be sent now.
    pub fn stream_piece(&self, pending: &mut String, piece: &str, mapping: &Mapping) -> String {
        pending.push_str(piece);
        if !self.pii {
            return std::mem::take(pending);
        }
        let Some(limit) = pending.len().checked_sub(STREAM_HOLD_BACK) else {
            return String::new();
        };
        let bytes = pending.as_bytes();
        let mut cut = bytes
            .iter()
            .take(limit)
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |i| i + 1);
        if cut == 0 && pending.len() > STREAM_MAX_PENDING {
            cut = limit;
            while !pending.is_char_boundary(cut) {
                cut -= 1;
            }
        }
        // Never inside a value: move the cut to the start of any finding it falls in.
        let findings = self.redactor.detect(pending);
        loop {
            let inside = findings
                .iter()
                .filter(|f| f.start < cut && cut < f.end)
                .map(|f| f.start)
                .min();
            match inside {
                Some(start) => cut = start,
                None => break,
            }
        }
        let ready: String = pending.drain(..cut).collect();
        self.answer_text(&ready, mapping)
    }

    /// The text of a speech request as it may leave: placeholders cannot be restored in audio,
    /// so secrets refuse the request (400 `SECURITY_003`), and other personal data is replaced
    /// by a spoken-friendly phrase ([`SpeechPii::Spoken`]) or refuses it too
    /// ([`SpeechPii::Refuse`], 400 `SECURITY_004`). The error names the kinds found, never a
    /// value. With PII redaction off the text is returned as is.
    pub fn speech_text(&self, text: &str, policy: SpeechPii) -> Result<String, ApiError> {
        if !self.pii {
            return Ok(text.to_owned());
        }
        let findings = self.redactor.detect(text);
        if findings.is_empty() {
            return Ok(text.to_owned());
        }
        let kinds = |secret: bool| {
            let mut kinds: Vec<&str> = findings
                .iter()
                .filter(|f| !secret || f.entity.is_secret())
                .map(|f| f.entity.name())
                .collect();
            kinds.sort_unstable();
            kinds.dedup();
            kinds
        };
        let refuse = |code: &'static str, message: &str, kinds: Vec<&str>| {
            let mut err = ApiError::new(axum::http::StatusCode::BAD_REQUEST, code, message);
            err.set_details(serde_json::json!({ "kinds": kinds }));
            err
        };
        if findings.iter().any(|f| f.entity.is_secret()) {
            return Err(refuse(
                "SECURITY_003",
                "speech input contains a secret (key, token or password); it is never spoken",
                kinds(true),
            ));
        }
        if policy == SpeechPii::Refuse {
            return Err(refuse(
                "SECURITY_004",
                "speech input contains personal data, which this gateway does not send to the provider",
                kinds(false),
            ));
        }
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for f in &findings {
            out.push_str(text.get(pos..f.start).unwrap_or_default());
            out.push_str(spoken(&f.entity));
            pos = f.end;
        }
        out.push_str(text.get(pos..).unwrap_or_default());
        Ok(out)
    }

    /// Flushes the held-back tail at the end of a stream.
    pub fn stream_end(&self, pending: &mut String, mapping: &Mapping) -> String {
        let rest = std::mem::take(pending);
        self.answer_text(&rest, mapping)
    }
}

/// How a redacted value reads aloud in speech input.
fn spoken(entity: &pii_redact::Entity) -> &'static str {
    use pii_redact::Entity;
    match entity {
        Entity::Email => "an email address",
        Entity::Cpf => "a tax number",
        Entity::Cnpj => "a company number",
        Entity::CreditCard => "a card number",
        Entity::Phone => "a phone number",
        Entity::Ssn => "a social security number",
        Entity::IpAddress => "an IP address",
        Entity::Iban => "a bank account number",
        _ => "a redacted value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(text: &str) -> ChatRequest {
        serde_json::from_value(serde_json::json!({
            "model": "m", "messages": [{"role": "user", "content": text}]
        }))
        .unwrap()
    }

    #[test]
    fn placeholders_round_trip_through_a_split_stream() {
        let c = Content::new(GuardMode::Block, true).unwrap();
        let mut req = chat("mail ada@example.com now");
        let mapping = c.redact_prompt(&mut req);
        let sent = serde_json::to_string(&req).unwrap();
        assert!(!sent.contains("ada@example.com"), "{sent}");
        assert!(sent.contains("<EMAIL_1>"), "{sent}");
        let answer = "You said: mail <EMAIL_1> now";
        for cut in 0..answer.len() {
            let (a, b) = answer.split_at(cut);
            let mut pending = String::new();
            let mut out = c.stream_piece(&mut pending, a, &mapping);
            out += &c.stream_piece(&mut pending, b, &mapping);
            out += &c.stream_end(&mut pending, &mapping);
            assert_eq!(out, "You said: mail ada@example.com now", "cut {cut}");
        }
    }

    #[test]
    fn provider_pii_cut_across_stream_chunks_is_redacted() {
        let c = Content::new(GuardMode::Block, true).unwrap();
        let mapping = c.redact_prompt(&mut chat("no personal data here"));
        let answer = format!(
            "{} write to grace.hopper@example.org or pay with 4111 1111 1111 1111 {}",
            "Sure, here is the contact you asked for. ".repeat(4),
            "and that is all I know about it. ".repeat(5)
        );
        let whole = c.answer_text(&answer, &mapping);
        assert!(!whole.contains("hopper"), "{whole}");
        for cut in (0..answer.len()).filter(|&i| answer.is_char_boundary(i)) {
            let (a, b) = answer.split_at(cut);
            let mut pending = String::new();
            let mut out = c.stream_piece(&mut pending, a, &mapping);
            out += &c.stream_piece(&mut pending, b, &mapping);
            out += &c.stream_end(&mut pending, &mapping);
            assert_eq!(out, whole, "cut {cut}");
        }
        // Many small chunks, as providers send them.
        let mut pending = String::new();
        let mut out = String::new();
        for chunk in answer.as_bytes().chunks(3) {
            out += &c.stream_piece(&mut pending, std::str::from_utf8(chunk).unwrap(), &mapping);
        }
        out += &c.stream_end(&mut pending, &mapping);
        assert_eq!(out, whole);
    }

    #[test]
    fn tool_call_arguments_in_the_answer_are_restored_and_redacted() {
        let c = Content::new(GuardMode::Block, true).unwrap();
        let mut req = chat("write to ada@example.com");
        let mapping = c.redact_prompt(&mut req);
        let mut answer = serde_json::json!({"choices": [{"index": 0, "message": {
            "role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function",
            "function": {"name": "send", "arguments":
                "{\"to\":\"<EMAIL_1>\",\"cc\":\"grace@example.org\"}"}}]}}]});
        c.answer_json(&mut answer, &mapping);
        let args = answer["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .unwrap();
        assert!(args.contains("ada@example.com"), "{args}");
        assert!(!args.contains("grace@example.org"), "{args}");
    }

    #[test]
    fn speech_text_speaks_pii_and_refuses_secrets() {
        let c = Content::new(GuardMode::Block, true).unwrap();
        let text = "Call +1 415 555 0100 or mail ada@example.com, card 4111 1111 1111 1111.";
        let out = c.speech_text(text, SpeechPii::Spoken).unwrap();
        assert_eq!(
            out,
            "Call a phone number or mail an email address, card a card number."
        );
        let err = c.speech_text(text, SpeechPii::Refuse).unwrap_err();
        assert_eq!(err.code(), "SECURITY_004");
        let key = "my key is sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z and ada@example.com";
        for policy in [SpeechPii::Spoken, SpeechPii::Refuse] {
            assert_eq!(
                c.speech_text(key, policy).unwrap_err().code(),
                "SECURITY_003"
            );
        }
        assert_eq!(
            c.speech_text("hello there", SpeechPii::Refuse).unwrap(),
            "hello there"
        );
        let off = Content::new(GuardMode::Block, false).unwrap();
        assert_eq!(off.speech_text(key, SpeechPii::Refuse).unwrap(), key);
    }

    #[test]
    fn tools_outside_the_allow_list_are_refused() {
        let req: ChatRequest = serde_json::from_value(serde_json::json!({
            "model": "m", "messages": [{"role": "user", "content": "x"}],
            "tools": [{"type": "function", "function": {"name": "delete_all"}}]
        }))
        .unwrap();
        assert!(Content::check_tools(&req, None).is_err());
        assert!(Content::check_tools(&req, Some(&["search".into()])).is_err());
        assert!(Content::check_tools(&req, Some(&["delete_all".into()])).is_ok());
        assert!(Content::check_tools(&chat("x"), None).is_ok());
    }
}
