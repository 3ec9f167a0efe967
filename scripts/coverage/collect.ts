/**
 * vitest setup file of the coverage run (scripts/coverage/vitest.config.ts; never part of `npm test`): counts the
 * instrumentation hashes the instrumented contracts push while this test file runs, and writes the counts to
 * `<build>/hits/` when it ends, so the hits of every worker process can be merged.
 *
 * Hardhat 2.29's network is EDR: it replays each transaction's trace to listeners of the ethereumjs-style
 * `step` event on `provider._node._vm.evm.events` (top of stack only, which is all the collector reads). This is
 * the hook solidity-coverage's own Hardhat plugin attaches to (lib/api.js, attachToHardhatVM).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import hre from "hardhat";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const DataCollector = require("solidity-coverage/lib/collector");

type Hits = Record<string, { hits: number }>;

const build = process.env.COVERAGE_BUILD;
if (!build) throw new Error("scripts/coverage/collect.ts runs only under COVERAGE_BUILD (npm run coverage)");
const data: Hits = JSON.parse(fs.readFileSync(path.join(build, "instrumentation.json"), "utf8"));
// viaIR = true: the hashes are looked for after PUSHn, DUPn and SWAPn, and un-padded.
const collector = new DataCollector(data, true);
const onStep = collector.step.bind(collector);

type Wrapped = { _wrapped?: Wrapped; _node?: { _vm: { evm: { events: NodeJS.EventEmitter } } }; init?: () => Promise<void> };

beforeAll(async () => {
  let provider = hre.network.provider as unknown as Wrapped;
  if (provider.init) await provider.init();
  while (provider && !provider._node) provider = provider._wrapped as Wrapped;
  if (!provider?._node) throw new Error("coverage: no EDR provider with a step event under hre.network.provider");
  const events = provider._node._vm.evm.events;
  if (!events.listeners("step").includes(onStep)) events.on("step", onStep);
});

afterAll(() => {
  const hit: Record<string, number> = {};
  for (const [hash, entry] of Object.entries(data)) {
    if (entry.hits > 0) hit[hash] = entry.hits;
    entry.hits = 0;
  }
  const dir = path.join(build, "hits");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`);
  fs.writeFileSync(file, JSON.stringify(hit));
});
