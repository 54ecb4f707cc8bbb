// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ProtectedVault} from "../contracts/contain/ProtectedVault.sol";
import {ForgeTest} from "./ForgeTest.sol";
import {HookToken, ReentrantWithdrawer} from "./Mocks.sol";

/// @notice Withdraws from a rate-limited vault at random times, in random amounts, from plain
///         accounts and from a contract that re-enters withdraw during the transfer, and writes
///         down every outflow that got through.
contract OutflowHandler is ForgeTest {
    uint256 public constant LIMIT = 1_000 ether;
    uint256 public constant WINDOW = 6 hours;

    struct Outflow {
        uint256 timestamp;
        uint256 amount;
    }

    HookToken public token;
    ProtectedVault public vault;
    ReentrantWithdrawer public attacker;
    address[] internal accounts;
    Outflow[] internal outflows;
    uint256 public lastOutflowAt;
    string public surprise;

    constructor() {
        token = new HookToken();
        vault = new ProtectedVault(IERC20(address(token)), address(0xAD), address(0x6A));
        vm.prank(address(0xAD));
        vault.setOutflowLimit(address(token), LIMIT, WINDOW);
        lastOutflowAt = block.timestamp;
        for (uint160 i = 1; i <= 3; ++i) {
            address account = address(0x1000 + i);
            accounts.push(account);
            token.mint(account, 1_000_000 ether);
            vm.startPrank(account);
            token.approve(address(vault), type(uint256).max);
            vault.deposit(1_000_000 ether);
            vm.stopPrank();
        }
        attacker = new ReentrantWithdrawer(vault, token);
        token.mint(address(attacker), 1_000_000 ether);
        attacker.deposit(1_000_000 ether);
    }

    function withdraw(uint256 accountSeed, uint256 amount) external {
        _checkFullAfterAQuietWindow();
        address account = accounts[accountSeed % accounts.length];
        amount = bound(amount, 0, LIMIT + LIMIT / 2);
        uint256 before = token.balanceOf(account);
        vm.prank(account);
        try vault.withdraw(amount) {} catch {}
        _record(token.balanceOf(account) - before);
    }

    function reenter(uint256 amount, uint256 reentries) external {
        _checkFullAfterAQuietWindow();
        amount = bound(amount, 1, LIMIT);
        uint256 before = token.balanceOf(address(attacker));
        try attacker.attack(amount, bound(reentries, 0, 8)) {} catch {}
        _record(token.balanceOf(address(attacker)) - before);
    }

    function wait(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, WINDOW));
    }

    function outflowCount() external view returns (uint256) {
        return outflows.length;
    }

    function outflow(uint256 index) external view returns (uint256 timestamp, uint256 amount) {
        Outflow storage entry = outflows[index];
        return (entry.timestamp, entry.amount);
    }

    /// @dev The limiter must not only refuse too much: after a quiet window it must allow the full limit.
    function _checkFullAfterAQuietWindow() private {
        if (block.timestamp >= lastOutflowAt + WINDOW && vault.availableOutflow(address(token)) != LIMIT) {
            if (bytes(surprise).length == 0) surprise = "not full after a quiet window";
        }
    }

    function _record(uint256 amount) private {
        if (amount == 0) return;
        outflows.push(Outflow(block.timestamp, amount));
        lastOutflowAt = block.timestamp;
    }
}

contract OutflowLimiterInvariantTest is ForgeTest {
    OutflowHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        handler = new OutflowHandler();
    }

    function targetContracts() public view returns (address[] memory list) {
        list = new address[](1);
        list[0] = address(handler);
    }

    /// @notice From any past outflow until now, no more left than the limit plus what refilled
    ///         since: whatever the amounts, the timing and the re-entrancy.
    function invariant_outflowSinceAnyMomentWithinLimitPlusRefill() public view {
        uint256 limit = handler.LIMIT();
        uint256 window = handler.WINDOW();
        uint256 since = 0;
        for (uint256 i = handler.outflowCount(); i > 0; --i) {
            (uint256 timestamp, uint256 amount) = handler.outflow(i - 1);
            since += amount;
            assertLe(since, limit + (limit * (block.timestamp - timestamp)) / window, "outflow since an earlier outflow");
        }
    }

    function invariant_availableNeverAboveTheLimit() public view {
        assertLe(handler.vault().availableOutflow(address(handler.token())), handler.LIMIT(), "available");
    }

    function invariant_fullCapacityAfterAQuietWindow() public view {
        assertEq(bytes(handler.surprise()), bytes(""), "surprise");
    }
}
