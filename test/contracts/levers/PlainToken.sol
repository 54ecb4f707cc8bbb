// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title PlainToken
/// @notice An ERC-20 with no owner, no pause, no upgrade: a contract with no lever at all.
contract PlainToken is ERC20 {
    constructor(address holder, uint256 supply) ERC20("Plain", "PLN") {
        _mint(holder, supply);
    }
}
