/**
 * A counting HTTP proxy: forwards every request to a target (a JSON-RPC node, a subgraph endpoint) and counts the
 * HTTP requests that arrive, so the SDK benchmark measures round trips on the wire rather than reading the code.
 * A JSON-RPC batch is one HTTP request, as it is one round trip.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingProxy {
  /** The target URL as seen through the proxy (same path). */
  url: string;
  /** HTTP requests forwarded since the last `reset`. */
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a proxy on a free local port in front of `target`. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const targetUrl = new URL(target);
  let requests = 0;
  const server = createServer(async (request, response) => {
    requests += 1;
    try {
      const body = await bodyOf(request);
      const answer = await fetch(new URL(request.url ?? "/", targetUrl.origin), {
        method: request.method,
        headers: { "content-type": request.headers["content-type"] ?? "application/json" },
        body: request.method === "GET" || request.method === "HEAD" ? undefined : new Uint8Array(body),
      });
      response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`proxy: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${targetUrl.pathname}${targetUrl.search}`,
    count: () => requests,
    reset: () => { requests = 0; },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
