//! Parsers for the headers an upstream uses to say when to come back.
//!
//! - [`parse_retry_after`]: `Retry-After` (RFC 9110 §10.2.3), strictly: delay-seconds
//!   (`1*DIGIT`) or an HTTP date.
//! - [`parse_duration`]: Go-style durations as in `x-ratelimit-reset-requests: 1m30s`
//!   (`h`, `m`, `s`, `ms`, `us`/`µs`, `ns`, decimals allowed; a bare number is seconds).
//! - [`parse_reset`]: the lenient reading of any reset header (what OmniRoute's
//!   `parseResetTime` accepts): a Go-style duration, a bare number of seconds, a bare number
//!   from 1 000 000 000 on read as a Unix timestamp in seconds (GitHub's `x-ratelimit-reset`),
//!   or an HTTP date.
//! - [`parse_ratelimit`]: the IETF `RateLimit` header, both the draft-07 list
//!   (`limit=100, remaining=0, reset=30`) and the structured-field form
//!   (`"default";r=0;t=30`): its reset in seconds.
//! - [`retry_delay`]: picks the delay from a response's headers.
//!
//! Every parser is total: any input gives a value or a typed [`Error`], never a panic, and
//! values longer than 256 bytes are refused before any work.

use std::time::{Duration, SystemTime};

use crate::Error;

/// The longest header value the parsers accept.
pub const MAX_HEADER_LEN: usize = 256;

/// Unix timestamps are recognised from this value on (2001-09-09); smaller bare numbers are
/// delays in seconds.
pub const UNIX_TIMESTAMP_FROM: u64 = 1_000_000_000;

fn clean(value: &[u8]) -> Result<&str, Error> {
    if value.len() > MAX_HEADER_LEN {
        return Err(Error::HeaderTooLong);
    }
    let s = std::str::from_utf8(value).map_err(|_| Error::HeaderNotAscii)?;
    let s = s.trim_matches(|c| c == ' ' || c == '\t');
    if s.is_empty() {
        return Err(Error::EmptyHeader);
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(Error::HeaderNotAscii);
    }
    Ok(s)
}

fn ascii(s: &str) -> Result<&str, Error> {
    if s.is_ascii() {
        Ok(s)
    } else {
        Err(Error::HeaderNotAscii)
    }
}

fn secs(n: u64) -> Result<Duration, Error> {
    Ok(Duration::from_secs(n))
}

fn digits(s: &str) -> Result<u64, Error> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidNumber);
    }
    s.parse::<u64>().map_err(|_| Error::DelayOutOfRange)
}

fn until(date: SystemTime, now: SystemTime) -> Duration {
    date.duration_since(now).unwrap_or(Duration::ZERO)
}

fn http_date(s: &str, now: SystemTime) -> Result<Duration, Error> {
    httpdate::parse_http_date(s)
        .map(|d| until(d, now))
        .map_err(|_| Error::InvalidDate)
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (a date in the past gives zero).
///
/// Strict, as RFC 9110 says: `1.5` or `-1` is [`Error::InvalidDate`] (it is neither form).
pub fn parse_retry_after(value: &[u8], now: SystemTime) -> Result<Duration, Error> {
    let s = ascii(clean(value)?)?;
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return secs(digits(s)?);
    }
    http_date(s, now)
}

/// Parses a decimal number (`12`, `1.5`, `.5`) scaled by `unit_ns` into nanoseconds.
fn decimal_nanos(num: &str, unit_ns: u128) -> Result<u128, Error> {
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return Err(Error::InvalidNumber);
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidNumber);
    }
    let int_v: u128 = if int.is_empty() {
        0
    } else {
        int.parse::<u64>()
            .map_err(|_| Error::DelayOutOfRange)?
            .into()
    };
    // Keep nine fraction digits: finer than a nanosecond is noise.
    let mut frac_v: u128 = 0;
    let mut scale: u128 = 1_000_000_000;
    for b in frac.bytes().take(9) {
        scale /= 10;
        frac_v += u128::from(b - b'0') * scale;
    }
    let whole = int_v.checked_mul(unit_ns).ok_or(Error::DelayOutOfRange)?;
    let part = frac_v * unit_ns / 1_000_000_000;
    whole.checked_add(part).ok_or(Error::DelayOutOfRange)
}

fn from_nanos(n: u128) -> Result<Duration, Error> {
    let secs = u64::try_from(n / 1_000_000_000).map_err(|_| Error::DelayOutOfRange)?;
    let sub = u32::try_from(n % 1_000_000_000).map_err(|_| Error::DelayOutOfRange)?;
    Ok(Duration::new(secs, sub))
}

fn unit_nanos(unit: &str) -> Result<u128, Error> {
    Ok(match unit {
        "h" => 3_600_000_000_000,
        "m" => 60_000_000_000,
        "s" => 1_000_000_000,
        "ms" => 1_000_000,
        "us" | "µs" | "μs" => 1_000,
        "ns" => 1,
        _ => return Err(Error::UnknownUnit),
    })
}

/// Parses a Go-style duration (`1m30s`, `500ms`, `1.5s`, `2h`, `6m0s`); a bare number is
/// seconds (`60`, `1.5`).
pub fn parse_duration(value: &[u8]) -> Result<Duration, Error> {
    let s = clean(value)?;
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return from_nanos(decimal_nanos(s, 1_000_000_000)?);
    }
    let mut total: u128 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if num_len == 0 {
            return Err(Error::InvalidNumber);
        }
        let (num, after) = rest.split_at_checked(num_len).ok_or(Error::InvalidNumber)?;
        let unit_len = after
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(after.len(), |(i, _)| i);
        let (unit, next) = after.split_at_checked(unit_len).ok_or(Error::UnknownUnit)?;
        let n = decimal_nanos(num, unit_nanos(unit)?)?;
        total = total.checked_add(n).ok_or(Error::DelayOutOfRange)?;
        rest = next;
    }
    from_nanos(total)
}

/// Parses any rate-limit reset header leniently (see the module docs): the delay from `now`.
pub fn parse_reset(value: &[u8], now: SystemTime) -> Result<Duration, Error> {
    let s = clean(value)?;
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let n = digits(s)?;
        if n >= UNIX_TIMESTAMP_FROM {
            let at = SystemTime::UNIX_EPOCH
                .checked_add(Duration::from_secs(n))
                .ok_or(Error::DelayOutOfRange)?;
            return Ok(until(at, now));
        }
        return secs(n);
    }
    match parse_duration(s.as_bytes()) {
        Ok(d) => Ok(d),
        Err(first) => {
            if s.contains(',') || s.contains(' ') {
                http_date(ascii(s)?, now)
            } else {
                Err(first)
            }
        }
    }
}

/// Parses the IETF `RateLimit` header and returns its reset delay: `reset=N` (draft-07 list
/// form) or `t=N` (structured-field form, first policy that has one).
pub fn parse_ratelimit(value: &[u8]) -> Result<Duration, Error> {
    let s = ascii(clean(value)?)?;
    for item in s.split([',', ';']) {
        let item = item.trim();
        if let Some((k, v)) = item.split_once('=') {
            let k = k.trim();
            if k.eq_ignore_ascii_case("reset") || k == "t" {
                return secs(digits(v.trim())?);
            }
        }
    }
    Err(Error::MissingReset)
}

/// The delay an upstream asks for, from a response's headers (names compared
/// case-insensitively).
///
/// `Retry-After` wins when it parses. Otherwise the longest of the reset headers
/// (`x-ratelimit-reset-requests`, `x-ratelimit-reset-tokens`, `x-ratelimit-reset`,
/// `ratelimit-reset`, `ratelimit`) that parse: the caller cannot tell which limit is exhausted,
/// and waiting for the longest one never retries into a known-closed window. Values that do not
/// parse are skipped (use the individual parsers to see their errors).
pub fn retry_delay<'a, I>(headers: I, now: SystemTime) -> Option<Duration>
where
    I: IntoIterator<Item = (&'a str, &'a [u8])>,
{
    let mut reset: Option<Duration> = None;
    for (name, value) in headers {
        let parsed = if name.eq_ignore_ascii_case("retry-after") {
            if let Ok(d) = parse_retry_after(value, now) {
                return Some(d);
            }
            continue;
        } else if name.eq_ignore_ascii_case("ratelimit") {
            parse_ratelimit(value)
        } else if name.eq_ignore_ascii_case("x-ratelimit-reset-requests")
            || name.eq_ignore_ascii_case("x-ratelimit-reset-tokens")
            || name.eq_ignore_ascii_case("x-ratelimit-reset")
            || name.eq_ignore_ascii_case("ratelimit-reset")
        {
            parse_reset(value, now)
        } else {
            continue;
        };
        if let Ok(d) = parsed {
            reset = Some(reset.map_or(d, |r| r.max(d)));
        }
    }
    reset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_070_500)
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            parse_retry_after(b"120", now()),
            Ok(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(b" 0 ", now()), Ok(Duration::ZERO));
        let date = httpdate::fmt_http_date(now() + Duration::from_secs(90));
        // The date has whole seconds; now has 500 ms.
        assert_eq!(
            parse_retry_after(date.as_bytes(), now()),
            Ok(Duration::from_millis(89_500))
        );
        assert_eq!(
            parse_retry_after(b"Sun, 06 Nov 1994 08:49:37 GMT", now()),
            Ok(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(b"1.5", now()), Err(Error::InvalidDate));
        assert_eq!(parse_retry_after(b"-1", now()), Err(Error::InvalidDate));
        assert_eq!(parse_retry_after(b"", now()), Err(Error::EmptyHeader));
        assert_eq!(
            parse_retry_after(&[b'1'; 300], now()),
            Err(Error::HeaderTooLong)
        );
        assert_eq!(
            parse_retry_after(b"99999999999999999999999", now()),
            Err(Error::DelayOutOfRange)
        );
        assert_eq!(
            parse_retry_after(b"\xff", now()),
            Err(Error::HeaderNotAscii)
        );
        assert_eq!(
            parse_retry_after(b"1\n2", now()),
            Err(Error::HeaderNotAscii)
        );
    }

    #[test]
    fn go_durations() {
        let ms = |n| Ok(Duration::from_millis(n));
        assert_eq!(parse_duration(b"1m30s"), ms(90_000));
        assert_eq!(parse_duration(b"6m0s"), ms(360_000));
        assert_eq!(parse_duration(b"500ms"), ms(500));
        assert_eq!(parse_duration(b"1.5s"), ms(1_500));
        assert_eq!(parse_duration(b"2h"), ms(7_200_000));
        assert_eq!(parse_duration(b"60"), ms(60_000));
        assert_eq!(
            parse_duration("250µs".as_bytes()),
            Ok(Duration::from_micros(250))
        );
        assert_eq!(parse_duration(b"7ns"), Ok(Duration::from_nanos(7)));
        assert_eq!(parse_duration(b"1d"), Err(Error::UnknownUnit));
        assert_eq!(parse_duration(b"ms"), Err(Error::InvalidNumber));
        assert_eq!(parse_duration(b"1..5s"), Err(Error::InvalidNumber));
        assert_eq!(parse_duration(b"."), Err(Error::InvalidNumber));
        assert_eq!(
            parse_duration(b"99999999999999999999h"),
            Err(Error::DelayOutOfRange)
        );
        assert_eq!(
            parse_duration(b"5124095576030432h"),
            Err(Error::DelayOutOfRange)
        );
    }

    #[test]
    fn ratelimit_header_forms() {
        assert_eq!(
            parse_ratelimit(b"limit=100, remaining=0, reset=30"),
            Ok(Duration::from_secs(30))
        );
        assert_eq!(
            parse_ratelimit(b"\"default\";r=0;t=7"),
            Ok(Duration::from_secs(7))
        );
        assert_eq!(
            parse_ratelimit(b"limit=100, remaining=0"),
            Err(Error::MissingReset)
        );
        assert_eq!(parse_ratelimit(b"reset=x"), Err(Error::InvalidNumber));
    }

    #[test]
    fn picks_retry_after_then_longest_reset() {
        let h: Vec<(&str, &[u8])> = vec![
            ("x-ratelimit-reset-requests", b"1s"),
            ("X-RateLimit-Reset-Tokens", b"6m0s"),
            ("content-type", b"application/json"),
        ];
        assert_eq!(
            retry_delay(h.clone(), now()),
            Some(Duration::from_secs(360))
        );
        let mut with_ra = h;
        with_ra.push(("Retry-After", b"3"));
        assert_eq!(retry_delay(with_ra, now()), Some(Duration::from_secs(3)));
        let bad: Vec<(&str, &[u8])> = vec![("retry-after", b"soon"), ("ratelimit", b"reset=4")];
        assert_eq!(retry_delay(bad, now()), Some(Duration::from_secs(4)));
        assert_eq!(retry_delay(Vec::<(&str, &[u8])>::new(), now()), None);
    }
}
