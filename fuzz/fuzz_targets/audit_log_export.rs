#![no_main]
//! Parsing and verifying an auditor's export bundle and a checkpoint must never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    if let Ok(export) = audit_log::Export::from_json(data) {
        let _ = export.verify(None);
    }
    if let Ok(cp) = audit_log::Checkpoint::from_json(data) {
        let key = audit_log::CheckpointVerifier::hmac(&[7u8; 32]);
        if let Ok(key) = key {
            let _ = cp.verify_signature(&key);
        }
    }
});
