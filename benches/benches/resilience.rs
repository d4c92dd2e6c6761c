//! resilience: the cost of a breaker check and of an idempotency lookup (targets: < 100 ns and
//! < 1 µs), side by side with the `failsafe` crate's circuit breaker; plus the concurrency
//! limiter and the header parsers.
//!
//! `cargo bench -p rampart-benches --bench resilience -- --warm-up-time 1 --measurement-time 3`
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use resilience::{
    Admission, Begin, BreakerConfig, CircuitBreaker, ConcurrencyLimiter, Fingerprint,
    IdempotencyConfig, IdempotencyStore, LimiterConfig, Priority, parse_duration,
    parse_retry_after,
};

fn breaker(c: &mut Criterion) {
    let mut g = c.benchmark_group("resilience/breaker");
    // Closed: admit, run nothing, record success (the full per-call cost).
    let ours = CircuitBreaker::new("p", BreakerConfig::default()).unwrap();
    g.bench_function("rampart-acquire-record", |b| {
        b.iter(|| match ours.try_acquire() {
            Admission::Admitted(p) => p.success(),
            Admission::Rejected { .. } => unreachable!(),
        })
    });
    let fs = failsafe::Config::new().build();
    g.bench_function("failsafe-call", |b| {
        b.iter(|| black_box(failsafe::CircuitBreaker::call(&fs, || Ok::<u32, ()>(1))))
    });
    // With a failure-rate window every success is recorded under the lock (slow path).
    let windowed = CircuitBreaker::new(
        "w",
        BreakerConfig::builder()
            .failure_rate(0.5, 20, Duration::from_secs(60))
            .build()
            .unwrap(),
    )
    .unwrap();
    g.bench_function("rampart-acquire-record-window", |b| {
        b.iter(|| match windowed.try_acquire() {
            Admission::Admitted(p) => p.success(),
            Admission::Rejected { .. } => unreachable!(),
        })
    });
    g.bench_function("rampart-state", |b| b.iter(|| black_box(ours.state())));
    g.bench_function("failsafe-is_call_permitted", |b| {
        b.iter(|| black_box(failsafe::CircuitBreaker::is_call_permitted(&fs)))
    });
    // Open: the rejection path.
    let open = CircuitBreaker::new(
        "q",
        BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .build()
            .unwrap(),
    )
    .unwrap();
    open.try_acquire().permit().unwrap().failure();
    g.bench_function("rampart-rejected", |b| {
        b.iter(|| black_box(matches!(open.try_acquire(), Admission::Rejected { .. })))
    });
    g.finish();
}

fn idempotency(c: &mut Criterion) {
    let mut g = c.benchmark_group("resilience/idempotency");
    let store: IdempotencyStore<Vec<u8>> = IdempotencyStore::new(IdempotencyConfig::default());
    let fp = Fingerprint::of(&[b"tenant", b"POST /v1/chat/completions", b"{}"]);
    let keys: Vec<String> = (0..10_000).map(|i| format!("tenant:{i:08}")).collect();
    for k in &keys {
        let Begin::Run(guard) = store.begin(k, fp).unwrap() else {
            panic!()
        };
        guard.complete(vec![0u8; 512]);
    }
    let mut i = 0usize;
    g.bench_function("replay-hit-10k-entries", |b| {
        b.iter(|| {
            i = (i + 1) % keys.len();
            black_box(matches!(
                store.begin(&keys[i], fp).unwrap(),
                Begin::Replay(_)
            ))
        })
    });
    let body = vec![b'x'; 4096];
    g.bench_function("fingerprint-4KiB", |b| {
        b.iter(|| black_box(Fingerprint::of(&[b"tenant", b"POST /v1", &body])))
    });
    g.finish();
}

fn limiter(c: &mut Criterion) {
    let mut g = c.benchmark_group("resilience/limiter");
    let l = ConcurrencyLimiter::new(LimiterConfig::builder().build().unwrap());
    g.bench_function("acquire-release", |b| {
        b.iter(|| black_box(l.try_acquire("tenant-1", Priority::Normal).admitted()))
    });
    // The key already has a request in flight: its counter and name are shared, no allocation.
    let _busy = l
        .try_acquire("tenant-2", Priority::Normal)
        .admitted()
        .unwrap();
    g.bench_function("acquire-release-key-busy", |b| {
        b.iter(|| black_box(l.try_acquire("tenant-2", Priority::Normal).admitted()))
    });
    g.finish();
}

fn headers(c: &mut Criterion) {
    let mut g = c.benchmark_group("resilience/headers");
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    g.bench_function("duration-1m30s", |b| {
        b.iter(|| black_box(parse_duration(black_box(b"1m30s"))))
    });
    g.bench_function("retry-after-date", |b| {
        b.iter(|| {
            black_box(parse_retry_after(
                black_box(b"Wed, 21 Oct 2026 07:28:00 GMT"),
                now,
            ))
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    breaker(&mut c);
    idempotency(&mut c);
    limiter(&mut c);
    headers(&mut c);
    c.final_summary();
}
