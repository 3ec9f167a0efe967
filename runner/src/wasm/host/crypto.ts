/** `crypto.keccak256`, through ethers. */
import { getBytes, keccak256 } from "ethers";
import type { HostEnv, HostFunctions } from "../hostContext";

/** The `crypto.*` imports. */
export function cryptoHostFunctions({ heap }: HostEnv): HostFunctions {
  return {
    "crypto.keccak256": (ptr: number): number => heap.newUint8Array(getBytes(keccak256(heap.readUint8Array(ptr)))),
  };
}
