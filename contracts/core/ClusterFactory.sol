// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {StreamMath} from "../libraries/StreamMath.sol";
import {ClusterShareToken} from "./ClusterShareToken.sol";
import {RevenueVault} from "./RevenueVault.sol";

/// @title ClusterFactory
/// @notice Launches a GPU cluster in one transaction (share token and revenue vault as EIP-1167 clones of fixed
///         implementations, wired and initialised), keeps the registry of clusters and their metadata, and is the
///         single source of roles: protocol admin (DEFAULT_ADMIN_ROLE), guardian, and per cluster operator and keeper.
/// @dev Implementations cannot be upgraded under a launched cluster; the admin may only point future launches at
///      new implementations.
contract ClusterFactory is AccessControl, IClusterRoles {
    /// @notice May pause and unpause any cluster.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Upper bound on the protocol fee, in basis points of released rent.
    uint16 public constant MAX_PROTOCOL_FEE_BPS = 1_000;

    /// @notice Everything an operator chooses when launching a cluster.
    struct LaunchParams {
        string name;
        string symbol;
        string gpuModel;
        uint32 gpuCount;
        string region;
        string metadataURI;
        bytes32 metadataHash;
        address stablecoin;
        AggregatorV3Interface revenueFeed;
        uint32 revenueHeartbeat;
        uint128 maxRevenuePerEpoch;
        uint40 epochLength;
        uint16 operatorFeeBps;
        uint16 reserveBps;
        address keeper;
        address initialHolder;
        uint256 initialShares;
    }

    /// @notice A registry entry.
    struct Cluster {
        ClusterShareToken token;
        RevenueVault vault;
        address operator;
        address pendingOperator;
        address keeper;
        address stablecoin;
        AggregatorV3Interface revenueFeed;
        uint32 gpuCount;
        uint40 launchedAt;
        string gpuModel;
        string region;
        string metadataURI;
        bytes32 metadataHash;
    }

    /// @notice The implementation the next launch clones for the share token.
    address public shareTokenImplementation;
    /// @notice The implementation the next launch clones for the revenue vault.
    address public revenueVaultImplementation;

    address private _protocolFeeRecipient;
    uint16 private _protocolFeeBps;
    address private _sequencerUptimeFeed;
    uint32 private _sequencerGracePeriod;

    Cluster[] private _clusters;
    /// @notice Cluster id + 1 of a share token (0 = not a ClusterShare token).
    mapping(address token => uint256) private _idPlusOneOf;

    /// @notice Cluster `clusterId` was launched. Carries every launch parameter so an indexer needs no calls.
    event ClusterLaunched(
        uint256 indexed clusterId, address indexed operator, address token, address vault, LaunchParams params
    );
    /// @notice The operator published new metadata for the cluster.
    event MetadataUpdated(uint256 indexed clusterId, string metadataURI, bytes32 metadataHash);
    /// @notice An operator hand-over was proposed.
    event OperatorTransferStarted(uint256 indexed clusterId, address indexed from, address indexed to);
    /// @notice The proposed operator accepted.
    event OperatorChanged(uint256 indexed clusterId, address indexed from, address indexed to);
    /// @notice The cluster's keeper changed.
    event KeeperChanged(uint256 indexed clusterId, address indexed keeper);
    /// @notice Operational figures reported by the operator or keeper.
    event MetricsReported(uint256 indexed clusterId, address indexed reporter, uint32 activeGpus, uint16 utilizationBps);
    /// @notice The protocol fee changed.
    event ProtocolFeeSet(address indexed recipient, uint16 bps);
    /// @notice Future launches use these implementations.
    event ImplementationsSet(address shareToken, address revenueVault);
    /// @notice The L2 sequencer uptime feed changed (address(0) = L1, no check).
    event SequencerUptimeFeedSet(address indexed feed, uint32 gracePeriod);

    /// @notice No cluster has this id.
    error UnknownCluster(uint256 clusterId);
    /// @notice The caller lacks the role this function needs.
    error Unauthorized(address caller);
    /// @notice The address must not be zero.
    error ZeroAddress();
    /// @notice The protocol fee exceeds MAX_PROTOCOL_FEE_BPS.
    error ProtocolFeeTooHigh(uint16 bps);
    /// @notice The stablecoin must be a contract with 6 to 18 decimals.
    error UnsupportedStablecoin(address stablecoin);
    /// @notice An implementation must be a deployed contract.
    error NotAContract(address implementation);
    /// @notice Utilisation is a fraction in basis points and cannot exceed 100 %.
    error InvalidMetrics(uint32 activeGpus, uint16 utilizationBps);

    /// @param admin Protocol admin (a multisig or timelock); also granted the guardian role.
    constructor(
        address admin,
        address shareTokenImpl,
        address revenueVaultImpl,
        address protocolFeeRecipient,
        uint16 protocolFeeBps
    ) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, admin);
        _setImplementations(shareTokenImpl, revenueVaultImpl);
        _setProtocolFee(protocolFeeRecipient, protocolFeeBps);
    }

    // ---------------------------------------------------------------- launch

    /// @notice Launches a cluster operated by the caller: clones and wires its share token and revenue vault.
    /// @return clusterId The registry id. @return token The share token. @return vault The revenue vault.
    function launch(LaunchParams calldata params)
        external
        returns (uint256 clusterId, ClusterShareToken token, RevenueVault vault)
    {
        uint8 stableDecimals = _checkStablecoin(params.stablecoin);
        clusterId = _clusters.length;
        token = ClusterShareToken(
            Clones.cloneWithImmutableArgs(
                shareTokenImplementation,
                abi.encode(params.stablecoin, StreamMath.scale(stableDecimals), this, clusterId)
            )
        );
        vault = RevenueVault(
            Clones.cloneWithImmutableArgs(
                revenueVaultImplementation, abi.encode(params.stablecoin, token, this, clusterId)
            )
        );
        _register(clusterId, token, vault, params);
        vault.initialize(
            RevenueVault.InitParams({
                revenueFeed: params.revenueFeed,
                revenueHeartbeat: params.revenueHeartbeat,
                epochLength: params.epochLength,
                operatorFeeBps: params.operatorFeeBps,
                reserveBps: params.reserveBps,
                maxRevenuePerEpoch: params.maxRevenuePerEpoch
            })
        );
        token.initialize(params.name, params.symbol, address(vault), params.initialHolder, params.initialShares);
        emit ClusterLaunched(clusterId, msg.sender, address(token), address(vault), params);
    }

    // ---------------------------------------------------------------- registry

    /// @notice Number of clusters launched.
    function clusterCount() external view returns (uint256) {
        return _clusters.length;
    }

    /// @notice The registry entry of `clusterId`.
    function cluster(uint256 clusterId) external view returns (Cluster memory) {
        return _cluster(clusterId);
    }

    /// @notice Up to `limit` registry entries starting at id `offset` (pagination for large registries).
    function clusters(uint256 offset, uint256 limit) external view returns (Cluster[] memory page) {
        uint256 total = _clusters.length;
        uint256 end = offset >= total ? offset : (total - offset < limit ? total : offset + limit);
        page = new Cluster[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = _clusters[i];
        }
    }

    /// @notice The cluster id of a share token; reverts if the token was not launched here.
    function clusterIdOf(address token) external view returns (uint256) {
        uint256 idPlusOne = _idPlusOneOf[token];
        if (idPlusOne == 0) revert UnknownCluster(type(uint256).max);
        return idPlusOne - 1;
    }

    // ---------------------------------------------------------------- operator and keeper

    /// @notice Publishes new off-chain metadata (and its content hash). Operator only.
    function updateMetadata(uint256 clusterId, string calldata metadataURI, bytes32 metadataHash) external {
        Cluster storage c = _onlyOperator(clusterId);
        c.metadataURI = metadataURI;
        c.metadataHash = metadataHash;
        emit MetadataUpdated(clusterId, metadataURI, metadataHash);
    }

    /// @notice Proposes a new operator, who must accept. Operator only.
    function transferOperator(uint256 clusterId, address newOperator) external {
        Cluster storage c = _onlyOperator(clusterId);
        if (newOperator == address(0)) revert ZeroAddress();
        c.pendingOperator = newOperator;
        emit OperatorTransferStarted(clusterId, c.operator, newOperator);
    }

    /// @notice Completes an operator hand-over. Proposed operator only.
    function acceptOperator(uint256 clusterId) external {
        Cluster storage c = _cluster(clusterId);
        if (msg.sender != c.pendingOperator) revert Unauthorized(msg.sender);
        emit OperatorChanged(clusterId, c.operator, msg.sender);
        c.operator = msg.sender;
        c.pendingOperator = address(0);
    }

    /// @notice Sets the keeper allowed to report metrics (address(0) removes it). Operator only.
    function setKeeper(uint256 clusterId, address keeper) external {
        _onlyOperator(clusterId).keeper = keeper;
        emit KeeperChanged(clusterId, keeper);
    }

    /// @notice Reports how many GPUs run and how busy they are. Operator or keeper only.
    function reportMetrics(uint256 clusterId, uint32 activeGpus, uint16 utilizationBps) external {
        Cluster storage c = _cluster(clusterId);
        if (msg.sender != c.operator && (msg.sender != c.keeper || c.keeper == address(0))) {
            revert Unauthorized(msg.sender);
        }
        if (activeGpus > c.gpuCount || utilizationBps > 10_000) revert InvalidMetrics(activeGpus, utilizationBps);
        emit MetricsReported(clusterId, msg.sender, activeGpus, utilizationBps);
    }

    // ---------------------------------------------------------------- protocol admin

    /// @notice Sets the protocol fee (capped) and its recipient. Protocol admin only.
    function setProtocolFee(address recipient, uint16 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setProtocolFee(recipient, bps);
    }

    /// @notice Points future launches at new implementations; launched clusters keep theirs. Protocol admin only.
    function setImplementations(address shareTokenImpl, address revenueVaultImpl) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setImplementations(shareTokenImpl, revenueVaultImpl);
    }

    /// @notice Sets the L2 sequencer uptime feed and grace period (address(0) on L1). Protocol admin only.
    function setSequencerUptimeFeed(address feed, uint32 gracePeriod) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _sequencerUptimeFeed = feed;
        _sequencerGracePeriod = gracePeriod;
        emit SequencerUptimeFeedSet(feed, gracePeriod);
    }

    // ---------------------------------------------------------------- IClusterRoles

    /// @inheritdoc IClusterRoles
    function isProtocolAdmin(address account) external view returns (bool) {
        return hasRole(DEFAULT_ADMIN_ROLE, account);
    }

    /// @inheritdoc IClusterRoles
    function isGuardian(address account) external view returns (bool) {
        return hasRole(GUARDIAN_ROLE, account);
    }

    /// @inheritdoc IClusterRoles
    function operatorOf(uint256 clusterId) external view returns (address) {
        return _cluster(clusterId).operator;
    }

    /// @inheritdoc IClusterRoles
    function protocolFee() external view returns (address recipient, uint16 bps) {
        return (_protocolFeeRecipient, _protocolFeeBps);
    }

    /// @inheritdoc IClusterRoles
    function sequencerUptime() external view returns (address feed, uint32 gracePeriod) {
        return (_sequencerUptimeFeed, _sequencerGracePeriod);
    }

    // ---------------------------------------------------------------- internals

    function _register(uint256 clusterId, ClusterShareToken token, RevenueVault vault, LaunchParams calldata params)
        private
    {
        Cluster storage c = _clusters.push();
        c.token = token;
        c.vault = vault;
        c.operator = msg.sender;
        c.keeper = params.keeper;
        c.stablecoin = params.stablecoin;
        c.revenueFeed = params.revenueFeed;
        c.gpuCount = params.gpuCount;
        c.launchedAt = uint40(block.timestamp);
        c.gpuModel = params.gpuModel;
        c.region = params.region;
        c.metadataURI = params.metadataURI;
        c.metadataHash = params.metadataHash;
        _idPlusOneOf[address(token)] = clusterId + 1;
    }

    function _checkStablecoin(address stablecoin) private view returns (uint8 stableDecimals) {
        if (stablecoin.code.length == 0) revert UnsupportedStablecoin(stablecoin);
        stableDecimals = IERC20Metadata(stablecoin).decimals();
        if (stableDecimals < 6 || stableDecimals > 18) revert UnsupportedStablecoin(stablecoin);
    }

    function _setProtocolFee(address recipient, uint16 bps) private {
        if (recipient == address(0)) revert ZeroAddress();
        if (bps > MAX_PROTOCOL_FEE_BPS) revert ProtocolFeeTooHigh(bps);
        _protocolFeeRecipient = recipient;
        _protocolFeeBps = bps;
        emit ProtocolFeeSet(recipient, bps);
    }

    function _setImplementations(address shareTokenImpl, address revenueVaultImpl) private {
        if (shareTokenImpl.code.length == 0) revert NotAContract(shareTokenImpl);
        if (revenueVaultImpl.code.length == 0) revert NotAContract(revenueVaultImpl);
        shareTokenImplementation = shareTokenImpl;
        revenueVaultImplementation = revenueVaultImpl;
        emit ImplementationsSet(shareTokenImpl, revenueVaultImpl);
    }

    function _cluster(uint256 clusterId) private view returns (Cluster storage) {
        if (clusterId >= _clusters.length) revert UnknownCluster(clusterId);
        return _clusters[clusterId];
    }

    function _onlyOperator(uint256 clusterId) private view returns (Cluster storage c) {
        c = _cluster(clusterId);
        if (msg.sender != c.operator) revert Unauthorized(msg.sender);
    }
}
