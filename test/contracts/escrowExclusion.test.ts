import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import {
  deployCluster, closeEpochAt, increaseTime, latestTimestamp, snapshot, ethers, DAY, EPOCH, SHARE, type Deployment,
} from "../helpers/fixtures";
import { Interface } from "ethers";
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

  /** The escrow as a signer: a contract that can make calls (a Safe named by mistake, say). */
  async function asEscrow() {
    await ethers.provider.send("hardhat_setBalance", [market, "0xDE0B6B3A7640000"]);
    return ethers.getImpersonatedSigner(market);
  }

  it("stops the escrow's accrual and leaves what it had earned its own: the path never takes earned yield", async () => {
    const toHolders = await distribute(10_000n * d.unit);
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    await increaseTime(EPOCH / 2);
    const receipt = await (await d.token.connect(d.stranger).applyEscrowExclusion(market)).wait();
    const names = receipt!.logs.map((l) => d.token.interface.parseLog(l)?.name);
    expect(names).toContain("ExclusionSet");
    expect(names).toContain("EscrowExclusionSet");
    expect(names).not.toContain("StrandedYieldReturned");
    const kept = await d.token.earned(market);
    // 40 % of the supply for about half an epoch (plus the seconds of the transactions).
    expect(kept).toBeGreaterThan((toHolders * 19n) / 100n);
    expect(kept).toBeLessThan((toHolders * 21n) / 100n);
    expect(await d.token.eligibleSupply()).toBe((await d.token.totalSupply()) - COLLATERAL);
    // The escrow earns nothing more; the holders share every later second without it.
    await increaseTime(EPOCH);
    const next = await distribute(1_000n * d.unit);
    await increaseTime(EPOCH);
    expect(await d.token.earned(market)).toBe(kept);
    let holders = 0n;
    for (const h of d.holders) holders += await d.token.earned(h.address);
    expect(holders + kept).toBeLessThanOrEqual(toHolders + next);
    expect(toHolders + next - holders - kept).toBeLessThanOrEqual(BigInt(d.holders.length) * 2n);
    // A wallet named by mistake claims all of it.
    const escrow = await asEscrow();
    const before = await d.stable.balanceOf(market);
    await d.token.connect(escrow).claim(market);
    expect((await d.stable.balanceOf(market)) - before).toBe(kept);
  });

  it("lets only the escrow itself earn again (includeSelf), which clears the path's record", async () => {
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    await increaseTime(POLICY_DELAY);
    await d.token.applyEscrowExclusion(market);
    expect((d.token.interface as Interface).getFunction("includeEscrow")).toBeNull();
    const receipt = await (await d.token.connect(await asEscrow()).includeSelf()).wait();
    const lifted = receipt!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "EscrowExclusionSet")!;
    expect([lifted.args.escrow, lifted.args.excluded]).toEqual([market, false]);
    expect(await d.token.isExcluded(market)).toBe(false);
    expect(await d.token.eligibleSupply()).toBe(await d.token.totalSupply());
    expect(await d.token.escrowExclusion(market)).toEqual([0n, false]);
    // A self-exclusion afterwards is the account's own again: no escrow record comes back with it.
    await d.token.connect(await asEscrow()).excludeSelf();
    expect(await d.token.escrowExclusion(market)).toEqual([0n, false]);
  });

  it("refuses a proposal applied later than ESCROW_EXCLUSION_WINDOW after its delay; a fresh one works", async () => {
    const window = await d.token.ESCROW_EXCLUSION_WINDOW();
    expect(window).toBe(BigInt(7 * DAY));
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    const [executableAt] = await d.token.escrowExclusion(market);
    await increaseTime(POLICY_DELAY + Number(window) + 10);
    const [escrow, expiredAt] = await expectRevert(d.token.connect(d.stranger).applyEscrowExclusion(market), d.token, "EscrowExclusionExpired");
    expect([escrow, expiredAt]).toEqual([market, executableAt + window]);
    expect(await d.token.isExcluded(market)).toBe(false);
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    await increaseTime(POLICY_DELAY + Number(window) - 10);
    await d.token.connect(d.stranger).applyEscrowExclusion(market);
    expect(await d.token.isExcluded(market)).toBe(true);
  });
});

