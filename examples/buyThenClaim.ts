/**
 * An investor buys shares of a cluster (the SDK signs an EIP-2612 permit when the stablecoin takes one, so there is
 * no approval transaction) and claims the yield they have earned since. A holder earns from the second it holds a
 * share, so the claim right after the purchase already finds the stream's first seconds.
 *
 *   RPC_URL=… DEPLOYMENT=localhost PRIVATE_KEY=0x… npx ts-node --transpile-only examples/buyThenClaim.ts \
 *     --cluster 0 --assets 1000.00 [--claim-to 0x…]
 */
import { PreflightError, formatAmount, parseAmount, type ClusterShareClient } from "../sdk/src"; // in your project: "@clustershare/sdk"
import { argument, clientFromEnv } from "./env";

/** What the script did. */
export interface BuyThenClaimResult {
  shares: bigint;
  paid: bigint;
  authorization: "allowance" | "permit" | "approve";
  /** Stablecoin units claimed, 0 when nothing was earned yet. */
  claimed: bigint;
}

/**
 * Buys shares of `clusterId` for `assets` stablecoin units, then claims the signer's yield to `claimTo`.
 * @param maxPricePerShare refuse to buy above this price per whole share (stablecoin units), before any transaction.
 */
export async function buyThenClaim(
  client: ClusterShareClient,
  options: { clusterId: bigint; assets: bigint; maxPricePerShare?: bigint; claimTo?: string },
): Promise<BuyThenClaimResult> {
  const bought = await client.actions.buy({ clusterId: options.clusterId, assets: options.assets, maxPricePerShare: options.maxPricePerShare });
  let claimed = 0n;
  try {
    claimed = (await client.actions.claim({ clusterId: options.clusterId, to: options.claimTo })).amount;
  } catch (error) {
    // Shares bought in a raise earn nothing until it succeeds: the preflight says so without sending anything.
    if (!(error instanceof PreflightError && error.errorName === "NothingToClaim")) throw error;
  }
  return { shares: bought.shares, paid: bought.assets, authorization: bought.authorization, claimed };
}

if (require.main === module) {
  (async () => {
    const client = await clientFromEnv(true);
    const clusterId = BigInt(argument("cluster"));
    const cluster = (await client.cluster(clusterId)).data.cluster;
    const decimals = cluster.stablecoinDecimals;
    const claimTo = process.argv.includes("--claim-to") ? argument("claim-to") : undefined;
    const result = await buyThenClaim(client, { clusterId, assets: parseAmount(argument("assets"), decimals).raw, claimTo });
    console.log(`bought ${formatAmount({ raw: result.shares, decimals: 18 })} shares for ${formatAmount({ raw: result.paid, decimals })} (${result.authorization})`);
    console.log(`claimed ${formatAmount({ raw: result.claimed, decimals })}`);
  })().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
