// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IPausable {
    function pause() external;
    function unpause() external;
}

/// @title PauseRelay
/// @notice Calls `pause()` and `unpause()` on other contracts but has neither itself: its bytecode
///         holds their selectors only to send them, which must not make them its levers.
contract PauseRelay {
    /// @notice Pauses `target`.
    function relayPause(IPausable target) external {
        target.pause();
    }

    /// @notice Unpauses `target`.
    function relayUnpause(IPausable target) external {
        target.unpause();
    }
}
