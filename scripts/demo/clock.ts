/**
 * A deterministic chain clock for the in-process network. Hardhat dates an automined block by the wall clock (plus
 * the offset `evm_increaseTime` left), so on a loaded machine a slow run's blocks land seconds later and a seed no
 * longer replays to the unit. While installed, every transaction's block is dated exactly one second after the
 * latest block; the simulator's own jumps (`time.increaseTo`) still set the days.
 */
import hre from "hardhat";

type Request = (args: { method: string; params?: unknown[] }) => Promise<unknown>;
type Send = (method: string, params?: unknown[]) => Promise<unknown>;

const SENDS = new Set(["eth_sendTransaction", "eth_sendRawTransaction"]);

/** Installs the clock on hre's provider (both its EIP-1193 `request` and the legacy `send` ethers uses); the returned function removes it. */
export function installDeterministicClock(): () => void {
  const provider = hre.network.provider as unknown as { request: Request; send: Send };
  const [request, send] = [provider.request, provider.send];
  const original: Request = request.bind(provider);
  const datePending = async (method: string) => {
    if (!SENDS.has(method)) return;
    const latest = (await original({ method: "eth_getBlockByNumber", params: ["latest", false] })) as { timestamp: string };
    await original({ method: "evm_setNextBlockTimestamp", params: [Number(BigInt(latest.timestamp) + 1n)] });
  };
  provider.request = async (args) => {
    await datePending(args.method);
    return original(args);
  };
  provider.send = async (method, params) => {
    await datePending(method);
    return send.call(provider, method, params);
  };
  return () => {
    provider.request = request;
    provider.send = send;
  };
}
