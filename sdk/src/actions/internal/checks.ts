import { ZeroAddress, type Signer } from "ethers";
import type { ContractName } from "../../contracts";
import { ClusterShareError, PreflightError } from "../../errors";
import { allowlistPolicyAt } from "../../contracts";
import type { ClusterHandle } from "./cluster";
import type { ClusterShareContext } from "./context";
import { read } from "./read";
import { transact } from "./transact";

/** Where a preflight check runs: the contract and function the action will call. */
export interface CheckSite {
  contract: ContractName;
  functionName: string;
}

/** Refuses a zero amount (the contracts' `ZeroAmount`). */
export function requirePositive(site: CheckSite, amount: bigint, what = "amount"): void {
  if (amount <= 0n) {
    throw new PreflightError(site.contract, site.functionName, "amount", "ZeroAmount", {}, `${what} must be positive`);
  }
}

/** Refuses the zero address (the contracts' `ZeroAddress`). */
export function requireAddress(site: CheckSite, address: string, what: string): void {
  if (address === ZeroAddress) {
    throw new PreflightError(site.contract, site.functionName, "address", "ZeroAddress", {}, `${what} is the zero address`);
  }
}

/** Refuses while the guardian has paused the cluster (new money in, transfers, settlement). */
export async function requireNotPaused(site: CheckSite, cluster: ClusterHandle): Promise<void> {
  await requirePauseState(site, cluster, false);
}

/** Refuses unless the cluster's pause state is `paused` (`EnforcedPause` when paused, `ExpectedPause` when not). */
export async function requirePauseState(site: CheckSite, cluster: ClusterHandle, paused: boolean): Promise<void> {
  const now = await read("ClusterShareToken", "paused", cluster.token.paused());
  if (now !== paused) throw new PreflightError(site.contract, site.functionName, "paused", now ? "EnforcedPause" : "ExpectedPause");
}

/** Refuses a withdrawal of nothing (`NothingToWithdraw`): `owed` is the contract's own figure. */
export async function requireOwed(site: CheckSite, owed: Promise<bigint>): Promise<void> {
  if ((await read(site.contract, "owed", owed)) === 0n) throw new PreflightError(site.contract, site.functionName, "owed", "NothingToWithdraw");
}

/**
 * Refuses a step that a delay or a deadline holds back until `readyAt` (Unix seconds): the transaction runs in the
 * next block, one second after the latest at the earliest.
 */
export async function requireTimeReached(
  site: CheckSite, cluster: ClusterHandle, readyAt: bigint, check: string, errorName: string, args: Record<string, unknown> = {},
): Promise<void> {
  if ((await latestTimestamp(site, cluster)) + 1n < readyAt) throw new PreflightError(site.contract, site.functionName, check, errorName, args);
}

/** Refuses when `owner` holds less than `needed` of `token` (shares or stablecoin). */
export async function requireBalance(
  site: CheckSite,
  token: { balanceOf(owner: string): Promise<bigint> },
  tokenName: ContractName,
  owner: string,
  needed: bigint,
): Promise<void> {
  const balance = await read(tokenName, "balanceOf", token.balanceOf(owner));
  if (balance < needed) {
    throw new PreflightError(site.contract, site.functionName, "balance", "ERC20InsufficientBalance", { sender: owner, balance, needed });
  }
}

/**
 * Refuses shares the cluster's transfer policy would not let `to` receive from `from` (address(0) for a mint),
 * asking the policy's own `canTransfer`, as the share token does.
 */
export async function requireTransferAllowed(
  site: CheckSite,
  cluster: ClusterHandle,
  from: string,
  to: string,
  amount: bigint,
  errorName = "TransferNotAllowed",
): Promise<void> {
  const policy = await read("ClusterShareToken", "transferPolicy", cluster.token.transferPolicy());
  if (policy === ZeroAddress) return;
  const allowed = await read("AllowlistPolicy", "canTransfer",
    // Any ITransferPolicy answers `canTransfer` with the allowlist's signature.
    allowlistPolicyAt(policy, cluster.provider).canTransfer(from, to, amount));
  if (!allowed) {
    const args = errorName === "TransferNotAllowed" ? { from, to, amount } : { controller: to };
    throw new PreflightError(site.contract, site.functionName, "transferPolicy", errorName, args);
  }
}

/** Approves `spender` for exactly `amount` of the cluster's stablecoin when the allowance is short. */
export async function ensureAllowance(
  ctx: ClusterShareContext,
  cluster: ClusterHandle,
  owner: Signer,
  spender: string,
  amount: bigint,
): Promise<void> {
  const address = await owner.getAddress();
  const allowance = await read("ERC20Permit", "allowance", cluster.stablecoin.allowance(address, spender));
  if (allowance >= amount) return;
  await transact(ctx, { contract: cluster.stablecoin, name: "ERC20Permit", functionName: "approve", args: [spender, amount] });
}

/**
 * Runs a contract's own preview of the action (`previewClose`, `previewSettle`, `previewBuy`): its revert becomes a
 * PreflightError carrying the contract's error name and arguments, with `check` naming the preview.
 */
export async function requirePreview<T>(site: CheckSite, check: string, call: Promise<T>): Promise<T> {
  try {
    return await read(site.contract, check, call);
  } catch (error) {
    if (error instanceof ClusterShareError) {
      throw new PreflightError(site.contract, site.functionName, check, error.errorName, error.args);
    }
    throw error;
  }
}

/** The latest block's timestamp: what a check of time (deadline, epoch end) compares against. */
export async function latestTimestamp(site: CheckSite, cluster: ClusterHandle): Promise<bigint> {
  const block = await read(site.contract, "getBlock", cluster.provider.getBlock("latest"));
  return BigInt(block!.timestamp);
}
