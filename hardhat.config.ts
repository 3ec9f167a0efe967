import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/types";
import "@nomicfoundation/hardhat-ethers";
import "@typechain/hardhat";

// Hardhat Ignition's plugin gives the Hardhat CLI its `ignition` tasks (`npx hardhat ignition status <network>`) but
// costs about a second on every Hardhat load: only the CLI registers it. The deploy scripts, the demo and the tests
// drive Ignition through @nomicfoundation/ignition-core (scripts/deploy/ignition.ts) and do not need it.
if (/hardhat[\\/]internal[\\/]cli[\\/]|\.bin[\\/]hardhat$/.test(process.argv[1] ?? "")) {
  require("@nomicfoundation/hardhat-ignition-ethers");
}

/** The one Solidity version the project compiles with; it must equal the pinned npm `solc` package. */
const SOLIDITY_VERSION = "0.8.28";

// No machine reaches the internet, so Hardhat must not download a compiler: hand it the solcjs build that
// npm installed. Refuse loudly if package.json and this file disagree about the version.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async ({ solcVersion }: { solcVersion: string }) => {
  const solc = require("solc");
  const installed: string = require("solc/package.json").version;
  if (solcVersion !== SOLIDITY_VERSION || installed !== SOLIDITY_VERSION) {
    throw new Error(`solc ${solcVersion} requested, npm solc ${installed} installed, project pins ${SOLIDITY_VERSION}`);
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: solcVersion,
    longVersion: solc.version(),
  };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLIDITY_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      viaIR: true,
      evmVersion: "cancun",
    },
  },
  networks: {
    hardhat: {
      // Clones of the implementations keep launches cheap; the implementations themselves are large.
      allowUnlimitedContractSize: false,
    },
    // A real network, named as The Graph names it (`npm run deploy -- --network base` sets DEPLOY_NETWORK), at
    // RPC_URL, sending from DEPLOYER_KEY. Keys live in the environment, never in this file or in flags.
    ...(process.env.RPC_URL
      ? {
          [process.env.DEPLOY_NETWORK ?? "remote"]: {
            url: process.env.RPC_URL,
            // The deployer sends the protocol; an operator's own key (OPERATOR_KEY), when given, launches clusters.
            accounts: [process.env.DEPLOYER_KEY, process.env.OPERATOR_KEY].filter((key): key is string => !!key),
          },
        }
      : {}),
  },
  typechain: {
    outDir: "sdk/src/types",
    target: "ethers-v6",
  },
  paths: {
    sources: "contracts",
    tests: "test",
    cache: "cache",
    artifacts: "artifacts",
  },
};

// `npm run coverage` (scripts/coverage/index.ts) compiles and tests instrumented sources into its own folder.
if (process.env.COVERAGE_BUILD) {
  require("./scripts/coverage/hardhat").applyCoverageBuild(config, process.env.COVERAGE_BUILD);
}

export default config;
