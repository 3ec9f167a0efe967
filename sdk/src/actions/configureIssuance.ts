import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface ConfigureIssuanceParameters {
  clusterId: bigint;
  /** Whether shares may be bought. */
  enabled: boolean;
  /** The premium over NAV, in basis points. */
  premiumBps: number;
  /** Shares that may be issued in total. */
  cap: bigint;
}

/**
 * Turns later issuance (at NAV plus `premiumBps`, within a share `cap`) on or off once the raise succeeded. Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function configureIssuance(ctx: ClusterShareContext, parameters: ConfigureIssuanceParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "offering",
    functionName: "configureIssuance",
    args: [parameters.enabled, parameters.premiumBps, parameters.cap],
    roles: ["operator"],
  });
}
