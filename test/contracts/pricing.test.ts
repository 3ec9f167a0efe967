import { describe, it, expect } from "vitest";
import {
  deployCluster, attest, increaseTime, ethers, SHARE, type Deployment,
} from "../helpers/fixtures";
import { NavHarvester__factory } from "../../sdk/src/types";

const RENT = 400_000n;

/** One epoch of rent paid, billed and attested; the epoch is over but nobody has closed it yet. */
async function epochOfRent(d: Deployment, billed: bigint): Promise<bigint> {
  await d.vault.connect(d.renter).payRent(RENT * d.unit, ethers.id(`rent ${billed}`));
  const end = await d.vault.epochEnd();
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  if (now < end) await increaseTime(end - now);
  billed += RENT * d.unit;
  await attest(d, billed);
  return billed;
}

/** The settlement's NAV recomputed from the state it left: book value (hardware + reserve) per share. */
async function bookNavAtSettlement(d: Deployment, blockNumber: number, assets: bigint, filled: bigint): Promise<bigint> {
  const at = { blockTag: blockNumber };
  const [hardware, reserveAfter, supplyAfter, escrow] = await Promise.all([
    d.nav.scheduledValue(at), d.vault.reserve(at), d.token.totalSupply(at), d.vault.escrow(at),
  ]);
  expect(escrow).toBe(0n); // nothing attested waiting: book value is hardware plus reserve
  return ((hardware + reserveAfter + assets) * SHARE) / (supplyAfter + filled);
}

describe.each([
  { premiumBps: 50n, feeBps: 50n },
  { premiumBps: 0n, feeBps: 0n },
])("prices nobody can choose or harvest (premium $premiumBps bps, redemption fee $feeBps bps)", ({ premiumBps, feeBps }) => {
  it("leaves an adversary who buys, closes, redeems and settles in one transaction with no profit", async () => {
    const d = await deployCluster({ redemptionFeeBps: feeBps });
    let billed = await epochOfRent(d, 0n);
    await d.vault.closeEpoch();
    billed = await epochOfRent(d, billed);
    await d.offering.connect(d.operator).configureIssuance(true, Number(premiumBps), 10_000_000n * SHARE);
    await d.nav.update();
    const harvester = await new NavHarvester__factory(d.stranger).deploy();
    const borrowed = 2_000_000n * d.unit; // a flash loan
    await d.stable.mint(await harvester.getAddress(), borrowed);
    const cluster = {
      stablecoin: d.stable.target, offering: d.offering.target, vault: d.vault.target, queue: d.queue.target,
      nav: d.nav.target,
    };
    const holderValueBefore = (await d.nav.breakdown()).navPerShare;
    try {
      await (await harvester.harvest(cluster, borrowed)).wait();
    } catch {
      // Refused somewhere along the way: nothing moved.
    }
    expect(await d.stable.balanceOf(await harvester.getAddress())).toBeLessThanOrEqual(borrowed);
    expect((await d.nav.breakdown()).navPerShare).toBeGreaterThanOrEqual(holderValueBefore);
  });

  it("prices a settlement at the book value of the moment, whatever round was published before the close", async () => {
    const d = await deployCluster({ redemptionFeeBps: feeBps });
    const [holder, redeemer] = d.holders;
    let billed = await epochOfRent(d, 0n);
    await d.vault.closeEpoch();
    await d.token.connect(holder).transfer(redeemer.address, 40_000n * SHARE);
    await d.queue.connect(redeemer).requestRedeem(40_000n * SHARE, redeemer.address, redeemer.address);
    billed = await epochOfRent(d, billed);
    await d.nav.update(); // observed before the close: the stream and the release are not in it
    await d.vault.closeEpoch();
    const receipt = (await (await d.queue.settle()).wait())!;
    const settled = receipt.logs.map((l) => d.queue.interface.parseLog(l)).find((e) => e?.name === "RedeemSettled")!;
    const { navPerShare, pricePerShare, sharesFilled, assets } = settled.args;
    expect(sharesFilled).toBeGreaterThan(0n);
    // The price counts what an escrowed share owns (hardware and reserve), not the stream it never earns.
    expect(navPerShare).toBe(await bookNavAtSettlement(d, receipt.blockNumber, assets, sharesFilled));
    expect(pricePerShare).toBe((navPerShare * (10_000n - feeBps)) / 10_000n);
    expect(await d.token.unstreamed()).toBeGreaterThan(0n);
  });
});
