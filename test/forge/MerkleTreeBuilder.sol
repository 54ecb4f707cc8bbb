// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Builds, inside a forge test, the tree firebreak publishes for a distribution: an
///         OpenZeppelin StandardMerkleTree of (uint256 index, address account, uint256 amount).
/// @dev The layout is the library's (src/recover/merkle/standardTree.ts follows it too): leaves
///      sorted ascending, equal leaves in value order; sorted leaf i at node 2n - 2 - i of an array
///      whose node i has children 2i + 1 and 2i + 2; each node the keccak256 of its two children,
///      the smaller first. The pair hash is written out here rather than taken from OpenZeppelin's
///      Hashes, so that a tree built here checks MerkleProof instead of sharing its code.
library MerkleTreeBuilder {
    struct Tree {
        bytes32[] nodes;
        /// For each value, in value order, the node that holds its leaf.
        uint256[] treeIndexOf;
    }

    /// @notice StandardMerkleTree's leaf: keccak256(bytes.concat(keccak256(abi.encode(values)))).
    function leaf(uint256 index, address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function build(bytes32[] memory leaves) internal pure returns (Tree memory tree) {
        uint256 count = leaves.length;
        require(count > 0, "MerkleTreeBuilder: no leaves");
        uint256[] memory order = _sortedOrder(leaves);
        tree.nodes = new bytes32[](2 * count - 1);
        tree.treeIndexOf = new uint256[](count);
        for (uint256 rank = 0; rank < count; ++rank) {
            uint256 treeIndex = 2 * count - 2 - rank;
            tree.nodes[treeIndex] = leaves[order[rank]];
            tree.treeIndexOf[order[rank]] = treeIndex;
        }
        for (uint256 node = count - 1; node > 0; --node) {
            tree.nodes[node - 1] = hashPair(tree.nodes[2 * node - 1], tree.nodes[2 * node]);
        }
    }

    function root(Tree memory tree) internal pure returns (bytes32) {
        return tree.nodes[0];
    }

    /// @notice The proof of value `valueIndex`: its leaf's siblings from the bottom up, as getProof.
    function proof(Tree memory tree, uint256 valueIndex) internal pure returns (bytes32[] memory siblings) {
        uint256 node = tree.treeIndexOf[valueIndex];
        uint256 depth = 0;
        for (uint256 up = node; up > 0; up = (up - 1) / 2) ++depth;
        siblings = new bytes32[](depth);
        for (uint256 level = 0; node > 0; ++level) {
            siblings[level] = tree.nodes[node % 2 == 1 ? node + 1 : node - 1];
            node = (node - 1) / 2;
        }
    }

    /// @dev Insertion sort of value indexes by leaf: stable, so equal leaves keep value order, and
    ///      fast enough for the few dozen leaves a fuzz run builds.
    function _sortedOrder(bytes32[] memory leaves) private pure returns (uint256[] memory order) {
        order = new uint256[](leaves.length);
        for (uint256 i = 0; i < leaves.length; ++i) {
            uint256 j = i;
            while (j > 0 && leaves[order[j - 1]] > leaves[i]) {
                order[j] = order[j - 1];
                --j;
            }
            order[j] = i;
        }
    }
}
