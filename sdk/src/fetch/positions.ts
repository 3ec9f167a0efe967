/**
 * `positions(clusterId)`: every holder of a cluster's shares. From the subgraph: paged by `id_gt` past 1,000 rows,
 * plus the head check. From the chain: the token's Transfer logs name every account that ever received shares, and
 * one multicall reads their balances and exclusion at one block.
 */
import { getAddress } from "ethers";
import { amount } from "../entities/amount";
import type { Position } from "../entities/position";
import { factoryInterface, tokenInterface } from "./chain/interfaces";
import { readLogs } from "./chain/logs";
import { multicall, valueOf } from "./multicall";
import { chainAtSubgraphBlock, readWithFallback, type ReadContext, type Sourced } from "./source";
import { queryAll } from "./subgraph/paginate";

const POSITIONS_QUERY = `
  query Positions($cluster: String!, $first: Int!, $lastId: ID!, $block: Block_height) {
    positions(first: $first, orderBy: id, orderDirection: asc, where: { cluster: $cluster, balance_gt: "0", id_gt: $lastId }, block: $block) {
      id account { id } balance excluded
    }
    _meta(block: $block) { block { number } hasIndexingErrors }
  }`;

interface PositionRow {
  id: string;
  account: { id: string };
  balance: string;
  excluded: boolean;
}

/** Positions with shares in `clusterId`, ordered by account address. */
export async function readPositions(ctx: ReadContext, clusterId: bigint): Promise<Sourced<Position[]>> {
  return readWithFallback(
    ctx,
    async (endpoint) => {
      const { rows, meta } = await queryAll<PositionRow>(endpoint, POSITIONS_QUERY, "positions", { cluster: clusterId.toString() });
      const { head } = await chainAtSubgraphBlock(ctx, meta, [], []);
      const data = rows.map((row) => ({
        clusterId, account: getAddress(row.account.id), balance: amount(BigInt(row.balance), 18), excluded: row.excluded,
      }));
      return { data: byAccount(data), meta, head };
    },
    async () => {
      const registry = await multicall(ctx.provider, ctx.deployment.multicall3, [
        { target: ctx.deployment.factory, iface: factoryInterface, method: "cluster", args: [clusterId] },
      ]);
      const token: string = valueOf(registry.results[0])[0].contracts.token;
      const transfers = await readLogs(ctx, tokenInterface, "Transfer", { addresses: [token], toBlock: registry.block });
      const accounts = [...new Set(transfers.map((t) => getAddress(t.event.args.to as string)))];
      const views = await multicall(
        ctx.provider,
        ctx.deployment.multicall3,
        accounts.flatMap((account) => [
          { target: token, iface: tokenInterface, method: "balanceOf", args: [account] },
          { target: token, iface: tokenInterface, method: "isExcluded", args: [account] },
        ]),
        registry.block,
      );
      const data = accounts
        .map((account, i) => ({
          clusterId,
          account,
          balance: amount(valueOf(views.results[2 * i])[0] as bigint, 18),
          excluded: valueOf(views.results[2 * i + 1])[0] as boolean,
        }))
        .filter((p) => p.balance.raw > 0n);
      return { data: byAccount(data), block: registry.block };
    },
  );
}

function byAccount(positions: Position[]): Position[] {
  return positions.sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1));
}
