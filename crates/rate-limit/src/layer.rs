//! A tower `Layer` that answers 429 (feature `tower`).

use crate::http::{Policy, RateLimitHeaders, problem_json};
use crate::{Clock, Decision, KeyedLimiter, SystemClock};
use http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Limits every request with a [`KeyedLimiter`], keyed by a function of the request.
///
/// A refused request is answered at once with `429 Too Many Requests`, `Retry-After`,
/// `RateLimit-Policy`, `RateLimit` (and the legacy `X-RateLimit-*` when enabled) and an
/// `application/problem+json` body; the inner service is not called. An admitted request
/// gets `RateLimit-Policy` and `RateLimit` on its response.
///
/// The key function decides who shares a bucket: an API key, an account, the client IP
/// ([`ip_key`](crate::ip_key) folds IPv6 to /64), or a tuple of key and route. It runs on
/// every request, so keep it cheap; it must not trust client-supplied forwarding headers
/// unless a trusted proxy sets them.
///
/// The layer costs one `Box` for the response future per admitted request (the check itself
/// allocates nothing). For weighted costs, refunds or several limits at once use the core
/// API ([`check_all`](crate::check_all)) in a handler or middleware of your own.
pub struct RateLimitLayer<K, F, C: Clock = SystemClock> {
    limiter: Arc<KeyedLimiter<K, C>>,
    policy: Arc<Policy>,
    key: F,
    legacy: bool,
}

impl<K, F: Clone, C: Clock> Clone for RateLimitLayer<K, F, C> {
    fn clone(&self) -> Self {
        RateLimitLayer {
            limiter: Arc::clone(&self.limiter),
            policy: Arc::clone(&self.policy),
            key: self.key.clone(),
            legacy: self.legacy,
        }
    }
}

impl<K, F, C: Clock> fmt::Debug for RateLimitLayer<K, F, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitLayer")
            .field("policy", &self.policy)
            .field("legacy", &self.legacy)
            .finish_non_exhaustive()
    }
}

impl<K, F, C: Clock> RateLimitLayer<K, F, C> {
    /// A layer charging one unit of `limiter` per request, under `key(&request)`.
    /// `policy` names the limit in the headers (use the limiter's quota).
    pub fn new(limiter: Arc<KeyedLimiter<K, C>>, policy: Policy, key: F) -> Self {
        RateLimitLayer {
            limiter,
            policy: Arc::new(policy),
            key,
            legacy: false,
        }
    }

    /// Also send `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.
    pub fn legacy_headers(mut self, on: bool) -> Self {
        self.legacy = on;
        self
    }
}

impl<S, K, F: Clone, C: Clock> tower::Layer<S> for RateLimitLayer<K, F, C> {
    type Service = RateLimit<S, K, F, C>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimit {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`RateLimitLayer`] wraps around an inner service.
pub struct RateLimit<S, K, F, C: Clock = SystemClock> {
    inner: S,
    layer: RateLimitLayer<K, F, C>,
}

impl<S: Clone, K, F: Clone, C: Clock> Clone for RateLimit<S, K, F, C> {
    fn clone(&self) -> Self {
        RateLimit {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<S, K, F, C: Clock> fmt::Debug for RateLimit<S, K, F, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit")
            .field("layer", &self.layer)
            .finish_non_exhaustive()
    }
}

fn insert_headers(headers: &mut http::HeaderMap, h: &RateLimitHeaders, legacy: bool) {
    for (name, value) in h.pairs(legacy) {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
}

/// The 429 response for a refusal.
pub fn too_many_requests<B: From<String>>(
    policy: &Policy,
    decision: &Decision,
    legacy: bool,
) -> Response<B> {
    let mut res = Response::new(B::from(problem_json(policy, decision)));
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    res.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    insert_headers(
        res.headers_mut(),
        &RateLimitHeaders::new(policy, decision),
        legacy,
    );
    res
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, K, F, C, ReqB, ResB> tower::Service<Request<ReqB>> for RateLimit<S, K, F, C>
where
    S: tower::Service<Request<ReqB>, Response = Response<ResB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ReqB: Send + 'static,
    K: Hash + Eq + Clone + Send + Sync + 'static,
    F: Fn(&Request<ReqB>) -> K + Clone,
    C: Clock + 'static,
    ResB: From<String> + Send + 'static,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<ResB>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqB>) -> Self::Future {
        let key = (self.layer.key)(&req);
        let decision = self.layer.limiter.check(&key);
        let legacy = self.layer.legacy;
        if !decision.is_allowed() {
            let res = too_many_requests(&self.layer.policy, &decision, legacy);
            return Box::pin(std::future::ready(Ok(res)));
        }
        let headers = RateLimitHeaders::new(&self.layer.policy, &decision);
        // The inner service was polled ready: take it, leave a fresh clone behind.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let mut res = inner.call(req).await?;
            insert_headers(res.headers_mut(), &headers, legacy);
            Ok(res)
        })
    }
}
