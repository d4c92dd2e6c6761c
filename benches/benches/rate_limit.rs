//! rate-limit against governor (GCRA, the usual Rust choice), in the same run: direct check,
//! keyed check on one hot key, 100k rotating keys, two threads on one key; then memory per
//! key (measured in child processes from /proc/self/statm) and, when RAMPART_REDIS_URL is set,
//! the Redis backend's checks per second and latency percentiles over one connection.
//!
//! `cargo bench -p rampart-benches --bench rate_limit -- --warm-up-time 1 --measurement-time 3`
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use criterion::{BenchmarkId, Criterion};
use std::hint::black_box;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

const ROTATING: u64 = 100_000;

fn ours_quota() -> rate_limit::Quota {
    // One unit per nanosecond: every check is admitted, so both sides take the same path.
    rate_limit::Quota::per_second(u32::MAX).unwrap()
}

fn gov_quota() -> governor::Quota {
    governor::Quota::per_second(NonZeroU32::MAX)
}

fn coarse_clock() -> rate_limit::CoarseClock {
    rate_limit::CoarseClock::new(Duration::from_micros(100)).unwrap()
}

fn coarse_keyed() -> rate_limit::KeyedLimiter<u64, rate_limit::CoarseClock> {
    rate_limit::KeyedLimiter::builder(ours_quota())
        .clock(coarse_clock())
        .build()
        .unwrap()
}

fn direct(c: &mut Criterion) {
    let mut g = c.benchmark_group("rate_limit/direct");
    let ours = rate_limit::Limiter::new(ours_quota());
    g.bench_function("rampart", |b| b.iter(|| black_box(ours.check())));
    let coarse = rate_limit::Limiter::with_clock(ours_quota(), coarse_clock());
    g.bench_function("rampart-coarse-clock", |b| {
        b.iter(|| black_box(coarse.check()))
    });
    let gov = governor::RateLimiter::direct(gov_quota());
    g.bench_function("governor", |b| b.iter(|| black_box(gov.check().is_ok())));
    let gov_std =
        governor::RateLimiter::direct_with_clock(gov_quota(), governor::clock::MonotonicClock);
    g.bench_function("governor-std-clock", |b| {
        b.iter(|| black_box(gov_std.check().is_ok()))
    });
    g.finish();
}

fn keyed(c: &mut Criterion) {
    let mut g = c.benchmark_group("rate_limit/keyed_hot_key");
    let ours: rate_limit::KeyedLimiter<u64> = rate_limit::KeyedLimiter::new(ours_quota());
    g.bench_function("rampart", |b| b.iter(|| black_box(ours.check(&7u64))));
    let coarse = coarse_keyed();
    g.bench_function("rampart-coarse-clock", |b| {
        b.iter(|| black_box(coarse.check(&7u64)))
    });
    let gov = governor::RateLimiter::<u64, _, _>::keyed(gov_quota());
    g.bench_function("governor", |b| {
        b.iter(|| black_box(gov.check_key(&7u64).is_ok()))
    });
    g.finish();

    let mut g = c.benchmark_group("rate_limit/keyed_100k_rotating");
    let ours: rate_limit::KeyedLimiter<u64> = rate_limit::KeyedLimiter::new(ours_quota());
    let coarse = coarse_keyed();
    let gov = governor::RateLimiter::<u64, _, _>::keyed(gov_quota());
    for k in 0..ROTATING {
        let _ = ours.check(&k);
        let _ = coarse.check(&k);
        let _ = gov.check_key(&k);
    }
    g.bench_function("rampart-coarse-clock", |b| {
        let mut k = 0u64;
        b.iter(|| {
            k = if k + 1 == ROTATING { 0 } else { k + 1 };
            black_box(coarse.check(&k))
        })
    });
    g.bench_function("rampart", |b| {
        let mut k = 0u64;
        b.iter(|| {
            k = if k + 1 == ROTATING { 0 } else { k + 1 };
            black_box(ours.check(&k))
        })
    });
    g.bench_function("governor", |b| {
        let mut k = 0u64;
        b.iter(|| {
            k = if k + 1 == ROTATING { 0 } else { k + 1 };
            black_box(gov.check_key(&k).is_ok())
        })
    });
    g.finish();
}

/// Wall time per check with two threads hammering the same key (iters split between them).
fn two_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("rate_limit/two_threads_one_key");
    let ours: rate_limit::KeyedLimiter<u64> = rate_limit::KeyedLimiter::new(ours_quota());
    let gov = governor::RateLimiter::<u64, _, _>::keyed(gov_quota());
    fn run(iters: u64, f: &(dyn Fn() + Sync)) -> Duration {
        let start = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..iters / 2 {
                        f();
                    }
                });
            }
        });
        start.elapsed()
    }
    g.bench_function(BenchmarkId::new("rampart", "keyed"), |b| {
        b.iter_custom(|iters| {
            run(iters, &|| {
                let _ = black_box(ours.check(&1u64));
            })
        })
    });
    let coarse = coarse_keyed();
    g.bench_function(BenchmarkId::new("rampart-coarse-clock", "keyed"), |b| {
        b.iter_custom(|iters| {
            run(iters, &|| {
                let _ = black_box(coarse.check(&1u64));
            })
        })
    });
    g.bench_function(BenchmarkId::new("governor", "keyed"), |b| {
        b.iter_custom(|iters| {
            run(iters, &|| {
                black_box(gov.check_key(&1u64).is_ok());
            })
        })
    });
    let ours_d = rate_limit::Limiter::new(ours_quota());
    let gov_d = governor::RateLimiter::direct(gov_quota());
    g.bench_function(BenchmarkId::new("rampart", "direct"), |b| {
        b.iter_custom(|iters| {
            run(iters, &|| {
                let _ = black_box(ours_d.check());
            })
        })
    });
    let coarse_d = rate_limit::Limiter::with_clock(ours_quota(), coarse_clock());
    g.bench_function(BenchmarkId::new("rampart-coarse-clock", "direct"), |b| {
        b.iter_custom(|iters| {
            run(iters, &|| {
                let _ = black_box(coarse_d.check());
            })
        })
    });
    g.bench_function(BenchmarkId::new("governor", "direct"), |b| {
        b.iter_custom(|iters| {
            run(iters, &|| {
                black_box(gov_d.check().is_ok());
            })
        })
    });
    g.finish();
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

const MEM_KEYS: u64 = 1_000_000;

/// Runs in a child process: resident bytes per key for MEM_KEYS u64 keys.
fn memory_child(which: &str) {
    let before = rss_bytes();
    let per_key = match which {
        "rampart" => {
            let l: rate_limit::KeyedLimiter<u64> =
                rate_limit::KeyedLimiter::builder(rate_limit::Quota::per_second(1).unwrap())
                    .max_keys(4_000_000)
                    .build()
                    .unwrap();
            for k in 0..MEM_KEYS {
                assert!(l.check(&k).is_allowed());
            }
            let per = (rss_bytes() - before) as f64 / MEM_KEYS as f64;
            black_box(&l);
            println!(
                "reported: {} B/key at full load, {} B tables now",
                rate_limit::KeyedLimiter::<u64>::bytes_per_key(),
                l.memory_bytes()
            );
            per
        }
        _ => {
            let l = governor::RateLimiter::<u64, _, _>::keyed(governor::Quota::per_second(
                NonZeroU32::MIN,
            ));
            for k in 0..MEM_KEYS {
                assert!(l.check_key(&k).is_ok());
            }
            let per = (rss_bytes() - before) as f64 / MEM_KEYS as f64;
            black_box(&l);
            per
        }
    };
    println!("MEM {which} {per_key:.1}");
}

fn memory() {
    let exe = std::env::current_exe().unwrap();
    for which in ["rampart", "governor"] {
        let out = std::process::Command::new(&exe)
            .env("RATE_LIMIT_MEM_CHILD", which)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for line in text.lines() {
            println!("rate_limit/memory_per_key ({MEM_KEYS} u64 keys, RSS delta) {line}");
        }
    }
}

fn redis_bench() {
    let Ok(url) = std::env::var("RAMPART_REDIS_URL") else {
        println!("rate_limit/redis skipped: RAMPART_REDIS_URL not set");
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let prefix = format!("rampart-bench-{}", std::process::id());
        let lim = std::sync::Arc::new(
            rate_limit::RedisLimiter::builder(&url, &prefix)
                .limit("k", rate_limit::Quota::per_second(u32::MAX).unwrap())
                .limit("ep", rate_limit::Quota::per_second(u32::MAX).unwrap())
                .timeout(Duration::from_secs(1))
                .build()
                .unwrap(),
        );
        // Sequential: latency of one check (one round trip).
        for (label, two) in [("1 limit", false), ("2 limits", true)] {
            let mut lat = Vec::with_capacity(20_000);
            for i in 0..20_000u32 {
                let key = format!("user{}", i % 1000);
                let t = Instant::now();
                let d = if two {
                    lim.check(&[("k", &key, 1), ("ep", "/v1/chat", 1)]).await
                } else {
                    lim.check(&[("k", &key, 1)]).await
                }
                .unwrap();
                lat.push(t.elapsed());
                assert_eq!(d.backend, rate_limit::Backend::Redis);
            }
            lat.sort();
            println!(
                "rate_limit/redis sequential ({label}): p50 {:?} p99 {:?} ({:.0} checks/s)",
                lat[lat.len() / 2],
                lat[lat.len() * 99 / 100],
                lat.len() as f64 / lat.iter().sum::<Duration>().as_secs_f64()
            );
        }
        // Concurrent: 64 tasks share the one multiplexed connection for 3 s.
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut tasks = Vec::new();
        for t in 0..64u32 {
            let lim = std::sync::Arc::clone(&lim);
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let key = format!("user{t}");
                while Instant::now() < deadline {
                    let s = Instant::now();
                    let _ = lim.check(&[("k", &key, 1)]).await.unwrap();
                    lat.push(s.elapsed());
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort();
        println!(
            "rate_limit/redis 64 concurrent tasks, one connection: {:.0} checks/s, p50 {:?} p99 {:?}",
            all.len() as f64 / 3.0,
            all[all.len() / 2],
            all[all.len() * 99 / 100]
        );
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut con = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{{{prefix}}}:*"))
            .query_async(&mut con)
            .await
            .unwrap();
        if !keys.is_empty() {
            let _: () = redis::cmd("DEL").arg(keys).query_async(&mut con).await.unwrap();
        }
    });
}

fn main() {
    if let Ok(which) = std::env::var("RATE_LIMIT_MEM_CHILD") {
        memory_child(&which);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    direct(&mut c);
    keyed(&mut c);
    two_threads(&mut c);
    c.final_summary();
    // `cargo test --benches` runs this binary with `--bench` absent: keep that fast.
    if std::env::args().any(|a| a == "--bench") {
        memory();
        redis_bench();
    }
}
