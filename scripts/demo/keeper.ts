/**
 * What Chainlink Automation does for one cluster, in the order the contracts need: close the epoch, publish the
 * NAV, settle the redemption queue, each only when its `checkUpkeep` says so. A revert is logged, never thrown:
 * the next tick tries again. Local to the demo until scripts/keeper/keeper.ts (createKeeper/tickOnce) exists.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { NavOracle, RedemptionQueue, RevenueVault } from "../../sdk/src/types";

export interface UpkeepTargets {
  vault: RevenueVault;
  nav: NavOracle;
  queue: RedemptionQueue;
}

/** Runs one round of upkeep for a cluster; returns the upkeeps performed, by name. */
export async function tickOnce(cluster: UpkeepTargets, keeper: HardhatEthersSigner, log: (line: string) => void): Promise<string[]> {
  const performed: string[] = [];
  for (const [name, target] of [["close", cluster.vault], ["nav", cluster.nav], ["settle", cluster.queue]] as const) {
    try {
      const [needed, performData] = await target.checkUpkeep("0x");
      if (!needed) continue;
      await target.connect(keeper).performUpkeep(performData);
      performed.push(name);
    } catch (error) {
      log(`keeper: ${name} failed: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return performed;
}
