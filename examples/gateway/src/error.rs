//! Errors: [`StartError`] stops the start with a message naming what is wrong; [`ApiError`] is
//! an HTTP answer in OpenAI's error shape, `{"error": {"code", "message", "type"}}`.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why the gateway refused to start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration file or an environment override is invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// A secret is missing or weak; the message names it, never its value.
    #[error("secret {name}: {reason}")]
    Secret {
        /// Environment variable or file that holds the secret.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file or socket operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What the gateway was doing.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(String),
    /// A rampart crate refused its configuration.
    #[error("{component}: {reason}")]
    Component {
        /// Which layer.
        component: &'static str,
        /// What it said.
        reason: String,
    },
}

/// An error answer. The `code` is stable and documented in the gateway README.
#[derive(Debug, Clone)]
pub struct ApiError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Option<serde_json::Value>,
    headers: HeaderMap,
}

impl ApiError {
    /// A new answer.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            status,
            code,
            message: message.into(),
            details: None,
            headers: HeaderMap::new(),
        }))
    }

    /// 401: no API key in the request.
    pub fn missing_key() -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            "AUTH_001",
            "missing API key: send Authorization: Bearer <key>",
        );
        e.0.headers
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        e
    }

    /// 401: malformed, unknown, revoked or expired key. One answer for all of them, so the
    /// response is no oracle for which keys exist.
    pub fn invalid_key() -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            "AUTH_002",
            "invalid API key (malformed, unknown, revoked or expired)",
        );
        e.0.headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        e
    }

    /// 403: the key is valid but lacks `scope`.
    pub fn forbidden(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "AUTH_003",
            format!("this key lacks the scope {scope}"),
        )
    }

    /// 400: strict JSON parsing failed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "REQUEST_001", message)
    }

    /// 404 for admin objects.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "REQUEST_004", message)
    }

    /// 429 with `Retry-After` (whole seconds, rounded up, at least 1).
    pub fn rate_limited(retry_after: Duration, extra: HeaderMap) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_001",
            "rate limit exceeded; retry after the Retry-After delay",
        );
        let secs = retry_after_secs(retry_after);
        e.0.headers.extend(extra);
        e.0.headers
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        e
    }

    /// 500 with a generic message (details go to the log, never to the client).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_001",
            "internal error",
        )
    }

    /// 502: the provider failed.
    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "UPSTREAM_001", message)
    }

    /// Adds a header to the answer.
    #[must_use]
    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.0.headers.insert(name, value);
        self
    }

    /// Adds structured details to the body (`error.details`); never secret material.
    pub fn set_details(&mut self, details: serde_json::Value) {
        self.0.details = Some(details);
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.0.code
    }
}

/// Whole seconds, rounded up, at least 1 (a `Retry-After: 0` invites a hot retry loop).
pub fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

impl ApiError {
    /// The answer's body, `{"error": {"code", "message", "type", "details"?}}` (also sent as
    /// the last event of a stream that is refused after its head went out).
    pub fn body(&self) -> serde_json::Value {
        let this = &self.0;
        let kind = match this.status.as_u16() {
            401 => "authentication_error",
            403 => "permission_error",
            429 => "rate_limit_error",
            500..=599 => "api_error",
            _ => "invalid_request_error",
        };
        let mut body = serde_json::json!({
            "error": { "code": this.code, "message": this.message, "type": kind }
        });
        if let (Some(details), Some(map)) = (
            this.details.clone(),
            body.get_mut("error")
                .and_then(serde_json::Value::as_object_mut),
        ) {
            map.insert("details".into(), details);
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body();
        let this = *self.0;
        let mut response = (this.status, axum::Json(body)).into_response();
        response.headers_mut().extend(this.headers);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_and_is_never_zero() {
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
