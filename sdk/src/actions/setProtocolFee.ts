import { PreflightError } from "../errors";
import { requireAddress } from "./internal/checks";
import type { ClusterShareContext } from "./internal/context";
import { adminFactoryCall } from "./internal/factoryCall";
import type { ActionReceipt } from "./internal/transact";

/** The factory's bound on the protocol fee (`MAX_PROTOCOL_FEE_BPS`). */
const MAX_PROTOCOL_FEE_BPS = 1_000;

export interface SetProtocolFeeParameters {
  /** Who receives protocol fees. */
  recipient: string;
  /** The fee in basis points of released rent (at most 1,000). */
  bps: number;
}

/**
 * Sets the protocol fee and its recipient for every cluster. Protocol admin only. Preflight: the role, a recipient,
 * the bound.
 * @throws PreflightError `Unauthorized`, `ZeroAddress`, `ProtocolFeeTooHigh`; ClusterShareError; RpcError.
 */
export async function setProtocolFee(ctx: ClusterShareContext, parameters: SetProtocolFeeParameters): Promise<ActionReceipt> {
  const site = { contract: "ClusterFactory" as const, functionName: "setProtocolFee" };
  requireAddress(site, parameters.recipient, "recipient");
  if (parameters.bps > MAX_PROTOCOL_FEE_BPS) {
    throw new PreflightError(site.contract, site.functionName, "bps", "ProtocolFeeTooHigh", { bps: parameters.bps });
  }
  return adminFactoryCall(ctx, site.functionName, [parameters.recipient, parameters.bps]);
}
