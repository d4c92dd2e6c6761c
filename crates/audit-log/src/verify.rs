//! Log verification: one pass over the stored records that recomputes every leaf hash and the
//! Merkle frontier, checks sequence numbers and checkpoints, and names the first bad entry.

use std::ops::ControlFlow;

use crate::checkpoint::{Checkpoint, CheckpointVerifier};
use crate::event::check_canonical;
use crate::merkle::{Frontier, Hash, leaf_hash};
use crate::sink::{Record, seq_prefix};

/// What kind of damage verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tamper {
    /// The entry's bytes no longer match its stored leaf hash (or a database row's columns no
    /// longer match its canonical bytes).
    Modified,
    /// The next entry carries a later sequence number: this one was deleted.
    Missing,
    /// The next entry carries an earlier or repeated sequence number: an entry was inserted,
    /// duplicated or moved.
    OutOfOrder,
    /// A record cannot be decoded (overwritten, or a torn last line).
    Malformed,
    /// A checkpoint in the log does not match the entries before it or its signature fails,
    /// although every entry matches its own hash: the entries after the last good checkpoint
    /// were rewritten consistently, by someone without the checkpoint key.
    BadCheckpoint,
    /// The log is shorter than a checkpoint the verifier trusts, or its root at that size
    /// differs.
    Truncated,
}

/// The result of verifying a log: a value, because a tampered log is a finding, not a misuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every record checks out.
    Valid {
        /// Number of entries (including a purged prefix).
        size: u64,
        /// The Merkle root over all of them.
        root: Hash,
        /// The first sequence number still stored (the purge cut; 0 if never purged).
        first: u64,
        /// Entries covered by the last checkpoint that verified (0 when none did). With a
        /// checkpoint key, only signed checkpoints count.
        checkpointed: u64,
    },
    /// The log was tampered with; `seq` is the first sequence number that fails.
    Tampered {
        /// First bad sequence number.
        seq: u64,
        /// What was found there.
        reason: Tamper,
    },
}

impl Verification {
    /// Whether the log verified.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verification::Valid { .. })
    }
}

/// How much each entry is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Sequence numbers, leaf hashes and checkpoints (opening a log for writing).
    Hashes,
    /// Also parse every entry as a valid event (verification).
    Full,
}

pub(crate) struct Verifier<'a> {
    depth: Depth,
    key: Option<&'a CheckpointVerifier>,
    anchor: Option<&'a Checkpoint>,
    origin: Option<&'a str>,
    anchor_ok: bool,
    frontier: Frontier,
    first_record: bool,
    first_seq: u64,
    checkpointed: u64,
    found: Option<(u64, Tamper)>,
}

impl<'a> Verifier<'a> {
    pub(crate) fn new(depth: Depth, key: Option<&'a CheckpointVerifier>) -> Self {
        Self {
            depth,
            key,
            anchor: None,
            origin: None,
            anchor_ok: false,
            frontier: Frontier::new(),
            first_record: true,
            first_seq: 0,
            checkpointed: 0,
            found: None,
        }
    }

    /// Also require the log to extend `anchor`, a checkpoint the caller trusts (kept from an
    /// earlier export or run): detects truncation and any rewrite of its prefix.
    pub(crate) fn with_anchor(mut self, anchor: Option<&'a Checkpoint>) -> Self {
        self.anchor = anchor;
        self
    }

    /// Also require every checkpoint to name `origin` (the log being verified), so that a
    /// signed log of another origin under the same key cannot pass for this one.
    pub(crate) fn with_origin(mut self, origin: Option<&'a str>) -> Self {
        self.origin = origin;
        self
    }

    fn fail(&mut self, seq: u64, reason: Tamper) -> ControlFlow<()> {
        self.found = Some((seq, reason));
        ControlFlow::Break(())
    }

    fn checkpoint_ok(&self, cp: &Checkpoint) -> bool {
        cp.size() == self.frontier.size()
            && self.origin.is_none_or(|o| cp.origin() == o)
            && *cp.root() == self.frontier.root()
            && self.key.is_none_or(|k| cp.verify_signature(k).is_ok())
    }

    fn check_anchor(&mut self) -> ControlFlow<()> {
        if let Some(anchor) = self.anchor
            && anchor.size() == self.frontier.size()
        {
            if *anchor.root() != self.frontier.root() {
                let seq = self.checkpointed.min(anchor.size());
                return self.fail(seq, Tamper::Truncated);
            }
            self.anchor_ok = true;
        }
        ControlFlow::Continue(())
    }

    pub(crate) fn feed(&mut self, record: Record<'_>) -> ControlFlow<()> {
        if self.found.is_some() {
            return ControlFlow::Break(());
        }
        let first = std::mem::replace(&mut self.first_record, false);
        let expected = self.frontier.size();
        match record {
            Record::Base(base) => {
                if !first {
                    return self.fail(expected, Tamper::OutOfOrder);
                }
                self.frontier = base.frontier;
                self.first_seq = self.frontier.size();
                // Only a checkpoint made as a purge cut may stand for the entries before it.
                if !base.checkpoint.is_purge() || !self.checkpoint_ok(&base.checkpoint) {
                    return self.fail(0, Tamper::BadCheckpoint);
                }
                self.checkpointed = self.frontier.size();
                self.check_anchor()
            }
            Record::Entry {
                seq,
                canonical,
                stored_hash,
                columns_match,
            } => {
                let Some(inner_seq) = seq_prefix(canonical) else {
                    return self.fail(expected, Tamper::Malformed);
                };
                if seq != expected || inner_seq != expected {
                    let reason = if seq.max(inner_seq) > expected && seq.min(inner_seq) >= expected
                    {
                        Tamper::Missing
                    } else {
                        Tamper::OutOfOrder
                    };
                    return self.fail(expected, reason);
                }
                let leaf = leaf_hash(canonical);
                if leaf != stored_hash || !columns_match {
                    return self.fail(expected, Tamper::Modified);
                }
                if self.depth == Depth::Full && !check_canonical(canonical) {
                    return self.fail(expected, Tamper::Malformed);
                }
                self.frontier.push(leaf);
                self.check_anchor()
            }
            Record::Checkpoint(cp) => {
                if cp.size() != expected {
                    return self.fail(cp.size().min(expected), Tamper::BadCheckpoint);
                }
                if !self.checkpoint_ok(&cp) {
                    return self.fail(self.checkpointed, Tamper::BadCheckpoint);
                }
                self.checkpointed = cp.size();
                ControlFlow::Continue(())
            }
            Record::Malformed => self.fail(expected, Tamper::Malformed),
        }
    }

    pub(crate) fn finish(self) -> (Verification, Frontier) {
        if let Some((seq, reason)) = self.found {
            return (Verification::Tampered { seq, reason }, self.frontier);
        }
        if let Some(anchor) = self.anchor
            && !self.anchor_ok
        {
            let seq = self.frontier.size().min(anchor.size());
            return (
                Verification::Tampered {
                    seq,
                    reason: Tamper::Truncated,
                },
                self.frontier,
            );
        }
        (
            Verification::Valid {
                size: self.frontier.size(),
                root: self.frontier.root(),
                first: self.first_seq,
                checkpointed: self.checkpointed,
            },
            self.frontier,
        )
    }
}
