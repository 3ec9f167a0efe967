/**
 * Every check a query passes before it executes, cheapest first: its text (tokens, nesting), `parse`, the depth
 * and expanded size of its tree, graphql-js validation (with the linear field-merging check in place of the
 * quadratic one), and graph-node's entity estimate with the `first`/`skip` ranges.
 */
import {
  GraphQLError, OverlappingFieldsCanBeMergedRule, parse, specifiedRules, validate,
  type DocumentNode, type GraphQLSchema,
} from "graphql";
import { estimateEntities } from "./complexity";
import { scanDocument } from "./documentScan";
import { tooComplex, tooManyFields } from "./limitErrors";
import { fieldMergeConflicts } from "./mergeableFields";
import type { QueryLimits } from "./queryLimits";
import { selectionSize } from "./selectionSize";

/** graphql-js's validation rules but the quadratic merge check, which `fieldMergeConflicts` replaces. */
const VALIDATION_RULES = specifiedRules.filter((rule) => rule !== OverlappingFieldsCanBeMergedRule);

/** The parsed document of `query` if it is within `limits` and valid for `schema`, or the errors that refuse it. */
export function checkQuery(
  schema: GraphQLSchema,
  query: string,
  request: { variables?: Record<string, unknown>; operationName?: string },
  limits: QueryLimits,
): DocumentNode | GraphQLError[] {
  const scanned = scanDocument(query, limits);
  if (scanned) return [scanned];
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [error as GraphQLError];
  }
  const size = selectionSize(document, limits.maxDepth);
  if (size instanceof GraphQLError) return [size];
  if (size.fields > limits.maxFields) return [tooManyFields(size.fields, limits.maxFields)];
  const invalid = validate(schema, document, VALIDATION_RULES);
  if (invalid.length > 0) return [...invalid];
  const conflicts = fieldMergeConflicts(document);
  if (conflicts.length > 0) return conflicts;
  const entities = estimateEntities(schema, document, request, limits);
  if (entities === null) return document;
  if (entities instanceof GraphQLError) return [entities];
  if (entities > limits.maxComplexity) return [tooComplex(entities, limits.maxComplexity)];
  return document;
}
