/**
 * The built subgraph (`graph build`'s output directory) read into what the indexer needs: for the data sources
 * and the templates, the compiled WASM, the ABI, and which handler each event topic triggers.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Interface, id as keccakText, type EventFragment } from "ethers";
import { parse as parseYaml } from "yaml";

export interface EventHandlerSpec {
  /** The exported WASM function. */
  handler: string;
  fragment: EventFragment;
}

export interface SourceSpec {
  name: string;
  network: string;
  wasm: Uint8Array;
  abi: Interface;
  /** Handlers by topic0. */
  handlers: Map<string, EventHandlerSpec>;
  /** Only for the manifest's data sources (templates get theirs when instantiated). */
  address?: string;
  startBlock?: number;
}

export interface BuiltSubgraph {
  schemaSdl: string;
  dataSources: SourceSpec[];
  templates: Map<string, SourceSpec>;
}

interface ManifestSource {
  kind: string;
  name: string;
  network: string;
  source: { address?: string; abi: string; startBlock?: number };
  mapping: { apiVersion: string; file: string; abis: { name: string; file: string }[]; eventHandlers?: { event: string; handler: string }[] };
}

const API_VERSION = "0.0.9";

/** Reads `<buildDir>/subgraph.yaml` and everything it points to. */
export function loadBuiltSubgraph(buildDir: string): BuiltSubgraph {
  const manifestPath = join(buildDir, "subgraph.yaml");
  const manifest = parseYaml(readFileSync(manifestPath, "utf8")) as {
    schema: { file: string }; dataSources: ManifestSource[]; templates?: ManifestSource[];
  };
  const base = dirname(manifestPath);
  const load = (s: ManifestSource) => loadSource(base, s);
  return {
    schemaSdl: readFileSync(join(base, manifest.schema.file), "utf8"),
    dataSources: manifest.dataSources.map(load),
    templates: new Map((manifest.templates ?? []).map((t) => [t.name, load(t)])),
  };
}

function loadSource(base: string, s: ManifestSource): SourceSpec {
  if (s.kind !== "ethereum/contract" && s.kind !== "ethereum") throw new Error(`${s.name}: unsupported kind ${s.kind}`);
  if (s.mapping.apiVersion !== API_VERSION) throw new Error(`${s.name}: apiVersion ${s.mapping.apiVersion}, runner implements ${API_VERSION}`);
  const abiFile = s.mapping.abis.find((a) => a.name === s.source.abi);
  if (!abiFile) throw new Error(`${s.name}: ABI ${s.source.abi} not listed`);
  const abi = new Interface(JSON.parse(readFileSync(join(base, abiFile.file), "utf8")));
  const handlers = new Map<string, EventHandlerSpec>();
  for (const { event, handler } of s.mapping.eventHandlers ?? []) {
    const topic = keccakText(event.replace(/indexed /g, ""));
    const fragment = abi.getEvent(topic);
    if (!fragment) throw new Error(`${s.name}: event ${event} is not in ABI ${s.source.abi}`);
    handlers.set(topic, { handler, fragment });
  }
  return {
    name: s.name,
    network: s.network,
    wasm: new Uint8Array(readFileSync(join(base, s.mapping.file))),
    abi,
    handlers,
    address: s.source.address?.toLowerCase(),
    startBlock: s.source.startBlock ?? 0,
  };
}
