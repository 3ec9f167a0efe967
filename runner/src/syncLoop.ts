/**
 * Keeps indexing going through node outages: one sync at a time (explicit `sync` calls and the poller queue
 * behind each other, and a failed one never blocks the next), each failed attempt retried with exponential
 * backoff. Every block an attempt committed stays (a block is the unit of work), so a retry resumes where the
 * failure struck and nothing is indexed twice. The indexing status (graph-node's index-node fields, plus the
 * node failure that is holding indexing up) is kept for `_meta` and for callers.
 */
import type { Indexer } from "./indexer";
import { LogLevel } from "./wasm/hostContext";

export interface RetryOptions {
  /** The first retry's delay; each further one doubles it, up to `maxMs`. */
  baseMs?: number;
  maxMs?: number;
  /** Attempts an explicit `sync` makes before it rejects (the poller never gives up). */
  attempts?: number;
  /** Consecutive failures after which the failure is logged as an error and counts as persistent. */
  persistentAfter?: number;
}

const DEFAULT_RETRY: Required<RetryOptions> = { baseMs: 250, maxMs: 30_000, attempts: 8, persistentAfter: 3 };

/** A node failure that is holding indexing up. */
export interface NodeFailure {
  message: string;
  /** Consecutive failed attempts. */
  attempts: number;
  /** When the first of them failed (ms since the epoch). */
  since: number;
  /** Whether it has lasted `persistentAfter` attempts. */
  persistent: boolean;
}

/** The indexing status, as graph-node's index-node reports it, plus the node failure holding indexing up. */
export interface IndexingStatus {
  /** graph-node's SubgraphHealth: `failed` once a handler failed deterministically (indexing stops there). */
  health: "healthy" | "failed";
  /** Whether the indexed head has reached the node's head, as last seen. */
  synced: boolean;
  /** The node's head number when last seen. */
  chainHeadBlock: number | null;
  /** The indexed head's number. */
  latestBlock: number | null;
  /** The RPC (or reorg) failure of the latest attempts, null once an attempt succeeds. */
  nodeFailure: NodeFailure | null;
}

export class SyncLoop {
  private readonly retry: Required<RetryOptions>;
  private running: Promise<void> = Promise.resolve();
  private nodeFailure: NodeFailure | null = null;
  private failureReported = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly indexer: Indexer,
    retry: RetryOptions = {},
    private readonly onLog?: (level: number, message: string, dataSource: string) => void,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  get status(): IndexingStatus {
    const latestBlock = this.indexer.indexedBlock?.number ?? null;
    const chainHeadBlock = this.indexer.chainHead;
    return {
      health: this.indexer.error ? "failed" : "healthy",
      synced: chainHeadBlock !== null && latestBlock !== null && latestBlock >= chainHeadBlock,
      chainHeadBlock,
      latestBlock,
      nodeFailure: this.nodeFailure && { ...this.nodeFailure },
    };
  }

  /**
   * Indexes up to `block` (default: the node's head), retrying failed attempts with backoff; rejects with the
   * last failure after `attempts` of them (default: the configured number), or when the loop is closed.
   */
  sync(block?: number, attempts = this.retry.attempts): Promise<void> {
    const run = this.running.catch(() => undefined).then(() => this.syncWithRetries(block, attempts));
    this.running = run;
    return run;
  }

  /** Polls the node every `pollMs` (after the previous sync settled), retrying through outages without end. */
  startPolling(pollMs: number): void {
    const poll = () => {
      this.sync(undefined, Infinity)
        .catch(() => undefined)
        .finally(() => { if (!this.closed) this.timer = setTimeout(poll, pollMs); });
    };
    this.timer = setTimeout(poll, 0);
  }

  /** Stops polling and retrying, and waits for the attempt under way. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.wakeUp?.();
    await this.running.catch(() => undefined);
  }

  private async syncWithRetries(block: number | undefined, attempts: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new Error("the runner is closed");
      try {
        await this.indexer.syncTo(block);
        this.recovered();
        this.reportHandlerFailure();
        return;
      } catch (error) {
        const failure = this.failed(error as Error);
        if (attempt >= attempts || this.closed) throw error;
        await this.sleep(Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (failure.attempts - 1)));
      }
    }
  }

  private failed(error: Error): NodeFailure {
    const previous = this.nodeFailure;
    const attempts = (previous?.attempts ?? 0) + 1;
    const failure = {
      message: error.message, attempts, since: previous?.since ?? Date.now(), persistent: attempts >= this.retry.persistentAfter,
    };
    this.nodeFailure = failure;
    if (attempts === 1) this.onLog?.(LogLevel.Warning, `indexing attempt failed, retrying: ${error.message}`, "runner");
    if (attempts === this.retry.persistentAfter) {
      this.onLog?.(LogLevel.Error, `indexing held up: ${attempts} attempts in a row failed, still retrying: ${error.message}`, "runner");
    }
    return failure;
  }

  private recovered(): void {
    if (!this.nodeFailure) return;
    this.onLog?.(LogLevel.Info, `indexing resumed after ${this.nodeFailure.attempts} failed attempts`, "runner");
    this.nodeFailure = null;
  }

  private reportHandlerFailure(): void {
    const failure = this.indexer.error;
    if (!failure) {
      this.failureReported = false;
      return;
    }
    if (this.failureReported) return;
    this.failureReported = true;
    this.onLog?.(
      LogLevel.Error,
      `indexing stopped at block ${failure.block}: ${failure.dataSource}.${failure.handler} failed: ${failure.message}`,
      "runner",
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => { clearTimeout(timer); resolve(); };
    });
  }
}
