// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReimbursementClaim} from "contracts/recover/ReimbursementClaim.sol";
import {ITransferReceiver} from "./Mocks.sol";

/// @notice An account of the distribution that, when paid through a token with transfer hooks
///         (HookToken, like ERC-777), claims the same entry again and tries to sweep, from inside
///         the payment: the re-entrancy a claim contract must survive.
contract ReentrantClaimant is ITransferReceiver {
    IERC20 public immutable token;
    ReimbursementClaim public claim;
    bool public armed;
    uint256 public index;
    uint256 public amount;
    bytes32[] internal proof;

    uint256 public reentriesRefused;
    uint256 public reentriesAccepted;
    bytes public lastRefusal;

    constructor(IERC20 token_) {
        token = token_;
    }

    /// @dev The claim contract is deployed after the tree that lists this claimant's address.
    function aim(ReimbursementClaim claim_) external {
        claim = claim_;
    }

    /// @dev The entry to claim again when its payment arrives.
    function arm(uint256 index_, uint256 amount_, bytes32[] calldata proof_) external {
        armed = true;
        index = index_;
        amount = amount_;
        proof = proof_;
    }

    function onTokenTransfer(address from, uint256) external {
        if (msg.sender != address(token) || from != address(claim) || !armed) return;
        armed = false;
        try claim.claim(index, address(this), amount, proof) {
            ++reentriesAccepted;
        } catch (bytes memory reason) {
            ++reentriesRefused;
            lastRefusal = reason;
        }
        try claim.sweep() {
            ++reentriesAccepted;
        } catch {
            ++reentriesRefused;
        }
    }
}
