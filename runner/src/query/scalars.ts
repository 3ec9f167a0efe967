/**
 * The custom scalars of graph-node's query API. Outputs are strings (the resolvers hand over `toJson` output);
 * inputs are parsed into the runner's native forms so filters can compare them with stored values:
 * BigInt/Int8/Timestamp → bigint, BigDecimal → BigDecimal, Bytes → Uint8Array. Which literal kinds each accepts
 * follows graph-node's coercion rules (BigInt: string or int; BigDecimal: string, int or float; Bytes: string).
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { BigDecimal, bytesToHex, hexToBytes } from "../values";

type Accepts = "string" | "int" | "float";

/** Builds a scalar whose literals and variables are checked against `accepts` and then converted by `parse`. */
function inputScalar<T>(name: string, description: string, accepts: Accepts[], parse: (text: string) => T): GraphQLScalarType {
  const parseText = (text: string, node?: ValueNode): T => {
    try {
      return parse(text);
    } catch (error) {
      throw new GraphQLError(`Failed to decode \`${name}\` value: \`${(error as Error).message}\``, { nodes: node });
    }
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: serializeOutput,
    parseValue(value: unknown): T {
      if (typeof value === "string" && accepts.includes("string")) return parseText(value);
      if (typeof value === "number" && Number.isInteger(value) && accepts.includes("int")) return parseText(String(value));
      if (typeof value === "number" && Number.isFinite(value) && accepts.includes("float")) return parseText(String(value));
      throw new GraphQLError(`${name} cannot represent ${JSON.stringify(value)}`);
    },
    parseLiteral(node: ValueNode): T {
      const literalKind = node.kind === Kind.STRING ? "string" : node.kind === Kind.INT ? "int" : node.kind === Kind.FLOAT ? "float" : null;
      if (literalKind === null || !accepts.includes(literalKind) || !("value" in node)) {
        throw new GraphQLError(`${name} cannot represent a ${node.kind} literal`, { nodes: node });
      }
      return parseText(String(node.value), node);
    },
  });
}

/** Output: resolvers already produce strings; bigint, BigDecimal and bytes are printed the same way for safety. */
function serializeOutput(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "number" || value instanceof BigDecimal) return value.toString();
  if (value instanceof Uint8Array) return bytesToHex(value);
  throw new GraphQLError(`cannot serialize ${String(value)}`);
}

function parseInteger(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new Error(`invalid digit found in string ${JSON.stringify(text)}`);
  return BigInt(text.trim());
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function parseI64(text: string): bigint {
  const value = parseInteger(text);
  if (value < I64_MIN || value > I64_MAX) throw new Error(`number too large to fit in target type: ${text}`);
  return value;
}

export const BigIntScalar = inputScalar("BigInt", "Arbitrary-size integer, as a decimal string", ["string", "int"], parseInteger);
export const BigDecimalScalar = inputScalar(
  "BigDecimal", "Arbitrary-precision decimal, as a string", ["string", "int", "float"], (text) => BigDecimal.fromString(text),
);
// Bytes accept `0x`-prefixed or bare hex in any case: graph-node decodes them into bytes before comparing.
export const BytesScalar = inputScalar("Bytes", "Byte array, as a 0x-prefixed hex string", ["string"], hexToBytes);
export const Int8Scalar = inputScalar("Int8", "8 bytes signed integer", ["string", "int"], parseI64);
export const TimestampScalar = inputScalar(
  "Timestamp", "A timestamp in microseconds since the Unix epoch", ["string", "int"], parseI64,
);

/** The custom scalars by schema name. */
export const CUSTOM_SCALARS: Record<string, GraphQLScalarType> = {
  BigInt: BigIntScalar,
  BigDecimal: BigDecimalScalar,
  Bytes: BytesScalar,
  Int8: Int8Scalar,
  Timestamp: TimestampScalar,
};
