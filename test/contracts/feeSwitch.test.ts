import { describe, it, expect } from "vitest";
import {
  deployCluster, attest, increaseTime, ethers, EPOCH, SHARE, type Deployment,
} from "../helpers/fixtures";
import { SwitchableFeeStablecoin__factory } from "../../sdk/src/types";

/** Parses `name` events of `contract` out of a receipt. */
function eventsNamed(d: Deployment, receipt: { logs: readonly { topics: readonly string[]; data: string }[] }, name: string) {
  return receipt.logs
    .map((l) => { try { return d.vault.interface.parseLog(l); } catch { return null; } })
    .filter((e) => e?.name === name)
    .map((e) => e!.args.toArray());
}

describe.each([6, 18])("a stablecoin that turns on a transfer fee mid-life (%i decimals)", (stableDecimals) => {
  it("streams what arrived, so every holder bears the fee pro rata and every claim succeeds", async () => {
    const d = await deployCluster({ stableDecimals, stablecoin: "feeSwitch" });
    const usdt = SwitchableFeeStablecoin__factory.connect(await d.stable.getAddress(), d.admin);
    const [alice, bob] = d.holders;
    await d.token.connect(alice).transfer(bob.address, 300_000n * SHARE); // 70 % / 30 %
    const rent = 10_000n * d.unit;
    await d.vault.connect(d.renter).payRent(rent, ethers.id("before the fee"));
    await increaseTime(EPOCH);
    await attest(d, rent);
    await d.vault.closeEpoch();

    await usdt.setFee(100); // 1 %
    const paid = (await (await d.vault.connect(d.renter).payRent(rent, ethers.id("after the fee"))).wait())!;
    expect(eventsNamed(d, paid, "TransferFeeCharged")).toEqual([[d.vault.target, rent, rent - rent / 100n]]);
    expect(await d.vault.escrow()).toBe(rent - rent / 100n);
    await increaseTime(EPOCH);
    await attest(d, 2n * rent);
    const closed = (await (await d.vault.closeEpoch()).wait())!;
    // The renter's fee is a visible shortfall; the vault's own transfer to the token is measured too.
    expect(await d.vault.shortfall()).toBe(rent / 100n);
    const [[to, sent, arrived]] = eventsNamed(d, closed, "TransferFeeCharged");
    expect(to).toBe(d.token.target);
    expect(arrived).toBe((sent as bigint) - ((sent as bigint) * 100n) / 10_000n);

    await increaseTime(2 * EPOCH);
    const owedAlice = await d.token.earned(alice.address);
    const owedBob = await d.token.earned(bob.address);
    // What both earned is at most what the token holds, fee and all; the last claimer is not short.
    expect(owedAlice + owedBob).toBeLessThanOrEqual(await d.stable.balanceOf(d.token.target));
    await d.token.connect(bob).claim(bob.address);
    await d.token.connect(alice).claim(alice.address);
    expect(await d.token.earned(alice.address)).toBe(0n);
    expect(await d.token.earned(bob.address)).toBe(0n);
    const total = owedAlice + owedBob;
    expect(owedAlice * 10n).toBeGreaterThanOrEqual(total * 7n - 10n);
    expect(owedBob * 10n).toBeLessThanOrEqual(total * 3n + 10n);
    expect(await d.token.unstreamed()).toBeLessThanOrEqual(await d.stable.balanceOf(d.token.target));
  });

  it("credits redeemers what the reserve transfer delivered, so every redeem succeeds and the fee is shared", async () => {
    const d = await deployCluster({ stableDecimals, stablecoin: "feeSwitch", reserveBps: 5_000n });
    const usdt = SwitchableFeeStablecoin__factory.connect(await d.stable.getAddress(), d.admin);
    const [alice, bob] = d.holders;
    await d.token.connect(alice).transfer(bob.address, 300_000n * SHARE);
    for (const [holder, shares] of [[alice, 2_000n * SHARE], [bob, 1_000n * SHARE]] as const) {
      await d.queue.connect(holder).requestRedeem(shares, holder.address, holder.address);
    }
    await d.vault.connect(d.renter).payRent(100_000n * d.unit, ethers.id("rent"));
    await increaseTime(EPOCH);
    await attest(d, 100_000n * d.unit);
    await d.vault.closeEpoch();
    await usdt.setFee(100); // switched on between the close and the settlement
    const receipt = (await (await d.queue.settle()).wait())!;
    const charged = receipt.logs.map((l) => { try { return d.queue.interface.parseLog(l); } catch { return null; } })
      .find((e) => e?.name === "TransferFeeCharged")!;
    const [, sent, received] = charged.args.toArray() as [string, bigint, bigint];
    expect(received).toBe(sent - (sent * 100n) / 10_000n);
    expect(await d.queue.assetsFilled()).toBe(received);
    const [, aliceAssets] = await d.queue.claimable(alice.address);
    const [, bobAssets] = await d.queue.claimable(bob.address);
    expect(aliceAssets + bobAssets).toBeLessThanOrEqual(await d.stable.balanceOf(d.queue.target));
    // Pro rata: two thirds and one third of what arrived, to the unit.
    expect(aliceAssets - 2n * bobAssets).toBeLessThanOrEqual(2n);
    expect(2n * bobAssets - aliceAssets).toBeLessThanOrEqual(2n);
    // Whoever redeems last still gets paid.
    await d.queue.connect(bob).redeem((await d.queue.claimable(bob.address))[0], bob.address, bob.address);
    await d.queue.connect(alice).redeem((await d.queue.claimable(alice.address))[0], alice.address, alice.address);
  });
});
