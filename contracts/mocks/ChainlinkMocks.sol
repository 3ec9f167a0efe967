// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Makes Chainlink's own mock aggregator available to tests as a compiled artifact.
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
