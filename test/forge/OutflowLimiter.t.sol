// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {OutflowLimiter} from "contracts/contain/OutflowLimiter.sol";
import {ProtectedVault} from "../contracts/contain/ProtectedVault.sol";
import {ForgeTest} from "./ForgeTest.sol";
import {HookToken, ReentrantWithdrawer, TestToken} from "./Mocks.sol";

contract OutflowLimiterTest is ForgeTest {
    event OutflowLimitSet(address indexed token, uint256 limit, uint256 window);

    uint256 internal constant LIMIT = 100 ether;
    uint256 internal constant WINDOW = 1 hours;

    address internal admin = address(0xAD);
    address internal guardian = address(0x6A);
    address internal user = address(0x05E);
    TestToken internal token;
    ProtectedVault internal vault;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new TestToken();
        vault = new ProtectedVault(IERC20(address(token)), admin, guardian);
        token.mint(user, 1_000_000 ether);
        vm.startPrank(user);
        token.approve(address(vault), type(uint256).max);
        vault.deposit(1_000_000 ether);
        vm.stopPrank();
        vm.prank(guardian);
        vault.setOutflowLimit(address(token), LIMIT, WINDOW);
    }

    function _withdraw(uint256 amount) internal {
        vm.prank(user);
        vault.withdraw(amount);
    }

    function _expectLimitExceeded(uint256 amount, uint256 available) internal {
        vm.expectRevert(abi.encodeWithSelector(OutflowLimiter.OutflowLimitExceeded.selector, address(token), amount, available));
    }

    function _unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    // ---------------------------------------------------------------------------- boundaries

    function test_exactlyTheLimitPasses_oneWeiMoreFails() public {
        _expectLimitExceeded(LIMIT + 1, LIMIT);
        _withdraw(LIMIT + 1);
        _withdraw(LIMIT);
        assertEq(token.balanceOf(user), LIMIT, "withdrawn");
        assertEq(vault.availableOutflow(address(token)), 0, "available");
        _expectLimitExceeded(1, 0);
        _withdraw(1);
    }

    function test_capacityRefillsLinearlyUpToTheLimit() public {
        _withdraw(LIMIT);
        vm.warp(block.timestamp + WINDOW / 4);
        assertEq(vault.availableOutflow(address(token)), LIMIT / 4, "a quarter window refills a quarter");
        _expectLimitExceeded(LIMIT / 4 + 1, LIMIT / 4);
        _withdraw(LIMIT / 4 + 1);
        _withdraw(LIMIT / 4);

        vm.warp(block.timestamp + 10 * WINDOW);
        assertEq(vault.availableOutflow(address(token)), LIMIT, "never more than the limit");
        _expectLimitExceeded(LIMIT + 1, LIMIT);
        _withdraw(LIMIT + 1);
    }

    function test_frequentDustWithdrawalsDoNotStarveASlowRefill() public {
        // 100 wei per 1000 s: a tenth of a wei per second. If each second's refill were rounded
        // down to nothing and the clock reset, a griefer withdrawing 0 every block would keep the
        // bucket empty for good.
        vm.prank(admin);
        vault.setOutflowLimit(address(token), 100, 1000);
        _withdraw(100);
        uint256 withdrawn = 0;
        for (uint256 second = 1; second <= 100; ++second) {
            vm.warp(block.timestamp + 1);
            _withdraw(0);
            if (vault.availableOutflow(address(token)) >= 1) {
                _withdraw(1);
                ++withdrawn;
            }
        }
        assertEq(withdrawn, 10, "100 s at 0.1 wei/s");
    }

    function testFuzz_neverMoreThanTheLimitPlusRefill(uint256[12] calldata amounts, uint32[12] calldata gaps) public {
        uint256 start = block.timestamp;
        uint256 withdrawn = 0;
        for (uint256 i = 0; i < amounts.length; ++i) {
            vm.warp(block.timestamp + bound(gaps[i], 0, WINDOW));
            uint256 amount = bound(amounts[i], 0, 2 * LIMIT);
            uint256 available = vault.availableOutflow(address(token));
            vm.prank(user);
            try vault.withdraw(amount) {
                withdrawn += amount;
                assertLe(amount, available, "withdrew more than available");
            } catch (bytes memory reason) {
                assertEq(reason, abi.encodeWithSelector(OutflowLimiter.OutflowLimitExceeded.selector, address(token), amount, available), "refusal");
            }
            uint256 ceiling = LIMIT + LIMIT * (block.timestamp - start) / WINDOW;
            assertLe(withdrawn, ceiling, "limit + refill");
        }
    }

    function testFuzz_aFullWindowAfterTheLastWithdrawalRestoresTheLimit(uint256 amount, uint256 wait) public {
        amount = bound(amount, 0, LIMIT);
        wait = bound(wait, WINDOW, 100 * WINDOW);
        _withdraw(amount);
        vm.warp(block.timestamp + wait);
        assertEq(vault.availableOutflow(address(token)), LIMIT, "full after a window");
    }

    // -------------------------------------------------------------------------- setting limits

    function test_loweringTheLimitCapsWhatIsAvailableNow() public {
        vm.prank(guardian);
        vault.setOutflowLimit(address(token), LIMIT / 4, WINDOW);
        assertEq(vault.availableOutflow(address(token)), LIMIT / 4, "capped");
        _expectLimitExceeded(LIMIT / 4 + 1, LIMIT / 4);
        _withdraw(LIMIT / 4 + 1);
    }

    function test_raisingTheLimitRefillsTowardsIt_withoutAWindfall() public {
        _withdraw(LIMIT);
        vm.prank(admin);
        vault.setOutflowLimit(address(token), 2 * LIMIT, WINDOW);
        assertEq(vault.availableOutflow(address(token)), 0, "nothing for free");
        vm.warp(block.timestamp + WINDOW / 2);
        assertEq(vault.availableOutflow(address(token)), LIMIT, "half a window at the new rate");
        vm.warp(block.timestamp + WINDOW);
        assertEq(vault.availableOutflow(address(token)), 2 * LIMIT, "full at the new limit");
    }

    function test_guardianMayOnlyTighten() public {
        vm.startPrank(guardian);
        vm.expectRevert(_unauthorized(guardian, vault.DEFAULT_ADMIN_ROLE()));
        vault.setOutflowLimit(address(token), LIMIT + 1, WINDOW);
        // A lower limit over a much shorter window refills faster: that is a loosening too.
        vm.expectRevert(_unauthorized(guardian, vault.DEFAULT_ADMIN_ROLE()));
        vault.setOutflowLimit(address(token), LIMIT / 2, WINDOW / 60);
        vm.expectRevert(_unauthorized(guardian, vault.DEFAULT_ADMIN_ROLE()));
        vault.setOutflowLimit(address(token), 0, 0);

        vm.expectEmit(true, false, false, true, address(vault));
        emit OutflowLimitSet(address(token), LIMIT / 2, 2 * WINDOW);
        vault.setOutflowLimit(address(token), LIMIT / 2, 2 * WINDOW);
        vault.setOutflowLimit(address(token), 0, 2 * WINDOW);
        vm.stopPrank();

        _expectLimitExceeded(1, 0);
        _withdraw(1);
        (uint256 limit, uint256 window) = vault.outflowLimit(address(token));
        assertEq(limit, 0, "a zero limit stops the outflow");
        assertEq(window, 2 * WINDOW, "window");
    }

    function testFuzz_strangersCannotSetLimits(address caller, uint256 limit, uint256 window) public {
        vm.assume(caller != admin && caller != guardian);
        window = bound(window, 1, type(uint64).max);
        bytes32 role = limit > LIMIT || window < WINDOW ? vault.DEFAULT_ADMIN_ROLE() : vault.GUARDIAN_ROLE();
        vm.prank(caller);
        vm.expectRevert(_unauthorized(caller, role));
        vault.setOutflowLimit(address(token), limit, window);
        (uint256 configured, ) = vault.outflowLimit(address(token));
        assertEq(configured, LIMIT, "limit unchanged");
    }

    function test_aLimitNeedsAWindow() public {
        vm.startPrank(admin);
        vm.expectRevert(OutflowLimiter.InvalidWindow.selector);
        vault.setOutflowLimit(address(token), 1, 0);
        vm.expectRevert(OutflowLimiter.InvalidWindow.selector);
        vault.setOutflowLimit(address(token), 1, uint256(type(uint64).max) + 1);
        vm.stopPrank();
    }

    function test_aTokenWithoutALimitIsUnlimited() public {
        vm.prank(admin);
        vault.setOutflowLimit(address(token), 0, 0);
        assertEq(vault.availableOutflow(address(token)), type(uint256).max, "unlimited");
        (uint256 limit, uint256 window) = vault.outflowLimit(address(token));
        assertEq(limit + window, 0, "no limit configured");
        _withdraw(10 * LIMIT);
        assertEq(token.balanceOf(user), 10 * LIMIT, "withdrawn");
    }

    function test_aHugeLimitDoesNotOverflowTheRefill() public {
        vm.prank(admin);
        vault.setOutflowLimit(address(token), type(uint256).max, WINDOW);
        assertEq(vault.availableOutflow(address(token)), LIMIT, "raising a limit grants nothing at once");
        _withdraw(LIMIT);
        vm.warp(block.timestamp + WINDOW - 1);
        // limit * elapsed overflows 256 bits; the refill must still come out exact.
        uint256 refill = Math.mulDiv(type(uint256).max, WINDOW - 1, WINDOW);
        assertEq(vault.availableOutflow(address(token)), refill, "refilled without overflow");
        vm.warp(block.timestamp + WINDOW);
        assertEq(vault.availableOutflow(address(token)), type(uint256).max, "full after a window");
    }

    function test_stateLivesInTheERC7201Namespace() public view {
        bytes32 root = keccak256(abi.encode(uint256(keccak256("firebreak.storage.OutflowLimiter")) - 1)) & ~bytes32(uint256(0xff));
        bytes32 bucket = keccak256(abi.encode(address(token), root));
        assertEq(uint256(vm.load(address(vault), bucket)), LIMIT, "limit at the bucket's first slot");
        assertEq(uint256(vm.load(address(vault), bytes32(uint256(bucket) + 1))), LIMIT, "available at the second");
    }

    // ----------------------------------------------------------------------------- re-entrancy

    function _reentrancySetup() internal returns (HookToken hookToken, ProtectedVault hookVault, ReentrantWithdrawer attacker) {
        hookToken = new HookToken();
        hookVault = new ProtectedVault(IERC20(address(hookToken)), admin, guardian);
        vm.prank(admin);
        hookVault.setOutflowLimit(address(hookToken), LIMIT, WINDOW);
        attacker = new ReentrantWithdrawer(hookVault, hookToken);
        hookToken.mint(address(attacker), 10 * LIMIT);
        attacker.deposit(10 * LIMIT);
    }

    function test_reenteringWithdrawFromTheTransferCannotPassTheLimit() public {
        (HookToken hookToken, ProtectedVault hookVault, ReentrantWithdrawer attacker) = _reentrancySetup();
        attacker.attack(60 ether, 5);
        assertEq(hookToken.balanceOf(address(attacker)), 60 ether, "only the outer withdrawal paid");
        assertEq(attacker.reentriesRefused(), 1, "the first re-entry was refused");
        assertEq(
            attacker.lastRefusal(),
            abi.encodeWithSelector(OutflowLimiter.OutflowLimitExceeded.selector, address(hookToken), 60 ether, 40 ether),
            "refused by the limiter, seeing what the outer call took"
        );
        assertEq(hookVault.availableOutflow(address(hookToken)), 40 ether, "available");
    }

    function testFuzz_reentrancyNeverPassesTheLimit(uint256 amount, uint256 reentries) public {
        (HookToken hookToken, , ReentrantWithdrawer attacker) = _reentrancySetup();
        amount = bound(amount, 1, LIMIT);
        reentries = bound(reentries, 0, 20);
        attacker.attack(amount, reentries);
        uint256 received = hookToken.balanceOf(address(attacker));
        assertLe(received, LIMIT, "received within one block");
        assertEq(received, amount * (reentries + 1 < LIMIT / amount ? reentries + 1 : LIMIT / amount), "every call the limit allowed, and no more");
    }
}
