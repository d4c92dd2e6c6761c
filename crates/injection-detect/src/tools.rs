//! Tool-call policy: an allow-list of tools per agent and a strict, JSON-schema-like check of
//! each call's arguments (types, sizes, ranges, no unknown fields) before the host runs it.

use std::collections::HashMap;

use serde_json::Value;

use crate::Error;

/// The largest argument document [`ToolPolicy::check_json`] parses (64 KiB).
pub const MAX_ARGUMENTS_BYTES: usize = 64 * 1024;

/// The expected shape of an argument value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Schema {
    /// A string of `min..=max` characters.
    String {
        /// Fewest characters.
        min: usize,
        /// Most characters.
        max: usize,
    },
    /// An integer in `min..=max`.
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A finite number in `min..=max`.
    Number {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
    },
    /// `true` or `false`.
    Boolean,
    /// One of these strings.
    Enum(Vec<String>),
    /// An array of at most `max_items` values of one schema.
    Array {
        /// The schema of each item.
        items: Box<Schema>,
        /// Most items.
        max_items: usize,
    },
    /// An object with exactly these fields (name, schema, required); unknown fields are denied.
    Object(Vec<(String, Schema, bool)>),
}

impl Schema {
    /// A string of at most `max` characters (and at least one).
    pub fn string(max: usize) -> Self {
        Self::String { min: 1, max }
    }
    /// An integer in `min..=max`.
    pub fn integer(min: i64, max: i64) -> Self {
        Self::Integer { min, max }
    }
    /// One of `values`.
    pub fn one_of(values: &[&str]) -> Self {
        Self::Enum(values.iter().map(|s| (*s).to_owned()).collect())
    }
    /// An array of at most `max_items` items.
    pub fn array(items: Schema, max_items: usize) -> Self {
        Self::Array {
            items: Box::new(items),
            max_items,
        }
    }
    /// An object with no fields yet (add them with [`Schema::required`] / [`Schema::optional`]).
    pub fn object() -> Self {
        Self::Object(Vec::new())
    }
    /// Adds a required field to an object schema (no effect on other schemas).
    pub fn required(self, name: &str, schema: Schema) -> Self {
        self.field(name, schema, true)
    }
    /// Adds an optional field to an object schema (no effect on other schemas).
    pub fn optional(self, name: &str, schema: Schema) -> Self {
        self.field(name, schema, false)
    }
    fn field(mut self, name: &str, schema: Schema, required: bool) -> Self {
        if let Self::Object(fields) = &mut self {
            fields.push((name.to_owned(), schema, required));
        }
        self
    }

    fn validate(&self) -> Result<(), Error> {
        match self {
            Self::String { min, max } if min > max => Err(Error::InvalidSchema("string min > max")),
            Self::Integer { min, max } if min > max => {
                Err(Error::InvalidSchema("integer min > max"))
            }
            Self::Number { min, max } if !(min.is_finite() && max.is_finite() && min <= max) => {
                Err(Error::InvalidSchema("number bounds"))
            }
            Self::Enum(v) if v.is_empty() => Err(Error::InvalidSchema("empty enum")),
            Self::Array { items, .. } => items.validate(),
            Self::Object(fields) => {
                for (i, (name, s, _)) in fields.iter().enumerate() {
                    if fields.iter().skip(i + 1).any(|(n, _, _)| n == name) {
                        return Err(Error::InvalidSchema("duplicate field"));
                    }
                    s.validate()?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn check(&self, v: &Value, path: &str) -> Result<(), ToolDenial> {
        let bad = |reason: &'static str| ToolDenial::InvalidArgument {
            path: if path.is_empty() {
                "$".to_owned()
            } else {
                path.to_owned()
            },
            reason,
        };
        match (self, v) {
            (Self::String { min, max }, Value::String(s)) => {
                let n = s.chars().count();
                if n < *min || n > *max {
                    return Err(bad("string length out of range"));
                }
            }
            (Self::Integer { min, max }, Value::Number(n)) => match n.as_i64() {
                Some(i) if i >= *min && i <= *max => {}
                Some(_) => return Err(bad("integer out of range")),
                None => return Err(bad("expected an integer")),
            },
            (Self::Number { min, max }, Value::Number(n)) => match n.as_f64() {
                Some(f) if f >= *min && f <= *max => {}
                _ => return Err(bad("number out of range")),
            },
            (Self::Boolean, Value::Bool(_)) => {}
            (Self::Enum(allowed), Value::String(s)) => {
                if !allowed.iter().any(|a| a == s) {
                    return Err(bad("value not allowed"));
                }
            }
            (Self::Array { items, max_items }, Value::Array(a)) => {
                if a.len() > *max_items {
                    return Err(bad("too many items"));
                }
                for (i, item) in a.iter().enumerate() {
                    items.check(item, &format!("{path}[{i}]"))?;
                }
            }
            (Self::Object(fields), Value::Object(map)) => {
                if let Some(k) = map.keys().find(|k| !fields.iter().any(|(n, _, _)| n == *k)) {
                    return Err(ToolDenial::InvalidArgument {
                        path: format!("{path}.{k}"),
                        reason: "unknown field",
                    });
                }
                for (name, schema, required) in fields {
                    match map.get(name) {
                        Some(val) => schema.check(val, &format!("{path}.{name}"))?,
                        None if *required => {
                            return Err(ToolDenial::InvalidArgument {
                                path: format!("{path}.{name}"),
                                reason: "missing required field",
                            });
                        }
                        None => {}
                    }
                }
            }
            _ => return Err(bad("wrong type")),
        }
        Ok(())
    }
}

/// Why a tool call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolDenial {
    /// The agent has no allow-list.
    UnknownAgent,
    /// The tool is not on the agent's allow-list.
    ToolNotAllowed,
    /// The arguments are not valid JSON.
    MalformedArguments,
    /// The arguments are larger than [`MAX_ARGUMENTS_BYTES`].
    TooLarge,
    /// An argument does not match the schema (`path` like `$.to` or `$.items[2]`).
    InvalidArgument {
        /// Where in the arguments.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// The policy's answer for one tool call (a refusal is a value, not an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolDecision {
    /// The host may run the call.
    Allowed,
    /// The host must not run it.
    Denied(ToolDenial),
}

/// Per-agent allow-lists of tools with their argument schemas. Fails closed: an unknown agent
/// or tool is denied.
#[derive(Debug, Clone)]
pub struct ToolPolicy {
    agents: HashMap<String, HashMap<String, Schema>>,
}

/// Builds a [`ToolPolicy`].
#[derive(Debug, Clone, Default)]
pub struct ToolPolicyBuilder {
    agents: HashMap<String, HashMap<String, Schema>>,
}

impl ToolPolicyBuilder {
    /// Allows `agent` to call `tool` with arguments matching `schema` (an object schema).
    pub fn allow(mut self, agent: &str, tool: &str, schema: Schema) -> Self {
        self.agents
            .entry(agent.to_owned())
            .or_default()
            .insert(tool.to_owned(), schema);
        self
    }

    /// Validates every schema.
    ///
    /// # Errors
    /// [`Error::InvalidSchema`] for inconsistent bounds, empty enums, duplicate fields.
    pub fn build(self) -> Result<ToolPolicy, Error> {
        for tools in self.agents.values() {
            for s in tools.values() {
                s.validate()?;
            }
        }
        Ok(ToolPolicy {
            agents: self.agents,
        })
    }
}

impl ToolPolicy {
    /// A builder.
    pub fn builder() -> ToolPolicyBuilder {
        ToolPolicyBuilder::default()
    }

    /// Checks a call whose arguments are already parsed.
    pub fn check(&self, agent: &str, tool: &str, args: &Value) -> ToolDecision {
        let Some(tools) = self.agents.get(agent) else {
            return ToolDecision::Denied(ToolDenial::UnknownAgent);
        };
        let Some(schema) = tools.get(tool) else {
            return ToolDecision::Denied(ToolDenial::ToolNotAllowed);
        };
        match schema.check(args, "$") {
            Ok(()) => ToolDecision::Allowed,
            Err(d) => ToolDecision::Denied(d),
        }
    }

    /// Checks a call with its arguments as the model produced them (a JSON text).
    pub fn check_json(&self, agent: &str, tool: &str, args: &str) -> ToolDecision {
        if args.len() > MAX_ARGUMENTS_BYTES {
            return ToolDecision::Denied(ToolDenial::TooLarge);
        }
        match serde_json::from_str::<Value>(args) {
            Ok(v) => self.check(agent, tool, &v),
            Err(_) => ToolDecision::Denied(ToolDenial::MalformedArguments),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ToolPolicy {
        ToolPolicy::builder()
            .allow(
                "mailer",
                "send_email",
                Schema::object()
                    .required("to", Schema::string(254))
                    .required("subject", Schema::string(200))
                    .optional("priority", Schema::one_of(&["low", "high"]))
                    .optional("cc", Schema::array(Schema::string(254), 5)),
            )
            .allow(
                "mailer",
                "count",
                Schema::object().required("n", Schema::integer(0, 10)),
            )
            .build()
            .unwrap()
    }

    #[test]
    fn allows_exact_calls_and_denies_everything_else() {
        let p = policy();
        let ok = r#"{"to":"a@b.c","subject":"hi","cc":["d@e.f"]}"#;
        assert_eq!(
            p.check_json("mailer", "send_email", ok),
            ToolDecision::Allowed
        );
        let denied = |agent, tool, args| match p.check_json(agent, tool, args) {
            ToolDecision::Denied(d) => d,
            ToolDecision::Allowed => panic!("allowed {args}"),
        };
        assert_eq!(denied("other", "send_email", ok), ToolDenial::UnknownAgent);
        assert_eq!(
            denied("mailer", "delete_all", "{}"),
            ToolDenial::ToolNotAllowed
        );
        assert_eq!(
            denied("mailer", "send_email", "{"),
            ToolDenial::MalformedArguments
        );
        let big = format!("{{\"to\":\"{}\"}}", "a".repeat(MAX_ARGUMENTS_BYTES));
        assert_eq!(denied("mailer", "send_email", &big), ToolDenial::TooLarge);
        for (args, path, reason) in [
            (
                r#"{"to":"a","subject":"s","bcc":"x"}"#,
                "$.bcc",
                "unknown field",
            ),
            (r#"{"to":"a"}"#, "$.subject", "missing required field"),
            (r#"{"to":1,"subject":"s"}"#, "$.to", "wrong type"),
            (
                r#"{"to":"","subject":"s"}"#,
                "$.to",
                "string length out of range",
            ),
            (
                r#"{"to":"a","subject":"s","priority":"urgent"}"#,
                "$.priority",
                "value not allowed",
            ),
            (
                r#"{"to":"a","subject":"s","cc":["1","2","3","4","5","6"]}"#,
                "$.cc",
                "too many items",
            ),
            (
                r#"{"to":"a","subject":"s","cc":[7]}"#,
                "$.cc[0]",
                "wrong type",
            ),
        ] {
            assert_eq!(
                denied("mailer", "send_email", args),
                ToolDenial::InvalidArgument {
                    path: path.into(),
                    reason
                }
            );
        }
        assert_eq!(
            denied("mailer", "count", r#"{"n":11}"#),
            ToolDenial::InvalidArgument {
                path: "$.n".into(),
                reason: "integer out of range"
            }
        );
        assert_eq!(
            denied("mailer", "count", r#"{"n":1.5}"#),
            ToolDenial::InvalidArgument {
                path: "$.n".into(),
                reason: "expected an integer"
            }
        );
    }

    #[test]
    fn inconsistent_schemas_are_rejected() {
        let bad = ToolPolicy::builder()
            .allow(
                "a",
                "t",
                Schema::object().required("n", Schema::integer(5, 1)),
            )
            .build();
        assert!(matches!(bad, Err(Error::InvalidSchema(_))));
        let bad = ToolPolicy::builder()
            .allow(
                "a",
                "t",
                Schema::object().required("x", Schema::one_of(&[])),
            )
            .build();
        assert!(matches!(bad, Err(Error::InvalidSchema(_))));
    }
}
