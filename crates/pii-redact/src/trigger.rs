//! Finding trigger bytes 64 at a time.
//!
//! Every built-in value starts at, or is anchored on, a digit, `:`, `=` or `@` (keys that
//! start with letters, and the PEM header `-----BEGIN `, come from the Aho-Corasick automata
//! instead). Log text is dense in such
//! bytes but most of it (words, non-ASCII scripts) is not, so the scanner asks for the next
//! trigger at or after a position and gets it from a 64-bit mask of the next 64 bytes.
//!
//! The mask is computed without `unsafe` and without a table: a flag byte per input byte with
//! plain comparisons (which the compiler turns into SIMD compares), then eight flag bytes are
//! gathered into eight bits with one multiplication. Non-ASCII bytes (>= 0x80) are never
//! triggers, so a line of Japanese or Cyrillic costs the same as a line of spaces.

/// Whether `c` can start or anchor a built-in finding: `0-9`, `:`, `=`, `@`.
#[inline(always)]
pub(crate) fn is_trigger(c: u8) -> bool {
    // `0`..=`:` is one range (0x30..=0x3A). Non-short-circuit `|` keeps the loop in
    // `mask` branch-free, so it vectorises.
    (c.wrapping_sub(b'0') <= 10) | (c == b'=') | (c == b'@')
}

/// Bit `j` is set when `block[j]` is a trigger.
#[inline]
fn mask(block: &[u8; 64]) -> u64 {
    let mut flags = [0u8; 64];
    for (f, &c) in flags.iter_mut().zip(block) {
        *f = u8::from(is_trigger(c));
    }
    gather(&flags)
}

/// Bit `j` of the result is bit 0 of `flags[j]`. Each byte of a word, masked to 0 or 1,
/// is moved by one multiplication to bit 56 + k with no carries (every partial product lands on
/// a distinct bit).
#[inline]
fn gather(flags: &[u8; 64]) -> u64 {
    let mut m = 0u64;
    for (w, chunk) in flags.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let plane = u64::from_le_bytes(word) & 0x0101_0101_0101_0101;
        m |= (plane.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * w);
    }
    m
}

/// The next trigger at or after a position, from a cached mask of 64 bytes.
#[derive(Debug)]
pub(crate) struct Triggers {
    /// Offset of the cached block; before the first block, `1 << 63`, which no slice index
    /// reaches (slices are at most `isize::MAX` bytes), so every position is outside it.
    base: usize,
    /// Its mask (bit `j` for byte `base + j`).
    bits: u64,
}

impl Default for Triggers {
    fn default() -> Self {
        Triggers {
            base: 1 << (usize::BITS - 1),
            bits: 0,
        }
    }
}

impl Triggers {
    /// Position of the first trigger at or after `i`, or `b.len()` if there is none.
    #[inline]
    pub(crate) fn next(&mut self, b: &[u8], mut i: usize) -> usize {
        loop {
            if i >= b.len() {
                return b.len();
            }
            // One comparison: below `base` the difference wraps to a huge value.
            let mut off = i.wrapping_sub(self.base);
            if off >= 64 {
                self.base = i;
                self.bits = load_mask(b, i);
                off = 0;
            }
            let m = self.bits & (u64::MAX << off);
            if m != 0 {
                return self.base + m.trailing_zeros() as usize;
            }
            i = self.base + 64;
        }
    }
}

/// The mask of `b[i..i + 64]`, zero-padded past the end (0 is not a trigger).
#[inline]
fn load_mask(b: &[u8], i: usize) -> u64 {
    match b
        .get(i..i.saturating_add(64))
        .and_then(|s| <&[u8; 64]>::try_from(s).ok())
    {
        Some(block) => mask(block),
        None => {
            let mut block = [0u8; 64];
            let tail = b.get(i..).unwrap_or_default();
            for (d, s) in block.iter_mut().zip(tail) {
                *d = *s;
            }
            mask(&block)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_trigger_in_order() {
        let text = "ab 1 é日本 x=y ü@ --:: a-b zz ".repeat(7);
        let b = text.as_bytes();
        let want: Vec<usize> = (0..b.len()).filter(|&i| is_trigger(b[i])).collect();
        let mut got = Vec::new();
        let mut t = Triggers::default();
        let mut i = 0;
        loop {
            let p = t.next(b, i);
            if p >= b.len() {
                break;
            }
            got.push(p);
            i = p + 1;
        }
        assert_eq!(got, want);
        // Jumping backwards and far ahead re-reads the block.
        assert_eq!(t.next(b, 0), want[0]);
        assert_eq!(t.next(b, want[20]), want[20]);
        assert_eq!(t.next(b, b.len()), b.len());
        assert_eq!(Triggers::default().next(b"", 0), 0);
    }
}
