/**
 * Collections past The Graph's 1,000-row page: pages by `id_gt` (a `skip` scan gets slower with every page and
 * graph-node caps it), all pinned to the block the first page reflected so the pages form one snapshot.
 */
import { querySubgraph, type SubgraphEndpoint, type SubgraphMeta } from "./client";

/** The most rows a page may hold (graph-node's default `first` limit). */
export const PAGE_SIZE = 1000;

/**
 * Fetches every row of one collection. `document` must take `$first: Int!`, `$lastId: ID!` and
 * `$block: Block_height`, select the rows under `field` ordered by `id` ascending with `id_gt: $lastId`, and select
 * `_meta { block { number } hasIndexingErrors }` (with `block: $block`).
 * @returns The rows and the meta of the first page (the block every page was read at).
 */
export async function queryAll<Row extends { id: string }>(
  endpoint: SubgraphEndpoint,
  document: string,
  field: string,
  variables: Record<string, unknown> = {},
): Promise<{ rows: Row[]; meta: SubgraphMeta }> {
  const rows: Row[] = [];
  let lastId = "";
  let meta: SubgraphMeta | undefined;
  for (;;) {
    const block = meta ? { number: meta.block.number } : null;
    const page = await querySubgraph<Record<string, Row[]> & { _meta: SubgraphMeta }>(endpoint, document, {
      ...variables, first: PAGE_SIZE, lastId, block,
    });
    meta ??= page._meta;
    const pageRows = page[field];
    rows.push(...pageRows);
    if (pageRows.length < PAGE_SIZE) return { rows, meta };
    lastId = pageRows[pageRows.length - 1].id;
  }
}
