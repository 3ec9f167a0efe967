import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface ConfigureIssuanceParameters extends ClusterParameters {
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
export const configureIssuance = clusterAction<ConfigureIssuanceParameters>({
  target: "offering", functionName: "configureIssuance", roles: ["operator"],
  args: (parameters) => [parameters.enabled, parameters.premiumBps, parameters.cap],
});
