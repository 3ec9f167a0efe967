import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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

function buildOutputs(): { contracts: Record<string, Record<string, { metadata: string; abi: any[] }>>; sources: Record<string, { ast: any }> } {
  const dir = join(ROOT, "artifacts/build-info");
  const merged = { contracts: {} as Record<string, any>, sources: {} as Record<string, any> };
  for (const file of readdirSync(dir)) {
    const { output } = JSON.parse(readFileSync(join(dir, file), "utf8"));
    Object.assign(merged.contracts, output.contracts);
    Object.assign(merged.sources, output.sources);
  }
  return merged;
}

function signature(fragment: { name: string; inputs: { type: string; components?: unknown[] }[] }): string {
  const type = (input: any): string =>
    input.type.startsWith("tuple") ? `(${input.components.map(type).join(",")})${input.type.slice(5)}` : input.type;
  return `${fragment.name}(${fragment.inputs.map(type).join(",")})`;
}

describe("NatSpec", () => {
  it("documents every external function of every protocol contract: notice, each parameter, each return value", () => {
    const { contracts, sources } = buildOutputs();
    const missing: string[] = [];
    let checked = 0;
    for (const [path, byName] of Object.entries(contracts)) {
      if (!path.startsWith("contracts/") || path.startsWith("contracts/mocks/")) continue;
      for (const [name, contract] of Object.entries(byName)) {
        const node = sources[path].ast.nodes.find((n: any) => n.nodeType === "ContractDefinition" && n.name === name);
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
    }
    expect(checked).toBeGreaterThan(120);
    expect(missing, `${missing.length} missing:\n${missing.join("\n")}`).toEqual([]);
  });
});
