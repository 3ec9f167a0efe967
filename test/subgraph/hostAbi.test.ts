/**
 * The runner's WASM host against real AssemblyScript: the fixture mapping (fixtures/abi) is built with the real
 * `graph build` into a temp dir, then every host function is exercised through round trips between the host and
 * graph-ts code, and the event handler's entity is read back from the EntityStore value by value.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AbiCoder, encodeBase58, getBytes, keccak256 } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSchema, type SubgraphSchema } from "../../runner/src/schema";
import { EntityStore } from "../../runner/src/store";
import { BigDecimal, ValueKind, type Entity, type Value } from "../../runner/src/values";
import type { EthereumEvent } from "../../runner/src/wasm/ethereum";
import { HandlerError, MappingModule, type HostContext } from "../../runner/src/wasm/module";
import { exportMutableGlobals, GLOBAL_EXPORT_PREFIX } from "../../runner/src/wasm/globalExports";
import { RestartableMapping } from "../../runner/src/wasm/restartable";
import { AscTypeId } from "../../runner/src/wasm/typeIds";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(__dirname, "fixtures/abi");
const DATA_SOURCE_ADDRESS = hex("0x00000000000000000000000000000000000000f1");
const OWNER = hex("0x1111111111111111111111111111111111111111");
const NON_ASCII = "GPU · 東京 🚀";
const MAX_UINT256 = (1n << 256n) - 1n;
const MIN_INT256 = -(1n << 255n);

let buildDir: string;
let compiled: WebAssembly.Module;
let schema: SubgraphSchema;

beforeAll(async () => {
  // The fixture's mapping is kept as mapping.as so the repo's tsc (which includes test/) does not type-check
  // AssemblyScript; the build copy gets its real name and a node_modules link for graph-cli to find graph-ts.
  buildDir = await fs.mkdtemp(path.join(os.tmpdir(), "subgraph-abi-"));
  await fs.cp(FIXTURE, buildDir, { recursive: true });
  await fs.rename(path.join(buildDir, "src/mapping.as"), path.join(buildDir, "src/mapping.ts"));
  await fs.symlink(path.join(ROOT, "node_modules"), path.join(buildDir, "node_modules"), "dir");
  await promisify(execFile)(path.join(ROOT, "node_modules/.bin/graph"), ["build", "subgraph.yaml", "--output-dir", "build"], {
    cwd: buildDir,
  });
  compiled = await MappingModule.compile(await fs.readFile(path.join(buildDir, "build/Fixture/Fixture.wasm")));
  schema = loadSchema(await fs.readFile(path.join(FIXTURE, "schema.graphql"), "utf8"));
});

afterAll(async () => {
  if (buildDir) await fs.rm(buildDir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ harness

interface Harness {
  mapping: MappingModule;
  store: EntityStore;
  logs: Array<[number, string]>;
  created: Array<{ name: string; params: string[]; context: Entity | null }>;
  /** Calls an export with strings/numbers converted to WASM arguments and reads a string result. */
  str(name: string, ...args: Array<string | number | bigint>): string;
  /** Calls an export with strings/numbers converted to WASM arguments and returns the raw result. */
  raw(name: string, ...args: Array<string | number | bigint>): number | bigint | undefined;
}

async function harness(context: Entity = new Map()): Promise<Harness> {
  const store = new EntityStore(schema);
  const logs: Harness["logs"] = [];
  const created: Harness["created"] = [];
  const ctx: HostContext = {
    store,
    dataSource: { name: "Fixture", network: "hardhat", address: DATA_SOURCE_ADDRESS, context },
    createDataSource: (name, params, dsContext) => created.push({ name, params, context: dsContext }),
    log: (level, message) => logs.push([level, message]),
  };
  const mapping = await MappingModule.instantiate(compiled, ctx);
  const raw = (name: string, ...args: Array<string | number | bigint>) =>
    mapping.call(name, args.map((arg) => (typeof arg === "string" ? mapping.heap.newString(arg) : arg)));
  return { mapping, store, logs, created, raw, str: (name, ...args) => mapping.heap.readString(raw(name, ...args) as number) };
}

function hex(text: string): Uint8Array {
  return getBytes(text);
}

function sampleEvent(overrides: Partial<EthereumEvent> = {}): EthereumEvent {
  return {
    address: DATA_SOURCE_ADDRESS,
    logIndex: 3n,
    transactionLogIndex: 1n,
    logType: null,
    block: {
      hash: hex("0x" + "aa".repeat(32)),
      parentHash: hex("0x" + "ab".repeat(32)),
      unclesHash: hex("0x" + "ac".repeat(32)),
      author: hex("0x" + "ad".repeat(20)),
      stateRoot: hex("0x" + "ae".repeat(32)),
      transactionsRoot: hex("0x" + "af".repeat(32)),
      receiptsRoot: hex("0x" + "b0".repeat(32)),
      number: 12_345n,
      gasUsed: 21_000n,
      gasLimit: 30_000_000n,
      timestamp: 1_700_000_000n,
      difficulty: 0n,
      totalDifficulty: 131_072n,
      size: null,
      baseFeePerGas: 875_000_000n,
    },
    transaction: {
      hash: hex("0x" + "cc".repeat(32)),
      index: 2n,
      from: hex("0x" + "dd".repeat(20)),
      to: null,
      value: 10n ** 18n,
      gasLimit: 100_000n,
      gasPrice: 2_000_000_000n,
      input: hex("0xdeadbeef"),
      nonce: 7n,
    },
    parameters: [
      { name: "who", value: { kind: "address", value: OWNER } },
      { name: "amount", value: { kind: "uint", value: MAX_UINT256 } },
      { name: "delta", value: { kind: "int", value: MIN_INT256 + 1n } },
      { name: "data", value: { kind: "bytes", value: hex("0x00ff10") } },
      { name: "label", value: { kind: "string", value: NON_ASCII } },
      { name: "flag", value: { kind: "bool", value: true } },
      {
        name: "values",
        value: { kind: "array", value: [0n, 1n, 255n, 256n, MAX_UINT256].map((v) => ({ kind: "uint" as const, value: v })) },
      },
      {
        name: "info",
        value: { kind: "tuple", value: [{ kind: "uint", value: 42n }, { kind: "string", value: "tuple text ✓" }] },
      },
    ],
    ...overrides,
  };
}

function field(entity: Entity | null, name: string): Value {
  const value = entity?.get(name);
  if (!value) throw new Error(`no field ${name}`);
  return value;
}

// ------------------------------------------------------------------ tests

describe("strings, arrays and bytes", () => {
  it("round-trips strings as UTF-16, including non-ASCII and surrogate pairs", async () => {
    const h = await harness();
    for (const text of ["", "plain", NON_ASCII, "🚀🚀", "x".repeat(10_000)]) expect(h.str("roundTripString", text)).toBe(text);
    expect(h.raw("stringLength", "🚀")).toBe(2);
    expect(h.raw("stringLength", NON_ASCII)).toBe(NON_ASCII.length);
  });

  it("strips NUL characters from strings read out of WASM, as graph-node does", async () => {
    const h = await harness();
    expect(h.str("roundTripString", "a\u0000b")).toBe("ab");
  });

  it("passes Array<string> both ways", async () => {
    const h = await harness();
    const parts = ["a", NON_ASCII, ""].map((part) => h.mapping.heap.newString(part));
    const array = h.mapping.heap.newPointerArray(AscTypeId.ArrayString, parts);
    expect(h.str("joinStrings", array, "|")).toBe(`a|${NON_ASCII}|`);
    const words = h.mapping.heap.readPointerArray(h.raw("splitWords", "one two 三") as number);
    expect(words.map((word) => h.mapping.heap.readString(word))).toEqual(["one", "two", "三"]);
  });

  it("passes Bytes both ways", async () => {
    const h = await harness();
    const { heap } = h.mapping;
    const joined = h.raw("concatBytes", heap.newUint8Array(hex("0x0102")), heap.newUint8Array(hex("0xff"))) as number;
    expect(heap.readUint8Array(joined)).toEqual(hex("0x0102ff"));
  });

  it("keeps working while the memory grows, from WASM allocations and from host allocations", async () => {
    const h = await harness();
    expect(h.raw("allocateStrings", 300, 10_000)).toBe(3_000_000);
    const big = "é".repeat(3_000_000);
    expect(h.str("roundTripString", big)).toBe(big);
    expect(h.str("roundTripString", NON_ASCII)).toBe(NON_ASCII);
  });
});

describe("bigInt", () => {
  const cases: Array<[string, bigint, bigint | number, bigint]> = [
    ["plus", MAX_UINT256, 1n, MAX_UINT256 + 1n],
    ["plus", -5n, 3n, -2n],
    ["minus", 0n, MAX_UINT256, -MAX_UINT256],
    ["times", MIN_INT256, -1n, -MIN_INT256],
    ["div", -7n, 2n, -3n],
    ["div", MAX_UINT256, 1n << 128n, (1n << 128n) - 1n],
    ["mod", -7n, 2n, -1n],
    ["pow", 2n, 255, 1n << 255n],
    ["pow", -3n, 3, -27n],
    ["leftShift", 1n, 255, 1n << 255n],
    ["rightShift", -5n, 1, -3n],
    ["rightShift", MAX_UINT256, 250, 63n],
    ["bitOr", -256n, 15n, -241n],
    ["bitAnd", -1n, 255n, 255n],
    ["bitAnd", MAX_UINT256, -(1n << 8n), MAX_UINT256 - 255n],
  ];

  it.each(cases)("%s(%s, %s) = %s", async (op, a, b, expected) => {
    const h = await harness();
    expect(h.str("bigIntOp", op, a.toString(), b.toString())).toBe(expected.toString());
  });

  it("prints hex like graph-node (minimal digits, magnitude only, 0x0 for zero)", async () => {
    const h = await harness();
    expect(h.str("bigIntOp", "toHex", "255", "")).toBe("0xff");
    expect(h.str("bigIntOp", "toHex", "0", "")).toBe("0x0");
    expect(h.str("bigIntOp", "toHex", "-4096", "")).toBe("0x1000");
    expect(h.str("bigIntOp", "toHex", MAX_UINT256.toString(), "")).toBe("0x" + "f".repeat(64));
  });

  it("writes minimal little-endian two's complement that graph-ts decodes itself", async () => {
    const h = await harness();
    expect(h.str("bigIntOp", "toI32", "-128", "")).toBe("-128");
    expect(h.str("bigIntOp", "toI32", "2147483647", "")).toBe("2147483647");
    expect(h.str("bigIntOp", "compare", "-1", "255")).toBe("-1");
    expect(h.str("bigIntOp", "compare", "256", "255")).toBe("1");
    expect(h.str("bytesOp", "bigInt", "0x80")).toBe("-128");
    expect(h.str("bytesOp", "bigInt", "0x8000")).toBe("128");
    expect(h.str("bytesOp", "bigInt", "0x")).toBe("0");
    expect(h.str("bigIntFromI64", -9007199254740993n)).toBe("-9007199254740993");
  });

  it("divides by a BigDecimal", async () => {
    const h = await harness();
    expect(h.str("bigIntOp", "divDecimal", "1", "3")).toBe("0.3333333333333333333333333333333333");
  });

  it("fails the handler on division by zero, remainder by zero and unparsable strings", async () => {
    const h = await harness();
    expect(() => h.raw("bigIntOp", "div", "5", "0")).toThrow(new HandlerError("attempted to divide BigInt `5` by zero"));
    expect(() => h.raw("bigIntOp", "mod", "5", "0")).toThrow(/remainder of `5` with a divisor of zero/);
    expect(() => h.raw("bigIntOp", "divDecimal", "5", "0")).toThrow(/divide BigDecimal `5` by zero/);
    expect(() => h.raw("bigIntOp", "plus", "12a", "1")).toThrow(/string is not a BigInt: `12a`/);
  });
});

describe("bigDecimal", () => {
  it("computes with graph-node's precision and prints plain decimals", async () => {
    const h = await harness();
    expect(h.str("bigDecimalOp", "plus", "0.1", "0.2")).toBe("0.3");
    expect(h.str("bigDecimalOp", "minus", "1", "1.000000000000000000000000000000001")).toBe(
      "-0.000000000000000000000000000000001",
    );
    expect(h.str("bigDecimalOp", "times", "-1.5", "2")).toBe("-3");
    expect(h.str("bigDecimalOp", "div", "2", "3")).toBe("0.6666666666666666666666666666666667");
    // Parsing keeps 34 significant digits, rounding half to even.
    expect(h.str("bigDecimalOp", "plus", "1.000000000000000000000000000000000001", "0")).toBe("1");
    expect(h.str("bigDecimalOp", "plus", "1234567890123456789012345678901234567", "0")).toBe(
      "1234567890123456789012345678901235000",
    );
  });

  it("writes normalised digits and exponent, which graph-ts reads back", async () => {
    const h = await harness();
    expect(h.str("bigDecimalOp", "parts", "123.4500", "")).toBe("12345e-2");
    expect(h.str("bigDecimalOp", "parts", "-1500", "")).toBe("-15e2");
    expect(h.str("bigDecimalOp", "equals", "1.50", "1.5")).toBe("true");
  });

  it("fails the handler on division by zero and unparsable strings", async () => {
    const h = await harness();
    expect(() => h.raw("bigDecimalOp", "div", "1", "0")).toThrow(/attempted to divide BigDecimal `1` by zero/);
    expect(() => h.raw("bigDecimalOp", "plus", "1.2.3", "1")).toThrow(/is not a BigDecimal: '1.2.3'/);
  });
});

describe("typeConversion and crypto", () => {
  it("converts bytes to hex, UTF-8, base58 and hashes them", async () => {
    const h = await harness();
    expect(h.str("bytesOp", "hex", "0xDEADbeef")).toBe("0xdeadbeef");
    expect(h.str("bytesOp", "hex", "0x")).toBe("0x");
    const utf8 = "0x" + Buffer.from(NON_ASCII + "\u0000\u0000").toString("hex");
    expect(h.str("bytesOp", "utf8", utf8)).toBe(NON_ASCII);
    expect(h.str("bytesOp", "utf8", "0x61ff62")).toBe("a\uFFFDb");
    expect(h.str("bytesOp", "base58", "0x0000287fb4cd")).toBe(encodeBase58(hex("0x0000287fb4cd")));
    expect(h.str("bytesOp", "keccak", "0x")).toBe(keccak256("0x"));
    expect(h.str("bytesOp", "keccak", utf8)).toBe(keccak256(utf8));
  });

  it("parses addresses with stringToH160", async () => {
    const h = await harness();
    expect(h.str("addressFromString", "0xA16081F360e3847006dB660bae1c6d1b2e17eC2A")).toBe(
      "0xa16081f360e3847006db660bae1c6d1b2e17ec2a",
    );
    expect(() => h.raw("addressFromString", "0x1234")).toThrow(/Failed to convert string to Address\/H160: '1234'/);
  });
});

describe("json", () => {
  it("parses documents into JSONValues, keeping big numbers exact", async () => {
    const h = await harness();
    const text = '{"a":[1,true,null,"x\\u00e9"],"big":123456789012345678901234567890,"o":{"k":"v"},"neg":-5}';
    expect(h.str("jsonDescribe", text)).toBe("{a=[n:1,true,null,s:xé],big=n:123456789012345678901234567890,o={k=s:v},neg=n:-5}");
    expect(h.str("jsonTryParse", "[1, 2]")).toBe("ok:[n:1,n:2]");
  });

  it("reports invalid JSON as a Result error or a handler failure", async () => {
    const h = await harness();
    expect(h.str("jsonTryParse", "{bad")).toBe("error");
    expect(() => h.raw("jsonDescribe", "[1,]")).toThrow(/Failed to parse JSON from byte array/);
  });

  it("converts decimal strings with json.toI64/toU64/toF64", async () => {
    const h = await harness();
    expect(h.str("jsonNumbers", "-9223372036854775808", "18446744073709551615", "1.5")).toBe(
      "-9223372036854775808|18446744073709551615|1.5",
    );
    expect(() => h.raw("jsonNumbers", "9223372036854775808", "0", "0")).toThrow(/cannot be parsed as i64/);
  });
});

describe("ethereum.encode / decode", () => {
  it("round-trips a tuple through ethers' ABI coder", async () => {
    const h = await harness();
    const encoded = AbiCoder.defaultAbiCoder().encode(
      ["(address,uint256,int256,string,bool,int256[])"],
      [["0x00000000000000000000000000000000000000aa", 10n ** 21n, -5n, "héllo", true, [1, 2, 3]]],
    );
    expect(h.str("ethereumRoundTrip")).toBe(
      ["0x00000000000000000000000000000000000000aa", "1000000000000000000000", "-5", "héllo", "true", "1,2,3", encoded.slice(0, 66)].join("|"),
    );
  });

  it("answers null to undecodable data", async () => {
    const h = await harness();
    expect(h.raw("ethereumDecodeInvalid")).toBe(1);
  });
});

describe("the event handler", () => {
  it("lays out the whole ethereum.Event as graph-node does for apiVersion 0.0.9", async () => {
    const h = await harness();
    h.mapping.handleEvent("handleDescribeEvent", sampleEvent());
    const [, line] = h.logs[0];
    expect(line.split(" ")).toEqual([
      "0x00000000000000000000000000000000000000f1", "3", "1", "null",
      "0x" + "aa".repeat(32), "0x" + "ab".repeat(32), "0x" + "ac".repeat(32), "0x" + "ad".repeat(20),
      "0x" + "ae".repeat(32), "0x" + "af".repeat(32), "0x" + "b0".repeat(32),
      "12345", "21000", "30000000", "1700000000", "0", "131072", "null", "875000000",
      "0x" + "cc".repeat(32), "2", "0x" + "dd".repeat(20), "null", "1000000000000000000", "100000", "2000000000",
      "0xdeadbeef", "7", "receipt:null", "8",
    ]);
    const withOptionals = sampleEvent({ logType: "mined" });
    withOptionals.block.size = 512n;
    withOptionals.transaction.to = OWNER;
    h.mapping.handleEvent("handleDescribeEvent", withOptionals);
    const fields = h.logs[1][1].split(" ");
    expect([fields[3], fields[17], fields[22]]).toEqual(["mined", "512", "0x" + "11".repeat(20)]);
  });

  it("saves an entity built from every kind of event parameter", async () => {
    const h = await harness();
    h.mapping.handleEvent("handleSampled", sampleEvent());
    const id = "0x" + "cc".repeat(32) + "-3";
    const sample = h.store.get("Sample", id);
    expect(field(sample, "owner")).toEqual({ kind: ValueKind.Bytes, value: OWNER });
    expect(field(sample, "amount")).toEqual({ kind: ValueKind.BigInt, value: MAX_UINT256 });
    expect(field(sample, "delta")).toEqual({ kind: ValueKind.BigInt, value: MIN_INT256 + 1n });
    expect(field(sample, "data")).toEqual({ kind: ValueKind.Bytes, value: hex("0x00ff10") });
    expect(field(sample, "label")).toEqual({ kind: ValueKind.String, value: NON_ASCII });
    expect(field(sample, "flag")).toEqual({ kind: ValueKind.Bool, value: true });
    expect(field(sample, "values")).toEqual({
      kind: ValueKind.Array,
      value: [0n, 1n, 255n, 256n, MAX_UINT256].map((value) => ({ kind: ValueKind.BigInt, value })),
    });
    expect(field(sample, "infoNumber")).toEqual({ kind: ValueKind.BigInt, value: 42n });
    expect(field(sample, "infoText")).toEqual({ kind: ValueKind.String, value: "tuple text ✓" });
    expect(field(sample, "blockNumber")).toEqual({ kind: ValueKind.BigInt, value: 12_345n });
    expect(field(sample, "blockTimestamp")).toEqual({ kind: ValueKind.Timestamp, value: 1_700_000_000_000_000n });
    expect(field(sample, "txHash")).toEqual({ kind: ValueKind.Bytes, value: hex("0x" + "cc".repeat(32)) });
    expect(field(sample, "txFrom")).toEqual({ kind: ValueKind.Bytes, value: hex("0x" + "dd".repeat(20)) });
    expect(field(sample, "logIndex")).toEqual({ kind: ValueKind.BigInt, value: 3n });
    const ratio = field(sample, "ratio");
    expect(ratio.kind === ValueKind.BigDecimal && ratio.value.toString()).toBe(
      BigDecimal.fromBigInt(MAX_UINT256).dividedBy(BigDecimal.fromBigInt(3n)).toString(),
    );
    expect(field(sample, "count")).toEqual({ kind: ValueKind.Int, value: 8 });
    expect(field(sample, "big")).toEqual({ kind: ValueKind.Int8, value: -9007199254740993n });
    expect(field(sample, "tags")).toEqual({
      kind: ValueKind.Array,
      value: ["0x00000000000000000000000000000000000000f1", "who", "info"].map((value) => ({ kind: ValueKind.String, value })),
    });
    expect(field(sample, "note")).toEqual({ kind: ValueKind.Null });
    expect(h.logs).toContainEqual([3, `sampled ${id} by 0x${"11".repeat(20)}`]);
  });

  it("reads entities back through store.get and resolves derived fields with store.loadRelated", async () => {
    const h = await harness();
    h.mapping.handleEvent("handleSampled", sampleEvent());
    h.mapping.handleEvent("handleSampled", sampleEvent({ logIndex: 4n }));
    const owner = h.store.get("Owner", "0x" + "11".repeat(20));
    expect(field(owner, "sampleCount")).toEqual({ kind: ValueKind.Int, value: 2 });
    const prefix = "0x" + "cc".repeat(32);
    expect(h.str("relatedSampleIds", "0x" + "11".repeat(20)).split(",").sort()).toEqual([`${prefix}-3`, `${prefix}-4`]);
    expect(h.str("relatedSampleIds", "0x" + "22".repeat(20))).toBe("");
  });

  it("passes large byte arrays in events", async () => {
    const h = await harness();
    const data = new Uint8Array(2_000_000).map((_, i) => i % 251);
    const event = sampleEvent();
    event.parameters[3] = { name: "data", value: { kind: "bytes", value: data } };
    h.mapping.handleEvent("handleSampled", event);
    const stored = field(h.store.get("Sample", "0x" + "cc".repeat(32) + "-3"), "data");
    expect(stored.kind === ValueKind.Bytes && Buffer.from(stored.value).equals(data)).toBe(true);
  });
});

describe("store semantics through the module", () => {
  const sampleId = "0x" + "cc".repeat(32) + "-3";

  it("hands the mapping a copy: changing a loaded entity without saving changes nothing", async () => {
    const h = await harness();
    h.mapping.handleEvent("handleSampled", sampleEvent());
    expect(h.str("labelAfterUnsavedChange", sampleId)).toBe(NON_ASCII);
    expect(field(h.store.get("Sample", sampleId), "label")).toEqual({ kind: ValueKind.String, value: NON_ASCII });
  });

  it("refuses unknown fields and missing non-null fields", async () => {
    const h = await harness();
    expect(() => h.raw("setWithUnknownField", "f1")).toThrow(HandlerError);
    expect(() => h.raw("setWithUnknownField", "f1")).toThrow(/unknown field nope/);
    expect(() => h.raw("setMissingRequiredField", "f2")).toThrow(/missing value for non-nullable field value/);
    expect(h.store.count("Frozen")).toBe(0);
  });

  it("refuses changing or removing an immutable entity, but accepts an identical write", async () => {
    const h = await harness();
    h.raw("setFrozen", "f", 1);
    h.raw("setFrozen", "f", 1);
    expect(() => h.raw("setFrozen", "f", 2)).toThrow(/immutable/);
    expect(() => h.raw("removeEntity", "Frozen", "f")).toThrow(/immutable/);
    expect(field(h.store.get("Frozen", "f"), "value")).toEqual({ kind: ValueKind.BigInt, value: 1n });
  });

  it("removes entities and answers get / get_in_block", async () => {
    const h = await harness();
    h.mapping.handleEvent("handleSampled", sampleEvent());
    expect(h.raw("entityExists", "Sample", sampleId)).toBe(1);
    expect(h.raw("entityExistsInBlock", "Sample", sampleId)).toBe(1);
    h.raw("removeEntity", "Sample", sampleId);
    expect(h.raw("entityExists", "Sample", sampleId)).toBe(0);
    expect(h.store.get("Sample", sampleId)).toBeNull();
    expect(() => h.raw("entityExists", "Nope", "x")).toThrow(/unknown entity type Nope/);
  });
});

describe("data sources, logs and failures", () => {
  it("records dataSource.create and createWithContext through the host context", async () => {
    const h = await harness();
    h.raw("createChild", "0x" + "22".repeat(20));
    h.raw("createChildWithContext", "0x" + "33".repeat(20));
    expect(h.created).toEqual([
      { name: "Child", params: ["0x" + "22".repeat(20)], context: null },
      {
        name: "Child",
        params: ["0x" + "33".repeat(20)],
        context: new Map<string, Value>([
          ["role", { kind: ValueKind.String, value: "child" }],
          ["weight", { kind: ValueKind.BigInt, value: -12345678901234567890n }],
          ["active", { kind: ValueKind.Bool, value: true }],
        ]),
      },
    ]);
  });

  it("answers dataSource.address, network and context", async () => {
    expect((await harness()).str("describeDataSource")).toBe("0x00000000000000000000000000000000000000f1|hardhat|(none)");
    const withContext = await harness(new Map([["role", { kind: ValueKind.String, value: "child" }]]));
    expect(withContext.str("describeDataSource")).toBe("0x00000000000000000000000000000000000000f1|hardhat|child");
  });

  it("forwards log levels, and fails the handler on log.critical", async () => {
    const h = await harness();
    for (const level of [1, 2, 3, 4]) h.raw("logAt", level, "m");
    expect(h.logs).toEqual([
      [1, "error: m"],
      [2, "warning: m"],
      [3, "info: m"],
      [4, "debug: m"],
    ]);
    expect(() => h.raw("logAt", 0, "boom")).toThrow(new HandlerError("Critical error logged in mapping: critical: boom"));
    expect(h.logs.at(-1)).toEqual([0, "critical: boom"]);
  });

  it("fails the handler on abort and on traps, with graph-node's messages", async () => {
    const h = await harness();
    expect(() => h.raw("failAssert", "nope")).toThrow(/^Mapping aborted at .*mapping\.ts, line \d+, column \d+, with message: nope$/);
    expect(() => h.raw("divideI32", 1, 0)).toThrow(HandlerError);
    expect(() => h.raw("divideI32", 1, 0)).toThrow(/WASM trap: .*divi/i);
  });

  it("says which export is missing without calling it a handler failure", async () => {
    const h = await harness();
    let error: unknown;
    try {
      h.mapping.handleEvent("handleNothing", sampleEvent());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(HandlerError);
    expect((error as Error).message).toMatch(/exports no function `handleNothing`/);
  });

  it("names every unknown import at instantiate time", async () => {
    const module = await MappingModule.compile(moduleImporting([["env", "seed"], ["index", "store.teleport"], ["index", "log.log"]]));
    const ctx = {} as HostContext;
    await expect(MappingModule.instantiate(module, ctx)).rejects.toThrow(
      'the mapping imports what the runner does not provide: "env"."seed" (function), "index"."store.teleport" (function)',
    );
  });
});

describe("a restartable instance", () => {
  const dataSource = { name: "Fixture", network: "hardhat", address: DATA_SOURCE_ADDRESS, context: new Map() };
  const runs = (logs: Array<[number, string]>) => logs.map(([, message]) => message.match(/^run (\d+)/)?.[1]);

  function context(logs: Array<[number, string]>): HostContext {
    return { store: new EntityStore(schema), dataSource, createDataSource: () => undefined, log: (level, message) => logs.push([level, message]) };
  }

  it("an instance reused as it is carries module globals and memory from one trigger to the next", async () => {
    const logs: Array<[number, string]> = [];
    const mapping = await MappingModule.instantiate(compiled, context(logs));
    const sizeAfterFirst = (mapping.handleEvent("handleCounted", sampleEvent()), mapping.memory.buffer.byteLength);
    for (let i = 0; i < 5; i++) mapping.handleEvent("handleCounted", sampleEvent());
    expect(runs(logs)).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(mapping.memory.buffer.byteLength).toBeGreaterThan(sizeAfterFirst);
  });

  it("starts every trigger from the state right after _start: module globals back to their start values", async () => {
    const restartable = await RestartableMapping.create(compiled, dataSource);
    expect(restartable).not.toBeNull();
    const logs: Array<[number, string]> = [];
    for (let i = 0; i < 20; i++) restartable!.handleEvent(context(logs), "handleCounted", sampleEvent());
    expect(runs(logs)).toEqual(Array(20).fill("1"));
    expect(logs[0][1]).toBe("run 1 of this instance, 200 chars built");
  });

  it("runs real handlers through the restored state with the trigger's own context", async () => {
    const restartable = (await RestartableMapping.create(compiled, dataSource))!;
    const first = context([]);
    const second = context([]);
    restartable.handleEvent(first, "handleSampled", sampleEvent());
    restartable.handleEvent(second, "handleSampled", sampleEvent({ logIndex: 9n }));
    const id = (logIndex: number) => "0x" + "cc".repeat(32) + "-" + logIndex;
    expect(first.store.get("Sample", id(3))).not.toBeNull();
    expect(first.store.get("Sample", id(9))).toBeNull();
    expect(second.store.get("Sample", id(9))).not.toBeNull();
  });

  it("says when a handler grew memory so far that a new instance is cheaper than zeroing it per trigger", async () => {
    const restartable = (await RestartableMapping.create(compiled, dataSource))!;
    restartable.handleEvent(context([]), "handleCounted", sampleEvent());
    expect(restartable.oversized).toBe(false);
    const logs: Array<[number, string]> = [];
    restartable.handleEvent(context(logs), "handleGrowing", sampleEvent());
    expect(logs).toEqual([[3, "built 3000000 chars"]]);
    expect(restartable.oversized).toBe(true);
  });

  it("refuses a module not compiled by MappingModule.compile, whose globals it could not restore", async () => {
    const wasm = await fs.readFile(path.join(buildDir, "build/Fixture/Fixture.wasm"));
    await expect(RestartableMapping.create(await WebAssembly.compile(wasm), dataSource)).rejects.toThrow(/MappingModule.compile/);
  });

  it("exports mutable globals, adding an export section where the module had none", async () => {
    // (global (mut i32) (i32.const 42)) and (global i32 (i32.const 7)), no exports at all.
    const wasm = Uint8Array.from([
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      ...[0x06, 0x0b, 0x02, 0x7f, 0x01, 0x41, 0x2a, 0x0b, 0x7f, 0x00, 0x41, 0x07, 0x0b],
    ]);
    const rewritten = exportMutableGlobals(wasm);
    expect(rewritten.exported).toEqual([GLOBAL_EXPORT_PREFIX + "0"]);
    const instance = await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(rewritten.wasm)));
    expect(Object.keys(instance.exports)).toEqual([GLOBAL_EXPORT_PREFIX + "0"]);
    expect((instance.exports[GLOBAL_EXPORT_PREFIX + "0"] as WebAssembly.Global).value).toBe(42);
  });
});

/** A minimal WASM module importing `() -> ()` functions under the given module and field names. */
function moduleImporting(imports: Array<[string, string]>): Uint8Array {
  const name = (text: string) => [text.length, ...Buffer.from(text)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const importEntries = imports.flatMap(([module, field]) => [...name(module), ...name(field), 0x00, 0x00]);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(0x01, [0x01, 0x60, 0x00, 0x00]),
    ...section(0x02, [imports.length, ...importEntries]),
  ]);
}
