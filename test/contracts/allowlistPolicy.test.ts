import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import type { Contract } from "ethers";
import {
  closeEpochAt, deployCluster, increaseTime, latestTimestamp, snapshot, ethers, DAY, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import { deployUniswap, pairAt } from "../helpers/uniswap";
import type { AllowlistPolicy } from "../../sdk/src/types";

describe("AllowlistPolicy", () => {
  let d: Deployment;
  let policy: AllowlistPolicy;
  let reset: () => Promise<void>;
  let expiry: bigint;

  beforeAll(async () => {
    d = await deployCluster({ withAllowlist: true });
    policy = d.policy!;
    expiry = (await latestTimestamp()) + BigInt(30 * DAY);
    await policy.connect(d.operator).setAllowed([d.holders[0].address, d.holders[1].address], expiry);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  it("reads its cluster from the clone args", async () => {
    expect(await policy.factory()).toBe(await d.factory.getAddress());
    expect(await policy.clusterId()).toBe(d.clusterId);
  });

  it("lets allowlisted accounts trade and refuses anyone else, with canTransfer telling in advance", async () => {
    const [a, b, outsider] = d.holders;
    expect(await policy.canTransfer(a.address, b.address, SHARE)).toBe(true);
    await d.token.connect(a).transfer(b.address, SHARE);
    expect(await d.token.balanceOf(b.address)).toBe(SHARE);

    expect(await policy.canTransfer(a.address, outsider.address, SHARE)).toBe(false);
    const args = await expectRevert(d.token.connect(a).transfer(outsider.address, SHARE), d.token, "TransferNotAllowed");
    expect(args).toEqual([a.address, outsider.address, SHARE]);
    expect(await d.token.balanceOf(outsider.address)).toBe(0n);
  });

  it("refuses an expired entry on either side, and removal with expiry 0", async () => {
    const [a, b] = d.holders;
    await increaseTime(31 * DAY);
    expect(await policy.isAllowed(a.address)).toBe(false);
    await expectRevert(d.token.connect(a).transfer(b.address, SHARE), d.token, "TransferNotAllowed");
    await policy.connect(d.operator).setAllowed([a.address, b.address], (await latestTimestamp()) + BigInt(DAY));
    await d.token.connect(a).transfer(b.address, SHARE);
    await policy.connect(d.operator).setAllowed([b.address], 0);
    expect(await policy.entry(b.address)).toEqual([0n, false]);
    await expectRevert(d.token.connect(a).transfer(b.address, SHARE), d.token, "TransferNotAllowed");
  });

  it("freezes an account both ways; the guardian may freeze but only the operator or admin unfreezes", async () => {
    const [a, b] = d.holders;
    await d.token.connect(a).transfer(b.address, 10n * SHARE);
    await policy.connect(d.guardian).freeze(b.address);
    expect(await policy.isAllowed(b.address)).toBe(false);
    await expectRevert(d.token.connect(b).transfer(a.address, SHARE), d.token, "TransferNotAllowed");
    await expectRevert(d.token.connect(a).transfer(b.address, SHARE), d.token, "TransferNotAllowed");
    await expectRevert(policy.connect(d.guardian).unfreeze(b.address), policy, "Unauthorized");
    await policy.connect(d.admin).unfreeze(b.address);
    await d.token.connect(b).transfer(a.address, SHARE);
    expect(await d.token.balanceOf(b.address)).toBe(9n * SHARE);
  });

  it("refuses strangers, past expiries, protocol contracts and no-op freezes with named errors", async () => {
    const [a] = d.holders;
    const stranger = d.stranger;
    await expectRevert(policy.connect(stranger).setAllowed([stranger.address], expiry), policy, "Unauthorized");
    await expectRevert(policy.connect(stranger).freeze(a.address), policy, "Unauthorized");
    await expectRevert(policy.connect(stranger).unfreeze(a.address), policy, "Unauthorized");
    await expectRevert(policy.connect(d.guardian).setAllowed([stranger.address], expiry), policy, "Unauthorized");
    const now = await latestTimestamp();
    await expectRevert(policy.connect(d.operator).setAllowed([stranger.address], now), policy, "ExpiryInPast");
    for (const protocolAccount of [await d.token.getAddress(), await d.vault.getAddress()]) {
      await expectRevert(policy.connect(d.operator).setAllowed([protocolAccount], expiry), policy, "ProtocolAccount");
      await expectRevert(policy.connect(d.operator).freeze(protocolAccount), policy, "ProtocolAccount");
    }
    await expectRevert(policy.connect(d.operator).unfreeze(a.address), policy, "FreezeUnchanged");
    await expectRevert(policy.connect(d.operator).freeze(ethers.ZeroAddress), policy, "ZeroAddress");
    expect(await policy.entry(stranger.address)).toEqual([0n, false]);
  });

  it("keeps claims working for a frozen holder: the freeze is on shares, not on yield already earned", async () => {
    const [a] = d.holders;
    await d.vault.connect(d.renter).payRent(1_000n * d.unit, ethers.ZeroHash);
    await closeEpochAt(d, 1_000n * d.unit);
    await increaseTime(DAY);
    await policy.connect(d.operator).freeze(a.address);
    const owed = await d.token.earned(a.address);
    await d.token.connect(a).claim(a.address);
    expect(await d.stable.balanceOf(a.address)).toBeGreaterThanOrEqual(owed);
  });

  it("makes a real Uniswap V2 pool hold shares only once the pool is allowlisted", async () => {
    const [lp, trader] = d.holders;
    const uni = await deployUniswap(d.admin);
    const tokenAddress = await d.token.getAddress();
    const stableAddress = await d.stable.getAddress();
    await (await uni.factory.createPair(tokenAddress, stableAddress)).wait();
    const pairAddress: string = await uni.factory.getPair(tokenAddress, stableAddress);
    const routerAddress = await uni.router.getAddress();
    await d.stable.mint(lp.address, 10_000n * d.unit);
    await d.stable.mint(trader.address, 1_000n * d.unit);
    for (const signer of [lp, trader]) {
      await d.token.connect(signer).approve(routerAddress, ethers.MaxUint256);
      await d.stable.connect(signer).approve(routerAddress, ethers.MaxUint256);
    }
    const router = (signer: typeof lp) => uni.router.connect(signer) as Contract;
    const addLiquidity = () =>
      router(lp).addLiquidity(tokenAddress, stableAddress, 10_000n * SHARE, 10_000n * d.unit, 0, 0, lp.address, ethers.MaxUint256);

    // The router moves shares from lp into the pair: refused while the pair has no entry (the router's
    // TransferHelper replaces the token's TransferNotAllowed with its own message).
    expect(await policy.canTransfer(lp.address, pairAddress, SHARE)).toBe(false);
    await expect(addLiquidity()).rejects.toThrow(/TRANSFER_FROM_FAILED/);
    await policy.connect(d.operator).setAllowed([pairAddress], expiry);
    await d.factory.connect(d.admin).setUniswapV2Factory(await uni.factory.getAddress());
    expect(await d.token.poolFor(stableAddress)).toBe(pairAddress);
    await d.token.excludePool(stableAddress);
    await addLiquidity();
    expect(await d.token.balanceOf(pairAddress)).toBe(10_000n * SHARE);

    // A swap paying shares out to an account without an entry fails inside the pair; to an allowlisted one it works.
    const buy = (to: string) =>
      router(trader).swapExactTokensForTokens(100n * d.unit, 0, [stableAddress, tokenAddress], to, ethers.MaxUint256);
    expect(await policy.canTransfer(pairAddress, d.stranger.address, SHARE)).toBe(false);
    await expect(buy(d.stranger.address)).rejects.toThrow(/UniswapV2: TRANSFER_FAILED/);
    expect(await d.token.balanceOf(d.stranger.address)).toBe(0n);
    await buy(trader.address);
    expect(await d.token.balanceOf(trader.address)).toBeGreaterThan(0n);
    const [reserve0, reserve1] = await pairAt(pairAddress, d.admin).getReserves();
    const shareReserve = BigInt(tokenAddress) < BigInt(stableAddress) ? reserve0 : reserve1;
    expect(shareReserve + (await d.token.balanceOf(trader.address))).toBe(10_000n * SHARE);
  });
});

describe("AllowlistPolicy in a raise", () => {
  it("sells only to allowlisted, unfrozen receivers, and a refused purchase moves no money", async () => {
    const d = await deployCluster({ withAllowlist: true, raise: { price: 1n, softCap: 10n, hardCap: 1_000n, duration: DAY } });
    const [buyer, friend] = d.holders;
    const policy = d.policy!;
    await d.stable.mint(buyer.address, 100n * d.unit);
    await d.stable.connect(buyer).approve(d.offering.target, ethers.MaxUint256);
    await expectRevert(d.offering.connect(buyer).buy(10n * d.unit, buyer.address), d.token, "TransferNotAllowed");
    expect(await d.stable.balanceOf(buyer.address)).toBe(100n * d.unit);
    await policy.connect(d.operator).setAllowed([buyer.address], (await latestTimestamp()) + BigInt(30 * DAY));
    await d.offering.connect(buyer).buy(10n * d.unit, buyer.address);
    await expectRevert(d.offering.connect(buyer).buy(10n * d.unit, friend.address), d.token, "TransferNotAllowed");
    await policy.connect(d.guardian).freeze(buyer.address);
    await expectRevert(d.offering.connect(buyer).buy(10n * d.unit, buyer.address), d.token, "TransferNotAllowed");
    expect(await d.stable.balanceOf(buyer.address)).toBe(90n * d.unit);
    expect(await d.token.balanceOf(buyer.address)).toBe(10n * SHARE);
  });
});
