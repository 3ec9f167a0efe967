/**
 * The live half of an investment, read from the chain for one cluster in both paths: earned yield, the queue's
 * state around an open request, and the raise's terms after a failure. Calls are built and decoded side by side so
 * their order cannot drift.
 */
import type { Cluster } from "../entities/cluster";
import type { ClusterAddresses } from "../context";
import { amount, type Amount } from "../entities/amount";
import type { QueuePlace } from "../entities/redemptionRequest";
import { refundAssets, type OfferingTerms } from "../math/offering";
import { valueAtNav } from "../math/nav";
import { offeringInterface, queueInterface, tokenInterface, vaultInterface } from "../fetch/chain/interfaces";
import { valueOf, type ViewCall, type ViewResult } from "../fetch/multicall";

/** The live figures of one cluster investment. */
export interface LiveFigures {
  earned: Amount;
  place: QueuePlace | null;
  refundable: Amount;
  valueAtNav: Amount | null;
}

/** A batch of calls with the decoder of its answers, given what the rest of the read found. */
export interface CallPlan<T> {
  calls: ViewCall[];
  decode(results: readonly ViewResult[], blockTimestamp: number, holding: { cluster: Cluster; balance: Amount; pending: bigint }): T;
}

/**
 * Calls for the live figures of `account` in a cluster: always `earned`; for an open request (`requestId`) the
 * queue's state around it; with `withTerms` the offering's terms (the refund after a failed raise). Planned before
 * the cluster's state is known on the chain path, so both are options rather than read from the cluster.
 */
export function liveFigures(contracts: ClusterAddresses, account: string, options: { requestId: bigint | null; withTerms: boolean }): CallPlan<LiveFigures> {
  const c = contracts;
  const { requestId, withTerms } = options;
  const calls: ViewCall[] = [{ target: c.token, iface: tokenInterface, method: "earned", args: [account] }];
  if (requestId !== null) {
    calls.push(
      { target: c.redemptionQueue, iface: queueInterface, method: "queueState" },
      { target: c.redemptionQueue, iface: queueInterface, method: "eraOf", args: [requestId] },
      { target: c.redemptionQueue, iface: queueInterface, method: "settings" },
      { target: c.vault, iface: vaultInterface, method: "currentEpoch" },
      { target: c.vault, iface: vaultInterface, method: "epochEnd" },
    );
  }
  if (withTerms) calls.push({ target: c.offering, iface: offeringInterface, method: "terms" });
  return {
    calls,
    decode(results, blockTimestamp, { cluster, balance, pending }) {
      const stable = (raw: bigint) => amount(raw, cluster.stablecoinDecimals);
      let next = 0;
      const take = () => valueOf(results[next++]);
      const earned = stable(take()[0] as bigint);
      let place: QueuePlace | null = null;
      if (requestId !== null) {
        const [state, era, settings, epoch, end] = [take(), take()[0], take()[0], take()[0], take()[0]];
        if (pending > 0n) place = queuePlace(requestId, state, era, settings, epoch, end, blockTimestamp);
      }
      const terms = withTerms ? (take()[0] as OfferingTerms) : null;
      const refundable = stable(terms && cluster.state === "RaiseFailed" ? refundAssets(terms, balance.raw) : 0n);
      const nav = cluster.navPerShare;
      return { earned, place, refundable, valueAtNav: nav === null ? null : stable(valueAtNav(balance.raw, nav.raw)) };
    },
  };
}

/**
 * Where request `requestId` stands: the pending shares settlements fill before it (the head era first, then the
 * matured one, then the fresh one), and when the next settlement that can fill it may run (see QueuePlace).
 */
function queuePlace(
  requestId: bigint,
  state: readonly any[],
  era: any,
  settings: any,
  currentEpoch: bigint,
  epochEnd: bigint,
  now: number,
): QueuePlace {
  const [q, , maturedPending, headPending] = state as [any, bigint, bigint, bigint];
  // A request that joined an era later merged into the matured one is filled as that era.
  const effective = era.aliasOf !== 0n ? era.aliasOf : requestId;
  const shares = (raw: bigint) => amount(raw, 18);
  // Settlement runs once per closed epoch: one is due when the last closed epoch is not settled yet.
  const settleDue = BigInt(settings.lastSettledEpoch) < BigInt(currentEpoch) - 1n;
  const nextSettlement = settleDue ? now : Number(epochEnd);
  if (effective === BigInt(q.headEra)) return { sharesAhead: shares(0n), estimatedSettlementAt: nextSettlement };
  if (effective === BigInt(q.maturedEra)) return { sharesAhead: shares(headPending), estimatedSettlementAt: nextSettlement };
  return { sharesAhead: shares(headPending + maturedPending), estimatedSettlementAt: Number(epochEnd) };
}
