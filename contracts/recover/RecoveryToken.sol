// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title RecoveryToken
/// @notice An IOU for funds not yet recovered: each affected account receives one token per unit of
///         the asset it lost, as protocols have issued after exploits whose funds were still out.
///         Whether holders may trade it is fixed at deployment and cannot change afterwards.
/// @dev The issuer is passed to the constructor rather than taken from msg.sender: firebreak deploys
///      through the CREATE2 factory, which would otherwise own the token. Minting and settling emit
///      ERC-20 Transfer events from and to the zero address, which is all an indexer needs.
contract RecoveryToken is ERC20, Ownable {
    uint8 private immutable _decimals;

    /// @notice Whether holders may transfer their tokens; when false, only minting and settling move them.
    bool public immutable transferable;

    /// @notice A transfer between two holders of a token deployed as non-transferable.
    error TransfersDisabled(address from, address to);
    /// @notice `mintBatch` was given a different number of accounts and amounts.
    error LengthMismatch(uint256 accounts, uint256 amounts);

    /// @param name_ e.g. "Vault exploit recovery dUSD".
    /// @param decimals_ the decimals of the lost asset, so that one token stands for one unit of it.
    /// @param transferable_ whether holders may trade their claim.
    /// @param issuer mints the tokens and settles them; usually the protocol's treasury.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, bool transferable_, address issuer)
        ERC20(name_, symbol_)
        Ownable(issuer)
    {
        _decimals = decimals_;
        transferable = transferable_;
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Issues `amounts[i]` tokens to `accounts[i]` for every i.
    /// @dev Only the issuer. One call per batch keeps a key-signed issuance to one transaction a batch.
    function mintBatch(address[] calldata accounts, uint256[] calldata amounts) external onlyOwner {
        if (accounts.length != amounts.length) revert LengthMismatch(accounts.length, amounts.length);
        for (uint256 i = 0; i < accounts.length; i++) {
            _mint(accounts[i], amounts[i]);
        }
    }

    /// @notice Retires `amount` of `account`'s tokens once the issuer has paid that much back in the asset.
    /// @dev Only the issuer; the payment itself happens elsewhere (a claim contract, a transfer).
    function settle(address account, uint256 amount) external onlyOwner {
        _burn(account, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (!transferable && from != address(0) && to != address(0)) revert TransfersDisabled(from, to);
        super._update(from, to, value);
    }
}
