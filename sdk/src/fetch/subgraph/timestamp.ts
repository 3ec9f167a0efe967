/**
 * The schema's `Timestamp` scalar. graph-node stores it in microseconds since the Unix epoch (its own
 * `block.timestamp` is seconds); a mapping that wrote seconds into it still exists in older deployments. One
 * helper reads both, so entities always carry Unix seconds.
 */

/** The unit a subgraph's `Timestamp` fields hold; `auto` tells them apart by magnitude. */
export type TimestampUnit = "seconds" | "microseconds" | "auto";

/**
 * From this on a timestamp cannot be seconds (it would be the year 5138) and below it cannot be microseconds of any
 * time after 1970-01-02 03:46:40 UTC, so `auto` is exact for every real block time.
 */
const MICROSECONDS_FROM = 10n ** 11n;

/**
 * A `Timestamp` value (a decimal string or number, as the API serialises Int8-like scalars) in Unix seconds,
 * rounded down.
 */
export function timestampToSeconds(value: string | number, unit: TimestampUnit = "auto"): number {
  const raw = BigInt(value);
  const micro = unit === "microseconds" || (unit === "auto" && raw >= MICROSECONDS_FROM);
  return Number(micro ? raw / 1_000_000n : raw);
}
