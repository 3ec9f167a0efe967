import { Interface, type InterfaceAbi, type Log } from "ethers";
import { CLUSTER_ABIS } from "../../errors/decode";
import { abis } from "../../contracts";

/** One event from a transaction's receipt, decoded with the ClusterShare ABIs. */
export interface DecodedEvent {
  /** The event's name (`SharesPurchased`, `RewardClaimed`, `Transfer`). */
  name: string;
  /** The contract that emitted it. */
  address: string;
  /** The event's arguments by name. */
  args: Record<string, unknown>;
  logIndex: number;
}

const eventInterface = new Interface(
  [...new Map(([...CLUSTER_ABIS.flat(), ...abis.ERC20Permit] as { type: string; name?: string; inputs?: unknown }[]).filter((f) => f.type === "event").map((f) => [f.name + JSON.stringify(f.inputs), f])).values()] as unknown as InterfaceAbi,
);

/** Decodes every log a ClusterShare contract or the stablecoin emitted; logs of other contracts are left out. */
export function decodeEvents(logs: readonly Log[]): DecodedEvent[] {
  const events: DecodedEvent[] = [];
  for (const log of logs) {
    let parsed;
    try {
      parsed = eventInterface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      continue; // same topic as a known event but another layout (an ERC-721 Transfer): not ours
    }
    if (!parsed) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => (args[input.name] = parsed.args[i]));
    events.push({ name: parsed.name, address: log.address, args, logIndex: log.index });
  }
  return events;
}

/** The first event called `name`, or undefined. */
export function findEvent(events: readonly DecodedEvent[], name: string): DecodedEvent | undefined {
  return events.find((e) => e.name === name);
}
