//! Abuse escalation: the penalty box, the login guard and IP lists through the public API.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rate_limit::{
    Decision, IpList, KeyedLimiter, LimitReason, LockScope, LockoutPolicy, LoginDecision,
    LoginGuard, ManualClock, PenaltyBox, Quota,
};
use std::net::IpAddr;
use std::time::Duration;

fn q(s: &str) -> Quota {
    s.parse().unwrap()
}

#[test]
fn penalty_box_suspends_after_sustained_limiting_and_escalates() {
    let clock = ManualClock::new();
    let limit: KeyedLimiter<String, _> = KeyedLimiter::builder(q("1/s"))
        .clock(clock.clone())
        .build()
        .unwrap();
    let jail: PenaltyBox<String, _> = PenaltyBox::builder(q("2/min"), Duration::from_secs(60))
        .clock(clock.clone())
        .build()
        .unwrap();
    let hit = || jail.guard("m", || limit.check("m"));
    assert!(hit().is_allowed());
    // Two refusals are tolerated (reason Quota), the third suspends.
    for _ in 0..2 {
        assert!(matches!(
            hit(),
            Decision::Limited {
                reason: LimitReason::Quota,
                ..
            }
        ));
    }
    let d = hit();
    assert!(matches!(
        d,
        Decision::Limited {
            reason: LimitReason::Penalty,
            ..
        }
    ));
    assert_eq!(d.retry_after(), Duration::from_secs(60));
    // A well-behaved key is not affected.
    assert!(jail.guard("good", || limit.check("good")).is_allowed());
    clock.advance(Duration::from_secs(30));
    assert_eq!(jail.suspended("m"), Some(Duration::from_secs(30)));
    assert_eq!(
        hit().retry_after(),
        Duration::from_secs(30),
        "quota regained, still jailed"
    );
    clock.advance(Duration::from_secs(30));
    assert_eq!(jail.suspended("m"), None);
    assert!(hit().is_allowed());
    // Re-offending right after release doubles the suspension.
    for _ in 0..2 {
        assert!(!hit().is_allowed());
    }
    assert_eq!(hit().retry_after(), Duration::from_secs(120));
    // Long after, the history is gone.
    clock.advance(Duration::from_secs(3600));
    assert!(jail.evict_idle() >= 1);
    assert!(hit().is_allowed());
    for _ in 0..2 {
        assert!(!hit().is_allowed());
    }
    assert_eq!(
        hit().retry_after(),
        Duration::from_secs(60),
        "back to the first level"
    );
    jail.release("m");
    assert_eq!(jail.suspended("m"), None);
}

#[test]
fn login_guard_locks_accounts_and_ips_with_growing_lockouts() {
    let clock = ManualClock::new();
    let guard: LoginGuard<String, _> = LoginGuard::builder()
        .accounts(LockoutPolicy {
            failures: q("3/15min"),
            lockout: Duration::from_secs(60),
            max_lockout: Duration::from_secs(200),
            forget_after: Duration::from_secs(3600),
        })
        .ips(LockoutPolicy {
            failures: q("5/15min"),
            lockout: Duration::from_secs(300),
            max_lockout: Duration::from_secs(3000),
            forget_after: Duration::from_secs(3600),
        })
        .clock(clock.clone())
        .build()
        .unwrap();
    let ip: IpAddr = "2001:db8:1:2::10".parse().unwrap();
    let same_64: IpAddr = "2001:db8:1:2::99".parse().unwrap();
    let other: IpAddr = "192.0.2.1".parse().unwrap();
    assert_eq!(guard.record_failure("alice", ip), LoginDecision::Proceed);
    assert_eq!(guard.record_failure("alice", other), LoginDecision::Proceed);
    let d = guard.record_failure("alice", ip);
    assert_eq!(
        d,
        LoginDecision::Locked {
            retry_after: Duration::from_secs(60),
            scope: LockScope::Account
        }
    );
    assert_eq!(
        guard.check("alice", other),
        d,
        "the account is locked from every IP"
    );
    assert_eq!(guard.check("bob", other), LoginDecision::Proceed);
    // Second and third lockouts grow: 120 s, then capped at 200 s.
    for (round, want) in [(1u8, 120), (2, 200)] {
        clock.advance(Duration::from_secs(300));
        let from: IpAddr = IpAddr::from([203, 0, 113, round]);
        assert_eq!(guard.check("alice", from), LoginDecision::Proceed);
        let mut last = LoginDecision::Proceed;
        for _ in 0..3 {
            last = guard.record_failure("alice", from);
        }
        assert_eq!(
            last,
            LoginDecision::Locked {
                retry_after: Duration::from_secs(want),
                scope: LockScope::Account
            }
        );
    }
    // A success clears the account, not the IP.
    clock.advance(Duration::from_secs(200));
    guard.record_success("alice");
    // The /64 sprays accounts (its two early failures have drained by now): the 5th
    // failure from anywhere in the /64 locks the IP for every account.
    for (i, from) in [same_64, ip, same_64, ip].into_iter().enumerate() {
        assert_eq!(
            guard.record_failure(&format!("user{i}"), from),
            LoginDecision::Proceed
        );
    }
    let d = guard.record_failure("erin", ip);
    assert_eq!(
        d,
        LoginDecision::Locked {
            retry_after: Duration::from_secs(300),
            scope: LockScope::Ip
        }
    );
    assert!(matches!(
        guard.check("zoe", same_64),
        LoginDecision::Locked {
            scope: LockScope::Ip,
            ..
        }
    ));
    assert_eq!(guard.check("zoe", other), LoginDecision::Proceed);
    clock.advance(Duration::from_secs(86_400));
    assert!(guard.evict_idle() > 0);
}

#[test]
fn login_guard_at_its_cap_fails_closed_for_new_subjects() {
    let clock = ManualClock::new();
    let guard: LoginGuard<String, _> = LoginGuard::builder()
        .max_keys(16)
        .clock(clock.clone())
        .build()
        .unwrap();
    let ip: IpAddr = "192.0.2.1".parse().unwrap();
    let mut capacity = 0;
    for i in 0..200 {
        if let LoginDecision::Locked {
            scope: LockScope::Capacity,
            ..
        } = guard.record_failure(&format!("u{i}"), ip)
        {
            capacity += 1;
        }
    }
    assert!(capacity > 0);
    assert!(LoginGuard::<String>::builder().max_keys(0).build().is_err());
}

/// Regression: at the cap, `record_failure` answered `Capacity` for a new account but
/// `check` answered `Proceed`, so the protocol (check, verify, record) let an untracked
/// account be guessed without any failure being counted.
#[test]
fn login_guard_check_refuses_subjects_it_cannot_track() {
    let clock = ManualClock::new();
    // One client IP with a failure budget it never exhausts: only the account table fills.
    let ips = LockoutPolicy {
        failures: q("100000/min"),
        ..LockoutPolicy::ips()
    };
    let guard: LoginGuard<String, _> = LoginGuard::builder()
        .max_keys(16)
        .ips(ips)
        .clock(clock.clone())
        .build()
        .unwrap();
    let ip: IpAddr = "192.0.2.1".parse().unwrap();
    let mut refused = Vec::new();
    for i in 0..200u32 {
        let name = format!("u{i}");
        if let LoginDecision::Locked {
            scope: LockScope::Capacity,
            ..
        } = guard.record_failure(&name, ip)
        {
            refused.push(name);
        }
    }
    assert!(!refused.is_empty());
    for name in &refused {
        match guard.check(name, ip) {
            LoginDecision::Locked {
                scope: LockScope::Capacity,
                retry_after,
            } => assert!(retry_after > Duration::ZERO),
            other => panic!("{name}: {other:?}"),
        }
    }
    // Tracked accounts are answered as before.
    assert_eq!(guard.check("u0", ip), LoginDecision::Proceed);
    // Once the tracked subjects are idle (failure replenished; none was ever locked) there
    // is room again. Regression: a never-locked subject counted as locked until the clock's
    // start, so it stayed "active" for the first forget_after (24 h) of the clock.
    clock.advance(Duration::from_secs(179)); // one failure each: replenished at 180 s
    assert!(matches!(
        guard.check(&refused[0], ip),
        LoginDecision::Locked {
            scope: LockScope::Capacity,
            ..
        }
    ));
    clock.advance(Duration::from_secs(1));
    assert_eq!(guard.check(&refused[0], ip), LoginDecision::Proceed);
}

#[test]
fn ip_lists_reject_bad_entries() {
    assert!(IpList::parse(["10.0.0.0/8", "nonsense"]).is_err());
    assert!(IpList::parse(["10.0.0.1/8"]).is_err());
    let l = IpList::parse(["fd00::/8"]).unwrap();
    assert!(l.contains("fdff::1".parse().unwrap()));
    assert!(!l.contains("fe00::1".parse().unwrap()));
}

/// Regression: the jail word used to keep the suspension end shifted left by six bits, so
/// an end above 2^58 ns (a clock counting from the Unix epoch, or a `max_cooldown` near the
/// documented 10-year cap) lost its top bits and the suspension ended at once (fail open).
#[test]
fn penalty_box_holds_on_a_clock_counting_from_the_unix_epoch_and_for_long_cooldowns() {
    let limited = Decision::Limited {
        retry_after: Duration::from_secs(1),
        remaining: 0,
        reset_after: Duration::from_secs(1),
        reason: LimitReason::Quota,
    };
    // 2026-11-23 in nanoseconds since 1970, plus an odd offset (not a multiple of 64).
    let epoch_now = 1_795_000_000_000_000_123_u64;
    let ten_years = Duration::from_secs(10 * 365 * 86_400);
    for (start, cooldown, max) in [
        (epoch_now, Duration::from_secs(60), Duration::from_secs(960)),
        (0, Duration::from_secs(86_400 * 365), ten_years),
        (epoch_now, Duration::from_secs(86_400 * 365), ten_years),
    ] {
        let clock = ManualClock::new();
        clock.set(start);
        let jail: PenaltyBox<String, _> = PenaltyBox::builder(q("1/min"), cooldown)
            .max_cooldown(max)
            .clock(clock.clone())
            .build()
            .unwrap();
        let reason = |d: Decision| match d {
            Decision::Limited { reason, .. } => Some(reason),
            Decision::Allowed { .. } => None,
        };
        assert_eq!(reason(jail.record("m", limited)), Some(LimitReason::Quota));
        let d = jail.record("m", limited);
        assert_eq!(
            reason(d),
            Some(LimitReason::Penalty),
            "{start} {cooldown:?}"
        );
        let wait = jail.suspended("m").expect("suspended");
        assert!(wait >= cooldown && wait < cooldown + Duration::from_nanos(64));
        assert_eq!(d.retry_after(), wait);
        clock.advance(cooldown - Duration::from_secs(1));
        assert_eq!(
            jail.suspended("m"),
            Some(wait - (cooldown - Duration::from_secs(1)))
        );
        // Escalation: the next suspension right after this one ends is twice as long (capped).
        clock.advance(Duration::from_secs(1) + Duration::from_nanos(64));
        assert_eq!(jail.suspended("m"), None);
        assert_eq!(reason(jail.record("m", limited)), Some(LimitReason::Quota));
        let d = jail.record("m", limited);
        let want = (cooldown * 2).min(max);
        assert!(d.retry_after() >= want && d.retry_after() < want + Duration::from_nanos(64));
        assert!(jail.suspended("m").unwrap() >= want);
    }
}
