import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";

/** Id of an entity that records one log: `<txHash>-<logIndex>`, unique and stable across re-indexing. */
export function eventId(event: ethereum.Event): string {
  return event.transaction.hash.toHexString() + "-" + event.logIndex.toString();
}

/** `<clusterId>-<account>`: one account's position in one cluster. */
export function positionId(clusterId: string, account: Address): string {
  return clusterId + "-" + account.toHexString();
}

/** `<clusterId>-<epoch>`. */
export function epochId(clusterId: string, epoch: BigInt): string {
  return clusterId + "-" + epoch.toString();
}

/** `<clusterId>-<controller>-<requestId>`: ERC-7540 requests are aggregated per controller and era. */
export function redemptionRequestId(clusterId: string, controller: Address, requestId: BigInt): string {
  return clusterId + "-" + controller.toHexString() + "-" + requestId.toString();
}

/** `<clusterId>-<era>`. */
export function redemptionEraId(clusterId: string, era: BigInt): string {
  return clusterId + "-" + era.toString();
}
