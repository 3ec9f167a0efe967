/** Reads and writes `deployments/<network>.json`, always through the SDK's one check of its shape. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseDeployment, type Deployment } from "../../sdk/src/deployment";

/** The repository's deployments directory: one file per network, the addresses every part reads. */
export const DEPLOYMENTS_DIR = resolve(__dirname, "../../deployments");

/** The file of `network`'s deployment in `dir`. */
export function deploymentPath(network: string, dir = DEPLOYMENTS_DIR): string {
  return join(dir, `${network}.json`);
}

/** Parses and checks a deployment file; throws the SDK's InvalidDeploymentError naming a bad field. */
export function readDeploymentFile(path: string): Deployment {
  return parseDeployment(JSON.parse(readFileSync(path, "utf8")));
}

/** Checks `deployment` and writes it to `path` (creating its directory). */
export function writeDeploymentFile(path: string, deployment: Deployment): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(parseDeployment(deployment), null, 2) + "\n");
}
