//! Replays OmniRoute's recorded resilience traces (`../shared/vectors/omniroute/resilience.json`)
//! where its semantics and ours agree; the crate README lists where they differ and why.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use resilience::{
    Begin, BreakerConfig, CircuitBreaker, Clock, FailureCounting, Fingerprint, IdempotencyConfig,
    IdempotencyStore, ManualClock, State, parse_reset,
};
use serde_json::Value;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/vectors/omniroute/resilience.json"
);

fn load() -> Option<Value> {
    match std::fs::read_to_string(PATH) {
        Ok(s) => Some(serde_json::from_str(&s).unwrap()),
        Err(_) => {
            println!("skipped: ../shared not found");
            None
        }
    }
}

fn state_name(s: State) -> &'static str {
    match s {
        State::Closed => "CLOSED",
        State::Degraded => "DEGRADED",
        State::Open => "OPEN",
        State::HalfOpen => "HALF_OPEN",
    }
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

#[test]
fn circuit_breaker_traces() {
    let Some(doc) = load() else { return };
    let traces = doc["circuit_breaker_traces"].as_array().unwrap();
    assert!(!traces.is_empty());
    let mut steps_checked = 0;
    for trace in traces {
        let name = trace["name"].as_str().unwrap();
        let r = &trace["resolved"];
        let reset = Duration::from_millis(u(&r["resetTimeout"]));
        let cfg = BreakerConfig::builder()
            // OmniRoute forgives one failure per success.
            .counting(FailureCounting::Leaky)
            .failure_threshold(u(&r["failureThreshold"]) as u32)
            .degraded_threshold(Some(u(&r["degradationThreshold"]) as u32))
            .open_duration(reset)
            .max_open_duration(reset * u(&r["maxBackoffMultiplier"]) as u32)
            .escalate_after(u(&r["backoffEscalationCount"]) as u32)
            .half_open_probes(u(&r["halfOpenRequests"]) as u32)
            // OmniRoute's probes have no deadline; ours must exceed the trace's probe gaps.
            .probe_timeout(Duration::from_secs(3600))
            .build()
            .unwrap();
        let clock = Arc::new(ManualClock::default());
        let b = CircuitBreaker::with_clock(name, cfg, clock.clone()).unwrap();
        for (i, step) in trace["steps"].as_array().unwrap().iter().enumerate() {
            let ctx = format!("{name} step {i} {step}");
            match step["op"].as_str().unwrap() {
                "fail" => b.try_acquire().permit().expect(&ctx).failure(),
                "ok" => b.try_acquire().permit().expect(&ctx).success(),
                "advance" => clock.advance_ms(u(&step["arg"])),
                "check" => {}
                other => panic!("unknown op {other}"),
            }
            assert_eq!(
                clock.now(),
                Duration::from_millis(u(&step["t_ms"])),
                "{ctx}"
            );
            let st = b.status();
            assert_eq!(
                state_name(st.state),
                step["state"].as_str().unwrap(),
                "{ctx}"
            );
            assert_eq!(u64::from(st.failures), u(&step["failureCount"]), "{ctx}");
            assert_eq!(
                st.would_admit,
                step["canExecute"].as_bool().unwrap(),
                "{ctx}"
            );
            assert_eq!(
                st.retry_after.as_millis() as u64,
                u(&step["retryAfterMs"]),
                "{ctx}"
            );
            assert_eq!(
                u64::from(st.open_cycles),
                u(&step["openCycleCount"]),
                "{ctx}"
            );
            assert_eq!(
                st.open_duration.as_millis() as u64,
                u(&step["effectiveResetTimeout"]),
                "{ctx}"
            );
            steps_checked += 1;
        }
    }
    assert!(steps_checked > 50, "{steps_checked}");
}

#[test]
fn idempotency_window() {
    let Some(doc) = load() else { return };
    let mut checked = 0;
    for case in doc["idempotency"].as_array().unwrap() {
        // Key composition and header lookup differ by design (see the README); the window
        // semantics agree: a duplicate is served until exactly `ttl` after completion.
        if case["op"].as_str() != Some("checkIdempotency after save") {
            continue;
        }
        let clock = Arc::new(ManualClock::default());
        let cfg = IdempotencyConfig::builder()
            .ttl(Duration::from_millis(5_000))
            .build()
            .unwrap();
        let store = IdempotencyStore::with_clock(cfg, clock.clone());
        let fp = Fingerprint::of(&[b"openai", b"gpt-4o", br#"[{"role":"user","content":"hi"}]"#]);
        let Begin::Run(g) = store.begin("req-123", fp).unwrap() else {
            panic!()
        };
        g.complete("response");
        clock.advance_ms(u(&case["elapsed_ms"]));
        let hit = matches!(store.begin("req-123", fp).unwrap(), Begin::Replay(_));
        assert_eq!(hit, case["hit"].as_bool().unwrap(), "{case}");
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn parse_reset_time() {
    let Some(doc) = load() else { return };
    let cases = doc["parse_reset_time"].as_array().unwrap();
    for case in cases {
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(u(&case["now_ms"]));
        let value = case["value"].as_str().unwrap();
        let got = parse_reset(value.as_bytes(), now)
            .ok()
            .map(|d| d.as_millis() as u64);
        assert_eq!(got, case["parsed_ms"].as_u64(), "{case}");
    }
    assert_eq!(cases.len(), 11);
}

#[test]
fn idempotency_header_lookup() {
    let Some(doc) = load() else { return };
    let mut checked = 0;
    for case in doc["idempotency"].as_array().unwrap() {
        if case["op"].as_str() != Some("getIdempotencyKey") {
            continue;
        }
        let headers: Vec<(String, String)> = case["input"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let ours =
            resilience::idempotency_key(headers.iter().map(|(k, v)| (k.as_str(), v.as_bytes())))
                .unwrap();
        let theirs = case["output"].as_str();
        let has = |name: &str| headers.iter().any(|(k, _)| k == name);
        if has("idempotency-key") {
            // Agree: the lower-case header wins over x-request-id.
            assert_eq!(ours, theirs, "{case}");
        } else if has("x-request-id") {
            // Differ by design: a request id is not a de-duplication key.
            assert_eq!((ours, theirs.is_some()), (None, true), "{case}");
        } else {
            // Differ by design: header names are case-insensitive here.
            assert_eq!((ours, theirs), (Some("C"), None), "{case}");
        }
        checked += 1;
    }
    assert_eq!(checked, 3);
}
