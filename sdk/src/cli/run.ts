/**
 * Runs one CLI command line and says how it ended: the text or JSON to print and the exit code. Every failure is
 * shown by its name and in words (the SDK's typed errors carry the contract, the error and the check); nothing here
 * calls process.exit, so it can be tested and embedded.
 */
import { readFile } from "node:fs/promises";
import { JsonRpcProvider } from "ethers";
import { createClusterShareClient } from "../client";
import { parseDeployment, type Deployment } from "../deployment";
import { ClusterShareError, PreflightError } from "../errors";
import { parseCommandLine, UsageError, type CommandLine } from "./args";
import { ACTIONS, actionCommand } from "./commands/actions";
import { launchCommand } from "./commands/launch";
import { clusterCommand, clustersCommand, investmentCommand } from "./commands/reads";
import type { CommandResult } from "./commands/result";
import { HELP } from "./help";
import { toJson } from "./output";
import { loadSigner } from "./signer";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const READS = new Set(["clusters", "cluster", "investment"]);
const SENDS = new Set([...Object.keys(ACTIONS), "launch"]);

/** Runs `argv` (without node and the script) with `env` for the signing key. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliOutcome> {
  let json = argv.includes("--json");
  try {
    const line = parseCommandLine(argv);
    json = line.flags.json === true;
    if (line.flags.help || line.command === undefined || line.command === "help") return { exitCode: EXIT_OK, stdout: HELP, stderr: "" };
    const result = await runCommand(line, env);
    return { exitCode: EXIT_OK, stdout: json ? toJson(result.json) : result.text, stderr: "" };
  } catch (error) {
    const exitCode = error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
    const described = describeFailure(error);
    return json
      ? { exitCode, stdout: toJson({ error: described }), stderr: "" }
      : { exitCode, stdout: "", stderr: `${described.name}: ${described.message}${exitCode === EXIT_USAGE ? "\n\nclustershare --help lists the commands" : ""}` };
  }
}

async function runCommand(line: CommandLine, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const { command, positionals, flags } = line;
  if (!command || (!READS.has(command) && !SENDS.has(command))) throw new UsageError(`unknown command "${command}"`);
  const deployment = await readDeployment(flags.deployment!);
  // No network probing and no caching: the subgraph lag check needs the true head.
  const provider = new JsonRpcProvider(flags.rpc, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const signer = SENDS.has(command) ? await loadSigner(provider, env, flags.keystore) : undefined;
    const client = await createClusterShareClient({ provider, signer, deployment, subgraphUrl: flags.subgraph });
    if (command === "clusters") return await clustersCommand(client);
    if (command === "cluster") return await clusterCommand(client, positionals);
    if (command === "investment") return await investmentCommand(client, positionals);
    if (command === "launch") return await launchCommand(client, flags);
    return await actionCommand(client, command, positionals, flags);
  } finally {
    provider.destroy();
  }
}

async function readDeployment(path: string): Promise<Deployment> {
  const text = await readFile(path, "utf8").catch((error: Error) => {
    throw new UsageError(`cannot read the deployment file ${path} (${error.message}): start \`npm run dev\` or pass --deployment <file>`);
  });
  return parseDeployment(JSON.parse(text));
}

/** A failure as `--json` shows it: the error's class, and for the SDK's errors the contract error's name and args. */
export function describeFailure(error: unknown): { name: string; message: string; errorName?: string; contract?: string; functionName?: string; check?: string; args?: unknown } {
  if (error instanceof ClusterShareError) {
    return {
      name: error.name,
      errorName: error.errorName,
      contract: error.contract,
      functionName: error.functionName,
      check: error instanceof PreflightError ? error.check : undefined,
      args: error.args,
      message: error.message,
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}
