/**
 * Links a mapping's imports to host functions. Like graph-node (which keeps `import_name_to_modules`), an import
 * is matched by its name alone, whatever module AssemblyScript filed it under (`env`, `index`, `numbers`...).
 */
import type { HostFunctions } from "./hostContext";

/** The import object for `module`; throws, naming every import the runner does not provide. */
export function linkImports(module: WebAssembly.Module, functions: HostFunctions): WebAssembly.Imports {
  const imports: Record<string, Record<string, HostFunctions[string]>> = {};
  const unknown: string[] = [];
  for (const { module: moduleName, name, kind } of importsOf(module)) {
    if (kind !== "function" || !Object.hasOwn(functions, name)) {
      unknown.push(`"${moduleName}"."${name}" (${kind})`);
      continue;
    }
    (imports[moduleName] ??= {})[name] = functions[name];
  }
  if (unknown.length > 0) {
    throw new Error(`the mapping imports what the runner does not provide: ${unknown.join(", ")}`);
  }
  return imports;
}

const importLists = new WeakMap<WebAssembly.Module, WebAssembly.ModuleImportDescriptor[]>();

/** The module's imports, listed once per compiled module: a runner instantiates the same module for every trigger. */
function importsOf(module: WebAssembly.Module): WebAssembly.ModuleImportDescriptor[] {
  let list = importLists.get(module);
  if (!list) {
    list = WebAssembly.Module.imports(module);
    importLists.set(module, list);
  }
  return list;
}
