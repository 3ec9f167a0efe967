import { ZeroAddress } from "ethers";
import { PreflightError } from "../errors";
import { loadCluster } from "./internal/cluster";
import { signerOf, type ClusterShareContext } from "./internal/context";
import { factoryOf } from "./internal/cluster";
import { transact, type ActionReceipt } from "./internal/transact";

const FULL_UTILIZATION_BPS = 10_000;

export interface ReportMetricsParameters {
  clusterId: bigint;
  /** GPUs running now (at most the cluster's GPU count). */
  activeGpus: number;
  /** Utilisation in basis points (0 to 10,000). */
  utilizationBps: number;
}

/**
 * Reports how many GPUs run and how busy they are (`MetricsReported`). Operator or keeper only. Preflight: the
 * signer's role and the figures' range.
 * @throws PreflightError `Unauthorized`, `InvalidMetrics`; ClusterShareError; RpcError.
 */
export async function reportMetrics(ctx: ClusterShareContext, parameters: ReportMetricsParameters): Promise<ActionReceipt> {
  const site = { contract: "ClusterFactory" as const, functionName: "reportMetrics" };
  const caller = await signerOf(ctx, site.contract, site.functionName).getAddress();
  const cluster = await loadCluster(ctx, parameters.clusterId);
  const isOperator = caller.toLowerCase() === cluster.operator.toLowerCase();
  const isKeeper = cluster.keeper !== ZeroAddress && caller.toLowerCase() === cluster.keeper.toLowerCase();
  if (!isOperator && !isKeeper) throw new PreflightError(site.contract, site.functionName, "role", "Unauthorized", { caller });
  const { activeGpus, utilizationBps } = parameters;
  if (activeGpus < 0 || BigInt(activeGpus) > cluster.gpuCount || utilizationBps < 0 || utilizationBps > FULL_UTILIZATION_BPS) {
    throw new PreflightError(site.contract, site.functionName, "metrics", "InvalidMetrics", { activeGpus, utilizationBps });
  }
  return transact(ctx, {
    contract: factoryOf(ctx), name: site.contract, functionName: "reportMetrics", args: [parameters.clusterId, activeGpus, utilizationBps],
  });
}
