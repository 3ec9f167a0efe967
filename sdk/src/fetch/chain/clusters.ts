/**
 * Clusters read from the chain: the factory's registry, then each cluster's views, all through Multicall3. Builds
 * the same `Cluster` entity as the subgraph path.
 */
import type { BlockTag, Result } from "ethers";
import type { ClusterShareContext } from "../../context";
import { amount } from "../../entities/amount";
import type { Cluster, ClusterState } from "../../entities/cluster";
import { WAD } from "../../math/constants";
import { multicall, valueOf, type MulticallAnswer, type ViewCall, type ViewResult } from "../multicall";
import { factoryInterface, navInterface, offeringInterface, tokenInterface, vaultInterface } from "./interfaces";

/** Registry entries per `clusters(offset, limit)` call. */
const REGISTRY_PAGE = 200;

/** A registry entry as `ClusterFactory.clusters` returns it, with its id. */
export interface RegistryEntry {
  id: bigint;
  entry: Result;
}

/** The factory call listing registry entries from `offset`. */
export function registryCall(ctx: ClusterShareContext, offset = 0): ViewCall {
  return { target: ctx.deployment.factory, iface: factoryInterface, method: "clusters", args: [offset, REGISTRY_PAGE] };
}

/** Registry entries decoded from a `registryCall` answer, ids from `offset`. */
export function registryEntries(result: ViewResult, offset = 0): RegistryEntry[] {
  return (valueOf(result)[0] as Result[]).map((entry, i) => ({ id: BigInt(offset + i), entry }));
}

/**
 * Every registry entry. One multicall when the registry fits a page; the rest of a larger registry is read at the
 * first page's block.
 */
export async function readRegistry(ctx: ClusterShareContext, blockTag?: BlockTag): Promise<{ entries: RegistryEntry[]; answer: MulticallAnswer }> {
  const first = await multicall(ctx.provider, ctx.deployment.multicall3, [registryCall(ctx)], blockTag);
  const entries = registryEntries(first.results[0]);
  for (let offset = REGISTRY_PAGE; entries.length === offset; offset += REGISTRY_PAGE) {
    const next = await multicall(ctx.provider, ctx.deployment.multicall3, [registryCall(ctx, offset)], first.block);
    entries.push(...registryEntries(next.results[0], offset));
  }
  return { entries, answer: first };
}

/** The views a `Cluster` is built from, in the order `clusterFromChain` reads them. */
export function clusterCalls(registry: RegistryEntry): ViewCall[] {
  const c = registry.entry.contracts;
  return [
    { target: c.token, iface: tokenInterface, method: "name" },
    { target: c.token, iface: tokenInterface, method: "symbol" },
    { target: c.token, iface: tokenInterface, method: "totalSupply" },
    { target: c.token, iface: tokenInterface, method: "paused" },
    { target: c.offering, iface: offeringInterface, method: "phase" },
    { target: c.offering, iface: offeringInterface, method: "terms" },
    { target: c.offering, iface: offeringInterface, method: "raiseState" },
    { target: c.vault, iface: vaultInterface, method: "config" },
    { target: c.vault, iface: vaultInterface, method: "reserve" },
    // Reverts (RoundNotFound) until the first NAV round is published.
    { target: c.navOracle, iface: navInterface, method: "latestRoundData", allowFailure: true },
  ];
}

/** How many results `clusterCalls` adds to a batch. */
export const CLUSTER_CALL_COUNT = 10;

const PHASES: readonly ClusterState[] = ["Raising", "Active", "RaiseFailed"];

/** Builds a `Cluster` from its registry entry and the answers to `clusterCalls`. */
export function clusterFromChain(registry: RegistryEntry, results: readonly ViewResult[]): Cluster {
  const [name, symbol, totalSupply, paused, phase, terms, raise, config, reserve, round] = results;
  const e = registry.entry;
  const decimals = Number(valueOf(config)[0].stablecoinDecimals);
  const stable = (raw: bigint) => amount(raw, decimals);
  const t = valueOf(terms)[0];
  return {
    id: registry.id,
    name: valueOf(name)[0],
    symbol: valueOf(symbol)[0],
    operator: e.operator,
    gpuModel: e.gpuModel,
    gpuCount: Number(e.gpuCount),
    region: e.region,
    metadataURI: e.metadataURI,
    stablecoin: e.stablecoin,
    stablecoinDecimals: decimals,
    contracts: {
      token: e.contracts.token, vault: e.contracts.vault, offering: e.contracts.offering,
      redemptionQueue: e.contracts.redemptionQueue, navOracle: e.contracts.navOracle, policy: e.contracts.policy,
    },
    state: PHASES[Number(valueOf(phase)[0])],
    paused: valueOf(paused)[0],
    totalSupply: amount(valueOf(totalSupply)[0], 18),
    // terms() holds the price as its smallest lot (lotAssets for lotShares): the price per whole share is exact.
    pricePerShare: stable(t.lotShares === 0n ? 0n : (t.lotAssets * WAD) / t.lotShares),
    softCap: stable(t.softCap),
    hardCap: stable(t.hardCap),
    deadline: Number(t.deadline),
    raised: stable(valueOf(raise)[0].raised),
    reserve: stable(valueOf(reserve)[0]),
    navPerShare: round.ok ? stable(BigInt(round.value[1])) : null,
    epochLength: Number(valueOf(config)[0].epochLength),
    launchedAt: Number(e.launchedAt),
  };
}

/** Every cluster, from the chain: two multicalls (the registry, then every cluster's views at its block). */
export async function readClustersFromChain(ctx: ClusterShareContext): Promise<{ data: Cluster[]; block: number }> {
  const { entries, answer } = await readRegistry(ctx);
  const views = await multicall(ctx.provider, ctx.deployment.multicall3, entries.flatMap(clusterCalls), answer.block);
  const data = entries.map((entry, i) => clusterFromChain(entry, views.results.slice(i * CLUSTER_CALL_COUNT, (i + 1) * CLUSTER_CALL_COUNT)));
  return { data, block: answer.block };
}
