/**
 * graph-node implements the string filters with SQL `LIKE`/`ILIKE`: `_contains: s` is `like '%s%'` (or `s` as
 * given when it already starts or ends with `%`), `_starts_with` is `like 's%'`, `_ends_with` is `like '%s'`.
 * The filter value is therefore a pattern in which `%` matches any run of characters and `_` any one character
 * (`\` escapes them); this module reproduces that, so the runner matches exactly what the real endpoint matches.
 */

export type LikeShape = "contains" | "starts_with" | "ends_with";

/** The SQL LIKE pattern graph-node builds for a string filter of `shape` with value `text`. */
export function likePattern(shape: LikeShape, text: string): string {
  switch (shape) {
    case "contains":
      return text.startsWith("%") || text.endsWith("%") ? text : `%${text}%`;
    case "starts_with":
      return `${text}%`;
    case "ends_with":
      return `%${text}`;
  }
}

/** A matcher for SQL `LIKE` (or, with `caseInsensitive`, `ILIKE`) `pattern`. */
export function likeMatcher(pattern: string, caseInsensitive: boolean): (text: string) => boolean {
  let source = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "\\" && i + 1 < chars.length) source += escapeRegExp(chars[++i]);
    else if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else source += escapeRegExp(c);
  }
  const regex = new RegExp(`^${source}$`, caseInsensitive ? "iu" : "u");
  return (text) => regex.test(text);
}

/** Escapes a regex syntax character (only those may be escaped in a `u`-flag regex). */
function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
