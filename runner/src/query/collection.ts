/**
 * A collection field's result (root `clusters(...)` or a list field of an entity): filter, sort once, then slice
 * (`first` default 100, `skip` default 0). Their ranges were checked against the service's limits before
 * execution (`limits/complexity.ts`).
 */
import type { EntityDef } from "../schema";
import type { Entity } from "../values";
import { compileFilter } from "./filters";
import { sortEntities, type OrderDirection } from "./ordering";
import type { RequestContext } from "./requestContext";

const DEFAULT_FIRST = 100;

/** The arguments every collection field takes. */
export interface CollectionArgs {
  first?: number | null;
  skip?: number | null;
  orderBy?: string | null;
  orderDirection?: OrderDirection | null;
  where?: Record<string, unknown> | null;
}

/** The page of `candidates` (entities of `def`) that `args` select, in order. */
export function selectCollection(
  candidates: Entity[], def: EntityDef, args: CollectionArgs, context: RequestContext,
): Entity[] {
  const first = args.first ?? DEFAULT_FIRST;
  const skip = args.skip ?? 0;
  const matching = args.where ? candidates.filter(compileFilter(def, args.where, context)) : candidates;
  return sortEntities(matching, def, args.orderBy, args.orderDirection, context).slice(skip, skip + first);
}
