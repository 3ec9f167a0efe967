/** The demo's terminal report: one table per cluster and one for the investors. */
import { percent, shares, table, usd, usdPrecise } from "./format";
import type { DemoSummary } from "./reads";

/** The summary as text for the terminal. */
export function consoleReport(summary: DemoSummary): string {
  const out: string[] = [];
  for (const c of summary.clusters) {
    out.push(`\n${c.name} (${c.symbol}) · ${c.gpus} · ${c.region} · ${c.state}`);
    if (c.state !== "Active") {
      out.push(`  raise failed: ${usd(c.raised)} raised, ${usd(c.refunded)} refunded to its buyers`);
      continue;
    }
    out.push(table(["figure", "value"], [
      ["raised", usd(c.raised)],
      ["rent billed (attested)", usd(c.rentBilled)],
      ["rent paid", usd(c.rentPaid)],
      ["shortfall outstanding", usd(c.shortfall)],
      ["distributed to holders", usd(c.distributed)],
      ["fees (protocol + operator)", `${usd(c.protocolFees + c.operatorFees)} (${usd(c.protocolFees)} + ${usd(c.operatorFees)})`],
      ["redemption reserve", usd(c.reserve)],
      ["shares outstanding", shares(c.totalSupply)],
      ["NAV per share, first round", c.navStart === null ? "n/a" : usdPrecise(c.navStart)],
      ["NAV per share, last round", c.navEnd === null ? "n/a" : usdPrecise(c.navEnd)],
      ["NAV rounds on the schedule", String(c.scheduleRounds)],
      ["trailing APR (last month)", percent(c.trailingApr)],
    ].map(([k, v]) => [`  ${k}`, v])));
  }
  out.push("\nInvestors (market value: shares at the last NAV plus unclaimed yield)");
  out.push(table(
    ["investor", "invested", "refunded", "yield claimed", "sold", "redeemed", "market value", "IRR"],
    summary.investors.map((i) => [
      i.name, usd(i.invested), usd(i.refunded), usd(i.yieldClaimed), usd(i.saleProceeds), usd(i.redemptionProceeds), usd(i.marketValue), percent(i.irr),
    ]),
  ));
  const fromSubgraph = summary.sources.filter((s) => s.source === "subgraph").length;
  const blocks = [...new Set(summary.sources.map((s) => s.block))].join(", ");
  out.push(`\nRead through the SDK client: ${fromSubgraph} of ${summary.sources.length} answers from the subgraph (block ${blocks}), ` +
    `${summary.eventsIndexed} events indexed by the local runner.`);
  return out.join("\n");
}
