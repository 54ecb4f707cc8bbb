// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title UnguardedPause
/// @notice A pausable contract whose pause anyone may pull: the mistake inspect must report as
///         an unguarded lever (an attacker pauses the protocol, or unpauses it after the team did).
contract UnguardedPause is Pausable {
    /// @notice Stops the contract. Missing its access check on purpose.
    function pause() external {
        _pause();
    }

    /// @notice Resumes the contract. Missing its access check on purpose.
    function unpause() external {
        _unpause();
    }
}
