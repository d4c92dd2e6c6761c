#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;

pub use error::Error;

/// Luhn (mod 10) check over the ASCII digits of `candidate`, skipping spaces and dashes.
///
/// Returns `false` for anything else, and for fewer than two digits.
pub fn luhn_valid(candidate: &str) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for byte in candidate.bytes().rev() {
        match byte {
            b' ' | b'-' => continue,
            b'0'..=b'9' => {
                let mut digit = u32::from(byte - b'0');
                if count % 2 == 1 {
                    digit *= 2;
                    if digit > 9 {
                        digit -= 9;
                    }
                }
                sum += digit;
                count += 1;
            }
            _ => return false,
        }
    }
    count >= 2 && sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("4111-1111-1111-1111"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid("4111x1111"));
        assert!(!luhn_valid("0"));
    }
}
