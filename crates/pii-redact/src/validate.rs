//! Validators: checksums and structural rules that turn a candidate into a finding.
//!
//! Every function takes already-extracted ASCII characters (separators and invisible
//! characters removed) and never panics.

/// Luhn (mod 10) check over ASCII digits.
pub(crate) fn luhn_digits(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &d) in digits.iter().rev().enumerate() {
        if !d.is_ascii_digit() {
            return false;
        }
        let mut v = u32::from(d - b'0');
        if k % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    digits.len() >= 2 && sum.is_multiple_of(10)
}

fn prefix_num(digits: &[u8], n: usize) -> u32 {
    digits.iter().take(n).fold(0u32, |acc, &d| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(d.wrapping_sub(b'0')))
    })
}

/// Whether a card number of this length and prefix belongs to a known issuer range.
///
/// Visa 4 (13, 16, 19); Mastercard 51–55 and 2221–2720 (16); Amex 34, 37 (15); Discover 6011,
/// 644–649, 65 (16–19); JCB 35 (16–19; the whole 35 block, as card generators use it) and the old 1800/2131 (15); Diners 300–305, 3095,
/// 36, 38–39 (14–19); UnionPay 62 (16–19); Maestro 50, 56–69 and 0604 (12–19); Mir 2200–2204
/// (16–19). A 13-digit number is accepted only for Visa, so millisecond timestamps (which start
/// with 1) never pass.
pub(crate) fn card_issuer_ok(digits: &[u8]) -> bool {
    let len = digits.len();
    let p1 = prefix_num(digits, 1);
    let p2 = prefix_num(digits, 2);
    let p3 = prefix_num(digits, 3);
    let p4 = prefix_num(digits, 4);
    match p1 {
        4 => matches!(len, 13 | 16 | 19),
        5 => {
            ((51..=55).contains(&p2) && len == 16)
                || ((p2 == 50 || (56..=59).contains(&p2)) && (12..=19).contains(&len))
        }
        2 => {
            ((2221..=2720).contains(&p4) && len == 16)
                || ((2200..=2204).contains(&p4) && (16..=19).contains(&len))
                || (p4 == 2131 && len == 15)
        }
        3 => {
            ((p2 == 34 || p2 == 37) && len == 15)
                || (p2 == 35 && (16..=19).contains(&len))
                || (((300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39)
                    && (14..=19).contains(&len))
        }
        6 => {
            ((p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&len))
                || (p2 == 62 && (16..=19).contains(&len))
                || (12..=19).contains(&len)
        }
        1 => p4 == 1800 && len == 15,
        0 => p4 == 604 && (12..=19).contains(&len),
        _ => false,
    }
}

/// CPF: 11 digits, two mod-11 check digits, not all the same digit.
pub(crate) fn cpf_ok(d: &[u8]) -> bool {
    if d.len() != 11 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if d.iter().all(|&c| Some(&c) == d.first()) {
        return false;
    }
    let mut v = [0u32; 11];
    for (slot, &c) in v.iter_mut().zip(d) {
        *slot = u32::from(c - b'0');
    }
    let check = |n: usize| -> u32 {
        let s: u32 = v
            .iter()
            .take(n)
            .enumerate()
            .map(|(k, &x)| x * (n as u32 + 1 - k as u32))
            .sum();
        let r = (s * 10) % 11;
        if r == 10 { 0 } else { r }
    };
    v.get(9) == Some(&check(9)) && v.get(10) == Some(&check(10))
}

/// CNPJ, numeric or the alphanumeric form issued from July 2026: 12 characters in `[0-9A-Z]`
/// (value = ASCII code − 48) and two numeric mod-11 check digits; all-same rejected.
pub(crate) fn cnpj_ok(d: &[u8]) -> bool {
    if d.len() != 14 {
        return false;
    }
    let (body, checks) = d.split_at(12);
    if !body
        .iter()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        || !checks.iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    if d.iter().all(|&c| Some(&c) == d.first()) {
        return false;
    }
    let mut vals = [0u32; 14];
    for (slot, &c) in vals.iter_mut().zip(d) {
        *slot = u32::from(c) - 48;
    }
    const W1: [u32; 12] = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const W2: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let dv = |w: &[u32]| -> u32 {
        let s: u32 = vals.iter().zip(w).map(|(a, b)| a * b).sum();
        let r = s % 11;
        if r < 2 { 0 } else { 11 - r }
    };
    vals.get(12) == Some(&dv(&W1)) && vals.get(13) == Some(&dv(&W2))
}

/// US SSN rules: area not 000, 666 or 900–999; group not 00; serial not 0000.
pub(crate) fn ssn_ok(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let area = prefix_num(d, 3);
    let group = prefix_num(d.get(3..5).unwrap_or_default(), 2);
    let serial = prefix_num(d.get(5..9).unwrap_or_default(), 4);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// IBAN length by country (ISO 13616 registry).
pub(crate) fn iban_len(cc: [u8; 2]) -> Option<usize> {
    let l = match &cc {
        b"AD" => 24,
        b"AE" => 23,
        b"AL" => 28,
        b"AT" => 20,
        b"AZ" => 28,
        b"BA" => 20,
        b"BE" => 16,
        b"BG" => 22,
        b"BH" => 22,
        b"BI" => 27,
        b"BR" => 29,
        b"BY" => 28,
        b"CH" => 21,
        b"CR" => 22,
        b"CY" => 28,
        b"CZ" => 24,
        b"DE" => 22,
        b"DJ" => 27,
        b"DK" => 18,
        b"DO" => 28,
        b"EE" => 20,
        b"EG" => 29,
        b"ES" => 24,
        b"FI" => 18,
        b"FK" => 18,
        b"FO" => 18,
        b"FR" => 27,
        b"GB" => 22,
        b"GE" => 22,
        b"GI" => 23,
        b"GL" => 18,
        b"GR" => 27,
        b"GT" => 28,
        b"HN" => 28,
        b"HR" => 21,
        b"HU" => 28,
        b"IE" => 22,
        b"IL" => 23,
        b"IQ" => 23,
        b"IS" => 26,
        b"IT" => 27,
        b"JO" => 30,
        b"KW" => 30,
        b"KZ" => 20,
        b"LB" => 28,
        b"LC" => 32,
        b"LI" => 21,
        b"LT" => 20,
        b"LU" => 20,
        b"LV" => 21,
        b"LY" => 25,
        b"MC" => 27,
        b"MD" => 24,
        b"ME" => 22,
        b"MK" => 19,
        b"MN" => 20,
        b"MR" => 27,
        b"MT" => 31,
        b"MU" => 30,
        b"NI" => 28,
        b"NL" => 18,
        b"NO" => 15,
        b"OM" => 23,
        b"PK" => 24,
        b"PL" => 28,
        b"PS" => 29,
        b"PT" => 25,
        b"QA" => 29,
        b"RO" => 24,
        b"RS" => 22,
        b"RU" => 33,
        b"SA" => 24,
        b"SC" => 31,
        b"SD" => 18,
        b"SE" => 24,
        b"SI" => 19,
        b"SK" => 24,
        b"SM" => 27,
        b"SO" => 23,
        b"ST" => 25,
        b"SV" => 28,
        b"TL" => 23,
        b"TN" => 24,
        b"TR" => 26,
        b"UA" => 29,
        b"VA" => 22,
        b"VG" => 24,
        b"XK" => 20,
        b"YE" => 30,
        _ => return None,
    };
    Some(l)
}

/// IBAN mod-97 over upper-cased alphanumerics (country length checked by the caller).
pub(crate) fn iban_mod97(chars: &[u8]) -> bool {
    if chars.len() < 5 {
        return false;
    }
    let (head, tail) = chars.split_at(4);
    let mut rem: u32 = 0;
    for &c in tail.iter().chain(head) {
        let c = c.to_ascii_uppercase();
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub classic token (`gh[pousr]_` + 30 base62 + 6-char base62 CRC-32 of the 30).
pub(crate) fn github_token_ok(token: &[u8]) -> bool {
    if token.len() != 40 {
        return false;
    }
    let Some(body) = token.get(4..34) else {
        return false;
    };
    let Some(check) = token.get(34..40) else {
        return false;
    };
    if !token
        .get(4..)
        .unwrap_or_default()
        .iter()
        .all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut crc = crc32fast::hash(body);
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot = BASE62.get((crc % 62) as usize).copied().unwrap_or(b'0');
        crc /= 62;
    }
    crc == 0 && enc == check
}

/// A JWT header: base64url JSON object with an `alg` member.
pub(crate) fn jwt_header_ok(segment: &[u8]) -> bool {
    use base64::Engine as _;
    if segment.len() < 10 || segment.len() > 2048 {
        return false;
    }
    // Decoded on the stack (2048 base64 characters are at most 1536 bytes): no allocation
    // per candidate.
    let mut buf = [0u8; 1536];
    let Ok(n) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode_slice(segment, &mut buf)
    else {
        return false;
    };
    let decoded = buf.get(..n).unwrap_or_default();
    decoded.first() == Some(&b'{') && decoded.windows(5).any(|w| w == b"\"alg\"")
}

/// A JWT payload: base64url of a JSON object (only the first bytes are inspected).
pub(crate) fn jwt_payload_ok(segment: &[u8]) -> bool {
    use base64::Engine as _;
    let take = segment.len().min(16) & !3;
    let Some(head) = segment.get(..take) else {
        return false;
    };
    if head.is_empty() {
        return false;
    }
    let mut buf = [0u8; 12];
    let Ok(n) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode_slice(head, &mut buf)
    else {
        return false;
    };
    buf.get(..n).unwrap_or_default().first() == Some(&b'{')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards() {
        assert!(luhn_digits(b"4111111111111111") && card_issuer_ok(b"4111111111111111"));
        assert!(luhn_digits(b"378282246310005") && card_issuer_ok(b"378282246310005"));
        assert!(card_issuer_ok(b"2221000000000009") && luhn_digits(b"2221000000000009"));
        assert!(!card_issuer_ok(b"1718035200000"));
        assert!(!luhn_digits(b"4111111111111112"));
    }

    #[test]
    fn cpf_cnpj() {
        assert!(cpf_ok(b"52998224725"));
        assert!(!cpf_ok(b"12345678900"));
        assert!(!cpf_ok(b"11111111111"));
        assert!(cnpj_ok(b"11222333000181"));
        assert!(!cnpj_ok(b"12345678000100"));
        // Alphanumeric example published by the Receita Federal.
        assert!(cnpj_ok(b"12ABC34501DE35"));
        assert!(!cnpj_ok(b"12ABC34501DE36"));
    }

    #[test]
    fn ssn_iban_github() {
        assert!(ssn_ok(b"123456789"));
        assert!(!ssn_ok(b"666456789") && !ssn_ok(b"900456789") && !ssn_ok(b"123006789"));
        assert!(!ssn_ok(b"123450000") && !ssn_ok(b"000456789"));
        assert!(iban_mod97(b"GB82WEST12345698765432"));
        assert!(!iban_mod97(b"GB82WEST12345698765433"));
        assert_eq!(iban_len(*b"GB"), Some(22));
        assert!(github_token_ok(b"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"));
        assert!(!github_token_ok(
            b"ghp_16C7e42F292c6912E7710c838347Ae178B4a"
        ));
    }
}
