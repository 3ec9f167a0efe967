/**
 * Property tests: the SDK's appraisal path (sdk/src/math/oracle.ts `readFeed`, nav.ts `hardwareValueAt`) equals
 * NavOracle's `hardwareValue()` to the unit. A cluster whose NAV oracle has an 8-decimal appraisal feed over a
 * 6-decimal stablecoin gets random appraisals (inside and outside the deviation band, zero and negative, dated
 * in the past, beyond the heartbeat or in the future), published NAV rounds (after which older appraisals are
 * ignored) and time jumps; after every step the feed and the oracle are read, a block is mined later, and the
 * maths' value, observation time and source are compared with the view there. The run fails unless every feed
 * status and both sources (appraisal and schedule) were reached.
 *
 * MATH_RUNS (default 25), MATH_STEPS (default 10), MATH_SEED.
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { DAY, FEED_DECIMALS, SHARE, deployCluster, launchParams, latestTimestamp, navParams, snapshot, type Deployment } from "../helpers/fixtures";
import { MockV3Aggregator__factory, NavOracle__factory, type MockV3Aggregator, type NavOracle } from "../../sdk/src/types";
import { depreciatedValue, hardwareValueAt, readFeed, type FeedStatus } from "../../sdk/src/math";
import { mineAt, readSchedule } from "./mathChainState";

const RUNS = Number(process.env.MATH_RUNS ?? 25);
const STEPS = Number(process.env.MATH_STEPS ?? 10);
const SEED = process.env.MATH_SEED === undefined ? undefined : Number(process.env.MATH_SEED);
const APPRAISAL_HEARTBEAT = DAY / 2;
const HARDWARE_COST = 2_000_000n * 10n ** 6n;

type Action =
  | { kind: "appraise"; permille: number; sign: -1 | 0 | 1; age: number }
  | { kind: "publish" }
  | { kind: "wait"; seconds: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("appraise" as const),
      // The appraisal as a share of the scheduled value: mostly near it (the band is ±20 %), sometimes far off.
      permille: fc.oneof(fc.integer({ min: 700, max: 1300 }), fc.integer({ min: 1, max: 3000 })),
      sign: fc.constantFrom<-1 | 0 | 1>(1, 1, 1, 1, 0, -1),
      // Seconds before now it is dated: fresh, stale, or (negative) in the future.
      age: fc.oneof(fc.integer({ min: 0, max: APPRAISAL_HEARTBEAT }), fc.integer({ min: -DAY, max: 2 * DAY })),
    }),
  },
  fc.record({ kind: fc.constant("publish" as const) }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 60 * DAY }) }),
);

describe("appraisal and hardware value maths equal the NAV oracle", () => {
  let d: Deployment;
  let nav: NavOracle;
  let appraisal: MockV3Aggregator;
  let restore: () => Promise<void>;
  let round = 1n;
  const statuses = new Set<FeedStatus>();
  const sources = { appraised: 0, scheduled: 0 };

  beforeAll(async () => {
    d = await deployCluster({ stableDecimals: 6 });
    appraisal = await new MockV3Aggregator__factory(d.admin).deploy(FEED_DECIMALS, 1n);
    const id = await d.factory.clusterCount();
    await d.factory.connect(d.operator).launch(
      launchParams({
        stablecoin: await d.stable.getAddress(),
        revenueFeed: await d.feed.getAddress(),
        keeper: d.keeper.address,
        initialHolder: d.holders[0].address,
        initialShares: 2_000_000n * SHARE,
        nav: navParams({
          appraisalFeed: await appraisal.getAddress(),
          appraisalHeartbeat: APPRAISAL_HEARTBEAT,
          maxDeviationBps: 2_000,
          hardwareCost: HARDWARE_COST,
        }),
      }),
    );
    nav = NavOracle__factory.connect((await d.factory.cluster(id)).contracts.navOracle, d.admin);
    restore = await snapshot();
  });

  async function apply(a: Action): Promise<void> {
    const now = await latestTimestamp();
    switch (a.kind) {
      case "appraise": {
        const scheduled = depreciatedValue(await readSchedule(nav), now)!;
        // Stablecoin units to the feed's 8 decimals.
        const answer = BigInt(a.sign) * ((scheduled * BigInt(a.permille)) / 1000n) * 100n;
        const updatedAt = now - BigInt(a.age);
        await appraisal.updateRoundData(round++, answer, updatedAt > 0n ? updatedAt : 0n, updatedAt);
        return;
      }
      case "publish":
        // Refused while nothing could be valued; the step is then a no-op.
        await nav.update().catch(() => undefined);
        return;
      case "wait":
        await mineAt(now + BigInt(a.seconds));
        return;
    }
  }

  async function checkAfter(wait: bigint): Promise<void> {
    const [schedule, registered, feedDecimals, latest, lastRound] = await Promise.all([
      readSchedule(nav),
      nav.appraisalFeed(),
      appraisal.decimals(),
      appraisal.latestRoundData(),
      // `updatedAt` is the fourth answer (NavOracle names none); no round yet: RoundNotFound.
      nav.latestRoundData().catch(() => null),
    ]);
    const t = (await latestTimestamp()) + wait;
    await mineAt(t);
    const reading = readFeed(
      { heartbeat: registered.heartbeat, decimals: Number(registered.decimals) },
      { decimals: Number(feedDecimals), answer: latest.answer, updatedAt: latest.updatedAt },
      6,
      t,
    );
    statuses.add(reading.status);
    const value = hardwareValueAt(schedule, reading, lastRound === null ? 0n : lastRound[3], t);
    const view = await nav.hardwareValue();
    expect(value).toEqual({ value: view.value, observedAt: view.observedAt, appraised: view.appraised });
    if (value!.appraised) sources.appraised++;
    else sources.scheduled++;
  }

  it("readFeed's checks and hardwareValueAt's choice between the appraisal and the schedule", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(action, fc.oneof(fc.bigInt({ min: 1n, max: 3_600n }), fc.bigInt({ min: 1n, max: BigInt(DAY) }))), { minLength: 1, maxLength: STEPS }), async (steps) => {
        await restore();
        for (const [a, wait] of steps) {
          await apply(a);
          await checkAfter(wait);
        }
      }),
      {
        numRuns: RUNS,
        seed: SEED,
        endOnFailure: true,
        // Always also: a believable fresh appraisal (used), one from the future, a zero one, then a stale one.
        examples: [
          [
            [
              [{ kind: "appraise", permille: 1050, sign: 1, age: 60 }, 60n],
              [{ kind: "publish" }, 60n],
              [{ kind: "appraise", permille: 1000, sign: 1, age: -3_600 }, 60n],
              [{ kind: "appraise", permille: 1000, sign: 0, age: 0 }, 60n],
              [{ kind: "appraise", permille: 1000, sign: 1, age: 2 * DAY }, 60n],
            ],
          ],
        ],
      },
    );
    console.log(`appraisal maths: ${JSON.stringify({ statuses: [...statuses], ...sources })}`);
    expect([...statuses].sort()).toEqual(["InvalidTimestamp", "NonPositive", "Ok", "Stale"]);
    expect(sources.appraised, "appraisals used").toBeGreaterThan(0);
    expect(sources.scheduled, "schedule used").toBeGreaterThan(0);
  });
});
