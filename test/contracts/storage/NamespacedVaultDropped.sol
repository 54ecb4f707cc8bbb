// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

/// @title NamespacedVaultDropped
/// @notice NamespacedVaultV1 with its namespace gone: the owner, cap and shares stored there are
///         orphaned, and a later namespace could reuse the slots. Both gates must refuse it.
contract NamespacedVaultDropped is Initializable {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Nothing is kept any more.
    function initialize() external initializer {}
}
