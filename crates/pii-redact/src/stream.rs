//! Streaming redaction of chunked text in constant memory.

use crate::{Entity, Redactor};

/// Bytes of look-ahead kept back before text is released (longer than any bounded value:
/// spaced phones and IBANs, GitHub fine-grained tokens, `Bearer` credentials).
const HOLD: usize = 512;
/// Bytes of already-released text kept as left context (local parts of emails, "order" before
/// a number).
const CONTEXT: usize = 128;
/// A value without whitespace (a JWT, a base64 blob) is held back up to this size before it is
/// cut anyway.
const MAX_TOKEN: usize = 16 * 1024;
/// A private-key block longer than this is released as its placeholder and the rest of it is
/// dropped until its `-----END` line.
const MAX_BLOCK: usize = 64 * 1024;

/// Redacts a stream of text chunks (server-sent events, a large file read in pieces).
///
/// A value split across chunks is still found: text is released only once 512 bytes of
/// look-ahead follow it, never in the middle of a whitespace-free token (up to 16 KiB) and never
/// inside a finding. Memory stays bounded by the chunk size plus about 17 KiB, except while a
/// private-key block is open (bounded by 64 KiB, after which the block is redacted and the rest
/// of it dropped).
///
/// Output equals [`Redactor::redact`] of the concatenated input for ordinary text; the
/// concatenation of everything returned by [`Self::push`] and [`Self::finish`] is the redacted
/// stream.
#[derive(Debug)]
pub struct StreamRedactor<'r> {
    redactor: &'r Redactor,
    buf: String,
    /// Bytes at the front of `buf` already released (left context).
    released: usize,
    /// Inside an over-long private-key block: drop input until its END line.
    in_block: bool,
    /// Length `buf` must reach before the next detection pass: at least [`HOLD`] new bytes
    /// between passes, so tiny chunks (a token per server-sent event) cost amortised linear
    /// time instead of one full pass over the held window per chunk.
    scan_at: usize,
}

impl<'r> StreamRedactor<'r> {
    pub(crate) fn new(redactor: &'r Redactor) -> Self {
        StreamRedactor {
            redactor,
            buf: String::new(),
            released: 0,
            in_block: false,
            scan_at: 0,
        }
    }

    /// Adds a chunk; returns the text that is now safe to release (possibly empty).
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::new();
        self.push_into(chunk, &mut out);
        out
    }

    /// [`Self::push`] appending to `out`.
    pub fn push_into(&mut self, chunk: &str, out: &mut String) {
        let mut chunk = chunk;
        if self.in_block {
            self.buf.push_str(chunk);
            let end = self.buf.find("-----END ").and_then(|e| {
                self.buf
                    .get(e + 9..)
                    .and_then(|s| s.find("-----"))
                    .map(|o| e + 9 + o + 5)
            });
            match end {
                Some(e) => {
                    let rest = self.buf.split_off(e);
                    self.buf = rest;
                    self.released = 0;
                    self.in_block = false;
                    self.scan_at = 0;
                    let pending = std::mem::take(&mut self.buf);
                    return self.push_into(&pending, out);
                }
                None => {
                    // Keep only a tail long enough to hold a split END marker.
                    let keep = floor_boundary(&self.buf, self.buf.len().saturating_sub(64));
                    self.buf.drain(..keep);
                    return;
                }
            }
        }
        self.buf.push_str(chunk);
        chunk = "";
        let _ = chunk;
        if self.buf.len() - self.released <= HOLD || self.buf.len() < self.scan_at {
            return;
        }
        let findings = self.redactor.detect(&self.buf);
        self.scan_at = self.buf.len() + HOLD;
        let mut cut = floor_boundary(&self.buf, self.buf.len() - HOLD);
        // Never cut inside a whitespace-free token.
        let bytes = self.buf.as_bytes();
        let mut t = cut;
        while t > self.released
            && cut - t < MAX_TOKEN
            && !bytes.get(t - 1).is_some_and(u8::is_ascii_whitespace)
        {
            t -= 1;
        }
        if t > self.released && cut - t < MAX_TOKEN {
            cut = t;
        }
        // Never cut inside a finding.
        for f in &findings {
            if f.start < cut && f.end > cut && f.start >= self.released {
                if f.entity == Entity::PrivateKey && cut - f.start > MAX_BLOCK {
                    // Release the block's placeholder; drop the rest until END.
                    self.emit(&findings, f.start, out);
                    self.redactor.replacement(Entity::PrivateKey, "", out);
                    self.buf.clear();
                    self.released = 0;
                    self.in_block = true;
                    self.scan_at = 0;
                    return;
                }
                cut = cut.min(f.start);
            }
        }
        if cut <= self.released {
            return;
        }
        self.emit(&findings, cut, out);
        // Keep CONTEXT bytes of released text.
        let drop_to = floor_boundary(&self.buf, cut.saturating_sub(CONTEXT));
        self.buf.drain(..drop_to);
        self.released = cut - drop_to;
        self.scan_at = self.buf.len() + HOLD;
    }

    /// Renders `buf[released..upto]` with the findings inside it.
    fn emit(&self, findings: &[crate::Finding], upto: usize, out: &mut String) {
        let mut pos = self.released;
        for f in findings {
            if f.end <= self.released || f.start >= upto {
                continue;
            }
            let s = f.start.max(self.released);
            let e = f.end.min(upto);
            out.push_str(self.buf.get(pos..s).unwrap_or_default());
            self.redactor.replacement(
                f.entity.clone(),
                self.buf.get(f.start..f.end).unwrap_or_default(),
                out,
            );
            pos = e;
        }
        out.push_str(self.buf.get(pos..upto).unwrap_or_default());
    }

    /// Ends the stream and returns the rest.
    pub fn finish(mut self) -> String {
        let mut out = String::new();
        if self.in_block {
            return out;
        }
        let findings = self.redactor.detect(&self.buf);
        let len = self.buf.len();
        self.emit(&findings, len, &mut out);
        self.buf.clear();
        out
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
