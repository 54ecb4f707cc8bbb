// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Does not compile (a missing semicolon): `firebreak upgrade` must say where, and send nothing.
contract Unbuildable {
    uint256 public value
}
