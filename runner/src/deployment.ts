/**
 * Points a built subgraph at a deployment without rebuilding it. The compiled mappings never contain addresses
 * (they read `dataSource.address()` from the host), so a build for one deployment serves another once its
 * manifest names the other's address, start block and network. The retargeted manifest is written to its own
 * directory with paths leading back to the build's files; the build itself is not touched.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

/** Where a subgraph's one data source (the factory) lives: what `deployments/<network>.json` tells the runner. */
export interface SubgraphDeployment {
  network: string;
  /** The data source's contract address. */
  factory: string;
  startBlock: number;
}

interface ManifestFile {
  file: string;
}

interface Manifest {
  schema: ManifestFile;
  dataSources: Array<RetargetedSource>;
  templates?: Array<RetargetedSource>;
}

interface RetargetedSource {
  name: string;
  network: string;
  source: { address?: string; startBlock?: number };
  mapping: ManifestFile & { abis: ManifestFile[] };
}

/**
 * A build directory like `buildDir` whose manifest's single data source indexes `deployment`; returns its path.
 * Throws, naming them, when the manifest has more than one data source (which one to move would be a guess).
 */
export function retargetBuild(buildDir: string, deployment: SubgraphDeployment): string {
  const base = resolve(buildDir);
  const manifest = parseYaml(readFileSync(join(base, "subgraph.yaml"), "utf8")) as Manifest;
  if (manifest.dataSources.length !== 1) {
    throw new Error(`Cannot retarget ${base}: it has data sources ${manifest.dataSources.map((s) => s.name).join(", ")}, not one`);
  }
  const dir = mkdtempSync(join(tmpdir(), "subgraph-runner-"));
  const moved = (file: ManifestFile) => {
    file.file = relative(dir, resolve(base, file.file));
  };
  moved(manifest.schema);
  for (const source of [...manifest.dataSources, ...(manifest.templates ?? [])]) {
    source.network = deployment.network;
    moved(source.mapping);
    source.mapping.abis.forEach(moved);
  }
  const [dataSource] = manifest.dataSources;
  dataSource.source.address = deployment.factory;
  dataSource.source.startBlock = deployment.startBlock;
  writeFileSync(join(dir, "subgraph.yaml"), stringifyYaml(manifest));
  return dir;
}
