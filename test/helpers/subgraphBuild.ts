import { join } from "node:path";
import { retargetBuild, type SubgraphDeployment } from "../../runner/src/deployment";

/** What `npm run subgraph:build` (run by `npm test` before vitest) writes: the real compiled subgraph. */
const BUILD = join(__dirname, "../../subgraph/build");

/**
 * The tests' subgraph build pointed at `deployment` without running `graph build` again: the compiled mappings
 * hold no addresses, so only the manifest changes (runner/src/deployment.ts).
 */
export function builtSubgraph(deployment: SubgraphDeployment): string {
  return retargetBuild(BUILD, deployment);
}
