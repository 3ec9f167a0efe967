import {
  closeEpochAt, deployCluster, ethers, DAY, SHARE, type Deployment,
} from "../../test/helpers/fixtures";
import { PlainERC20__factory, PlainERC4626__factory } from "../../sdk/src/types";
import { compare, gasUsed, type BenchRow } from "./measure";

/** Stablecoin every measured purchase spends, in whole units. */
const PURCHASE = 1_000n;
/** Rent of the epoch that funds the reserve before a settlement (5 % of it becomes reserve). */
const RENT = 100_000n;
/** Shares a measured redemption request escrows; small enough for the reserve to fill it completely. */
const REQUEST = 100n * SHARE;
/** Pending shares in both settlement benchmarks: more than the reserve can pay, so both fill pro rata. */
const SETTLED_SHARES = 50_000n * SHARE;
const MANY_REQUESTS = 500;
const SETUP_GAS_LIMIT = 300_000;

/**
 * Measures a purchase in the raise by a first-time buyer (others bought before) against a first-time deposit of
 * the same amount of the same stablecoin into an OpenZeppelin ERC-4626 vault that already holds deposits.
 */
export async function buyRow(): Promise<BenchRow> {
  const d = await deployCluster({ raise: { price: 1n, softCap: 100_000n, hardCap: 10_000_000n, duration: 30 * DAY } });
  const [earlier, buyer] = d.holders;
  const plain = await new PlainERC4626__factory(d.admin).deploy(await d.stable.getAddress());
  for (const account of [earlier, buyer]) {
    await d.stable.mint(account.address, 10n * PURCHASE * d.unit);
    await d.stable.connect(account).approve(d.offering.target, ethers.MaxUint256);
    await d.stable.connect(account).approve(plain.target, ethers.MaxUint256);
  }
  await d.offering.connect(earlier).buy(PURCHASE * d.unit, earlier.address);
  await plain.connect(earlier).deposit(PURCHASE * d.unit, earlier.address);
  const buy = await gasUsed(d.offering.connect(buyer).buy(PURCHASE * d.unit, buyer.address));
  const deposit = await gasUsed(plain.connect(buyer).deposit(PURCHASE * d.unit, buyer.address));
  return compare("buy", buy, "oz-erc4626-deposit", deposit, 1.25);
}

/**
 * Measures a holder's redemption lifecycle: a first request (reported), its claim after settlement against a
 * stablecoin transfer between holders, and a later request (the holder has requested before, the same footing as
 * the baseline's existing holders) against an OpenZeppelin ERC-20 transfer between holders.
 */
export async function redemptionRows(): Promise<BenchRow[]> {
  const d = await deployCluster();
  const holder = d.holders[0];
  const first = await gasUsed(d.queue.connect(holder).requestRedeem(REQUEST, holder.address, holder.address));
  await fundReserveAndPublishNav(d);
  await d.queue.settle();
  await d.stable.mint(holder.address, d.unit);
  const [claimable] = await d.queue.claimable(holder.address);
  if (claimable !== REQUEST) throw new Error(`expected the request filled completely, got ${claimable}`);
  const claim = await gasUsed(d.queue.connect(holder).redeem(claimable, holder.address, holder.address));
  const again = await gasUsed(d.queue.connect(holder).requestRedeem(REQUEST, holder.address, holder.address));

  const plain = await new PlainERC20__factory(d.admin).deploy();
  for (const account of d.holders.slice(0, 2)) await plain.mint(account.address, REQUEST * 10n);
  const transfer = await gasUsed(plain.connect(holder).transfer(d.holders[1].address, REQUEST));
  const recipient = d.holders[1].address;
  await d.stable.mint(recipient, d.unit);
  await d.stable.mint(d.renter.address, d.unit);
  const stableTransfer = await gasUsed(d.stable.connect(d.renter).transfer(recipient, d.unit));
  return [
    compare("request-redeem", again, "oz-erc20-transfer-existing", transfer, 2.0),
    compare("request-redeem-first", first, "oz-erc20-transfer-existing", transfer, null),
    compare("claim-redemption", claim, "mock-stablecoin-transfer", stableTransfer, 1.5),
  ];
}

/** Measures a pro-rata settlement with 1 and with 500 pending requests of the same total shares. */
export async function settleRows(): Promise<BenchRow[]> {
  const one = await settleGas(1);
  const many = await settleGas(MANY_REQUESTS);
  return [
    compare("settle-1", one, "settle-1", one, null),
    compare(`settle-${MANY_REQUESTS}`, many, "settle-1", one, 1.01),
  ];
}

/** Gas of settling `requests` requests (distinct controllers, one owner) that together escrow SETTLED_SHARES. */
async function settleGas(requests: number): Promise<number> {
  const d = await deployCluster();
  const owner = d.holders[0];
  const queue = d.queue.connect(owner);
  const hashes: string[] = [];
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    for (let i = 0; i < requests; i++) {
      const controller = ethers.Wallet.createRandom().address;
      const tx = await queue.requestRedeem(SETTLED_SHARES / BigInt(requests), controller, owner.address, { gasLimit: SETUP_GAS_LIMIT });
      hashes.push(tx.hash);
    }
    while ((await ethers.provider.getTransactionReceipt(hashes[hashes.length - 1])) === null) {
      await ethers.provider.send("evm_mine", []);
    }
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
  for (const hash of hashes) {
    if ((await ethers.provider.getTransactionReceipt(hash))?.status !== 1) throw new Error(`request ${hash} failed`);
  }
  await fundReserveAndPublishNav(d);
  const gas = await gasUsed(d.queue.settle());
  if ((await d.queue.eraOf(1)).finished) throw new Error("expected a pro-rata (partial) settlement");
  return gas;
}

/** Pays and attests one epoch of rent (its reserve slice funds redemptions), closes it, publishes a NAV round. */
async function fundReserveAndPublishNav(d: Deployment): Promise<void> {
  await d.vault.connect(d.renter).payRent(RENT * d.unit, ethers.id("bench rent"));
  await closeEpochAt(d, (await d.vault.attestedRevenue()) + RENT * d.unit);
  await d.nav.update();
}
