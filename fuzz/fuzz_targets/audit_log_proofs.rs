#![no_main]
//! The inclusion and consistency proof verifiers must refuse or accept any input without
//! panicking, whatever the sizes, indexes and hash lengths.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let (head, rest) = data.split_at(16);
    let a = u64::from_le_bytes(head[..8].try_into().unwrap_or([0; 8])) % 4096;
    let b = u64::from_le_bytes(head[8..].try_into().unwrap_or([0; 8])) % 4096;
    // The rest: two "roots" of fuzzed length, then 32-byte proof nodes (last one maybe short).
    let split = rest.first().copied().unwrap_or(32) as usize % 40;
    let (r1, rest) = rest.split_at(split.min(rest.len()));
    let (r2, rest) = rest.split_at(32.min(rest.len()));
    let proof: Vec<&[u8]> = rest.chunks(32).collect();
    let _ = audit_log::verify_inclusion(a, b, r1, &proof, r2);
    let _ = audit_log::verify_consistency(a, b, r1, r2, &proof);
});
