import { PreflightError } from "../../errors";
import { factoryOf, type ClusterHandle } from "./cluster";
import type { CheckSite } from "./checks";
import type { ClusterShareContext } from "./context";
import { read } from "./read";

/** The roles a privileged function may accept (the contracts' `IClusterRoles`). */
export type Role = "operator" | "keeper" | "guardian" | "admin";

/**
 * Refuses, before anything is sent, a caller that holds none of `roles` (the contracts' `Unauthorized`).
 * Protocol-wide roles are read from the factory; `cluster` is needed for operator and keeper.
 */
export async function requireRole(
  ctx: ClusterShareContext,
  site: CheckSite,
  caller: string,
  roles: readonly Role[],
  cluster?: ClusterHandle,
): Promise<void> {
  const same = (a: string) => a.toLowerCase() === caller.toLowerCase();
  if (cluster && roles.includes("operator") && same(cluster.operator)) return;
  if (cluster && roles.includes("keeper") && same(cluster.keeper)) return;
  const factory = factoryOf(ctx);
  if (roles.includes("admin") && (await read("ClusterFactory", "isProtocolAdmin", factory.isProtocolAdmin(caller)))) return;
  if (roles.includes("guardian") && (await read("ClusterFactory", "isGuardian", factory.isGuardian(caller)))) return;
  throw new PreflightError(site.contract, site.functionName, "role", "Unauthorized", { caller },
    `${caller} is not the ${roles.join(" or ")} this function needs`);
}
