/**
 * The built subgraph and the runner cannot drift apart: every host function the compiled mappings
 * (subgraph/build/**\/*.wasm, as `npm run subgraph:build` writes them) import must be one the runner links, and
 * none may be one the runner links only to fail. The test lists both sides, and the runner's linker refuses a
 * module that imports something it does not implement, naming it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { hostFunctions } from "../../runner/src/wasm/host";
import type { HostEnv } from "../../runner/src/wasm/hostContext";
import { unavailableHostFunctions } from "../../runner/src/wasm/host/unavailable";
import { linkImports } from "../../runner/src/wasm/imports";

const BUILD = join(__dirname, "../../subgraph/build");

function wasmFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return wasmFiles(path);
    return entry.name.endsWith(".wasm") ? [path] : [];
  });
}

// Only the names are read: building the table binds nothing until a function is called.
const implemented = new Set(Object.keys(hostFunctions({} as HostEnv)));
const failing = new Set(Object.keys(unavailableHostFunctions()));

/** A WASM module that imports the functions `names` (no parameters, no results) from "env". */
function moduleImporting(names: string[]): WebAssembly.Module {
  const text = (value: string) => [value.length, ...Buffer.from(value)];
  const imports = names.flatMap((name) => [...text("env"), ...text(name), 0x00, 0x00]);
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  return new WebAssembly.Module(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(0x01, [0x01, 0x60, 0x00, 0x00]),
    ...section(0x02, [names.length, ...imports]),
  ]));
}

describe("host functions", () => {
  const files = wasmFiles(BUILD);

  it("links every host function the built mappings import, and none of those it only fails", () => {
    expect(files.length).toBeGreaterThan(0);
    const imported = new Map<string, string[]>();
    for (const file of files) {
      const module = new WebAssembly.Module(readFileSync(file));
      for (const { name, kind } of WebAssembly.Module.imports(module)) {
        expect(kind, `${name} in ${file}`).toBe("function");
        imported.set(name, [...(imported.get(name) ?? []), relative(BUILD, file)]);
      }
      expect(() => linkImports(module, hostFunctions({} as HostEnv))).not.toThrow();
    }
    const used = [...imported.keys()].sort();
    console.log(`the build imports ${used.length} host functions: ${used.join(", ")}`);
    console.log(`the runner implements ${implemented.size}: ${[...implemented].sort().join(", ")}`);
    const missing = used.filter((name) => !implemented.has(name)).map((name) => `${name} (${imported.get(name)!.join(", ")})`);
    expect(missing, "host functions the build imports and the runner does not implement").toEqual([]);
    expect(used.filter((name) => failing.has(name)), "host functions the build imports that the runner always fails").toEqual([]);
    // The one import every AssemblyScript module has, so the walk above did read real imports.
    expect(used).toContain("abort");
  });

  it("refuses a mapping that imports a host function the runner does not implement, naming it", () => {
    expect(() => linkImports(moduleImporting(["log.log", "ipfs.unknownCall"]), hostFunctions({} as HostEnv))).toThrow(
      'the mapping imports what the runner does not provide: "env"."ipfs.unknownCall" (function)',
    );
    expect(() => linkImports(moduleImporting(["log.log", "store.get"]), hostFunctions({} as HostEnv))).not.toThrow();
  });
});
