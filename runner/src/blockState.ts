/**
 * One block's pending work, as graph-node's BlockState: the entity writes its handlers made (an overlay the
 * handlers read through, so a handler sees the writes of the triggers before it) and the data sources it created.
 * Nothing reaches the store until `commit`, which applies everything together with the block pointer; a block
 * that fails anywhere (a handler, a decode, the RPC) is dropped whole by simply discarding its BlockState.
 */
import type { BlockPointer } from "./history/blockPointer";
import { entityId, type EntityAccess, type EntityStore, type EntityWrite } from "./store";
import { cloneEntity, type Entity } from "./values";

export class BlockState<Source> implements EntityAccess {
  /** type → id → the block's version of the entity (null: removed in this block). */
  private readonly writes = new Map<string, Map<string, Entity | null>>();
  /** Data sources the block's handlers created, in creation order. */
  readonly createdSources: Source[] = [];

  constructor(private readonly store: EntityStore) {}

  get schema(): EntityStore["schema"] {
    return this.store.schema;
  }

  get(type: string, id: string): Entity | null {
    const entity = this.peek(type, id);
    return entity ? cloneEntity(entity as Entity) : null;
  }

  peek(type: string, id: string): Readonly<Entity> | null {
    const written = this.writes.get(type)?.get(id);
    return written === undefined ? this.store.peek(type, id) : written;
  }

  set(type: string, id: string, entity: Entity): void {
    this.writesOf(type).set(id, this.store.checkedVersion(type, id, entity, this.peek(type, id)));
  }

  setFresh(type: string, id: string, entity: Entity): void {
    this.writesOf(type).set(id, this.store.checkedVersion(type, id, entity, this.peek(type, id), false));
  }

  remove(type: string, id: string): void {
    this.store.checkRemoval(type, id, this.peek(type, id));
    this.writesOf(type).set(id, null);
  }

  /** Every entity of `type` as the block sees it: the store's, overlaid with the block's writes. */
  *all(type: string): Generator<Entity> {
    const written = this.writes.get(type);
    for (const entity of this.store.all(type)) {
      if (!written?.has(entityId(entity))) yield entity;
    }
    for (const entity of written?.values() ?? []) if (entity) yield entity;
  }

  /** Applies the block's writes and moves the store's head to `pointer`, atomically. */
  commit(pointer: BlockPointer): void {
    this.store.commitBlock(pointer, this.entityWrites());
  }

  private *entityWrites(): Generator<EntityWrite> {
    for (const [type, byId] of this.writes) for (const [id, entity] of byId) yield [type, id, entity];
  }

  private writesOf(type: string): Map<string, Entity | null> {
    let byId = this.writes.get(type);
    if (!byId) {
      byId = new Map();
      this.writes.set(type, byId);
    }
    return byId;
  }
}
