/**
 * Rewrites a WASM binary so that every mutable global it defines is also exported (as `__runner_global_<index>`),
 * leaving its code untouched. AssemblyScript keeps the allocator's bump pointer and module-level variables in
 * such globals; exporting them is what lets the runner put an instance back into the state it had right after
 * `_start` (see RestartableMapping) instead of instantiating the module again for every trigger.
 *
 * Only the import, global and export sections are read (WebAssembly core spec, binary format chapter 5).
 */

const SECTION_IMPORT = 2;
const SECTION_GLOBAL = 6;
const SECTION_EXPORT = 7;
const EXTERNAL_GLOBAL = 0x03;
const OPCODE_END = 0x0b;

export const GLOBAL_EXPORT_PREFIX = "__runner_global_";

/** The binary with its mutable globals exported, and the export names it added. */
export function exportMutableGlobals(wasm: Uint8Array): { wasm: Uint8Array; exported: string[] } {
  const sections = readSections(wasm);
  const importedGlobals = countImportedGlobals(sections.get(SECTION_IMPORT));
  const mutable = mutableGlobalIndexes(sections.get(SECTION_GLOBAL), importedGlobals);
  const exportSection = sections.get(SECTION_EXPORT);
  if (mutable.length === 0) return { wasm, exported: [] };

  const existing = exportSection ? new Reader(exportSection.content) : null;
  const count = existing ? existing.u32() : 0;
  const entries = existing ? exportSection!.content.subarray(existing.offset) : new Uint8Array(0);
  const added = mutable.map((index) => [GLOBAL_EXPORT_PREFIX + index, index] as const);
  const content = concat([
    leb128(count + added.length),
    entries,
    ...added.map(([name, index]) => concat([encodeName(name), Uint8Array.of(EXTERNAL_GLOBAL), leb128(index)])),
  ]);
  const section = concat([Uint8Array.of(SECTION_EXPORT), leb128(content.length), content]);
  const rewritten = exportSection
    ? concat([wasm.subarray(0, exportSection.start), section, wasm.subarray(exportSection.end)])
    : insertSection(wasm, sections, section);
  return { wasm: rewritten, exported: added.map(([name]) => name) };
}

interface Section {
  /** Offset of the section id byte. */
  start: number;
  /** Offset just past the section. */
  end: number;
  content: Uint8Array;
}

function readSections(wasm: Uint8Array): Map<number, Section> {
  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (wasm.length < 8 || magic.some((byte, i) => wasm[i] !== byte)) throw new Error("not a WASM binary");
  const reader = new Reader(wasm, 8);
  const sections = new Map<number, Section>();
  while (reader.offset < wasm.length) {
    const start = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const content = wasm.subarray(reader.offset, reader.offset + size);
    reader.offset += size;
    // Custom sections (id 0) may repeat and matter to no one here.
    if (id !== 0) sections.set(id, { start, end: reader.offset, content });
  }
  return sections;
}

/** An export section for a module that had none goes where the spec orders it: before any section with id > 7. */
function insertSection(wasm: Uint8Array, sections: Map<number, Section>, section: Uint8Array): Uint8Array {
  const later = [...sections].filter(([id]) => id > SECTION_EXPORT).map(([, s]) => s.start);
  const at = later.length > 0 ? Math.min(...later) : wasm.length;
  return concat([wasm.subarray(0, at), section, wasm.subarray(at)]);
}

function countImportedGlobals(section: Section | undefined): number {
  if (!section) return 0;
  const reader = new Reader(section.content);
  let globals = 0;
  for (let i = reader.u32(); i > 0; i--) {
    reader.skipName();
    reader.skipName();
    const kind = reader.byte();
    if (kind === 0x00) reader.u32(); // function: type index
    else if (kind === 0x01) { reader.byte(); reader.skipLimits(); } // table: reftype, limits
    else if (kind === 0x02) reader.skipLimits(); // memory
    else if (kind === EXTERNAL_GLOBAL) { reader.byte(); reader.byte(); globals++; } // valtype, mutability
    else if (kind === 0x04) { reader.byte(); reader.u32(); } // tag: attribute, type index
    else throw new Error(`unknown import kind ${kind}`);
  }
  return globals;
}

function mutableGlobalIndexes(section: Section | undefined, firstIndex: number): number[] {
  if (!section) return [];
  const reader = new Reader(section.content);
  const mutable: number[] = [];
  const count = reader.u32();
  for (let i = 0; i < count; i++) {
    reader.byte(); // valtype
    if (reader.byte() === 1) mutable.push(firstIndex + i);
    reader.skipConstExpr();
  }
  return mutable;
}

class Reader {
  constructor(private readonly bytes: Uint8Array, public offset = 0) {}

  byte(): number {
    if (this.offset >= this.bytes.length) throw new Error("truncated WASM binary");
    return this.bytes[this.offset++];
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }

  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  skipName(): void {
    const length = this.u32();
    this.offset += length;
  }

  skipLimits(): void {
    const flags = this.byte();
    this.skipLeb();
    if (flags & 0x01) this.skipLeb();
  }

  /** A constant expression: i32/i64/f32/f64.const, global.get, ref.null, ref.func and extended-const arithmetic. */
  skipConstExpr(): void {
    for (;;) {
      const opcode = this.byte();
      if (opcode === OPCODE_END) return;
      if (opcode === 0x41 || opcode === 0x42 || opcode === 0x23 || opcode === 0xd2) this.skipLeb();
      else if (opcode === 0x43) this.offset += 4;
      else if (opcode === 0x44) this.offset += 8;
      else if (opcode === 0xd0) this.byte();
      else if (opcode === 0xfd && this.u32() === 12) this.offset += 16; // v128.const
      else if (![0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(opcode)) {
        throw new Error(`unexpected opcode 0x${opcode.toString(16)} in a global initialiser`);
      }
    }
  }
}

function leb128(value: number): Uint8Array {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return Uint8Array.from(bytes);
}

function encodeName(text: string): Uint8Array {
  const utf8 = Buffer.from(text, "utf8");
  return concat([leb128(utf8.length), utf8]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
