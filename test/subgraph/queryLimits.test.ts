/**
 * Hostile queries against the runner's query service, over the real HTTP server: each static limit refuses
 * with graph-node's error before execution (and without overflowing the stack), field copies and fragment
 * expansion cost time linear in the query, execution stops at its deadline, and a cheap query is answered while
 * a heavy one is still running.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryService, serveQueries, type QueryService } from "../../runner/src/query";
import { DEFAULT_QUERY_LIMITS, resolveQueryLimits, type QueryLimits } from "../../runner/src/query/limits";
import { loadSchema, type SubgraphSchema } from "../../runner/src/schema";
import { EntityStore } from "../../runner/src/store";
import { BigDecimal, ValueKind, type Value } from "../../runner/src/values";

const PROTOCOLS = 3;
const CLUSTERS_PER_PROTOCOL = 200;

let schema: SubgraphSchema;
let store: EntityStore;
const servers: Array<{ close(): Promise<void> }> = [];

const text = (value: string): Value => ({ kind: ValueKind.String, value });
const int = (value: number): Value => ({ kind: ValueKind.Int, value });

/** Three protocols of 200 clusters each: `protocol { clusters { protocol { clusters ... } } }` fans out 200-fold. */
function populate(target: EntityStore): void {
  for (let p = 0; p < PROTOCOLS; p++) target.set("Protocol", `p-${p}`, new Map([["name", text(`protocol ${p}`)]]));
  for (let i = 0; i < PROTOCOLS * CLUSTERS_PER_PROTOCOL; i++) {
    target.set("Cluster", `c-${i}`, new Map<string, Value>([
      ["protocol", text(`p-${i % PROTOCOLS}`)],
      ["name", text(`cluster ${i}`)],
      ["status", text("ACTIVE")],
      ["gpuCount", int(i % 64)],
      ["totalShares", { kind: ValueKind.BigInt, value: BigInt(i) }],
      ["pricePerShare", { kind: ValueKind.BigDecimal, value: BigDecimal.fromString("1.5") }],
      ["operator", { kind: ValueKind.Bytes, value: new Uint8Array([i & 0xff]) }],
      ["nonce", { kind: ValueKind.Int8, value: BigInt(i) }],
      ["createdAt", { kind: ValueKind.Timestamp, value: 1_700_000_000_000_000n }],
      ["verified", { kind: ValueKind.Bool, value: false }],
      ["tags", { kind: ValueKind.Array, value: [] }],
    ]));
  }
}

/** A service over the shared store with `limits`, served over HTTP; returns its URL. */
async function serve(limits: Partial<QueryLimits> = {}): Promise<{ service: QueryService; url: string }> {
  const service = createQueryService({
    store,
    schema,
    meta: () => ({ block: { number: 1, hash: "0x" + "11".repeat(32), timestamp: 1 }, deployment: "QmLimits", hasIndexingErrors: false }),
    limits,
  });
  const server = await serveQueries({ service, name: "limits", port: 0 });
  servers.push(server);
  return { service, url: server.url };
}

interface Answer {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string }>;
}

async function ask(url: string, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

/** `levels` selection sets below the root: `cluster(id) { protocol { clusters(first: 1) { protocol { ... } } } }`. */
function nested(levels: number): string {
  let query = "id";
  for (let level = levels; level >= 2; level--) query = level % 2 === 0 ? `protocol { ${query} }` : `clusters(first: 1) { ${query} }`;
  return `{ cluster(id: "c-0") { ${query} } }`;
}

/** graph-node's estimate for `levels` nested collections of `first` each: first + first × (the level below). */
function fanOutEstimate(levels: number, first: number): number {
  return levels === 0 ? 0 : first + first * fanOutEstimate(levels - 1, first);
}

function fanOut(levels: number, first: number | string): string {
  let query = "id";
  for (let level = 0; level < levels; level++) query = `clusters(first: ${first}) { protocol { ${query} } }`;
  return `{ protocols(first: 3) { ${query} } }`;
}

/** A heavy query (about a second) within the limits it is served with: 3 × 200 × 200 clusters with their fields. */
const HEAVY = `{ protocols { clusters(first: 200) { protocol { clusters(first: 200) { id name gpuCount totalShares } } } } }`;
const HEAVY_ROWS = 3 * 200 * 200;
const HEAVY_LIMITS: Partial<QueryLimits> = { maxComplexity: Number.MAX_SAFE_INTEGER, timeoutMs: 120_000 };

beforeAll(() => {
  schema = loadSchema(readFileSync(join(__dirname, "fixtures/query/schema.graphql"), "utf8"));
  store = new EntityStore(schema);
  populate(store);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("limits and their configuration", () => {
  it("defaults to graph-node's values, reads GRAPH_GRAPHQL_* variables, and lets options win", () => {
    expect(resolveQueryLimits({}, {})).toEqual(DEFAULT_QUERY_LIMITS);
    expect(DEFAULT_QUERY_LIMITS).toMatchObject({ maxDepth: 255, maxFirst: 1000 });
    const env = { GRAPH_GRAPHQL_MAX_DEPTH: "12", GRAPH_GRAPHQL_QUERY_TIMEOUT: "3", GRAPH_GRAPHQL_MAX_COMPLEXITY: "1_000", GRAPH_GRAPHQL_MAX_FIRST: "" };
    expect(resolveQueryLimits({}, env)).toMatchObject({ maxDepth: 12, timeoutMs: 3000, maxComplexity: 1000, maxFirst: 1000 });
    expect(resolveQueryLimits({ maxDepth: 4 }, env).maxDepth).toBe(4);
    expect(() => resolveQueryLimits({}, { GRAPH_GRAPHQL_MAX_SKIP: "lots" })).toThrow(
      'GRAPH_GRAPHQL_MAX_SKIP must be a positive whole number, but is "lots"',
    );
  });
});

describe("depth", () => {
  it("answers 254 levels and refuses 255, as graph-node's default does", async () => {
    const { url } = await serve();
    const deepest = await ask(url, nested(254));
    expect(deepest.errors).toBeUndefined();
    let level: any = deepest.data!.cluster;
    for (let i = 2; i <= 254; i++) level = i % 2 === 0 ? level.protocol : level.clusters[0];
    expect(level).toEqual({ id: "p-0" });
    expect(await ask(url, nested(255))).toEqual({ errors: [{ message: "query has a depth that exceeds the limit of `255`" }] });
  });

  it("refuses 3,000 and 300,000 levels with the same error instead of overflowing the stack", async () => {
    const { url } = await serve();
    for (const levels of [3000, 300_000]) {
      expect((await ask(url, nested(levels))).errors).toEqual([{ message: "query has a depth that exceeds the limit of `255`" }]);
    }
    const deepValue = `{ clusters(where: ${"{ and: [".repeat(2000)}{ id: "c-1" }${"] }".repeat(2000)}) { id } }`;
    expect((await ask(url, deepValue)).errors).toEqual([{ message: "query has a depth that exceeds the limit of `255`" }]);
  });

  it("counts fragments as graph-node does, and refuses a fragment that spreads itself", async () => {
    const { url } = await serve({ maxDepth: 6 });
    // root 0, clusters 1, fragment 2, protocol 3, fragment 4, clusters 5: fits in 6 levels; one more does not.
    const fragments = `fragment P on Protocol { clusters(first: 1) { id } } fragment C on Cluster { protocol { ...P } }`;
    expect((await ask(url, `{ clusters(first: 1) { ...C } } ${fragments}`)).data).toEqual({
      clusters: [{ protocol: { clusters: [{ id: "c-0" }] } }],
    });
    expect((await ask(url, `{ clusters(first: 1) { ... on Cluster { ...C } } } ${fragments}`)).errors).toEqual([
      { message: "query has a depth that exceeds the limit of `6`" },
    ]);
    expect((await ask(url, `{ clusters { ...A } } fragment A on Cluster { protocol { clusters { ...A } } }`)).errors).toEqual([
      { message: "query has fragment cycle including `A`" },
    ]);
  });
});

describe("size", () => {
  it("refuses a document with more tokens than GRAPH_GRAPHQL_MAX_TOKENS before parsing it", async () => {
    const { url } = await serve({ maxTokens: 1000 });
    // Two braces and the copies: 1000 tokens pass, 1001 do not.
    expect((await ask(url, `{ ${"__typename ".repeat(998)}}`)).data).toEqual({ __typename: "Query" });
    expect((await ask(url, `{ ${"__typename ".repeat(999)}}`)).errors).toEqual([
      { message: "query has more than the limit of `1000` tokens" },
    ]);
  });

  it("answers 1,500 copies of one field in time linear in the copies, and still refuses conflicting copies", async () => {
    const { url } = await serve();
    const copies = (n: number) => `{ ${"clusters(first: 2) { id name } ".repeat(n)}}`;
    const started = performance.now();
    const answer = await ask(url, copies(1500));
    const elapsedMs = performance.now() - started;
    expect(answer).toEqual({ data: { clusters: [{ id: "c-0", name: "cluster 0" }, { id: "c-1", name: "cluster 1" }] } });
    console.log(`1,500 copies of one field answered in ${elapsedMs.toFixed(0)} ms`);

    expect((await ask(url, `{ a: clusters(first: 1) { id } a: clusters(first: 2) { id } }`)).errors?.[0].message).toBe(
      'Fields "a" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.',
    );
    expect((await ask(url, `{ clusters(first: 1) { x: id } ...F } fragment F on Query { clusters(first: 1) { x: name } }`)).errors?.[0].message).toBe(
      'Fields "x" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.',
    );
  });

  it("refuses more expanded fields than GRAPH_GRAPHQL_MAX_FIELDS, counting fragments without expanding them", async () => {
    const { url } = await serve({ maxTokens: 100_000 });
    expect((await ask(url, `{ ${"clusters(first: 1) { id } ".repeat(2501)}}`)).errors).toEqual([
      { message: "query selects `5002` fields once its fragments are expanded and thereby exceeds the limit of `5000` fields" },
    ]);
    // Forty fragments each spreading the next twice under aliases: 2^40 fields once expanded.
    const chain = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Cluster { a: protocol { clusters(first: 1) { ...F${i + 1} } } b: protocol { clusters(first: 1) { ...F${i + 1} } } }`);
    const laughs = `{ clusters(first: 1) { ...F0 } } ${chain.join(" ")} fragment F40 on Cluster { id }`;
    const answer = await ask(url, laughs);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].message).toMatch(/^query selects `\d+` fields once its fragments are expanded/);
  });
});

describe("entities a query may return", () => {
  it("refuses a six-level fan-out of first: 1000 with graph-node's estimate and message", async () => {
    const { url } = await serve();
    const estimate = 3 + 3 * fanOutEstimate(6, 1000);
    expect((await ask(url, fanOut(6, 1000))).errors).toEqual([{
      message: `query potentially returns \`${estimate}\` entities or more and thereby exceeds the limit of \`1000000\` entities. ` +
        "Possible solutions are reducing the depth of the query, querying fewer relationships or using `first` to return smaller collections",
    }]);
  });

  it("counts a first given by a variable at its value, and checks first and skip ranges before execution", async () => {
    const { url } = await serve({ maxComplexity: 10_000, maxFirst: 50, maxSkip: 20 });
    const query = `query ($n: Int) { protocols(first: 3) { clusters(first: $n) { protocol { id } } } }`;
    expect((await ask(url, query, { n: 3 })).data!.protocols).toHaveLength(3);
    expect((await ask(url, query, { n: 50 })).errors).toBeUndefined();
    expect((await ask(url, fanOut(2, 50))).errors).toBeUndefined();
    expect((await ask(url, fanOut(3, 50))).errors?.[0].message).toMatch(
      new RegExp(`^query potentially returns \`${3 + 3 * fanOutEstimate(3, 50)}\` entities or more`),
    );
    expect((await ask(url, query, { n: 51 })).errors).toEqual([{ message: "The `first` argument must be between 0 and 50, but is 51" }]);
    expect((await ask(url, `{ clusters(first: 5, skip: 21) { id } }`)).errors).toEqual([{ message: "The `skip` argument must be between 0 and 20, but is 21" }]);
  });

  it("lets GraphiQL's introspection query through", async () => {
    const { url } = await serve();
    const answer = await ask(url, getIntrospectionQuery());
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.__schema.queryType.name).toBe("Query");
  });

  it("refuses an answer larger than GRAPH_GRAPHQL_ERROR_RESULT_SIZE bytes", async () => {
    const { url } = await serve({ maxResultBytes: 2000 });
    expect((await ask(url, `{ clusters(first: 10) { id } }`)).data!.clusters).toHaveLength(10);
    const answer = await ask(url, `{ clusters(first: 200) { id name } }`);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].message).toMatch(/^the result size of \d+ is larger than the allowed limit of 2000$/);
  });
});

describe("execution", () => {
  it("answers a heavy query in full when its limits allow it", async () => {
    const { service } = await serve(HEAVY_LIMITS);
    const started = performance.now();
    const result = await service.execute(HEAVY);
    console.log(`heavy query (${HEAVY_ROWS} rows) answered in ${(performance.now() - started).toFixed(0)} ms`);
    expect(result.errors).toBeUndefined();
    const rows = (result.data!.protocols as any[]).flatMap((p) => p.clusters.flatMap((c: any) => c.protocol.clusters));
    expect(rows).toHaveLength(HEAVY_ROWS);
  });

  it("stops a query at GRAPH_GRAPHQL_QUERY_TIMEOUT with graph-node's error and nothing else", async () => {
    const { url } = await serve({ ...HEAVY_LIMITS, timeoutMs: 100 });
    expect(await ask(url, HEAVY)).toEqual({ errors: [{ message: "Query timed out" }] });
  });

  it("answers a cheap query while a heavy one is still running", async () => {
    const { url } = await serve(HEAVY_LIMITS);
    let heavyDone = false;
    const started = performance.now();
    const heavy = ask(url, HEAVY).then((answer) => {
      heavyDone = true;
      return answer;
    });
    // Let the heavy query reach execution before the cheap one is sent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = performance.now();
    const cheap = await ask(url, `{ cluster(id: "c-7") { id name protocol { id } } }`);
    const cheapMs = performance.now() - sent;
    expect(cheap).toEqual({ data: { cluster: { id: "c-7", name: "cluster 7", protocol: { id: "p-1" } } } });
    expect(heavyDone).toBe(false);
    const answer = await heavy;
    console.log(`cheap query answered in ${cheapMs.toFixed(1)} ms while a heavy one ran ${(performance.now() - started).toFixed(0)} ms`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.protocols).toHaveLength(3);
  });

  it("answers a cheap query at once while a heavy one is refused", async () => {
    const { url } = await serve();
    const [refused, cheap] = await Promise.all([ask(url, fanOut(6, 1000)), ask(url, `{ protocol(id: "p-2") { name } }`)]);
    expect(refused.errors?.[0].message).toMatch(/^query potentially returns/);
    expect(cheap).toEqual({ data: { protocol: { name: "protocol 2" } } });
  });
});
