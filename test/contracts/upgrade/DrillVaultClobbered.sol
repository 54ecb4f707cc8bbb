// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC4626Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC4626Upgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";

/// @notice A patched vault that declares a new variable before DrillVaultV1's `depositCap`: the
///         cap's slot 0 would be read as an address. The storage gate must refuse it.
contract DrillVaultClobbered is ERC4626Upgradeable, PausableUpgradeable, AccessControlUpgradeable, UUPSUpgradeable {
    address public feeRecipient;
    uint256 public depositCap;

    function _authorizeUpgrade(address) internal virtual override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
