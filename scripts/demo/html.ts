/**
 * demo-report.html: one self-contained page (inline CSS and SVG, no scripts, no network) with, per cluster, NAV
 * per share against the depreciation schedule, cumulative yield per share, and rent billed against paid per month.
 * Chart coordinates are numbers (pixels); every label comes from the bigint formatters.
 */
import { consoleReport } from "./console";
import { usd, usdPrecise } from "./format";
import type { ClusterSummary, DemoSummary } from "./reads";

const WIDTH = 560;
const HEIGHT = 220;
const PAD = { left: 70, right: 12, top: 14, bottom: 28 };

interface Series {
  label: string;
  color: string;
  points: { x: number; y: bigint; marked?: boolean }[];
  dashed?: boolean;
}

/** The whole report page. */
export function htmlReport(summary: DemoSummary, durationMs: number): string {
  const clusters = summary.clusters.filter((c) => c.state === "Active").map((c) => clusterSection(c)).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ClusterShare demo · seed ${summary.seed}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#1d2330}
h1{font-size:22px}h2{font-size:18px;margin-top:2em}section{border-top:1px solid #ddd}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
pre{background:#f5f6f8;padding:1em;overflow:auto;font-size:12px}.legend span{margin-right:1em}
</style></head><body>
<h1>ClusterShare: ${summary.months} months of GPU clusters on the embedded chain</h1>
<p>Seed ${summary.seed}, ${summary.weeks} weekly epochs, ${summary.eventsIndexed} events indexed by the local subgraph runner,
simulated and read in ${(durationMs / 1000).toFixed(1)} s. Every figure below was read from the subgraph and the chain.</p>
${clusters}
<section><h2>Tables</h2><pre>${escapeHtml(consoleReport(summary))}</pre></section>
</body></html>
`;
}

function clusterSection(c: ClusterSummary): string {
  const start = c.charts.yieldPerShare[0]?.timestamp ?? 0;
  const days = (t: number) => (t - start) / 86_400;
  const nav = lineChart("NAV per share vs the depreciation schedule", [
    {
      label: "NAV per share (appraisal when fresh; ○ stale appraisal, priced from the schedule)",
      color: "#2b6cb0",
      points: c.charts.nav.map((p) => ({ x: days(p.timestamp), y: p.navPerShare, marked: !p.appraised })),
    },
    { label: "schedule only", color: "#c05621", dashed: true, points: c.charts.nav.map((p) => ({ x: days(p.timestamp), y: p.scheduleNavPerShare })) },
  ], (v) => usdPrecise(v, 2), "day");
  const yieldChart = lineChart("Cumulative yield per share", [
    { label: "streamed per share", color: "#2f855a", points: c.charts.yieldPerShare.map((p) => ({ x: days(p.timestamp), y: p.value })) },
  ], (v) => usdPrecise(v, 2), "day");
  return `<section><h2>${escapeHtml(c.name)} · ${escapeHtml(c.gpus)} · ${escapeHtml(c.region)}</h2>
<div class="charts">${nav}${yieldChart}${rentChart(c)}</div></section>`;
}

function lineChart(title: string, series: Series[], label: (v: bigint) => string, xUnit: string): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return "";
  const [xMin, xMax] = [Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x))];
  let [yMin, yMax] = [all.reduce((m, p) => (p.y < m ? p.y : m), all[0].y), all.reduce((m, p) => (p.y > m ? p.y : m), all[0].y)];
  if (yMin === yMax) yMax = yMin + 1n;
  const x = (v: number) => PAD.left + ((v - xMin) / (xMax - xMin || 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: bigint) => HEIGHT - PAD.bottom - (Number(v - yMin) / Number(yMax - yMin)) * (HEIGHT - PAD.top - PAD.bottom);
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${
    s.points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ")}"/>`
    + s.points.filter((p) => p.marked).map((p) => `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="5" fill="none" stroke="${s.color}"/>`).join("")).join("");
  return figure(title, series, `${axes(label(yMax), label(yMin), `${xUnit} ${Math.round(xMin)}`, `${xUnit} ${Math.round(xMax)}`)}${lines}`);
}

function rentChart(c: ClusterSummary): string {
  const months = c.charts.rent;
  const top = months.reduce((m, r) => (r.billed > m ? r.billed : r.paid > m ? r.paid : m), 1n);
  const slot = (WIDTH - PAD.left - PAD.right) / months.length;
  const bar = (value: bigint, offset: number, color: string, i: number) => {
    const h = (Number(value) / Number(top)) * (HEIGHT - PAD.top - PAD.bottom);
    return `<rect x="${(PAD.left + i * slot + offset).toFixed(1)}" y="${(HEIGHT - PAD.bottom - h).toFixed(1)}" width="${(slot * 0.38).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>month ${i + 1}: ${usd(value)}</title></rect>`;
  };
  const bars = months.map((r, i) => bar(r.billed, slot * 0.1, "#805ad5", i) + bar(r.paid, slot * 0.5, "#38a169", i)).join("");
  const series = [{ label: "billed", color: "#805ad5", points: [] }, { label: "paid", color: "#38a169", points: [] }];
  return figure("Rent billed vs paid per month", series, `${axes(usd(top), "$0", "month 1", `month ${months.length}`)}${bars}`);
}

function axes(yTop: string, yBottom: string, xLeft: string, xRight: string): string {
  const bottom = HEIGHT - PAD.bottom;
  return `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${bottom}" stroke="#999"/>`
    + `<line x1="${PAD.left}" y1="${bottom}" x2="${WIDTH - PAD.right}" y2="${bottom}" stroke="#999"/>`
    + `<text x="${PAD.left - 4}" y="${PAD.top + 4}" text-anchor="end" font-size="11">${escapeHtml(yTop)}</text>`
    + `<text x="${PAD.left - 4}" y="${bottom}" text-anchor="end" font-size="11">${escapeHtml(yBottom)}</text>`
    + `<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="11">${escapeHtml(xLeft)}</text>`
    + `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end" font-size="11">${escapeHtml(xRight)}</text>`;
}

function figure(title: string, series: Pick<Series, "label" | "color">[], body: string): string {
  const legend = series.map((s) => `<span style="color:${s.color}">■ ${escapeHtml(s.label)}</span>`).join("");
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">${body}</svg><div class="legend">${legend}</div></figure>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
