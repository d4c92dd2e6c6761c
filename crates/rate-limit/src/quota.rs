//! Quotas: a burst and the time it takes to replenish one unit, parsed from config strings.

use crate::Error;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The largest `burst × interval` accepted, in nanoseconds (about 146 years). It keeps every
/// sum in the GCRA arithmetic far from `u64` overflow.
const MAX_WINDOW_NANOS: u64 = u64::MAX / 4;

/// A rate limit: `count` units per `period`, with a burst of `burst` units.
///
/// The limiter is a GCRA (generic cell rate algorithm), which is a token bucket of `burst`
/// tokens refilled by one token every `period / count`. A full bucket admits `burst` units at
/// once; after that, one unit per interval.
///
/// The interval is `period / count` rounded **up** to the nanosecond, so a quota never admits
/// more than it says (`7/s` replenishes one unit every 142 857 143 ns).
///
/// ```
/// use rate_limit::Quota;
/// use std::time::Duration;
/// let q: Quota = "10/s burst 20".parse().unwrap();
/// assert_eq!(q.burst(), 20);
/// assert_eq!(q.interval(), Duration::from_millis(100));
/// assert_eq!(q, Quota::per_second(10).unwrap().with_burst(20).unwrap());
/// assert_eq!(q.to_string(), "10/s burst 20");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quota {
    count: u32,
    period: Duration,
    burst: u32,
    interval_ns: u64,
}

impl Quota {
    /// `count` units per `period`, burst `count`.
    ///
    /// # Errors
    /// [`Error::InvalidQuota`] when `count` is 0, `period` is zero, the interval is under one
    /// nanosecond, or `burst × interval` is beyond 146 years.
    pub fn new(count: u32, period: Duration) -> Result<Self, Error> {
        if count == 0 {
            return Err(Error::InvalidQuota {
                reason: "the count must be at least 1",
            });
        }
        let period_ns = u64::try_from(period.as_nanos()).map_err(|_| Error::InvalidQuota {
            reason: "the period is too long",
        })?;
        if period_ns == 0 {
            return Err(Error::InvalidQuota {
                reason: "the period must be longer than zero",
            });
        }
        let interval_ns = period_ns.div_ceil(u64::from(count));
        Self::checked(count, period, count, interval_ns)
    }

    /// A quota from constants known to be in range (`count ≥ 1`, `count` dividing the period,
    /// short windows): for built-in defaults.
    pub(crate) const fn from_secs_const(count: u32, secs: u64) -> Self {
        let interval_ns = secs * 1_000_000_000 / count as u64;
        Quota {
            count,
            period: Duration::from_secs(secs),
            burst: count,
            interval_ns,
        }
    }

    fn checked(count: u32, period: Duration, burst: u32, interval_ns: u64) -> Result<Self, Error> {
        if burst == 0 {
            return Err(Error::InvalidQuota {
                reason: "the burst must be at least 1",
            });
        }
        match interval_ns.checked_mul(u64::from(burst)) {
            Some(w) if w <= MAX_WINDOW_NANOS => Ok(Quota {
                count,
                period,
                burst,
                interval_ns,
            }),
            _ => Err(Error::InvalidQuota {
                reason: "burst times replenish interval is too long",
            }),
        }
    }

    /// `count` units per second.
    ///
    /// # Errors
    /// As [`Quota::new`].
    pub fn per_second(count: u32) -> Result<Self, Error> {
        Self::new(count, Duration::from_secs(1))
    }

    /// `count` units per minute.
    ///
    /// # Errors
    /// As [`Quota::new`].
    pub fn per_minute(count: u32) -> Result<Self, Error> {
        Self::new(count, Duration::from_secs(60))
    }

    /// `count` units per hour.
    ///
    /// # Errors
    /// As [`Quota::new`].
    pub fn per_hour(count: u32) -> Result<Self, Error> {
        Self::new(count, Duration::from_secs(3600))
    }

    /// The same rate with another burst.
    ///
    /// # Errors
    /// [`Error::InvalidQuota`] when `burst` is 0 or the window becomes too long.
    pub fn with_burst(self, burst: u32) -> Result<Self, Error> {
        Self::checked(self.count, self.period, burst, self.interval_ns)
    }

    /// The most units one request may cost, and the units a full bucket holds.
    pub const fn burst(&self) -> u32 {
        self.burst
    }

    /// The `count` of `count/period`.
    pub const fn count(&self) -> u32 {
        self.count
    }

    /// The `period` of `count/period`.
    pub const fn period(&self) -> Duration {
        self.period
    }

    /// The time one unit takes to replenish.
    pub const fn interval(&self) -> Duration {
        Duration::from_nanos(self.interval_ns)
    }

    /// The replenish interval in nanoseconds.
    pub const fn interval_nanos(&self) -> u64 {
        self.interval_ns
    }

    /// The time an empty bucket takes to become full again: `burst × interval`.
    pub const fn window(&self) -> Duration {
        Duration::from_nanos(self.window_nanos())
    }

    /// [`Quota::window`] in nanoseconds.
    pub const fn window_nanos(&self) -> u64 {
        // Checked at construction: burst × interval ≤ MAX_WINDOW_NANOS.
        self.interval_ns.saturating_mul(self.burst as u64)
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/", self.count)?;
        let p = self.period;
        let units: [(u64, &str); 4] = [(86_400, "d"), (3600, "h"), (60, "min"), (1, "s")];
        let mut written = false;
        if p.subsec_nanos() == 0 {
            for (secs, name) in units {
                if p.as_secs().is_multiple_of(secs) {
                    let n = p.as_secs() / secs;
                    if n == 1 {
                        write!(f, "{name}")?;
                    } else {
                        write!(f, "{n}{name}")?;
                    }
                    written = true;
                    break;
                }
            }
        }
        if !written {
            // The largest unit that divides the period: a period parsed as `N<unit>` prints
            // as at most N of some unit, so it parses back (`90222222us` is not 90222222000ns,
            // which is beyond the u32 multiplier).
            if p.subsec_nanos().is_multiple_of(1_000_000) {
                write!(f, "{}ms", p.as_millis())?;
            } else if p.subsec_nanos().is_multiple_of(1_000) {
                write!(f, "{}us", p.as_micros())?;
            } else {
                write!(f, "{}ns", p.as_nanos())?;
            }
        }
        if self.burst != self.count {
            write!(f, " burst {}", self.burst)?;
        }
        Ok(())
    }
}

impl FromStr for Quota {
    type Err = Error;

    /// Parses `COUNT/[N]UNIT [burst B]`: `100/min`, `10/s burst 20`, `5000/h`, `30/15min`.
    ///
    /// Units (ASCII, case-insensitive): `ns`, `us`, `ms`; `s`, `sec`, `second(s)`; `m`, `min`, `minute(s)`;
    /// `h`, `hr`, `hour(s)`; `d`, `day(s)`. Spaces are allowed around `/` and between words;
    /// nothing else is (no signs, no decimals, no trailing text), and the input is at most
    /// 64 bytes.
    fn from_str(s: &str) -> Result<Self, Error> {
        parse(s)
    }
}

fn bad(reason: &'static str) -> Error {
    Error::InvalidQuota { reason }
}

fn parse_u32(digits: &str, what: &'static str) -> Result<u32, Error> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(what));
    }
    digits
        .parse::<u32>()
        .map_err(|_| bad("a number is larger than 4294967295"))
}

fn unit_nanos(unit: &str) -> Option<u64> {
    const S: u64 = 1_000_000_000;
    let u = unit.to_ascii_lowercase();
    Some(match u.as_str() {
        "ns" => 1,
        "us" => 1_000,
        "ms" => 1_000_000,
        "s" | "sec" | "secs" | "second" | "seconds" => S,
        "m" | "min" | "mins" | "minute" | "minutes" => 60 * S,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600 * S,
        "d" | "day" | "days" => 86_400 * S,
        _ => return None,
    })
}

fn parse(s: &str) -> Result<Quota, Error> {
    if s.len() > 64 {
        return Err(bad("longer than 64 bytes"));
    }
    let s = s.trim();
    let (count, rest) = s
        .split_once('/')
        .ok_or(bad("expected COUNT/UNIT, e.g. 100/min"))?;
    let count = parse_u32(count.trim_end(), "the count must be a whole number")?;
    let rest = rest.trim_start();
    let (period_part, burst_part) = match rest.find(|c: char| c.is_ascii_whitespace()) {
        Some(i) => (
            rest.get(..i).unwrap_or_default(),
            Some(rest.get(i..).unwrap_or_default().trim()),
        ),
        None => (rest, None),
    };
    let split = period_part
        .find(|c: char| !c.is_ascii_digit())
        .ok_or(bad("the period needs a unit (ms, s, min, h, d)"))?;
    let (mult, unit) = period_part.split_at(split);
    let mult = if mult.is_empty() {
        1
    } else {
        parse_u32(mult, "the period multiplier must be a whole number")?
    };
    if mult == 0 {
        return Err(bad("the period must be longer than zero"));
    }
    let unit = unit_nanos(unit).ok_or(bad("unknown unit (use ms, s, min, h or d)"))?;
    let period = unit
        .checked_mul(u64::from(mult))
        .ok_or(bad("the period is too long"))?;
    let q = Quota::new(count, Duration::from_nanos(period))?;
    match burst_part {
        None => Ok(q),
        Some(b) => {
            let mut words = b.split_ascii_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(kw), Some(n), None) if kw.eq_ignore_ascii_case("burst") => {
                    q.with_burst(parse_u32(n, "the burst must be a whole number")?)
                }
                _ => Err(bad("expected `burst N` after the rate")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let q: Quota = "100/min".parse().unwrap();
        assert_eq!((q.count(), q.burst()), (100, 100));
        assert_eq!(q.interval(), Duration::from_millis(600));
        assert_eq!(q.window(), Duration::from_secs(60));
        let q: Quota = "10/s burst 20".parse().unwrap();
        assert_eq!((q.count(), q.burst()), (10, 20));
        assert_eq!(q.interval(), Duration::from_millis(100));
        let q: Quota = "5000/h".parse().unwrap();
        assert_eq!(q.interval(), Duration::from_micros(720_000));
        let q: Quota = " 30 / 15min  BURST   5 ".parse().unwrap();
        assert_eq!(q.interval(), Duration::from_secs(30));
        assert_eq!(q.burst(), 5);
        let q: Quota = "1/day".parse().unwrap();
        assert_eq!(q.period(), Duration::from_secs(86_400));
        let q: Quota = "7/s".parse().unwrap();
        assert_eq!(q.interval_nanos(), 142_857_143, "rounded up, never faster");
    }

    #[test]
    fn rejects_with_typed_errors() {
        for s in [
            "",
            "100",
            "/min",
            "0/min",
            "100/0s",
            "-1/s",
            "1.5/s",
            "+1/s",
            "100/fortnight",
            "100/",
            "100/min burst",
            "100/min burst 0",
            "100/min burst x",
            "100/min burst 5 extra",
            "100/min bust 5",
            "99999999999/s",
            "1/4294967295d burst 4294967295",
            "10/s\u{a0}burst 3",
            "١٠/s",
        ] {
            match s.parse::<Quota>() {
                Err(Error::InvalidQuota { .. }) => {}
                other => panic!("{s:?} gave {other:?}"),
            }
        }
        assert!("a".repeat(65).parse::<Quota>().is_err());
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "100/min",
            "10/s burst 20",
            "5000/h",
            "30/15min",
            "3/250ms",
            "1/d",
            // Found by the fuzz target: printed as 90222222000ns, beyond the u32 multiplier.
            "2/90222222us",
            "1/4294967295us",
            "1/4294967295ns",
        ] {
            let q: Quota = s.parse().unwrap();
            assert_eq!(q.to_string(), s);
            assert_eq!(q.to_string().parse::<Quota>().unwrap(), q);
        }
    }
}
