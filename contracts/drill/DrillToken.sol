// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title DrillToken
/// @notice The stablecoin the drill's vault holds. Test money only: its owner mints at will.
contract DrillToken is ERC20, Ownable {
    constructor(address initialOwner) ERC20("Drill USD", "dUSD") Ownable(initialOwner) {}

    /// @notice Creates `amount` tokens for `to`.
    /// @dev Only the owner; the drill funds its users and its treasury with it.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
