/**
 * Cooperative scheduling of query execution. graphql-js executes synchronously when resolvers return values, so
 * one heavy query held the event loop for seconds while every other request waited. Here the work of each
 * collection field is a task: tasks run in turns of a few milliseconds, one task per request at a time in
 * round-robin order, and between turns the event loop serves I/O, so a cheap query that arrives while a heavy
 * one runs gets its turns at once. A request past its deadline has its remaining tasks refused.
 */
import { performance } from "node:perf_hooks";

/** A task refused because its request's deadline has passed. */
export class QueryTimeoutError extends Error {
  constructor() {
    super("Query timed out");
  }
}

interface Task {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The tasks of one request. */
export class PacedRequest {
  readonly tasks: Task[] = [];
  timedOut = false;

  constructor(private readonly pacer: ExecutionPacer, readonly deadline: number) {}

  /** Runs `work` in the request's next turn; rejects with `QueryTimeoutError` once the deadline has passed. */
  run<T>(work: () => T): Promise<T> {
    if (this.timedOut) return Promise.reject(new QueryTimeoutError());
    return new Promise<T>((resolve, reject) => {
      this.tasks.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.pacer.enqueue(this);
    });
  }

  /** Runs the oldest task, or refuses them all if the deadline has passed; returns the entities it produced. */
  runNext(now: number): number {
    if (now > this.deadline) {
      this.timedOut = true;
      for (const task of this.tasks.splice(0)) task.reject(new QueryTimeoutError());
      return 0;
    }
    const task = this.tasks.shift()!;
    try {
      const result = task.work();
      task.resolve(result);
      return Array.isArray(result) ? result.length : 1;
    } catch (error) {
      task.reject(error);
      return 0;
    }
  }
}

export class ExecutionPacer {
  private readonly waiting: PacedRequest[] = [];
  private turnScheduled = false;

  /**
   * `sliceMs` bounds a turn's running time and `sliceEntities` the entities its tasks may produce (graphql-js
   * completes those after the turn, outside its clock).
   */
  constructor(private readonly sliceMs = 5, private readonly sliceEntities = 5000) {}

  /** A new request whose tasks are refused after `timeoutMs`. */
  request(timeoutMs: number): PacedRequest {
    return new PacedRequest(this, performance.now() + timeoutMs);
  }

  /** Puts `request` in the round robin (once) and makes sure a turn is coming. */
  enqueue(request: PacedRequest): void {
    if (request.tasks.length === 1) this.waiting.push(request);
    if (!this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(this.turn);
    }
  }

  private readonly turn = (): void => {
    const start = performance.now();
    let entities = 0;
    let now = start;
    while (this.waiting.length > 0 && now - start < this.sliceMs && entities < this.sliceEntities) {
      const request = this.waiting.shift()!;
      entities += request.runNext(now);
      if (request.tasks.length > 0) this.waiting.push(request);
      now = performance.now();
    }
    if (this.waiting.length > 0) setImmediate(this.turn);
    else this.turnScheduled = false;
  };
}
