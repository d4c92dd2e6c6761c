//! Secret hygiene: refuse missing, short, placeholder and low-entropy secrets at start-up.

use std::fmt;

use crate::Error;

/// What a secret is for; decides the minimum length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretPurpose {
    /// An HMAC signing secret (this crate's server secret, webhook signing): at least 32 bytes.
    Signing,
    /// A JWT signing secret: at least 32 bytes.
    Jwt,
    /// An API-key secret such as OmniRoute's `API_KEY_SECRET`: at least 16 bytes.
    ApiKeySecret,
    /// An encryption key given as text (for example `STORAGE_ENCRYPTION_KEY`): at least 32 bytes.
    Encryption,
    /// Any other secret, with the caller's minimum length in bytes.
    Custom {
        /// The minimum length in bytes.
        min_len: usize,
    },
}

impl SecretPurpose {
    /// The minimum length in bytes for this purpose.
    #[must_use]
    pub const fn min_len(self) -> usize {
        match self {
            Self::Signing | Self::Jwt | Self::Encryption => 32,
            Self::ApiKeySecret => 16,
            Self::Custom { min_len } => min_len,
        }
    }
}

/// Why a secret was refused. Never holds (part of) the value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretProblem {
    /// Not set, empty, or only whitespace.
    Missing,
    /// Shorter than the purpose requires (lengths in bytes).
    TooShort {
        /// The value's length.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// A known default or placeholder (`changeme`, `secret`, `your-secret-here`, ...).
    KnownWeak,
    /// Too predictable: one repeated character, a short repeated cycle, very few distinct
    /// characters, or an alphabet/keyboard run.
    LowEntropy {
        /// Which pattern was found.
        pattern: &'static str,
    },
}

impl fmt::Display for SecretProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("is missing or empty"),
            Self::TooShort { len, min } => {
                write!(f, "is too short ({len} bytes, at least {min} required)")
            }
            Self::KnownWeak => f.write_str("is a known default or placeholder value"),
            Self::LowEntropy { pattern } => write!(f, "has low entropy ({pattern})"),
        }
    }
}

/// Normalised (lower-case, letters and digits only) values that are never acceptable, alone or
/// repeated (`passwordpassword`).
const WEAK_EXACT: &[&str] = &[
    "secret",
    "password",
    "passw0rd",
    "p4ssw0rd",
    "changeme",
    "default",
    "admin",
    "test",
    "token",
    "apikey",
    "secretkey",
    "jwtsecret",
    "supersecret",
    "mysecret",
    "letmein",
    "qwerty",
    "example",
    "sample",
    "123456",
    "endpointproxyapikeysecret",
];

/// Normalised fragments that mark a placeholder wherever they appear (`change-me-in-production`,
/// `omniroute-default-secret-change-me`, `<your-secret-here>`).
const WEAK_CONTAINS: &[&str] = &[
    "changeme",
    "yoursecret",
    "replaceme",
    "placeholder",
    "insertsecret",
    "putyour",
    "notasecret",
];

/// Checks one secret and returns the first problem as [`Error::WeakSecret`] (naming `name`, never
/// showing the value). `None` means the setting is absent. Hosts call this for every secret at
/// start-up and refuse to start on an error: unlike OmniRoute, a weak value is an error, not a
/// warning.
///
/// Rules, in order: missing (absent, empty or whitespace); shorter than
/// [`SecretPurpose::min_len`] bytes; a known default or placeholder, case-insensitive and ignoring
/// punctuation (`changeme`, `secret`, `password`, `your-secret-here`, anything containing
/// `change-me`, ...); low entropy (one repeated character, a cycle of at most half the length
/// such as `abcabc…`, fewer than 5 distinct characters, or a run where three quarters of the steps
/// go up or down by one, like `abcdefgh…`).
///
/// ```
/// use key_format::{check_secret, Error, SecretProblem, SecretPurpose};
/// assert!(check_secret("JWT_SECRET", Some("k3Jx9vQ2mP7wL0sR4tY8uZ1aB6cD5eF!"), SecretPurpose::Jwt).is_ok());
/// let err = check_secret("JWT_SECRET", Some("change-me-change-me-change-me-123"), SecretPurpose::Jwt)
///     .unwrap_err();
/// assert!(matches!(err, Error::WeakSecret { problem: SecretProblem::KnownWeak, .. }));
/// assert!(check_secret("API_KEY_SECRET", None, SecretPurpose::ApiKeySecret).is_err());
/// ```
///
/// # Errors
/// [`Error::WeakSecret`] with a [`SecretProblem`].
pub fn check_secret(name: &str, value: Option<&str>, purpose: SecretPurpose) -> Result<(), Error> {
    match secret_problem(value, purpose) {
        None => Ok(()),
        Some(problem) => Err(Error::WeakSecret {
            name: name.to_owned(),
            problem,
        }),
    }
}

fn secret_problem(value: Option<&str>, purpose: SecretPurpose) -> Option<SecretProblem> {
    let value = match value {
        Some(v) if !v.trim().is_empty() => v,
        _ => return Some(SecretProblem::Missing),
    };
    let min = purpose.min_len();
    if value.len() < min {
        return Some(SecretProblem::TooShort {
            len: value.len(),
            min,
        });
    }
    let normalised: String = value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let unit = smallest_period(normalised.as_bytes())
        .and_then(|p| normalised.get(..p))
        .unwrap_or(&normalised);
    if WEAK_EXACT.contains(&normalised.as_str())
        || WEAK_EXACT.contains(&unit)
        || WEAK_CONTAINS.iter().any(|w| normalised.contains(w))
    {
        return Some(SecretProblem::KnownWeak);
    }
    low_entropy(value.as_bytes()).map(|pattern| SecretProblem::LowEntropy { pattern })
}

/// The smallest period `p <= len / 2` such that `s` is `s[..p]` repeated (the last repetition may
/// be partial), if any.
///
/// Linear time (the smallest period is `len - longest proper border`, from the KMP failure
/// function): the naive search over every `p` is quadratic on near-periodic input such as
/// `aaaa…ab`, and the values checked can be long.
fn smallest_period(s: &[u8]) -> Option<usize> {
    let n = s.len();
    if n < 2 {
        return None;
    }
    // border[i]: length of the longest proper border of s[..=i].
    let mut border = vec![0usize; n];
    for i in 1..n {
        let c = s.get(i).copied();
        let mut k = border.get(i - 1).copied().unwrap_or(0);
        while k > 0 && s.get(k).copied() != c {
            k = border.get(k - 1).copied().unwrap_or(0);
        }
        if s.get(k).copied() == c {
            k += 1;
        }
        if let Some(slot) = border.get_mut(i) {
            *slot = k;
        }
    }
    let p = n - border.last().copied().unwrap_or(0);
    (p <= n / 2).then_some(p)
}

fn low_entropy(v: &[u8]) -> Option<&'static str> {
    if let Some(p) = smallest_period(v) {
        return Some(if p == 1 {
            "one repeated character"
        } else {
            "a short repeated cycle"
        });
    }
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in v {
        if let Some(s) = seen.get_mut(usize::from(b))
            && !*s
        {
            *s = true;
            distinct += 1;
        }
    }
    if distinct < 5 {
        return Some("fewer than 5 distinct characters");
    }
    let steps = v.len().saturating_sub(1);
    let runs = v
        .windows(2)
        .filter(|w| matches!(w, [a, b] if a.abs_diff(*b) == 1))
        .count();
    if steps > 0 && runs * 4 >= steps * 3 {
        return Some("an alphabet or digit sequence");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(v: Option<&str>, p: SecretPurpose) -> Option<SecretProblem> {
        secret_problem(v, p)
    }

    #[test]
    fn rules() {
        use SecretPurpose::*;
        assert_eq!(problem(None, Jwt), Some(SecretProblem::Missing));
        assert_eq!(problem(Some("  \t"), Jwt), Some(SecretProblem::Missing));
        assert_eq!(
            problem(Some("short"), ApiKeySecret),
            Some(SecretProblem::TooShort { len: 5, min: 16 })
        );
        assert_eq!(
            problem(Some("0123456789abcdef0123456789abcde"), Signing),
            Some(SecretProblem::TooShort { len: 31, min: 32 })
        );
        for weak in [
            "CHANGEME-changeme-CHANGEME",
            "your-secret-here-your-secret-here",
            "change-me-in-production-please!!",
            "PasswordPasswordPassword",
            "omniroute-default-secret-change-me",
            "Secret_Secret_Secret",
        ] {
            assert_eq!(
                problem(Some(weak), Custom { min_len: 16 }),
                Some(SecretProblem::KnownWeak),
                "{weak}"
            );
        }
        for (low, pat) in [
            ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "one repeated character"),
            ("abcabcabcabcabcabcabcabcabcabcab", "a short repeated cycle"),
            ("k3Jx9vQ2mP7wL0sRk3Jx9vQ2mP7wL0sR", "a short repeated cycle"),
            (
                "abababbbaaabababbababaabababbbab",
                "fewer than 5 distinct characters",
            ),
            (
                "abcdefghijklmnopqrstuvwxyz012345",
                "an alphabet or digit sequence",
            ),
        ] {
            assert_eq!(
                problem(Some(low), Signing),
                Some(SecretProblem::LowEntropy { pattern: pat }),
                "{low}"
            );
        }
        assert_eq!(
            problem(Some("k3Jx9vQ2mP7wL0sR4tY8uZ1aB6cD5eF!"), Signing),
            None
        );
        assert_eq!(
            problem(Some("test-api-key-secret-0123456789abcdef"), ApiKeySecret),
            None
        );
        assert_eq!(Custom { min_len: 64 }.min_len(), 64);
    }

    #[test]
    fn smallest_period_matches_the_definition_and_is_linear() {
        let naive = |s: &[u8]| {
            (1..=s.len() / 2).find(|&p| s.iter().zip(s.iter().skip(p)).all(|(a, b)| a == b))
        };
        for s in [
            &b""[..],
            b"a",
            b"aa",
            b"ab",
            b"aba",
            b"abab",
            b"ababa",
            b"abcabcab",
            b"aabaab",
            b"aabaaba",
            b"abcd",
            b"aaaaaaab",
            b"abaababaab",
        ] {
            assert_eq!(smallest_period(s), naive(s), "{:?}", std::str::from_utf8(s));
        }
        // Near-periodic, 1 MB: quadratic would take minutes, this is instant.
        let mut long = vec![b'a'; 1 << 20];
        long.push(b'b');
        assert_eq!(smallest_period(&long), None);
        let started = std::time::Instant::now();
        let v = String::from_utf8(long).unwrap();
        let _ = problem(Some(&v), SecretPurpose::Signing);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn error_names_the_setting_but_not_the_value() {
        let err = check_secret("JWT_SECRET", Some("changeme"), SecretPurpose::Jwt).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("JWT_SECRET"), "{msg}");
        assert!(!msg.contains("changeme"), "{msg}");
        let err = check_secret(
            "X",
            Some("p4ssw0rdp4ssw0rdp4ssw0rdp4ssw0rd"),
            SecretPurpose::Jwt,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("p4ss"));
    }
}
