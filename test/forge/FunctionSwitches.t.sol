// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IFunctionSwitchErrors} from "contracts/contain/FunctionSwitches.sol";
import {ProtectedVault} from "../contracts/contain/ProtectedVault.sol";
import {ForgeTest} from "./ForgeTest.sol";
import {TestToken} from "./Mocks.sol";

/// @notice The function switches, and the vault's other levers (pause, deposit cap), from the
///         side of someone trying to get around them.
contract FunctionSwitchesTest is ForgeTest {
    event FunctionDisabled(bytes4 indexed selector, address indexed by);
    event FunctionEnabled(bytes4 indexed selector, address indexed by);

    address internal admin = address(0xAD);
    address internal guardian = address(0x6A);
    address internal user = address(0x05E);
    TestToken internal token;
    ProtectedVault internal vault;
    bytes32 internal DEFAULT_ADMIN_ROLE;
    bytes32 internal GUARDIAN_ROLE;

    bytes4 internal constant WITHDRAW = ProtectedVault.withdraw.selector;
    bytes4 internal constant DEPOSIT = ProtectedVault.deposit.selector;

    function setUp() public {
        token = new TestToken();
        vault = new ProtectedVault(IERC20(address(token)), admin, guardian);
        DEFAULT_ADMIN_ROLE = vault.DEFAULT_ADMIN_ROLE();
        GUARDIAN_ROLE = vault.GUARDIAN_ROLE();
        token.mint(user, 1_000 ether);
        vm.startPrank(user);
        token.approve(address(vault), type(uint256).max);
        vault.deposit(100 ether);
        vm.stopPrank();
    }

    function _unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    function _disable(bytes4 selector) internal {
        vm.prank(guardian);
        vault.disableFunction(selector);
    }

    // ------------------------------------------------------------------------------ switches

    function test_aDisabledFunctionRevertsWithItsSelector_othersKeepWorking() public {
        vm.expectEmit(true, true, false, true, address(vault));
        emit FunctionDisabled(WITHDRAW, guardian);
        _disable(WITHDRAW);
        assertFalse(vault.isFunctionEnabled(WITHDRAW), "withdraw off");
        assertTrue(vault.isFunctionEnabled(DEPOSIT), "deposit on");

        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(IFunctionSwitchErrors.FunctionDisabled.selector, WITHDRAW));
        vault.withdraw(1 ether);
        vm.prank(user);
        vault.deposit(1 ether);
        assertEq(vault.balanceOf(user), 101 ether, "deposit went through");
    }

    function test_onlyGovernanceSwitchesBackOn() public {
        _disable(WITHDRAW);
        vm.prank(guardian);
        vm.expectRevert(_unauthorized(guardian, DEFAULT_ADMIN_ROLE));
        vault.enableFunction(WITHDRAW);

        vm.expectEmit(true, true, false, true, address(vault));
        emit FunctionEnabled(WITHDRAW, admin);
        vm.prank(admin);
        vault.enableFunction(WITHDRAW);
        vm.prank(user);
        vault.withdraw(1 ether);
        assertEq(token.balanceOf(user), 901 ether, "withdrawn after switching on");
    }

    function testFuzz_strangersCannotSwitch(address caller, bytes4 selector) public {
        vm.assume(caller != admin && caller != guardian);
        vm.prank(caller);
        vm.expectRevert(_unauthorized(caller, GUARDIAN_ROLE));
        vault.disableFunction(selector);

        _disable(selector);
        vm.prank(caller);
        vm.expectRevert(_unauthorized(caller, DEFAULT_ADMIN_ROLE));
        vault.enableFunction(selector);
        assertFalse(vault.isFunctionEnabled(selector), "still off");
    }

    function testFuzz_switchingOffOneSelectorLeavesTheOthers(bytes4 selector) public {
        vm.assume(selector != WITHDRAW && selector != DEPOSIT);
        _disable(selector);
        vm.startPrank(user);
        vault.deposit(1 ether);
        vault.withdraw(2 ether);
        vm.stopPrank();
        assertEq(vault.balanceOf(user), 99 ether, "both still work");
    }

    function test_switchingTwiceChangesNothingAndEmitsNothing() public {
        _disable(WITHDRAW);
        vm.recordLogs();
        _disable(WITHDRAW);
        assertEq(vm.getRecordedLogs().length, 0, "no second event");
        vm.startPrank(admin);
        vault.enableFunction(WITHDRAW);
        vm.recordLogs();
        vault.enableFunction(WITHDRAW);
        vm.stopPrank();
        assertEq(vm.getRecordedLogs().length, 0, "no second event");
        assertTrue(vault.isFunctionEnabled(WITHDRAW), "on");
    }

    function test_governanceMaySwitchOffToo() public {
        vm.prank(admin);
        vault.disableFunction(DEPOSIT);
        assertFalse(vault.isFunctionEnabled(DEPOSIT), "off");
    }

    function test_switchStateLivesInTheERC7201Namespace() public {
        _disable(WITHDRAW);
        bytes32 root = keccak256(abi.encode(uint256(keccak256("firebreak.storage.FunctionSwitches")) - 1)) & ~bytes32(uint256(0xff));
        bytes32 slot = keccak256(abi.encode(WITHDRAW, root));
        assertEq(uint256(vm.load(address(vault), slot)), 1, "disabled flag");
    }

    // ------------------------------------------------------------------- pause and deposit cap

    function test_theGuardianPauses_onlyGovernanceUnpauses() public {
        vm.prank(user);
        vm.expectRevert(_unauthorized(user, GUARDIAN_ROLE));
        vault.pause();

        vm.prank(guardian);
        vault.pause();
        vm.prank(user);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.withdraw(1 ether);
        vm.prank(user);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.deposit(1 ether);

        vm.prank(guardian);
        vm.expectRevert(_unauthorized(guardian, DEFAULT_ADMIN_ROLE));
        vault.unpause();
        vm.prank(admin);
        vault.unpause();
        vm.prank(user);
        vault.withdraw(1 ether);
    }

    function test_theGuardianLowersTheDepositCap_onlyGovernanceRaisesIt() public {
        vm.prank(guardian);
        vault.setDepositCap(150 ether);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(ProtectedVault.DepositCapExceeded.selector, 51 ether, 50 ether));
        vault.deposit(51 ether);

        vm.prank(guardian);
        vm.expectRevert(_unauthorized(guardian, DEFAULT_ADMIN_ROLE));
        vault.setDepositCap(151 ether);

        // Below what is deposited already: nothing more fits, withdrawals still work.
        vm.prank(guardian);
        vault.setDepositCap(10 ether);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(ProtectedVault.DepositCapExceeded.selector, 1, 0));
        vault.deposit(1);
        vm.prank(user);
        vault.withdraw(95 ether);

        vm.prank(admin);
        vault.setDepositCap(type(uint256).max);
        vm.prank(user);
        vault.deposit(500 ether);
    }

    function testFuzz_nobodyWithdrawsMoreThanTheirDeposit(uint256 amount) public {
        amount = bound(amount, 100 ether + 1, type(uint256).max);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(ProtectedVault.InsufficientBalance.selector, user, 100 ether, amount));
        vault.withdraw(amount);
    }
}
