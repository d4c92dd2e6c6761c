//! The limiter against a simple reference model (a leaky-bucket meter in exact integers) over
//! arbitrary sequences of requests, refunds and times.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use rate_limit::{Clock, Limiter, ManualClock, Quota};
use std::time::Duration;

/// The textbook meter: `level` nanoseconds of used capacity that drain one per nanosecond.
struct Model {
    interval: u64,
    window: u64,
    level: u64,
    last: u64,
}

impl Model {
    fn at(&mut self, now: u64) {
        self.level = self.level.saturating_sub(now - self.last);
        self.last = now;
    }
    fn check(&mut self, now: u64, cost: u32) -> (bool, u64, u64) {
        self.at(now);
        let need = u64::from(cost) * self.interval;
        if self.level + need <= self.window {
            self.level += need;
            (true, 0, (self.window - self.level) / self.interval)
        } else {
            (
                false,
                self.level + need - self.window,
                (self.window - self.level) / self.interval,
            )
        }
    }
    fn refund(&mut self, now: u64, cost: u32) {
        self.at(now);
        self.level = self.level.saturating_sub(u64::from(cost) * self.interval);
    }
}

#[derive(Debug, Clone)]
enum Op {
    Check { wait: u64, cost: u32 },
    Refund { wait: u64, cost: u32 },
}

fn ops(burst: u32, window: u64) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        6 => (0..window / 2 + 2, 0..=burst).prop_map(|(wait, cost)| Op::Check { wait, cost }),
        1 => (0..window / 2 + 2, 0..=burst).prop_map(|(wait, cost)| Op::Refund { wait, cost }),
    ];
    proptest::collection::vec(op, 1..120)
}

fn setup() -> impl Strategy<Value = (Quota, Vec<Op>)> {
    (1u32..50, 1u64..5_000, 1u32..20).prop_flat_map(|(count, ms, burst)| {
        let q = Quota::new(count, Duration::from_millis(ms))
            .unwrap()
            .with_burst(burst)
            .unwrap();
        (Just(q), ops(burst, q.window_nanos()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn matches_the_model_and_never_over_admits((quota, ops) in setup()) {
        let clock = ManualClock::new();
        let lim = Limiter::with_clock(quota, clock.clone());
        let mut model = Model { interval: quota.interval_nanos(), window: quota.window_nanos(), level: 0, last: 0 };
        let mut admitted: Vec<(u64, u32)> = Vec::new();
        let mut refunded = false;
        for op in ops {
            match op {
                Op::Refund { wait, cost } => {
                    clock.advance(Duration::from_nanos(wait));
                    lim.refund(cost).unwrap();
                    model.refund(clock.now_nanos(), cost);
                    refunded = true;
                }
                Op::Check { wait, cost } => {
                    clock.advance(Duration::from_nanos(wait));
                    let now = clock.now_nanos();
                    let d = lim.check_n(cost).unwrap();
                    let (ok, retry, remaining) = model.check(now, cost);
                    prop_assert_eq!(d.is_allowed(), ok);
                    prop_assert_eq!(d.retry_after(), Duration::from_nanos(retry));
                    prop_assert_eq!(u64::from(d.remaining()), remaining);
                    if ok {
                        prop_assert_eq!(d.reset_after(), Duration::from_nanos(model.level));
                        admitted.push((now, cost));
                    } else {
                        // retry_after is exact: one nanosecond earlier is still refused, at
                        // retry_after the same request is admitted.
                        if retry > 1 {
                            clock.advance(Duration::from_nanos(retry - 1));
                            prop_assert!(!lim.peek_n(cost).unwrap().is_allowed());
                            clock.advance(Duration::from_nanos(1));
                        } else {
                            clock.advance(Duration::from_nanos(retry));
                        }
                        prop_assert!(lim.peek_n(cost).unwrap().is_allowed());
                    }
                }
            }
        }
        // Admitted cost in any span [t_i, t_j] is at most burst + what the span replenishes
        // (refunds hand capacity back, so the bound is checked on refund-free runs).
        if !refunded {
            for i in 0..admitted.len() {
                let mut sum = 0u64;
                for j in i..admitted.len() {
                    sum += u64::from(admitted[j].1);
                    let span = admitted[j].0 - admitted[i].0;
                    prop_assert!(sum <= u64::from(quota.burst()) + span / quota.interval_nanos(),
                        "admitted {} in {} ns", sum, span);
                }
            }
        }
    }
}

#[test]
fn cost_above_burst_is_a_typed_error() {
    let lim = Limiter::new("5/s".parse().unwrap());
    assert_eq!(
        lim.check_n(6),
        Err(rate_limit::Error::CostExceedsBurst { cost: 6, burst: 5 })
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn quota_parser_never_panics(s in "\\PC{0,40}") {
        let _ = s.parse::<Quota>();
    }

    #[test]
    fn quotas_print_and_parse_back(count in 1u32..1_000_000, secs in 1u64..100_000, extra in 0u32..1000) {
        let q = Quota::new(count, Duration::from_secs(secs)).unwrap();
        let q = q.with_burst(count.saturating_add(extra)).unwrap();
        prop_assert_eq!(q.to_string().parse::<Quota>(), Ok(q));
    }
}
