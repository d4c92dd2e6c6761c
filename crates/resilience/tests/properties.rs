//! Property tests: half-open never admits more probes than configured; backoff stays within its
//! bounds; header parsers are total.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use resilience::{
    Admission, BreakerConfig, CircuitBreaker, Jitter, ManualClock, Permit, RetryPolicy, State,
    backoff_bound, parse_duration, parse_ratelimit, parse_reset, parse_retry_after, retry_delay,
};

#[derive(Debug, Clone)]
enum Op {
    Acquire,
    Success(usize),
    Failure(usize),
    Ignore(usize),
    Drop(usize),
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Acquire),
        2 => any::<usize>().prop_map(Op::Success),
        2 => any::<usize>().prop_map(Op::Failure),
        1 => any::<usize>().prop_map(Op::Ignore),
        1 => any::<usize>().prop_map(Op::Drop),
        2 => (0u64..40_000).prop_map(Op::Advance),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn half_open_never_admits_more_than_the_configured_probes(
        probes in 1u32..5,
        threshold in 1u32..4,
        ops in proptest::collection::vec(op(), 1..200),
    ) {
        let cfg = BreakerConfig::builder()
            .failure_threshold(threshold)
            .degraded_threshold(None)
            .open_duration(Duration::from_secs(10))
            .max_open_duration(Duration::from_secs(60))
            .half_open_probes(probes)
            .successes_to_close(probes)
            .probe_timeout(Duration::from_secs(15))
            .build()
            .unwrap();
        let clock = Arc::new(ManualClock::default());
        let b = CircuitBreaker::with_clock("p", cfg, clock.clone()).unwrap();
        // Held permits, tagged with the half-open period they were admitted in.
        let mut held: Vec<(Permit, u64)> = Vec::new();
        let mut period = 0u64;
        let mut used = 0u32; // probes admitted this period, minus those given back by `ignore`
        let mut last = (b.state(), b.status().open_cycles);
        for op in ops {
            match op {
                Op::Acquire => {
                    if let Admission::Admitted(p) = b.try_acquire() {
                        if p.is_probe() {
                            used += 1;
                        }
                        held.push((p, period));
                    }
                }
                Op::Success(i) | Op::Failure(i) | Op::Ignore(i) | Op::Drop(i) if !held.is_empty() => {
                    let (p, pd) = held.swap_remove(i % held.len());
                    let current_probe = p.is_probe() && pd == period;
                    match op {
                        Op::Success(_) => p.success(),
                        Op::Failure(_) => p.failure(),
                        Op::Ignore(_) => {
                            if current_probe && p.time_left() != Some(Duration::ZERO) {
                                used -= 1;
                            }
                            p.ignore();
                        }
                        _ => drop(p),
                    }
                }
                Op::Advance(ms) => clock.advance_ms(ms),
                _ => {}
            }
            let st = b.status();
            let now = (st.state, st.open_cycles);
            if st.state != State::HalfOpen || now != last {
                period += 1;
                used = 0;
            }
            last = now;
            prop_assert!(used <= probes, "admitted {used} probes with {probes} configured");
            prop_assert!(st.probes_in_flight <= probes);
        }
    }

    #[test]
    fn backoff_stays_within_bounds(
        base_ms in 1u64..10_000,
        extra_ms in 0u64..600_000,
        attempt in 0u32..100,
        seed in any::<u64>(),
    ) {
        let base = Duration::from_millis(base_ms);
        let cap = base + Duration::from_millis(extra_ms);
        let bound = backoff_bound(base, cap, attempt);
        prop_assert!(bound <= cap);
        prop_assert!(bound >= base);
        let expected = base.saturating_mul(2u32.saturating_pow(attempt.min(31))).min(cap);
        prop_assert!(attempt >= 31 || bound == expected);
        let j = Jitter::seeded(seed);
        for _ in 0..8 {
            prop_assert!(j.full(bound) <= bound);
        }
        let policy = RetryPolicy::builder()
            .backoff(base, cap)
            .jitter(Arc::new(Jitter::seeded(seed)))
            .build()
            .unwrap();
        prop_assert!(policy.backoff(attempt) <= bound);
    }

    #[test]
    fn header_parsers_are_total(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let _ = parse_retry_after(&bytes, now);
        let _ = parse_duration(&bytes);
        let _ = parse_reset(&bytes, now);
        let _ = parse_ratelimit(&bytes);
        let _ = retry_delay([("retry-after", bytes.as_slice()), ("ratelimit", bytes.as_slice())], now);
    }

    #[test]
    fn go_duration_round_trip(h in 0u64..1000, m in 0u64..60, s in 0u64..60, ms in 0u64..1000) {
        let text = format!("{h}h{m}m{s}s{ms}ms");
        let want = Duration::from_millis(((h * 60 + m) * 60 + s) * 1000 + ms);
        prop_assert_eq!(parse_duration(text.as_bytes()), Ok(want));
    }
}
