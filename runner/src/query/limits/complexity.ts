/**
 * graph-node's estimate of how many entities a query may return (`graph/src/data/query/query.rs`,
 * `complexity_inner`, after GitHub's resource limits): a collection field costs `first + first × (its
 * selections' cost)`, a single-entity field its selections' cost, a scalar nothing, introspection nothing.
 * Unlike graph-node, a `first` given by a variable counts at its value, not at the default 100. The same walk
 * checks every collection's `first` and `skip` against their limits, before anything executes.
 *
 * Written here rather than with graphql-query-complexity: that package resolves `graphql` by itself, and where
 * it gets a second copy (ESM beside CJS, as under vitest) its `instanceof` checks fail and every query costs 0.
 */
import {
  getArgumentValues, getNamedType, getNullableType, getVariableValues, GraphQLError, isListType, isObjectType, Kind,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionSetNode,
} from "graphql";
import { outOfRange } from "./limitErrors";
import type { QueryLimits } from "./queryLimits";

/** graph-node's default page size (`EntityRange::FIRST`), also the schema's default for `first`. */
const DEFAULT_FIRST = 100;

/**
 * The estimated number of entities the operation of a validated `document` may return, or the error for a
 * `first` or `skip` out of range; null when the variables do not fit the operation or no operation is chosen
 * (execution reports those in graphql-js's words). The walk expands fragments: call it once the expanded size
 * is known to be bounded.
 */
export function estimateEntities(
  schema: GraphQLSchema,
  document: DocumentNode,
  request: { variables?: Record<string, unknown>; operationName?: string },
  limits: Pick<QueryLimits, "maxFirst" | "maxSkip">,
): number | GraphQLError | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = request.operationName === undefined
    ? (operations.length === 1 ? operations[0] : undefined)
    : operations.find((o) => o.name?.value === request.operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) return null;
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const cost = (set: SelectionSetNode, type: GraphQLObjectType): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) total += cost(selection.selectionSet, type);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) total += cost(fragment.selectionSet, type);
      } else if (selection.selectionSet && !selection.name.value.startsWith("__")) {
        const field = type.getFields()[selection.name.value];
        const target = field && getNamedType(field.type);
        if (!field || !isObjectType(target)) continue;
        const children = cost(selection.selectionSet, target);
        if (!isListType(getNullableType(field.type))) {
          total += children;
          continue;
        }
        const args = getArgumentValues(field, selection, variables);
        const first = typeof args.first === "number" ? args.first : DEFAULT_FIRST;
        const skip = typeof args.skip === "number" ? args.skip : 0;
        if (first < 0 || first > limits.maxFirst) throw outOfRange("first", first, limits.maxFirst);
        if (skip < 0 || skip > limits.maxSkip) throw outOfRange("skip", skip, limits.maxSkip);
        total += first + first * children;
      }
    }
    return total;
  };

  try {
    return cost(operation.selectionSet, root);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}
