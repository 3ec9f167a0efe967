/**
 * Collections past The Graph's 1,000-row page: pages by `id_gt` (a `skip` scan gets slower with every page and
 * graph-node caps it), all pinned to the block the first page reflected so the pages form one snapshot.
 */
import { querySubgraph, type SubgraphEndpoint, type SubgraphMeta } from "./client";

/** The most rows a page may hold (graph-node's default `first` limit). */
export const PAGE_SIZE = 1000;

/** Where `queryAll` starts and how large its pages are. */
export interface PageOptions {
  /** Rows after this id only (a page already read ended there); default: from the first row. */
  after?: string;
  /** Reads every page at this block (a page already read reflected it); default: the first page's block. */
  block?: number;
  /** Rows per page, at most `PAGE_SIZE` (the default); smaller pages for tests or a server with a lower cap. */
  pageSize?: number;
}

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
  options: PageOptions = {},
): Promise<{ rows: Row[]; meta: SubgraphMeta }> {
  const pageSize = checkedPageSize(options.pageSize);
  const rows: Row[] = [];
  let lastId = options.after ?? "";
  let meta: SubgraphMeta | undefined;
  for (;;) {
    const pinned = meta?.block.number ?? options.block;
    const page = await querySubgraph<Record<string, Row[]> & { _meta: SubgraphMeta }>(endpoint, document, {
      ...variables, first: pageSize, lastId, block: pinned === undefined ? null : { number: pinned },
    });
    meta ??= page._meta;
    const pageRows = page[field];
    rows.push(...pageRows);
    if (!isFullPage(pageRows, pageSize)) return { rows, meta };
    lastId = pageRows[pageRows.length - 1].id;
  }
}

/** Whether a page came back full, so rows may follow it. */
export function isFullPage(rows: readonly unknown[], pageSize: number): boolean {
  return rows.length >= pageSize;
}

/**
 * `pageSize` checked against what The Graph accepts (default `PAGE_SIZE`).
 * @throws RangeError for a size that is not an integer from 1 to `PAGE_SIZE`.
 */
export function checkedPageSize(pageSize: number = PAGE_SIZE): number {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${PAGE_SIZE}, got ${pageSize}`);
  }
  return pageSize;
}
