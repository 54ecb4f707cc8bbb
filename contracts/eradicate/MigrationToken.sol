// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MigrationToken
/// @notice The successor of a token that could not be fixed in place: its balances are carried over
///         from a snapshot of the old contract by one migrator, in batches, and then minting ends
///         forever. After `finishMigration` it is a plain OpenZeppelin ERC20.
/// @dev firebreak journals every batch and never sends one twice; the per-account `migrated` flag is
///      the second line of defence, on chain: a batch naming an account already migrated reverts as a
///      whole, so no mistake off chain (a replayed batch, a batch size changed on resume) can mint an
///      account's balance twice. `snapshotHash` ties the contract to the snapshot file it carries over
///      (the sha256 in the file's footer), so anyone can check the file against the chain. Transfers
///      are locked until the migration is finished: nobody trades a half-migrated token, and each
///      account's balance at the block before `finishMigration` is exactly its snapshot balance,
///      which is what firebreak's conservation proof reads.
contract MigrationToken is ERC20 {
    /// @notice The only account that may mint migrated balances, until the migration is finished.
    address public immutable migrator;
    /// @notice sha256 of the snapshot file whose balances this contract carries over.
    bytes32 public immutable snapshotHash;

    uint8 private immutable _decimals;

    /// @notice True once `finishMigration` ran: no balance can be minted any more.
    bool public migrationFinished;
    /// @notice Accounts whose balance has been carried over.
    uint256 public accountsMigrated;
    /// @notice True once `account`'s balance has been carried over (even if it was later transferred).
    mapping(address account => bool) public migrated;

    /// @notice A batch of `accounts` balances totalling `amount` was carried over.
    event BalancesMigrated(uint256 accounts, uint256 amount);
    /// @notice Minting ended with `accounts` accounts carried over, totalling `totalSupply`.
    event MigrationFinished(uint256 accounts, uint256 totalSupply);

    error NotMigrator(address caller);
    error MigrationAlreadyFinished();
    error AccountAlreadyMigrated(address account);
    error BatchLengthMismatch(uint256 accounts, uint256 amounts);
    error TransfersLockedUntilMigrationFinished();

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address migrator_, bytes32 snapshotHash_) ERC20(name_, symbol_) {
        migrator = migrator_;
        snapshotHash = snapshotHash_;
        _decimals = decimals_;
    }

    modifier onlyMigratorWhileOpen() {
        if (msg.sender != migrator) revert NotMigrator(msg.sender);
        if (migrationFinished) revert MigrationAlreadyFinished();
        _;
    }

    /// @notice The old token's decimals, so that migrated amounts mean what they meant.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amounts[i]` to `accounts[i]` for every i: each account's snapshot balance.
    /// @dev Reverts with AccountAlreadyMigrated (and mints nothing) if any account was migrated before,
    ///      including twice within the batch.
    function migrateBalances(address[] calldata accounts, uint256[] calldata amounts) external onlyMigratorWhileOpen {
        if (accounts.length != amounts.length) revert BatchLengthMismatch(accounts.length, amounts.length);
        uint256 total;
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            if (migrated[account]) revert AccountAlreadyMigrated(account);
            migrated[account] = true;
            _mint(account, amounts[i]);
            total += amounts[i];
        }
        accountsMigrated += accounts.length;
        emit BalancesMigrated(accounts.length, total);
    }

    /// @notice How many of `accounts` have been migrated: a batch is on chain when this equals its length.
    function countMigrated(address[] calldata accounts) external view returns (uint256 count) {
        for (uint256 i = 0; i < accounts.length; ++i) {
            if (migrated[accounts[i]]) ++count;
        }
    }

    /// @dev Mints pass; transfers (and so claims paid in this token) wait for `finishMigration`.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && !migrationFinished) revert TransfersLockedUntilMigrationFinished();
        super._update(from, to, value);
    }

    /// @notice Ends minting forever; the supply is then exactly what was migrated.
    function finishMigration() external onlyMigratorWhileOpen {
        migrationFinished = true;
        emit MigrationFinished(accountsMigrated, totalSupply());
    }
}
