/**
 * The coverage build's Hardhat settings, applied by hardhat.config.ts only while COVERAGE_BUILD names the build
 * folder (scripts/coverage/index.ts sets it): normal compiles, `npm test` and `npm run bench` never load this.
 *
 * - compiles the sources that solidity-coverage instrumented (`<build>/instrumented.json`, keyed by source name)
 *   in place of the originals, so source names, imports and the solc override stay as they are;
 * - writes artifacts, cache and typechain types under the build folder, so the normal build is untouched;
 * - keeps the project's compiler settings (solc 0.8.28, via-IR, optimizer): solidity-coverage instruments via-IR
 *   code with `abi.encode(hash);` statements that survive the optimizer; metadata literal content off (size);
 * - gives the network the gas settings solidity-coverage uses (instrumented code is larger and costs more gas).
 */
import fs from "node:fs";
import path from "node:path";
import { subtask } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_GET_COMPILATION_JOB_FOR_FILE,
  TASK_COMPILE_SOLIDITY_GET_COMPILER_INPUT,
  TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS,
} from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/types";

export function applyCoverageBuild(config: HardhatUserConfig, buildDir: string): void {
  const build = path.resolve(buildDir);
  const instrumented: Record<string, string> = JSON.parse(fs.readFileSync(path.join(build, "instrumented.json"), "utf8"));

  config.paths = { ...config.paths, artifacts: path.join(build, "artifacts"), cache: path.join(build, "cache") };
  (config as { typechain?: { outDir: string; target: string } }).typechain = {
    outDir: path.join(build, "types"),
    target: "ethers-v6",
  };

  // What solidity-coverage's own plugin sets on the Hardhat network (plugins/resources/nomiclabs.utils.js).
  // On Osaka, Hardhat lifts the per-transaction gas cap when it sees this block gas limit.
  const { HardforkName, hardforkGte } = require("hardhat/internal/util/hardforks");
  const hardfork: string = config.networks?.hardhat?.hardfork ?? HardforkName.OSAKA;
  config.networks = {
    ...config.networks,
    hardhat: {
      ...config.networks?.hardhat,
      allowUnlimitedContractSize: true,
      blockGasLimit: 0x1fffffffffffff,
      gas: hardforkGte(hardfork, HardforkName.OSAKA) ? 2 ** 24 : 0xffffffffff,
      gasPrice: 1,
      initialBaseFeePerGas: 0,
    },
  };

  subtask(TASK_COMPILE_SOLIDITY_GET_COMPILER_INPUT).setAction(async (_args, _hre, runSuper) => {
    const input = await runSuper();
    for (const [sourceName, source] of Object.entries(input.sources as Record<string, { content: string }>)) {
      if (sourceName in instrumented) source.content = instrumented[sourceName];
    }
    return input;
  });

  subtask(TASK_COMPILE_SOLIDITY_GET_COMPILATION_JOB_FOR_FILE).setAction(async (_args, _hre, runSuper) => {
    const job = await runSuper();
    if (typeof job === "object" && job.solidityConfig) {
      const settings = (job.solidityConfig.settings ??= {});
      settings.metadata = { ...settings.metadata, useLiteralContent: false };
    }
    return job;
  });

  // The injected statements draw "unused" warnings by the hundred; errors are still printed.
  subtask(TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS).setAction(async (_args, _hre, runSuper) => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      await runSuper();
    } finally {
      console.warn = warn;
    }
  });
}
