//! Per-layer CPU cost of one `POST /v1/chat/completions` with the load benchmark's 1 KB prompt,
//! in-process (no network): each step of the pipeline timed on its own, then the whole router
//! through `tower::ServiceExt::oneshot` against the in-process mock, with every layer on and with
//! the content layers switched off one by one.
//!
//! ```sh
//! cargo build --release -p gateway --example layers && target/release/examples/layers
//! ```
//!
//! Figures are medians of 7 batches (microseconds per request); timing is wall clock on one
//! thread, so run it on a quiet machine or compare the rows of one run with each other.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::print_stdout
)]

use std::hint::black_box;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, header};
use gateway::config::{GuardMode, ProviderConfig};
use gateway::openai::ChatRequest;
use gateway::provider::Endpoint;
use gateway::security::Content;
use http_body_util::BodyExt;
use tower::ServiceExt;

const BATCHES: usize = 7;

/// Median over [`BATCHES`] batches of `n` calls, in microseconds per call.
fn time(n: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..n / 10 {
        f();
    }
    let mut v: Vec<f64> = (0..BATCHES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[BATCHES / 2]
}

fn prompt_body() -> Bytes {
    let s = "Summarise the quarterly report on warehouse throughput and list three risks for the next planning cycle. ";
    let text: String = s.repeat(12).chars().take(1000).collect();
    Bytes::from(
        serde_json::json!({"model": "bench", "messages": [{"role": "user", "content": text}]})
            .to_string(),
    )
}

fn state(dir: &std::path::Path, edit: impl FnOnce(&mut gateway::Config)) -> gateway::Built {
    let mut config = gateway::Config {
        data_dir: dir.to_path_buf(),
        provider: ProviderConfig::Mock { credential: None },
        ..gateway::Config::default()
    };
    config.limits.per_key = "100000000/s".into();
    config.limits.per_endpoint = "100000000/s".into();
    edit(&mut config);
    gateway::build_state(config, &|_| None).unwrap()
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let built = state(&dir.path().join("a"), |_| {});
    let st = built.state.clone();
    let key = built.demo_key.as_ref().unwrap().as_str().to_owned();
    let body = prompt_body();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {key}")).unwrap(),
    );
    let n: usize = std::env::var("LAYERS_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let only = std::env::var("LAYERS_ONLY").unwrap_or_default();
    if only.is_empty() || only == "steps" {
        steps(&st, &key, &body, &headers, n);
    }
    if !only.is_empty() && only == "steps" {
        return;
    }
    router(&rt, dir.path(), &body, n, &only);
}

fn steps(st: &gateway::Shared, key: &str, body: &Bytes, headers: &HeaderMap, n: usize) {
    println!(
        "per step, µs per request (1 KB prompt, {} bytes of JSON):",
        body.len()
    );
    let mut rows: Vec<(&str, f64)> = Vec::new();

    rows.push((
        "API key: bearer + verify_scoped",
        time(n, || {
            let gateway::http::Bearer::Token(t) = gateway::http::bearer(headers) else {
                panic!()
            };
            black_box(st.keys.verify_scoped(t, Endpoint::Chat.scope()).unwrap());
        }),
    ));
    let key_id = match st.keys.verify_scoped(key, Endpoint::Chat.scope()).unwrap() {
        key_format::Verification::Valid(k) => k.key_id().to_owned(),
        _ => panic!(),
    };
    rows.push((
        "rate limits (2 GCRA + headers)",
        time(n, || {
            black_box(st.limits.check(&key_id, Endpoint::Chat).unwrap());
        }),
    ));
    rows.push((
        "concurrency slot (enter + leave)",
        time(n, || {
            black_box(st.resilience.enter(&key_id).unwrap());
        }),
    ));
    rows.push((
        "strict JSON parse (ChatRequest)",
        time(n, || {
            black_box(gateway::http::strict_json::<ChatRequest>(headers, body).unwrap());
        }),
    ));
    let request: ChatRequest = gateway::http::strict_json(headers, body).unwrap();
    rows.push((
        "tool allow-list",
        time(n, || {
            Content::check_tools(&request, black_box(st.key_store.tools(&key_id)).as_deref())
                .unwrap();
        }),
    ));
    rows.push((
        "injection guard (injection-detect)",
        time(n, || {
            st.content
                .guard_texts(request.texts().into_iter(), &key_id)
                .unwrap();
        }),
    ));
    let clone = time(n, || {
        black_box(request.clone());
    });
    rows.push((
        "PII redaction of the prompt (pii-redact)",
        time(n, || {
            let mut r = request.clone();
            black_box(st.content.redact_prompt(&mut r));
        }) - clone,
    ));
    rows.push((
        "outgoing JSON (to_vec of the request)",
        time(n, || {
            black_box(serde_json::to_vec(&request).unwrap());
        }),
    ));
    let outgoing = serde_json::to_value(&request).unwrap();
    let answer =
        serde_json::to_vec(&gateway::MockProvider::new().chat(&outgoing, None).unwrap()).unwrap();
    rows.push((
        "parse the provider's answer (Value)",
        time(n, || {
            black_box(serde_json::from_slice::<serde_json::Value>(&answer).unwrap());
        }),
    ));
    let parsed: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    let mapping = st.content.redact_prompt(&mut request.clone());
    let clone_v = time(n, || {
        black_box(parsed.clone());
    });
    rows.push((
        "PII redaction + restore of the answer",
        time(n, || {
            let mut v = parsed.clone();
            st.content.answer_json(&mut v, &mapping);
            black_box(v);
        }) - clone_v,
    ));
    rows.push((
        "serialise the answer",
        time(n, || {
            black_box(serde_json::to_vec(&parsed).unwrap());
        }),
    ));
    let security = gateway::http::SecurityHeaders::new(false);
    rows.push((
        "security headers",
        time(n, || {
            let mut h = HeaderMap::new();
            security.apply(&mut h);
            black_box(h);
        }),
    ));
    let mut sum = 0.0;
    for (name, us) in &rows {
        sum += us;
        println!("  {name:<44} {us:>7.2}");
    }
    println!("  {:<44} {sum:>7.2}", "sum of the steps");
}

/// The whole router per variant (`only`: empty for all, or the variant's index).
fn router(rt: &tokio::runtime::Runtime, dir: &std::path::Path, body: &Bytes, n: usize, only: &str) {
    println!("whole router in-process (oneshot, in-process mock), µs per request:");
    type Edit = fn(&mut gateway::Config);
    let variants: [(&str, Edit); 4] = [
        ("every layer on", |_| {}),
        ("injection guard off", |c| c.injection_mode = GuardMode::Off),
        ("PII redaction off", |c| c.pii_redaction = false),
        ("guard and PII off", |c| {
            c.injection_mode = GuardMode::Off;
            c.pii_redaction = false;
        }),
    ];
    for (i, (name, edit)) in variants.into_iter().enumerate() {
        if !only.is_empty() && only != i.to_string() {
            continue;
        }
        let built = state(&dir.join(format!("r{i}")), edit);
        let key = built.demo_key.as_ref().unwrap().as_str().to_owned();
        let router = gateway::app::router(built.state.clone()).unwrap();
        let auth = format!("Bearer {key}");
        let us = time(n, || {
            let request = Request::post("/v1/chat/completions")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, auth.as_str())
                .body(Body::from(body.clone()))
                .unwrap();
            rt.block_on(async {
                let response = router.clone().oneshot(request).await.unwrap();
                assert!(response.status().is_success());
                black_box(response.into_body().collect().await.unwrap().to_bytes());
            });
        });
        println!("  {name:<44} {us:>7.2}");
    }
}
