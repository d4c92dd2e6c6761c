//! The router, the shared state and the request pipeline:
//! CORS → security headers → API key (401) → scope (403) → rate limits (429) → body limit (413)
//! → strict JSON (415/400) → provider → answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use key_format::{KeyManager, KeyRequest, ScopeSet, Verification, VerifiedKey};
use serde::Deserialize;
use serde_json::json;

use crate::config::{Config, ProviderConfig};
use crate::error::{ApiError, StartError};
use crate::http::{SecurityHeaders, bearer, strict_json};
use crate::keys::{SqliteKeyStore, record_json};
use crate::limits::Limits;
use crate::mock::MockProvider;
use crate::openai::{ChatRequest, EmbeddingsRequest, SpeechRequest};
use crate::provider::{Endpoint, HttpUpstream, Reply, Upstream};
use crate::secrets::AdminKey;
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
    pub key_store: Arc<SqliteKeyStore>,
    /// Rate limits (rate-limit).
    pub limits: Limits,
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
    pub key_store: Arc<SqliteKeyStore>,
}

impl AppState {
    /// Builds the state from a loaded configuration and its parts.
    pub fn new(config: Config, parts: Parts) -> Result<Self, StartError> {
        let (upstream, mock) = match &config.provider {
            ProviderConfig::Mock => {
                let mock = MockProvider::new();
                (Upstream::Mock(mock.clone()), Some(mock))
            }
            ProviderConfig::Openai { base_url, .. } => {
                let client =
                    HttpUpstream::new(base_url).map_err(|reason| StartError::Component {
                        component: "provider",
                        reason,
                    })?;
                (Upstream::Http(client), None)
            }
        };
        let limits = Limits::new(&config.limits)?;
        Ok(Self {
            config,
            upstream,
            mock,
            db: parts.db,
            admin: parts.admin,
            keys: parts.keys,
            key_store: parts.key_store,
            limits,
            started: Instant::now(),
        })
    }
}

/// The whole application: routes, then CORS and security headers around everything.
pub fn router(state: Shared) -> Result<Router, StartError> {
    let cors = crate::http::cors(&state.config.cors_origins).map_err(StartError::Config)?;
    let headers = SecurityHeaders::new(state.config.behind_tls);
    let admin = Router::new()
        .route("/admin/status", get(admin_status))
        .route("/admin/keys", get(admin_list_keys).post(admin_create_key))
        .route("/admin/keys/{id}/revoke", post(admin_revoke_key))
        .route("/admin/keys/{id}/rotate", post(admin_rotate_key))
        .route_layer(middleware::from_fn_with_state(state.clone(), admin_auth));
    let api = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/embeddings", post(embeddings))
        .route("/v1/audio/speech", post(speech));
    Ok(Router::new()
        .route("/healthz", get(healthz))
        .merge(api)
        .merge(admin)
        .fallback(not_found)
        .with_state(state)
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
    let token = bearer(headers).ok_or_else(ApiError::missing_key)?;
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
    let rate_headers = st.limits.check(key.key_id(), endpoint)?;
    Ok(Caller { key, rate_headers })
}

/// Reads the body with the configured limit (413 beyond it).
async fn read_body(st: &AppState, body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, st.config.max_body_bytes)
        .await
        .map_err(|_| {
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

fn upstream_error(e: &crate::provider::UpstreamError) -> ApiError {
    tracing::warn!(error = %e, "provider call failed");
    ApiError::upstream("the provider failed; try again later")
}

/// Runs an admitted handler and puts the rate-limit headers on its answer, error or not.
async fn run<F, Fut>(st: Shared, request: Request, endpoint: Endpoint, inner: F) -> Response
where
    F: FnOnce(Shared, Caller, HeaderMap, Body) -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    let (parts, body) = request.into_parts();
    let caller = match admit(&st, &parts.headers, endpoint) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let rate_headers = caller.rate_headers.clone();
    let mut response = match inner(st, caller, parts.headers, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    response.headers_mut().extend(rate_headers);
    response
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
    let request: ChatRequest = strict_json(&headers, &body)?;
    tracing::debug!(key = caller.key.key_id(), "chat");
    let stream = request.stream == Some(true);
    let outgoing = serde_json::to_value(&request).map_err(|_| ApiError::internal())?;
    let reply = st
        .upstream
        .call(Endpoint::Chat, &outgoing, stream, None)
        .await
        .map_err(|e| upstream_error(&e))?;
    match reply {
        Reply::Json(v) => Ok(axum::Json(v).into_response()),
        Reply::Stream(payloads) => {
            let events = payloads.map(|p| match p {
                Ok(p) => Ok::<_, std::io::Error>(Bytes::from(format!("data: {p}\n\n"))),
                Err(e) => {
                    tracing::warn!(error = %e, "provider stream failed");
                    Err(std::io::Error::other("provider stream failed"))
                }
            });
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
    let request: EmbeddingsRequest = strict_json(&headers, &body)?;
    let outgoing = serde_json::to_value(&request).map_err(|_| ApiError::internal())?;
    match st
        .upstream
        .call(Endpoint::Embeddings, &outgoing, false, None)
        .await
        .map_err(|e| upstream_error(&e))?
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
    let request: SpeechRequest = strict_json(&headers, &body)?;
    if request.input.chars().count() > 4096 {
        return Err(ApiError::bad_request("input longer than 4096 characters"));
    }
    let outgoing = serde_json::to_value(&request).map_err(|_| ApiError::internal())?;
    match st
        .upstream
        .call(Endpoint::Speech, &outgoing, false, None)
        .await
        .map_err(|e| upstream_error(&e))?
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
        None => ApiError::missing_key().into_response(),
        Some(token) if st.admin.verify(token) => next.run(request).await,
        Some(_) => ApiError::invalid_key().into_response(),
    }
}

async fn admin_status(State(st): State<Shared>) -> Response {
    let provider = match &st.config.provider {
        ProviderConfig::Mock => "mock",
        ProviderConfig::Openai { .. } => "openai",
    };
    axum::Json(json!({
        "uptime_secs": st.started.elapsed().as_secs(),
        "provider": provider,
        "injection_mode": format!("{:?}", st.config.injection_mode).to_lowercase(),
        "pii_redaction": st.config.pii_redaction,
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
    let result = (|| {
        let req: CreateKey = strict_json(&headers, &body)?;
        let scopes = ScopeSet::from_patterns(&req.scopes).map_err(|e| key_error(&e))?;
        let mut request = KeyRequest::new().scopes(scopes);
        if let Some(label) = req.label {
            request = request.label(label);
        }
        if let Some(principal) = req.principal {
            request = request.principal(principal);
        }
        if let Some(secs) = req.expires_in_secs {
            request = request.expires_in(Duration::from_secs(secs));
        }
        let issued = st.keys.issue(request).map_err(|e| key_error(&e))?;
        if req.tools.is_some() {
            st.key_store
                .set_tools(&issued.record().key_id, req.tools)
                .map_err(|e| key_error(&e))?;
        }
        tracing::info!(key = issued.record().key_id, "admin: key created");
        Ok::<_, ApiError>(issued_json(&st, issued))
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn admin_list_keys(State(st): State<Shared>) -> Response {
    let keys: Vec<_> = st
        .key_store
        .list_all()
        .iter()
        .map(|(r, t)| record_json(r, t.as_deref()))
        .collect();
    axum::Json(json!({ "keys": keys })).into_response()
}

async fn admin_revoke_key(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.keys.revoke(&id) {
        Ok(()) => {
            tracing::info!(key = id, "admin: key revoked");
            let record = st.keys.store().get(&id).ok().flatten();
            let tools = st.key_store.tools(&id);
            match record {
                Some(r) => axum::Json(record_json(&r, tools.as_deref())).into_response(),
                None => ApiError::not_found("no such key").into_response(),
            }
        }
        Err(e) => key_error(&e).into_response(),
    }
}

async fn admin_rotate_key(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = (|| {
        let req: RotateKey = if body.is_empty() {
            RotateKey::default()
        } else {
            strict_json(&headers, &body)?
        };
        let grace = req
            .grace_secs
            .map_or(DEFAULT_ROTATION_GRACE, Duration::from_secs);
        let issued = st.keys.rotate(&id, grace).map_err(|e| key_error(&e))?;
        let tools = st.key_store.tools(&id).map(|t| t.to_vec());
        if tools.is_some() {
            st.key_store
                .set_tools(&issued.record().key_id, tools)
                .map_err(|e| key_error(&e))?;
        }
        tracing::info!(old = id, new = issued.record().key_id, "admin: key rotated");
        Ok::<_, ApiError>(issued_json(&st, issued))
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}
