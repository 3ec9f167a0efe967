/**
 * Writes the subgraph's sources that derive from the contracts and the deployment: `subgraph/abis/*.json` (from
 * Hardhat's artifacts) and `subgraph/subgraph.yaml` (data source, templates and event signatures computed from
 * those ABIs, network and factory address from the deployment). Nothing in the manifest is edited by hand.
 *
 *   ts-node scripts/subgraph/manifest.ts [deployment.json]   # { "network", "factory", "startBlock" }
 *   npm run subgraph:manifest -- --network <name> [--deployments <dir>]
 *
 * The second form reads deployments/<name>.json and writes subgraph/subgraph.<name>.yaml, the manifest to hand to
 * `graph deploy` for that network; subgraph/subgraph.yaml and subgraph/build (the tests' build) stay untouched.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Interface, type EventFragment, type ParamType } from "ethers";
import type { SubgraphDeployment } from "../../runner/src/deployment";
import { parseDeployment } from "../../sdk/src/deployment";

export type { SubgraphDeployment };

/** What each contract's mapping handles: event name → handler. The factory is the one data source. */
interface SourceSpec {
  name: string;
  artifact: string;
  file: string;
  events: Record<string, string>;
}

const FACTORY: SourceSpec = {
  name: "ClusterFactory",
  artifact: "core/ClusterFactory.sol/ClusterFactory.json",
  file: "factory.ts",
  events: {
    ClusterLaunched: "handleClusterLaunched",
    MetadataUpdated: "handleMetadataUpdated",
    OperatorChanged: "handleOperatorChanged",
    KeeperChanged: "handleKeeperChanged",
    MetricsReported: "handleMetricsReported",
    ProtocolFeeSet: "handleProtocolFeeSet",
    UniswapV2FactorySet: "handleUniswapV2FactorySet",
    UniswapV3FactorySet: "handleUniswapV3FactorySet",
  },
};

/** One template per contract the factory launches with each cluster. */
const TEMPLATES: SourceSpec[] = [
  {
    name: "ClusterShareToken",
    artifact: "core/ClusterShareToken.sol/ClusterShareToken.json",
    file: "shareToken.ts",
    events: {
      Transfer: "handleTransfer",
      RewardClaimed: "handleRewardClaimed",
      Paused: "handlePaused",
      Unpaused: "handleUnpaused",
      Unlocked: "handleUnlocked",
      TransferPolicyProposed: "handleTransferPolicyProposed",
      TransferPolicyProposalCancelled: "handleTransferPolicyProposalCancelled",
      TransferPolicySet: "handleTransferPolicySet",
      StrandedYieldReturned: "handleStrandedYieldReturned",
      DonationsSwept: "handleDonationsSwept",
      ExclusionSet: "handleExclusionSet",
      EscrowExclusionProposed: "handleEscrowExclusionProposed",
      EscrowExclusionCancelled: "handleEscrowExclusionCancelled",
      EscrowExclusionSet: "handleEscrowExclusionSet",
    },
  },
  {
    name: "RevenueVault",
    artifact: "core/RevenueVault.sol/RevenueVault.json",
    file: "revenueVault.ts",
    events: {
      RentPaid: "handleRentPaid",
      EpochClosed: "handleEpochClosed",
      ReserveWithdrawn: "handleReserveWithdrawn",
      ReserveDeposited: "handleReserveDeposited",
      EarningStarted: "handleEarningStarted",
      RevenueReported: "handleRevenueReported",
      RevenueFeedProposed: "handleRevenueFeedProposed",
      RevenueFeedChangeCancelled: "handleRevenueFeedChangeCancelled",
      RevenueFeedChanged: "handleRevenueFeedChanged",
      TransferFeeCharged: "handleTransferFeeCharged",
      DonationsSwept: "handleDonationsSwept",
    },
  },
  {
    name: "ClusterOffering",
    artifact: "offering/ClusterOffering.sol/ClusterOffering.json",
    file: "offering.ts",
    events: {
      SharesPurchased: "handleSharesPurchased",
      OfferingSucceeded: "handleOfferingSucceeded",
      OfferingFailed: "handleOfferingFailed",
      Refunded: "handleRefunded",
      IssuanceConfigured: "handleIssuanceConfigured",
    },
  },
  {
    name: "RedemptionQueue",
    artifact: "redemption/RedemptionQueue.sol/RedemptionQueue.json",
    file: "redemptionQueue.ts",
    events: {
      RedeemRequest: "handleRedeemRequest",
      CancelRedeemRequest: "handleCancelRedeemRequest",
      RedeemEraMatured: "handleRedeemEraMatured",
      RedeemSettled: "handleRedeemSettled",
      Withdraw: "handleWithdraw",
    },
  },
  {
    name: "NavOracle",
    artifact: "oracles/NavOracle.sol/NavOracle.json",
    file: "navOracle.ts",
    events: { NavUpdated: "handleNavUpdated", HardwareAcquired: "handleHardwareAcquired" },
  },
  {
    name: "AllowlistPolicy",
    artifact: "compliance/AllowlistPolicy.sol/AllowlistPolicy.json",
    file: "allowlistPolicy.ts",
    events: { AllowlistUpdated: "handleAllowlistUpdated", FreezeUpdated: "handleFreezeUpdated" },
  },
];

const API_VERSION = "0.0.9";
const ROOT = resolve(__dirname, "../..");
const SUBGRAPH = join(ROOT, "subgraph");

/** A placeholder deployment, enough for `graph build` to compile; the runner takes the real one at start. */
export const BUILD_DEPLOYMENT: SubgraphDeployment = {
  network: "hardhat",
  factory: "0x0000000000000000000000000000000000000000",
  startBlock: 0,
};

/**
 * Writes subgraph/abis and the manifest for `deployment` (subgraph/subgraph.yaml unless `manifestName` says
 * otherwise: a build for a particular deployment writes its own next to it). Returns the manifest's path.
 */
export function writeSubgraphSources(deployment: SubgraphDeployment = BUILD_DEPLOYMENT, manifestName = "subgraph.yaml"): string {
  mkdirSync(join(SUBGRAPH, "abis"), { recursive: true });
  const abis = new Map<string, Interface>();
  for (const spec of [FACTORY, ...TEMPLATES]) {
    const { abi } = JSON.parse(readFileSync(join(ROOT, "artifacts/contracts", spec.artifact), "utf8"));
    writeFileSync(join(SUBGRAPH, "abis", `${spec.name}.json`), JSON.stringify(abi, null, 2));
    abis.set(spec.name, new Interface(abi));
  }
  const factory = source("dataSources", FACTORY, abis.get(FACTORY.name)!, deployment);
  const templates = TEMPLATES.map((spec) => source("templates", spec, abis.get(spec.name)!, deployment));
  const manifest = [
    "# Generated by scripts/subgraph/manifest.ts from the contracts' ABIs and the deployment. Do not edit.",
    "specVersion: 1.0.0",
    "indexerHints:",
    "  prune: auto",
    "schema:",
    "  file: ./schema.graphql",
    "dataSources:",
    factory,
    "templates:",
    ...templates,
  ].join("\n");
  const path = join(SUBGRAPH, manifestName);
  writeFileSync(path, manifest + "\n");
  return path;
}

function source(kind: "dataSources" | "templates", spec: SourceSpec, abi: Interface, d: SubgraphDeployment): string {
  const lines = [`  - kind: ethereum/contract`, `    name: ${spec.name}`, `    network: ${d.network}`, `    source:`];
  if (kind === "dataSources") lines.push(`      address: "${d.factory}"`, `      startBlock: ${d.startBlock}`);
  lines.push(
    `      abi: ${spec.name}`,
    `    mapping:`,
    `      kind: ethereum/events`,
    `      apiVersion: ${API_VERSION}`,
    `      language: wasm/assemblyscript`,
    `      file: ./src/${spec.file}`,
    `      entities:`,
    `        - Cluster`,
    `      abis:`,
    `        - name: ${spec.name}`,
    `          file: ./abis/${spec.name}.json`,
    `      eventHandlers:`,
  );
  for (const [event, handler] of Object.entries(spec.events)) {
    lines.push(`        - event: ${graphSignature(abi.getEvent(event)!)}`, `          handler: ${handler}`);
  }
  return lines.join("\n");
}

/** The event signature as graph-cli writes it: `Name(indexed uint256,(address,uint8),...)`. */
export function graphSignature(event: EventFragment): string {
  const param = (p: ParamType): string => (p.indexed ? "indexed " : "") + typeOf(p);
  return `${event.name}(${event.inputs.map(param).join(",")})`;
}

function typeOf(p: ParamType): string {
  if (p.isTuple()) return `(${p.components.map(typeOf).join(",")})`;
  if (p.isArray()) return `${typeOf(p.arrayChildren)}[${p.arrayLength === -1 ? "" : p.arrayLength}]`;
  return p.type;
}

/** The manifest file name of `network`'s deployment, beside subgraph.yaml (graph-cli resolves paths from it). */
export function networkManifestName(network: string): string {
  return `subgraph.${network}.yaml`;
}

/**
 * Writes the manifest for the deployment in `<deploymentsDir>/<network>.json` (checked by the SDK's
 * parseDeployment) as subgraph/subgraph.<network>.yaml, and returns its path.
 */
export function writeNetworkManifest(network: string, deploymentsDir = join(ROOT, "deployments")): string {
  const deployment = parseDeployment(JSON.parse(readFileSync(join(deploymentsDir, `${network}.json`), "utf8")));
  return writeSubgraphSources(
    { network: deployment.network, factory: deployment.factory, startBlock: deployment.startBlock },
    networkManifestName(network),
  );
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    options: { network: { type: "string" }, deployments: { type: "string" } },
    allowPositionals: true,
  });
  if (values.network) {
    const path = writeNetworkManifest(values.network, values.deployments ? resolve(values.deployments) : undefined);
    console.log(`wrote ${path}`);
  } else {
    const file = positionals[0];
    writeSubgraphSources(file ? (JSON.parse(readFileSync(file, "utf8")) as SubgraphDeployment) : undefined);
  }
}
