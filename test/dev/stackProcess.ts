/**
 * Starts `npm run dev`'s entry point as a child process (ts-node on scripts/dev/index.ts, as npm runs it) on free
 * ports with a short seed, and waits for its ready line. Shared by the dev stack's test and the CLI's tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { READY_LINE } from "../../scripts/dev/stack";

const ROOT = join(__dirname, "../..");
/** Deploying, a month of the demo and indexing take ~30 s alone; the CPU is shared with other test workers. */
const READY_TIMEOUT_MS = 240_000;

export interface StackProcess {
  rpcUrl: string;
  graphqlUrl: string;
  rpcPort: number;
  graphqlPort: number;
  deploymentFile: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code and signal once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port nothing listens on right now (the OS picks it; released before the stack binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

/** Starts the stack seeded with `months` of the demo and resolves once it printed its ready line. */
export async function startStackProcess(months = 1, extraArgs: string[] = []): Promise<StackProcess> {
  const [rpcPort, graphqlPort] = [await freePort(), await freePort()];
  const deploymentFile = join(mkdtempSync(join(tmpdir(), "clustershare-dev-")), "localhost.json");
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/dev/index.ts", "--months", String(months), "--deployment", deploymentFile, ...extraArgs],
    // Ports through the environment, the other way the stack takes them.
    { cwd: ROOT, env: { ...process.env, RPC_PORT: String(rpcPort), GRAPHQL_PORT: String(graphqlPort) }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack was not ready in ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const check = () => {
      if (output.includes(READY_LINE)) { clearTimeout(timer); resolve(); }
    };
    child.stdout!.on("data", check);
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`the stack exited (${code}) before it was ready:\n${output}`)); });
  }).catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });

  return {
    rpcUrl: `http://127.0.0.1:${rpcPort}`,
    graphqlUrl: `http://127.0.0.1:${graphqlPort}/subgraphs/name/clustershare`,
    rpcPort,
    graphqlPort,
    deploymentFile,
    output: () => output,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
