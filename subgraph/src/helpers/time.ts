import { ethereum } from "@graphprotocol/graph-ts";

/** The Graph's `Timestamp` scalar counts microseconds since the epoch (graph-node stores them so). */
const MICROSECONDS_PER_SECOND: i64 = 1000000;

/** The event's block time as a `Timestamp` value: block.timestamp is in seconds. */
export function blockTimestamp(event: ethereum.Event): i64 {
  return event.block.timestamp.toI64() * MICROSECONDS_PER_SECOND;
}
