//! [`AuditLog`]: redaction, a bounded queue in front of a single writer thread that batches and
//! makes entries durable before acknowledging them, queries, verification, checkpoints, proofs,
//! export and retention.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::Error;
use crate::checkpoint::{Checkpoint, CheckpointSigner, CheckpointVerifier};
use crate::clock::{Clock, SystemClock};
use crate::event::{Actor, Entry, Event, Outcome, actions};
use crate::export::{Export, ExportedEntry};
use crate::merkle::{ConsistencyProof, Frontier, Hash, InclusionProof, MerkleTree, leaf_hash};
use crate::query::{Page, Query};
use crate::redact::Redaction;
use crate::sink::file::FileSink;
use crate::sink::{Base, Record, Sink};
use crate::verify::{Depth, Verification, Verifier};

/// Proof that an event is durable: its sequence number, the time stamped on it and its leaf
/// hash. Returned only after the sink has made the event durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The event's sequence number.
    pub seq: u64,
    /// The time the log stamped on it.
    pub time: OffsetDateTime,
    /// Its Merkle leaf hash.
    pub leaf_hash: Hash,
}

/// When an event counts as durable, and so when it is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every event gets its own write and fsync (or transaction) before its acknowledgement.
    PerEvent,
    /// Group commit: after the first event of a batch arrives, the writer collects more for up
    /// to this long (or until the batch is full), then makes them durable with one fsync and
    /// acknowledges them all. Nothing is acknowledged before its fsync.
    GroupCommit(Duration),
}

/// The outcome of [`AuditLog::purge_older_than`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    /// Entries removed by this purge.
    pub removed: u64,
    /// The first sequence number still stored.
    pub cut: u64,
    /// The checkpoint kept at the cut.
    pub checkpoint: Checkpoint,
    /// The receipt of the `audit.purged` event recording the purge.
    pub receipt: Receipt,
}

/// An event in the queue. [`Pending::wait`] returns its receipt once it is durable.
#[derive(Debug)]
pub struct Pending {
    rx: Receiver<Result<Receipt, Error>>,
    ready: Option<Result<Receipt, Error>>,
}

impl Pending {
    /// Blocks until the event is durable (or its write failed).
    pub fn wait(self) -> Result<Receipt, Error> {
        match self.ready {
            Some(result) => result,
            None => self.rx.recv().unwrap_or(Err(Error::Closed)),
        }
    }

    /// Whether the outcome is known, without blocking; [`Pending::wait`] then returns at once.
    pub fn poll(&mut self) -> bool {
        if self.ready.is_none() {
            self.ready = match self.rx.try_recv() {
                Ok(r) => Some(r),
                Err(mpsc::TryRecvError::Empty) => None,
                Err(mpsc::TryRecvError::Disconnected) => Some(Err(Error::Closed)),
            };
        }
        self.ready.is_some()
    }
}

struct Request {
    event: Event,
    ack: SyncSender<Result<Receipt, Error>>,
}

struct Shared {
    sink: Mutex<Box<dyn Sink>>,
    clock: Arc<dyn Clock>,
    signer: Option<CheckpointSigner>,
    origin: String,
    failed: AtomicBool,
    checkpoint_every: u64,
}

impl Shared {
    fn sink(&self) -> MutexGuard<'_, Box<dyn Sink>> {
        // A panic while holding the lock cannot leave the sink half-written (every write is
        // one batch that either lands or is cut), so a poisoned lock is still usable.
        self.sink.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn make_checkpoint(&self, sink: &mut dyn Sink) -> Result<Checkpoint, Error> {
        let frontier = sink.frontier()?;
        let cp = Checkpoint::new(
            &self.origin,
            frontier.size(),
            frontier.root(),
            self.clock.now(),
            self.signer.as_ref(),
        );
        sink.write_checkpoint(&cp)?;
        Ok(cp)
    }
}

/// Configures an [`AuditLog`].
pub struct AuditLogBuilder {
    redaction: Redaction,
    clock: Arc<dyn Clock>,
    signer: Option<CheckpointSigner>,
    origin: String,
    durability: Durability,
    queue: usize,
    max_batch: usize,
    no_log: HashSet<(String, String)>,
    checkpoint_every: u64,
}

impl std::fmt::Debug for AuditLogBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLogBuilder")
            .field("origin", &self.origin)
            .field("durability", &self.durability)
            .field("queue", &self.queue)
            .field("max_batch", &self.max_batch)
            .finish_non_exhaustive()
    }
}

impl Default for AuditLogBuilder {
    fn default() -> Self {
        Self {
            redaction: Redaction::default(),
            clock: Arc::new(SystemClock),
            signer: None,
            origin: "rampart-audit".to_owned(),
            durability: Durability::GroupCommit(Duration::from_millis(2)),
            queue: 4096,
            max_batch: 1024,
            no_log: HashSet::new(),
            checkpoint_every: 0,
        }
    }
}

impl AuditLogBuilder {
    /// The redaction pipeline (default: the built-in sensitive keys).
    pub fn redaction(mut self, redaction: Redaction) -> Self {
        self.redaction = redaction;
        self
    }
    /// The clock (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    /// Signs checkpoints with this key.
    pub fn signer(mut self, signer: CheckpointSigner) -> Self {
        self.signer = Some(signer);
        self
    }
    /// The log's name in its checkpoints (default `rampart-audit`): one per log, so that a
    /// checkpoint of one log cannot pass for another's. At most 256 bytes, no newline.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = origin.into();
        self
    }
    /// The durability policy (default: group commit every 2 ms).
    pub fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }
    /// Bound of the queue in front of the writer (default 4096). When it is full,
    /// [`AuditLog::submit`] blocks (back-pressure) and [`AuditLog::try_submit`] fails.
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue = capacity;
        self
    }
    /// The most events made durable in one batch (default 1024).
    pub fn max_batch(mut self, max_batch: usize) -> Self {
        self.max_batch = max_batch;
        self
    }
    /// This actor opted out of logging: its events keep only their metadata (no details, IP
    /// or user agent).
    pub fn no_log_actor(mut self, actor: &Actor) -> Self {
        self.no_log
            .insert((actor.kind().to_owned(), actor.id().to_owned()));
        self
    }
    /// With a signer, writes a signed checkpoint into the log each time the size crosses a
    /// multiple of `every` (0, the default, only on [`AuditLog::checkpoint`]).
    pub fn checkpoint_every(mut self, every: u64) -> Self {
        self.checkpoint_every = every;
        self
    }

    /// Opens the JSON-lines file log at `path` (see [`FileSink::open`]).
    pub fn open_file(self, path: impl AsRef<Path>) -> Result<AuditLog, Error> {
        self.build(Box::new(FileSink::open(path)?))
    }

    /// Starts the log on any sink.
    pub fn build(self, sink: Box<dyn Sink>) -> Result<AuditLog, Error> {
        if self.queue == 0 || self.max_batch == 0 {
            return Err(Error::Config(
                "queue capacity and batch size must be positive",
            ));
        }
        if self.origin.is_empty() || self.origin.len() > 256 || self.origin.contains('\n') {
            return Err(Error::Config(
                "origin must be 1 to 256 bytes without a newline",
            ));
        }
        let shared = Arc::new(Shared {
            sink: Mutex::new(sink),
            clock: self.clock,
            signer: self.signer,
            origin: self.origin,
            failed: AtomicBool::new(false),
            checkpoint_every: self.checkpoint_every,
        });
        let (tx, rx) = mpsc::sync_channel::<Request>(self.queue);
        let writer_shared = Arc::clone(&shared);
        let durability = self.durability;
        let max_batch = self.max_batch;
        let thread = std::thread::Builder::new()
            .name("audit-log-writer".to_owned())
            .spawn(move || writer(&writer_shared, &rx, durability, max_batch))?;
        Ok(AuditLog {
            shared,
            tx: Some(tx),
            thread: Some(thread),
            redaction: self.redaction,
            no_log: RwLock::new(self.no_log),
        })
    }
}

/// The writer thread: takes a batch from the queue, makes it durable, acknowledges it.
fn writer(shared: &Shared, rx: &Receiver<Request>, durability: Durability, max_batch: usize) {
    let mut batch: Vec<Request> = Vec::with_capacity(max_batch);
    let mut events: Vec<Event> = Vec::with_capacity(max_batch);
    while let Ok(first) = rx.recv() {
        batch.push(first);
        match durability {
            Durability::PerEvent => {}
            Durability::GroupCommit(wait) => {
                let deadline = Instant::now() + wait;
                while batch.len() < max_batch {
                    // Take what is queued already, then wait out the window.
                    match rx.try_recv() {
                        Ok(r) => {
                            batch.push(r);
                            continue;
                        }
                        Err(mpsc::TryRecvError::Disconnected) => break,
                        Err(mpsc::TryRecvError::Empty) => {}
                    }
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    match rx.recv_timeout(left) {
                        Ok(r) => batch.push(r),
                        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                    }
                }
            }
        }
        if shared.failed.load(Ordering::Acquire) {
            for r in batch.drain(..) {
                let _ = r.ack.send(Err(Error::Closed));
            }
            continue;
        }
        events.clear();
        events.extend(batch.iter().map(|r| r.event.clone()));
        let now = shared.clock.now();
        let result = {
            let mut sink = shared.sink();
            let result = sink.append(&events, now);
            if let (Ok(receipts), Some(_), n) = (&result, &shared.signer, shared.checkpoint_every) {
                // Sizes from the receipts: right even when other writers share the sink.
                let before = receipts.first().map_or(0, |r| r.seq);
                let after = receipts.last().map_or(0, |r| r.seq + 1);
                if n > 0
                    && before / n != after / n
                    && shared.make_checkpoint(sink.as_mut()).is_err()
                {
                    // The batch is durable; only its checkpoint failed. Later appends are
                    // refused (fail closed) since the sink is misbehaving.
                    shared.failed.store(true, Ordering::Release);
                }
            }
            result
        };
        match result {
            Ok(receipts) => {
                for (r, receipt) in batch.drain(..).zip(receipts) {
                    let _ = r.ack.send(Ok(receipt));
                }
            }
            Err(e) => {
                // Fail closed: the sink's state is in doubt, so refuse further appends rather
                // than risk a gap. Every waiting caller learns its event was not written.
                shared.failed.store(true, Ordering::Release);
                let kind = match &e {
                    Error::Io(io) => Some(io.kind()),
                    _ => None,
                };
                for r in batch.drain(..) {
                    let err = match kind {
                        Some(k) => Error::Io(std::io::Error::new(k, "the batch was not written")),
                        None => Error::Database("the batch was not written".to_owned()),
                    };
                    let _ = r.ack.send(Err(err));
                }
            }
        }
    }
}

/// An append-only, tamper-evident audit log. Cheap to share behind an `Arc`; every method
/// takes `&self`.
pub struct AuditLog {
    shared: Arc<Shared>,
    tx: Option<SyncSender<Request>>,
    thread: Option<JoinHandle<()>>,
    redaction: Redaction,
    no_log: RwLock<HashSet<(String, String)>>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("origin", &self.shared.origin)
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// Configures a log.
    pub fn builder() -> AuditLogBuilder {
        AuditLogBuilder::default()
    }

    /// Opens the JSON-lines file log at `path` with the defaults.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::builder().open_file(path)
    }

    /// Sets or clears an actor's no-log opt-out at run time.
    pub fn set_no_log(&self, actor: &Actor, no_log: bool) {
        let key = (actor.kind().to_owned(), actor.id().to_owned());
        let mut set = self.no_log.write().unwrap_or_else(|p| p.into_inner());
        if no_log {
            set.insert(key);
        } else {
            set.remove(&key);
        }
    }

    fn prepare(&self, mut event: Event) -> Result<Event, Error> {
        event.validate()?;
        let opted_out = {
            let set = self.no_log.read().unwrap_or_else(|p| p.into_inner());
            !set.is_empty()
                && set.contains(&(event.actor.kind().to_owned(), event.actor.id().to_owned()))
        };
        if opted_out {
            event.strip_to_metadata();
        }
        self.redaction.apply(&mut event);
        let mut size = Vec::new();
        crate::event::canonical_value(&mut size, &event.details);
        if size.len() > crate::event::MAX_DETAILS_LEN {
            return Err(Error::InvalidEvent {
                field: "details",
                reason: "too large",
            });
        }
        Ok(event)
    }

    fn send(&self, event: Event, wait: bool) -> Result<Pending, Error> {
        if self.shared.failed.load(Ordering::Acquire) {
            return Err(Error::Closed);
        }
        let event = self.prepare(event)?;
        let tx = self.tx.as_ref().ok_or(Error::Closed)?;
        let (ack, rx) = mpsc::sync_channel(1);
        let request = Request { event, ack };
        if wait {
            tx.send(request).map_err(|_| Error::Closed)?;
        } else {
            tx.try_send(request).map_err(|e| match e {
                TrySendError::Full(_) => Error::QueueFull,
                TrySendError::Disconnected(_) => Error::Closed,
            })?;
        }
        Ok(Pending { rx, ready: None })
    }

    /// Redacts the event, queues it and blocks until it is durable. The simple call for a
    /// request handler.
    pub fn append(&self, event: Event) -> Result<Receipt, Error> {
        self.submit(event)?.wait()
    }

    /// Redacts the event and queues it, blocking while the queue is full (back-pressure);
    /// returns a handle that yields the receipt once durable. Submitting many and then waiting
    /// lets group commit batch them.
    pub fn submit(&self, event: Event) -> Result<Pending, Error> {
        self.send(event, true)
    }

    /// Like [`AuditLog::submit`] but fails with [`Error::QueueFull`] instead of blocking.
    /// The event is then not logged: the caller decides (retry, refuse the request).
    pub fn try_submit(&self, event: Event) -> Result<Pending, Error> {
        self.send(event, false)
    }

    /// One page of entries matching `query`, in sequence order.
    pub fn query(&self, query: &Query) -> Result<Page, Error> {
        let mut entries = Vec::new();
        let mut more = false;
        let limit = query.limit;
        self.shared.sink().candidates(query, &mut |entry| {
            if query.matches(&entry) {
                if entries.len() == limit {
                    more = true;
                    return Ok(ControlFlow::Break(()));
                }
                entries.push(entry);
            }
            Ok(ControlFlow::Continue(()))
        })?;
        let next = if more {
            entries.last().map(Entry::seq)
        } else {
            None
        };
        Ok(Page { entries, next })
    }

    /// Verifies the whole log (see [`verify_records`]): every entry against its hash and
    /// sequence number, every checkpoint against the tree and this log's origin, and with `key`
    /// every checkpoint's signature.
    pub fn verify(&self, key: Option<&CheckpointVerifier>) -> Result<Verification, Error> {
        self.verify_against(key, None)
    }

    /// Like [`AuditLog::verify`], and the log must extend `anchor`, a checkpoint the auditor
    /// kept: this also detects truncation.
    pub fn verify_against(
        &self,
        key: Option<&CheckpointVerifier>,
        anchor: Option<&Checkpoint>,
    ) -> Result<Verification, Error> {
        let mut sink = self.shared.sink();
        verify_scan(
            |visit| sink.scan(visit),
            key,
            anchor,
            Some(&self.shared.origin),
        )
    }

    /// Writes a checkpoint of everything durable so far (signed if the log has a signer) into
    /// the log and returns it, for the auditor to keep.
    pub fn checkpoint(&self) -> Result<Checkpoint, Error> {
        let mut sink = self.shared.sink();
        self.shared.make_checkpoint(sink.as_mut())
    }

    /// The Merkle tree of the stored log, after checking every entry's hash.
    fn tree(&self) -> Result<MerkleTree, Error> {
        let mut sink = self.shared.sink();
        build_tree(|visit| sink.scan(visit))
    }

    /// An inclusion proof of entry `seq` in the tree of the first `size` entries.
    pub fn inclusion_proof(&self, seq: u64, size: u64) -> Result<InclusionProof, Error> {
        self.tree()?.inclusion_proof(seq, size)
    }

    /// A consistency proof from the first `old` entries to the first `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<ConsistencyProof, Error> {
        self.tree()?.consistency_proof(old, new)
    }

    /// Exports entries `from..to` (sequence numbers, `to` exclusive) with an inclusion proof of
    /// each in a fresh checkpoint, for an auditor. See [`Export::verify`].
    pub fn export(&self, from: u64, to: u64) -> Result<Export, Error> {
        let mut sink = self.shared.sink();
        let tree = build_tree(|visit| sink.scan(visit))?;
        let cp = self.shared.make_checkpoint(sink.as_mut())?;
        let size = cp.size();
        let to = to.min(size);
        let mut entries = Vec::new();
        let mut err = None;
        sink.scan(&mut |record| {
            if let Record::Entry { seq, canonical, .. } = record {
                if seq >= to {
                    return Ok(ControlFlow::Break(()));
                }
                if seq >= from {
                    match tree.inclusion_proof(seq, size) {
                        Ok(proof) => entries.push(ExportedEntry {
                            canonical: String::from_utf8_lossy(canonical).into_owned(),
                            proof,
                        }),
                        Err(e) => {
                            err = Some(e);
                            return Ok(ControlFlow::Break(()));
                        }
                    }
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
        if let Some(e) = err {
            return Err(e);
        }
        Ok(Export {
            checkpoint: cp,
            entries,
        })
    }

    /// Removes the entries older than `days` days (the longest prefix of entries stamped before
    /// now minus `days`), keeping a checkpoint at the cut and the Merkle frontier so that the
    /// rest still verifies, then records the purge as an `audit.purged` event.
    ///
    /// The log must verify first (a purge never launders tampering away).
    pub fn purge_older_than(&self, days: u32) -> Result<PurgeReport, Error> {
        let cutoff = self.shared.clock.now() - time::Duration::days(i64::from(days));
        let (cut, removed, checkpoint) = {
            let mut sink = self.shared.sink();
            if let Verification::Tampered { seq, .. } =
                verify_records(|visit| sink.scan(visit), None, None)?
            {
                return Err(Error::Tampered { seq });
            }
            let mut frontier = Frontier::new();
            let mut first: Option<u64> = None;
            let mut cut: Option<u64> = None;
            sink.scan(&mut |record| {
                match record {
                    Record::Base(base) => frontier = base.frontier,
                    Record::Entry { seq, canonical, .. } => {
                        first.get_or_insert(seq);
                        let entry = Entry::from_canonical(canonical)?;
                        if entry.time >= cutoff {
                            cut = Some(seq);
                            return Ok(ControlFlow::Break(()));
                        }
                        frontier.push(leaf_hash(canonical));
                    }
                    _ => {}
                }
                Ok(ControlFlow::Continue(()))
            })?;
            let cut = cut.unwrap_or(frontier.size());
            let removed = cut - first.unwrap_or(cut).min(cut);
            let checkpoint = Checkpoint::new_purge(
                &self.shared.origin,
                frontier.size(),
                frontier.root(),
                self.shared.clock.now(),
                self.shared.signer.as_ref(),
            );
            if removed > 0 {
                sink.purge(&Base {
                    frontier,
                    checkpoint: checkpoint.clone(),
                })?;
            }
            (cut, removed, checkpoint)
        };
        let event = Event::builder(
            Actor::system("audit-log"),
            actions::AUDIT_PURGED,
            Outcome::Success,
        )
        .resource_type("audit_log")
        .details(serde_json::json!({
            "older_than_days": days,
            "cutoff": crate::event::format_time(cutoff),
            "removed": removed,
            "cut": cut,
            "root_at_cut": hex::encode(checkpoint.root()),
        }))
        .build()?;
        let receipt = self.append(event)?;
        Ok(PurgeReport {
            removed,
            cut,
            checkpoint,
            receipt,
        })
    }

    /// Stops accepting events, makes every queued one durable, and stops the writer.
    pub fn close(mut self) -> Result<(), Error> {
        self.shutdown();
        if self.shared.failed.load(Ordering::Acquire) {
            return Err(Error::Closed);
        }
        Ok(())
    }

    fn shutdown(&mut self) {
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Verifies the records a scan yields: the core of [`AuditLog::verify`], usable on a log no
/// writer has open (see [`crate::verify_file`]).
pub fn verify_records(
    scan: impl FnOnce(&mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>) -> Result<(), Error>,
    key: Option<&CheckpointVerifier>,
    anchor: Option<&Checkpoint>,
) -> Result<Verification, Error> {
    // Checkpoints must name the anchor's log, when the caller trusts one.
    verify_scan(scan, key, anchor, anchor.map(Checkpoint::origin))
}

/// [`verify_records`], every checkpoint also required to name `origin` when given.
fn verify_scan(
    scan: impl FnOnce(&mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>) -> Result<(), Error>,
    key: Option<&CheckpointVerifier>,
    anchor: Option<&Checkpoint>,
    origin: Option<&str>,
) -> Result<Verification, Error> {
    let mut verifier = Verifier::new(Depth::Full, key)
        .with_anchor(anchor)
        .with_origin(origin);
    scan(&mut |record| Ok(verifier.feed(record)))?;
    Ok(verifier.finish().0)
}

/// Builds the Merkle tree from a scan, refusing a log that does not verify at hash level.
pub(crate) fn build_tree(
    scan: impl FnOnce(&mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>) -> Result<(), Error>,
) -> Result<MerkleTree, Error> {
    let mut verifier = Verifier::new(Depth::Hashes, None);
    let mut tree = MerkleTree::new();
    scan(&mut |record| {
        match &record {
            Record::Base(base) => tree = MerkleTree::from_frontier(&base.frontier),
            Record::Entry { canonical, .. } => {
                let leaf = leaf_hash(canonical);
                // Pushed before the verifier sees it; a bad entry stops everything below.
                tree.push(leaf);
            }
            _ => {}
        }
        Ok(verifier.feed(record))
    })?;
    match verifier.finish().0 {
        Verification::Valid { .. } => Ok(tree),
        Verification::Tampered { seq, .. } => Err(Error::Tampered { seq }),
    }
}
