// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PauseWindowEnd
/// @notice A guardian pause that lapses at a fixed time and says so through a plain
///         `pauseWindowEndTime()` view, without Balancer's paused-state tuple.
contract PauseWindowEnd {
    /// @notice The caller is not the guardian.
    error NotGuardian(address caller);
    /// @notice The pause right has lapsed.
    error PauseWindowExpired();

    /// @notice After this time the guardian can no longer pause.
    uint256 public immutable pauseWindowEndTime;
    /// @notice The only account that may pause.
    address public immutable guardian;
    /// @notice Whether the contract is paused.
    bool public paused;

    constructor(address guardian_, uint256 windowDuration) {
        guardian = guardian_;
        pauseWindowEndTime = block.timestamp + windowDuration;
    }

    /// @notice Pauses, while the window is open.
    function pause() external {
        if (msg.sender != guardian) revert NotGuardian(msg.sender);
        if (block.timestamp >= pauseWindowEndTime) revert PauseWindowExpired();
        paused = true;
    }
}
