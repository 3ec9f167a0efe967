/** Closed epochs from the subgraph: the selection and its mapping to the `Epoch` entity. */
import { amount } from "../../entities/amount";
import type { Epoch } from "../../entities/epoch";

/** The fields `epochFromSubgraph` reads. */
export const EPOCH_FIELDS = "id number cumulativeRevenue newlyAttested released toHolders protocolFee operatorFee toReserve nextEpochEnd";

/** A closed Epoch row as the API serialises it. */
export interface EpochRow {
  id: string;
  number: string;
  cumulativeRevenue: string;
  newlyAttested: string;
  released: string;
  toHolders: string;
  protocolFee: string;
  operatorFee: string;
  toReserve: string;
  nextEpochEnd: string;
}

/** Builds an `Epoch` from a closed epoch's row. */
export function epochFromSubgraph(clusterId: bigint, row: EpochRow, decimals: number): Epoch {
  const stable = (raw: string) => amount(BigInt(raw), decimals);
  return {
    clusterId,
    number: BigInt(row.number),
    cumulativeRevenue: stable(row.cumulativeRevenue),
    newlyAttested: stable(row.newlyAttested),
    released: stable(row.released),
    toHolders: stable(row.toHolders),
    protocolFee: stable(row.protocolFee),
    operatorFee: stable(row.operatorFee),
    toReserve: stable(row.toReserve),
    nextEpochEnd: Number(row.nextEpochEnd),
  };
}
