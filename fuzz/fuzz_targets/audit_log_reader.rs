#![no_main]
//! The JSON-lines log reader and verifier must return a value or an error for any bytes,
//! never panic; a verdict of "valid" must be reproducible.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let first = audit_log::verify_reader(data, None, None);
    if let Ok(v) = &first {
        let again = audit_log::verify_reader(data, None, None).ok();
        assert_eq!(again.as_ref(), Some(v));
    }
    let _ = audit_log::tree_from_reader(data);
});
