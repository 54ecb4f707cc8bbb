// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
// Deployed in front of the vault by the tests: imported so the pipeline compiles OpenZeppelin's own.
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title LegacyVaultUpgradeable
/// @notice Test-only: an old vault behind a UUPS proxy with no rescue lever at all. Its assets can
///         leave only through a one-off upgrade to a migration implementation (LegacyVaultMigration).
contract LegacyVaultUpgradeable is ERC20Upgradeable, OwnableUpgradeable, UUPSUpgradeable {
    using SafeERC20 for IERC20;

    /// @custom:storage-location erc7201:firebreak.test.LegacyVault
    struct VaultStorage {
        IERC20 asset;
    }

    // keccak256(abi.encode(uint256(keccak256("firebreak.test.LegacyVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VAULT_STORAGE = 0xcae6738cf78f849b23c7dd679033a4efc0846edf64712ba764a2eeec4822b900;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(IERC20 asset_, address owner_) external initializer {
        __ERC20_init("Legacy Upgradeable Share", "luUSD");
        __Ownable_init(owner_);
        _vault().asset = asset_;
    }

    /// @notice The token deposited, one share per unit.
    function asset() public view returns (IERC20) {
        return _vault().asset;
    }

    /// @notice Deposits `assets` and mints as many shares to the caller.
    function deposit(uint256 assets) external {
        asset().safeTransferFrom(msg.sender, address(this), assets);
        _mint(msg.sender, assets);
    }

    function _authorizeUpgrade(address) internal override onlyOwner {}

    function _vault() internal pure returns (VaultStorage storage vault) {
        assembly {
            vault.slot := VAULT_STORAGE
        }
    }
}

/// @title LegacyVaultMigration
/// @notice Test-only: the migration implementation a team writes for a vault without a rescue lever.
///         Everything of LegacyVaultUpgradeable stays; one owner-only function sends the whole
///         balance of a token out.
contract LegacyVaultMigration is LegacyVaultUpgradeable {
    using SafeERC20 for IERC20;

    /// @notice All of `token` the vault holds went to `to` for the migration.
    event AssetsMigrated(address indexed token, address indexed to, uint256 amount);

    /// @notice Sends everything the vault holds of `token` to `to`.
    function migrateAssets(IERC20 token, address to) external onlyOwner {
        uint256 amount = token.balanceOf(address(this));
        token.safeTransfer(to, amount);
        emit AssetsMigrated(address(token), to, amount);
    }
}
