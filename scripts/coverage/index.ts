/**
 * `npm run coverage`: line and branch coverage of every contract under contracts/ except contracts/mocks/ (and
 * contracts/interfaces/, which hold no code) under the whole vitest suite, with solidity-coverage's API:
 *
 *   1. the normal build, as `npm test` does it (hardhat compile, subgraph build: the subgraph tests need both);
 *   2. instrument the sources (solidity-coverage, via-IR mode) into coverage/.build/instrumented.json, and the
 *      hash map of every statement, branch and function into coverage/.build/instrumentation.json;
 *   3. `hardhat compile` with COVERAGE_BUILD=coverage/.build: hardhat.config.ts then loads
 *      scripts/coverage/hardhat.ts, which compiles the instrumented sources into coverage/.build/{artifacts,
 *      cache,types} (the normal artifacts and sdk/src/types stay as they are); `--force` unless the
 *      instrumented sources are the ones the kept build was compiled from;
 *   4. vitest with scripts/coverage/vitest.config.ts: the tests deploy the instrumented bytecode, and each test
 *      file's process writes the hashes it saw to coverage/.build/hits/ (scripts/coverage/collect.ts);
 *   5. merge the hits and write the istanbul report to coverage/: lcov (lcov.info, lcov-report/index.html),
 *      coverage-final.json, coverage-summary.json, coverage.json; the per-file table and summary are printed.
 *
 *   npx ts-node --transpile-only scripts/coverage/index.ts [vitest filters...]
 *
 * Prints `GOAL MISSED` when lines < 95 % or branches < 85 % (exit 0 all the same); exits non-zero when a step
 * fails or a test fails (the report is still written from what ran).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const API = require("solidity-coverage/api");

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "coverage");
const BUILD = path.join(OUT, ".build");
const GOAL = { lines: 95, branches: 85 };
/**
 * Under coverage every transaction runs about ten times slower (Hardhat hands each step of its trace to
 * JavaScript), so the property tests run fewer random sequences than in `npm test` unless these are set.
 */
const PROPERTY_DEFAULTS = { PROPERTY_RUNS: "15", PROPERTY_RUNS_18: "3", INVESTOR_PROPERTY_RUNS: "10" };
/** Sources not measured: test-only contracts, and interfaces (declarations only, nothing runs). */
const SKIPPED = ["contracts/mocks/", "contracts/interfaces/"];

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function run(step: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  console.log(`\n[coverage ${elapsed()}] ${step}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mustRun(step: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const status = run(step, command, args, env);
  if (status !== 0) throw new Error(`${step} failed (exit ${status})`);
}

function soliditySources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? soliditySources(file) : entry.name.endsWith(".sol") ? [file] : [];
    })
    .sort();
}

async function main(): Promise<void> {
  const hardhat = path.join(ROOT, "node_modules/hardhat/internal/cli/cli.js");
  const vitest = path.join(ROOT, "node_modules/vitest/vitest.mjs");
  // Nothing of a previous coverage build may leak into this one.
  const { COVERAGE_BUILD: _ignored, ...cleanEnv } = process.env;
  process.env = cleanEnv;
  // The report and the hits start afresh; the instrumented build is kept for the next run (see step 3).
  for (const entry of fs.existsSync(OUT) ? fs.readdirSync(OUT) : []) {
    if (entry !== ".build") fs.rmSync(path.join(OUT, entry), { recursive: true, force: true });
  }
  fs.rmSync(path.join(BUILD, "hits"), { recursive: true, force: true });
  fs.mkdirSync(BUILD, { recursive: true });

  // 1. The normal build (its artifacts feed the subgraph build and the subgraph tests).
  mustRun("normal build", process.execPath, [hardhat, "compile", "--quiet"]);
  mustRun("subgraph build", "npm", ["run", "subgraph:build", "--silent"]);

  // 2. Instrument.
  console.log(`\n[coverage ${elapsed()}] instrumenting`);
  const api = new API({ cwd: ROOT, viaIR: true, silent: true, istanbulReporter: [] });
  const targets = soliditySources(path.join(ROOT, "contracts"))
    .map((file) => ({ canonicalPath: file, relativePath: path.relative(ROOT, file).split(path.sep).join("/") }))
    .filter(({ relativePath }) => !SKIPPED.some((prefix) => relativePath.startsWith(prefix)))
    .map((target) => ({ ...target, source: fs.readFileSync(target.canonicalPath, "utf8") }));
  const instrumented: { relativePath: string; source: string }[] = api.instrument(targets);
  const instrumentedFile = path.join(BUILD, "instrumented.json");
  const instrumentedJson = JSON.stringify(Object.fromEntries(instrumented.map((t) => [t.relativePath, t.source])));
  // Hardhat's cache knows the original sources only: unless the instrumented text is what the kept build was
  // compiled from, everything is compiled again.
  const sameInstrumentation =
    fs.existsSync(instrumentedFile) && fs.readFileSync(instrumentedFile, "utf8") === instrumentedJson;
  fs.writeFileSync(instrumentedFile, instrumentedJson);
  fs.writeFileSync(path.join(BUILD, "instrumentation.json"), JSON.stringify(api.getInstrumentationData()));
  console.log(`  ${targets.map((t) => t.relativePath).join("\n  ")}`);

  // 3. Compile the instrumented sources into coverage/.build.
  const env = { COVERAGE_BUILD: BUILD };
  const propertyEnv = Object.fromEntries(
    Object.entries(PROPERTY_DEFAULTS).map(([name, runs]) => [name, process.env[name] ?? runs]),
  );
  mustRun(
    "instrumented build",
    process.execPath,
    [hardhat, "compile", "--quiet", ...(sameInstrumentation ? [] : ["--force"])],
    env,
  );

  // 4. The whole vitest suite on the instrumented build.
  console.log(`\n[coverage ${elapsed()}] property runs: ${Object.entries(propertyEnv).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  const testStatus = run(
    "tests",
    process.execPath,
    [vitest, "run", "--config", path.join(__dirname, "vitest.config.ts"), ...process.argv.slice(2)],
    { ...env, ...propertyEnv, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
  );

  // 5. Merge every process's hits and report.
  const data: Record<string, { hits: number }> = api.getInstrumentationData();
  const hitsDir = path.join(BUILD, "hits");
  const hitFiles = fs.existsSync(hitsDir) ? fs.readdirSync(hitsDir) : [];
  for (const file of hitFiles) {
    const hit: Record<string, number> = JSON.parse(fs.readFileSync(path.join(hitsDir, file), "utf8"));
    for (const [hash, count] of Object.entries(hit)) if (data[hash]) data[hash].hits += count;
  }
  api.setInstrumentationData(data);
  api.istanbulReporter = ["lcov", "json", "json-summary", "text", "text-summary"];
  console.log(`\n[coverage ${elapsed()}] report from ${hitFiles.length} test files' hits -> coverage/`);
  await api.report(OUT);
  // solidity-coverage writes its own coverage.json to cwd; keep it with the report.
  fs.renameSync(path.join(ROOT, "coverage.json"), path.join(OUT, "coverage.json"));

  const { total } = JSON.parse(fs.readFileSync(path.join(OUT, "coverage-summary.json"), "utf8"));
  const verdict = (what: "lines" | "branches") =>
    `${what} ${total[what].pct} % (${total[what].covered}/${total[what].total}, goal >= ${GOAL[what]} %)` +
    (total[what].pct >= GOAL[what] ? "" : " GOAL MISSED");
  console.log(`\ncoverage: ${verdict("lines")}; ${verdict("branches")}; ${elapsed()}`);
  if (testStatus !== 0) {
    console.error(`coverage: the tests failed (vitest exit ${testStatus}); the figures count only what ran`);
    process.exit(testStatus);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
