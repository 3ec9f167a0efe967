/**
 * The runner's HTTP endpoint as a browser on another origin uses it, through `fetch`: CORS on every answer and
 * preflights, GET with `query`/`variables`/`operationName` and POST, and the GraphiQL page with every asset it
 * references served by the runner itself, byte for byte from the npm packages, with no external URL; the served
 * bundles, run in a script context, define the globals the page uses, and GraphiQL's fetcher queries the runner.
 * test/runner/browser.test.ts does the same from a real Chromium (GraphiQL rendered and run, CORS from a page).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryService, serveQueries } from "../../runner/src/query";
import { loadSchema } from "../../runner/src/schema";
import { EntityStore } from "../../runner/src/store";
import { ValueKind } from "../../runner/src/values";

const PAGE_ORIGIN = "http://localhost:5173";

let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const schema = loadSchema(readFileSync(join(__dirname, "fixtures/query/schema.graphql"), "utf8"));
  const store = new EntityStore(schema);
  for (const [id, name] of [["p-1", "one"], ["p-2", "two"]]) store.set("Protocol", id, new Map([["name", { kind: ValueKind.String, value: name }]]));
  const service = createQueryService({
    store,
    schema,
    meta: () => ({ block: { number: 7, hash: "0x" + "07".repeat(32), timestamp: 70 }, deployment: "QmHttp", hasIndexingErrors: false }),
  });
  server = await serveQueries({ service, name: "clustershare/http", port: 0 });
});

afterAll(async () => {
  await server?.close();
});

function expectCors(response: Response): void {
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
}

describe("cross-origin requests", () => {
  it("answers a preflight for a JSON POST from another origin", async () => {
    const preflight = await fetch(server.url, {
      method: "OPTIONS",
      headers: { Origin: PAGE_ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expectCors(preflight);
    expect(preflight.headers.get("access-control-allow-methods")?.split(/,\s*/)).toEqual(expect.arrayContaining(["GET", "POST", "OPTIONS"]));
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase().split(/,\s*/)).toContain("content-type");
    expect(preflight.headers.get("access-control-max-age")).toBe("86400");
  });

  it("allows any origin on answers, errors and refusals alike", async () => {
    const ok = await fetch(server.url, { method: "POST", headers: { Origin: PAGE_ORIGIN, "Content-Type": "application/json" }, body: JSON.stringify({ query: "{ _meta { block { number } } }" }) });
    expectCors(ok);
    expect(await ok.json()).toEqual({ data: { _meta: { block: { number: 7 } } } });
    const bad = await fetch(server.url, { method: "POST", headers: { Origin: PAGE_ORIGIN }, body: "{" });
    expect(bad.status).toBe(400);
    expectCors(bad);
    const unknown = await fetch(new URL("/subgraphs/name/other", server.url), { headers: { Origin: PAGE_ORIGIN } });
    expect(unknown.status).toBe(404);
    expectCors(unknown);
  });
});

describe("GET and POST", () => {
  const query = "query One($id: ID!) { protocol(id: $id) { name } } query Two { protocols { id } }";

  it("runs GET ?query= with JSON variables and operationName", async () => {
    const url = new URL(server.url);
    url.searchParams.set("query", query);
    url.searchParams.set("variables", JSON.stringify({ id: "p-2" }));
    url.searchParams.set("operationName", "One");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ data: { protocol: { name: "two" } } });

    url.searchParams.set("operationName", "Two");
    url.searchParams.delete("variables");
    expect(await (await fetch(url)).json()).toEqual({ data: { protocols: [{ id: "p-1" }, { id: "p-2" }] } });
    url.searchParams.set("variables", "{nope");
    expect((await fetch(url)).status).toBe(400);
  });

  it("runs the same request by POST, and answers a GET without a query that is not from a browser with 400", async () => {
    const response = await fetch(server.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query, variables: { id: "p-1" }, operationName: "One" }) });
    expect(await response.json()).toEqual({ data: { protocol: { name: "one" } } });
    const plain = await fetch(server.url, { headers: { Accept: "application/json" } });
    expect(plain.status).toBe(400);
    expect((await plain.json()).errors[0].message).toBe('The "query" field is missing in request data');
  });
});

describe("GraphiQL", () => {
  async function page(): Promise<string> {
    const response = await fetch(server.url, { headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    return response.text();
  }

  it("serves the page at the endpoint to a browser, with no external URL", async () => {
    const html = await page();
    expect(html).toMatch(/<title>clustershare\/http · GraphiQL<\/title>/);
    expect(html).toContain("GraphiQL.createFetcher");
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/(src|href)="\/\//);
  });

  it("serves every asset the page references, byte for byte from the installed packages", async () => {
    const html = await page();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references).toHaveLength(4);
    const packageFile = (pkg: string, path: string) => readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), path));
    const expected: Record<string, Buffer> = {
      "/graphiql/graphiql.min.css": packageFile("graphiql", "graphiql.min.css"),
      "/graphiql/graphiql.min.js": packageFile("graphiql", "graphiql.min.js"),
      "/graphiql/react.production.min.js": packageFile("react", "umd/react.production.min.js"),
      "/graphiql/react-dom.production.min.js": packageFile("react-dom", "umd/react-dom.production.min.js"),
    };
    expect(references.sort()).toEqual(Object.keys(expected).sort());
    for (const reference of references) {
      const asset = await fetch(new URL(reference, server.url));
      expect(asset.status, reference).toBe(200);
      expect(asset.headers.get("content-type")).toMatch(reference.endsWith(".css") ? /^text\/css/ : /^text\/javascript/);
      expect(Buffer.from(await asset.arrayBuffer()).equals(expected[reference]), reference).toBe(true);
    }
    // The stylesheet loads nothing from elsewhere either (fonts and icons are inlined).
    expect(expected["/graphiql/graphiql.min.css"].toString()).not.toMatch(/url\(\s*["']?(https?:)?\/\//);
  });

  it("loads the served bundles into a script context where the page's GraphiQL fetcher queries the runner", async () => {
    const html = await page();
    const scripts = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((match) => match[1]);
    expect(scripts).toEqual(["/graphiql/react.production.min.js", "/graphiql/react-dom.production.min.js", "/graphiql/graphiql.min.js"]);
    // A window without a DOM: enough for the bundles to define their globals, as the page's own script uses them.
    const window = vm.createContext({ TextDecoder, TextEncoder, URL, fetch, setTimeout, clearTimeout, console, navigator: { userAgent: "node", platform: "linux" } });
    Object.assign(window, { window, self: window });
    for (const src of scripts) vm.runInContext(await (await fetch(new URL(src, server.url))).text(), window, { filename: src });
    const { React, ReactDOM, GraphiQL } = window as Record<string, any>;
    expect([typeof React.createElement, typeof ReactDOM.createRoot, typeof GraphiQL]).toEqual(["function", "function", "function"]);
    const fetcher = GraphiQL.createFetcher({ url: server.url });
    // GraphiQL's default fetcher accepts incremental delivery, so it answers with an async iterator of results.
    const results: unknown[] = [];
    for await (const result of await fetcher({ query: "{ protocols { id name } }" })) results.push(result);
    expect(results).toEqual([{ data: { protocols: [{ id: "p-1", name: "one" }, { id: "p-2", name: "two" }] } }]);
  });

  it("refuses paths outside the asset list", async () => {
    for (const path of ["/graphiql/package.json", "/graphiql/../package.json", "/graphiql/%2e%2e%2fpackage.json", "/graphiql/"]) {
      expect((await fetch(new URL(path, server.url))).status, path).toBe(404);
    }
  });
});
