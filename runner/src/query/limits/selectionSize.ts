/**
 * The depth and size of a parsed query with its fragments expanded, computed without expanding them: each
 * fragment's height and field count are computed once and reused wherever it is spread, so a document that
 * would expand exponentially (fragments spreading fragments under aliases) costs time linear in its length.
 * Depth counts as graph-node's `complexity_inner` does: the root selection set is level 0, and every field with
 * a selection set and every fragment adds one.
 */
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import { cyclicalFragment, tooDeep } from "./limitErrors";

interface Size {
  /** Levels below this selection set. */
  height: number;
  /** Field selections, fragments expanded. */
  fields: number;
}

/**
 * The document's deepest level and its expanded field count, or the error for a selection nested `maxDepth`
 * levels or more below the root, or for a fragment that spreads itself. Unknown fragments count as empty:
 * validation reports them.
 */
export function selectionSize(document: DocumentNode, maxDepth: number): Size | GraphQLError {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const sizes = new Map<string, Size>();
  const expanding = new Set<string>();

  // `depth` is the level of `set` on the current path: recursion stops at `maxDepth`, so the stack stays bounded.
  const sizeOf = (set: SelectionSetNode, depth: number): Size => {
    if (depth >= maxDepth) throw tooDeep(maxDepth);
    let height = 0;
    let fields = 0;
    for (const selection of set.selections) {
      let inner: Size;
      if (selection.kind === Kind.FIELD) {
        fields += 1;
        if (!selection.selectionSet) continue;
        inner = sizeOf(selection.selectionSet, depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = sizeOf(selection.selectionSet, depth + 1);
      } else {
        inner = fragmentSize(selection.name.value, depth + 1);
      }
      height = Math.max(height, inner.height + 1);
      fields += inner.fields;
    }
    return { height, fields };
  };

  const fragmentSize = (name: string, depth: number): Size => {
    const known = sizes.get(name);
    // A fragment's height is the same wherever it is spread; only whether it fits depends on where.
    if (known) {
      if (depth + known.height >= maxDepth) throw tooDeep(maxDepth);
      return known;
    }
    const fragment = fragments.get(name);
    if (!fragment) return { height: -1, fields: 0 };
    if (expanding.has(name)) throw cyclicalFragment(name);
    expanding.add(name);
    const size = sizeOf(fragment.selectionSet, depth);
    expanding.delete(name);
    sizes.set(name, size);
    return size;
  };

  try {
    let total: Size = { height: 0, fields: 0 };
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const size = sizeOf(definition.selectionSet, 0);
      total = { height: Math.max(total.height, size.height), fields: total.fields + size.fields };
    }
    return total;
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}
