//! Time for the limiters: a monotonic nanosecond counter that never goes backwards.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A monotonic source of time in nanoseconds since a fixed, clock-specific start.
///
/// The limiters only ever compare readings of the same clock, so the start does not matter;
/// what matters is that a reading is never smaller than an earlier reading taken on the same
/// thread. Implement it for a host clock (or use [`ManualClock`] in tests).
pub trait Clock: Send + Sync {
    /// Nanoseconds since this clock's start.
    fn now_nanos(&self) -> u64;
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    #[inline]
    fn now_nanos(&self) -> u64 {
        (**self).now_nanos()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    #[inline]
    fn now_nanos(&self) -> u64 {
        (**self).now_nanos()
    }
}

static EPOCH: OnceLock<Instant> = OnceLock::new();

thread_local! {
    static LAST: Cell<u64> = const { Cell::new(0) };
}

/// The default clock: `std::time::Instant` (on Linux `CLOCK_MONOTONIC` through the vDSO),
/// measured from a start fixed once per process.
///
/// It never reads the per-core TSC directly (the TSC of two cores may disagree and some
/// hypervisors let it jump), never follows the wall clock (NTP steps, a changed time zone or
/// a manual `date` do not move it), and it is clamped per thread so that a reading is never
/// smaller than the previous reading on that thread, even on a platform whose monotonic clock
/// misbehaves. Readings of different threads can differ by the scheduling delay between them;
/// the GCRA arithmetic is written so that a reading older than the stored state only makes a
/// decision slightly stricter, never looser.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl SystemClock {
    /// The system clock.
    pub const fn new() -> Self {
        SystemClock
    }
}

impl Clock for SystemClock {
    #[inline]
    fn now_nanos(&self) -> u64 {
        let epoch = EPOCH.get_or_init(Instant::now);
        let raw = u64::try_from(Instant::now().saturating_duration_since(*epoch).as_nanos())
            .unwrap_or(u64::MAX);
        LAST.with(|last| {
            let prev = last.get();
            if raw > prev {
                last.set(raw);
                raw
            } else {
                prev
            }
        })
    }
}

/// A cached clock: a background thread stores [`SystemClock`]'s reading in an atomic every
/// `resolution`, and a reading is one atomic load (about 1 ns instead of a `clock_gettime`).
///
/// For the hottest paths. It is monotonic (one writer, increasing values) and never reads the
/// TSC itself. A reading lags real time by at most about `resolution`, which only ever makes a
/// limiter stricter (it sees less replenishment), never more lenient; `retry_after` can be up
/// to `resolution` longer than strictly needed. The thread stops when the last clone is
/// dropped (within one `resolution`).
#[derive(Debug, Clone)]
pub struct CoarseClock {
    nanos: Arc<AtomicU64>,
}

impl CoarseClock {
    /// Starts the ticking thread, with `resolution` between 50 µs and 1 s.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] for a resolution out of range or when the thread cannot
    /// be started.
    pub fn new(resolution: Duration) -> Result<Self, crate::Error> {
        if resolution < Duration::from_micros(50) || resolution > Duration::from_secs(1) {
            return Err(crate::Error::InvalidConfig {
                reason: "the clock resolution must be between 50 us and 1 s",
            });
        }
        let nanos = Arc::new(AtomicU64::new(SystemClock.now_nanos()));
        let weak = Arc::downgrade(&nanos);
        std::thread::Builder::new()
            .name("rate-limit-clock".into())
            .spawn(move || {
                let sys = SystemClock;
                while let Some(cell) = weak.upgrade() {
                    cell.fetch_max(sys.now_nanos(), Ordering::Release);
                    drop(cell);
                    std::thread::sleep(resolution);
                }
            })
            .map_err(|_| crate::Error::InvalidConfig {
                reason: "could not start the clock thread",
            })?;
        Ok(CoarseClock { nanos })
    }
}

impl Clock for CoarseClock {
    #[inline]
    fn now_nanos(&self) -> u64 {
        self.nanos.load(Ordering::Acquire)
    }
}

/// A clock that only moves when told to: for tests, simulations and replaying traces.
///
/// Clones share the same time. It refuses to go backwards: [`ManualClock::set`] to an earlier
/// time keeps the later one.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A manual clock at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by` (saturating).
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let mut cur = self.nanos.load(Ordering::Acquire);
        loop {
            let next = cur.saturating_add(by);
            match self
                .nanos
                .compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Sets the clock to `nanos` since its start, unless it already reads later.
    pub fn set(&self, nanos: u64) {
        self.nanos.fetch_max(nanos, Ordering::AcqRel);
    }
}

impl Clock for ManualClock {
    #[inline]
    fn now_nanos(&self) -> u64 {
        self.nanos.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_is_monotonic() {
        let c = SystemClock::new();
        let mut prev = c.now_nanos();
        for _ in 0..10_000 {
            let now = c.now_nanos();
            assert!(now >= prev);
            prev = now;
        }
        std::thread::sleep(Duration::from_millis(2));
        assert!(c.now_nanos() >= prev + 1_000_000);
    }

    #[test]
    fn coarse_clock_ticks_and_stays_close() {
        let c = CoarseClock::new(Duration::from_micros(200)).unwrap();
        let a = c.now_nanos();
        // Wait (bounded) for the ticker to have moved at least 10 ms: robust on a loaded CI.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let mut b = c.now_nanos();
        while b < a + 10_000_000 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
            b = c.now_nanos();
        }
        assert!(b >= a + 10_000_000, "{a} {b}");
        assert!(SystemClock.now_nanos() >= b);
        assert!(CoarseClock::new(Duration::from_micros(10)).is_err());
        assert!(CoarseClock::new(Duration::from_secs(2)).is_err());
    }

    #[test]
    fn manual_clock_never_goes_back() {
        let c = ManualClock::new();
        c.advance(Duration::from_secs(2));
        assert_eq!(c.now_nanos(), 2_000_000_000);
        c.set(1);
        assert_eq!(c.now_nanos(), 2_000_000_000);
        c.set(3_000_000_000);
        let shared = c.clone();
        shared.advance(Duration::from_nanos(5));
        assert_eq!(c.now_nanos(), 3_000_000_005);
        c.advance(Duration::MAX);
        assert_eq!(c.now_nanos(), u64::MAX);
    }
}
