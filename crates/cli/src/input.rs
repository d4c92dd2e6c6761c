//! Streaming input shared by every command: stdin or a file, read line by line in constant
//! memory, with a progress indicator on stderr when the input is a file and stderr a terminal.
#![allow(dead_code)] // Used by the commands as they land.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::CliError;

/// The longest line a command accepts (16 MiB). A longer line is an input error, not an
/// unbounded allocation.
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// Opens `path` (`None` or `-` is stdin) as a buffered reader.
pub fn open(path: Option<&Path>) -> Result<Box<dyn BufRead>, CliError> {
    match path {
        None => Ok(Box::new(BufReader::with_capacity(64 * 1024, io::stdin()))),
        Some(p) if p.as_os_str() == "-" => {
            Ok(Box::new(BufReader::with_capacity(64 * 1024, io::stdin())))
        }
        Some(p) => {
            let file = File::open(p)
                .map_err(|e| CliError::Input(format!("cannot open {}: {e}", p.display())))?;
            let total = file.metadata().map(|m| m.len()).unwrap_or(0);
            let reader: Box<dyn Read> = if io::stderr().is_terminal() && total > 0 {
                Box::new(Progress::new(file, total))
            } else {
                Box::new(file)
            };
            Ok(Box::new(BufReader::with_capacity(64 * 1024, reader)))
        }
    }
}

/// Calls `each` with every line of `reader` (without its `\n` or `\r\n`), one at a time, reusing
/// one buffer. Stops at the first error `each` returns.
pub fn for_each_line<R: BufRead + ?Sized>(
    reader: &mut R,
    mut each: impl FnMut(&str) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut number = 0u64;
    loop {
        buf.clear();
        let read = reader
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        if buf.len() > MAX_LINE {
            return Err(CliError::Input(format!(
                "line {number} is longer than {MAX_LINE} bytes"
            )));
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        let line = std::str::from_utf8(&buf)
            .map_err(|_| CliError::Input(format!("line {number} is not UTF-8")))?;
        each(line)?;
    }
}

/// Counts bytes read and redraws a percentage on stderr at most five times a second.
struct Progress<R> {
    inner: R,
    done: u64,
    total: u64,
    last: Instant,
}

impl<R> Progress<R> {
    fn new(inner: R, total: u64) -> Self {
        Self {
            inner,
            done: 0,
            total,
            last: Instant::now(),
        }
    }
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.done += n as u64;
        let finished = n == 0;
        if finished || self.last.elapsed() >= Duration::from_millis(200) {
            self.last = Instant::now();
            let pct = self.done.saturating_mul(100) / self.total.max(1);
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r{pct:>3}% of {} bytes", self.total);
            if finished {
                let _ = writeln!(err);
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Result<Vec<String>, CliError> {
        let mut out = Vec::new();
        for_each_line(&mut &input[..], |l| {
            out.push(l.to_owned());
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn splits_lf_and_crlf_and_keeps_a_last_unterminated_line() {
        assert_eq!(lines(b"a\r\nb\n\nc").unwrap(), ["a", "b", "", "c"]);
        assert!(lines(b"").unwrap().is_empty());
    }

    #[test]
    fn rejects_non_utf8_with_its_line_number() {
        let err = lines(b"ok\n\xff\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
