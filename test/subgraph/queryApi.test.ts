/**
 * The runner's query server against graph-node's query API: a fixture schema with every scalar, an enum, lists,
 * references and derived fields; a store of a few thousand entities; the real HTTP server on a free port, queried
 * with `fetch`. Expected answers are computed independently from the fixture records in plain TypeScript.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSchema } from "../../runner/src/schema";
import { EntityStore } from "../../runner/src/store";
import { BigDecimal, bytesToHex, NULL, ValueKind, type Entity, type Value } from "../../runner/src/values";
import { createQueryService, queryFieldNames, serveQueries, type IndexingMeta, type QueryService } from "../../runner/src/query";

// ---- fixture records -------------------------------------------------------------------------------------------

const CLUSTERS = 3000;
const HOLDERS = 40;
const SNAPSHOTS = 5000;
const STATUSES = ["PENDING", "ACTIVE", "RETIRED"] as const;
const NAME_WORDS = ["Alpha", "beta", "GAMMA", "delta_x", "Epsilon"];

interface ClusterRecord {
  id: string;
  protocol: string;
  name: string;
  status: (typeof STATUSES)[number];
  gpuCount: number;
  totalShares: bigint;
  pricePerShare: BigDecimal;
  operator: Uint8Array;
  nonce: bigint;
  createdAt: bigint;
  verified: boolean;
  tags: string[];
  description: string | null;
  owner: string | null;
}

interface HolderRecord {
  id: string;
  label: string | null;
  balance: bigint;
  clusters: string[];
}

interface SnapshotRecord {
  id: string;
  cluster: string;
  day: number;
  rent: BigDecimal;
}

const PROTOCOLS = [
  { id: "p-0", name: "Gamma" },
  { id: "p-1", name: "alpha" },
  { id: "p-2", name: "Beta" },
];

const holderId = (h: number): string => "0x" + (h + 1).toString(16).padStart(2, "0").repeat(20);

const holders: HolderRecord[] = Array.from({ length: HOLDERS }, (_, h) => ({
  id: holderId(h),
  label: h % 4 === 3 ? null : h < 5 ? `whale-${h}` : `holder-${h}`,
  balance: BigInt(h) * 10n ** BigInt(h % 6),
  // Clusters below 400 each have one holder (j % 40); holder 0 also holds c-1, which so has two.
  clusters: [...Array.from({ length: 10 }, (_, k) => `c-${h + 40 * k}`), ...(h === 0 ? ["c-1"] : [])],
}));

const clusters: ClusterRecord[] = Array.from({ length: CLUSTERS }, (_, i) => ({
  id: `c-${i}`,
  protocol: PROTOCOLS[i % 3].id,
  name: `${NAME_WORDS[i % 5]} ${i}`,
  status: STATUSES[(i >> 1) % 3],
  gpuCount: (i * 37) % 101,
  totalShares: BigInt(i % 97) * 10n ** BigInt(i % 7),
  pricePerShare: BigDecimal.fromString(`${(i * 13) % 40}.${String((i % 4) * 25).padStart(2, "0")}`),
  operator: new Uint8Array([i % 256, (i >> 8) & 0xff, 0xca, 0xfe]),
  nonce: BigInt(i - 1500) * 1_000_000_007n,
  createdAt: 1_700_000_000_000_000n + BigInt(i) * 3_600_000_000n,
  verified: i % 4 === 0,
  tags: i % 6 === 0 ? [] : ["gpu", `tier${i % 3}`, ...(i % 5 === 0 ? ["Hopper"] : [])],
  description: i % 3 === 0 ? null : `desc ${i}`,
  // Every tenth cluster has no owner; c-7 points to a holder that does not exist.
  owner: i % 10 === 0 ? null : i === 7 ? "0xdead" : holderId(i % HOLDERS),
}));

const snapshots: SnapshotRecord[] = Array.from({ length: SNAPSHOTS }, (_, k) => ({
  id: `s-${k}`,
  cluster: `c-${k % 500}`,
  day: k,
  rent: BigDecimal.fromString(`${Math.floor(k / 50) % 100}.5`),
}));

const str = (value: string): Value => ({ kind: ValueKind.String, value });
const bytes = (hex: string): Value => ({ kind: ValueKind.Bytes, value: new Uint8Array(Buffer.from(hex.slice(2), "hex")) });
const orNull = <T>(value: T | null, wrap: (v: T) => Value): Value => (value === null ? NULL : wrap(value));

function populate(store: EntityStore): void {
  for (const p of PROTOCOLS) store.set("Protocol", p.id, new Map([["name", str(p.name)]]));
  for (const h of holders) {
    store.set("Holder", h.id, new Map<string, Value>([
      ["label", orNull(h.label, str)],
      ["balance", { kind: ValueKind.BigInt, value: h.balance }],
      ["clusters", { kind: ValueKind.Array, value: h.clusters.map(str) }],
    ]));
  }
  for (const c of clusters) {
    const entity: Entity = new Map<string, Value>([
      ["protocol", str(c.protocol)],
      ["name", str(c.name)],
      ["status", str(c.status)],
      ["gpuCount", { kind: ValueKind.Int, value: c.gpuCount }],
      ["totalShares", { kind: ValueKind.BigInt, value: c.totalShares }],
      ["pricePerShare", { kind: ValueKind.BigDecimal, value: c.pricePerShare }],
      ["operator", { kind: ValueKind.Bytes, value: c.operator }],
      ["nonce", { kind: ValueKind.Int8, value: c.nonce }],
      ["createdAt", { kind: ValueKind.Timestamp, value: c.createdAt }],
      ["verified", { kind: ValueKind.Bool, value: c.verified }],
      ["tags", { kind: ValueKind.Array, value: c.tags.map(str) }],
      ["description", orNull(c.description, str)],
      ["owner", orNull(c.owner, bytes)],
    ]);
    store.set("Cluster", c.id, entity);
  }
  for (const s of snapshots) {
    store.set("DailySnapshot", s.id, new Map<string, Value>([
      ["cluster", str(s.cluster)],
      ["day", { kind: ValueKind.Int, value: s.day }],
      ["rent", { kind: ValueKind.BigDecimal, value: s.rent }],
    ]));
  }
}

// ---- independent expectations ----------------------------------------------------------------------------------

/** Postgres "C" collation on ASCII: plain code unit order. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byBigInt = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const byBytes = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const hex = bytesToHex;

/** Ids of the clusters satisfying `predicate`, in graph-node's default order (id ascending, as text). */
function expectedIds(predicate: (c: ClusterRecord) => boolean): string[] {
  return clusters.filter(predicate).map((c) => c.id).sort(byText);
}

/** Cluster ids sorted by `key` (`compare`), ties by id, in `direction`; NULL keys last ascending, first descending. */
function expectedOrder<K>(key: (c: ClusterRecord) => K | null, compare: (a: K, b: K) => number, direction: "asc" | "desc"): string[] {
  const sign = direction === "asc" ? 1 : -1;
  return [...clusters]
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const order = x === null || y === null ? (x === null ? 1 : 0) - (y === null ? 1 : 0) : compare(x, y);
      return sign * (order || byText(a.id, b.id));
    })
    .map((c) => c.id);
}

const holderById = new Map(holders.map((h) => [h.id, h]));
const protocolName = (c: ClusterRecord): string => PROTOCOLS.find((p) => p.id === c.protocol)!.name;
const ownerOf = (c: ClusterRecord): HolderRecord | null => (c.owner ? holderById.get(c.owner) ?? null : null);

// ---- the server --------------------------------------------------------------------------------------------------

let meta: IndexingMeta = {
  block: { number: 120, hash: "0x" + "ab".repeat(32), timestamp: 1_700_000_000 },
  deployment: "QmQueryFixture",
  hasIndexingErrors: false,
};
let service: QueryService;
let server: { url: string; close(): Promise<void> };

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: unknown[] }>;
}

async function post<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  return (await response.json()) as GraphQLResponse<T>;
}

/** The data of a query that must succeed. */
async function data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await post<T>(query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as T;
}

/** The first error message of a query that must fail. */
async function errorOf(query: string, variables?: Record<string, unknown>): Promise<string> {
  const result = await post(query, variables);
  expect(result.errors?.length, `expected an error from ${query}`).toBeGreaterThan(0);
  return result.errors![0].message;
}

/** Every cluster id matching `where` (a `Cluster_filter` literal), fetched 1000 at a time by `id_gt`. */
async function allClusterIds(where: string): Promise<string[]> {
  const ids: string[] = [];
  let after = "";
  for (;;) {
    const page = await data<{ clusters: Array<{ id: string }> }>(
      `query ($after: ID!) { clusters(first: 1000, where: { and: [{ id_gt: $after }, ${where}] }) { id } }`,
      { after },
    );
    ids.push(...page.clusters.map((c) => c.id));
    if (page.clusters.length < 1000) return ids;
    after = ids[ids.length - 1];
  }
}

beforeAll(async () => {
  const schema = loadSchema(readFileSync(join(__dirname, "fixtures/query/schema.graphql"), "utf8"));
  const store = new EntityStore(schema);
  populate(store);
  service = createQueryService({ store, schema, meta: () => meta });
  server = await serveQueries({ service, name: "clustershare/fixture", port: 0 });
});

afterAll(async () => {
  await server?.close();
});

// ---- tests -------------------------------------------------------------------------------------------------------

describe("generated schema", () => {
  it("names root fields like graph-node (inflector pluralization, camel case)", async () => {
    const cases: Array<[string, string, string]> = [
      ["Cluster", "cluster", "clusters"],
      ["Entity", "entity", "entities"],
      ["DailySnapshot", "dailySnapshot", "dailySnapshots"],
      ["Status", "status", "statuses"],
      ["RedemptionRequest", "redemptionRequest", "redemptionRequests"],
      ["Protocol", "protocol", "protocols"],
      ["Box", "box", "boxes"],
      // inflector's rules are case-sensitive and graph-node applies them to the PascalCase type name.
      ["Person", "person", "persons"],
      // ... and reproduce its bugs: its people rule keeps the whole word (whatisinternet/Inflector#73, unmerged).
      ["person", "person", "personople"],
      ["ERC20Token", "erc20Token", "erc20Tokens"],
    ];
    for (const [type, single, collection] of cases) expect(queryFieldNames(type)).toEqual({ single, collection });

    const { __schema } = await data<{ __schema: { queryType: { fields: Array<{ name: string }> } } }>(
      "{ __schema { queryType { fields { name } } } }",
    );
    expect(__schema.queryType.fields.map((f) => f.name)).toEqual([
      "protocol", "protocols", "cluster", "clusters", "holder", "holders", "dailySnapshot", "dailySnapshots", "_meta",
    ]);
  });

  it("generates graph-node's filter fields, orderBy values and argument types", async () => {
    const result = await data<Record<string, { inputFields?: Array<{ name: string }>; enumValues?: Array<{ name: string }> }>>(`{
      filter: __type(name: "Cluster_filter") { inputFields { name } }
      orderBy: __type(name: "Cluster_orderBy") { enumValues { name } }
      direction: __type(name: "OrderDirection") { enumValues { name } }
      holderFilter: __type(name: "Holder_filter") { inputFields { name } }
    }`);
    const filter = result.filter.inputFields!.map((f) => f.name);
    expect(filter).toEqual(expect.arrayContaining([
      "id", "id_gt", "id_in", "name_contains_nocase", "name_not_ends_with_nocase", "status", "status_not_in",
      "totalShares_gte", "pricePerShare_lt", "operator_contains", "operator_not_contains", "operator_gt", "nonce_lte",
      "createdAt_gt", "verified_in", "tags", "tags_not", "tags_contains", "tags_contains_nocase", "tags_not_contains_nocase",
      "protocol", "protocol_starts_with", "protocol_", "owner", "owner_in", "owner_", "snapshots_", "holders_", "and", "or",
    ]));
    for (const absent of ["status_gt", "verified_gt", "operator_starts_with", "snapshots", "snapshots_contains", "holders", "tags_in"]) {
      expect(filter).not.toContain(absent);
    }
    expect(result.holderFilter.inputFields!.map((f) => f.name)).toEqual(expect.arrayContaining(["clusters_contains", "clusters_"]));
    const orderBy = result.orderBy.enumValues!.map((v) => v.name);
    expect(orderBy).toEqual(expect.arrayContaining(["id", "totalShares", "protocol", "protocol__name", "owner__label", "owner__balance", "tags"]));
    expect(orderBy).not.toContain("owner__clusters");
    expect(orderBy).not.toContain("protocol__clusters");
    expect(result.direction.enumValues!.map((v) => v.name)).toEqual(["asc", "desc"]);
  });
});

describe("single entities", () => {
  it("returns every scalar as graph-node prints it", async () => {
    const { cluster } = await data(`{
      cluster(id: "c-25") {
        id name status gpuCount totalShares pricePerShare operator nonce createdAt verified tags description
        protocol { id name } owner { id label }
      }
    }`);
    const c = clusters[25];
    expect(cluster).toEqual({
      id: "c-25",
      name: c.name,
      status: c.status,
      gpuCount: c.gpuCount,
      totalShares: c.totalShares.toString(),
      pricePerShare: c.pricePerShare.toString(),
      operator: hex(c.operator),
      nonce: c.nonce.toString(),
      createdAt: c.createdAt.toString(),
      verified: c.verified,
      tags: c.tags,
      description: c.description,
      protocol: { id: "p-1", name: "alpha" },
      owner: { id: c.owner, label: ownerOf(c)!.label },
    });
  });

  it("returns null for unknown ids and dangling references, and reads Bytes ids in any case", async () => {
    const result = await data(`{
      missing: cluster(id: "c-999999") { id }
      dangling: cluster(id: "c-7") { owner { id } }
      holder(id: "${holders[2].id.toUpperCase().replace("0X", "0x")}") { id label balance }
    }`);
    expect(result.missing).toBeNull();
    expect(result.dangling).toEqual({ owner: null });
    expect(result.holder).toEqual({ id: holders[2].id, label: holders[2].label, balance: holders[2].balance.toString() });
  });
});

describe("collection filters", () => {
  const cases: Array<[string, (c: ClusterRecord) => boolean]> = [
    // String
    [`{ name: "Alpha 5" }`, (c) => c.name === "Alpha 5"],
    [`{ name_not: "Alpha 5" }`, (c) => c.name !== "Alpha 5"],
    [`{ name_gte: "GAMMA", name_lt: "GAMMA 2" }`, (c) => c.name >= "GAMMA" && c.name < "GAMMA 2"],
    [`{ name_in: ["Alpha 0", "beta 1", "nope"] }`, (c) => ["Alpha 0", "beta 1"].includes(c.name)],
    [`{ name_not_in: ["Alpha 0", "beta 1"] }`, (c) => !["Alpha 0", "beta 1"].includes(c.name)],
    [`{ name_contains: "ta 12" }`, (c) => c.name.includes("ta 12")],
    [`{ name_contains: "alpha" }`, (c) => c.name.includes("alpha")],
    [`{ name_contains_nocase: "ALPHA 1" }`, (c) => c.name.toLowerCase().includes("alpha 1")],
    [`{ name_not_contains: "a" }`, (c) => !c.name.includes("a")],
    [`{ name_not_contains_nocase: "A" }`, (c) => !c.name.toLowerCase().includes("a")],
    [`{ name_starts_with: "Eps" }`, (c) => c.name.startsWith("Eps")],
    [`{ name_starts_with_nocase: "eps" }`, (c) => c.name.toLowerCase().startsWith("eps")],
    [`{ name_not_starts_with: "E" }`, (c) => !c.name.startsWith("E")],
    [`{ name_not_starts_with_nocase: "e" }`, (c) => !c.name.toLowerCase().startsWith("e")],
    [`{ name_ends_with: "99" }`, (c) => c.name.endsWith("99")],
    [`{ name_ends_with_nocase: "a 12" }`, (c) => c.name.toLowerCase().endsWith("a 12")],
    [`{ name_not_ends_with: "0" }`, (c) => !c.name.endsWith("0")],
    [`{ name_not_ends_with_nocase: "A 1" }`, (c) => !c.name.toLowerCase().endsWith("a 1")],
    // graph-node filters strings with SQL LIKE, so `_` matches any one character.
    [`{ name_starts_with: "Alph_ 1" }`, (c) => /^Alph. 1/.test(c.name)],
    // Nullable: only `null` tests for NULL; other comparisons never match a NULL column.
    [`{ description: null }`, (c) => c.description === null],
    [`{ description_not: null }`, (c) => c.description !== null],
    [`{ description_not: "desc 4" }`, (c) => c.description !== null && c.description !== "desc 4"],
    [`{ description_not_starts_with: "desc 1" }`, (c) => c.description !== null && !c.description.startsWith("desc 1")],
    // Int
    [`{ gpuCount: 50 }`, (c) => c.gpuCount === 50],
    [`{ gpuCount_not: 50 }`, (c) => c.gpuCount !== 50],
    [`{ gpuCount_gt: 90 }`, (c) => c.gpuCount > 90],
    [`{ gpuCount_gte: 90 }`, (c) => c.gpuCount >= 90],
    [`{ gpuCount_lt: 3 }`, (c) => c.gpuCount < 3],
    [`{ gpuCount_lte: 3 }`, (c) => c.gpuCount <= 3],
    [`{ gpuCount_in: [1, 2, 3] }`, (c) => [1, 2, 3].includes(c.gpuCount)],
    [`{ gpuCount_not_in: [1, 2, 3] }`, (c) => ![1, 2, 3].includes(c.gpuCount)],
    // BigInt compares numerically ("9" < "10"), and accepts int literals
    [`{ totalShares_gt: "9" }`, (c) => c.totalShares > 9n],
    [`{ totalShares_lte: "10" }`, (c) => c.totalShares <= 10n],
    [`{ totalShares_gte: 1000000 }`, (c) => c.totalShares >= 1_000_000n],
    [`{ totalShares_lt: "100000000" totalShares_not: "0" }`, (c) => c.totalShares < 100_000_000n && c.totalShares !== 0n],
    [`{ totalShares_in: ["0", "100", "9000000"] }`, (c) => [0n, 100n, 9_000_000n].includes(c.totalShares)],
    // BigDecimal compares by value ("9.5" < "10.25"); accepts int and float literals
    [`{ pricePerShare_gt: "9.5" }`, (c) => c.pricePerShare.compare(BigDecimal.fromString("9.5")) > 0],
    [`{ pricePerShare: "12.000" }`, (c) => c.pricePerShare.equals(BigDecimal.fromString("12"))],
    [`{ pricePerShare_lt: 1 }`, (c) => c.pricePerShare.compare(BigDecimal.fromString("1")) < 0],
    [`{ pricePerShare_gte: 38.75 }`, (c) => c.pricePerShare.compare(BigDecimal.fromString("38.75")) >= 0],
    // Bytes: hex in any case, byte-wise order, byte substrings
    [`{ operator: "0x0501CAFE" }`, (c) => hex(c.operator) === "0x0501cafe"],
    [`{ operator_not: "0x0501cafe" }`, (c) => hex(c.operator) !== "0x0501cafe"],
    [`{ operator_in: ["0x0000cafe", "0x0a0bcafe"] }`, (c) => ["0x0000cafe", "0x0a0bcafe"].includes(hex(c.operator))],
    [`{ operator_gt: "0xff" }`, (c) => byBytes(c.operator, new Uint8Array([0xff])) > 0],
    [`{ operator_lte: "0x0201" }`, (c) => byBytes(c.operator, new Uint8Array([0x02, 0x01])) <= 0],
    [`{ operator_contains: "0x0b0a" }`, (c) => hex(c.operator).slice(2).match(/../g)!.join(",").includes("0b,0a")],
    [`{ operator_not_contains: "0x00" }`, (c) => !c.operator.includes(0)],
    // Int8 (beyond 32 bits, negative) and Timestamp, as strings or numbers
    [`{ nonce_gt: "0" }`, (c) => c.nonce > 0n],
    [`{ nonce_lt: -500000000000 }`, (c) => c.nonce < -500_000_000_000n],
    [`{ createdAt_gte: "1700003600000000" }`, (c) => c.createdAt >= 1_700_003_600_000_000n],
    [`{ createdAt_lt: 1700007200000000 }`, (c) => c.createdAt < 1_700_007_200_000_000n],
    // Boolean
    [`{ verified: true }`, (c) => c.verified],
    [`{ verified_not: true }`, (c) => !c.verified],
    [`{ verified_in: [false] }`, (c) => !c.verified],
    // Enum
    [`{ status: ACTIVE }`, (c) => c.status === "ACTIVE"],
    [`{ status_not: ACTIVE }`, (c) => c.status !== "ACTIVE"],
    [`{ status_in: [PENDING, RETIRED] }`, (c) => c.status !== "ACTIVE"],
    [`{ status_not_in: [PENDING] }`, (c) => c.status !== "PENDING"],
    // Empty `_in`/`_not_in` lists match nothing in graph-node
    [`{ gpuCount_in: [] }`, () => false],
    [`{ gpuCount_not_in: [] }`, () => false],
    // Lists: equality, "contains all of", "contains none of"; graph-node ignores `_nocase` on lists
    [`{ tags: [] }`, (c) => c.tags.length === 0],
    [`{ tags: ["gpu", "tier1"] }`, (c) => c.tags.join() === "gpu,tier1"],
    [`{ tags_not: [] }`, (c) => c.tags.length > 0],
    [`{ tags_contains: ["Hopper"] }`, (c) => c.tags.includes("Hopper")],
    [`{ tags_contains: ["tier2", "Hopper"] }`, (c) => c.tags.includes("tier2") && c.tags.includes("Hopper")],
    [`{ tags_contains_nocase: ["hopper"] }`, () => false],
    [`{ tags_not_contains: ["tier0", "Hopper"] }`, (c) => !c.tags.includes("tier0") && !c.tags.includes("Hopper")],
    [`{ tags_not_contains_nocase: ["tier1"] }`, (c) => !c.tags.includes("tier1")],
    // References by id (String and Bytes ids)
    [`{ protocol: "p-1" }`, (c) => c.protocol === "p-1"],
    [`{ protocol_not: "p-1" }`, (c) => c.protocol !== "p-1"],
    [`{ protocol_in: ["p-0", "p-2"] }`, (c) => c.protocol !== "p-1"],
    [`{ protocol_ends_with: "2" }`, (c) => c.protocol.endsWith("2")],
    [`{ owner: "${holders[3].id.toUpperCase().replace("0X", "0x")}" }`, (c) => c.owner === holders[3].id],
    [`{ owner: null }`, (c) => c.owner === null],
    [`{ owner_not: null }`, (c) => c.owner !== null],
    // Nested filters on references: some related entity matches
    [`{ protocol_: { name: "alpha" } }`, (c) => protocolName(c) === "alpha"],
    [`{ owner_: { label_starts_with: "whale" } }`, (c) => ownerOf(c)?.label?.startsWith("whale") ?? false],
    [`{ owner_: { balance_gt: "1000" } }`, (c) => (ownerOf(c)?.balance ?? 0n) > 1000n],
    // ... and on derived fields, from a single reference and from a list reference
    [`{ snapshots_: { rent_gte: "99" } }`, (c) => snapshots.some((s) => s.cluster === c.id && s.rent.compare(BigDecimal.fromString("99")) >= 0)],
    [`{ holders_: { label: "whale-1" } }`, (c) => holders.some((h) => h.label === "whale-1" && h.clusters.includes(c.id))],
    // and / or
    [`{ or: [{ gpuCount: 1 }, { name: "Alpha 5" }] }`, (c) => c.gpuCount === 1 || c.name === "Alpha 5"],
    [
      `{ and: [{ gpuCount_gt: 10 }, { or: [{ verified: true }, { status: RETIRED }] }] }`,
      (c) => c.gpuCount > 10 && (c.verified || c.status === "RETIRED"),
    ],
    [`{ or: [{ protocol_: { name: "Beta" } }, { owner: null }] }`, (c) => protocolName(c) === "Beta" || c.owner === null],
  ];

  it.each(cases)("where %s", async (where, predicate) => {
    expect(await allClusterIds(where)).toEqual(expectedIds(predicate));
  });

  it("compares BigInt numerically where a string comparison would differ", async () => {
    const numeric = expectedIds((c) => c.totalShares > 9n);
    const lexical = expectedIds((c) => c.totalShares.toString() > "9");
    expect(numeric).not.toEqual(lexical);
    expect(await allClusterIds(`{ totalShares_gt: "9" }`)).toEqual(numeric);
  });

  it("filters other entity types: list references, derived collections, immutable types", async () => {
    const result = await data(`{
      holders(where: { clusters_contains: ["c-1"] }) { id }
      withRetired: holders(where: { clusters_: { status: RETIRED, gpuCount_gt: 95 } }) { id }
      protocols(where: { clusters_: { gpuCount: 100, verified: true } }) { id }
      dailySnapshots(where: { cluster: "c-1", rent_gt: "50" }, orderBy: day, orderDirection: desc) { id day }
    }`);
    expect(result.holders.map((h: { id: string }) => h.id)).toEqual([holders[0].id, holders[1].id]);
    expect(result.withRetired.map((h: { id: string }) => h.id)).toEqual(
      holders.filter((h) => h.clusters.some((id) => {
        const c = clusters.find((x) => x.id === id)!;
        return c.status === "RETIRED" && c.gpuCount > 95;
      })).map((h) => h.id).sort(byText),
    );
    expect(result.protocols.map((p: { id: string }) => p.id)).toEqual(
      PROTOCOLS.filter((p) => clusters.some((c) => c.protocol === p.id && c.gpuCount === 100 && c.verified)).map((p) => p.id),
    );
    expect(result.dailySnapshots).toEqual(
      snapshots.filter((s) => s.cluster === "c-1" && s.rent.compare(BigDecimal.fromString("50")) > 0)
        .sort((a, b) => b.day - a.day).map((s) => ({ id: s.id, day: s.day })),
    );
  });

  it("refuses the filters graph-node refuses", async () => {
    expect(await errorOf(`{ clusters(where: { or: [{ gpuCount: 1 }], verified: true }) { id } }`)).toMatch(
      /^Cannot mix column filters with 'or' operator at the same level\. Found column filter\(s\) 'verified'/,
    );
    expect(await errorOf(`{ clusters(where: { owner_: { clusters_: { gpuCount: 1 } } }) { id } }`)).toBe(
      "Child filters can not be nested",
    );
    expect(await errorOf(`{ clusters(where: { totalShares_gt: "12abc" }) { id } }`)).toMatch(/Failed to decode `BigInt` value/);
    expect(await errorOf(`{ clusters(where: { operator: "0xzz" }) { id } }`)).toMatch(/Failed to decode `Bytes` value/);
    expect(await errorOf(`{ clusters(where: { nope: 1 }) { id } }`)).toMatch(/"nope" is not defined by type "Cluster_filter"/);
    expect(await errorOf(`{ clusters(where: { name_in: null }) { id } }`)).toBe("Non-list value passed to `_in` filter");
    expect(await errorOf(`{ clusters(where: { gpuCount_gt: null }) { id } }`)).toMatch(/Unsupported filter `gpuCount_gt`/);
  });
});

describe("ordering", () => {
  async function order(args: string): Promise<string[]> {
    const { clusters: page } = await data<{ clusters: Array<{ id: string }> }>(`{ clusters(first: 1000, ${args}) { id } }`);
    return page.map((c) => c.id);
  }

  it("orders numbers numerically, strings by code point, enums by declaration, ties by id", async () => {
    expect(await order("orderBy: totalShares, orderDirection: desc")).toEqual(
      expectedOrder((c) => c.totalShares, byBigInt, "desc").slice(0, 1000),
    );
    expect(await order("orderBy: totalShares")).toEqual(expectedOrder((c) => c.totalShares, byBigInt, "asc").slice(0, 1000));
    expect(await order("orderBy: pricePerShare, orderDirection: asc")).toEqual(
      expectedOrder((c) => c.pricePerShare, (a, b) => a.compare(b), "asc").slice(0, 1000),
    );
    expect(await order("orderBy: nonce")).toEqual(expectedOrder((c) => c.nonce, byBigInt, "asc").slice(0, 1000));
    expect(await order("orderBy: createdAt, orderDirection: desc")).toEqual(
      expectedOrder((c) => c.createdAt, byBigInt, "desc").slice(0, 1000),
    );
    expect(await order("orderBy: gpuCount")).toEqual(expectedOrder((c) => c.gpuCount, (a, b) => a - b, "asc").slice(0, 1000));
    expect(await order("orderBy: operator, orderDirection: desc")).toEqual(
      expectedOrder((c) => c.operator, byBytes, "desc").slice(0, 1000),
    );
    expect(await order("orderBy: name")).toEqual(expectedOrder((c) => c.name, byText, "asc").slice(0, 1000));
    const rank = (s: string): number => STATUSES.indexOf(s as (typeof STATUSES)[number]);
    expect(await order("orderBy: status, orderDirection: desc")).toEqual(
      expectedOrder((c) => rank(c.status), (a, b) => a - b, "desc").slice(0, 1000),
    );
  });

  it("puts NULLs last ascending and first descending", async () => {
    expect(await order("orderBy: description")).toEqual(expectedOrder((c) => c.description, byText, "asc").slice(0, 1000));
    const descending = await order("orderBy: description, orderDirection: desc");
    expect(descending).toEqual(expectedOrder((c) => c.description, byText, "desc").slice(0, 1000));
    expect(clusters.find((c) => c.id === descending[0])!.description).toBeNull();
  });

  it("orders by a reference's id and by fields of the referenced entity", async () => {
    expect(await order("orderBy: owner")).toEqual(expectedOrder((c) => c.owner, byText, "asc").slice(0, 1000));
    expect(await order("orderBy: protocol__name")).toEqual(expectedOrder(protocolName, byText, "asc").slice(0, 1000));
    expect(await order("orderBy: owner__label, orderDirection: desc")).toEqual(
      expectedOrder((c) => ownerOf(c)?.label ?? null, byText, "desc").slice(0, 1000),
    );
    expect(await order("orderBy: owner__balance")).toEqual(
      expectedOrder((c) => ownerOf(c)?.balance ?? null, byBigInt, "asc").slice(0, 1000),
    );
  });

  it("ignores orderDirection without orderBy (id ascending), and refuses list fields", async () => {
    expect(await order("orderDirection: desc")).toEqual(clusters.map((c) => c.id).sort(byText).slice(0, 1000));
    expect(await order("orderBy: id, orderDirection: desc")).toEqual(clusters.map((c) => c.id).sort(byText).reverse().slice(0, 1000));
    expect(await errorOf("{ clusters(orderBy: tags) { id } }")).toBe("Ordering by `tags` is not supported for type `Cluster`");
    expect(await errorOf("{ clusters(orderBy: snapshots) { id } }")).toBe(
      "Ordering by `snapshots` is not supported for type `Cluster`",
    );
  });
});

describe("pagination", () => {
  it("returns the first 100 by id (as text) by default", async () => {
    const { clusters: page } = await data<{ clusters: Array<{ id: string }> }>("{ clusters { id } }");
    const sorted = clusters.map((c) => c.id).sort(byText);
    expect(page.map((c) => c.id)).toEqual(sorted.slice(0, 100));
    expect(sorted.indexOf("c-10")).toBeLessThan(sorted.indexOf("c-9"));
  });

  it("enforces graph-node's ranges for first and skip", async () => {
    expect(await errorOf("{ clusters(first: 1001) { id } }")).toBe("The `first` argument must be between 0 and 1000, but is 1001");
    expect(await errorOf("{ clusters(first: -1) { id } }")).toBe("The `first` argument must be between 0 and 1000, but is -1");
    expect(await errorOf("{ clusters(skip: 5001) { id } }")).toBe("The `skip` argument must be between 0 and 5000, but is 5001");
    expect(await errorOf(`{ protocol(id: "p-0") { clusters(first: 2000) { id } } }`)).toBe(
      "The `first` argument must be between 0 and 1000, but is 2000",
    );
    expect((await data("{ clusters(first: 0) { id } }")).clusters).toEqual([]);
  });

  it("pages with skip", async () => {
    const { clusters: page } = await data<{ clusters: Array<{ id: string }> }>(
      "{ clusters(first: 50, skip: 120, orderBy: gpuCount, orderDirection: desc) { id } }",
    );
    expect(page.map((c) => c.id)).toEqual(expectedOrder((c) => c.gpuCount, (a, b) => a - b, "desc").slice(120, 170));
  });

  it("collects every row exactly once past 1000 with id_gt", async () => {
    const ids: string[] = [];
    let after = "";
    let pages = 0;
    for (;;) {
      const { clusters: page } = await data<{ clusters: Array<{ id: string }> }>(
        `query ($after: ID!) { clusters(first: 1000, where: { id_gt: $after }) { id } }`,
        { after },
      );
      pages++;
      ids.push(...page.map((c) => c.id));
      if (page.length < 1000) break;
      after = page[page.length - 1].id;
    }
    expect(pages).toBe(4);
    expect(ids).toHaveLength(CLUSTERS);
    expect(new Set(ids).size).toBe(CLUSTERS);
    expect(ids).toEqual(clusters.map((c) => c.id).sort(byText));
  });

  it("pages through 5,000 entities by a non-id field with _gt", async () => {
    const days: number[] = [];
    let after = -1;
    for (;;) {
      const { dailySnapshots: page } = await data<{ dailySnapshots: Array<{ day: number }> }>(
        `query ($after: Int!) { dailySnapshots(first: 1000, orderBy: day, where: { day_gt: $after }) { day } }`,
        { after },
      );
      days.push(...page.map((s) => s.day));
      if (page.length < 1000) break;
      after = page[page.length - 1].day;
    }
    expect(days).toEqual(snapshots.map((s) => s.day));
  });
});

describe("relations", () => {
  it("resolves references, list references and derived fields, with collection arguments", async () => {
    const { protocol, holder, cluster } = await data(`{
      protocol(id: "p-1") {
        clusters(first: 5, orderBy: gpuCount, orderDirection: desc, where: { verified: true }) { id gpuCount protocol { id } }
      }
      holder(id: "${holders[1].id}") {
        clusters(where: { status_not: PENDING }, orderBy: name) { id }
        skipped: clusters(skip: 8) { id }
      }
      cluster(id: "c-1") {
        holders { id }
        snapshots(first: 3, orderBy: day, orderDirection: desc) { day cluster { id } }
      }
    }`);
    const verified = clusters.filter((c) => c.protocol === "p-1" && c.verified)
      .sort((a, b) => b.gpuCount - a.gpuCount || byText(b.id, a.id)).slice(0, 5);
    expect(protocol.clusters).toEqual(verified.map((c) => ({ id: c.id, gpuCount: c.gpuCount, protocol: { id: "p-1" } })));
    const held = holders[1].clusters.map((id) => clusters.find((c) => c.id === id)!);
    expect(holder.clusters.map((c: { id: string }) => c.id)).toEqual(
      held.filter((c) => c.status !== "PENDING").sort((a, b) => byText(a.name, b.name)).map((c) => c.id),
    );
    expect(holder.skipped.map((c: { id: string }) => c.id)).toEqual(held.map((c) => c.id).sort(byText).slice(8));
    expect(cluster.holders.map((h: { id: string }) => h.id)).toEqual([holders[0].id, holders[1].id]);
    expect(cluster.snapshots).toEqual(
      snapshots.filter((s) => s.cluster === "c-1").sort((a, b) => b.day - a.day).slice(0, 3)
        .map((s) => ({ day: s.day, cluster: { id: "c-1" } })),
    );
  });
});

describe("_meta and block constraints", () => {
  it("reports the indexing status", async () => {
    expect(await data("{ _meta { block { number hash timestamp } deployment hasIndexingErrors } }")).toEqual({
      _meta: { block: meta.block, deployment: "QmQueryFixture", hasIndexingErrors: false },
    });
    meta = { ...meta, block: { ...meta.block!, number: 121 }, hasIndexingErrors: true };
    const { _meta } = await data("{ _meta { block { number } hasIndexingErrors } }");
    expect(_meta).toEqual({ block: { number: 121 }, hasIndexingErrors: true });
    // A store written outside blocks has no history: only its head can be queried (time travel: test/runner/).
    expect(await errorOf("{ _meta(block: { number: 100 }) { block { number hash } } }")).toBe(
      "Failed to decode `block.number` value: `subgraph QmQueryFixture only has data starting at block number 121 " +
        "and data for block number 100 is therefore not available`",
    );
  });

  it("answers constraints the latest block satisfies and refuses the others", async () => {
    const head = meta.block!;
    const ids = async (block: string): Promise<number> =>
      (await data(`{ clusters(first: 3, block: ${block}) { id } }`)).clusters.length;
    expect(await ids(`{ number: ${head.number} }`)).toBe(3);
    expect(await ids(`{ number_gte: ${head.number - 10} }`)).toBe(3);
    expect(await ids(`{ hash: "${head.hash.toUpperCase().replace("0X", "0x")}" }`)).toBe(3);
    expect(await errorOf(`{ clusters(block: { number: ${head.number + 1} }) { id } }`)).toBe(
      `Failed to decode \`block.number\` value: \`subgraph QmQueryFixture has only indexed up to block number ${head.number} ` +
        `and data for block number ${head.number + 1} is therefore not yet available\``,
    );
    expect(await errorOf(`{ cluster(id: "c-1", block: { number: ${head.number - 1} }) { id } }`)).toMatch(
      new RegExp(`only has data starting at block number ${head.number} and data for block number ${head.number - 1} is therefore not available`),
    );
    expect(await errorOf(`{ clusters(block: { hash: "0x1234" }) { id } }`)).toMatch(/no block with that hash found/);
    expect(await data(`{ clusters(first: 1, subgraphError: allow) { id } }`)).toEqual({ clusters: [{ id: "c-0" }] });
  });
});

describe("bad requests", () => {
  it("answers GraphQL errors with HTTP 200 and keeps serving", async () => {
    expect(await errorOf("{ clusters { id ")).toMatch(/Syntax Error/);
    expect(await errorOf("{ clusters { id nope } }")).toMatch(/Cannot query field "nope" on type "Cluster"/);
    expect(await errorOf(`{ clusters(first: "ten") { id } }`)).toMatch(/Int cannot represent/);
    expect(await errorOf(`{ cluster { id } }`)).toMatch(/argument "id" of type "ID!" is required/);
    expect(await errorOf(`{ holder(id: "0xnothex") { id } }`)).toMatch(/Failed to decode `Bytes` value/);
    expect(await errorOf("query ($n: Int!) { clusters(first: $n) { id } }", { n: "x" })).toMatch(/\$n/);
    expect((await data(`{ cluster(id: "c-1") { id } }`)).cluster).toEqual({ id: "c-1" });
  });

  it("selects the operation by operationName and binds variables", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        query: "query A { cluster(id: \"c-1\") { id } } query B($id: ID!) { cluster(id: $id) { name } }",
        operationName: "B",
        variables: { id: "c-2" },
      }),
    });
    expect(await response.json()).toEqual({ data: { cluster: { name: clusters[2].name } } });
  });

  it("answers transport errors with JSON and HTTP statuses", async () => {
    const base = new URL(server.url).origin;
    const notFound = await fetch(`${base}/subgraphs/name/other`, { method: "POST", body: "{}" });
    expect(notFound.status).toBe(404);
    expect((await notFound.json()).errors[0].message).toMatch(/No subgraph is served/);
    expect((await fetch(`${base}/`)).status).toBe(404);

    const badJson = await fetch(server.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{not json" });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get("content-type")).toMatch(/application\/json/);
    expect((await badJson.json()).errors[0].message).toMatch(/Invalid JSON/);

    const noQuery = await fetch(server.url, { method: "POST", body: JSON.stringify({ variables: {} }) });
    expect(noQuery.status).toBe(400);
    expect((await noQuery.json()).errors[0].message).toBe('The "query" field is missing in request data');

    expect((await fetch(server.url, { method: "PUT", body: "{}" })).status).toBe(405);
    expect((await data(`{ cluster(id: "c-4") { id } }`)).cluster).toEqual({ id: "c-4" });
  });

  it("executes directly through the service too", async () => {
    const result = await service.execute(`{ clusters(first: 2, where: { gpuCount: 0 }) { id } }`);
    expect(result).toEqual({ data: { clusters: expectedIds((c) => c.gpuCount === 0).slice(0, 2).map((id) => ({ id })) } });
    expect((await service.execute("{")).errors?.[0].message).toMatch(/Syntax Error/);
  });
});
