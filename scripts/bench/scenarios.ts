import type { TransactionResponse } from "ethers";
import {
  closeEpochAt, deployCluster, deployImplementationContracts, ethers, increaseTime, launchParams, navParams, DAY, SHARE,
  type Deployment,
} from "../../test/helpers/fixtures";
import { PlainERC20__factory, type ClusterShareToken } from "../../sdk/src/types";
import { compare, deploymentGas, gasUsed, type BenchRow } from "./measure";

/** Rent paid in every benchmarked epoch, in whole stablecoins. */
const RENT_PER_EPOCH = 100_000n;
/** A realistic (non-zero) invoice reference for rent payments. */
const RENT_REF = ethers.id("bench invoice");
/** Shares holders[1] receives before any rent, so that both holders earn. */
const SECOND_HOLDER_SHARES = 100_000n * SHARE;
/** Shares moved by every measured transfer: part of a balance, so no account slot is emptied. */
const TRANSFER_AMOUNT = 1_000n * SHARE;
/** Explicit gas limit of the set-up transfers sent with automine off (spares an estimate per transfer). */
const SETUP_TRANSFER_GAS_LIMIT = 150_000;

/**
 * Measures share transfers between earning holders against OpenZeppelin ERC-20 transfers with the same
 * accounts, amount and calldata.
 * @returns The `transfer-existing` and `transfer-new` rows.
 */
export async function transferRows(): Promise<BenchRow[]> {
  const d = await deployEarningCluster();
  const [sender, receiver] = d.holders;
  const fresh = ethers.Wallet.createRandom().address;

  await requireEarned(d.token, [sender.address, receiver.address]);
  const toExisting = await gasUsed(d.token.connect(sender).transfer(receiver.address, TRANSFER_AMOUNT));
  await requireEarned(d.token, [sender.address]);
  if ((await d.token.balanceOf(fresh)) !== 0n) throw new Error(`${fresh} already holds shares`);
  const toFresh = await gasUsed(d.token.connect(sender).transfer(fresh, TRANSFER_AMOUNT));

  const plain = await new PlainERC20__factory(d.admin).deploy();
  // Any non-zero balances give the same gas; the share balances differ only in size.
  for (const holder of [sender, receiver]) await plain.mint(holder.address, SECOND_HOLDER_SHARES);
  const plainToExisting = await gasUsed(plain.connect(sender).transfer(receiver.address, TRANSFER_AMOUNT));
  const plainToFresh = await gasUsed(plain.connect(sender).transfer(fresh, TRANSFER_AMOUNT));

  return [
    compare("transfer-existing", toExisting, "oz-erc20-transfer-existing", plainToExisting, 1.45),
    compare("transfer-new", toFresh, "oz-erc20-transfer-new", plainToFresh, 1.65),
  ];
}

/**
 * Measures `claim(to)` by an earning holder whose `to` already holds stablecoin, against a plain stablecoin
 * transfer between two holders.
 */
export async function claimRow(): Promise<BenchRow> {
  const d = await deployEarningCluster();
  const claimant = d.holders[1];
  await d.stable.mint(claimant.address, d.unit);
  await requireEarned(d.token, [claimant.address]);
  const claim = await gasUsed(d.token.connect(claimant).claim(claimant.address));
  // 1.4x until the exact donation sweep: booking every claim in `owed()` costs one cold SSTORE (README, share token).
  return compare("claim", claim, "mock-stablecoin-transfer", await stableTransferGas(d), 1.55);
}

/**
 * Measures `payRent` at the start of an epoch (the previous one closed and released all escrow, so escrow goes
 * from zero to non-zero), against a plain stablecoin transfer between two holders. Reported without a goal.
 */
export async function payRentRow(): Promise<BenchRow> {
  const d = await deployEarningCluster();
  const payRent = await gasUsed(d.vault.connect(d.renter).payRent(RENT_PER_EPOCH * d.unit, RENT_REF));
  return compare("pay-rent", payRent, "mock-stablecoin-transfer", await stableTransferGas(d), null);
}

/**
 * Measures `closeEpoch` with 10 and with 1,000 share holders under identical conditions, to show its cost does
 * not grow with the number of holders.
 * @returns The `close-epoch-10` row (its own baseline, no goal) and the `close-epoch-1000` row.
 */
export async function closeEpochRows(): Promise<BenchRow[]> {
  const withTen = await closeEpochGas(10);
  const withThousand = await closeEpochGas(1_000);
  return [
    compare("close-epoch-10", withTen, "close-epoch-10", withTen, null),
    compare("close-epoch-1000", withThousand, "close-epoch-10", withTen, 1.01),
  ];
}

/**
 * Measures `factory.launch` of a whole cluster with a raise and an allowlist (share token, revenue vault, offering,
 * redemption queue, NAV oracle, policy) against deploying those six implementations directly. The launch measured
 * is the factory's second, like every launch after the first. The baseline leaves out initialisation (which the
 * launch pays for), so the ratio is conservative.
 */
export async function launchRow(): Promise<BenchRow> {
  const d = await deployCluster();
  const params = launchParams({
    stablecoin: await d.stable.getAddress(),
    revenueFeed: await d.feed.getAddress(),
    keeper: d.keeper.address,
    maxRevenuePerEpoch: 10_000_000n * d.unit,
    offering: {
      pricePerShare: d.unit, softCap: 1_000_000n * d.unit, hardCap: 5_000_000n * d.unit,
      deadline: BigInt((await ethers.provider.getBlock("latest"))!.timestamp + 30 * DAY),
      minPerAccount: 0n, maxPerAccount: 0n,
    },
    nav: navParams(),
    withAllowlist: true,
  });
  const launch = await gasUsed(d.factory.connect(d.operator).launch(params));
  let direct = 0;
  for (const implementation of await deployImplementationContracts(d.admin)) direct += await deploymentGas(implementation);
  return compare("launch", launch, "deploy-all-six-implementations", direct, 0.2);
}

/**
 * A cluster where holders[0] and holders[1] both hold shares and have earned yield: rent was paid, the epoch
 * closed, and the stream it started has run for a day.
 */
async function deployEarningCluster(): Promise<Deployment> {
  const d = await deployCluster();
  await d.token.connect(d.holders[0]).transfer(d.holders[1].address, SECOND_HOLDER_SHARES);
  await payAndCloseEpoch(d);
  await increaseTime(DAY);
  return d;
}

/**
 * Pays one epoch's rent, attests exactly that much and closes the epoch, which releases the whole escrow and
 * streams the holders' part over the next epoch.
 * @returns The `closeEpoch` transaction.
 */
async function payAndCloseEpoch(d: Deployment): Promise<TransactionResponse> {
  const rent = RENT_PER_EPOCH * d.unit;
  await d.vault.connect(d.renter).payRent(rent, RENT_REF);
  return closeEpochAt(d, (await d.vault.attestedRevenue()) + rent);
}

/**
 * Gas of closing the second epoch of a fresh cluster with `holderCount` share holders: rent paid in both epochs,
 * the first epoch closed, and the holders created while its stream ran.
 */
async function closeEpochGas(holderCount: number): Promise<number> {
  const d = await deployCluster();
  await payAndCloseEpoch(d);
  await giveSharesToFreshAccounts(d, holderCount - 1);
  return gasUsed(payAndCloseEpoch(d));
}

/**
 * Sends one share from holders[0] to each of `count` fresh random addresses. Automine is off meanwhile, so the
 * transfers fill whole blocks instead of mining one block each.
 * @throws If any transfer reverted.
 */
async function giveSharesToFreshAccounts(d: Deployment, count: number): Promise<void> {
  const token = d.token.connect(d.holders[0]);
  const hashes: string[] = [];
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    for (let i = 0; i < count; i++) {
      const recipient = ethers.Wallet.createRandom().address;
      hashes.push((await token.transfer(recipient, SHARE, { gasLimit: SETUP_TRANSFER_GAS_LIMIT })).hash);
    }
    while (hashes.length > 0 && (await ethers.provider.getTransactionReceipt(hashes[hashes.length - 1])) === null) {
      await ethers.provider.send("evm_mine", []);
    }
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
  for (const hash of hashes) {
    const receipt = await ethers.provider.getTransactionReceipt(hash);
    if (receipt?.status !== 1) throw new Error(`set-up transfer ${hash} failed`);
  }
}

/** Gas of a plain MockStablecoin transfer from the renter to holders[1], both already holding stablecoin. */
async function stableTransferGas(d: Deployment): Promise<number> {
  const recipient = d.holders[1].address;
  await d.stable.mint(recipient, d.unit);
  return gasUsed(d.stable.connect(d.renter).transfer(recipient, d.unit));
}

/** Throws unless every one of `accounts` has earned a non-zero amount of yield. */
async function requireEarned(token: ClusterShareToken, accounts: string[]): Promise<void> {
  for (const account of accounts) {
    if ((await token.earned(account)) === 0n) throw new Error(`${account} has earned nothing yet`);
  }
}
