#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;

pub use error::Error;

use sha2::{Digest, Sha256};

/// RFC 6962 leaf hash: SHA-256(0x00 || leaf). The prefix keeps leaves and nodes apart, so no
/// leaf can pose as an inner node (a second-preimage defence).
pub fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(leaf);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_leaf_hash_matches_rfc6962() {
        let expected = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
        let got: String = leaf_hash(b"").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, expected);
    }
}
