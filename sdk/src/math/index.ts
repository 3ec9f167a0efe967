/**
 * The contracts' maths in TypeScript, pure and bigint only: no I/O, no floating point. Each function names the
 * contract view it equals to the unit; each input field names the view or storage it is read from.
 */
export {};
