import { expect } from "vitest";

/** Posts a GraphQL query to a subgraph endpoint and returns `data`, failing the test on any GraphQL error. */
export async function query<T = Record<string, any>>(url: string, text: string): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: text }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}
