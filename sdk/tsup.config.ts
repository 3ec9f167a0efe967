import { defineConfig } from "tsup";

/**
 * The package's build (run `hardhat compile` first: the ABIs come from the compiled artifacts). ESM (.mjs) and
 * CJS (.js) with declarations for the two public entries (`.` and `./math`).
 *
 * Every source file is its own module in the output (shared code in chunks), so with `sideEffects: false` a
 * page's bundler drops each module the page does not reach — module-level work such as building an ABI interface
 * included, which a single-file bundle would keep (test/sdk/packageSize.test.ts checks it).
 * ethers (peer) and graphql-request (dependency) stay external; the ABIs (JSON) and the typechain types of those
 * contracts are bundled in (typechain's factories, which embed bytecode, are not shipped: deployments go through
 * the Ignition modules).
 */
export default defineConfig({
  entry: ["src/**/*.ts", "!src/types/**"],
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", "math/index": "src/math/index.ts" } },
  splitting: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  tsconfig: "tsconfig.build.json",
  external: ["ethers", "graphql-request"],
});
