//! A bare axum pass-through (no layer at all) to an upstream: the baseline of the load
//! benchmark, so the gateway's added latency is measured against the same HTTP stack.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

#[derive(Clone)]
struct Pass {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// A router that forwards `POST /v1/*` bodies to `base_url` (`http://host:port`) unchanged.
pub fn router(base_url: &str) -> Router {
    let pass = Pass {
        base: base_url.trim_end_matches('/').to_owned(),
        client: crate::provider::pooled_client(),
    };
    Router::new()
        .route("/v1/{*rest}", post(forward))
        .with_state(pass)
}

async fn forward(State(pass): State<Pass>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let mut out = http::Request::post(format!("{}{}", pass.base, parts.uri.path()));
    if let Some(ct) = parts.headers.get(http::header::CONTENT_TYPE) {
        out = out.header(http::header::CONTENT_TYPE, ct);
    }
    let Ok(out) = out.body(Full::new(body)) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match pass.client.request(out).await {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            match body.collect().await {
                Ok(b) => Response::from_parts(parts, Body::from(b.to_bytes())),
                Err(_) => StatusCode::BAD_GATEWAY.into_response(),
            }
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}
