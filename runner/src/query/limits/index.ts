/**
 * What keeps one query from holding up the others: static checks before execution (tokens and nesting on the
 * text, depth and expanded size on the tree, graph-node's entity estimate and `first`/`skip` ranges with
 * variables bound) and paced execution with a deadline.
 */
export { DEFAULT_QUERY_LIMITS, limitVariable, resolveQueryLimits, type QueryLimits } from "./queryLimits";
export { ExecutionPacer, PacedRequest, QueryTimeoutError } from "./executionPacer";
export { checkQuery } from "./checkQuery";
export { estimateEntities } from "./complexity";
export { fieldMergeConflicts } from "./mergeableFields";
export { paceCollectionFields } from "./pacedResolvers";
export { scanDocument } from "./documentScan";
export { selectionSize } from "./selectionSize";
export * as limitErrors from "./limitErrors";
