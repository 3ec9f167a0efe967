/**
 * Carries a scenario out on the in-process Hardhat network: deploys, runs the raises, then week by week the rent,
 * the feeds, the keeper and the investors. Time moves with hardhat-network-helpers; every transaction is real.
 * Returns what only the simulator knows (accounts, contracts, the blocks where weeks ended, Uniswap sales); every
 * figure the demo prints is read back afterwards (reads.ts).
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import hre from "hardhat";
import {
  ClusterOffering__factory, ClusterShareToken__factory, NavOracle__factory, RedemptionQueue__factory, RevenueVault__factory,
  type ClusterOffering, type ClusterShareToken, type MockV3Aggregator, type NavOracle, type RedemptionQueue, type RevenueVault,
} from "../../sdk/src/types";
import type { ClusterShareContext } from "../../sdk/src/context";
import { depreciatedValue } from "../../sdk/src/math";
import * as act from "./actions";
import { lastWeekOf, monthOfWeek, WEEK } from "./calendar";
import { installDeterministicClock } from "./clock";
import { readSchedule } from "./navSchedule";
import { bigintsAsStrings } from "./format";
import { assignRoles, deployFeed, deployProtocol, FEED_DECIMALS, PROTOCOL_FEE_BPS, type Protocol, type Roles } from "./deploy";
import { createKeeper, type Keeper } from "../keeper/keeper";
import { RAISE_DURATION, START_TIMESTAMP, STABLE_DECIMALS, type ClusterPlan, type Scenario } from "./scenario";

const DAY = 86_400;
const BPS = 10_000n;
const WAD = 10n ** 18n;
const REVENUE_HEARTBEAT = 2 * DAY;
/**
 * The appraiser posts weekly, just before the keeper; a skipped week leaves its answer a week old, past this
 * heartbeat (which the NAV oracle caps at half the NAV heartbeat).
 */
const APPRAISAL_HEARTBEAT = 3 * DAY;
const NAV_HEARTBEAT = WEEK;
const USEFUL_LIFE = 3 * 365 * DAY;
const SALVAGE_BPS = 1_000;
const MAX_APPRAISAL_DEVIATION_BPS = 2_000;

export interface SimulatedCluster {
  plan: ClusterPlan;
  clusterId: bigint;
  operator: HardhatEthersSigner;
  token: ClusterShareToken;
  vault: RevenueVault;
  offering: ClusterOffering;
  queue: RedemptionQueue;
  nav: NavOracle;
  revenueFeed: MockV3Aggregator;
  appraisalFeed: MockV3Aggregator;
  /** Sum of the invoices attested so far, stablecoin units. */
  billed: bigint;
}

export interface Sale {
  investor: number;
  cluster: number;
  shares: bigint;
  proceeds: bigint;
  timestamp: number;
}

export interface Simulation {
  scenario: Scenario;
  roles: Roles;
  protocol: Protocol;
  /** Operating clusters, then the failed raise last. */
  clusters: SimulatedCluster[];
  /** The block and time at which each operating week's upkeep finished (index 0: the end of the raise). */
  weekEnds: { week: number; block: number; timestamp: number }[];
  sales: Sale[];
  /** What the keeper did: every upkeep performed, by step; and every revert or node failure, one line each. */
  upkeeps: Record<string, number>;
  log: string[];
  /** The SDK context an account acts in. */
  ctx(signer: HardhatEthersSigner): ClusterShareContext;
}

export interface SimulateOptions {
  onWeek?: (week: number, weeks: number) => void;
}

/** Runs `scenario` on the in-process network (which must be fresh: the scenario's clock starts in 2030). */
export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<Simulation> {
  const removeClock = installDeterministicClock();
  try {
    return await run(scenario, options);
  } finally {
    removeClock();
  }
}

async function run(scenario: Scenario, options: SimulateOptions): Promise<Simulation> {
  const roles = await assignRoles(scenario.clusters.length, scenario.investors.length);
  const protocol = await deployProtocol(roles);
  const log: string[] = [];
  await time.increaseTo(START_TIMESTAMP);
  const clusters: SimulatedCluster[] = [];
  for (const [index, plan] of [...scenario.clusters, scenario.failedRaise].entries()) {
    clusters.push(await launch(protocol, roles, roles.operators[index], plan));
  }
  const operating = clusters.slice(0, scenario.clusters.length);
  const contexts = new Map<string, ClusterShareContext>();
  const ctx = (signer: HardhatEthersSigner) => {
    if (!contexts.has(signer.address)) contexts.set(signer.address, act.contextFor(protocol.deployment, signer));
    return contexts.get(signer.address)!;
  };
  await fund(scenario, roles, protocol, clusters);
  await runRaises(scenario, roles, clusters, ctx);
  const sim: Simulation = { scenario, roles, protocol, clusters, weekEnds: [await weekEnd(0)], sales: [], upkeeps: {}, log, ctx };
  const keeper = demoKeeper(sim);

  for (let week = 1; week <= scenario.weeks; week++) {
    const end = await operating[0].vault.epochEnd();
    await time.increaseTo(end - BigInt(3 * DAY));
    await midWeek(sim, week);
    await time.increaseTo(maxBig(...(await Promise.all(operating.map((c) => c.vault.epochEnd())))));
    for (const [index, cluster] of operating.entries()) await reportFeeds(sim, cluster, index, week);
    await keeper.tickOnce();
    sim.weekEnds.push(await weekEnd(week));
    options.onWeek?.(week, scenario.weeks);
  }
  return sim;
}

/** The keeper (scripts/keeper): each tick closes, publishes NAV and settles, in that order, where due. */
function demoKeeper(sim: Simulation): Keeper {
  return createKeeper({
    provider: hre.ethers.provider,
    signer: sim.roles.keeper,
    deployment: sim.protocol.deployment,
    log: (entry) => {
      if (entry.kind === "action" && entry.outcome === "performed") sim.upkeeps[entry.step] = (sim.upkeeps[entry.step] ?? 0) + 1;
      else sim.log.push(`keeper: ${JSON.stringify(entry, bigintsAsStrings)}`);
    },
  });
}

async function weekEnd(week: number) {
  const block = (await hre.ethers.provider.getBlock("latest"))!;
  return { week, block: block.number, timestamp: block.timestamp };
}

async function launch(protocol: Protocol, roles: Roles, operator: HardhatEthersSigner, plan: ClusterPlan): Promise<SimulatedCluster> {
  const revenueFeed = await deployFeed(roles.reporter, 0n); // cumulative billing: nothing billed yet
  const appraisalFeed = await deployFeed(roles.reporter, toFeedAnswer(plan.hardwareCost));
  const clusterId = await protocol.factory.clusterCount();
  const maxMonthlyInvoice = BigInt(plan.gpuCount) * 5n * 168n * plan.gpuHourPrice;
  await protocol.factory.connect(operator).launch({
    name: plan.name,
    symbol: plan.symbol,
    gpuModel: plan.gpuModel,
    gpuCount: plan.gpuCount,
    region: plan.region,
    metadataURI: `ipfs://clustershare-demo/${plan.symbol}`,
    metadataHash: hre.ethers.id(`${plan.name} metadata v1`),
    stablecoin: await protocol.stable.getAddress(),
    revenueFeed: await revenueFeed.getAddress(),
    revenueHeartbeat: REVENUE_HEARTBEAT,
    // A monthly invoice is attested in one close: the bound leaves room for twice the busiest month.
    maxRevenuePerEpoch: 2n * maxMonthlyInvoice,
    epochLength: WEEK,
    operatorFeeBps: plan.operatorFeeBps,
    reserveBps: plan.reserveBps,
    keeper: roles.keeper.address,
    initialHolder: hre.ethers.ZeroAddress,
    initialShares: 0n,
    offering: {
      pricePerShare: plan.pricePerShare,
      softCap: plan.softCap,
      hardCap: plan.hardwareCost,
      deadline: BigInt(START_TIMESTAMP + RAISE_DURATION),
      minPerAccount: 0n,
      maxPerAccount: 0n,
    },
    nav: {
      appraisalFeed: await appraisalFeed.getAddress(),
      appraisalHeartbeat: APPRAISAL_HEARTBEAT,
      maxDeviationBps: MAX_APPRAISAL_DEVIATION_BPS,
      usefulLife: USEFUL_LIFE,
      salvageBps: SALVAGE_BPS,
      navHeartbeat: NAV_HEARTBEAT,
      hardwareCost: 0n,
    },
    redemptionFeeBps: plan.redemptionFeeBps,
    withAllowlist: false,
  });
  const { contracts } = await protocol.factory.cluster(clusterId);
  const runner = roles.admin;
  return {
    plan,
    clusterId,
    operator,
    token: ClusterShareToken__factory.connect(contracts.token, runner),
    vault: RevenueVault__factory.connect(contracts.vault, runner),
    offering: ClusterOffering__factory.connect(contracts.offering, runner),
    queue: RedemptionQueue__factory.connect(contracts.redemptionQueue, runner),
    nav: NavOracle__factory.connect(contracts.navOracle, runner),
    revenueFeed,
    appraisalFeed,
    billed: 0n,
  };
}

/** Investors get the stablecoin they invest (a faucet stands in for their bank); the renter its whole year's rent. */
async function fund(scenario: Scenario, roles: Roles, protocol: Protocol, clusters: SimulatedCluster[]): Promise<void> {
  for (const [i, investor] of scenario.investors.entries()) {
    const total = investor.buys.reduce((sum, b) => sum + b.amount, 0n);
    await protocol.stable.mint(roles.investors[i].address, total);
  }
  await protocol.stable.mint(roles.operators[scenario.liquidity.cluster].address, scenario.liquidity.amount);
  let rent = 0n;
  for (const cluster of clusters) {
    for (const month of cluster.plan.months) for (const payment of month.payments) rent += payment.amount;
    await protocol.stable.connect(roles.renter).approve(await cluster.vault.getAddress(), hre.ethers.MaxUint256);
  }
  await protocol.stable.mint(roles.renter.address, rent);
}

/** Everyone buys during the raise week; at the deadline every offering is finalised and the operators take the proceeds. */
async function runRaises(
  scenario: Scenario, roles: Roles, clusters: SimulatedCluster[], ctx: (signer: HardhatEthersSigner) => ClusterShareContext,
): Promise<void> {
  const lp = scenario.liquidity;
  await act.buyInRaise(ctx(roles.operators[lp.cluster]), clusters[lp.cluster].clusterId, lp.amount);
  for (const [i, investor] of scenario.investors.entries()) {
    for (const buy of investor.buys) await act.buyInRaise(ctx(roles.investors[i]), clusters[buy.cluster].clusterId, buy.amount);
  }
  await time.increaseTo(START_TIMESTAMP + RAISE_DURATION + 1);
  for (const cluster of clusters) await act.closeRaise(ctx(roles.keeper), ctx(cluster.operator), cluster.clusterId, cluster.operator.address);
}

/** Mid-week: rent payments, refunds, liquidity, the sale, the redemption and the claims due this week. */
async function midWeek(sim: Simulation, week: number): Promise<void> {
  const { scenario, roles, protocol, clusters } = sim;
  const operating = clusters.slice(0, scenario.clusters.length);
  for (const cluster of operating) {
    for (const month of cluster.plan.months) {
      for (const payment of month.payments) {
        if (payment.week === week) await act.payInvoice(sim.ctx(roles.renter), cluster.clusterId, payment.amount, payment.ref);
      }
    }
  }
  if (week === 1) {
    const failed = clusters[clusters.length - 1];
    for (const [i, investor] of scenario.investors.entries()) {
      if (investor.buys.some((b) => b.cluster === clusters.length - 1)) await act.refundRaise(sim.ctx(roles.investors[i]), failed.clusterId);
    }
    const lp = clusters[scenario.liquidity.cluster];
    // Priced at the raise's net price per share (what NAV starts at: the hardware is the raise less the protocol fee).
    const shares = await lp.token.balanceOf(lp.operator.address);
    const netPrice = (lp.plan.pricePerShare * (BPS - BigInt(PROTOCOL_FEE_BPS))) / BPS;
    const assets = (shares * netPrice) / WAD;
    await act.provideLiquidity(sim.ctx(lp.operator), lp.clusterId, protocol.uniswap.router, lp.token, protocol.stable, lp.operator, shares, assets);
  }
  const { sale, redemption } = scenario;
  if (week === sale.week) {
    const seller = roles.investors[sale.investor];
    const { proceeds } = await act.sellShares(protocol.uniswap.router, clusters[sale.cluster].token, protocol.stable, seller, sale.shares);
    sim.sales.push({ ...sale, proceeds, timestamp: (await hre.ethers.provider.getBlock("latest"))!.timestamp });
  }
  const redeemer = roles.investors[redemption.investor];
  const redeemCluster = clusters[redemption.cluster];
  if (week === redemption.week) {
    await act.askToRedeem(sim.ctx(redeemer), redeemCluster.clusterId, await redemptionSize(redeemCluster, week, redeemer));
  }
  if (week > redemption.week) await act.redeemFilled(sim.ctx(redeemer), redeemCluster.queue, redeemer.address, redeemCluster.clusterId);
  for (const [i, investor] of scenario.investors.entries()) {
    if (investor.claimEveryWeeks === 0 || week % investor.claimEveryWeeks !== 0) continue;
    for (const cluster of operating) {
      if (await cluster.token.earned(roles.investors[i].address) > 0n) await act.claimYield(sim.ctx(roles.investors[i]), cluster.clusterId);
    }
  }
}

/**
 * The redeemer asks for the reserve's worth plus half of this month's expected reserve slice: the next settlement
 * fills part, the month's close adds the rest.
 */
async function redemptionSize(cluster: SimulatedCluster, week: number, holder: HardhatEthersSigner): Promise<bigint> {
  const { plan } = cluster;
  const slice = (plan.months[monthOfWeek(week)].invoice * BigInt(plan.reserveBps)) / BPS;
  const [, navPerShare] = await cluster.nav.latestRoundData(); // a stored round: no view of "now" decides the size
  const price = (navPerShare * (BPS - BigInt(plan.redemptionFeeBps))) / BPS;
  const shares = (((await cluster.vault.reserve()) + slice / 2n) * WAD) / price;
  const balance = await cluster.token.balanceOf(holder.address);
  return shares < balance ? shares : balance;
}

/**
 * Before the keeper runs: the revenue reporter attests the cumulative billing (a month's invoice at its last
 * week's close), and the appraiser posts the hardware's appraised value (the schedule give or take a few percent),
 * except in the scenario's stale weeks.
 */
async function reportFeeds(sim: Simulation, cluster: SimulatedCluster, index: number, week: number): Promise<void> {
  const month = monthOfWeek(week);
  if (week === lastWeekOf(month)) cluster.billed += cluster.plan.months[month].invoice;
  await cluster.revenueFeed.connect(sim.roles.reporter).updateAnswer(toFeedAnswer(cluster.billed));
  const stale = sim.scenario.staleAppraisal;
  if (stale.cluster === index && stale.weeks.includes(week)) return;
  // The schedule as of the latest block (the SDK's statement of NavOracle.scheduledValue), give or take the noise.
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  const scheduled = depreciatedValue(await readSchedule(cluster.nav), now)!;
  const appraisal = (scheduled * BigInt(10_000 + cluster.plan.appraisalNoiseBps[week - 1])) / BPS;
  await cluster.appraisalFeed.connect(sim.roles.reporter).updateAnswer(toFeedAnswer(appraisal));
}

/** A stablecoin amount as the feeds' 8-decimal answer. */
function toFeedAnswer(amount: bigint): bigint {
  return amount * 10n ** BigInt(FEED_DECIMALS - STABLE_DECIMALS);
}

function maxBig(...values: bigint[]): bigint {
  return values.reduce((a, b) => (a > b ? a : b));
}
