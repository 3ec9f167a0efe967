import { BigInt } from "@graphprotocol/graph-ts";

export const ZERO = BigInt.zero();
export const ONE = BigInt.fromI32(1);
export const PROTOCOL_ID = "protocol";
/** The DataSourceContext key under which every per-cluster template knows its cluster's id. */
export const CLUSTER_KEY = "cluster";
export const SECONDS_PER_DAY: i64 = 86400;
export const SECONDS_PER_YEAR: i64 = 365 * 86400;
/** One whole share (18 decimals). */
export const SHARE = BigInt.fromString("1000000000000000000");
/** The redemption queue's accumulator scale (stablecoin per unit, times 1e36). */
export const ASSETS_PER_UNIT_SCALE = BigInt.fromString("1000000000000000000000000000000000000");
/** The redemption queue's pending-per-unit scale, 2^96 (an untouched era's remainingPerUnit). */
export const REMAINING_SCALE = BigInt.fromString("79228162514264337593543950336");
