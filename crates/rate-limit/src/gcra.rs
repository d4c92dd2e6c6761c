//! The GCRA arithmetic on a theoretical arrival time (TAT), shared by every limiter.
//!
//! State is one `u64`: the TAT in clock nanoseconds. A TAT at or before `now` means a full
//! bucket. Charging `cost` moves it to `max(tat, now) + cost × interval`; that is admitted
//! when the result is at most `now + window` (`window = burst × interval`).

use crate::{Decision, Error, LimitReason, Quota};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Quota in the shape the hot path wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gcra {
    pub(crate) interval: u64,
    pub(crate) window: u64,
    pub(crate) burst: u32,
}

/// The result of one attempt on a TAT.
pub(crate) enum Step {
    Charge { new_tat: u64 },
    Refuse { decision: Decision },
}

impl Gcra {
    pub(crate) const fn new(q: &Quota) -> Self {
        Gcra {
            interval: q.interval_nanos(),
            window: q.window_nanos(),
            burst: q.burst(),
        }
    }

    /// The increment for `cost`, or the typed error when no bucket could ever admit it.
    #[inline]
    pub(crate) fn increment(&self, cost: u32) -> Result<u64, Error> {
        if cost > self.burst {
            return Err(Error::CostExceedsBurst {
                cost,
                burst: self.burst,
            });
        }
        // cost ≤ burst, so this is ≤ window, which the quota keeps far from overflow.
        Ok(self.interval.saturating_mul(u64::from(cost)))
    }

    #[inline]
    fn remaining(&self, used: u64) -> u32 {
        let left = self.window.saturating_sub(used) / self.interval;
        u32::try_from(left).unwrap_or(u32::MAX)
    }

    /// One attempt: `tat` is the stored state, `inc` from [`Gcra::increment`].
    #[inline]
    pub(crate) fn step(&self, tat: u64, now: u64, inc: u64) -> Step {
        let base = if tat > now { tat } else { now };
        let new_tat = base.saturating_add(inc);
        let used_after = new_tat - now;
        if used_after <= self.window {
            Step::Charge { new_tat }
        } else {
            let used = base - now;
            Step::Refuse {
                decision: Decision::Limited {
                    retry_after: Duration::from_nanos(used_after - self.window),
                    remaining: self.remaining(used),
                    reset_after: Duration::from_nanos(used),
                    reason: LimitReason::Quota,
                },
            }
        }
    }

    /// The decision for an admitted charge that left the TAT at `new_tat`.
    #[inline]
    pub(crate) fn allowed(&self, new_tat: u64, now: u64) -> Decision {
        let used = new_tat.saturating_sub(now);
        Decision::Allowed {
            remaining: self.remaining(used),
            reset_after: Duration::from_nanos(used),
        }
    }

    /// What a check would answer, without charging.
    #[inline]
    pub(crate) fn peek(&self, tat: u64, now: u64, inc: u64) -> Decision {
        match self.step(tat, now, inc) {
            Step::Charge { .. } => self.allowed(tat.max(now), now),
            Step::Refuse { decision } => decision,
        }
    }

    /// Charges `inc` on `cell` unless that would exceed the window. Lock-free CAS loop.
    #[inline]
    pub(crate) fn check_cell(&self, cell: &AtomicU64, now: u64, inc: u64) -> Decision {
        let mut tat = cell.load(Ordering::Relaxed);
        loop {
            match self.step(tat, now, inc) {
                Step::Charge { new_tat } => {
                    match cell.compare_exchange_weak(
                        tat,
                        new_tat,
                        Ordering::AcqRel,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => return self.allowed(new_tat, now),
                        Err(actual) => tat = actual,
                    }
                }
                Step::Refuse { decision } => return decision,
            }
        }
    }

    /// Hands back `inc` on `cell`, never below `now` (a bucket never holds more than its
    /// burst). Returns the new TAT.
    #[inline]
    pub(crate) fn refund_cell(cell: &AtomicU64, now: u64, inc: u64) -> u64 {
        let mut tat = cell.load(Ordering::Relaxed);
        loop {
            if tat <= now {
                return tat;
            }
            let new_tat = tat.saturating_sub(inc).max(now);
            match cell.compare_exchange_weak(tat, new_tat, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return new_tat,
                Err(actual) => tat = actual,
            }
        }
    }
}
