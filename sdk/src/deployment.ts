/**
 * The deployment file every part of ClusterShare reads: `deployments/<network>.json`, written by the deploy
 * modules (Hardhat Ignition) and the dev stack, read by the SDK, the subgraph manifest, the keeper, the CLI and the
 * page. One shape, checked once here.
 */

/** Addresses and the block from which a deployment's history starts. */
export interface Deployment {
  /** Network name as The Graph spells it (`mainnet`, `base`, `arbitrum-one`, `localhost`, `hardhat`). */
  network: string;
  chainId: number;
  /** Block of the factory's deployment: where the subgraph and the SDK's chain scans start. */
  startBlock: number;
  /** ClusterFactory: the registry of every cluster and its contracts. */
  factory: string;
  /** Multicall3 used for batched chain reads (the canonical 0xcA11…CA11 where it exists). */
  multicall3: string;
  /** The stablecoin clusters of this deployment raise and earn in, when there is one default. */
  stablecoin?: string;
}

/** Thrown when a deployment file is missing a field or holds a malformed value; names the field. */
export class InvalidDeploymentError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid deployment: ${field} ${reason}`);
    this.name = "InvalidDeploymentError";
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Checks an object parsed from a deployment file and returns it typed.
 * @throws InvalidDeploymentError naming the first field that is missing or malformed.
 */
export function parseDeployment(value: unknown): Deployment {
  if (typeof value !== "object" || value === null) throw new InvalidDeploymentError("(root)", "is not an object");
  const raw = value as Record<string, unknown>;
  const text = (field: string): string => {
    const v = raw[field];
    if (typeof v !== "string" || v.length === 0) throw new InvalidDeploymentError(field, "must be a non-empty string");
    return v;
  };
  const count = (field: string): number => {
    const v = raw[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      throw new InvalidDeploymentError(field, "must be a non-negative integer");
    }
    return v;
  };
  const address = (field: string): string => {
    const v = text(field);
    if (!ADDRESS.test(v)) throw new InvalidDeploymentError(field, `is not an address: ${v}`);
    return v;
  };
  const deployment: Deployment = {
    network: text("network"),
    chainId: count("chainId"),
    startBlock: count("startBlock"),
    factory: address("factory"),
    multicall3: address("multicall3"),
  };
  if (raw.stablecoin !== undefined) deployment.stablecoin = address("stablecoin");
  return deployment;
}
