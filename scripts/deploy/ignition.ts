/**
 * Runs Ignition modules against any EIP-1193 provider (Hardhat's network provider, or a JSON-RPC node), with the
 * project's compiled artifacts, and turns every unsuccessful result into one error that says what failed.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  deploy,
  DeploymentResultType,
  type ArtifactResolver,
  type DeploymentResult,
  type EIP1193Provider,
  type IgnitionModule,
} from "@nomicfoundation/ignition-core";
import { HardhatArtifactResolver } from "@nomicfoundation/hardhat-ignition/helpers";
import { Artifacts } from "hardhat/internal/artifacts";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** Where `npx hardhat compile` writes the artifacts the modules name. */
const ARTIFACTS = resolve(__dirname, "../../artifacts");

/** Chain ids of local development chains (Hardhat, Anvil/Ganache): blocks only come when transactions do. */
const LOCAL_CHAIN_IDS = new Set([31337, 1337]);

/** Whether `chainId` is a local development chain, where blocks come only with transactions. */
export function isLocalChain(chainId: number): boolean {
  return LOCAL_CHAIN_IDS.has(chainId);
}

/** Thrown when Ignition does not finish a module; `details` lists each failing future and why. */
export class IgnitionRunError extends Error {
  constructor(
    readonly moduleId: string,
    readonly resultType: DeploymentResultType,
    readonly details: string[],
  ) {
    super(`Ignition ${resultType} in ${moduleId}:\n  ${details.join("\n  ")}`);
    this.name = "IgnitionRunError";
  }
}

export interface RunModuleOptions {
  provider: EIP1193Provider;
  /** The deployment's journal directory (`ignition/deployments/<network>`, a temporary one for a throwaway chain). */
  deploymentDir: string;
  /** Sends the module's transactions unless a future names its own `from`. */
  defaultSender?: string;
}

/** Thrown when a journal records contracts that the chain does not have (a public chain: never wiped for you). */
export class JournalMismatchError extends Error {
  constructor(
    readonly deploymentDir: string,
    readonly missing: string[],
  ) {
    super(`${deploymentDir} records contracts this chain does not have: ${missing.join(", ")}`);
    this.name = "JournalMismatchError";
  }
}

/**
 * Checks the journal's deployed contracts against the chain. A local chain restarted from genesis keeps its chain id,
 * so Ignition would trust a journal of contracts that no longer exist: there the journal is discarded (the chain is
 * new, so is the deployment). On any other chain a mismatch is an error for a person to look at.
 */
async function checkJournalAgainstChain(provider: EIP1193Provider, deploymentDir: string, local: boolean): Promise<void> {
  const file = join(deploymentDir, "deployed_addresses.json");
  if (!existsSync(file)) return;
  const recorded = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const missing: string[] = [];
  for (const [future, address] of Object.entries(recorded)) {
    if ((await provider.request({ method: "eth_getCode", params: [address, "latest"] })) === "0x") missing.push(future);
  }
  if (missing.length === 0) return;
  if (!local) throw new JournalMismatchError(deploymentDir, missing);
  rmSync(deploymentDir, { recursive: true, force: true });
}

/**
 * Deploys `module` (or finds it deployed in the journal and sends nothing) and returns the addresses of its results,
 * by result name.
 * @throws IgnitionRunError when validation, reconciliation with the journal or execution fails;
 *         JournalMismatchError when a public chain lacks contracts the journal records.
 */
export async function runModule(
  module: IgnitionModule,
  { provider, deploymentDir, defaultSender }: RunModuleOptions,
): Promise<Record<string, string>> {
  const accounts = (await provider.request({ method: "eth_accounts" })) as string[];
  const chainId = Number(await provider.request({ method: "eth_chainId" }));
  // A local chain mines one block per transaction and no others: waiting for five confirmations would wait forever.
  const local = isLocalChain(chainId);
  await checkJournalAgainstChain(provider, deploymentDir, local);
  const result = await deploy({
    provider,
    artifactResolver: artifactResolver(!local),
    deploymentDir,
    ignitionModule: module,
    deploymentParameters: {},
    accounts,
    defaultSender: defaultSender ?? accounts[0],
    config: local ? { requiredConfirmations: 1, blockPollingInterval: 50 } : {},
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    throw new IgnitionRunError(module.id, result.type, failures(result));
  }
  // Ignition keys what it deployed by future id; callers know the contracts by the module's result names.
  return Object.fromEntries(
    Object.entries(module.results).map(([name, future]) => [name, result.contracts[future.id].address]),
  );
}

/**
 * Hardhat's own artifact resolver, over the artifacts directory alone (no Hardhat runtime needed). Ignition copies
 * the compiler's build info (10 MB, all sources) into the journal once per contract, for `hardhat ignition verify`;
 * `withBuildInfo: false` skips that on local chains, where nothing is verified (it cost ~0.8 s per contract).
 */
function artifactResolver(withBuildInfo: boolean): ArtifactResolver {
  const hardhat = new HardhatArtifactResolver({ artifacts: new Artifacts(ARTIFACTS) } as unknown as HardhatRuntimeEnvironment);
  if (withBuildInfo) return hardhat;
  return { loadArtifact: (name) => hardhat.loadArtifact(name), getBuildInfo: async () => undefined };
}

function failures(result: Exclude<DeploymentResult, { type: DeploymentResultType.SUCCESSFUL_DEPLOYMENT }>): string[] {
  if (result.type !== DeploymentResultType.EXECUTION_ERROR) {
    return Object.entries(result.errors).map(([future, errors]) => `${future}: ${errors.join("; ")}`);
  }
  return [
    ...result.failed.map((f) => `${f.futureId}: ${f.error}`),
    ...result.timedOut.map((f) => `${f.futureId}: timed out`),
    ...result.held.map((f) => `${f.futureId}: held (${f.reason})`),
  ];
}
