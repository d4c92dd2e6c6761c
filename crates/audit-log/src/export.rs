//! Export of a range of entries with their inclusion proofs, for an auditor.

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::checkpoint::{Checkpoint, CheckpointVerifier, decode_hash};
use crate::event::Entry;
use crate::merkle::{Hash, InclusionProof, leaf_hash, verify_inclusion};
use crate::sink::seq_prefix;

/// One exported entry: its canonical bytes (as a string, byte for byte) and its inclusion proof
/// in the export's checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedEntry {
    /// The canonical bytes of the entry.
    pub canonical: String,
    /// Its inclusion proof in the tree of `checkpoint.size()` entries.
    pub proof: InclusionProof,
}

/// A self-contained bundle: a checkpoint and entries with proofs. An auditor checks it with
/// [`Export::verify`] and nothing else; with a signed checkpoint and the public key (or HMAC
/// secret), the entries are proven to be in the log exactly as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The checkpoint the proofs lead to.
    pub checkpoint: Checkpoint,
    /// The exported entries, in order.
    pub entries: Vec<ExportedEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    entry: String,
    proof: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExport {
    checkpoint: serde_json::Value,
    entries: Vec<RawEntry>,
}

impl Export {
    /// The bundle as JSON.
    pub fn to_json(&self) -> String {
        let raw = RawExport {
            checkpoint: self.checkpoint.to_value(),
            entries: self
                .entries
                .iter()
                .map(|e| RawEntry {
                    entry: e.canonical.clone(),
                    proof: e.proof.path.iter().map(hex::encode).collect(),
                })
                .collect(),
        };
        serde_json::to_string(&raw).unwrap_or_default()
    }

    /// Parses a bundle. Does not verify it.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let raw: RawExport = serde_json::from_str(text).map_err(|_| Error::Corrupt {
            what: "export is not of the expected shape",
        })?;
        let checkpoint = Checkpoint::from_value(raw.checkpoint)?;
        let mut entries = Vec::with_capacity(raw.entries.len());
        for e in raw.entries {
            let seq = seq_prefix(e.entry.as_bytes()).ok_or(Error::Corrupt {
                what: "exported entry has no sequence number",
            })?;
            let path = e
                .proof
                .iter()
                .map(|h| decode_hash(h))
                .collect::<Option<Vec<Hash>>>()
                .ok_or(Error::Corrupt {
                    what: "exported proof node is not 32 hex bytes",
                })?;
            entries.push(ExportedEntry {
                canonical: e.entry,
                proof: InclusionProof {
                    index: seq,
                    size: checkpoint.size(),
                    path,
                },
            });
        }
        Ok(Self {
            checkpoint,
            entries,
        })
    }

    /// Checks the checkpoint's signature (when `key` is given) and every entry's inclusion
    /// proof against it, and that the entries are consecutive (no entry inside the exported
    /// range was left out, repeated or reordered); returns the parsed entries. Any failure is an error naming nothing
    /// secret: [`Error::BadSignature`], [`Error::Proof`] or [`Error::Corrupt`].
    pub fn verify(&self, key: Option<&CheckpointVerifier>) -> Result<Vec<Entry>, Error> {
        if let Some(key) = key {
            self.checkpoint.verify_signature(key)?;
        }
        let mut out = Vec::with_capacity(self.entries.len());
        let mut next: Option<u64> = None;
        for e in &self.entries {
            let bytes = e.canonical.as_bytes();
            let seq = seq_prefix(bytes).ok_or(Error::Corrupt {
                what: "exported entry has no sequence number",
            })?;
            if next.is_some_and(|n| n != seq) {
                return Err(Error::Corrupt {
                    what: "exported entries are not consecutive: one was left out or moved",
                });
            }
            next = seq.checked_add(1);
            if seq != e.proof.index || e.proof.size != self.checkpoint.size() {
                return Err(Error::Corrupt {
                    what: "exported proof is for another entry or size",
                });
            }
            verify_inclusion(
                seq,
                self.checkpoint.size(),
                &leaf_hash(bytes),
                &e.proof.path,
                self.checkpoint.root(),
            )?;
            out.push(Entry::from_canonical(bytes)?);
        }
        Ok(out)
    }
}
