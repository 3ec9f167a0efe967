/**
 * Every transaction the demo's people send, through the SDK's actions (sdk/src/actions/: preflight checks, a
 * simulation, decoded events), each signer in its own SDK context. The Uniswap calls go to the real Router02.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Contract, ContractTransactionReceipt } from "ethers";
import hre from "hardhat";
import { buy, claim, finalizeOffering, payRent, prepareDexPool, redeem, refund, requestRedeem, withdrawProceeds } from "../../sdk/src/actions";
import { createContext, type ClusterShareContext } from "../../sdk/src/context";
import type { Deployment } from "../../sdk/src/deployment";
import type { ClusterShareToken, MockStablecoin, RedemptionQueue } from "../../sdk/src/types";

const SLIPPAGE_BPS = 100n;

/** The SDK context `signer` acts in. */
export function contextFor(deployment: Deployment, signer: HardhatEthersSigner): ClusterShareContext {
  return createContext({ provider: hre.ethers.provider, signer, deployment });
}

/** Buys in the raise with an EIP-2612 permit instead of an approval transaction. */
export async function buyInRaise(ctx: ClusterShareContext, clusterId: bigint, assets: bigint): Promise<void> {
  await buy(ctx, { clusterId, assets, authorization: "permit" });
}

/** Ends a raise (anyone may, at the deadline) and, when it succeeded, the operator takes the proceeds for the hardware. */
export async function closeRaise(keeper: ClusterShareContext, operator: ClusterShareContext, clusterId: bigint, operatorAddress: string): Promise<boolean> {
  await finalizeOffering(keeper, { clusterId });
  const offering = keeper.cluster((await keeper.factory().cluster(clusterId)).contracts).offering;
  if ((await offering.proceedsOwed()) === 0n) return false;
  await withdrawProceeds(operator, { clusterId, to: operatorAddress });
  return true;
}

/** A buyer of a failed raise takes its money back. */
export async function refundRaise(ctx: ClusterShareContext, clusterId: bigint): Promise<void> {
  await refund(ctx, { clusterId });
}

/** The renter pays rent into the vault, tagged with the invoice it settles (text of up to 31 characters). */
export async function payInvoice(ctx: ClusterShareContext, clusterId: bigint, amount: bigint, invoice: string): Promise<void> {
  await payRent(ctx, { clusterId, amount, paymentRef: invoice });
}

/** Claims a holder's streamed yield to itself. */
export async function claimYield(ctx: ClusterShareContext, clusterId: bigint): Promise<void> {
  await claim(ctx, { clusterId });
}

/** Asks to redeem `shares` at NAV through the queue. */
export async function askToRedeem(ctx: ClusterShareContext, clusterId: bigint, shares: bigint): Promise<void> {
  await requestRedeem(ctx, { clusterId, shares });
}

/** Takes whatever the queue has filled for the holder, if anything. */
export async function redeemFilled(ctx: ClusterShareContext, queue: RedemptionQueue, holder: string, clusterId: bigint): Promise<void> {
  const [shares] = await queue.claimable(holder);
  if (shares > 0n) await redeem(ctx, { clusterId });
}

/**
 * Seeds the share/stablecoin Uniswap V2 pool, excluded from yield first (a pool cannot claim, so its shares must
 * not dilute the holders' stream).
 */
export async function provideLiquidity(
  ctx: ClusterShareContext, clusterId: bigint, router: Contract, token: ClusterShareToken, stable: MockStablecoin,
  provider: HardhatEthersSigner, shares: bigint, assets: bigint,
): Promise<void> {
  await prepareDexPool(ctx, { clusterId, pairedToken: await stable.getAddress() });
  await token.connect(provider).approve(await router.getAddress(), shares);
  await stable.connect(provider).approve(await router.getAddress(), assets);
  await (router.connect(provider) as Contract).addLiquidity(
    await token.getAddress(), await stable.getAddress(), shares, assets, shares, assets, provider.address, await deadline(),
  );
}

/** Sells `shares` for stablecoin on the pool, accepting 1 % below the quote; returns the stablecoin received. */
export async function sellShares(
  router: Contract, token: ClusterShareToken, stable: MockStablecoin, seller: HardhatEthersSigner, shares: bigint,
): Promise<{ proceeds: bigint; receipt: ContractTransactionReceipt }> {
  const path = [await token.getAddress(), await stable.getAddress()];
  const [, quoted] = (await router.getAmountsOut(shares, path)) as bigint[];
  await token.connect(seller).approve(await router.getAddress(), shares);
  const before = await stable.balanceOf(seller.address);
  const tx = await (router.connect(seller) as Contract).swapExactTokensForTokens(
    shares, (quoted * (10_000n - SLIPPAGE_BPS)) / 10_000n, path, seller.address, await deadline(),
  );
  const receipt = (await tx.wait()) as ContractTransactionReceipt;
  return { proceeds: (await stable.balanceOf(seller.address)) - before, receipt };
}

async function deadline(): Promise<bigint> {
  return BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp) + 3_600n;
}
