// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IClusterRoles
/// @notice What a cluster contract asks the factory about who may do what. Roles live in one place, the
///         factory, so an operator hand-over or a new guardian takes effect for every contract of a cluster at once.
interface IClusterRoles {
    /// @notice True if `account` holds the protocol admin role.
    /// @param account Any address.
    /// @return Whether it holds the protocol admin role (the factory's DEFAULT_ADMIN_ROLE).
    function isProtocolAdmin(address account) external view returns (bool);

    /// @notice True if `account` may pause and unpause clusters.
    /// @param account Any address.
    /// @return Whether it holds the guardian role.
    function isGuardian(address account) external view returns (bool);

    /// @notice The operator of cluster `clusterId`.
    /// @param clusterId The cluster's id in the factory's registry; an unknown id reverts.
    /// @return The current operator (a proposed operator only once it has accepted).
    function operatorOf(uint256 clusterId) external view returns (address);

    /// @notice The protocol fee in basis points and the address it accrues to.
    /// @return recipient Where protocol fees are paid (never address(0)).
    /// @return bps The fee, in basis points of the rent each epoch close releases and of a successful raise; at
    ///         most 1,000 (10 %).
    function protocolFee() external view returns (address recipient, uint16 bps);

    /// @notice The L2 sequencer uptime feed (address(0) on L1) and its grace period in seconds.
    /// @return feed The Chainlink sequencer uptime feed; address(0) on L1, where prices are not checked against it.
    /// @return gracePeriod Seconds after the sequencer comes back up during which prices are still refused.
    function sequencerUptime() external view returns (address feed, uint32 gracePeriod);
}
