// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";

/// @title IFunctionSwitchErrors
/// @notice The error of {FunctionSwitches}. It lives in its own scope because it shares its name
///         with the event that records a switch-off, and Solidity allows one declaration per name
///         and scope; in the ABI the two do not clash.
interface IFunctionSwitchErrors {
    /// @notice The function with `selector` is switched off.
    error FunctionDisabled(bytes4 selector);
}

/// @title FunctionSwitches
/// @notice Switches single functions off: finer than a pause when only one path is being exploited
///         (a withdrawal route, a flash-loan entry) and the rest of the contract should keep working.
/// @dev Put {whenFunctionEnabled} on every external function that may need switching off; it keys on
///      `msg.sig`, the selector of the external call, so a function reached through an internal
///      call or from another public function follows the switch of the function called from outside.
///      The inheriting contract decides who may switch by implementing {_authorizeSwitch}. State
///      lives in ERC-7201 namespaced storage.
abstract contract FunctionSwitches is Context {
    /// @custom:storage-location erc7201:firebreak.storage.FunctionSwitches
    struct FunctionSwitchesStorage {
        mapping(bytes4 selector => bool) disabled;
    }

    // keccak256(abi.encode(uint256(keccak256("firebreak.storage.FunctionSwitches")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FUNCTION_SWITCHES_STORAGE_LOCATION =
        0x14f2d38f0614164611d390cc3355aaa1e1a552c6eb33d6879d5b3373d6870900;

    /// @notice `by` switched off the function with `selector`.
    event FunctionDisabled(bytes4 indexed selector, address indexed by);

    /// @notice `by` switched the function with `selector` back on.
    event FunctionEnabled(bytes4 indexed selector, address indexed by);

    /// @dev Reverts with {IFunctionSwitchErrors-FunctionDisabled} while the called function is switched off.
    modifier whenFunctionEnabled() {
        if (_getFunctionSwitchesStorage().disabled[msg.sig]) revert IFunctionSwitchErrors.FunctionDisabled(msg.sig);
        _;
    }

    /// @notice Switches off the function with `selector`.
    /// @dev Authorized by {_authorizeSwitch}. Switching off a function that is off already changes
    ///      nothing and emits nothing, so a containment plan can be run again safely.
    function disableFunction(bytes4 selector) external {
        _authorizeSwitch(selector, false);
        FunctionSwitchesStorage storage $ = _getFunctionSwitchesStorage();
        if ($.disabled[selector]) return;
        $.disabled[selector] = true;
        emit FunctionDisabled(selector, _msgSender());
    }

    /// @notice Switches the function with `selector` back on.
    /// @dev Authorized by {_authorizeSwitch}. Switching on a function that is on changes nothing.
    function enableFunction(bytes4 selector) external {
        _authorizeSwitch(selector, true);
        FunctionSwitchesStorage storage $ = _getFunctionSwitchesStorage();
        if (!$.disabled[selector]) return;
        $.disabled[selector] = false;
        emit FunctionEnabled(selector, _msgSender());
    }

    /// @notice Whether the function with `selector` may be called (every function is, until switched off).
    function isFunctionEnabled(bytes4 selector) external view returns (bool) {
        return !_getFunctionSwitchesStorage().disabled[selector];
    }

    /// @dev Throws unless the caller may switch the function with `selector` on (`enabled`) or off.
    function _authorizeSwitch(bytes4 selector, bool enabled) internal virtual;

    function _getFunctionSwitchesStorage() private pure returns (FunctionSwitchesStorage storage $) {
        assembly ("memory-safe") {
            $.slot := FUNCTION_SWITCHES_STORAGE_LOCATION
        }
    }
}
