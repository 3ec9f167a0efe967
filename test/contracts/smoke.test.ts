import { describe, it, expect } from "vitest";
import { deployCluster, closeEpochAt, increaseTime, EPOCH, SHARE } from "../helpers/fixtures";

describe("smoke", () => {
  it("streams rent to a single holder", async () => {
    const d = await deployCluster();
    await d.vault.connect(d.renter).payRent(1000n * d.unit, "0x" + "00".repeat(32));
    await closeEpochAt(d, 1000n * d.unit);
    await increaseTime(EPOCH);
    const earned = await d.token.earned(d.holders[0].address);
    // 1000 minus 20 % fees/reserve
    expect(earned).toBeLessThanOrEqual(800n * d.unit);
    expect(earned).toBeGreaterThan(800n * d.unit - 1000n);
    expect(await d.token.balanceOf(d.holders[0].address)).toBe(1_000_000n * SHARE);
  });
});
