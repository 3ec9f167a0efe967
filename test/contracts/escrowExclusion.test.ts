import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import {
  deployCluster, closeEpochAt, increaseTime, latestTimestamp, snapshot, ethers, DAY, EPOCH, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import { MockTransferPolicy__factory } from "../../sdk/src/types";

const POLICY_DELAY = 2 * DAY;
const COLLATERAL = 400_000n * SHARE;

/** A lending market's escrow, excluded from yield only through the admin's delayed path. */
describe("ClusterShareToken lending-market escrow exclusion", () => {
  let d: Deployment;
  let market: string; // a contract holding shares for borrowers: it can never claim
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster();
    // Any contract without a claim path stands in for Morpho Blue: what matters is that it holds shares.
    market = await (await new MockTransferPolicy__factory(d.admin).deploy()).getAddress();
    await d.token.connect(d.holders[0]).transfer(market, COLLATERAL);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  /** Pays `amount` of rent, attests it and closes the epoch; returns the holders' part (80 %). */
  async function distribute(amount: bigint): Promise<bigint> {
    await d.vault.connect(d.renter).payRent(amount, ethers.ZeroHash);
    await closeEpochAt(d, (await d.vault.attestedRevenue()) + amount);
    return (amount * 8000n) / 10_000n;
  }

  it("refuses strangers, the operator, wallets, protocol accounts and a second exclusion", async () => {
    await expectRevert(d.token.connect(d.stranger).proposeEscrowExclusion(market), d.token, "Unauthorized");
    await expectRevert(d.token.connect(d.operator).proposeEscrowExclusion(market), d.token, "Unauthorized");
    await expectRevert(d.token.connect(d.guardian).proposeEscrowExclusion(market), d.token, "Unauthorized");
    const [wallet] = await expectRevert(d.token.connect(d.admin).proposeEscrowExclusion(d.holders[1].address), d.token, "NotAContract");
    expect(wallet).toBe(d.holders[1].address);
    await expectRevert(d.token.connect(d.admin).proposeEscrowExclusion(await d.vault.getAddress()), d.token, "ExclusionUnchanged");
    await expectRevert(d.token.connect(d.stranger).applyEscrowExclusion(market), d.token, "NoEscrowExclusionProposal");
    await expectRevert(d.token.connect(d.admin).cancelEscrowExclusion(market), d.token, "NoEscrowExclusionProposal");
    await expectRevert(d.token.connect(d.admin).includeEscrow(market), d.token, "NotAnExcludedEscrow");
  });

  it("applies only after the delay, by anyone, and the guardian or admin can cancel meanwhile", async () => {
    const proposed = await (await d.token.connect(d.admin).proposeEscrowExclusion(market)).wait();
    const executableAt = (await latestTimestamp()) + BigInt(POLICY_DELAY);
    const event = proposed!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "EscrowExclusionProposed")!;
    expect([event.args.escrow, event.args.executableAt]).toEqual([market, executableAt]);
    expect(await d.token.escrowExclusion(market)).toEqual([executableAt, false]);
    await increaseTime(POLICY_DELAY - 10);
    const [early] = await expectRevert(d.token.connect(d.stranger).applyEscrowExclusion(market), d.token, "PolicyDelayPending");
    expect(early).toBe(executableAt);
    await expectRevert(d.token.connect(d.stranger).cancelEscrowExclusion(market), d.token, "Unauthorized");
    await expectRevert(d.token.connect(d.operator).cancelEscrowExclusion(market), d.token, "Unauthorized");
    const cancelled = await (await d.token.connect(d.guardian).cancelEscrowExclusion(market)).wait();
    const cancel = cancelled!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "EscrowExclusionCancelled")!;
    expect([cancel.args.escrow, cancel.args.by]).toEqual([market, d.guardian.address]);
    await increaseTime(20);
    await expectRevert(d.token.connect(d.stranger).applyEscrowExclusion(market), d.token, "NoEscrowExclusionProposal");
    expect(await d.token.isExcluded(market)).toBe(false);
    // The admin may also cancel, and a fresh proposal waits the whole delay again.
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    await d.token.connect(d.admin).cancelEscrowExclusion(market);
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    await increaseTime(POLICY_DELAY);
    await d.token.connect(d.stranger).applyEscrowExclusion(market);
    expect(await d.token.isExcluded(market)).toBe(true);
    expect(await d.token.escrowExclusion(market)).toEqual([0n, true]);
    await expectRevert(d.token.connect(d.admin).cancelEscrowExclusion(market), d.token, "NoEscrowExclusionProposal");
    await expectRevert(d.token.connect(d.stranger).applyEscrowExclusion(market), d.token, "NoEscrowExclusionProposal");
  });

  it("stops the escrow's accrual and returns what it had earned to the holders' stream", async () => {
    const [a] = d.holders;
    const toHolders = await distribute(10_000n * d.unit);
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    await increaseTime(EPOCH / 2);
    const carriedBefore = await d.token.scaledUndistributed();
    const receipt = await (await d.token.connect(d.stranger).applyEscrowExclusion(market)).wait();
    const names = receipt!.logs.map((l) => d.token.interface.parseLog(l)?.name);
    expect(names).toContain("ExclusionSet");
    expect(names).toContain("EscrowExclusionSet");
    const returned = receipt!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "StrandedYieldReturned")!;
    expect(returned.args.account).toBe(market);
    const stranded: bigint = returned.args.amount;
    // 40 % of the supply for about half an epoch (plus the seconds of the transactions).
    expect(stranded).toBeGreaterThan((toHolders * 19n) / 100n);
    expect(stranded).toBeLessThan((toHolders * 21n) / 100n);
    expect((await d.token.scaledUndistributed()) - carriedBefore).toBe(stranded * 10n ** 12n);
    expect(await d.token.earned(market)).toBe(0n);
    expect(await d.token.eligibleSupply()).toBe((await d.token.totalSupply()) - COLLATERAL);
    // The escrow earns nothing more; the stranded part streams to the holders with the next period.
    await increaseTime(EPOCH);
    const next = await distribute(1_000n * d.unit);
    await increaseTime(EPOCH);
    expect(await d.token.earned(market)).toBe(0n);
    const earnedA = await d.token.earned(a.address);
    expect(earnedA).toBeLessThanOrEqual(toHolders + next);
    expect(toHolders + next - earnedA).toBeLessThanOrEqual(4n);
  });

  it("lets the operator or admin include the escrow again, and nobody else", async () => {
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    await increaseTime(POLICY_DELAY);
    await d.token.applyEscrowExclusion(market);
    await expectRevert(d.token.connect(d.stranger).includeEscrow(market), d.token, "Unauthorized");
    await expectRevert(d.token.connect(d.guardian).includeEscrow(market), d.token, "Unauthorized");
    await d.token.connect(d.operator).includeEscrow(market);
    expect(await d.token.isExcluded(market)).toBe(false);
    expect(await d.token.eligibleSupply()).toBe(await d.token.totalSupply());
    expect(await d.token.escrowExclusion(market)).toEqual([0n, false]);
    await expectRevert(d.token.connect(d.admin).includeEscrow(market), d.token, "NotAnExcludedEscrow");
    // A self-excluded account is not an escrow this path can name back in.
    await d.token.connect(d.holders[1]).excludeSelf();
    await expectRevert(d.token.connect(d.admin).includeEscrow(d.holders[1].address), d.token, "NotAnExcludedEscrow");
  });
});
