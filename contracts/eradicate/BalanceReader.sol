// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BalanceReader
/// @notice Never deployed: its runtime code is placed at an unused address by an `eth_call` state
///         override, so a snapshot reads thousands of balances in one call on any node that
///         supports overrides, at any past block.
/// @dev Calldata is packed, not ABI-encoded: the token (20 bytes), then each account (20 bytes).
///      Returns one 32-byte balance per account, in order. Packing keeps the request and the
///      decoding small: with Multicall3 most of the time went into encoding and decoding structs.
contract BalanceReader {
    fallback(bytes calldata input) external returns (bytes memory balances) {
        address token = address(bytes20(input[0:20]));
        uint256 count = (input.length - 20) / 20;
        balances = new bytes(count * 32);
        for (uint256 i; i < count; ++i) {
            address account = address(bytes20(input[20 + i * 20:40 + i * 20]));
            (bool ok, bytes memory returned) = token.staticcall(abi.encodeWithSelector(0x70a08231, account));
            // A token that cannot answer for an account must not be read as a zero balance.
            require(ok && returned.length >= 32, "balanceOf failed");
            uint256 amount = abi.decode(returned, (uint256));
            assembly {
                mstore(add(add(balances, 32), mul(i, 32)), amount)
            }
        }
    }
}
