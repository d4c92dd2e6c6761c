//! The append-only JSON-lines file sink, the embedded default.
//!
//! One record per line:
//! - an entry: its canonical bytes with the leaf hash spliced in before the closing brace,
//!   `{"seq":0,...,"h":"<64 hex>"}`;
//! - a checkpoint: `{"checkpoint":{...}}`;
//! - after a retention purge, the first line is `{"base":{"size":..,"frontier":[..],"checkpoint":{..}}}`.
//!
//! A writer holds an exclusive lock on `<path>.lock`, `<path>` resolved through symlinks (the OS
//! releases it if the process dies),
//! so two processes cannot interleave lines. On open, a last line without its newline (a write
//! cut by a crash; it was never acknowledged) is cut off, and every other line is checked; a log
//! that does not check out is refused with [`Error::Tampered`] instead of being extended.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::{Base, Record, Sink, prepare};
use crate::checkpoint::{Checkpoint, decode_hash};
use crate::event::Event;
use crate::merkle::{Frontier, Hash};
use crate::verify::{Depth, Verifier};
use crate::{Error, Receipt, Verification};

/// The suffix an entry line carries after its canonical bytes: `,"h":"` + 64 hex + `"}`.
const HASH_SUFFIX_LEN: usize = 6 + 64 + 2;

/// The longest line the reader accepts. Entries are far smaller (details are capped), so a
/// longer line is damage, not data.
pub const MAX_LINE_LEN: usize = 1024 * 1024;

/// An append-only JSON-lines file with an exclusive writer lock.
#[derive(Debug)]
pub struct FileSink {
    path: PathBuf,
    file: File,
    _lock: File,
    frontier: Frontier,
    /// Bytes of whole, durable lines.
    len: u64,
    buf: Vec<u8>,
    sync: bool,
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl FileSink {
    /// Opens (or creates) the log at `path` for appending: takes the lock, cuts a torn last
    /// line, checks every record and rebuilds the Merkle frontier.
    ///
    /// Fails with [`Error::Locked`] when another writer holds the log, and with
    /// [`Error::Tampered`] when the existing records do not check out.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        // The lock is named after the resolved path, so that a second writer coming through a
        // symlink or another relative spelling meets the same lock. The log must exist to be
        // resolved: create it empty first (harmless; it is checked below under the lock).
        OpenOptions::new().create(true).append(true).open(&path)?;
        let resolved = std::fs::canonicalize(&path)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path(&resolved))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::Locked),
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::Io(e)),
        }
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)?;
        let total = file.metadata()?.len();
        // Find the end of the last whole line.
        let whole = last_newline_end(&mut file, total)?;
        if whole < total {
            file.set_len(whole)?;
            file.sync_all()?;
        }
        let mut sink = Self {
            path,
            file,
            _lock: lock,
            frontier: Frontier::new(),
            len: whole,
            buf: Vec::with_capacity(64 * 1024),
            sync: true,
        };
        let mut verifier = Verifier::new(Depth::Hashes, None);
        let mut scan_err = None;
        sink.scan(&mut |record| {
            if verifier.feed(record).is_break() {
                return Ok(ControlFlow::Break(()));
            }
            Ok(ControlFlow::Continue(()))
        })
        .unwrap_or_else(|e| scan_err = Some(e));
        if let Some(e) = scan_err {
            return Err(e);
        }
        match verifier.finish() {
            (Verification::Valid { .. }, frontier) => sink.frontier = frontier,
            (Verification::Tampered { seq, .. }, _) => return Err(Error::Tampered { seq }),
        }
        if sink.len == 0 {
            // A new log: make its directory entry durable.
            sync_parent(&sink.path)?;
        }
        Ok(sink)
    }

    /// Skips the fsync after each batch. Only for benchmarks that isolate the hashing and
    /// formatting cost; never for a log that must survive a crash.
    #[doc(hidden)]
    pub fn without_fsync(mut self) -> Self {
        self.sync = false;
        self
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Returns the length of the file up to and including its last `\n` (0 if none).
fn last_newline_end(file: &mut File, total: u64) -> Result<u64, Error> {
    let mut end = total;
    let mut chunk = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(chunk.len() as u64);
        let n = usize::try_from(end - start).unwrap_or(0);
        let part = chunk.get_mut(..n).ok_or(Error::Corrupt { what: "read" })?;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(part)?;
        if let Some(pos) = part.iter().rposition(|&b| b == b'\n') {
            return Ok(start + pos as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

fn sync_parent(path: &Path) -> Result<(), Error> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Directories can be fsynced on Unix; elsewhere this is best effort.
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Writes one entry line: canonical bytes with the hash spliced in, then `\n`.
fn push_entry_line(out: &mut Vec<u8>, canonical: &[u8], leaf: &Hash) {
    let body = canonical.strip_suffix(b"}").unwrap_or(canonical);
    out.extend_from_slice(body);
    out.extend_from_slice(b",\"h\":\"");
    let mut hex_buf = [0u8; 64];
    if hex::encode_to_slice(leaf, &mut hex_buf).is_ok() {
        out.extend_from_slice(&hex_buf);
    }
    out.extend_from_slice(b"\"}\n");
}

/// Splits an entry line (without `\n`) into (canonical body without its `}`, stored hash).
fn split_entry_line(line: &[u8]) -> Option<(&[u8], Hash)> {
    let cut = line.len().checked_sub(HASH_SUFFIX_LEN)?;
    let (body, suffix) = line.split_at_checked(cut)?;
    let hex = suffix.strip_prefix(b",\"h\":\"")?.strip_suffix(b"\"}")?;
    let hex = std::str::from_utf8(hex).ok()?;
    Some((body, decode_hash(hex)?))
}

/// Decodes one line (without its `\n`) into a record, reusing `scratch` for the canonical
/// bytes. Exposed (hidden) for the fuzz target.
#[doc(hidden)]
pub fn decode_line<'a>(line: &[u8], scratch: &'a mut Vec<u8>) -> Record<'a> {
    if line.starts_with(b"{\"seq\":") {
        let Some((body, stored_hash)) = split_entry_line(line) else {
            return Record::Malformed;
        };
        scratch.clear();
        scratch.extend_from_slice(body);
        scratch.push(b'}');
        let Some(seq) = super::seq_prefix(scratch) else {
            return Record::Malformed;
        };
        return Record::Entry {
            seq,
            canonical: scratch.as_slice(),
            stored_hash,
            columns_match: true,
        };
    }
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice::<serde_json::Value>(line)
    else {
        return Record::Malformed;
    };
    if map.len() != 1 {
        return Record::Malformed;
    }
    if let Some(cp) = map.remove("checkpoint") {
        return Checkpoint::from_value(cp).map_or(Record::Malformed, Record::Checkpoint);
    }
    if let Some(base) = map.remove("base") {
        return Base::from_value(base).map_or(Record::Malformed, Record::Base);
    }
    Record::Malformed
}

/// Reads `reader` line by line (at most `limit` bytes) and hands each decoded record to
/// `visit`. A last line without `\n` is reported as [`Record::Malformed`] (torn).
pub(crate) fn scan_lines<R: BufRead>(
    reader: R,
    limit: u64,
    visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    let mut reader = reader.take(limit);
    let mut line = Vec::with_capacity(4096);
    let mut scratch = Vec::with_capacity(4096);
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE_LEN as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        let record = match line.strip_suffix(b"\n") {
            Some(body) => decode_line(body, &mut scratch),
            // Torn (no newline) or longer than any record can be.
            None => Record::Malformed,
        };
        if visit(record)?.is_break() {
            return Ok(());
        }
        if !line.ends_with(b"\n") {
            // Skip the rest of an over-long line.
            let mut sink = std::io::sink();
            let mut rest = (&mut reader).take(u64::MAX);
            let mut byte = [0u8; 1];
            loop {
                match rest.read(&mut byte)? {
                    0 => return Ok(()),
                    _ if byte == [b'\n'] => break,
                    _ => sink.write_all(&byte)?,
                }
            }
        }
    }
}

/// Scans a log file read-only, without taking the writer lock (an auditor's copy, or a log
/// no writer has open). A torn last line is reported, not cut.
pub fn scan_file(
    path: impl AsRef<Path>,
    visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    let file = File::open(path)?;
    scan_lines(BufReader::with_capacity(256 * 1024, file), u64::MAX, visit)
}

impl FileSink {
    fn write_buf(&mut self) -> Result<(), Error> {
        let result = self.file.write_all(&self.buf).and_then(|()| {
            if self.sync {
                self.file.sync_data()
            } else {
                Ok(())
            }
        });
        match result {
            Ok(()) => {
                self.len += self.buf.len() as u64;
                self.buf.clear();
                Ok(())
            }
            Err(e) => {
                // Cut whatever part of the batch reached the file, so the file ends on a whole
                // line again; the batch is reported failed.
                self.buf.clear();
                let _ = self.file.set_len(self.len);
                Err(Error::Io(e))
            }
        }
    }
}

impl Sink for FileSink {
    fn append(&mut self, events: &[Event], now: OffsetDateTime) -> Result<Vec<Receipt>, Error> {
        self.buf.clear();
        let mut frontier = self.frontier.clone();
        let mut buf = std::mem::take(&mut self.buf);
        let receipts = prepare(&mut frontier, events, now, |_, canonical, leaf| {
            push_entry_line(&mut buf, canonical, leaf);
            Ok(())
        });
        self.buf = buf;
        let receipts = receipts?;
        self.write_buf()?;
        self.frontier = frontier;
        Ok(receipts)
    }

    fn write_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), Error> {
        self.buf.clear();
        let line = serde_json::json!({ "checkpoint": checkpoint.to_value() });
        serde_json::to_writer(&mut self.buf, &line).map_err(|_| Error::Corrupt {
            what: "checkpoint encoding",
        })?;
        self.buf.push(b'\n');
        self.write_buf()
    }

    fn frontier(&mut self) -> Result<Frontier, Error> {
        Ok(self.frontier.clone())
    }

    fn scan(
        &mut self,
        visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>,
    ) -> Result<(), Error> {
        let file = File::open(&self.path)?;
        scan_lines(BufReader::with_capacity(256 * 1024, file), self.len, visit)
    }

    fn purge(&mut self, base: &Base) -> Result<(), Error> {
        let cut = base.frontier.size();
        let mut tmp_name = self.path.as_os_str().to_owned();
        tmp_name.push(".purge.tmp");
        let tmp_path = PathBuf::from(tmp_name);
        let mut out = std::io::BufWriter::new(File::create(&tmp_path)?);
        serde_json::to_writer(&mut out, &serde_json::json!({ "base": base.to_value() }))
            .map_err(|e| Error::Io(e.into()))?;
        out.write_all(b"\n")?;
        let mut line = Vec::new();
        let mut reader = BufReader::new(File::open(&self.path)?).take(self.len);
        let mut scratch = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            let body = line.strip_suffix(b"\n").unwrap_or(&line);
            let keep = match decode_line(body, &mut scratch) {
                Record::Entry { seq, .. } => seq >= cut,
                Record::Checkpoint(cp) => cp.size() > cut,
                Record::Base(_) => false,
                Record::Malformed => {
                    let _ = std::fs::remove_file(&tmp_path);
                    return Err(Error::Corrupt {
                        what: "a line cannot be decoded; verify the log before purging",
                    });
                }
            };
            if keep {
                out.write_all(&line)?;
            }
        }
        let file = out.into_inner().map_err(|e| Error::Io(e.into_error()))?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp_path, &self.path)?;
        sync_parent(&self.path)?;
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&self.path)?;
        self.len = file.metadata()?.len();
        self.file = file;
        Ok(())
    }
}
