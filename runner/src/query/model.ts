/**
 * What the query server knows about each entity type, computed once per service from the subgraph schema: its
 * root field names, the meaning of every `where` key and `orderBy` value, and how each field's values compare.
 * The schema generator and the resolvers both read it, so they always agree.
 */
import type { EntityDef, FieldDef, SubgraphSchema } from "../schema";
import { comparatorFor, type Comparator } from "./compare";
import { filterFieldsOf, type FilterField } from "./filterFields";
import { queryFieldNames } from "./naming";
import { orderByValuesOf, type OrderByValue } from "./orderByValues";

export interface EntityModel {
  def: EntityDef;
  /** Root query field names, e.g. `cluster` / `clusters`. */
  names: { single: string; collection: string };
  /** `<Entity>_filter` keys (without `and`/`or`), in schema order. */
  filterFields: Map<string, FilterField>;
  /** `<Entity>_orderBy` values, in schema order. */
  orderByValues: Map<string, OrderByValue>;
}

export class ApiModel {
  readonly entities = new Map<string, EntityModel>();
  private readonly comparators = new Map<FieldDef, Comparator>();

  constructor(readonly schema: SubgraphSchema) {
    const rootFields = new Map<string, string>();
    for (const def of schema.entities.values()) {
      const names = queryFieldNames(def.name);
      // Two types (or one type's singular and plural) mapping to the same root field would shadow each other.
      for (const name of [names.single, names.collection]) {
        const owner = rootFields.get(name);
        if (owner !== undefined) throw new Error(`query field ${name} of ${def.name} collides with one of ${owner}`);
        rootFields.set(name, def.name);
      }
      this.entities.set(def.name, {
        def,
        names,
        filterFields: new Map(filterFieldsOf(def, schema).map((f) => [f.key, f])),
        orderByValues: new Map(orderByValuesOf(def, schema).map((v) => [v.name, v])),
      });
    }
  }

  /** The model of entity type `name` (which the schema defines). */
  entity(name: string): EntityModel {
    const model = this.entities.get(name);
    if (!model) throw new Error(`unknown entity type ${name}`);
    return model;
  }

  /** How values of `field` compare (enums by declaration order, the rest by `compareValues`). */
  comparator(field: FieldDef): Comparator {
    let comparator = this.comparators.get(field);
    if (!comparator) {
      comparator = comparatorFor(field.type, this.schema);
      this.comparators.set(field, comparator);
    }
    return comparator;
  }
}
