// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
// firebreak's own modules by their path in the repository, as forge resolves it from the project
// root; for the TypeScript pipeline, which looks a unit up under the folder it compiles, the
// symbolic link contracts/contain beside this file points at the same folder.
import {FunctionSwitches} from "contracts/contain/FunctionSwitches.sol";
import {OutflowLimiter} from "contracts/contain/OutflowLimiter.sol";

/// @title ProtectedVault
/// @notice The smallest vault that carries every containment lever firebreak pulls: a pause, a
///         rate limit on withdrawals, switches for single functions and a deposit cap.
/// @dev Levers are split the way incident response wants them: the guardian may only tighten
///      (pause, switch off, lower a limit or the cap); governance (`DEFAULT_ADMIN_ROLE`) may also
///      loosen (unpause, switch on, raise a limit or the cap).
contract ProtectedVault is Pausable, AccessControl, OutflowLimiter, FunctionSwitches {
    using SafeERC20 for IERC20;

    /// @notice Role of the accounts that may tighten the vault's levers.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice The token held.
    IERC20 public immutable asset;

    /// @notice Each account's deposit.
    mapping(address account => uint256) public balanceOf;

    /// @notice Everything deposited and not withdrawn.
    uint256 public totalDeposits;

    /// @notice `totalDeposits` may not grow past this.
    uint256 public depositCap = type(uint256).max;

    /// @notice `account` holds only `balance`, less than the `amount` asked for.
    error InsufficientBalance(address account, uint256 balance, uint256 amount);

    /// @notice Depositing `amount` would pass the cap: only `room` is left.
    error DepositCapExceeded(uint256 amount, uint256 room);

    /// @notice `account` deposited `amount`.
    event Deposited(address indexed account, uint256 amount);

    /// @notice `account` withdrew `amount`.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice The deposit cap is now `depositCap`.
    event DepositCapSet(uint256 depositCap);

    constructor(IERC20 asset_, address admin, address guardian) {
        asset = asset_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, guardian);
    }

    /// @notice Deposits `amount` of the asset for the caller.
    function deposit(uint256 amount) external whenNotPaused whenFunctionEnabled {
        // The guardian may lower the cap below what is deposited already: then nothing fits.
        uint256 room = totalDeposits >= depositCap ? 0 : depositCap - totalDeposits;
        if (amount > room) revert DepositCapExceeded(amount, room);
        balanceOf[_msgSender()] += amount;
        totalDeposits += amount;
        emit Deposited(_msgSender(), amount);
        asset.safeTransferFrom(_msgSender(), address(this), amount);
    }

    /// @notice Withdraws `amount` of the caller's deposit, within the outflow limit.
    function withdraw(uint256 amount) external whenNotPaused whenFunctionEnabled {
        address account = _msgSender();
        uint256 balance = balanceOf[account];
        if (amount > balance) revert InsufficientBalance(account, balance, amount);
        balanceOf[account] = balance - amount;
        totalDeposits -= amount;
        _consumeOutflow(address(asset), amount);
        emit Withdrawn(account, amount);
        asset.safeTransfer(account, amount);
    }

    /// @notice Stops deposits and withdrawals. Guardian or governance.
    function pause() external {
        _checkTightening(false);
        _pause();
    }

    /// @notice Resumes deposits and withdrawals. Governance only.
    function unpause() external {
        _checkTightening(true);
        _unpause();
    }

    /// @notice Sets the deposit cap: the guardian may lower it, governance may also raise it.
    function setDepositCap(uint256 newDepositCap) external {
        _checkTightening(newDepositCap > depositCap);
        depositCap = newDepositCap;
        emit DepositCapSet(newDepositCap);
    }

    function _authorizeOutflowLimit(address token, uint256 newLimit, uint256 newWindow) internal view override {
        _checkTightening(_loosensOutflowLimit(token, newLimit, newWindow));
    }

    function _authorizeSwitch(bytes4, bool enabled) internal view override {
        _checkTightening(enabled);
    }

    /// @dev Governance may do anything; the guardian only what lets less out.
    function _checkTightening(bool loosens) private view {
        if (hasRole(DEFAULT_ADMIN_ROLE, _msgSender())) return;
        _checkRole(loosens ? DEFAULT_ADMIN_ROLE : GUARDIAN_ROLE);
    }
}
