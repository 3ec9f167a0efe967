/**
 * An operator's epoch routine: pay the rent renters paid into the cluster's vault, then, once the epoch has ended,
 * close it (the vault reads the revenue feed and streams the attested rent to holders), publish NAV and settle the
 * redemption queue when a settlement is due. Every step runs its preflight first, so a step that cannot succeed
 * yet is reported by name and nothing is sent for it.
 *
 *   RPC_URL=… DEPLOYMENT=localhost PRIVATE_KEY=0x… npx ts-node --transpile-only examples/operatorEpoch.ts \
 *     --cluster 0 --rent 25000.00 --invoice INV-2026-11
 */
import { PreflightError, formatAmount, parseAmount, type ClusterShareClient } from "../sdk/src"; // in your project: "@clustershare/sdk"
import { argument, clientFromEnv } from "./env";

/** What the routine did: each step's outcome, or the preflight check that held it back. */
export interface OperatorEpochResult {
  rentPaid: bigint;
  /** The closed epoch and what went to holders, or why the close waited (`EpochNotEnded`, …). */
  closed: { epoch: bigint; released: bigint; toHolders: bigint } | { skipped: string };
  nav: { roundId: bigint; navPerShare: bigint } | { skipped: string };
  settled: { sharesFilled: bigint; assets: bigint } | { skipped: string };
}

/** Runs `step`, or returns the name of the preflight check that refused it (anything else is thrown). */
async function unlessRefused<T>(step: () => Promise<T>): Promise<T | { skipped: string }> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof PreflightError) return { skipped: error.errorName };
    throw error;
  }
}

/** Pays `rent` (stablecoin units) with `invoice` as its reference, then closes, publishes NAV and settles when due. */
export async function operatorEpoch(
  client: ClusterShareClient,
  options: { clusterId: bigint; rent: bigint; invoice: string },
): Promise<OperatorEpochResult> {
  const { clusterId } = options;
  const paid = await client.actions.payRent({ clusterId, amount: options.rent, paymentRef: options.invoice });
  const closed = await unlessRefused(async () => {
    const r = await client.actions.closeEpoch({ clusterId });
    return { epoch: r.epoch, released: r.released, toHolders: r.toHolders };
  });
  const nav = "skipped" in closed
    ? closed
    : await unlessRefused(async () => {
      const r = await client.actions.updateNav({ clusterId });
      return { roundId: r.roundId, navPerShare: r.navPerShare };
    });
  const settled = "skipped" in closed
    ? closed
    : await unlessRefused(async () => {
      const r = await client.actions.settle({ clusterId });
      return { sharesFilled: r.sharesFilled, assets: r.assets };
    });
  return { rentPaid: paid.amount, closed, nav, settled };
}

if (require.main === module) {
  (async () => {
    const client = await clientFromEnv(true);
    const clusterId = BigInt(argument("cluster"));
    const decimals = (await client.cluster(clusterId)).data.cluster.stablecoinDecimals;
    const money = (raw: bigint) => formatAmount({ raw, decimals }, { maxFractionDigits: 2 });
    const result = await operatorEpoch(client, { clusterId, rent: parseAmount(argument("rent"), decimals).raw, invoice: argument("invoice") });
    console.log(`paid ${money(result.rentPaid)} of rent`);
    console.log("skipped" in result.closed ? `close: waiting (${result.closed.skipped})` : `closed epoch ${result.closed.epoch}: ${money(result.closed.toHolders)} to holders`);
    console.log("skipped" in result.nav ? `nav: ${result.nav.skipped}` : `NAV per share ${money(result.nav.navPerShare)}`);
    console.log("skipped" in result.settled ? `settlement: ${result.settled.skipped}` : `settled ${formatAmount({ raw: result.settled.sharesFilled, decimals: 18 })} shares`);
  })().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
