// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IClusterErrors
/// @notice The errors every cluster contract shares, declared once (Uniswap v4 style: errors in the interface), so a
///         wallet, the SDK or the subgraph decodes the same selector to the same meaning on every contract.
interface IClusterErrors {
    /// @notice The caller lacks the role this function needs.
    error Unauthorized(address caller);
    /// @notice The address must not be zero.
    error ZeroAddress();
    /// @notice The amount must be positive.
    error ZeroAmount();
    /// @notice A parameter is outside its allowed range (`name` says which).
    error InvalidParameter(string name);
    /// @notice The guardian paused the cluster.
    error EnforcedPause();
    /// @notice There is nothing to withdraw.
    error NothingToWithdraw();
    /// @notice There is nothing to sweep: the contract holds nothing beyond its books.
    error NothingToSweep();
    /// @notice The revenue feed cannot be read, so the attested rent in escrow (part of NAV) is unknown.
    error PendingReleaseUnknown();
    /// @notice The address must be a deployed contract.
    error NotAContract(address account);
}
