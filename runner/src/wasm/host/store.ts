/**
 * `store.*`: entity reads and writes against the EntityStore, which copies on get and set and validates writes
 * (its StoreErrors fail the handler), or the block overlay over it. `get_in_block` is plain `get` here: the
 * overlay already answers from the block's own writes first.
 * `loadRelated` resolves a `@derivedFrom` field: the entities of the derived type whose field holds the id.
 */
import type { EntityAccess } from "../../store";
import { idString } from "../../store";
import { cloneEntity, ValueKind, type Entity, type Value } from "../../values";
import type { HostEnv, HostFunctions } from "../hostContext";
import { readEntity, writeEntity, writeEntityArray } from "../storeValues";

/** The entities `store.loadRelated(type, id, field)` returns: those of the derived type that reference `id`. */
export function loadRelated(store: EntityAccess, type: string, id: string, field: string): Entity[] {
  const definition = store.schema.entities.get(type);
  if (!definition) throw new Error(`Entity type \`${type}\` is not defined in the schema`);
  const derived = definition.fields.get(field);
  if (!derived?.derivedFrom) throw new Error(`Entity ${type}[${id}]: unknown derived field \`${field}\``);
  const related: Entity[] = [];
  for (const entity of store.all(derived.type.name)) {
    if (references(entity.get(derived.derivedFrom), id)) related.push(cloneEntity(entity));
  }
  return related;
}

/** Whether a reference field (single or list) holds the entity id `id`. */
function references(value: Value | undefined, id: string): boolean {
  if (!value) return false;
  if (value.kind === ValueKind.Array) return value.value.some((item) => references(item, id));
  const isIdKind = value.kind === ValueKind.String || value.kind === ValueKind.Bytes || value.kind === ValueKind.Int8;
  return isIdKind && idString(value) === id;
}

/** The `store.*` imports. */
export function storeHostFunctions({ heap, ctx }: HostEnv): HostFunctions {
  const get = (typePtr: number, idPtr: number): number => {
    // The entity is copied into WASM memory: the mapping gets its own copy without the store cloning one first.
    const entity = ctx.store.peek(heap.readString(typePtr), heap.readString(idPtr));
    return entity === null ? 0 : writeEntity(heap, entity);
  };
  return {
    "store.get": get,
    "store.get_in_block": get,
    "store.set": (typePtr: number, idPtr: number, dataPtr: number): void =>
      ctx.store.setFresh(heap.readString(typePtr), heap.readString(idPtr), readEntity(heap, dataPtr)),
    "store.remove": (typePtr: number, idPtr: number): void =>
      ctx.store.remove(heap.readString(typePtr), heap.readString(idPtr)),
    "store.loadRelated": (typePtr: number, idPtr: number, fieldPtr: number): number =>
      writeEntityArray(
        heap,
        loadRelated(ctx.store, heap.readString(typePtr), heap.readString(idPtr), heap.readString(fieldPtr)),
      ),
  };
}
