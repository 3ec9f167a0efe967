// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IRevenueVault
/// @notice Rent escrow of a cluster, released to holders against what the revenue oracle attests; also the holder
///         of the redemption reserve.
interface IRevenueVault {
    /// @notice Pays `amount` of stablecoin rent into escrow, tagged with the renter's invoice reference `paymentRef`.
    /// @param amount Stablecoin units, pulled from the caller (who must have approved the vault).
    /// @param paymentRef The renter's invoice reference, emitted with the payment for reconciliation; not checked.
    function payRent(uint256 amount, bytes32 paymentRef) external;

    /// @notice Closes the current epoch once it has ended: reconciles escrow with the revenue feed and distributes.
    function closeEpoch() external;

    /// @notice Number of the epoch now running (the first is 1).
    function currentEpoch() external view returns (uint32);

    /// @notice When the current epoch may be closed (start plus the fixed epoch length); not before.
    function epochEnd() external view returns (uint256);

    /// @notice Stablecoin held for redemptions now.
    function reserve() external view returns (uint256);

    /// @notice Pays `amount` of the reserve to the redemption queue (redemption queue only).
    function withdrawReserve(uint256 amount) external;

    /// @notice Books `amount` just paid into the vault by later issuance as reserve (offering only).
    function depositReserve(uint256 amount) external;

    /// @notice The raise succeeded: epoch 1 starts and the revenue feed's baseline is taken (offering only).
    function startEarning() external;

    /// @notice The reserve slice and the holders' slice of the release a close would make now.
    /// @return toReserve What the release would add to the redemption reserve.
    /// @return toHolders What it would stream to earning holders.
    function pendingRelease() external view returns (uint256 toReserve, uint256 toHolders);
}
