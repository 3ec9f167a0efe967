import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every external or public function of every protocol contract (not mocks, interfaces or libraries) has NatSpec:
 * a @notice (directly or through @inheritdoc), an @param for each named parameter and an @return for each return
 * value. Read from the compiler's own metadata (userdoc, devdoc) and AST in Hardhat's build info, so what is
 * checked is what solc saw. Public state variables and constants are getters documented on the variable; functions
 * a standard defines (ERC-20, EIP-2612, ERC-165, AccessControl, AggregatorV3Interface), inherited as they are or
 * documented with `@inheritdoc` of the standard's interface, carry the standard's own documentation.
 */

/** Interfaces whose documentation, inherited as is, stands for the standard function. */
const STANDARDS = new Set(["IERC20", "IERC20Metadata", "IERC20Permit", "IERC165", "IAccessControl", "AggregatorV3Interface", "AccessControl"]);

const ROOT = join(__dirname, "../..");

interface Doc { methods?: Record<string, { notice?: string; details?: string; params?: Record<string, string>; returns?: Record<string, string> }> }

/**
 * The compiler output of every protocol contract, each from the build info its artifact points to (incremental
 * builds leave several build infos, and only the one an artifact names is current for it).
 */
function compiledContracts(): { path: string; name: string; contract: { metadata: string; abi: any[] }; ast: any }[] {
  const found: { path: string; name: string; contract: { metadata: string; abi: any[] }; ast: any }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".dbg.json")) {
        const name = entry.name.slice(0, -".dbg.json".length);
        const path = relative(join(ROOT, "artifacts"), dir);
        if (path.startsWith("contracts/mocks/")) continue;
        const buildInfo = join(dir, JSON.parse(readFileSync(full, "utf8")).buildInfo);
        const { output } = JSON.parse(readFileSync(buildInfo, "utf8"));
        found.push({ path, name, contract: output.contracts[path][name], ast: output.sources[path].ast });
      }
    }
  };
  walk(join(ROOT, "artifacts/contracts"));
  return found;
}

function signature(fragment: { name: string; inputs: { type: string; components?: unknown[] }[] }): string {
  const type = (input: any): string =>
    input.type.startsWith("tuple") ? `(${input.components.map(type).join(",")})${input.type.slice(5)}` : input.type;
  return `${fragment.name}(${fragment.inputs.map(type).join(",")})`;
}

describe("NatSpec", () => {
  it("documents every external function of every protocol contract: notice, each parameter, each return value", () => {
    const missing: string[] = [];
    let checked = 0;
    for (const { name, contract, ast } of compiledContracts()) {
      const node = ast.nodes.find((n: any) => n.nodeType === "ContractDefinition" && n.name === name);
      if (!node || node.contractKind !== "contract") continue;
      const getters = new Set<string>();
      const standard = new Set<string>();
      const own = new Set<string>();
      for (const n of node.nodes) {
        if (n.nodeType === "VariableDeclaration" && n.visibility === "public") getters.add(n.name);
        if (n.nodeType !== "FunctionDefinition") continue;
        own.add(n.name);
        const inherited = /@inheritdoc\s+(\w+)/.exec(n.documentation?.text ?? "")?.[1];
        if (inherited && STANDARDS.has(inherited)) standard.add(n.name);
      }
      const metadata = JSON.parse(contract.metadata);
      const userdoc: Doc = metadata.output.userdoc;
      const devdoc: Doc = metadata.output.devdoc;
      for (const fragment of contract.abi.filter((f) => f.type === "function")) {
        if (getters.has(fragment.name)) continue;
        // Inherited from OpenZeppelin unchanged (AccessControl's role functions, ERC-165), or a standard's own.
        if (!own.has(fragment.name) || standard.has(fragment.name)) continue;
        const sig = signature(fragment);
        const notice = userdoc.methods?.[sig]?.notice;
        const dev = devdoc.methods?.[sig];
        checked += 1;
        if (!notice) missing.push(`${name}.${sig}: @notice`);
        for (const input of fragment.inputs) {
          if (input.name && !dev?.params?.[input.name]) missing.push(`${name}.${sig}: @param ${input.name}`);
        }
        fragment.outputs.forEach((output: any, i: number) => {
          const key = output.name || `_${i}`;
          if (!dev?.returns?.[key]) missing.push(`${name}.${sig}: @return ${key}`);
        });
      }
    }
    expect(checked).toBeGreaterThan(120);
    expect(missing, `${missing.length} missing:\n${missing.join("\n")}`).toEqual([]);
  });
});
