/**
 * Property tests: the SDK's redemption-queue maths (sdk/src/math/queue.ts) equal RedemptionQueue's views to the
 * unit. Random sequences of requests (new and added to), cancels, rent and epoch closes, settlements (full, pro
 * rata when the reserve is short, two eras in one), redeems of part or all of what is claimable and time jumps
 * drive one cluster; after every step each holder's position is decoded from storage and `pendingShares` and
 * `claimable` are compared with `pendingRedeemRequest` and `claimable`, the decoded eras with `eraOf`, and
 * `settlementFill` with `previewSettle` (the same figures, or the same custom error). Each redeem's payout is
 * compared with `redeemAssets`. The run fails if the generators never reached partial fills, two-era
 * settlements, merged (aliased) eras, positions with a paid checkpoint, or a refused settlement.
 *
 * MATH_RUNS (default 25), MATH_STEPS (default 16), MATH_SEED.
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { EPOCH, closeEpochAt, deployCluster, ethers, latestTimestamp, snapshot, type Deployment } from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import { claimable, pendingShares, redeemAssets, settlementFill } from "../../sdk/src/math";
import { mineAt, readPosition, readResolvedEra, readSettlementInputs, readStoredClaimable, requestPart, spreadShares } from "./mathChainState";

const RUNS = Number(process.env.MATH_RUNS ?? 25);
const STEPS = Number(process.env.MATH_STEPS ?? 16);
const SEED = process.env.MATH_SEED === undefined ? undefined : Number(process.env.MATH_SEED);
const HOLDERS = 4;

type Action =
  | { kind: "request"; holder: number; permille: number }
  | { kind: "cancel"; holder: number }
  | { kind: "close"; rent: bigint; settle: boolean }
  | { kind: "settle" }
  | { kind: "redeem"; holder: number; permille: number }
  | { kind: "wait"; seconds: number };

const holder = fc.integer({ min: 0, max: HOLDERS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("request" as const), holder, permille: fc.integer({ min: 1, max: 1000 }) }) },
  fc.record({ kind: fc.constant("cancel" as const), holder }),
  // Rent sized so the reserve slice (5 %) sometimes fills every request and often only part of them; a close is
  // often followed by a settlement at once, as a keeper would.
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("close" as const), rent: fc.bigInt({ min: 1n, max: 1_500_000n }), settle: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("settle" as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("redeem" as const), holder, permille: fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 999 })) }) },
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 2 * EPOCH }) }),
);

describe("redemption queue maths equal the contract", () => {
  let d: Deployment;
  let restore: () => Promise<void>;
  let billed: bigint;
  const reached = { partial: 0, twoEras: 0, merged: 0, paidCheckpoint: 0, refused: 0, fills: 0, redeems: 0, compared: 0 };

  beforeAll(async () => {
    d = await deployCluster({ stableDecimals: 6 });
    await spreadShares(d, HOLDERS, 300_000n, 50_000n);
    restore = await snapshot();
  });

  async function apply(a: Action): Promise<void> {
    const holders = d.holders.slice(0, HOLDERS);
    switch (a.kind) {
      case "request":
        await requestPart(d, holders[a.holder], a.permille);
        return;
      case "cancel": {
        const h = holders[a.holder];
        const p = await readPosition(d, h.address);
        if ((await d.queue.pendingRedeemRequest(p.era, h.address)) > 0n) await d.queue.connect(h).cancelRedeemRequest(p.era, h.address);
        return;
      }
      case "close": {
        await d.vault.connect(d.renter).payRent(a.rent * d.unit, ethers.id(`rent ${billed}`));
        billed += a.rent * d.unit;
        await closeEpochAt(d, billed);
        if (a.settle) await d.queue.settle().catch(() => undefined);
        return;
      }
      case "settle":
        await d.queue.settle().catch(() => undefined);
        return;
      case "redeem": {
        const h = holders[a.holder];
        const available = await d.queue.claimable(h.address);
        const shares = (available.shares * BigInt(a.permille)) / 1000n;
        if (shares === 0n) return;
        const expected = redeemAssets({ shares: available.shares, assets: available.assets }, shares);
        const before = await d.stable.balanceOf(h.address);
        await d.queue.connect(h).redeem(shares, h.address, h.address);
        expect((await d.stable.balanceOf(h.address)) - before, "redeem payout").toBe(expected);
        reached.redeems++;
        return;
      }
      case "wait":
        await mineAt((await latestTimestamp()) + BigInt(a.seconds));
        return;
    }
  }

  async function check(): Promise<void> {
    for (const h of d.holders.slice(0, HOLDERS)) {
      const position = await readPosition(d, h.address);
      const era = await readResolvedEra(d, position.era);
      const stored = await readStoredClaimable(d, h.address);
      expect(pendingShares(position, era, position.era)).toBe(await d.queue.pendingRedeemRequest(position.era, h.address));
      const view = await d.queue.claimable(h.address);
      expect(claimable(position, stored, era)).toEqual({ shares: view.shares, assets: view.assets });
      reached.compared++;
      if (position.units > 0n && era.id !== position.era) reached.merged++;
      if (position.paidPerUnit > 0n) reached.paidCheckpoint++;
    }
    const inputs = await readSettlementInputs(d);
    if (inputs === null) return;
    // The decoded era words are what eraOf reports.
    for (const era of [inputs.head, inputs.matured]) {
      if (era === null) continue;
      const view = await d.queue.eraOf(era.id);
      expect(era).toEqual({
        id: era.id,
        units: view.units,
        pending: view.pending,
        assetsPerUnit: view.assetsPerUnit,
        remainingPerUnit: view.remainingPerUnit,
        aliasOf: view.aliasOf,
        settled: view.settled,
        finished: view.finished,
      });
    }
    const fill = settlementFill(inputs);
    if (fill.ok) {
      const [sharesFilled, assets] = await d.queue.previewSettle();
      expect([fill.sharesFilled, fill.assets]).toEqual([sharesFilled, assets]);
      reached.fills++;
      if (fill.fills.some((f) => !f.full)) reached.partial++;
      if (fill.fills.length === 2) reached.twoEras++;
    } else {
      await expectRevert(d.queue.previewSettle(), d.queue, fill.error);
      reached.refused++;
    }
  }

  it("pending, claimable, eras, a settlement's fill and redeem payouts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: STEPS / 2, maxLength: STEPS }), async (steps) => {
        await restore();
        billed = 0n;
        for (const a of steps) {
          await apply(a);
          await check();
        }
      }),
      {
        numRuns: RUNS,
        seed: SEED,
        endOnFailure: true,
        // Always also: a head era filled in part (and its request redeemed in part, which checkpoints it), a second
        // era maturing behind it, and a reserve that then fills the head and part of the second in one settlement.
        examples: [
          [
            [
              { kind: "request", holder: 0, permille: 400 },
              { kind: "close", rent: 1_000_000n, settle: true },
              { kind: "redeem", holder: 0, permille: 500 },
              { kind: "request", holder: 1, permille: 400 },
              { kind: "close", rent: 1_500_000n, settle: false },
              { kind: "settle" },
              { kind: "redeem", holder: 0, permille: 1000 },
            ],
          ],
          // And: requests of two closed epochs waiting unsettled, so the later era merges into the earlier.
          [
            [
              { kind: "request", holder: 0, permille: 300 },
              { kind: "close", rent: 100_000n, settle: false },
              { kind: "request", holder: 1, permille: 300 },
              { kind: "close", rent: 100_000n, settle: false },
              { kind: "request", holder: 2, permille: 300 },
            ],
          ],
        ],
      },
    );
    console.log(`queue maths: ${JSON.stringify(reached)}`);
    expect(reached.partial, "partial fills").toBeGreaterThan(0);
    expect(reached.twoEras, "two-era settlements").toBeGreaterThan(0);
    expect(reached.merged, "merged eras").toBeGreaterThan(0);
    expect(reached.paidCheckpoint, "paid checkpoints").toBeGreaterThan(0);
    expect(reached.refused, "refused settlements").toBeGreaterThan(0);
    expect(reached.redeems, "redeems").toBeGreaterThan(0);
  });
});
