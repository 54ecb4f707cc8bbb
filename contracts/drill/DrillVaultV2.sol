// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

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
    /// @dev Fixed: ERC4626Upgradeable.redeem spends the owner's allowance when the caller is not the owner.
    function redeem(uint256 shares, address receiver, address owner)
        public
        virtual
        override
        whenNotPaused
        returns (uint256)
    {
        uint256 maxShares = maxRedeem(owner);
        if (shares > maxShares) revert ERC4626ExceededMaxRedeem(owner, shares, maxShares);
        uint256 assets = previewRedeem(shares);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
        return assets;
    }
}
