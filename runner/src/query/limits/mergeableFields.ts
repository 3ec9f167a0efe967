/**
 * The spec's "field selection merging" check (graphql-js `OverlappingFieldsCanBeMergedRule`) in time linear in
 * the query. graphql-js compares every pair of selections sharing a response name, so 1,500 copies of one field
 * took 17 s; here the selections of one response name are grouped, compared with the first of the group by
 * name and arguments, and their sub-selections merged and checked the same way.
 *
 * Equivalent to the spec for the schemas the runner serves: they have no interfaces or unions, so every
 * selection of a response name in one selection set has the same parent type, and fields with the same name and
 * arguments on the same type have the same shape.
 */
import {
  GraphQLError, Kind, print,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode,
} from "graphql";

/** The merge conflicts in `document`, worded as graphql-js words them. */
export function fieldMergeConflicts(document: DocumentNode): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const conflicts: GraphQLError[] = [];

  const check = (sets: readonly SelectionSetNode[]): void => {
    const byResponseName = new Map<string, FieldNode[]>();
    const collect = (set: SelectionSetNode, spreading: Set<string>): void => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.alias?.value ?? selection.name.value;
          const group = byResponseName.get(name);
          if (group) group.push(selection);
          else byResponseName.set(name, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect(selection.selectionSet, spreading);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // Unknown and cyclic spreads are other rules' errors.
          if (!fragment || spreading.has(name)) continue;
          spreading.add(name);
          collect(fragment.selectionSet, spreading);
          spreading.delete(name);
        }
      }
    };
    for (const set of sets) collect(set, new Set());

    for (const [responseName, fields] of byResponseName) {
      const [first, ...others] = fields;
      const firstArguments = argumentsKey(first);
      const conflicting = others.find((other) => other.name.value !== first.name.value || argumentsKey(other) !== firstArguments);
      if (conflicting) {
        const reason = conflicting.name.value !== first.name.value
          ? `"${first.name.value}" and "${conflicting.name.value}" are different fields`
          : "they have differing arguments";
        conflicts.push(new GraphQLError(
          `Fields "${responseName}" conflict because ${reason}. Use different aliases on the fields to fetch both if this was intentional.`,
          { nodes: [first, conflicting] },
        ));
        continue;
      }
      const subSelections = fields.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
      if (subSelections.length > 0) check(subSelections);
    }
  };

  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) check([definition.selectionSet]);
  }
  return conflicts;
}

/** The arguments as the spec compares them: the same names with the same printed values, in any order. */
function argumentsKey(field: FieldNode): string {
  return (field.arguments ?? [])
    .map((argument) => `${argument.name.value}:${print(argument.value)}`)
    .sort()
    .join(",");
}
