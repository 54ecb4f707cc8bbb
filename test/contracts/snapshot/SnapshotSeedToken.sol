// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title SnapshotSeedToken
/// @notice Test-only: an OpenZeppelin ERC20 that can be given many holders in a few transactions,
/// so that snapshot tests and benches can seed 1M holders on anvil in seconds, not hours.
/// @dev `seed` writes OZ 5 ERC20's `_balances` (plain mapping at slot 0) and `_totalSupply` (slot 2)
/// directly and emits the same `Transfer(0, holder, amount)` a mint would; the tests check that
/// the sum of balances equals totalSupply, which fails if this layout is ever wrong.
contract SnapshotSeedToken is ERC20 {
    constructor() ERC20("Snapshot Seed", "SEED") {}

    /// @notice Gives `count` consecutive addresses starting at `first` each `amount` tokens.
    /// @dev Anyone may call it: test money only. Holders must be new (their balance is overwritten).
    function seed(uint160 first, uint256 count, uint256 amount) external {
        bytes32 transferTopic = keccak256("Transfer(address,address,uint256)");
        assembly {
            let end := add(first, count)
            for { let holder := first } lt(holder, end) { holder := add(holder, 1) } {
                mstore(0x00, holder)
                mstore(0x20, 0)
                sstore(keccak256(0x00, 0x40), amount)
                mstore(0x00, amount)
                log3(0x00, 0x20, transferTopic, 0, holder)
            }
            sstore(2, add(sload(2), mul(count, amount)))
        }
    }

    /// @notice Creates `amount` tokens for `to` through OpenZeppelin's own `_mint`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
