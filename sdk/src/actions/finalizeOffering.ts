import { PreflightError } from "../errors";
import { hardCapReached } from "../math/offering";
import { requireTimeReached } from "./internal/checks";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";
import { read } from "./internal/read";

export type FinalizeOfferingParameters = ClusterParameters;

/**
 * Ends a raise (anyone): success unlocks the shares and owes the proceeds to the operator; failure opens refunds.
 * Preflight: not finalised yet, and the deadline passed or the hard cap was reached.
 * @throws PreflightError `AlreadyFinalized`, `OfferingStillOpen`; ClusterShareError; RpcError.
 */
export const finalizeOffering = clusterAction<FinalizeOfferingParameters>({
  target: "offering", functionName: "finalize",
  args: () => [],
  check: async (_, { cluster, site }) => {
    const [raise, terms] = await Promise.all([
      read(site.contract, "raiseState", cluster.offering.raiseState()),
      read(site.contract, "terms", cluster.offering.terms()),
    ]);
    if (raise.succeeded || raise.failureRecorded) throw new PreflightError(site.contract, site.functionName, "finalized", "AlreadyFinalized");
    // Finalizable once the deadline has passed (strictly), or at once when the hard cap is within one lot.
    if (!hardCapReached(terms, raise.raised)) await requireTimeReached(site, cluster, terms.deadline + 1n, "deadline", "OfferingStillOpen");
  },
});
