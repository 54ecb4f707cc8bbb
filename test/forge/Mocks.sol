// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ProtectedVault} from "../contracts/contain/ProtectedVault.sol";

/// @notice An ERC20 anyone can mint: the vault's asset in most tests.
contract TestToken is ERC20 {
    constructor() ERC20("Test", "TST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice Receives a call on every incoming transfer, as ERC-777 and ERC-1363 receivers do.
interface ITransferReceiver {
    function onTokenTransfer(address from, uint256 amount) external;
}

/// @notice A token that calls its recipient back during every transfer: the classic re-entrancy
///         path into a vault's withdraw.
contract HookToken is ERC20 {
    constructor() ERC20("Hook", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 amount) internal override {
        super._update(from, to, amount);
        // Like ERC-777, only recipients that implement the hook are called (the vault does not).
        if (from != address(0) && to.code.length > 0) {
            try ITransferReceiver(to).onTokenTransfer(from, amount) {} catch {}
        }
    }
}

/// @notice Withdraws from a vault and, from inside the transfer, withdraws again and again.
contract ReentrantWithdrawer is ITransferReceiver {
    ProtectedVault public immutable vault;
    HookToken public immutable token;
    uint256 public reentriesLeft;
    uint256 public amountPerCall;
    uint256 public reentriesRefused;
    bytes public lastRefusal;

    constructor(ProtectedVault vault_, HookToken token_) {
        vault = vault_;
        token = token_;
        token_.approve(address(vault_), type(uint256).max);
    }

    function deposit(uint256 amount) external {
        vault.deposit(amount);
    }

    /// @dev Withdraws `amount`, then `reentries` times more from within the transfer; a refused
    ///      re-entry is caught, so the outer withdrawal stands and only the limiter can cap it.
    function attack(uint256 amount, uint256 reentries) external {
        amountPerCall = amount;
        reentriesLeft = reentries;
        vault.withdraw(amount);
    }

    function onTokenTransfer(address from, uint256) external {
        if (msg.sender != address(token) || from != address(vault) || reentriesLeft == 0) return;
        --reentriesLeft;
        try vault.withdraw(amountPerCall) {} catch (bytes memory reason) {
            ++reentriesRefused;
            lastRefusal = reason;
        }
    }
}

/// @notice A guarded contract whose pause() reverts with a reason.
contract RefusingTarget {
    error Refused(uint256 code);

    function pause() external pure {
        revert Refused(42);
    }

    function unpause() external pure {}

    function paused() external pure returns (bool) {
        return false;
    }
}

/// @notice A guarded contract whose pause() returns without pausing (a catch-all, a no-op).
contract SilentTarget {
    function pause() external {}

    function unpause() external {}

    function paused() external pure returns (bool) {
        return false;
    }
}

/// @notice A guarded contract whose pause() reverts with 10 kB of data, to make copying it costly.
contract LoudTarget {
    function pause() external pure {
        bytes memory noise = new bytes(10_000);
        assembly ("memory-safe") {
            revert(add(noise, 0x20), mload(noise))
        }
    }

    function unpause() external {}

    function paused() external pure returns (bool) {
        return false;
    }
}
