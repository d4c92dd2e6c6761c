//! HTTP plumbing shared by every route: strict JSON bodies, security headers, CORS.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::{Frame, SizeHint};
use serde::de::DeserializeOwned;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::ApiError;

/// Parses a JSON body strictly: `Content-Type: application/json` required (415), the document
/// must match the type exactly (unknown fields, wrong types and trailing data are 400). The size
/// limit is enforced before this, while the body is read (413).
pub fn strict_json<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "REQUEST_003",
            "Content-Type must be application/json",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names a field or a position, never a value.
        ApiError::bad_request(format!("invalid request body: {e}"))
    })
}

/// The security headers every answer carries.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    hsts: bool,
}

impl SecurityHeaders {
    /// HSTS only when TLS is terminated in front of the gateway (over plain HTTP it is ignored
    /// by browsers and misleading).
    pub fn new(behind_tls: bool) -> Self {
        Self { hsts: behind_tls }
    }

    /// Adds the headers to `headers` (without overwriting what a handler set).
    pub fn apply(&self, headers: &mut HeaderMap) {
        let set = |headers: &mut HeaderMap, name: HeaderName, value: &'static str| {
            headers
                .entry(name)
                .or_insert(HeaderValue::from_static(value));
        };
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        );
        set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        set(headers, header::REFERRER_POLICY, "no-referrer");
        set(headers, header::X_FRAME_OPTIONS, "DENY");
        set(headers, header::CACHE_CONTROL, "no-store");
        set(
            headers,
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        );
        if self.hsts {
            set(
                headers,
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=63072000; includeSubDomains",
            );
        }
    }
}

/// Middleware: security headers on every answer, errors included.
pub async fn security_headers(
    axum::extract::State(headers): axum::extract::State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    headers.apply(response.headers_mut());
    response
}

/// The error a request body yields when it did not arrive in time (see [`body_deadline`]).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the request body did not arrive within the body read timeout")]
pub struct BodyTimeout;

impl BodyTimeout {
    /// Whether `error` (from reading a body) is, or was caused by, a [`BodyTimeout`].
    pub fn caused(error: &(dyn std::error::Error + 'static)) -> bool {
        let mut next = Some(error);
        while let Some(e) = next {
            if e.is::<Self>() {
                return true;
            }
            next = e.source();
        }
        false
    }
}

/// A request body that must be complete by a deadline: once it has passed, the next read that
/// would wait fails with [`BodyTimeout`] instead. Data already received is still delivered, and
/// no timer is armed while the body arrives without waiting (the common case).
pub struct DeadlineBody {
    inner: Body,
    deadline: tokio::time::Instant,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl DeadlineBody {
    /// `inner`, due by `deadline`.
    pub fn new(inner: Body, deadline: tokio::time::Instant) -> Self {
        Self {
            inner,
            deadline,
            sleep: None,
        }
    }
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTimeout)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: the request body must be complete within `timeout` of the request head (a
/// slow-loris body cannot hold a concurrency slot for longer); reading it later fails with
/// [`BodyTimeout`], which the handlers answer with 408 `REQUEST_006`.
pub async fn body_deadline(
    axum::extract::State(timeout): axum::extract::State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let deadline = tokio::time::Instant::now() + timeout;
    let request = if request.body().is_end_stream() {
        request
    } else {
        request.map(|body| Body::new(DeadlineBody::new(body, deadline)))
    };
    next.run(request).await
}

/// CORS for the configured origins only (exact matches). With none configured, no
/// cross-origin request is allowed (no `Access-Control-Allow-Origin` is ever sent).
pub fn cors(origins: &[String]) -> Result<CorsLayer, String> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .map(|o| {
            if o == "*" {
                return Err("CORS origin \"*\" is refused: list the origins".to_owned());
            }
            HeaderValue::from_str(o).map_err(|_| format!("CORS origin {o:?} is not a header value"))
        })
        .collect::<Result<_, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static("ratelimit"),
            HeaderName::from_static("ratelimit-policy"),
        ])
        .max_age(std::time::Duration::from_secs(600)))
}

/// What the `Authorization` header of a request holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bearer<'a> {
    /// No `Authorization` header (401 `AUTH_001`).
    Missing,
    /// A bearer token.
    Token(&'a str),
    /// Another scheme, an empty token, a value that is not text, or more than one
    /// `Authorization` header: which one counts would depend on who reads the request (a proxy
    /// may take the last, the gateway the first), so the request is refused (401 `AUTH_002`).
    Invalid,
}

/// The bearer token of `Authorization` (the scheme name is case-insensitive).
pub fn bearer(headers: &HeaderMap) -> Bearer<'_> {
    let mut all = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = all.next() else {
        return Bearer::Missing;
    };
    if all.next().is_some() {
        return Bearer::Invalid;
    }
    value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .map_or(Bearer::Invalid, Bearer::Token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_json_checks_media_type() {
        let mut h = HeaderMap::new();
        let body = Bytes::from_static(b"{}");
        let e = strict_json::<serde_json::Value>(&h, &body).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(strict_json::<serde_json::Value>(&h, &body).is_ok());
        let bad = Bytes::from_static(b"{\"a\":1,}");
        assert_eq!(
            strict_json::<serde_json::Value>(&h, &bad)
                .unwrap_err()
                .status(),
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), Bearer::Missing);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&h), Bearer::Token("abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer(&h), Bearer::Token("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), Bearer::Invalid);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), Bearer::Invalid);
        // Two Authorization headers: ambiguous, refused whichever is valid.
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        h.append(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer other"),
        );
        assert_eq!(bearer(&h), Bearer::Invalid);
    }

    #[test]
    fn wildcard_cors_is_refused() {
        assert!(cors(&["*".into()]).is_err());
        assert!(cors(&["https://app.example".into()]).is_ok());
    }
}
