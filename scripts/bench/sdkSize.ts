/**
 * The SDK's size as an integrator's bundler would ship it: the built ESM entry (sdk/dist/index.mjs) bundled with
 * its own chunks, ethers and graphql-request left out (ethers is the page's peer dependency and graphql-request
 * would be counted by the page either way, so the figure is what @clustershare/sdk itself adds; Node built-ins
 * too), minified by
 * esbuild (the bundler tsup runs on) and gzipped with node:zlib at the default level.
 * Build the SDK first (`npm run build -w sdk`).
 */
import fs from "node:fs";
import path from "node:path";
import { builtinModules } from "node:module";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The built ESM entry of @clustershare/sdk. */
export const SDK_ESM_ENTRY = path.join(__dirname, "..", "..", "sdk", "dist", "index.mjs");

/**
 * What the figure leaves out: ethers (the page's peer dependency), graphql-request and graphql (counted by the page
 * whichever SDK it uses), and Node built-ins, which only Node-only paths reach (reading a deployment file).
 */
export const NOT_COUNTED = ["ethers", "graphql-request", "graphql", ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** Minified and gzipped sizes of the SDK bundle, in bytes. */
export interface SdkSize {
  minifiedBytes: number;
  gzippedBytes: number;
}

/**
 * Measures the built SDK: bundles `entry` (default the ESM entry) with ethers and graphql-request external,
 * minifies, gzips.
 * @throws Error naming the missing file when the SDK has not been built.
 */
export async function measureSdkSize(entry: string = SDK_ESM_ENTRY): Promise<SdkSize> {
  if (!fs.existsSync(entry)) throw new Error(`${entry} does not exist: run \`npm run build -w sdk\` first`);
  const code = await bundleMinified(entry);
  return { minifiedBytes: code.length, gzippedBytes: gzipSync(code).length };
}

/** `entry` bundled as a page's bundler would ship it: ESM, minified, without what {@link NOT_COUNTED} lists. */
export async function bundleMinified(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    external: NOT_COUNTED,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.contents;
}

/** The benchmark figure `sdk-size-min-gzip-kb`: min+gzip size of the SDK without ethers, in kB (1000 bytes), one decimal. */
export async function sdkSizeMinGzipKb(entry?: string): Promise<number> {
  const { gzippedBytes } = await measureSdkSize(entry);
  return Math.round(gzippedBytes / 100) / 10;
}

if (require.main === module) {
  measureSdkSize().then(
    (size) => console.log(`sdk: ${size.minifiedBytes} bytes minified, ${size.gzippedBytes} bytes min+gzip`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
