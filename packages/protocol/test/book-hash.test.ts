import { describe, expect, it } from "vitest";
import { type BookSummaryHashInput, bookSummaryHash, checkBookSummaryHash } from "../src/index.js";
import { readFixtureJson } from "./fixtures.js";

const vectors = readFixtureJson<{ vectors: { input: BookSummaryHashInput; expected_hash: string }[] }>(
  "test_vectors/orderbook_summary_hash_vectors.json",
).vectors;

describe("book summary hash (advisory)", () => {
  vectors.forEach((v, i) => {
    it(`vector ${i}`, () => {
      expect(bookSummaryHash(v.input)).toBe(v.expected_hash);
      expect(checkBookSummaryHash({ ...v.input, hash: v.expected_hash })).toBe("match");
      expect(checkBookSummaryHash({ ...v.input, hash: `0x${v.expected_hash}` })).toBe("match");
      expect(checkBookSummaryHash({ ...v.input, last_trade_price: "0.51", hash: v.expected_hash })).toBe("mismatch");
    });
  });
  it("is unverifiable for WS-style books that lack the summary fields", () => {
    const ws = readFixtureJson<Record<string, unknown>>("docs_examples/ws_market_book.json");
    expect(checkBookSummaryHash(ws)).toBe("unverifiable");
  });
});
