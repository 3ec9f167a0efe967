/**
 * The context of one GraphQL request: the indexing status read once (so every field describes the same moment)
 * and one view of the store per block the request asks for. Each root field picks its block from its `block`
 * argument, as in graph-node, and every field nested under it reads the same view (found through the field's
 * path), so `{ a: cluster(id: "1", block: { number: 5 }) { … } b: cluster(id: "1") { … } }` compares two blocks.
 */
import type { GraphQLResolveInfo } from "graphql";
import type { EntityStore } from "../store";
import { requestedBlock, type BlockHeight, type RequestedBlock } from "./blockConstraint";
import type { IndexingMeta } from "./meta";
import type { ApiModel } from "./model";
import { RequestContext } from "./requestContext";

export class QueryContext {
  private metaSnapshot?: IndexingMeta;
  private readonly views = new Map<number, RequestContext>();
  /** Root field response key → the view its subtree reads. */
  private readonly rootViews = new Map<string | number, RequestContext>();

  constructor(
    readonly model: ApiModel,
    private readonly store: EntityStore,
    private readonly readMeta: () => IndexingMeta,
  ) {}

  /** The indexing status, read once so every field of a response describes the same moment. */
  get meta(): IndexingMeta {
    this.metaSnapshot ??= this.readMeta();
    return this.metaSnapshot;
  }

  /** The block `constraint` selects (see requestedBlock); throws graph-node's errors for blocks it cannot serve. */
  block(constraint: BlockHeight | null | undefined): RequestedBlock {
    return requestedBlock(constraint, this.meta, this.store);
  }

  /** For a root field: the view at the block its `block` argument selects, which its subtree will read too. */
  rootView(constraint: BlockHeight | null | undefined, info: GraphQLResolveInfo): RequestContext {
    const view = this.viewAt(this.block(constraint).number);
    this.rootViews.set(info.path.key, view);
    return view;
  }

  /** For a nested field: the view of the root field it sits under. */
  viewOf(info: GraphQLResolveInfo): RequestContext {
    let path = info.path;
    while (path.prev) path = path.prev;
    return this.rootViews.get(path.key) ?? this.viewAt(this.block(null).number);
  }

  private viewAt(number: number): RequestContext {
    let view = this.views.get(number);
    if (!view) {
      view = new RequestContext(this.model, this.store, number);
      this.views.set(number, view);
    }
    return view;
  }
}
