//! `serde_json::Value` walking (feature `json`).

use serde_json::Value;

use crate::entity::BUILTIN;
use crate::{Entity, Redactor};

impl Redactor {
    /// Redacts a JSON tree in place and returns how many values were replaced.
    ///
    /// Every string leaf is redacted like text. The whole value of a sensitive key (`password`,
    /// `passwd`, `secret`, `token`, `api_key`, `authorization`, `client_secret`, `cookie`,
    /// `session`, and keys ending in `_password`, `-token`, `Secret`, …) is replaced, whether it
    /// is a string or a number; objects and arrays under such keys are walked. Keys themselves
    /// are never changed.
    pub fn redact_json(&self, value: &mut Value) -> usize {
        match value {
            Value::String(s) => {
                let (out, findings) = self.redact_with_findings(s);
                if !findings.is_empty() {
                    *s = out;
                }
                findings.len()
            }
            Value::Array(items) => items.iter_mut().map(|v| self.redact_json(v)).sum(),
            Value::Object(map) => {
                let mut n = 0;
                for (key, v) in map.iter_mut() {
                    let sensitive = crate::scan::sensitive_key(key.as_bytes())
                        .and_then(|k| BUILTIN.get(usize::from(k)))
                        .filter(|e| self.enabled(e));
                    match (sensitive, &*v) {
                        (Some(entity), Value::String(s))
                            if !is_placeholder(entity, s) && !s.is_empty() =>
                        {
                            *v = Value::String(self.replace_one(entity.clone(), s));
                            n += 1;
                        }
                        (Some(entity), Value::Number(num)) => {
                            let text = num.to_string();
                            *v = Value::String(self.replace_one(entity.clone(), &text));
                            n += 1;
                        }
                        _ => n += self.redact_json(v),
                    }
                }
                n
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
    }

    fn replace_one(&self, entity: Entity, value: &str) -> String {
        let mut out = String::new();
        self.replacement(entity, value, &mut out);
        out
    }
}

fn is_placeholder(entity: &Entity, s: &str) -> bool {
    // Only this crate's own replacement for this entity (`[PASSWORD_REDACTED]`, or the
    // `[PASSWORD_<16 hex>]` pseudonym) is left alone: any other bracketed value, such as a
    // password `[hunter2]`, is a value and is redacted.
    let Some(rest) = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.strip_prefix(entity.label()))
        .and_then(|r| r.strip_prefix('_'))
    else {
        return false;
    };
    rest == "REDACTED" || (rest.len() == 16 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Redactor;

    #[test]
    fn walks_leaves_and_sensitive_keys() {
        let mut v = json!({
            "user": {"email": "bob@example.com", "password": "hunter2", "pin": 1234},
            "headers": {"Authorization": "Bearer abc", "X-Request-Id": "42"},
            "db_password": 12345,
            "items": ["call +1 415-555-2671", true, null],
            "token_count": 7
        });
        let n = Redactor::new().redact_json(&mut v);
        assert_eq!(n, 5);
        assert_eq!(v["user"]["email"], "[EMAIL_REDACTED]");
        assert_eq!(v["user"]["password"], "[PASSWORD_REDACTED]");
        assert_eq!(v["user"]["pin"], 1234);
        assert_eq!(v["headers"]["Authorization"], "[API_KEY_REDACTED]");
        assert_eq!(v["headers"]["X-Request-Id"], "42");
        assert_eq!(v["db_password"], "[PASSWORD_REDACTED]");
        assert_eq!(v["items"][0], "call [PHONE_REDACTED]");
        assert_eq!(v["token_count"], 7);
        // A bracketed secret is a value, not a placeholder.
        let mut w = json!({"password": "[hunter2]", "api_key": "[PASSWORD_REDACTED]"});
        Redactor::new().redact_json(&mut w);
        assert_eq!(w["password"], "[PASSWORD_REDACTED]");
        assert_ne!(w["api_key"], "[PASSWORD_REDACTED]");
        // Idempotent.
        let before = v.clone();
        assert_eq!(Redactor::new().redact_json(&mut v), 0);
        assert_eq!(v, before);
    }
}
