// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The drill deploys its vault behind OpenZeppelin's own ERC-1967 proxy: importing it here makes
// the pipeline compile it from the npm package, so no proxy is ever re-implemented.
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
