/**
 * Property tests: the SDK's offering maths (sdk/src/math/offering.ts) equal ClusterOffering to the unit. Random
 * prices are reduced to lots as the contract's `cloneArgs` does; random purchases by amount and by shares in a raise
 * with per-account limits are quoted against `previewBuy`/`previewBuyShares`, checked against the limits
 * (`checkRaisePurchase` names the custom error the purchase then reverts with, or the purchase mints and takes
 * exactly the quote); the raise then fails (refunds equal `refundAssets`) or succeeds (`raiseProceeds` equals
 * the fee and proceeds owed), and later issuance is quoted and bought at the NAV entry value plus a random premium.
 *
 * MATH_RUNS (default 25), MATH_STEPS (default 10), MATH_SEED.
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { DAY, PROTOCOL_FEE_BPS, deployCluster, ethers, latestTimestamp, snapshot, type Deployment } from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import {
  WAD,
  checkRaisePurchase,
  issuancePrice,
  lotOf,
  quoteBuy,
  quoteBuyShares,
  raiseProceeds,
  refundAssets,
  type OfferingTerms,
  type PurchaseTerms,
} from "../../sdk/src/math";
import { mineAt } from "./mathChainState";

const RUNS = Number(process.env.MATH_RUNS ?? 25);
const STEPS = Number(process.env.MATH_STEPS ?? 10);
const SEED = process.env.MATH_SEED === undefined ? undefined : Number(process.env.MATH_SEED);
const BUYERS = 3;
const SOFT_CAP = 300_000n;
const HARD_CAP = 1_000_000n;

type Purchase = { buyer: number; byShares: boolean; amount: bigint };

describe("offering maths equal the contract", () => {
  let d: Deployment;
  let restore: () => Promise<void>;
  let terms: OfferingTerms;
  const reached = { bought: 0, refused: new Set<string>(), failedRaises: 0, succeededRaises: 0, issuanceQuotes: 0 };

  beforeAll(async () => {
    // Price 3 per share: lots of 3 units for 1e12 share units; limits in whole stablecoins.
    d = await deployCluster({
      stableDecimals: 6,
      raise: { price: 3n, softCap: SOFT_CAP, hardCap: HARD_CAP, duration: 30 * DAY, minPerAccount: 100n, maxPerAccount: 500_000n },
    });
    for (const buyer of d.holders.slice(0, BUYERS)) {
      await d.stable.mint(buyer.address, 100n * HARD_CAP * d.unit);
      await d.stable.connect(buyer).approve(await d.offering.getAddress(), ethers.MaxUint256);
    }
    const t = await d.offering.terms();
    terms = {
      lotAssets: t.lotAssets,
      lotShares: t.lotShares,
      softCap: t.softCap,
      hardCap: t.hardCap,
      deadline: t.deadline,
      minPerAccount: t.minPerAccount,
      maxPerAccount: t.maxPerAccount,
    };
    restore = await snapshot();
  });

  it("reduces any price to the contract's lot", async () => {
    const prefix = "0x";
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1n, max: (1n << 128n) - 1n }), async (price) => {
        const args = await d.offering.cloneArgs(prefix, {
          pricePerShare: price,
          softCap: 1n,
          hardCap: 1n,
          deadline: 1n,
          minPerAccount: 0n,
          maxPerAccount: 0n,
        });
        const [lotAssets, lotShares] = ethers.AbiCoder.defaultAbiCoder().decode(["uint256", "uint256"], ethers.dataSlice(args, 0, 64));
        expect(lotOf(price)).toEqual({ lotAssets, lotShares });
      }),
      { numRuns: 50, seed: SEED },
    );
    expect(lotOf(3n * d.unit)).toEqual({ lotAssets: terms.lotAssets, lotShares: terms.lotShares });
  });

  /** Buys as the purchase says after checking the quote and the limits against the contract. */
  async function purchase(p: Purchase, phase: PurchaseTerms): Promise<void> {
    const buyer = d.holders[p.buyer];
    const quote = p.byShares ? quoteBuyShares(phase, p.amount) : quoteBuy(phase, p.amount);
    const [shares, cost] = p.byShares ? await d.offering.previewBuyShares(p.amount) : await d.offering.previewBuy(p.amount);
    expect(quote).toEqual({ shares, cost });
    const state = { raised: (await d.offering.raiseState()).raised, receiverBalance: await d.token.balanceOf(buyer.address) };
    const send = () => (p.byShares ? d.offering.connect(buyer).buyShares(p.amount, buyer.address) : d.offering.connect(buyer).buy(p.amount, buyer.address));
    if (phase.phase === "issuance") {
      reached.issuanceQuotes++;
      if (quote.shares === 0n || quote.cost === 0n) return;
    }
    const limit = phase.phase === "raise" ? checkRaisePurchase(phase.terms, state, quote) : null;
    if (limit !== null) {
      const args = await expectRevert(send, d.offering, limit.error);
      expect(args).toEqual(limit.args);
      reached.refused.add(limit.error);
      return;
    }
    const [stableBefore, sharesBefore] = [await d.stable.balanceOf(buyer.address), state.receiverBalance];
    await send();
    expect(stableBefore - (await d.stable.balanceOf(buyer.address))).toBe(quote.cost);
    expect((await d.token.balanceOf(buyer.address)) - sharesBefore).toBe(quote.shares);
    reached.bought++;
  }

  const unitsOf = (whole: bigint) => whole * 10n ** 6n;
  const buyerArb = fc.integer({ min: 0, max: BUYERS - 1 });
  // Raw amounts, not whole lots: by amount up to 600k stablecoins or a few units, by shares up to 200k shares or dust.
  const purchaseArb: fc.Arbitrary<Purchase> = fc.oneof(
    fc.record({
      buyer: buyerArb,
      byShares: fc.constant(false),
      amount: fc.oneof(fc.bigInt({ min: 0n, max: unitsOf(600_000n) }), fc.bigInt({ min: 0n, max: 10n })),
    }),
    fc.record({
      buyer: buyerArb,
      byShares: fc.constant(true),
      amount: fc.oneof(fc.bigInt({ min: 0n, max: 200_000n * WAD }), fc.bigInt({ min: 0n, max: 10n ** 13n })),
    }),
  );

  it("quotes, limits, refunds, proceeds and later issuance", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(purchaseArb, { minLength: 1, maxLength: STEPS }),
        fc.array(purchaseArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 5_000 }),
        async (raise, later, premiumBps) => {
          await restore();
          for (const p of raise) {
            // A sold-out raise closes early; further purchases are refused before any quote.
            if ((await d.offering.phase()) !== 0n || terms.hardCap - (await d.offering.raiseState()).raised < terms.lotAssets) break;
            await purchase(p, { phase: "raise", terms });
          }
          const deadline = terms.deadline + 1n;
          if ((await latestTimestamp()) < deadline) await mineAt(deadline);
          const raised = (await d.offering.raiseState()).raised;
          if (raised < terms.softCap) {
            reached.failedRaises++;
            for (const buyer of d.holders.slice(0, BUYERS)) {
              const shares = await d.token.balanceOf(buyer.address);
              if (shares === 0n) continue;
              const before = await d.stable.balanceOf(buyer.address);
              await d.offering.connect(buyer).refund(buyer.address);
              expect((await d.stable.balanceOf(buyer.address)) - before).toBe(refundAssets(terms, shares));
            }
            return;
          }
          reached.succeededRaises++;
          await d.offering.finalize();
          const { protocolFee, proceeds } = raiseProceeds(raised, PROTOCOL_FEE_BPS);
          expect([protocolFee, proceeds]).toEqual([await d.offering.protocolFeeOwed(), await d.offering.proceedsOwed()]);
          await d.offering.connect(d.operator).configureIssuance(true, premiumBps, 10n ** 27n);
          for (const p of later) await purchase(p, { phase: "issuance", pricePerShare: await issuancePriceNow(premiumBps) });
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`offering maths: ${JSON.stringify({ ...reached, refused: [...reached.refused] })}`);
    expect(reached.bought, "purchases").toBeGreaterThan(0);
    expect([...reached.refused].sort(), "limits refused").toEqual(
      ["AboveMaximumPerAccount", "BelowMinimumPerAccount", "HardCapExceeded", "ZeroAmount"],
    );
    expect(reached.failedRaises, "failed raises").toBeGreaterThan(0);
    expect(reached.succeededRaises, "succeeded raises").toBeGreaterThan(0);
    expect(reached.issuanceQuotes, "issuance quotes").toBeGreaterThan(0);
  });

  /** The issuance price from the NAV oracle's live entry value (checked against the NAV maths in mathStream). */
  async function issuancePriceNow(premiumBps: number): Promise<bigint> {
    return issuancePrice((await d.nav.quote()).entryPerShare, BigInt(premiumBps));
  }
});
