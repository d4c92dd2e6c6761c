#![no_main]
//! The quota and CIDR parsers must accept or refuse any string without panicking, and an
//! accepted quota must print to a string that parses back to the same quota.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    if let Ok(q) = data.parse::<rate_limit::Quota>() {
        let printed = q.to_string();
        assert_eq!(printed.parse::<rate_limit::Quota>(), Ok(q));
        assert!(q.burst() >= 1 && q.interval_nanos() >= 1);
    }
    let _ = data.parse::<rate_limit::IpNet>();
});
