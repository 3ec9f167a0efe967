/**
 * `getInvestment(account)`: an investor's whole picture across every cluster in two round trips.
 * - Subgraph: one query (positions with their clusters, purchases, open requests; further pages by `id_gt` only
 *   for a collection whose page came back full, at the same block), then one multicall at the subgraph's block for
 *   what only the chain knows now (earned, the queue around open requests, refund terms), sent together with the
 *   head check.
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
import { querySubgraph, type SubgraphEndpoint, type SubgraphMeta } from "../fetch/subgraph/client";
import { checkedPageSize, isFullPage, queryAll } from "../fetch/subgraph/paginate";
import { CLUSTER_FIELDS, clusterFromSubgraph, type ClusterRow } from "../fetch/subgraph/clusters";
import { liveFigures, type CallPlan, type LiveFigures } from "./accountCalls";
import { readYieldWords, yieldStreamCalls, yieldStreamFrom, YIELD_STREAM_VIEWS, type YieldStream } from "./yieldStream";

const POSITION_FIELDS = `
  id cluster { ${CLUSTER_FIELDS} }
  balance sharesPendingRedemption claimableRedemptionShares claimableRedemptionAssets
  openRedemptionRequest { requestId sharesPending }`;
const PURCHASE_FIELDS = "id cluster { id } buyer assets shares blockNumber transactionHash";

/** An account's rows of one collection, a page after `$lastId` (empty for the first) at `$block`. */
const accountRows = (field: string, accountField: string, fields: string) =>
  `${field}(first: $first, orderBy: id, orderDirection: asc, where: { ${accountField}: $account, id_gt: $lastId }, block: $block) { ${fields} }`;

/** A query over `collections` in `queryAll`'s shape. */
const accountQuery = (name: string, ...collections: string[]) => `
  query ${name}($account: String!, $first: Int!, $lastId: ID!, $block: Block_height) {
    ${collections.join("\n    ")}
    _meta(block: $block) { block { number } hasIndexingErrors }
  }`;

const POSITION_ROWS = accountRows("positions", "account", POSITION_FIELDS);
const PURCHASE_ROWS = accountRows("purchases", "receiver", PURCHASE_FIELDS);

/** The common case, one request: the first page of both collections. */
const INVESTMENT_QUERY = accountQuery("Investment", POSITION_ROWS, PURCHASE_ROWS);

/** The pages after a full first one, per collection. */
const MORE_QUERIES = {
  positions: accountQuery("MorePositions", POSITION_ROWS),
  purchases: accountQuery("MorePurchases", PURCHASE_ROWS),
};

type PositionRow = {
  id: string;
  cluster: ClusterRow;
  balance: string;
  sharesPendingRedemption: string;
  claimableRedemptionShares: string;
  claimableRedemptionAssets: string;
  openRedemptionRequest: { requestId: string; sharesPending: string } | null;
};
type PurchaseRow = { id: string; cluster: { id: string }; buyer: string; assets: string; shares: string; blockNumber: string; transactionHash: string };

interface InvestmentRows {
  positions: PositionRow[];
  purchases: PurchaseRow[];
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

/** What `getInvestment` reads besides the investment itself. */
export interface GetInvestmentOptions {
  /**
   * Also read each cluster's yield stream and the account's checkpoint (`ClusterInvestment.yieldStream`), so a page
   * can show earned yield ticking with `earnedAt` without calls. Adds three `eth_getStorageAt` and four views per
   * cluster to the same JSON-RPC batch.
   */
  yieldStreams?: boolean;
  /**
   * Rows per subgraph page of the account's positions and purchases (default and at most 1,000). One request reads
   * both first pages; only a collection whose page came back full is read further, by `id_gt`, at the same block.
   */
  pageSize?: number;
}

/** An account's investment in every cluster it holds, has purchased, or has redemptions in. */
export async function getInvestment(ctx: ReadContext, accountAddress: string, options: GetInvestmentOptions = {}): Promise<Sourced<Investment>> {
  const account = getAddress(accountAddress);
  const pageSize = checkedPageSize(options.pageSize);
  const streams = (tokens: string[], block: number) => yieldStreamsAt(ctx, tokens, account, block, options.yieldStreams === true);
  return readWithFallback(
    ctx,
    async (endpoint) => {
      const rows = await accountRowsFromSubgraph(endpoint, account.toLowerCase(), pageSize);
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

/** Both collections of the account, every page, all at the block of the first request. */
async function accountRowsFromSubgraph(endpoint: SubgraphEndpoint, account: string, pageSize: number): Promise<InvestmentRows> {
  const first = await querySubgraph<InvestmentRows>(endpoint, INVESTMENT_QUERY, { account, first: pageSize, lastId: "", block: null });
  const rest = <Row extends { id: string }>(field: keyof typeof MORE_QUERIES, page: Row[]): Promise<Row[]> =>
    isFullPage(page, pageSize)
      ? queryAll<Row>(endpoint, MORE_QUERIES[field], field, { account }, { after: page[page.length - 1].id, block: first._meta.block.number, pageSize })
        .then(({ rows }) => rows)
      : Promise.resolve([]);
  const [positions, purchases] = await Promise.all([rest("positions", first.positions), rest("purchases", first.purchases)]);
  return { positions: [...first.positions, ...positions], purchases: [...first.purchases, ...purchases], _meta: first._meta };
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
