//! The one-pass scanner: a byte-class table finds digits, `@`, `:`, `=` and `-----`, an
//! Aho-Corasick automaton finds the letter prefixes of known keys (`AKIA`, `ghp_`, `eyJ`,
//! `Bearer `, …), and hand-written scanners anchored at those positions hand candidates to the
//! validators. Every index goes through `at()`, so no input can index out of bounds.

use std::net::{Ipv4Addr, Ipv6Addr};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::entity::EntitySet;
use crate::trigger::Triggers;
use crate::validate;

/// Indices into `entity::BUILTIN`.
pub(crate) mod k {
    pub const EMAIL: u8 = 0;
    pub const CPF: u8 = 1;
    pub const CNPJ: u8 = 2;
    pub const CARD: u8 = 3;
    pub const PHONE: u8 = 4;
    pub const SSN: u8 = 5;
    pub const IP: u8 = 6;
    pub const IBAN: u8 = 7;
    pub const JWT: u8 = 8;
    pub const API_KEY: u8 = 9;
    pub const AWS: u8 = 10;
    pub const PRIVATE_KEY: u8 = 11;
    pub const PASSWORD: u8 = 12;
    pub const SECRET: u8 = 13;
}

/// A finding before it becomes public: built-in kind index, byte span, confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Raw {
    pub kind: u8,
    pub start: usize,
    pub end: usize,
    pub conf: f32,
}

/// Letter prefixes of known secrets, found by two automata: the AWS key-id prefixes, and the
/// rest. Two small pattern sets keep each automaton's SIMD prefilter (Teddy) selective: one
/// set of all 28 was measured at 3.9 GB/s on log text, the two sets at 15 and 74 GB/s.
const AWS_LITERALS: &[&str] = &[
    "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA",
];

/// The other letter prefixes (see [`AWS_LITERALS`]).
const LITERALS: &[&str] = &[
    "AIza",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "sk_",
    "rk_",
    "sk-",
    "xox",
    "xapp-",
    "whsec_",
    "eyJ",
    "Bearer ",
    "bearer ",
    "BEARER ",
    // A PEM header; see `Cx::on_literal` for how the dashes before it are counted.
    "-----BEGIN ",
];

const C_IDENT: u8 = 1;
const C_ALPHA_US: u8 = 2;
const C_HEX_COLON_DOT: u8 = 4;
const C_HEX_COLON: u8 = 8;

/// Byte classes, one load instead of a chain of comparisons per byte: `C_IDENT` for the
/// identifier runs around a digit `[A-Za-z0-9._/-]`, `C_ALPHA_US` for `[A-Za-z_]` (bit 1, so
/// `class >> 1 & 1` counts letters), `C_HEX_COLON_DOT` and `C_HEX_COLON` for IPv6 candidates.
// Evaluated at compile time: the indices are constants below 256.
#[allow(clippy::indexing_slicing)]
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0usize;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-') {
            t[c] |= C_IDENT;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            t[c] |= C_ALPHA_US;
        }
        if b.is_ascii_hexdigit() || b == b':' {
            t[c] |= C_HEX_COLON | C_HEX_COLON_DOT;
        }
        if b == b'.' {
            t[c] |= C_HEX_COLON_DOT;
        }
        c += 1;
    }
    t
};

#[inline(always)]
fn class(c: u8) -> u8 {
    CLASS.get(usize::from(c)).copied().unwrap_or(0)
}

/// A plain ASCII byte outside `[A-Za-z0-9._/-]`: a token boundary that no invisible character
/// or identifier byte can hide behind.
#[inline(always)]
fn free(c: u8) -> bool {
    c < 0x80 && class(c) & C_IDENT == 0
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_tok(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// The compiled scanner (built once per `Redactor`).
#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    aws: Option<AhoCorasick>,
    other: Option<AhoCorasick>,
}

impl Scanner {
    pub(crate) fn new() -> Self {
        let build = |pats: &[&str]| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(pats)
                .ok()
        };
        Scanner {
            aws: build(AWS_LITERALS),
            other: build(LITERALS),
        }
    }

    /// Appends every built-in finding in `text` (enabled in `set`) to `out`, in text order.
    pub(crate) fn scan(&self, text: &str, set: EntitySet, out: &mut Vec<Raw>) {
        let mut cx = Cx {
            b: text.as_bytes(),
            text,
            set,
            out,
            floor: 0,
        };
        cx.run(self.aws.as_ref(), self.other.as_ref());
    }
}

/// The next match start of one literal automaton at or after the scan position: searched
/// again only once the scan has passed the last match, so each automaton runs over the text
/// about once.
struct Literals<'a> {
    ac: Option<&'a AhoCorasick>,
    /// The next match start, if searched and not yet passed or consumed.
    pending: Option<usize>,
    /// No match after the last search position: never search again.
    done: bool,
}

impl<'a> Literals<'a> {
    fn new(ac: Option<&'a AhoCorasick>) -> Self {
        Literals {
            ac,
            pending: None,
            done: ac.is_none(),
        }
    }

    /// The first match start at or after `i`, or `text.len()` if there is none.
    #[inline]
    fn next(&mut self, text: &str, i: usize) -> usize {
        let n = text.len();
        if self.done {
            return n;
        }
        if self.pending.is_none_or(|p| p < i) {
            self.pending = self
                .ac
                .and_then(|a| a.find(aho_corasick::Input::new(text).span(i..n)))
                .map(|m| m.start());
            if self.pending.is_none() {
                self.done = true;
            }
        }
        self.pending.unwrap_or(n)
    }

    /// The literal at `l` was handled: the next search starts where the scan resumes.
    fn consumed(&mut self, l: usize) {
        if self.pending == Some(l) {
            self.pending = None;
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Group {
    start: usize,
    end: usize,
    nd: usize,
    /// Index of the first digit of this group in the digit buffer.
    off: usize,
    /// The separator before this group: 0 none, b' ', b'-', b'.', b'/', b'(' for a parenthesis.
    sep: u8,
    /// Whether that separator holds a space (a value may end before this group).
    space: bool,
}

struct Cx<'a, 'o> {
    b: &'a [u8],
    text: &'a str,
    set: EntitySet,
    out: &'o mut Vec<Raw>,
    /// End of the last finding: backward scans never reach into it (so a second pass over
    /// redacted text sees the same values).
    floor: usize,
}

impl Cx<'_, '_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn on(&self, kind: u8) -> bool {
        self.set.0 & (1u32 << kind) != 0
    }

    fn push(&mut self, kind: u8, start: usize, end: usize, conf: f32) {
        if self.on(kind) && start < end {
            self.floor = self.floor.max(end);
            self.out.push(Raw {
                kind,
                start,
                end,
                conf,
            });
        }
    }

    /// Length of a zero-width or bidi control character starting at `i`, else 0.
    fn invis(&self, i: usize) -> usize {
        match self.at(i) {
            0xE2 => {
                let (b1, b2) = (self.at(i + 1), self.at(i + 2));
                let hit = (b1 == 0x80
                    && ((0x8B..=0x8F).contains(&b2) || (0xAA..=0xAE).contains(&b2)))
                    || (b1 == 0x81 && ((0xA0..=0xA4).contains(&b2) || (0xA6..=0xA9).contains(&b2)));
                if hit { 3 } else { 0 }
            }
            0xEF if self.at(i + 1) == 0xBB && self.at(i + 2) == 0xBF => 3,
            0xC2 if self.at(i + 1) == 0xAD => 2,
            _ => 0,
        }
    }

    /// Length of an invisible character ending just before `i`, else 0.
    fn invis_before(&self, i: usize) -> usize {
        // Every invisible ends in a continuation byte.
        if self.at(i.wrapping_sub(1)) < 0x80 {
            return 0;
        }
        if i >= 3 && self.invis(i - 3) == 3 {
            3
        } else if i >= 2 && self.invis(i - 2) == 2 {
            2
        } else {
            0
        }
    }

    fn starts_with(&self, i: usize, lit: &[u8]) -> bool {
        self.b.get(i..i.saturating_add(lit.len())) == Some(lit)
    }

    fn run(&mut self, aws: Option<&AhoCorasick>, other: Option<&AhoCorasick>) {
        let n = self.b.len();
        let mut triggers = Triggers::default();
        let mut aws = Literals::new(aws);
        let mut other = Literals::new(other);
        let mut i = 0usize;
        // The next literal start (valid while `l >= i`), looked up once before the loop.
        let mut l = aws.next(self.text, 0).min(other.next(self.text, 0));
        while i < n {
            if l < i {
                l = aws.next(self.text, i).min(other.next(self.text, i));
            }
            let t = triggers.next(self.b, i);
            if l <= t {
                if l >= n {
                    break;
                }
                aws.consumed(l);
                other.consumed(l);
                let next = self.on_literal(l, i).unwrap_or(l + 1);
                i = next.max(l + 1);
                // Look the next literal up (`l < i` now).
                continue;
            }
            i = t;
            let c = self.at(i);
            let next = if c.is_ascii_digit() {
                self.on_digit(i)
            } else {
                match c {
                    b'@' => self.on_at(i),
                    b':' => self.on_colon(i),
                    b'=' => self.key_value(i).unwrap_or(i + 1),
                    _ => i + 1,
                }
            };
            i = next.max(i + 1);
        }
    }

    // ---------------------------------------------------------------- literals (keys, JWT)

    fn tok_end(&self, mut p: usize) -> usize {
        while is_tok(self.at(p)) {
            p += 1;
        }
        p
    }

    /// The literal at `p`, reached with the scan at `from <= p`.
    fn on_literal(&mut self, p: usize, from: usize) -> Option<usize> {
        if self.at(p) == b'-' {
            // `-----BEGIN `. `-` is not a trigger byte (most dashes in text are in words,
            // dates and ids); the header is found by the automaton instead, and a run of
            // dashes before it is read five at a time from where the scan stands, so a PEM
            // block starts only when the dashes since then are a multiple of five (as when
            // every dash was a stop). Otherwise the scan resumes at `BEGIN`.
            let mut d = p;
            while d > from && self.at(d - 1) == b'-' {
                d -= 1;
            }
            return Some(if (p - d).is_multiple_of(5) {
                self.on_dash(p)
            } else {
                p + 5
            });
        }
        let bearer = matches!(self.at(p), b'B' | b'b') && self.at(p + 6) == b' ';
        if !bearer && p > 0 && is_word(self.at(p - 1)) {
            return None;
        }
        if bearer {
            let mut s = p + 7;
            while self.at(s) == b' ' {
                s += 1;
            }
            return self.credential(s, 8);
        }
        let r = self.classify_token(p)?;
        self.push(r.kind, r.start, r.end, r.conf);
        Some(r.end)
    }

    /// A bearer-style credential at `s` (a JWT, a known key, or an opaque token).
    fn credential(&mut self, s: usize, min: usize) -> Option<usize> {
        if let Some(r) = self.classify_token(s) {
            self.push(r.kind, r.start, r.end, r.conf);
            return Some(r.end);
        }
        let mut e = s;
        while matches!(self.at(e), b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'~' | b'+' | b'/' | b'-')
        {
            e += 1;
        }
        while self.at(e) == b'=' {
            e += 1;
        }
        if e - s >= min {
            self.push(k::API_KEY, s, e, 0.9);
            Some(e)
        } else {
            None
        }
    }

    /// A known key format starting exactly at `p`.
    fn classify_token(&self, p: usize) -> Option<Raw> {
        let c0 = self.at(p);
        let e = self.tok_end(p);
        let tok = self.b.get(p..e)?;
        let len = tok.len();
        let digits = tok.iter().filter(|c| c.is_ascii_digit()).count();
        let raw = |kind, end, conf| {
            Some(Raw {
                kind,
                start: p,
                end,
                conf,
            })
        };
        match c0 {
            b'A' => {
                if tok.starts_with(b"AIza") {
                    return if len == 39 {
                        raw(k::API_KEY, e, 0.95)
                    } else {
                        None
                    };
                }
                const AWS: [&[u8]; 11] = [
                    b"AKIA", b"ASIA", b"ABIA", b"ACCA", b"AGPA", b"AIDA", b"AROA", b"AIPA",
                    b"ANPA", b"ANVA", b"APKA",
                ];
                if len == 20
                    && AWS.iter().any(|a| tok.starts_with(a))
                    && tok
                        .iter()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                {
                    return raw(k::AWS, e, 0.95);
                }
                None
            }
            b'g' => {
                if tok.starts_with(b"github_pat_") {
                    return if len >= 82 {
                        raw(k::API_KEY, e, 0.95)
                    } else {
                        None
                    };
                }
                if tok.len() == 40
                    && tok.starts_with(b"gh")
                    && matches!(tok.get(2), Some(b'p' | b'o' | b'u' | b's' | b'r'))
                    && tok.get(3) == Some(&b'_')
                    && validate::github_token_ok(tok)
                {
                    return raw(k::API_KEY, e, 0.99);
                }
                None
            }
            b's' | b'r' | b'w' => {
                let body_at = if tok.starts_with(b"sk_live_")
                    || tok.starts_with(b"sk_test_")
                    || tok.starts_with(b"rk_live_")
                    || tok.starts_with(b"rk_test_")
                {
                    8
                } else if tok.starts_with(b"whsec_") {
                    6
                } else if tok.starts_with(b"sk_") || tok.starts_with(b"sk-") {
                    3
                } else {
                    return None;
                };
                let body = tok.get(body_at..)?;
                let alnum = body.iter().all(|&c| is_tok(c));
                if body.len() >= 20
                    && alnum
                    && digits >= 1
                    && body.iter().any(u8::is_ascii_alphabetic)
                {
                    return raw(k::API_KEY, e, if body_at == 3 { 0.85 } else { 0.95 });
                }
                None
            }
            b'x' => {
                let slack = tok.len() >= 15
                    && (tok.starts_with(b"xapp-")
                        || (tok.starts_with(b"xox")
                            && matches!(
                                tok.get(3),
                                Some(b'a' | b'b' | b'p' | b'r' | b's' | b'o')
                            )
                            && tok.get(4) == Some(&b'-')));
                if slack && digits >= 1 {
                    raw(k::API_KEY, e, 0.95)
                } else {
                    None
                }
            }
            b'e' => self.jwt(p),
            _ => None,
        }
    }

    fn jwt(&self, p: usize) -> Option<Raw> {
        let seg = |s: usize| {
            let mut e = s;
            while matches!(self.at(e), b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-') {
                e += 1;
            }
            e
        };
        let e1 = seg(p);
        if self.at(e1) != b'.' {
            return None;
        }
        let e2 = seg(e1 + 1);
        if e2 == e1 + 1 || self.at(e2) != b'.' {
            return None;
        }
        let e3 = seg(e2 + 1);
        let header = self.b.get(p..e1)?;
        let payload = self.b.get(e1 + 1..e2)?;
        if validate::jwt_header_ok(header) && validate::jwt_payload_ok(payload) {
            Some(Raw {
                kind: k::JWT,
                start: p,
                end: e3,
                conf: 0.97,
            })
        } else {
            None
        }
    }

    // ---------------------------------------------------------------- '-----BEGIN'

    fn on_dash(&mut self, i: usize) -> usize {
        if !self.starts_with(i, b"-----") {
            return i + 1;
        }
        if !self.starts_with(i + 5, b"BEGIN ") {
            return i + 5;
        }
        let hs = i + 11;
        let Some(label_len) = self
            .b
            .get(hs..(hs + 64).min(self.b.len()))
            .and_then(|s| memchr::memmem::find(s, b"-----"))
        else {
            return i + 5;
        };
        let label = self.b.get(hs..hs + label_len).unwrap_or_default();
        if memchr::memmem::find(label, b"PRIVATE KEY").is_none() {
            return hs + label_len + 5;
        }
        let body = hs + label_len + 5;
        let end = self
            .b
            .get(body..)
            .and_then(|s| memchr::memmem::find(s, b"-----END "))
            .map(|off| body + off + 9)
            .and_then(|e| {
                self.b
                    .get(e..(e + 64).min(self.b.len()))
                    .and_then(|s| memchr::memmem::find(s, b"-----"))
                    .map(|o| e + o + 5)
            })
            // No END line: fail closed and take the rest of the text.
            .unwrap_or(self.b.len());
        self.push(k::PRIVATE_KEY, i, end, 0.99);
        end
    }

    // ---------------------------------------------------------------- '@'

    fn on_at(&mut self, i: usize) -> usize {
        // Local part, backwards.
        let mut ls = i;
        let mut steps = 0;
        loop {
            let c = self.at(ls.wrapping_sub(1));
            if ls > self.floor
                && (c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-'))
            {
                ls -= 1;
            } else {
                let l = self.invis_before(ls);
                if l == 0 || ls - l < self.floor {
                    break;
                }
                ls -= l;
            }
            steps += 1;
            if steps > 128 {
                return i + 1;
            }
        }
        while self.at(ls) == b'.' || self.invis(ls) > 0 {
            ls += if self.at(ls) == b'.' {
                1
            } else {
                self.invis(ls)
            };
        }
        if ls >= i || self.at(i - 1) == b'.' {
            return i + 1;
        }
        // Domain, forwards: labels of [A-Za-z0-9-], separated by '.'.
        let mut p = i + 1;
        let mut labels = 0;
        let mut end = i + 1;
        let mut tld_alpha = false;
        let mut tld_len = 0;
        loop {
            let ls2 = p;
            let mut alpha = true;
            let mut len = 0;
            loop {
                let c = self.at(p);
                if c.is_ascii_alphanumeric() || c == b'-' {
                    alpha &= c.is_ascii_alphabetic();
                    len += 1;
                    p += 1;
                } else {
                    let l = self.invis(p);
                    if l == 0 || len == 0 {
                        break;
                    }
                    p += l;
                }
            }
            if len == 0 || self.at(ls2) == b'-' || self.at(p - 1) == b'-' {
                break;
            }
            labels += 1;
            end = p;
            tld_alpha = alpha;
            tld_len = len;
            if self.at(p) == b'.' && self.at(p + 1).is_ascii_alphanumeric() {
                p += 1;
            } else {
                break;
            }
        }
        if labels < 2 || !tld_alpha || tld_len < 2 || self.at(end).is_ascii_alphanumeric() {
            return i + 1;
        }
        self.push(k::EMAIL, ls, end, 0.95);
        end
    }

    // ---------------------------------------------------------------- ':' and '='

    fn on_colon(&mut self, i: usize) -> usize {
        if self.at(i + 1) == b'/' && self.at(i + 2) == b'/' {
            return self.url_credentials(i);
        }
        if let Some(next) = self.key_value(i) {
            return next;
        }
        let hex_or_colon = |c: u8| c.is_ascii_hexdigit() || c == b':';
        if hex_or_colon(self.at(i.wrapping_sub(1))) || hex_or_colon(self.at(i + 1)) {
            return self.ipv6(i);
        }
        i + 1
    }

    fn url_credentials(&mut self, i: usize) -> usize {
        let s = i + 3;
        let mut p = s;
        let mut colon = None;
        while p - s < 256 {
            match self.at(p) {
                b'@' => break,
                b':' if colon.is_none() => colon = Some(p),
                0 | b'/' | b'?' | b'#' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'<'
                | b'>' => {
                    return i + 3;
                }
                _ => {}
            }
            p += 1;
        }
        if self.at(p) != b'@' {
            return i + 3;
        }
        if let Some(c) = colon
            && p > c + 1
        {
            self.push(k::PASSWORD, c + 1, p, 0.95);
        }
        p + 1
    }

    fn ipv6(&mut self, i: usize) -> usize {
        let cls = |c: u8| class(c) & C_HEX_COLON_DOT != 0;
        let mut e = i;
        while e - i < 45 && cls(self.at(e)) {
            e += 1;
        }
        while e > i && self.at(e - 1) == b'.' {
            e -= 1;
        }
        // On failure, skip the hex-and-colon run (a time such as 09:12:33 is looked at once) but
        // not a dotted tail, whose digits the number scanners still need.
        let mut run_end = i + 1;
        while run_end < e && class(self.at(run_end)) & C_HEX_COLON != 0 {
            run_end += 1;
        }
        // Glued to a word on the right (`09:12:33.123Z`): decided before looking left.
        if is_word(self.at(e)) {
            return run_end;
        }
        let mut s = i;
        while s > self.floor && i - s < 45 && cls(self.at(s - 1)) {
            s -= 1;
        }
        if s > 0 && (is_word(self.at(s - 1)) || cls(self.at(s - 1)) || self.at(s - 1) == b']') {
            return run_end;
        }
        let Some(cand) = self.b.get(s..e) else {
            return run_end;
        };
        let colons = cand.iter().filter(|&&c| c == b':').count();
        let dbl = cand.windows(2).any(|w| w == b"::");
        if !(dbl || colons == 7) || colons < 2 || !cand.iter().any(u8::is_ascii_digit) {
            return run_end;
        }
        let groups = cand.split(|&c| c == b':').filter(|g| !g.is_empty()).count();
        if groups < 2 && cand != b"::1" {
            return run_end;
        }
        let ok = std::str::from_utf8(cand)
            .ok()
            .and_then(|t| t.parse::<Ipv6Addr>().ok())
            .is_some();
        if ok {
            self.push(k::IP, s, e, 0.9);
            return e.max(i + 1);
        }
        run_end
    }

    /// `key: value` / `key=value` with a sensitive key; the delimiter is at `i`. The cheap
    /// test (the key's last three letters) is inlined at every `=` and `:`; the rest is not.
    #[inline(always)]
    fn key_value(&mut self, i: usize) -> Option<usize> {
        // Commonest case first: the key ends right at the delimiter (`status=`): one load of
        // the three bytes before it. A space or quote there takes the general path below.
        if let Some(&[a, b, c]) = self.b.get(i.wrapping_sub(3)..i)
            && !matches!(c, b' ' | b'"' | b'\'')
        {
            if !sensitive_tail([a, b, c]) {
                return None;
            }
            return self.key_value_at(i, i);
        }
        let mut ke = i;
        while ke > 0 && self.at(ke - 1) == b' ' && i - ke < 2 {
            ke -= 1;
        }
        if matches!(self.at(ke.wrapping_sub(1)), b'"' | b'\'') {
            ke -= 1;
        }
        if ke < 3 || !sensitive_tail([self.at(ke - 3), self.at(ke - 2), self.at(ke - 1)]) {
            return None;
        }
        self.key_value_at(i, ke)
    }

    /// [`Self::key_value`] once the key (ending at `ke`) may be sensitive.
    #[inline(never)]
    fn key_value_at(&mut self, i: usize, ke: usize) -> Option<usize> {
        let mut ks = ke;
        while ks > 0
            && ke - ks < 64
            && matches!(self.at(ks - 1), b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.')
        {
            ks -= 1;
        }
        let key = self.b.get(ks..ke)?;
        let kind = sensitive_key(key)?;
        // The value.
        let mut p = i + 1;
        if self.at(i) == b'=' && self.at(p) == b'>' {
            p += 1;
        }
        while matches!(self.at(p), b' ' | b'\t') && p - i < 4 {
            p += 1;
        }
        let q = self.at(p);
        let (vs, ve, after) = if q == b'"' || q == b'\'' {
            let vs = p + 1;
            let mut e = vs;
            while e - vs < 4096 {
                match self.at(e) {
                    0 | b'\n' => break,
                    b'\\' => e += 2,
                    c if c == q => break,
                    _ => e += 1,
                }
            }
            let e = e.min(self.b.len());
            (vs, e, e + 1)
        } else {
            let mut e = p;
            while !matches!(
                self.at(e),
                0 | b' '
                    | b'\t'
                    | b'\r'
                    | b'\n'
                    | b','
                    | b';'
                    | b'&'
                    | b'}'
                    | b'{'
                    | b')'
                    | b'"'
                    | b'\''
                    | b'<'
                    | b'>'
            ) {
                e += 1;
            }
            (p, e, e)
        };
        let value = self.b.get(vs..ve)?;
        if value.is_empty() || is_placeholder(value) {
            return Some(after.max(i + 1));
        }
        if kind == k::API_KEY {
            // `Authorization: Bearer x` / `Basic x`: keep the scheme, take the credential.
            let scheme_len = match value.iter().position(|&c| c == b' ') {
                Some(p) => p,
                None if self.at(ve) == b' ' && value.len() <= 16 => value.len(),
                None => 0,
            };
            if scheme_len > 0 && value.iter().take(scheme_len).all(u8::is_ascii_alphabetic) {
                let mut cs = vs + scheme_len;
                while self.at(cs) == b' ' {
                    cs += 1;
                }
                return self.credential(cs, 1).map(|e| e.max(i + 1));
            }
        }
        if let Some(r) = self.classify_token(vs) {
            self.push(r.kind, r.start, r.end, r.conf);
            return Some(r.end);
        }
        let kind = if kind == k::API_KEY { k::SECRET } else { kind };
        self.push(kind, vs, ve, 0.8);
        Some(after.max(i + 1))
    }

    // ---------------------------------------------------------------- digits

    /// The run of identifier characters `[A-Za-z0-9._/-]` (and invisibles) around `i`, without
    /// leading or trailing `.`, `/`, `-`, and how many of its bytes are `[A-Za-z_]`
    /// (`usize::MAX` when the run is too long to look back over: treated as a word).
    fn trun(&self, i: usize) -> (usize, usize, usize) {
        let mut alphas = 0usize;
        let mut s = i;
        let mut steps = 0;
        'back: loop {
            // Plain ASCII identifier bytes (never below `floor`), then at most one invisible.
            while s > self.floor {
                let k = class(self.at(s - 1));
                if k & C_IDENT == 0 {
                    break;
                }
                s -= 1;
                alphas += usize::from((k >> 1) & 1);
                steps += 1;
                if steps > 256 {
                    alphas = usize::MAX;
                    break 'back;
                }
            }
            let l = self.invis_before(s);
            if l == 0 {
                break;
            }
            s -= l;
            steps += 1;
            if steps > 256 {
                alphas = usize::MAX;
                break;
            }
        }
        let mut e = i;
        // Letters after `i`: a plain sum (at most the text length), added once at the end.
        let mut fwd = 0usize;
        loop {
            // One table load per plain ASCII byte; invisibles only at the edge of that run.
            while let Some(&c) = self.b.get(e) {
                let k = class(c);
                if k & C_IDENT == 0 {
                    break;
                }
                fwd += usize::from((k >> 1) & 1);
                e += 1;
            }
            let l = self.invis(e);
            if l == 0 {
                break;
            }
            e += l;
        }
        let alphas = alphas.saturating_add(fwd);
        while s < e && matches!(self.at(s), b'.' | b'/' | b'-') {
            s += 1;
        }
        while e > s && matches!(self.at(e - 1), b'.' | b'/' | b'-') {
            e -= 1;
        }
        (s, e, alphas)
    }

    fn on_digit(&mut self, i: usize) -> usize {
        // A digit run with a plain ASCII non-identifier byte on both sides (`status=200 `,
        // `latency_ms=87 `): it is its own token, `trun` would give exactly `(i, p, 0)`, and
        // it cannot be a timestamp (that needs a `-` glued after four digits). Skip the
        // timestamp test and `trun`; the rest is the general path.
        // A timestamp needs the same free byte before it, so without one it is not tried.
        if free(self.at(i.wrapping_sub(1))) {
            let mut p = i;
            while self.at(p).is_ascii_digit() {
                p += 1;
            }
            if free(self.at(p)) {
                if let Some(end) = self.lone_short_group(i) {
                    return end.max(p.min(i + 1));
                }
                return self.numeric(i).max(p.min(i + 1));
            }
            if let Some(e) = self.timestamp(i) {
                return e;
            }
        }
        let (ts, te, alphas) = self.trun(i);
        if alphas > 0 {
            let tok = self.b.get(ts..te).unwrap_or_default();
            // A phone extension ("…3560x4587") is the one letter a number may carry.
            let ext = alphas == 1
                && tok.iter().position(|&c| c == b'x').is_some_and(|x| {
                    x > 0
                        && tok.get(x - 1).is_some_and(u8::is_ascii_digit)
                        && tok
                            .get(x + 1..)
                            .is_some_and(|r| !r.is_empty() && r.iter().all(u8::is_ascii_digit))
                });
            // A label glued with a dash ("…1693-Office") ends the number (it ends in a letter).
            let label = tok.last().is_some_and(u8::is_ascii_alphabetic)
                && tok
                    .iter()
                    .position(u8::is_ascii_alphabetic)
                    .is_some_and(|a| {
                        a > 0
                            && tok.get(a - 1) == Some(&b'-')
                            && tok
                                .get(a..)
                                .is_some_and(|r| r.iter().all(u8::is_ascii_alphabetic))
                    });
            if !ext && !label {
                if let Some(e) = self.iban(ts) {
                    return e;
                }
                if let Some(e) = self.cnpj_alnum(ts, te) {
                    return e;
                }
                return te.max(i + 1);
            }
        }
        if let Some(end) = self.lone_short_group(ts) {
            return end.max(te.min(i + 1));
        }
        self.numeric(ts).max(te.min(i + 1))
    }

    /// An ISO-8601 UTC timestamp with a fraction, `2026-11-23T09:12:33.123Z` (1 to 9 fraction
    /// digits), standing alone at `i`: its end, else `None`. Skipping it in one step gives
    /// exactly what the general path gives, which takes three stops for it: `2026-11-23T09`,
    /// `.123Z` (digit runs glued to letters, identifiers) and `:12:33` (glued to the `Z` on the
    /// right, so not IPv6; `T09` cannot end a sensitive key). The shape is exact and must be
    /// delimited on both sides by an ASCII byte outside `[A-Za-z0-9._/-]`, so nothing
    /// glued to it (an invisible character, a digit, a letter) is ever skipped; anything else
    /// takes the general path.
    #[inline(always)]
    fn timestamp(&self, i: usize) -> Option<usize> {
        let head: &[u8; 20] = self.b.get(i..i + 20)?.try_into().ok()?;
        // `9` stands for any digit; every other byte of the pattern is literal. All 20 bytes
        // are compared without branching (the compiler vectorises it).
        let shape = head
            .iter()
            .zip(b"9999-99-99T99:99:99.")
            .fold(true, |ok, (&c, &p)| {
                ok & if p == b'9' {
                    c.wrapping_sub(b'0') < 10
                } else {
                    c == p
                }
            });
        if !shape {
            return None;
        }
        let mut e = i + 20;
        while e - i < 29 && self.at(e).is_ascii_digit() {
            e += 1;
        }
        let before_free = i == 0 || free(self.at(i - 1));
        if e == i + 20
            || self.at(e) != b'Z'
            || !before_free
            || (e + 1 < self.b.len() && !free(self.at(e + 1)))
        {
            return None;
        }
        Some(e + 1)
    }

    /// IBAN at `s`: two letters, two digits, then alphanumerics, compact or in groups of four.
    /// The shape of the first four characters is tested inline; the rest is not.
    #[inline(always)]
    fn iban(&mut self, s: usize) -> Option<usize> {
        let (c0, c1) = (self.at(s), self.at(s + 1));
        let shape = c0.is_ascii_alphabetic()
            && c1.is_ascii_alphabetic()
            && self.at(s + 2).is_ascii_digit()
            && self.at(s + 3).is_ascii_digit();
        if !shape || (c0.is_ascii_uppercase() != c1.is_ascii_uppercase()) {
            return None;
        }
        self.iban_at(s, c0, c1)
    }

    #[inline(never)]
    fn iban_at(&mut self, s: usize, c0: u8, c1: u8) -> Option<usize> {
        let want = validate::iban_len([c0.to_ascii_uppercase(), c1.to_ascii_uppercase()])?;
        let mut chars = [0u8; 34];
        let mut n = 0;
        let mut p = s;
        let mut group = 0;
        let mut spaced = false;
        while n < want {
            let c = self.at(p);
            if c.is_ascii_alphanumeric() {
                *chars.get_mut(n)? = c;
                n += 1;
                group += 1;
                p += 1;
            } else if c == b' '
                && group == 4
                && (n == 4 || spaced)
                && self.at(p + 1).is_ascii_alphanumeric()
            {
                spaced = true;
                group = 0;
                p += 1;
            } else if self.invis(p) > 0 {
                p += self.invis(p);
            } else {
                break;
            }
        }
        if n != want || is_word(self.at(p)) || !validate::iban_mod97(chars.get(..n)?) {
            return None;
        }
        self.push(k::IBAN, s, p, 0.99);
        Some(p)
    }

    /// Alphanumeric CNPJ: 14 characters or `XX.XXX.XXX/XXXX-DD`, upper case, check digits.
    fn cnpj_alnum(&mut self, s: usize, e: usize) -> Option<usize> {
        if e.wrapping_sub(s) != 14 && e.wrapping_sub(s) != 18 {
            return None;
        }
        let tok = self.b.get(s..e)?;
        let mut chars = [0u8; 14];
        let ok_shape = match tok.len() {
            14 => {
                chars.copy_from_slice(tok);
                true
            }
            18 => {
                let mut n = 0;
                let mut ok = true;
                for (idx, &c) in tok.iter().enumerate() {
                    let sep = match idx {
                        2 | 6 => Some(b'.'),
                        10 => Some(b'/'),
                        15 => Some(b'-'),
                        _ => None,
                    };
                    match sep {
                        Some(x) => ok &= c == x,
                        None => {
                            if let Some(slot) = chars.get_mut(n) {
                                *slot = c;
                            }
                            n += 1;
                        }
                    }
                }
                ok && n == 14
            }
            _ => false,
        };
        if ok_shape && validate::cnpj_ok(&chars) {
            self.push(k::CNPJ, s, e, 0.99);
            return Some(e);
        }
        None
    }

    /// A run of digit groups starting at `ts`: dates skipped, then IPv4, CPF, CNPJ, SSN and
    /// card tried on every prefix (longest first), then phones.
    /// (Callers try [`Self::lone_short_group`] first.)
    #[inline(never)]
    fn numeric(&mut self, ts: usize) -> usize {
        let mut s = ts;
        let mut plus = false;
        let mut paren = false;
        if self.at(s.wrapping_sub(1)) == b'(' {
            s -= 1;
            paren = true;
        }
        if self.at(s.wrapping_sub(1)) == b'+' {
            s -= 1;
            plus = true;
        }
        if s > 0 && is_word(self.at(s - 1)) {
            plus = false;
            paren = false;
            s = ts;
        }
        let mut digits = [0u8; 64];
        let mut nd = 0usize;
        let mut groups = Groups::default();
        let mut p = ts;
        let mut sep = 0u8;
        let mut space = false;
        loop {
            let gs = p;
            let off = nd;
            loop {
                let c = self.at(p);
                if c.is_ascii_digit() {
                    if let Some(slot) = digits.get_mut(nd) {
                        *slot = c;
                    }
                    nd += 1;
                    p += 1;
                } else {
                    let l = self.invis(p);
                    if l == 0 {
                        break;
                    }
                    p += l;
                }
            }
            if p == gs {
                break;
            }
            // A group glued to letters belongs to a word: stop before it.
            if is_word(self.at(p)) && !(self.at(p) == b'x' && self.at(p + 1).is_ascii_digit()) {
                if groups.is_empty() {
                    return p;
                }
                break;
            }
            let stored = groups.push(Group {
                start: gs,
                end: p,
                nd: nd - off,
                off,
                sep,
                space,
            });
            if !stored || groups.len() >= MAX_GROUPS || nd > 56 {
                break;
            }
            let Some((r, kind, has_space)) = self.separator(p) else {
                break;
            };
            sep = kind;
            space = has_space;
            p = r;
        }
        let Some(last) = groups.last() else {
            return ts + 1;
        };
        let mut seq_end = last.end;
        // Glued to an identifier on the right ("…4567-abc", "1.2.3.4.x").
        while let Some(g) = groups.last() {
            let after = self.at(g.end);
            if after == b'_'
                || (after == b':'
                    && (self.at(g.end + 1) == b':' || self.at(g.end + 1).is_ascii_hexdigit()))
                || (matches!(after, b'-' | b'.' | b'/')
                    && (self.at(g.end + 1).is_ascii_digit()
                        || (matches!(self.at(g.end + 1), b'[' | b'<')
                            && self.at(g.end + 2).is_ascii_uppercase())))
            {
                groups.pop();
            } else {
                break;
            }
        }
        if groups.is_empty() {
            return seq_end;
        }
        let total: usize = groups.iter().map(|g| g.nd).sum();
        if total < 7 && groups.len() < 3 {
            return seq_end;
        }
        let seq = Seq {
            groups,
            digits,
            plus,
            paren,
            start: s,
        };
        let k = seq.groups.len();
        let mut g0 = 0;
        while g0 < k {
            if let Some(next) = seq.date_at(g0) {
                g0 = next;
                continue;
            }
            let mut found: Option<(usize, Raw)> = None;
            for j in (g0..k).rev() {
                if let Some(r) = self.strict(&seq, g0, j) {
                    found = Some((j, r));
                    break;
                }
            }
            if found.is_none() && self.on(k::PHONE) && !seq.card_shaped(g0) {
                for j in (g0..k).rev() {
                    if let Some(r) = self.phone(&seq, g0, j) {
                        found = Some((j, r));
                        break;
                    }
                }
            }
            match found {
                Some((j, r)) => {
                    self.push(r.kind, r.start, r.end, r.conf);
                    seq_end = seq_end.max(r.end);
                    g0 = j + 1;
                }
                // A card-shaped run that failed validation is skipped whole.
                None if seq.card_shaped(g0) => g0 = k,
                None => g0 += 1,
            }
            // The next candidate starts after whitespace only.
            while g0 < k && seq.groups.get(g0).is_some_and(|g| !g.space) {
                g0 += 1;
            }
        }
        seq_end
    }

    /// The separator after a digit group ending at `q`: up to three of ' ', '-', '.', '/',
    /// '(', ')' (and invisibles), followed by a digit. Returns where the next group starts,
    /// the separator kind and whether it holds a space.
    fn separator(&self, q: usize) -> Option<(usize, u8, bool)> {
        let mut kind = 0u8;
        let mut len = 0;
        let mut has_space = false;
        let mut r = q;
        while len < 3 {
            let c = self.at(r);
            // ". " ends a sentence, not a number.
            if c == b'.' && self.at(r + 1) == b' ' {
                return None;
            }
            if matches!(c, b' ' | b'-' | b'.' | b'/' | b'(' | b')') {
                // At most one of '-', '.', '/' between two groups.
                if matches!(c, b'-' | b'.' | b'/') && matches!(kind, b'-' | b'.' | b'/') {
                    return None;
                }
                has_space |= c == b' ';
                kind = match (kind, c) {
                    (b'(', _) | (_, b'(' | b')') => b'(',
                    (b'-', _) | (_, b'-') => b'-',
                    (b'.', _) | (_, b'.') => b'.',
                    (b'/', _) | (_, b'/') => b'/',
                    _ => b' ',
                };
                len += 1;
                r += 1;
            } else if self.invis(r) > 0 {
                r += self.invis(r);
            } else {
                break;
            }
        }
        if len == 0 || !self.at(r).is_ascii_digit() {
            return None;
        }
        Some((r, kind, has_space))
    }

    /// Fast path of [`Self::numeric`]: a lone group of fewer than seven plain digits (no
    /// invisible inside, no second group after a separator, no `x123` extension) cannot be
    /// any value. Returns where the scan resumes, as `numeric` would, or `None` to take the
    /// full path. Most numbers in logs (`status=200`, `latency_ms=87`, `:33`) end here.
    fn lone_short_group(&self, ts: usize) -> Option<usize> {
        let mut p = ts;
        while self.at(p).is_ascii_digit() {
            p += 1;
        }
        if p == ts || p - ts >= 7 {
            return None;
        }
        let c = self.at(p);
        // The commonest ends of a log number: a space then a word, a quote, a comma, a line end.
        if (c == b' ' && self.at(p + 1).is_ascii_alphabetic())
            || matches!(
                c,
                b'"' | b'\'' | b',' | b';' | b'\n' | b'\r' | b'\t' | b']' | b'}' | 0
            )
        {
            return Some(p);
        }
        if self.invis(p) > 0 {
            return None;
        }
        if is_word(c) {
            return if c == b'x' && self.at(p + 1).is_ascii_digit() {
                None
            } else {
                Some(p)
            };
        }
        if self.separator(p).is_some() {
            return None;
        }
        Some(p)
    }

    fn span_of(&self, seq: &Seq, g0: usize, j: usize) -> Option<(usize, usize)> {
        let start = if g0 == 0 {
            seq.start
        } else {
            seq.groups.get(g0)?.start
        };
        Some((start, seq.groups.get(j)?.end))
    }

    /// Whether the sequence prefix `g0..=j` ends where a value may end (whitespace follows, or
    /// it is the last group).
    fn ends_clean(&self, seq: &Seq, j: usize) -> bool {
        seq.groups.get(j + 1).is_none_or(|g| g.space)
    }

    fn strict(&self, seq: &Seq, g0: usize, j: usize) -> Option<Raw> {
        if !self.ends_clean(seq, j) {
            return None;
        }
        let d = seq.digits_of(g0, j)?;
        let ng = j - g0 + 1;
        let nds_buf = seq.nds(g0, j);
        let nds = nds_buf.0.get(..nds_buf.1).unwrap_or_default();
        let seps_buf = seq.seps(g0, j);
        let seps = seps_buf.0.get(..seps_buf.1).unwrap_or_default();
        let lead = g0 == 0 && (seq.plus || seq.paren);
        let (start, end) = self.span_of(seq, g0, j)?;
        let (gstart, _) = (seq.groups.get(g0)?.start, ());
        let raw = |kind, conf| {
            Some(Raw {
                kind,
                start: gstart,
                end,
                conf,
            })
        };
        let _ = (start, lead);
        // IPv4.
        if ng == 4 && seps.iter().all(|&c| c == b'.') && nds.iter().all(|&n| n <= 3) {
            let txt = self.text.get(gstart..end)?;
            if txt.parse::<Ipv4Addr>().is_ok() && !self.version_context(gstart) && self.on(k::IP) {
                return raw(k::IP, 0.9);
            }
            return None;
        }
        // CPF.
        if ((ng == 4 && nds == [3, 3, 3, 2] && seps == [b'.', b'.', b'-'])
            || (ng == 1 && d.len() == 11))
            && validate::cpf_ok(d)
            && self.on(k::CPF)
        {
            return raw(k::CPF, if ng == 1 { 0.9 } else { 0.99 });
        }
        // CNPJ.
        if ((ng == 5 && nds == [2, 3, 3, 4, 2] && seps == [b'.', b'.', b'/', b'-'])
            || (ng == 1 && d.len() == 14))
            && validate::cnpj_ok(d)
            && self.on(k::CNPJ)
        {
            return raw(k::CNPJ, if ng == 1 { 0.9 } else { 0.99 });
        }
        // SSN.
        if ng == 3
            && nds == [3, 2, 4]
            && seps.first() == seps.get(1)
            && matches!(seps.first(), Some(b'-' | b' '))
            && validate::ssn_ok(d)
            && self.on(k::SSN)
        {
            return raw(
                k::SSN,
                if seps.first() == Some(&b'-') {
                    0.9
                } else {
                    0.7
                },
            );
        }
        if ng == 1
            && d.len() == 9
            && self.context(gstart).ssn
            && validate::ssn_ok(d)
            && self.on(k::SSN)
        {
            return raw(k::SSN, 0.8);
        }
        // Card.
        let same_sep = seps.windows(2).all(|w| w.first() == w.get(1))
            && seps.first().is_none_or(|c| matches!(c, b' ' | b'-'));
        if (12..=19).contains(&d.len())
            && (ng == 1 || (same_sep && nds.iter().all(|&n| (2..=8).contains(&n))))
            && validate::card_issuer_ok(d)
            && validate::luhn_digits(d)
            && self.on(k::CARD)
        {
            return raw(k::CARD, if ng == 1 { 0.85 } else { 0.95 });
        }
        None
    }

    fn phone(&self, seq: &Seq, g0: usize, j: usize) -> Option<Raw> {
        if !self.ends_clean(seq, j) {
            return None;
        }
        let d = seq.digits_of(g0, j)?;
        let ng = j - g0 + 1;
        let nds_buf = seq.nds(g0, j);
        let nds = nds_buf.0.get(..nds_buf.1).unwrap_or_default();
        let seps_buf = seq.seps(g0, j);
        let seps = seps_buf.0.get(..seps_buf.1).unwrap_or_default();
        let plus = g0 == 0 && seq.plus;
        let (start, mut end) = self.span_of(seq, g0, j)?;
        if seps.contains(&b'/') || d.len() < 7 || d.len() > 15 {
            return None;
        }
        let cx = self.context(start);
        if cx.negative && !cx.positive {
            return None;
        }
        if seps.contains(&b'/') {
            return None;
        }
        let has_dot = seps.contains(&b'.');
        if has_dot && seps.iter().any(|&c| c != b'.') {
            return None;
        }
        let n = d.len();
        let first = d.first().copied().unwrap_or(b'0');
        let mut conf: f32;
        if plus {
            if !(8..=15).contains(&n) {
                return None;
            }
            conf = 0.9;
        } else if ng == 1 {
            if n == 10 && (b'2'..=b'9').contains(&first) {
                conf = 0.6;
            } else if cx.positive && (8..=13).contains(&n) {
                conf = 0.7;
            } else {
                return None;
            }
        } else {
            let intl = d.starts_with(b"00");
            if !((7..=13).contains(&n) || (intl && (10..=15).contains(&n))) {
                return None;
            }
            let f = nds.first().copied().unwrap_or(0);
            let l = nds.last().copied().unwrap_or(0);
            if f == 1 && !(first == b'1' && n == 11) {
                return None;
            }
            if l < 2 || nds.iter().any(|&x| x > 8) {
                return None;
            }
            if has_dot && (ng < 3 || nds.iter().any(|&x| x > 4)) {
                return None;
            }
            // ZIP+4, Brazilian CEP and year pairs.
            if ((nds == [5, 4] || nds == [5, 3]) && seps == [b'-']) || nds == [3, 2, 4] {
                return None;
            }
            if nds == [4, 4] {
                let y = |g: &[u8]| g.starts_with(b"19") || g.starts_with(b"20");
                if y(d.get(..4)?) && y(d.get(4..)?) {
                    return None;
                }
            }
            conf = if nds == [3, 3, 4] || (first == b'1' && n == 11) {
                0.85
            } else {
                0.7
            };
        }
        if cx.positive {
            conf = (conf + 0.15).min(0.95);
        }
        // Extension: "x123", " ext. 123".
        if j + 1 == seq.groups.len() {
            let mut e = end;
            if self.at(e) == b'x' {
                e += 1;
                let ds = e;
                while self.at(e).is_ascii_digit() && e - ds < 6 {
                    e += 1;
                }
                if e > ds && !is_word(self.at(e)) {
                    end = e;
                }
            }
        }
        // A grouped number followed by a word ("5533 119 Countess Close") is an address.
        if !plus
            && !cx.positive
            && ng > 1
            && seps.iter().all(|&c| c == b' ')
            && self.followed_by_word(end)
        {
            return None;
        }
        Some(Raw {
            kind: k::PHONE,
            start,
            end,
            conf,
        })
    }

    fn followed_by_word(&self, end: usize) -> bool {
        if self.at(end) != b' ' {
            return false;
        }
        let ws = end + 1;
        // A placeholder stands for a word ("[EMAIL_REDACTED]", "<EMAIL_1>").
        if matches!(self.at(ws), b'[' | b'<') && self.at(ws + 1).is_ascii_uppercase() {
            return true;
        }
        let mut we = ws;
        while self.at(we).is_ascii_alphabetic() {
            we += 1;
        }
        if we == ws {
            return false;
        }
        let w = self.b.get(ws..we).unwrap_or_default().to_ascii_lowercase();
        !matches!(
            w.as_slice(),
            b"office"
                | b"fax"
                | b"mobile"
                | b"home"
                | b"work"
                | b"cell"
                | b"tel"
                | b"ext"
                | b"or"
                | b"and"
                | b"e"
                | b"ou"
                | b"y"
                | b"o"
                | b"et"
                | b"und"
                | b"oder"
        )
    }

    /// Words just before `start` that change the reading of a number.
    fn context(&self, start: usize) -> Context {
        let from = start.saturating_sub(40);
        let mut win = self.b.get(from..start).unwrap_or_default();
        // Our own placeholders ("[PHONE_REDACTED]") are not context.
        if let Some(p) = win.iter().rposition(|&c| c == b']' || c == b'>') {
            win = win.get(p + 1..).unwrap_or_default();
        }
        let mut cx = Context::default();
        let mut tail = win
            .iter()
            .rev()
            .skip_while(|c| matches!(c, b' ' | b'(' | b'+'));
        if matches!(tail.next(), Some(b'#')) {
            cx.negative = true;
        }
        let mut words = win
            .split(|c| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .rev()
            .take(3);
        for (idx, w) in words.by_ref().enumerate() {
            let mut lower = [0u8; 16];
            if w.len() > lower.len() {
                continue;
            }
            for (d, s) in lower.iter_mut().zip(w) {
                *d = s.to_ascii_lowercase();
            }
            let w = lower.get(..w.len()).unwrap_or_default();
            const POS: [&[u8]; 20] = [
                b"phone",
                b"tel",
                b"telephone",
                b"mobile",
                b"cell",
                b"call",
                b"fax",
                b"whatsapp",
                b"contact",
                b"ligue",
                b"telefone",
                b"celular",
                b"sms",
                b"text",
                b"dial",
                b"reach",
                b"desk",
                b"tlf",
                b"telefono",
                b"numero",
            ];
            const NEG: [&[u8]; 24] = [
                b"order",
                b"invoice",
                b"id",
                b"ref",
                b"reference",
                b"ticket",
                b"tracking",
                b"account",
                b"acct",
                b"ts",
                b"timestamp",
                b"pedido",
                b"protocolo",
                b"serial",
                b"transaction",
                b"txn",
                b"zip",
                b"cep",
                b"postal",
                b"postcode",
                b"isbn",
                b"license",
                b"licence",
                b"passport",
            ];
            if POS.contains(&w) {
                cx.positive = true;
            }
            if idx < 2 && NEG.contains(&w) {
                cx.negative = true;
            }
            if w == b"ssn" || w == b"social" || w == b"security" {
                cx.ssn = true;
            }
        }
        cx
    }

    /// "version 10.2.33.4", "v 1.2.3.4", "upgrade to 1.2.3.4", "build 1.2.3.4".
    fn version_context(&self, start: usize) -> bool {
        let from = start.saturating_sub(24);
        let win = self.b.get(from..start).unwrap_or_default();
        win.split(|c| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .rev()
            .take(2)
            .any(|w| {
                let w = w.to_ascii_lowercase();
                matches!(
                    w.as_slice(),
                    b"v" | b"ver"
                        | b"version"
                        | b"release"
                        | b"upgrade"
                        | b"update"
                        | b"build"
                        | b"firmware"
                        | b"kernel"
                        | b"rev"
                        | b"revision"
                        | b"tag"
                        | b"upgraded"
                        | b"updated"
                        | b"release-"
                        | b"versions"
                        | b"downgrade"
                        | b"patch"
                )
            })
    }
}

#[derive(Default)]
struct Context {
    positive: bool,
    negative: bool,
    ssn: bool,
}

/// Most digit groups read in one number (a fixed buffer: no allocation per candidate).
const MAX_GROUPS: usize = 24;

/// The digit groups of one number, on the stack.
#[derive(Default)]
struct Groups {
    items: [Group; MAX_GROUPS],
    len: usize,
}

impl Groups {
    /// Appends `g`; false (and nothing stored) when full.
    fn push(&mut self, g: Group) -> bool {
        match self.items.get_mut(self.len) {
            Some(slot) => {
                *slot = g;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }
}

impl std::ops::Deref for Groups {
    type Target = [Group];
    fn deref(&self) -> &[Group] {
        self.items.get(..self.len).unwrap_or_default()
    }
}

struct Seq {
    groups: Groups,
    digits: [u8; 64],
    plus: bool,
    paren: bool,
    start: usize,
}

impl Seq {
    fn nds(&self, g0: usize, j: usize) -> ([usize; 24], usize) {
        let mut out = [0usize; 24];
        let mut n = 0;
        for (slot, g) in out
            .iter_mut()
            .zip(self.groups.get(g0..=j).unwrap_or_default())
        {
            *slot = g.nd;
            n += 1;
        }
        (out, n)
    }

    fn seps(&self, g0: usize, j: usize) -> ([u8; 24], usize) {
        let mut out = [0u8; 24];
        let mut n = 0;
        for (slot, g) in out
            .iter_mut()
            .zip(self.groups.get(g0 + 1..=j).unwrap_or_default())
        {
            *slot = g.sep;
            n += 1;
        }
        (out, n)
    }

    fn digits_of(&self, g0: usize, j: usize) -> Option<&[u8]> {
        let a = self.groups.get(g0)?.off;
        let g = self.groups.get(j)?;
        self.digits.get(a..g.off + g.nd)
    }

    /// Four or more groups of four digits (the last 1–4) with one separator: a card-shaped
    /// number that failed validation is not re-read as a phone.
    fn card_shaped(&self, g0: usize) -> bool {
        let gs = self.groups.get(g0..).unwrap_or_default();
        let n = gs.len();
        n >= 4
            && gs.iter().enumerate().all(|(i, g)| {
                if i + 1 == n {
                    (1..=4).contains(&g.nd)
                } else {
                    g.nd == 4
                }
            })
            && gs
                .iter()
                .skip(2)
                .all(|g| gs.get(1).is_some_and(|f| f.sep == g.sep))
    }

    /// A date at group `g0` (YYYY-MM-DD, DD/MM/YYYY, MM-DD-YYYY, with '-', '/' or '.'): returns
    /// the group after it.
    fn date_at(&self, g0: usize) -> Option<usize> {
        let g = |x: usize| self.groups.get(x);
        let (a, b, c) = (g(g0)?, g(g0 + 1)?, g(g0 + 2)?);
        if b.sep != c.sep || !matches!(b.sep, b'-' | b'/' | b'.') {
            return None;
        }
        let num = |x: &Group| {
            self.digits.get(x.off..x.off + x.nd).map(|s| {
                s.iter().fold(0u32, |acc, &d| {
                    acc.saturating_mul(10)
                        .saturating_add(u32::from(d.wrapping_sub(b'0')))
                })
            })
        };
        let (va, vb, vc) = (num(a)?, num(b)?, num(c)?);
        let year = |x: &Group, v: u32| x.nd == 4 && (1900..=2099).contains(&v);
        let small = |x: &Group, v: u32, max: u32| x.nd <= 2 && (1..=max).contains(&v);
        let ymd = year(a, va) && small(b, vb, 12) && small(c, vc, 31);
        let dmy =
            small(a, va, 31) && small(b, vb, 31) && (year(c, vc) || (c.nd == 2 && b.sep == b'/'));
        (ymd || dmy).then_some(g0 + 3)
    }
}

/// Which entity a sensitive key's value is, if the key is sensitive.
pub(crate) fn sensitive_key(key: &[u8]) -> Option<u8> {
    if key.len() < 3 || key.len() > 64 {
        return None;
    }
    // Cheap filter on the last three letters before anything else.
    let t = key.get(key.len() - 3..)?;
    if !sensitive_tail([*t.first()?, *t.get(1)?, *t.get(2)?]) {
        return None;
    }
    let mut lower = [0u8; 64];
    for (d, s) in lower.iter_mut().zip(key) {
        // `-` and `.` compare as `_`: `private-key`, `secret.access.key` are `private_key`.
        *d = match s {
            b'-' | b'.' => b'_',
            other => other.to_ascii_lowercase(),
        };
    }
    let low = lower.get(..key.len())?;
    const WORDS: [(&[u8], u8); 23] = [
        (b"password", k::PASSWORD),
        (b"passwd", k::PASSWORD),
        (b"pwd", k::PASSWORD),
        (b"pass", k::PASSWORD),
        (b"passphrase", k::PASSWORD),
        (b"senha", k::PASSWORD),
        (b"secret", k::SECRET),
        (b"token", k::SECRET),
        (b"apikey", k::SECRET),
        (b"api_key", k::SECRET),
        (b"api-key", k::SECRET),
        (b"accesskey", k::SECRET),
        (b"access_key", k::SECRET),
        (b"secretkey", k::SECRET),
        (b"secret_key", k::SECRET),
        (b"privatekey", k::SECRET),
        (b"private_key", k::SECRET),
        (b"credentials", k::SECRET),
        (b"credential", k::SECRET),
        (b"authorization", k::API_KEY),
        (b"auth", k::SECRET),
        (b"cookie", k::SECRET),
        (b"session", k::SECRET),
    ];
    for (w, kind) in WORDS {
        if low == w {
            return Some(kind);
        }
        if low.len() > w.len() && low.ends_with(w) {
            let at = low.len() - w.len();
            let before = key.get(at - 1).copied().unwrap_or(0);
            let first = key.get(at).copied().unwrap_or(0);
            if matches!(before, b'_' | b'-' | b'.')
                || (first.is_ascii_uppercase() && before.is_ascii_lowercase())
            {
                return Some(kind);
            }
        }
    }
    None
}

/// Whether three bytes can end a sensitive key (the last three letters of a word of
/// [`sensitive_key`], any case). Checked at every `=` and `:` before the key is read, so a
/// `status=200` costs a few instructions.
fn sensitive_tail(t: [u8; 3]) -> bool {
    const fn w(t: &[u8; 3]) -> u32 {
        u32::from_le_bytes([t[0], t[1], t[2], 0])
    }
    const TAILS: [u32; 14] = [
        w(b"ord"),
        w(b"swd"),
        w(b"pwd"),
        w(b"ass"),
        w(b"ase"),
        w(b"nha"),
        w(b"ret"),
        w(b"ken"),
        w(b"key"),
        w(b"als"),
        w(b"ial"),
        w(b"ion"),
        w(b"uth"),
        w(b"kie"),
    ];
    // `| 0x20` lower-cases ASCII letters and never turns any other byte into a lower-case
    // letter, so comparing with lower-case tails is a case-insensitive match on letters only.
    let x = w(&t) | 0x0020_2020;
    // One multiplication hashes the three bytes to one of 64 bits; the tails set 8 of them
    // and the commonest log keys (`request_id`, `method`, `path`, `status`, `latency_ms`,
    // `msg`, `name`, `user`, `level`, `code`) none, so most keys stop here. A set bit only
    // means "compare with the list".
    const K: u32 = 0x0698_A9E3;
    const fn slot(x: u32) -> u32 {
        x.wrapping_mul(K) >> 26
    }
    #[allow(clippy::indexing_slicing)]
    const BLOOM: u64 = {
        let mut m = 0u64;
        let mut j = 0;
        while j < TAILS.len() {
            m |= 1 << slot(TAILS[j]);
            j += 1;
        }
        m
    };
    if (BLOOM >> slot(x)) & 1 == 0 {
        return false;
    }
    TAILS.contains(&x)
}

/// Our own placeholders and obvious non-values are not re-redacted.
fn is_placeholder(v: &[u8]) -> bool {
    placeholder_shaped(v, b'[', b']')
        || placeholder_shaped(v, b'<', b'>')
        || v.iter().all(|&c| c == b'*')
        || matches!(
            v,
            b"null" | b"none" | b"None" | b"true" | b"false" | b"NULL" | b"nil"
        )
}

/// `[EMAIL_REDACTED]`, `[EMAIL_1f2e3d4c5b6a7988]`, `<EMAIL_1>`: an upper-case label, an
/// underscore, then upper-case letters, digits or lower-case hex. A bracketed secret such as
/// `password=[hunter2]` is not a placeholder.
fn placeholder_shaped(v: &[u8], open: u8, close: u8) -> bool {
    let Some(inner) = v
        .strip_prefix(&[open])
        .and_then(|r| r.strip_suffix(&[close]))
    else {
        return false;
    };
    inner.first().is_some_and(u8::is_ascii_uppercase)
        && inner.contains(&b'_')
        && inner
            .iter()
            .all(|&c| matches!(c, b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use crate::{Entity, Redactor};

    fn found(text: &str) -> Vec<(String, String)> {
        Redactor::new()
            .detect(text)
            .into_iter()
            .map(|f| (f.entity.name().to_owned(), f.value(text).to_owned()))
            .collect()
    }

    fn one(text: &str, entity: Entity, value: &str) {
        assert_eq!(
            found(text),
            vec![(entity.name().to_owned(), value.to_owned())],
            "in {text:?}"
        );
    }

    fn none(text: &str) {
        assert_eq!(found(text), vec![], "in {text:?}");
    }

    #[test]
    fn leakguard_mistakes_are_avoided() {
        none("release v1.2.3.4 is out");
        none("deployed build 1.2.3.4 today");
        none("ts=1718035200000 took 5ms");
        none("at 1700000000000 and 1718035200000");
        one(
            "IBAN GB82 WEST 1234 5698 7654 32 ok",
            Entity::Iban,
            "GB82 WEST 1234 5698 7654 32",
        );
        one(
            "write to bob@example.com.",
            Entity::Email,
            "bob@example.com",
        );
    }

    #[test]
    fn emails() {
        one(
            "x carol@exa\u{200b}mple.com y",
            Entity::Email,
            "carol@exa\u{200b}mple.com",
        );
        one(
            "<alice.b+tag@mail.example.co.uk>",
            Entity::Email,
            "alice.b+tag@mail.example.co.uk",
        );
        none("weird@host.c|m");
        none("@mention and a@b");
        none("user@localhost");
    }

    #[test]
    fn numbers_and_ids() {
        one("CPF: 529.982.247-25", Entity::Cpf, "529.982.247-25");
        one("cpf 52998224725", Entity::Cpf, "52998224725");
        none("CPF: 123.456.789-00");
        none("111.111.111-11");
        one(
            "CNPJ 11.222.333/0001-81",
            Entity::Cnpj,
            "11.222.333/0001-81",
        );
        one("cnpj 11222333000181", Entity::Cnpj, "11222333000181");
        one(
            "CNPJ 12.ABC.345/01DE-35.",
            Entity::Cnpj,
            "12.ABC.345/01DE-35",
        );
        one("cnpj 12ABC34501DE35", Entity::Cnpj, "12ABC34501DE35");
        none("CNPJ 12.345.678/0001-00");
        one(
            "card 4111 1111 1111 1111 exp 12/30",
            Entity::CreditCard,
            "4111 1111 1111 1111",
        );
        one(
            "amex 3782 822463 10005",
            Entity::CreditCard,
            "3782 822463 10005",
        );
        one(
            "mc 2221000000000009",
            Entity::CreditCard,
            "2221000000000009",
        );
        none("4111 1111 1111 1112");
        one("SSN 123-45-6789", Entity::Ssn, "123-45-6789");
        none("SSN 666-45-6789");
        none("id 3b241101-e2bb-4255-8caa-4c8d0a6e0e5f");
        none("2024-01-15 12:30:00");
        none("on 15/01/2024 at noon");
    }

    #[test]
    fn phones() {
        one(
            "Ligue +55 11 99999-9999 hoje",
            Entity::Phone,
            "+55 11 99999-9999",
        );
        one("(11) 98765-4321", Entity::Phone, "(11) 98765-4321");
        one("Call (555) 123-4567", Entity::Phone, "(555) 123-4567");
        one("+1 415-555-2671", Entity::Phone, "+1 415-555-2671");
        one("Fax: 345-899-3560x4587", Entity::Phone, "345-899-3560x4587");
        one("082 490 1693-Office", Entity::Phone, "082 490 1693");
        none("Order 1234567890 shipped");
        none("order 5551234567 shipped");
        none("lives at 5533 119 Countess Close");
        none("ZIP: 90010-170");
    }

    #[test]
    fn ips() {
        one(
            "server 192.168.0.1 responded",
            Entity::IpAddress,
            "192.168.0.1",
        );
        one("addr 2001:db8::1 ok", Entity::IpAddress, "2001:db8::1");
        one(
            "from [fe80::1ff:fe23:4567:890a]:443",
            Entity::IpAddress,
            "fe80::1ff:fe23:4567:890a",
        );
        none("upgrade to 10.2.33.4");
        none("999.1.1.1 and 12:30:45 and std::vector and aa:bb:cc:dd:ee:ff");
    }

    #[test]
    fn secrets() {
        one(
            "AKIAIOSFODNN7EXAMPLE",
            Entity::AwsKey,
            "AKIAIOSFODNN7EXAMPLE",
        );
        one(
            "key AKIAABCDEFGHIJKLMNOP end",
            Entity::AwsKey,
            "AKIAABCDEFGHIJKLMNOP",
        );
        one(
            "t 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",
            Entity::ApiKey,
            "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",
        );
        none("placeholder ghp_16C7e42F292c6912E7710c838347Ae178B4a");
        one(
            "token sk_abcdefghijklmnopqrstuvwxyz0123",
            Entity::ApiKey,
            "sk_abcdefghijklmnopqrstuvwxyz0123",
        );
        one(
            "k=sk-proj-Abc123def456GHI789jkl012",
            Entity::ApiKey,
            "sk-proj-Abc123def456GHI789jkl012",
        );
        one(
            "slack xoxb-123456789012-abcdefABCDEF",
            Entity::ApiKey,
            "xoxb-123456789012-abcdefABCDEF",
        );
        one(
            "g AIzaSyA1234567890abcdefghijklmnopqrstuv",
            Entity::ApiKey,
            "AIzaSyA1234567890abcdefghijklmnopqrstuv",
        );
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        one(&format!("Authorization: Bearer {jwt}"), Entity::Jwt, jwt);
        one(
            "Authorization: Bearer abcdef123456",
            Entity::ApiKey,
            "abcdef123456",
        );
        one("password=hunter2 next", Entity::Password, "hunter2");
        one(
            r#"{"db_password": "correct horse"}"#,
            Entity::Password,
            "correct horse",
        );
        one("client_secret: s3cr3tvalue", Entity::Secret, "s3cr3tvalue");
        none("password=[PASSWORD_REDACTED]");
        one("password=[hunter2] next", Entity::Password, "[hunter2]");
        for key in [
            "private-key",
            "aws-secret-access-key",
            "X-Secret-Key",
            "access.key",
        ] {
            assert!(
                super::sensitive_key(key.as_bytes()).is_some(),
                "{key} is a sensitive key"
            );
        }
        none("bypass=true max_tokens=100");
        one(
            "postgres://admin:p4ss@db.example.com/x",
            Entity::Password,
            "p4ss",
        );
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END RSA PRIVATE KEY-----";
        one(&format!("key:\n{pem}\nrest"), Entity::PrivateKey, pem);
        none("-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----");
    }

    #[test]
    fn invisible_characters_do_not_hide_values() {
        one(
            "4111\u{200b}1111 1111 1111",
            Entity::CreditCard,
            "4111\u{200b}1111 1111 1111",
        );
        one(
            "529.982.\u{202e}247-25",
            Entity::Cpf,
            "529.982.\u{202e}247-25",
        );
    }

    #[test]
    fn timestamps_are_skipped_whole_but_hide_nothing_next_to_them() {
        for ts in [
            "2026-11-23T09:12:33.123Z",
            "2026-11-23T09:12:33.1Z",
            "2026-11-23T09:12:33.123456789Z",
        ] {
            none(ts);
            none(&format!("{ts} INFO status=200 latency_ms=87"));
            one(
                &format!("{ts} card 4111 1111 1111 1111"),
                Entity::CreditCard,
                "4111 1111 1111 1111",
            );
            one(
                &format!("call +55 11 99999-9999 {ts}"),
                Entity::Phone,
                "+55 11 99999-9999",
            );
            one(&format!("ip={ts},10.1.2.3"), Entity::IpAddress, "10.1.2.3");
            one(&format!("{ts} fe80::1"), Entity::IpAddress, "fe80::1");
            one(&format!("password={ts}"), Entity::Password, ts);
        }
        // Not the exact shape, or glued to something: the general path decides, and a value
        // inside is still found.
        none("2026-11-23T09:12:33.123Z4111111111111111");
        none("ssn 123-45-6789T09:12:33.123Z");
    }

    #[test]
    fn pem_header_after_a_run_of_dashes() {
        let block = "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----";
        one(&format!("key {block} end"), Entity::PrivateKey, block);
        // Dashes read five at a time: ten dashes leave a header, six do not.
        one(&format!("x -----{block}"), Entity::PrivateKey, block);
        none(&format!("x -{block}"));
        // Not a private key: the label is skipped, the values after it are not.
        one(
            "-----BEGIN CERTIFICATE----- 123-45-6789",
            Entity::Ssn,
            "123-45-6789",
        );
    }

    #[test]
    fn values_across_trigger_windows_and_both_automata() {
        // Every offset around the 64-byte trigger windows: the value is found whole.
        for pad in 40..140 {
            let filler = "é".repeat(pad / 2) + &"w".repeat(pad % 2);
            for (value, entity) in [
                ("4111 1111 1111 1111", Entity::CreditCard),
                ("bob@example.com", Entity::Email),
                ("192.168.0.1", Entity::IpAddress),
                ("AKIAIOSFODNN7EXAMPLE", Entity::AwsKey),
            ] {
                one(&format!("{filler} {value} end"), entity, value);
            }
        }
        // Literals of the two automata, adjacent and in either order.
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        for text in [
            format!("AKIAIOSFODNN7EXAMPLE {jwt}"),
            format!("{jwt} AKIAIOSFODNN7EXAMPLE"),
        ] {
            let mut got: Vec<String> = found(&text).into_iter().map(|(e, _)| e).collect();
            got.sort();
            assert_eq!(got, ["AWS_KEY", "JWT"], "in {text:?}");
        }
        // Empty text: no literal search result, no trigger, nothing found.
        none("");
        // Short numbers end fast, and are still read whole when a group follows.
        none("status=200 latency_ms=87 t=09:12:33.123Z req-0a1b2c3d");
        one(
            "call 555\u{200b}123-4567 now",
            Entity::Phone,
            "555\u{200b}123-4567",
        );
    }

    #[test]
    fn tail_prefilter_drops_no_tail() {
        // The hash prefilter of `sensitive_tail` only ever answers "no" for non-tails: same
        // answer as the plain list on every three-byte key end over letters, digits, `_-.`
        // and a few other bytes.
        let bytes: Vec<u8> = (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain([b'_', b'-', b'.', b' ', b'"', 0xC3, 0x80])
            .collect();
        let plain = |t: [u8; 3]| {
            let x = u32::from_le_bytes([t[0] | 0x20, t[1] | 0x20, t[2] | 0x20, 0]);
            [
                b"ord", b"swd", b"pwd", b"ass", b"ase", b"nha", b"ret", b"ken", b"key", b"als",
                b"ial", b"ion", b"uth", b"kie",
            ]
            .iter()
            .any(|w| u32::from_le_bytes([w[0], w[1], w[2], 0]) == x)
        };
        let mut hits = 0;
        for &a in &bytes {
            for &b in &bytes {
                for &c in &bytes {
                    let t = [a, b, c];
                    assert_eq!(super::sensitive_tail(t), plain(t), "{t:?}");
                    hits += usize::from(plain(t));
                }
            }
        }
        assert_eq!(hits, 14 * 8);
        for key in [
            "request_id",
            "method",
            "path",
            "status",
            "latency_ms",
            "msg",
        ] {
            assert_eq!(super::sensitive_key(key.as_bytes()), None, "{key}");
        }
    }

    #[test]
    fn entities_can_be_switched_off() {
        let r = Redactor::builder().disable(&Entity::Email).build().unwrap();
        assert_eq!(r.redact("a@b.com 192.168.0.1"), "a@b.com [IP_REDACTED]");
    }
}
