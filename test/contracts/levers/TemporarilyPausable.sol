// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title TemporarilyPausable
/// @notice A pause right that expires, as Balancer v2's pools and Vault have it: the owner may
///         pause only until the pause window ends; a pause then lasts at most until the buffer
///         period ends, after which the contract runs again whatever the owner does.
contract TemporarilyPausable is Ownable {
    /// @notice The contract can no longer be paused: its pause window ended at `windowEnd`.
    error PauseWindowExpired(uint256 windowEnd);
    /// @notice The contract is paused.
    error EnforcedPause();

    uint256 private immutable _pauseWindowEndTime;
    uint256 private immutable _bufferPeriodEndTime;
    bool private _paused;

    /// @notice Emitted when the owner pauses or unpauses.
    event PausedStateChanged(bool paused);

    constructor(address initialOwner, uint256 pauseWindowDuration, uint256 bufferPeriodDuration) Ownable(initialOwner) {
        _pauseWindowEndTime = block.timestamp + pauseWindowDuration;
        _bufferPeriodEndTime = block.timestamp + pauseWindowDuration + bufferPeriodDuration;
    }

    /// @notice Whether the contract is paused, and the end of its pause window and buffer period.
    function getPausedState()
        external
        view
        returns (bool paused, uint256 pauseWindowEndTime, uint256 bufferPeriodEndTime)
    {
        return (_isPaused(), _pauseWindowEndTime, _bufferPeriodEndTime);
    }

    /// @notice Pauses (`true`) or unpauses (`false`); pausing only within the pause window.
    function setPaused(bool paused) external onlyOwner {
        if (paused && block.timestamp >= _pauseWindowEndTime) revert PauseWindowExpired(_pauseWindowEndTime);
        _paused = paused;
        emit PausedStateChanged(paused);
    }

    /// @notice An operation the pause stops.
    function swap() external view {
        if (_isPaused()) revert EnforcedPause();
    }

    function _isPaused() private view returns (bool) {
        return _paused && block.timestamp < _bufferPeriodEndTime;
    }
}
