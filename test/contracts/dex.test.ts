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

  it("excluding the pool freezes its earnings and hands its slice of the stream to the other holders", async () => {
    await seedPool();
    await distribute(RENT);
    await increaseTime(EPOCH / 2); // half-way through the first stream

    const pairShares = await shares(pairAddr);
    const eligibleBefore = await d.token.eligibleSupply();
    const receipt = await (await d.token.connect(d.operator).setExcluded(pairAddr, true)).wait();
    const atExclusion = receipt!.blockNumber;
    expect(await d.token.isExcluded(pairAddr)).toBe(true);
    expect(eligibleBefore - (await d.token.eligibleSupply())).toBe(pairShares);

    // What the pair had earned up to the exclusion second stays credited to it: its balance times the accumulator
    // at that block (its checkpoint is 0, it got its shares before any stream started).
    const rptAtExclusion = await d.token.rewardPerToken({ blockTag: atExclusion });
    const frozen = (pairShares * rptAtExclusion) / (await d.token.accumulatorScale());
    expect(frozen).toBeGreaterThan(0n);
    expect(await d.token.earned(pairAddr, { blockTag: atExclusion })).toBe(frozen);
    // One block earlier it was lower: the pair kept earning right up to the exclusion second, not just before it.
    expect(frozen).toBeGreaterThan(await d.token.earned(pairAddr, { blockTag: atExclusion - 1 }));

    // Trading still works. Shares leaving the excluded pair for the trader enter the eligible supply, shares
    // going back leave it; nothing else moves it, and the pair's frozen earnings don't move either.
    let eligible = await d.token.eligibleSupply();
    const sharesOut = await swapAtQuote(trader, 10_000n * d.unit, [stableAddr, tokenAddr]);
    expect(sharesOut).toBeGreaterThan(0n);
    expect(await shares(trader)).toBe(sharesOut);
    expect((await d.token.eligibleSupply()) - eligible).toBe(sharesOut);
    eligible = await d.token.eligibleSupply();
    const sharesIn = sharesOut / 3n;
    await swapAtQuote(trader, sharesIn, [tokenAddr, stableAddr]);
    expect(eligible - (await d.token.eligibleSupply())).toBe(sharesIn);
    expect(await d.token.earned(pairAddr)).toBe(frozen);

    // Next epoch: new rent, a new stream over a full period. Only lp, bob and trader are eligible now.
    const holders = [lp.address, bob.address, trader.address];
    const toHolders = await distribute(RENT);
    let holderShares = 0n;
    for (const h of holders) holderShares += await shares(h);
    expect(await d.token.eligibleSupply()).toBe(holderShares);

    // What the new period streams: its rate times its length (the fresh reward plus sub-unit carried dust).
    const streamed = ((await d.token.scaledRewardRate()) * BigInt(EPOCH)) / RATE_SCALE;
    expect(abs(streamed - toHolders)).toBeLessThanOrEqual(1n);

    const earnedAtStart = await Promise.all(holders.map((h) => d.token.earned(h)));
    await increaseTime(EPOCH);
    const earnedAtEnd = await Promise.all(holders.map((h) => d.token.earned(h)));
    const received = earnedAtEnd.reduce((sum, e, i) => sum + e - earnedAtStart[i], 0n);

    // The other holders share the whole stream between them. Each increase is a difference of two floored
    // values, so it is off by less than one unit per holder...
    expect(abs(streamed - received)).toBeLessThanOrEqual(BigInt(holders.length));
    // ...and the pool got nothing more.
    expect(await d.token.earned(pairAddr)).toBe(frozen);

    // Exclusion neither lost nor created money: with both streams finished, everything the vault sent the token
    // is owed to someone (pool included). The gap is rounding only, each piece below one unit: the four accounts'
    // floors, the trader's two re-checkpoints (its swaps) and the sub-unit reward still carried by the token.
    let owed = frozen;
    for (const e of earnedAtEnd) owed += e;
    const held = await stable(tokenAddr);
    expect(held).toBeGreaterThanOrEqual(owed);
    expect(held - owed).toBeLessThanOrEqual(6n);
  });

  it("refuses setExcluded from anyone but the operator or the protocol admin", async () => {
    await seedPool();
    const [caller] = await expectRevert(
      d.token.connect(d.stranger).setExcluded(pairAddr, true), d.token, "Unauthorized",
    );
    expect(caller).toBe(d.stranger.address);
    // A large holder has no more say than a stranger.
    await expectRevert(d.token.connect(lp).setExcluded(pairAddr, true), d.token, "Unauthorized");
    expect(await d.token.isExcluded(pairAddr)).toBe(false);
    expect(await d.token.eligibleSupply()).toBe(await d.token.totalSupply());
  });
});
