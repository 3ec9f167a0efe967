import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one JSON-RPC request: pass it on, refuse it, or pass it on and lose the answer. */
export type Fault = "forward" | "refuse" | "lose-answer";

/**
 * A JSON-RPC proxy in front of a real node that misbehaves as `decide` says, per request (by method and how many
 * requests of that method came before): the node outages a keeper meets, between real components.
 */
export async function startFlakyNode(
  nodeUrl: string,
  decide: (method: string, seen: number) => Fault,
): Promise<{ url: string; close: () => Promise<void> }> {
  const seen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const { method } = JSON.parse(body) as { method: string };
      const fault = decide(method, seen.get(method) ?? 0);
      seen.set(method, (seen.get(method) ?? 0) + 1);
      if (fault === "refuse") return void res.writeHead(502).end("bad gateway");
      const answer = await fetch(nodeUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await answer.text();
      if (fault === "lose-answer") return void res.writeHead(504).end("gateway timeout");
      res.writeHead(answer.status, { "content-type": "application/json" }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
