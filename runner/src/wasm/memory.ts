/**
 * The AssemblyScript heap of one mapping instance, read and written the way graph-node does it for
 * apiVersion >= 0.0.5 (graph/src/runtime/asc_ptr.rs, runtime/wasm/src/asc_abi/v0_0_5.rs, module/context.rs):
 *
 * - every object starts with a 20-byte header (mmInfo, gcInfo, gcInfo2, rtId, rtSize) and a pointer points just
 *   past it, so `ptr - 8` is the class id and `ptr - 4` the payload size AssemblyScript reads for strings/buffers;
 * - memory comes from the module's exported `allocate` (the stub runtime's `__alloc`), in arenas of at least
 *   10 000 bytes that the host fills itself, each started 12 bytes in so objects stay 16-byte aligned;
 * - class ids come from the module's exported `id_of_type`, given graph-node's type index (see typeIds.ts);
 * - strings are UTF-16LE; `ArrayBuffer` and `String` payloads are padded to a power of two like graph-node's.
 *
 * `allocate` may grow the memory, which detaches any `ArrayBuffer` view taken before: the heap keeps views of the
 * current buffer and replaces them whenever `memory.buffer` is a different object.
 */
import { AscTypeId } from "./typeIds";
import { decodeUtf16, encodeUtf16, hasLoneSurrogate } from "./utf16";

const HEADER_SIZE = 20;
/** graph-node asks AssemblyScript for memory in chunks of at least this size and hands it out itself. */
const MIN_ARENA_SIZE = 10_000;
/** `allocate` returns a 16-aligned pointer just past the allocator's 4-byte mmInfo; 12 more keeps objects 16-aligned. */
const ARENA_ALIGNMENT_OFFSET = 12;
/** Size of an `AscEnum` (graph-ts `Value`, `ethereum.Value`, `JSONValue`): kind i32, padding, payload u64. */
const ENUM_SIZE = 16;
const POINTER_SIZE = 4;

/** The exports graph-node requires of an apiVersion >= 0.0.5 mapping. */
interface AscExports {
  memory: WebAssembly.Memory;
  allocate: (size: number) => number;
  id_of_type: (typeIndex: number) => number;
}

/** The three classes behind a `TypedMap<string, V>`: the map, its entries and the array holding them. */
export interface TypedMapTypeIds {
  map: AscTypeId;
  entry: AscTypeId;
  entries: AscTypeId;
}

/** `kind` and the raw 64-bit `data` of an AssemblyScript enum-like class (`Value`, `ethereum.Value`, `JSONValue`). */
export interface AscEnumValue {
  kind: number;
  payload: bigint;
}

export class AscHeap {
  private exports?: AscExports;
  /** Class ids by AscTypeId, asked of the module once each. */
  private readonly classIds: number[] = [];
  private arenaStart = 0;
  private arenaFree = 0;
  /** Views of the memory's current buffer, replaced whenever a `memory.grow` detaches it. */
  private buffer?: ArrayBuffer;
  private bytes = new Uint8Array(0);
  private view = new DataView(new ArrayBuffer(0));

  /** Connects the heap to an instantiated module; host functions called before this fail. */
  bind(exports: WebAssembly.Exports): void {
    const { memory, allocate, id_of_type } = exports as Partial<AscExports>;
    if (!(memory instanceof WebAssembly.Memory)) throw new Error("the mapping does not export its memory as `memory`");
    if (typeof allocate !== "function" || typeof id_of_type !== "function") {
      throw new Error("the mapping does not export `allocate` and `id_of_type` (is it compiled by graph-cli for apiVersion >= 0.0.5?)");
    }
    this.exports = { memory, allocate, id_of_type };
  }

  /** Where the host's current arena stands, to put it back with `restoreArena`. */
  arenaState(): { start: number; free: number } {
    return { start: this.arenaStart, free: this.arenaFree };
  }

  restoreArena(state: { start: number; free: number }): void {
    this.arenaStart = state.start;
    this.arenaFree = state.free;
  }

  // ------------------------------------------------------------------ allocation

  /** Allocates an object of class `typeId` holding `content` (padded to 16 bytes) and returns its pointer. */
  newObject(typeId: AscTypeId, content: Uint8Array, rtSize?: number): number {
    const pointer = this.allocateObject(typeId, content.length, rtSize);
    this.bytes.set(content, pointer);
    return pointer;
  }

  /** A class whose fields are all pointers (or u32s): `Event`, `Block`, `EventParam`, `BigDecimal`, `TypedMap`... */
  newPointerStruct(typeId: AscTypeId, fields: number[]): number {
    const pointer = this.allocateObject(typeId, fields.length * POINTER_SIZE);
    for (let i = 0; i < fields.length; i++) this.view.setUint32(pointer + i * POINTER_SIZE, fields[i] >>> 0, true);
    return pointer;
  }

  /** An enum-like class `{ kind: i32, data: u64 }` whose data is a primitive or a pointer. */
  newEnum(typeId: AscTypeId, kind: number, payload: bigint): number {
    const pointer = this.allocateObject(typeId, ENUM_SIZE);
    this.view.setInt32(pointer, kind, true);
    this.view.setBigUint64(pointer + 8, BigInt.asUintN(64, payload), true);
    return pointer;
  }

  /** `newEnum` for a payload that is a pointer or another u32 (a bool): no bigint on the way. */
  newEnumU32(typeId: AscTypeId, kind: number, payload: number): number {
    const pointer = this.allocateObject(typeId, ENUM_SIZE);
    this.view.setInt32(pointer, kind, true);
    this.view.setUint32(pointer + 8, payload >>> 0, true);
    return pointer;
  }

  /** `Wrapped<bool>`: a class whose only field is a one-byte bool. */
  newWrappedBool(value: boolean): number {
    return this.newObject(AscTypeId.WrappedBool, Uint8Array.of(value ? 1 : 0));
  }

  /** A `string`, as UTF-16LE code units (surrogate pairs included as they are). */
  newString(text: string): number {
    return this.newBuffer(AscTypeId.String, encodeUtf16(text));
  }

  /** A `Uint8Array` (also `Bytes`, `Address`, `BigInt`) over a fresh `ArrayBuffer`. */
  newUint8Array(bytes: Uint8Array): number {
    const buffer = this.newBuffer(AscTypeId.ArrayBuffer, bytes);
    // The fields of a typed array (buffer, dataStart, byteLength), written as newPointerStruct would.
    const pointer = this.allocateObject(AscTypeId.Uint8Array, 3 * POINTER_SIZE);
    this.view.setUint32(pointer, buffer, true);
    this.view.setUint32(pointer + POINTER_SIZE, buffer, true);
    this.view.setUint32(pointer + 2 * POINTER_SIZE, bytes.length, true);
    return pointer;
  }

  /** An `Array<T>` of pointers (strings, objects, enums). */
  newPointerArray(typeId: AscTypeId, pointers: number[]): number {
    const byteLength = pointers.length * POINTER_SIZE;
    const buffer = this.allocateObject(AscTypeId.ArrayBuffer, powerOfTwoCapacity(byteLength), byteLength);
    for (let i = 0; i < pointers.length; i++) this.view.setUint32(buffer + i * POINTER_SIZE, pointers[i] >>> 0, true);
    return this.newPointerStruct(typeId, [buffer, buffer, byteLength, pointers.length]);
  }

  /** A `TypedMap<string, V>` from its entries in order; values are pointers already written. */
  newTypedMap(ids: TypedMapTypeIds, entries: Array<[string, number]>): number {
    const entryPointers = entries.map(([key, value]) => this.newPointerStruct(ids.entry, [this.newString(key), value]));
    return this.newPointerStruct(ids.map, [this.newPointerArray(ids.entries, entryPointers)]);
  }

  /** A `String` or `ArrayBuffer`: its bytes, with graph-node's power-of-two spare capacity, reporting their length. */
  private newBuffer(typeId: AscTypeId, bytes: Uint8Array): number {
    const pointer = this.allocateObject(typeId, powerOfTwoCapacity(bytes.length), bytes.length);
    this.bytes.set(bytes, pointer);
    return pointer;
  }

  /**
   * Allocates a zeroed object of class `typeId` with `contentLength` bytes of payload (padded to 16 bytes), writes
   * its header and returns its pointer. Strings and buffers report their unpadded length as `rtSize`; other
   * objects report the padded payload, as graph-node does.
   */
  private allocateObject(typeId: AscTypeId, contentLength: number, rtSize?: number): number {
    const classId = this.classId(typeId);
    const padding = (16 - ((HEADER_SIZE + contentLength) % 16)) % 16;
    const payloadLength = contentLength + padding;
    const size = HEADER_SIZE + payloadLength;
    const start = this.allocateRaw(size);
    this.refreshViews();
    if (start + size > this.bytes.length) throw new Error(`Heap access out of bounds. Offset: ${start} Size: ${size}`);
    this.bytes.fill(0, start, start + size);
    // mmInfo counts the four remaining header fields and the payload; gcInfo and gcInfo2 stay 0 (nothing is freed).
    this.view.setUint32(start, 16 + payloadLength, true);
    this.view.setUint32(start + 12, classId, true);
    this.view.setUint32(start + 16, rtSize ?? payloadLength, true);
    return start + HEADER_SIZE;
  }

  /** graph-node's `raw_new`: bump allocation inside arenas obtained from the module's `allocate`. */
  private allocateRaw(size: number): number {
    if (size > this.arenaFree) {
      const arenaSize = Math.max(size, MIN_ARENA_SIZE);
      this.arenaStart = (this.bound().allocate(arenaSize) >>> 0) + ARENA_ALIGNMENT_OFFSET;
      this.arenaFree = arenaSize - ARENA_ALIGNMENT_OFFSET;
    }
    const start = this.arenaStart;
    this.arenaStart += size;
    this.arenaFree -= size;
    return start;
  }

  private classId(typeId: AscTypeId): number {
    let id = this.classIds[typeId];
    if (id === undefined) {
      id = this.bound().id_of_type(typeId) >>> 0;
      this.classIds[typeId] = id;
    }
    return id;
  }

  // ------------------------------------------------------------------ reading

  /** A `string`; refuses unpaired surrogates and drops NUL characters, like graph-node. */
  readString(pointer: number): string {
    const ptr = checkNotNull(pointer);
    const byteLength = this.readU32(ptr - 4);
    if (byteLength % 2 !== 0) throw new Error(`string length of ${byteLength} bytes is not whole UTF-16 code units`);
    this.checkBounds(ptr, byteLength);
    const text = decodeUtf16(this.bytes, ptr, byteLength);
    if (hasLoneSurrogate(text)) throw new Error("string from the mapping is not valid UTF-16");
    // graph-node strips NUL characters because Postgres does not accept them.
    return text.includes("\u0000") ? text.replace(/\u0000/g, "") : text;
  }

  /** The bytes a `Uint8Array` (or `Bytes`, `Address`, `BigInt`) views, copied out of the heap. */
  readUint8Array(pointer: number): Uint8Array {
    const ptr = checkNotNull(pointer);
    const buffer = checkNotNull(this.readU32(ptr));
    const dataStart = this.readU32(ptr + 4);
    if (dataStart < buffer) throw new Error(`typed array data starts before its buffer (${dataStart} < ${buffer})`);
    return this.readBytes(dataStart, this.readU32(ptr + 8));
  }

  /**
   * The bytes a `Uint8Array` views, as a view of the heap itself: for callers that read them at once, before
   * anything can grow (and so detach) the memory.
   */
  viewUint8Array(pointer: number): Uint8Array {
    const ptr = checkNotNull(pointer);
    const buffer = checkNotNull(this.readU32(ptr));
    const dataStart = this.readU32(ptr + 4);
    if (dataStart < buffer) throw new Error(`typed array data starts before its buffer (${dataStart} < ${buffer})`);
    const length = this.readU32(ptr + 8);
    this.checkBounds(dataStart, length);
    return this.bytes.subarray(dataStart, dataStart + length);
  }

  /** The elements of an `Array<T>` of pointers. */
  readPointerArray(pointer: number): number[] {
    const ptr = checkNotNull(pointer);
    checkNotNull(this.readU32(ptr));
    const dataStart = this.readU32(ptr + 4);
    const length = this.readU32(ptr + 12);
    this.checkBounds(dataStart, length * POINTER_SIZE);
    const elements = new Array<number>(length);
    for (let i = 0; i < length; i++) elements[i] = this.view.getUint32(dataStart + i * POINTER_SIZE, true);
    return elements;
  }

  /** Field `index` of a class whose fields are all pointers. */
  readPointerField(pointer: number, index: number): number {
    return this.readU32(checkNotNull(pointer) + index * POINTER_SIZE);
  }

  readEnum(pointer: number): AscEnumValue {
    const ptr = checkNotNull(pointer);
    this.checkBounds(ptr, ENUM_SIZE);
    return { kind: this.view.getInt32(ptr, true), payload: this.view.getBigUint64(ptr + 8, true) };
  }

  /** An enum's kind alone; its payload's words come from `readEnumWord`, without a bigint for the whole. */
  readEnumKind(pointer: number): number {
    const ptr = checkNotNull(pointer);
    this.checkBounds(ptr, ENUM_SIZE);
    return this.view.getInt32(ptr, true);
  }

  /** The low (`high` false) or high 32 bits of an enum's payload, unsigned. */
  readEnumWord(pointer: number, high = false): number {
    const ptr = checkNotNull(pointer);
    this.checkBounds(ptr, ENUM_SIZE);
    return this.view.getUint32(ptr + (high ? 12 : 8), true);
  }

  /** Visits the entries of a `TypedMap<string, V>` in order, values as pointers. */
  readTypedMap(pointer: number, visit: (key: string, value: number) => void): void {
    for (const entry of this.readPointerArray(this.readPointerField(pointer, 0))) {
      visit(this.readString(this.readPointerField(entry, 0)), this.readPointerField(entry, 1));
    }
  }

  private readU32(ptr: number): number {
    this.checkBounds(ptr, 4);
    return this.view.getUint32(ptr, true);
  }

  private readBytes(ptr: number, length: number): Uint8Array {
    this.checkBounds(ptr, length);
    return this.bytes.slice(ptr, ptr + length);
  }

  /** Refreshes the views, then refuses an access outside the memory the way graph-node words it. */
  private checkBounds(ptr: number, length: number): void {
    this.refreshViews();
    if (ptr < 0 || ptr + length > this.bytes.length) {
      throw new Error(`Heap access out of bounds. Offset: ${ptr} Size: ${length}`);
    }
  }

  private refreshViews(): void {
    // A grown memory detaches its old buffer, whose byteLength drops to 0: cheaper to test than `memory.buffer`.
    if (this.buffer !== undefined && this.buffer.byteLength !== 0) return;
    const buffer = this.bound().memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.bytes = new Uint8Array(buffer);
      this.view = new DataView(buffer);
    }
  }

  private bound(): AscExports {
    if (!this.exports) throw new Error("a host function was called before the mapping finished instantiating");
    return this.exports;
  }
}

/** graph-node gives strings and buffers spare capacity up to the next power of two of header + payload. */
function powerOfTwoCapacity(length: number): number {
  let capacity = 1;
  while (capacity < length + HEADER_SIZE) capacity *= 2;
  return capacity - HEADER_SIZE;
}

/** Pointers arrive from WASM as signed i32s; a null one means the mapping passed `null` where a value was needed. */
function checkNotNull(pointer: number): number {
  const ptr = pointer >>> 0;
  if (ptr === 0) {
    throw new Error(
      "Tried to read AssemblyScript value that is 'null'. Suggestion: look into the function that the error happened " +
        "and add 'log' calls till you find where a 'null' value is being used as non-nullable. It's likely that you're " +
        "calling a 'graph-ts' function (or operator) with a 'null' value when it doesn't support it.",
    );
  }
  return ptr;
}
