/**
 * A collection field's result (root `clusters(...)` or a list field of an entity): check the range like
 * graph-node (`first` 0..1000, default 100; `skip` 0..5000, default 0), filter, sort once, then slice.
 */
import type { EntityDef } from "../schema";
import type { Entity } from "../values";
import { compileFilter } from "./filters";
import { sortEntities, type OrderDirection } from "./ordering";
import type { RequestContext } from "./requestContext";

export const MAX_FIRST = 1000;
export const MAX_SKIP = 5000;
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
  const first = checkedRange("first", args.first ?? DEFAULT_FIRST, MAX_FIRST);
  const skip = checkedRange("skip", args.skip ?? 0, MAX_SKIP);
  const matching = args.where ? candidates.filter(compileFilter(def, args.where, context)) : candidates;
  return sortEntities(matching, def, args.orderBy, args.orderDirection, context).slice(skip, skip + first);
}

function checkedRange(argument: "first" | "skip", value: number, max: number): number {
  if (value < 0 || value > max) throw new Error(`The \`${argument}\` argument must be between 0 and ${max}, but is ${value}`);
  return value;
}
