import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  attest, closeEpochAt, deployCluster, increaseTime, latestTimestamp, launchParams, navParams, noRaise, setNextTimestamp, snapshot, ethers,
  DAY, EPOCH, FEED_DECIMALS, NAV_HEARTBEAT, OPERATOR_FEE_BPS, PROTOCOL_FEE_BPS, RESERVE_BPS, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import {
  ClusterOffering__factory, ClusterShareToken__factory, DecimalsChangingAggregator__factory, MockV3Aggregator__factory,
  NavOracle__factory,
  type ClusterOffering, type ClusterShareToken, type DecimalsChangingAggregator, type NavOracle,
} from "../../sdk/src/types";

const BPS = 10_000n;
const HOUR = 3_600n;
const YEAR = 365n * BigInt(DAY);
// The oracle's bounds, written out here so the test checks them instead of copying them.
const DEFAULT_LIFE = 3n * YEAR;
const MIN_LIFE = 180n * BigInt(DAY);
const MAX_LIFE = 10n * YEAR;
const MAX_DEVIATION = 5_000n;
const MIN_NAV_HEARTBEAT = HOUR;
const MAX_NAV_HEARTBEAT = 7n * BigInt(DAY);
const UINT112_MAX = 2n ** 112n - 1n;
/** StreamMath.RATE_SCALE: the share token streams stablecoin units per second times 1e12. */
const RATE_SCALE = 10n ** 12n;

/** Every cluster here is launched like deployCluster's: a million shares for hardware that cost $1 each. */
const SUPPLY = 1_000_000n * SHARE;
const SALVAGE_BPS = 1_000n; // navParams' default
const DEVIATION_BPS = 2_000n; // navParams' default
const APPRAISAL_HEARTBEAT = 12n * HOUR;
/** A raise at $1 a share; buying the whole hard cap ends it at once. */
const RAISE = { price: 1n, softCap: 1_000n, hardCap: 10_000n };

/** What the schedule of one cluster was launched with (not read back from the oracle). */
interface Terms {
  cost: bigint;
  start: bigint;
  life: bigint;
  salvageBps: bigint;
}

interface Cluster {
  nav: NavOracle;
  token: ClusterShareToken;
  offering: ClusterOffering;
  terms: Terms;
  receipt: ContractTransactionReceipt;
}

/** The NavUpdated event of one round. */
interface Round {
  roundId: bigint;
  navPerShare: bigint;
  hardwareValue: bigint;
  reserve: bigint;
  entryPerShare: bigint;
  pendingReserve: bigint;
  streaming: bigint;
  pendingKnown: boolean;
  totalSupply: bigint;
  appraised: boolean;
  observedAt: bigint;
}

type NavOverrides = Partial<NavOracle.InitParamsStruct>;

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The schedule's value at `at`: the cost minus the straight-line depreciation taken so far, that depreciation rounded
 * up (so the value is rounded down), and the salvage value (rounded down) from the end of the useful life on.
 */
function scheduleAt(t: Terms, at: bigint): bigint {
  const salvage = (t.cost * t.salvageBps) / BPS;
  const elapsed = at - t.start;
  if (elapsed >= t.life) return salvage;
  return t.cost - ceilDiv((t.cost - salvage) * elapsed, t.life);
}

/** NAV per whole share in stablecoin units, rounded down. */
function navPerShare(assets: bigint, supply = SUPPLY): bigint {
  return (assets * SHARE) / supply;
}

/** NavOracle.entryPerShare: book value and streaming rent per earning share, each rounded up. */
function entryPerShare(book: bigint, streaming: bigint, supply = SUPPLY, eligible = SUPPLY): bigint {
  const up = (a: bigint, b: bigint) => (a + b - 1n) / b;
  return up(book * SHARE, supply) + up(streaming * SHARE, eligible);
}

/** Stablecoin units an 8-decimal appraisal answer is worth once scaled to the stablecoin (rounded down). */
function worth(answer: bigint, decimals: number): bigint {
  const shift = BigInt(decimals - FEED_DECIMALS);
  return shift >= 0n ? answer * 10n ** shift : answer / 10n ** -shift;
}

/** The smallest appraisal answer worth at least `amount`. */
function lowestAnswerWorth(amount: bigint, decimals: number): bigint {
  const shift = BigInt(decimals - FEED_DECIMALS);
  return shift >= 0n ? ceilDiv(amount, 10n ** shift) : amount * 10n ** -shift;
}

/** The largest appraisal answer worth at most `amount`. */
function highestAnswerWorth(amount: bigint, decimals: number): bigint {
  const shift = BigInt(decimals - FEED_DECIMALS);
  return shift >= 0n ? amount / 10n ** shift : (amount + 1n) * 10n ** -shift - 1n;
}

async function mineAt(timestamp: bigint): Promise<void> {
  await setNextTimestamp(timestamp);
  await ethers.provider.send("evm_mine", []);
}

async function timestampOf(tx: ContractTransactionResponse): Promise<bigint> {
  const block = await (await tx.wait())!.getBlock();
  return BigInt(block.timestamp);
}

/** The arguments of the oracle's event `name` in `receipt`, which must have one. */
function eventIn(nav: NavOracle, receipt: ContractTransactionReceipt, name: string) {
  const event = receipt.logs.map((l) => nav.interface.parseLog(l)).find((e) => e?.name === name);
  expect(event, `no ${name} event`).toBeDefined();
  return event!.args;
}

/** Publishes a round in a block dated `timestamp` and returns its event. */
async function publishAt(nav: NavOracle, timestamp: bigint, publish = () => nav.update()): Promise<Round> {
  await setNextTimestamp(timestamp);
  return eventIn(nav, (await (await publish()).wait())!, "NavUpdated").toObject() as Round;
}

/**
 * Sets the appraisal in a block dated `timestamp`, so that views called right after run at `timestamp` too
 * (Hardhat runs calls on top of the latest block). `updatedAt` is what the feed claims.
 */
async function appraiseAt(feed: DecimalsChangingAggregator, timestamp: bigint, answer: bigint, updatedAt = timestamp) {
  await setNextTimestamp(timestamp);
  await feed.updateRoundData((await feed.latestRound()) + 1n, answer, updatedAt, updatedAt);
}

async function upkeepNeeded(nav: NavOracle): Promise<boolean> {
  return (await nav.checkUpkeep("0x"))[0];
}

/** Launch parameters like deployCluster's, for the same factory, stablecoin and revenue feed. */
async function clusterParams(d: Deployment, nav: NavOverrides = {}, raise = false) {
  return launchParams({
    stablecoin: await d.stable.getAddress(),
    revenueFeed: await d.feed.getAddress(),
    keeper: d.keeper.address,
    initialHolder: d.holders[0].address,
    initialShares: raise ? 0n : SUPPLY,
    maxRevenuePerEpoch: 10_000_000n * d.unit,
    offering: raise
      ? {
        pricePerShare: RAISE.price * d.unit,
        softCap: RAISE.softCap * d.unit,
        hardCap: RAISE.hardCap * d.unit,
        deadline: (await latestTimestamp()) + 30n * BigInt(DAY),
        minPerAccount: 0n,
        maxPerAccount: 0n,
      }
      : noRaise(),
    nav: navParams({ hardwareCost: raise ? 0n : 1_000_000n * d.unit, ...nav }),
  });
}

/** Launches another cluster on `d`'s factory; deployCluster cannot, as it always uses the default NAV parameters. */
async function launchCluster(d: Deployment, nav: NavOverrides = {}, raise = false): Promise<Cluster> {
  const params = await clusterParams(d, nav, raise);
  const clusterId = await d.factory.clusterCount();
  const tx = await d.factory.connect(d.operator).launch(params);
  const receipt = (await tx.wait())!;
  const { contracts } = await d.factory.cluster(clusterId);
  const n = navParams(params.nav);
  return {
    nav: NavOracle__factory.connect(contracts.navOracle, d.admin),
    token: ClusterShareToken__factory.connect(contracts.token, d.admin),
    offering: ClusterOffering__factory.connect(contracts.offering, d.admin),
    terms: {
      cost: BigInt(n.hardwareCost),
      start: raise ? 0n : await timestampOf(tx),
      life: BigInt(n.usefulLife) === 0n ? DEFAULT_LIFE : BigInt(n.usefulLife),
      salvageBps: BigInt(n.salvageBps),
    },
    receipt,
  };
}

/** Gives `buyer` stablecoin and buys `amount` whole stablecoins of shares in `c`'s raise. */
async function invest(d: Deployment, c: Cluster, buyer: HardhatEthersSigner, amount: bigint): Promise<void> {
  await d.stable.mint(buyer.address, amount * d.unit);
  await d.stable.connect(buyer).approve(c.offering.target, ethers.MaxUint256);
  await c.offering.connect(buyer).buy(amount * d.unit, buyer.address);
}

/** A signer for a contract address, to call what only that contract may call. */
async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await ethers.provider.send("hardhat_impersonateAccount", [address]);
  await ethers.provider.send("hardhat_setBalance", [address, "0x56bc75e2d63100000"]);
  return ethers.getSigner(address);
}

/** How RevenueVault splits one epoch's release (fees and reserve rounded down, holders get the rest). */
function split(released: bigint) {
  const reserve = (released * RESERVE_BPS) / BPS;
  const fees = (released * PROTOCOL_FEE_BPS) / BPS + (released * OPERATOR_FEE_BPS) / BPS;
  return { reserve, toHolders: released - fees - reserve };
}

/**
 * What the share token still holds unearned at `at` of a stream of `amount` started at `from` over one epoch: the
 * rate is rounded down per second times 1e12, the truncated remainder is carried, and the sum is rounded down.
 */
function unstreamedAt(amount: bigint, from: bigint, at: bigint): bigint {
  const scaled = amount * RATE_SCALE;
  const rate = scaled / BigInt(EPOCH);
  const carried = scaled - rate * BigInt(EPOCH);
  const finish = from + BigInt(EPOCH);
  return (carried + (at < finish ? rate * (finish - at) : 0n)) / RATE_SCALE;
}

describe.each([6, 18])("NavOracle with a %i-decimal stablecoin", (decimals) => {
  let d: Deployment;
  /** deployCluster's: schedule only, default parameters. */
  let terms: Terms;
  /** A cluster valued by an appraisal feed when it is believable. */
  let appraised: Cluster;
  let appraisal: DecimalsChangingAggregator;
  /** A cluster launched with a raise nobody has bought into yet. */
  let raising: Cluster;
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster({ stableDecimals: decimals });
    terms = {
      cost: 1_000_000n * d.unit,
      start: (await d.factory.cluster(d.clusterId)).launchedAt,
      life: DEFAULT_LIFE,
      salvageBps: SALVAGE_BPS,
    };
    appraisal = await new DecimalsChangingAggregator__factory(d.admin).deploy(FEED_DECIMALS, 1n);
    appraised = await launchCluster(d, { appraisalFeed: await appraisal.getAddress(), appraisalHeartbeat: APPRAISAL_HEARTBEAT });
    raising = await launchCluster(d, {}, true);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  /** An appraisal the appraised cluster believes: 95 % of its schedule at `at`, as the 8-decimal feed states it. */
  function fairAnswer(at: bigint): bigint {
    return highestAnswerWorth((scheduleAt(appraised.terms, at) * 95n) / 100n, decimals);
  }

  describe("feed and launch", () => {
    it("answers in the stablecoin's decimals, describes itself, is version 1 and keeps its launch settings", async () => {
      expect(await d.nav.decimals()).toBe(BigInt(decimals));
      expect(await d.nav.description()).toBe("csH100FRA NAV per share");
      expect(await d.nav.version()).toBe(1n);
      expect(await d.nav.stablecoin()).toBe(d.stable.target);
      expect(await d.nav.navHeartbeat()).toBe(BigInt(NAV_HEARTBEAT));
      const s = await d.nav.schedule();
      expect([s.cost, s.start, s.usefulLife, s.salvageBps, s.maxDeviationBps, s.navHeartbeat, s.decimals])
        .toEqual([terms.cost, terms.start, DEFAULT_LIFE, SALVAGE_BPS, DEVIATION_BPS, BigInt(NAV_HEARTBEAT), BigInt(decimals)]);
      expect([...(await d.nav.appraisalFeed())]).toEqual([ethers.ZeroAddress, 0n, 0n]);
      expect([...(await appraised.nav.appraisalFeed())])
        .toEqual([appraisal.target, APPRAISAL_HEARTBEAT, BigInt(FEED_DECIMALS)]);
      expect([await d.nav.DEFAULT_USEFUL_LIFE(), await d.nav.MIN_USEFUL_LIFE(), await d.nav.MAX_USEFUL_LIFE()])
        .toEqual([DEFAULT_LIFE, MIN_LIFE, MAX_LIFE]);
      expect([await d.nav.MAX_DEVIATION_BPS(), await d.nav.MIN_NAV_HEARTBEAT(), await d.nav.MAX_NAV_HEARTBEAT()])
        .toEqual([MAX_DEVIATION, MIN_NAV_HEARTBEAT, MAX_NAV_HEARTBEAT]);
    });

    it("launches with parameters at their bounds", async () => {
      const low = await launchCluster(d, {
        usefulLife: MIN_LIFE, salvageBps: BPS, maxDeviationBps: MAX_DEVIATION, navHeartbeat: MIN_NAV_HEARTBEAT,
        hardwareCost: UINT112_MAX,
      });
      const s = await low.nav.schedule();
      expect([s.cost, s.usefulLife, s.salvageBps, s.maxDeviationBps, s.navHeartbeat])
        .toEqual([UINT112_MAX, MIN_LIFE, BPS, MAX_DEVIATION, MIN_NAV_HEARTBEAT]);
      const high = await launchCluster(d, { usefulLife: MAX_LIFE, salvageBps: 0n, navHeartbeat: MAX_NAV_HEARTBEAT });
      const t = await high.nav.schedule();
      expect([t.usefulLife, t.salvageBps, t.navHeartbeat]).toEqual([MAX_LIFE, 0n, MAX_NAV_HEARTBEAT]);
    });

    it.each([
      ["usefulLife", { usefulLife: MIN_LIFE - 1n }],
      ["usefulLife", { usefulLife: MAX_LIFE + 1n }],
      ["salvageBps", { salvageBps: BPS + 1n }],
      ["maxDeviationBps", { maxDeviationBps: MAX_DEVIATION + 1n }],
      ["navHeartbeat", { navHeartbeat: 0n }],
      ["navHeartbeat", { navHeartbeat: MIN_NAV_HEARTBEAT - 1n }],
      ["navHeartbeat", { navHeartbeat: MAX_NAV_HEARTBEAT + 1n }],
      ["hardwareCost", { hardwareCost: UINT112_MAX + 1n }],
    ] as [string, NavOverrides][])("refuses to launch with %s out of range: %o", async (name, overrides) => {
      // The factory lets the oracle's own error through.
      const launch = d.factory.connect(d.operator).launch(await clusterParams(d, overrides));
      expect(await expectRevert(launch, d.nav, "InvalidParameter")).toEqual([name]);
    });

    it("refuses an appraisal heartbeat longer than half the NAV heartbeat (a round would go stale on arrival)", async () => {
      const feed = await appraisal.getAddress();
      const launch = d.factory.connect(d.operator).launch(
        await clusterParams(d, { appraisalFeed: feed, appraisalHeartbeat: BigInt(NAV_HEARTBEAT) / 2n + 1n }),
      );
      expect(await expectRevert(launch, d.nav, "InvalidParameter")).toEqual(["appraisalHeartbeat"]);
      await d.factory.connect(d.operator).launch(
        await clusterParams(d, { appraisalFeed: feed, appraisalHeartbeat: BigInt(NAV_HEARTBEAT) / 2n }),
      );
    });

    it("refuses an appraisal feed without a heartbeat, and a second initialisation", async () => {
      const launch = d.factory.connect(d.operator).launch(
        await clusterParams(d, { appraisalFeed: await appraisal.getAddress(), appraisalHeartbeat: 0n }),
      );
      expect(await expectRevert(launch, d.nav, "InvalidFeedConfig")).toEqual([appraisal.target]);
      await expectRevert(d.nav.initialize(navParams(), d.offering.target), d.nav, "InvalidInitialization");
    });
  });

  describe("depreciation schedule", () => {
    it("starts at cost, falls in a straight line and stays at 10 % salvage after the default 3 years", async () => {
      // A fresh launch: views run on top of the launch block, zero seconds into the schedule.
      const { nav, terms: t } = await launchCluster(d);
      expect(await nav.scheduledValue()).toBe(t.cost);

      const cases: [bigint, bigint][] = [
        [1n, 1_000_000n * d.unit - ceilDiv(900_000n * d.unit, DEFAULT_LIFE)],
        [YEAR, 700_000n * d.unit], // a third of the 900 000 depreciable, exactly
        [2n * YEAR + 1n, 400_000n * d.unit - ceilDiv(900_000n * d.unit, DEFAULT_LIFE)],
        [DEFAULT_LIFE - 1n, 100_000n * d.unit + (900_000n * d.unit) / DEFAULT_LIFE],
        [DEFAULT_LIFE, 100_000n * d.unit],
        [DEFAULT_LIFE + YEAR, 100_000n * d.unit],
      ];
      for (const [elapsed, value] of cases) {
        await mineAt(t.start + elapsed);
        expect(await nav.scheduledValue(), `after ${elapsed} s`).toBe(value);
        expect(scheduleAt(t, t.start + elapsed)).toBe(value); // the model the other tests use agrees
      }
    });

    it("follows a custom useful life and salvage floor, rounding the value down", async () => {
      const cost = 1_234_567n * d.unit + 89n; // odd, so every division has a remainder to drop
      const c = await launchCluster(d, { usefulLife: 2n * YEAR, salvageBps: 2_500n, hardwareCost: cost });
      expect([...eventIn(c.nav, c.receipt, "HardwareAcquired")]).toEqual([cost, c.terms.start]);
      const s = await c.nav.schedule();
      expect([s.cost, s.start, s.usefulLife, s.salvageBps]).toEqual([cost, c.terms.start, 2n * YEAR, 2_500n]);
      expect(await c.nav.scheduledValue()).toBe(cost);

      const salvage = (cost * 2_500n) / BPS;
      for (const elapsed of [7n, YEAR, 2n * YEAR - 1n, 2n * YEAR, 5n * YEAR]) {
        await mineAt(c.terms.start + elapsed);
        const expected = elapsed >= 2n * YEAR ? salvage : cost - ceilDiv((cost - salvage) * elapsed, 2n * YEAR);
        expect(await c.nav.scheduledValue(), `after ${elapsed} s`).toBe(expected);
      }

      // A 100 % salvage floor never depreciates.
      const flat = await launchCluster(d, { salvageBps: BPS });
      await mineAt(flat.terms.start + YEAR);
      expect(await flat.nav.scheduledValue()).toBe(flat.terms.cost);
    });

    it("without an appraisal feed, values the hardware by the schedule, observed now", async () => {
      const at = terms.start + YEAR + 12_345n;
      await mineAt(at);
      expect([...(await d.nav.hardwareValue())]).toEqual([scheduleAt(terms, at), at, false]);
    });
  });

  describe("rounds", () => {
    it("publishes numbered rounds with their components, read back through AggregatorV3Interface", async () => {
      expect([...(await d.nav.update.staticCall())]).toEqual([1n, navPerShare(scheduleAt(terms, await latestTimestamp()))]);

      const first = terms.start + BigInt(DAY);
      const r1 = await publishAt(d.nav, first);
      const hw1 = scheduleAt(terms, first);
      expect(r1).toEqual({
        roundId: 1n, navPerShare: navPerShare(hw1), entryPerShare: entryPerShare(hw1, 0n), hardwareValue: hw1,
        reserve: 0n, pendingReserve: 0n, streaming: 0n, totalSupply: SUPPLY, appraised: false, pendingKnown: true,
        observedAt: first,
      });

      const second = first + 100n * BigInt(DAY);
      const r2 = await publishAt(d.nav, second);
      const hw2 = scheduleAt(terms, second);
      expect([r2.roundId, r2.navPerShare, r2.hardwareValue, r2.observedAt]).toEqual([2n, navPerShare(hw2), hw2, second]);
      expect(r2.navPerShare).toBeLessThan(r1.navPerShare);

      // Reads later than the rounds still date them at their observation, not at the read.
      await mineAt(second + HOUR);
      expect([...(await d.nav.latestRoundData())]).toEqual([2n, r2.navPerShare, second, second, 2n]);
      expect([...(await d.nav.getRoundData(2n))]).toEqual([2n, r2.navPerShare, second, second, 2n]);
      expect([...(await d.nav.getRoundData(1n))]).toEqual([1n, r1.navPerShare, first, first, 1n]);
    });

    it("refuses round ids it never published, and has no latest round before the first", async () => {
      expect(await expectRevert(d.nav.latestRoundData(), d.nav, "RoundNotFound")).toEqual([0n]);
      await d.nav.update();
      for (const id of [0n, 2n, 2n ** 80n - 1n]) {
        expect(await expectRevert(d.nav.getRoundData(id), d.nav, "RoundNotFound")).toEqual([id]);
      }
    });

    it("counts the reserve and attested rent's reserve slice for every share, and the stream for earning shares", async () => {
      // 98 765.25: exact in the revenue feed's 8 decimals, so the whole payment is attested and released.
      const rent = 98_765n * d.unit + d.unit / 4n;
      await d.vault.connect(d.renter).payRent(rent, ethers.id("invoice 1"));
      // Paid but unattested rent is the renter's escrow, not the holders' money.
      const unattested = await d.nav.breakdown();
      expect([unattested.reserve, unattested.pendingReserve, unattested.streaming]).toEqual([0n, 0n, 0n]);

      // Attested but not yet released: already the holders', so a close moves no value between shares.
      const { reserve, toHolders } = split(rent);
      await increaseTime(EPOCH);
      await attest(d, rent);
      const beforeClose = await d.nav.breakdown();
      expect([beforeClose.reserve, beforeClose.pendingReserve, beforeClose.streaming, beforeClose.pendingKnown])
        .toEqual([0n, reserve, toHolders, true]);
      const closedAt = await timestampOf(await d.vault.closeEpoch());
      const afterClose = await d.nav.breakdown();
      expect([afterClose.reserve, afterClose.pendingReserve, afterClose.streaming]).toEqual([reserve, 0n, toHolders]);
      await d.vault.connect(d.renter).payRent(rent, ethers.id("invoice 2")); // escrowed, unattested: ignored

      const midStream = closedAt + BigInt(DAY) + 7n;
      const round = await publishAt(d.nav, midStream);
      const hardware = scheduleAt(terms, midStream);
      const streaming = unstreamedAt(toHolders, closedAt, midStream);
      expect(streaming).toBeGreaterThan(0n);
      expect([round.hardwareValue, round.reserve, round.pendingReserve, round.streaming, round.totalSupply])
        .toEqual([hardware, reserve, 0n, streaming, SUPPLY]);
      // The published NAV leaves the stream out: an escrowed or pooled share never earns it.
      expect(round.navPerShare).toBe(navPerShare(hardware + reserve));
      expect(round.entryPerShare).toBe(entryPerShare(hardware + reserve, streaming));

      // Once the stream period is over, only its truncated remainder is left unearned. The feed is stale by then,
      // so the escrowed rent cannot be valued: no round is published (lenders see the last one age), and
      // Automation does not ask for one.
      const afterStream = closedAt + BigInt(EPOCH) + 1n;
      await mineAt(afterStream);
      const unknown = await d.nav.breakdown();
      expect([unknown.reserve, unknown.streaming, unknown.pendingKnown])
        .toEqual([reserve, unstreamedAt(toHolders, closedAt, afterStream), false]);
      await expectRevert(d.nav.update(), d.nav, "PendingReleaseUnknown");
      expect(await upkeepNeeded(d.nav)).toBe(false);
      await attest(d, rent);
      const later = await publishAt(d.nav, afterStream + 10n);
      expect([later.pendingKnown, later.pendingReserve]).toEqual([true, 0n]);
      expect(later.navPerShare).toBe(navPerShare(scheduleAt(terms, afterStream + 10n) + reserve));
    });
  });

  describe("appraisal feed", () => {
    /** Asserts the appraised cluster ignored its feed and used the schedule at `at` (the latest block's time). */
    async function expectSchedule(at: bigint, why: string): Promise<void> {
      expect([...(await appraised.nav.hardwareValue())], why).toEqual([scheduleAt(appraised.terms, at), at, false]);
    }

    it("uses a fresh appraisal within the band and dates the round at the appraisal", async () => {
      const at = appraised.terms.start + YEAR;
      const appraisedAt = at - 3n * HOUR;
      const answer = fairAnswer(at);
      await appraiseAt(appraisal, appraisedAt, answer);
      const value = worth(answer, decimals);
      expect(value).not.toBe(scheduleAt(appraised.terms, at));

      const round = await publishAt(appraised.nav, at);
      expect([round.roundId, round.hardwareValue, round.appraised, round.observedAt])
        .toEqual([1n, value, true, appraisedAt]);
      expect(round.navPerShare).toBe(navPerShare(value));
      expect([...(await appraised.nav.latestRoundData())]).toEqual([1n, navPerShare(value), appraisedAt, appraisedAt, 1n]);
      expect([...(await appraised.nav.hardwareValue())]).toEqual([value, appraisedAt, true]);
    });

    it("never dates a round before the previous one: an appraisal older than the last round is not used", async () => {
      const first = appraised.terms.start + YEAR;
      await publishAt(appraised.nav, first); // no appraisal yet: the schedule, observed at `first`
      const at = first + HOUR;
      await appraiseAt(appraisal, first + 1n, fairAnswer(at), first - HOUR); // fresh, in band, older than round 1
      const round = await publishAt(appraised.nav, at);
      expect([round.roundId, round.appraised, round.observedAt]).toEqual([2n, false, at]);
      expect(round.hardwareValue).toBe(scheduleAt(appraised.terms, at));

      await appraiseAt(appraisal, at + 1n, fairAnswer(at + HOUR), at); // as new as round 2: believed again
      expect((await publishAt(appraised.nav, at + HOUR)).appraised).toBe(true);
    });

    it("believes appraisals up to maxDeviationBps either side of the schedule, and no further", async () => {
      let at = appraised.terms.start + YEAR + 1n; // off a round number, so the band has a remainder
      for (const side of ["low", "high"] as const) {
        for (const inBand of [true, false]) {
          at += 10n;
          const schedule = scheduleAt(appraised.terms, at);
          const band = (schedule * DEVIATION_BPS) / BPS;
          const answer = side === "low"
            ? lowestAnswerWorth(schedule - band, decimals) - (inBand ? 0n : 1n)
            : highestAnswerWorth(schedule + band, decimals) + (inBand ? 0n : 1n);
          await appraiseAt(appraisal, at, answer);
          if (inBand) expect([...(await appraised.nav.hardwareValue())]).toEqual([worth(answer, decimals), at, true]);
          else await expectSchedule(at, `${side} side, just outside the band`);
        }
      }
    });

    it("falls back to the schedule when the appraisal is older than its heartbeat, from the future, or undated", async () => {
      const at = appraised.terms.start + YEAR;
      await appraiseAt(appraisal, at, fairAnswer(at), at - APPRAISAL_HEARTBEAT);
      expect((await appraised.nav.hardwareValue()).appraised, "exactly a heartbeat old is still fresh").toBe(true);

      const cases: [string, bigint][] = [["stale", -APPRAISAL_HEARTBEAT - 1n], ["future", 1n]];
      let now = at;
      for (const [why, offset] of cases) {
        now += 10n;
        await appraiseAt(appraisal, now, fairAnswer(now), now + offset);
        await expectSchedule(now, why);
      }
      now += 10n;
      await appraiseAt(appraisal, now, fairAnswer(now), 0n);
      await expectSchedule(now, "undated");

      // The round says so too, and is dated now.
      const published = now + 10n;
      const round = await publishAt(appraised.nav, published);
      expect([round.appraised, round.hardwareValue, round.observedAt])
        .toEqual([false, scheduleAt(appraised.terms, published), published]);
    });

    it("falls back to the schedule on a zero or negative appraisal", async () => {
      let at = appraised.terms.start + YEAR;
      for (const answer of [0n, -1n, -fairAnswer(at)]) {
        at += 10n;
        await appraiseAt(appraisal, at, answer);
        await expectSchedule(at, `answer ${answer}`);
      }
    });

    it("falls back to the schedule while the feed's decimals differ from those registered at launch", async () => {
      const at = appraised.terms.start + YEAR;
      await appraiseAt(appraisal, at, fairAnswer(at));
      expect((await appraised.nav.hardwareValue()).appraised).toBe(true);
      // Same value restated in 18 decimals: believable, but not in the units the oracle registered.
      await setNextTimestamp(at + 10n);
      await appraisal.setDecimals(18);
      await appraiseAt(appraisal, at + 20n, fairAnswer(at + 20n) * 10n ** 10n);
      await expectSchedule(at + 20n, "decimals changed");
      await appraiseAt(appraisal, at + 30n, fairAnswer(at + 30n));
      await expectSchedule(at + 30n, "decimals still changed");
      await setNextTimestamp(at + 40n);
      await appraisal.setDecimals(FEED_DECIMALS);
      expect((await appraised.nav.hardwareValue()).appraised).toBe(true);
    });

    it("falls back to the schedule when the feed's latestRoundData reverts", async () => {
      // An ERC-20 has decimals() but no latestRoundData(): registration succeeds, every read fails.
      const broken = await launchCluster(d, { appraisalFeed: await d.stable.getAddress(), appraisalHeartbeat: APPRAISAL_HEARTBEAT });
      const at = broken.terms.start + YEAR;
      await mineAt(at);
      expect([...(await broken.nav.hardwareValue())]).toEqual([scheduleAt(broken.terms, at), at, false]);
      expect((await broken.nav.update.staticCall())[1]).toBe(navPerShare(scheduleAt(broken.terms, at)));
    });
  });

  describe("refusals", () => {
    it("has no NAV until the raise succeeds: first no shares, then no hardware", async () => {
      const nav = raising.nav;
      await expectRevert(nav.update(), nav, "NoSharesOutstanding");
      await expectRevert(nav.breakdown(), nav, "NoSharesOutstanding");
      expect(await upkeepNeeded(nav)).toBe(false);

      await invest(d, raising, d.holders[1], RAISE.softCap); // shares exist, locked; the hardware is not bought
      for (const read of [() => nav.update(), () => nav.breakdown(), () => nav.hardwareValue(), () => nav.scheduledValue()]) {
        await expectRevert(read(), nav, "HardwareNotAcquired");
      }
      expect(await upkeepNeeded(nav)).toBe(false);
      expect((await nav.schedule()).start).toBe(0n);
    });

    it("starts depreciating the net raise when the offering succeeds, and only then, only from the offering", async () => {
      const nav = raising.nav;
      const offering = await impersonate(await raising.offering.getAddress());
      expect(await expectRevert(nav.connect(d.stranger).acquireHardware(1n), nav, "Unauthorized")).toEqual([d.stranger.address]);
      expect(await expectRevert(nav.connect(d.operator).acquireHardware(1n), nav, "Unauthorized")).toEqual([d.operator.address]);
      for (const cost of [0n, UINT112_MAX + 1n]) {
        expect(await expectRevert(nav.connect(offering).acquireHardware(cost), nav, "InvalidParameter")).toEqual(["hardwareCost"]);
      }

      await invest(d, raising, d.holders[1], RAISE.hardCap); // the hard cap ends the raise at once
      const finalized = await raising.offering.finalize();
      const startedAt = await timestampOf(finalized);
      const raised = RAISE.hardCap * d.unit;
      const cost = raised - (raised * PROTOCOL_FEE_BPS) / BPS; // the operator gets the raise net of the protocol fee
      expect([...eventIn(nav, (await finalized.wait())!, "HardwareAcquired")]).toEqual([cost, startedAt]);
      const s = await nav.schedule();
      expect([s.cost, s.start]).toEqual([cost, startedAt]);

      const supply = RAISE.hardCap * SHARE; // $1 a share
      const t: Terms = { cost, start: startedAt, life: DEFAULT_LIFE, salvageBps: SALVAGE_BPS };
      const round = await publishAt(nav, startedAt + BigInt(DAY) + 1n);
      expect([round.hardwareValue, round.totalSupply]).toEqual([scheduleAt(t, startedAt + BigInt(DAY) + 1n), supply]);
      expect(round.navPerShare).toBe(navPerShare(round.hardwareValue, supply));

      await expectRevert(nav.connect(offering).acquireHardware(1n), nav, "HardwareAlreadyAcquired");
      // A cluster launched without a raise acquired its hardware at launch.
      const ownOffering = await impersonate(await d.offering.getAddress());
      await expectRevert(d.nav.connect(ownOffering).acquireHardware(1n), d.nav, "HardwareAlreadyAcquired");
    });

    it("never publishes a zero NAV", async () => {
      // No salvage: after its life the hardware is worth nothing, and there is neither reserve nor rent.
      const scrapped = await launchCluster(d, { usefulLife: MIN_LIFE, salvageBps: 0n });
      await mineAt(scrapped.terms.start + MIN_LIFE);
      const b = await scrapped.nav.breakdown();
      expect([b.navPerShare, b.hardwareValue, b.reserve, b.streaming]).toEqual([0n, 0n, 0n, 0n]);
      await expectRevert(scrapped.nav.update(), scrapped.nav, "ZeroNav");
      // Automation asks only for an update that would succeed.
      expect(await upkeepNeeded(scrapped.nav)).toBe(false);
      await expectRevert(scrapped.nav.performUpkeep("0x"), scrapped.nav, "ZeroNav");
    });

    it("refuses to publish while the L2 sequencer is down or inside its grace period", async () => {
      const grace = HOUR;
      const sequencer = await new MockV3Aggregator__factory(d.admin).deploy(0, 1n); // 1: down
      await d.factory.connect(d.admin).setSequencerUptimeFeed(await sequencer.getAddress(), grace);
      await expectRevert(d.nav.update(), d.nav, "SequencerDown");

      const upSince = (await latestTimestamp()) + 10n;
      await setNextTimestamp(upSince);
      await sequencer.updateRoundData(2n, 0n, upSince, upSince);
      await setNextTimestamp(upSince + grace);
      const early = d.nav.update();
      expect(await expectRevert(early, d.nav, "SequencerGracePeriodNotOver")).toEqual([upSince, grace]);
      const round = await publishAt(d.nav, upSince + grace + 1n);
      expect(round.roundId).toBe(1n);
    });
  });

  describe("automation", () => {
    it("asks for a round until one is published, then again once it is half a heartbeat old", async () => {
      expect(await upkeepNeeded(d.nav)).toBe(true); // a NAV exists but none was published
      expect((await d.nav.checkUpkeep("0x"))[1]).toBe("0x");
      const published = terms.start + BigInt(DAY);
      await publishAt(d.nav, published);
      expect(await upkeepNeeded(d.nav)).toBe(false);

      const half = BigInt(NAV_HEARTBEAT) / 2n;
      await mineAt(published + half - 1n);
      expect(await upkeepNeeded(d.nav)).toBe(false);
      await mineAt(published + half);
      expect(await upkeepNeeded(d.nav)).toBe(true);

      const performed = published + half + 1n;
      const round = await publishAt(d.nav, performed, () => d.nav.connect(d.stranger).performUpkeep("0x"));
      expect([round.roundId, round.observedAt, round.navPerShare])
        .toEqual([2n, performed, navPerShare(scheduleAt(terms, performed))]);
      expect(await upkeepNeeded(d.nav)).toBe(false);
    });

    it("counts an appraised round as old as its appraisal", async () => {
      const at = appraised.terms.start + YEAR;
      const appraisedAt = at - BigInt(NAV_HEARTBEAT) / 2n; // within the 12-hour appraisal heartbeat
      await appraiseAt(appraisal, appraisedAt, fairAnswer(at));
      const round = await publishAt(appraised.nav, at);
      expect([round.appraised, round.observedAt]).toEqual([true, appraisedAt]);
      // Just published, yet already half a heartbeat old: upkeep asks for another round at once.
      expect(await upkeepNeeded(appraised.nav)).toBe(true);
    });
  });
});
