//! The built-in mock provider: answers like an OpenAI-compatible API, runs in-process (the
//! embedded default, so the gateway works offline) or over HTTP ([`MockProvider::router`], for
//! the load benchmark), and records what it received so tests can prove what left the gateway.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// How many requests the mock remembers (oldest dropped first), so a long run stays bounded.
pub const RECORD_LIMIT: usize = 1024;

/// One request the mock received.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// `chat`, `embeddings` or `speech`.
    pub endpoint: &'static str,
    /// The body exactly as it arrived.
    pub body: Value,
    /// The `Authorization` header it carried, if any (to check credential forwarding).
    pub authorization: Option<String>,
}

/// A failure the mock was told to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MockFailure;

/// The mock provider.
#[derive(Debug, Default)]
pub struct MockProvider {
    received: Mutex<VecDeque<Received>>,
    fail_next: AtomicU32,
}

impl MockProvider {
    /// A new mock with an empty record.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Everything received so far (at most [`RECORD_LIMIT`] entries), oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.lock().iter().cloned().collect()
    }

    /// Makes the next `n` calls fail (as a provider answering 503 would).
    pub fn fail_next(&self, n: u32) {
        self.fail_next.store(n, Ordering::SeqCst);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Received>> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(
        &self,
        endpoint: &'static str,
        body: &Value,
        authorization: Option<&str>,
    ) -> Result<(), MockFailure> {
        {
            let mut log = self.lock();
            if log.len() >= RECORD_LIMIT {
                log.pop_front();
            }
            log.push_back(Received {
                endpoint,
                body: body.clone(),
                authorization: authorization.map(String::from),
            });
        }
        let failed = self
            .fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failed { Err(MockFailure) } else { Ok(()) }
    }

    /// The answer text: an echo of the last user message, so tests can see what the model saw.
    fn answer(body: &Value) -> String {
        let last_user = body
            .get("messages")
            .and_then(Value::as_array)
            .and_then(|m| {
                m.iter()
                    .rev()
                    .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
            })
            .and_then(|m| m.get("content"))
            .map(|c| match c {
                Value::String(s) => s.clone(),
                Value::Array(parts) => parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => String::new(),
            })
            .unwrap_or_default();
        format!("You said: {last_user}")
    }

    /// A tool call when tools are offered and the prompt says `use <tool>`, with the prompt as
    /// its arguments (`{"text": …}`, so tests see placeholders come back through a call); or,
    /// as a misbehaving model would, a call to `<name>` when the prompt says `call tool <name>`,
    /// offered or not. Returns the tool's name and its JSON-encoded arguments.
    fn tool_call(body: &Value, answer: &str) -> Option<(String, String)> {
        let text = answer.strip_prefix("You said: ").unwrap_or(answer);
        let arguments = json!({ "text": text }).to_string();
        let offered = body
            .get("tools")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|t| {
                let name = t.get("function")?.get("name")?.as_str()?;
                answer
                    .contains(&format!("use {name}"))
                    .then(|| name.to_owned())
            });
        let name = offered.or_else(|| {
            let (_, rest) = answer.split_once("call tool ")?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })?;
        Some((name, arguments))
    }

    /// `POST /chat/completions` without streaming.
    pub fn chat(&self, body: &Value, authorization: Option<&str>) -> Result<Value, MockFailure> {
        self.record("chat", body, authorization)?;
        let text = Self::answer(body);
        let model = body.get("model").cloned().unwrap_or(Value::Null);
        let message = match Self::tool_call(body, &text) {
            Some((name, arguments)) => json!({ "role": "assistant",
                "content": format!("Calling {name}."),
                "tool_calls": [{ "id": "call_mock_1", "type": "function",
                                 "function": { "name": name, "arguments": arguments } }] }),
            None => json!({ "role": "assistant", "content": text }),
        };
        let words = u64::try_from(text.split_whitespace().count()).unwrap_or(u64::MAX);
        Ok(json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{ "index": 0, "message": message, "finish_reason": "stop" }],
            "usage": { "prompt_tokens": words, "completion_tokens": words, "total_tokens": words * 2 }
        }))
    }

    /// `POST /chat/completions` with `stream: true`: the chunk payloads, then `[DONE]`. The
    /// answer is cut every 7 bytes (on character boundaries), so values are split across chunks;
    /// a tool call (see the non-streamed answer) comes as OpenAI streams it: its content, then
    /// the call's id and name with empty arguments, then the arguments in 7-byte fragments,
    /// then `finish_reason: "tool_calls"`.
    pub fn chat_stream(
        &self,
        body: &Value,
        authorization: Option<&str>,
    ) -> Result<Vec<String>, MockFailure> {
        self.record("chat", body, authorization)?;
        let answer = Self::answer(body);
        let call = Self::tool_call(body, &answer);
        let text = match &call {
            Some((name, _)) => format!("Calling {name}."),
            None => answer,
        };
        let model = body.get("model").cloned().unwrap_or(Value::Null);
        let mut out = Vec::new();
        let mut rest = text.as_str();
        let chunk = |delta: Value, finish: Value| {
            json!({ "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 0,
                    "model": model, "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }] })
            .to_string()
        };
        out.push(chunk(
            json!({ "role": "assistant", "content": "" }),
            Value::Null,
        ));
        while !rest.is_empty() {
            let mut cut = rest.len().min(7);
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (piece, tail) = rest.split_at(cut);
            out.push(chunk(json!({ "content": piece }), Value::Null));
            rest = tail;
        }
        let finish = match &call {
            Some((name, arguments)) => {
                out.push(chunk(
                    json!({ "tool_calls": [{ "index": 0, "id": "call_mock_1", "type": "function",
                                              "function": { "name": name, "arguments": "" } }] }),
                    Value::Null,
                ));
                for piece in pieces(arguments, 7) {
                    out.push(chunk(
                        json!({ "tool_calls": [{ "index": 0, "function": { "arguments": piece } }] }),
                        Value::Null,
                    ));
                }
                "tool_calls"
            }
            None => "stop",
        };
        out.push(chunk(json!({}), json!(finish)));
        out.push("[DONE]".into());
        Ok(out)
    }

    /// `POST /embeddings`: a deterministic 8-dimensional vector per input.
    pub fn embeddings(
        &self,
        body: &Value,
        authorization: Option<&str>,
    ) -> Result<Value, MockFailure> {
        self.record("embeddings", body, authorization)?;
        let inputs: Vec<String> = match body.get("input") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        };
        let data: Vec<Value> = inputs
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let digest = Sha256::digest(text.as_bytes());
                let vector: Vec<f64> = digest
                    .iter()
                    .take(8)
                    .map(|b| f64::from(*b) / 255.0 - 0.5)
                    .collect();
                json!({ "object": "embedding", "index": i, "embedding": vector })
            })
            .collect();
        Ok(
            json!({ "object": "list", "data": data, "model": body.get("model"),
                   "usage": { "prompt_tokens": inputs.len(), "total_tokens": inputs.len() } }),
        )
    }

    /// `POST /audio/speech`: a WAV file of silence, 16 bytes of audio per input character.
    pub fn speech(&self, body: &Value, authorization: Option<&str>) -> Result<Bytes, MockFailure> {
        self.record("speech", body, authorization)?;
        let chars = body
            .get("input")
            .and_then(Value::as_str)
            .map_or(0, |s| s.chars().count());
        let data_len = u32::try_from(chars.saturating_mul(16)).unwrap_or(u32::MAX / 2);
        let mut wav = Vec::with_capacity(44 + data_len as usize);
        wav.extend_from_slice(b"RIFF");
        wav.extend_from_slice(&(36 + data_len).to_le_bytes());
        wav.extend_from_slice(b"WAVEfmt ");
        wav.extend_from_slice(&16u32.to_le_bytes());
        wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
        wav.extend_from_slice(&1u16.to_le_bytes()); // mono
        wav.extend_from_slice(&8000u32.to_le_bytes());
        wav.extend_from_slice(&16000u32.to_le_bytes());
        wav.extend_from_slice(&2u16.to_le_bytes());
        wav.extend_from_slice(&16u16.to_le_bytes());
        wav.extend_from_slice(b"data");
        wav.extend_from_slice(&data_len.to_le_bytes());
        wav.resize(44 + data_len as usize, 0);
        Ok(Bytes::from(wav))
    }

    /// The mock as an HTTP service under `/v1` (for the load benchmark and upstream tests).
    pub fn router(self: Arc<Self>) -> Router {
        Router::new()
            .route("/v1/chat/completions", post(http_chat))
            .route("/v1/embeddings", post(http_embeddings))
            .route("/v1/audio/speech", post(http_speech))
            .with_state(self)
    }
}

/// `text` cut every `n` bytes, on character boundaries.
fn pieces(text: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(n);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (piece, tail) = rest.split_at(cut);
        out.push(piece);
        rest = tail;
    }
    out
}

fn auth(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        axum::Json(json!({ "error": { "message": "mock failure", "type": "server_error" } })),
    )
        .into_response()
}

fn parse(body: &Bytes) -> Result<Value, StatusCode> {
    serde_json::from_slice(body).map_err(|_| StatusCode::BAD_REQUEST)
}

async fn http_chat(
    State(mock): State<Arc<MockProvider>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match parse(&body) {
        Ok(v) => v,
        Err(r) => return r.into_response(),
    };
    if body.get("stream").and_then(Value::as_bool) == Some(true) {
        match mock.chat_stream(&body, auth(&headers)) {
            Ok(chunks) => {
                let sse: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
                ([(header::CONTENT_TYPE, "text/event-stream")], sse).into_response()
            }
            Err(MockFailure) => unavailable(),
        }
    } else {
        match mock.chat(&body, auth(&headers)) {
            Ok(v) => axum::Json(v).into_response(),
            Err(MockFailure) => unavailable(),
        }
    }
}

async fn http_embeddings(
    State(mock): State<Arc<MockProvider>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match parse(&body).map(|b| mock.embeddings(&b, auth(&headers))) {
        Ok(Ok(v)) => axum::Json(v).into_response(),
        Ok(Err(MockFailure)) => unavailable(),
        Err(r) => r.into_response(),
    }
}

async fn http_speech(
    State(mock): State<Arc<MockProvider>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match parse(&body).map(|b| mock.speech(&b, auth(&headers))) {
        Ok(Ok(v)) => ([(header::CONTENT_TYPE, "audio/wav")], v).into_response(),
        Ok(Err(MockFailure)) => unavailable(),
        Err(r) => r.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_and_records() {
        let mock = MockProvider::new();
        let body = json!({"model":"m","messages":[{"role":"user","content":"hello"}]});
        let answer = mock.chat(&body, Some("Bearer x")).unwrap();
        assert_eq!(
            answer["choices"][0]["message"]["content"],
            "You said: hello"
        );
        assert_eq!(mock.received().len(), 1);
        assert_eq!(
            mock.received()[0].authorization.as_deref(),
            Some("Bearer x")
        );
    }

    #[test]
    fn stream_reassembles_to_the_answer() {
        let mock = MockProvider::new();
        let body = json!({"model":"m","messages":[{"role":"user","content":"héllo wörld, a longer text"}]});
        let chunks = mock.chat_stream(&body, None).unwrap();
        assert_eq!(chunks.last().unwrap(), "[DONE]");
        let text: String = chunks[..chunks.len() - 1]
            .iter()
            .map(|c| serde_json::from_str::<Value>(c).unwrap())
            .filter_map(|v| {
                v["choices"][0]["delta"]["content"]
                    .as_str()
                    .map(String::from)
            })
            .collect();
        assert_eq!(text, "You said: héllo wörld, a longer text");
    }

    #[test]
    fn fail_next_fails_exactly_n_times() {
        let mock = MockProvider::new();
        let body = json!({"model":"m","input":"x"});
        mock.fail_next(2);
        assert!(mock.embeddings(&body, None).is_err());
        assert!(mock.embeddings(&body, None).is_err());
        assert!(mock.embeddings(&body, None).is_ok());
    }

    #[test]
    fn speech_is_a_wav_sized_by_input() {
        let mock = MockProvider::new();
        let wav = mock
            .speech(&json!({"model":"m","input":"abcd","voice":"v"}), None)
            .unwrap();
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(wav.len(), 44 + 64);
    }

    #[test]
    fn record_is_bounded() {
        let mock = MockProvider::new();
        let body = json!({"model":"m","input":"x"});
        for _ in 0..RECORD_LIMIT + 5 {
            mock.embeddings(&body, None).unwrap();
        }
        assert_eq!(mock.received().len(), RECORD_LIMIT);
    }
}
