//! Scopes: `verb:resource` strings, granted with `*` and prefix wildcards.

use crate::Error;

/// The longest scope or pattern accepted, in bytes.
pub const MAX_SCOPE_LEN: usize = 128;
/// The most patterns one set holds.
pub const MAX_SCOPES: usize = 256;

/// Checks one required scope (no wildcards): `verb:resource`, each side one or more of
/// `[a-z0-9_.-]`, the resource may also contain `/` and further `:`.
pub(crate) fn check(s: &str, wildcards: bool) -> Result<(), Error> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err(Error::InvalidScope {
            position: 0,
            reason: "empty scope",
        });
    }
    if bytes.len() > MAX_SCOPE_LEN {
        return Err(Error::InvalidScope {
            position: MAX_SCOPE_LEN,
            reason: "longer than 128 bytes",
        });
    }
    if wildcards && s == "*" {
        return Ok(());
    }
    let Some(colon) = memchr::memchr(b':', bytes) else {
        return Err(Error::InvalidScope {
            position: 0,
            reason: "expected `verb:resource`",
        });
    };
    let (verb, resource) = (
        bytes.get(..colon).unwrap_or_default(),
        bytes.get(colon + 1..).unwrap_or_default(),
    );
    if verb.is_empty() {
        return Err(Error::InvalidScope {
            position: 0,
            reason: "empty verb",
        });
    }
    if resource.is_empty() {
        return Err(Error::InvalidScope {
            position: colon + 1,
            reason: "empty resource",
        });
    }
    let word =
        |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-');
    if !(wildcards && verb == b"*")
        && let Some(i) = verb.iter().position(|&b| !word(b))
    {
        return Err(Error::InvalidScope {
            position: i,
            reason: "verb characters are [a-z0-9_.-] (or `*` alone in a pattern)",
        });
    }
    let body = match resource.split_last() {
        Some((b'*', rest)) if wildcards => rest,
        _ => resource,
    };
    if let Some(i) = body
        .iter()
        .position(|&b| !(word(b) || b == b'/' || b == b':'))
    {
        return Err(Error::InvalidScope {
            position: colon + 1 + i,
            reason: if wildcards {
                "resource characters are [a-z0-9_.-/:], with `*` only at the end"
            } else {
                "resource characters are [a-z0-9_.-/:] (no wildcards in a required scope)"
            },
        });
    }
    // No `.` or `..` path segment: a host that maps a request path to a scope and normalises
    // it would otherwise read `read:public/../admin` (granted by `read:public/*`) as
    // `read:admin`.
    let mut start = 0;
    for seg in body.split(|&b| b == b'/' || b == b':') {
        if seg == b"." || seg == b".." {
            return Err(Error::InvalidScope {
                position: colon + 1 + start,
                reason: "no `.` or `..` segments in a resource",
            });
        }
        start += seg.len() + 1;
    }
    Ok(())
}

/// Whether `pattern` (already validated) grants the concrete scope `required`.
pub(crate) fn grants(pattern: &str, required: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (Some((pv, pr)), Some((rv, rr))) = (pattern.split_once(':'), required.split_once(':'))
    else {
        return false;
    };
    if pv != "*" && pv != rv {
        return false;
    }
    match pr.strip_suffix('*') {
        Some(stem) => rr.starts_with(stem),
        None => pr == rr,
    }
}

/// The scopes granted to a key: `verb:resource` patterns such as `read:health`, `read:*` (every
/// resource for one verb), `*:combos` (every verb on one resource), `write:comp*` (a resource
/// prefix) or `*` (everything).
///
/// Grammar (decided here; the issue left it open): a verb of `[a-z0-9_.-]+`, `:`, a resource of
/// `[a-z0-9_.-/:]+` without a `.` or `..` segment (between `/` or `:`); in a *pattern* the verb
/// may be `*` and the resource may end in `*`. Required
/// scopes never contain wildcards (a required `read:*` is refused, never "matched"). At most 256
/// patterns of at most 128 bytes. The order of `verb` and `resource` is the host's: OmniRoute's
/// `pricing:write` is a valid scope like any other and `pricing:*` grants it.
///
/// ```
/// use key_format::ScopeSet;
/// let granted = ScopeSet::parse("read:*,write:combos")?;
/// assert!(granted.allows("read:health"));
/// assert!(granted.allows("write:combos"));
/// assert!(!granted.allows("write:budget"));
/// assert!(!granted.allows("read:*")); // wildcards are for grants, not for requirements
/// # Ok::<(), key_format::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct ScopeSet(Vec<String>);

impl ScopeSet {
    /// The empty set: grants nothing.
    #[must_use]
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// Parses a comma-separated list (spaces around items ignored; an empty string is the empty
    /// set). Duplicates are dropped; order is kept.
    ///
    /// # Errors
    /// [`Error::InvalidScope`] with the byte offset in `list`.
    pub fn parse(list: &str) -> Result<Self, Error> {
        let mut set = Self::empty();
        let mut offset = 0;
        for item in list.split(',') {
            let trimmed = item.trim();
            let lead = item.len() - item.trim_start().len();
            if !(trimmed.is_empty() && list.trim().is_empty()) {
                set.push_at(trimmed, offset + lead)?;
            }
            offset += item.len() + 1;
        }
        Ok(set)
    }

    /// Builds a set from individual patterns.
    ///
    /// # Errors
    /// [`Error::InvalidScope`].
    pub fn from_patterns<I, S>(patterns: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = Self::empty();
        for p in patterns {
            set.push_at(p.as_ref(), 0)?;
        }
        Ok(set)
    }

    fn push_at(&mut self, pattern: &str, offset: usize) -> Result<(), Error> {
        check(pattern, true).map_err(|e| match e {
            Error::InvalidScope { position, reason } => Error::InvalidScope {
                position: position + offset,
                reason,
            },
            other => other,
        })?;
        if self.0.len() >= MAX_SCOPES {
            return Err(Error::InvalidScope {
                position: offset,
                reason: "more than 256 scopes",
            });
        }
        if !self.0.iter().any(|p| p == pattern) {
            self.0.push(pattern.to_owned());
        }
        Ok(())
    }

    /// Whether some pattern grants `required`. A malformed `required` (including one with a
    /// wildcard) is never allowed: fail closed. No allocation.
    #[must_use]
    pub fn allows(&self, required: &str) -> bool {
        check(required, false).is_ok() && self.0.iter().any(|p| grants(p, required))
    }

    /// Whether every scope in `required` is allowed.
    #[must_use]
    pub fn allows_all<'a>(&self, required: impl IntoIterator<Item = &'a str>) -> bool {
        required.into_iter().all(|r| self.allows(r))
    }

    /// The patterns, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Number of patterns.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set grants nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ScopeSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<String>::deserialize(d)?;
        Self::from_patterns(items).map_err(serde::de::Error::custom)
    }
}

/// Validates one scope pattern (the scope-parsing entry point the fuzz target drives).
///
/// # Errors
/// [`Error::InvalidScope`].
pub fn validate_scope_pattern(pattern: &str) -> Result<(), Error> {
    check(pattern, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 16 MCP scopes OmniRoute uses.
    const OMNIROUTE: [&str; 16] = [
        "read:health",
        "read:combos",
        "write:combos",
        "read:quota",
        "read:usage",
        "read:models",
        "execute:completions",
        "execute:search",
        "write:budget",
        "write:resilience",
        "pricing:write",
        "read:cache",
        "write:cache",
        "read:compression",
        "write:compression",
        "read:proxies",
    ];

    #[test]
    fn omniroute_scopes_parse_and_match_exactly() {
        let all = ScopeSet::from_patterns(OMNIROUTE).unwrap();
        assert_eq!(all.len(), 16);
        for s in OMNIROUTE {
            assert!(all.allows(s), "{s}");
            let only = ScopeSet::parse(s).unwrap();
            for other in OMNIROUTE {
                assert_eq!(only.allows(other), s == other, "{s} vs {other}");
            }
        }
        assert!(!all.allows("write:usage"));
    }

    #[test]
    fn wildcards() {
        let read = ScopeSet::parse("read:*").unwrap();
        let reads: Vec<_> = OMNIROUTE.iter().filter(|s| read.allows(s)).collect();
        assert_eq!(reads.len(), 8);
        assert!(reads.iter().all(|s| s.starts_with("read:")));

        let star = ScopeSet::parse("*").unwrap();
        assert!(OMNIROUTE.iter().all(|s| star.allows(s)));

        let any_verb = ScopeSet::parse("*:cache").unwrap();
        let hits: Vec<_> = OMNIROUTE.iter().filter(|s| any_verb.allows(s)).collect();
        assert_eq!(hits, [&"read:cache", &"write:cache"]);

        let stem = ScopeSet::parse("write:comp*, execute:*").unwrap();
        assert!(stem.allows("write:compression"));
        assert!(!stem.allows("write:combos"));
        assert!(stem.allows("execute:search"));
        assert!(!stem.allows("read:compression"));

        let pricing = ScopeSet::parse("pricing:*").unwrap();
        assert!(pricing.allows("pricing:write"));
        assert!(!pricing.allows("write:budget"));
    }

    #[test]
    fn required_scopes_never_match_with_wildcards_or_garbage() {
        let star = ScopeSet::parse("*").unwrap();
        for bad in [
            "read:*",
            "*",
            "",
            "read",
            "READ:health",
            "read:",
            ":x",
            "a:b c",
        ] {
            assert!(!star.allows(bad), "{bad}");
        }
        // Dot segments would let a path-derived scope climb out of a prefix grant.
        let public = ScopeSet::parse("read:public/*").unwrap();
        assert!(public.allows("read:public/report.pdf"));
        assert!(public.allows("read:public/..hidden"));
        for climb in [
            "read:public/../admin",
            "read:public/./x",
            "read:public/..",
            "read:..",
            "read:a:../b",
        ] {
            assert!(!public.allows(climb), "{climb}");
            assert!(ScopeSet::parse(climb).is_err(), "{climb}");
        }
        assert!(ScopeSet::parse("read:../*").is_err());
        assert!(ScopeSet::empty().is_empty());
        assert!(!ScopeSet::empty().allows("read:health"));
    }

    #[test]
    fn parse_errors_point_at_the_problem() {
        assert!(ScopeSet::parse("").unwrap().is_empty());
        let e = ScopeSet::parse("read:health, write:Cache").unwrap_err();
        assert!(
            matches!(e, Error::InvalidScope { position: 19, .. }),
            "{e:?}"
        );
        for bad in [
            "read", "read:", ":x", "re*d:x", "read:*x", "read:a b", ",", "read:x,,",
        ] {
            assert!(ScopeSet::parse(bad).is_err(), "{bad}");
        }
        let dup = ScopeSet::parse("read:x,read:x").unwrap();
        assert_eq!(dup.len(), 1);
        let long = "a:".to_owned() + &"b".repeat(200);
        assert!(ScopeSet::parse(&long).is_err());
    }
}
