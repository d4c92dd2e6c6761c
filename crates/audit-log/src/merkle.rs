//! The RFC 6962 / RFC 9162 Merkle tree: hashing, an O(log n) frontier for appending, an
//! in-memory tree for proofs, and the inclusion and consistency proof verifiers.
//!
//! Verification follows RFC 9162 s2.1.3.2 and s2.1.4.2 with the stricter policy of
//! transparency-dev/merkle (`proof/verify.go`): a leaf hash must be exactly 32 bytes (roots too, unless the sizes are equal),
//! a consistency proof from the empty tree is refused, and a proof must have exactly the number of
//! nodes its index and sizes call for.

use sha2::{Digest, Sha256};

use crate::Error;

/// A SHA-256 digest: a leaf hash, an inner node hash or a tree root.
pub type Hash = [u8; 32];

/// Why a proof was refused. Returned inside [`Error::Proof`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// A leaf hash, a root or a proof node is not exactly 32 bytes.
    #[error("a hash is not 32 bytes long")]
    HashLength,
    /// The leaf index is not below the tree size.
    #[error("leaf index is not below the tree size")]
    IndexOutOfRange,
    /// The old size is larger than the new size.
    #[error("the first tree is larger than the second")]
    SizeOrder,
    /// A consistency proof from the empty tree says nothing and is refused.
    #[error("a consistency proof from the empty tree is meaningless")]
    EmptyTree,
    /// The proof has more or fewer nodes than the index and sizes call for.
    #[error("the proof has the wrong number of nodes")]
    WrongSize,
    /// The proof does not lead to the given root(s).
    #[error("the proof does not match the root")]
    RootMismatch,
}

/// RFC 6962 leaf hash: SHA-256(0x00 || leaf). The prefix keeps leaves and nodes apart, so no
/// leaf can pose as an inner node (a second-preimage defence).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// RFC 6962 inner node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &[u8], right: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest tree size a stored frontier may claim: `i64::MAX`, the largest sequence number
/// the SQL sinks can store. Real logs stay far below; the cap keeps every later `size + 1` from
/// overflowing on hostile input.
pub const MAX_TREE_SIZE: u64 = u64::MAX >> 1;

/// The compact state of an append-only tree: the roots of the perfect subtrees that tile
/// `[0, size)`, largest (leftmost) first. O(log n) hashes, enough to append and to compute the
/// root, and what a retention purge keeps of the purged prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a frontier from its size and nodes (as stored by a purge). Fails unless there is
    /// exactly one node per set bit of `size`, and unless `size` is at most [`MAX_TREE_SIZE`]
    /// (a stored size near `u64::MAX` is damage, and appending to it would overflow).
    pub fn from_parts(size: u64, nodes: Vec<Hash>) -> Result<Self, Error> {
        if size > MAX_TREE_SIZE {
            return Err(Error::Corrupt {
                what: "frontier size is beyond any log",
            });
        }
        if nodes.len() != size.count_ones() as usize {
            return Err(Error::Corrupt {
                what: "frontier node count does not match its size",
            });
        }
        Ok(Self { size, nodes })
    }

    /// Number of leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The subtree roots, largest first (one per set bit of the size, high to low).
    pub fn nodes(&self) -> &[Hash] {
        &self.nodes
    }

    /// Appends one leaf hash: amortised O(1) node hashes, O(log n) worst case.
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut size = self.size;
        // Each trailing one bit of the old size is a completed sibling to merge with.
        while size & 1 == 1 {
            match self.nodes.pop() {
                Some(left) => hash = node_hash(&left, &hash),
                None => break,
            }
            size >>= 1;
        }
        self.nodes.push(hash);
        self.size += 1;
    }

    /// The RFC 6962 root of the leaves appended so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.nodes.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        let mut acc = *last;
        for left in iter {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

/// The full tree in memory (about 64 bytes per leaf), for proofs. It can start after a purged
/// prefix: then it knows that prefix only through its [`Frontier`], which is enough for every
/// proof about a retained leaf and every consistency proof from a size at or after the cut.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    /// The purged prefix: leaves `[0, base)` are known only by their frontier.
    base: u64,
    /// `levels[h]` holds the complete nodes of height `h` from index `starts[h]` on.
    levels: Vec<Vec<Hash>>,
    starts: Vec<u64>,
    size: u64,
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree whose first `frontier.size()` leaves were purged and are represented by the
    /// frontier's subtree roots.
    pub fn from_frontier(frontier: &Frontier) -> Self {
        let base = frontier.size();
        let mut tree = Self {
            base,
            levels: Vec::new(),
            starts: Vec::new(),
            size: base,
        };
        let height = 64 - base.leading_zeros() as usize;
        let mut nodes = frontier.nodes().iter();
        for h in 0..=height {
            let start = if h < 64 && (base >> h) & 1 == 1 {
                (base >> h) - 1
            } else if h < 64 {
                base >> h
            } else {
                0
            };
            tree.levels.push(Vec::new());
            tree.starts.push(start);
        }
        // Frontier nodes are largest first: the highest set bit first.
        for h in (0..height).rev() {
            if (base >> h) & 1 == 1
                && let (Some(node), Some(level)) = (nodes.next(), tree.levels.get_mut(h))
            {
                level.push(*node);
            }
        }
        tree
    }

    /// Number of leaves, including a purged prefix.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// First leaf index that is held in full (the purge cut; 0 when nothing was purged).
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut index = self.size;
        let mut h = 0;
        loop {
            if self.levels.len() <= h {
                self.levels.push(Vec::new());
                self.starts.push(index);
            }
            if let Some(level) = self.levels.get_mut(h) {
                level.push(hash);
            }
            if index & 1 == 0 {
                break;
            }
            // A right child completed its parent.
            let Some(left) = self.node(h, index - 1) else {
                break;
            };
            hash = node_hash(&left, &hash);
            index >>= 1;
            h += 1;
        }
        self.size += 1;
    }

    fn node(&self, h: usize, index: u64) -> Option<Hash> {
        let start = *self.starts.get(h)?;
        let offset = usize::try_from(index.checked_sub(start)?).ok()?;
        self.levels.get(h)?.get(offset).copied()
    }

    /// The hash of the leaves `[lo, hi)` as RFC 6962 defines MTH over that range, where `lo` is
    /// aligned as every subtree of the recursive definition is.
    fn range_hash(&self, lo: u64, hi: u64) -> Result<Hash, Error> {
        let n = hi - lo;
        if n == 0 {
            return Ok(empty_root());
        }
        if n.is_power_of_two() && lo.is_multiple_of(n) {
            let h = n.trailing_zeros() as usize;
            return self.node(h, lo >> h).ok_or(Error::Purged { seq: lo });
        }
        let k = split(n);
        let left = self.range_hash(lo, lo + k)?;
        let right = self.range_hash(lo + k, hi)?;
        Ok(node_hash(&left, &right))
    }

    /// The root of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, Error> {
        if size > self.size {
            return Err(Error::OutOfRange { seq: size });
        }
        self.range_hash(0, size)
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Result<Hash, Error> {
        self.root_at(self.size)
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        if index < self.base {
            return None;
        }
        self.node(0, index)
    }

    /// An inclusion proof (RFC 6962 PATH) of leaf `index` in the tree of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionProof, Error> {
        if size > self.size || index >= size {
            return Err(Error::OutOfRange { seq: index });
        }
        if index < self.base {
            return Err(Error::Purged { seq: index });
        }
        let mut path = Vec::new();
        let (mut lo, mut hi, m) = (0u64, size, index);
        while hi - lo > 1 {
            let k = split(hi - lo);
            if m < lo + k {
                path.push(self.range_hash(lo + k, hi)?);
                hi = lo + k;
            } else {
                path.push(self.range_hash(lo, lo + k)?);
                lo += k;
            }
        }
        path.reverse();
        Ok(InclusionProof { index, size, path })
    }

    /// A consistency proof (RFC 6962 PROOF) between the first `old` and the first `new` leaves.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<ConsistencyProof, Error> {
        if new > self.size || old > new {
            return Err(Error::OutOfRange { seq: new });
        }
        if old == 0 {
            return Err(Error::Proof(ProofError::EmptyTree));
        }
        if old < self.base {
            return Err(Error::Purged { seq: old });
        }
        let mut path = Vec::new();
        let (mut lo, mut hi, mut m, mut whole) = (0u64, new, old, true);
        loop {
            let n = hi - lo;
            if m == n {
                if !whole {
                    path.push(self.range_hash(lo, hi)?);
                }
                break;
            }
            let k = split(n);
            if m <= k {
                path.push(self.range_hash(lo + k, hi)?);
                hi = lo + k;
            } else {
                path.push(self.range_hash(lo, lo + k)?);
                lo += k;
                m -= k;
                whole = false;
            }
        }
        path.reverse();
        Ok(ConsistencyProof { old, new, path })
    }
}

/// The largest power of two strictly below `n` (n >= 2).
fn split(n: u64) -> u64 {
    if n < 2 {
        return 0;
    }
    1u64 << (63 - (n - 1).leading_zeros())
}

/// A proof that a leaf is in a tree of a given size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// The leaf's index (its sequence number).
    pub index: u64,
    /// The tree size the proof is for.
    pub size: u64,
    /// Sibling hashes, bottom-up.
    pub path: Vec<Hash>,
}

impl InclusionProof {
    /// Checks the proof against a leaf hash and the root of the tree of `self.size` leaves.
    pub fn verify(&self, leaf: &Hash, root: &Hash) -> Result<(), Error> {
        verify_inclusion(self.index, self.size, leaf, &self.path, root)
    }
}

/// A proof that a tree of `old` leaves is a prefix of a tree of `new` leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// The older, smaller size.
    pub old: u64,
    /// The newer, larger size.
    pub new: u64,
    /// The proof nodes, in RFC 6962 order.
    pub path: Vec<Hash>,
}

impl ConsistencyProof {
    /// Checks the proof between the two roots.
    pub fn verify(&self, old_root: &Hash, new_root: &Hash) -> Result<(), Error> {
        verify_consistency(self.old, self.new, old_root, new_root, &self.path)
    }
}

fn as_hash(bytes: &[u8]) -> Result<Hash, Error> {
    Hash::try_from(bytes).map_err(|_| Error::Proof(ProofError::HashLength))
}

/// Bit length of `x` (0 for 0).
fn bit_len(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// RFC 9162 s2.1.3.2: verifies that `leaf` (a leaf hash, 32 bytes) is at `index` in the tree of
/// `size` leaves with root `root`, given the sibling hashes `proof` (bottom-up). Takes raw bytes
/// so hostile input reaches it unchanged; any malformation is an [`Error::Proof`].
pub fn verify_inclusion<P: AsRef<[u8]>>(
    index: u64,
    size: u64,
    leaf: &[u8],
    proof: &[P],
    root: &[u8],
) -> Result<(), Error> {
    let leaf = as_hash(leaf)?;
    let root = as_hash(root)?;
    if index >= size {
        return Err(Error::Proof(ProofError::IndexOutOfRange));
    }
    let inner = bit_len(index ^ (size - 1));
    let border = (index >> inner).count_ones();
    if proof.len() != (inner + border) as usize {
        return Err(Error::Proof(ProofError::WrongSize));
    }
    let mut fn_ = index;
    let mut sn = size - 1;
    let mut r = leaf;
    for p in proof {
        let p = as_hash(p.as_ref())?;
        if sn == 0 {
            return Err(Error::Proof(ProofError::WrongSize));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(&p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, &p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(Error::Proof(ProofError::WrongSize));
    }
    if r != root {
        return Err(Error::Proof(ProofError::RootMismatch));
    }
    Ok(())
}

/// RFC 9162 s2.1.4.2: verifies that the tree of `old` leaves with root `old_root` is a prefix
/// of the tree of `new` leaves with root `new_root`. `old == 0` is refused (the empty tree is a
/// prefix of everything, so such a proof proves nothing).
pub fn verify_consistency<P: AsRef<[u8]>>(
    old: u64,
    new: u64,
    old_root: &[u8],
    new_root: &[u8],
    proof: &[P],
) -> Result<(), Error> {
    if old == 0 {
        return Err(Error::Proof(ProofError::EmptyTree));
    }
    if old > new {
        return Err(Error::Proof(ProofError::SizeOrder));
    }
    if old == new {
        if !proof.is_empty() {
            return Err(Error::Proof(ProofError::WrongSize));
        }
        // Equal sizes: the roots must be the same bytes (upstream compares them as given).
        if old_root != new_root {
            return Err(Error::Proof(ProofError::RootMismatch));
        }
        return Ok(());
    }
    let old_root = as_hash(old_root)?;
    let new_root = as_hash(new_root)?;
    // Expected length: the inclusion proof of the old tree's last subtree in the new tree.
    let shift = old.trailing_zeros();
    let inner = bit_len(((old - 1) >> shift) ^ ((new - 1) >> shift));
    let border = (((old - 1) >> shift) >> inner).count_ones();
    let seeded = old.is_power_of_two();
    let expected = (inner + border) as usize + usize::from(!seeded);
    if proof.len() != expected {
        return Err(Error::Proof(ProofError::WrongSize));
    }
    let mut nodes: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if seeded {
        nodes.push(old_root);
    }
    for p in proof {
        nodes.push(as_hash(p.as_ref())?);
    }
    let mut iter = nodes.into_iter();
    let Some(first) = iter.next() else {
        return Err(Error::Proof(ProofError::WrongSize));
    };
    let mut fn_ = old - 1;
    let mut sn = new - 1;
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let mut fr = first;
    let mut sr = first;
    for c in iter {
        if sn == 0 {
            return Err(Error::Proof(ProofError::WrongSize));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(&c, &fr);
            sr = node_hash(&c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, &c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(Error::Proof(ProofError::WrongSize));
    }
    if fr != old_root || sr != new_root {
        return Err(Error::Proof(ProofError::RootMismatch));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The recursive RFC 6962 MTH, as the reference.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn frontier_tree_and_reference_agree_on_every_size() {
        let all = leaves(70);
        let mut f = Frontier::new();
        let mut t = MerkleTree::new();
        assert_eq!(f.root(), empty_root());
        for (i, l) in all.iter().enumerate() {
            f.push(*l);
            t.push(*l);
            let want = mth(&all[..=i]);
            assert_eq!(f.root(), want, "frontier size {}", i + 1);
            assert_eq!(t.root().unwrap(), want, "tree size {}", i + 1);
            assert_eq!(f.nodes().len(), (i + 1).count_ones() as usize);
        }
    }

    #[test]
    fn every_proof_verifies_and_a_flipped_bit_does_not() {
        let all = leaves(33);
        let mut t = MerkleTree::new();
        for l in &all {
            t.push(*l);
        }
        for size in 1..=33u64 {
            let root = t.root_at(size).unwrap();
            for index in 0..size {
                let p = t.inclusion_proof(index, size).unwrap();
                p.verify(&all[index as usize], &root).unwrap();
                let mut bad = root;
                bad[0] ^= 1;
                assert!(p.verify(&all[index as usize], &bad).is_err());
            }
            for old in 1..=size {
                let p = t.consistency_proof(old, size).unwrap();
                let old_root = t.root_at(old).unwrap();
                p.verify(&old_root, &root).unwrap();
                if let Some(first) = p.clone().path.first_mut() {
                    first[31] ^= 0x80;
                    let mut q = p.clone();
                    q.path[0] = *first;
                    assert!(q.verify(&old_root, &root).is_err());
                }
            }
        }
    }

    #[test]
    fn a_tree_after_a_purge_gives_the_same_proofs() {
        let all = leaves(45);
        let mut full = MerkleTree::new();
        for l in &all {
            full.push(*l);
        }
        for cut in [1u64, 2, 3, 7, 8, 13, 16, 31, 32, 44] {
            let mut f = Frontier::new();
            for l in &all[..cut as usize] {
                f.push(*l);
            }
            let mut t = MerkleTree::from_frontier(&f);
            assert_eq!(t.root().unwrap(), f.root(), "cut {cut}");
            for l in &all[cut as usize..] {
                t.push(*l);
            }
            assert_eq!(t.root().unwrap(), full.root().unwrap(), "cut {cut}");
            for index in cut..45 {
                assert_eq!(
                    t.inclusion_proof(index, 45).unwrap(),
                    full.inclusion_proof(index, 45).unwrap()
                );
            }
            for old in cut.max(1)..=45 {
                assert_eq!(
                    t.consistency_proof(old, 45).unwrap(),
                    full.consistency_proof(old, 45).unwrap()
                );
            }
            if cut > 1 {
                assert!(matches!(
                    t.inclusion_proof(0, 45),
                    Err(Error::Purged { .. })
                ));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_mutated_inclusion_proof_is_rejected(size in 1u64..200, idx in 0u64..200, node in 0usize..16, bit in 0usize..256) {
            let index = idx % size;
            let all = leaves(size);
            let mut t = MerkleTree::new();
            for l in &all { t.push(*l); }
            let root = t.root().unwrap();
            let mut p = t.inclusion_proof(index, size).unwrap();
            prop_assert!(p.verify(&all[index as usize], &root).is_ok());
            if !p.path.is_empty() {
                let n = node % p.path.len();
                p.path[n][bit / 8] ^= 1 << (bit % 8);
                prop_assert!(p.verify(&all[index as usize], &root).is_err());
            }
        }
    }
}
