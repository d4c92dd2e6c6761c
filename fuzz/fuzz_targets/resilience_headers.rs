#![no_main]
//! The rate-limit header parsers (`Retry-After`, Go-style reset durations, lenient reset
//! values, the `RateLimit` header, the combined picker, the `Idempotency-Key` reader) must answer any bytes with a value
//! or a typed error, never a panic; where the strict `Retry-After` parser accepts a value, the
//! lenient reset parser reads the same delay from it.

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let strict = resilience::parse_retry_after(data, now);
    let _ = resilience::parse_duration(data);
    let lenient = resilience::parse_reset(data, now);
    let _ = resilience::parse_ratelimit(data);
    let _ = resilience::retry_delay(
        [("retry-after", data), ("x-ratelimit-reset-tokens", data), ("ratelimit", data)],
        now,
    );
    if let Ok(Some(key)) = resilience::idempotency_key([("Idempotency-Key", data)]) {
        assert!(resilience::validate_key(key).is_ok());
    }
    // Delay-seconds below the Unix-timestamp threshold and HTTP dates read the same either way.
    if let (Ok(a), Ok(b)) = (&strict, &lenient) {
        if a.as_secs() < resilience::UNIX_TIMESTAMP_FROM {
            assert_eq!(a, b);
        }
    }
});
