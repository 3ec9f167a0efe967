// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IRevenueVault
/// @notice Rent escrow of a cluster, released to holders against what the revenue oracle attests.
interface IRevenueVault {
    /// @notice Pays `amount` of stablecoin rent into escrow, tagged with the renter's invoice reference `paymentRef`.
    function payRent(uint256 amount, bytes32 paymentRef) external;

    /// @notice Closes the current epoch once it has ended: reconciles escrow with the revenue feed and distributes.
    function closeEpoch() external;
}
