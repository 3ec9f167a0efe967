/**
 * `launch --config <file>`: launches a cluster from the same JSON config file `npm run deploy -- --cluster` takes
 * (checked field by field by scripts/deploy/clusterConfig.ts before anything is sent), through the SDK's
 * launchCluster action; the signer becomes the operator.
 */
import { readFile } from "node:fs/promises";
import { Contract } from "ethers";
import { readClusterConfig } from "../../../../scripts/deploy/clusterConfig";
import type { ClusterShareClient } from "../../client";
import { required, UsageError, type Flags } from "../args";
import { receiptResult } from "./actions";
import type { CommandResult } from "./result";

const DECIMALS_ABI = ["function decimals() view returns (uint8)"];

/** Reads and checks the config, converts its amounts with the stablecoin's decimals, and launches. */
export async function launchCommand(client: ClusterShareClient, flags: Flags): Promise<CommandResult> {
  const path = required(flags, "config");
  const text = await readFile(path, "utf8").catch((error: Error) => {
    throw new UsageError(`cannot read --config ${path}: ${error.message}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${path} is not JSON: ${(error as Error).message}`);
  }
  const config = readClusterConfig(parsed, { stablecoin: client.context.deployment.stablecoin });
  const decimals = Number(await new Contract(config.stablecoin, DECIMALS_ABI, client.context.provider).decimals());
  const done = await client.actions.launchCluster(config.launchParams(decimals));
  return receiptResult("launch", done.clusterId, done);
}
