//! The router, the shared state and the request pipeline:
//! CORS → security headers → API key (401) → scope (403) → rate limits (429) → body limit (413)
//! → strict JSON (415/400) → provider → answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use audit_log::{Outcome, actions};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use futures_util::StreamExt;
use key_format::{KeyManager, KeyRequest, ScopeSet, Verification, VerifiedKey};
use serde::Deserialize;
use serde_json::json;

use crate::audit::{Audit, entry_json};
use crate::chat_stream::{ChatStream, check_answer_tools, error_event};
use crate::config::{Config, ProviderConfig};
use crate::credentials::Credentials;
use crate::error::{ApiError, StartError};
use crate::http::{Bearer, SecurityHeaders, bearer, strict_json};
use crate::keys::{CachedKeyStore, record_json};
use crate::limits::Limits;
use crate::mock::MockProvider;
use crate::openai::{ChatRequest, EmbeddingsRequest, SpeechRequest};
use crate::provider::{Endpoint, HttpUpstream, Reply, Upstream};
use crate::resilient::{IdemBegin, Resilience, StoredAnswer};
use crate::secrets::AdminKey;
use crate::security::Content;
use crate::store::Db;

/// Everything a request needs, shared by all of them.
pub struct AppState {
    /// The configuration the gateway started with.
    pub config: Config,
    /// Where calls go.
    pub upstream: Upstream,
    /// The mock, when it is the upstream (tests read what it received).
    pub mock: Option<Arc<MockProvider>>,
    /// The database.
    pub db: Arc<Db>,
    /// The admin key's verifier.
    pub admin: AdminKey,
    /// API keys (key-format).
    pub keys: KeyManager,
    /// Their store (for the admin list and tool allow-lists).
    pub key_store: Arc<CachedKeyStore>,
    /// Rate limits (rate-limit).
    pub limits: Limits,
    /// Provider credentials, encrypted at rest (envelope-encryption).
    pub credentials: Credentials,
    /// The audit trail (audit-log).
    pub audit: Audit,
    /// Injection guard, tool allow-list and PII redaction.
    pub content: Content,
    /// Circuit breaker and concurrency limits (resilience).
    pub resilience: Resilience,
    started: Instant,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("upstream", &self.upstream)
            .finish_non_exhaustive()
    }
}

/// The state behind an `Arc`.
pub type Shared = Arc<AppState>;

/// The parts [`AppState::new`] composes.
#[derive(Debug)]
pub struct Parts {
    /// The database.
    pub db: Arc<Db>,
    /// The admin key.
    pub admin: AdminKey,
    /// The key manager.
    pub keys: KeyManager,
    /// Its store.
    pub key_store: Arc<CachedKeyStore>,
    /// The credential store.
    pub credentials: Credentials,
    /// The audit trail.
    pub audit: Audit,
    /// The key sealing `Idempotency-Key` answers stored in Redis
    /// ([`crate::resilient::idempotency_key`]).
    pub idempotency_key: envelope_encryption::SecretKey,
}

impl AppState {
    /// Builds the state from a loaded configuration and its parts.
    pub fn new(config: Config, parts: Parts) -> Result<Self, StartError> {
        let (upstream, mock) = match &config.provider {
            ProviderConfig::Mock { .. } => {
                let mock = MockProvider::new();
                (Upstream::Mock(mock.clone()), Some(mock))
            }
            ProviderConfig::Openai {
                base_url, ca_file, ..
            } => {
                let client = HttpUpstream::new(base_url, ca_file.as_deref()).map_err(|reason| {
                    StartError::Component {
                        component: "provider",
                        reason,
                    }
                })?;
                (Upstream::Http(client), None)
            }
        };
        let limits = Limits::new(
            &config.limits,
            config.redis_url.as_deref(),
            &config.redis_prefix,
        )?;
        let content = Content::new(config.injection_mode, config.pii_redaction)?;
        let resilience = Resilience::new(
            &config.limits,
            config.redis_url.as_deref(),
            &config.redis_prefix,
            parts.idempotency_key,
        )?;
        Ok(Self {
            config,
            upstream,
            mock,
            db: parts.db,
            admin: parts.admin,
            keys: parts.keys,
            key_store: parts.key_store,
            limits,
            credentials: parts.credentials,
            audit: parts.audit,
            content,
            resilience,
            started: Instant::now(),
        })
    }
}

/// The whole application: routes, then CORS and security headers around everything.
pub fn router(state: Shared) -> Result<Router, StartError> {
    let cors = crate::http::cors(&state.config.cors_origins).map_err(StartError::Config)?;
    let headers = SecurityHeaders::new(state.config.behind_tls);
    let (_, body_timeout) = state.config.client_timeouts()?;
    // Everything under /admin, unknown paths and wrong methods included, answers 401 before
    // 404/405: an anonymous client learns nothing about the admin surface.
    let admin = Router::new()
        .route("/status", get(admin_status))
        .route("/keys", get(admin_list_keys).post(admin_create_key))
        .route("/keys/{id}/revoke", post(admin_revoke_key))
        .route("/keys/{id}/rotate", post(admin_rotate_key))
        .route("/credentials", get(admin_list_credentials))
        .route("/credentials/{name}", put(admin_put_credential))
        .route("/audit", get(admin_audit_query))
        .route("/audit/verify", get(admin_audit_verify))
        .route("/audit/checkpoint", post(admin_audit_checkpoint))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), admin_auth));
    let api = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/embeddings", post(embeddings))
        .route("/v1/audio/speech", post(speech));
    Ok(Router::new()
        .route("/healthz", get(healthz))
        .merge(api)
        .nest("/admin", admin)
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            body_timeout,
            crate::http::body_deadline,
        ))
        .layer(cors)
        .layer(middleware::from_fn_with_state(
            headers,
            crate::http::security_headers,
        )))
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

async fn healthz() -> Response {
    axum::Json(json!({ "status": "ok" })).into_response()
}

// ---------------------------------------------------------------------------------------------
// The request pipeline.

/// An admitted caller: a verified key and the rate-limit headers for its answer.
struct Caller {
    key: VerifiedKey,
    rate_headers: HeaderMap,
}

/// API key (401), scope (403), rate limits (429).
fn admit(st: &AppState, headers: &HeaderMap, endpoint: Endpoint) -> Result<Caller, ApiError> {
    let token = match bearer(headers) {
        Bearer::Token(token) => token,
        Bearer::Missing => return Err(ApiError::missing_key()),
        Bearer::Invalid => return Err(ApiError::invalid_key()),
    };
    let key = match st.keys.verify_scoped(token, endpoint.scope()) {
        Ok(Verification::Valid(key)) => key,
        Ok(Verification::InsufficientScope) => return Err(ApiError::forbidden(endpoint.scope())),
        Ok(_) => return Err(ApiError::invalid_key()),
        Err(key_format::Error::Store(e)) => {
            tracing::error!(error = %e, "key store failed");
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL_002",
                "key store unavailable",
            ));
        }
        Err(_) => return Err(ApiError::invalid_key()),
    };
    Ok(Caller {
        key,
        rate_headers: HeaderMap::new(),
    })
}

/// Reads the body with the configured limit (413 beyond it; 408 when it did not arrive within
/// the body read timeout, and the connection is closed).
async fn read_body(st: &AppState, body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, st.config.max_body_bytes)
        .await
        .map_err(|e| {
            if crate::http::BodyTimeout::caused(&e) {
                return ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "REQUEST_006",
                    format!(
                        "request body not received within {} s",
                        st.config.body_read_timeout_secs
                    ),
                )
                .with_header(header::CONNECTION, HeaderValue::from_static("close"));
            }
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "REQUEST_002",
                format!(
                    "request body unreadable or larger than {} bytes",
                    st.config.max_body_bytes
                ),
            )
        })
}

/// The decrypted provider credential, when one is configured.
fn provider_credential(st: &AppState) -> Result<Option<Arc<zeroize::Zeroizing<String>>>, ApiError> {
    let name = match &st.config.provider {
        ProviderConfig::Mock { credential } | ProviderConfig::Openai { credential, .. } => {
            credential
        }
    };
    match name {
        None => Ok(None),
        Some(name) => st.credentials.get(name).map(Some).map_err(|e| {
            tracing::error!(error = %e, "provider credential unavailable");
            ApiError::upstream("the provider credential is not available")
        }),
    }
}

/// Runs an admitted handler and puts the rate-limit headers on its answer, error or not.
async fn run<F, Fut>(st: Shared, request: Request, endpoint: Endpoint, inner: F) -> Response
where
    F: FnOnce(Shared, Caller, HeaderMap, Body) -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    let (parts, body) = request.into_parts();
    // PostgreSQL keys: the presented key's record is re-read now (a revoke on any instance
    // applies to this request); a no-op with SQLite.
    if let Err(e) = st.key_store.refresh_for(&st.keys, &parts.headers).await {
        return e.into_response();
    }
    let mut caller = match admit(&st, &parts.headers, endpoint) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    caller.rate_headers = match st.limits.check_shared(caller.key.key_id(), endpoint).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let rate_headers = caller.rate_headers.clone();
    let slot = match st.resilience.enter(caller.key.key_id()) {
        Ok(slot) => slot,
        Err(e) => {
            let mut response = e.into_response();
            response.headers_mut().extend(rate_headers);
            return response;
        }
    };
    let mut response = match idempotent(st, caller, endpoint, parts.headers, body, inner).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    response.headers_mut().extend(rate_headers);
    // A streamed answer keeps its slot until the stream ends. The wrapper keeps the body's
    // size, so a complete answer still goes out with its Content-Length (not chunked).
    response.map(|body| Body::new(SlotBody { body, _slot: slot }))
}

/// An answer body that holds its request's concurrency slot until it is dropped (sent in
/// full, or abandoned by the client).
struct SlotBody {
    body: Body,
    _slot: resilience::InFlight,
}

impl axum::body::HttpBody for SlotBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// With an `Idempotency-Key`, the first request runs and its complete (non-streamed, 2xx)
/// answer is stored for 24 h; duplicates get it back (`Idempotent-Replayed: true`), a
/// duplicate arriving while the first is in flight waits for it, and the same key with another
/// body is 422. Keys are scoped to the API key. With Redis, on every instance; when Redis
/// fails, requests carrying the header are refused with 503 (fail closed).
async fn idempotent<F, Fut>(
    st: Shared,
    caller: Caller,
    endpoint: Endpoint,
    headers: HeaderMap,
    body: Body,
    inner: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Shared, Caller, HeaderMap, Body) -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    let idem = resilience::idempotency_key(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())))
        .map_err(|_| ApiError::bad_request("invalid Idempotency-Key header"))?
        .map(str::to_owned);
    let Some(idem) = idem else {
        return inner(st, caller, headers, body).await;
    };
    let bytes = read_body(&st, body).await?;
    // Scoped to the API key. The stores take keys of at most 255 bytes: a client key too long
    // to fit beside the key id (up to 255 bytes is valid) goes in as its SHA-256, still scoped.
    let key_id = caller.key.key_id();
    let scoped = if key_id.len() + 1 + idem.len() <= resilience::MAX_KEY_LEN {
        format!("{key_id}-{idem}")
    } else {
        use sha2::Digest as _;
        format!(
            "{key_id}-sha256:{}",
            hex::encode(sha2::Sha256::digest(idem.as_bytes()))
        )
    };
    let fp = resilience::Fingerprint::of(&[endpoint.name().as_bytes(), &bytes]);
    let replay = |a: &StoredAnswer| {
        let mut r = (a.status, a.body.clone()).into_response();
        if let Some(ct) = &a.content_type {
            r.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
        }
        r.headers_mut().insert(
            header::HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
        r
    };
    let begin = st
        .resilience
        .idempotency
        .begin(&scoped, fp)
        .await
        .map_err(|e| match e {
            resilience::Error::IdempotencyConflict => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "IDEMPOTENCY_001",
                "this Idempotency-Key was used with a different request",
            ),
            resilience::Error::InvalidIdempotencyKey => {
                ApiError::bad_request("invalid Idempotency-Key header")
            }
            other => {
                tracing::error!(error = %other, "idempotency store failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "IDEMPOTENCY_003",
                    "the idempotency store is unavailable; retry shortly",
                )
                .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
            }
        })?;
    match begin {
        IdemBegin::Replay(stored) => Ok(replay(&stored)),
        IdemBegin::Wait(waiter) => {
            let stored = waiter
                .wait_async(Duration::from_secs(150))
                .await
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::CONFLICT,
                        "IDEMPOTENCY_002",
                        "the first request with this Idempotency-Key did not finish; retry",
                    )
                })?;
            Ok(replay(&stored))
        }
        IdemBegin::Run(guard) => {
            let response = inner(st, caller, headers, Body::from(bytes)).await?;
            let streamed = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
            if streamed || !response.status().is_success() {
                guard.release();
                return Ok(response);
            }
            let (head, body) = response.into_parts();
            let body = axum::body::to_bytes(body, crate::provider::MAX_ANSWER_BYTES)
                .await
                .map_err(|_| ApiError::upstream("answer unreadable"))?;
            guard
                .complete(StoredAnswer {
                    status: head.status,
                    content_type: head.headers.get(header::CONTENT_TYPE).cloned(),
                    body: body.clone(),
                })
                .await;
            Ok(Response::from_parts(head, Body::from(body)))
        }
    }
}

async fn chat(State(st): State<Shared>, request: Request) -> Response {
    run(st, request, Endpoint::Chat, chat_inner).await
}

async fn chat_inner(
    st: Shared,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(&st, body).await?;
    let mut request: ChatRequest = strict_json(&headers, &body)?;
    let key_id = caller.key.key_id();
    Content::check_tools(&request, st.key_store.tools(key_id).as_deref())?;
    st.content
        .guard_texts(request.texts().into_iter(), key_id)?;
    let mapping = st.content.redact_prompt(&mut request);
    let stream = request.stream == Some(true);
    // The tools the model may call in its answer: those offered, which passed the allow-list.
    let offered: Vec<String> = request
        .tools
        .iter()
        .flatten()
        .map(|t| t.function.name.clone())
        .collect();
    // Serialised once, straight to the bytes that leave (no intermediate JSON tree).
    let outgoing = &request;
    let credential = provider_credential(&st)?;
    let reply = st
        .resilience
        .call(st.upstream.call(
            Endpoint::Chat,
            outgoing,
            stream,
            credential.as_deref().map(|c| c.as_str()),
        ))
        .await?;
    match reply {
        Reply::Json(mut v) => {
            check_answer_tools(&st.content, &v, &offered).inspect_err(|e| {
                tracing::warn!(key = key_id, code = e.code(), "model tool call refused");
            })?;
            st.content.answer_json(&mut v, &mapping);
            Ok(axum::Json(v).into_response())
        }
        Reply::Stream(payloads) => {
            let filter = ChatStream::new(mapping, offered);
            let key = key_id.to_owned();
            // Ends right after an error event, without polling the provider again.
            let events = futures_util::stream::unfold(
                (payloads, filter, st.clone(), key, false),
                |(mut payloads, mut filter, state, key, stopped)| async move {
                    if stopped {
                        return None;
                    }
                    match payloads.next().await? {
                        Ok(p) => match filter.event(&state.content, &p) {
                            Ok(out) => Some((
                                Ok::<_, std::io::Error>(Bytes::from(out)),
                                (payloads, filter, state, key, false),
                            )),
                            Err(e) => {
                                tracing::warn!(key, code = e.code(), "model tool call refused");
                                Some((
                                    Ok(Bytes::from(error_event(&e))),
                                    (payloads, filter, state, key, true),
                                ))
                            }
                        },
                        Err(e) => {
                            tracing::warn!(error = %e, "provider stream failed");
                            Some((
                                Err(std::io::Error::other("provider stream failed")),
                                (payloads, filter, state, key, true),
                            ))
                        }
                    }
                },
            );
            let mut response = Response::new(Body::from_stream(events));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            );
            Ok(response)
        }
        Reply::Audio { .. } => Err(ApiError::upstream("unexpected audio answer")),
    }
}

async fn embeddings(State(st): State<Shared>, request: Request) -> Response {
    run(st, request, Endpoint::Embeddings, embeddings_inner).await
}

async fn embeddings_inner(
    st: Shared,
    _caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(&st, body).await?;
    let mut request: EmbeddingsRequest = strict_json(&headers, &body)?;
    if st.config.pii_redaction {
        // Embeddings cannot be restored: PII is replaced one way.
        match &mut request.input {
            crate::openai::EmbeddingInput::One(t) => *t = st.content.redactor().redact(t),
            crate::openai::EmbeddingInput::Many(ts) => {
                for t in ts {
                    *t = st.content.redactor().redact(t);
                }
            }
        }
    }
    // Serialised once, straight to the bytes that leave (no intermediate JSON tree).
    let outgoing = &request;
    let credential = provider_credential(&st)?;
    match st
        .resilience
        .call(st.upstream.call(
            Endpoint::Embeddings,
            outgoing,
            false,
            credential.as_deref().map(|c| c.as_str()),
        ))
        .await?
    {
        Reply::Json(v) => Ok(axum::Json(v).into_response()),
        _ => Err(ApiError::upstream("unexpected answer")),
    }
}

async fn speech(State(st): State<Shared>, request: Request) -> Response {
    run(st, request, Endpoint::Speech, speech_inner).await
}

async fn speech_inner(
    st: Shared,
    _caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(&st, body).await?;
    let mut request: SpeechRequest = strict_json(&headers, &body)?;
    if request.input.chars().count() > 4096 {
        return Err(ApiError::bad_request("input longer than 4096 characters"));
    }
    // Placeholders cannot be restored in audio: secrets refuse the request, other PII is
    // spoken as a phrase or refuses it (`speech_pii`), in the input and the voice instructions.
    let policy = st.config.speech_pii;
    request.input = st.content.speech_text(&request.input, policy)?;
    if let Some(instructions) = &mut request.instructions {
        *instructions = st.content.speech_text(instructions, policy)?;
    }
    // Serialised once, straight to the bytes that leave (no intermediate JSON tree).
    let outgoing = &request;
    let credential = provider_credential(&st)?;
    match st
        .resilience
        .call(st.upstream.call(
            Endpoint::Speech,
            outgoing,
            false,
            credential.as_deref().map(|c| c.as_str()),
        ))
        .await?
    {
        Reply::Audio { content_type, body } => {
            let content_type = HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
        }
        _ => Err(ApiError::upstream("unexpected answer")),
    }
}

// ---------------------------------------------------------------------------------------------
// Admin API.

async fn admin_auth(State(st): State<Shared>, request: Request, next: Next) -> Response {
    match bearer(request.headers()) {
        Bearer::Missing => ApiError::missing_key().into_response(),
        Bearer::Token(token) if st.admin.verify(token) => next.run(request).await,
        Bearer::Token(_) | Bearer::Invalid => {
            tracing::warn!("admin: authentication failed");
            ApiError::invalid_key().into_response()
        }
    }
}

async fn admin_status(State(st): State<Shared>) -> Response {
    if let Err(e) = st.key_store.refresh_all().await {
        return e.into_response();
    }
    let provider = match &st.config.provider {
        ProviderConfig::Mock { .. } => "mock",
        ProviderConfig::Openai { .. } => "openai",
    };
    axum::Json(json!({
        "uptime_secs": st.started.elapsed().as_secs(),
        "provider": provider,
        "injection_mode": format!("{:?}", st.config.injection_mode).to_lowercase(),
        "pii_redaction": st.config.pii_redaction,
        "shared_limits": st.limits.shared(),
        "shared_idempotency": st.resilience.idempotency.shared(),
        "shared_keys": st.key_store.shared(),
        "keys": st.key_store.list_all().len(),
    }))
    .into_response()
}

/// `POST /admin/keys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateKey {
    scopes: Vec<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    principal: Option<String>,
    #[serde(default)]
    expires_in_secs: Option<u64>,
    #[serde(default)]
    tools: Option<Vec<String>>,
}

/// `POST /admin/keys/{id}/rotate`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RotateKey {
    #[serde(default)]
    grace_secs: Option<u64>,
}

/// Default overlap of a rotated key with its successor.
pub const DEFAULT_ROTATION_GRACE: Duration = Duration::from_secs(3600);

fn key_error(e: &key_format::Error) -> ApiError {
    match e {
        key_format::Error::NoSuchKey => ApiError::not_found("no such key"),
        key_format::Error::KeyRevoked => ApiError::new(
            StatusCode::CONFLICT,
            "REQUEST_005",
            "the key is revoked; issue a new one",
        ),
        key_format::Error::KeyExpired => ApiError::new(
            StatusCode::CONFLICT,
            "REQUEST_005",
            "the key has expired; issue a new one",
        ),
        key_format::Error::InvalidScope { .. } => ApiError::bad_request(e.to_string()),
        other => {
            tracing::error!(error = %other, "key operation failed");
            ApiError::internal()
        }
    }
}

fn issued_json(st: &AppState, issued: key_format::IssuedKey) -> Response {
    let (plain, record) = issued.into_parts();
    let tools = st.key_store.tools(&record.key_id);
    let mut body = record_json(&record, tools.as_deref());
    if let Some(map) = body.as_object_mut() {
        // The only time the plaintext leaves the gateway.
        map.insert("key".into(), json!(plain.expose()));
    }
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

async fn admin_create_key(State(st): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    respond_admin(create_key(&st, &headers, &body).await)
}

fn respond_admin(r: Result<Response, ApiError>) -> Response {
    r.unwrap_or_else(IntoResponse::into_response)
}

async fn create_key(
    st: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let req: CreateKey = strict_json(headers, body)?;
    let scopes = ScopeSet::from_patterns(&req.scopes).map_err(|e| key_error(&e))?;
    let mut request = KeyRequest::new().scopes(scopes);
    if let Some(label) = req.label.clone() {
        request = request.label(label);
    }
    if let Some(principal) = req.principal {
        request = request.principal(principal);
    }
    if let Some(secs) = req.expires_in_secs {
        request = request.expires_in(Duration::from_secs(secs));
    }
    let issued = st.keys.issue(request).map_err(|e| key_error(&e))?;
    let id = issued.record().key_id.clone();
    if req.tools.is_some() {
        st.key_store
            .set_tools(&id, req.tools.clone())
            .map_err(|e| key_error(&e))?;
    }
    st.audit
        .record(
            actions::API_KEY_CREATED,
            &id,
            Outcome::Success,
            json!({ "label": req.label, "scopes": req.scopes, "tools": req.tools,
                    "expires_in_secs": req.expires_in_secs }),
        )
        .await?;
    tracing::info!(key = id, "admin: key created");
    Ok(issued_json(st, issued))
}

async fn admin_list_keys(State(st): State<Shared>) -> Response {
    if let Err(e) = st.key_store.refresh_all().await {
        return e.into_response();
    }
    let keys: Vec<_> = st
        .key_store
        .list_all()
        .iter()
        .map(|(r, t)| record_json(r, t.as_deref()))
        .collect();
    respond_admin(
        st.audit
            .record(
                "api_key.listed",
                "keys",
                Outcome::Success,
                json!({ "count": keys.len() }),
            )
            .await
            .map(|_| axum::Json(json!({ "keys": keys })).into_response()),
    )
}

async fn admin_revoke_key(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    respond_admin(revoke_key(&st, &id).await)
}

async fn revoke_key(st: &AppState, id: &str) -> Result<Response, ApiError> {
    if let Err(e) = st.keys.revoke(id) {
        st.audit
            .record(
                actions::API_KEY_REVOKED,
                id,
                Outcome::Failure,
                json!({ "error": e.to_string() }),
            )
            .await?;
        return Err(key_error(&e));
    }
    st.audit
        .record(actions::API_KEY_REVOKED, id, Outcome::Success, json!({}))
        .await?;
    tracing::info!(key = id, "admin: key revoked");
    let record = st.keys.store().get(id).ok().flatten();
    let tools = st.key_store.tools(id);
    match record {
        Some(r) => Ok(axum::Json(record_json(&r, tools.as_deref())).into_response()),
        None => Err(ApiError::not_found("no such key")),
    }
}

async fn admin_rotate_key(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond_admin(rotate_key(&st, &id, &headers, &body).await)
}

async fn rotate_key(
    st: &AppState,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let req: RotateKey = if body.is_empty() {
        RotateKey::default()
    } else {
        strict_json(headers, body)?
    };
    let grace = req
        .grace_secs
        .map_or(DEFAULT_ROTATION_GRACE, Duration::from_secs);
    st.key_store.refresh_id(id).await?;
    let issued = match st.keys.rotate(id, grace) {
        Ok(issued) => issued,
        Err(e) => {
            st.audit
                .record(
                    actions::API_KEY_ROTATED,
                    id,
                    Outcome::Failure,
                    json!({ "error": e.to_string() }),
                )
                .await?;
            return Err(key_error(&e));
        }
    };
    let new_id = issued.record().key_id.clone();
    let tools = st.key_store.tools(id).map(|t| t.to_vec());
    if tools.is_some() {
        st.key_store
            .set_tools(&new_id, tools)
            .map_err(|e| key_error(&e))?;
    }
    st.audit
        .record(
            actions::API_KEY_ROTATED,
            id,
            Outcome::Success,
            json!({ "new_key": new_id, "grace_secs": grace.as_secs() }),
        )
        .await?;
    tracing::info!(old = id, new = new_id, "admin: key rotated");
    Ok(issued_json(st, issued))
}

/// `PUT /admin/credentials/{name}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PutCredential {
    value: zeroize::Zeroizing<String>,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

async fn admin_put_credential(
    State(st): State<Shared>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond_admin(put_credential(&st, &name, &headers, &body).await)
}

async fn put_credential(
    st: &AppState,
    name: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    if !valid_name(name) {
        return Err(ApiError::bad_request(
            "credential names are 1-64 characters of [A-Za-z0-9._-]",
        ));
    }
    let req: PutCredential = strict_json(headers, body)?;
    if req.value.is_empty() || req.value.len() > crate::credentials::MAX_CREDENTIAL_LEN {
        return Err(ApiError::bad_request("credential value empty or too long"));
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    st.credentials.put(name, &req.value, now).map_err(|e| {
        tracing::error!(error = %e, "storing a credential failed");
        ApiError::internal()
    })?;
    st.audit
        .record(
            "credential.stored",
            &format!("credential:{name}"),
            Outcome::Success,
            json!({ "length": req.value.len() }),
        )
        .await?;
    tracing::info!(credential = name, "admin: credential stored");
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn admin_list_credentials(State(st): State<Shared>) -> Response {
    let result = async {
        let names = st.credentials.names().map_err(|e| {
            tracing::error!(error = %e, "listing credentials failed");
            ApiError::internal()
        })?;
        st.audit
            .record(
                "credential.listed",
                "credentials",
                Outcome::Success,
                json!({}),
            )
            .await?;
        let list: Vec<_> = names
            .iter()
            .map(|(n, t)| json!({ "name": n, "updated_at": t }))
            .collect();
        Ok(axum::Json(json!({ "credentials": list })).into_response())
    };
    respond_admin(result.await)
}

/// `GET /admin/audit` query parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    after: Option<u64>,
    #[serde(default)]
    limit: Option<usize>,
}

async fn admin_audit_query(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let query = uri.query().unwrap_or("").to_owned();
    let result = async {
        let q: AuditQuery = axum::extract::Query::try_from_uri(&uri)
            .map(|axum::extract::Query(q)| q)
            .map_err(|_| ApiError::bad_request("invalid audit query"))?;
        let mut query_spec = audit_log::Query::new().limit(q.limit.unwrap_or(100));
        if let Some(a) = &q.action {
            query_spec = query_spec.action(a.clone());
        }
        if let Some(t) = &q.target {
            query_spec = query_spec.target(t.clone());
        }
        if let Some(o) = &q.outcome {
            let outcome =
                Outcome::parse(o).ok_or_else(|| ApiError::bad_request("unknown outcome"))?;
            query_spec = query_spec.outcome(outcome);
        }
        if let Some(after) = q.after {
            query_spec = query_spec.after(after);
        }
        let log = st.audit.log().clone();
        let page = tokio::task::spawn_blocking(move || log.query(&query_spec))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                tracing::error!(error = %e, "audit query failed");
                ApiError::internal()
            })?;
        st.audit
            .record(
                "audit.queried",
                "audit",
                Outcome::Success,
                json!({ "query": query }),
            )
            .await?;
        let entries: Vec<_> = page.entries.iter().map(entry_json).collect();
        Ok(axum::Json(json!({ "entries": entries, "next": page.next })).into_response())
    };
    respond_admin(result.await)
}

async fn admin_audit_verify(State(st): State<Shared>) -> Response {
    let result = async {
        let log = st.audit.log().clone();
        let verifier = st.audit.verifier().clone();
        let verdict = tokio::task::spawn_blocking(move || log.verify(Some(&verifier)))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                tracing::error!(error = %e, "audit verification failed to run");
                ApiError::internal()
            })?;
        let body = match verdict {
            audit_log::Verification::Valid {
                size,
                root,
                first,
                checkpointed,
            } => json!({ "valid": true, "size": size, "root": hex::encode(root),
                         "first": first, "checkpointed": checkpointed }),
            audit_log::Verification::Tampered { seq, reason } => {
                tracing::error!(seq, ?reason, "audit log tampered");
                json!({ "valid": false, "first_bad_seq": seq, "reason": format!("{reason:?}") })
            }
        };
        st.audit
            .record(
                "audit.verified",
                "audit",
                Outcome::Success,
                json!({ "valid": body.get("valid") }),
            )
            .await?;
        Ok(axum::Json(body).into_response())
    };
    respond_admin(result.await)
}

async fn admin_audit_checkpoint(State(st): State<Shared>) -> Response {
    let result = async {
        let log = st.audit.log().clone();
        let checkpoint = tokio::task::spawn_blocking(move || log.checkpoint())
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                tracing::error!(error = %e, "audit checkpoint failed");
                ApiError::internal()
            })?;
        st.audit
            .record(
                "audit.checkpointed",
                "audit",
                Outcome::Success,
                json!({ "size": checkpoint.size() }),
            )
            .await?;
        let value: serde_json::Value =
            serde_json::from_str(&checkpoint.to_json()).map_err(|_| ApiError::internal())?;
        Ok(axum::Json(value).into_response())
    };
    respond_admin(result.await)
}
