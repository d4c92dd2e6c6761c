//! Where a rule's regex can match, derived from the pattern itself: literals that every match
//! must contain, and how far a match can reach before or after them.
//!
//! A rule whose trigger occurs in a view used to run its regex over the whole view. Most such
//! runs find nothing (ordinary text says "system" or "role" without an attack around it), and
//! the regex search, not the trigger pass, was most of a scan. The plan of a rule lets the
//! guard skip a regex that cannot match, and search only the part of the view where a match can
//! start and end. Both are proved from the pattern, not assumed from the rule table, so the
//! matches are exactly those of a whole-view search:
//!
//! - A pattern is split into *branches* (its top-level alternatives), each a sequence of
//!   *elements* (the top-level concatenation, with capture groups opened).
//! - Every match of a branch holds a match of each element, and every match of an element
//!   starts with one of its prefix literals and ends with one of its suffix literals (the literal
//!   sequences of `regex-syntax`, the ones the regex engine trusts for its own prefilters). So
//!   a branch can only match when each *gate* (a prefix set of an element) has an occurrence
//!   in the view.
//! - When the elements before element `k` match at most `P` bytes, a match starts at most `P`
//!   bytes before an occurrence of `k`'s prefix set, so no match starts before the set's first
//!   occurrence minus `P`. Symmetrically, when the elements after `k` match at most `S` bytes,
//!   no match ends after the last end of an occurrence of `k`'s suffix set plus `S`.
//!
//! The start bound is applied with [`regex::bytes::Regex::find_at`] (look-behind still sees
//! the text before it); the end bound by cutting the haystack one byte after the last possible
//! match end, which no assertion of a match can look past.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// Literals shorter than this make a poor gate (they occur in most texts and cost a trigger-pass
/// report at every occurrence), so a set holding one is not used.
const MIN_LITERAL: usize = 3;
/// Words in most texts: a set holding one gates nothing and costs a report at every occurrence.
const COMMON: &[&[u8]] = &[
    b"the", b"and", b"you", b"your", b"that", b"this", b"with", b"for", b"are", b"all", b"any",
    b"not", b"can", b"now", b"its", b"our", b"one", b"out", b"was", b"who", b"will", b"what",
    b"how", b"has", b"have", b"from", b"but", b"his", b"her", b"they", b"them", b"then", b"than",
    b"there", b"which", b"when", b"would", b"about", b"more", b"some", b"other", b"into",
];
/// The most literals of one set (a larger set is not used).
const MAX_SET: usize = 64;
/// The most gates per branch (the sets with the longest shortest literal).
const MAX_GATES: usize = 1;
/// The most branches of a plan (a pattern with more alternatives gets no plan).
const MAX_BRANCHES: usize = 32;
/// The most start (and end) bounds per branch.
const MAX_BOUNDS: usize = 1;

/// A set of literals: an occurrence of any of them is an occurrence of the set.
pub(crate) type LiteralSet = Vec<Vec<u8>>;

/// One top-level alternative of a pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Branch<S> {
    /// Sets that must each occur for the branch to match.
    pub gates: Vec<S>,
    /// Sets and distances: no match of the branch starts more than the distance before the
    /// set's first occurrence (each set must occur too).
    pub starts: Vec<(S, usize)>,
    /// Sets and distances: no match of the branch ends more than the distance after the end
    /// of the set's last occurrence (each set must occur too).
    pub ends: Vec<(S, usize)>,
}

/// Where the matches of one pattern can be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Plan<S> {
    /// Every match is a match of one of these.
    pub branches: Vec<Branch<S>>,
}

/// The plan of `pattern` (the pattern as compiled: bytes, Unicode off), or `None` when nothing
/// useful is known (the guard then searches the whole view, as before).
pub(crate) fn plan(pattern: &str) -> Option<Plan<LiteralSet>> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    // An empty match would make the iteration rules of `find_iter` matter; no rule has one.
    if hir.properties().minimum_len().is_none_or(|n| n == 0) {
        return None;
    }
    let mut alternatives = Vec::new();
    split_branches(&hir, &mut alternatives);
    if alternatives.len() > MAX_BRANCHES {
        return None;
    }
    let branches: Vec<_> = alternatives
        .iter()
        .map(|b| branch(&b.iter().collect::<Vec<_>>()))
        .collect();
    // A branch without any literal knowledge can match anywhere: the plan would only cost.
    if branches
        .iter()
        .any(|b| b.gates.is_empty() && b.starts.is_empty() && b.ends.is_empty())
    {
        return None;
    }
    Some(Plan { branches })
}

/// The top-level alternatives of `hir`, each as its sequence of elements. An alternation
/// between zero-width assertions (`\b(?:a|b)\b`, which the parser makes of `\ba\b|\bb\b`) is
/// split too.
fn split_branches(hir: &Hir, out: &mut Vec<Vec<Hir>>) {
    match hir.kind() {
        HirKind::Capture(c) => split_branches(&c.sub, out),
        HirKind::Alternation(alts) => {
            for a in alts {
                split_branches(a, out);
            }
        }
        _ => {
            let mut items = Vec::new();
            flatten(hir, &mut items);
            let zero_width = |h: &&Hir| matches!(h.kind(), HirKind::Look(_));
            let alternation = items.iter().position(|h| !zero_width(h));
            if let Some(i) = alternation
                && items.iter().filter(|h| !zero_width(h)).count() == 1
                && let Some(HirKind::Alternation(alts)) = items.get(i).map(|h| h.kind())
            {
                for a in alts {
                    let mut concat: Vec<Hir> = items.iter().map(|h| (*h).clone()).collect();
                    if let Some(slot) = concat.get_mut(i) {
                        *slot = a.clone();
                    }
                    split_branches(&Hir::concat(concat), out);
                }
                return;
            }
            out.push(items.into_iter().cloned().collect());
        }
    }
}

/// The elements of a concatenation, with capture groups and nested concatenations opened.
fn flatten<'h>(hir: &'h Hir, out: &mut Vec<&'h Hir>) {
    match hir.kind() {
        HirKind::Capture(c) => flatten(&c.sub, out),
        HirKind::Concat(items) => {
            for i in items {
                flatten(i, out);
            }
        }
        _ => out.push(hir),
    }
}

/// The literal set of `kind` of one element, if it is usable (finite, not too large, no short
/// literal).
fn literals(hir: &Hir, kind: ExtractKind) -> Option<LiteralSet> {
    // A class of more than four bytes (the `\s` a pattern's space stands for) ends the literals
    // instead of multiplying them.
    let seq = Extractor::new()
        .kind(kind)
        .limit_class(4)
        .limit_total(500)
        .extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_SET {
        return None;
    }
    let mut set: LiteralSet = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
    if set
        .iter()
        .any(|l| l.len() < MIN_LITERAL || COMMON.contains(&l.as_slice()))
    {
        return None;
    }
    set.sort();
    set.dedup();
    Some(set)
}

fn branch(items: &[&Hir]) -> Branch<LiteralSet> {
    let max: Vec<Option<usize>> = items.iter().map(|h| h.properties().maximum_len()).collect();
    // Bytes matched by a run of elements, when bounded.
    let sum = |r: &[Option<usize>]| {
        r.iter()
            .try_fold(0usize, |acc, m| m.and_then(|m| acc.checked_add(m)))
    };
    let concat = |r: &[&Hir]| Hir::concat(r.iter().map(|h| (*h).clone()).collect());
    let mut gates: Vec<LiteralSet> = Vec::new();
    let mut starts: Vec<(LiteralSet, usize)> = Vec::new();
    let mut ends: Vec<(LiteralSet, usize)> = Vec::new();
    for k in 0..items.len() {
        // The elements from k on match a suffix of the match: it starts with one of these.
        let rest = items.get(k..).map(concat);
        if let Some(set) = rest.and_then(|h| literals(&h, ExtractKind::Prefix)) {
            if let Some(before) = max.get(..k).and_then(sum) {
                starts.push((set.clone(), before));
            }
            gates.push(set);
        }
        // The elements up to k match a prefix of the match: it ends with one of these.
        if let Some(after) = max.get(k + 1..).and_then(sum)
            && let Some(set) = items
                .get(..=k)
                .map(concat)
                .and_then(|h| literals(&h, ExtractKind::Suffix))
        {
            ends.push((set, after));
        }
    }
    // The most selective sets: the longest shortest literal, then the fewest literals.
    let rank = |s: &LiteralSet| {
        (
            std::cmp::Reverse(s.iter().map(Vec::len).min().unwrap_or(0)),
            s.len(),
        )
    };
    gates.sort_by_key(rank);
    gates.dedup();
    gates.truncate(MAX_GATES);
    // The nearest bounds first (each one is valid; the guard takes the tightest).
    starts.sort_by_key(|(s, d)| (*d, rank(s)));
    starts.dedup();
    starts.truncate(MAX_BOUNDS);
    ends.sort_by_key(|(s, d)| (*d, rank(s)));
    ends.dedup();
    ends.truncate(MAX_BOUNDS);
    Branch {
        gates,
        starts,
        ends,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> LiteralSet {
        words.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn gates_and_bounds_of_a_concatenation() {
        let p = plan(r"(?:^|\. )(?P<m>ignore\s(?:all|any)\s[a-z]+\sinstructions)").unwrap();
        assert_eq!(p.branches.len(), 1);
        let b = &p.branches[0];
        // A match starts with ". ignore" or "ignore" and ends with "instructions".
        assert_eq!(b.starts[0], (set(&[". ignore", "ignore"]), 0));
        assert_eq!(b.ends[0], (set(&["instructions"]), 0));
        // The most selective gate first.
        assert_eq!(b.gates[0], set(&["instructions"]));
        assert!(b.gates.len() <= MAX_GATES && b.starts.len() <= MAX_BOUNDS);
        // "ignore" starts at most two bytes after the start of a match.
        let p = plan(r"[a-z]{0,2}ignore\s[a-z]+").unwrap();
        assert_eq!(p.branches[0].starts[0], (set(&["ignore"]), 2));
        assert!(p.branches[0].ends.is_empty());
    }

    #[test]
    fn alternatives_are_branches_and_unknown_ones_disable_the_plan() {
        let p = plan(r"\bdan mode\b|\bstands for [a-z]+ anything now").unwrap();
        assert_eq!(p.branches.len(), 2);
        assert_eq!(p.branches[0].gates, vec![set(&["dan mode"])]);
        assert_eq!(p.branches[0].starts[0], (set(&["dan mode"]), 0));
        // An unbounded word between the two literals: each bounds one side only.
        assert_eq!(p.branches[1].starts, vec![(set(&["stands for "]), 0)]);
        assert_eq!(p.branches[1].ends, vec![(set(&[" anything now"]), 0)]);
        // A branch with no literal of at least three bytes: no plan at all.
        assert_eq!(plan(r"\bdan mode\b|[a-z]+\sok"), None);
        // A pattern that can match the empty string: no plan.
        assert_eq!(plan(r"(?:ignore)?"), None);
    }
}
