import { describe, it, expect, beforeAll } from "vitest";
import hre from "hardhat";
import { runDemo, summaryJson, type DemoResult } from "../../scripts/demo/index";
import { buildScenario } from "../../scripts/demo/scenario";
import { consoleReport } from "../../scripts/demo/console";
import { irr } from "../../scripts/demo/irr";
import { installDeterministicClock } from "../../scripts/demo/clock";
import { bigintsAsStrings, usd, usdPrecise } from "../../scripts/demo/format";
import { lastWeekOf, monthOfWeek, weeksInMonth } from "../../scripts/demo/calendar";

const WAD = 10n ** 18n;
const YEAR = 365 * 86_400;

describe("npm run demo, two months with a fixed seed", () => {
  let result: DemoResult;

  beforeAll(async () => {
    result = await runDemo({ seed: 7, months: 2, clusters: 2 });
  }, 180_000);

  it("prints for each cluster the figures its contracts hold", async () => {
    const { summary, simulation } = result;
    expect(summary.clusters).toHaveLength(3);
    for (const [i, c] of simulation.clusters.slice(0, 2).entries()) {
      const s = summary.clusters[i];
      expect(s.state).toBe("Active");
      expect(s.raised).toBe((await c.offering.raiseState()).raised);
      expect(s.rentBilled).toBe(await c.vault.attestedRevenue());
      expect(s.rentPaid).toBe(await c.vault.totalRentPaid());
      expect(s.shortfall).toBe(await c.vault.shortfall());
      expect(s.distributed).toBe(await c.vault.distributedToHolders());
      expect(s.protocolFees + s.operatorFees).toBe(await c.vault.totalFees());
      expect(s.reserve).toBe(await c.vault.reserve());
      expect(s.totalSupply).toBe(await c.token.totalSupply());
      const [latestRound, latestAnswer] = await c.nav.latestRoundData();
      expect(s.navEnd).toBe(latestAnswer);
      expect(s.navStart).toBe((await c.nav.getRoundData(1))[1]);
      const rounds = await c.nav.queryFilter(c.nav.filters.NavUpdated());
      expect(BigInt(rounds.length)).toBe(latestRound);
      expect(s.scheduleRounds).toBe(rounds.filter((r) => !r.args.appraised).length);
      // The charts add up to the table: every month's billing and payments, one point per NAV round.
      expect(s.charts.rent.reduce((sum, m) => sum + m.billed, 0n)).toBe(s.rentBilled);
      expect(s.charts.rent.reduce((sum, m) => sum + m.paid, 0n)).toBe(s.rentPaid);
      expect(s.charts.nav).toHaveLength(rounds.length);
      const accumulator = await c.token.rewardPerToken();
      expect(s.charts.yieldPerShare.at(-1)!.value).toBe((accumulator * WAD) / (await c.token.accumulatorScale()));
      // Trailing APR: the last month's holder yield (its epochs' closes), annualised over the shares at the last NAV.
      const lastMonth = result.simulation.scenario.months - 1;
      const closes = await c.vault.queryFilter(c.vault.filters.EpochClosed());
      const monthYield = sum(closes.filter((e) => monthOfWeek(Number(e.args.epoch)) === lastMonth), (e) => e.args.toHolders);
      const value = ((await c.token.totalSupply()) * latestAnswer) / WAD;
      expect(s.trailingApr).toBeCloseTo(Number(monthYield * 52n) / (weeksInMonth(lastMonth) * Number(value)), 5);
    }
    // The SDK client answered every read from the subgraph, at the head the simulation ended on.
    expect(summary.sources.length).toBeGreaterThan(0);
    expect(summary.sources.every((s) => s.source === "subgraph" && s.block === summary.headBlock)).toBe(true);
    const failed = simulation.clusters[2];
    expect(summary.clusters[2].state).toBe("RaiseFailed");
    expect(summary.clusters[2].refunded).toBe(await failed.offering.totalRefunded());
    expect(summary.clusters[2].refunded).toBe((await failed.offering.raiseState()).raised);
    expect(await failed.token.totalSupply()).toBe(0n);
  });

  it("shows the scenario's events on chain: a late month made good, a short month partly made good, a stale appraisal", async () => {
    const { simulation } = result;
    const [frankfurt, oslo] = simulation.clusters;
    const late = await frankfurt.vault.queryFilter(frankfurt.vault.filters.ShortfallRecorded());
    expect(late.length).toBeGreaterThan(0);
    expect(await frankfurt.vault.shortfall()).toBe(0n); // the late rent arrived and was released
    const short = simulation.scenario.short;
    const invoice = simulation.scenario.clusters[1].months[short.month].invoice;
    const paid = (invoice * BigInt(short.paidBps)) / 10_000n + (invoice * BigInt(short.madeGoodBps)) / 10_000n;
    expect(await oslo.vault.shortfall()).toBe(invoice - paid); // paid short, then partly made good
    expect(result.summary.clusters[0].scheduleRounds).toBeGreaterThan(0);
    expect(result.summary.clusters[1].scheduleRounds).toBe(0);
  });

  it("prints for each investor what the chain paid and holds, and an IRR from those cash flows", async () => {
    const { summary, simulation } = result;
    const stable = simulation.protocol.stable;
    for (const [i, investor] of simulation.roles.investors.entries()) {
      const s = summary.investors[i];
      let invested = 0n, claimed = 0n, refunded = 0n, redeemed = 0n, value = 0n;
      for (const c of simulation.clusters) {
        invested += sum(await c.offering.queryFilter(c.offering.filters.SharesPurchased(investor.address)), (e) => e.args.assets);
        refunded += sum(await c.offering.queryFilter(c.offering.filters.Refunded(investor.address)), (e) => e.args.assets);
        claimed += sum(await c.token.queryFilter(c.token.filters.RewardClaimed(investor.address)), (e) => e.args.amount);
        redeemed += sum(await c.queue.queryFilter(c.queue.filters.Withdraw(undefined, undefined, investor.address)), (e) => e.args.assets);
        if (c === simulation.clusters[2]) continue;
        const [, nav] = await c.nav.latestRoundData();
        const escrowed = await c.queue.pendingRedeemRequest(await requestIdOf(c.queue, investor.address), investor.address);
        const [, claimable] = await c.queue.claimable(investor.address);
        value += (((await c.token.balanceOf(investor.address)) + escrowed) * nav) / WAD + (await c.token.earned(investor.address)) + claimable;
      }
      expect([s.invested, s.refunded, s.yieldClaimed, s.redemptionProceeds, s.marketValue]).toEqual([invested, refunded, claimed, redeemed, value]);
      // Money in and out of the investor's wallet: what it was given, minus purchases, plus everything paid back.
      const wallet = await stable.balanceOf(investor.address);
      const funded = simulation.scenario.investors[i].buys.reduce((t, b) => t + b.amount, 0n);
      expect(wallet).toBe(funded - invested + refunded + claimed + redeemed + s.saleProceeds);
      expect(s.irr).not.toBeNull();
    }
    const seller = summary.investors[simulation.scenario.sale.investor];
    expect(seller.saleProceeds).toBeGreaterThan(0n);
  });

  it("fills the redemption partly, then fully, and the redeemer claims each part as it fills", async () => {
    const { simulation } = result;
    const { redemption } = simulation.scenario;
    const c = simulation.clusters[redemption.cluster];
    const redeemer = simulation.roles.investors[redemption.investor].address;
    const settled = await c.queue.queryFilter(c.queue.filters.RedeemSettled());
    // Filled partly by the reserve there was (and by whatever rounding dust it kept), then fully by the month's close.
    const fills = settled.map((e) => e.args.fullyFilled);
    expect(fills.length).toBeGreaterThanOrEqual(2);
    expect(fills).toEqual([...fills.slice(0, -1).map(() => false), true]);
    const withdrawals = await c.queue.queryFilter(c.queue.filters.Withdraw(undefined, undefined, redeemer));
    expect(withdrawals.length).toBeGreaterThanOrEqual(2);
    expect(withdrawals[0].blockNumber).toBeLessThan(settled[settled.length - 1].blockNumber);
    // Each claim rounds down (for the protocol): the redeemer gets what settled, less a unit per claim at most; what
    // the last settlement filled may still wait to be claimed.
    const [, unclaimed] = await c.queue.claimable(redeemer);
    const dust = sum(settled, (e) => e.args.assets) - sum(withdrawals, (e) => e.args.assets) - unclaimed;
    expect(dust).toBeGreaterThanOrEqual(0n);
    expect(dust).toBeLessThanOrEqual(BigInt(withdrawals.length + 1));
  });

  it("writes a self-contained report with three charts per active cluster, JSON with every figure, and the keeper's count", async () => {
    expect(result.html.match(/<svg /g)).toHaveLength(6);
    // The stale-appraisal rounds are marked on the NAV chart.
    const staleRounds = result.summary.clusters.reduce((n, c) => n + c.scheduleRounds, 0);
    expect(result.html.match(/<circle /g)?.length ?? 0).toBe(staleRounds);
    expect(result.html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const json = JSON.parse(summaryJson(result));
    expect(json.clusters[0].rentPaid).toBe(result.summary.clusters[0].rentPaid.toString());
    // The printed tables carry the figures the tests above checked against the chain.
    const printed = consoleReport(result.summary);
    for (const c of result.summary.clusters.filter((c) => c.state === "Active")) {
      for (const figure of [c.raised, c.rentBilled, c.rentPaid, c.shortfall, c.distributed, c.reserve]) expect(printed).toContain(usd(figure));
      expect(printed).toContain(usdPrecise(c.navEnd!));
    }
    for (const i of result.summary.investors) expect(printed).toContain(usd(i.marketValue));
    expect(result.keeperLog).toEqual([]); // no upkeep reverted or failed
    let closes = 0;
    for (const c of result.simulation.clusters) closes += (await c.vault.queryFilter(c.vault.filters.EpochClosed())).length;
    expect(result.simulation.upkeeps.close).toBe(closes);
  });
});

describe("the demo, replayed", () => {
  it("prints the very same figures for the same seed on a fresh chain", async () => {
    await hre.network.provider.send("hardhat_reset");
    const first = JSON.parse(summaryJson(await runDemo({ seed: 11, months: 1, clusters: 1 })));
    await hre.network.provider.send("hardhat_reset");
    const second = JSON.parse(summaryJson(await runDemo({ seed: 11, months: 1, clusters: 1 })));
    for (const run of [first, second]) delete run.durationMs;
    expect(second).toEqual(first);
    expect(first.clusters[0].rentPaid).not.toBe("0");
  }, 180_000);

  it("dates each transaction's block one second after the last, however long the machine took", async () => {
    const [sender] = await hre.ethers.getSigners();
    const removeClock = installDeterministicClock();
    try {
      const first = await (await sender.sendTransaction({ to: sender.address })).wait();
      await new Promise((resolve) => setTimeout(resolve, 2_100)); // a slow machine between two transactions
      const second = await (await sender.sendTransaction({ to: sender.address })).wait();
      const [a, b] = await Promise.all([first!.getBlock(), second!.getBlock()]);
      expect(b.timestamp - a.timestamp).toBe(1);
    } finally {
      removeClock();
    }
  });
});

describe("the demo's scenario, IRR and formatting", () => {
  it("is deterministic for a seed and places every event inside the horizon", () => {
    expect(JSON.stringify(buildScenario({ seed: 3 }), bigintsAsStrings)).toBe(JSON.stringify(buildScenario({ seed: 3 }), bigintsAsStrings));
    expect(JSON.stringify(buildScenario({ seed: 3 }), bigintsAsStrings)).not.toBe(JSON.stringify(buildScenario({ seed: 4 }), bigintsAsStrings));
    for (const months of [2, 6, 12, 24]) {
      const s = buildScenario({ months });
      for (const week of [s.sale.week, s.redemption.week, ...s.staleAppraisal.weeks]) expect(week).toBeLessThanOrEqual(s.weeks);
      expect(s.weeks).toBe(lastWeekOf(months - 1));
      expect(s.clusters.every((c) => c.months.every((m) => m.utilizationBps >= 6_000 && m.utilizationBps <= 9_000))).toBe(true);
    }
    // A longer run extends the same year: the same investors, the same invoices for the months both cover.
    const [short, long] = [buildScenario({ seed: 3, months: 2 }), buildScenario({ seed: 3, months: 12 })];
    expect(JSON.stringify(long.investors, bigintsAsStrings)).toBe(JSON.stringify(short.investors, bigintsAsStrings));
    expect(long.clusters[0].months.slice(0, 2).map((m) => m.invoice)).toEqual(short.clusters[0].months.map((m) => m.invoice));
    expect(() => buildScenario({ clusters: 0 })).toThrow(RangeError);
    expect(() => buildScenario({ months: 0 })).toThrow(RangeError);
  });

  it("formats money from bigints, truncating toward zero", () => {
    expect(usd(1_234_567_890_123n)).toBe("$1,234,567");
    expect(usd(-5_999_999n)).toBe("-$5");
    expect(usdPrecise(9_541_699n)).toBe("$9.5416");
    expect(usdPrecise(7n * 10n ** 6n, 2)).toBe("$7.00");
  });

  it("solves the IRR of known cash flows", () => {
    expect(irr([{ timestamp: 0, amount: -100n }, { timestamp: YEAR, amount: 110n }])).toBeCloseTo(0.1, 8);
    expect(irr([{ timestamp: 0, amount: -100n }, { timestamp: YEAR / 2, amount: 50n }, { timestamp: YEAR, amount: 55n }])).toBeCloseTo(0.066312, 5);
    expect(irr([{ timestamp: 0, amount: 100n }])).toBeNull();
  });
});

function sum<T>(items: T[], value: (item: T) => bigint): bigint {
  return items.reduce((total, item) => total + value(item), 0n);
}

/** The request id of `controller`'s last request (0 when none). */
async function requestIdOf(queue: DemoResult["simulation"]["clusters"][number]["queue"], controller: string): Promise<bigint> {
  const requests = await queue.queryFilter(queue.filters.RedeemRequest(controller));
  return requests.length === 0 ? 0n : requests[requests.length - 1].args.requestId;
}

