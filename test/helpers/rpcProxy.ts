import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** How the proxy fails a request it was told to fail. */
export type Fault =
  /** Answers HTTP 500 with no JSON-RPC body. */
  | { kind: "http500" }
  /** Answers HTTP 200 with a JSON-RPC error for every call of the request. */
  | { kind: "rpcError" }
  /** Forwards the request but holds the answer back for `ms`. */
  | { kind: "slow"; ms: number }
  /** Closes the connection without answering. */
  | { kind: "drop" };

/** A JSON-RPC call as the proxy sees it. */
export interface RpcCallBody {
  id: number;
  method: string;
  params: unknown[];
}

interface Rule {
  fault: Fault;
  method?: string;
  where?: (calls: RpcCallBody[]) => boolean;
  skip: number;
  times: number;
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a real node, which fails requests on command: the `skip`+1-th to
 * `skip`+`times`-th requests (those calling `method`, if given) get the fault; `stop()` closes the port (the
 * client sees the connection refused) and `start()` opens it again on the same port, like a node restart.
 */
export class RpcProxy {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private rules: Rule[] = [];
  private port = 0;
  /** Requests that reached the proxy while it listened, by JSON-RPC method (a batch counts once per method). */
  readonly requests = new Map<string, number>();
  /** Requests failed on command. */
  failed = 0;

  private constructor(private readonly target: string) {
    this.server = this.newServer();
  }

  /** A proxy listening on a free port of 127.0.0.1, forwarding to `target`. */
  static async start(target: string): Promise<RpcProxy> {
    const proxy = new RpcProxy(target);
    await proxy.start();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * From now on, lets `skip` requests through (counting those calling `method` and matching `where`, if given),
   * then fails `times` of them with `fault`.
   */
  fail(fault: Fault, options: { method?: string; where?: (calls: RpcCallBody[]) => boolean; skip?: number; times?: number } = {}): void {
    this.rules.push({ fault, method: options.method, where: options.where, skip: options.skip ?? 0, times: options.times ?? 1 });
  }

  /** Whether every commanded failure has happened. */
  get faultsDone(): boolean {
    return this.rules.every((rule) => rule.times === 0);
  }

  /** Drops the faults not yet applied. */
  heal(): void {
    this.rules = [];
  }

  /** Listens (again) on the proxy's port. */
  async start(): Promise<void> {
    this.server = this.newServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Closes the port and every open connection: clients now get ECONNREFUSED. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private newServer(): Server {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    return server;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const calls = [JSON.parse(body)].flat() as RpcCallBody[];
    const methods = new Set(calls.map((call) => call.method));
    for (const method of methods) this.requests.set(method, (this.requests.get(method) ?? 0) + 1);
    const fault = this.faultFor(calls, methods);
    if (fault) this.failed += 1;
    if (fault?.kind === "drop") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "http500") {
      response.writeHead(500, { "content-type": "text/plain" }).end("internal server error");
      return;
    }
    if (fault?.kind === "rpcError") {
      const errors = calls.map((call) => ({ jsonrpc: "2.0", id: call.id, error: { code: -32603, message: "proxy: internal error" } }));
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Array.isArray(JSON.parse(body)) ? errors : errors[0]));
      return;
    }
    try {
      const answer = await fetch(this.target, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await answer.text();
      if (fault?.kind === "slow") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (!response.destroyed) response.writeHead(answer.status, { "content-type": "application/json" }).end(text);
    } catch {
      if (!response.destroyed) response.writeHead(502).end();
    }
  }

  private faultFor(calls: RpcCallBody[], methods: Set<string>): Fault | null {
    for (const rule of this.rules) {
      if (rule.times === 0 || (rule.method && !methods.has(rule.method)) || (rule.where && !rule.where(calls))) continue;
      if (rule.skip > 0) {
        rule.skip -= 1;
        continue;
      }
      rule.times -= 1;
      return rule.fault;
    }
    return null;
  }
}
