import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import {
  deployCluster, closeEpochAt, increaseTime, latestTimestamp, setNextTimestamp, snapshot, ethers,
  DAY, EPOCH, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import { MockTransferPolicy__factory, ReentrantClaimer__factory } from "../../sdk/src/types";
import { deployUniswap } from "../helpers/uniswap";

const ZERO_REF = ethers.ZeroHash;
const POLICY_DELAY = 2 * DAY;

/** Registers a real Uniswap V2 factory with the protocol; returns the (not yet created) pair of share and stablecoin. */
async function registerUniswap(d: Deployment): Promise<string> {
  const uni = await deployUniswap(d.admin);
  await d.factory.connect(d.admin).setUniswapV2Factory(await uni.factory.getAddress());
  return d.token.poolFor(await d.stable.getAddress());
}

describe("ClusterShareToken", () => {
  let d: Deployment;
  let pool: string; // the share/stablecoin Uniswap V2 pair's address, not yet created
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster();
    pool = await registerUniswap(d);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  /** Pays `amount` of rent, attests it, closes the epoch: holders get 80 % streamed over the next epoch. */
  async function distribute(amount: bigint) {
    await d.vault.connect(d.renter).payRent(amount, ZERO_REF);
    const attested = (await d.vault.attestedRevenue()) + amount;
    await closeEpochAt(d, attested);
    return (amount * 8000n) / 10_000n;
  }

  describe("ERC-20", () => {
    it("has its metadata, 18 decimals and the initial supply", async () => {
      expect(await d.token.name()).toBe("H100 Cluster Frankfurt");
      expect(await d.token.symbol()).toBe("csH100FRA");
      expect(await d.token.decimals()).toBe(18n);
      expect(await d.token.totalSupply()).toBe(1_000_000n * SHARE);
      expect(await d.token.eligibleSupply()).toBe(1_000_000n * SHARE);
    });

    it("transfers, approves and transferFroms like a plain ERC-20", async () => {
      const [a, b, c] = d.holders;
      await expect(d.token.connect(a).transfer(b.address, 10n * SHARE)).resolves.toBeTruthy();
      expect(await d.token.balanceOf(b.address)).toBe(10n * SHARE);
      await d.token.connect(b).approve(c.address, 4n * SHARE);
      await d.token.connect(c).transferFrom(b.address, c.address, 3n * SHARE);
      expect(await d.token.allowance(b.address, c.address)).toBe(1n * SHARE);
      expect(await d.token.balanceOf(c.address)).toBe(3n * SHARE);
      await expectRevert(d.token.connect(c).transferFrom(b.address, c.address, 2n * SHARE), d.token, "ERC20InsufficientAllowance");
      await expectRevert(d.token.connect(b).transfer(c.address, 8n * SHARE), d.token, "ERC20InsufficientBalance");
      await expectRevert(d.token.connect(b).transfer(ethers.ZeroAddress, 1n), d.token, "ERC20InvalidReceiver");
      await expectRevert(d.token.connect(b).approve(ethers.ZeroAddress, 1n), d.token, "ERC20InvalidSpender");
    });

    it("keeps an infinite allowance infinite", async () => {
      const [a, b] = d.holders;
      await d.token.connect(a).approve(b.address, ethers.MaxUint256);
      await d.token.connect(b).transferFrom(a.address, b.address, SHARE);
      expect(await d.token.allowance(a.address, b.address)).toBe(ethers.MaxUint256);
    });

    it("accepts an EIP-2612 permit and refuses a replayed, expired or forged one", async () => {
      const [owner, spender] = d.holders;
      const deadline = (await latestTimestamp()) + 3600n;
      const sign = async (signer = owner, nonce?: bigint, value = 5n * SHARE) => {
        const domain = {
          name: await d.token.name(), version: "1",
          chainId: (await ethers.provider.getNetwork()).chainId, verifyingContract: await d.token.getAddress(),
        };
        const types = { Permit: [
          { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
        ] };
        const message = { owner: owner.address, spender: spender.address, value, nonce: nonce ?? (await d.token.nonces(owner.address)), deadline };
        return ethers.Signature.from(await signer.signTypedData(domain, types, message));
      };
      const sig = await sign();
      await d.token.permit(owner.address, spender.address, 5n * SHARE, deadline, sig.v, sig.r, sig.s);
      expect(await d.token.allowance(owner.address, spender.address)).toBe(5n * SHARE);
      expect(await d.token.nonces(owner.address)).toBe(1n);
      await expectRevert(d.token.permit(owner.address, spender.address, 5n * SHARE, deadline, sig.v, sig.r, sig.s), d.token, "ERC2612InvalidSigner");
      const forged = await sign(d.stranger);
      await expectRevert(d.token.permit(owner.address, spender.address, 5n * SHARE, deadline, forged.v, forged.r, forged.s), d.token, "ERC2612InvalidSigner");
      const late = await sign();
      await increaseTime(7200);
      await expectRevert(d.token.permit(owner.address, spender.address, 5n * SHARE, deadline, late.v, late.r, late.s), d.token, "ERC2612ExpiredSignature");
    });
  });

  describe("streamed yield", () => {
    it("streams linearly over the epoch and splits by balance", async () => {
      const [a, b] = d.holders;
      await d.token.connect(a).transfer(b.address, 250_000n * SHARE); // a 75 %, b 25 %
      const toHolders = await distribute(10_000n * d.unit);
      const start = await latestTimestamp();
      await setNextTimestamp(start + BigInt(EPOCH / 2));
      await ethers.provider.send("evm_mine", []);
      const halfA = await d.token.earned(a.address);
      expect(halfA).toBeLessThanOrEqual((toHolders * 3n) / 8n);
      expect(halfA).toBeGreaterThanOrEqual((toHolders * 3n) / 8n - 1n);
      await increaseTime(EPOCH);
      const [fullA, fullB] = [await d.token.earned(a.address), await d.token.earned(b.address)];
      expect(fullA + fullB).toBeLessThanOrEqual(toHolders);
      expect(toHolders - (fullA + fullB)).toBeLessThanOrEqual(2n);
      expect(fullA).toBeGreaterThanOrEqual((toHolders * 3n) / 4n - 1n);
    });

    it("keeps what was earned when shares move, and the receiver earns only from then on", async () => {
      const [a, b] = d.holders;
      const toHolders = await distribute(7_000n * d.unit);
      await increaseTime(EPOCH / 4);
      const before = await d.token.earned(a.address);
      await d.token.connect(a).transfer(b.address, 500_000n * SHARE);
      expect(await d.token.earned(b.address)).toBe(0n);
      const afterTransfer = await d.token.earned(a.address);
      expect(afterTransfer - before).toBeLessThanOrEqual(toHolders / BigInt(EPOCH) + 1n); // at most one more second
      await increaseTime(EPOCH);
      const total = (await d.token.earned(a.address)) + (await d.token.earned(b.address));
      expect(toHolders - total).toBeGreaterThanOrEqual(0n);
      expect(toHolders - total).toBeLessThanOrEqual(3n);
    });

    it("keeps earnings when a holder sends away everything (spilled to the accrued balance)", async () => {
      const [a, b] = d.holders;
      await distribute(1_000n * d.unit);
      await increaseTime(EPOCH / 2);
      await d.token.connect(a).transfer(b.address, 1_000_000n * SHARE);
      const kept = await d.token.earned(a.address);
      expect(kept).toBeGreaterThan(0n);
      await increaseTime(EPOCH);
      expect(await d.token.earned(a.address)).toBe(kept);
      await d.token.connect(a).claim(a.address);
      expect(await d.stable.balanceOf(a.address)).toBe(kept);
      expect(await d.token.earned(a.address)).toBe(0n);
    });

    it("defeats yield sniping: a buyer just before a close earns only for the time it holds", async () => {
      const [longTerm, sniper] = d.holders;
      await distribute(5_000n * d.unit);
      // The sniper buys one second before the next close, with as many shares as the long-term holder has.
      const end = await d.vault.epochEnd();
      await d.vault.connect(d.renter).payRent(5_000n * d.unit, ZERO_REF);
      await setNextTimestamp(end - 1n);
      await d.token.connect(longTerm).transfer(sniper.address, 500_000n * SHARE);
      await closeEpochAt(d, 10_000n * d.unit);
      await d.token.connect(sniper).transfer(longTerm.address, 500_000n * SHARE); // sells right after the close
      const sniperEarned = await d.token.earned(sniper.address);
      const perSecond = (5_000n * d.unit * 8000n) / 10_000n / BigInt(EPOCH);
      expect(sniperEarned).toBeLessThanOrEqual(3n * perSecond); // a couple of seconds' worth, nothing more
      await increaseTime(EPOCH);
      expect(await d.token.earned(sniper.address)).toBe(sniperEarned);
      expect(await d.token.earned(longTerm.address)).toBeGreaterThan(7_900n * d.unit);
    });

    it("carries the stream while eligible supply is below one share, losing nothing", async () => {
      const [a] = d.holders;
      const stable = await d.stable.getAddress();
      await d.token.connect(a).transfer(pool, 1_000_000n * SHARE - SHARE / 2n);
      await d.token.connect(d.stranger).excludePool(stable);
      expect(await d.token.eligibleSupply()).toBe(SHARE / 2n);
      const toHolders = await distribute(2_000n * d.unit);
      await increaseTime(EPOCH * 2);
      expect(await d.token.earned(a.address)).toBe(0n);
      // Re-including the pool checkpoints the idle stretch into the carried amount.
      await d.token.connect(d.operator).includePool(stable);
      expect((await d.token.scaledUndistributed()) / 10n ** 12n).toBe(toHolders);
      // The next distribution streams the carried amount too.
      const next = await distribute(1_000n * d.unit);
      await increaseTime(EPOCH);
      const total = (await d.token.earned(a.address)) + (await d.token.earned(pool));
      expect(total).toBeLessThanOrEqual(toHolders + next);
      expect(toHolders + next - total).toBeLessThanOrEqual(2n);
    });

    it("never pays a holder checkpointed between global updates for a fraction the accumulator lacks", async () => {
      // Transfers between earning holders read the accumulator without storing it. A receiver checkpointed at a
      // floored reading would later be paid the fraction that floor dropped (found by the property test); the
      // checkpoint is therefore rounded up. Watch a fresh holder second by second against its exact share.
      const [a] = d.holders;
      const fresh = ethers.Wallet.createRandom().address;
      await distribute(1_000n * d.unit);
      const start = (await d.token.periodFinish()) - BigInt(EPOCH);
      const rate = await d.token.scaledRewardRate();
      const eligible = await d.token.eligibleSupply();
      const shares = 4n * SHARE;
      await setNextTimestamp(start + 1n);
      await d.token.connect(a).transfer(fresh, shares);
      let paidSomething = false;
      for (let t = 2n; t <= 400n; t++) {
        await ethers.provider.send("evm_mine", [Number(start + t)]);
        const exact = (rate * (t - 1n) * shares) / (10n ** 12n * eligible);
        const earned = await d.token.earned(fresh);
        expect(earned).toBeLessThanOrEqual(exact);
        expect(exact - earned).toBeLessThanOrEqual(1n);
        paidSomething ||= earned > 0n;
      }
      expect(paidSomething).toBe(true);
    });

    it("stops the stream when one share would earn more than the accumulator holds per period, losing nothing", async () => {
      const big = await deployCluster({ maxRevenuePerEpoch: 10n ** 18n });
      const [a] = big.holders;
      const poolAddress = await registerUniswap(big);
      const stable = await big.stable.getAddress();
      await big.token.connect(a).transfer(poolAddress, 1_000_000n * SHARE - SHARE); // a keeps exactly one share
      await big.token.connect(big.operator).excludePool(stable);
      expect(await big.token.eligibleSupply()).toBe(SHARE);
      // Half a billion stablecoins of rent, 80 % to one share: more than StreamMath.STOPPED (3.09e8 per share).
      const rent = 500_000_000n * big.unit;
      await big.stable.mint(big.renter.address, rent);
      await big.vault.connect(big.renter).payRent(rent, ZERO_REF);
      await closeEpochAt(big, rent);
      const toHolders = await big.vault.distributedToHolders();
      await increaseTime(DAY);
      expect(await big.token.earned(a.address)).toBe(0n);
      // Once the pool is back the stream runs again: the stopped stretch was carried, the rest streams.
      await big.token.connect(big.operator).includePool(stable);
      const carried = (await big.token.scaledUndistributed()) / 10n ** 12n;
      const perSecond = toHolders / BigInt(EPOCH);
      expect(carried).toBeGreaterThanOrEqual(perSecond * BigInt(DAY));
      expect(carried).toBeLessThanOrEqual((perSecond + 1n) * BigInt(DAY + 2));
      await increaseTime(EPOCH);
      const streamed = (await big.token.earned(a.address)) + (await big.token.earned(poolAddress));
      expect(streamed + carried).toBeLessThanOrEqual(toHolders);
      expect(toHolders - streamed - carried).toBeLessThanOrEqual(2n);
    });

    it("claims to another address when the stablecoin blocks the holder", async () => {
      const [a, b] = d.holders;
      await distribute(1_000n * d.unit);
      await increaseTime(EPOCH);
      await d.stable.setBlocked(a.address, true);
      await expectRevert(d.token.connect(a).claim(a.address), d.stable, "Blocked");
      const owed = await d.token.earned(a.address);
      await expect(d.token.connect(a).claim(b.address)).resolves.toBeTruthy();
      expect(await d.stable.balanceOf(b.address)).toBe(owed);
      expect(await d.token.earned(a.address)).toBe(0n);
    });

    it("pays once when the stablecoin's payout re-enters claim (no guard needed: state is written first)", async () => {
      const hooked = await deployCluster({ stablecoin: "hooked" });
      const claimer = await new ReentrantClaimer__factory(hooked.admin).deploy(await hooked.token.getAddress());
      const claimerAddress = await claimer.getAddress();
      await hooked.token.connect(hooked.holders[0]).transfer(claimerAddress, 100_000n * SHARE);
      await hooked.vault.connect(hooked.renter).payRent(1_000n * hooked.unit, ZERO_REF);
      await closeEpochAt(hooked, 1_000n * hooked.unit);
      await increaseTime(EPOCH);
      const owed = await hooked.token.earned(claimerAddress);
      expect(owed).toBeGreaterThan(0n);
      await claimer.attack();
      expect(await hooked.stable.balanceOf(claimerAddress)).toBe(owed);
      expect(await claimer.reentryPaid()).toBe(0n);
      const reentryError = hooked.token.interface.parseError(await claimer.reentryError());
      expect(reentryError?.name).toBe("NothingToClaim");
    });

    it("refuses empty claims and a zero receiver", async () => {
      await expectRevert(d.token.connect(d.stranger).claim(d.stranger.address), d.token, "NothingToClaim");
      await expectRevert(d.token.connect(d.holders[0]).claim(ethers.ZeroAddress), d.token, "ZeroAddress");
    });

    it("emits RewardClaimed with the amount", async () => {
      const [a] = d.holders;
      await distribute(100n * d.unit);
      await increaseTime(EPOCH);
      const owed = await d.token.earned(a.address);
      const receipt = await (await d.token.connect(a).claim(a.address)).wait();
      const event = receipt!.logs.map((l) => d.token.interface.parseLog(l)).find((p) => p?.name === "RewardClaimed");
      expect(event!.args.amount).toBe(owed);
    });

    it("only the vault starts a stream", async () => {
      await expectRevert(d.token.connect(d.stranger).notifyReward(1n, 1n), d.token, "Unauthorized");
    });
  });

  describe("precision with a 6-decimal stablecoin and 1e9 shares", () => {
    it("no holder loses more than one unit per checkpoint", async () => {
      const big = await deployCluster({ initialShares: 1_000_000_000n * SHARE, maxRevenuePerEpoch: 10n ** 15n });
      const [whale, minnow, odd] = big.holders;
      // Awkward balances: one base unit, a prime number of shares, and the rest.
      await big.token.connect(whale).transfer(minnow.address, 1n);
      await big.token.connect(whale).transfer(odd.address, 7_919n * SHARE + 13n);
      const supply = await big.token.eligibleSupply();
      const amount = 123_456_789n * big.unit + 7n;
      await big.vault.connect(big.renter).payRent(amount, ZERO_REF);
      await closeEpochAt(big, amount);
      const toHolders = await big.vault.distributedToHolders();
      const start = await latestTimestamp();
      // Several checkpoints on the odd holder (transfers in and out) during the stream.
      for (let i = 0; i < 5; i++) {
        await increaseTime(EPOCH / 10);
        await big.token.connect(whale).transfer(odd.address, 1n);
        await big.token.connect(odd).transfer(whale.address, 1n);
      }
      await increaseTime(EPOCH);
      expect(await latestTimestamp()).toBeGreaterThan(start + BigInt(EPOCH));
      const balances = await Promise.all([whale, minnow, odd].map((h) => big.token.balanceOf(h.address)));
      const earned = await Promise.all([whale, minnow, odd].map((h) => big.token.earned(h.address)));
      // Balances are identical at the period's start and end (each in/out pair cancels), so the exact share is
      // toHolders * balance / supply. The odd holder went through 10 checkpoints, the others at most 10 too.
      for (let i = 0; i < 3; i++) {
        const exact = (toHolders * balances[i]) / supply;
        expect(earned[i]).toBeLessThanOrEqual(exact);
        expect(exact - earned[i]).toBeLessThanOrEqual(11n);
      }
      expect(earned[1]).toBe(0n); // one base unit of a share earns less than a unit
    });
  });

  describe("exclusion", () => {
    it("excludes a pool that earned before: its stranded earnings go back to the holders' stream, not to anyone", async () => {
      const [a] = d.holders;
      const stable = await d.stable.getAddress();
      await d.token.connect(a).transfer(pool, 500_000n * SHARE);
      const toHolders = await distribute(10_000n * d.unit);
      await increaseTime(EPOCH / 2);
      const carriedBefore = await d.token.scaledUndistributed();
      const receipt = await (await d.token.connect(d.stranger).excludePool(stable)).wait();
      const returned = receipt!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "StrandedYieldReturned")!;
      expect(returned.args.account).toBe(pool);
      const stranded: bigint = returned.args.amount;
      expect(stranded).toBeGreaterThan((toHolders * 24n) / 100n);
      expect(await d.token.isExcluded(pool)).toBe(true);
      expect(await d.token.earned(pool)).toBe(0n);
      expect(await d.token.eligibleSupply()).toBe(500_000n * SHARE);
      expect((await d.token.scaledUndistributed()) - carriedBefore).toBe(stranded * 10n ** 12n);
      // The stranded part streams to the holders with the next period: a ends with everything, less dust.
      await increaseTime(EPOCH);
      const next = await distribute(1_000n * d.unit);
      await increaseTime(EPOCH);
      expect(await d.token.earned(pool)).toBe(0n);
      const earnedA = await d.token.earned(a.address);
      expect(earnedA).toBeLessThanOrEqual(toHolders + next);
      expect(toHolders + next - earnedA).toBeLessThanOrEqual(4n);
      // Shares moving between an excluded and an eligible account keep eligible supply exact.
      await d.token.connect(a).transfer(pool, 1_000n * SHARE);
      expect(await d.token.eligibleSupply()).toBe(499_000n * SHARE);
      await d.token.connect(d.admin).includePool(stable);
      expect(await d.token.eligibleSupply()).toBe(1_000_000n * SHARE);
    });

    it("lets an account exclude itself and come back, keeping what it earned: nobody else can switch off its yield", async () => {
      const [a, b] = d.holders;
      await d.token.connect(a).transfer(b.address, 250_000n * SHARE);
      const toHolders = await distribute(10_000n * d.unit);
      await increaseTime(EPOCH / 2);
      await d.token.connect(b).excludeSelf();
      expect(await d.token.isExcluded(b.address)).toBe(true);
      expect(await d.token.eligibleSupply()).toBe(750_000n * SHARE);
      const kept = await d.token.earned(b.address);
      expect(kept).toBeGreaterThan((toHolders * 12n) / 100n);
      await increaseTime(EPOCH);
      expect(await d.token.earned(b.address)).toBe(kept);
      await d.token.connect(b).includeSelf();
      expect(await d.token.eligibleSupply()).toBe(1_000_000n * SHARE);
      await d.token.connect(b).claim(b.address);
      expect(await d.stable.balanceOf(b.address)).toBe(kept);
      // Neither the operator nor the admin has a path to another account's exclusion: the pool path derives the
      // address from the registered Uniswap factory, so it can never name a wallet, Safe or EIP-7702 account.
      expect(await d.token.poolFor(await d.stable.getAddress())).not.toBe(b.address);
      const fn = d.token.interface.getFunction("setExcluded(address,bool)" as never);
      expect(fn).toBeNull();
    });

    it("refuses strangers, protocol contracts, unregistered DEX factories and no-op changes", async () => {
      const stable = await d.stable.getAddress();
      await expectRevert(d.token.connect(d.stranger).includePool(stable), d.token, "Unauthorized");
      await expectRevert(d.token.connect(d.holders[0]).includePool(stable), d.token, "Unauthorized");
      await expectRevert(d.token.connect(d.operator).includePool(stable), d.token, "ExclusionUnchanged");
      await expectRevert(d.token.excludePool(ethers.ZeroAddress), d.token, "InvalidPairedToken");
      await expectRevert(d.token.excludePool(await d.token.getAddress()), d.token, "InvalidPairedToken");
      await d.token.excludePool(stable);
      await expectRevert(d.token.excludePool(stable), d.token, "ExclusionUnchanged");
      await d.token.connect(d.holders[0]).excludeSelf();
      await expectRevert(d.token.connect(d.holders[0]).excludeSelf(), d.token, "ExclusionUnchanged");
      await expectRevert(d.token.connect(d.holders[1]).includeSelf(), d.token, "ExclusionUnchanged");
      await expectRevert(d.factory.connect(d.stranger).setUniswapV2Factory(d.stranger.address), d.factory, "AccessControlUnauthorizedAccount");
      const bare = await deployCluster();
      await expectRevert(bare.token.excludePool(await bare.stable.getAddress()), bare.token, "NoDexFactory");
    });
  });

  describe("pause", () => {
    it("stops transfers and rent but keeps claims working; guardian only", async () => {
      const [a, b] = d.holders;
      await distribute(1_000n * d.unit);
      await increaseTime(EPOCH / 2);
      await expectRevert(d.token.connect(d.stranger).pause(), d.token, "Unauthorized");
      await expectRevert(d.token.connect(d.operator).pause(), d.token, "Unauthorized");
      await d.token.connect(d.guardian).pause();
      expect(await d.token.paused()).toBe(true);
      await expectRevert(d.token.connect(d.guardian).pause(), d.token, "EnforcedPause");
      await expectRevert(d.token.connect(a).transfer(b.address, 1n), d.token, "EnforcedPause");
      await expectRevert(d.vault.connect(d.renter).payRent(1n, ZERO_REF), d.vault, "EnforcedPause");
      const owed = await d.token.earned(a.address);
      await d.token.connect(a).claim(a.address);
      expect(await d.stable.balanceOf(a.address)).toBeGreaterThanOrEqual(owed);
      await expectRevert(d.token.connect(d.stranger).unpause(), d.token, "Unauthorized");
      await d.token.connect(d.guardian).unpause();
      await expectRevert(d.token.connect(d.guardian).unpause(), d.token, "ExpectedPause");
      await d.token.connect(a).transfer(b.address, 1n);
      expect(await d.token.balanceOf(b.address)).toBe(1n);
    });
  });

  describe("transfer policy hook", () => {
    it("consults the policy on every market transfer once applied after the delay; operator proposes", async () => {
      const [a, b] = d.holders;
      const policy = await new MockTransferPolicy__factory(d.admin).deploy();
      const policyAddress = await policy.getAddress();
      await expectRevert(d.token.connect(d.stranger).proposeTransferPolicy(policyAddress), d.token, "Unauthorized");
      await d.token.connect(d.operator).proposeTransferPolicy(policyAddress);
      await increaseTime(POLICY_DELAY);
      await d.token.connect(d.stranger).applyTransferPolicy();
      expect(await d.token.transferPolicy()).toBe(policyAddress);
      await d.token.connect(a).transfer(b.address, 1n);
      await policy.blockReceiver(b.address);
      await expectRevert(d.token.connect(a).transfer(b.address, 1n), d.token, "TransferNotAllowed");
      await d.token.connect(d.operator).proposeTransferPolicy(ethers.ZeroAddress);
      await increaseTime(POLICY_DELAY);
      await d.token.connect(d.stranger).applyTransferPolicy();
      await d.token.connect(a).transfer(b.address, 1n);
      expect(await d.token.balanceOf(b.address)).toBe(2n);
    });
  });

  describe("while a raise locks the shares", () => {
    it("only mints and burns, counts every share as eligible, and stores eligible supply at unlock", async () => {
      const raising = await deployCluster({ raise: { price: 1n, softCap: 10n, hardCap: 1_000n, duration: DAY } });
      const [a, b] = raising.holders;
      const { token, offering, stable, unit } = raising;
      await stable.mint(a.address, 1_000n * unit);
      await stable.connect(a).approve(offering.target, ethers.MaxUint256);
      await offering.connect(a).buy(600n * unit, a.address);
      expect(await token.locked()).toBe(true);
      expect(await token.eligibleSupply()).toBe(600n * SHARE);
      await expectRevert(token.connect(a).transfer(b.address, 1n), token, "SharesLocked");
      await expectRevert(token.connect(a).approve(b.address, 1n).then(() => token.connect(b).transferFrom(a.address, b.address, 1n)), token, "SharesLocked");
      // Exclusions wait for the unlock (eligible supply is not stored until then); roles are still checked first.
      await expectRevert(token.connect(a).excludeSelf(), token, "SharesLocked");
      await expectRevert(token.connect(a).mint(a.address, 1n), token, "Unauthorized");
      await expectRevert(token.connect(a).unlock(), token, "Unauthorized");
      await expectRevert(token.connect(a).burn(a.address, 1n), token, "Unauthorized");

      await offering.connect(a).buy(400n * unit, a.address); // hard cap reached
      await offering.finalize();
      expect(await token.locked()).toBe(false);
      expect(await token.eligibleSupply()).toBe(1_000n * SHARE);
      await token.connect(a).transfer(b.address, SHARE);
      expect(await token.balanceOf(b.address)).toBe(SHARE);
    });
  });

  describe("clones", () => {
    it("cannot be initialised twice, nor can the implementation", async () => {
      const s = d.stranger.address;
      const wiring = { vault: s, offering: s, redemptionQueue: s, policy: ethers.ZeroAddress };
      await expectRevert(d.token.initialize("x", "y", wiring, s, 1n, false), d.token, "InvalidInitialization");
      const impl = await ethers.getContractAt("ClusterShareToken", (await d.factory.implementations()).shareToken);
      await expectRevert(impl.initialize("x", "y", wiring, s, 1n, false), d.token, "InvalidInitialization");
    });
  });
});

describe.each([6, 18])("ClusterShareToken donations with a %i-decimal stablecoin", (stableDecimals) => {
  it("sweeps stablecoin sent outside the books into the holders' next period, never what is owed", async () => {
    const d = await deployCluster({ stableDecimals });
    // StreamMath's bound: under 1e-6 stablecoin lost per checkpoint, whatever the decimals.
    const dust = 4n * 10n ** BigInt(stableDecimals - 6);
    const [a, b] = d.holders;
    await d.token.connect(a).transfer(b.address, 250_000n * SHARE);
    const token = await d.token.getAddress();
    await expectRevert(d.token.connect(d.stranger).sweepDonations(), d.token, "NothingToSweep");

    await d.vault.connect(d.renter).payRent(10_000n * d.unit, ZERO_REF);
    await closeEpochAt(d, 10_000n * d.unit);
    const firstStream = await d.vault.distributedToHolders();
    expect(await d.token.owed()).toBe(firstStream);
    await increaseTime(EPOCH / 2);
    await d.token.connect(b).claim(b.address);
    const claimedB = await d.stable.balanceOf(b.address);
    expect(await d.token.owed()).toBe(firstStream - claimedB);
    expect(await d.stable.balanceOf(token)).toBe(await d.token.owed()); // the books hold exactly what they owe
    await expectRevert(d.token.connect(d.stranger).sweepDonations(), d.token, "NothingToSweep");

    // Someone sends stablecoin straight to the token (a mistaken or deliberate donation).
    const donation = 1_234n * d.unit + 5n;
    await d.stable.connect(d.renter).transfer(token, donation);
    const earnedBefore = [await d.token.earned(a.address), await d.token.earned(b.address)];
    const carriedBefore = await d.token.scaledUndistributed();
    const receipt = await (await d.token.connect(d.stranger).sweepDonations()).wait();
    const event = receipt!.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "DonationsSwept")!;
    expect([...event.args]).toEqual([d.stranger.address, donation]);
    expect((await d.token.scaledUndistributed()) - carriedBefore).toBe(donation * 10n ** 12n);
    expect(await d.token.owed()).toBe(await d.stable.balanceOf(token));
    // Nothing went to the caller or anyone else now: it joins the next period for every holder.
    expect(await d.stable.balanceOf(d.stranger.address)).toBe(0n);
    expect(await d.token.earned(a.address)).toBeGreaterThanOrEqual(earnedBefore[0]);
    expect((await d.token.earned(a.address)) - earnedBefore[0]).toBeLessThan(firstStream / 1000n);
    await expectRevert(d.token.connect(d.stranger).sweepDonations(), d.token, "NothingToSweep");

    await increaseTime(EPOCH);
    await d.vault.connect(d.renter).payRent(1_000n * d.unit, ZERO_REF);
    await closeEpochAt(d, 11_000n * d.unit);
    const secondStream = (await d.vault.distributedToHolders()) - firstStream;
    await increaseTime(EPOCH);
    const total = (await d.token.earned(a.address)) + (await d.token.earned(b.address)) + claimedB;
    expect(total).toBeLessThanOrEqual(firstStream + secondStream + donation);
    expect(firstStream + secondStream + donation - total).toBeLessThanOrEqual(dust);
    await d.token.connect(a).claim(a.address);
    await d.token.connect(b).claim(b.address);
    // What is left is rounding dust the books still count as owed: never sweepable.
    expect(await d.stable.balanceOf(token)).toBe(await d.token.owed());
    expect(await d.token.owed()).toBeLessThanOrEqual(dust);
  });
});
