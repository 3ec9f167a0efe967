/**
 * An account's portfolio across every ClusterShare cluster: shares, yield claimable now, value at NAV, pending and
 * claimable redemptions, refunds, and where the answer came from (subgraph or chain) at which block.
 *
 *   RPC_URL=… DEPLOYMENT=localhost npx ts-node --transpile-only examples/portfolio.ts --account 0x…
 */
import { formatAmount, type ClusterShareClient, type Investment, type Source } from "../sdk/src"; // in your project: "@clustershare/sdk"
import { argument, clientFromEnv } from "./env";

/** One printed row per cluster the account has anything in. */
export interface PortfolioRow {
  cluster: string;
  shares: string;
  earned: string;
  valueAtNav: string;
  pendingRedemption: string;
  claimableRedemption: string;
  refundable: string;
}

/** Reads `account`'s whole investment in one call and lays it out as rows. */
export async function portfolio(
  client: ClusterShareClient,
  account: string,
): Promise<{ investment: Investment; source: Source; block: number; rows: PortfolioRow[] }> {
  const answer = await client.getInvestment(account);
  const show = (a: { raw: bigint; decimals: number; symbol?: string } | null) => (a ? formatAmount(a, { maxFractionDigits: 2, withSymbol: true }) : "—");
  const rows = answer.data.clusters.map((c) => ({
    cluster: `${c.cluster.id} ${c.cluster.symbol}`,
    shares: show(c.balance),
    earned: show(c.earned),
    valueAtNav: show(c.valueAtNav),
    pendingRedemption: c.pendingRedemption ? show(c.pendingRedemption.pendingShares) : "—",
    claimableRedemption: show(c.claimableRedemption.assets),
    refundable: show(c.refundable),
  }));
  return { investment: answer.data, source: answer.source, block: answer.block, rows };
}

if (require.main === module) {
  (async () => {
    const client = await clientFromEnv(false);
    const { rows, source, block } = await portfolio(client, argument("account"));
    console.table(rows);
    console.log(`from the ${source} at block ${block}`);
  })().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
