//! Property tests: round trips for any plaintext and context, and any single bit flip rejected.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::sync::OnceLock;

use envelope_encryption::stream::{StreamEncryptor, decrypt};
use envelope_encryption::{
    Cipher, Context, Decrypted, KeyRing, LocalKek, SecretKey, V1Cipher, envelope,
};
use proptest::prelude::*;

fn cipher() -> &'static Cipher {
    static C: OnceLock<Cipher> = OnceLock::new();
    C.get_or_init(|| {
        let ring = KeyRing::builder()
            .primary(3, SecretKey::from_bytes([3; 32]))
            .older(2, SecretKey::from_bytes([2; 32]))
            .build()
            .unwrap();
        Cipher::new(ring)
    })
}

fn v1() -> V1Cipher {
    V1Cipher::from_derived_key(&SecretKey::from_bytes([1; 32]))
}

fn kek() -> LocalKek {
    LocalKek::new("kek", &SecretKey::from_bytes([4; 32])).unwrap()
}

fn flip(s: &str, bit: usize) -> Option<String> {
    let mut bytes = s.as_bytes().to_vec();
    let i = bit / 8 % bytes.len();
    bytes[i] ^= 1 << (bit % 8);
    String::from_utf8(bytes).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn v2_round_trips(pt in ".*", table in "[a-z_]{0,12}", column in "[a-z_]{0,12}", row in ".{0,20}") {
        let ctx = Context::new(&table, &column, &row);
        let stored = cipher().encrypt(&pt, &ctx).unwrap();
        prop_assert_eq!(cipher().decrypt(&stored, &ctx).unwrap(), pt);
    }

    #[test]
    fn v2_any_bit_flip_is_rejected(pt in ".{0,64}", row in "[0-9]{1,6}", bit in any::<usize>()) {
        let ctx = Context::new("t", "c", &row);
        let stored = cipher().encrypt(&pt, &ctx).unwrap();
        if let Some(mutated) = flip(&stored, bit) {
            prop_assert!(cipher().decrypt(&mutated, &ctx).is_err(), "{} -> {}", stored, mutated);
        }
    }

    #[test]
    fn v2_binary_round_trip_and_bit_flips(pt in proptest::collection::vec(any::<u8>(), 0..256), bit in any::<usize>()) {
        let ctx = Context::new("blobs", "data", "1");
        let sealed = cipher().encrypt_to_binary(&pt, &ctx).unwrap();
        prop_assert_eq!(cipher().decrypt_binary(&sealed, &ctx).unwrap(), pt);
        let mut mutated = sealed.clone();
        let i = bit / 8 % mutated.len();
        mutated[i] ^= 1 << (bit % 8);
        prop_assert!(cipher().decrypt_binary(&mutated, &ctx).is_err());
    }

    #[test]
    fn v2_other_context_is_rejected(pt in ".{0,32}", row in "[0-9]{1,6}", other in "[0-9]{1,6}") {
        prop_assume!(row != other);
        let stored = cipher().encrypt(&pt, &Context::new("t", "c", &row)).unwrap();
        prop_assert!(cipher().decrypt(&stored, &Context::new("t", "c", &other)).is_err());
        prop_assert!(cipher().decrypt(&stored, &Context::new("t", "d", &row)).is_err());
    }

    #[test]
    fn v1_round_trips(pt in ".*") {
        let c = v1();
        let stored = c.encrypt(&pt).unwrap();
        prop_assert_eq!(c.decrypt(&stored).unwrap(), Decrypted::Plaintext(pt));
    }

    /// v1 reads hex in either case (as OmniRoute does), so flipping the ASCII case bit of a
    /// hex letter yields the same value; every other flip is rejected.
    #[test]
    fn v1_any_bit_flip_is_rejected(pt in ".{0,64}", bit in any::<usize>()) {
        let c = v1();
        let stored = c.encrypt(&pt).unwrap();
        if let Some(mutated) = flip(&stored, bit) {
            let same_value = mutated.eq_ignore_ascii_case(&stored)
                && mutated.starts_with("enc:v1:");
            let result = c.decrypt(&mutated);
            if same_value {
                prop_assert_eq!(result.unwrap(), Decrypted::Plaintext(pt));
            } else if mutated.starts_with("enc:v1:") {
                prop_assert!(result.is_err(), "{} -> {}", stored, mutated);
            } else {
                // The prefix was hit: the value no longer claims to be encrypted, and is
                // reported as plaintext, never as a decryption.
                prop_assert!(matches!(result, Ok(Decrypted::WasPlaintext(_))));
            }
        }
    }

    #[test]
    fn envelope_round_trip_and_bit_flips(pt in proptest::collection::vec(any::<u8>(), 0..256), bit in any::<usize>()) {
        let ctx = Context::new("files", "body", "1");
        let record = envelope::seal(&kek(), &pt, &ctx).unwrap();
        prop_assert_eq!(envelope::open(&kek(), &record, &ctx).unwrap(), pt);
        let mut mutated = record.clone();
        let i = bit / 8 % mutated.len();
        mutated[i] ^= 1 << (bit % 8);
        prop_assert!(envelope::open(&kek(), &mutated, &ctx).is_err());
    }

    #[test]
    fn stream_round_trip_and_bit_flips(
        pt in proptest::collection::vec(any::<u8>(), 0..600),
        chunk in 64usize..200,
        bit in any::<usize>(),
    ) {
        let ctx = Context::new("files", "blob", "9");
        let mut enc = StreamEncryptor::with_chunk_size(&kek(), &ctx, chunk, Vec::new()).unwrap();
        enc.write_all(&pt).unwrap();
        let sealed = enc.finish().unwrap();
        let mut out = Vec::new();
        decrypt(&kek(), &ctx, &sealed[..], &mut out).unwrap();
        prop_assert_eq!(&out, &pt);
        let mut mutated = sealed.clone();
        let i = bit / 8 % mutated.len();
        mutated[i] ^= 1 << (bit % 8);
        prop_assert!(decrypt(&kek(), &ctx, &mutated[..], &mut Vec::new()).is_err());
    }
}
