import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract } from "ethers";
import {
  AllowlistPolicy__factory,
  ClusterFactory__factory,
  ClusterOffering__factory,
  ClusterShareToken__factory,
  MockStablecoin__factory, HookedStablecoin__factory, SwitchableFeeStablecoin__factory,
  MockV3Aggregator__factory,
  NavOracle__factory,
  RedemptionQueue__factory,
  RevenueVault__factory,
  type AllowlistPolicy,
  type ClusterFactory,
  type ClusterOffering,
  type ClusterShareToken,
  type MockStablecoin,
  type MockV3Aggregator,
  type NavOracle,
  type RedemptionQueue,
  type RevenueVault,
} from "../../sdk/src/types";

export const { ethers } = hre;
export const DAY = 86_400;
export const EPOCH = 7 * DAY;
export const FEED_DECIMALS = 8;
export const HEARTBEAT = 2 * DAY;
export const PROTOCOL_FEE_BPS = 500n;
export const OPERATOR_FEE_BPS = 1_000n;
export const RESERVE_BPS = 500n;
export const SHARE = 10n ** 18n;
export const NAV_HEARTBEAT = DAY;
export const REDEMPTION_FEE_BPS = 50n;

export interface Deployment {
  admin: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  feeRecipient: HardhatEthersSigner;
  renter: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  holders: HardhatEthersSigner[];
  stable: MockStablecoin;
  stableDecimals: number;
  feed: MockV3Aggregator;
  factory: ClusterFactory;
  token: ClusterShareToken;
  vault: RevenueVault;
  offering: ClusterOffering;
  queue: RedemptionQueue;
  nav: NavOracle;
  /** Set when the cluster was launched with `withAllowlist`. */
  policy?: AllowlistPolicy;
  clusterId: bigint;
  /** One whole stablecoin in base units. */
  unit: bigint;
}

export interface DeployOptions {
  stableDecimals?: number;
  /**
   * "hooked": a stablecoin that calls back every contract it pays (for reentrancy tests); "feeSwitch": a USDT-like
   * one whose owner (the admin) can turn on a transfer fee later (no permit, no blocklist).
   */
  stablecoin?: "mock" | "hooked" | "feeSwitch";
  initialShares?: bigint;
  maxRevenuePerEpoch?: bigint;
  /** Launch with a raise instead of initial shares (amounts in whole stablecoins, deadline in seconds from now). */
  raise?: { price: bigint; softCap: bigint; hardCap: bigint; duration: number; minPerAccount?: bigint; maxPerAccount?: bigint };
  withAllowlist?: boolean;
  redemptionFeeBps?: bigint;
  reserveBps?: bigint;
}

/** Deploys every implementation and the factory that clones them. */
export async function deployFactory(admin: HardhatEthersSigner, feeRecipient: string): Promise<ClusterFactory> {
  return new ClusterFactory__factory(admin).deploy(admin.address, await deployImplementations(admin), feeRecipient, PROTOCOL_FEE_BPS);
}

/** Fresh implementations of every cluster contract, as the factory's Implementations struct. */
export async function deployImplementations(admin: HardhatEthersSigner): Promise<ClusterFactory.ImplementationsStruct> {
  const [shareToken, revenueVault, offering, redemptionQueue, navOracle, allowlistPolicy] =
    await Promise.all((await deployImplementationContracts(admin)).map((c) => c.getAddress()));
  return { shareToken, revenueVault, offering, redemptionQueue, navOracle, allowlistPolicy };
}

/** Deploys one implementation of each cluster contract, in the order of the Implementations struct. */
export async function deployImplementationContracts(admin: HardhatEthersSigner): Promise<BaseContract[]> {
  return [
    await new ClusterShareToken__factory(admin).deploy(),
    await new RevenueVault__factory(admin).deploy(),
    await new ClusterOffering__factory(admin).deploy(),
    await new RedemptionQueue__factory(admin).deploy(),
    await new NavOracle__factory(admin).deploy(),
    await new AllowlistPolicy__factory(admin).deploy(),
  ];
}

/** Deploys the protocol (implementations, factory) and launches one cluster whose shares all go to holders[0]. */
export async function deployCluster(options: DeployOptions = {}): Promise<Deployment> {
  const [admin, guardian, operator, keeper, feeRecipient, renter, stranger, ...holders] = await ethers.getSigners();
  const stableDecimals = options.stableDecimals ?? 6;
  const unit = 10n ** BigInt(stableDecimals);
  const special = options.stablecoin === "hooked"
    ? await new HookedStablecoin__factory(admin).deploy(stableDecimals)
    : options.stablecoin === "feeSwitch" ? await new SwitchableFeeStablecoin__factory(admin).deploy(stableDecimals) : undefined;
  const stable = special
    ? MockStablecoin__factory.connect(await special.getAddress(), admin)
    : await new MockStablecoin__factory(admin).deploy("USD Coin", "USDC", stableDecimals);
  // A cumulative revenue feed answers 0 until anything is billed.
  const feed = await new MockV3Aggregator__factory(admin).deploy(FEED_DECIMALS, 0n);
  const factory = await deployFactory(admin, feeRecipient.address);
  await factory.grantRole(await factory.GUARDIAN_ROLE(), guardian.address);
  const initialShares = options.raise ? 0n : options.initialShares ?? 1_000_000n * SHARE;
  const raise = options.raise;
  const params = launchParams({
    stablecoin: await stable.getAddress(),
    revenueFeed: await feed.getAddress(),
    keeper: keeper.address,
    initialHolder: holders[0].address,
    initialShares,
    maxRevenuePerEpoch: options.maxRevenuePerEpoch ?? 10_000_000n * unit,
    redemptionFeeBps: options.redemptionFeeBps ?? REDEMPTION_FEE_BPS,
    reserveBps: options.reserveBps ?? RESERVE_BPS,
    withAllowlist: options.withAllowlist ?? false,
    offering: raise
      ? {
        pricePerShare: raise.price * unit,
        softCap: raise.softCap * unit,
        hardCap: raise.hardCap * unit,
        deadline: (await latestTimestamp()) + BigInt(raise.duration),
        minPerAccount: (raise.minPerAccount ?? 0n) * unit,
        maxPerAccount: (raise.maxPerAccount ?? 0n) * unit,
      }
      : noRaise(),
    // Without a raise the operator brings hardware worth $1 per initial share.
    nav: navParams({ hardwareCost: raise ? 0n : (initialShares * unit) / SHARE }),
  });
  const clusterId = await factory.clusterCount();
  await factory.connect(operator).launch(params);
  const { contracts } = await factory.cluster(clusterId);
  await stable.mint(renter.address, 1_000_000_000n * unit);
  await stable.connect(renter).approve(contracts.vault, ethers.MaxUint256);
  return {
    admin, guardian, operator, keeper, feeRecipient, renter, stranger, holders,
    stable, stableDecimals, feed, factory, clusterId, unit,
    token: ClusterShareToken__factory.connect(contracts.token, admin),
    vault: RevenueVault__factory.connect(contracts.vault, admin),
    offering: ClusterOffering__factory.connect(contracts.offering, admin),
    queue: RedemptionQueue__factory.connect(contracts.redemptionQueue, admin),
    nav: NavOracle__factory.connect(contracts.navOracle, admin),
    policy: contracts.policy === ethers.ZeroAddress ? undefined : AllowlistPolicy__factory.connect(contracts.policy, admin),
  };
}

/** Launch parameters with sensible defaults, overridable field by field. */
export function launchParams(overrides: Partial<ClusterFactory.LaunchParamsStruct> = {}): ClusterFactory.LaunchParamsStruct {
  return {
    name: "H100 Cluster Frankfurt",
    symbol: "csH100FRA",
    gpuModel: "NVIDIA H100 SXM",
    gpuCount: 512,
    region: "eu-central",
    metadataURI: "ipfs://bafy-cluster-metadata",
    metadataHash: ethers.id("cluster metadata v1"),
    stablecoin: ethers.ZeroAddress,
    revenueFeed: ethers.ZeroAddress,
    revenueHeartbeat: HEARTBEAT,
    maxRevenuePerEpoch: 10n ** 15n,
    epochLength: EPOCH,
    operatorFeeBps: OPERATOR_FEE_BPS,
    reserveBps: RESERVE_BPS,
    keeper: ethers.ZeroAddress,
    initialHolder: ethers.ZeroAddress,
    initialShares: 0n,
    offering: noRaise(),
    nav: navParams({ hardwareCost: 1_000_000n }),
    redemptionFeeBps: REDEMPTION_FEE_BPS,
    withAllowlist: false,
    ...overrides,
  };
}

/** Offering parameters for a cluster whose operator already owns the hardware. */
export function noRaise(): ClusterFactory.LaunchParamsStruct["offering"] {
  return { pricePerShare: 0n, softCap: 0n, hardCap: 0n, deadline: 0n, minPerAccount: 0n, maxPerAccount: 0n };
}

/** NAV oracle parameters: schedule only (3-year life, 10 % salvage), NAV valid for a day. */
export function navParams(overrides: Partial<NavOracle.InitParamsStruct> = {}): NavOracle.InitParamsStruct {
  return {
    appraisalFeed: ethers.ZeroAddress,
    appraisalHeartbeat: 0,
    maxDeviationBps: 2_000,
    usefulLife: 0,
    salvageBps: 1_000,
    navHeartbeat: NAV_HEARTBEAT,
    hardwareCost: 0n,
    ...overrides,
  };
}

/** Converts a stablecoin amount into the revenue feed's 8-decimal answer. */
export function toFeedAnswer(amount: bigint, stableDecimals: number): bigint {
  return stableDecimals >= FEED_DECIMALS
    ? amount / 10n ** BigInt(stableDecimals - FEED_DECIMALS)
    : amount * 10n ** BigInt(FEED_DECIMALS - stableDecimals);
}

/** Moves the chain clock forward by `seconds` and mines a block. */
export async function increaseTime(seconds: number | bigint): Promise<void> {
  await ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await ethers.provider.send("evm_mine", []);
}

/** Sets the timestamp of the next block (the next transaction happens exactly then). */
export async function setNextTimestamp(timestamp: number | bigint): Promise<void> {
  await ethers.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
}

export async function latestTimestamp(): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

/** Attests `cumulative` billed revenue (stablecoin units) on the feed, fresh as of now. */
export async function attest(d: Deployment, cumulative: bigint): Promise<void> {
  await d.feed.updateAnswer(toFeedAnswer(cumulative, d.stableDecimals));
}

/** Jumps to the end of the running epoch, refreshes the feed to `cumulative`, and closes the epoch. */
export async function closeEpochAt(d: Deployment, cumulative: bigint) {
  const end = await d.vault.epochEnd();
  const now = await latestTimestamp();
  if (now < end) await increaseTime(end - now);
  await attest(d, cumulative);
  return d.vault.closeEpoch();
}

/**
 * Pays 400,000 of rent per epoch, closes the epoch attesting all of it on top of `billed`, publishes NAV and
 * settles the queue, until redemption era 1 is fully filled; throws after 10 epochs. Returns the new attested total.
 * Era 1 must have matured (its requests made before an epoch close) for a settlement to fill it.
 */
export async function settleUntilFirstEraFills(d: Deployment, billed: bigint): Promise<bigint> {
  for (let epoch = 0; !(await d.queue.eraOf(1)).finished; epoch++) {
    if (epoch >= 10) throw new Error("era 1 still open after 10 settled epochs");
    await d.vault.connect(d.renter).payRent(400_000n * d.unit, ethers.id(`invoice big ${epoch}`));
    billed += 400_000n * d.unit;
    await closeEpochAt(d, billed);
    await d.nav.update();
    await d.queue.settle();
  }
  return billed;
}

/** Takes an EVM snapshot; the returned function reverts to it (and re-arms, so it can be reused). */
export async function snapshot(): Promise<() => Promise<void>> {
  let id: string = await ethers.provider.send("evm_snapshot", []);
  return async () => {
    await ethers.provider.send("evm_revert", [id]);
    id = await ethers.provider.send("evm_snapshot", []);
  };
}
