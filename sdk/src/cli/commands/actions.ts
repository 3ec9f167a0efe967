/**
 * The sending commands, one SDK action each. Amounts are read as decimals of the cluster's own stablecoin and
 * share token (so "100" is 100 USDC whatever its decimals), then the SDK's preflight checks run before anything is
 * sent: a refused action prints the SDK's named error and sends no transaction.
 */
import type { ClusterShareClient } from "../../client";
import { parseAmount, toDecimalString } from "../../entities/amount";
import type { Cluster } from "../../entities/cluster";
import type { ActionReceipt } from "../../actions/internal/transact";
import { integerArgument, required, smallInteger, type Flags } from "../args";
import { details } from "../output";
import type { CommandResult } from "./result";

type Action = (client: ClusterShareClient, cluster: Cluster, flags: Flags) => Promise<ActionReceipt>;

const stable = (cluster: Cluster, text: string): bigint => parseAmount(text, cluster.stablecoinDecimals).raw;
const shares = (cluster: Cluster, text: string): bigint => parseAmount(text, cluster.totalSupply.decimals).raw;
const optional = <T>(text: string | undefined, read: (t: string) => T): T | undefined => (text === undefined ? undefined : read(text));

/** Each command's SDK call, from the cluster it acts on and the flags. */
export const ACTIONS: Record<string, Action> = {
  buy: (client, cluster, flags) => client.actions.buy({
    clusterId: cluster.id,
    assets: optional(flags.amount, (t) => stable(cluster, t)),
    shares: optional(flags.shares, (t) => shares(cluster, t)),
    receiver: flags.receiver,
    maxPricePerShare: optional(flags["max-price"], (t) => stable(cluster, t)),
  }),
  claim: (client, cluster, flags) => client.actions.claim({ clusterId: cluster.id, to: flags.to }),
  "request-redeem": (client, cluster, flags) =>
    client.actions.requestRedeem({ clusterId: cluster.id, shares: shares(cluster, required(flags, "shares")) }),
  cancel: (client, cluster, flags) =>
    client.actions.cancelRedeemRequest({ clusterId: cluster.id, requestId: integerArgument(required(flags, "request"), "--request") }),
  redeem: (client, cluster, flags) =>
    client.actions.redeem({ clusterId: cluster.id, shares: optional(flags.shares, (t) => shares(cluster, t)), receiver: flags.receiver }),
  "pay-rent": (client, cluster, flags) =>
    client.actions.payRent({ clusterId: cluster.id, amount: stable(cluster, required(flags, "amount")), paymentRef: required(flags, "ref") }),
  "report-metrics": (client, cluster, flags) => client.actions.reportMetrics({
    clusterId: cluster.id,
    activeGpus: smallInteger(required(flags, "active-gpus"), "--active-gpus"),
    utilizationBps: smallInteger(required(flags, "utilization-bps"), "--utilization-bps"),
  }),
  "close-epoch": (client, cluster) => client.actions.closeEpoch({ clusterId: cluster.id }),
};

/** Runs action `name` on the cluster `positionals[0]` and reports the transaction and what the action returned. */
export async function actionCommand(client: ClusterShareClient, name: string, positionals: string[], flags: Flags): Promise<CommandResult> {
  const clusterId = integerArgument(positionals[0], "the cluster id");
  const { data: page } = await client.cluster(clusterId);
  const done = await ACTIONS[name](client, page.cluster, flags);
  return receiptResult(name, clusterId, done, { stable: page.cluster.stablecoinDecimals, shares: page.cluster.totalSupply.decimals });
}

/**
 * The `--json` and text of an action's result: its own fields (shares, assets, amount, epoch…) beside the
 * transaction's hash, block and gas; the receipt and decoded events stay out (the hash finds them).
 */
export function receiptResult(
  action: string,
  clusterId: bigint | undefined,
  done: ActionReceipt,
  decimals?: { stable: number; shares: number },
): CommandResult {
  const { receipt, events: _events, hash, ...fields } = done;
  const json = { action, clusterId, hash, block: receipt.blockNumber, gasUsed: receipt.gasUsed, ...fields };
  const text = details(Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined).map(([k, v]) => [k, describe(k, v, decimals)])));
  return { json, text };
}

/** Base units in a text line, with the exact decimal (the SDK's, ungrouped) when the CLI knows the field's decimals. */
function describe(field: string, value: unknown, decimals?: { stable: number; shares: number }): string {
  if (typeof value === "bigint" && decimals && (field === "assets" || field === "amount" || field === "released" || field === "toHolders")) {
    return `${value} (${toDecimalString({ raw: value, decimals: decimals.stable })} stablecoin)`;
  }
  if (typeof value === "bigint" && decimals && field === "shares") return `${value} (${toDecimalString({ raw: value, decimals: decimals.shares })} shares)`;
  return typeof value === "object" && value !== null ? JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) : String(value);
}
