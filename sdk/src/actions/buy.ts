import { PreflightError } from "../errors";
import {
  ensureAllowance, latestTimestamp, requireAddress, requireBalance, requireNotPaused, requirePositive, requireTransferAllowed,
} from "./internal/checks";
import { loadCluster } from "./internal/cluster";
import { signerOf, type ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { permitDomain, signPermit } from "./internal/permit";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

const SHARE = 10n ** 18n;
/** How long a permit the SDK signs stays valid: long enough to be mined, short enough to be useless later. */
const PERMIT_LIFETIME_SECONDS = 20n * 60n;

export interface BuyParameters {
  clusterId: bigint;
  /** Stablecoin units to spend (in the raise, only the whole lots they cover are bought). Give this or `shares`. */
  assets?: bigint;
  /** Share units wanted (the raise rounds up to whole lots). Give this or `assets`. */
  shares?: bigint;
  /** Receives the shares; the signer by default. */
  receiver?: string;
  /** Price bound: refuse when fewer share units than this would be minted. */
  minShares?: bigint;
  /** Price bound: refuse when a whole share (1e18 units) would cost more than this many stablecoin units. */
  maxPricePerShare?: bigint;
  /** `auto` (default): permit when the stablecoin takes EIP-2612 permits and the allowance is short, else approve. */
  authorization?: "auto" | "permit" | "approve";
}

export interface BuyReturnType extends ActionReceipt {
  /** Share units minted (from `SharesPurchased`). */
  shares: bigint;
  /** Stablecoin units paid. */
  assets: bigint;
  /** How the offering was allowed to take the stablecoin. */
  authorization: "allowance" | "permit" | "approve";
}

/**
 * Buys shares in a cluster's offering (the fixed-price raise, or later issuance at NAV plus premium). Preflight:
 * amounts, pause, the phase (a closed raise), the quote against the price bound, the hard cap and per-account limits
 * (or the issuance cap), the receiver under the transfer policy, the buyer's stablecoin balance, then a simulation of
 * the purchase itself. Pays by the existing
 * allowance, an EIP-2612 permit (no approval transaction) or an exact approval.
 * @throws PreflightError naming the failed check; ClusterShareError for any other revert; RpcError.
 */
export async function buy(ctx: ClusterShareContext, parameters: BuyParameters): Promise<BuyReturnType> {
  const site = { contract: "ClusterOffering" as const, functionName: "buy" };
  const signer = signerOf(ctx, site.contract, site.functionName);
  const buyer = await signer.getAddress();
  const receiver = parameters.receiver ?? buyer;
  requireAddress(site, receiver, "receiver");
  if ((parameters.assets === undefined) === (parameters.shares === undefined)) {
    throw new PreflightError(site.contract, site.functionName, "amount", "InvalidParameter", { name: "assets|shares" },
      "give exactly one of assets and shares");
  }
  requirePositive(site, parameters.assets ?? parameters.shares!);
  const cluster = await loadCluster(ctx, parameters.clusterId);
  await requireNotPaused(site, cluster);
  await requireOpen(cluster, site);
  const offering = cluster.offering;
  const [shares, cost] = parameters.assets !== undefined
    ? await read(site.contract, "previewBuy", offering.previewBuy(parameters.assets))
    : await read(site.contract, "previewBuyShares", offering.previewBuyShares(parameters.shares!));
  if (shares === 0n || cost === 0n) {
    throw new PreflightError(site.contract, site.functionName, "amount", "ZeroAmount", {}, "the amount buys less than one lot");
  }
  checkPriceBound(site, parameters, shares, cost);
  // Checked again on the simulation of the purchase itself, on the pending block: issuance prices at NAV then.
  const priceBound = (minted: unknown) => checkPriceBound(site, parameters, minted as bigint, cost);
  await requireWithinLimits(cluster, site, receiver, shares, cost);
  await requireTransferAllowed(site, cluster, "0x0000000000000000000000000000000000000000", receiver, shares);
  await requireBalance(site, cluster.stablecoin, "ERC20Permit", buyer, cost);

  const spender = await offering.getAddress();
  const allowance = await read("ERC20Permit", "allowance", cluster.stablecoin.allowance(buyer, spender));
  let authorization: BuyReturnType["authorization"] = "allowance";
  let result: ActionReceipt;
  const domain = allowance < cost && parameters.authorization !== "approve" ? await permitDomain(cluster.stablecoin, buyer) : undefined;
  if (allowance < cost && parameters.authorization === "permit" && !domain) {
    throw new PreflightError(site.contract, site.functionName, "permit", "PermitUnsupported", {},
      "the stablecoin does not take EIP-2612 permits");
  }
  if (domain) {
    authorization = "permit";
    const deadline = (await latestTimestamp(site, cluster)) + PERMIT_LIFETIME_SECONDS;
    const permit = await signPermit(cluster.stablecoin, signer, spender, cost, deadline, domain);
    result = await transact(ctx, {
      contract: offering, name: site.contract, functionName: "buyWithPermit",
      args: [cost, receiver, permit.deadline, permit.v, permit.r, permit.s], checkSimulated: priceBound,
    });
  } else {
    if (allowance < cost) {
      authorization = "approve";
      await ensureAllowance(ctx, cluster, signer, spender, cost);
    }
    result = await transact(ctx, { contract: offering, name: site.contract, functionName: "buy", args: [cost, receiver], checkSimulated: priceBound });
  }
  const purchase = findEvent(result.events, "SharesPurchased")!;
  return { ...result, shares: purchase.args.shares as bigint, assets: purchase.args.assets as bigint, authorization };
}

/** The raise must still be open (or the cluster in later issuance). */
async function requireOpen(cluster: Awaited<ReturnType<typeof loadCluster>>, site: { contract: "ClusterOffering"; functionName: string }) {
  const phase = await read(site.contract, "phase", cluster.offering.phase());
  if (phase === 2n) throw new PreflightError(site.contract, site.functionName, "deadline", "OfferingClosed");
  if (phase === 0n) {
    const [terms, now] = await Promise.all([read(site.contract, "terms", cluster.offering.terms()), latestTimestamp(site, cluster)]);
    if (now >= terms.deadline) {
      throw new PreflightError(site.contract, site.functionName, "deadline", "OfferingClosed");
    }
  }
}

/**
 * The limits the purchase must fit, checked here because an approval (when the stablecoin takes no permit) is sent
 * before the purchase can be simulated: in the raise the hard cap and the receiver's per-account limits (in
 * stablecoin, on whole lots of its balance after the purchase), in later issuance the share cap.
 */
async function requireWithinLimits(
  cluster: Awaited<ReturnType<typeof loadCluster>>,
  site: { contract: "ClusterOffering"; functionName: string },
  receiver: string,
  shares: bigint,
  cost: bigint,
) {
  const refuse = (check: string, errorName: string, args: Record<string, unknown>) => {
    throw new PreflightError(site.contract, site.functionName, check, errorName, args);
  };
  if ((await read(site.contract, "phase", cluster.offering.phase())) !== 0n) {
    const issuance = await read(site.contract, "issuance", cluster.offering.issuance());
    const remaining = issuance.cap - issuance.issued;
    if (shares > remaining) refuse("issuanceCap", "IssuanceCapExceeded", { shares, remaining });
    return;
  }
  const [terms, raise, held] = await Promise.all([
    read(site.contract, "terms", cluster.offering.terms()),
    read(site.contract, "raiseState", cluster.offering.raiseState()),
    read("ClusterShareToken", "balanceOf", cluster.token.balanceOf(receiver)),
  ]);
  const remaining = terms.hardCap - raise.raised;
  if (cost > remaining) refuse("hardCap", "HardCapExceeded", { assets: cost, remaining });
  if (terms.minPerAccount === 0n && terms.maxPerAccount === 0n) return;
  const total = ((held + shares) / terms.lotShares) * terms.lotAssets;
  if (total < terms.minPerAccount) refuse("perAccount", "BelowMinimumPerAccount", { total, minimum: terms.minPerAccount });
  if (terms.maxPerAccount !== 0n && total > terms.maxPerAccount) {
    refuse("perAccount", "AboveMaximumPerAccount", { total, maximum: terms.maxPerAccount });
  }
}

/** The caller's price bound: at least `minShares`, at most `maxPricePerShare` per whole share (cost rounded up). */
function checkPriceBound(site: { contract: "ClusterOffering"; functionName: string }, p: BuyParameters, shares: bigint, cost: bigint) {
  if (p.minShares !== undefined && shares < p.minShares) {
    throw new PreflightError(site.contract, site.functionName, "priceBound", "PriceBoundExceeded", { shares, minShares: p.minShares },
      `the purchase would mint ${shares} share units, fewer than the ${p.minShares} asked for`);
  }
  const price = (cost * SHARE + shares - 1n) / shares;
  if (p.maxPricePerShare !== undefined && price > p.maxPricePerShare) {
    throw new PreflightError(site.contract, site.functionName, "priceBound", "PriceBoundExceeded", { price, maxPricePerShare: p.maxPricePerShare },
      `a share would cost ${price}, above the bound of ${p.maxPricePerShare}`);
  }
}
