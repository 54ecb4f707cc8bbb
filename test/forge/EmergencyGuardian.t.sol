// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EmergencyGuardian} from "contracts/contain/EmergencyGuardian.sol";
import {GuardedTarget} from "../contracts/contain/GuardedTarget.sol";
import {ProtectedVault} from "../contracts/contain/ProtectedVault.sol";
import {ForgeTest, Vm} from "./ForgeTest.sol";
import {LoudTarget, RefusingTarget, SilentTarget, TestToken} from "./Mocks.sol";

contract EmergencyGuardianTest is ForgeTest {
    event Paused(address indexed target, address indexed guardian, uint64 expiresAt);
    event PauseFailed(address indexed target, bytes reason);
    event PauseRenewed(address indexed target, uint64 expiresAt);
    event PauseExpired(address indexed target);
    event UnpauseApproved(address indexed target, address indexed approver, uint256 approvals);
    event Unpaused(address indexed target);
    event TargetAdded(address indexed target);
    event TargetRemoved(address indexed target);
    event PauseDurationSet(uint64 pauseDuration);
    event UnpauseQuorumSet(uint8 unpauseQuorum);

    uint64 internal constant DURATION = 1 days;
    uint8 internal constant QUORUM = 2;

    address internal admin = address(0xAD);
    address internal guardian = address(0x6A);
    address internal stranger = address(0xBAD);
    address[] internal unpausers;
    EmergencyGuardian internal guardianContract;
    GuardedTarget[] internal targets;

    bytes32 internal GUARDIAN_ROLE;
    bytes32 internal UNPAUSER_ROLE;
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;

    function setUp() public {
        vm.warp(1_700_000_000);
        unpausers.push(address(0x01));
        unpausers.push(address(0x02));
        unpausers.push(address(0x03));
        guardianContract = _newGuardian(QUORUM, DURATION);
        GUARDIAN_ROLE = guardianContract.GUARDIAN_ROLE();
        UNPAUSER_ROLE = guardianContract.UNPAUSER_ROLE();
        for (uint256 i = 0; i < 3; ++i) targets.push(_newTarget());
    }

    function _newGuardian(uint8 quorum, uint64 duration) internal returns (EmergencyGuardian created) {
        address[] memory guardians = new address[](1);
        guardians[0] = guardian;
        created = new EmergencyGuardian(admin, guardians, unpausers, quorum, duration);
    }

    function _newTarget() internal returns (GuardedTarget target) {
        target = new GuardedTarget(address(this), address(guardianContract));
        vm.prank(admin);
        guardianContract.addTarget(address(target));
    }

    function _pauseAll() internal {
        vm.prank(guardian);
        guardianContract.pauseAll();
    }

    function _approve(address unpauser, address target) internal {
        vm.prank(unpauser);
        guardianContract.approveUnpause(target);
    }

    function _one(address target) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = target;
    }

    function _unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    function _expectPokeRefused(GuardedTarget target) internal {
        vm.expectRevert(Pausable.EnforcedPause.selector);
        target.poke();
    }

    // ------------------------------------------------------------------------------- pausing

    function test_pauseAll_stopsEveryGuardedContractInOneCall() public {
        uint64 expiresAt = uint64(block.timestamp) + DURATION;
        for (uint256 i = 0; i < targets.length; ++i) {
            vm.expectEmit(true, true, false, true, address(guardianContract));
            emit Paused(address(targets[i]), guardian, expiresAt);
        }
        _pauseAll();
        for (uint256 i = 0; i < targets.length; ++i) {
            assertTrue(targets[i].paused(), "target paused");
            _expectPokeRefused(targets[i]);
            assertEq(guardianContract.pauseExpiresAt(address(targets[i])), expiresAt, "expiry recorded");
        }
    }

    function test_pauseAll_leavesContractsPausedByOthersAlone() public {
        GuardedTarget pausedElsewhere = targets[1];
        pausedElsewhere.setPauser(address(this));
        pausedElsewhere.pause();
        pausedElsewhere.setPauser(address(guardianContract));

        vm.recordLogs();
        _pauseAll();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 guardianPauses = 0;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(guardianContract) && logs[i].topics[0] == Paused.selector) ++guardianPauses;
        }
        assertEq(guardianPauses, 2, "Paused events: only the two running targets");
        assertEq(guardianContract.pauseExpiresAt(address(pausedElsewhere)), 0, "no guardian pause on it");
        // Its pause is not the guardian's: nobody may lift it through the guardian.
        vm.warp(block.timestamp + DURATION);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotPausedByGuardian.selector, address(pausedElsewhere)));
        guardianContract.unpauseExpired(address(pausedElsewhere));
    }

    function test_pauseAll_goesOnPastTargetsThatFail() public {
        RefusingTarget refusing = new RefusingTarget();
        SilentTarget silent = new SilentTarget();
        LoudTarget loud = new LoudTarget();
        GuardedTarget notHanded = new GuardedTarget(address(this), address(this));
        vm.startPrank(admin);
        guardianContract.addTarget(address(refusing));
        guardianContract.addTarget(address(silent));
        guardianContract.addTarget(address(loud));
        guardianContract.addTarget(address(notHanded));
        vm.stopPrank();

        vm.expectEmit(true, false, false, true, address(guardianContract));
        emit PauseFailed(address(refusing), abi.encodeWithSelector(RefusingTarget.Refused.selector, 42));
        vm.expectEmit(true, false, false, true, address(guardianContract));
        emit PauseFailed(address(silent), "");
        vm.expectEmit(true, false, false, true, address(guardianContract));
        emit PauseFailed(address(loud), new bytes(256));
        vm.expectEmit(true, false, false, true, address(guardianContract));
        emit PauseFailed(address(notHanded), abi.encodeWithSelector(GuardedTarget.NotPauser.selector, address(guardianContract)));
        _pauseAll();

        for (uint256 i = 0; i < targets.length; ++i) assertTrue(targets[i].paused(), "working targets paused");
        assertEq(guardianContract.pauseExpiresAt(address(silent)), 0, "a pause that did not happen is not recorded");
    }

    function test_pauseAll_staysWithinABlockFor200Contracts() public {
        while (targets.length < 200) targets.push(_newTarget());
        vm.prank(guardian);
        uint256 before = gasleft();
        guardianContract.pauseAll();
        uint256 used = before - gasleft();
        for (uint256 i = 0; i < targets.length; ++i) assertTrue(targets[i].paused(), "every target paused");
        // Each cold target costs a code check, paused() before and after, pause(), one slot and
        // one event: about 29,000 gas with this compiler, so 200 fit well inside a block.
        assertLe(used / 200, 32_000, "gas per target");
        assertLe(used, 6_400_000, "gas for 200 targets");
    }

    function test_pause_stopsOnlyTheListedContracts() public {
        vm.prank(guardian);
        guardianContract.pause(_one(address(targets[1])));
        assertFalse(targets[0].paused(), "first target still running");
        assertTrue(targets[1].paused(), "listed target paused");
        assertFalse(targets[2].paused(), "third target still running");
    }

    function test_pause_refusesAContractNotGuarded() public {
        GuardedTarget outsider = new GuardedTarget(address(this), address(guardianContract));
        address[] memory list = new address[](2);
        list[0] = address(targets[0]);
        list[1] = address(outsider);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotGuarded.selector, address(outsider)));
        guardianContract.pause(list);
        assertFalse(targets[0].paused(), "nothing paused by a refused call");
    }

    function test_pause_nobodyElseCanLiftTheTargetsPause() public {
        _pauseAll();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(GuardedTarget.NotPauser.selector, stranger));
        targets[0].unpause();
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(GuardedTarget.NotPauser.selector, guardian));
        targets[0].unpause();
    }

    // ---------------------------------------------------------------------- who may do what

    function testFuzz_strangersHoldNoPowerOverTheGuardian(address caller) public {
        vm.assume(caller != guardian && caller != admin);
        vm.assume(caller != unpausers[0] && caller != unpausers[1] && caller != unpausers[2]);
        address target = address(targets[0]);

        vm.prank(caller);
        vm.expectRevert(_unauthorized(caller, GUARDIAN_ROLE));
        guardianContract.pauseAll();
        vm.prank(caller);
        vm.expectRevert(_unauthorized(caller, GUARDIAN_ROLE));
        guardianContract.pause(_one(target));

        _pauseAll();
        vm.prank(caller);
        vm.expectRevert(_unauthorized(caller, GUARDIAN_ROLE));
        guardianContract.renewPause(_one(target));
        vm.prank(caller);
        vm.expectRevert(_unauthorized(caller, UNPAUSER_ROLE));
        guardianContract.approveUnpause(target);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.PauseNotExpired.selector, target, uint64(block.timestamp) + DURATION));
        guardianContract.unpauseExpired(target);

        vm.startPrank(caller);
        vm.expectRevert(_unauthorized(caller, DEFAULT_ADMIN_ROLE));
        guardianContract.addTarget(address(guardianContract));
        vm.expectRevert(_unauthorized(caller, DEFAULT_ADMIN_ROLE));
        guardianContract.removeTarget(target);
        vm.expectRevert(_unauthorized(caller, DEFAULT_ADMIN_ROLE));
        guardianContract.setPauseDuration(0);
        vm.expectRevert(_unauthorized(caller, DEFAULT_ADMIN_ROLE));
        guardianContract.setUnpauseQuorum(1);
        vm.expectRevert(_unauthorized(caller, DEFAULT_ADMIN_ROLE));
        guardianContract.grantRole(GUARDIAN_ROLE, caller);
        vm.stopPrank();
        assertTrue(targets[0].paused(), "still paused");
    }

    function test_eachRoleStaysInItsLane() public {
        _pauseAll();
        address target = address(targets[0]);
        // A guardian stops but never restarts.
        vm.prank(guardian);
        vm.expectRevert(_unauthorized(guardian, UNPAUSER_ROLE));
        guardianContract.approveUnpause(target);
        // An unpauser restarts (with others) but never stops.
        vm.prank(unpausers[0]);
        vm.expectRevert(_unauthorized(unpausers[0], GUARDIAN_ROLE));
        guardianContract.pauseAll();
        vm.prank(unpausers[0]);
        vm.expectRevert(_unauthorized(unpausers[0], GUARDIAN_ROLE));
        guardianContract.renewPause(_one(target));
        // Neither manages targets or settings.
        vm.prank(guardian);
        vm.expectRevert(_unauthorized(guardian, DEFAULT_ADMIN_ROLE));
        guardianContract.removeTarget(target);
        vm.prank(unpausers[0]);
        vm.expectRevert(_unauthorized(unpausers[0], DEFAULT_ADMIN_ROLE));
        guardianContract.setUnpauseQuorum(1);
        // Governance does not pause by itself either: it grants the role first.
        vm.prank(admin);
        vm.expectRevert(_unauthorized(admin, GUARDIAN_ROLE));
        guardianContract.pauseAll();
    }

    // ------------------------------------------------------------------------------ quorum

    function test_unpause_takesExactlyTheQuorum() public {
        _pauseAll();
        address target = address(targets[0]);

        vm.expectEmit(true, true, false, true, address(guardianContract));
        emit UnpauseApproved(target, unpausers[0], 1);
        _approve(unpausers[0], target);
        assertTrue(targets[0].paused(), "one approval short: still paused");
        assertEq(guardianContract.unpauseApprovals(target), 1, "approvals");

        vm.expectEmit(true, true, false, true, address(guardianContract));
        emit UnpauseApproved(target, unpausers[1], 2);
        vm.expectEmit(true, false, false, false, address(guardianContract));
        emit Unpaused(target);
        _approve(unpausers[1], target);
        assertFalse(targets[0].paused(), "quorum reached: running");
        targets[0].poke();
        assertEq(targets[0].pokes(), 1, "pokes after the unpause");
        assertTrue(targets[1].paused(), "approvals are per target");
        assertEq(guardianContract.pauseExpiresAt(target), 0, "no guardian pause left");
    }

    function testFuzz_unpause_oneApprovalShortNeverUnpauses(uint8 quorum) public {
        quorum = uint8(bound(quorum, 1, 16));
        delete unpausers;
        for (uint160 i = 1; i <= quorum; ++i) unpausers.push(address(0x1000 + i));
        guardianContract = _newGuardian(quorum, DURATION);
        GuardedTarget target = _newTarget();
        _pauseAll();

        for (uint256 i = 0; i + 1 < quorum; ++i) _approve(unpausers[i], address(target));
        assertTrue(target.paused(), "quorum - 1 approvals: still paused");
        _approve(unpausers[quorum - 1], address(target));
        assertFalse(target.paused(), "quorum approvals: unpaused");
    }

    function test_approve_countsEachUnpauserOnce() public {
        _pauseAll();
        address target = address(targets[0]);
        _approve(unpausers[0], target);
        vm.prank(unpausers[0]);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.AlreadyApproved.selector, target, unpausers[0]));
        guardianContract.approveUnpause(target);
        assertTrue(guardianContract.hasApprovedUnpause(target, unpausers[0]), "first approval kept");
        assertEq(guardianContract.unpauseApprovals(target), 1, "approvals");
    }

    function test_approve_refusedWhenTheGuardianHoldsNoPause() public {
        vm.prank(unpausers[0]);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotPaused.selector, address(targets[0])));
        guardianContract.approveUnpause(address(targets[0]));
    }

    function test_approvals_doNotCarryOverToTheNextPause() public {
        address target = address(targets[0]);
        _pauseAll();
        _approve(unpausers[0], target);
        vm.warp(block.timestamp + DURATION);
        guardianContract.unpauseExpired(target);

        _pauseAll();
        assertEq(guardianContract.unpauseApprovals(target), 0, "fresh count for a new pause");
        assertFalse(guardianContract.hasApprovedUnpause(target, unpausers[0]), "old approval gone");
        _approve(unpausers[1], target);
        assertTrue(targets[0].paused(), "one fresh approval is not a quorum with one stale one");
        _approve(unpausers[0], target);
        assertFalse(targets[0].paused(), "two approvals of this pause");
    }

    function test_approvals_doNotCarryOverAfterAQuorumUnpause() public {
        address target = address(targets[0]);
        _pauseAll();
        _approve(unpausers[0], target);
        _approve(unpausers[1], target);
        _pauseAll();
        _approve(unpausers[2], target);
        assertTrue(targets[0].paused(), "new pause, one approval");
        assertEq(guardianContract.unpauseApprovals(target), 1, "approvals of the new pause");
    }

    function test_approve_whenTheTargetRefusesToUnpause_keepsThePause() public {
        TestToken token = new TestToken();
        ProtectedVault vault = new ProtectedVault(token, admin, address(guardianContract));
        vm.prank(admin);
        guardianContract.addTarget(address(vault));
        vm.prank(guardian);
        guardianContract.pause(_one(address(vault)));
        assertTrue(vault.paused(), "vault paused by the guardian");

        _approve(unpausers[0], address(vault));
        // The vault keeps unpausing for its own governance: the quorum's approval cannot go through.
        vm.prank(unpausers[1]);
        vm.expectRevert(_unauthorized(address(guardianContract), DEFAULT_ADMIN_ROLE));
        guardianContract.approveUnpause(address(vault));
        assertTrue(vault.paused(), "still paused");
        assertEq(guardianContract.unpauseApprovals(address(vault)), 1, "the refused approval is not counted");
    }

    // ------------------------------------------------------------------------------ expiry

    function test_unpauseExpired_oneSecondBeforeAndAtTheExpiry() public {
        _pauseAll();
        address target = address(targets[0]);
        uint64 expiresAt = guardianContract.pauseExpiresAt(target);
        assertEq(expiresAt, block.timestamp + DURATION, "expiry");

        vm.warp(expiresAt - 1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.PauseNotExpired.selector, target, expiresAt));
        guardianContract.unpauseExpired(target);

        vm.warp(expiresAt);
        vm.expectEmit(true, false, false, false, address(guardianContract));
        emit PauseExpired(target);
        vm.prank(stranger);
        guardianContract.unpauseExpired(target);
        assertFalse(targets[0].paused(), "anyone lifts a lapsed pause");
        assertEq(guardianContract.pauseExpiresAt(target), 0, "record closed");

        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotPausedByGuardian.selector, target));
        guardianContract.unpauseExpired(target);
    }

    function testFuzz_unpauseExpired_neverBeforeTheExpiry(uint64 duration, uint256 elapsed) public {
        duration = uint64(bound(duration, 1, 365 days));
        elapsed = bound(elapsed, 0, 2 * uint256(duration));
        vm.prank(admin);
        guardianContract.setPauseDuration(duration);
        _pauseAll();
        address target = address(targets[0]);
        uint64 expiresAt = uint64(block.timestamp) + duration;
        vm.warp(block.timestamp + elapsed);
        if (elapsed < duration) {
            vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.PauseNotExpired.selector, target, expiresAt));
            guardianContract.unpauseExpired(target);
            assertTrue(targets[0].paused(), "still paused before expiry");
        } else {
            guardianContract.unpauseExpired(target);
            assertFalse(targets[0].paused(), "unpaused at or after expiry");
        }
    }

    function test_pauseWithoutExpiry_neverLapses() public {
        vm.prank(admin);
        guardianContract.setPauseDuration(0);
        _pauseAll();
        address target = address(targets[0]);
        assertEq(guardianContract.pauseExpiresAt(target), 0, "no expiry");
        vm.warp(block.timestamp + 100 * 365 days);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.PauseNotExpired.selector, target, uint64(0)));
        guardianContract.unpauseExpired(target);
        _approve(unpausers[0], target);
        _approve(unpausers[1], target);
        assertFalse(targets[0].paused(), "only the quorum lifts it");
    }

    function test_pauseDuration_anAbsurdDurationSaturatesInsteadOfBlockingPauses() public {
        vm.prank(admin);
        guardianContract.setPauseDuration(type(uint64).max);
        _pauseAll();
        assertTrue(targets[0].paused(), "paused");
        assertEq(guardianContract.pauseExpiresAt(address(targets[0])), type(uint64).max, "expiry saturated");
    }

    function test_renewPause_movesTheExpiry() public {
        _pauseAll();
        address target = address(targets[0]);
        uint64 firstExpiry = guardianContract.pauseExpiresAt(target);
        vm.warp(firstExpiry - 1);
        uint64 renewedExpiry = uint64(block.timestamp) + DURATION;
        vm.expectEmit(true, false, false, true, address(guardianContract));
        emit PauseRenewed(target, renewedExpiry);
        vm.prank(guardian);
        guardianContract.renewPause(_one(target));
        assertEq(guardianContract.pauseExpiresAt(target), renewedExpiry, "renewed expiry");

        vm.warp(firstExpiry);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.PauseNotExpired.selector, target, renewedExpiry));
        guardianContract.unpauseExpired(target);
        vm.warp(renewedExpiry);
        guardianContract.unpauseExpired(target);
        assertFalse(targets[0].paused(), "unpaused at the renewed expiry");
    }

    function test_renewPause_keepsTheApprovalsOfThePause() public {
        _pauseAll();
        address target = address(targets[0]);
        _approve(unpausers[0], target);
        vm.prank(guardian);
        guardianContract.renewPause(_one(target));
        assertEq(guardianContract.unpauseApprovals(target), 1, "a renewal is the same pause");
    }

    function test_renewPause_refusedOnceThePauseLapsed() public {
        _pauseAll();
        address target = address(targets[0]);
        vm.warp(guardianContract.pauseExpiresAt(target));
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotPausedByGuardian.selector, target));
        guardianContract.renewPause(_one(target));
    }

    function test_renewPause_refusedWithoutAPause() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotPausedByGuardian.selector, address(targets[0])));
        guardianContract.renewPause(_one(address(targets[0])));
    }

    function test_unpauseExpired_closesTheRecordOfATargetItsOwnerUnpausedMeanwhile() public {
        _pauseAll();
        address target = address(targets[0]);
        targets[0].setPauser(address(this));
        targets[0].unpause();
        targets[0].setPauser(address(guardianContract));
        vm.warp(block.timestamp + DURATION);
        guardianContract.unpauseExpired(target);
        assertEq(guardianContract.pauseExpiresAt(target), 0, "record closed");
        assertFalse(targets[0].paused(), "running");
    }

    // ------------------------------------------------------------------------------- admin

    function test_addTarget_refusesDuplicatesAndAddressesWithoutCode() public {
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.AlreadyGuarded.selector, address(targets[0])));
        guardianContract.addTarget(address(targets[0]));
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.InvalidTarget.selector, stranger));
        guardianContract.addTarget(stranger);
        vm.stopPrank();
        assertEq(guardianContract.guardedContracts().length, 3, "guarded contracts");
    }

    function test_removeTarget_takesItOutOfPauseAll_butItsPauseStillLapses() public {
        address target = address(targets[0]);
        vm.prank(guardian);
        guardianContract.pause(_one(target));
        vm.expectEmit(true, false, false, false, address(guardianContract));
        emit TargetRemoved(target);
        vm.prank(admin);
        guardianContract.removeTarget(target);
        assertFalse(guardianContract.isGuarded(target), "no longer guarded");

        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotGuarded.selector, target));
        guardianContract.renewPause(_one(target));
        vm.warp(block.timestamp + DURATION);
        guardianContract.unpauseExpired(target);
        assertFalse(targets[0].paused(), "a removed target is not left stopped");

        _pauseAll();
        assertFalse(targets[0].paused(), "pauseAll skips a removed target");
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.NotGuarded.selector, target));
        guardianContract.removeTarget(target);
    }

    function test_setUnpauseQuorum_refusesZero() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.InvalidQuorum.selector, uint8(0)));
        guardianContract.setUnpauseQuorum(0);
        vm.expectRevert(abi.encodeWithSelector(EmergencyGuardian.InvalidQuorum.selector, uint8(0)));
        _newGuardian(0, DURATION);
    }

    function test_settings_emitAndApplyToLaterPauses() public {
        _pauseAll();
        uint64 earlierExpiry = guardianContract.pauseExpiresAt(address(targets[0]));
        vm.startPrank(admin);
        vm.expectEmit(false, false, false, true, address(guardianContract));
        emit PauseDurationSet(7 days);
        guardianContract.setPauseDuration(7 days);
        vm.expectEmit(false, false, false, true, address(guardianContract));
        emit UnpauseQuorumSet(3);
        guardianContract.setUnpauseQuorum(3);
        vm.stopPrank();
        assertEq(guardianContract.pauseDuration(), 7 days, "duration");
        assertEq(guardianContract.unpauseQuorum(), 3, "quorum");
        assertEq(guardianContract.pauseExpiresAt(address(targets[0])), earlierExpiry, "an earlier pause keeps its expiry");

        _approve(unpausers[0], address(targets[0]));
        _approve(unpausers[1], address(targets[0]));
        assertTrue(targets[0].paused(), "the raised quorum applies at once");
        _approve(unpausers[2], address(targets[0]));
        assertFalse(targets[0].paused(), "three approvals");
    }
}
