// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The authority graph is tested against OpenZeppelin's own contracts, compiled from the npm
// package: importing them here is what makes the pipeline build them. Nothing is re-implemented.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";

/// @title PausableTarget
/// @notice The smallest contract worth governing: its owner may pause and unpause it.
/// @dev Held by a timelock in the tests, so that the path to its pause runs through
///      a Safe and the timelock's delay.
contract PausableTarget is Ownable, Pausable {
    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Stops the contract.
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Resumes the contract.
    function unpause() external onlyOwner {
        _unpause();
    }
}

/// @title PausableTargetUpgradeable
/// @notice PausableTarget for a proxy: OpenZeppelin 5.7's proxies refuse to be left uninitialised.
contract PausableTargetUpgradeable is Initializable, OwnableUpgradeable, PausableUpgradeable {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the owner, who may pause and unpause.
    function initialize(address initialOwner) external initializer {
        __Ownable_init(initialOwner);
        __Pausable_init();
    }

    /// @notice Stops the contract.
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Resumes the contract.
    function unpause() external onlyOwner {
        _unpause();
    }
}
