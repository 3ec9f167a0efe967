/**
 * vitest config of the coverage run only (scripts/coverage/index.ts): the project's vitest.config.ts plus
 * - the hit collector as a second setup file (after test/helpers/setup.ts registers ts-node);
 * - `sdk/src/types` resolved to the typechain types of the instrumented build, so the factories the tests
 *   deploy carry the instrumented bytecode (hre.artifacts reads the instrumented artifacts through
 *   hardhat.config.ts under COVERAGE_BUILD);
 * - ten times the timeouts: every step of every transaction is handed to JavaScript (see collect.ts).
 */
import path from "node:path";
import { defineConfig, mergeConfig } from "vitest/config";
import base from "../../vitest.config";

const root = path.resolve(__dirname, "../..");
const build = process.env.COVERAGE_BUILD;
if (!build) throw new Error("scripts/coverage/vitest.config.ts runs only under COVERAGE_BUILD (npm run coverage)");

export default mergeConfig(
  base,
  defineConfig({
    root,
    resolve: {
      alias: [{ find: /^(?:\.\.?\/)+sdk\/src\/types$/, replacement: path.join(path.resolve(build), "types", "index.ts") }],
    },
    test: {
      setupFiles: [path.join(__dirname, "collect.ts")],
      testTimeout: 1_200_000,
      hookTimeout: 1_200_000,
    },
  }),
);
