// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title GuardedTarget
/// @notice A protocol contract as an EmergencyGuardian finds it: OpenZeppelin `Pausable`, with the
///         right to pause and unpause handed to one `pauser` (the guardian) by its owner.
/// @dev `poke()` is the probe: it reverts while the target is paused, so a test can tell a real
///      pause from a `paused()` flag alone.
contract GuardedTarget is Ownable, Pausable {
    /// @notice The one account that may pause and unpause.
    address public pauser;

    /// @notice How many times `poke()` ran.
    uint256 public pokes;

    /// @notice `caller` is not the pauser.
    error NotPauser(address caller);

    /// @notice The owner handed the right to pause and unpause to `pauser`.
    event PauserSet(address indexed pauser);

    constructor(address initialOwner, address initialPauser) Ownable(initialOwner) {
        pauser = initialPauser;
        emit PauserSet(initialPauser);
    }

    modifier onlyPauser() {
        if (_msgSender() != pauser) revert NotPauser(_msgSender());
        _;
    }

    /// @notice Stops the contract.
    function pause() external onlyPauser {
        _pause();
    }

    /// @notice Resumes the contract.
    function unpause() external onlyPauser {
        _unpause();
    }

    /// @notice Hands the right to pause and unpause to `newPauser`.
    function setPauser(address newPauser) external onlyOwner {
        pauser = newPauser;
        emit PauserSet(newPauser);
    }

    /// @notice Does the contract's work: counts one more poke. Reverts while paused.
    function poke() external whenNotPaused {
        ++pokes;
    }
}
