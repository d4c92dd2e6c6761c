//! Time, through a small trait so every window, expiry and backoff is testable without sleeping.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// A source of time.
///
/// `now` is monotonic (it never goes backwards) and measures every window, deadline and
/// backoff. `wall` is the calendar time; it is used only where a time must survive a restart
/// (persisted breaker state) or be compared with an HTTP date (`Retry-After`).
pub trait Clock: Send + Sync + Debug {
    /// Monotonic time since an arbitrary fixed origin.
    fn now(&self) -> Duration;
    /// Wall-clock time.
    fn wall(&self) -> SystemTime;
    /// Blocks the calling thread for `d` (the sync retry driver uses it). A manual clock
    /// advances itself instead of sleeping.
    fn sleep(&self, d: Duration);
}

/// A shared clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// The system clock: `Instant` for `now`, `SystemTime` for `wall`, `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

impl Clock for SystemClock {
    #[inline]
    fn now(&self) -> Duration {
        origin().elapsed()
    }
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// A clock that moves only when told to: `advance` moves both the monotonic and the wall time.
/// `sleep` advances it, so a retry loop under test finishes instantly and deterministically.
#[derive(Debug)]
pub struct ManualClock {
    nanos: AtomicU64,
    wall_origin: SystemTime,
}

impl ManualClock {
    /// A manual clock at monotonic time zero whose wall time starts at `wall_origin`.
    pub fn new(wall_origin: SystemTime) -> Self {
        Self {
            nanos: AtomicU64::new(0),
            wall_origin,
        }
    }

    /// A manual clock starting at the Unix epoch plus `unix_ms` milliseconds (wall time).
    pub fn at_unix_ms(unix_ms: u64) -> Self {
        Self::new(SystemTime::UNIX_EPOCH + Duration::from_millis(unix_ms))
    }

    /// Moves the clock forward by `d` (saturating at about 584 years).
    pub fn advance(&self, d: Duration) {
        let add = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_add(add))
            });
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance_ms(&self, ms: u64) {
        self.advance(Duration::from_millis(ms));
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new(SystemTime::UNIX_EPOCH)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
    fn wall(&self) -> SystemTime {
        // `SystemTime + Duration` panics on overflow: a far-future origin saturates instead.
        let now = self.now();
        self.wall_origin
            .checked_add(now)
            .unwrap_or(self.wall_origin)
    }
    fn sleep(&self, d: Duration) {
        self.advance(d);
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Duration {
        (**self).now()
    }
    fn wall(&self) -> SystemTime {
        (**self).wall()
    }
    fn sleep(&self, d: Duration) {
        (**self).sleep(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::at_unix_ms(1_000);
        assert_eq!(c.now(), Duration::ZERO);
        c.advance_ms(250);
        c.sleep(Duration::from_millis(750));
        assert_eq!(c.now(), Duration::from_secs(1));
        assert_eq!(c.wall(), SystemTime::UNIX_EPOCH + Duration::from_secs(2));
        c.advance(Duration::MAX);
        assert_eq!(c.now(), Duration::from_nanos(u64::MAX));
    }

    #[test]
    fn system_clock_is_monotonic() {
        let c = SystemClock;
        let a = c.now();
        let b = c.now();
        assert!(b >= a);
    }
}
