// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IDexRegistry
/// @notice The DEX factories the protocol admin trusts, asked by share tokens to prove that an address is one of
///         their pools (its CREATE2 address) before excluding it from yield.
interface IDexRegistry {
    /// @notice The trusted Uniswap V2 factory.
    /// @return The factory (address(0): none registered).
    function uniswapV2Factory() external view returns (address);

    /// @notice The trusted Uniswap V3 factory.
    /// @return The factory (address(0): none registered).
    function uniswapV3Factory() external view returns (address);
}
