// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title LegacyVault
/// @notice Test-only: the "old contract" of a migration. Its shares are an OpenZeppelin ERC20 (the
///         state to snapshot and carry over) backed 1:1 by an ERC20 asset it holds, and its owner has
///         the rescue levers real vaults ship: `rescue` moves any amount of a token, `skim` only what
///         exceeds the shares' backing (the wrong lever for a migration: it leaves user funds behind).
/// @dev `seed` gives thousands of holders their shares in a few transactions, as SnapshotSeedToken
///      does: it writes OZ 5 ERC20's `_balances` (slot 0) and `_totalSupply` (slot 2) directly and
///      emits the Transfer a mint would. ERC20 comes first in the inheritance list, so Ownable's
///      `_owner` sits after it (slot 5); the tests check totalSupply against the sum of balances.
contract LegacyVault is ERC20, Ownable {
    using SafeERC20 for IERC20;

    /// @notice The token deposited, one share per unit.
    IERC20 public immutable asset;

    /// @notice `amount` of `token` left the vault for `to` through an owner's lever.
    event Rescued(address indexed token, address indexed to, uint256 amount);

    constructor(IERC20 asset_, address owner_) ERC20("Legacy Vault Share", "lvUSD") Ownable(owner_) {
        asset = asset_;
    }

    /// @notice Deposits `assets` and mints as many shares to the caller.
    function deposit(uint256 assets) external {
        asset.safeTransferFrom(msg.sender, address(this), assets);
        _mint(msg.sender, assets);
    }

    /// @notice Sends `amount` of `token` to `to`.
    function rescue(IERC20 token, address to, uint256 amount) external onlyOwner {
        token.safeTransfer(to, amount);
        emit Rescued(address(token), to, amount);
    }

    /// @notice Sends what the vault holds of `token` beyond the backing of its shares.
    function skim(IERC20 token, address to) external onlyOwner {
        uint256 held = token.balanceOf(address(this));
        uint256 backing = address(token) == address(asset) ? totalSupply() : 0;
        uint256 excess = held > backing ? held - backing : 0;
        token.safeTransfer(to, excess);
        emit Rescued(address(token), to, excess);
    }

    /// @notice Test money: holder `first + i` gets `base * (i % 7 + 1)` shares, for i below `count`.
    /// @dev Holders must be new (their balance is overwritten). The shares are unbacked until the
    ///      test sends the vault as much asset.
    function seed(uint160 first, uint256 count, uint256 base) external {
        bytes32 transferTopic = keccak256("Transfer(address,address,uint256)");
        assembly {
            let minted := 0
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let holder := add(first, i)
                let amount := mul(base, add(mod(i, 7), 1))
                mstore(0x00, holder)
                mstore(0x20, 0)
                sstore(keccak256(0x00, 0x40), amount)
                mstore(0x00, amount)
                log3(0x00, 0x20, transferTopic, 0, holder)
                minted := add(minted, amount)
            }
            sstore(2, add(sload(2), minted))
        }
    }
}
