import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface UpdateMetadataParameters extends ClusterParameters {
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
export const updateMetadata = clusterAction<UpdateMetadataParameters>({
  target: "factory", functionName: "updateMetadata", roles: ["operator"],
  args: (parameters) => [parameters.clusterId, parameters.metadataURI, parameters.metadataHash],
});
