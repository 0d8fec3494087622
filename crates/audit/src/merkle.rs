//! RFC 6962 / RFC 9162 Merkle tree hashing for the audit log: leaf and node hashes, the compact
//! range (right edge of the tree) that appends keep in memory, a full tree for proof generation,
//! and verification of inclusion and consistency proofs.
//!
//! This module only ever sees opaque byte strings and hashes. It must never interpret, log or
//! return the bytes of a leaf, and it must never panic on sizes or indices that come from files:
//! every out-of-range request is a typed [`MerkleError`] or a failed verification.

use sha2::{Digest, Sha256};

/// A SHA-256 hash of a leaf, a node or a whole tree.
pub type Hash = [u8; 32];

/// Domain-separation prefix for leaf hashes (RFC 6962 §2.1).
pub const LEAF_HASH_PREFIX: u8 = 0x00;
/// Domain-separation prefix for interior node hashes (RFC 6962 §2.1).
pub const NODE_HASH_PREFIX: u8 = 0x01;

/// Requests for roots or proofs that the tree cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// The leaf index is not inside the tree of the requested size.
    #[error("leaf index {index} is not below tree size {tree_size}")]
    IndexOutOfRange { index: u64, tree_size: u64 },
    /// The requested tree size is larger than the number of leaves held.
    #[error("tree size {requested_size} exceeds the {available_leaves} leaves available")]
    SizeOutOfRange {
        requested_size: u64,
        available_leaves: u64,
    },
    /// A consistency proof needs old size <= new size.
    #[error("a consistency proof needs old size {old_size} <= new size {new_size}")]
    InvalidConsistencyRange { old_size: u64, new_size: u64 },
}

/// MTH({}) = SHA-256 of the empty string.
pub fn empty_tree_hash() -> Hash {
    Sha256::digest([]).into()
}

/// MTH({d}) = SHA-256(0x00 || d).
pub fn leaf_hash(leaf_bytes: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_HASH_PREFIX]);
    hasher.update(leaf_bytes);
    hasher.finalize().into()
}

/// SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE_HASH_PREFIX]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The largest power of two strictly smaller than `width` (`width` >= 2).
fn largest_power_of_two_below(width: u64) -> u64 {
    if width < 2 {
        return 0;
    }
    1u64 << (63 - (width - 1).leading_zeros())
}

/// The right edge of a tree: the roots of the perfect subtrees that together hold all leaves,
/// largest (leftmost) first. Appending is O(log n) and needs no earlier leaves, which is what
/// lets the log append without re-reading its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactRange {
    tree_size: u64,
    subtree_roots: Vec<Hash>,
}

impl CompactRange {
    /// The compact range of the empty tree.
    pub fn new() -> CompactRange {
        CompactRange::default()
    }

    /// Number of leaves covered.
    pub fn tree_size(&self) -> u64 {
        self.tree_size
    }

    /// Adds one leaf hash at the right edge.
    pub fn append(&mut self, new_leaf_hash: Hash) {
        self.subtree_roots.push(new_leaf_hash);
        let mut remaining_size_bits = self.tree_size;
        while remaining_size_bits & 1 == 1 {
            let Some(right) = self.subtree_roots.pop() else {
                break;
            };
            let Some(left) = self.subtree_roots.pop() else {
                self.subtree_roots.push(right);
                break;
            };
            self.subtree_roots.push(node_hash(&left, &right));
            remaining_size_bits >>= 1;
        }
        self.tree_size += 1;
    }

    /// MTH of all leaves covered.
    pub fn root(&self) -> Hash {
        let Some((last, earlier)) = self.subtree_roots.split_last() else {
            return empty_tree_hash();
        };
        let mut accumulated = *last;
        for subtree_root in earlier.iter().rev() {
            accumulated = node_hash(subtree_root, &accumulated);
        }
        accumulated
    }
}

/// All levels of a tree (level 0: leaf hashes; level j: roots of aligned perfect subtrees of
/// 2^j leaves), so that roots of any prefix and all RFC 6962 proofs are computed in
/// O(log^2 n) hashes without re-hashing the leaves.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> MerkleTree {
        MerkleTree::default()
    }

    /// A tree over the given leaf hashes, in order.
    pub fn from_leaf_hashes(leaf_hashes: impl IntoIterator<Item = Hash>) -> MerkleTree {
        let mut tree = MerkleTree::new();
        for each_leaf_hash in leaf_hashes {
            tree.push(each_leaf_hash);
        }
        tree
    }

    /// Number of leaves held.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// Whether the tree holds no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf hash at `index`, if held.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels
            .first()
            .and_then(|leaves| leaves.get(index as usize))
            .copied()
    }

    /// Appends one leaf hash.
    pub fn push(&mut self, new_leaf_hash: Hash) {
        let mut level_number = 0usize;
        let mut carried = new_leaf_hash;
        loop {
            if self.levels.len() <= level_number {
                self.levels.push(Vec::new());
            }
            let level = &mut self.levels[level_number];
            level.push(carried);
            if level.len() % 2 == 1 {
                return;
            }
            carried = node_hash(&level[level.len() - 2], &level[level.len() - 1]);
            level_number += 1;
        }
    }

    fn check_size(&self, tree_size: u64) -> Result<(), MerkleError> {
        if tree_size > self.len() {
            return Err(MerkleError::SizeOutOfRange {
                requested_size: tree_size,
                available_leaves: self.len(),
            });
        }
        Ok(())
    }

    /// MTH(D[start:end]); the caller guarantees start < end <= len.
    fn subtree_hash(&self, start: u64, end: u64) -> Hash {
        let width = end - start;
        if width.is_power_of_two() && start.is_multiple_of(width) {
            let level_number = width.trailing_zeros() as usize;
            let stored = self
                .levels
                .get(level_number)
                .and_then(|level| level.get((start / width) as usize));
            if let Some(stored_hash) = stored {
                return *stored_hash;
            }
        }
        if width == 1 {
            // Only reachable if the levels were inconsistent; the leaf level always holds it.
            return self.leaf(start).unwrap_or_else(empty_tree_hash);
        }
        let split = largest_power_of_two_below(width);
        node_hash(
            &self.subtree_hash(start, start + split),
            &self.subtree_hash(start + split, end),
        )
    }

    /// MTH of the first `tree_size` leaves.
    pub fn root(&self, tree_size: u64) -> Result<Hash, MerkleError> {
        self.check_size(tree_size)?;
        if tree_size == 0 {
            return Ok(empty_tree_hash());
        }
        Ok(self.subtree_hash(0, tree_size))
    }

    /// PATH(index, D[tree_size]) of RFC 6962 §2.1.1, deepest sibling first.
    pub fn inclusion_proof(&self, index: u64, tree_size: u64) -> Result<Vec<Hash>, MerkleError> {
        self.check_size(tree_size)?;
        if index >= tree_size {
            return Err(MerkleError::IndexOutOfRange { index, tree_size });
        }
        let mut proof = Vec::new();
        self.collect_path(index, 0, tree_size, &mut proof);
        Ok(proof)
    }

    fn collect_path(&self, index: u64, start: u64, end: u64, proof: &mut Vec<Hash>) {
        if end - start <= 1 {
            return;
        }
        let split = largest_power_of_two_below(end - start);
        if index < start + split {
            self.collect_path(index, start, start + split, proof);
            proof.push(self.subtree_hash(start + split, end));
            return;
        }
        self.collect_path(index, start + split, end, proof);
        proof.push(self.subtree_hash(start, start + split));
    }

    /// PROOF(old_size, D[new_size]) of RFC 6962 §2.1.2. Empty when the sizes are equal or the
    /// old tree is empty.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, MerkleError> {
        self.check_size(new_size)?;
        if old_size > new_size {
            return Err(MerkleError::InvalidConsistencyRange { old_size, new_size });
        }
        let mut proof = Vec::new();
        if old_size == 0 || old_size == new_size {
            return Ok(proof);
        }
        self.collect_subproof(old_size, 0, new_size, true, &mut proof);
        Ok(proof)
    }

    /// SUBPROOF(m, D[start:end], b) with `old_end` the absolute end of the old tree.
    fn collect_subproof(
        &self,
        old_end: u64,
        start: u64,
        end: u64,
        old_tree_is_whole_subtree: bool,
        proof: &mut Vec<Hash>,
    ) {
        if old_end == end {
            if !old_tree_is_whole_subtree {
                proof.push(self.subtree_hash(start, end));
            }
            return;
        }
        let split = largest_power_of_two_below(end - start);
        if old_end <= start + split {
            self.collect_subproof(
                old_end,
                start,
                start + split,
                old_tree_is_whole_subtree,
                proof,
            );
            proof.push(self.subtree_hash(start + split, end));
            return;
        }
        self.collect_subproof(old_end, start + split, end, false, proof);
        proof.push(self.subtree_hash(start, start + split));
    }
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    expected_root: &Hash,
) -> bool {
    if index >= tree_size {
        return false;
    }
    let mut first_node = index;
    let mut second_node = tree_size - 1;
    let mut running_hash = *leaf;
    for sibling in proof {
        if second_node == 0 {
            return false;
        }
        if first_node & 1 == 1 || first_node == second_node {
            running_hash = node_hash(sibling, &running_hash);
            while first_node & 1 == 0 && first_node != 0 {
                first_node >>= 1;
                second_node >>= 1;
            }
        } else {
            running_hash = node_hash(&running_hash, sibling);
        }
        first_node >>= 1;
        second_node >>= 1;
    }
    second_node == 0 && running_hash == *expected_root
}

/// Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2). Equal sizes need
/// an empty proof and equal roots; an empty old tree needs an empty proof and the empty root.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty() && *old_root == empty_tree_hash();
    }
    if proof.is_empty() {
        return false;
    }
    let mut path: Vec<&Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(old_root);
    }
    path.extend(proof.iter());
    let mut first_node = old_size - 1;
    let mut second_node = new_size - 1;
    while first_node & 1 == 1 {
        first_node >>= 1;
        second_node >>= 1;
    }
    let Some((first_element, remaining_elements)) = path.split_first() else {
        return false;
    };
    let mut old_running_hash = **first_element;
    let mut new_running_hash = **first_element;
    for element in remaining_elements {
        if second_node == 0 {
            return false;
        }
        if first_node & 1 == 1 || first_node == second_node {
            old_running_hash = node_hash(element, &old_running_hash);
            new_running_hash = node_hash(element, &new_running_hash);
            while first_node & 1 == 0 && first_node != 0 {
                first_node >>= 1;
                second_node >>= 1;
            }
        } else {
            new_running_hash = node_hash(&new_running_hash, element);
        }
        first_node >>= 1;
        second_node >>= 1;
    }
    old_running_hash == *old_root && new_running_hash == *new_root && second_node == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The certificate-transparency reference leaves.
    fn reference_leaves() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|hex_text| hex::decode(hex_text).unwrap_or_default())
        .collect()
    }

    fn reference_tree() -> MerkleTree {
        MerkleTree::from_leaf_hashes(reference_leaves().iter().map(|bytes| leaf_hash(bytes)))
    }

    fn hash_from_hex(hex_text: &str) -> Hash {
        let bytes = hex::decode(hex_text).unwrap_or_default();
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&bytes);
        hash
    }

    fn hashes_from_hex(hex_texts: &[&str]) -> Vec<Hash> {
        hex_texts.iter().map(|text| hash_from_hex(text)).collect()
    }

    /// Naive MTH straight from the RFC text, as an independent reference.
    fn naive_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_tree_hash(),
            1 => leaves[0],
            count => {
                let split = largest_power_of_two_below(count as u64) as usize;
                node_hash(&naive_root(&leaves[..split]), &naive_root(&leaves[split..]))
            }
        }
    }

    const REFERENCE_ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        assert_eq!(
            hex::encode(empty_tree_hash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(MerkleTree::new().root(0), Ok(empty_tree_hash()));
        assert_eq!(CompactRange::new().root(), empty_tree_hash());
    }

    #[test]
    fn reference_roots_for_every_prefix() {
        let tree = reference_tree();
        let mut compact_range = CompactRange::new();
        for (position, expected_hex) in REFERENCE_ROOTS.iter().enumerate() {
            let tree_size = position as u64 + 1;
            assert_eq!(tree.root(tree_size), Ok(hash_from_hex(expected_hex)));
            compact_range.append(leaf_hash(&reference_leaves()[position]));
            assert_eq!(compact_range.root(), hash_from_hex(expected_hex));
            assert_eq!(compact_range.tree_size(), tree_size);
        }
    }

    #[test]
    fn reference_inclusion_proofs() {
        let tree = reference_tree();
        let cases: Vec<(u64, u64, Vec<Hash>)> = vec![
            (0, 1, vec![]),
            (
                0,
                8,
                hashes_from_hex(&[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]),
            ),
            (
                5,
                8,
                hashes_from_hex(&[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
            (
                2,
                3,
                hashes_from_hex(&[
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                ]),
            ),
            (
                1,
                5,
                hashes_from_hex(&[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]),
            ),
        ];
        for (index, tree_size, expected_proof) in cases {
            let generated = tree.inclusion_proof(index, tree_size);
            assert_eq!(
                generated.as_ref(),
                Ok(&expected_proof),
                "PATH({index}, {tree_size})"
            );
            let root = hash_from_hex(REFERENCE_ROOTS[tree_size as usize - 1]);
            let leaf = leaf_hash(&reference_leaves()[index as usize]);
            assert!(verify_inclusion(
                &leaf,
                index,
                tree_size,
                &expected_proof,
                &root
            ));
        }
    }

    #[test]
    fn reference_consistency_proofs() {
        let tree = reference_tree();
        let cases: Vec<(u64, u64, Vec<Hash>)> = vec![
            (1, 1, vec![]),
            (
                1,
                8,
                hashes_from_hex(&[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]),
            ),
            (
                6,
                8,
                hashes_from_hex(&[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
            (
                2,
                5,
                hashes_from_hex(&[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]),
            ),
        ];
        for (old_size, new_size, expected_proof) in cases {
            let generated = tree.consistency_proof(old_size, new_size);
            assert_eq!(
                generated.as_ref(),
                Ok(&expected_proof),
                "PROOF({old_size}, {new_size})"
            );
            let old_root = hash_from_hex(REFERENCE_ROOTS[old_size as usize - 1]);
            let new_root = hash_from_hex(REFERENCE_ROOTS[new_size as usize - 1]);
            assert!(verify_consistency(
                old_size,
                new_size,
                &old_root,
                &new_root,
                &expected_proof
            ));
        }
    }

    #[test]
    fn out_of_range_requests_are_errors_not_panics() {
        let tree = reference_tree();
        assert!(tree.root(9).is_err());
        assert!(tree.inclusion_proof(8, 8).is_err());
        assert!(tree.inclusion_proof(0, 9).is_err());
        assert!(tree.consistency_proof(5, 4).is_err());
        assert!(tree.consistency_proof(1, 9).is_err());
        let root = tree.root(8).unwrap_or_default();
        assert!(!verify_inclusion(&root, 8, 8, &[], &root));
        assert!(!verify_consistency(5, 4, &root, &root, &[]));
        assert!(!verify_consistency(3, 8, &root, &root, &[]));
    }

    fn leaves_for(count: u64) -> Vec<Hash> {
        (0..count)
            .map(|position| leaf_hash(&position.to_be_bytes()))
            .collect()
    }

    proptest! {
        #[test]
        fn roots_match_the_naive_definition(count in 0u64..=64) {
            let leaves = leaves_for(count);
            let tree = MerkleTree::from_leaf_hashes(leaves.clone());
            let mut compact_range = CompactRange::new();
            for leaf in &leaves {
                compact_range.append(*leaf);
            }
            prop_assert_eq!(tree.root(count), Ok(naive_root(&leaves)));
            prop_assert_eq!(compact_range.root(), naive_root(&leaves));
        }

        #[test]
        fn inclusion_proofs_verify_and_reject_wrong_inputs(tree_size in 1u64..=64, index_seed in 0u64..64) {
            let leaves = leaves_for(tree_size);
            let tree = MerkleTree::from_leaf_hashes(leaves.clone());
            let index = index_seed % tree_size;
            let root = naive_root(&leaves);
            let proof = tree.inclusion_proof(index, tree_size).unwrap_or_default();
            prop_assert!(verify_inclusion(&leaves[index as usize], index, tree_size, &proof, &root));
            // Wrong index.
            for other_index in 0..tree_size + 1 {
                if other_index != index {
                    prop_assert!(!verify_inclusion(&leaves[index as usize], other_index, tree_size, &proof, &root));
                }
            }
            // Wrong root, wrong leaf, truncated or extended proof.
            let wrong_root = leaf_hash(b"not the root");
            prop_assert!(!verify_inclusion(&leaves[index as usize], index, tree_size, &proof, &wrong_root));
            prop_assert!(!verify_inclusion(&wrong_root, index, tree_size, &proof, &root));
            if let Some((_, shorter)) = proof.split_last() {
                prop_assert!(!verify_inclusion(&leaves[index as usize], index, tree_size, shorter, &root));
            }
            let mut longer = proof.clone();
            longer.push(wrong_root);
            prop_assert!(!verify_inclusion(&leaves[index as usize], index, tree_size, &longer, &root));
        }

        #[test]
        fn consistency_proofs_verify_and_reject_wrong_inputs(new_size in 1u64..=64, old_seed in 0u64..64) {
            let leaves = leaves_for(new_size);
            let tree = MerkleTree::from_leaf_hashes(leaves.clone());
            let old_size = 1 + old_seed % new_size;
            let old_root = naive_root(&leaves[..old_size as usize]);
            let new_root = naive_root(&leaves);
            let proof = tree.consistency_proof(old_size, new_size).unwrap_or_default();
            prop_assert!(verify_consistency(old_size, new_size, &old_root, &new_root, &proof));
            let wrong_root = leaf_hash(b"not the root");
            if old_size != new_size {
                prop_assert!(!verify_consistency(old_size, new_size, &wrong_root, &new_root, &proof));
            }
            prop_assert!(!verify_consistency(old_size, new_size, &old_root, &wrong_root, &proof));
            // Wrong sizes.
            for other_old in 1..new_size {
                if other_old != old_size && naive_root(&leaves[..other_old as usize]) != old_root {
                    prop_assert!(!verify_consistency(other_old, new_size, &old_root, &new_root, &proof));
                }
            }
            // (A proof binds roots, not sizes alone: the same path shape can fit a neighbouring
            // size, so a wrong new size is caught through the root, which the log signs with it.)
            // A tampered leaf inside the old tree breaks consistency.
            let mut tampered_leaves = leaves.clone();
            tampered_leaves[0] = wrong_root;
            let tampered_tree = MerkleTree::from_leaf_hashes(tampered_leaves.clone());
            let tampered_proof = tampered_tree.consistency_proof(old_size, new_size).unwrap_or_default();
            prop_assert!(!verify_consistency(old_size, new_size, &old_root, &naive_root(&tampered_leaves), &tampered_proof));
        }
    }
}
