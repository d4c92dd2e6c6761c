//! The upstream: the in-process mock, or any OpenAI-compatible base URL over HTTP/1.1
//! (hyper-util's pooled client; `https://` with the `tls` feature: rustls with the ring
//! provider, the system's roots plus an optional CA file; plain `http://` only without it).

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use futures_util::{Stream, StreamExt, stream};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::mock::{MockFailure, MockProvider};

/// Largest JSON or audio answer accepted from a provider.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// Largest single server-sent event accepted from a provider.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;
/// Deadline for the provider's response head (and for each non-streamed body).
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(120);

/// The data payloads of a streamed answer (`{"choices":…}` JSON strings, then `[DONE]`).
pub type PayloadStream = Pin<Box<dyn Stream<Item = Result<String, UpstreamError>> + Send>>;

/// What the provider answered.
pub enum Reply {
    /// A JSON document.
    Json(Value),
    /// Server-sent event payloads.
    Stream(PayloadStream),
    /// Binary audio.
    Audio {
        /// Its media type.
        content_type: String,
        /// The bytes.
        body: Bytes,
    },
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json(_) => f.write_str("Reply::Json"),
            Self::Stream(_) => f.write_str("Reply::Stream"),
            Self::Audio { .. } => f.write_str("Reply::Audio"),
        }
    }
}

/// Why a provider call failed. These count as failures for the circuit breaker.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum UpstreamError {
    /// The provider answered with an error status.
    #[error("provider answered HTTP {status}")]
    Status {
        /// The status code.
        status: u16,
        /// Its `Retry-After`, when it sent one in seconds.
        retry_after: Option<Duration>,
    },
    /// The provider could not be reached or the connection broke.
    #[error("provider unreachable: {0}")]
    Transport(String),
    /// The provider's answer is not what the API promises.
    #[error("provider answer is invalid: {0}")]
    BadAnswer(&'static str),
    /// The provider did not answer in time.
    #[error("provider timed out")]
    Timeout,
}

/// Which API the call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/v1/chat/completions`.
    Chat,
    /// `/v1/embeddings`.
    Embeddings,
    /// `/v1/audio/speech`.
    Speech,
}

impl Endpoint {
    /// The path below the base URL.
    pub fn path(self) -> &'static str {
        match self {
            Self::Chat => "/chat/completions",
            Self::Embeddings => "/embeddings",
            Self::Speech => "/audio/speech",
        }
    }

    /// The scope a key needs to call it.
    pub fn scope(self) -> &'static str {
        match self {
            Self::Chat => "execute:completions",
            Self::Embeddings => "execute:embeddings",
            Self::Speech => "execute:speech",
        }
    }

    /// A short name for limits, logs and audit.
    pub fn name(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Embeddings => "embeddings",
            Self::Speech => "speech",
        }
    }
}

/// The configured upstream.
#[derive(Clone)]
pub enum Upstream {
    /// The built-in mock.
    Mock(Arc<MockProvider>),
    /// An OpenAI-compatible HTTP API.
    Http(HttpUpstream),
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mock(_) => f.write_str("Upstream::Mock"),
            Self::Http(h) => write!(f, "Upstream::Http({})", h.base_url),
        }
    }
}

/// The HTTP/1.1 client of the provider calls (and of the benchmark's bare pass-through, so both
/// targets reach the mock the same way): pooled keep-alive connections (idle ones closed after
/// 30 s), `TCP_NODELAY`, a 10 s connect timeout.
pub fn pooled_client() -> Client<HttpConnector, Full<Bytes>> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(Duration::from_secs(10)));
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector)
}

/// The connector of provider calls: plain TCP, or TLS over it with the `tls` feature.
#[cfg(not(feature = "tls"))]
type UpstreamConnector = HttpConnector;
/// The connector of provider calls: plain TCP, or TLS over it with the `tls` feature.
#[cfg(feature = "tls")]
type UpstreamConnector = hyper_rustls::HttpsConnector<HttpConnector>;

/// A pooled HTTP/1.1 client for one base URL.
#[derive(Clone)]
pub struct HttpUpstream {
    base_url: String,
    client: Client<UpstreamConnector, Full<Bytes>>,
}

impl HttpUpstream {
    /// A client for `base_url` (`http://host:port/v1`, or `https://` with the `tls` feature,
    /// trusting the system's roots and the certificates of the PEM file `ca_file`). Without
    /// the feature, `https://` and `ca_file` are refused (terminate TLS to the provider in a
    /// local egress proxy).
    pub fn new(base_url: &str, ca_file: Option<&std::path::Path>) -> Result<Self, String> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let tls = base_url.starts_with("https://");
        if !base_url.starts_with("http://") && !tls {
            return Err(format!(
                "upstream base URL must be http:// or https:// (got {base_url:?})"
            ));
        }
        base_url
            .parse::<http::Uri>()
            .map_err(|e| format!("upstream base URL: {e}"))?;
        Ok(Self {
            base_url,
            client: upstream_client(tls, ca_file)?,
        })
    }

    async fn call<T: serde::Serialize + ?Sized>(
        &self,
        endpoint: Endpoint,
        body: &T,
        stream: bool,
        credential: Option<&str>,
    ) -> Result<Reply, UpstreamError> {
        let payload = serde_json::to_vec(body).map_err(|_| UpstreamError::BadAnswer("request"))?;
        let mut request = http::Request::post(format!("{}{}", self.base_url, endpoint.path()))
            .header(http::header::CONTENT_TYPE, "application/json");
        if let Some(credential) = credential {
            request = request.header(http::header::AUTHORIZATION, format!("Bearer {credential}"));
        }
        let request = request
            .body(Full::new(Bytes::from(payload)))
            .map_err(|_| UpstreamError::BadAnswer("request"))?;
        let response = tokio::time::timeout(UPSTREAM_TIMEOUT, self.client.request(request))
            .await
            .map_err(|_| UpstreamError::Timeout)?
            .map_err(|e| UpstreamError::Transport(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(UpstreamError::Status {
                status: status.as_u16(),
                retry_after,
            });
        }
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let body = response.into_body();
        if stream && content_type.starts_with("text/event-stream") {
            let data = body
                .into_data_stream()
                .map(|r| r.map_err(|e| UpstreamError::Transport(e.to_string())));
            return Ok(Reply::Stream(Box::pin(sse_payloads(data))));
        }
        let bytes = tokio::time::timeout(
            UPSTREAM_TIMEOUT,
            Limited::new(body, MAX_ANSWER_BYTES).collect(),
        )
        .await
        .map_err(|_| UpstreamError::Timeout)?
        .map_err(|_| UpstreamError::BadAnswer("body unreadable or too large"))?
        .to_bytes();
        if endpoint == Endpoint::Speech {
            return Ok(Reply::Audio {
                content_type,
                body: bytes,
            });
        }
        let value = serde_json::from_slice(&bytes).map_err(|_| UpstreamError::BadAnswer("json"))?;
        Ok(Reply::Json(value))
    }
}

#[cfg(not(feature = "tls"))]
fn upstream_client(
    tls: bool,
    ca_file: Option<&std::path::Path>,
) -> Result<Client<UpstreamConnector, Full<Bytes>>, String> {
    if tls || ca_file.is_some() {
        return Err(
            "https:// base URLs and provider.ca_file need a build with the `tls` feature \
             (cargo build --release -p gateway --features tls)"
                .into(),
        );
    }
    Ok(pooled_client())
}

#[cfg(feature = "tls")]
fn upstream_client(
    tls: bool,
    ca_file: Option<&std::path::Path>,
) -> Result<Client<UpstreamConnector, Full<Bytes>>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::warn!(%error, "a system CA certificate could not be loaded");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "system CA certificates");
    if let Some(path) = ca_file {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .and_then(Iterator::collect)
            .map_err(|e| format!("provider.ca_file {}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "provider.ca_file {}: no certificate in it",
                path.display()
            ));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| format!("provider.ca_file {}: {e}", path.display()))?;
        }
    }
    if tls && roots.is_empty() {
        return Err(
            "no trusted CA certificate: the system store is empty and no provider.ca_file is set"
                .into(),
        );
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(10)));
    http.enforce_http(false);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector))
}

/// Splits a byte stream of server-sent events into their `data` payloads, holding at most
/// [`MAX_EVENT_BYTES`] of an unfinished event.
pub fn sse_payloads<S>(input: S) -> impl Stream<Item = Result<String, UpstreamError>> + Send
where
    S: Stream<Item = Result<Bytes, UpstreamError>> + Send + Unpin + 'static,
{
    struct St<S> {
        input: S,
        buf: Vec<u8>,
        ready: std::collections::VecDeque<String>,
        done: bool,
    }
    let state = St {
        input,
        buf: Vec::new(),
        ready: std::collections::VecDeque::new(),
        done: false,
    };
    stream::unfold(state, |mut st| async move {
        loop {
            if let Some(p) = st.ready.pop_front() {
                return Some((Ok(p), st));
            }
            if st.done {
                return None;
            }
            match st.input.next().await {
                Some(Ok(bytes)) => {
                    st.buf.extend_from_slice(&bytes);
                    while let Some(end) = find_event_end(&st.buf) {
                        let event: Vec<u8> = st.buf.drain(..end.0).collect();
                        st.buf.drain(..end.1);
                        if let Some(p) = event_data(&event) {
                            st.ready.push_back(p);
                        }
                    }
                    if st.buf.len() > MAX_EVENT_BYTES {
                        st.done = true;
                        return Some((Err(UpstreamError::BadAnswer("event too large")), st));
                    }
                }
                Some(Err(e)) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
                None => {
                    st.done = true;
                    let rest = std::mem::take(&mut st.buf);
                    if let Some(p) = event_data(&rest) {
                        st.ready.push_back(p);
                    }
                }
            }
        }
    })
}

/// (end of event, length of the separator) of the first complete event.
fn find_event_end(buf: &[u8]) -> Option<(usize, usize)> {
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn event_data(event: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(event).ok()?;
    let mut data: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("data:") {
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            match &mut data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(rest);
                }
                None => data = Some(rest.to_owned()),
            }
        }
    }
    data
}

fn mock_err(_: MockFailure) -> UpstreamError {
    UpstreamError::Status {
        status: 503,
        retry_after: None,
    }
}

impl Upstream {
    /// Sends `body` to `endpoint` (serialised once, to the bytes that go out; the in-process
    /// mock gets it as a JSON tree).
    pub async fn call<T: serde::Serialize + ?Sized>(
        &self,
        endpoint: Endpoint,
        body: &T,
        stream: bool,
        credential: Option<&str>,
    ) -> Result<Reply, UpstreamError> {
        let auth = credential.map(|c| format!("Bearer {c}"));
        let auth = auth.as_deref();
        match self {
            Self::Http(h) => h.call(endpoint, body, stream, credential).await,
            Self::Mock(m) => {
                let body =
                    &serde_json::to_value(body).map_err(|_| UpstreamError::BadAnswer("request"))?;
                match endpoint {
                    Endpoint::Chat if stream => {
                        let chunks = m.chat_stream(body, auth).map_err(mock_err)?;
                        Ok(Reply::Stream(Box::pin(stream::iter(
                            chunks.into_iter().map(Ok),
                        ))))
                    }
                    Endpoint::Chat => m.chat(body, auth).map(Reply::Json).map_err(mock_err),
                    Endpoint::Embeddings => {
                        m.embeddings(body, auth).map(Reply::Json).map_err(mock_err)
                    }
                    Endpoint::Speech => m
                        .speech(body, auth)
                        .map(|body| Reply::Audio {
                            content_type: "audio/wav".into(),
                            body,
                        })
                        .map_err(mock_err),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sse_split_anywhere_yields_the_same_payloads() {
        let text = "data: {\"a\":1}\n\n: comment\n\ndata: two\r\n\r\ndata: [DONE]\n\n";
        for cut in 0..text.len() {
            let (a, b) = text.split_at(cut);
            let parts = vec![
                Ok(Bytes::copy_from_slice(a.as_bytes())),
                Ok(Bytes::copy_from_slice(b.as_bytes())),
            ];
            let out: Vec<String> = sse_payloads(stream::iter(parts))
                .map(|r| r.unwrap())
                .collect()
                .await;
            assert_eq!(out, ["{\"a\":1}", "two", "[DONE]"], "cut at {cut}");
        }
    }

    #[test]
    fn garbage_base_urls_are_refused() {
        assert!(HttpUpstream::new("ftp://x", None).is_err());
        assert!(HttpUpstream::new("http://127.0.0.1:9/v1", None).is_ok());
    }

    #[cfg(not(feature = "tls"))]
    #[test]
    fn https_needs_the_tls_feature() {
        let err = HttpUpstream::new("https://api.openai.com/v1", None)
            .err()
            .unwrap();
        assert!(err.contains("`tls` feature"), "{err}");
        let ca = std::path::Path::new("ca.pem");
        assert!(HttpUpstream::new("http://127.0.0.1:9/v1", Some(ca)).is_err());
    }

    #[cfg(feature = "tls")]
    #[test]
    fn a_missing_or_empty_ca_file_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.pem");
        assert!(HttpUpstream::new("https://127.0.0.1:9/v1", Some(&missing)).is_err());
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = HttpUpstream::new("https://127.0.0.1:9/v1", Some(&empty))
            .err()
            .unwrap();
        assert!(err.contains("no certificate"), "{err}");
    }
}
