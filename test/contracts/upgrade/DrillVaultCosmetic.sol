// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DrillVaultV1} from "./DrillVaultV1.sol";

/// @notice A "fix" with a compatible layout that changes nothing the attack uses: the replay gate
///         must refuse it. Compiled beside a copy of contracts/drill by test/upgradeCli.test.ts.
contract DrillVaultCosmetic is DrillVaultV1 {
    uint256 public fixVersion;

    function initializeV2() external reinitializer(2) {
        fixVersion = 1;
    }
}
