/**
 * The contracts' maths in TypeScript, pure and bigint only: no I/O, no floating point. Each function names the
 * contract view it equals to the unit; each input field names the view or storage slot it is read from.
 * Also published as `@clustershare/sdk/math`.
 */
export * from "./constants";
export { ceilDiv, mulDivUp } from "./bigint";
export * from "./stream";
export * from "./nav";
export * from "./offering";
export * from "./vault";
export * from "./queue";
export * from "./oracle";
export * from "./storageLayout";
