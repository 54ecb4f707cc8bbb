// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC4626Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC4626Upgradeable.sol";
import {DrillVaultV1} from "./DrillVaultV1.sol";

/// @title DrillVaultV2
/// @notice The fix for DrillVaultV1: `redeem` goes through ERC-4626's checked path again, so
///         redeeming someone else's shares needs their allowance.
/// @dev Inherits V1 so that every V1 storage variable keeps its slot; appends `fixVersion`.
contract DrillVaultV2 is DrillVaultV1 {
    /// @notice Which fix this implementation carries (1: redeem allowance check restored).
    uint256 public fixVersion;

    /// @notice Records the fix when the proxy is upgraded with upgradeToAndCall.
    function initializeV2() external reinitializer(2) {
        fixVersion = 1;
    }

    /// @inheritdoc DrillVaultV1
    /// @dev Fixed: back to OpenZeppelin's ERC-4626 redeem, whose withdrawal spends the owner's
    ///      allowance when the caller is not the owner.
    function redeem(uint256 shares, address receiver, address owner)
        public
        virtual
        override
        whenNotPaused
        returns (uint256)
    {
        return ERC4626Upgradeable.redeem(shares, receiver, owner);
    }
}
