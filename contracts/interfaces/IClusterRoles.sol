// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IClusterRoles
/// @notice What a cluster contract asks the factory about who may do what. Roles live in one place, the
///         factory, so an operator hand-over or a new guardian takes effect for every contract of a cluster at once.
interface IClusterRoles {
    /// @notice True if `account` holds the protocol admin role.
    function isProtocolAdmin(address account) external view returns (bool);

    /// @notice True if `account` may pause and unpause clusters.
    function isGuardian(address account) external view returns (bool);

    /// @notice The operator of cluster `clusterId`.
    function operatorOf(uint256 clusterId) external view returns (address);

    /// @notice The protocol fee in basis points and the address it accrues to.
    function protocolFee() external view returns (address recipient, uint16 bps);

    /// @notice The L2 sequencer uptime feed (address(0) on L1) and its grace period in seconds.
    function sequencerUptime() external view returns (address feed, uint32 gracePeriod);
}
