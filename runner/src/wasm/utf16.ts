/** Whether a JS string holds an unpaired surrogate, which Rust's UTF-16 decoding (and so graph-node) refuses. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
