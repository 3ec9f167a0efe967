import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { AddressLike, BaseContract, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import {
  attest, deployCluster, deployFactory, increaseTime, latestTimestamp, launchParams, navParams, noRaise, setNextTimestamp,
  snapshot, ethers, DAY, NAV_HEARTBEAT, PROTOCOL_FEE_BPS, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import {
  ClusterOffering__factory, ClusterShareToken__factory, FeeOnTransferToken__factory, MockStablecoin__factory,
  MockV3Aggregator__factory, type ClusterFactory, type ClusterOffering,
} from "../../sdk/src/types";

const BPS = 10_000n;
/** ClusterOffering.Phase. */
const Phase = { Raising: 0n, Succeeded: 1n, Failed: 2n } as const;
// $3 a share: 3 shares no factor with 1e18, so a lot is 3 stablecoin units (for 1e12 share units with 6 decimals,
// 1 with 18) and most amounts leave change the raise must not take. Limits are in whole stablecoins.
const RAISE = { price: 3n, softCap: 45_000n, hardCap: 90_000n, duration: 30 * DAY, minPerAccount: 30n, maxPerAccount: 60_000n };
const FUNDING = 200_000n; // whole stablecoins each investor starts with
const PREMIUM_BPS = 137n; // odd on purpose: the issuance price has to round
const ISSUANCE_CAP = 1_000n * SHARE;
const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
  ],
};

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** The raise's unit of sale for `price` (stablecoin units per whole share), worked out independently of the contract. */
function lotOf(price: bigint): { assets: bigint; shares: bigint } {
  const divisor = gcd(price, SHARE);
  return { assets: price / divisor, shares: SHARE / divisor };
}

/** Later issuance's price per whole share: NAV plus the premium, rounded up (in the protocol's favour). */
function issuancePrice(nav: bigint, premiumBps = PREMIUM_BPS): bigint {
  return ceilDiv(nav * (BPS + premiumBps), BPS);
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  return (await (await tx).wait())!;
}

/** The arguments of every `name` event `contract` emitted in `receipt`. */
function eventsIn(receipt: ContractTransactionReceipt, contract: BaseContract, name: string): unknown[][] {
  const address = String(contract.target).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => contract.interface.parseLog(log))
    .filter((event) => event?.name === name)
    .map((event) => [...event!.args]);
}

/** Sends `action` and returns how much each value `read` returns changed (after minus before), with the receipt. */
async function changes(
  read: () => Promise<bigint>[],
  action: () => Promise<ContractTransactionResponse>,
): Promise<{ deltas: bigint[]; receipt: ContractTransactionReceipt }> {
  const before = await Promise.all(read());
  const receipt = await mined(action());
  const after = await Promise.all(read());
  return { deltas: after.map((value, i) => value - before[i]), receipt };
}

describe.each([6, 18])("ClusterOffering with a %i-decimal stablecoin", (stableDecimals) => {
  let d: Deployment;
  let alice: HardhatEthersSigner;
  let bob: HardhatEthersSigner;
  let carol: HardhatEthersSigner;
  let dave: HardhatEthersSigner; // funded but never approved the offering: buys with a permit
  let lot: { assets: bigint; shares: bigint };
  let price: bigint;
  let resetToDeployment: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster({ stableDecimals, raise: RAISE });
    [alice, bob, carol, dave] = d.holders;
    for (const investor of [alice, bob, carol, dave]) await d.stable.mint(investor.address, FUNDING * d.unit);
    for (const investor of [alice, bob, carol]) {
      await d.stable.connect(investor).approve(d.offering.target, ethers.MaxUint256);
    }
    price = RAISE.price * d.unit;
    lot = lotOf(price);
    resetToDeployment = await snapshot();
  });

  /** Brings the cluster to the state `setup` leaves it in once per block, and back to it before every test. */
  function stage(setup: () => Promise<void> = async () => {}): void {
    let restore: () => Promise<void>;
    beforeAll(async () => {
      await resetToDeployment();
      await setup();
      restore = await snapshot();
    });
    beforeEach(async () => restore());
  }

  const units = (wholeStablecoins: bigint) => wholeStablecoins * d.unit;
  const stableOf = (account: AddressLike) => d.stable.balanceOf(account);
  const sharesOf = (account: AddressLike) => d.token.balanceOf(account);
  const raised = async () => (await d.offering.raiseState()).raised;
  const issued = async () => (await d.offering.issuance()).issued;
  const buy = (buyer: HardhatEthersSigner, assets: bigint, receiver = buyer) =>
    d.offering.connect(buyer).buy(assets, receiver.address);
  const buyShares = (buyer: HardhatEthersSigner, shares: bigint, receiver = buyer) =>
    d.offering.connect(buyer).buyShares(shares, receiver.address);

  /** What the raise mints and charges for `assets`: the whole lots it covers; the change is not taken. */
  function raiseQuote(assets: bigint): { shares: bigint; cost: bigint } {
    const lots = assets / lot.assets;
    return { shares: lots * lot.shares, cost: lots * lot.assets };
  }

  async function passDeadline(): Promise<void> {
    const { deadline } = await d.offering.terms();
    await increaseTime(deadline - (await latestTimestamp()) + 1n);
  }

  /** Every balance and counter a purchase, refund, withdrawal or issuance can move. */
  async function ledger(): Promise<bigint[]> {
    const accounts = [alice, bob, carol, dave, d.stranger, d.operator, d.feeRecipient, d.offering, d.vault];
    return Promise.all([
      ...accounts.map(stableOf), ...accounts.map(sharesOf), d.token.totalSupply(), raised(), issued(),
      d.offering.totalRefunded(), d.offering.proceedsOwed(), d.offering.protocolFeeOwed(), d.vault.reserve(),
    ]);
  }

  /** Asserts `action` reverts with `error` from `contract` and that no money or share moved; returns the error's args. */
  async function expectRefused(
    action: () => Promise<unknown>,
    contract: BaseContract,
    error: string,
  ): Promise<readonly unknown[]> {
    const before = await ledger();
    const args = await expectRevert(action, contract, error);
    expect(await ledger()).toEqual(before);
    return args;
  }

  async function signPermit(owner: HardhatEthersSigner, value: bigint, deadline: bigint) {
    const [, name, version, chainId, verifyingContract] = await d.stable.eip712Domain();
    const nonce = await d.stable.nonces(owner.address);
    const message = { owner: owner.address, spender: d.offering.target, value, nonce, deadline };
    return ethers.Signature.from(
      await owner.signTypedData({ name, version, chainId, verifyingContract }, PERMIT_TYPES, message),
    );
  }

  describe("raise", () => {
    stage();

    it("keeps its terms in the clone, with the price reduced to a lot", async () => {
      const terms = await d.offering.terms();
      expect([terms.lotAssets, terms.lotShares, terms.softCap, terms.hardCap, terms.minPerAccount, terms.maxPerAccount])
        .toEqual([lot.assets, lot.shares, units(RAISE.softCap), units(RAISE.hardCap), units(RAISE.minPerAccount), units(RAISE.maxPerAccount)]);
      const { launchedAt } = await d.factory.cluster(d.clusterId);
      expect(terms.deadline).toBeGreaterThan(launchedAt);
      expect(terms.deadline).toBeLessThanOrEqual(launchedAt + BigInt(RAISE.duration));
      expect(lot.assets).toBe(3n);
      expect(lot.shares).toBe(SHARE / d.unit);
      expect(await d.offering.phase()).toBe(Phase.Raising);
      expect(await d.offering.stablecoin()).toBe(d.stable.target);
      expect(await d.offering.clusterId()).toBe(d.clusterId);
    });

    it("buy takes only the whole lots an amount covers, exactly as previewBuy quotes", async () => {
      const amounts = [units(100n) + 1n, units(50n) + 2n, units(31n)];
      let charged = 0n;
      for (const amount of amounts) {
        const expected = raiseQuote(amount);
        expect(await d.offering.previewBuy(amount)).toEqual([expected.shares, expected.cost]);
        expect(await d.offering.connect(alice).buy.staticCall(amount, bob.address)).toBe(expected.shares);
        const { deltas, receipt } = await changes(
          () => [stableOf(alice), stableOf(d.offering), sharesOf(bob), sharesOf(alice), raised()],
          () => buy(alice, amount, bob),
        );
        expect(deltas).toEqual([-expected.cost, expected.cost, expected.shares, 0n, expected.cost]);
        expect(eventsIn(receipt, d.offering, "SharesPurchased")).toEqual([[alice.address, bob.address, expected.cost, expected.shares]]);
        // The shares are worth exactly what was charged at the fixed price: nothing is rounded against either side.
        expect(expected.cost * SHARE).toBe(expected.shares * price);
        charged += expected.cost;
      }
      // None of the amounts was a whole number of lots: each one's change stayed with the buyer.
      const offered = amounts.reduce((sum, amount) => sum + amount, 0n);
      const change = amounts.reduce((sum, amount) => sum + (amount % lot.assets), 0n);
      expect(change).toBeGreaterThanOrEqual(BigInt(amounts.length));
      expect(offered - charged).toBe(change);
      expect(await stableOf(alice)).toBe(units(FUNDING) - charged);
    });

    it("buyShares rounds up to whole lots and charges exactly their price, as previewBuyShares quotes", async () => {
      for (const requested of [10n * SHARE + 1n, 12n * SHARE]) {
        const [minted, cost] = await d.offering.previewBuyShares(requested);
        expect(minted).toBe(ceilDiv(requested, lot.shares) * lot.shares);
        expect(minted - requested).toBeLessThan(lot.shares); // at least what was asked, less than a lot more
        expect(cost * SHARE).toBe(minted * price);
        expect(await d.offering.connect(carol).buyShares.staticCall(requested, carol.address)).toBe(cost);
        const { deltas, receipt } = await changes(
          () => [stableOf(carol), stableOf(d.offering), sharesOf(carol)],
          () => buyShares(carol, requested),
        );
        expect(deltas).toEqual([-cost, cost, minted]);
        expect(eventsIn(receipt, d.offering, "SharesPurchased")).toEqual([[carol.address, carol.address, cost, minted]]);
      }
    });

    it("buyWithPermit buys with an EIP-2612 signature instead of an approval", async () => {
      const amount = units(300n) + 1n;
      const deadline = (await latestTimestamp()) + 3_600n;
      const { v, r, s } = await signPermit(dave, amount, deadline);
      const expected = raiseQuote(amount);
      const { deltas, receipt } = await changes(
        () => [stableOf(dave), stableOf(d.offering), sharesOf(dave)],
        () => d.offering.connect(dave).buyWithPermit(amount, dave.address, deadline, v, r, s),
      );
      expect(deltas).toEqual([-expected.cost, expected.cost, expected.shares]);
      expect(eventsIn(receipt, d.offering, "SharesPurchased")).toEqual([[dave.address, dave.address, expected.cost, expected.shares]]);
      expect(await d.stable.nonces(dave.address)).toBe(1n);
      // The permit approved the whole amount; only whole lots were taken, so the change stays approved.
      expect(await d.stable.allowance(dave.address, d.offering.target)).toBe(amount - expected.cost);
    });

    it("buyWithPermit still buys when the permit was front-run, since the allowance is then in place", async () => {
      const amount = units(300n);
      const deadline = (await latestTimestamp()) + 3_600n;
      const { v, r, s } = await signPermit(dave, amount, deadline);
      // Someone lifts the signature from the mempool and submits it first: the nonce is spent, the allowance set.
      await d.stable.connect(d.stranger).permit(dave.address, d.offering.target, amount, deadline, v, r, s);
      expect(await d.stable.allowance(dave.address, d.offering.target)).toBe(amount);
      // The offering swallows the failing permit and buys on the allowance.
      const { deltas } = await changes(
        () => [stableOf(dave), sharesOf(dave)],
        () => d.offering.connect(dave).buyWithPermit(amount, dave.address, deadline, v, r, s),
      );
      expect(deltas).toEqual([-amount, raiseQuote(amount).shares]);
      expect(await d.stable.nonces(dave.address)).toBe(1n);
      // Replayed with the allowance used up, the spent permit buys nothing: the stablecoin refuses the transfer.
      await expectRefused(
        () => d.offering.connect(dave).buyWithPermit(amount, dave.address, deadline, v, r, s),
        d.stable, "ERC20InsufficientAllowance",
      );
    });

    it("refuses to sell past the hard cap, moving nothing", async () => {
      await buy(alice, units(60_000n)); // the per-account maximum
      const args = await expectRefused(() => buy(bob, units(30_003n)), d.offering, "HardCapExceeded");
      expect(args).toEqual([units(30_003n), units(30_000n)]);
      // Whole lots of the remainder by share count too.
      await expectRefused(() => buyShares(bob, 10_001n * SHARE), d.offering, "HardCapExceeded");
      await buy(bob, units(30_000n));
      expect(await raised()).toBe(units(RAISE.hardCap));
      expect(await expectRefused(() => buy(carol, units(30n)), d.offering, "HardCapExceeded")).toEqual([units(30n), 0n]);
    });

    it("holds every receiver between the per-account minimum and maximum, counting what it already holds", async () => {
      expect(await expectRefused(() => buy(alice, units(27n)), d.offering, "BelowMinimumPerAccount"))
        .toEqual([units(27n), units(RAISE.minPerAccount)]);
      await buy(alice, units(30n));
      await buy(alice, units(3n)); // below the minimum alone, but alice now holds 33
      expect(await expectRefused(() => buy(alice, units(59_970n)), d.offering, "AboveMaximumPerAccount"))
        .toEqual([units(60_003n), units(RAISE.maxPerAccount)]);
      await buy(alice, units(59_967n));
      expect(await sharesOf(alice)).toBe((60_000n / RAISE.price) * SHARE);
      // The limits bind the receiver, not the payer: alice, at her maximum, may still buy for bob, and bob may not
      // buy for alice.
      await buy(alice, units(30n), bob);
      expect(await expectRefused(() => buy(bob, units(3n), alice), d.offering, "AboveMaximumPerAccount"))
        .toEqual([units(60_003n), units(RAISE.maxPerAccount)]);
    });

    it("refuses empty purchases and the zero receiver", async () => {
      await expectRefused(() => buy(alice, 0n), d.offering, "ZeroAmount");
      await expectRefused(() => buy(alice, lot.assets - 1n), d.offering, "ZeroAmount"); // less than one lot
      await expectRefused(() => buyShares(alice, 0n), d.offering, "ZeroAmount");
      await expectRefused(() => d.offering.connect(alice).buy(units(30n), ethers.ZeroAddress), d.offering, "ZeroAddress");
      await expectRefused(() => d.offering.connect(alice).buyShares(SHARE * 10n, ethers.ZeroAddress), d.offering, "ZeroAddress");
    });

    it("sells up to the deadline second and is closed after it", async () => {
      const { deadline } = await d.offering.terms();
      await setNextTimestamp(deadline);
      await buy(alice, units(300n));
      expect(await latestTimestamp()).toBe(deadline);
      expect(await sharesOf(alice)).toBe(100n * SHARE);
      await increaseTime(1);
      await expectRefused(() => buy(alice, units(300n)), d.offering, "OfferingClosed");
      await expectRefused(() => buyShares(alice, 100n * SHARE), d.offering, "OfferingClosed");
      await expectRevert(d.offering.previewBuy(units(300n)), d.offering, "OfferingClosed");
      await expectRevert(d.offering.previewBuyShares(100n * SHARE), d.offering, "OfferingClosed");
    });

    it("sells nothing while the guardian has paused the cluster", async () => {
      await d.token.connect(d.guardian).pause();
      // The offering takes the money first and mints last: the token's pause rolls the whole purchase back.
      await expectRefused(() => buy(alice, units(300n)), d.token, "EnforcedPause");
      await expectRefused(() => buyShares(alice, 100n * SHARE), d.token, "EnforcedPause");
      await d.token.connect(d.guardian).unpause();
      await buy(alice, units(300n));
      expect(await sharesOf(alice)).toBe(100n * SHARE);
    });

    it("keeps bought shares locked until the raise succeeds", async () => {
      await buy(alice, units(300n));
      expect(await d.token.locked()).toBe(true);
      await expectRefused(() => d.token.connect(alice).transfer(bob.address, SHARE), d.token, "SharesLocked");
      await d.token.connect(alice).approve(bob.address, ethers.MaxUint256);
      await expectRefused(() => d.token.connect(bob).transferFrom(alice.address, bob.address, SHARE), d.token, "SharesLocked");
    });

    it("lets nothing leave and nothing else start before the outcome", async () => {
      await buy(alice, units(3_000n));
      await expectRefused(() => d.offering.finalize(), d.offering, "OfferingStillOpen");
      await expectRefused(() => d.offering.connect(alice).refund(alice.address), d.offering, "RefundsNotOpen");
      await expectRefused(() => d.offering.connect(d.operator).withdrawProceeds(d.operator.address), d.offering, "NothingToWithdraw");
      await expectRefused(() => d.offering.withdrawProtocolFees(), d.offering, "NothingToWithdraw");
      await expectRefused(() => d.offering.connect(d.operator).configureIssuance(true, 0, ISSUANCE_CAP), d.offering, "IssuanceDisabled");
      expect(await d.offering.phase()).toBe(Phase.Raising);
    });
  });

  describe("finalize after reaching the soft cap", () => {
    // 60,000 raised: the soft cap (45,000) is met, the hard cap (90,000) is not.
    stage(async () => {
      await buy(alice, units(45_000n));
      await buy(bob, units(15_000n));
    });
    const proceedsOf = (total: bigint) => total - (total * PROTOCOL_FEE_BPS) / BPS;

    it("waits for the deadline, including its last second, while the hard cap is not reached", async () => {
      await expectRefused(() => d.offering.finalize(), d.offering, "OfferingStillOpen");
      const { deadline } = await d.offering.terms();
      await setNextTimestamp(deadline);
      await expectRefused(() => d.offering.finalize(), d.offering, "OfferingStillOpen");
      expect(await latestTimestamp()).toBe(deadline); // the refused finalize ran in the deadline's block
      expect(await d.offering.phase()).toBe(Phase.Raising);
    });

    it("succeeds after the deadline: unlocks the shares, starts depreciation at the proceeds, owes proceeds and fee", async () => {
      await passDeadline();
      const total = units(60_000n);
      const fee = (total * PROTOCOL_FEE_BPS) / BPS;
      const proceeds = total - fee;
      const receipt = await mined(d.offering.connect(d.stranger).finalize()); // anyone may finalize
      const { timestamp } = await receipt.getBlock();
      expect(eventsIn(receipt, d.offering, "OfferingSucceeded")).toEqual([[total, fee, proceeds]]);
      expect(eventsIn(receipt, d.token, "Unlocked")).toEqual([[]]);
      expect(eventsIn(receipt, d.nav, "HardwareAcquired")).toEqual([[proceeds, BigInt(timestamp)]]);

      expect(await d.offering.phase()).toBe(Phase.Succeeded);
      expect([...(await d.offering.raiseState())]).toEqual([total, true, false]);
      expect(await d.offering.proceedsOwed()).toBe(proceeds);
      expect(await d.offering.protocolFeeOwed()).toBe(fee);
      expect(await stableOf(d.offering)).toBe(total); // all of it stays until withdrawn
      const schedule = await d.nav.schedule();
      expect([schedule.cost, schedule.start]).toEqual([proceeds, BigInt(timestamp)]);

      // Shares move, and every one of them earns from now on.
      const supply = (60_000n / RAISE.price) * SHARE;
      expect(await d.token.locked()).toBe(false);
      expect(await d.token.totalSupply()).toBe(supply);
      expect(await d.token.eligibleSupply()).toBe(supply);
      await d.token.connect(alice).transfer(carol.address, SHARE);
      expect(await sharesOf(carol)).toBe(SHARE);

      // NAV starts at the proceeds per share (less the depreciation of the seconds since).
      await d.nav.update();
      const [, nav] = await d.nav.latestRoundData();
      const atCost = (proceeds * SHARE) / supply;
      expect(nav).toBeLessThanOrEqual(atCost);
      expect(nav).toBeGreaterThan((atCost * 9_999n) / BPS);

      // The raise is over for good; buying now would be later issuance, which is off.
      await expectRefused(() => d.offering.finalize(), d.offering, "AlreadyFinalized");
      await expectRefused(() => d.offering.connect(alice).refund(alice.address), d.offering, "RefundsNotOpen");
      await expectRefused(() => buy(carol, units(300n)), d.offering, "IssuanceDisabled");
    });

    it("ends early once the hard cap is reached", async () => {
      await buy(carol, units(30_000n));
      expect(await expectRefused(() => buy(carol, lot.assets), d.offering, "HardCapExceeded")).toEqual([lot.assets, 0n]);
      const { deadline } = await d.offering.terms();
      const total = units(RAISE.hardCap);
      const receipt = await mined(d.offering.finalize());
      expect(BigInt((await receipt.getBlock()).timestamp)).toBeLessThan(deadline);
      expect(eventsIn(receipt, d.offering, "OfferingSucceeded")).toEqual([[total, total - proceedsOf(total), proceedsOf(total)]]);
      expect(await d.offering.phase()).toBe(Phase.Succeeded);
      expect(await d.token.locked()).toBe(false);
    });

    it("pays the proceeds to the operator only and the protocol fee to its recipient, each once", async () => {
      await passDeadline();
      await d.offering.finalize();
      const total = units(60_000n);
      const proceeds = proceedsOf(total);
      const fee = total - proceeds;

      expect(await expectRefused(() => d.offering.connect(d.stranger).withdrawProceeds(d.stranger.address), d.offering, "Unauthorized"))
        .toEqual([d.stranger.address]);
      await expectRefused(() => d.offering.connect(d.operator).withdrawProceeds(ethers.ZeroAddress), d.offering, "ZeroAddress");
      const toOperator = await changes(
        () => [stableOf(d.operator), stableOf(d.offering)],
        () => d.offering.connect(d.operator).withdrawProceeds(d.operator.address),
      );
      expect(toOperator.deltas).toEqual([proceeds, -proceeds]);
      expect(eventsIn(toOperator.receipt, d.offering, "ProceedsWithdrawn")).toEqual([[d.operator.address, proceeds, false]]);
      await expectRefused(() => d.offering.connect(d.operator).withdrawProceeds(d.operator.address), d.offering, "NothingToWithdraw");

      // Anyone may push the fee, and it only ever goes to the protocol's recipient.
      const toProtocol = await changes(
        () => [stableOf(d.feeRecipient), stableOf(d.stranger), stableOf(d.offering)],
        () => d.offering.connect(d.stranger).withdrawProtocolFees(),
      );
      expect(toProtocol.deltas).toEqual([fee, 0n, -fee]);
      expect(eventsIn(toProtocol.receipt, d.offering, "ProceedsWithdrawn")).toEqual([[d.feeRecipient.address, fee, true]]);
      await expectRefused(() => d.offering.withdrawProtocolFees(), d.offering, "NothingToWithdraw");

      expect(await stableOf(d.offering)).toBe(0n);
      expect([await d.offering.proceedsOwed(), await d.offering.protocolFeeOwed()]).toEqual([0n, 0n]);
    });
  });

  describe("failed raise", () => {
    // Below the soft cap: alice buys for herself, bob pays for shares that go to carol.
    const ALICE_PAYS = 30_002n;
    const BOB_PAYS = 3_001n;
    stage(async () => {
      await buy(alice, units(ALICE_PAYS));
      await buy(bob, units(BOB_PAYS), carol);
    });
    const alicePurchase = () => raiseQuote(units(ALICE_PAYS));
    const carolPurchase = () => raiseQuote(units(BOB_PAYS));

    it("opens refunds the moment the deadline passes below the soft cap, before anyone finalizes", async () => {
      await expectRefused(() => d.offering.connect(alice).refund(alice.address), d.offering, "RefundsNotOpen");
      await passDeadline();
      expect(await d.offering.phase()).toBe(Phase.Failed);
      expect((await d.offering.raiseState()).failureRecorded).toBe(false);

      const { shares, cost } = alicePurchase();
      const { deltas, receipt } = await changes(
        () => [stableOf(alice), stableOf(d.offering), sharesOf(alice), d.token.totalSupply(), d.offering.totalRefunded()],
        () => d.offering.connect(alice).refund(alice.address),
      );
      expect(deltas).toEqual([cost, -cost, -shares, -shares, cost]);
      expect(eventsIn(receipt, d.offering, "Refunded")).toEqual([[alice.address, alice.address, cost, shares]]);
      // What she paid came back to the unit; the change she offered was never taken.
      expect(await stableOf(alice)).toBe(units(FUNDING));
    });

    it("records the failure once when finalized", async () => {
      await passDeadline();
      const total = alicePurchase().cost + carolPurchase().cost;
      const receipt = await mined(d.offering.connect(d.stranger).finalize());
      expect(eventsIn(receipt, d.offering, "OfferingFailed")).toEqual([[total]]);
      expect([...(await d.offering.raiseState())]).toEqual([total, false, true]);
      expect(await d.offering.phase()).toBe(Phase.Failed);
      await expectRefused(() => d.offering.finalize(), d.offering, "AlreadyFinalized");
      // Nothing of success happened: shares stay locked, no hardware, nothing owed.
      expect(await d.token.locked()).toBe(true);
      expect((await d.nav.schedule()).start).toBe(0n);
      expect([await d.offering.proceedsOwed(), await d.offering.protocolFeeOwed()]).toEqual([0n, 0n]);
    });

    it("refunds each holder once, in full, to any address but zero", async () => {
      await passDeadline();
      await d.offering.finalize();
      await expectRefused(() => d.offering.connect(alice).refund(ethers.ZeroAddress), d.offering, "ZeroAddress");
      // Refunds follow the shares, not the payer: bob paid but holds nothing, carol holds what he paid for.
      await expectRefused(() => d.offering.connect(bob).refund(bob.address), d.offering, "NothingToRefund");
      await expectRefused(() => d.offering.connect(d.stranger).refund(d.stranger.address), d.offering, "NothingToRefund");

      const { shares, cost } = carolPurchase();
      const { deltas, receipt } = await changes(
        () => [stableOf(d.stranger), stableOf(carol), sharesOf(carol)],
        () => d.offering.connect(carol).refund(d.stranger.address),
      );
      expect(deltas).toEqual([cost, 0n, -shares]);
      expect(eventsIn(receipt, d.offering, "Refunded")).toEqual([[carol.address, d.stranger.address, cost, shares]]);
      await expectRefused(() => d.offering.connect(carol).refund(carol.address), d.offering, "NothingToRefund");

      await d.offering.connect(alice).refund(alice.address);
      await expectRefused(() => d.offering.connect(alice).refund(alice.address), d.offering, "NothingToRefund");
      // Everything raised went back; no share is left.
      expect(await stableOf(d.offering)).toBe(0n);
      expect(await d.token.totalSupply()).toBe(0n);
      expect(await d.offering.totalRefunded()).toBe(await raised());
    });

    it("keeps refunds open while the cluster is paused", async () => {
      await passDeadline();
      await d.token.connect(d.guardian).pause();
      const { shares, cost } = alicePurchase();
      const { deltas } = await changes(
        () => [stableOf(alice), sharesOf(alice)],
        () => d.offering.connect(alice).refund(alice.address),
      );
      expect(deltas).toEqual([cost, -shares]);
    });

    it("refuses purchases, issuance and withdrawals after the failure", async () => {
      await passDeadline();
      await d.offering.finalize();
      await expectRefused(() => buy(carol, units(300n)), d.offering, "OfferingClosed");
      await expectRefused(() => buyShares(carol, 100n * SHARE), d.offering, "OfferingClosed");
      await expectRevert(d.offering.previewBuy(units(300n)), d.offering, "OfferingClosed");
      await expectRefused(() => d.offering.connect(d.operator).configureIssuance(true, 0, ISSUANCE_CAP), d.offering, "IssuanceDisabled");
      await expectRefused(() => d.offering.connect(d.operator).withdrawProceeds(d.operator.address), d.offering, "NothingToWithdraw");
      await expectRefused(() => d.offering.withdrawProtocolFees(), d.offering, "NothingToWithdraw");
      await expectRefused(() => d.token.connect(alice).transfer(bob.address, SHARE), d.token, "SharesLocked");
      await expectRevert(d.nav.update(), d.nav, "HardwareNotAcquired");
    });
  });

  describe("later issuance", () => {
    stage(async () => {
      await buy(alice, units(45_000n));
      await buy(bob, units(15_000n));
      await passDeadline();
      await d.offering.finalize();
    });

    const configure = (enabled: boolean, premiumBps = PREMIUM_BPS, cap = ISSUANCE_CAP) =>
      d.offering.connect(d.operator).configureIssuance(enabled, premiumBps, cap);

    /** Enables issuance and publishes a NAV round to price it. */
    async function openIssuance(cap = ISSUANCE_CAP): Promise<void> {
      await configure(true, PREMIUM_BPS, cap);
      await d.nav.update();
    }

    /** The entry value per share the offering prices with now (NAV plus the stream a new share earns). */
    async function entryValue(): Promise<bigint> {
      return (await d.nav.breakdown()).entryPerShare;
    }

    /** Past the hardware's useful life its value is the salvage floor, so the price stops moving every second. */
    async function depreciateFully(): Promise<void> {
      await increaseTime(3 * 365 * DAY + 1);
    }

    it("is the operator's to configure, with the premium at most MAX_PREMIUM_BPS", async () => {
      expect(await expectRefused(
        () => d.offering.connect(d.stranger).configureIssuance(true, 0, ISSUANCE_CAP), d.offering, "Unauthorized",
      )).toEqual([d.stranger.address]);
      const maxPremium = await d.offering.MAX_PREMIUM_BPS();
      expect(maxPremium).toBe(5_000n);
      expect(await expectRefused(() => configure(true, maxPremium + 1n), d.offering, "InvalidParameter")).toEqual(["premiumBps"]);
      const receipt = await mined(configure(true, maxPremium));
      expect(eventsIn(receipt, d.offering, "IssuanceConfigured")).toEqual([[true, maxPremium, ISSUANCE_CAP]]);
      expect([...(await d.offering.issuance())]).toEqual([true, maxPremium, ISSUANCE_CAP, 0n]);
    });

    it("sells nothing until enabled and nothing once disabled again", async () => {
      await d.nav.update();
      await expectRefused(() => buy(carol, units(300n)), d.offering, "IssuanceDisabled");
      await expectRevert(d.offering.previewBuy(units(300n)), d.offering, "IssuanceDisabled");
      await openIssuance();
      await buy(carol, units(300n));
      await configure(false);
      await expectRefused(() => buy(carol, units(300n)), d.offering, "IssuanceDisabled");
      await expectRefused(() => buyShares(carol, SHARE), d.offering, "IssuanceDisabled");
    });

    it("sells at the live entry value plus the premium, rounded up, and puts the money in the redemption reserve", async () => {
      await openIssuance(100n * ISSUANCE_CAP);
      await depreciateFully();
      const navBefore = (await d.nav.breakdown()).navPerShare;
      const issuePrice = issuancePrice(await entryValue());
      // Every stablecoin unit paid is kept; the shares round down.
      const amount = units(1_000n) + 7n;
      const shares = (amount * SHARE) / issuePrice;
      expect(await d.offering.previewBuy(amount)).toEqual([shares, amount]);
      const reads = () => [
        stableOf(carol), stableOf(d.vault), stableOf(d.offering), sharesOf(dave), d.vault.reserve(),
        d.vault.reserveFromIssuance(), issued(),
      ];
      const byAmount = await changes(reads, () => buy(carol, amount, dave));
      expect(byAmount.deltas).toEqual([-amount, amount, 0n, shares, amount, amount, shares]);
      expect(eventsIn(byAmount.receipt, d.offering, "SharesPurchased")).toEqual([[carol.address, dave.address, amount, shares]]);
      expect(eventsIn(byAmount.receipt, d.vault, "ReserveDeposited")).toEqual([[amount, await d.vault.reserve()]]);

      // By shares: exactly the shares asked for, the cost rounded up (at the entry value the first sale moved).
      const requested = 100n * SHARE + 1n;
      const cost = ceilDiv(requested * issuancePrice(await entryValue()), SHARE);
      expect(await d.offering.previewBuyShares(requested)).toEqual([requested, cost]);
      const byShares = await changes(reads, () => buyShares(carol, requested, dave));
      expect(byShares.deltas).toEqual([-cost, cost, 0n, requested, cost, cost, requested]);

      // Issued shares are not locked, and the premium left in the reserve lifts NAV for everyone.
      await d.token.connect(dave).transfer(alice.address, SHARE);
      expect((await d.nav.breakdown()).navPerShare).toBeGreaterThan(navBefore);
    });

    it("mints no more than the issuance cap, and the cap cannot drop below what was issued", async () => {
      await openIssuance();
      await depreciateFully();
      expect(await expectRefused(() => buyShares(carol, ISSUANCE_CAP + 1n), d.offering, "IssuanceCapExceeded"))
        .toEqual([ISSUANCE_CAP + 1n, ISSUANCE_CAP]);
      await buyShares(carol, 400n * SHARE);
      const remaining = ISSUANCE_CAP - 400n * SHARE;
      const tooMuch = units(3_000n);
      const [wanted] = await d.offering.previewBuy(tooMuch);
      expect(await expectRefused(() => buy(carol, tooMuch), d.offering, "IssuanceCapExceeded")).toEqual([wanted, remaining]);
      await buyShares(carol, remaining);
      expect(await issued()).toBe(ISSUANCE_CAP);
      expect(await expectRefused(() => buyShares(carol, 1n), d.offering, "IssuanceCapExceeded")).toEqual([1n, 0n]);

      expect(await expectRefused(() => configure(true, PREMIUM_BPS, ISSUANCE_CAP - 1n), d.offering, "InvalidParameter")).toEqual(["cap"]);
      await configure(true, PREMIUM_BPS, ISSUANCE_CAP + SHARE); // raising it lets more be sold
      await buyShares(carol, SHARE);
      expect(await issued()).toBe(ISSUANCE_CAP + SHARE);
    });

    it("prices live, with no published round, and refuses while the sequencer is down or escrowed rent cannot be valued", async () => {
      await configure(true, PREMIUM_BPS, 100n * ISSUANCE_CAP);
      await depreciateFully();
      expect(await expectRevert(d.nav.latestRoundData(), d.nav, "RoundNotFound")).toEqual([0n]);
      const price = issuancePrice(await entryValue());
      const { deltas } = await changes(() => [sharesOf(carol)], () => buy(carol, units(300n)));
      expect(deltas).toEqual([(units(300n) * SHARE) / price]);
      // On an L2 the sequencer is checked as for every other price.
      const sequencer = await new MockV3Aggregator__factory(d.admin).deploy(0, 1n); // 1: down
      await d.factory.connect(d.admin).setSequencerUptimeFeed(await sequencer.getAddress(), 3600);
      await expectRefused(() => buy(carol, units(300n)), d.nav, "SequencerDown");
      await expectRevert(d.offering.previewBuy(units(300n)), d.nav, "SequencerDown");
      await d.factory.connect(d.admin).setSequencerUptimeFeed(ethers.ZeroAddress, 0);
      // Rent in escrow with a stale revenue feed: its attested part is unknown, and so is the price.
      await d.stable.mint(d.operator.address, units(1_000n));
      await d.stable.connect(d.operator).approve(d.vault.target, ethers.MaxUint256);
      await d.vault.connect(d.operator).payRent(units(1_000n), ethers.id("rent"));
      await expectRefused(() => buy(carol, units(300n)), d.offering, "PendingReleaseUnknown");
      await attest(d, units(1_000n));
      await buy(carol, units(300n));
    });

    it("sells nothing while the guardian has paused the cluster", async () => {
      await openIssuance();
      await d.token.connect(d.guardian).pause();
      await expectRefused(() => buy(carol, units(300n)), d.token, "EnforcedPause");
      await d.token.connect(d.guardian).unpause();
      await buy(carol, units(300n));
    });
  });
});

describe("ClusterOffering launch terms", () => {
  const UNIT = 10n ** 6n;
  let admin: HardhatEthersSigner;
  let operator: HardhatEthersSigner;
  let buyer: HardhatEthersSigner;
  let factory: ClusterFactory;
  let stablecoin: string;
  let revenueFeed: string;
  let anyOffering: ClusterOffering; // only its ABI: launch bubbles the offering's errors up unchanged
  let reset: () => Promise<void>;

  beforeAll(async () => {
    let feeRecipient: HardhatEthersSigner;
    [admin, , operator, , feeRecipient, , , buyer] = await ethers.getSigners();
    factory = await deployFactory(admin, feeRecipient.address);
    stablecoin = await (await new MockStablecoin__factory(admin).deploy("USD Coin", "USDC", 6)).getAddress();
    revenueFeed = await (await new MockV3Aggregator__factory(admin).deploy(8, 1n)).getAddress();
    anyOffering = ClusterOffering__factory.connect((await factory.implementations()).offering, admin);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  /** Launch parameters of a 6-decimal raise at $3 a share (as deployCluster builds them), with `overrides`. */
  async function raiseParams(overrides: Partial<ClusterFactory.LaunchParamsStruct["offering"]> = {}, stable = stablecoin) {
    return launchParams({
      stablecoin: stable,
      revenueFeed,
      offering: {
        pricePerShare: 3n * UNIT, softCap: 45_000n * UNIT, hardCap: 90_000n * UNIT,
        deadline: (await latestTimestamp()) + BigInt(30 * DAY), minPerAccount: 0n, maxPerAccount: 0n, ...overrides,
      },
      nav: navParams(), // no hardware cost: the raise buys it
    });
  }

  /** Launches `params` as the operator and returns the new cluster's offering and share token. */
  async function launch(params: ClusterFactory.LaunchParamsStruct) {
    const id = await factory.clusterCount();
    await factory.connect(operator).launch(params);
    const { contracts } = await factory.cluster(id);
    return {
      offering: ClusterOffering__factory.connect(contracts.offering, buyer),
      token: ClusterShareToken__factory.connect(contracts.token, buyer),
    };
  }

  it("refuses raise terms that contradict each other", async () => {
    const now = await latestTimestamp();
    const cases: [Partial<ClusterFactory.LaunchParamsStruct["offering"]>, string][] = [
      [{ pricePerShare: 0n }, "pricePerShare"],
      [{ softCap: 0n }, "softCap"],
      [{ softCap: 90_000n * UNIT + 1n }, "softCap"],
      // All or nothing with a cap that is not a whole number of lots: a sell-out raises one unit short of it.
      [{ softCap: 90_000n * UNIT + 1n, hardCap: 90_000n * UNIT + 1n }, "softCap"],
      // The proceeds become the NAV oracle's hardware cost, bounded by uint112.
      [{ hardCap: 2n ** 112n }, "hardCap"],
      [{ deadline: now }, "deadline"],
      [{ minPerAccount: 100n * UNIT, maxPerAccount: 99n * UNIT }, "maxPerAccount"],
    ];
    for (const [overrides, name] of cases) {
      const params = await raiseParams(overrides);
      expect(await expectRevert(factory.connect(operator).launch(params), anyOffering, "InvalidParameter")).toEqual([name]);
    }
    expect(await factory.clusterCount()).toBe(0n);
  });

  it("has nothing to raise when the operator brings the hardware: active from launch", async () => {
    const { offering } = await launch(launchParams({
      stablecoin, revenueFeed, initialHolder: operator.address, initialShares: 1_000n * SHARE, offering: noRaise(),
      nav: navParams({ hardwareCost: 1_000n * UNIT }),
    }));
    expect(await offering.phase()).toBe(Phase.Succeeded);
    // No price, caps, deadline or limits (lotShares is left at 1: gcd(0, 1e18) reduces 1e18 to one unit).
    const terms = await offering.terms();
    expect([terms.lotAssets, terms.softCap, terms.hardCap, terms.deadline, terms.minPerAccount, terms.maxPerAccount])
      .toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
    expect((await offering.raiseState()).succeeded).toBe(true);
    await expectRevert(offering.finalize(), offering, "AlreadyFinalized");
    await expectRevert(offering.refund(buyer.address), offering, "RefundsNotOpen");
    await expectRevert(offering.buy(UNIT, buyer.address), offering, "IssuanceDisabled");
  });

  it("refuses a stablecoin that takes a fee on transfer, moving nothing", async () => {
    const fot = await new FeeOnTransferToken__factory(admin).deploy();
    const { offering, token } = await launch(await raiseParams({}, await fot.getAddress()));
    await fot.mint(buyer.address, 10_000n * UNIT);
    await fot.connect(buyer).approve(offering.target, ethers.MaxUint256);
    const cost = 3_000n * UNIT;
    // The token burns 1 % in flight, so the offering would hold less than it counted as raised.
    expect(await expectRevert(offering.buy(cost, buyer.address), offering, "FeeOnTransferNotSupported"))
      .toEqual([cost, cost - cost / 100n]);
    await expectRevert(offering.buyShares(1_000n * SHARE, buyer.address), offering, "FeeOnTransferNotSupported");
    expect(await fot.balanceOf(buyer.address)).toBe(10_000n * UNIT);
    expect(await fot.balanceOf(offering.target)).toBe(0n);
    expect((await offering.raiseState()).raised).toBe(0n);
    expect(await token.totalSupply()).toBe(0n);
  });
});
