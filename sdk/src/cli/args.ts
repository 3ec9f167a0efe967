/**
 * The CLI's command line: `clustershare <command> [positional] [--flags]`, parsed once with node:util parseArgs
 * (strict: an unknown flag is an error, not ignored). Connection flags default to `npm run dev`'s stack.
 */
import { parseArgs } from "node:util";

export const DEFAULT_RPC = "http://127.0.0.1:8545";
export const DEFAULT_SUBGRAPH = "http://127.0.0.1:8000/subgraphs/name/clustershare";
export const DEFAULT_DEPLOYMENT = "deployments/localhost.json";

/** A command line the CLI cannot run: unknown command or flag, a missing or malformed argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const OPTIONS = {
  rpc: { type: "string", default: DEFAULT_RPC },
  subgraph: { type: "string", default: DEFAULT_SUBGRAPH },
  deployment: { type: "string", default: DEFAULT_DEPLOYMENT },
  keystore: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  // Command arguments (each command reads the ones it takes).
  amount: { type: "string" },
  shares: { type: "string" },
  receiver: { type: "string" },
  to: { type: "string" },
  "max-price": { type: "string" },
  request: { type: "string" },
  ref: { type: "string" },
  "active-gpus": { type: "string" },
  "utilization-bps": { type: "string" },
  config: { type: "string" },
} as const;

export type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

export interface CommandLine {
  command: string | undefined;
  positionals: string[];
  flags: Flags;
}

/** Parses `argv` (without node and the script). @throws UsageError for an unknown flag or a flag without its value. */
export function parseCommandLine(argv: string[]): CommandLine {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { command: positionals[0], positionals: positionals.slice(1), flags: values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A required flag's value. @throws UsageError when it is missing. */
export function required(flags: Flags, name: keyof Flags): string {
  const value = flags[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** A non-negative integer argument (a cluster id, a request id). @throws UsageError otherwise. */
export function integerArgument(text: string | undefined, what: string): bigint {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${what} must be a non-negative integer, got ${text === undefined ? "nothing" : `"${text}"`}`);
  return BigInt(text);
}

/** A small non-negative integer (GPU counts, basis points). @throws UsageError otherwise. */
export function smallInteger(text: string, what: string): number {
  const value = Number(integerArgument(text, what));
  if (!Number.isSafeInteger(value)) throw new UsageError(`${what} is too large: ${text}`);
  return value;
}
