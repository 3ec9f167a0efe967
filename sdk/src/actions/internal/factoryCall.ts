import { factoryOf } from "./cluster";
import { signerOf, type ClusterShareContext } from "./context";
import { requireRole } from "./roles";
import { transact, type ActionReceipt } from "./transact";

/** A protocol-wide admin call on the factory: the signer must be the protocol admin; simulated, then sent. */
export async function adminFactoryCall(ctx: ClusterShareContext, functionName: string, args: readonly unknown[]): Promise<ActionReceipt> {
  const site = { contract: "ClusterFactory" as const, functionName };
  const caller = await signerOf(ctx, site.contract, functionName).getAddress();
  await requireRole(ctx, site, caller, ["admin"]);
  return transact(ctx, { contract: factoryOf(ctx), name: site.contract, functionName, args });
}
