/**
 * Every transaction the demo's people send, one function each, over the typechain bindings. The one module to
 * switch to the SDK's actions (sdk/src/actions/) once they exist; nothing else in the demo sends user transactions.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Contract, Signature, id, type ContractTransactionReceipt } from "ethers";
import type { ClusterOffering, ClusterShareToken, MockStablecoin, RedemptionQueue, RevenueVault } from "../../sdk/src/types";

const SLIPPAGE_BPS = 100n;

/** Buys in the raise with an EIP-2612 permit instead of an approval transaction (one transaction for the buyer). */
export async function buyWithPermit(stable: MockStablecoin, offering: ClusterOffering, buyer: HardhatEthersSigner, assets: bigint): Promise<void> {
  const deadline = BigInt((await buyer.provider.getBlock("latest"))!.timestamp) + 3_600n;
  const { chainId } = await buyer.provider.getNetwork();
  const signature = Signature.from(await buyer.signTypedData(
    { name: await stable.name(), version: "1", chainId, verifyingContract: await stable.getAddress() },
    { Permit: [
      { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
    ] },
    { owner: buyer.address, spender: await offering.getAddress(), value: assets, nonce: await stable.nonces(buyer.address), deadline },
  ));
  await offering.connect(buyer).buyWithPermit(assets, buyer.address, deadline, signature.v, signature.r, signature.s);
}

/** A buyer of a failed raise takes its money back. */
export async function refund(offering: ClusterOffering, buyer: HardhatEthersSigner): Promise<void> {
  await offering.connect(buyer).refund(buyer.address);
}

/** The renter pays rent into the vault, tagged with the invoice it settles. */
export async function payRent(vault: RevenueVault, renter: HardhatEthersSigner, amount: bigint, invoice: string): Promise<void> {
  await vault.connect(renter).payRent(amount, invoiceRef(invoice));
}

/** The on-chain payment reference of an invoice. */
export function invoiceRef(invoice: string): string {
  return id(invoice);
}

/** Claims a holder's streamed yield to itself. */
export async function claim(token: ClusterShareToken, holder: HardhatEthersSigner): Promise<void> {
  await token.connect(holder).claim(holder.address);
}

/** Asks to redeem `shares` at NAV through the queue. */
export async function requestRedeem(queue: RedemptionQueue, holder: HardhatEthersSigner, shares: bigint): Promise<void> {
  await queue.connect(holder).requestRedeem(shares, holder.address, holder.address);
}

/** Takes whatever the queue has filled for `holder`; returns the stablecoin received. */
export async function redeemClaimable(queue: RedemptionQueue, holder: HardhatEthersSigner): Promise<bigint> {
  const [shares, assets] = await queue.claimable(holder.address);
  if (shares === 0n) return 0n;
  await queue.connect(holder).redeem(shares, holder.address, holder.address);
  return assets;
}

/**
 * Seeds the share/stablecoin Uniswap V2 pool, excluded from yield first (a pool cannot claim, so its shares must
 * not dilute the holders' stream).
 */
export async function provideLiquidity(
  router: Contract, token: ClusterShareToken, stable: MockStablecoin, provider: HardhatEthersSigner, shares: bigint, assets: bigint,
): Promise<void> {
  await token.excludePool(await stable.getAddress());
  await token.connect(provider).approve(await router.getAddress(), shares);
  await stable.connect(provider).approve(await router.getAddress(), assets);
  const deadline = BigInt((await provider.provider.getBlock("latest"))!.timestamp) + 3_600n;
  await (router.connect(provider) as Contract).addLiquidity(
    await token.getAddress(), await stable.getAddress(), shares, assets, shares, assets, provider.address, deadline,
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
  const deadline = BigInt((await seller.provider.getBlock("latest"))!.timestamp) + 3_600n;
  const tx = await (router.connect(seller) as Contract).swapExactTokensForTokens(
    shares, (quoted * (10_000n - SLIPPAGE_BPS)) / 10_000n, path, seller.address, deadline,
  );
  const receipt = (await tx.wait()) as ContractTransactionReceipt;
  return { proceeds: (await stable.balanceOf(seller.address)) - before, receipt };
}
