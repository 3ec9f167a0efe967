// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ITransferPolicy
/// @notice A compliance rule the share token consults on market transfers and mints when the cluster turns it on;
///         never on the protocol exits (burns, redemption requests, cancelled requests coming back from the queue).
///         Wallets and DEX front ends call `canTransfer` to know in advance whether a transfer would pass.
interface ITransferPolicy {
    /// @notice Whether `amount` shares may move from `from` to `to` (address(0) on either side for mint or burn).
    /// @param from The sender, address(0) for a mint.
    /// @param to The receiver, address(0) for a burn.
    /// @param amount Share base units (18 decimals); a policy may ignore it.
    /// @return Whether the transfer may go ahead (false: the share token reverts it).
    function canTransfer(address from, address to, uint256 amount) external view returns (bool);
}
