/**
 * The built package's size and tree-shaking, measured the way scripts/bench/sdkSize.ts reports it: the whole ESM
 * entry min+gzip without ethers stays within the 60 kB goal, and a page that imports only the stream maths
 * gets only them (no ABIs, no GraphQL client), which `sideEffects: false` and named exports make possible.
 * Needs the built package (`npm run build -w sdk`, which `npm test` runs first).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SDK_ESM_ENTRY, bundleMinified, measureSdkSize, sdkSizeMinGzipKb } from "../../scripts/bench/sdkSize";

describe("the built SDK's size", () => {
  it("is within 60 kB min+gzip without ethers", async () => {
    const size = await measureSdkSize();
    expect(size.gzippedBytes).toBeGreaterThan(1_000);
    expect(size.gzippedBytes).toBeLessThan(size.minifiedBytes);
    expect(await sdkSizeMinGzipKb()).toBeLessThanOrEqual(60);
  });

  it("tree-shakes: a page importing only earnedAt gets neither ABIs nor the GraphQL client", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clustershare-shake-"));
    try {
      const entry = join(dir, "page.mjs");
      writeFileSync(entry, `import { earnedAt } from ${JSON.stringify(SDK_ESM_ENTRY)};\nconsole.log(earnedAt);\n`);
      const code = Buffer.from(await bundleMinified(entry)).toString();
      expect(code).not.toContain("notifyReward"); // an ABI entry of the share token
      expect(code).not.toContain("graphql-request");
      expect(code).not.toContain("AbiCoder"); // the storage-slot helpers, which a page showing yield does not need
      expect(code).toContain("accumulatorScale"); // earnedAt itself is there
      expect(code.length).toBeLessThan(4_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
