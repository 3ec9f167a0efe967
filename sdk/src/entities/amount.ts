/** Amounts that carry their decimals (formatting and parsing helpers, no floating point). */
export {};
