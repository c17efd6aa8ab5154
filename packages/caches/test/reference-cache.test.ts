import { describe, expect, it } from "vitest";
import { ReferenceCache } from "../src/index.js";

describe("ReferenceCache", () => {
  it("keeps the latest top of book per symbol with timestamps and an update count", () => {
    const cache = new ReferenceCache();
    expect(cache.reference("BTCUSDT")).toBeUndefined();
    expect(cache.ageMs("BTCUSDT", 10)).toBe(Number.POSITIVE_INFINITY);
    expect(cache.update("BTCUSDT", 64_000.25, 64_000.75, 1_000, { exchangeTime: 990, updateId: 7 })).toBeUndefined();
    const first = cache.reference("BTCUSDT");
    expect(first).toEqual({
      symbol: "BTCUSDT",
      bid: 64_000.25,
      ask: 64_000.75,
      mid: 64_000.5,
      exchangeTime: 990,
      receivedAt: 1_000,
      updateCount: 1,
    });
    expect(Object.isFrozen(first)).toBe(true);
    cache.update("BTCUSDT", 64_001, 64_002, 1_200);
    expect(cache.reference("BTCUSDT")?.updateCount).toBe(2);
    expect(cache.reference("BTCUSDT")?.exchangeTime).toBeUndefined();
    expect(first?.bid).toBe(64_000.25); // the old snapshot is immutable
    expect(cache.ageMs("BTCUSDT", 1_700)).toBe(500);
    expect(cache.symbols()).toEqual(["BTCUSDT"]);
    expect(cache.drainDirty()).toEqual(["BTCUSDT"]);
  });

  it("refuses garbage and older data, counting each reason", () => {
    const cache = new ReferenceCache();
    cache.update("BTCUSDT", 100, 101, 1, { exchangeTime: 50, updateId: 10 });
    expect(cache.update("BTCUSDT", Number.NaN, 101, 2)).toBe("bad_price");
    expect(cache.update("BTCUSDT", 0, 101, 2)).toBe("bad_price");
    expect(cache.update("BTCUSDT", 100, Number.POSITIVE_INFINITY, 2)).toBe("bad_price");
    expect(cache.update("BTCUSDT", 102, 101, 2)).toBe("crossed");
    expect(cache.update("BTCUSDT", 100, 101, Number.NaN)).toBe("bad_timestamp");
    expect(cache.update("BTCUSDT", 100, 101, 2, { exchangeTime: 49 })).toBe("out_of_order");
    expect(cache.update("BTCUSDT", 100, 101, 2, { updateId: 9 })).toBe("out_of_order");
    expect(cache.update("", 100, 101, 2)).toBe("bad_symbol");
    expect(cache.stats.rejectedUpdates).toBe(8);
    expect(cache.stats.rejected.bad_price).toBe(3);
    expect(cache.stats.rejected.out_of_order).toBe(2);
    expect(cache.reference("BTCUSDT")?.updateCount).toBe(1);
    // equal bid and ask (locked) is a valid quote
    expect(cache.update("BTCUSDT", 101, 101, 3, { updateId: 11 })).toBeUndefined();
    expect(cache.stats.updates).toBe(2);
  });

  it("signals once per drain cycle", () => {
    const cache = new ReferenceCache();
    let n = 0;
    cache.onDirty(() => n++);
    cache.update("A", 1, 2, 1);
    cache.update("B", 1, 2, 1);
    expect(n).toBe(1);
    expect(cache.drainDirty()).toEqual(["A", "B"]);
    cache.update("A", 1, 2, 2);
    expect(n).toBe(2);
  });
});
