//! injection-detect against the `llm-security` crate (its `DetectionEngine` with the default
//! config): a 1 KB benign prompt, a 1 KB attack, and the guard's scaling from 1 KB to 1 MB.
//!
//! Run: `cargo bench -p rampart-benches --bench injection_detect -- --warm-up-time 1 --measurement-time 3`
//!
//! Instruction counts (load-independent): with `INJECTION_CALLGRIND=ours` or `=peer` (and
//! optionally `INJECTION_CALLGRIND_ITERS`, default 100) the binary skips criterion and scans the
//! 1 KB benign prompt (or, with `INJECTION_CALLGRIND_INPUT=attack`, the 1 KB attack) that many
//! times with one side only, e.g.
//! `INJECTION_CALLGRIND=ours valgrind --tool=callgrind <bench binary>`; subtract a run with
//! `INJECTION_CALLGRIND_ITERS=0` to remove set-up, divide by the iterations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use injection_detect::Guard;
use llm_security::{DetectionEngine, LLMSecurityConfig};
use rampart_benches::{injection_attack_prompt, injection_prose};

fn bench(c: &mut Criterion) {
    let guard = Guard::new().unwrap_or_else(|_| unreachable!());
    let peer = DetectionEngine::new(LLMSecurityConfig::default());
    let benign = injection_prose(1024, 1);
    let attack = injection_attack_prompt();
    let mut g = c.benchmark_group("injection_1kb");
    g.throughput(Throughput::Bytes(1024));
    g.bench_function("injection-detect/benign", |b| {
        b.iter(|| guard.scan(black_box(&benign)))
    });
    g.bench_function("llm-security/benign", |b| {
        b.iter(|| peer.detect_prompt_injection(black_box(&benign)))
    });
    g.bench_function("injection-detect/attack", |b| {
        b.iter(|| guard.scan(black_box(&attack)))
    });
    g.bench_function("llm-security/attack", |b| {
        b.iter(|| peer.detect_prompt_injection(black_box(&attack)))
    });
    g.finish();

    let mut g = c.benchmark_group("injection_scaling");
    g.sample_size(10);
    for len in [1usize << 10, 16 << 10, 256 << 10, 1 << 20] {
        let text = injection_prose(len, 3);
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_with_input(BenchmarkId::new("injection-detect", len), &text, |b, t| {
            b.iter(|| guard.scan(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("llm-security", len), &text, |b, t| {
            b.iter(|| peer.detect_prompt_injection(black_box(t)))
        });
    }
    g.finish();
}

/// One side only, no criterion: for `valgrind --tool=callgrind` instruction counts.
fn callgrind(which: &str) {
    let iters: usize = std::env::var("INJECTION_CALLGRIND_ITERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let input = match std::env::var("INJECTION_CALLGRIND_INPUT").as_deref() {
        Ok("attack") => injection_attack_prompt(),
        _ => injection_prose(1024, 1),
    };
    match which {
        "ours" => {
            let guard = Guard::new().unwrap_or_else(|_| unreachable!());
            for _ in 0..iters {
                black_box(guard.scan(black_box(&input)));
            }
        }
        "peer" => {
            let peer = DetectionEngine::new(LLMSecurityConfig::default());
            for _ in 0..iters {
                let _ = black_box(peer.detect_prompt_injection(black_box(&input)));
            }
        }
        other => panic!("INJECTION_CALLGRIND must be ours or peer, not {other:?}"),
    }
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(which) = std::env::var("INJECTION_CALLGRIND") {
        callgrind(&which);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
