/**
 * graph-node's `IndexForAscTypeId` (graph/src/runtime/mod.rs), limited to the classes this runner allocates.
 * The host never writes an AssemblyScript class id itself: it passes one of these indexes to the module's exported
 * `id_of_type`, which graph-ts answers with `idof<T>()` for the module's own compilation, and writes that into the
 * object header's rtId, exactly as graph-node does.
 */
export enum AscTypeId {
  String = 0,
  ArrayBuffer = 1,
  Uint8Array = 6,
  BigDecimal = 12,
  ArrayUint8Array = 14,
  ArrayEthereumValue = 15,
  ArrayStoreValue = 16,
  ArrayJsonValue = 17,
  ArrayString = 18,
  ArrayEventParam = 19,
  ArrayTypedMapEntryStringJsonValue = 20,
  ArrayTypedMapEntryStringStoreValue = 21,
  EventParam = 23,
  EthereumTransaction = 24,
  EthereumBlock = 25,
  WrappedBool = 28,
  WrappedJsonValue = 29,
  EthereumValue = 30,
  StoreValue = 31,
  JsonValue = 32,
  EthereumEvent = 33,
  TypedMapEntryStringStoreValue = 34,
  TypedMapEntryStringJsonValue = 35,
  TypedMapStringStoreValue = 36,
  TypedMapStringJsonValue = 37,
  ResultJsonValueBool = 40,
  /** `store.loadRelated`'s `Array<Entity>`; graph-ts 0.38's `id_of_type` does not know it and answers 0. */
  ArrayTypedMapStringStoreValue = 1004,
}
