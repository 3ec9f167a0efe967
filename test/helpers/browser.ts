/**
 * A real browser for tests: Debian's Chromium (the `chromium` package, which .ci/run installs) driven through
 * playwright-core, which never downloads a browser of its own. One browser per test file; pages and contexts are
 * cheap, so tests open their own.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Headless without a GPU or a sandbox (tests run as root in CI, where Chromium's sandbox refuses to start), and
 * without the background traffic (updates, sync, field trials) that would make "no request left the machine"
 * untrue for reasons that are not the page's.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches Debian's Chromium (or the binary at `executablePath`), or throws naming the missing binary and its package. */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is not installed at ${executablePath}: the browser tests drive Debian's chromium package (apt-get install -y chromium, as .ci/run does)`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * One Chromium for the calling test file: launched in its beforeAll, closed in its afterAll. Call at the top of
 * a test file (or a describe block); the returned function gives the browser inside tests and hooks that run
 * after the launch.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("The browser is not launched yet: use it inside tests or hooks after useBrowser's beforeAll");
    return browser;
  };
}

/** A request as the browser's network stack saw it. */
export interface BrowserRequest {
  method: string;
  url: string;
  /** A CORS preflight that the browser sent by itself, listed apart from the request it was sent for. */
  preflight: boolean;
  /** Whether the browser sent a CORS preflight before this request (always false for a preflight). */
  preflighted: boolean;
  /** Set when the browser refused or failed the request: the network error, and the CORS check that failed. */
  failure?: { errorText: string; corsError?: string };
}

/**
 * Records every request `page` makes from now on, as Chromium's network stack sees it (DevTools protocol):
 * unlike playwright's `page.on("request")` this includes the CORS preflights the browser sends by itself, and
 * the reason Chromium gives when it blocks a request. The returned array fills as the page runs; Chromium sends
 * these reports on their own channel, so a test polls for one that may arrive after the page saw the outcome.
 */
export async function recordRequests(page: Page): Promise<BrowserRequest[]> {
  const requests: BrowserRequest[] = [];
  const byId = new Map<string, BrowserRequest>();
  // A preflight may be reported before the request it was sent for.
  const preflightedIds = new Set<string>();
  const devtools = await page.context().newCDPSession(page);
  devtools.on("Network.requestWillBeSent", (event) => {
    const preflight = event.initiator.type === "preflight";
    const request: BrowserRequest = { method: event.request.method, url: event.request.url, preflight, preflighted: preflightedIds.has(event.requestId) };
    requests.push(request);
    byId.set(event.requestId, request);
    const preflightedId = preflight ? event.initiator.requestId : undefined;
    if (preflightedId) {
      preflightedIds.add(preflightedId);
      const preflighted = byId.get(preflightedId);
      if (preflighted) preflighted.preflighted = true;
    }
  });
  devtools.on("Network.loadingFailed", (event) => {
    const request = byId.get(event.requestId);
    if (request) request.failure = { errorText: event.errorText, corsError: event.corsErrorStatus?.corsError };
  });
  await devtools.send("Network.enable");
  return requests;
}
