import { expect } from "vitest";
import { ethers, type Deployment } from "../helpers/fixtures";
import { query } from "../helpers/graphql";
import { ClusterShareToken__factory, RevenueVault__factory } from "../../sdk/src/types";

/**
 * Asserts that the subgraph at `url` says exactly what the chain says, for every cluster the factory launched:
 * the protocol's cluster count and rent total, each cluster's rent paid, rent payments (one per RentPaid event:
 * nothing counted twice), supply, holders among `accounts`, and every position's balance. `block` (default: the
 * latest) compares the subgraph's answer at that block with the chain's state at it.
 */
export async function expectFiguresMatchChain(url: string, d: Deployment, accounts: string[], block?: number): Promise<void> {
  const at = block === undefined ? "" : `, block: { number: ${block} }`;
  const blockTag = block ?? (await ethers.provider.getBlockNumber());
  const data = await query(url, `{
    _meta${block === undefined ? "" : `(block: { number: ${block} })`} { block { number hash } hasIndexingErrors }
    protocol(id: "protocol"${at}) { clusterCount totalRentPaid }
    clusters(first: 100, orderBy: createdAt${at}) {
      id token rentPaid totalSupply holders
      positions(first: 1000) { account { id } balance }
    }
    rentPayments(first: 1000${at}) { cluster { id } }
  }`);
  const count = Number(await d.factory.clusterCount({ blockTag }));
  expect(data._meta.hasIndexingErrors).toBe(false);
  expect(data._meta.block.number).toBe(blockTag);
  expect(data._meta.block.hash).toBe((await ethers.provider.getBlock(blockTag))!.hash);
  expect(data.protocol.clusterCount, "clusters").toBe(count);
  expect(data.clusters).toHaveLength(count);
  let totalRent = 0n;
  for (const cluster of data.clusters) {
    const { contracts } = await d.factory.cluster(cluster.id, { blockTag });
    const token = ClusterShareToken__factory.connect(contracts.token, ethers.provider);
    const vault = RevenueVault__factory.connect(contracts.vault, ethers.provider);
    const rent = await vault.totalRentPaid({ blockTag });
    totalRent += rent;
    expect(BigInt(cluster.rentPaid), `rent paid to cluster ${cluster.id}`).toBe(rent);
    const rentEvents = await vault.queryFilter(vault.filters.RentPaid(), 0, blockTag);
    const payments = data.rentPayments.filter((payment: { cluster: { id: string } }) => payment.cluster.id === cluster.id);
    expect(payments, `rent payments of cluster ${cluster.id}`).toHaveLength(rentEvents.length);
    expect(BigInt(cluster.totalSupply), `supply of cluster ${cluster.id}`).toBe(await token.totalSupply({ blockTag }));
    let holders = 0;
    for (const account of accounts) if ((await token.balanceOf(account, { blockTag })) > 0n) holders += 1;
    expect(cluster.holders, `holders of cluster ${cluster.id}`).toBe(holders);
    for (const position of cluster.positions) {
      expect(BigInt(position.balance), `balance of ${position.account.id} in cluster ${cluster.id}`)
        .toBe(await token.balanceOf(position.account.id, { blockTag }));
    }
  }
  expect(BigInt(data.protocol.totalRentPaid), "protocol rent").toBe(totalRent);
}
