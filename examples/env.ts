/**
 * What the example scripts read from the environment when run from the command line:
 *   RPC_URL (default http://127.0.0.1:8545), DEPLOYMENT (a deployments/<network>.json path or network name,
 *   default localhost), SUBGRAPH_URL (optional), PRIVATE_KEY (for the scripts that send transactions).
 */
import { JsonRpcProvider, Wallet } from "ethers";
import { createClusterShareClient, type ClusterShareClient } from "../sdk/src"; // in your project: "@clustershare/sdk"

/** The client the command line asks for, signing with PRIVATE_KEY when `signs`. */
export async function clientFromEnv(signs: boolean): Promise<ClusterShareClient> {
  const provider = new JsonRpcProvider(process.env.RPC_URL ?? "http://127.0.0.1:8545");
  const key = process.env.PRIVATE_KEY;
  if (signs && !key) throw new Error("set PRIVATE_KEY to the account that sends the transactions");
  return createClusterShareClient({
    provider,
    signer: signs ? new Wallet(key!, provider) : undefined,
    subgraphUrl: process.env.SUBGRAPH_URL,
    deployment: process.env.DEPLOYMENT ?? "localhost",
  });
}

/** The value of a required command-line argument `--name value`. */
export function argument(name: string): string {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0 || at + 1 >= process.argv.length) throw new Error(`missing --${name}`);
  return process.argv[at + 1];
}
