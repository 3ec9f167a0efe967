/**
 * The HTTP endpoint, shaped like graph-node's: POST `{ query, variables, operationName }` (or GET `?query=...`
 * with `variables` as JSON and `operationName`) at `/subgraphs/name/<name>`, answered with the GraphQL result as
 * JSON and status 200 even when the result holds errors. A browser's GET without a query (it accepts text/html)
 * gets the GraphiQL page, whose assets are served under `/graphiql/`. Transport problems get JSON errors with
 * HTTP statuses (400 bad JSON or missing query, 404 unknown path, 405 other methods, 413 oversized body); every
 * response allows any origin, and OPTIONS answers CORS preflights (cached for a day). A failing request never
 * takes the server down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GRAPHIQL_ASSET_PATH, graphiqlAsset, graphiqlPage } from "./graphiql";
import { limitErrors } from "./limits";
import type { QueryService } from "./service";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, OPTIONS, POST",
  "Access-Control-Allow-Headers": "Content-Type, User-Agent, Authorization",
};

const PREFLIGHT_HEADERS = { ...CORS_HEADERS, "Access-Control-Max-Age": "86400" };

/** A request that cannot be run, answered with `status` and a GraphQL-style `{ errors }` body. */
class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/**
 * Serves `service` at `/subgraphs/name/<name>` on `host` (default 127.0.0.1) and `port` (default 0: any free
 * port). Resolves once listening, with the endpoint's full URL and a `close` that also drops idle keep-alive
 * connections.
 */
export async function serveQueries(opts: {
  service: QueryService;
  name: string;
  port?: number;
  host?: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const host = opts.host ?? "127.0.0.1";
  const path = `/subgraphs/name/${opts.name}`;
  const server = createServer((request, response) => {
    handle(request, response, opts.service, opts.name, path).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      sendJson(response, status, { errors: [{ message: (error as Error).message }] });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const urlPath = path.split("/").map(encodeURIComponent).join("/");
  return { url: `http://${urlHost}:${port}${urlPath}`, close: () => closeServer(server) };
}

async function handle(
  request: IncomingMessage, response: ServerResponse, service: QueryService, name: string, path: string,
): Promise<void> {
  if (request.method === "OPTIONS") {
    response.writeHead(204, PREFLIGHT_HEADERS).end();
    return;
  }
  const url = new URL(request.url ?? "/", "http://localhost");
  const requested = decodedPath(url.pathname).replace(/\/+$/, "");
  if (request.method === "GET" && requested.startsWith(GRAPHIQL_ASSET_PATH)) {
    const asset = graphiqlAsset(requested.slice(GRAPHIQL_ASSET_PATH.length));
    if (!asset) throw new HttpError(404, `No GraphiQL asset ${url.pathname}`);
    send(response, 200, asset.contentType, asset.body);
    return;
  }
  if (requested !== path) throw new HttpError(404, `No subgraph is served at ${url.pathname}; queries go to ${path}`);
  if (request.method === "GET" && !url.searchParams.has("query") && accepts(request, "text/html")) {
    send(response, 200, "text/html; charset=utf-8", graphiqlPage(name));
    return;
  }
  let graphqlRequest: GraphQLRequest;
  if (request.method === "POST") graphqlRequest = parseBody(await readBody(request));
  else if (request.method === "GET") graphqlRequest = parseSearchParams(url.searchParams);
  else throw new HttpError(405, `Method ${request.method} is not allowed; use POST or GET`);
  const result = await service.execute(graphqlRequest.query, graphqlRequest.variables, graphqlRequest.operationName);
  const text = JSON.stringify(result);
  const size = Buffer.byteLength(text);
  // graph-node refuses, rather than truncates, an answer over GRAPH_GRAPHQL_ERROR_RESULT_SIZE.
  if (size > service.limits.maxResultBytes) {
    sendJson(response, 200, { errors: [limitErrors.resultTooBig(size, service.limits.maxResultBytes)] });
  } else {
    send(response, 200, "application/json; charset=utf-8", text);
  }
}

/** Whether the request's Accept header names `type` (browsers navigating to a page send text/html). */
function accepts(request: IncomingMessage, type: string): boolean {
  return (request.headers.accept ?? "").split(",").some((part) => part.split(";")[0].trim() === type);
}

function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, `Malformed URL path ${pathname}`);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(body: string): GraphQLRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new HttpError(400, `Invalid JSON in request body: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new HttpError(400, "The request body must be a JSON object");
  }
  const { query, variables, operationName } = parsed as Record<string, unknown>;
  return checkedRequest(query, variables, operationName);
}

function parseSearchParams(params: URLSearchParams): GraphQLRequest {
  const variablesText = params.get("variables");
  let variables: unknown = undefined;
  if (variablesText) {
    try {
      variables = JSON.parse(variablesText);
    } catch (error) {
      throw new HttpError(400, `Invalid JSON in the variables parameter: ${(error as Error).message}`);
    }
  }
  return checkedRequest(params.get("query") ?? undefined, variables, params.get("operationName") ?? undefined);
}

function checkedRequest(query: unknown, variables: unknown, operationName: unknown): GraphQLRequest {
  if (typeof query !== "string") throw new HttpError(400, 'The "query" field is missing in request data');
  if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) {
    throw new HttpError(400, "Invalid variables provided: they must be a JSON object");
  }
  if (operationName != null && typeof operationName !== "string") {
    throw new HttpError(400, "Invalid operationName provided: it must be a string");
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, "application/json; charset=utf-8", JSON.stringify(body));
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { ...CORS_HEADERS, "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
