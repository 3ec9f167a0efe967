import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import type { Contract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployCluster, closeEpochAt, increaseTime, snapshot, ethers, EPOCH, SHARE, type Deployment } from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import {
  deployUniswap, pairAt, pairInitCodeHash, routerPairAddress, ROUTER_INIT_CODE_HASH, type Uniswap,
} from "../helpers/uniswap";

/** StreamMath.RATE_SCALE: the scale of the share token's reward rate. */
const RATE_SCALE = 10n ** 12n;
/** UniswapV2Pair.MINIMUM_LIQUIDITY, burnt to address(0) on the first mint. */
const MINIMUM_LIQUIDITY = 1000n;
const DEADLINE = ethers.MaxUint256;
const NO_REF = ethers.ZeroHash;

const abs = (x: bigint) => (x < 0n ? -x : x);

function sqrt(value: bigint): bigint {
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + value / x) / 2n;
  }
  return x;
}

/** UniswapV2Library.getAmountOut: the constant-product quote with the 0.3 % fee. */
function amountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const inWithFee = amountIn * 997n;
  return (inWithFee * reserveOut) / (reserveIn * 1000n + inWithFee);
}

describe("ClusterShareToken on a real Uniswap V2 pool", () => {
  let d: Deployment;
  let uni: Uniswap;
  let pair: Contract;
  let reset: () => Promise<void>;
  // lp starts with every share (the cluster's initial holder) and seeds the pool; bob is a passive holder whose
  // earnings are the yardstick for the pool's; trader only ever touches shares through the router.
  let lp: HardhatEthersSigner, bob: HardhatEthersSigner, trader: HardhatEthersSigner;
  let tokenAddr: string, stableAddr: string, pairAddr: string;

  // The pool is seeded at a price of 1 USDC per share with 20 % of the supply; bob holds another 10 %.
  let POOL_SHARES: bigint, POOL_STABLE: bigint, BOB_SHARES: bigint, RENT: bigint;

  beforeAll(async () => {
    d = await deployCluster(); // 6-decimal stablecoin, 1,000,000 shares to holders[0]
    [lp, bob, trader] = d.holders;
    POOL_SHARES = 200_000n * SHARE;
    POOL_STABLE = 200_000n * d.unit;
    BOB_SHARES = 100_000n * SHARE;
    RENT = 100_000n * d.unit;

    uni = await deployUniswap(d.admin);
    tokenAddr = await d.token.getAddress();
    stableAddr = await d.stable.getAddress();
    await d.factory.connect(d.admin).setUniswapV2Factory(await uni.factory.getAddress());
    await (await uni.factory.createPair(tokenAddr, stableAddr)).wait();
    pairAddr = await uni.factory.getPair(tokenAddr, stableAddr);
    pair = pairAt(pairAddr, d.admin);

    const routerAddr = await uni.router.getAddress();
    await d.stable.mint(lp.address, POOL_STABLE);
    await d.stable.mint(trader.address, 100_000n * d.unit);
    for (const signer of [lp, trader]) {
      await d.token.connect(signer).approve(routerAddr, ethers.MaxUint256);
      await d.stable.connect(signer).approve(routerAddr, ethers.MaxUint256);
    }
    await (pair.connect(lp) as Contract).approve(routerAddr, ethers.MaxUint256);
    await d.token.connect(lp).transfer(bob.address, BOB_SHARES);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  const router = (signer: HardhatEthersSigner) => uni.router.connect(signer) as Contract;
  const shares = (who: { getAddress(): Promise<string> } | string) => d.token.balanceOf(who);
  const stable = (who: { getAddress(): Promise<string> } | string) => d.stable.balanceOf(who);

  /** lp seeds the pool through the router with exactly POOL_SHARES and POOL_STABLE. */
  async function seedPool() {
    await router(lp).addLiquidity(
      tokenAddr, stableAddr, POOL_SHARES, POOL_STABLE, POOL_SHARES, POOL_STABLE, lp.address, DEADLINE,
    );
  }

  /** Pays and attests `rent`, closes the epoch, and returns what the vault streams to holders from it. */
  async function distribute(rent: bigint): Promise<bigint> {
    const before = await d.vault.distributedToHolders();
    await d.vault.connect(d.renter).payRent(rent, NO_REF);
    await closeEpochAt(d, (await d.vault.attestedRevenue()) + rent);
    return (await d.vault.distributedToHolders()) - before;
  }

  /** Swaps exactly `amountIn` along `path` for `who`, demanding the router's own quote as the minimum out. */
  async function swapAtQuote(who: HardhatEthersSigner, amountIn: bigint, path: [string, string]): Promise<bigint> {
    const [, quoted] = await uni.router.getAmountsOut(amountIn, path);
    await router(who).swapExactTokensForTokens(amountIn, quoted, path, who.address, DEADLINE);
    return quoted;
  }

  it("adds liquidity, swaps both ways at the router's quote and removes liquidity", async () => {
    // Router02 never asks the factory where a pair lives: it recomputes the CREATE2 address from a hard-coded
    // init code hash. The npm pair bytecode must hash to that value, or every router call would hit an empty
    // address. It does, so everything below goes through the router.
    expect(pairInitCodeHash()).toBe(ROUTER_INIT_CODE_HASH);
    expect(pairAddr).toBe(routerPairAddress(await uni.factory.getAddress(), tokenAddr, stableAddr));

    await seedPool();
    const minted = sqrt(POOL_SHARES * POOL_STABLE) - MINIMUM_LIQUIDITY;
    expect(await pair.balanceOf(lp.address)).toBe(minted);
    expect(await pair.balanceOf(ethers.ZeroAddress)).toBe(MINIMUM_LIQUIDITY);
    expect(await shares(pairAddr)).toBe(POOL_SHARES);
    expect(await stable(pairAddr)).toBe(POOL_STABLE);
    // The pair is an ordinary, earning holder: moving shares into it keeps them in the eligible supply.
    expect(await d.token.eligibleSupply()).toBe(await d.token.totalSupply());

    // Buy shares with stablecoin. The router's quote must be the constant-product formula on the reserves,
    // and the balances must move by exactly that quote (no fee, rebase or hook on the share token).
    const stableIn = 1_000n * d.unit;
    const [traderShares0, traderStable0] = [await shares(trader), await stable(trader)];
    const sharesOut = await swapAtQuote(trader, stableIn, [stableAddr, tokenAddr]);
    expect(sharesOut).toBe(amountOut(stableIn, POOL_STABLE, POOL_SHARES));
    expect(await shares(trader)).toBe(traderShares0 + sharesOut);
    expect(await stable(trader)).toBe(traderStable0 - stableIn);
    expect(await shares(pairAddr)).toBe(POOL_SHARES - sharesOut);
    expect(await stable(pairAddr)).toBe(POOL_STABLE + stableIn);

    // Sell the same shares back.
    const stableOut = await swapAtQuote(trader, sharesOut, [tokenAddr, stableAddr]);
    expect(stableOut).toBe(amountOut(sharesOut, POOL_SHARES - sharesOut, POOL_STABLE + stableIn));
    expect(await shares(trader)).toBe(traderShares0);
    expect(await stable(trader)).toBe(traderStable0 - stableIn + stableOut);
    expect(stableOut).toBeLessThan(stableIn); // the round trip paid the 0.3 % fee twice
    expect(await d.token.eligibleSupply()).toBe(await d.token.totalSupply());

    // Remove all of lp's liquidity: the pair pays out pro rata to the LP tokens burnt, and the
    // MINIMUM_LIQUIDITY burnt to address(0) at the first mint keeps its slice of both tokens in the pool.
    const [poolShares, poolStable, lpSupply] = [await shares(pairAddr), await stable(pairAddr), await pair.totalSupply()];
    const sharesBack = (minted * poolShares) / lpSupply;
    const stableBack = (minted * poolStable) / lpSupply;
    const [lpShares0, lpStable0] = [await shares(lp), await stable(lp)];
    await router(lp).removeLiquidity(tokenAddr, stableAddr, minted, sharesBack, stableBack, lp.address, DEADLINE);
    expect(await shares(lp)).toBe(lpShares0 + sharesBack);
    expect(await stable(lp)).toBe(lpStable0 + stableBack);
    expect(await pair.balanceOf(lp.address)).toBe(0n);
    expect(await pair.totalSupply()).toBe(MINIMUM_LIQUIDITY);
    expect(await shares(pairAddr)).toBe(poolShares - sharesBack);
    expect(await stable(pairAddr)).toBe(poolStable - stableBack);
    expect(poolShares - sharesBack).toBeGreaterThan(0n);
    expect(poolStable - stableBack).toBeGreaterThan(0n);
    // The LP got its deposit back less the locked slice, plus the trader's fees on the stablecoin side.
    expect(sharesBack).toBe((minted * POOL_SHARES) / lpSupply);
    expect(stableBack).toBeGreaterThan((minted * POOL_STABLE) / lpSupply);
  });

  it("lets a non-excluded pool earn like any holder, pro rata to its balance", async () => {
    await seedPool();
    const toHolders = await distribute(RENT);
    await increaseTime(EPOCH); // past periodFinish: the whole period has streamed

    const eligible = await d.token.eligibleSupply();
    expect(eligible).toBe(await d.token.totalSupply()); // nothing but the vault and token itself is excluded
    const [pairShares, bobShares] = [await shares(pairAddr), await shares(bob)];
    const [earnedPair, earnedBob] = [await d.token.earned(pairAddr), await d.token.earned(bob.address)];

    expect(earnedPair).toBeGreaterThan(0n);
    // Its share of the stream is its share of eligible supply (20 % here); the accumulator floors cost a unit or two.
    expect(abs(earnedPair - (toHolders * pairShares) / eligible)).toBeLessThanOrEqual(2n);
    // Same yardstick against bob, who held a constant balance over the same period.
    expect(abs(earnedPair - (earnedBob * pairShares) / bobShares)).toBeLessThanOrEqual(2n);

    // The yield is pull-only: nothing was pushed into the pair, so its reserves and balances still agree and
    // there is nothing to skim. A Uniswap V2 pair has no code path that calls claim(), so this stays parked in
    // the token contract for as long as the pool is not excluded (the reason pools should be excluded).
    const [reserve0, reserve1] = await pair.getReserves();
    const token0 = await pair.token0();
    const [reserveShares, reserveStable] = token0 === tokenAddr ? [reserve0, reserve1] : [reserve1, reserve0];
    expect(await shares(pairAddr)).toBe(reserveShares);
    expect(await stable(pairAddr)).toBe(reserveStable);
  });

  it("excluding a pool that earned returns its stranded earnings to the holders' stream, not to anyone", async () => {
    await seedPool();
    const firstStream = await distribute(RENT);
    await increaseTime(EPOCH / 2); // half-way through the first stream

    const pairShares = await shares(pairAddr);
    const eligibleBefore = await d.token.eligibleSupply();
    const earnedBefore = await d.token.earned(pairAddr);
    expect(earnedBefore).toBeGreaterThan(0n);
    const carriedBefore = await d.token.scaledUndistributed();
    const receipt = await (await d.token.connect(d.stranger).excludePool(stableAddr)).wait();
    const atExclusion = receipt!.blockNumber;
    expect(await d.token.isExcluded(pairAddr)).toBe(true);
    expect(eligibleBefore - (await d.token.eligibleSupply())).toBe(pairShares);

    // What the pair had earned up to the exclusion second (its balance times the accumulator then: its checkpoint
    // is 0, it got its shares before any stream started) left it for the carried reward, with an event.
    const rptAtExclusion = await d.token.rewardPerToken({ blockTag: atExclusion });
    const stranded = (pairShares * rptAtExclusion) / (await d.token.accumulatorScale());
    expect(stranded).toBeGreaterThan(earnedBefore);
    const event = receipt!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "StrandedYieldReturned")!;
    expect([...event.args]).toEqual([pairAddr, stranded]);
    expect(await d.token.earned(pairAddr)).toBe(0n);
    expect((await d.token.scaledUndistributed()) - carriedBefore).toBe(stranded * RATE_SCALE);

    // Trading still works; shares leaving the excluded pair enter the eligible supply; the pair earns nothing.
    const eligible = await d.token.eligibleSupply();
    const sharesOut = await swapAtQuote(trader, 10_000n * d.unit, [stableAddr, tokenAddr]);
    expect((await d.token.eligibleSupply()) - eligible).toBe(sharesOut);
    expect(await d.token.earned(pairAddr)).toBe(0n);

    // Next epoch: the stranded part streams to lp, bob and trader with the new rent.
    await increaseTime(EPOCH);
    const holders = [lp.address, bob.address, trader.address];
    const toHolders = await distribute(RENT);
    await increaseTime(EPOCH);
    let received = 0n;
    for (const h of holders) received += await d.token.earned(h);
    expect(await d.token.earned(pairAddr)).toBe(0n);
    // Everything streamed is owed to the holders now; the gap is rounding only (a few units).
    expect(received).toBeLessThanOrEqual(firstStream + toHolders);
    expect(firstStream + toHolders - received).toBeLessThanOrEqual(8n);
    const held = await stable(tokenAddr);
    expect(held).toBeGreaterThanOrEqual(received);
  });

  it("excludes the pair before it exists, so the real pair never earns once liquidity arrives", async () => {
    // A fresh share token/WETH pair: not created yet, but its address is known from the factory and init code hash.
    const weth = await uni.weth.getAddress();
    const predicted = await d.token.poolFor(weth);
    expect(predicted).toBe(routerPairAddress(await uni.factory.getAddress(), tokenAddr, weth));
    expect(await ethers.provider.getCode(predicted)).toBe("0x");
    await d.token.connect(d.stranger).excludePool(weth);
    expect(await d.token.isExcluded(predicted)).toBe(true);

    await (await uni.factory.createPair(tokenAddr, weth)).wait();
    expect(await uni.factory.getPair(tokenAddr, weth)).toBe(predicted);
    await (uni.weth.connect(lp) as Contract).deposit({ value: 10n ** 18n });
    await (uni.weth.connect(lp) as Contract).approve(await uni.router.getAddress(), ethers.MaxUint256);
    await router(lp).addLiquidity(tokenAddr, weth, POOL_SHARES, 10n ** 18n, 0, 0, lp.address, DEADLINE);
    expect(await shares(predicted)).toBe(POOL_SHARES);
    expect(await d.token.eligibleSupply()).toBe((await d.token.totalSupply()) - POOL_SHARES);

    const toHolders = await distribute(RENT);
    await increaseTime(EPOCH);
    expect(await d.token.earned(predicted)).toBe(0n);
    const received = (await d.token.earned(lp.address)) + (await d.token.earned(bob.address));
    expect(toHolders - received).toBeLessThanOrEqual(2n);
  });

  it("lets only the operator or the protocol admin include a pool again", async () => {
    await seedPool();
    await d.token.connect(d.stranger).excludePool(stableAddr);
    const [caller] = await expectRevert(d.token.connect(d.stranger).includePool(stableAddr), d.token, "Unauthorized");
    expect(caller).toBe(d.stranger.address);
    // A large holder has no more say than a stranger.
    await expectRevert(d.token.connect(lp).includePool(stableAddr), d.token, "Unauthorized");
    expect(await d.token.isExcluded(pairAddr)).toBe(true);
    await d.token.connect(d.admin).includePool(stableAddr);
    expect(await d.token.eligibleSupply()).toBe(await d.token.totalSupply());
  });
});
