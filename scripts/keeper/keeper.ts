/**
 * The keeper: what Chainlink Automation does for ClusterShare, for a local chain or a network without Automation.
 * Each tick it finds every cluster the factory launched and, cluster by cluster, runs the upkeeps in the order the
 * contracts need (finalize a raise that sold out or passed its deadline, close the epoch, publish NAV, settle the
 * redemption queue), each only when the contract says it would succeed: `checkUpkeep`, or for `finalize` the
 * offering's own condition read from its views. Reverts are decoded and logged, never thrown; network trouble is
 * retried with exponential backoff. The dev stack and the demo run it in-process; scripts/keeper/cli.ts wraps it.
 */
import type { Provider, Signer } from "ethers";
import type { Deployment } from "../../sdk/src/deployment";
import {
  clustersFrom,
  describeRevert,
  isUpkeepNeeded,
  performUpkeep,
  UPKEEP_STEPS,
  type ClusterUpkeeps,
  type PerformReceipt,
  type UpkeepStep,
} from "./chain";

export interface KeeperOptions {
  /** Reads: the registry and every checkUpkeep. */
  provider: Provider;
  /** Sends every performUpkeep (they are permissionless: any funded account will do). */
  signer: Signer;
  deployment: Deployment;
  /** Pause between the end of one tick and the start of the next; default 15 s. */
  intervalMs?: number;
  /** Receives every action and every failed tick; default: one line on stdout each. */
  log?: (entry: KeeperLogEntry) => void;
  /** Attempts per upkeep when the node fails (not when the contract reverts); default 3. */
  attempts?: number;
  /** First retry delay, doubled at each further attempt and for each consecutive failed tick; default 500 ms. */
  backoffMs?: number;
}

/**
 * `performed`: mined; `reverted`: the contract refused (decoded in `error`); `failed`: the node kept failing;
 * `no-longer-due`: after a failed attempt the upkeep was no longer due, so the attempt that failed to answer (or
 * another keeper) did it, and nothing was sent twice.
 */
export type KeeperOutcome = "performed" | "reverted" | "failed" | "no-longer-due";

/** One upkeep the keeper found due and tried. */
export interface KeeperAction {
  clusterId: bigint;
  step: UpkeepStep;
  target: string;
  outcome: KeeperOutcome;
  attempts: number;
  receipt?: PerformReceipt;
  error?: string;
}

export type KeeperLogEntry = ({ kind: "action" } & KeeperAction) | { kind: "tick-failed"; error: string; retryInMs: number };

export interface Keeper {
  /** Starts ticking every `intervalMs` (no overlap: the next tick waits for the last). Idempotent. */
  start(): void;
  /** Stops ticking and resolves once the tick in flight, if any, has finished: nothing keeps running after it. */
  stop(): Promise<void>;
  /**
   * One pass over every cluster (after any pass already running); resolves with what it did. Throws only when the
   * registry cannot be read.
   */
  tickOnce(): Promise<KeeperAction[]>;
}

const DEFAULT_INTERVAL_MS = 15_000;
const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BACKOFF_MS = 500;
/** A failing node is retried at most this much later than the normal interval. */
const MAX_BACKOFF_FACTOR = 32;

/** Creates a keeper over `deployment`'s factory; it does nothing until `start()` or `tickOnce()`. */
export function createKeeper(options: KeeperOptions): Keeper {
  const { provider, signer, deployment } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const sink = options.log ?? printEntry;
  // A logger that throws must not stop the keeper (nor become an unhandled rejection that ends the process).
  const log = (entry: KeeperLogEntry) => {
    try {
      sink(entry);
    } catch (error) {
      console.error(`keeper log failed: ${message(error)}`);
    }
  };

  const clusters: ClusterUpkeeps[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  let running = false;
  let failedTicks = 0;

  /** Check-then-perform, retried as a unit so a retry never performs an upkeep an earlier attempt already did. */
  async function runStep(clusterId: bigint, step: UpkeepStep, target: string): Promise<KeeperAction | undefined> {
    let lastError = "";
    for (let attempt = 1; ; attempt++) {
      try {
        if (!(await isUpkeepNeeded(provider, step, target))) {
          return attempt === 1 ? undefined : { clusterId, step, target, outcome: "no-longer-due", attempts: attempt, error: lastError };
        }
        const receipt = await performUpkeep(signer, step, target);
        return { clusterId, step, target, outcome: "performed", attempts: attempt, receipt };
      } catch (error) {
        const revert = describeRevert(error);
        if (revert !== undefined) return { clusterId, step, target, outcome: "reverted", attempts: attempt, error: revert };
        lastError = message(error);
        if (attempt >= attempts) return { clusterId, step, target, outcome: "failed", attempts: attempt, error: lastError };
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  async function pass(): Promise<KeeperAction[]> {
    clusters.push(...(await clustersFrom(provider, deployment.factory, BigInt(clusters.length))));
    const actions: KeeperAction[] = [];
    for (const { clusterId, targets } of clusters) {
      // Each later step judges itself by its own check, so a refused close does not hold back a due NAV.
      for (const step of UPKEEP_STEPS) {
        const action = await runStep(clusterId, step, targets[step]);
        if (!action) continue;
        actions.push(action);
        log({ kind: "action", ...action });
      }
    }
    return actions;
  }

  // Passes run one at a time, whoever asks (the loop or a caller of tickOnce), so no upkeep is sent twice at once.
  let lastPass: Promise<unknown> = Promise.resolve();
  function tickOnce(): Promise<KeeperAction[]> {
    const next = lastPass.then(pass, pass);
    lastPass = next.catch(() => undefined);
    return next;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = tickOnce()
        .then((actions) => {
          failedTicks = actions.some((a) => a.outcome === "failed") ? failedTicks + 1 : 0;
        })
        .catch((error: unknown) => {
          failedTicks++;
          log({ kind: "tick-failed", error: message(error), retryInMs: nextDelay() });
        })
        .finally(() => {
          inFlight = undefined;
          if (running && !timer) schedule(nextDelay());
        });
    }, delayMs);
  }

  const nextDelay = () => (failedTicks === 0 ? intervalMs : intervalMs * Math.min(2 ** failedTicks, MAX_BACKOFF_FACTOR));

  return {
    start() {
      if (running) return;
      running = true;
      // A tick still finishing from before a stop() reschedules itself.
      if (!inFlight) schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    tickOnce,
  };
}

/** The default log: one line per entry, for a terminal or a log file. */
function printEntry(entry: KeeperLogEntry): void {
  const at = new Date().toISOString();
  if (entry.kind === "tick-failed") {
    console.error(`${at} tick failed, retrying in ${entry.retryInMs} ms: ${entry.error}`);
    return;
  }
  const what = `${at} cluster ${entry.clusterId} ${entry.step} (${entry.target})`;
  if (entry.receipt) {
    console.log(`${what} performed in block ${entry.receipt.blockNumber}, tx ${entry.receipt.hash}, gas ${entry.receipt.gasUsed}`);
  } else {
    console.error(`${what} ${entry.outcome} after ${entry.attempts} attempt(s): ${entry.error}`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
