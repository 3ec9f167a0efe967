import { PreflightError } from "../errors";
import { latestTimestamp } from "./internal/checks";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface FinalizeOfferingParameters {
  clusterId: bigint;
}

/**
 * Ends a raise (anyone): success unlocks the shares and owes the proceeds to the operator; failure opens refunds.
 * Preflight: not finalised yet, and the deadline passed or the hard cap was reached.
 * @throws PreflightError `AlreadyFinalized`, `OfferingStillOpen`; ClusterShareError; RpcError.
 */
export async function finalizeOffering(ctx: ClusterShareContext, parameters: FinalizeOfferingParameters): Promise<ActionReceipt> {
  const site = { contract: "ClusterOffering" as const, functionName: "finalize" };
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "offering",
    functionName: site.functionName,
    args: [],
    check: async (cluster) => {
      const [raise, terms, now] = await Promise.all([
        read(site.contract, "raiseState", cluster.offering.raiseState()),
        read(site.contract, "terms", cluster.offering.terms()),
        latestTimestamp(site, cluster),
      ]);
      if (raise.succeeded || raise.failureRecorded) throw new PreflightError(site.contract, site.functionName, "finalized", "AlreadyFinalized");
      // The finalize runs in the next block, at least one second after the latest.
      if (raise.raised < terms.hardCap && now + 1n <= terms.deadline) {
        throw new PreflightError(site.contract, site.functionName, "deadline", "OfferingStillOpen");
      }
    },
  });
}
