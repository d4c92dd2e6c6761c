//! Streaming file encryption: the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár,
//! "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", 2015) over
//! AES-256-GCM, with a fresh data key per file wrapped by a [`KeyEncryptionKey`].
//!
//! Memory is constant (one chunk of plaintext and one of ciphertext), whatever the file size.
//!
//! # Layout, byte for byte
//!
//! ```text
//! "RPS1"                  4 bytes, magic and version
//! u8  kek_id_len          1..=255
//! kek_id                  UTF-8
//! u16be wrapped_len       1..=1024
//! wrapped_data_key        the KEK's output for a fresh 32-byte data key
//! u32be chunk_size        plaintext bytes per chunk, 64..=16 MiB (default 64 KiB)
//! nonce_prefix            7 random bytes
//! chunk*                  AES-256-GCM(ciphertext || 16-byte tag) per chunk
//! ```
//!
//! Chunk `i` (from 0) is sealed with nonce `nonce_prefix || u32be(i) || last` where `last` is
//! `0x01` for the final chunk and `0x00` otherwise, and with associated data
//! `"rampart/stream/v1" 0x00 || header (everything above the chunks) || context` (the
//! [`Context`] as three u32be-length-prefixed strings). Every chunk but the last holds exactly
//! `chunk_size` plaintext bytes; the last holds 0 to `chunk_size` bytes (0 only for an empty
//! file). Hence:
//! - truncation at a chunk boundary: the new last chunk was sealed with `last = 0` →
//!   [`Error::Truncated`]; inside a chunk → the chunk fails → [`Error::Truncated`] or
//!   [`Error::ChunkTampered`];
//! - reordering or swapping chunks (within a file or from another file): the counter, the
//!   header or the data key differ → [`Error::ChunkTampered`];
//! - data appended after the final chunk → [`Error::TrailingData`].
//!
//! # Security
//! [`StreamDecryptor`] releases each chunk's plaintext once that chunk has authenticated, before
//! the end of the file is seen. A truncated file surfaces as an error at the end: do not act on
//! (publish, execute, import) the output until reading returned `Ok(0)`, or use [`decrypt`],
//! which returns only once the whole stream verified.

use std::io::{self, Read, Write};

use crate::aead::{Aes256Gcm, NONCE_LEN, TAG_LEN};
use crate::envelope::{KeyEncryptionKey, context_bytes, dek_aad, header, parse_header};
use crate::key::SecretKey;
use crate::{Context, Error};

const MAGIC: &[u8; 4] = b"RPS1";
const PREFIX_LEN: usize = 7;
/// The default plaintext chunk size (64 KiB).
pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;
/// The smallest accepted chunk size.
pub const MIN_CHUNK_SIZE: usize = 64;
/// The largest accepted chunk size (16 MiB): bounds what a hostile header can make a decoder
/// allocate.
pub const MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;

fn nonce(prefix: &[u8; PREFIX_LEN], counter: u32, last: bool) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    let (p, rest) = n.split_at_mut(PREFIX_LEN);
    p.copy_from_slice(prefix);
    let (c, l) = rest.split_at_mut(4);
    c.copy_from_slice(&counter.to_be_bytes());
    if let Some(flag) = l.first_mut() {
        *flag = u8::from(last);
    }
    n
}

fn chunk_aad(head: &[u8], context: &Context<'_>) -> Result<Vec<u8>, Error> {
    let mut aad = b"rampart/stream/v1\0".to_vec();
    aad.extend_from_slice(head);
    context_bytes(&mut aad, context)?;
    Ok(aad)
}

fn io_err(e: &io::Error) -> Error {
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
        return inner.clone();
    }
    Error::Io(e.kind())
}

/// Encrypts a stream: a [`Write`] adapter. Call [`StreamEncryptor::finish`]; a dropped,
/// unfinished encryptor leaves a file that fails to decrypt (truncated), never a silently short
/// one.
pub struct StreamEncryptor<W: Write> {
    inner: W,
    gcm: Aes256Gcm,
    prefix: [u8; PREFIX_LEN],
    aad: Vec<u8>,
    chunk_size: usize,
    buf: Vec<u8>,
    /// One sealed chunk (`chunk_size + TAG_LEN` bytes).
    sealed: Vec<u8>,
    counter: u32,
    /// Set once a chunk was sealed but not fully written, or a chunk was lost: every later
    /// call fails, so a counter value is never sealed twice with different plaintext.
    failed: bool,
}

impl<W: Write> core::fmt::Debug for StreamEncryptor<W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamEncryptor")
            .field("chunk_size", &self.chunk_size)
            .field("chunks_written", &self.counter)
            .finish_non_exhaustive()
    }
}

impl<W: Write> StreamEncryptor<W> {
    /// Starts a stream with the default chunk size, writing the header to `inner` now.
    pub fn new(kek: &dyn KeyEncryptionKey, context: &Context<'_>, inner: W) -> Result<Self, Error> {
        Self::with_chunk_size(kek, context, DEFAULT_CHUNK_SIZE, inner)
    }

    /// Starts a stream with `chunk_size` plaintext bytes per chunk
    /// ([`MIN_CHUNK_SIZE`]..=[`MAX_CHUNK_SIZE`]).
    pub fn with_chunk_size(
        kek: &dyn KeyEncryptionKey,
        context: &Context<'_>,
        chunk_size: usize,
        mut inner: W,
    ) -> Result<Self, Error> {
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
            return Err(Error::Malformed {
                what: "chunk size must be between 64 bytes and 16 MiB",
            });
        }
        let chunk_u32 = u32::try_from(chunk_size).map_err(|_| Error::Malformed {
            what: "chunk size must be between 64 bytes and 16 MiB",
        })?;
        let data_key = SecretKey::generate()?;
        let wrapped = kek.wrap(&data_key, &dek_aad(kek.id()))?;
        let mut head = header(MAGIC, kek.id(), &wrapped)?;
        let mut prefix = [0u8; PREFIX_LEN];
        getrandom::fill(&mut prefix).map_err(|_| Error::Random)?;
        head.extend_from_slice(&chunk_u32.to_be_bytes());
        head.extend_from_slice(&prefix);
        let aad = chunk_aad(&head, context)?;
        inner.write_all(&head).map_err(|e| io_err(&e))?;
        Ok(Self {
            inner,
            gcm: Aes256Gcm::new(&data_key),
            prefix,
            aad,
            chunk_size,
            buf: Vec::with_capacity(chunk_size),
            sealed: vec![0; chunk_size + TAG_LEN],
            counter: 0,
            failed: false,
        })
    }

    fn emit(&mut self, last: bool) -> Result<(), Error> {
        let plaintext = core::mem::take(&mut self.buf);
        let result = self.seal_chunk(&plaintext, last);
        self.buf = plaintext;
        self.buf.clear();
        result
    }

    /// Seals `plaintext` (at most one chunk) straight into the output buffer and writes it.
    /// Seals and writes one chunk. The nonce `(counter, last)` is used at most once: a
    /// non-final chunk at counter `u32::MAX` is refused *before* sealing, and any failure
    /// (sealing, writing, or the counter running out, which drops the buffered chunk) marks
    /// the encryptor failed. Otherwise a retry could seal other plaintext (e.g. the next
    /// buffer) under the same nonce, which with GCM leaks the XOR of the plaintexts and the
    /// authentication key, or finish a stream that silently lacks a chunk.
    fn seal_chunk(&mut self, plaintext: &[u8], last: bool) -> Result<(), Error> {
        if self.failed {
            return Err(Error::StreamFailed);
        }
        self.failed = true;
        let next = if last {
            self.counter
        } else {
            self.counter.checked_add(1).ok_or(Error::StreamTooLong)?
        };
        let n = nonce(&self.prefix, self.counter, last);
        let out = self
            .sealed
            .get_mut(..plaintext.len() + TAG_LEN)
            .ok_or(Error::Malformed {
                what: "chunk larger than the chunk size",
            })?;
        self.gcm.seal_into(&n, &self.aad, plaintext, out)?;
        self.inner.write_all(out).map_err(|e| io_err(&e))?;
        self.counter = next;
        self.failed = false;
        Ok(())
    }

    /// Seals the final chunk, flushes, and returns the inner writer.
    ///
    /// # Errors
    /// [`Error::StreamFailed`] when an earlier call failed (the output is incomplete), and
    /// the errors of sealing and writing.
    pub fn finish(mut self) -> Result<W, Error> {
        self.emit(true)?;
        self.inner.flush().map_err(|e| io_err(&e))?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for StreamEncryptor<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Err(Error::StreamFailed.into());
        }
        if data.is_empty() {
            return Ok(0);
        }
        // More than a chunk at hand and nothing buffered: the first chunk is certainly not the
        // last, seal it straight from the caller's slice (no copy).
        if self.buf.is_empty() && data.len() > self.chunk_size {
            let chunk = data.get(..self.chunk_size).unwrap_or_default();
            self.seal_chunk(chunk, false)?;
            return Ok(self.chunk_size);
        }
        // A full chunk is sealed as non-final only once more data arrives, so the final
        // chunk is never empty unless the whole stream is.
        if self.buf.len() == self.chunk_size {
            self.emit(false)?;
        }
        let room = self.chunk_size - self.buf.len();
        let take = room.min(data.len());
        self.buf
            .extend_from_slice(data.get(..take).unwrap_or_default());
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Decrypts a stream: a [`Read`] adapter yielding authenticated plaintext chunk by chunk.
/// Errors are [`io::Error`]s of kind `InvalidData` wrapping this crate's [`Error`] (see the
/// module's security note about acting on output before the end).
pub struct StreamDecryptor<R: Read> {
    inner: R,
    gcm: Aes256Gcm,
    prefix: [u8; PREFIX_LEN],
    aad: Vec<u8>,
    chunk_size: usize,
    /// Ciphertext read ahead: up to one sealed chunk plus one byte (`ct_len` of them valid).
    ct: Vec<u8>,
    ct_len: usize,
    /// The current chunk's plaintext and how much of it was handed out.
    pt: Vec<u8>,
    pt_len: usize,
    pos: usize,
    counter: u32,
    done: bool,
}

impl<R: Read> core::fmt::Debug for StreamDecryptor<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamDecryptor")
            .field("chunk_size", &self.chunk_size)
            .field("chunks_read", &self.counter)
            .finish_non_exhaustive()
    }
}

fn read_exact_header<R: Read>(r: &mut R, out: &mut Vec<u8>, n: usize) -> Result<(), Error> {
    let start = out.len();
    out.resize(start + n, 0);
    let slot = out.get_mut(start..).ok_or(Error::Malformed {
        what: "header truncated",
    })?;
    r.read_exact(slot).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Error::Malformed {
                what: "header truncated",
            }
        } else {
            io_err(&e)
        }
    })
}

impl<R: Read> StreamDecryptor<R> {
    /// Reads and checks the header, unwraps the data key with `kek`.
    pub fn new(
        kek: &dyn KeyEncryptionKey,
        context: &Context<'_>,
        mut inner: R,
    ) -> Result<Self, Error> {
        let mut head = Vec::with_capacity(128);
        read_exact_header(&mut inner, &mut head, 5)?;
        if head.get(..4) != Some(MAGIC.as_slice()) {
            return Err(Error::UnknownFormat);
        }
        let id_len = usize::from(head.get(4).copied().unwrap_or(0));
        read_exact_header(&mut inner, &mut head, id_len + 2)?;
        let wrapped_len = head
            .get(5 + id_len..7 + id_len)
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .map(u16::from_be_bytes)
            .ok_or(Error::Malformed {
                what: "header truncated",
            })?;
        if wrapped_len == 0 || wrapped_len > 1024 {
            return Err(Error::Malformed {
                what: "wrapped key length out of range",
            });
        }
        read_exact_header(
            &mut inner,
            &mut head,
            usize::from(wrapped_len) + 4 + PREFIX_LEN,
        )?;
        let envelope_len = head.len() - 4 - PREFIX_LEN;
        let parsed = parse_header(MAGIC, head.get(..envelope_len).unwrap_or_default())?.ok_or(
            Error::Malformed {
                what: "header truncated",
            },
        )?;
        if parsed.kek_id != kek.id() {
            return Err(Error::Kek {
                what: "stream names another KEK id",
            });
        }
        let data_key = kek.unwrap(parsed.wrapped, &dek_aad(parsed.kek_id))?;
        let tail = head.get(envelope_len..).unwrap_or_default();
        let (size, prefix) = tail.split_at(4.min(tail.len()));
        let chunk_size = size
            .try_into()
            .map(u32::from_be_bytes)
            .map_err(|_| Error::Malformed {
                what: "header truncated",
            })?;
        let chunk_size = usize::try_from(chunk_size).map_err(|_| Error::Malformed {
            what: "chunk size out of range",
        })?;
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
            return Err(Error::Malformed {
                what: "chunk size out of range",
            });
        }
        let prefix = <[u8; PREFIX_LEN]>::try_from(prefix).map_err(|_| Error::Malformed {
            what: "header truncated",
        })?;
        Ok(Self {
            inner,
            gcm: Aes256Gcm::new(&data_key),
            prefix,
            aad: chunk_aad(&head, context)?,
            chunk_size,
            ct: vec![0; chunk_size + TAG_LEN + 1],
            ct_len: 0,
            pt: vec![0; chunk_size],
            pt_len: 0,
            pos: 0,
            counter: 0,
            done: false,
        })
    }

    /// Fills `ct` up to one sealed chunk plus one byte, or to the end of the input.
    fn fill(&mut self) -> Result<bool, Error> {
        while self.ct_len < self.ct.len() {
            let slot = self.ct.get_mut(self.ct_len..).unwrap_or_default();
            match self.inner.read(slot) {
                Ok(0) => return Ok(true),
                Ok(n) => self.ct_len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_err(&e)),
            }
        }
        Ok(false)
    }

    fn open(&mut self, len: usize, last: bool) -> Result<(), Error> {
        self.pt_len = 0;
        let n = nonce(&self.prefix, self.counter, last);
        let sealed = self.ct.get(..len).ok_or(Error::Decrypt)?;
        let out_len = len.checked_sub(TAG_LEN).ok_or(Error::Decrypt)?;
        let out = self.pt.get_mut(..out_len).ok_or(Error::Decrypt)?;
        self.gcm.open_into(&n, &self.aad, sealed, out)?;
        self.pt_len = out_len;
        Ok(())
    }

    /// Decrypts the next chunk into `pt`.
    fn next_chunk(&mut self) -> Result<(), Error> {
        let eof = self.fill()?;
        let sealed_len = self.chunk_size + TAG_LEN;
        let chunk = u64::from(self.counter);
        if eof {
            // Whatever is left is the final chunk.
            let len = self.ct_len;
            if len < TAG_LEN {
                return Err(Error::Truncated { chunk });
            }
            if self.open(len, true).is_err() {
                // Sealed as non-final: the file was cut after it.
                let cut = len == sealed_len && self.open(len, false).is_ok();
                self.pt_len = 0;
                return Err(if cut {
                    Error::Truncated { chunk: chunk + 1 }
                } else {
                    Error::ChunkTampered { chunk }
                });
            }
            self.ct_len = 0;
            self.done = true;
        } else {
            if self.counter == u32::MAX {
                // A full chunk with more data after it, at the last counter value: neither a
                // non-final chunk (no counter would be left for the final one; our encryptor
                // never writes one) nor a final chunk without trailing data.
                self.pt_len = 0;
                return Err(Error::StreamTooLong);
            }
            if self.open(sealed_len, false).is_err() {
                // The final chunk followed by more bytes: data was appended.
                let appended = self.open(sealed_len, true).is_ok();
                self.pt_len = 0;
                return Err(if appended {
                    Error::TrailingData
                } else {
                    Error::ChunkTampered { chunk }
                });
            }
            self.ct.copy_within(sealed_len..self.ct_len, 0);
            self.ct_len -= sealed_len;
            self.counter = self.counter.checked_add(1).ok_or(Error::StreamTooLong)?;
        }
        self.pos = 0;
        Ok(())
    }
}

impl<R: Read> Read for StreamDecryptor<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.pt_len {
            if self.done || out.is_empty() {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let available = self.pt.get(self.pos..self.pt_len).unwrap_or_default();
        let n = available.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.pos += n;
        Ok(n)
    }
}

/// Encrypts all of `reader` into `writer` (default chunk size); returns the plaintext length.
pub fn encrypt<R: Read, W: Write>(
    kek: &dyn KeyEncryptionKey,
    context: &Context<'_>,
    mut reader: R,
    writer: W,
) -> Result<u64, Error> {
    let mut enc = StreamEncryptor::new(kek, context, writer)?;
    let n = io::copy(&mut reader, &mut enc).map_err(|e| io_err(&e))?;
    enc.finish()?;
    Ok(n)
}

/// Decrypts all of `reader` into `writer`; returns the plaintext length. On error, discard
/// what was written: it is authentic chunk by chunk but may be incomplete.
pub fn decrypt<R: Read, W: Write>(
    kek: &dyn KeyEncryptionKey,
    context: &Context<'_>,
    reader: R,
    mut writer: W,
) -> Result<u64, Error> {
    let mut dec = StreamDecryptor::new(kek, context, reader)?;
    // Chunk by chunk, straight from the decryptor's buffer (no intermediate copy).
    let mut total = 0u64;
    while !dec.done {
        dec.next_chunk()?;
        let plain = dec.pt.get(..dec.pt_len).unwrap_or_default();
        writer.write_all(plain).map_err(|e| io_err(&e))?;
        total += plain.len() as u64;
        dec.pos = dec.pt_len;
    }
    writer.flush().map_err(|e| io_err(&e))?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::LocalKek;

    fn kek() -> LocalKek {
        LocalKek::new("file-kek", &SecretKey::from_bytes([5; 32])).unwrap()
    }

    fn seal(data: &[u8], chunk: usize) -> (Vec<u8>, usize) {
        let mut enc =
            StreamEncryptor::with_chunk_size(&kek(), &Context::NONE, chunk, Vec::new()).unwrap();
        enc.write_all(data).unwrap();
        let out = enc.finish().unwrap();
        let header_len = 4 + 1 + 8 + 2 + 60 + 4 + 7;
        (out, header_len)
    }

    fn open(data: &[u8]) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        decrypt(&kek(), &Context::NONE, data, &mut out).map(|_| out)
    }

    /// A sink that fails its `n`-th write (counting from 0), then works again.
    struct FlakySink {
        writes: usize,
        fail_at: usize,
        out: Vec<u8>,
    }

    impl Write for FlakySink {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            let i = self.writes;
            self.writes += 1;
            if i == self.fail_at {
                // Part of the sealed chunk reached the sink before the failure.
                self.out
                    .extend_from_slice(data.get(..data.len() / 2).unwrap_or_default());
                return Err(io::Error::other("disk full"));
            }
            self.out.extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Regression: a write error after a chunk was sealed left the counter unchanged and the
    /// buffer cleared, so the next write sealed *other* plaintext under the same nonce.
    #[test]
    fn a_failed_chunk_write_poisons_the_encryptor() {
        let sink = FlakySink {
            writes: 0,
            fail_at: 1, // the header is write 0, the first chunk write 1
            out: Vec::new(),
        };
        let mut enc = StreamEncryptor::with_chunk_size(&kek(), &Context::NONE, 64, sink).unwrap();
        enc.write_all(&[1u8; 64]).unwrap();
        // The second write seals chunk 0 (64 bytes of 1s) and fails writing it.
        assert!(enc.write(&[2u8; 64]).is_err());
        // Everything after fails: no second chunk under counter 0.
        let e = enc.write(&[3u8; 64]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(enc.write(&[4u8; 200]).is_err());
        assert!(enc.flush().is_ok(), "flush only flushes the sink");
        assert!(matches!(enc.finish(), Err(Error::StreamFailed)));
    }

    /// Regression: the counter was checked after a non-final chunk had been sealed and
    /// written at `u32::MAX`, so the next call sealed again under that same nonce.
    #[test]
    fn the_counter_never_wraps_or_repeats() {
        let mut enc =
            StreamEncryptor::with_chunk_size(&kek(), &Context::NONE, 64, Vec::new()).unwrap();
        enc.counter = u32::MAX - 1;
        enc.write_all(&[1u8; 64]).unwrap();
        // Chunk u32::MAX - 1 (non-final) is sealed by this write; u32::MAX stays buffered.
        enc.write_all(&[2u8; 64]).unwrap();
        assert_eq!(enc.counter, u32::MAX);
        let written = enc.inner.len();
        // A non-final chunk at u32::MAX would leave no counter for the final one: refused
        // before anything is sealed, and the encryptor is failed from then on.
        let e = enc.write(&[3u8; 1]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(enc.inner.len(), written, "nothing sealed");
        assert!(enc.write(&[3u8; 1]).is_err());
        assert!(matches!(enc.finish(), Err(Error::StreamFailed)));
        // The final chunk may use u32::MAX.
        let mut enc =
            StreamEncryptor::with_chunk_size(&kek(), &Context::NONE, 64, Vec::new()).unwrap();
        enc.counter = u32::MAX;
        enc.write_all(&[1u8; 10]).unwrap();
        assert!(enc.finish().is_ok());
    }

    #[test]
    fn the_last_counter_values_round_trip_and_nothing_follows_them() {
        let mut enc =
            StreamEncryptor::with_chunk_size(&kek(), &Context::NONE, 64, Vec::new()).unwrap();
        enc.counter = u32::MAX - 1;
        let data: Vec<u8> = (0..74u8).collect();
        enc.write_all(&data).unwrap();
        let sealed = enc.finish().unwrap();
        let mut dec = StreamDecryptor::new(&kek(), &Context::NONE, sealed.as_slice()).unwrap();
        dec.counter = u32::MAX - 1;
        let mut out = Vec::new();
        dec.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        // At u32::MAX a full chunk followed by more data is refused, every time, and no
        // plaintext is released.
        let (three, _) = seal(&[9u8; 64 * 3], 64);
        let mut dec = StreamDecryptor::new(&kek(), &Context::NONE, three.as_slice()).unwrap();
        dec.counter = u32::MAX;
        let mut buf = [0u8; 256];
        for _ in 0..3 {
            let e = dec.read(&mut buf).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        }
    }

    #[test]
    fn round_trip_at_chunk_boundaries() {
        for len in [0, 1, 63, 64, 65, 128, 129, 1000] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let (sealed, _) = seal(&data, 64);
            assert_eq!(open(&sealed).unwrap(), data, "{len}");
        }
    }

    #[test]
    fn truncation_reordering_swapping_and_appending_are_detected() {
        let data = vec![7u8; 64 * 3 + 10];
        let (sealed, h) = seal(&data, 64);
        let c = 64 + TAG_LEN;
        // Cut after chunk 1 and after chunk 2 (chunk boundaries).
        assert_eq!(open(&sealed[..h + c]), Err(Error::Truncated { chunk: 1 }));
        assert_eq!(
            open(&sealed[..h + 2 * c]),
            Err(Error::Truncated { chunk: 2 })
        );
        // Cut inside a chunk, or everything after the header.
        assert!(open(&sealed[..h + c + 5]).is_err());
        assert_eq!(open(&sealed[..h]), Err(Error::Truncated { chunk: 0 }));
        // Swap chunks 0 and 1.
        let mut swapped = sealed.clone();
        let (a, b) = (sealed[h..h + c].to_vec(), sealed[h + c..h + 2 * c].to_vec());
        swapped[h..h + c].copy_from_slice(&b);
        swapped[h + c..h + 2 * c].copy_from_slice(&a);
        assert_eq!(open(&swapped), Err(Error::ChunkTampered { chunk: 0 }));
        // Chunk from another file (same KEK, same layout).
        let (other, _) = seal(&data, 64);
        let mut spliced = sealed.clone();
        spliced[h + c..h + 2 * c].copy_from_slice(&other[h + c..h + 2 * c]);
        assert_eq!(open(&spliced), Err(Error::ChunkTampered { chunk: 1 }));
        // Appended data.
        let mut longer = sealed.clone();
        longer.extend_from_slice(&[0u8; 20]);
        assert!(open(&longer).is_err());
        // Drop the final chunk after a full chunk: exact-multiple input.
        let (exact, h2) = seal(&[1u8; 128], 64);
        assert_eq!(open(&exact[..h2 + c]), Err(Error::Truncated { chunk: 1 }));
        // Append a copy of the final chunk to an exact multiple: trailing data.
        let mut appended = exact.clone();
        appended.extend_from_slice(&exact[h2 + c..]);
        assert_eq!(open(&appended), Err(Error::TrailingData));
    }

    /// Hands out at most 7 bytes per read, and an `Interrupted` error now and then.
    struct Trickle<'a> {
        data: &'a [u8],
        calls: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(5) {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = self.data.len().min(out.len()).min(1 + self.calls % 7);
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn short_reads_and_small_output_buffers() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let (sealed, _) = seal(&data, 64);
        let reader = Trickle {
            data: &sealed,
            calls: 0,
        };
        let mut dec = StreamDecryptor::new(&kek(), &Context::NONE, reader).unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 13];
        loop {
            match dec.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(out, data);
    }

    #[test]
    fn header_errors_are_typed() {
        assert!(matches!(open(b""), Err(Error::Malformed { .. })));
        assert_eq!(open(b"NOPE\x01"), Err(Error::UnknownFormat));
        let (sealed, _) = seal(b"x", 64);
        let other = LocalKek::new("other", &SecretKey::from_bytes([5; 32])).unwrap();
        assert!(matches!(
            decrypt(&other, &Context::NONE, &sealed[..], Vec::new()),
            Err(Error::Kek { .. })
        ));
        assert!(matches!(
            decrypt(
                &kek(),
                &Context::new("a", "b", "c"),
                &sealed[..],
                Vec::new()
            ),
            Err(Error::ChunkTampered { chunk: 0 })
        ));
        assert!(StreamEncryptor::with_chunk_size(&kek(), &Context::NONE, 10, Vec::new()).is_err());
    }
}
