/**
 * `npm run dev`'s options: each from a flag, else an environment variable, else the default that the CLI, the
 * keeper and the SDK examples assume (the JSON-RPC node on 8545, GraphQL on 8000).
 */
import { parseArgs } from "node:util";

export interface DevOptions {
  rpcPort: number;
  graphqlPort: number;
  /** Months of the demo's scenario to seed the chain with (0 with `--no-seed`: the protocol only). */
  months: number;
  seed: number;
  /** Pause between the keeper's passes. */
  keeperIntervalMs: number;
  /** Where the deployment file is written (deployments/localhost.json). */
  deploymentFile?: string;
}

/** Thrown for a flag or variable that is not a number in range; names it. */
export class InvalidDevOptionError extends Error {
  constructor(
    readonly option: string,
    readonly value: string,
  ) {
    super(`Invalid option: ${option} must be a non-negative integer (ports up to 65535), got "${value}"`);
    this.name = "InvalidDevOptionError";
  }
}

/** Reads the options from `args` (process.argv without node and the script) and `env`. */
export function readDevOptions(args: string[], env: NodeJS.ProcessEnv): DevOptions {
  const { values } = parseArgs({
    args,
    options: {
      "rpc-port": { type: "string" },
      "graphql-port": { type: "string" },
      months: { type: "string" },
      seed: { type: "string" },
      "no-seed": { type: "boolean", default: false },
      "keeper-interval": { type: "string" },
      deployment: { type: "string" },
    },
  });
  const integer = (flag: string, variable: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
    const text = (values[flag as keyof typeof values] as string | undefined) ?? env[variable];
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0 || value > max) throw new InvalidDevOptionError(`--${flag} / ${variable}`, text);
    return value;
  };
  const months = values["no-seed"] || env.NO_SEED === "1" ? 0 : integer("months", "DEV_MONTHS", 2);
  return {
    rpcPort: integer("rpc-port", "RPC_PORT", 8545, 65535),
    graphqlPort: integer("graphql-port", "GRAPHQL_PORT", 8000, 65535),
    months,
    seed: integer("seed", "DEV_SEED", 1),
    keeperIntervalMs: integer("keeper-interval", "KEEPER_INTERVAL_MS", 15_000),
    deploymentFile: values.deployment ?? env.DEV_DEPLOYMENT_FILE,
  };
}
