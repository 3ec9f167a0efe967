/** Whether a JS string holds an unpaired surrogate, which Rust's UTF-16 decoding (and so graph-node) refuses. */
export function hasLoneSurrogate(text: string): boolean {
  // String.prototype.isWellFormed (ES2024, Node 20) is exactly this test; the ES2022 typings do not know it yet.
  return !(text as string & { isWellFormed(): boolean }).isWellFormed();
}
