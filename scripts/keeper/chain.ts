/**
 * Every chain call the keeper makes, in one place (typechain factories today; the SDK's client can take over here
 * without the keeper's loop changing): the registry of clusters, each upkeep's check and perform, and decoding
 * a revert into the contracts' named error.
 */
import { Interface, isCallException, type ContractRunner, type Provider, type Signer } from "ethers";
import { nonceOverride } from "../../sdk/src/actions/internal/nonce";
import { hardCapReached } from "../../sdk/src/math/offering";
import {
  ClusterFactory__factory,
  ClusterOffering__factory,
  NavOracle__factory,
  RedemptionQueue__factory,
  RevenueVault__factory,
} from "../../sdk/src/types";

/**
 * A cluster's upkeeps, in the order they must run: finalizing a raise starts the vault earning and the hardware's
 * depreciation, the close feeds NAV, NAV prices the settlement.
 */
export const UPKEEP_STEPS = ["finalize", "close", "nav", "settle"] as const;
export type UpkeepStep = (typeof UPKEEP_STEPS)[number];

/**
 * A cluster's contracts by step: the offering for `finalize`, and the three that implement Chainlink's
 * AutomationCompatibleInterface.
 */
export interface ClusterUpkeeps {
  clusterId: bigint;
  targets: Record<UpkeepStep, string>;
}

/** What one performUpkeep transaction did. */
export interface PerformReceipt {
  hash: string;
  blockNumber: number;
  gasUsed: bigint;
}

const PAGE = 100n;

/** The registry's clusters from id `from` on, paged (the factory's `clusters(offset, limit)`). */
export async function clustersFrom(runner: ContractRunner, factory: string, from: bigint): Promise<ClusterUpkeeps[]> {
  const registry = ClusterFactory__factory.connect(factory, runner);
  const count = await registry.clusterCount();
  const found: ClusterUpkeeps[] = [];
  for (let offset = from; offset < count; offset += PAGE) {
    const page = await registry.clusters(offset, PAGE);
    page.forEach(({ contracts }, i) =>
      found.push({
        clusterId: offset + BigInt(i),
        targets: { finalize: contracts.offering, close: contracts.vault, nav: contracts.navOracle, settle: contracts.redemptionQueue },
      }),
    );
  }
  return found;
}

/** Steps whose contract implements `checkUpkeep(bytes)` and `performUpkeep(bytes)`. */
type AutomatedStep = Exclude<UpkeepStep, "finalize">;

/** The upkeep contract behind `step`; the three share `checkUpkeep(bytes)` and `performUpkeep(bytes)`. */
function upkeep(step: AutomatedStep, target: string, runner: ContractRunner) {
  if (step === "close") return RevenueVault__factory.connect(target, runner);
  if (step === "nav") return NavOracle__factory.connect(target, runner);
  return RedemptionQueue__factory.connect(target, runner);
}

/**
 * Whether the step's transaction would succeed now: `checkUpkeep("0x")` as the contract itself judges it, or for
 * `finalize` the offering's own condition read from its views.
 */
export async function isUpkeepNeeded(provider: Provider, step: UpkeepStep, target: string): Promise<boolean> {
  if (step === "finalize") return isFinalizeDue(provider, target);
  const [needed] = await upkeep(step, target, provider).checkUpkeep("0x");
  return needed;
}

/**
 * `ClusterOffering.finalize()` reverts `AlreadyFinalized` once the raise succeeded or its failure was recorded,
 * and `OfferingStillOpen` until the hard cap is within a lot or `block.timestamp > deadline`. The transaction
 * lands in a later block than the latest one, so a latest timestamp at the deadline is already enough.
 */
async function isFinalizeDue(provider: Provider, offeringAddress: string): Promise<boolean> {
  const offering = ClusterOffering__factory.connect(offeringAddress, provider);
  const [raise, terms, latest] = await Promise.all([offering.raiseState(), offering.terms(), provider.getBlock("latest")]);
  if (raise.succeeded || raise.failureRecorded) return false;
  if (!latest) throw new Error("the node returned no latest block");
  return hardCapReached(terms, raise.raised) || BigInt(latest.timestamp) >= terms.deadline;
}

/**
 * Sends the step's transaction (`finalize()` or `performUpkeep("0x")`) and waits for it to be mined; a revert throws
 * (decode it with `describeRevert`).
 */
export async function performUpkeep(signer: Signer, step: UpkeepStep, target: string): Promise<PerformReceipt> {
  // Close, NAV and settle follow each other within ethers' 250 ms nonce cache: read the nonce as the SDK's actions do.
  const overrides = await nonceOverride(signer);
  const tx = step === "finalize"
    ? await ClusterOffering__factory.connect(target, signer).finalize(overrides)
    : await upkeep(step, target, signer).performUpkeep("0x", overrides);
  const receipt = await tx.wait();
  if (!receipt) throw new Error(`performUpkeep ${tx.hash} was dropped`);
  return { hash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
}

/** Every error the keeper's contracts can revert with (their own, the shared IClusterErrors, OracleLib's). */
const ERRORS = new Interface(
  [ClusterOffering__factory.abi, RevenueVault__factory.abi, NavOracle__factory.abi, RedemptionQueue__factory.abi]
    .flat()
    .filter((fragment, i, all) => fragment.type === "error" && all.findIndex((f) => f.type === "error" && f.name === fragment.name) === i),
);

/**
 * A revert as its named error (`StaleOracleAnswer(0x…, 1700000000, 86400)`), or undefined when `error` is not a
 * revert (a network failure, a timeout, a nonce clash: worth retrying).
 */
export function describeRevert(error: unknown): string | undefined {
  if (!isCallException(error)) return undefined;
  const decoded = error.data ? ERRORS.parseError(error.data) : null;
  if (decoded) return `${decoded.name}(${decoded.args.map(String).join(", ")})`;
  return error.reason ?? error.shortMessage;
}
