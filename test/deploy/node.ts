import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EIP1193Provider } from "@nomicfoundation/ignition-core";
import { getAddress, JsonRpcProvider } from "ethers";
import { startRpcNode } from "../helpers/rpcNode";

/** A Hardhat node over JSON-RPC, an ethers provider on it, and the EIP-1193 face Ignition talks to. */
export interface NodeConnection {
  url: string;
  chain: JsonRpcProvider;
  eip1193: EIP1193Provider;
  accounts: string[];
  close: () => Promise<void>;
}

/** Starts a JSON-RPC node on the in-process Hardhat network and connects to it over HTTP, as a deploy script would. */
export async function connectNode(): Promise<NodeConnection> {
  const node = await startRpcNode();
  const chain = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
  const eip1193: EIP1193Provider = {
    request: ({ method, params }) => chain.send(method, (params as unknown[] | undefined) ?? []),
  };
  const accounts = ((await chain.send("eth_accounts", [])) as string[]).map((a) => getAddress(a));
  return {
    url: node.url,
    chain,
    eip1193,
    accounts,
    close: async () => {
      chain.destroy();
      await node.close();
    },
  };
}

/** A fresh directory for an Ignition journal (tests never write under ignition/deployments). */
export function journalDir(): string {
  return join(mkdtempSync(join(tmpdir(), "clustershare-ignition-")), "deployment");
}
