#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod base62;
mod clock;
mod error;
mod format;
mod hygiene;
mod manager;
#[cfg(feature = "omniroute")]
mod omniroute;
mod record;
mod scan;
mod scope;
mod secret;
mod store;
mod tokens;

pub use base62::{CHECKSUM_LEN, crc32_base62, push_crc32_base62};
pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use error::Error;
pub use format::{
    KEY_ID_LEN, KeyFormat, MAX_PREFIX_LEN, ParsedKey, Prefix, SECRET_LEN, TAG_LEN, TAGGED_BODY_LEN,
    UNTAGGED_BODY_LEN,
};
pub use hygiene::{SecretProblem, SecretPurpose, check_secret};
pub use manager::{
    KeyManager, KeyManagerBuilder, KeyRequest, TOUCH_INTERVAL, Verification, VerifiedKey,
};
#[cfg(feature = "omniroute")]
pub use omniroute::{
    OMNIROUTE_KEY_LEN, OmniRouteKey, OmniRouteRule, omniroute_key_hash, verify_omniroute_key,
};
pub use record::{IssuedKey, KeyHash, KeyRecord, PlaintextKey};
pub use scan::{FindKeys, FoundKey, find_keys};
pub use scope::{MAX_SCOPE_LEN, MAX_SCOPES, ScopeSet, validate_scope_pattern};
pub use secret::ServerSecret;
pub use store::{KeyStore, MemoryKeyStore};
pub use tokens::{
    CSRF_TOKEN_LEN, CsrfTokens, DEFAULT_SKEW, MAX_TOKEN_LIFETIME, MemoryUsedTokens,
    SIGN_IN_LIFETIME, SignInTokens, TOKEN_LEN, Token, TokenCheck, UrlSigner, UsedTokens,
};
