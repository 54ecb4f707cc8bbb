// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title FeaturePausedVault
/// @notice A vault paused feature by feature, as many lending and bridge contracts are: no
///         `pause()` and no `paused()`, but `pauseDeposits(bool)` and `pauseWithdrawals(bool)`, each
///         with its own flag. Containing it means pulling both.
contract FeaturePausedVault is Ownable {
    /// @notice Whether `deposit` is stopped.
    bool public depositsPaused;
    /// @notice Whether `withdraw` is stopped.
    bool public withdrawalsPaused;
    /// @notice Each account's deposits, in wei.
    mapping(address account => uint256) public balanceOf;

    /// @notice `feature` is paused.
    error FeaturePaused(string feature);

    /// @notice A feature was paused or resumed.
    event FeaturePauseSet(string feature, bool paused);

    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Stops or resumes deposits.
    function pauseDeposits(bool paused) external onlyOwner {
        depositsPaused = paused;
        emit FeaturePauseSet("deposit", paused);
    }

    /// @notice Stops or resumes withdrawals.
    function pauseWithdrawals(bool paused) external onlyOwner {
        withdrawalsPaused = paused;
        emit FeaturePauseSet("withdraw", paused);
    }

    /// @notice Deposits the value sent.
    function deposit() external payable {
        if (depositsPaused) revert FeaturePaused("deposit");
        balanceOf[msg.sender] += msg.value;
    }

    /// @notice Withdraws `amount` wei of the caller's deposits.
    function withdraw(uint256 amount) external {
        if (withdrawalsPaused) revert FeaturePaused("withdraw");
        balanceOf[msg.sender] -= amount;
        (bool sent,) = msg.sender.call{value: amount}("");
        require(sent, "FeaturePausedVault: transfer failed");
    }
}
