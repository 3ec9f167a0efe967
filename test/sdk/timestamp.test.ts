import { describe, it, expect } from "vitest";
import { timestampToSeconds } from "../../sdk/src/fetch/subgraph/timestamp";

describe("timestampToSeconds: the subgraph's Timestamp in Unix seconds", () => {
  const seconds = 1_796_000_000; // December 2026
  it("reads microseconds (graph-node) and seconds (older mappings) in their unit", () => {
    expect(timestampToSeconds(`${seconds}123456`, "microseconds")).toBe(seconds);
    expect(timestampToSeconds(String(seconds), "seconds")).toBe(seconds);
    expect(timestampToSeconds(seconds, "seconds")).toBe(seconds);
  });

  it("tells the units apart by magnitude in auto, for every date from 1970-01-02 03:46:40 UTC to the year 5138", () => {
    expect(timestampToSeconds(`${seconds}999999`)).toBe(seconds);
    expect(timestampToSeconds(String(seconds))).toBe(seconds);
    expect(timestampToSeconds("99999999999")).toBe(99_999_999_999); // the largest value read as seconds
    expect(timestampToSeconds("100000000000")).toBe(100_000); // the smallest read as microseconds: 1970-01-02 03:46:40
  });
});
