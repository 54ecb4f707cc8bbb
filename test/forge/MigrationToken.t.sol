// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MigrationToken} from "../../contracts/eradicate/MigrationToken.sol";
import {ForgeTest} from "./ForgeTest.sol";

contract MigrationTokenTest is ForgeTest {
    address internal constant MIGRATOR = address(0x316);
    bytes32 internal constant SNAPSHOT = keccak256("snapshot file");
    MigrationToken internal token;

    function setUp() public {
        token = new MigrationToken("Legacy Vault Share", "lvUSD", 6, MIGRATOR, SNAPSHOT);
    }

    function _batch(address a, uint256 x, address b, uint256 y) internal pure returns (address[] memory accounts, uint256[] memory amounts) {
        accounts = new address[](2);
        amounts = new uint256[](2);
        (accounts[0], accounts[1], amounts[0], amounts[1]) = (a, b, x, y);
    }

    function test_migrateBalances_mintsEachAccountItsSnapshotBalance() public {
        (address[] memory accounts, uint256[] memory amounts) = _batch(address(0xA1), 500, address(0xB2), 300);
        vm.prank(MIGRATOR);
        token.migrateBalances(accounts, amounts);
        assertEq(token.balanceOf(address(0xA1)), 500, "first account");
        assertEq(token.balanceOf(address(0xB2)), 300, "second account");
        assertEq(token.totalSupply(), 800, "supply");
        assertEq(token.accountsMigrated(), 2, "accounts migrated");
        assertEq(token.countMigrated(accounts), 2, "countMigrated");
        assertEq(uint256(token.decimals()), 6, "decimals of the old token");
        assertEq(uint256(token.snapshotHash()), uint256(SNAPSHOT), "snapshot hash");
    }

    function test_migrateBalances_refusesAnAccountMigratedInAnEarlierBatch() public {
        (address[] memory accounts, uint256[] memory amounts) = _batch(address(0xA1), 500, address(0xB2), 300);
        vm.prank(MIGRATOR);
        token.migrateBalances(accounts, amounts);
        (accounts, amounts) = _batch(address(0xC3), 7, address(0xB2), 300);
        vm.prank(MIGRATOR);
        vm.expectRevert(abi.encodeWithSelector(MigrationToken.AccountAlreadyMigrated.selector, address(0xB2)));
        token.migrateBalances(accounts, amounts);
        assertEq(token.balanceOf(address(0xC3)), 0, "nothing of the refused batch is minted");
        assertEq(token.totalSupply(), 800, "supply unchanged");
    }

    function test_migrateBalances_refusesAnAccountTwiceInOneBatch() public {
        (address[] memory accounts, uint256[] memory amounts) = _batch(address(0xA1), 500, address(0xA1), 500);
        vm.prank(MIGRATOR);
        vm.expectRevert(abi.encodeWithSelector(MigrationToken.AccountAlreadyMigrated.selector, address(0xA1)));
        token.migrateBalances(accounts, amounts);
    }

    function test_migrateBalances_refusesAnyoneButTheMigrator() public {
        (address[] memory accounts, uint256[] memory amounts) = _batch(address(0xA1), 500, address(0xB2), 300);
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(MigrationToken.NotMigrator.selector, address(0xBAD)));
        token.migrateBalances(accounts, amounts);
    }

    function test_migrateBalances_refusesMismatchedLengths() public {
        address[] memory accounts = new address[](2);
        uint256[] memory amounts = new uint256[](1);
        vm.prank(MIGRATOR);
        vm.expectRevert(abi.encodeWithSelector(MigrationToken.BatchLengthMismatch.selector, 2, 1));
        token.migrateBalances(accounts, amounts);
    }

    function test_finishMigration_endsMintingForever() public {
        vm.prank(MIGRATOR);
        token.finishMigration();
        assertTrue(token.migrationFinished(), "finished");
        (address[] memory accounts, uint256[] memory amounts) = _batch(address(0xA1), 500, address(0xB2), 300);
        vm.prank(MIGRATOR);
        vm.expectRevert(MigrationToken.MigrationAlreadyFinished.selector);
        token.migrateBalances(accounts, amounts);
        vm.prank(MIGRATOR);
        vm.expectRevert(MigrationToken.MigrationAlreadyFinished.selector);
        token.finishMigration();
    }

    function test_transfers_areLockedUntilTheMigrationIsFinished() public {
        (address[] memory accounts, uint256[] memory amounts) = _batch(address(0xA1), 500, address(0xB2), 300);
        vm.prank(MIGRATOR);
        token.migrateBalances(accounts, amounts);
        vm.prank(address(0xA1));
        vm.expectRevert(MigrationToken.TransfersLockedUntilMigrationFinished.selector);
        token.transfer(address(0xB2), 1);
        vm.prank(MIGRATOR);
        token.finishMigration();
        vm.prank(address(0xA1));
        token.transfer(address(0xB2), 100);
        assertEq(token.balanceOf(address(0xB2)), 400, "transfers work once finished");
        assertEq(token.totalSupply(), 800, "supply");
    }
}

/// @notice Sends the migrator's batches over a small pool of accounts, so that batches often name an
///         account again (a replayed batch, a batch size changed on resume), and writes down the
///         amount each account's first accepted batch gave it.
contract MigrationHandler is ForgeTest {
    address internal constant MIGRATOR = address(0x316);
    MigrationToken public token;
    address[] public pool;
    mapping(address => uint256) public firstAmount;
    uint256 public acceptedTotal;

    constructor() {
        token = new MigrationToken("Legacy Vault Share", "lvUSD", 18, MIGRATOR, bytes32(0));
        for (uint160 i = 1; i <= 12; ++i) pool.push(address(0x1000 + i));
    }

    function poolSize() external view returns (uint256) {
        return pool.length;
    }

    function migrate(uint256 seed, uint256 size, uint256 amountSeed) external {
        size = bound(size, 1, 5);
        address[] memory accounts = new address[](size);
        uint256[] memory amounts = new uint256[](size);
        for (uint256 i = 0; i < size; ++i) {
            accounts[i] = pool[uint256(keccak256(abi.encode(seed, i))) % pool.length];
            amounts[i] = bound(uint256(keccak256(abi.encode(amountSeed, i))), 1, 1e30);
        }
        vm.prank(MIGRATOR);
        try token.migrateBalances(accounts, amounts) {
            for (uint256 i = 0; i < size; ++i) {
                firstAmount[accounts[i]] = amounts[i];
                acceptedTotal += amounts[i];
            }
        } catch {}
    }

    function finish(uint256 chance) external {
        if (chance % 16 != 0) return;
        vm.prank(MIGRATOR);
        try token.finishMigration() {} catch {}
    }
}

contract MigrationTokenInvariantTest is ForgeTest {
    MigrationHandler internal handler;

    function setUp() public {
        handler = new MigrationHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev No account is ever minted twice: each holds exactly what its first accepted batch gave it.
    function invariant_eachAccountHoldsItsFirstMigratedAmount() public view {
        MigrationToken token = handler.token();
        uint256 sum;
        uint256 migrated;
        for (uint256 i = 0; i < handler.poolSize(); ++i) {
            address account = handler.pool(i);
            assertEq(token.balanceOf(account), handler.firstAmount(account), "balance of an account");
            assertEq(token.migrated(account), handler.firstAmount(account) > 0, "migrated flag");
            sum += token.balanceOf(account);
            if (token.migrated(account)) ++migrated;
        }
        assertEq(token.totalSupply(), sum, "supply is the sum of the balances");
        assertEq(token.totalSupply(), handler.acceptedTotal(), "supply is the sum of the accepted batches");
        assertEq(token.accountsMigrated(), migrated, "accounts migrated");
    }
}
