import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  closeEpochAt, deployCluster, increaseTime, latestTimestamp, snapshot, ethers, DAY, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import { MockTransferPolicy__factory, type MockTransferPolicy } from "../../sdk/src/types";

const POLICY_DELAY = 2 * DAY;

/** Pays and attests rent, closes the epoch (funding the reserve) and publishes a NAV round. */
async function fundReserve(d: Deployment, rent = 100_000n): Promise<void> {
  await d.vault.connect(d.renter).payRent(rent * d.unit, ethers.id(`rent ${await latestTimestamp()}`));
  await closeEpochAt(d, (await d.vault.attestedRevenue()) + rent * d.unit);
  await d.nav.update();
}

/** Proposes `policy` as the operator, waits out the delay and applies it as a stranger. */
async function installPolicy(d: Deployment, policy: string): Promise<void> {
  await d.token.connect(d.operator).proposeTransferPolicy(policy);
  await increaseTime(POLICY_DELAY);
  await d.token.connect(d.stranger).applyTransferPolicy();
}

async function refuseEverything(d: Deployment): Promise<MockTransferPolicy> {
  const policy = await new MockTransferPolicy__factory(d.admin).deploy();
  await policy.setRefuseAll(true);
  await installPolicy(d, await policy.getAddress());
  return policy;
}

/** Requests, cancels, requests again, settles and redeems `shares` of `holder`: every protocol exit. */
async function exitThroughTheQueue(d: Deployment, holder: HardhatEthersSigner, shares: bigint): Promise<bigint> {
  await d.queue.connect(holder).requestRedeem(shares, holder.address, holder.address);
  const era = (await d.queue.queueState()).q.freshEra;
  await d.queue.connect(holder).cancelRedeemRequest(era, holder.address);
  expect(await d.token.balanceOf(d.queue.target)).toBe(0n);
  await d.queue.connect(holder).requestRedeem(shares, holder.address, holder.address);
  await fundReserve(d);
  const supply = await d.token.totalSupply();
  await d.queue.settle(); // burns the filled shares held in escrow
  expect(await d.token.totalSupply()).toBe(supply - shares);
  const before = await d.stable.balanceOf(holder.address);
  const [claimable] = await d.queue.claimable(holder.address);
  await d.queue.connect(holder).redeem(claimable, holder.address, holder.address);
  return (await d.stable.balanceOf(holder.address)) - before;
}

describe("exits no transfer policy can block", () => {
  let d: Deployment;
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster({ reserveBps: 5_000n });
    await d.token.connect(d.holders[0]).transfer(d.holders[1].address, 1_000n * SHARE);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  it("requests, cancels, settlement burns, redemptions and claims work under a policy that refuses everything", async () => {
    const [, holder, other] = d.holders;
    await fundReserve(d);
    await increaseTime(DAY);
    await refuseEverything(d);
    await expectRevert(d.token.connect(holder).transfer(other.address, SHARE), d.token, "TransferNotAllowed");
    const paid = await exitThroughTheQueue(d, holder, 1_000n * SHARE);
    expect(paid).toBeGreaterThan(0n);
    expect(await d.token.balanceOf(holder.address)).toBe(0n);
    const earned = await d.token.earned(holder.address);
    expect(earned).toBeGreaterThan(0n);
    await d.token.connect(holder).claim(holder.address);
  });

  it("makes a policy change wait two days; guardian or admin may cancel, anyone applies, with events", async () => {
    const policy = await new MockTransferPolicy__factory(d.admin).deploy();
    const policyAddress = await policy.getAddress();
    await expectRevert(d.token.connect(d.stranger).proposeTransferPolicy(policyAddress), d.token, "Unauthorized");
    await expectRevert(d.token.connect(d.admin).proposeTransferPolicy(policyAddress), d.token, "Unauthorized");
    await expectRevert(d.token.connect(d.operator).proposeTransferPolicy(d.stranger.address), d.token, "NotAContract");
    await expectRevert(d.token.connect(d.stranger).applyTransferPolicy(), d.token, "NoPolicyProposal");

    const proposed = await (await d.token.connect(d.operator).proposeTransferPolicy(policyAddress)).wait();
    const executableAt = BigInt((await ethers.provider.getBlock(proposed!.blockNumber))!.timestamp) + BigInt(POLICY_DELAY);
    const proposal = proposed!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "TransferPolicyProposed")!;
    expect([...proposal.args]).toEqual([policyAddress, executableAt]);
    expect(await d.token.transferPolicyProposal()).toEqual([policyAddress, executableAt]);
    expect(await d.token.transferPolicy()).toBe(ethers.ZeroAddress); // not instant
    await increaseTime(POLICY_DELAY - 10);
    const [early] = await expectRevert(d.token.connect(d.stranger).applyTransferPolicy(), d.token, "PolicyDelayPending");
    expect(early).toBe(executableAt);

    // The guardian (or the protocol admin) stops it during the delay; a stranger cannot.
    await expectRevert(d.token.connect(d.stranger).cancelTransferPolicy(), d.token, "Unauthorized");
    const cancelled = await (await d.token.connect(d.guardian).cancelTransferPolicy()).wait();
    const cancel = cancelled!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "TransferPolicyProposalCancelled")!;
    expect([...cancel.args]).toEqual([policyAddress, d.guardian.address]);
    await increaseTime(20);
    await expectRevert(d.token.connect(d.stranger).applyTransferPolicy(), d.token, "NoPolicyProposal");
    await expectRevert(d.token.connect(d.admin).cancelTransferPolicy(), d.token, "NoPolicyProposal");

    // Proposed again, it takes effect once the delay has passed, applied by anyone; removal waits the same.
    await installPolicy(d, policyAddress);
    expect(await d.token.transferPolicy()).toBe(policyAddress);
    await policy.blockReceiver(d.holders[2].address);
    await expectRevert(d.token.connect(d.holders[0]).transfer(d.holders[2].address, 1n), d.token, "TransferNotAllowed");
    await d.token.connect(d.operator).proposeTransferPolicy(ethers.ZeroAddress);
    await d.token.connect(d.admin).cancelTransferPolicy();
    await installPolicy(d, ethers.ZeroAddress);
    expect(await d.token.transferPolicy()).toBe(ethers.ZeroAddress);
    await d.token.connect(d.holders[0]).transfer(d.holders[2].address, 1n);
  });
});

describe("exits no transfer policy can block, in a raise", () => {
  it("refunds a failed raise whatever the policy: a refuse-everything policy, or an allowlist that froze the buyer", async () => {
    const raise = { price: 1n, softCap: 1_000n, hardCap: 10_000n, duration: 10 * DAY };
    for (const kind of ["allowlist-freeze", "refuse-all"] as const) {
      const d = await deployCluster({ withAllowlist: kind === "allowlist-freeze", raise });
      const [buyer] = d.holders;
      if (d.policy) await d.policy.connect(d.operator).setAllowed([buyer.address], (await latestTimestamp()) + BigInt(30 * DAY));
      await d.stable.mint(buyer.address, 100n * d.unit);
      await d.stable.connect(buyer).approve(d.offering.target, ethers.MaxUint256);
      await d.offering.connect(buyer).buy(100n * d.unit, buyer.address);
      if (d.policy) await d.policy.connect(d.guardian).freeze(buyer.address);
      else await refuseEverything(d);
      await increaseTime(10 * DAY); // the deadline passes below the soft cap
      await d.offering.connect(buyer).refund(buyer.address);
      expect(await d.token.balanceOf(buyer.address), kind).toBe(0n);
      expect(await d.stable.balanceOf(buyer.address), kind).toBe(100n * d.unit);
    }
  });
});

describe("exits under the allowlist policy", () => {
  let d: Deployment;
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster({ withAllowlist: true, reserveBps: 5_000n });
    await d.policy!.connect(d.operator).setAllowed(
      [d.holders[0].address, d.holders[1].address], (await latestTimestamp()) + BigInt(365 * DAY),
    );
    await d.token.connect(d.holders[0]).transfer(d.holders[1].address, 2_000n * SHARE);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  it("lets a holder whose entry lapsed or who is frozen request, cancel and redeem; the market stays closed to it", async () => {
    const [a, holder] = d.holders;
    await d.policy!.connect(d.operator).setAllowed([holder.address], 0);
    const paid = await exitThroughTheQueue(d, holder, 1_000n * SHARE);
    expect(paid).toBeGreaterThan(0n);
    await d.policy!.connect(d.guardian).freeze(holder.address);
    expect(await d.policy!.canTransfer(holder.address, await d.queue.getAddress(), SHARE)).toBe(true);
    await expectRevert(d.token.connect(holder).transfer(a.address, SHARE), d.token, "TransferNotAllowed");
    expect(await exitThroughTheQueue(d, holder, 1_000n * SHARE)).toBeGreaterThan(0n);
  });

  it("settles and pays a request made before a freeze, and returns its cancelled shares to the frozen controller", async () => {
    const [, holder] = d.holders;
    await d.queue.connect(holder).requestRedeem(1_500n * SHARE, holder.address, holder.address);
    await d.policy!.connect(d.guardian).freeze(holder.address);
    // Cancelling the part still pending brings the shares back to the controller, frozen or not...
    await d.queue.connect(holder).cancelRedeemRequest((await d.queue.queueState()).q.freshEra, holder.address);
    expect(await d.token.balanceOf(holder.address)).toBe(2_000n * SHARE);
    // ...and a request made before the freeze is settled and paid like any other.
    await d.queue.connect(holder).requestRedeem(1_000n * SHARE, holder.address, holder.address);
    await fundReserve(d);
    await d.queue.settle();
    const [claimable, assets] = await d.queue.claimable(holder.address);
    expect(claimable).toBe(1_000n * SHARE);
    await d.queue.connect(holder).redeem(claimable, holder.address, holder.address);
    expect(await d.stable.balanceOf(holder.address)).toBe(assets);
  });
});
