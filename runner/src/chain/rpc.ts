/**
 * A minimal JSON-RPC 2.0 client over Node's built-in fetch, for the few methods the indexer calls (eth_blockNumber,
 * eth_getLogs, eth_getBlockByNumber). ethers' JsonRpcProvider reassembles response bodies by copying every chunk
 * into a new array, which turns the multi-megabyte answers of full blocks and wide log ranges quadratic; fetch's
 * `json()` parses them natively. Calls can be sent one by one or as one batch request.
 *
 * Every way a call can fail (refused connection, timeout, HTTP status, unreadable body, JSON-RPC error) rejects
 * with an RpcError or RpcTransportError: the indexer treats all of them as transient and retries.
 */

export interface RpcCall {
  method: string;
  params: unknown[];
}

interface RpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** The node answered a call with a JSON-RPC error. */
export class RpcError extends Error {
  override name = "RpcError";

  constructor(readonly method: string, readonly code: number, message: string) {
    super(`${method} failed (${code}): ${message}`);
  }
}

/** The node could not be reached or gave no usable answer (refused, timed out, HTTP error, not JSON). */
export class RpcTransportError extends Error {
  override name = "RpcTransportError";
}

/** How long a call may take before it counts as failed: a stalled node must not stall indexing for good. */
export const DEFAULT_RPC_TIMEOUT_MS = 30_000;

export class JsonRpcClient {
  private nextId = 1;

  constructor(readonly url: string, readonly timeoutMs = DEFAULT_RPC_TIMEOUT_MS) {}

  /** Calls `method` and resolves with its result; rejects with an RpcError if the node answers with an error. */
  async call<T>(method: string, params: unknown[]): Promise<T> {
    const [result] = await this.batch([{ method, params }]);
    return result as T;
  }

  /**
   * Sends every call in one HTTP request and resolves with their results in order; rejects with the first
   * call's error if any call failed.
   */
  async batch(calls: RpcCall[]): Promise<unknown[]> {
    if (calls.length === 0) return [];
    const firstId = this.nextId;
    this.nextId += calls.length;
    const body = calls.map(({ method, params }, i) => ({ jsonrpc: "2.0", id: firstId + i, method, params }));
    const methods = [...new Set(calls.map((c) => c.method))].join(", ");
    let answer: RpcResponse | RpcResponse[];
    try {
      const response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(calls.length === 1 ? body[0] : body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new RpcTransportError(`JSON-RPC node at ${this.url} answered HTTP ${response.status} to ${methods}`);
      answer = (await response.json()) as RpcResponse | RpcResponse[];
    } catch (error) {
      if (error instanceof RpcTransportError) throw error;
      const cause = error as Error & { cause?: { code?: string } };
      const reason = cause.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : cause.cause?.code ?? cause.message;
      throw new RpcTransportError(`JSON-RPC node at ${this.url} failed ${methods}: ${reason}`, { cause: error });
    }
    const byId = new Map((Array.isArray(answer) ? answer : [answer]).map((r) => [r.id, r]));
    return calls.map(({ method }, i) => {
      const reply = byId.get(firstId + i);
      if (!reply) throw new RpcTransportError(`JSON-RPC node at ${this.url} did not answer ${method}`);
      if (reply.error) throw new RpcError(method, reply.error.code, reply.error.message);
      return reply.result;
    });
  }
}
