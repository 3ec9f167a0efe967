import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  ClusterFactory__factory,
  ClusterShareToken__factory,
  MockStablecoin__factory, HookedStablecoin__factory,
  MockV3Aggregator__factory,
  RevenueVault__factory,
  type ClusterFactory,
  type ClusterShareToken,
  type MockStablecoin,
  type MockV3Aggregator,
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
  clusterId: bigint;
  /** One whole stablecoin in base units. */
  unit: bigint;
}

export interface DeployOptions {
  stableDecimals?: number;
  /** "hooked": a stablecoin that calls back every contract it pays (for reentrancy tests). */
  stablecoin?: "mock" | "hooked";
  initialShares?: bigint;
  maxRevenuePerEpoch?: bigint;
}

/** Deploys the protocol (implementations, factory) and launches one cluster whose shares all go to holders[0]. */
export async function deployCluster(options: DeployOptions = {}): Promise<Deployment> {
  const [admin, guardian, operator, keeper, feeRecipient, renter, stranger, ...holders] = await ethers.getSigners();
  const stableDecimals = options.stableDecimals ?? 6;
  const unit = 10n ** BigInt(stableDecimals);
  const stable = options.stablecoin === "hooked"
    ? MockStablecoin__factory.connect(await (await new HookedStablecoin__factory(admin).deploy(stableDecimals)).getAddress(), admin)
    : await new MockStablecoin__factory(admin).deploy("USD Coin", "USDC", stableDecimals);
  const feed = await new MockV3Aggregator__factory(admin).deploy(FEED_DECIMALS, 1n);
  const tokenImpl = await new ClusterShareToken__factory(admin).deploy();
  const vaultImpl = await new RevenueVault__factory(admin).deploy();
  const factory = await new ClusterFactory__factory(admin).deploy(
    admin.address,
    await tokenImpl.getAddress(),
    await vaultImpl.getAddress(),
    feeRecipient.address,
    PROTOCOL_FEE_BPS,
  );
  await factory.grantRole(await factory.GUARDIAN_ROLE(), guardian.address);
  const params = launchParams({
    stablecoin: await stable.getAddress(),
    revenueFeed: await feed.getAddress(),
    keeper: keeper.address,
    initialHolder: holders[0].address,
    initialShares: options.initialShares ?? 1_000_000n * SHARE,
    maxRevenuePerEpoch: options.maxRevenuePerEpoch ?? 10_000_000n * unit,
  });
  const clusterId = await factory.clusterCount();
  await factory.connect(operator).launch(params);
  const entry = await factory.cluster(clusterId);
  const token = ClusterShareToken__factory.connect(entry.token, admin);
  const vault = RevenueVault__factory.connect(entry.vault, admin);
  await stable.mint(renter.address, 1_000_000_000n * unit);
  await stable.connect(renter).approve(entry.vault, ethers.MaxUint256);
  return {
    admin, guardian, operator, keeper, feeRecipient, renter, stranger, holders,
    stable, stableDecimals, feed, factory, token, vault, clusterId, unit,
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

/** Takes an EVM snapshot; the returned function reverts to it (and re-arms, so it can be reused). */
export async function snapshot(): Promise<() => Promise<void>> {
  let id: string = await ethers.provider.send("evm_snapshot", []);
  return async () => {
    await ethers.provider.send("evm_revert", [id]);
    id = await ethers.provider.send("evm_snapshot", []);
  };
}
