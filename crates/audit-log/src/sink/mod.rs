//! Where entries are stored. A sink assigns sequence numbers, keeps the Merkle frontier, and
//! makes a batch durable before [`Sink::append`] returns.

use std::ops::ControlFlow;

use time::OffsetDateTime;

use crate::checkpoint::{Checkpoint, decode_hash};
use crate::event::{Entry, Event, format_time};
use crate::merkle::{Frontier, Hash, leaf_hash};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use crate::query::Query;
use crate::{Error, Receipt};

pub mod file;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// The kept summary of a purged prefix: the frontier at the cut and the checkpoint made there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The frontier of the purged prefix `[0, cut)`.
    pub frontier: Frontier,
    /// The checkpoint at the cut (signed when the log has a signer).
    pub checkpoint: Checkpoint,
}

impl Base {
    pub(crate) fn to_value(&self) -> serde_json::Value {
        serde_json::json!({
            "size": self.frontier.size(),
            "frontier": self.frontier.nodes().iter().map(hex::encode).collect::<Vec<_>>(),
            "checkpoint": self.checkpoint.to_value(),
        })
    }

    pub(crate) fn from_value(value: serde_json::Value) -> Result<Self, Error> {
        let bad = Error::Corrupt {
            what: "purge base record is malformed",
        };
        let serde_json::Value::Object(mut map) = value else {
            return Err(bad);
        };
        let size = map.get("size").and_then(serde_json::Value::as_u64);
        let nodes = map
            .get("frontier")
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().and_then(decode_hash))
                    .collect::<Option<Vec<Hash>>>()
            });
        let (Some(size), Some(Some(nodes)), Some(cp)) = (size, nodes, map.remove("checkpoint"))
        else {
            return Err(bad);
        };
        if map.len() != 2 {
            return Err(bad);
        }
        Ok(Self {
            frontier: Frontier::from_parts(size, nodes)?,
            checkpoint: Checkpoint::from_value(cp)?,
        })
    }
}

/// One stored record, in storage order, as a sink hands it to verification and queries.
#[derive(Debug)]
pub enum Record<'a> {
    /// The summary of a purged prefix (first record only).
    Base(Base),
    /// An entry: where the sink found it, its canonical bytes and the leaf hash stored with it.
    Entry {
        /// The sequence number the sink's index gives the record (for the file sink, the one in
        /// the line; for databases, the row key), checked against the canonical bytes.
        seq: u64,
        /// The canonical bytes (the Merkle leaf).
        canonical: &'a [u8],
        /// The leaf hash stored beside them.
        stored_hash: Hash,
        /// Whether the sink's index columns agree with the canonical bytes (databases).
        columns_match: bool,
    },
    /// A checkpoint written into the log.
    Checkpoint(Checkpoint),
    /// A record that cannot be decoded at all (a torn or overwritten line).
    Malformed,
}

/// A place to store the log. Implementations: [`file::FileSink`] (the default),
/// `sqlite::SqliteSink` (feature `sqlite`), `postgres::PostgresSink` (feature `postgres`).
pub trait Sink: Send {
    /// Appends the events in order at time `now`, assigning consecutive sequence numbers, and
    /// returns once they are durable (an fsync or a committed transaction).
    fn append(&mut self, events: &[Event], now: OffsetDateTime) -> Result<Vec<Receipt>, Error>;

    /// Stores a checkpoint of the current head (made by the log).
    fn write_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), Error>;

    /// The current Merkle frontier (size and subtree roots) as the sink sees it now.
    fn frontier(&mut self) -> Result<Frontier, Error>;

    /// Visits every record in order until `visit` breaks.
    fn scan(
        &mut self,
        visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>,
    ) -> Result<(), Error>;

    /// Removes the entries below `base.frontier.size()` and stores `base` in their place.
    fn purge(&mut self, base: &Base) -> Result<(), Error>;

    /// Visits the entries that may match `filter`, in order, starting after `after`. The
    /// default scans everything; database sinks narrow with their indexes. The log re-checks
    /// every candidate against the filter, so a sink may return extra ones.
    fn candidates(
        &mut self,
        filter: &crate::query::Query,
        visit: &mut dyn FnMut(Entry) -> Result<ControlFlow<()>, Error>,
    ) -> Result<(), Error> {
        let after = filter.after;
        self.scan(&mut |record| match record {
            Record::Entry { seq, canonical, .. } if after.is_none_or(|a| seq > a) => {
                let entry = Entry::from_canonical(canonical)?;
                visit(entry)
            }
            _ => Ok(ControlFlow::Continue(())),
        })
    }
}

/// Turns events into entries with consecutive sequence numbers and leaf hashes, advancing the
/// frontier. Shared by every sink.
pub(crate) fn prepare(
    frontier: &mut Frontier,
    events: &[Event],
    now: OffsetDateTime,
    mut each: impl FnMut(&Entry, &[u8], &Hash) -> Result<(), Error>,
) -> Result<Vec<Receipt>, Error> {
    let time = crate::event::normalise_time(now);
    let mut receipts = Vec::with_capacity(events.len());
    let mut buf = Vec::with_capacity(512);
    // Work on a copy so that a failing `each` leaves the frontier untouched.
    let mut next = frontier.clone();
    for event in events {
        let entry = Entry {
            seq: next.size(),
            time,
            event: event.clone(),
        };
        buf.clear();
        entry.write_canonical(&mut buf);
        let leaf = leaf_hash(&buf);
        each(&entry, &buf, &leaf)?;
        next.push(leaf);
        receipts.push(Receipt {
            seq: entry.seq,
            time,
            leaf_hash: leaf,
        });
    }
    *frontier = next;
    Ok(receipts)
}

/// Reads the sequence number from the front of canonical bytes (`{"seq":N,`) without a full
/// JSON parse.
pub(crate) fn seq_prefix(canonical: &[u8]) -> Option<u64> {
    let rest = canonical.strip_prefix(b"{\"seq\":")?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    if end == 0 || end > 20 || rest.get(end) != Some(&b',') {
        return None;
    }
    // Leading zeros are not canonical.
    if end > 1 && rest.first() == Some(&b'0') {
        return None;
    }
    std::str::from_utf8(rest.get(..end)?).ok()?.parse().ok()
}

/// A SQL `LIKE` pattern (with `\\` as the escape character) matching `prefix.` and anything
/// after it.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 2);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push_str(".%");
    out
}

/// The indexed conditions of a query as `(column, operator, value)`, in one order for every SQL
/// sink (each renders its own placeholders). An `action` ending in `.*` becomes a `LIKE` prefix.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn filter_conditions(filter: &Query) -> Vec<(&'static str, &'static str, String)> {
    let mut out = Vec::new();
    if let Some(t) = filter.from {
        out.push(("time", ">=", format_time(t)));
    }
    if let Some(t) = filter.until {
        out.push(("time", "<", format_time(t)));
    }
    if let Some(k) = &filter.actor_kind {
        out.push(("actor_type", "=", k.clone()));
    }
    if let Some(i) = &filter.actor_id {
        out.push(("actor_id", "=", i.clone()));
    }
    if let Some(a) = &filter.action {
        match a.strip_suffix(".*") {
            Some(prefix) => out.push(("action", "LIKE", like_prefix(prefix))),
            None => out.push(("action", "=", a.clone())),
        }
    }
    if let Some(t) = &filter.target {
        out.push(("target", "=", t.clone()));
    }
    if let Some(o) = filter.outcome {
        out.push(("outcome", "=", o.as_str().to_owned()));
    }
    out
}

#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn frontier_to_bytes(f: &Frontier) -> Vec<u8> {
    f.nodes().iter().flat_map(|h| h.iter().copied()).collect()
}

#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn frontier_from_bytes(size: u64, bytes: &[u8]) -> Result<Frontier, Error> {
    if !bytes.len().is_multiple_of(32) {
        return Err(Error::Corrupt {
            what: "stored frontier is not a list of hashes",
        });
    }
    let nodes = bytes
        .chunks_exact(32)
        .filter_map(|c| Hash::try_from(c).ok())
        .collect();
    Frontier::from_parts(size, nodes)
}

/// Whether a row's index columns say the same as its canonical bytes.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn columns_agree(
    canonical: &[u8],
    time: &str,
    actor: (&str, &str),
    action: &str,
    target: Option<&str>,
    outcome: &str,
) -> bool {
    Entry::from_canonical(canonical).is_ok_and(|e| {
        format_time(e.time) == time
            && e.event.actor.kind() == actor.0
            && e.event.actor.id() == actor.1
            && e.event.action == action
            && e.event.target.as_deref() == target
            && e.event.outcome.as_str() == outcome
    })
}
