//! The router, the shared state and the request pipeline.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use serde_json::json;

use crate::config::{Config, ProviderConfig};
use crate::error::{ApiError, StartError};
use crate::http::{SecurityHeaders, bearer, strict_json};
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
    pub db: Db,
    /// The admin key's verifier.
    pub admin: AdminKey,
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

impl AppState {
    /// Builds the state from a loaded configuration and an admin key.
    pub fn new(config: Config, db: Db, admin: AdminKey) -> Result<Self, StartError> {
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
        Ok(Self {
            config,
            upstream,
            mock,
            db,
            admin,
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
    }))
    .into_response()
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

fn respond<T>(r: Result<T, ApiError>) -> Response
where
    T: IntoResponse,
{
    match r {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn chat(State(st): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    respond(chat_inner(&st, &parts.headers, body).await)
}

async fn chat_inner(st: &AppState, headers: &HeaderMap, body: Body) -> Result<Response, ApiError> {
    let body = read_body(st, body).await?;
    let request: ChatRequest = strict_json(headers, &body)?;
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
    let (parts, body) = request.into_parts();
    respond(embeddings_inner(&st, &parts.headers, body).await)
}

async fn embeddings_inner(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(st, body).await?;
    let request: EmbeddingsRequest = strict_json(headers, &body)?;
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
    let (parts, body) = request.into_parts();
    respond(speech_inner(&st, &parts.headers, body).await)
}

async fn speech_inner(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(st, body).await?;
    let request: SpeechRequest = strict_json(headers, &body)?;
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
