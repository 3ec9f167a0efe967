/**
 * The GraphiQL page graph-node serves at a subgraph's endpoint to a browser, built from npm packages served by
 * the runner itself (no CDN, so it works offline): graphiql 3's UMD bundle and stylesheet over React 18's UMD
 * builds, the last versions that ship bundles a page can load without a build step.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Where the page's assets are served. */
export const GRAPHIQL_ASSET_PATH = "/graphiql/";

interface Asset {
  /** A file of an installed package: the package and the path inside it. */
  file: [packageName: string, path: string];
  contentType: string;
}

const ASSETS: Record<string, Asset> = {
  "react.production.min.js": { file: ["react", "umd/react.production.min.js"], contentType: "text/javascript; charset=utf-8" },
  "react-dom.production.min.js": { file: ["react-dom", "umd/react-dom.production.min.js"], contentType: "text/javascript; charset=utf-8" },
  "graphiql.min.js": { file: ["graphiql", "graphiql.min.js"], contentType: "text/javascript; charset=utf-8" },
  "graphiql.min.css": { file: ["graphiql", "graphiql.min.css"], contentType: "text/css; charset=utf-8" },
};

const loaded = new Map<string, Buffer>();

/** The asset `name` (a file name under `GRAPHIQL_ASSET_PATH`) with its content type, or undefined if unknown. */
export function graphiqlAsset(name: string): { body: Buffer; contentType: string } | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let body = loaded.get(name);
  if (!body) {
    // Packages may not export these paths; their package.json always is.
    const [packageName, path] = asset.file;
    body = readFileSync(join(dirname(require.resolve(`${packageName}/package.json`)), path));
    loaded.set(name, body);
  }
  return { body, contentType: asset.contentType };
}

/** The page for the subgraph `name`, querying the URL it is served at. */
export function graphiqlPage(name: string): string {
  const asset = (file: string) => `${GRAPHIQL_ASSET_PATH}${file}`;
  const title = name.replace(/[<>&"]/g, "");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title} · GraphiQL</title>
    <link rel="stylesheet" href="${asset("graphiql.min.css")}" />
    <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="${asset("react.production.min.js")}"></script>
    <script src="${asset("react-dom.production.min.js")}"></script>
    <script src="${asset("graphiql.min.js")}"></script>
    <script>
      const url = window.location.origin + window.location.pathname;
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, { fetcher: GraphiQL.createFetcher({ url }), defaultEditorToolsVisibility: true }),
      );
    </script>
  </body>
</html>
`;
}
