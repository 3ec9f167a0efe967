/**
 * The errors a query outside its limits gets, worded as graph-node words them (`graph/src/data/query/error.rs`,
 * `QueryExecutionError`'s `Display`), so a client sees the same text from the runner and from graph-node.
 */
import { GraphQLError } from "graphql";

export const tooDeep = (maxDepth: number): GraphQLError =>
  new GraphQLError(`query has a depth that exceeds the limit of \`${maxDepth}\``);

export const tooComplex = (complexity: number, maxComplexity: number): GraphQLError =>
  new GraphQLError(
    `query potentially returns \`${complexity}\` entities or more and thereby exceeds the limit of \`${maxComplexity}\` ` +
      "entities. Possible solutions are reducing the depth of the query, querying fewer relationships or using " +
      "`first` to return smaller collections",
  );

export const cyclicalFragment = (name: string): GraphQLError =>
  new GraphQLError(`query has fragment cycle including \`${name}\``);

export const timedOut = (): GraphQLError => new GraphQLError("Query timed out");

export const resultTooBig = (actual: number, limit: number): GraphQLError =>
  new GraphQLError(`the result size of ${actual} is larger than the allowed limit of ${limit}`);

export const outOfRange = (argument: "first" | "skip", value: number, max: number): GraphQLError =>
  new GraphQLError(`The \`${argument}\` argument must be between 0 and ${max}, but is ${value}`);

// The runner's own limits have no graph-node wording; these follow its style.
export const tooManyTokens = (maxTokens: number): GraphQLError =>
  new GraphQLError(`query has more than the limit of \`${maxTokens}\` tokens`);

export const tooManyFields = (fields: number, maxFields: number): GraphQLError =>
  new GraphQLError(
    `query selects \`${fields}\` fields once its fragments are expanded and thereby exceeds the limit of ` +
      `\`${maxFields}\` fields`,
  );
