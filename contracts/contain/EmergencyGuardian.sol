// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @title IPausableTarget
/// @notice What the guardian needs of a contract it guards: OpenZeppelin `Pausable`'s surface, with
///         `pause()` and `unpause()` callable by the guardian.
interface IPausableTarget {
    /// @notice Stops the target.
    function pause() external;

    /// @notice Resumes the target.
    function unpause() external;

    /// @notice Whether the target is stopped.
    function paused() external view returns (bool);
}

/// @title EmergencyGuardian
/// @notice Pauses many contracts in one transaction: fast to stop, slow to restart. Any guardian
///         stops every guarded contract at once; restarting one before its pause expires takes a
///         quorum of unpausers, and a pause that nobody renews lapses and may be lifted by anyone.
/// @dev Each guarded target must have granted this contract the right to call its `pause()` and
///      `unpause()`. Roles: `DEFAULT_ADMIN_ROLE` (governance) manages targets, settings and roles;
///      `GUARDIAN_ROLE` pauses and renews; `UNPAUSER_ROLE` approves unpausing.
///
///      A pause through the guardian is recorded per target with an epoch that grows with every
///      new pause: unpause approvals are kept per epoch, so an approval given for one incident can
///      never count towards lifting the next one.
contract EmergencyGuardian is AccessControl {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Role of the accounts that may pause guarded contracts and renew their pauses.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice Role of the accounts whose approvals, once a quorum, lift a pause before it expires.
    bytes32 public constant UNPAUSER_ROLE = keccak256("UNPAUSER_ROLE");

    // A target may answer a failed pause() with any amount of revert data; copying all of it would
    // let one target spend the gas the other targets' pauses need.
    uint256 private constant MAX_REASON_LENGTH = 256;

    /// @dev The guardian's own pause of one target; one storage slot.
    struct GuardianPause {
        uint64 epoch;
        uint64 expiresAt;
        uint32 approvals;
        bool active;
    }

    EnumerableSet.AddressSet private _targets;
    uint64 private _pauseDuration;
    uint8 private _unpauseQuorum;
    mapping(address target => GuardianPause) private _pauses;
    mapping(address target => mapping(uint64 epoch => mapping(address approver => bool))) private _approvals;

    /// @notice `target` is not one of the guarded contracts.
    error NotGuarded(address target);

    /// @notice `target` is guarded already.
    error AlreadyGuarded(address target);

    /// @notice `target` has no code, so it cannot be paused.
    error InvalidTarget(address target);

    /// @notice The guardian holds no live (unexpired) pause on `target`.
    error NotPausedByGuardian(address target);

    /// @notice The guardian's pause on `target` lasts until `expiresAt` (0: it never expires).
    error PauseNotExpired(address target, uint64 expiresAt);

    /// @notice `approver` has already approved lifting the current pause of `target`.
    error AlreadyApproved(address target, address approver);

    /// @notice The guardian holds no pause on `target` that could be lifted.
    error NotPaused(address target);

    /// @notice An unpause quorum must be at least 1.
    error InvalidQuorum(uint8 quorum);

    /// @notice `target` is now guarded.
    event TargetAdded(address indexed target);

    /// @notice `target` is no longer guarded; a pause already made on it can still expire or be lifted.
    event TargetRemoved(address indexed target);

    /// @notice `guardian` paused `target` through this contract; the pause lapses at `expiresAt` (0: never).
    event Paused(address indexed target, address indexed guardian, uint64 expiresAt);

    /// @notice `target` could not be paused; the other targets of the same call were still paused.
    /// @dev `reason` is the target's revert data, cut to 256 bytes; it is empty when the target has no
    ///      code or when its `pause()` returned but `paused()` does not report it paused.
    event PauseFailed(address indexed target, bytes reason);

    /// @notice The guardian's pause on `target` now lapses at `expiresAt` (0: never).
    event PauseRenewed(address indexed target, uint64 expiresAt);

    /// @notice The guardian's pause on `target` lapsed and `target` was unpaused.
    event PauseExpired(address indexed target);

    /// @notice `approver` approved lifting the current pause of `target`; `approvals` counts them so far.
    event UnpauseApproved(address indexed target, address indexed approver, uint256 approvals);

    /// @notice A quorum of unpausers lifted the guardian's pause on `target`.
    event Unpaused(address indexed target);

    /// @notice Pauses made or renewed from now on lapse after `pauseDuration` seconds (0: never).
    event PauseDurationSet(uint64 pauseDuration);

    /// @notice Lifting a pause before it lapses now takes `unpauseQuorum` distinct approvals.
    event UnpauseQuorumSet(uint8 unpauseQuorum);

    /// @param admin Governance: receives `DEFAULT_ADMIN_ROLE`.
    /// @param guardians Accounts that receive `GUARDIAN_ROLE`.
    /// @param unpausers Accounts that receive `UNPAUSER_ROLE`.
    /// @param initialUnpauseQuorum Distinct unpauser approvals needed to lift a pause early (at least 1).
    /// @param initialPauseDuration Seconds a pause lasts unless renewed (0: pauses never lapse).
    constructor(
        address admin,
        address[] memory guardians,
        address[] memory unpausers,
        uint8 initialUnpauseQuorum,
        uint64 initialPauseDuration
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i = 0; i < guardians.length; ++i) _grantRole(GUARDIAN_ROLE, guardians[i]);
        for (uint256 i = 0; i < unpausers.length; ++i) _grantRole(UNPAUSER_ROLE, unpausers[i]);
        _setUnpauseQuorum(initialUnpauseQuorum);
        _setPauseDuration(initialPauseDuration);
    }

    // ----------------------------------------------------------------------------------- pausing

    /// @notice Pauses every guarded contract that is not paused already.
    /// @dev A target whose `pause()` fails is reported with {PauseFailed} and the others are still
    ///      paused: check `paused()` of each target afterwards. Targets that were already paused are
    ///      left as they are and get no {Paused} event: the guardian did not pause them, so their
    ///      pause neither expires nor needs a quorum here.
    function pauseAll() external onlyRole(GUARDIAN_ROLE) {
        uint64 expiresAt = _expiryFromNow();
        uint256 count = _targets.length();
        for (uint256 i = 0; i < count; ++i) _pauseIfRunning(_targets.at(i), expiresAt);
    }

    /// @notice Pauses the listed guarded contracts that are not paused already.
    /// @dev Reverts with {NotGuarded} if any listed contract is not guarded. Failures of the targets
    ///      themselves are reported as in {pauseAll}.
    function pause(address[] calldata targets) external onlyRole(GUARDIAN_ROLE) {
        uint64 expiresAt = _expiryFromNow();
        for (uint256 i = 0; i < targets.length; ++i) {
            address target = targets[i];
            if (!_targets.contains(target)) revert NotGuarded(target);
            _pauseIfRunning(target, expiresAt);
        }
    }

    /// @notice Moves the expiry of the guardian's live pauses on `targets` to `pauseDuration()` from now.
    /// @dev Reverts with {NotGuarded} or {NotPausedByGuardian} (no pause, or one that lapsed already:
    ///      renew before `pauseExpiresAt`).
    function renewPause(address[] calldata targets) external onlyRole(GUARDIAN_ROLE) {
        uint64 expiresAt = _expiryFromNow();
        for (uint256 i = 0; i < targets.length; ++i) {
            address target = targets[i];
            if (!_targets.contains(target)) revert NotGuarded(target);
            GuardianPause storage record = _pauses[target];
            if (!record.active || _lapsed(record.expiresAt)) revert NotPausedByGuardian(target);
            record.expiresAt = expiresAt;
            emit PauseRenewed(target, expiresAt);
        }
    }

    // --------------------------------------------------------------------------------- unpausing

    /// @notice Lifts the guardian's pause on `target` once it has lapsed. Anyone may call it.
    /// @dev Reverts with {NotPausedByGuardian} if the guardian holds no pause on `target`, and with
    ///      {PauseNotExpired} before `pauseExpiresAt(target)` or when the pause has no expiry.
    function unpauseExpired(address target) external {
        GuardianPause storage record = _pauses[target];
        if (!record.active) revert NotPausedByGuardian(target);
        uint64 expiresAt = record.expiresAt;
        if (expiresAt == 0 || !_lapsed(expiresAt)) revert PauseNotExpired(target, expiresAt);
        record.active = false;
        emit PauseExpired(target);
        _unpauseTarget(target);
    }

    /// @notice Approves lifting the guardian's current pause on `target`; the approval that reaches
    ///         `unpauseQuorum()` unpauses it.
    /// @dev Approvals belong to one pause: a later pause of the same target starts from zero.
    ///      Reverts with {NotPaused} if the guardian holds no pause on `target` and with
    ///      {AlreadyApproved} for a second approval by the same account. An approval stays counted
    ///      if its approver later loses the role: when revoking a compromised unpauser, raise the
    ///      quorum by one to discount what it approved.
    function approveUnpause(address target) external onlyRole(UNPAUSER_ROLE) {
        GuardianPause storage record = _pauses[target];
        if (!record.active) revert NotPaused(target);
        address approver = _msgSender();
        mapping(address => bool) storage approved = _approvals[target][record.epoch];
        if (approved[approver]) revert AlreadyApproved(target, approver);
        approved[approver] = true;
        uint32 approvals = record.approvals + 1;
        record.approvals = approvals;
        emit UnpauseApproved(target, approver, approvals);
        if (approvals >= _unpauseQuorum) {
            record.active = false;
            emit Unpaused(target);
            _unpauseTarget(target);
        }
    }

    // ------------------------------------------------------------------------------------- admin

    /// @notice Adds `target` to the guarded contracts.
    /// @dev Reverts with {AlreadyGuarded}, or {InvalidTarget} for an address without code.
    function addTarget(address target) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (target.code.length == 0) revert InvalidTarget(target);
        if (!_targets.add(target)) revert AlreadyGuarded(target);
        emit TargetAdded(target);
    }

    /// @notice Removes `target` from the guarded contracts.
    /// @dev A pause the guardian already holds on `target` stays: it can still lapse or be lifted by
    ///      the quorum, so that removing a target never leaves it stopped for good.
    function removeTarget(address target) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_targets.remove(target)) revert NotGuarded(target);
        emit TargetRemoved(target);
    }

    /// @notice Sets how long pauses made or renewed from now on last, in seconds (0: no expiry).
    /// @dev Pauses made earlier keep their expiry until renewed.
    function setPauseDuration(uint64 newPauseDuration) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setPauseDuration(newPauseDuration);
    }

    /// @notice Sets how many distinct unpauser approvals lift a pause early.
    /// @dev Reverts with {InvalidQuorum} for 0. Lowering it does not unpause anything by itself: a
    ///      pause whose approvals already reach the new quorum is lifted by the next approval.
    function setUnpauseQuorum(uint8 newUnpauseQuorum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setUnpauseQuorum(newUnpauseQuorum);
    }

    // ------------------------------------------------------------------------------------- views

    /// @notice Every guarded contract, in no particular order.
    function guardedContracts() external view returns (address[] memory) {
        return _targets.values();
    }

    /// @notice Whether `target` is guarded.
    function isGuarded(address target) external view returns (bool) {
        return _targets.contains(target);
    }

    /// @notice When the guardian's pause on `target` lapses; 0 when the guardian holds no pause on
    ///         it or the pause has no expiry.
    /// @dev A value in the past means {unpauseExpired} may be called.
    function pauseExpiresAt(address target) external view returns (uint64) {
        GuardianPause storage record = _pauses[target];
        return record.active ? record.expiresAt : 0;
    }

    /// @notice How many unpausers approved lifting the guardian's current pause on `target`.
    function unpauseApprovals(address target) external view returns (uint256) {
        GuardianPause storage record = _pauses[target];
        return record.active ? record.approvals : 0;
    }

    /// @notice Whether `approver` approved lifting the guardian's current pause on `target`.
    function hasApprovedUnpause(address target, address approver) external view returns (bool) {
        GuardianPause storage record = _pauses[target];
        return record.active && _approvals[target][record.epoch][approver];
    }

    /// @notice Distinct unpauser approvals needed to lift a pause before it lapses.
    function unpauseQuorum() external view returns (uint8) {
        return _unpauseQuorum;
    }

    /// @notice Seconds a pause lasts unless renewed (0: pauses never lapse).
    function pauseDuration() external view returns (uint64) {
        return _pauseDuration;
    }

    // ---------------------------------------------------------------------------------- internal

    /// @dev One target's share of a mass pause: two calls and one storage write. Low-level calls,
    ///      because `try` does not catch a call to an address without code or a malformed answer,
    ///      and one such target must not undo the pause of all the others.
    function _pauseIfRunning(address target, uint64 expiresAt) private {
        if (target.code.length == 0) {
            emit PauseFailed(target, "");
            return;
        }
        if (_reportsPaused(target)) return;
        if (!LowLevelCall.callNoReturn(target, abi.encodeCall(IPausableTarget.pause, ()))) {
            emit PauseFailed(target, _revertReason());
            return;
        }
        // A pause() that returns without pausing (a catch-all fallback, a wrong role check that
        // does not revert) must not be recorded as a pause that later needs lifting.
        if (!_reportsPaused(target)) {
            emit PauseFailed(target, "");
            return;
        }
        _pauses[target] = GuardianPause({
            epoch: _pauses[target].epoch + 1,
            expiresAt: expiresAt,
            approvals: 0,
            active: true
        });
        emit Paused(target, _msgSender(), expiresAt);
    }

    function _reportsPaused(address target) private view returns (bool) {
        (bool answered, bytes32 isPaused, ) = LowLevelCall.staticcallReturn64Bytes(
            target,
            abi.encodeCall(IPausableTarget.paused, ())
        );
        return answered && LowLevelCall.returnDataSize() >= 32 && uint256(isPaused) == 1;
    }

    /// @dev The last call's revert data, at most MAX_REASON_LENGTH bytes of it.
    function _revertReason() private pure returns (bytes memory reason) {
        uint256 size = LowLevelCall.returnDataSize();
        if (size > MAX_REASON_LENGTH) size = MAX_REASON_LENGTH;
        reason = new bytes(size);
        assembly ("memory-safe") {
            returndatacopy(add(reason, 0x20), 0, size)
        }
    }

    /// @dev A target unpaused meanwhile by its own admin only closes the guardian's record; a target
    ///      that refuses the guardian's unpause() reverts the whole call, so the record stays.
    function _unpauseTarget(address target) private {
        if (IPausableTarget(target).paused()) IPausableTarget(target).unpause();
    }

    function _expiryFromNow() private view returns (uint64) {
        uint64 duration = _pauseDuration;
        if (duration == 0) return 0;
        // An absurd duration saturates instead of overflowing: an overflow would revert every pause.
        uint64 latest = type(uint64).max - duration;
        return block.timestamp >= latest ? type(uint64).max : uint64(block.timestamp) + duration;
    }

    function _lapsed(uint64 expiresAt) private view returns (bool) {
        return expiresAt != 0 && block.timestamp >= expiresAt;
    }

    function _setPauseDuration(uint64 newPauseDuration) private {
        _pauseDuration = newPauseDuration;
        emit PauseDurationSet(newPauseDuration);
    }

    function _setUnpauseQuorum(uint8 newUnpauseQuorum) private {
        if (newUnpauseQuorum == 0) revert InvalidQuorum(newUnpauseQuorum);
        _unpauseQuorum = newUnpauseQuorum;
        emit UnpauseQuorumSet(newUnpauseQuorum);
    }
}
