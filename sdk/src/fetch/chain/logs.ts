/**
 * Event history from the chain, for the reads the views cannot answer (closed epochs, purchases, open redemption
 * requests): `eth_getLogs` from the deployment's start block, decoded with the typechain interfaces.
 */
import type { Interface, LogDescription, Provider } from "ethers";
import type { ClusterShareContext } from "../../context";

/** A decoded log with where it was emitted. */
export interface DecodedLog {
  address: string;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
  event: LogDescription;
}

/**
 * Logs of `eventName` from `addresses` (all contracts when omitted) matching `topics` after the event's own, from
 * the deployment's start block to `toBlock`.
 */
export async function readLogs(
  ctx: ClusterShareContext,
  iface: Interface,
  eventName: string,
  options: { addresses?: string[]; topics?: (string | null)[]; toBlock?: number | "latest" } = {},
): Promise<DecodedLog[]> {
  const provider: Provider = ctx.provider;
  const fragment = iface.getEvent(eventName)!;
  const logs = await provider.getLogs({
    address: options.addresses,
    topics: [fragment.topicHash, ...(options.topics ?? [])],
    fromBlock: ctx.deployment.startBlock,
    toBlock: options.toBlock ?? "latest",
  });
  return logs.map((log) => ({
    address: log.address,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    logIndex: log.index,
    event: iface.parseLog(log)!,
  }));
}
