/**
 * The demo's scenario: a pure, deterministic plan of a year of GPU clusters, built from `--seed`, `--months` and
 * `--clusters` alone (no chain, no clock, no Math.random). The simulator carries it out on the chain.
 */
import { seededRandom, type Random } from "./random";
import { lastWeekOf, totalWeeks, weeksInMonth } from "./calendar";

/** The stablecoin's decimals (a USDC-like token) and one whole stablecoin in base units. */
export const STABLE_DECIMALS = 6;
export const USD = 10n ** BigInt(STABLE_DECIMALS);
const BPS = 10_000n;
const HOURS_PER_WEEK = 168n;

/** When the simulated year starts (a Monday, 00:00 UTC), fixed so a seed replays the same timestamps. */
export const START_TIMESTAMP = Date.UTC(2030, 0, 7) / 1000;
/** The raise runs for the week before the first epoch. */
export const RAISE_DURATION = 6 * 86_400;

export interface ClusterPlan {
  name: string;
  symbol: string;
  gpuModel: string;
  gpuCount: number;
  region: string;
  /** Rent per GPU-hour, stablecoin units. */
  gpuHourPrice: bigint;
  /** The raise pays for the hardware: its hard cap. */
  hardwareCost: bigint;
  pricePerShare: bigint;
  softCap: bigint;
  operatorFeeBps: number;
  reserveBps: number;
  redemptionFeeBps: number;
  /** Share of the hardware the appraiser's answer strays from the schedule, per operating week (index 0 = week 1). */
  appraisalNoiseBps: number[];
  /** Invoice and payments per month (empty for a raise that fails). */
  months: RentMonth[];
}

export interface RentMonth {
  utilizationBps: number;
  /** What the renter is billed for the month: GPUs × hours × utilization × price. Attested at the month's last close. */
  invoice: bigint;
  /** Payments against any invoice, each in an operating week (paid mid-week, before that week's close). */
  payments: { week: number; amount: bigint; ref: string }[];
}

export interface InvestorPlan {
  name: string;
  /** Claims every `claimEveryWeeks` weeks (0: never, the yield stays claimable). */
  claimEveryWeeks: number;
  /** Stablecoin put into each raise, by cluster index (the failed raise is index `clusters.length`). */
  buys: { cluster: number; amount: bigint }[];
}

export interface Scenario {
  seed: number;
  months: number;
  weeks: number;
  /** Operating clusters; the last entry of `allClusters` is the raise that fails. */
  clusters: ClusterPlan[];
  failedRaise: ClusterPlan;
  investors: InvestorPlan[];
  /** The operator of cluster 0 buys this much in its raise and pairs the shares in a Uniswap V2 pool in week 1. */
  liquidity: { cluster: number; amount: bigint };
  sale: { investor: number; cluster: number; week: number; shares: bigint };
  /** The redeemer asks for the reserve plus half a month's reserve slice, so one settlement fills part. */
  redemption: { investor: number; cluster: number; week: number };
  /** The appraiser posts nothing in these weeks of cluster 0: NAV falls back to the schedule. */
  staleAppraisal: { cluster: number; weeks: number[] };
  late: { cluster: number; month: number };
  short: { cluster: number; month: number; paidBps: number; madeGoodMonth: number; madeGoodBps: number };
}

export interface ScenarioOptions {
  seed?: number;
  months?: number;
  clusters?: number;
}

interface Site {
  name: string;
  symbol: string;
  gpuModel: string;
  gpuCount: number;
  region: string;
  /** Dollars per GPU-hour (cents). */
  priceCents: number;
  /** Dollars per GPU, servers and networking included. */
  costPerGpu: number;
}

/** Cluster 0 and 1 are the examples; more `--clusters` take the next sites. The last one never raises. */
const SITES: Site[] = [
  { name: "H100 Cluster Frankfurt", symbol: "csH100FRA", gpuModel: "NVIDIA H100 SXM", gpuCount: 256, region: "eu-central", priceCents: 210, costPerGpu: 30_000 },
  { name: "H100 Cluster Oslo", symbol: "csH100OSL", gpuModel: "NVIDIA H100 SXM", gpuCount: 64, region: "eu-north", priceCents: 235, costPerGpu: 31_000 },
  { name: "H200 Cluster Virginia", symbol: "csH200IAD", gpuModel: "NVIDIA H200", gpuCount: 128, region: "us-east", priceCents: 290, costPerGpu: 36_000 },
  { name: "A100 Cluster Singapore", symbol: "csA100SIN", gpuModel: "NVIDIA A100 80GB", gpuCount: 96, region: "ap-southeast", priceCents: 140, costPerGpu: 17_000 },
  { name: "H100 Cluster Montreal", symbol: "csH100YUL", gpuModel: "NVIDIA H100 PCIe", gpuCount: 32, region: "ca-east", priceCents: 200, costPerGpu: 27_000 },
];
const FAILED_SITE: Site = {
  name: "L40S Cluster Lisbon", symbol: "csL40SLIS", gpuModel: "NVIDIA L40S", gpuCount: 32, region: "eu-south", priceCents: 95, costPerGpu: 12_000,
};
export const MAX_CLUSTERS = SITES.length;

const INVESTORS: { name: string; claimEveryWeeks: number }[] = [
  { name: "Ada (claims weekly)", claimEveryWeeks: 1 },
  { name: "Ben (claims monthly)", claimEveryWeeks: 4 },
  { name: "Chen (claims quarterly)", claimEveryWeeks: 13 },
  { name: "Dana (never claims)", claimEveryWeeks: 0 },
  { name: "Eli (sells on Uniswap)", claimEveryWeeks: 8 },
  { name: "Farah (redeems)", claimEveryWeeks: 4 },
];
const SELLER = 4;
const REDEEMER = 5;
const PRICE_PER_SHARE = 10n * USD;

/** The plan for `options` (defaults: seed 1, 12 months, 2 clusters). */
export function buildScenario(options: ScenarioOptions = {}): Scenario {
  const seed = options.seed ?? 1;
  const months = options.months ?? 12;
  const clusterCount = options.clusters ?? 2;
  if (!Number.isInteger(months) || months < 1 || months > 36) throw new RangeError(`--months must be 1 to 36, got ${months}`);
  if (!Number.isInteger(clusterCount) || clusterCount < 1 || clusterCount > MAX_CLUSTERS) {
    throw new RangeError(`--clusters must be 1 to ${MAX_CLUSTERS}, got ${clusterCount}`);
  }
  // One generator per purpose, so a longer run extends the same year instead of reshuffling it.
  const random = seededRandom(seed);
  const weeks = totalWeeks(months);
  const clusters = SITES.slice(0, clusterCount).map((site, i) => planCluster(site, months, weeks, streamsFor(seed, i + 1)));
  const failedRaise = planCluster(FAILED_SITE, 0, weeks, streamsFor(seed, 0));

  // Placed by fractions of the horizon so a two-month run still shows every event. A late payment lands in the
  // next month, so the last month is never the late one (a one-month run has none); with one cluster the short
  // month follows the late one.
  const late = { cluster: 0, month: months >= 2 ? Math.min(Math.floor(months / 4), months - 2) : -1 };
  const shortCluster = clusterCount - 1;
  const shortMonth = Math.min(months - 1, Math.floor(months / 3) + (shortCluster === late.cluster && Math.floor(months / 3) === late.month ? 1 : 0));
  const short = {
    cluster: shortCluster,
    month: shortMonth,
    paidBps: 6_000,
    madeGoodMonth: Math.min(months - 1, shortMonth + 3),
    madeGoodBps: 2_000,
  };
  scheduleRent(clusters, late, short);

  const investors = INVESTORS.map((investor) => ({ ...investor, buys: [] as InvestorPlan["buys"] }));
  const liquidity = { cluster: 0, amount: (clusters[0].hardwareCost * 5n) / 100n };
  clusters.forEach((cluster, index) => {
    // Cluster 0 sells out (the operator's own lot included); the others close between soft and hard cap.
    const target = index === 0 ? cluster.hardwareCost - liquidity.amount : (cluster.hardwareCost * BigInt(random.int(85, 97))) / 100n;
    allocate(target, cluster.pricePerShare, investors, random).forEach((amount, i) => investors[i].buys.push({ cluster: index, amount }));
  });
  // Two investors try the Lisbon raise; together they bring 40 % of its soft cap, so it fails and refunds.
  const failedTotal = (failedRaise.softCap * 40n) / 100n;
  const firstLot = roundDown((failedTotal * BigInt(random.int(40, 60))) / 100n, failedRaise.pricePerShare);
  investors[1].buys.push({ cluster: clusterCount, amount: firstLot });
  investors[2].buys.push({ cluster: clusterCount, amount: roundDown(failedTotal - firstLot, failedRaise.pricePerShare) });

  const saleWeek = lastWeekOf(Math.floor((months * 5) / 12)) - 1;
  const sellerShares = (investors[SELLER].buys.find((b) => b.cluster === 0)!.amount * 10n ** 18n) / PRICE_PER_SHARE;
  const staleMonth = Math.floor((2 * months) / 3);
  return {
    seed,
    months,
    weeks,
    clusters,
    failedRaise,
    investors,
    liquidity,
    sale: { investor: SELLER, cluster: 0, week: Math.max(2, saleWeek), shares: min(sellerShares / 10n, 2_500n * 10n ** 18n) },
    redemption: { investor: REDEEMER, cluster: 0, week: lastWeekOf(Math.floor(months / 2)) - weeksInMonth(Math.floor(months / 2)) + 2 },
    staleAppraisal: { cluster: 0, weeks: [lastWeekOf(staleMonth) - 2, lastWeekOf(staleMonth) - 1] },
    late,
    short,
  };
}

/** Independent generators for a cluster's appraisals and its utilization. */
function streamsFor(seed: number, cluster: number): { appraisals: Random; utilization: Random } {
  return { appraisals: seededRandom(seed * 1_000 + 2 * cluster), utilization: seededRandom(seed * 1_000 + 2 * cluster + 1) };
}

function planCluster(site: Site, months: number, weeks: number, random: { appraisals: Random; utilization: Random }): ClusterPlan {
  const gpuHourPrice = BigInt(site.priceCents) * (USD / 100n);
  const hardwareCost = BigInt(site.gpuCount * site.costPerGpu) * USD;
  return {
    name: site.name,
    symbol: site.symbol,
    gpuModel: site.gpuModel,
    gpuCount: site.gpuCount,
    region: site.region,
    gpuHourPrice,
    hardwareCost,
    pricePerShare: PRICE_PER_SHARE,
    softCap: (hardwareCost * 80n) / 100n,
    operatorFeeBps: 1_000,
    reserveBps: 1_000,
    redemptionFeeBps: 50,
    appraisalNoiseBps: Array.from({ length: weeks }, () => random.appraisals.int(-400, 400)),
    months: Array.from({ length: months }, (_, month) => {
      const utilizationBps = random.utilization.int(6_000, 9_000);
      const hours = BigInt(weeksInMonth(month)) * HOURS_PER_WEEK;
      return { utilizationBps, invoice: (BigInt(site.gpuCount) * hours * BigInt(utilizationBps) * gpuHourPrice) / BPS, payments: [] };
    }),
  };
}

/** Every invoice paid in its month's last week, but one month paid a week late and one paid short, then partly made good. */
function scheduleRent(clusters: ClusterPlan[], late: Scenario["late"], short: Scenario["short"]): void {
  clusters.forEach((cluster, index) => {
    cluster.months.forEach((month, m) => {
      const ref = `${cluster.symbol} invoice ${m + 1}`;
      if (index === late.cluster && m === late.month) {
        month.payments.push({ week: lastWeekOf(m) + 1, amount: month.invoice, ref });
      } else if (index === short.cluster && m === short.month && !(late.cluster === index && late.month === m)) {
        month.payments.push({ week: lastWeekOf(m), amount: (month.invoice * BigInt(short.paidBps)) / BPS, ref });
        if (short.madeGoodMonth > m) {
          const makeGood = (month.invoice * BigInt(short.madeGoodBps)) / BPS;
          cluster.months[short.madeGoodMonth].payments.push({ week: lastWeekOf(short.madeGoodMonth), amount: makeGood, ref: `${ref} arrears` });
        }
      } else {
        month.payments.push({ week: lastWeekOf(m), amount: month.invoice, ref });
      }
    });
  });
}

/** Splits `total` over the investors by random weights, in whole lots of `lot`; the last takes the remainder. */
function allocate(total: bigint, lot: bigint, investors: unknown[], random: Random): bigint[] {
  const weights = investors.map(() => BigInt(random.int(5, 30)));
  const sum = weights.reduce((a, b) => a + b, 0n);
  const amounts = weights.map((w) => roundDown((total * w) / sum, lot));
  amounts[amounts.length - 1] += roundDown(total, lot) - amounts.reduce((a, b) => a + b, 0n);
  return amounts;
}

function roundDown(amount: bigint, lot: bigint): bigint {
  return (amount / lot) * lot;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
