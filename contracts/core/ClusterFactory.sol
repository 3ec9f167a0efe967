// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {IDexRegistry} from "../interfaces/IDexRegistry.sol";
import {StreamMath} from "../libraries/StreamMath.sol";
import {ITransferPolicy} from "../interfaces/ITransferPolicy.sol";
import {ClusterShareToken} from "./ClusterShareToken.sol";
import {RevenueVault} from "./RevenueVault.sol";
import {ClusterOffering} from "../offering/ClusterOffering.sol";
import {RedemptionQueue} from "../redemption/RedemptionQueue.sol";
import {NavOracle} from "../oracles/NavOracle.sol";
import {IClusterErrors} from "../interfaces/IClusterErrors.sol";

/// @title ClusterFactory
/// @notice Launches a GPU cluster in one transaction (share token, revenue vault, offering, redemption queue, NAV
///         oracle and, when asked for, an allowlist policy, all EIP-1167 clones of fixed implementations, wired and
///         initialised), keeps the registry of clusters and their metadata, and is the
///         single source of roles: protocol admin (DEFAULT_ADMIN_ROLE), guardian, and per cluster operator and keeper.
/// @dev Implementations cannot be upgraded under a launched cluster; the admin may only point future launches at
///      new implementations.
contract ClusterFactory is AccessControl, IClusterRoles, IDexRegistry, IClusterErrors {
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
        address initialHolder; // only without a raise: shares for hardware the operator already owns
        uint256 initialShares;
        ClusterOffering.InitParams offering; // hardCap zero: no raise, the cluster is active at launch
        NavOracle.InitParams nav; // nav.hardwareCost must be set exactly when there is no raise
        uint16 redemptionFeeBps;
        bool withAllowlist;
    }

    /// @notice The contracts of one cluster (policy is address(0) without an allowlist).
    struct ClusterContracts {
        ClusterShareToken token;
        RevenueVault vault;
        ClusterOffering offering;
        RedemptionQueue redemptionQueue;
        NavOracle navOracle;
        address policy;
    }

    /// @notice The implementations launches clone.
    struct Implementations {
        address shareToken;
        address revenueVault;
        address offering;
        address redemptionQueue;
        address navOracle;
        address allowlistPolicy;
    }

    /// @notice A registry entry.
    struct Cluster {
        ClusterContracts contracts;
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

    Implementations private _implementations;

    address private _protocolFeeRecipient;
    uint16 private _protocolFeeBps;
    address private _sequencerUptimeFeed;
    uint32 private _sequencerGracePeriod;
    address private _uniswapV2Factory;
    address private _uniswapV3Factory;

    Cluster[] private _clusters;
    /// @notice Cluster id + 1 of a share token (0 = not a ClusterShare token).
    mapping(address token => uint256) private _idPlusOneOf;

    /// @notice Cluster `clusterId` was launched. Carries every launch parameter so an indexer needs no calls.
    event ClusterLaunched(
        uint256 indexed clusterId, address indexed operator, ClusterContracts contracts, LaunchParams params
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
    event ImplementationsSet(Implementations implementations);
    /// @notice The L2 sequencer uptime feed changed (address(0) = L1, no check).
    event SequencerUptimeFeedSet(address indexed feed, uint32 gracePeriod);
    /// @notice Share tokens prove their pools' addresses against this Uniswap V2 factory (address(0): none).
    event UniswapV2FactorySet(address indexed uniswapV2Factory);
    /// @notice Share tokens may exclude pools of this Uniswap V3 factory (address(0): none).
    event UniswapV3FactorySet(address indexed uniswapV3Factory);

    /// @notice No cluster has this id.
    error UnknownCluster(uint256 clusterId);
    /// @notice The protocol fee exceeds MAX_PROTOCOL_FEE_BPS.
    error ProtocolFeeTooHigh(uint16 bps);
    /// @notice The stablecoin must be a contract with 6 to 18 decimals (`decimals` is what it reports).
    error UnsupportedStablecoin(address stablecoin, uint8 decimals);
    /// @notice Launch parameters contradict each other (`name` says which).
    error InconsistentLaunch(string name);
    /// @notice Utilisation is a fraction in basis points and cannot exceed 100 %.
    error InvalidMetrics(uint32 activeGpus, uint16 utilizationBps);

    /// @param admin Protocol admin (a multisig or timelock); also granted the guardian role.
    constructor(
        address admin,
        Implementations memory implementations_,
        address protocolFeeRecipient,
        uint16 protocolFeeBps
    ) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, admin);
        _setImplementations(implementations_);
        _setProtocolFee(protocolFeeRecipient, protocolFeeBps);
    }

    // ---------------------------------------------------------------- launch

    /// @notice Launches a cluster operated by the caller: clones, wires and initialises all of its contracts.
    /// @param params Everything the operator chooses (see LaunchParams). `offering.hardCap` zero launches without a
    ///        raise: `initialShares` go to `initialHolder` and `nav.hardwareCost` must be set; with a raise both are
    ///        zero.
    /// @return clusterId The registry id.
    /// @return c The cluster's contracts.
    function launch(LaunchParams calldata params) external returns (uint256 clusterId, ClusterContracts memory c) {
        uint8 stableDecimals = _checkStablecoin(params.stablecoin);
        bool raising = params.offering.hardCap > 0;
        if (raising && params.initialShares > 0) revert InconsistentLaunch("initialShares");
        if (raising != (params.nav.hardwareCost == 0)) revert InconsistentLaunch("hardwareCost");
        clusterId = _clusters.length;
        c = _cloneAll(clusterId, params, stableDecimals);
        _register(clusterId, c, params);
        c.vault.initialize(
            RevenueVault.InitParams({
                revenueFeed: params.revenueFeed,
                revenueHeartbeat: params.revenueHeartbeat,
                epochLength: params.epochLength,
                operatorFeeBps: params.operatorFeeBps,
                reserveBps: params.reserveBps,
                maxRevenuePerEpoch: params.maxRevenuePerEpoch,
                offering: address(c.offering),
                redemptionQueue: address(c.redemptionQueue),
                earningAtLaunch: !raising
            })
        );
        c.navOracle.initialize(params.nav, address(c.offering));
        c.redemptionQueue.initialize(params.redemptionFeeBps);
        c.offering.initialize();
        c.token.initialize(
            params.name,
            params.symbol,
            ClusterShareToken.Wiring({
                vault: address(c.vault),
                offering: address(c.offering),
                redemptionQueue: address(c.redemptionQueue),
                policy: ITransferPolicy(c.policy)
            }),
            params.initialHolder,
            params.initialShares,
            raising
        );
        emit ClusterLaunched(clusterId, msg.sender, c, params);
    }

    // ---------------------------------------------------------------- registry

    /// @notice Number of clusters launched.
    /// @return The count; cluster ids run from 0 to the count minus one.
    function clusterCount() external view returns (uint256) {
        return _clusters.length;
    }

    /// @notice The registry entry of `clusterId`.
    /// @param clusterId The cluster's id; an id not yet launched reverts with UnknownCluster.
    /// @return The entry: contracts, operator (and proposed one), keeper, stablecoin, revenue feed, hardware and
    ///         metadata.
    function cluster(uint256 clusterId) external view returns (Cluster memory) {
        return _cluster(clusterId);
    }

    /// @notice Up to `limit` registry entries starting at id `offset` (pagination for large registries).
    /// @param offset The first cluster id returned.
    /// @param limit The most entries returned.
    /// @return page The entries from `offset` on, in id order: fewer than `limit` at the end of the registry, none
    ///         when `offset` is past it (no revert).
    function clusters(uint256 offset, uint256 limit) external view returns (Cluster[] memory page) {
        uint256 total = _clusters.length;
        uint256 end = offset >= total ? offset : (total - offset < limit ? total : offset + limit);
        page = new Cluster[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = _clusters[i];
        }
    }

    /// @notice The cluster id of a share token; reverts if the token was not launched here.
    /// @param token The address to look up.
    /// @return The id of the cluster whose share token it is (any other address reverts with
    ///         `UnknownCluster(type(uint256).max)`).
    function clusterIdOf(address token) external view returns (uint256) {
        uint256 idPlusOne = _idPlusOneOf[token];
        if (idPlusOne == 0) revert UnknownCluster(type(uint256).max);
        return idPlusOne - 1;
    }

    // ---------------------------------------------------------------- operator and keeper

    /// @notice Publishes new off-chain metadata (and its content hash). Operator only.
    /// @param clusterId The cluster.
    /// @param metadataURI Where the metadata document lives (for example an IPFS URI).
    /// @param metadataHash The document's content hash, for readers to check it against; not verified on chain.
    function updateMetadata(uint256 clusterId, string calldata metadataURI, bytes32 metadataHash) external {
        Cluster storage c = _onlyOperator(clusterId);
        c.metadataURI = metadataURI;
        c.metadataHash = metadataHash;
        emit MetadataUpdated(clusterId, metadataURI, metadataHash);
    }

    /// @notice Proposes a new operator, who must accept. Operator only.
    /// @param clusterId The cluster.
    /// @param newOperator The proposed operator (not address(0)); replaces any earlier proposal. The caller stays
    ///        operator until it calls `acceptOperator`.
    function transferOperator(uint256 clusterId, address newOperator) external {
        Cluster storage c = _onlyOperator(clusterId);
        if (newOperator == address(0)) revert ZeroAddress();
        c.pendingOperator = newOperator;
        emit OperatorTransferStarted(clusterId, c.operator, newOperator);
    }

    /// @notice Completes an operator hand-over. Proposed operator only.
    /// @param clusterId The cluster whose hand-over the caller accepts.
    function acceptOperator(uint256 clusterId) external {
        Cluster storage c = _cluster(clusterId);
        if (msg.sender != c.pendingOperator) revert Unauthorized(msg.sender);
        emit OperatorChanged(clusterId, c.operator, msg.sender);
        c.operator = msg.sender;
        c.pendingOperator = address(0);
    }

    /// @notice Sets the keeper allowed to report metrics (address(0) removes it). Operator only.
    /// @param clusterId The cluster.
    /// @param keeper The new keeper, or address(0) for none.
    function setKeeper(uint256 clusterId, address keeper) external {
        _onlyOperator(clusterId).keeper = keeper;
        emit KeeperChanged(clusterId, keeper);
    }

    /// @notice Reports how many GPUs run and how busy they are. Operator or keeper only.
    /// @dev Only emitted (MetricsReported): nothing on chain reads the figures.
    /// @param clusterId The cluster.
    /// @param activeGpus GPUs running now, at most the cluster's `gpuCount`.
    /// @param utilizationBps How busy they are, in basis points (10,000 = 100 %).
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
    /// @dev Every cluster reads the fee when it charges it, so the change applies to launched clusters from their
    ///      next epoch close or raise finalisation.
    /// @param recipient Receives protocol fees (not address(0)).
    /// @param bps The fee in basis points of released rent and of a successful raise, at most MAX_PROTOCOL_FEE_BPS
    ///        (zero: no fee).
    function setProtocolFee(address recipient, uint16 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setProtocolFee(recipient, bps);
    }

    /// @notice Points future launches at new implementations; launched clusters keep theirs. Protocol admin only.
    /// @param implementations_ The six implementations; each must be a deployed contract.
    function setImplementations(Implementations calldata implementations_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setImplementations(implementations_);
    }

    /// @notice The implementations the next launch clones.
    /// @return The share token, revenue vault, offering, redemption queue, NAV oracle and allowlist policy
    ///         implementations.
    function implementations() external view returns (Implementations memory) {
        return _implementations;
    }

    /// @notice Sets the L2 sequencer uptime feed and grace period (address(0) on L1). Protocol admin only.
    /// @param feed The Chainlink sequencer uptime feed, or address(0) on L1 (no sequencer check).
    /// @param gracePeriod Seconds after the sequencer comes back up during which every cluster still refuses prices.
    function setSequencerUptimeFeed(address feed, uint32 gracePeriod) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _sequencerUptimeFeed = feed;
        _sequencerGracePeriod = gracePeriod;
        emit SequencerUptimeFeedSet(feed, gracePeriod);
    }

    /// @notice Registers the Uniswap V2 factory whose pairs share tokens may exclude from yield (address(0): none).
    ///         Protocol admin only.
    /// @param uniswapV2Factory_ The factory; its pairs must be real UniswapV2Pair deployments (the init code hash
    ///        the share token checks against).
    function setUniswapV2Factory(address uniswapV2Factory_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _uniswapV2Factory = uniswapV2Factory_;
        emit UniswapV2FactorySet(uniswapV2Factory_);
    }

    /// @inheritdoc IDexRegistry
    function uniswapV2Factory() external view returns (address) {
        return _uniswapV2Factory;
    }

    /// @notice Registers the Uniswap V3 factory whose pools share tokens may exclude from yield (address(0): none).
    ///         Protocol admin only.
    /// @param uniswapV3Factory_ The factory; its pools must be real UniswapV3Pool deployments (the init code hash
    ///        the share token checks against).
    function setUniswapV3Factory(address uniswapV3Factory_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _uniswapV3Factory = uniswapV3Factory_;
        emit UniswapV3FactorySet(uniswapV3Factory_);
    }

    /// @inheritdoc IDexRegistry
    function uniswapV3Factory() external view returns (address) {
        return _uniswapV3Factory;
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

    /// @dev The clones, each with its immutable args; the first argument words are shared on purpose so every
    ///      cluster contract reads its stablecoin, share token, factory and cluster id the same way.
    function _cloneAll(uint256 clusterId, LaunchParams calldata params, uint8 stableDecimals)
        private
        returns (ClusterContracts memory c)
    {
        Implementations memory impl = _implementations;
        address stable = params.stablecoin;
        c.token = ClusterShareToken(
            Clones.cloneWithImmutableArgs(
                impl.shareToken, abi.encode(stable, StreamMath.scale(stableDecimals), this, clusterId)
            )
        );
        c.vault = RevenueVault(
            Clones.cloneWithImmutableArgs(impl.revenueVault, abi.encode(stable, c.token, this, clusterId))
        );
        c.navOracle = NavOracle(
            Clones.cloneWithImmutableArgs(impl.navOracle, abi.encode(stable, c.token, this, clusterId, c.vault))
        );
        bytes memory marketArgs = abi.encode(stable, c.token, this, clusterId, c.vault, c.navOracle);
        c.redemptionQueue = RedemptionQueue(Clones.cloneWithImmutableArgs(impl.redemptionQueue, marketArgs));
        c.offering = ClusterOffering(
            Clones.cloneWithImmutableArgs(
                impl.offering, ClusterOffering(impl.offering).cloneArgs(marketArgs, params.offering)
            )
        );
        if (params.withAllowlist) {
            c.policy = Clones.cloneWithImmutableArgs(
                impl.allowlistPolicy, abi.encode(this, clusterId, c.token, c.vault, c.redemptionQueue)
            );
        }
    }

    function _register(uint256 clusterId, ClusterContracts memory contracts, LaunchParams calldata params) private {
        Cluster storage c = _clusters.push();
        c.contracts = contracts;
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
        _idPlusOneOf[address(contracts.token)] = clusterId + 1;
    }

    function _checkStablecoin(address stablecoin) private view returns (uint8 stableDecimals) {
        if (stablecoin.code.length == 0) revert UnsupportedStablecoin(stablecoin, 0);
        stableDecimals = IERC20Metadata(stablecoin).decimals();
        if (stableDecimals < 6 || stableDecimals > 18) revert UnsupportedStablecoin(stablecoin, stableDecimals);
    }

    function _setProtocolFee(address recipient, uint16 bps) private {
        if (recipient == address(0)) revert ZeroAddress();
        if (bps > MAX_PROTOCOL_FEE_BPS) revert ProtocolFeeTooHigh(bps);
        _protocolFeeRecipient = recipient;
        _protocolFeeBps = bps;
        emit ProtocolFeeSet(recipient, bps);
    }

    function _setImplementations(Implementations memory impl) private {
        address[6] memory all = [
            impl.shareToken, impl.revenueVault, impl.offering, impl.redemptionQueue, impl.navOracle, impl.allowlistPolicy
        ];
        for (uint256 i = 0; i < all.length; ++i) {
            if (all[i].code.length == 0) revert NotAContract(all[i]);
        }
        _implementations = impl;
        emit ImplementationsSet(impl);
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
