//! Queries over the log: time range, actor, action, target, outcome, with keyset pagination.

use time::OffsetDateTime;

use crate::event::{Entry, Outcome};

/// The most entries one page returns, whatever the caller asks.
pub const MAX_PAGE: usize = 1000;

/// A filter with a page size. Every set criterion must match. Build with [`Query::new`] and the
/// chained setters; pass [`Page::next`] as [`Query::after`] to get the following page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub(crate) from: Option<OffsetDateTime>,
    pub(crate) until: Option<OffsetDateTime>,
    pub(crate) actor_kind: Option<String>,
    pub(crate) actor_id: Option<String>,
    pub(crate) action: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) after: Option<u64>,
    pub(crate) limit: usize,
}

impl Default for Query {
    fn default() -> Self {
        Self::new()
    }
}

impl Query {
    /// Everything, 100 entries per page.
    pub fn new() -> Self {
        Self {
            from: None,
            until: None,
            actor_kind: None,
            actor_id: None,
            action: None,
            target: None,
            outcome: None,
            after: None,
            limit: 100,
        }
    }

    /// Entries at or after `from`.
    pub fn from(mut self, from: OffsetDateTime) -> Self {
        self.from = Some(from);
        self
    }
    /// Entries strictly before `until`.
    pub fn until(mut self, until: OffsetDateTime) -> Self {
        self.until = Some(until);
        self
    }
    /// Entries of this actor.
    pub fn actor(mut self, kind: impl Into<String>, id: impl Into<String>) -> Self {
        self.actor_kind = Some(kind.into());
        self.actor_id = Some(id.into());
        self
    }
    /// Entries of this action. A name ending in `.*` matches the prefix (`api_key.*`).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }
    /// Entries about this target.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }
    /// Entries with this outcome.
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = Some(outcome);
        self
    }
    /// Entries with a sequence number above `seq` (the cursor of the previous page).
    pub fn after(mut self, seq: u64) -> Self {
        self.after = Some(seq);
        self
    }
    /// Page size, 1 to [`MAX_PAGE`] (clamped).
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit.clamp(1, MAX_PAGE);
        self
    }

    /// Whether an entry matches every criterion.
    pub fn matches(&self, entry: &Entry) -> bool {
        let e = &entry.event;
        self.after.is_none_or(|a| entry.seq > a)
            && self.from.is_none_or(|t| entry.time >= t)
            && self.until.is_none_or(|t| entry.time < t)
            && self
                .actor_kind
                .as_deref()
                .is_none_or(|k| e.actor.kind() == k)
            && self.actor_id.as_deref().is_none_or(|i| e.actor.id() == i)
            && self
                .action
                .as_deref()
                .is_none_or(|a| match a.strip_suffix(".*") {
                    Some(prefix) => e
                        .action
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('.')),
                    None => e.action == a,
                })
            && self
                .target
                .as_deref()
                .is_none_or(|t| e.target.as_deref() == Some(t))
            && self.outcome.is_none_or(|o| e.outcome == o)
    }
}

/// One page of results, in sequence order.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The matching entries.
    pub entries: Vec<Entry>,
    /// The cursor for the next page (`Query::after`), or `None` when this was the last page.
    pub next: Option<u64>,
}
