/**
 * Every figure the demo prints, read after the run: from the subgraph (served by the local runner) through the
 * SDK's subgraph client, and from the chain over JSON-RPC with the SDK's typed contracts, the way an integrator
 * reads them. The demo's one read module, to switch to `createClusterShareClient` (sdk/src/client.ts) once it
 * exists. Pure maths comes from the SDK's `math/`.
 */
import { JsonRpcProvider } from "ethers";
import { depreciatedValue, valueAtNav } from "../../sdk/src/math";
import { querySubgraph, type SubgraphEndpoint } from "../../sdk/src/fetch/subgraph/client";
import { timestampToSeconds } from "../../sdk/src/fetch/subgraph/timestamp";
import { ClusterShareToken__factory, NavOracle__factory, RedemptionQueue__factory } from "../../sdk/src/types";
import { monthOfWeek, weeksInMonth } from "./calendar";
import { irr, type CashFlow } from "./irr";
import type { Simulation } from "./simulator";

const WAD = 10n ** 18n;

export interface ClusterSummary {
  clusterId: string;
  name: string;
  symbol: string;
  gpus: string;
  region: string;
  state: string;
  raised: bigint;
  refunded: bigint;
  rentBilled: bigint;
  rentPaid: bigint;
  shortfall: bigint;
  distributed: bigint;
  protocolFees: bigint;
  operatorFees: bigint;
  reserve: bigint;
  totalSupply: bigint;
  holders: number;
  /** The first and the last published NAV per share (null when the raise failed). */
  navStart: bigint | null;
  navEnd: bigint | null;
  /**
   * Holder yield of the last month's epochs, annualised, over the shares' value at the last NAV. The subgraph's own
   * `trailingApr` annualises the last epoch alone, which a monthly invoice (released in one weekly close) inflates
   * or zeroes; it is kept as `lastEpochApr`.
   */
  trailingApr: number | null;
  lastEpochApr: string | null;
  /** Stale-appraisal rounds: NAV rounds priced from the depreciation schedule. */
  scheduleRounds: number;
  charts: ClusterCharts;
}

export interface ClusterCharts {
  /** Every NAV round, with what the depreciation schedule alone would have given at the same time. */
  nav: { timestamp: number; navPerShare: bigint; scheduleNavPerShare: bigint; appraised: boolean }[];
  /** Yield streamed per whole share since launch, at the end of each week (stablecoin units). */
  yieldPerShare: { timestamp: number; value: bigint }[];
  /** Per month: what was billed (attested at the month's closes) and what was paid. */
  rent: { month: number; billed: bigint; paid: bigint }[];
}

export interface InvestorSummary {
  name: string;
  address: string;
  invested: bigint;
  refunded: bigint;
  yieldClaimed: bigint;
  saleProceeds: bigint;
  redemptionProceeds: bigint;
  /** Shares held (and pending redemption) at the last NAV, plus yield earned but not claimed. */
  marketValue: bigint;
  unclaimedYield: bigint;
  /** Annualised, null when undefined. */
  irr: number | null;
}

export interface DemoSummary {
  seed: number;
  months: number;
  weeks: number;
  start: number;
  end: number;
  headBlock: number;
  eventsIndexed: number;
  clusters: ClusterSummary[];
  investors: InvestorSummary[];
}

interface ClusterEntity {
  id: string; name: string; symbol: string; gpuModel: string; gpuCount: number; region: string; state: string;
  raised: string; refunded: string; revenueAttested: string; rentPaid: string; shortfall: string; distributed: string;
  protocolFees: string; operatorFees: string; reserve: string; totalSupply: string; holders: number;
  navPerShare: string | null; trailingApr: string | null; token: string; navOracle: string; redemptionQueue: string;
  oracleReports: { value: string; reserve: string; pendingReserve: string; totalSupply: string; appraised: boolean; timestamp: string }[];
  epochs: { number: string; newlyAttested: string | null; rentPaid: string; toHolders: string | null }[];
}

const CLUSTERS = `query Clusters {
  clusters(first: 100, orderBy: clusterId) {
    id name symbol gpuModel gpuCount region state raised refunded revenueAttested rentPaid shortfall distributed
    protocolFees operatorFees reserve totalSupply holders navPerShare trailingApr token navOracle redemptionQueue
    oracleReports(first: 1000, orderBy: timestamp, where: { kind: Nav }) { value reserve pendingReserve totalSupply appraised timestamp }
    epochs(first: 1000, orderBy: number) { number newlyAttested rentPaid toHolders }
  }
}`;

interface AccountEntity {
  positions: { cluster: { id: string }; balance: string; claimed: string; sharesPendingRedemption: string }[];
  purchases: { assets: string; timestamp: string }[];
  claims: { amount: string; timestamp: string }[];
}

const ACCOUNT = `query Account($id: ID!, $ref: String!) {
  account(id: $id) {
    positions(first: 100) { cluster { id } balance claimed sharesPendingRedemption }
    purchases(first: 1000) { assets timestamp }
    claims(first: 1000) { amount timestamp }
  }
  refunds(first: 1000, where: { buyer: $ref }) { assets timestamp }
  redemptionClaims(first: 1000, where: { controller: $ref }) { assets timestamp }
}`;

/** Reads the summary of a finished simulation from the subgraph at `subgraphUrl` and the chain at `rpcUrl`. */
export async function readSummary(sim: Simulation, subgraphUrl: string, rpcUrl: string, eventsIndexed: number): Promise<DemoSummary> {
  const endpoint: SubgraphEndpoint = { url: subgraphUrl };
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
  try {
    const { clusters } = await querySubgraph<{ clusters: ClusterEntity[] }>(endpoint, CLUSTERS);
    const summaries = await Promise.all(clusters.map((c) => clusterSummary(c, sim, provider)));
    const navs = new Map(summaries.map((s) => [s.clusterId, s.navEnd ?? 0n]));
    const end = sim.weekEnds[sim.weekEnds.length - 1];
    const investors = [];
    for (const [i, plan] of sim.scenario.investors.entries()) {
      investors.push(await investorSummary(plan.name, sim.roles.investors[i].address, i, sim, clusters, navs, endpoint, provider, end.timestamp));
    }
    return {
      seed: sim.scenario.seed,
      months: sim.scenario.months,
      weeks: sim.scenario.weeks,
      start: sim.weekEnds[0].timestamp,
      end: end.timestamp,
      headBlock: end.block,
      eventsIndexed,
      clusters: summaries,
      investors,
    };
  } finally {
    provider.destroy();
  }
}

async function clusterSummary(c: ClusterEntity, sim: Simulation, provider: JsonRpcProvider): Promise<ClusterSummary> {
  const rounds = c.oracleReports;
  return {
    clusterId: c.id,
    name: c.name,
    symbol: c.symbol,
    gpus: `${c.gpuCount} × ${c.gpuModel}`,
    region: c.region,
    state: c.state,
    raised: BigInt(c.raised),
    refunded: BigInt(c.refunded),
    rentBilled: BigInt(c.revenueAttested),
    rentPaid: BigInt(c.rentPaid),
    shortfall: BigInt(c.shortfall),
    distributed: BigInt(c.distributed),
    protocolFees: BigInt(c.protocolFees),
    operatorFees: BigInt(c.operatorFees),
    reserve: BigInt(c.reserve),
    totalSupply: BigInt(c.totalSupply),
    holders: c.holders,
    navStart: rounds.length > 0 ? BigInt(rounds[0].value) : null,
    navEnd: c.navPerShare === null ? null : BigInt(c.navPerShare),
    trailingApr: trailingApr(c, sim.scenario.months),
    lastEpochApr: c.trailingApr,
    scheduleRounds: rounds.filter((r) => !r.appraised).length,
    charts: c.state === "Active" ? await charts(c, sim, provider) : { nav: [], yieldPerShare: [], rent: [] },
  };
}

function trailingApr(c: ClusterEntity, months: number): number | null {
  if (c.navPerShare === null || BigInt(c.totalSupply) === 0n) return null;
  const lastMonth = months - 1;
  const epochs = c.epochs.filter((e) => monthOfWeek(Number(e.number)) === lastMonth);
  const toHolders = epochs.reduce((sum, e) => sum + BigInt(e.toHolders ?? 0), 0n);
  const value = valueAtNav(BigInt(c.totalSupply), BigInt(c.navPerShare));
  // A ratio: computed in millionths with bigints, a number only for the rate.
  return Number((toHolders * 52n * 1_000_000n) / (BigInt(weeksInMonth(lastMonth)) * value)) / 1_000_000;
}

async function charts(c: ClusterEntity, sim: Simulation, provider: JsonRpcProvider): Promise<ClusterCharts> {
  const nav = NavOracle__factory.connect(c.navOracle, provider);
  const s = await nav.schedule();
  const schedule = { cost: s.cost, start: s.start, usefulLife: s.usefulLife, salvageBps: s.salvageBps, maxDeviationBps: s.maxDeviationBps };
  const navSeries = c.oracleReports.map((r) => {
    const timestamp = timestampToSeconds(r.timestamp);
    const book = depreciatedValue(schedule, BigInt(timestamp))! + BigInt(r.reserve) + BigInt(r.pendingReserve);
    return { timestamp, navPerShare: BigInt(r.value), scheduleNavPerShare: (book * WAD) / BigInt(r.totalSupply), appraised: r.appraised };
  });
  const token = ClusterShareToken__factory.connect(c.token, provider);
  const scale = await token.accumulatorScale();
  const yieldPerShare = [];
  for (const week of sim.weekEnds) {
    const accumulator = await token.rewardPerToken({ blockTag: week.block });
    yieldPerShare.push({ timestamp: week.timestamp, value: (accumulator * WAD) / scale });
  }
  const rent = Array.from({ length: sim.scenario.months }, (_, month) => ({ month, billed: 0n, paid: 0n }));
  for (const epoch of c.epochs) {
    const month = monthOfWeek(Number(epoch.number));
    if (month >= rent.length) continue;
    rent[month].billed += BigInt(epoch.newlyAttested ?? 0);
    rent[month].paid += BigInt(epoch.rentPaid);
  }
  return { nav: navSeries, yieldPerShare, rent };
}

async function investorSummary(
  name: string, address: string, index: number, sim: Simulation, clusters: ClusterEntity[], navs: Map<string, bigint>,
  endpoint: SubgraphEndpoint, provider: JsonRpcProvider, end: number,
): Promise<InvestorSummary> {
  const id = address.toLowerCase();
  const data = await querySubgraph<{ account: AccountEntity; refunds: { assets: string; timestamp: string }[]; redemptionClaims: { assets: string; timestamp: string }[] }>(
    endpoint, ACCOUNT, { id, ref: id },
  );
  const flows: CashFlow[] = [];
  const flow = (list: { timestamp: string }[], amountOf: (e: never) => string, sign: bigint) => {
    let total = 0n;
    for (const e of list) {
      const amount = BigInt(amountOf(e as never));
      total += amount;
      flows.push({ timestamp: timestampToSeconds(e.timestamp), amount: sign * amount });
    }
    return total;
  };
  const invested = flow(data.account.purchases, (e: { assets: string }) => e.assets, -1n);
  const refunded = flow(data.refunds, (e: { assets: string }) => e.assets, 1n);
  const yieldClaimed = flow(data.account.claims, (e: { amount: string }) => e.amount, 1n);
  const redemptionProceeds = flow(data.redemptionClaims, (e: { assets: string }) => e.assets, 1n);
  let saleProceeds = 0n;
  for (const sale of sim.sales.filter((s) => s.investor === index)) {
    saleProceeds += sale.proceeds;
    flows.push({ timestamp: sale.timestamp, amount: sale.proceeds });
  }
  let marketValue = 0n;
  let unclaimedYield = 0n;
  for (const position of data.account.positions) {
    const cluster = clusters.find((c) => c.id === position.cluster.id)!;
    if (cluster.state !== "Active") continue;
    const shares = BigInt(position.balance) + BigInt(position.sharesPendingRedemption);
    const earned = await ClusterShareToken__factory.connect(cluster.token, provider).earned(address);
    const [, claimableAssets] = await RedemptionQueue__factory.connect(cluster.redemptionQueue, provider).claimable(address);
    unclaimedYield += earned;
    marketValue += valueAtNav(shares, navs.get(cluster.id)!) + earned + claimableAssets;
  }
  flows.push({ timestamp: end, amount: marketValue });
  return { name, address, invested, refunded, yieldClaimed, saleProceeds, redemptionProceeds, marketValue, unclaimedYield, irr: irr(flows) };
}
