import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One `eth_getLogs` range as the node would see it, with the node's head. */
export interface LogQuery {
  fromBlock: number;
  toBlock: number;
  head: number;
}

interface JsonRpcRequest {
  id: number | string;
  method: string;
  params?: unknown[];
}

/**
 * A JSON-RPC proxy in front of a real node that refuses `eth_getLogs` as a public endpoint does: `refuse` returns the
 * error message the endpoint would send (Infura, Alchemy…) or null to pass the query on. Batches are answered
 * entry by entry; everything else goes to the node unchanged. It records every log query it saw.
 */
export async function startLogLimitNode(
  nodeUrl: string,
  refuse: (query: LogQuery) => string | null,
): Promise<{ url: string; queries: LogQuery[]; refused: () => number; close: () => Promise<void> }> {
  const queries: LogQuery[] = [];
  let refusedCount = 0;
  const forward = async (body: unknown) => {
    const answer = await fetch(nodeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return answer.json();
  };
  const head = async () => Number((await forward({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] })).result);
  const toNumber = async (tag: unknown) => (typeof tag === "string" && tag.startsWith("0x") ? Number(tag) : head());
  const answer = async (request: JsonRpcRequest) => {
    if (request.method === "eth_getLogs") {
      const filter = (request.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      const query = { fromBlock: await toNumber(filter.fromBlock), toBlock: await toNumber(filter.toBlock), head: await head() };
      queries.push(query);
      const message = refuse(query);
      if (message !== null) {
        refusedCount++;
        return { jsonrpc: "2.0", id: request.id, error: { code: -32005, message } };
      }
    }
    return forward(request);
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
      const result = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    refused: () => refusedCount,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
