import type { DesiredQuoteSet, Price, Size } from "@mm/types";
import { describe, expect, it } from "vitest";
import { buildLadder, validateDesiredQuoteSet } from "../src/index.js";
import { CONDITION } from "./support/fakes.js";

const lv = (offset: number, size = 1_000_000) => ({ offset, size: size as Size });

describe("buildLadder", () => {
  it("rounds bids down and asks up onto the grid, best first", () => {
    const l = buildLadder({
      bidTop: 4567.8,
      askTop: 4632.1,
      bidLevels: [lv(0), lv(100)],
      askLevels: [lv(0), lv(100)],
      tick: 10,
      minPrice: 10,
      maxPrice: 9990,
    });
    expect(l.bids.map((x) => x.price)).toEqual([4560, 4460]);
    expect(l.asks.map((x) => x.price)).toEqual([4640, 4740]);
  });

  it("clamps the aggressive edge, drops beyond the passive edge", () => {
    const l = buildLadder({
      bidTop: 10_050,
      askTop: 10_300,
      bidLevels: [lv(0, 1), lv(100, 2), lv(200, 3), lv(300, 4)],
      askLevels: [lv(0)],
      tick: 100,
      minPrice: 1,
      maxPrice: 9999,
    });
    // 10050 and 9950 both land on the ceiling 9900 and merge; 9850 → 9800; 9750 → 9700
    expect(l.bids).toEqual([
      { price: 9900, size: 3 },
      { price: 9800, size: 3 },
      { price: 9700, size: 4 },
    ]);
    expect(l.asks).toEqual([]);
    const low = buildLadder({
      bidTop: 150,
      askTop: -50,
      bidLevels: [lv(0), lv(100)],
      askLevels: [lv(0, 5), lv(100, 6), lv(300, 7)],
      tick: 100,
      minPrice: 100,
      maxPrice: 9900,
    });
    // The bid rounds to 100 but the ask is clamped up to 100: the guard drops the bid (best bid < best ask).
    expect(low.bids).toEqual([]);
    expect(low.asks).toEqual([
      { price: 100, size: 11 },
      { price: 300, size: 7 },
    ]);
    expect(validateDesiredQuoteSet({ conditionId: CONDITION, seq: 1, createdAt: 0, reason: { code: "x" }, ...low })).toEqual([]);
  });

  it("handles 0.005 and 0.0025 grids and an empty range", () => {
    const l = buildLadder({ bidTop: 5012, askTop: 5013, bidLevels: [lv(0)], askLevels: [lv(0)], tick: 25, minPrice: 1, maxPrice: 9999 });
    expect(l.bids[0]?.price).toBe(5000);
    expect(l.asks[0]?.price).toBe(5025);
    expect(
      buildLadder({ bidTop: 5000, askTop: 5100, bidLevels: [lv(0)], askLevels: [lv(0)], tick: 1000, minPrice: 9500, maxPrice: 9600 }),
    ).toEqual({ bids: [], asks: [] });
  });
});

describe("validateDesiredQuoteSet", () => {
  const base: DesiredQuoteSet = { conditionId: CONDITION, seq: 1, createdAt: 1, reason: { code: "quoting" }, bids: [], asks: [] };
  const q = (price: number, size = 1) => ({ price: price as Price, size: size as Size });
  it("accepts an empty set and a well-formed ladder", () => {
    expect(validateDesiredQuoteSet(base)).toEqual([]);
    expect(validateDesiredQuoteSet({ ...base, bids: [q(4900), q(4800)], asks: [q(5000), q(5100)], fairValue: 4950.5 })).toEqual([]);
  });
  it.each<[string, Partial<DesiredQuoteSet>, RegExp]>([
    ["non-descending bids", { bids: [q(4800), q(4900)] }, /bid\[1\].*descend/],
    ["duplicate ask", { asks: [q(5000), q(5000)] }, /ask\[1\].*ascend/],
    ["crossed", { bids: [q(5000)], asks: [q(5000)] }, /best bid 5000 is not below best ask 5000/],
    ["price 0", { bids: [q(0)] }, /bid\[0\] price 0/],
    ["price 1", { asks: [q(10_000)] }, /ask\[0\] price 10000/],
    ["fractional price", { asks: [q(5000.5)] }, /ask\[0\] price 5000.5/],
    ["zero size", { bids: [q(4000, 0)] }, /bid\[0\] size 0/],
    ["NaN size", { bids: [q(4000, Number.NaN)] }, /bid\[0\] size NaN/],
    ["bad seq", { seq: -1 }, /seq -1/],
    ["bad time", { createdAt: Number.NaN }, /createdAt NaN/],
    ["empty reason", { reason: { code: "" } }, /reason code is empty/],
    ["fair value out of range", { fairValue: 10_001 }, /fairValue 10001/],
  ])("rejects %s", (_, patch, message) => {
    expect(validateDesiredQuoteSet({ ...base, ...patch }).join("; ")).toMatch(message);
  });
});
