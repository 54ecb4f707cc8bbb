// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title GuardedLevers
/// @notice Levers guarded the ways deployed contracts guard them, none of them OpenZeppelin's:
///         a custom error, a revert string, a bare `require` with no reason, and a state check
///         placed before the access check. Inspect must tell who holds each one.
contract GuardedLevers {
    /// @notice The caller is not the guardian.
    error NotGuardian();

    address public immutable owner;
    address public immutable guardian;
    bool public depositsPaused;
    bool[5] public featurePaused;
    uint256 public withdrawalLimit;

    /// @notice Emitted when a lever is pulled.
    event LeverPulled(string lever);

    constructor(address owner_, address guardian_) {
        owner = owner_;
        guardian = guardian_;
    }

    /// @notice Stops deposits. Guarded by a custom error.
    function pauseDeposits() external {
        if (msg.sender != guardian) revert NotGuardian();
        depositsPaused = true;
        emit LeverPulled("pauseDeposits");
    }

    /// @notice Resumes deposits. The state check comes first, so every caller of an unpaused
    ///         contract meets the same revert whether or not it is the owner.
    function unpauseDeposits() external {
        require(depositsPaused, "deposits not paused");
        require(msg.sender == owner, "!owner");
        depositsPaused = false;
        emit LeverPulled("unpauseDeposits");
    }

    /// @notice Pauses features one by one: deposit, withdraw, borrow, repay, liquidate.
    function pause(bool deposit, bool withdraw, bool borrow, bool repay, bool liquidate) external {
        require(msg.sender == guardian, "!guardian");
        featurePaused = [deposit, withdraw, borrow, repay, liquidate];
        emit LeverPulled("pause");
    }

    /// @notice Sets the per-window withdrawal limit. Guarded by a bare require, as older code is:
    ///         a stranger's call reverts with no data at all.
    function setWithdrawalLimit(uint256 limit) external {
        require(msg.sender == owner);
        require(limit > 0, "limit: zero");
        withdrawalLimit = limit;
        emit LeverPulled("setWithdrawalLimit");
    }

    /// @notice Sends this contract's whole balance of `token` to the owner.
    function sweep(address token) external {
        require(msg.sender == owner, "only owner");
        IERC20(token).transfer(owner, IERC20(token).balanceOf(address(this)));
        emit LeverPulled("sweep");
    }
}
