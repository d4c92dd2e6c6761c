//! The filter of a streamed chat completion (server-sent events from the provider to the
//! client) and the tool-call check of a non-streamed one.
//!
//! Content deltas stream through with the PII hold-back of [`Content::stream_piece`]. Tool
//! calls do not: a provider sends a call's name and JSON arguments as fragments
//! (`delta.tool_calls[i].function.arguments`), and a placeholder or a value may be cut
//! anywhere in them, so the fragments are buffered per choice and call index (at most
//! [`MAX_TOOL_CALL_BYTES`] and [`MAX_TOOL_CALLS`] per stream) and sent as one complete call
//! when the choice finishes (its `finish_reason`, or `[DONE]`): the name checked against the
//! tools the request offered (which passed the key's allow-list), the arguments redacted and
//! their placeholders restored, as in a non-streamed answer. A call to a tool the request did
//! not offer, a legacy `function_call`, or a call over the bounds ends the stream with an error
//! event (`data: {"error": {"code": "SECURITY_005", …}}`) and no `[DONE]`: the status line has
//! gone out already, so this is the only way left to refuse.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use pii_redact::Mapping;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::security::Content;

/// Largest total of tool-call bytes (ids, names, arguments) held back in one stream.
pub const MAX_TOOL_CALL_BYTES: usize = 1024 * 1024;
/// Most tool calls held back at once in one stream.
pub const MAX_TOOL_CALLS: usize = 128;

/// The refusal of a model's tool call: 502 `SECURITY_005` (the provider's answer is what is
/// refused; the client's request was fine). The name is redacted and cut to 64 characters.
pub fn tool_refused(content: &Content, why: &str, tool: Option<&str>) -> ApiError {
    let mut err = ApiError::new(StatusCode::BAD_GATEWAY, "SECURITY_005", why);
    if let Some(tool) = tool {
        let shown: String = content.redactor().redact(tool).chars().take(64).collect();
        err.set_details(json!({ "tool": shown }));
    }
    err
}

/// Checks the tool calls of a non-streamed answer: every `message.tool_calls[].function.name`
/// must be a tool the request offered, and a legacy `function_call` is refused.
pub fn check_answer_tools(
    content: &Content,
    value: &Value,
    offered: &[String],
) -> Result<(), ApiError> {
    let choices = value
        .get("choices")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for choice in choices {
        let Some(message) = choice.get("message") else {
            continue;
        };
        check_message_tools(content, message, offered)?;
    }
    Ok(())
}

/// Refuses a legacy `function_call` (the field of a message or of a stream delta).
fn refuse_legacy_call(content: &Content, function_call: Option<&Value>) -> Result<(), ApiError> {
    if function_call.is_some_and(|f| !f.is_null()) {
        return Err(tool_refused(
            content,
            "the model made a legacy function_call, which this gateway does not offer",
            None,
        ));
    }
    Ok(())
}

fn check_message_tools(
    content: &Content,
    message: &Value,
    offered: &[String],
) -> Result<(), ApiError> {
    refuse_legacy_call(content, message.get("function_call"))?;
    match message.get("tool_calls") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Array(calls)) => {
            for call in calls {
                let name = call
                    .get("function")
                    .and_then(|f| f.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !offered.iter().any(|o| o == name) {
                    return Err(tool_refused(
                        content,
                        "the model called a tool the request did not offer",
                        Some(name),
                    ));
                }
            }
            Ok(())
        }
        Some(_) => Err(tool_refused(
            content,
            "the model's tool_calls is not a list",
            None,
        )),
    }
}

/// One tool call being assembled from its fragments.
#[derive(Default)]
struct CallBuffer {
    id: Option<String>,
    kind: Option<String>,
    name: String,
    arguments: String,
}

/// The per-stream state: the PII mapping of the prompt, the offered tools, each choice's
/// held-back content and the tool calls being assembled.
pub struct ChatStream {
    mapping: Mapping,
    offered: Vec<String>,
    pending: BTreeMap<u64, String>,
    calls: BTreeMap<(u64, u64), CallBuffer>,
    buffered: usize,
}

impl std::fmt::Debug for ChatStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatStream")
            .field("calls", &self.calls.len())
            .field("buffered", &self.buffered)
            .finish_non_exhaustive()
    }
}

impl ChatStream {
    /// A filter for one answer to a request that offered `offered` tools.
    pub fn new(mapping: Mapping, offered: Vec<String>) -> Self {
        Self {
            mapping,
            offered,
            pending: BTreeMap::new(),
            calls: BTreeMap::new(),
            buffered: 0,
        }
    }

    /// The bytes to send for one provider payload (possibly none, when it carried only tool
    /// call fragments). An error refuses the rest of the stream.
    pub fn event(&mut self, content: &Content, payload: &str) -> Result<String, ApiError> {
        if payload == "[DONE]" {
            return self.done(content);
        }
        let Ok(mut value) = serde_json::from_str::<Value>(payload) else {
            // Not JSON: never forward unparsed provider text unredacted.
            return Ok(format!("data: {}\n\n", content.redactor().redact(payload)));
        };
        let mut held_calls = false;
        let mut empty = true;
        if let Some(choices) = value.get_mut("choices").and_then(Value::as_array_mut) {
            for choice in choices {
                held_calls |= self.choice(content, choice)?;
                let delta_empty = choice
                    .get("delta")
                    .is_none_or(|d| d.as_object().is_some_and(Map::is_empty));
                let unfinished = choice.get("finish_reason").is_none_or(Value::is_null);
                empty &= delta_empty && unfinished;
            }
        }
        let usage = value.get("usage").is_some_and(|u| !u.is_null());
        if held_calls && empty && !usage {
            // Only tool-call fragments: they go out with the complete call.
            return Ok(String::new());
        }
        Ok(format!("data: {value}\n\n"))
    }

    /// Filters one choice of a chunk; true when it carried tool-call fragments.
    fn choice(&mut self, content: &Content, choice: &mut Value) -> Result<bool, ApiError> {
        let index = choice.get("index").and_then(Value::as_u64).unwrap_or(0);
        let finished = choice.get("finish_reason").is_some_and(|f| !f.is_null());
        let mut held = false;
        if let Some(delta) = choice.get_mut("delta").and_then(Value::as_object_mut) {
            refuse_legacy_call(content, delta.get("function_call"))?;
            match delta.remove("tool_calls") {
                None | Some(Value::Null) => {}
                Some(Value::Array(fragments)) => {
                    held = !fragments.is_empty();
                    for fragment in &fragments {
                        self.absorb(content, index, fragment)?;
                    }
                }
                Some(_) => {
                    return Err(tool_refused(
                        content,
                        "the model's tool_calls is not a list",
                        None,
                    ));
                }
            }
            if let Some(Value::String(text)) = delta.get_mut("content") {
                let buffer = self.pending.entry(index).or_default();
                *text = content.stream_piece(buffer, text, &self.mapping);
            }
        }
        if finished {
            self.finish_choice(content, index, choice)?;
        }
        Ok(held)
    }

    /// Adds one fragment to its call's buffer, within the bounds; a name that cannot become an
    /// offered tool's is refused at once.
    fn absorb(&mut self, content: &Content, choice: u64, fragment: &Value) -> Result<(), ApiError> {
        let call = fragment.get("index").and_then(Value::as_u64).unwrap_or(0);
        if !self.calls.contains_key(&(choice, call)) && self.calls.len() >= MAX_TOOL_CALLS {
            return Err(tool_refused(
                content,
                "the model made too many tool calls",
                None,
            ));
        }
        let buffer = self.calls.entry((choice, call)).or_default();
        // `id` and `type` replace what an earlier fragment set: only the growth counts, so
        // the total stays what `take_calls` gives back.
        let mut added = 0usize;
        let mut replaced = 0usize;
        if let Some(id) = fragment.get("id").and_then(Value::as_str) {
            added += id.len();
            replaced += buffer.id.replace(id.to_owned()).map_or(0, |old| old.len());
        }
        if let Some(kind) = fragment.get("type").and_then(Value::as_str) {
            added += kind.len();
            replaced += buffer
                .kind
                .replace(kind.to_owned())
                .map_or(0, |old| old.len());
        }
        if let Some(function) = fragment.get("function") {
            if let Some(name) = function.get("name").and_then(Value::as_str) {
                added += name.len();
                buffer.name.push_str(name);
            }
            if let Some(arguments) = function.get("arguments").and_then(Value::as_str) {
                added += arguments.len();
                buffer.arguments.push_str(arguments);
            }
        }
        self.buffered = self.buffered.saturating_add(added).saturating_sub(replaced);
        if self.buffered > MAX_TOOL_CALL_BYTES {
            return Err(tool_refused(
                content,
                "the model's tool calls are larger than the gateway holds",
                None,
            ));
        }
        let name = buffer.name.as_str();
        if !name.is_empty() && !self.offered.iter().any(|o| o.starts_with(name)) {
            let name = name.to_owned();
            return Err(tool_refused(
                content,
                "the model called a tool the request did not offer",
                Some(&name),
            ));
        }
        Ok(())
    }

    /// The complete, checked calls of one choice, restored and redacted, in call order.
    fn take_calls(&mut self, content: &Content, choice: u64) -> Result<Vec<Value>, ApiError> {
        let keys: Vec<(u64, u64)> = self
            .calls
            .range((choice, 0)..=(choice, u64::MAX))
            .map(|(k, _)| *k)
            .collect();
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(call) = self.calls.remove(&key) else {
                continue;
            };
            self.buffered = self.buffered.saturating_sub(
                call.name.len()
                    + call.arguments.len()
                    + call.id.as_ref().map_or(0, String::len)
                    + call.kind.as_ref().map_or(0, String::len),
            );
            if !self.offered.contains(&call.name) {
                return Err(tool_refused(
                    content,
                    "the model called a tool the request did not offer",
                    Some(&call.name),
                ));
            }
            let arguments = content.answer_text(&call.arguments, &self.mapping);
            out.push(json!({
                "index": key.1,
                "id": call.id,
                "type": call.kind.as_deref().unwrap_or("function"),
                "function": { "name": call.name, "arguments": arguments },
            }));
        }
        Ok(out)
    }

    /// A choice finished: its held-back content and its complete tool calls go out in the
    /// finishing chunk, before the client sees `finish_reason`.
    fn finish_choice(
        &mut self,
        content: &Content,
        index: u64,
        choice: &mut Value,
    ) -> Result<(), ApiError> {
        let rest = self
            .pending
            .remove(&index)
            .map(|mut p| content.stream_end(&mut p, &self.mapping))
            .unwrap_or_default();
        let calls = self.take_calls(content, index)?;
        if rest.is_empty() && calls.is_empty() {
            return Ok(());
        }
        let Some(object) = choice.as_object_mut() else {
            return Ok(());
        };
        let delta = object
            .entry("delta")
            .or_insert_with(|| Value::Object(Map::new()));
        if !delta.is_object() {
            *delta = Value::Object(Map::new());
        }
        let Some(delta) = delta.as_object_mut() else {
            return Ok(());
        };
        if !rest.is_empty() {
            match delta.get_mut("content") {
                Some(Value::String(text)) => text.push_str(&rest),
                _ => {
                    delta.insert("content".into(), Value::String(rest));
                }
            }
        }
        if !calls.is_empty() {
            delta.insert("tool_calls".into(), Value::Array(calls));
        }
        Ok(())
    }

    /// `[DONE]`: whatever is still held back (choices the provider never finished) goes out
    /// first, checked like the rest.
    fn done(&mut self, content: &Content) -> Result<String, ApiError> {
        let mut out = String::new();
        let mut choices: Vec<u64> = self.pending.keys().copied().collect();
        choices.extend(self.calls.keys().map(|(c, _)| *c));
        choices.sort_unstable();
        choices.dedup();
        for index in choices {
            let rest = self
                .pending
                .remove(&index)
                .map(|mut p| content.stream_end(&mut p, &self.mapping))
                .unwrap_or_default();
            let calls = self.take_calls(content, index)?;
            let mut delta = Map::new();
            if !rest.is_empty() {
                delta.insert("content".into(), Value::String(rest));
            }
            if !calls.is_empty() {
                delta.insert("tool_calls".into(), Value::Array(calls));
            }
            if !delta.is_empty() {
                let flush = json!({ "object": "chat.completion.chunk",
                                    "choices": [{ "index": index, "delta": delta, "finish_reason": null }] });
                out.push_str(&format!("data: {flush}\n\n"));
            }
        }
        out.push_str("data: [DONE]\n\n");
        Ok(out)
    }
}

/// The last event of a refused stream.
pub fn error_event(err: &ApiError) -> String {
    format!("data: {}\n\n", err.body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GuardMode;

    fn content() -> Content {
        Content::new(GuardMode::Block, true).unwrap()
    }

    fn chunk(delta: Value, finish: Value) -> String {
        json!({"object": "chat.completion.chunk",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        .to_string()
    }

    fn fragments(args: &str, step: usize) -> Vec<String> {
        let mut out = vec![chunk(
            json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                   "function": {"name": "send", "arguments": ""}}]}),
            Value::Null,
        )];
        let bytes = args.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let mut end = (start + step).min(bytes.len());
            while !args.is_char_boundary(end) {
                end += 1;
            }
            out.push(chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": &args[start..end]}}]}),
                Value::Null,
            ));
            start = end;
        }
        out
    }

    fn calls_in(out: &str) -> Vec<Value> {
        out.split("\n\n")
            .filter_map(|e| e.strip_prefix("data: "))
            .filter(|p| *p != "[DONE]")
            .map(|p| serde_json::from_str::<Value>(p).unwrap())
            .filter_map(|v| v["choices"][0]["delta"]["tool_calls"].as_array().cloned())
            .flatten()
            .collect()
    }

    #[test]
    fn fragments_are_assembled_restored_and_redacted_at_any_cut() {
        let c = content();
        let (_, mapping) = c.redactor().redact_reversible("mail ada@example.com");
        let args = r#"{"to":"<EMAIL_1>","cc":"grace.hopper@example.org"}"#;
        for step in 1..args.len() {
            let mut s = ChatStream::new(mapping.clone(), vec!["send".into()]);
            let mut out = String::new();
            for p in fragments(args, step) {
                let e = s.event(&c, &p).unwrap();
                assert!(!e.contains("tool_calls"), "fragments are held back: {e}");
                out += &e;
            }
            out += &s.event(&c, &chunk(json!({}), json!("tool_calls"))).unwrap();
            out += &s.event(&c, "[DONE]").unwrap();
            let calls = calls_in(&out);
            assert_eq!(calls.len(), 1, "{out}");
            let a = calls[0]["function"]["arguments"].as_str().unwrap();
            assert!(a.contains("ada@example.com"), "{a}");
            assert!(!a.contains("grace.hopper"), "{a}");
            assert_eq!(calls[0]["function"]["name"], "send");
            assert_eq!(calls[0]["id"], "call_1");
        }
    }

    #[test]
    fn a_repeated_id_is_counted_once_against_the_bound() {
        let c = content();
        let mut s = ChatStream::new(Mapping::new(), vec!["send".into()]);
        let id = "i".repeat(1000);
        // Far more than MAX_TOOL_CALL_BYTES if every repeat of the id counted.
        for _ in 0..(2 * MAX_TOOL_CALL_BYTES / id.len()) {
            let p = chunk(
                json!({"tool_calls": [{"index": 0, "id": &id, "type": "function",
                                        "function": {"name": ""}}]}),
                Value::Null,
            );
            s.event(&c, &p).unwrap();
        }
        s.event(&c, &fragments("{}", 2)[0]).unwrap();
        let out = s.event(&c, &chunk(json!({}), json!("tool_calls"))).unwrap();
        assert_eq!(calls_in(&out).len(), 1, "{out}");
        assert_eq!(s.buffered, 0, "everything held was given back");
    }

    #[test]
    fn calls_not_offered_or_too_large_are_refused() {
        let c = content();
        // Not offered: refused at the first fragment that names it.
        let mut s = ChatStream::new(Mapping::new(), vec!["search".into()]);
        let err = s.event(&c, &fragments("{}", 2)[0]).unwrap_err();
        assert_eq!(err.code(), "SECURITY_005");
        // A prefix of an offered name, never completed: refused when the choice finishes.
        let mut s = ChatStream::new(Mapping::new(), vec!["sendmail".into()]);
        for p in fragments("{}", 2) {
            s.event(&c, &p).unwrap();
        }
        assert!(s.event(&c, &chunk(json!({}), json!("tool_calls"))).is_err());
        // Unfinished at [DONE]: still checked.
        let mut s = ChatStream::new(Mapping::new(), vec!["sendmail".into()]);
        s.event(&c, &fragments("{}", 2)[0]).unwrap();
        assert!(s.event(&c, "[DONE]").is_err());
        // Legacy function_call.
        let mut s = ChatStream::new(Mapping::new(), vec!["send".into()]);
        let legacy = chunk(json!({"function_call": {"name": "send"}}), Value::Null);
        assert!(s.event(&c, &legacy).is_err());
        // Over the byte bound.
        let mut s = ChatStream::new(Mapping::new(), vec!["send".into()]);
        let big = "x".repeat(64 * 1024);
        let mut refused = false;
        for _ in 0..(MAX_TOOL_CALL_BYTES / big.len() + 2) {
            let p = chunk(
                json!({"tool_calls": [{"index": 0, "function": {"name": "", "arguments": &big}}]}),
                Value::Null,
            );
            if s.event(&c, &p).is_err() {
                refused = true;
                break;
            }
        }
        assert!(refused);
        // Too many calls.
        let mut s = ChatStream::new(Mapping::new(), vec!["send".into()]);
        let many: Vec<Value> = (0..=MAX_TOOL_CALLS as u64)
            .map(|i| json!({"index": i, "function": {"name": "send", "arguments": "{}"}}))
            .collect();
        assert!(
            s.event(&c, &chunk(json!({ "tool_calls": many }), Value::Null))
                .is_err()
        );
    }

    #[test]
    fn content_streams_while_calls_are_held() {
        let c = content();
        let mut s = ChatStream::new(Mapping::new(), vec!["send".into()]);
        let first = s
            .event(
                &c,
                &chunk(json!({"content": "Calling send. "}), Value::Null),
            )
            .unwrap();
        assert!(first.contains("\"content\":\"\""), "{first}");
        let text = format!("{} ", "word ".repeat(40));
        let second = s
            .event(&c, &chunk(json!({"content": text}), Value::Null))
            .unwrap();
        assert!(
            second.contains("Calling send."),
            "content goes on: {second}"
        );
        for p in fragments("{\"q\":1}", 3) {
            assert_eq!(s.event(&c, &p).unwrap(), "");
        }
        let last = s.event(&c, &chunk(json!({}), json!("tool_calls"))).unwrap();
        let v: Value = serde_json::from_str(last.strip_prefix("data: ").unwrap().trim()).unwrap();
        assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(
            v["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
            "{\"q\":1}"
        );
        assert!(
            v["choices"][0]["delta"]["content"]
                .as_str()
                .unwrap()
                .trim_end()
                .ends_with("word")
        );
    }

    #[test]
    fn non_streamed_calls_must_be_offered() {
        let c = content();
        let answer = |name: &str| {
            json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": null,
                "tool_calls": [{"id": "c", "type": "function",
                                "function": {"name": name, "arguments": "{}"}}]}}]})
        };
        let offered = vec!["search".to_owned()];
        assert!(check_answer_tools(&c, &answer("search"), &offered).is_ok());
        let err = check_answer_tools(&c, &answer("delete_all"), &offered).unwrap_err();
        assert_eq!((err.status().as_u16(), err.code()), (502, "SECURITY_005"));
        assert!(check_answer_tools(&c, &answer("search"), &[]).is_err());
        let legacy = json!({"choices": [{"message": {"function_call": {"name": "search"}}}]});
        assert!(check_answer_tools(&c, &legacy, &offered).is_err());
    }
}
