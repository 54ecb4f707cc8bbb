// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

/// @title NamespacedVaultAppended
/// @notice A compatible upgrade: appends pausedAt to the namespace.
/// @dev Keeps its state in ERC-7201 namespaced storage, as OpenZeppelin 5's upgradeable contracts do.
contract NamespacedVaultAppended is Initializable {
    /// @custom:storage-location erc7201:firebreak.storage.FixtureVault
    struct FixtureVaultStorage {
        address owner;
        uint128 cap;
        uint128 totalShares;
        mapping(address account => uint256) shares;
        uint64 pausedAt;
    }

    // keccak256(abi.encode(uint256(keccak256("firebreak.storage.FixtureVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FixtureVaultStorageLocation = 0xc79f521b966277db277a5fb4e7c7c2df6b6411ec5684a4a9a0b70041b1dc7e00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the owner of the vault.
    function initialize(address owner_) external initializer {
        _getFixtureVaultStorage().owner = owner_;
    }

    /// @notice The account that owns the vault.
    function owner() external view returns (address) {
        return _getFixtureVaultStorage().owner;
    }

    function _getFixtureVaultStorage() private pure returns (FixtureVaultStorage storage $) {
        assembly {
            $.slot := FixtureVaultStorageLocation
        }
    }
}
