// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

/// @title ReimbursementClaim
/// @notice Pays each affected account what a published Merkle distribution owes it, once, during a
///         claim window; what nobody claimed goes back to the treasury after the window closes.
/// @dev Leaves are OpenZeppelin StandardMerkleTree leaves of (uint256 index, address account,
///      uint256 amount): keccak256(bytes.concat(keccak256(abi.encode(index, account, amount)))).
///      Anyone can rebuild the tree from the published file and compare its root with `merkleRoot`.
contract ReimbursementClaim {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    /// @notice The token paid out.
    IERC20 public immutable token;
    /// @notice Root of the published distribution.
    bytes32 public immutable merkleRoot;
    /// @notice Last second (unix time) at which a claim is accepted.
    uint64 public immutable claimDeadline;
    /// @notice Receives the unclaimed remainder after the deadline.
    address public immutable treasury;

    BitMaps.BitMap private claimed;

    /// @notice `account` received `amount` for entry `index` of the distribution.
    event Claimed(uint256 indexed index, address indexed account, uint256 amount);
    /// @notice The unclaimed `amount` went back to `treasury` after the window closed.
    event Swept(address indexed treasury, uint256 amount);

    error AlreadyClaimed(uint256 index);
    error InvalidProof(uint256 index, address account, uint256 amount);
    error ClaimWindowClosed(uint64 deadline);
    error ClaimWindowOpen(uint64 deadline);

    constructor(IERC20 token_, bytes32 merkleRoot_, uint64 claimDeadline_, address treasury_) {
        token = token_;
        merkleRoot = merkleRoot_;
        claimDeadline = claimDeadline_;
        treasury = treasury_;
    }

    /// @notice True once entry `index` has been paid.
    function isClaimed(uint256 index) external view returns (bool) {
        return claimed.get(index);
    }

    /// @notice Pays `amount` to `account` for entry `index`; anyone may submit it on the account's behalf.
    /// @dev Reverts with AlreadyClaimed on a second claim of the same index, whoever sends it.
    function claim(uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        if (block.timestamp > claimDeadline) revert ClaimWindowClosed(claimDeadline);
        if (claimed.get(index)) revert AlreadyClaimed(index);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, leaf)) revert InvalidProof(index, account, amount);
        claimed.set(index);
        emit Claimed(index, account, amount);
        token.safeTransfer(account, amount);
    }

    /// @notice After the window closes, sends what is left to the treasury.
    function sweep() external {
        if (block.timestamp <= claimDeadline) revert ClaimWindowOpen(claimDeadline);
        uint256 amount = token.balanceOf(address(this));
        emit Swept(treasury, amount);
        token.safeTransfer(treasury, amount);
    }
}
