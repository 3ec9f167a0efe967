import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface UpdateMetadataParameters {
  clusterId: bigint;
  /** Where the metadata lives (ipfs://…). */
  metadataURI: string;
  /** The metadata's content hash (32 bytes). */
  metadataHash: string;
}

/**
 * Publishes new metadata for the cluster (URI and content hash). Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function updateMetadata(ctx: ClusterShareContext, parameters: UpdateMetadataParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "factory",
    functionName: "updateMetadata",
    args: [parameters.clusterId, parameters.metadataURI, parameters.metadataHash],
    roles: ["operator"],
  });
}
