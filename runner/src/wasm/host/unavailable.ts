/**
 * Host functions graph-node links but that cannot work in the local runner. They are linked (so a mapping that
 * merely imports them still instantiates) and fail the handler when called, saying why.
 */
import type { HostFunctions } from "../hostContext";

const NO_CHAIN = "needs a chain connection, which the local runner does not have";
// graph-node only allows these with non-deterministic IPFS enabled, which the network does not.
const IPFS_DEPRECATED = "is deprecated. Improved support for IPFS will be added in the future";

const FAILURES: Record<string, string> = {
  "ethereum.getBalance": `\`ethereum.getBalance\` ${NO_CHAIN}`,
  "ethereum.hasCode": `\`ethereum.hasCode\` ${NO_CHAIN}`,
  // graph-node: without ENS rainbow tables loaded, a lookup is an error rather than a null name.
  "ens.nameByHash": "Missing ENS data: see https://github.com/graphprotocol/ens-rainbow",
  "ipfs.cat": `\`ipfs.cat\` ${IPFS_DEPRECATED}`,
  "ipfs.map": `\`ipfs.map\` ${IPFS_DEPRECATED}`,
  "ipfs.getBlock": `\`ipfs.getBlock\` ${IPFS_DEPRECATED}`,
};

/** The imports that always fail. */
export function unavailableHostFunctions(): HostFunctions {
  return Object.fromEntries(
    Object.entries(FAILURES).map(([name, message]) => [
      name,
      (): never => {
        throw new Error(message);
      },
    ]),
  );
}
