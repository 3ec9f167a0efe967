import type { ClusterShareContext } from "./internal/context";
import { adminFactoryCall } from "./internal/factoryCall";
import type { ActionReceipt } from "./internal/transact";

export interface SetDexFactoryParameters {
  /** `v2`: the Uniswap V2 factory whose pairs `excludePool` proves; `v3`: the V3 factory for `excludeV3Pool`. */
  version: "v2" | "v3";
  /** The Uniswap factory's address (the zero address: none). */
  factory: string;
}

/**
 * Registers the Uniswap factory against which share tokens derive their pools' addresses. Protocol admin only.
 * @throws PreflightError `Unauthorized`; ClusterShareError; RpcError.
 */
export async function setDexFactory(ctx: ClusterShareContext, parameters: SetDexFactoryParameters): Promise<ActionReceipt> {
  const functionName = parameters.version === "v2" ? "setUniswapV2Factory" : "setUniswapV3Factory";
  return adminFactoryCall(ctx, functionName, [parameters.factory]);
}
