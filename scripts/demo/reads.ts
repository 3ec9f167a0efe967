/**
 * Every figure the demo prints, read after the run the way an integrator reads them: through the SDK's client
 * (`createClusterShareClient`: clusters, epochs, investments, each answer saying its source and block) and, for
 * what its entities do not carry yet (rent paid, shortfall, claim and redemption history, NAV rounds), the SDK's
 * subgraph client on the same endpoint. Pure maths comes from the SDK's `math/`; the demo's only read module.
 */
import { JsonRpcProvider } from "ethers";
import { createClusterShareClient, type ClusterShareClient } from "../../sdk/src/client";
import type { Cluster } from "../../sdk/src/entities/cluster";
import type { Epoch } from "../../sdk/src/entities/epoch";
import { depreciatedValue, valueAtNav } from "../../sdk/src/math";
import { querySubgraph, type SubgraphEndpoint } from "../../sdk/src/fetch/subgraph/client";
import { timestampToSeconds } from "../../sdk/src/fetch/subgraph/timestamp";
import { ClusterShareToken__factory, NavOracle__factory } from "../../sdk/src/types";
import { monthOfWeek, weeksInMonth } from "./calendar";
import { irr, type CashFlow } from "./irr";
import { readSchedule } from "./navSchedule";
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
  /** Where the SDK client's answers came from ("subgraph" unless the runner fell behind) and at which block. */
  sources: { read: string; source: string; block: number }[];
  clusters: ClusterSummary[];
  investors: InvestorSummary[];
}

/** What the SDK's Cluster and Epoch entities do not carry yet, from the same subgraph. */
interface ClusterExtras {
  id: string; refunded: string; revenueAttested: string; rentPaid: string; shortfall: string; holders: number; trailingApr: string | null;
  oracleReports: { value: string; reserve: string; pendingReserve: string; totalSupply: string; appraised: boolean; timestamp: string }[];
  epochs: { number: string; rentPaid: string }[];
}

const CLUSTER_EXTRAS = `query ClusterExtras {
  clusters(first: 100, orderBy: clusterId) {
    id refunded revenueAttested rentPaid shortfall holders trailingApr
    oracleReports(first: 1000, orderBy: timestamp, where: { kind: Nav }) { value reserve pendingReserve totalSupply appraised timestamp }
    epochs(first: 1000, orderBy: number) { number rentPaid }
  }
}`;

interface AccountHistory {
  account: { claims: { amount: string; timestamp: string }[] } | null;
  purchases: { assets: string; timestamp: string }[];
  refunds: { assets: string; timestamp: string }[];
  redemptionClaims: { assets: string; timestamp: string }[];
}

const ACCOUNT_HISTORY = `query AccountHistory($id: ID!, $ref: String!) {
  account(id: $id) { claims(first: 1000) { amount timestamp } }
  purchases(first: 1000, where: { receiver: $ref }) { assets timestamp }
  refunds(first: 1000, where: { buyer: $ref }) { assets timestamp }
  redemptionClaims(first: 1000, where: { controller: $ref }) { assets timestamp }
}`;

/** Reads the summary of a finished simulation from the subgraph at `subgraphUrl` and the chain at `rpcUrl`. */
export async function readSummary(sim: Simulation, subgraphUrl: string, rpcUrl: string, eventsIndexed: number): Promise<DemoSummary> {
  const client = await createClusterShareClient({ rpcUrl, subgraphUrl, deployment: sim.protocol.deployment });
  const endpoint: SubgraphEndpoint = { url: subgraphUrl };
  const provider = client.context.provider as JsonRpcProvider;
  const sources: DemoSummary["sources"] = [];
  const sourced = async <T>(read: string, answer: Promise<{ data: T; source: string; block: number }>): Promise<T> => {
    const { data, source, block } = await answer;
    sources.push({ read, source, block });
    return data;
  };
  try {
    const clusters = await sourced("clusters", client.clusters());
    const { clusters: extras } = await querySubgraph<{ clusters: ClusterExtras[] }>(endpoint, CLUSTER_EXTRAS);
    const summaries: ClusterSummary[] = [];
    for (const cluster of clusters) {
      const { epochs } = await sourced(`cluster ${cluster.id}`, client.cluster(cluster.id));
      summaries.push(await clusterSummary(cluster, epochs, extras.find((e) => e.id === cluster.id.toString())!, sim, provider));
    }
    const end = sim.weekEnds[sim.weekEnds.length - 1];
    const investors = [];
    for (const [i, plan] of sim.scenario.investors.entries()) {
      investors.push(await investorSummary(plan.name, sim.roles.investors[i].address, i, sim, client, endpoint, end.timestamp, sourced));
    }
    return {
      seed: sim.scenario.seed,
      months: sim.scenario.months,
      weeks: sim.scenario.weeks,
      start: sim.weekEnds[0].timestamp,
      end: end.timestamp,
      headBlock: end.block,
      eventsIndexed,
      sources,
      clusters: summaries,
      investors,
    };
  } finally {
    provider.destroy();
  }
}

async function clusterSummary(c: Cluster, epochs: Epoch[], extras: ClusterExtras, sim: Simulation, provider: JsonRpcProvider): Promise<ClusterSummary> {
  const rounds = extras.oracleReports;
  const total = (pick: (e: Epoch) => bigint) => epochs.reduce((sum, e) => sum + pick(e), 0n);
  return {
    clusterId: c.id.toString(),
    name: c.name,
    symbol: c.symbol,
    gpus: `${c.gpuCount} × ${c.gpuModel}`,
    region: c.region,
    state: c.state,
    raised: c.raised.raw,
    refunded: BigInt(extras.refunded),
    rentBilled: BigInt(extras.revenueAttested),
    rentPaid: BigInt(extras.rentPaid),
    shortfall: BigInt(extras.shortfall),
    distributed: total((e) => e.toHolders.raw),
    protocolFees: total((e) => e.protocolFee.raw),
    operatorFees: total((e) => e.operatorFee.raw),
    reserve: c.reserve.raw,
    totalSupply: c.totalSupply.raw,
    holders: extras.holders,
    navStart: rounds.length > 0 ? BigInt(rounds[0].value) : null,
    navEnd: c.navPerShare?.raw ?? null,
    trailingApr: trailingApr(c, epochs, sim.scenario.months),
    lastEpochApr: extras.trailingApr,
    scheduleRounds: rounds.filter((r) => !r.appraised).length,
    charts: c.state === "Active" ? await charts(c, epochs, extras, sim, provider) : { nav: [], yieldPerShare: [], rent: [] },
  };
}

function trailingApr(c: Cluster, epochs: Epoch[], months: number): number | null {
  if (c.navPerShare === null || c.totalSupply.raw === 0n) return null;
  const lastMonth = months - 1;
  const toHolders = epochs.filter((e) => monthOfWeek(Number(e.number)) === lastMonth).reduce((sum, e) => sum + e.toHolders.raw, 0n);
  const value = valueAtNav(c.totalSupply.raw, c.navPerShare.raw);
  // A ratio: computed in millionths with bigints, a number only for the rate.
  return Number((toHolders * 52n * 1_000_000n) / (BigInt(weeksInMonth(lastMonth)) * value)) / 1_000_000;
}

async function charts(c: Cluster, epochs: Epoch[], extras: ClusterExtras, sim: Simulation, provider: JsonRpcProvider): Promise<ClusterCharts> {
  const schedule = await readSchedule(NavOracle__factory.connect(c.contracts.navOracle, provider));
  const nav = extras.oracleReports.map((r) => {
    const timestamp = timestampToSeconds(r.timestamp);
    const book = depreciatedValue(schedule, BigInt(timestamp))! + BigInt(r.reserve) + BigInt(r.pendingReserve);
    return { timestamp, navPerShare: BigInt(r.value), scheduleNavPerShare: (book * WAD) / BigInt(r.totalSupply), appraised: r.appraised };
  });
  const token = ClusterShareToken__factory.connect(c.contracts.token, provider);
  const scale = await token.accumulatorScale();
  const yieldPerShare = [];
  for (const week of sim.weekEnds) {
    const accumulator = await token.rewardPerToken({ blockTag: week.block });
    yieldPerShare.push({ timestamp: week.timestamp, value: (accumulator * WAD) / scale });
  }
  const rent = Array.from({ length: sim.scenario.months }, (_, month) => ({ month, billed: 0n, paid: 0n }));
  const inRun = (epoch: bigint | string) => rent[monthOfWeek(Number(epoch))];
  for (const epoch of epochs) if (inRun(epoch.number)) inRun(epoch.number).billed += epoch.newlyAttested.raw;
  for (const epoch of extras.epochs) if (inRun(epoch.number)) inRun(epoch.number).paid += BigInt(epoch.rentPaid);
  return { nav, yieldPerShare, rent };
}

async function investorSummary(
  name: string, address: string, index: number, sim: Simulation, client: ClusterShareClient, endpoint: SubgraphEndpoint, end: number,
  sourced: <T>(read: string, answer: Promise<{ data: T; source: string; block: number }>) => Promise<T>,
): Promise<InvestorSummary> {
  const id = address.toLowerCase();
  const history = await querySubgraph<AccountHistory>(endpoint, ACCOUNT_HISTORY, { id, ref: id });
  const flows: CashFlow[] = [];
  const record = (entries: { timestamp: string }[], amountOf: (entry: never) => string, sign: bigint): bigint => {
    let total = 0n;
    for (const entry of entries) {
      const amount = BigInt(amountOf(entry as never));
      total += amount;
      flows.push({ timestamp: timestampToSeconds(entry.timestamp), amount: sign * amount });
    }
    return total;
  };
  const invested = record(history.purchases, (e: { assets: string }) => e.assets, -1n);
  const refunded = record(history.refunds, (e: { assets: string }) => e.assets, 1n);
  const yieldClaimed = record(history.account?.claims ?? [], (e: { amount: string }) => e.amount, 1n);
  const redemptionProceeds = record(history.redemptionClaims, (e: { assets: string }) => e.assets, 1n);
  let saleProceeds = 0n;
  for (const sale of sim.sales.filter((s) => s.investor === index)) {
    saleProceeds += sale.proceeds;
    flows.push({ timestamp: sale.timestamp, amount: sale.proceeds });
  }
  const investment = await sourced(`investment ${name}`, client.getInvestment(address));
  let marketValue = 0n;
  let unclaimedYield = 0n;
  for (const stake of investment.clusters) {
    if (stake.cluster.state !== "Active") continue;
    const nav = stake.cluster.navPerShare?.raw ?? 0n;
    unclaimedYield += stake.earned.raw;
    marketValue += valueAtNav(stake.balance.raw + (stake.pendingRedemption?.pendingShares.raw ?? 0n), nav)
      + stake.earned.raw + stake.claimableRedemption.assets.raw;
  }
  flows.push({ timestamp: end, amount: marketValue });
  return { name, address, invested, refunded, yieldClaimed, saleProceeds, redemptionProceeds, marketValue, unclaimedYield, irr: irr(flows) };
}
