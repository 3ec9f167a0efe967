/**
 * A minimal JSON-RPC 2.0 client over Node's built-in fetch, for the few methods the indexer calls (eth_blockNumber,
 * eth_getLogs, eth_getBlockByNumber). ethers' JsonRpcProvider reassembles response bodies by copying every chunk
 * into a new array, which turns the multi-megabyte answers of full blocks and wide log ranges quadratic; fetch's
 * `json()` parses them natively. Calls can be sent one by one or as one batch request.
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

export class JsonRpcClient {
  private nextId = 1;

  constructor(readonly url: string) {}

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
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(calls.length === 1 ? body[0] : body),
    });
    if (!response.ok) throw new Error(`JSON-RPC node at ${this.url} answered HTTP ${response.status}`);
    const answer = (await response.json()) as RpcResponse | RpcResponse[];
    const byId = new Map((Array.isArray(answer) ? answer : [answer]).map((r) => [r.id, r]));
    return calls.map(({ method }, i) => {
      const reply = byId.get(firstId + i);
      if (!reply) throw new Error(`JSON-RPC node at ${this.url} did not answer ${method}`);
      if (reply.error) throw new RpcError(method, reply.error.code, reply.error.message);
      return reply.result;
    });
  }
}
