//! Several limits checked as one: every limit must admit before any is charged.

use crate::gcra::{Gcra, Step};
use crate::keyed::KeyedLimit;
use crate::{Clock, Decision, Error, Limiter};
use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};

/// An admitted charge, kept so that it can be undone exactly. Opaque.
#[derive(Debug, Clone, Copy)]
pub struct Charge {
    prev: u64,
    new: u64,
    at: u64,
    inc: u64,
    decision: Decision,
}

pub(crate) fn try_charge_cell(
    gcra: &Gcra,
    cell: &AtomicU64,
    now: u64,
    inc: u64,
) -> Result<Charge, Decision> {
    let mut tat = cell.load(Ordering::Relaxed);
    loop {
        match gcra.step(tat, now, inc) {
            Step::Charge { new_tat } => {
                match cell.compare_exchange_weak(tat, new_tat, Ordering::AcqRel, Ordering::Relaxed)
                {
                    Ok(_) => {
                        return Ok(Charge {
                            prev: tat,
                            new: new_tat,
                            at: now,
                            inc,
                            decision: gcra.allowed(new_tat, now),
                        });
                    }
                    Err(actual) => tat = actual,
                }
            }
            Step::Refuse { decision } => return Err(decision),
        }
    }
}

/// Undoes `charge`. If nothing touched the cell since, the previous value is restored exactly.
/// If other requests were charged on top, our increment is taken back minus the time elapsed
/// since our charge: a request stacked on ours saw an arrival time at most that much later
/// than it would have without us, so the result is never more lenient than the exact state,
/// and differs from it by at most the rollback latency (usually nanoseconds).
pub(crate) fn undo_cell(cell: &AtomicU64, now: u64, charge: &Charge) {
    if cell
        .compare_exchange(charge.new, charge.prev, Ordering::AcqRel, Ordering::Relaxed)
        .is_ok()
    {
        return;
    }
    let back = charge.inc.saturating_sub(now.saturating_sub(charge.at));
    if back > 0 {
        Gcra::refund_cell(cell, now, back);
    }
}

mod sealed {
    pub trait Sealed {}
}

/// One member of [`check_all`]: a [`Limiter`] or a [`KeyedLimiter`](crate::KeyedLimiter)
/// bound to a key with [`KeyedLimiter::key`](crate::KeyedLimiter::key). Sealed.
pub trait Limit: sealed::Sealed {
    #[doc(hidden)]
    fn validate(&self, cost: u32) -> Result<u64, Error>;
    #[doc(hidden)]
    fn try_charge(&self, inc: u64) -> Result<Charge, Decision>;
    #[doc(hidden)]
    fn undo(&self, charge: &Charge);
    #[doc(hidden)]
    fn peek(&self, inc: u64) -> Decision;
}

impl<C: Clock> sealed::Sealed for Limiter<C> {}

impl<C: Clock> Limit for Limiter<C> {
    fn validate(&self, cost: u32) -> Result<u64, Error> {
        self.parts().1.increment(cost)
    }
    fn try_charge(&self, inc: u64) -> Result<Charge, Decision> {
        let (cell, gcra, clock) = self.parts();
        try_charge_cell(gcra, cell, clock.now_nanos(), inc)
    }
    fn undo(&self, charge: &Charge) {
        let (cell, _, clock) = self.parts();
        undo_cell(cell, clock.now_nanos(), charge);
    }
    fn peek(&self, inc: u64) -> Decision {
        let (cell, gcra, clock) = self.parts();
        gcra.peek(cell.load(Ordering::Acquire), clock.now_nanos(), inc)
    }
}

impl<K, Q, C> sealed::Sealed for KeyedLimit<'_, K, Q, C>
where
    K: Hash + Eq + Borrow<Q>,
    Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    C: Clock,
{
}

impl<K, Q, C> Limit for KeyedLimit<'_, K, Q, C>
where
    K: Hash + Eq + Borrow<Q>,
    Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    C: Clock,
{
    fn validate(&self, cost: u32) -> Result<u64, Error> {
        self.limiter.gcra().increment(cost)
    }
    fn try_charge(&self, inc: u64) -> Result<Charge, Decision> {
        self.limiter.try_charge(self.key, inc)
    }
    fn undo(&self, charge: &Charge) {
        self.limiter.undo(self.key, charge);
    }
    fn peek(&self, inc: u64) -> Decision {
        let gcra = self.limiter.gcra();
        // `peek_n` only fails on a cost above the burst, which `validate` already refused.
        let cost = u32::try_from(inc / gcra.interval).unwrap_or(u32::MAX);
        self.limiter
            .peek_n(self.key, cost)
            .unwrap_or(Decision::Allowed {
                remaining: 0,
                reset_after: std::time::Duration::ZERO,
            })
    }
}

/// The answer of [`check_all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetDecision {
    /// Allowed: every limit was charged; `remaining` and `reset_after` are those of the
    /// binding limit (fewest units left). Limited: nothing was charged; the decision of the
    /// limit that asks for the longest wait, so `retry_after` is when the whole set admits.
    pub decision: Decision,
    /// The index (in the slice given to [`check_all`]) of the limit `decision` comes from.
    pub index: usize,
}

/// Checks several limits as one: the request is charged on all of them or on none.
///
/// Each limit is charged in order with its own compare-and-swap; if one refuses, the ones
/// already charged are undone (exactly when untouched meanwhile, see below) and the answer
/// is the refusal with the longest wait among all limits. Guarantees, under any concurrency:
/// - never admits more on any limit than that limit alone would (a charge that is undone was
///   never "spent" by anyone else: requests that came in between saw *more* usage, not less);
/// - the undo is exact when nothing else touched that limit meanwhile, and otherwise errs on
///   the strict side by at most the time between the charge and its undo (nanoseconds);
/// - a request racing with an undo may be refused where a strictly serial order would have
///   admitted it (a transient, strict error), never the reverse.
///
/// No lock is held across limits and nothing is allocated.
///
/// # Errors
/// [`Error::CostExceedsBurst`] if any cost is above its limit's burst (checked before any
/// charge).
///
/// ```
/// use rate_limit::{check_all, KeyedLimiter, Limiter, ManualClock, Quota};
/// let clock = ManualClock::new();
/// let per_key = KeyedLimiter::<String, _>::builder("3/min".parse::<Quota>().unwrap())
///     .clock(clock.clone()).build().unwrap();
/// let endpoint = Limiter::with_clock("2/min".parse::<Quota>().unwrap(), clock.clone());
/// let one = |k: &str| check_all(&[(&per_key.key(k), 1), (&endpoint, 1)]).unwrap();
/// assert!(one("alice").decision.is_allowed());
/// assert!(one("alice").decision.is_allowed());
/// let refused = one("alice");
/// assert_eq!(refused.index, 1); // the endpoint limit refused...
/// assert_eq!(per_key.peek_n("alice", 1).unwrap().remaining(), 1); // ...and alice was not charged
/// ```
pub fn check_all(limits: &[(&dyn Limit, u32)]) -> Result<SetDecision, Error> {
    // Validate every cost before charging anything. The increments are recomputed below
    // (cheap) so that this stays allocation-free for any number of limits.
    for (l, cost) in limits {
        l.validate(*cost)?;
    }
    let mut best = None;
    match charge_from(limits, 0, &mut best) {
        Ok(()) => Ok(best.unwrap_or(SetDecision {
            decision: Decision::Allowed {
                remaining: u32::MAX,
                reset_after: std::time::Duration::ZERO,
            },
            index: 0,
        })),
        Err(refused) => {
            let mut worst = refused;
            for (i, (l, cost)) in limits.iter().enumerate().skip(refused.index + 1) {
                let d = l.peek(l.validate(*cost)?);
                if d.retry_after() > worst.decision.retry_after() {
                    worst = SetDecision {
                        decision: d,
                        index: i,
                    };
                }
            }
            Ok(worst)
        }
    }
}

fn charge_from(
    limits: &[(&dyn Limit, u32)],
    i: usize,
    best: &mut Option<SetDecision>,
) -> Result<(), SetDecision> {
    let Some((l, cost)) = limits.get(i) else {
        return Ok(());
    };
    let inc = l.validate(*cost).map_err(|_| SetDecision {
        decision: l.peek(0),
        index: i,
    })?;
    match l.try_charge(inc) {
        Ok(charge) => {
            let d = charge.decision;
            let tighter = best.is_none_or(|b| d.remaining() < b.decision.remaining());
            let saved = *best;
            if tighter {
                *best = Some(SetDecision {
                    decision: d,
                    index: i,
                });
            }
            match charge_from(limits, i + 1, best) {
                Ok(()) => Ok(()),
                Err(refused) => {
                    l.undo(&charge);
                    *best = saved;
                    Err(refused)
                }
            }
        }
        Err(decision) => Err(SetDecision { decision, index: i }),
    }
}
