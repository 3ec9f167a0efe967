/**
 * A look at a query's text before it is parsed. graphql-js parses recursively, a few stack frames per nesting
 * level, so a document nested a few thousand levels deep overflows the stack in `parse` itself, and a document of
 * millions of tokens takes seconds to parse. The lexer is a loop: it counts tokens and nesting in constant stack,
 * so such documents are refused before any tree is built.
 */
import { GraphQLError, Lexer, Source, TokenKind } from "graphql";
import { tooDeep, tooManyTokens } from "./limitErrors";

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R]);

/**
 * The error for `text` if it has more than `maxTokens` tokens, or nests selection sets, or values inside
 * arguments, more than `maxDepth` levels below the root; null otherwise (including for text that does not lex:
 * `parse` reports that with its location).
 */
export function scanDocument(text: string, limits: { maxTokens: number; maxDepth: number }): GraphQLError | null {
  const lexer = new Lexer(new Source(text));
  // Open brackets; selection sets are the braces outside any parenthesis (values live inside arguments).
  const open: string[] = [];
  let parentheses = 0;
  let selectionDepth = 0;
  for (let tokens = 0; ; tokens++) {
    if (tokens > limits.maxTokens) return tooManyTokens(limits.maxTokens);
    let kind: string;
    try {
      kind = lexer.advance().kind;
    } catch {
      return null;
    }
    if (kind === TokenKind.EOF) return null;
    if (OPENING.has(kind)) {
      open.push(kind);
      if (kind === TokenKind.PAREN_L) parentheses++;
      if (kind === TokenKind.BRACE_L && parentheses === 0) selectionDepth++;
      // The root selection set is level 0, as graph-node counts; values nest at most as deep as selections.
      if (selectionDepth - 1 >= limits.maxDepth || open.length - selectionDepth > limits.maxDepth) {
        return tooDeep(limits.maxDepth);
      }
    } else if (CLOSING.has(kind)) {
      const closed = open.pop();
      if (closed === TokenKind.PAREN_L) parentheses--;
      if (closed === TokenKind.BRACE_L && parentheses === 0) selectionDepth--;
    }
  }
}
