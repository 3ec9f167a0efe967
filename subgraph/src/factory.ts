import { DataSourceContext } from "@graphprotocol/graph-ts";
import {
  ClusterLaunched, KeeperChanged, MetadataUpdated, MetricsReported, OperatorChanged, ProtocolFeeSet, UniswapV2FactorySet,
  UniswapV3FactorySet,
} from "../generated/ClusterFactory/ClusterFactory";
import {
  AllowlistPolicy, ClusterOffering, ClusterShareToken, NavOracle, RedemptionQueue, RevenueVault,
} from "../generated/templates";
import { Cluster } from "../generated/schema";
import { CLUSTER_KEY, ZERO } from "./helpers/constants";
import { getOrCreateAccount, isZeroAddress, loadProtocol } from "./helpers/entities";
import { saveCluster } from "./helpers/snapshots";
import { blockTimestamp } from "./helpers/time";

/** A cluster launched: record its terms and start indexing each of its contracts. */
export function handleClusterLaunched(event: ClusterLaunched): void {
  const id = event.params.clusterId.toString();
  const contracts = event.params.contracts;
  const params = event.params.params;
  const raise = params.offering;
  getOrCreateAccount(event.params.operator);

  const cluster = new Cluster(id);
  cluster.clusterId = event.params.clusterId;
  cluster.operator = event.params.operator.toHexString();
  cluster.keeper = params.keeper;
  cluster.name = params.name;
  cluster.symbol = params.symbol;
  cluster.gpuModel = params.gpuModel;
  cluster.gpuCount = params.gpuCount.toI32();
  cluster.region = params.region;
  cluster.metadataURI = params.metadataURI;
  cluster.metadataHash = params.metadataHash;
  cluster.stablecoin = params.stablecoin;
  cluster.token = contracts.token;
  cluster.vault = contracts.vault;
  cluster.offering = contracts.offering;
  cluster.redemptionQueue = contracts.redemptionQueue;
  cluster.navOracle = contracts.navOracle;
  cluster.policy = contracts.policy;
  // A launch without a hard cap has no raise: the operator owns the hardware and the cluster is active at once.
  cluster.state = raise.hardCap.isZero() ? "Active" : "Raising";
  cluster.paused = false;
  cluster.createdAt = blockTimestamp(event);
  cluster.createdAtBlock = event.block.number;
  cluster.pricePerShare = raise.pricePerShare;
  cluster.softCap = raise.softCap;
  cluster.hardCap = raise.hardCap;
  cluster.deadline = raise.deadline;
  cluster.raised = ZERO;
  cluster.sharesSold = ZERO;
  cluster.refunded = ZERO;
  cluster.issuanceEnabled = false;
  cluster.issuancePremiumBps = 0;
  cluster.issuanceCap = ZERO;
  cluster.issued = ZERO;
  cluster.epochLength = params.epochLength;
  cluster.operatorFeeBps = params.operatorFeeBps;
  cluster.reserveBps = params.reserveBps;
  cluster.redemptionFeeBps = params.redemptionFeeBps;
  cluster.epochsClosed = 0;
  cluster.revenueAttested = ZERO;
  cluster.revenueFeed = params.revenueFeed;
  cluster.feedHighWater = ZERO;
  cluster.carriedRevenue = ZERO;
  cluster.transferFeesLost = ZERO;
  cluster.rentPaid = ZERO;
  cluster.shortfall = ZERO;
  cluster.distributed = ZERO;
  cluster.protocolFees = ZERO;
  cluster.operatorFees = ZERO;
  cluster.reserve = ZERO;
  cluster.claimed = ZERO;
  cluster.returnedToStream = ZERO;
  cluster.totalSupply = ZERO;
  cluster.holders = 0;
  cluster.activeGpus = 0;
  cluster.utilizationBps = 0;
  cluster.sharesRedeemed = ZERO;
  cluster.assetsRedeemed = ZERO;
  cluster.sharesPendingRedemption = ZERO;
  cluster.lastSnapshot = "";
  saveCluster(cluster, event);

  const protocol = loadProtocol();
  protocol.clusterCount += 1;
  protocol.save();

  const context = new DataSourceContext();
  context.setString(CLUSTER_KEY, id);
  ClusterShareToken.createWithContext(contracts.token, context);
  RevenueVault.createWithContext(contracts.vault, context);
  ClusterOffering.createWithContext(contracts.offering, context);
  RedemptionQueue.createWithContext(contracts.redemptionQueue, context);
  NavOracle.createWithContext(contracts.navOracle, context);
  if (!isZeroAddress(contracts.policy)) AllowlistPolicy.createWithContext(contracts.policy, context);
}

export function handleMetadataUpdated(event: MetadataUpdated): void {
  const cluster = Cluster.load(event.params.clusterId.toString())!;
  cluster.metadataURI = event.params.metadataURI;
  cluster.metadataHash = event.params.metadataHash;
  saveCluster(cluster, event);
}

export function handleOperatorChanged(event: OperatorChanged): void {
  const cluster = Cluster.load(event.params.clusterId.toString())!;
  cluster.operator = getOrCreateAccount(event.params.to).id;
  saveCluster(cluster, event);
}

export function handleKeeperChanged(event: KeeperChanged): void {
  const cluster = Cluster.load(event.params.clusterId.toString())!;
  cluster.keeper = event.params.keeper;
  saveCluster(cluster, event);
}

export function handleMetricsReported(event: MetricsReported): void {
  const cluster = Cluster.load(event.params.clusterId.toString())!;
  cluster.activeGpus = event.params.activeGpus.toI32();
  cluster.utilizationBps = event.params.utilizationBps;
  saveCluster(cluster, event);
}

export function handleProtocolFeeSet(event: ProtocolFeeSet): void {
  const protocol = loadProtocol();
  protocol.feeRecipient = event.params.recipient;
  protocol.protocolFeeBps = event.params.bps;
  protocol.save();
}


/** The protocol admin registered the Uniswap V2 factory share tokens derive their pairs from. */
export function handleUniswapV2FactorySet(event: UniswapV2FactorySet): void {
  const protocol = loadProtocol();
  protocol.uniswapV2Factory = event.params.uniswapV2Factory;
  protocol.save();
}

/** The protocol admin registered the Uniswap V3 factory share tokens derive their pools from. */
export function handleUniswapV3FactorySet(event: UniswapV3FactorySet): void {
  const protocol = loadProtocol();
  protocol.uniswapV3Factory = event.params.uniswapV3Factory;
  protocol.save();
}
