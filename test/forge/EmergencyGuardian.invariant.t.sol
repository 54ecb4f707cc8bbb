// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EmergencyGuardian} from "contracts/contain/EmergencyGuardian.sol";
import {GuardedTarget} from "../contracts/contain/GuardedTarget.sol";
import {ForgeTest} from "./ForgeTest.sol";

/// @notice Drives the guardian with random guardians' and unpausers' actions, random waits and
///         strangers' attempts to lift a pause, and keeps a model of what each call should do.
///         Nothing here reverts: a call that fails where the model says it succeeds (or the other
///         way round) is written to `surprise`, which the invariant reads.
contract GuardianHandler is ForgeTest {
    uint64 public constant DURATION = 1 days;
    uint8 public constant QUORUM = 2;

    struct ModelPause {
        bool paused;
        uint64 expiresAt;
        uint256 approvals;
        uint256 epoch;
    }

    EmergencyGuardian public guardianContract;
    GuardedTarget[] public targets;
    address public guardian = address(0x6A);
    address[] public unpausers;
    address[] internal strangers;
    mapping(address target => ModelPause) public model;
    mapping(address target => mapping(uint256 epoch => mapping(address approver => bool))) internal approved;
    string public surprise;

    constructor() {
        unpausers.push(address(0x01));
        unpausers.push(address(0x02));
        unpausers.push(address(0x03));
        strangers.push(address(0xBAD));
        strangers.push(guardian);
        strangers.push(address(this));
        address[] memory guardians = new address[](1);
        guardians[0] = guardian;
        guardianContract = new EmergencyGuardian(address(0xAD), guardians, unpausers, QUORUM, DURATION);
        for (uint256 i = 0; i < 4; ++i) {
            GuardedTarget target = new GuardedTarget(address(0xAD), address(guardianContract));
            targets.push(target);
            vm.prank(address(0xAD));
            guardianContract.addTarget(address(target));
        }
    }

    function targetCount() external view returns (uint256) {
        return targets.length;
    }

    function pauseAll() external {
        vm.prank(guardian);
        try guardianContract.pauseAll() {
            for (uint256 i = 0; i < targets.length; ++i) _modelPause(address(targets[i]));
        } catch {
            _surprise("pauseAll failed");
        }
    }

    function pauseOne(uint256 targetSeed) external {
        address target = _target(targetSeed);
        address[] memory list = new address[](1);
        list[0] = target;
        vm.prank(guardian);
        try guardianContract.pause(list) {
            _modelPause(target);
        } catch {
            _surprise("pause failed");
        }
    }

    function renew(uint256 targetSeed) external {
        address target = _target(targetSeed);
        ModelPause storage expected = model[target];
        bool live = expected.paused && block.timestamp < expected.expiresAt;
        address[] memory list = new address[](1);
        list[0] = target;
        vm.prank(guardian);
        try guardianContract.renewPause(list) {
            if (!live) _surprise("renewed a pause that was not live");
            expected.expiresAt = uint64(block.timestamp) + DURATION;
        } catch {
            if (live) _surprise("could not renew a live pause");
        }
    }

    function approve(uint256 unpauserSeed, uint256 targetSeed) external {
        address target = _target(targetSeed);
        address unpauser = unpausers[unpauserSeed % unpausers.length];
        ModelPause storage expected = model[target];
        bool allowed = expected.paused && !approved[target][expected.epoch][unpauser];
        vm.prank(unpauser);
        try guardianContract.approveUnpause(target) {
            if (!allowed) _surprise("approval accepted where it should not be");
            approved[target][expected.epoch][unpauser] = true;
            if (++expected.approvals >= QUORUM) expected.paused = false;
        } catch {
            if (allowed) _surprise("approval refused where it should count");
        }
    }

    function unpauseExpired(uint256 targetSeed, uint256 callerSeed) external {
        address target = _target(targetSeed);
        ModelPause storage expected = model[target];
        bool lapsed = expected.paused && block.timestamp >= expected.expiresAt;
        vm.prank(strangers[callerSeed % strangers.length]);
        try guardianContract.unpauseExpired(target) {
            if (!lapsed) _surprise("lifted a pause that had not lapsed");
            expected.paused = false;
        } catch {
            if (lapsed) _surprise("could not lift a lapsed pause");
        }
    }

    function wait(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 2 * DURATION));
    }

    /// @dev Everything a stranger (or a guardian acting alone) might try to get a target running.
    function strangerTriesToRestart(uint256 targetSeed, uint256 callerSeed, uint256 way) external {
        address target = _target(targetSeed);
        address caller = strangers[callerSeed % strangers.length];
        bool succeeded;
        vm.startPrank(caller);
        way = way % 4;
        if (way == 0) {
            try GuardedTarget(target).unpause() {
                succeeded = true;
            } catch {}
        } else if (way == 1) {
            try guardianContract.approveUnpause(target) {
                succeeded = true;
            } catch {}
        } else if (way == 2) {
            try guardianContract.setUnpauseQuorum(1) {
                succeeded = true;
            } catch {}
        } else {
            try guardianContract.grantRole(guardianContract.UNPAUSER_ROLE(), caller) {
                succeeded = true;
            } catch {}
        }
        vm.stopPrank();
        if (succeeded) _surprise("a stranger got through");
    }

    function _modelPause(address target) private {
        ModelPause storage expected = model[target];
        if (expected.paused) return;
        expected.paused = true;
        expected.expiresAt = uint64(block.timestamp) + DURATION;
        expected.approvals = 0;
        ++expected.epoch;
    }

    function _target(uint256 seed) private view returns (address) {
        return address(targets[seed % targets.length]);
    }

    function _surprise(string memory what) private {
        if (bytes(surprise).length == 0) surprise = what;
    }
}

contract EmergencyGuardianInvariantTest is ForgeTest {
    GuardianHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        handler = new GuardianHandler();
    }

    function targetContracts() public view returns (address[] memory list) {
        list = new address[](1);
        list[0] = address(handler);
    }

    /// @notice A target the guardian paused stays paused until a quorum approves or its pause
    ///         lapses and someone lifts it, and the guardian's records say so.
    function invariant_guardianPausesHoldUntilQuorumOrExpiry() public view {
        EmergencyGuardian guardianContract = handler.guardianContract();
        for (uint256 i = 0; i < handler.targetCount(); ++i) {
            GuardedTarget target = handler.targets(i);
            (bool paused, uint64 expiresAt, uint256 approvals, ) = handler.model(address(target));
            assertEq(target.paused(), paused, "target paused as the model says");
            assertEq(guardianContract.pauseExpiresAt(address(target)), paused ? expiresAt : 0, "recorded expiry");
            assertEq(guardianContract.unpauseApprovals(address(target)), paused ? approvals : 0, "recorded approvals");
            assertLe(guardianContract.unpauseApprovals(address(target)), handler.QUORUM() - 1, "a paused target below quorum");
        }
    }

    function invariant_everyCallDidWhatTheModelSays() public view {
        assertEq(bytes(handler.surprise()), bytes(""), "surprise");
    }
}
