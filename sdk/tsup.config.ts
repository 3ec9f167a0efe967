import { defineConfig } from "tsup";

/**
 * The package's build: ESM (.mjs) and CJS (.js) with declarations for each entry. ethers is a peer dependency and
 * graphql-request a dependency, so both stay external; the contracts' ABIs (JSON from the compiled artifacts) and
 * the typechain types of those contracts are bundled into the declarations (typechain's factories, which embed
 * bytecode, are not shipped: deployments go through the Ignition modules). Run `hardhat compile` first (the root `npm test` and `npm run bench` do).
 */
export default defineConfig({
  entry: {
    index: "src/index.ts",
    math: "src/math/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  // Shared code between entries goes into chunks (ESM), so importing `/math` next to the main entry loads it once.
  splitting: true,
  treeshake: true,
  target: "es2022",
  platform: "neutral",
  tsconfig: "tsconfig.build.json",
  external: ["ethers", "graphql-request"],
});
