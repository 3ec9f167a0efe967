import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSubgraph } from "../../scripts/subgraph/build";
import { writeSubgraphSources, type SubgraphDeployment } from "../../scripts/subgraph/manifest";

const SUBGRAPH = join(__dirname, "../../subgraph");

/**
 * The build directory of the subgraph for `deployment`, built by `graph build` only when no earlier build in the
 * temp directory had exactly the same inputs (manifest, ABIs, schema, mappings, graph-cli and graph-ts versions).
 * `graph build` takes tens of seconds, minutes on a loaded machine; the test files that deploy the protocol on a
 * fresh Hardhat network put the factory at the same address, so they share one build.
 */
export function builtSubgraph(deployment: SubgraphDeployment): string {
  const manifest = writeSubgraphSources(deployment, `subgraph.inputs-${process.pid}.yaml`);
  const hash = createHash("sha256");
  try {
    hash.update(readFileSync(manifest));
  } finally {
    rmSync(manifest, { force: true });
  }
  for (const file of [...filesUnder(join(SUBGRAPH, "abis")), join(SUBGRAPH, "schema.graphql"), ...filesUnder(join(SUBGRAPH, "src"))]) {
    hash.update(file).update(readFileSync(file));
  }
  for (const pkg of ["@graphprotocol/graph-cli", "@graphprotocol/graph-ts"]) hash.update(readFileSync(require.resolve(`${pkg}/package.json`)));
  const dir = join(tmpdir(), `clustershare-subgraph-${hash.digest("hex").slice(0, 24)}`);
  if (existsSync(join(dir, "subgraph.yaml"))) return dir;
  const staging = mkdtempSync(join(tmpdir(), "clustershare-subgraph-staging-"));
  buildSubgraph(deployment, staging);
  try {
    renameSync(staging, dir);
  } catch {
    // Another test worker finished the same build first: its copy is as good.
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
