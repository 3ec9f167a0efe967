/**
 * `log.log`: forwards the mapping's log lines to the host context. A critical line fails the handler, as in
 * graph-node (whose error says only "Critical error logged in mapping"; here the message is kept in it).
 */
import { LogLevel, type HostEnv, type HostFunctions } from "../hostContext";

/** The `log.*` imports. */
export function logHostFunctions({ heap, ctx }: HostEnv): HostFunctions {
  return {
    "log.log"(level: number, messagePtr: number): void {
      const message = heap.readString(messagePtr);
      // graph-node reads unknown levels as debug.
      const knownLevel = level >= LogLevel.Critical && level <= LogLevel.Debug ? level : LogLevel.Debug;
      ctx.log(knownLevel, message);
      if (knownLevel === LogLevel.Critical) throw new Error(`Critical error logged in mapping: ${message}`);
    },
  };
}
