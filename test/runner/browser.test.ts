/**
 * The runner's endpoint in a real browser (Debian's Chromium): GraphiQL served at the endpoint runs a query typed
 * into its editor with every request on the runner's origin, and a page on another origin queries the runner by
 * POST and GET through CORS. Real components throughout: the protocol on a Hardhat node over JSON-RPC, the
 * runner indexing the compiled subgraph, answers compared with the chain.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCluster, launchParams, navParams, ethers, SHARE, type Deployment } from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { builtSubgraph } from "../helpers/subgraphBuild";
import { launchChromium, recordRequests, useBrowser } from "../helpers/browser";
import { startRunner, type Runner } from "../../runner/src/runner";
import { ClusterShareToken__factory, RevenueVault__factory } from "../../sdk/src/types";

/** Protocol totals and every cluster's rent and supply at the indexed head: what both pages ask the runner. */
const FIGURES_QUERY = `{
  _meta { block { number hash } }
  protocol(id: "protocol") { clusterCount totalRentPaid }
  clusters(orderBy: clusterId) { id token rentPaid totalSupply }
}`;

/** The answer FIGURES_QUERY must get, read from the chain at its head. */
async function chainFigures(d: Deployment): Promise<Record<string, unknown>> {
  const head = (await ethers.provider.getBlock("latest"))!;
  const count = await d.factory.clusterCount();
  const clusters = [];
  let totalRentPaid = 0n;
  for (let id = 0n; id < count; id++) {
    const { contracts } = await d.factory.cluster(id);
    const rentPaid = await RevenueVault__factory.connect(contracts.vault, ethers.provider).totalRentPaid();
    const totalSupply = await ClusterShareToken__factory.connect(contracts.token, ethers.provider).totalSupply();
    totalRentPaid += rentPaid;
    clusters.push({ id: id.toString(), token: contracts.token.toLowerCase(), rentPaid: rentPaid.toString(), totalSupply: totalSupply.toString() });
  }
  return {
    _meta: { block: { number: head.number, hash: head.hash } },
    protocol: { clusterCount: Number(count), totalRentPaid: totalRentPaid.toString() },
    clusters,
  };
}

const browser = useBrowser();
let node: Awaited<ReturnType<typeof startRpcNode>>;
let d: Deployment;
let runner: Runner;
let expected: Record<string, unknown>;

beforeAll(async () => {
  node = await startRpcNode();
  d = await deployCluster();
  // Two clusters with rent and transfers, so that a wrong or stale answer differs from the chain's.
  await d.token.connect(d.holders[0]).transfer(d.holders[1].address, 250n * SHARE);
  await d.vault.connect(d.renter).payRent(1_234n * d.unit, ethers.id("rent 1"));
  const id = await d.factory.clusterCount();
  await d.factory.connect(d.operator).launch(launchParams({
    name: "A100 Cluster Lisbon", symbol: "csA100LIS", stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
    keeper: d.keeper.address, initialHolder: d.holders[2].address, initialShares: 700n * SHARE, nav: navParams({ hardwareCost: 1_000n * d.unit }),
  }));
  const second = RevenueVault__factory.connect((await d.factory.cluster(id)).contracts.vault, d.renter);
  await d.stable.connect(d.renter).approve(await second.getAddress(), ethers.MaxUint256);
  await second.payRent(321n * d.unit, ethers.id("rent 2"));
  const buildDir = builtSubgraph({ network: "hardhat", factory: await d.factory.getAddress(), startBlock: 0 });
  runner = await startRunner({ buildDir, rpcUrl: node.url, port: 0 });
  await runner.sync();
  expected = await chainFigures(d);
  expect((expected.clusters as { rentPaid: string }[]).map((cluster) => cluster.rentPaid)).toEqual([(1_234n * d.unit).toString(), (321n * d.unit).toString()]);
}, 600_000);

afterAll(async () => {
  await runner?.close();
  await node?.close();
});

it("names the missing binary and its package when Chromium is not installed", async () => {
  await expect(launchChromium("/nonexistent/chromium")).rejects.toThrow(/not installed at \/nonexistent\/chromium: .*apt-get install -y chromium/);
});

describe("GraphiQL at the endpoint", () => {
  it("renders, runs a query typed into its editor and shows the chain's figures, loading nothing from elsewhere", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const requests = await recordRequests(page);
    await page.goto(runner.url!);
    const editor = page.locator(".graphiql-query-editor .CodeMirror");
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press("Control+A");
    // insertText, unlike typing key by key, does not trigger the editor's bracket closing and autocompletion.
    await page.keyboard.insertText(FIGURES_QUERY);
    await page.locator(".graphiql-execute-button").click();
    // GraphiQL's editors are CodeMirror 5 instances, reachable from their wrapper elements.
    const shown = await page.waitForFunction(() => {
      const response = document.querySelector(".graphiql-response .CodeMirror") as (Element & { CodeMirror: { getValue(): string } }) | null;
      const text = response?.CodeMirror.getValue() ?? "";
      // An empty string is falsy: waitForFunction keeps polling until the answer is shown.
      return text.includes('"data"') || text.includes('"errors"') ? text : "";
    });
    expect(JSON.parse(await shown.jsonValue())).toEqual({ data: expected });

    const origin = new URL(runner.url!).origin;
    // data: URLs (the stylesheet's inlined fonts and icons) carry their bytes with them and fetch nothing.
    const elsewhere = requests.filter((request) => !request.url.startsWith("data:") && new URL(request.url).origin !== origin);
    expect(elsewhere.map((request) => request.url), "requests off the runner's origin").toEqual([]);
    // The page's four assets came from the runner, and GraphiQL's schema introspection and the query went to it.
    expect(requests.filter((request) => request.url.includes("/graphiql/"))).toHaveLength(4);
    expect(requests.filter((request) => request.method === "POST").length).toBeGreaterThanOrEqual(2);
    await context.close();
  });
});

describe("a page on another origin", () => {
  let pageServer: Server;
  let pageUrl: string;

  beforeAll(async () => {
    pageServer = createServer((request, response) => {
      if (request.url !== "/") return void response.writeHead(404).end();
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(crossOriginPage(runner.url!));
    });
    await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
    pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => pageServer?.close(resolve));
  });

  it("queries the runner by JSON POST (after a preflight) and by GET, and is refused what the preflight does not allow", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const requests = await recordRequests(page);
    await page.goto(pageUrl);
    expect(new URL(pageUrl).origin).not.toBe(new URL(runner.url!).origin);
    const answers = await page.evaluate(() => (window as unknown as { answers: Promise<Record<string, unknown>> }).answers);

    expect(answers.post).toEqual({ status: 200, body: { data: expected } });
    expect(answers.get).toEqual({ status: 200, body: { data: expected } });
    // The runner allows only the methods and headers it names: the browser stops anything else at the preflight.
    expect(answers.customHeader).toEqual({ refused: "TypeError: Failed to fetch" });
    expect(answers.put).toEqual({ refused: "TypeError: Failed to fetch" });

    const toRunner = () => requests.filter((request) => request.url.startsWith(runner.url!));
    // A preflight for each request that is not a simple one (the JSON POST, the custom header, PUT), none for GET;
    // the browser stops what the preflight's answer does not allow and says why.
    const calls = () => toRunner().filter((request) => !request.preflight)
      .map(({ method, preflighted, failure }) => ({ method, preflighted, refused: failure?.corsError }));
    await expect.poll(calls).toEqual([
      { method: "POST", preflighted: true, refused: undefined },
      { method: "GET", preflighted: false, refused: undefined },
      { method: "POST", preflighted: true, refused: "HeaderDisallowedByPreflightResponse" },
      { method: "PUT", preflighted: true, refused: "MethodDisallowedByPreflightResponse" },
    ]);
    const preflights = toRunner().filter((request) => request.preflight);
    expect(preflights.map(({ method, failure }) => ({ method, failure }))).toEqual(Array(3).fill({ method: "OPTIONS", failure: undefined }));
    await context.close();
  });
});

/**
 * A page that asks the runner at `endpoint` for FIGURES_QUERY four ways, one after another, and leaves the
 * outcomes in `window.answers`: a JSON POST (not a simple request, so the browser sends a preflight first), a
 * GET `?query=` (simple, no preflight), a POST with a header the runner does not allow, and a PUT.
 */
function crossOriginPage(endpoint: string): string {
  const body = JSON.stringify({ query: FIGURES_QUERY });
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>another origin</title><link rel="icon" href="data:," /></head>
  <body>
    <script>
      const endpoint = ${JSON.stringify(endpoint)};
      const body = ${JSON.stringify(body)};
      async function outcome(request) {
        try {
          const response = await request;
          return { status: response.status, body: await response.json() };
        } catch (error) {
          return { refused: String(error) };
        }
      }
      window.answers = (async () => ({
        post: await outcome(fetch(endpoint, { method: "POST", headers: { "Content-Type": "application/json" }, body })),
        get: await outcome(fetch(endpoint + "?query=" + encodeURIComponent(JSON.parse(body).query))),
        customHeader: await outcome(fetch(endpoint, { method: "POST", headers: { "Content-Type": "application/json", "X-Api-Key": "key" }, body })),
        put: await outcome(fetch(endpoint, { method: "PUT", headers: { "Content-Type": "application/json" }, body })),
      }))();
    </script>
  </body>
</html>
`;
}
