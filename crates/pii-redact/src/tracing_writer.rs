//! A `tracing-subscriber` writer that redacts formatted log lines (feature `tracing`).

use std::io::{self, Write};
use std::sync::Arc;

use tracing_subscriber::fmt::MakeWriter;

use crate::Redactor;

/// Wraps a [`MakeWriter`] so that every formatted line is redacted before it is written.
///
/// ```
/// # use std::sync::Arc;
/// let redactor = Arc::new(pii_redact::Redactor::new());
/// let subscriber = tracing_subscriber::fmt()
///     .with_writer(pii_redact::RedactingMakeWriter::new(redactor, std::io::stderr))
///     .finish();
/// # drop(subscriber);
/// ```
#[derive(Debug, Clone)]
pub struct RedactingMakeWriter<M> {
    redactor: Arc<Redactor>,
    inner: M,
}

impl<M> RedactingMakeWriter<M> {
    /// Redacts with `redactor` (in its mode) before writing to `inner`.
    pub fn new(redactor: Arc<Redactor>, inner: M) -> Self {
        RedactingMakeWriter { redactor, inner }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter::new(Arc::clone(&self.redactor), self.inner.make_writer())
    }
}

/// An [`io::Write`] that buffers up to each newline, redacts the line and writes it on. The
/// rest is redacted and written on `flush` and on drop. Non-UTF-8 bytes are replaced by U+FFFD.
#[derive(Debug)]
pub struct RedactingWriter<W: Write> {
    redactor: Arc<Redactor>,
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    /// Wraps `inner`.
    pub fn new(redactor: Arc<Redactor>, inner: W) -> Self {
        RedactingWriter {
            redactor,
            inner,
            buf: Vec::new(),
        }
    }

    fn write_out(&mut self, upto: usize) -> io::Result<()> {
        let line: Vec<u8> = self.buf.drain(..upto).collect();
        let text = String::from_utf8_lossy(&line);
        let red = self.redactor.redact(&text);
        self.inner.write_all(red.as_bytes())
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        while let Some(nl) = memchr::memchr(b'\n', &self.buf) {
            self.write_out(nl + 1)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let n = self.buf.len();
            self.write_out(n)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, d: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(d);
            Ok(d.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Sink {
        type Writer = Sink;
        fn make_writer(&'a self) -> Sink {
            self.clone()
        }
    }

    #[test]
    fn log_lines_are_redacted() {
        let sink = Sink::default();
        let mw = RedactingMakeWriter::new(Arc::new(Redactor::new()), sink.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_writer(mw)
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                user = "bob@example.com",
                "login from 192.168.0.1 card 4111111111111111"
            );
        });
        let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(
            out.contains("[EMAIL_REDACTED]") && out.contains("[IP_REDACTED]"),
            "{out}"
        );
        assert!(
            out.contains("[CC_REDACTED]") && !out.contains("bob@"),
            "{out}"
        );
    }

    #[test]
    fn partial_writes_are_joined_per_line() {
        let sink = Sink::default();
        let mut w = RedactingWriter::new(Arc::new(Redactor::new()), sink.clone());
        w.write_all(b"mail alice@exa").unwrap();
        w.write_all(b"mple.com\nnext ").unwrap();
        w.write_all(b"123-45-6789").unwrap();
        drop(w);
        let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(out, "mail [EMAIL_REDACTED]\nnext [SSN_REDACTED]");
    }
}
