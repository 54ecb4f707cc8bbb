// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC4626Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC4626Upgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";

/// @title DrillVaultV1
/// @notice An ERC-4626 vault behind a UUPS proxy, pausable by a guardian. It is the protocol the
///         drill attacks, and it is vulnerable on purpose.
/// @dev THE BUG (a missing access check): `redeem` was "optimised" to burn shares directly and
///      skips `_spendAllowance` when the caller is not the owner of the shares. Anyone can redeem
///      anyone's shares and send the assets to themselves. `withdraw` still goes through the
///      checked path, which is why the bug survived a review that only looked at `withdraw`.
///      V2 restores the check; its storage layout is V1's plus one appended variable.
contract DrillVaultV1 is
    Initializable,
    ERC4626Upgradeable,
    PausableUpgradeable,
    AccessControlUpgradeable,
    UUPSUpgradeable
{
    /// @notice May pause the vault. Held by the guardian: stopping must be fast.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice May upgrade the implementation. Held by governance.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");

    /// @notice Total assets the vault accepts; deposits beyond it revert.
    uint256 public depositCap;

    /// @notice Emitted when governance changes the deposit cap.
    event DepositCapChanged(uint256 previousCap, uint256 newCap);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets up the vault over `asset_`.
    /// @param admin governance: unpauses, upgrades, manages roles and the cap.
    /// @param guardian the emergency key that may pause.
    function initialize(IERC20 asset_, address admin, address guardian, uint256 cap) external initializer {
        __ERC20_init("Drill Vault Share", "dvUSD");
        __ERC4626_init(asset_);
        __Pausable_init();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _grantRole(PAUSER_ROLE, guardian);
        depositCap = cap;
    }

    /// @notice Stops deposits, mints, withdrawals and redemptions.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes operations. Only governance: restarting must be deliberate.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @notice Changes the deposit cap.
    function setDepositCap(uint256 newCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit DepositCapChanged(depositCap, newCap);
        depositCap = newCap;
    }

    /// @inheritdoc ERC4626Upgradeable
    function maxDeposit(address) public view virtual override returns (uint256) {
        uint256 assets = totalAssets();
        return assets >= depositCap ? 0 : depositCap - assets;
    }

    /// @inheritdoc ERC4626Upgradeable
    function maxMint(address receiver) public view virtual override returns (uint256) {
        return convertToShares(maxDeposit(receiver));
    }

    /// @inheritdoc ERC4626Upgradeable
    function deposit(uint256 assets, address receiver) public virtual override whenNotPaused returns (uint256) {
        return super.deposit(assets, receiver);
    }

    /// @inheritdoc ERC4626Upgradeable
    function mint(uint256 shares, address receiver) public virtual override whenNotPaused returns (uint256) {
        return super.mint(shares, receiver);
    }

    /// @inheritdoc ERC4626Upgradeable
    function withdraw(uint256 assets, address receiver, address owner)
        public
        virtual
        override
        whenNotPaused
        returns (uint256)
    {
        return super.withdraw(assets, receiver, owner);
    }

    /// @inheritdoc ERC4626Upgradeable
    /// @dev VULNERABLE: no allowance check when msg.sender != owner (see the contract's @dev).
    function redeem(uint256 shares, address receiver, address owner)
        public
        virtual
        override
        whenNotPaused
        returns (uint256)
    {
        uint256 maxShares = maxRedeem(owner);
        if (shares > maxShares) revert ERC4626ExceededMaxRedeem(owner, shares, maxShares);
        uint256 assets = previewRedeem(shares);
        _burn(owner, shares);
        IERC20(asset()).transfer(receiver, assets);
        emit Withdraw(_msgSender(), receiver, owner, assets, shares);
        return assets;
    }

    function _authorizeUpgrade(address) internal virtual override onlyRole(UPGRADER_ROLE) {}
}
