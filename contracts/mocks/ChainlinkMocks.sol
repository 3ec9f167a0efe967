// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";

/// @notice Chainlink's own mock aggregator, whose decimals a test can change after registration, to prove the
///         protocol notices a feed that was reconfigured under it.
contract DecimalsChangingAggregator is MockV3Aggregator {
    constructor(uint8 decimals_, int256 initialAnswer) MockV3Aggregator(decimals_, initialAnswer) {}

    function setDecimals(uint8 decimals_) external {
        decimals = decimals_;
    }
}
