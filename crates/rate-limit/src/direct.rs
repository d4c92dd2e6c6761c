//! One limit shared by every caller: one atomic word, no lock, no allocation.

use crate::gcra::Gcra;
use crate::{Clock, Decision, Error, Quota, SystemClock};
use std::sync::atomic::{AtomicU64, Ordering};

/// A single (un-keyed) limit: a whole service, one upstream, one endpoint.
///
/// State is one `AtomicU64` updated with a compare-and-swap loop; a check never locks and never
/// allocates. A refused check charges nothing.
///
/// ```
/// use rate_limit::{Decision, Limiter, ManualClock, Quota};
/// use std::time::Duration;
/// let clock = ManualClock::new();
/// let limiter = Limiter::with_clock("2/s".parse::<Quota>().unwrap(), clock.clone());
/// assert!(limiter.check().is_allowed());
/// assert!(limiter.check().is_allowed());
/// let refused = limiter.check();
/// assert_eq!(refused.retry_after(), Duration::from_millis(500));
/// clock.advance(Duration::from_millis(500));
/// assert!(limiter.check().is_allowed());
/// ```
#[derive(Debug)]
pub struct Limiter<C: Clock = SystemClock> {
    tat: AtomicU64,
    gcra: Gcra,
    quota: Quota,
    clock: C,
}

impl Limiter<SystemClock> {
    /// A limiter on the system clock, starting with a full bucket.
    pub fn new(quota: Quota) -> Self {
        Self::with_clock(quota, SystemClock)
    }
}

impl<C: Clock> Limiter<C> {
    /// A limiter on `clock`, starting with a full bucket.
    pub fn with_clock(quota: Quota, clock: C) -> Self {
        Limiter {
            tat: AtomicU64::new(0),
            gcra: Gcra::new(&quota),
            quota,
            clock,
        }
    }

    /// The quota.
    pub fn quota(&self) -> &Quota {
        &self.quota
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Checks and charges one unit.
    #[inline]
    pub fn check(&self) -> Decision {
        let now = self.clock.now_nanos();
        self.gcra.check_cell(&self.tat, now, self.gcra.interval)
    }

    /// Checks and charges `cost` units (all or nothing). A cost of 0 charges nothing.
    ///
    /// # Errors
    /// [`Error::CostExceedsBurst`] when `cost` is above the burst: no bucket could ever admit it.
    #[inline]
    pub fn check_n(&self, cost: u32) -> Result<Decision, Error> {
        let inc = self.gcra.increment(cost)?;
        let now = self.clock.now_nanos();
        Ok(self.gcra.check_cell(&self.tat, now, inc))
    }

    /// What [`Limiter::check_n`] would answer now, without charging.
    ///
    /// # Errors
    /// [`Error::CostExceedsBurst`] as for `check_n`.
    pub fn peek_n(&self, cost: u32) -> Result<Decision, Error> {
        let inc = self.gcra.increment(cost)?;
        let now = self.clock.now_nanos();
        Ok(self.gcra.peek(self.tat.load(Ordering::Acquire), now, inc))
    }

    /// Hands back `cost` units charged earlier (a request that turned out cheaper than
    /// charged). The bucket never grows above its burst.
    ///
    /// # Errors
    /// [`Error::CostExceedsBurst`] when `cost` is above the burst.
    pub fn refund(&self, cost: u32) -> Result<(), Error> {
        let inc = self.gcra.increment(cost)?;
        let now = self.clock.now_nanos();
        Gcra::refund_cell(&self.tat, now, inc);
        Ok(())
    }

    /// Makes the bucket full again.
    pub fn reset(&self) {
        self.tat.store(0, Ordering::Release);
    }

    pub(crate) fn parts(&self) -> (&AtomicU64, &Gcra, &C) {
        (&self.tat, &self.gcra, &self.clock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LimitReason, ManualClock};
    use std::time::Duration;

    fn lim(q: &str) -> (Limiter<ManualClock>, ManualClock) {
        let c = ManualClock::new();
        (Limiter::with_clock(q.parse().unwrap(), c.clone()), c)
    }

    #[test]
    fn burst_then_rate() {
        let (l, c) = lim("10/s burst 3");
        for left in [2, 1, 0] {
            assert_eq!(
                l.check(),
                Decision::Allowed {
                    remaining: left,
                    reset_after: Duration::from_millis(100 * (3 - u64::from(left)))
                }
            );
        }
        assert_eq!(
            l.check(),
            Decision::Limited {
                retry_after: Duration::from_millis(100),
                remaining: 0,
                reset_after: Duration::from_millis(300),
                reason: LimitReason::Quota
            }
        );
        c.advance(Duration::from_millis(99));
        assert!(!l.check().is_allowed());
        c.advance(Duration::from_millis(1));
        assert!(l.check().is_allowed());
        c.advance(Duration::from_secs(10));
        assert_eq!(l.check().remaining(), 2, "never more than the burst");
    }

    #[test]
    fn cost_refund_and_errors() {
        let (l, c) = lim("10/s burst 10");
        assert_eq!(
            l.check_n(11),
            Err(Error::CostExceedsBurst {
                cost: 11,
                burst: 10
            })
        );
        assert_eq!(l.check_n(7).unwrap().remaining(), 3);
        let d = l.check_n(5).unwrap();
        assert_eq!(d.retry_after(), Duration::from_millis(200));
        assert_eq!(d.remaining(), 3);
        assert_eq!(
            l.peek_n(3).unwrap().remaining(),
            3,
            "refused checks charged nothing"
        );
        l.refund(4).unwrap();
        assert_eq!(l.check_n(0).unwrap().remaining(), 7);
        l.refund(10).unwrap();
        assert_eq!(
            l.check_n(0).unwrap().remaining(),
            10,
            "refund caps at burst"
        );
        c.advance(Duration::from_secs(1));
        assert!(l.check_n(10).unwrap().is_allowed());
        l.reset();
        assert_eq!(l.check().remaining(), 9);
    }

    #[test]
    fn concurrent_threads_admit_exactly_the_burst() {
        let (l, _c) = lim("1/h burst 1000");
        let admitted = std::sync::atomic::AtomicU32::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..600 {
                        if l.check().is_allowed() {
                            admitted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        assert_eq!(admitted.load(Ordering::Relaxed), 1000);
    }
}
