/**
 * A strict JSON parser (RFC 8259, like serde_json) that keeps every number's source text, because graph-node
 * hands numbers to mappings as the digits they were written with (serde_json's arbitrary precision) and
 * `JSON.parse` would round anything beyond 2^53. Objects keep their keys in document order; a repeated key
 * keeps its last value.
 */
import { hasLoneSurrogate } from "./utf16";

export type JsonNode =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "number"; text: string }
  | { kind: "string"; value: string }
  | { kind: "array"; items: JsonNode[] }
  | { kind: "object"; entries: Array<[string, JsonNode]> };

/** serde_json's nesting limit. */
const MAX_DEPTH = 128;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Parses a whole JSON document; throws with the offending position on any syntax error. */
export function parseJson(text: string): JsonNode {
  const parser = new JsonParser(text);
  const value = parser.value(0);
  parser.end();
  return value;
}

class JsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail("recursion limit exceeded");
    this.skipWhitespace();
    const char = this.text[this.pos];
    if (char === "{") return this.object(depth);
    if (char === "[") return this.array(depth);
    if (char === '"') return { kind: "string", value: this.string() };
    if (this.literal("null")) return { kind: "null" };
    if (this.literal("true")) return { kind: "bool", value: true };
    if (this.literal("false")) return { kind: "bool", value: false };
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (!number) this.fail("expected value");
    this.pos += number[0].length;
    return { kind: "number", text: number[0] };
  }

  end(): void {
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail("trailing characters");
  }

  private object(depth: number): JsonNode {
    const entries = new Map<string, JsonNode>();
    this.pos++;
    if (this.consume("}")) return { kind: "object", entries: [] };
    do {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail("expected object key");
      const key = this.string();
      if (!this.consume(":")) this.fail("expected `:`");
      entries.set(key, this.value(depth + 1));
    } while (this.consume(","));
    if (!this.consume("}")) this.fail("expected `,` or `}`");
    return { kind: "object", entries: [...entries] };
  }

  private array(depth: number): JsonNode {
    const items: JsonNode[] = [];
    this.pos++;
    if (this.consume("]")) return { kind: "array", items };
    do items.push(this.value(depth + 1));
    while (this.consume(","));
    if (!this.consume("]")) this.fail("expected `,` or `]`");
    return { kind: "array", items };
  }

  private string(): string {
    let result = "";
    this.pos++; // opening quote
    for (;;) {
      const char = this.text[this.pos++];
      if (char === undefined) this.fail("EOF while parsing a string");
      if (char === '"') break;
      if (char < " ") this.fail("control character in string");
      if (char !== "\\") {
        result += char;
        continue;
      }
      const escape = this.text[this.pos++];
      if (escape === "u") {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
        result += String.fromCharCode(parseInt(hex, 16));
        this.pos += 4;
      } else if (escape in ESCAPES) result += ESCAPES[escape];
      else this.fail("invalid escape");
    }
    if (hasLoneSurrogate(result)) this.fail("lone surrogate in \\u escape");
    return result;
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  private consume(char: string): boolean {
    this.skipWhitespace();
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  private skipWhitespace(): void {
    while (" \t\n\r".includes(this.text[this.pos] ?? "x")) this.pos++;
  }

  private fail(reason: string): never {
    throw new Error(`${reason} at position ${this.pos}`);
  }
}
