//! The keyed limiter (eviction, key cap, refunds, memory) and multi-limit checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rate_limit::{
    Decision, Error, KeyedLimiter, LimitReason, Limiter, ManualClock, Quota, check_all,
};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn q(s: &str) -> Quota {
    s.parse().unwrap()
}

fn keyed(s: &str, clock: &ManualClock) -> KeyedLimiter<String, ManualClock> {
    KeyedLimiter::builder(q(s))
        .clock(clock.clone())
        .build()
        .unwrap()
}

#[test]
fn keys_are_independent_and_costs_refund() {
    let clock = ManualClock::new();
    let l = keyed("10/s", &clock);
    assert_eq!(l.check_n("a", 10).unwrap().remaining(), 0);
    assert!(!l.check("a").is_allowed());
    assert!(l.check("b").is_allowed());
    l.refund("a", 3).unwrap();
    assert_eq!(l.peek_n("a", 0).unwrap().remaining(), 3);
    assert_eq!(
        l.check_n("a", 11),
        Err(Error::CostExceedsBurst {
            cost: 11,
            burst: 10
        })
    );
    l.reset("a");
    assert_eq!(l.peek_n("a", 1).unwrap().remaining(), 10);
    assert!(
        l.peek_n("never-seen", 1).unwrap().is_allowed(),
        "peek of an unknown key"
    );
    assert_eq!(l.len(), 1, "peek and refund never create a key");
}

#[test]
fn ip_keys_work_by_value() {
    let clock = ManualClock::new();
    let l: KeyedLimiter<IpAddr, _> = KeyedLimiter::builder(q("1/min"))
        .clock(clock.clone())
        .build()
        .unwrap();
    let ip: IpAddr = "2001:db8::1".parse().unwrap();
    assert!(l.check(&ip).is_allowed());
    assert_eq!(l.check(&ip).retry_after(), Duration::from_secs(60));
}

#[test]
fn idle_keys_are_evicted_and_decisions_unchanged() {
    let clock = ManualClock::new();
    let l = keyed("2/s", &clock);
    for i in 0..1000 {
        assert!(l.check(&format!("k{i}")).is_allowed());
    }
    assert!(l.check("hot").is_allowed());
    assert!(l.check("hot").is_allowed());
    assert_eq!(l.len(), 1001);
    clock.advance(Duration::from_millis(500));
    // k* are idle (one unit back after 500 ms); "hot" still owes 500 ms.
    assert_eq!(l.evict_idle(), 1000);
    assert_eq!(l.len(), 1);
    assert!(!l.check_n("hot", 2).unwrap().is_allowed());
}

#[test]
fn automatic_sweeps_bound_memory_under_a_key_flood() {
    let clock = ManualClock::new();
    let l: KeyedLimiter<u64, _> = KeyedLimiter::builder(q("100/s"))
        .clock(clock.clone())
        .shards(4)
        .build()
        .unwrap();
    for i in 0..200_000u64 {
        assert!(l.check(&i).is_allowed());
        // Every key is idle 10 ms later: 1 000 active keys at any time.
        clock.advance(Duration::from_micros(10));
    }
    assert!(l.len() < 5_000, "tracked {}", l.len());
    assert!(l.memory_bytes() < 5_000 * 64);
}

#[test]
fn the_key_cap_refuses_new_keys_never_evicts_owing_ones() {
    let clock = ManualClock::new();
    let l: KeyedLimiter<String, _> = KeyedLimiter::builder(q("1/min"))
        .clock(clock.clone())
        .shards(1)
        .max_keys(16)
        .build()
        .unwrap();
    for i in 0..16 {
        assert!(l.check(&format!("k{i}")).is_allowed());
    }
    let d = l.check("newcomer");
    assert_eq!(
        d,
        Decision::Limited {
            retry_after: Duration::from_secs(60),
            remaining: 0,
            reset_after: Duration::from_secs(60),
            reason: LimitReason::KeyCapacity
        }
    );
    // Known keys are still limited by their own state, not reset.
    assert_eq!(l.check("k3").retry_after(), Duration::from_secs(60));
    assert_eq!(l.len(), 16);
    clock.advance(Duration::from_secs(60));
    assert!(l.check("newcomer").is_allowed(), "idle entries make room");
    assert_eq!(l.len(), 1);
}

#[test]
fn memory_per_key_is_reported() {
    let per = KeyedLimiter::<u64>::bytes_per_key();
    assert_eq!(per, (8 + 8 + 1) * 8 / 7 + 1);
    let l: KeyedLimiter<u64> = KeyedLimiter::new(q("10/s"));
    let empty = l.memory_bytes();
    for i in 0..10_000u64 {
        let _ = l.check(&i);
    }
    let grown = l.memory_bytes() - empty;
    assert!(grown >= 10_000 * 17 && grown <= 10_000 * per * 3, "{grown}");
}

#[test]
fn threads_on_one_key_admit_exactly_the_burst() {
    let clock = ManualClock::new();
    let l = keyed("1/h burst 500", &clock);
    let admitted = AtomicU32::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..300 {
                    if l.check("k").is_allowed() {
                        admitted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    assert_eq!(admitted.load(Ordering::Relaxed), 500);
}

#[test]
fn check_all_charges_all_or_none_with_the_longest_wait() {
    let clock = ManualClock::new();
    let per_key = keyed("10/min", &clock);
    let per_endpoint = keyed("3/s burst 3", &clock);
    let global = Limiter::with_clock(q("100/s"), clock.clone());
    let run = |key: &str, cost: u32| {
        check_all(&[
            (&per_key.key(key), cost),
            (&per_endpoint.key("/v1/speech"), 1),
            (&global, 1),
        ])
        .unwrap()
    };
    let d = run("alice", 4);
    assert!(d.decision.is_allowed());
    assert_eq!((d.index, d.decision.remaining()), (1, 2));
    assert!(run("alice", 4).decision.is_allowed());
    // alice has 2 left, asks 4: the key refuses (wait 12 s); the endpoint has 1 left.
    let d = run("alice", 4);
    assert_eq!(d.index, 0);
    assert_eq!(d.decision.retry_after(), Duration::from_secs(12));
    assert_eq!(per_endpoint.peek_n("/v1/speech", 0).unwrap().remaining(), 1);
    assert_eq!(global.peek_n(0).unwrap().remaining(), 98);
    // bob passes the key limit but the endpoint's last unit goes, then it refuses.
    assert!(run("bob", 1).decision.is_allowed());
    let d = run("bob", 1);
    assert_eq!((d.index, d.decision.is_allowed()), (1, false));
    assert_eq!(
        per_key.peek_n("bob", 0).unwrap().remaining(),
        9,
        "bob uncharged"
    );
    // Both refuse: the answer is the longer wait (alice's 12 s, not the endpoint's 333 ms).
    let d = run("alice", 4);
    assert_eq!(d.index, 0);
    assert_eq!(d.decision.retry_after(), Duration::from_secs(12));
    assert_eq!(
        check_all(&[(&per_key.key("x"), 11), (&global, 1)]),
        Err(Error::CostExceedsBurst {
            cost: 11,
            burst: 10
        })
    );
    assert_eq!(
        global.peek_n(0).unwrap().remaining(),
        97,
        "errors charge nothing"
    );
}

#[test]
fn check_all_is_exact_under_concurrency() {
    let clock = ManualClock::new();
    let per_key = keyed("1/h burst 50", &clock);
    let shared = Limiter::with_clock(q("1/h burst 60"), clock.clone());
    let counts = [AtomicU32::new(0), AtomicU32::new(0)];
    std::thread::scope(|s| {
        for t in 0..4 {
            let (per_key, shared, counts) = (&per_key, &shared, &counts);
            s.spawn(move || {
                let key = if t % 2 == 0 { "a" } else { "b" };
                for _ in 0..200 {
                    let d = check_all(&[(&per_key.key(key), 1), (shared, 1)]).unwrap();
                    if d.decision.is_allowed() {
                        counts[t % 2].fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let (a, b) = (
        counts[0].load(Ordering::Relaxed),
        counts[1].load(Ordering::Relaxed),
    );
    assert_eq!(a + b, 60);
    assert!(a <= 50 && b <= 50);
    assert_eq!(per_key.peek_n("a", 0).unwrap().remaining(), 50 - a);
    assert_eq!(per_key.peek_n("b", 0).unwrap().remaining(), 50 - b);
}
