#![no_main]
//! Scope parsing and matching must refuse any input without panicking; an accepted set
//! round-trips and grants each of its concrete scopes.

use key_format::{ScopeSet, validate_scope_pattern};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let (list, required) = data.split_once('\n').unwrap_or((data, "read:health"));
    let _ = validate_scope_pattern(list);
    if let Ok(set) = ScopeSet::parse(list) {
        let joined = set.iter().collect::<Vec<_>>().join(",");
        let again = ScopeSet::parse(&joined).unwrap();
        assert_eq!(set, again);
        for p in set.iter() {
            if !p.contains('*') {
                assert!(set.allows(p));
            }
        }
        if required.contains('*') {
            assert!(!set.allows(required));
        }
    }
});
