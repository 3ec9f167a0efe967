/**
 * `getInvestment(account)`: an investor's whole picture across every cluster in two round trips.
 * - Subgraph: one query (positions with their clusters, purchases, open requests), then one multicall at the
 *   subgraph's block for what only the chain knows now (earned, the queue around open requests, refund terms),
 *   sent together with the head check.
 * - Chain: one JSON-RPC batch (the registry through Multicall3, and the account's purchase and request logs),
 *   then one multicall of every cluster's views and the account's balances at the registry's block.
 */
import { getAddress, zeroPadValue } from "ethers";
import { amount, type Amount } from "../entities/amount";
import type { Cluster } from "../entities/cluster";
import type { ClusterInvestment, Investment } from "../entities/investment";
import type { Purchase } from "../entities/purchase";
import { CLUSTER_CALL_COUNT, clusterCalls, clusterFromChain, readRegistry } from "../fetch/chain/clusters";
import { offeringInterface, queueInterface, tokenInterface } from "../fetch/chain/interfaces";
import { readLogs } from "../fetch/chain/logs";
import { multicall, valueOf, type ViewCall, type ViewResult } from "../fetch/multicall";
import { chainAtSubgraphBlock, decimalsOf, readWithFallback, type ReadContext, type Sourced } from "../fetch/source";
import { querySubgraph, type SubgraphMeta } from "../fetch/subgraph/client";
import { CLUSTER_FIELDS, clusterFromSubgraph, type ClusterRow } from "../fetch/subgraph/clusters";
import { liveFigures, type CallPlan, type LiveFigures } from "./accountCalls";
import { readYieldWords, yieldStreamCalls, yieldStreamFrom, YIELD_STREAM_VIEWS, type YieldStream } from "./yieldStream";

/** Positions and purchases one query returns; an account past it is read from the chain. */
const ROWS = 1000;

const INVESTMENT_QUERY = `
  query Investment($account: String!) {
    positions(first: ${ROWS}, where: { account: $account }) {
      cluster { ${CLUSTER_FIELDS} }
      balance sharesPendingRedemption claimableRedemptionShares claimableRedemptionAssets
      openRedemptionRequest { requestId sharesPending }
    }
    purchases(first: ${ROWS}, where: { receiver: $account }) { id cluster { id } buyer assets shares blockNumber transactionHash }
    _meta { block { number } hasIndexingErrors }
  }`;

interface InvestmentRows {
  positions: Array<{
    cluster: ClusterRow;
    balance: string;
    sharesPendingRedemption: string;
    claimableRedemptionShares: string;
    claimableRedemptionAssets: string;
    openRedemptionRequest: { requestId: string; sharesPending: string } | null;
  }>;
  purchases: Array<{ id: string; cluster: { id: string }; buyer: string; assets: string; shares: string; blockNumber: string; transactionHash: string }>;
  _meta: SubgraphMeta;
}

/** What both paths know of a holding before the live figures. */
interface Holding {
  cluster: Cluster;
  balance: Amount;
  request: { requestId: bigint; pending: bigint } | null;
  claimable: { shares: bigint; assets: bigint };
  purchases: Purchase[];
}

/** Thrown when the subgraph holds more rows for an account than one query returns (the chain answers instead). */
class TooManyRowsError extends Error {}

/** What `getInvestment` reads besides the investment itself. */
export interface GetInvestmentOptions {
  /**
   * Also read each cluster's yield stream and the account's checkpoint (`ClusterInvestment.yieldStream`), so a page
   * can show earned yield ticking with `earnedAt` without calls. Adds three `eth_getStorageAt` and four views per
   * cluster to the same JSON-RPC batch.
   */
  yieldStreams?: boolean;
}

/** An account's investment in every cluster it holds, has purchased, or has redemptions in. */
export async function getInvestment(ctx: ReadContext, accountAddress: string, options: GetInvestmentOptions = {}): Promise<Sourced<Investment>> {
  const account = getAddress(accountAddress);
  const streams = (tokens: string[], block: number) => yieldStreamsAt(ctx, tokens, account, block, options.yieldStreams === true);
  return readWithFallback(
    ctx,
    async (endpoint) => {
      const rows = await querySubgraph<InvestmentRows>(endpoint, INVESTMENT_QUERY, { account: account.toLowerCase() });
      if (rows.positions.length === ROWS || rows.purchases.length === ROWS) throw new TooManyRowsError(`more than ${ROWS} rows for ${account}`);
      // The live calls need only addresses, so the stablecoin decimals (read once per cluster) ride in the same
      // multicall; amounts are built once it has answered.
      const plans = rows.positions.map((p) => liveFigures(
        {
          token: getAddress(p.cluster.token), vault: getAddress(p.cluster.vault), offering: getAddress(p.cluster.offering),
          redemptionQueue: getAddress(p.cluster.redemptionQueue), navOracle: getAddress(p.cluster.navOracle), policy: getAddress(p.cluster.policy),
        },
        account,
        {
          requestId: p.openRedemptionRequest && BigInt(p.sharesPendingRedemption) > 0n ? BigInt(p.openRedemptionRequest.requestId) : null,
          withTerms: p.cluster.state === "RaiseFailed",
        },
      ));
      const ticking = streams(rows.positions.map((p) => getAddress(p.cluster.token)), rows._meta.block.number);
      const liveCalls = plans.flatMap((p) => p.calls);
      const [answer, words] = await Promise.all([
        chainAtSubgraphBlock(ctx, rows._meta, rows.positions.map((p) => p.cluster.vault), [...liveCalls, ...ticking.calls]),
        ticking.words,
      ]);
      const holdings = rows.positions.map((p): Holding => {
        const cluster = clusterFromSubgraph(p.cluster, decimalsOf(ctx, p.cluster.vault), ctx.timestampUnit);
        const open = p.openRedemptionRequest;
        return {
          cluster,
          balance: amount(BigInt(p.balance), 18),
          request: open ? { requestId: BigInt(open.requestId), pending: BigInt(p.sharesPendingRedemption) } : null,
          claimable: { shares: BigInt(p.claimableRedemptionShares), assets: BigInt(p.claimableRedemptionAssets) },
          purchases: rows.purchases
            .filter((r) => r.cluster.id === p.cluster.id)
            .map((r) => ({
              clusterId: cluster.id, buyer: getAddress(r.buyer), receiver: account,
              assets: amount(BigInt(r.assets), cluster.stablecoinDecimals), shares: amount(BigInt(r.shares), 18),
              blockNumber: Number(r.blockNumber), transactionHash: r.transactionHash, logIndex: Number(r.id.split("-")[1]),
            })),
        };
      });
      const yieldStreams = ticking.decode(answer.results.slice(liveCalls.length), words);
      return { data: assemble(account, holdings, plans, answer.results, answer.timestamp, yieldStreams), meta: rows._meta, head: answer.head };
    },
    () => investmentFromChain(ctx, account, streams),
  );
}

function assemble(
  account: string,
  holdings: Holding[],
  plans: CallPlan<LiveFigures>[],
  results: readonly ViewResult[],
  timestamp: number,
  yieldStreams: (YieldStream | undefined)[],
): Investment {
  let offset = 0;
  const clusters = holdings.map((h, i): ClusterInvestment => {
    const pendingShares = h.request?.pending ?? 0n;
    const figures = plans[i].decode(results.slice(offset, offset + plans[i].calls.length), timestamp, { cluster: h.cluster, balance: h.balance, pending: pendingShares });
    offset += plans[i].calls.length;
    const stable = (raw: bigint) => amount(raw, h.cluster.stablecoinDecimals);
    const pending = h.request && h.request.pending > 0n ? h.request : null;
    return {
      cluster: h.cluster,
      balance: h.balance,
      earned: figures.earned,
      valueAtNav: figures.valueAtNav,
      purchases: h.purchases.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex),
      pendingRedemption: pending && {
        clusterId: h.cluster.id, controller: account, requestId: pending.requestId,
        pendingShares: amount(pending.pending, 18), place: figures.place,
      },
      claimableRedemption: {
        clusterId: h.cluster.id, controller: account, shares: amount(h.claimable.shares, 18), assets: stable(h.claimable.assets),
      },
      refundable: figures.refundable,
      ...(yieldStreams[i] ? { yieldStream: yieldStreams[i] } : {}),
    };
  });
  const involved = clusters
    .filter((c) => c.balance.raw > 0n || c.earned.raw > 0n || c.purchases.length > 0 || c.pendingRedemption || c.claimableRedemption.shares.raw > 0n)
    .sort((a, b) => (a.cluster.id < b.cluster.id ? -1 : 1));
  return { account, timestamp, clusters: involved };
}

/** Per cluster on the chain path: the cluster's views, then balanceOf, claimable and the open request's pending. */
const ACCOUNT_CALL_COUNT = 3;

async function investmentFromChain(
  ctx: ReadContext,
  account: string,
  streams: (tokens: string[], block: number) => YieldStreamPlan,
): Promise<{ data: Investment; block: number }> {
  const accountTopic = zeroPadValue(account, 32);
  const [{ entries, answer }, purchases, requests] = await Promise.all([
    readRegistry(ctx),
    readLogs(ctx, offeringInterface, "SharesPurchased", { topics: [null, accountTopic] }),
    readLogs(ctx, queueInterface, "RedeemRequest", { topics: [accountTopic] }),
  ]);
  const block = answer.block;
  // A controller's latest request is the one the queue's position word describes (earlier ones are claimable).
  const latestRequest = new Map<string, bigint>();
  for (const log of requests) if (log.blockNumber <= block) latestRequest.set(getAddress(log.address), log.event.args.requestId as bigint);
  const plans = entries.map((entry) => liveFigures(entry.entry.contracts, account, {
    requestId: latestRequest.get(getAddress(entry.entry.contracts.redemptionQueue)) ?? null,
    withTerms: true,
  }));
  const calls: ViewCall[] = entries.flatMap((entry, i) => {
    const c = entry.entry.contracts;
    const requestId = latestRequest.get(getAddress(c.redemptionQueue)) ?? 0n;
    return [
      ...clusterCalls(entry),
      { target: c.token, iface: tokenInterface, method: "balanceOf", args: [account] },
      { target: c.redemptionQueue, iface: queueInterface, method: "claimable", args: [account] },
      { target: c.redemptionQueue, iface: queueInterface, method: "pendingRedeemRequest", args: [requestId, account] },
      ...plans[i].calls,
    ];
  });
  const ticking = streams(entries.map((e) => e.entry.contracts.token as string), block);
  const [views, words] = await Promise.all([
    multicall(ctx.provider, ctx.deployment.multicall3, [...calls, ...ticking.calls], block),
    ticking.words,
  ]);
  let offset = 0;
  const liveResults: ViewResult[] = [];
  const holdings = entries.map((entry, i): Holding => {
    const r = views.results.slice(offset, (offset += CLUSTER_CALL_COUNT + ACCOUNT_CALL_COUNT + plans[i].calls.length));
    const cluster = clusterFromChain(entry, r.slice(0, CLUSTER_CALL_COUNT));
    const [balance, claimable, pending] = r.slice(CLUSTER_CALL_COUNT, CLUSTER_CALL_COUNT + ACCOUNT_CALL_COUNT).map(valueOf);
    liveResults.push(...r.slice(CLUSTER_CALL_COUNT + ACCOUNT_CALL_COUNT));
    const requestId = latestRequest.get(getAddress(cluster.contracts.redemptionQueue));
    return {
      cluster,
      balance: amount(balance[0], 18),
      request: requestId === undefined ? null : { requestId, pending: pending[0] },
      claimable: { shares: claimable[0], assets: claimable[1] },
      purchases: purchases
        .filter((log) => log.blockNumber <= block && getAddress(log.address) === cluster.contracts.offering)
        .map((log) => ({
          clusterId: cluster.id, buyer: getAddress(log.event.args.buyer), receiver: account,
          assets: amount(log.event.args.assets, cluster.stablecoinDecimals), shares: amount(log.event.args.shares, 18),
          blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex,
        })),
    };
  });
  const yieldStreams = ticking.decode(views.results.slice(calls.length), words);
  return { data: assemble(account, holdings, plans, liveResults, views.timestamp, yieldStreams), block };
}

/** The yield-stream reads of a set of tokens: the views for the multicall, the storage words, and their decoder. */
interface YieldStreamPlan {
  calls: ViewCall[];
  words: Promise<bigint[][]>;
  decode(results: readonly ViewResult[], words: bigint[][]): (YieldStream | undefined)[];
}

/** Plans the yield-stream reads of `tokens` at `block`, or nothing when they are not wanted. */
function yieldStreamsAt(ctx: ReadContext, tokens: string[], account: string, block: number, wanted: boolean): YieldStreamPlan {
  if (!wanted) return { calls: [], words: Promise.resolve([]), decode: () => tokens.map(() => undefined) };
  const per = YIELD_STREAM_VIEWS.length;
  return {
    calls: tokens.flatMap(yieldStreamCalls),
    words: Promise.all(tokens.map((token) => readYieldWords(ctx.provider, token, account, block))),
    decode: (results, words) => tokens.map((_, i) => yieldStreamFrom(results.slice(i * per, (i + 1) * per), words[i])),
  };
}
