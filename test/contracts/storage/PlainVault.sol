// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PlainVaultV1
/// @notice Sequential storage, the pre-ERC-7201 way: the plain-variable pair of the storage gate tests.
contract PlainVaultV1 {
    address public owner;
    uint128 public cap;
    uint128 public totalShares;
}

/// @title PlainVaultV2
/// @notice A compatible upgrade of PlainVaultV1: appends pausedAt.
contract PlainVaultV2 {
    address public owner;
    uint128 public cap;
    uint128 public totalShares;
    uint64 public pausedAt;
}

/// @title PlainVaultSwapped
/// @notice An unsafe upgrade of PlainVaultV1: cap and totalShares trade places.
contract PlainVaultSwapped {
    address public owner;
    uint128 public totalShares;
    uint128 public cap;
}
