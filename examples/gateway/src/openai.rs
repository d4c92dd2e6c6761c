//! The OpenAI-compatible request bodies, parsed strictly: unknown fields, wrong types and
//! trailing data are 400s, so nothing the gateway does not understand is forwarded.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A chat message's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Operator instructions.
    System,
    /// Newer name for `system` in OpenAI's API.
    Developer,
    /// The end user's turn.
    User,
    /// A previous model answer.
    Assistant,
    /// A tool's output: untrusted data, scanned with the stricter policy.
    Tool,
}

/// One part of a multi-part content array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentPart {
    /// `text`, `image_url`, `input_audio` …
    #[serde(rename = "type")]
    pub kind: String,
    /// The text of a `text` part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The image of an `image_url` part (forwarded as is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<Value>,
}

/// Message content: a string or an array of parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Content {
    /// Plain text.
    Text(String),
    /// Multi-part content.
    Parts(Vec<ContentPart>),
}

/// A function call the model made (in an assistant message of the history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolCall {
    /// Call id.
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Name and JSON-encoded arguments.
    pub function: FunctionCall,
}

/// The function of a [`ToolCall`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionCall {
    /// Tool name.
    pub name: String,
    /// Arguments as a JSON string.
    pub arguments: String,
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// What they say (absent in an assistant message that only calls tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// Optional participant name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tool calls of an assistant message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
    /// The call a `tool` message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

/// A tool offered to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The function's declaration.
    pub function: FunctionDecl,
}

/// The declaration of a [`Tool`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionDecl {
    /// Tool name (checked against the key's allow-list).
    pub name: String,
    /// Description for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON schema of the arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// OpenAI's strict-schema flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

/// `POST /v1/chat/completions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// Model name.
    pub model: String,
    /// The conversation.
    pub messages: Vec<Message>,
    /// Server-sent events when true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Sampling temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Token limit (legacy name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Token limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// Number of choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// Stop sequences (a string or an array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Value>,
    /// Presence penalty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// Frequency penalty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Tools offered to the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// Tool choice (`auto`, `none`, or a named function).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<Value>,
    /// Response format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<Value>,
    /// Stream options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<Value>,
    /// End-user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// Embeddings input: one string or several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EmbeddingInput {
    /// One text.
    One(String),
    /// Several texts.
    Many(Vec<String>),
}

/// `POST /v1/embeddings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingsRequest {
    /// Model name.
    pub model: String,
    /// Text(s) to embed.
    pub input: EmbeddingInput,
    /// `float` or `base64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding_format: Option<String>,
    /// Output dimensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<u32>,
    /// End-user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// `POST /v1/audio/speech` (the costly endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeechRequest {
    /// Model name.
    pub model: String,
    /// Text to speak (at most 4096 characters, as OpenAI).
    pub input: String,
    /// Voice.
    pub voice: String,
    /// `mp3`, `wav`, `pcm` …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<String>,
    /// Speed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Voice instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

impl ChatRequest {
    /// Every text of the request the model reads, with the role whose policy scans it: message
    /// contents, the arguments of the tool calls in the history (assistant), and the tools'
    /// declarations, i.e. each description and every string of each parameter schema (client
    /// text the model reads like a prompt, scanned as the user's).
    pub fn texts(&self) -> Vec<(Role, &str)> {
        let mut out = Vec::new();
        for m in &self.messages {
            match &m.content {
                Some(Content::Text(t)) => out.push((m.role, t.as_str())),
                Some(Content::Parts(parts)) => out.extend(
                    parts
                        .iter()
                        .filter_map(|p| p.text.as_deref())
                        .map(|t| (m.role, t)),
                ),
                None => {}
            }
            for call in m.tool_calls.iter().flatten() {
                out.push((Role::Assistant, call.function.arguments.as_str()));
            }
        }
        for tool in self.tools.iter().flatten() {
            if let Some(d) = &tool.function.description {
                out.push((Role::User, d.as_str()));
            }
            if let Some(p) = &tool.function.parameters {
                json_strings(p, &mut |t| out.push((Role::User, t)));
            }
        }
        out
    }

    /// The texts PII redaction rewrites, mutably, with their role: message contents, the
    /// arguments of the tool calls in the history and the tools' descriptions (parameter
    /// schemas are left intact: rewriting them could break the schema).
    pub fn texts_mut(&mut self) -> impl Iterator<Item = (Role, &mut String)> {
        let messages = self.messages.iter_mut().flat_map(|m| {
            let role = m.role;
            let mut texts: Vec<(Role, &mut String)> = match &mut m.content {
                Some(Content::Text(t)) => vec![(role, t)],
                Some(Content::Parts(parts)) => parts
                    .iter_mut()
                    .filter_map(|p| p.text.as_mut())
                    .map(|t| (role, t))
                    .collect(),
                None => Vec::new(),
            };
            texts.extend(
                m.tool_calls
                    .iter_mut()
                    .flatten()
                    .map(|c| (Role::Assistant, &mut c.function.arguments)),
            );
            texts
        });
        let tools = self
            .tools
            .iter_mut()
            .flatten()
            .filter_map(|t| t.function.description.as_mut())
            .map(|d| (Role::User, d));
        messages.chain(tools)
    }
}

/// Calls `f` on every string (keys included) of a JSON value, iteratively.
fn json_strings<'a>(value: &'a Value, f: &mut impl FnMut(&'a str)) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => f(s),
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                for (k, v) in map {
                    f(k);
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_parsing_rejects_unknown_fields_and_wrong_types() {
        let ok = r#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#;
        assert!(serde_json::from_str::<ChatRequest>(ok).is_ok());
        for bad in [
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"extra":1}"#,
            r#"{"model":"m","messages":[{"role":"robot","content":"hi"}]}"#,
            r#"{"model":1,"messages":[]}"#,
            r#"{"model":"m","messages":[{"role":"user","content":"hi","x":1}]}"#,
            r#"{"model":"m","messages":[]} trailing"#,
        ] {
            assert!(serde_json::from_str::<ChatRequest>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts_cover_strings_and_parts() {
        let mut r: ChatRequest = serde_json::from_str(
            r#"{"model":"m","messages":[{"role":"system","content":"a"},
                {"role":"user","content":[{"type":"text","text":"b"},{"type":"image_url","image_url":{"url":"x"}}]}]}"#,
        )
        .unwrap();
        let texts: Vec<(Role, String)> = r.texts_mut().map(|(r, t)| (r, t.clone())).collect();
        assert_eq!(
            texts,
            [(Role::System, "a".into()), (Role::User, "b".into())]
        );
    }
}
