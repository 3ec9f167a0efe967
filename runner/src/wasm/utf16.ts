/**
 * AssemblyScript strings are UTF-16LE code units. Mappings pass the same strings to the host over and over (entity
 * types, field names, ids), so both directions are cached: encodings by text, and decoded texts by a hash of
 * their code units, checked unit by unit before one is reused. A reused string also keeps the hash V8 computed
 * for it, which every Map lookup by that name or id then skips.
 */

/** Whether a JS string holds an unpaired surrogate, which Rust's UTF-16 decoding (and so graph-node) refuses. */
export function hasLoneSurrogate(text: string): boolean {
  // String.prototype.isWellFormed (ES2024, Node 20) is exactly this test; the ES2022 typings do not know it yet.
  return !(text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Strings longer than this are neither cached nor looked up: long texts rarely repeat. */
const CACHED_MAX_LENGTH = 128;
/** Each cache is emptied when it reaches this many entries, which bounds its memory. */
const CACHE_MAX_ENTRIES = 10_000;

const encodings = new Map<string, Buffer>();

/** The UTF-16LE encoding of `text` (to be copied, never changed). */
export function encodeUtf16(text: string): Buffer {
  if (text.length > CACHED_MAX_LENGTH) return Buffer.from(text, "utf16le");
  let encoded = encodings.get(text);
  if (!encoded) {
    if (encodings.size >= CACHE_MAX_ENTRIES) encodings.clear();
    encoded = Buffer.from(text, "utf16le");
    encodings.set(text, encoded);
  }
  return encoded;
}

/** Decoded strings by the FNV-1a hash of their code units; a colliding string replaces the one held. */
const decoded = new Map<number, string>();

/**
 * The string of the `byteLength / 2` UTF-16LE code units at `offset` in `bytes`, exactly as they are (lone
 * surrogates and NULs included, for the caller to judge). `offset` and `byteLength` must lie within `bytes`.
 */
export function decodeUtf16(bytes: Uint8Array, offset: number, byteLength: number): string {
  const length = byteLength >> 1;
  if (length > CACHED_MAX_LENGTH) return Buffer.from(bytes.buffer, bytes.byteOffset + offset, byteLength).toString("utf16le");
  let hash = 0x811c9dc5;
  for (let i = offset, end = offset + byteLength; i < end; i += 2) hash = Math.imul(hash ^ (bytes[i] | (bytes[i + 1] << 8)), 0x01000193);
  const known = decoded.get(hash);
  if (known !== undefined && sameCodeUnits(known, bytes, offset, length)) return known;
  const text = offset % 2 === 0
    ? String.fromCharCode.apply(null, new Uint16Array(bytes.buffer, bytes.byteOffset + offset, length) as unknown as number[])
    : Buffer.from(bytes.buffer, bytes.byteOffset + offset, byteLength).toString("utf16le");
  if (decoded.size >= CACHE_MAX_ENTRIES) decoded.clear();
  decoded.set(hash, text);
  return text;
}

function sameCodeUnits(text: string, bytes: Uint8Array, offset: number, length: number): boolean {
  if (text.length !== length) return false;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) !== (bytes[offset + 2 * i] | (bytes[offset + 2 * i + 1] << 8))) return false;
  }
  return true;
}
