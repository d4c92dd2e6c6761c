//! IP allow and deny lists with CIDR ranges (IPv4 and IPv6), and the per-client IP key.

use crate::Error;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Folds an address to the key a per-IP limit should use: an IPv4-mapped IPv6 address
/// (`::ffff:192.0.2.1`) becomes the IPv4 address, and an IPv6 address is cut to its /64
/// (one customer network usually holds a whole /64, so a per-address key would let one client
/// rotate through 2^64 keys). IPv4 addresses are kept whole.
///
/// ```
/// use rate_limit::ip_key;
/// assert_eq!(ip_key("2001:db8::1:2".parse().unwrap()), "2001:db8::".parse::<std::net::IpAddr>().unwrap());
/// assert_eq!(ip_key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1".parse::<std::net::IpAddr>().unwrap());
/// ```
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// A CIDR range such as `10.0.0.0/8` or `2001:db8::/32`, or a single address.
///
/// Parsing is strict: the address must be the network address (`10.0.0.1/8` is refused, as it
/// is almost always a typo for a narrower range), the prefix at most 32 or 128, no spaces or
/// zone ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// The range of `addr/prefix`. An IPv4-mapped IPv6 range (`::ffff:a.b.c.d/96+n`) becomes
    /// the IPv4 range `a.b.c.d/n`, as lookups see mapped client addresses as IPv4.
    ///
    /// # Errors
    /// [`Error::InvalidCidr`] on a prefix too long or host bits set.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<Self, Error> {
        let bad = |reason| Err(Error::InvalidCidr { reason });
        match addr {
            IpAddr::V4(a) => {
                if prefix > 32 {
                    return bad("an IPv4 prefix is at most 32");
                }
                if u32::from(a) & !mask32(prefix) != 0 {
                    return bad("host bits are set: use the network address");
                }
            }
            IpAddr::V6(a) => {
                if prefix > 128 {
                    return bad("an IPv6 prefix is at most 128");
                }
                if u128::from(a) & !mask128(prefix) != 0 {
                    return bad("host bits are set: use the network address");
                }
                // An IPv4-mapped range (`::ffff:10.0.0.0/104`) is stored as the IPv4 range it
                // names: addresses are looked up in canonical form (a mapped client address
                // is its IPv4 address), so kept as IPv6 it could never match anything, and a
                // deny entry would silently deny nothing.
                if prefix >= 96
                    && let Some(v4) = a.to_ipv4_mapped()
                {
                    return Ok(IpNet {
                        addr: IpAddr::V4(v4),
                        prefix: prefix - 96,
                    });
                }
            }
        }
        Ok(IpNet { addr, prefix })
    }

    /// Whether `ip` is in the range (IPv4-mapped IPv6 addresses match IPv4 ranges).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => u32::from(a) & mask32(self.prefix) == u32::from(n),
            (IpAddr::V6(n), IpAddr::V6(a)) => u128::from(a) & mask128(self.prefix) == u128::from(n),
            _ => false,
        }
    }
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl FromStr for IpNet {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if s.len() > 64 {
            return Err(Error::InvalidCidr {
                reason: "longer than 64 bytes",
            });
        }
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => {
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::InvalidCidr {
                        reason: "the prefix must be 0 to 128",
                    });
                }
                (
                    a,
                    Some(p.parse::<u8>().map_err(|_| Error::InvalidCidr {
                        reason: "the prefix must be 0 to 128",
                    })?),
                )
            }
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| Error::InvalidCidr {
            reason: "not an IPv4 or IPv6 address",
        })?;
        let prefix = prefix.unwrap_or(if addr.is_ipv4() { 32 } else { 128 });
        IpNet::new(addr, prefix)
    }
}

/// A set of CIDR ranges, looked up in O(log n): ranges are kept as sorted, merged intervals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpList {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

fn merge<T: Ord + Copy>(v: &mut Vec<(T, T)>, adjacent: impl Fn(T, T) -> bool) {
    v.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(v.len());
    for &(lo, hi) in v.iter() {
        match out.last_mut() {
            Some(last) if lo <= last.1 || adjacent(last.1, lo) => {
                if hi > last.1 {
                    last.1 = hi;
                }
            }
            _ => out.push((lo, hi)),
        }
    }
    *v = out;
}

fn lookup<T: Ord + Copy>(v: &[(T, T)], x: T) -> bool {
    let i = v.partition_point(|&(lo, _)| lo <= x);
    i > 0 && v.get(i - 1).is_some_and(|&(_, hi)| x <= hi)
}

impl IpList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// A list from ranges or addresses such as `["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]`.
    ///
    /// # Errors
    /// [`Error::InvalidCidr`] for the first entry that does not parse.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, Error> {
        let mut list = IpList::new();
        for e in entries {
            list.push(e.trim().parse()?);
        }
        list.normalize();
        Ok(list)
    }

    /// Adds a range.
    pub fn insert(&mut self, net: IpNet) {
        self.push(net);
        self.normalize();
    }

    fn push(&mut self, net: IpNet) {
        match net.addr {
            IpAddr::V4(a) => {
                let lo = u32::from(a);
                self.v4.push((lo, lo | !mask32(net.prefix)));
            }
            IpAddr::V6(a) => {
                let lo = u128::from(a);
                self.v6.push((lo, lo | !mask128(net.prefix)));
            }
        }
    }

    fn normalize(&mut self) {
        merge(&mut self.v4, |a, b| a.checked_add(1) == Some(b));
        merge(&mut self.v6, |a, b| a.checked_add(1) == Some(b));
    }

    /// Whether `ip` is in any range (IPv4-mapped IPv6 addresses match IPv4 ranges).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match canonical(ip) {
            IpAddr::V4(a) => lookup(&self.v4, u32::from(a)),
            IpAddr::V6(a) => lookup(&self.v6, u128::from(a)),
        }
    }

    /// `true` when the list has no range.
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }
}

/// What an [`IpFilter`] says about an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpVerdict {
    /// On the deny list: refuse (HTTP 403), whatever the allow list says.
    Deny,
    /// On the allow list (and not denied): trusted, the host may skip rate limits.
    Allow,
    /// On neither list: apply the normal limits.
    Unlisted,
}

/// An allow list and a deny list. The deny list wins when both match (fail closed).
///
/// ```
/// use rate_limit::{IpFilter, IpList, IpVerdict};
/// let f = IpFilter::new(
///     IpList::parse(["10.0.0.0/8", "2001:db8::/32"]).unwrap(),
///     IpList::parse(["10.66.0.0/16", "192.0.2.7"]).unwrap(),
/// );
/// assert_eq!(f.verdict("10.1.2.3".parse().unwrap()), IpVerdict::Allow);
/// assert_eq!(f.verdict("10.66.0.1".parse().unwrap()), IpVerdict::Deny);
/// assert_eq!(f.verdict("::ffff:192.0.2.7".parse().unwrap()), IpVerdict::Deny);
/// assert_eq!(f.verdict("2001:db9::1".parse().unwrap()), IpVerdict::Unlisted);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpFilter {
    allow: IpList,
    deny: IpList,
}

impl IpFilter {
    /// A filter from an allow list and a deny list.
    pub fn new(allow: IpList, deny: IpList) -> Self {
        IpFilter { allow, deny }
    }

    /// The verdict for `ip`.
    pub fn verdict(&self, ip: IpAddr) -> IpVerdict {
        if self.deny.contains(ip) {
            IpVerdict::Deny
        } else if self.allow.contains(ip) {
            IpVerdict::Allow
        } else {
            IpVerdict::Unlisted
        }
    }
}

/// The unspecified IPv4 address, handy as a key when a request has no peer address.
pub const UNKNOWN_IP: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strictly() {
        for ok in [
            "10.0.0.0/8",
            "0.0.0.0/0",
            "192.0.2.7",
            "::/0",
            "2001:db8::/32",
            "::1",
        ] {
            assert!(ok.parse::<IpNet>().is_ok(), "{ok}");
        }
        for bad in [
            "10.0.0.1/8",
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "10.0.0/8",
            "fe80::1%eth0",
            " 10.0.0.0/8",
            "10.0.0.0/0008",
            "",
            "2001:db8::1/32",
        ] {
            assert!(
                matches!(bad.parse::<IpNet>(), Err(Error::InvalidCidr { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn lists_match_ranges_edges_and_merge() {
        let l = IpList::parse([
            "10.0.0.0/9",
            "10.128.0.0/9",
            "192.0.2.255",
            "2001:db8::/127",
        ])
        .unwrap();
        assert_eq!(l.v4.len(), 2, "adjacent ranges merged");
        for (ip, want) in [
            ("10.0.0.0", true),
            ("10.255.255.255", true),
            ("11.0.0.0", false),
            ("9.255.255.255", false),
            ("192.0.2.255", true),
            ("192.0.3.0", false),
            ("2001:db8::1", true),
            ("2001:db8::2", false),
            ("::ffff:10.9.9.9", true),
        ] {
            assert_eq!(l.contains(ip.parse().unwrap()), want, "{ip}");
        }
        // Regression: an IPv4-mapped entry was kept as IPv6 and never matched, since the
        // looked-up address is canonicalised to IPv4 (a deny entry denied nothing).
        let mapped = IpList::parse(["::ffff:10.0.0.0/104", "::ffff:192.0.2.7"]).unwrap();
        for (ip, want) in [
            ("10.1.2.3", true),
            ("::ffff:10.1.2.3", true),
            ("11.0.0.0", false),
            ("192.0.2.7", true),
            ("::ffff:192.0.2.7", true),
            ("192.0.2.8", false),
        ] {
            assert_eq!(mapped.contains(ip.parse().unwrap()), want, "{ip}");
        }
        let net: IpNet = "::ffff:10.0.0.0/104".parse().unwrap();
        assert!(net.contains("10.200.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.200.0.1".parse().unwrap()));
        assert_eq!(net.to_string(), "10.0.0.0/8");
        assert!("::ffff:10.0.0.1/104".parse::<IpNet>().is_err(), "host bits");
        let all = IpList::parse(["0.0.0.0/0", "::/0"]).unwrap();
        assert!(all.contains("255.255.255.255".parse().unwrap()));
        assert!(all.contains("ffff::ffff".parse().unwrap()));
        assert!(!IpList::new().contains("1.1.1.1".parse().unwrap()));
    }
}
