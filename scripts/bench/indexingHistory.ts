/**
 * The history the indexing benchmark indexes, generated on the Hardhat network of the process that imports it
 * (the bench itself, or the node it starts in a child process: scripts/bench/indexingNode.ts).
 */
import { closeEpochAt, ethers, SHARE, type Deployment } from "../../test/helpers/fixtures";

const TRANSACTIONS_PER_BLOCK = 100;

/**
 * A year of a busy cluster: holders trading shares every block, rent paid and epochs closed, yield claimed,
 * redemptions requested and cancelled. Blocks carry many transactions, as on a real chain.
 */
export async function generateHistory(d: Deployment): Promise<void> {
  const holders = d.holders.slice(0, 10);
  for (const h of holders.slice(1)) await d.token.connect(holders[0]).transfer(h.address, 50_000n * SHARE);
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    let billed = 0n;
    const requestIds = new Map<string, bigint>();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < TRANSACTIONS_PER_BLOCK; i++) {
        const from = holders[(round + i) % holders.length];
        const to = holders[(round + 3 * i + 1) % holders.length];
        if (from !== to) await d.token.connect(from).transfer(to.address, SHARE + BigInt(i));
      }
      await d.vault.connect(d.renter).payRent(10_000n * d.unit, ethers.id(`invoice ${round}`));
      const requester = holders[round % holders.length];
      // One request per controller at a time: a matured one still pending is cancelled before the next.
      const previous = requestIds.get(requester.address);
      if (previous !== undefined && (await d.queue.pendingRedeemRequest(previous, requester.address)) > 0n) {
        await d.queue.connect(requester).cancelRedeemRequest(previous, requester.address);
      }
      requestIds.set(requester.address, (await d.queue.queueState()).q.freshEra);
      await d.queue.connect(requester).requestRedeem(SHARE, requester.address, requester.address);
      await ethers.provider.send("evm_mine", []);
      if (round % 5 === 4) {
        billed += 50_000n * d.unit;
        await closeEpochAt(d, billed);
        await ethers.provider.send("evm_mine", []);
        for (const h of holders.slice(0, 3)) await d.token.connect(h).claim(h.address);
        await d.queue.connect(requester).cancelRedeemRequest(requestIds.get(requester.address)!, requester.address);
        await ethers.provider.send("evm_mine", []);
      }
    }
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
}
