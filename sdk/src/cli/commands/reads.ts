/** The read commands: `clusters`, `cluster <id>`, `investment <account>`, through the SDK client (subgraph first). */
import { isAddress } from "ethers";
import type { ClusterShareClient } from "../../client";
import type { Cluster } from "../../entities/cluster";
import { integerArgument, UsageError } from "../args";
import { details, shown, table, type Row } from "../output";
import type { CommandResult } from "./result";

function clusterRow(c: Cluster): Row {
  return {
    id: c.id.toString(), name: c.name, symbol: c.symbol, state: c.paused ? `${c.state} (paused)` : c.state,
    gpus: `${c.gpuCount} ${c.gpuModel}`, region: c.region, raised: shown(c.raised), supply: shown(c.totalSupply),
    "nav/share": shown(c.navPerShare), reserve: shown(c.reserve),
  };
}

/** `clusters`: every cluster in id order. */
export async function clustersCommand(client: ClusterShareClient): Promise<CommandResult> {
  const { data, source, block } = await client.clusters();
  return { json: { source, block, clusters: data }, text: `${table(data.map(clusterRow))}\n(${source}, block ${block})` };
}

/** `cluster <id>`: one cluster and its closed epochs. */
export async function clusterCommand(client: ClusterShareClient, positionals: string[]): Promise<CommandResult> {
  const { data, source, block } = await client.cluster(integerArgument(positionals[0], "the cluster id"));
  const { cluster, epochs } = data;
  const epochRows = epochs.map((e) => ({
    epoch: e.number.toString(), released: shown(e.released), "to holders": shown(e.toHolders), "protocol fee": shown(e.protocolFee),
    "operator fee": shown(e.operatorFee), "to reserve": shown(e.toReserve),
  }));
  const summary = details({
    ...clusterRow(cluster), operator: cluster.operator, stablecoin: cluster.stablecoin,
    "price/share": shown(cluster.pricePerShare), "soft cap": shown(cluster.softCap), "hard cap": shown(cluster.hardCap),
    token: cluster.contracts.token, vault: cluster.contracts.vault, offering: cluster.contracts.offering,
  });
  return { json: { source, block, ...data }, text: `${summary}\n\nEpochs\n${table(epochRows)}\n(${source}, block ${block})` };
}

/** `investment <account>`: the account's stake in every cluster it has anything in. */
export async function investmentCommand(client: ClusterShareClient, positionals: string[]): Promise<CommandResult> {
  const account = positionals[0];
  if (!account || !isAddress(account)) throw new UsageError(`investment takes an account address, got ${account ? `"${account}"` : "nothing"}`);
  const { data, source, block } = await client.getInvestment(account);
  const rows = data.clusters.map((c) => ({
    cluster: `${c.cluster.id} ${c.cluster.symbol}`, shares: shown(c.balance), earned: shown(c.earned), "value at NAV": shown(c.valueAtNav),
    "pending redeem": shown(c.pendingRedemption?.pendingShares), "claimable shares": shown(c.claimableRedemption.shares),
    "claimable assets": shown(c.claimableRedemption.assets), refundable: shown(c.refundable),
  }));
  return { json: { source, block, ...data }, text: `${data.account}\n${table(rows)}\n(${source}, block ${block})` };
}
