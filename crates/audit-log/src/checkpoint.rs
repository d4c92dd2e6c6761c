//! Signed checkpoints: (origin, size, root, time) signed with HMAC-SHA256 or Ed25519.
//!
//! A checkpoint commits to the whole log up to its size. An auditor who keeps one can later
//! detect any rewrite of that prefix (the root changes) and any truncation below it (the log is
//! shorter), and check with a consistency proof that the log only grew.

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::Error;
use crate::event::{format_time, parse_time};
use crate::merkle::Hash;

type HmacSha256 = hmac::Hmac<Sha256>;

/// The shortest accepted HMAC key.
pub const MIN_HMAC_KEY_LEN: usize = 32;

/// A key that signs checkpoints. Its `Debug` prints no key material.
pub enum CheckpointSigner {
    /// HMAC-SHA256 with a shared secret of at least [`MIN_HMAC_KEY_LEN`] bytes. The verifier
    /// needs the same secret, so an HMAC checkpoint proves integrity to the key holders only.
    Hmac(Zeroizing<Vec<u8>>),
    /// Ed25519: anyone with the public key can verify (feature `ed25519`).
    #[cfg(feature = "ed25519")]
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

impl std::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointSigner([redacted])")
    }
}

impl CheckpointSigner {
    /// An HMAC-SHA256 signer. Refuses keys shorter than [`MIN_HMAC_KEY_LEN`] bytes.
    pub fn hmac(key: &[u8]) -> Result<Self, Error> {
        if key.len() < MIN_HMAC_KEY_LEN {
            return Err(Error::Config(
                "HMAC checkpoint key must be at least 32 bytes",
            ));
        }
        Ok(Self::Hmac(Zeroizing::new(key.to_vec())))
    }

    /// An Ed25519 signer from a 32-byte secret seed.
    #[cfg(feature = "ed25519")]
    pub fn ed25519(seed: &[u8; 32]) -> Self {
        Self::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(seed)))
    }

    /// A fresh Ed25519 signer from the OS random number generator; returns it with its seed
    /// (to store in a secret manager).
    #[cfg(feature = "ed25519")]
    pub fn generate_ed25519() -> Result<(Self, Zeroizing<[u8; 32]>), Error> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice())
            .map_err(|_| Error::Config("the OS random number generator failed"))?;
        Ok((Self::ed25519(&seed), seed))
    }

    /// The matching verifier (for HMAC, the same secret).
    pub fn verifier(&self) -> CheckpointVerifier {
        match self {
            Self::Hmac(k) => CheckpointVerifier::Hmac(k.clone()),
            #[cfg(feature = "ed25519")]
            Self::Ed25519(k) => CheckpointVerifier::Ed25519(k.verifying_key()),
        }
    }

    fn sign(&self, message: &[u8]) -> (Alg, Vec<u8>) {
        match self {
            Self::Hmac(k) => (Alg::HmacSha256, hmac_tag(k, message)),
            #[cfg(feature = "ed25519")]
            Self::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                (Alg::Ed25519, k.sign(message).to_bytes().to_vec())
            }
        }
    }
}

fn hmac_tag(key: &[u8], message: &[u8]) -> Vec<u8> {
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; this arm is unreachable in practice.
        Err(_) => Vec::new(),
    }
}

/// What checks a checkpoint's signature. Its `Debug` prints no key material.
#[derive(Clone)]
pub enum CheckpointVerifier {
    /// The HMAC-SHA256 shared secret.
    Hmac(Zeroizing<Vec<u8>>),
    /// An Ed25519 public key (feature `ed25519`).
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl std::fmt::Debug for CheckpointVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Hmac(_) => f.write_str("CheckpointVerifier::Hmac([redacted])"),
            #[cfg(feature = "ed25519")]
            Self::Ed25519(k) => write!(
                f,
                "CheckpointVerifier::Ed25519({})",
                hex::encode(k.to_bytes())
            ),
        }
    }
}

impl CheckpointVerifier {
    /// An HMAC-SHA256 verifier. Refuses keys shorter than [`MIN_HMAC_KEY_LEN`] bytes.
    pub fn hmac(key: &[u8]) -> Result<Self, Error> {
        if key.len() < MIN_HMAC_KEY_LEN {
            return Err(Error::Config(
                "HMAC checkpoint key must be at least 32 bytes",
            ));
        }
        Ok(Self::Hmac(Zeroizing::new(key.to_vec())))
    }

    /// An Ed25519 verifier from a 32-byte public key.
    #[cfg(feature = "ed25519")]
    pub fn ed25519(public_key: &[u8; 32]) -> Result<Self, Error> {
        ed25519_dalek::VerifyingKey::from_bytes(public_key)
            .map(Self::Ed25519)
            .map_err(|_| Error::Config("not an Ed25519 public key"))
    }

    fn check(&self, alg: Alg, message: &[u8], sig: &[u8]) -> Result<(), Error> {
        match self {
            Self::Hmac(k) if alg == Alg::HmacSha256 => {
                let mut mac = HmacSha256::new_from_slice(k).map_err(|_| Error::BadSignature)?;
                mac.update(message);
                // verify_slice compares in constant time.
                mac.verify_slice(sig).map_err(|_| Error::BadSignature)
            }
            #[cfg(feature = "ed25519")]
            Self::Ed25519(k) if alg == Alg::Ed25519 => {
                let sig =
                    ed25519_dalek::Signature::from_slice(sig).map_err(|_| Error::BadSignature)?;
                k.verify_strict(message, &sig)
                    .map_err(|_| Error::BadSignature)
            }
            _ => Err(Error::BadSignature),
        }
    }
}

/// The signature algorithm of a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Alg {
    /// HMAC-SHA256.
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    /// Ed25519.
    #[serde(rename = "ed25519")]
    Ed25519,
}

/// A statement "the log `origin` had `size` entries with Merkle root `root` at `time`",
/// optionally signed. Only a signed checkpoint checked with
/// [`Checkpoint::verify_signature`] is evidence against someone who can write the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    time: OffsetDateTime,
    /// Whether this checkpoint marks a retention purge cut (signed as such).
    purge: bool,
    signature: Option<(Alg, Vec<u8>)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckpoint {
    origin: String,
    size: u64,
    root: String,
    time: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    purge: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alg: Option<Alg>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sig: Option<String>,
}

impl Checkpoint {
    /// A checkpoint, signed when a signer is given.
    pub fn new(
        origin: &str,
        size: u64,
        root: Hash,
        time: OffsetDateTime,
        signer: Option<&CheckpointSigner>,
    ) -> Self {
        Self::make(origin, size, root, time, false, signer)
    }

    /// A checkpoint that marks a retention purge cut: the only kind a purge base record
    /// accepts, and signed as such, so that an ordinary checkpoint kept in the log cannot be
    /// reused by someone without the key to drop the entries before it.
    pub fn new_purge(
        origin: &str,
        size: u64,
        root: Hash,
        time: OffsetDateTime,
        signer: Option<&CheckpointSigner>,
    ) -> Self {
        Self::make(origin, size, root, time, true, signer)
    }

    fn make(
        origin: &str,
        size: u64,
        root: Hash,
        time: OffsetDateTime,
        purge: bool,
        signer: Option<&CheckpointSigner>,
    ) -> Self {
        let mut cp = Self {
            origin: origin.to_owned(),
            size,
            root,
            time: crate::event::normalise_time(time),
            purge,
            signature: None,
        };
        if let Some(signer) = signer {
            cp.signature = Some(signer.sign(&cp.message()));
        }
        cp
    }

    /// The signed message: a fixed text with one field per line; a purge checkpoint has its own
    /// first line, so neither kind can pass for the other.
    fn message(&self) -> Vec<u8> {
        let head = if self.purge {
            "rampart-audit-purge/v1"
        } else {
            "rampart-audit-checkpoint/v1"
        };
        format!(
            "{head}\n{}\n{}\n{}\n{}\n",
            self.origin,
            self.size,
            hex::encode(self.root),
            format_time(self.time)
        )
        .into_bytes()
    }

    /// The log's name, bound into the signature so a checkpoint of one log cannot pass for
    /// another's.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// Number of entries covered.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The Merkle root of those entries.
    pub fn root(&self) -> &Hash {
        &self.root
    }
    /// When it was made.
    pub fn time(&self) -> OffsetDateTime {
        self.time
    }
    /// Whether this checkpoint marks a retention purge cut ([`Checkpoint::new_purge`]).
    pub fn is_purge(&self) -> bool {
        self.purge
    }
    /// The signature algorithm, if signed.
    pub fn alg(&self) -> Option<Alg> {
        self.signature.as_ref().map(|(a, _)| *a)
    }

    /// Checks the signature. An unsigned checkpoint fails with [`Error::BadSignature`].
    pub fn verify_signature(&self, verifier: &CheckpointVerifier) -> Result<(), Error> {
        let (alg, sig) = self.signature.as_ref().ok_or(Error::BadSignature)?;
        verifier.check(*alg, &self.message(), sig)
    }

    /// One-line JSON.
    pub fn to_json(&self) -> String {
        let raw = RawCheckpoint {
            origin: self.origin.clone(),
            size: self.size,
            root: hex::encode(self.root),
            time: format_time(self.time),
            purge: self.purge,
            alg: self.signature.as_ref().map(|(a, _)| *a),
            sig: self.signature.as_ref().map(|(_, s)| hex::encode(s)),
        };
        serde_json::to_string(&raw).unwrap_or_default()
    }

    pub(crate) fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.to_json()).unwrap_or(serde_json::Value::Null)
    }

    /// Parses [`Checkpoint::to_json`]'s output. Does not check the signature.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let raw: RawCheckpoint = serde_json::from_str(text).map_err(|_| Error::Corrupt {
            what: "checkpoint is not valid JSON of the expected shape",
        })?;
        Self::from_raw(raw)
    }

    pub(crate) fn from_value(value: serde_json::Value) -> Result<Self, Error> {
        let raw: RawCheckpoint = serde_json::from_value(value).map_err(|_| Error::Corrupt {
            what: "checkpoint is not of the expected shape",
        })?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawCheckpoint) -> Result<Self, Error> {
        let bad = |what| Error::Corrupt { what };
        let root = decode_hash(&raw.root).ok_or(bad("checkpoint root is not 32 hex bytes"))?;
        let time = parse_time(&raw.time).ok_or(bad("checkpoint time is not canonical"))?;
        if raw.origin.len() > 256 || raw.origin.contains('\n') {
            return Err(bad("checkpoint origin is invalid"));
        }
        let signature = match (raw.alg, raw.sig) {
            (Some(alg), Some(sig)) => Some((
                alg,
                hex::decode(sig).map_err(|_| bad("checkpoint signature is not hex"))?,
            )),
            (None, None) => None,
            _ => return Err(bad("checkpoint has an algorithm without a signature")),
        };
        Ok(Self {
            origin: raw.origin,
            size: raw.size,
            root,
            time,
            purge: raw.purge,
            signature,
        })
    }
}

/// Decodes 64 lowercase hex digits (the only encoding written, so that no two encodings of
/// one hash exist).
pub(crate) fn decode_hash(s: &str) -> Option<Hash> {
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp(signer: Option<&CheckpointSigner>) -> Checkpoint {
        let t = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        Checkpoint::new("test-log", 7, [9u8; 32], t, signer)
    }

    #[test]
    fn hmac_checkpoints_round_trip_and_detect_changes() {
        let signer = CheckpointSigner::hmac(&[7u8; 32]).unwrap();
        let c = cp(Some(&signer));
        let back = Checkpoint::from_json(&c.to_json()).unwrap();
        assert_eq!(back, c);
        back.verify_signature(&signer.verifier()).unwrap();
        let other = CheckpointVerifier::hmac(&[8u8; 32]).unwrap();
        assert!(matches!(
            back.verify_signature(&other),
            Err(Error::BadSignature)
        ));
        let forged = c.to_json().replace("\"size\":7", "\"size\":6");
        let forged = Checkpoint::from_json(&forged).unwrap();
        assert!(forged.verify_signature(&signer.verifier()).is_err());
        assert!(cp(None).verify_signature(&signer.verifier()).is_err());
        assert!(CheckpointSigner::hmac(&[1u8; 31]).is_err());
        assert!(!format!("{signer:?}").contains('7'));
    }

    #[cfg(feature = "ed25519")]
    #[test]
    fn ed25519_checkpoints_verify_with_the_public_key_only() {
        let (signer, _seed) = CheckpointSigner::generate_ed25519().unwrap();
        let c = cp(Some(&signer));
        let verifier = signer.verifier();
        Checkpoint::from_json(&c.to_json())
            .unwrap()
            .verify_signature(&verifier)
            .unwrap();
        let hmac = CheckpointVerifier::hmac(&[7u8; 32]).unwrap();
        assert!(c.verify_signature(&hmac).is_err());
        let forged = Checkpoint::from_json(&c.to_json().replace("test-log", "other-log")).unwrap();
        assert!(forged.verify_signature(&verifier).is_err());
    }

    #[test]
    fn malformed_checkpoints_are_errors() {
        for text in [
            "",
            "{}",
            r#"{"origin":"o","size":1,"root":"zz","time":"2023-11-14T22:13:20.000000Z"}"#,
            r#"{"origin":"o","size":1,"root":"00","time":"2023-11-14T22:13:20.000000Z"}"#,
            r#"{"origin":"o","size":-1,"root":"00","time":"x"}"#,
        ] {
            assert!(Checkpoint::from_json(text).is_err(), "{text}");
        }
    }
}
