/**
 * `abort`, which AssemblyScript calls for `assert`, `throw` and runtime failures. It always fails the handler,
 * with graph-node's message: "Mapping aborted at <file>, line <l>, column <c>, with message: <message>".
 */
import type { HostEnv, HostFunctions } from "../hostContext";

/** The `env.abort` import. */
export function abortHostFunctions({ heap }: HostEnv): HostFunctions {
  return {
    abort(messagePtr: number, fileNamePtr: number, line: number, column: number): never {
      const message = messagePtr === 0 ? "no message" : `message: ${heap.readString(messagePtr)}`;
      const file = fileNamePtr === 0 ? null : heap.readString(fileNamePtr);
      let location = "an unknown location";
      if (file !== null) {
        location = file;
        if (line !== 0) location += `, line ${line}`;
        if (line !== 0 && column !== 0) location += `, column ${column}`;
      }
      throw new Error(`Mapping aborted at ${location}, with ${message}`);
    },
  };
}
