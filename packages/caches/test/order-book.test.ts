import { price, size, type TickSize, tokenId } from "@mm/types";
import { describe, expect, it } from "vitest";
import { OrderBook } from "../src/index.js";

const T = tokenId("71321045679252212594626385532706912750332728571942532289631379312455583992563");
const lv = (p: string, s: string) => ({ price: price(p), size: size(s) });

describe("OrderBook", () => {
  it("takes the best price from anywhere in the snapshot (the venue sends bids ascending, asks descending)", () => {
    const book = new OrderBook(T, 10);
    const bids = [lv("0.001", "9000023.58"), lv("0.48", "100"), lv("0.511", "1304.72")];
    const asks = [lv("0.999", "10500100"), lv("0.6", "5"), lv("0.512", "20")];
    expect(book.replace(bids, asks, 1_000, 1_728_799_418_260)).toBeUndefined();
    expect(book.bestBid()).toBe(price("0.511"));
    expect(book.bestAsk()).toBe(price("0.512"));
    expect(book.mid()).toBe((5110 + 5120) / 2);
    expect(book.spread()).toBe(10);
    expect(book.trusted).toBe(true);
    expect(book.epoch).toBe(1);
    expect(book.lastVenueTs).toBe(1_728_799_418_260);
    expect(book.topLevels("BID", 2)).toEqual([lv("0.511", "1304.72"), lv("0.48", "100")]);
    expect(book.topLevels("ASK", 10).map((l) => l.price)).toEqual([price("0.512"), price("0.6"), price("0.999")]);
    expect(book.sizeAt("ASK", price("0.999"))).toBe(size("10500100"));
    expect(book.sizeAt("ASK", price("0.5125"))).toBe(0); // off grid: no level, no throw
    const prices = new Int32Array(4);
    const sizes = new Float64Array(4);
    expect(book.copyTopLevels("BID", 4, prices, sizes)).toBe(3);
    expect([...prices.subarray(0, 3)]).toEqual([5110, 4800, 10]);
    expect(sizes[2]).toBe(size("9000023.58"));
  });

  it("applies absolute sizes: a later entry for the same level wins, size 0 removes, best is rescanned on delete", () => {
    const book = new OrderBook(T, 100);
    book.replace([lv("0.4", "10"), lv("0.5", "10")], [lv("0.6", "10")], 1);
    expect(
      book.applyChanges(
        [
          { side: "BID", price: price("0.5"), size: size("3") },
          { side: "BID", price: price("0.5"), size: size("0") },
          { side: "ASK", price: price("0.55"), size: size("7") },
        ],
        2,
      ),
    ).toBeUndefined();
    expect(book.bestBid()).toBe(price("0.4"));
    expect(book.bestAsk()).toBe(price("0.55"));
    expect(book.levelCount("BID")).toBe(1);
    expect(book.updateCount).toBe(2);
    expect(book.lastUpdateAt).toBe(2);
  });

  it("refuses a whole frame when one level among several is bad, and says which and why", () => {
    const book = new OrderBook(T, 100);
    book.replace([lv("0.4", "10")], [lv("0.6", "10")], 1);
    const before = { bid: book.bestBid(), ask: book.bestAsk(), n: book.updateCount };
    const frame = [
      { side: "BID" as const, price: price("0.45"), size: size("1") },
      { side: "ASK" as const, price: price("0.555"), size: size("1") }, // off the 0.01 grid
      { side: "BID" as const, price: price("0.4"), size: size("0") },
    ];
    expect(book.applyChanges(frame, 2)).toBe("off_grid");
    expect(book.lastRejectIndex).toBe(1);
    expect({ bid: book.bestBid(), ask: book.bestAsk(), n: book.updateCount }).toEqual(before);
    expect(book.sizeAt("BID", price("0.45"))).toBe(0);

    expect(book.applyChanges([{ side: "BID", price: Number.NaN, size: 1 }], 3)).toBe("price_out_of_range");
    expect(book.applyChanges([{ side: "BID", price: 10_000, size: 1 }], 3)).toBe("price_out_of_range");
    expect(book.applyChanges([{ side: "BID", price: 0, size: 1 }], 3)).toBe("price_out_of_range");
    expect(book.applyChanges([{ side: "BID", price: 4000, size: -1 }], 3)).toBe("bad_size");
    expect(book.applyChanges([{ side: "BID", price: 4000, size: 0.5 }], 3)).toBe("bad_size");
    expect(book.applyChanges([{ side: "BID", price: 4000, size: 2 ** 60 }], 3)).toBe("bad_size");
    expect(book.applyChanges([{ side: "BUY" as never, price: 4000, size: 1 }], 3)).toBe("bad_side");
    expect(book.applyChanges([null as never], 3)).toBe("bad_side");
    expect(book.replace([lv("0.4", "1"), lv("0.4", "2")], [], 3)).toBe("duplicate_level");
    expect(book.lastRejectIndex).toBe(1);
    expect(book.replace([lv("0.4", "1")], [lv("0.7", "1"), lv("0.705", "1")], 3)).toBe("off_grid");
    expect(book.lastRejectIndex).toBe(2); // bids first, then asks
    expect(book.bestBid()).toBe(before.bid);
    expect(book.updateCount).toBe(before.n);
  });

  it("reports crossed and locked books and never repairs them", () => {
    const book = new OrderBook(T, 100);
    book.replace([lv("0.5", "1")], [lv("0.5", "2")], 1);
    expect(book.isLocked()).toBe(true);
    expect(book.isCrossedOrLocked()).toBe(true);
    expect(book.spread()).toBe(0);
    book.applyChanges([{ side: "BID", price: price("0.52"), size: size("1") }], 2);
    expect(book.isCrossed()).toBe(true);
    expect(book.spread()).toBe(-200);
    expect(book.sizeAt("ASK", price("0.5"))).toBe(size("2")); // the crossed ask is still there
    book.applyChanges([{ side: "ASK", price: price("0.5"), size: 0 }], 3);
    expect(book.isCrossedOrLocked()).toBe(false);
  });

  it("tick-size change: new epoch, off-grid levels dropped, untrusted until the next snapshot", () => {
    const book = new OrderBook(T, 10);
    book.replace([lv("0.5", "1"), lv("0.505", "2"), lv("0.49", "3")], [lv("0.515", "4"), lv("0.52", "5")], 1);
    expect(book.bestBid()).toBe(price("0.505"));
    expect(book.changeTickSize(100, 2)).toBeUndefined();
    expect(book.lastTickChangeDropped).toBe(2);
    expect(book.tickSize).toBe(100);
    expect(book.epoch).toBe(2);
    expect(book.trusted).toBe(false);
    expect(book.bestBid()).toBe(price("0.5"));
    expect(book.bestAsk()).toBe(price("0.52"));
    // deltas on the new grid still apply; old-grid prices are refused
    expect(book.applyChanges([{ side: "BID", price: price("0.505"), size: 1 }], 3)).toBe("off_grid");
    expect(book.applyChanges([{ side: "BID", price: price("0.51"), size: 1 }], 3)).toBeUndefined();
    expect(book.trusted).toBe(false);
    expect(book.replace([lv("0.5", "1")], [lv("0.51", "1")], 4)).toBeUndefined();
    expect(book.trusted).toBe(true);
    expect(book.epoch).toBe(3);
    // finer tick keeps everything
    expect(book.changeTickSize(1, 5)).toBeUndefined();
    expect(book.lastTickChangeDropped).toBe(0);
    expect(book.bestAsk()).toBe(price("0.51"));
    expect(book.applyChanges([{ side: "ASK", price: price("0.5099"), size: 1 }], 6)).toBeUndefined();
    expect(book.bestAsk()).toBe(price("0.5099"));
    // the same tick again is not a change
    expect(book.changeTickSize(1, 7)).toBeUndefined();
    expect(book.epoch).toBe(4);
    expect(book.changeTickSize(3 as TickSize, 7)).toBe("bad_tick_size");
  });

  it("a snapshot can carry its own tick size (REST /book)", () => {
    const book = new OrderBook(T, 100);
    expect(book.replace([lv("0.0412", "1")], [lv("0.05", "1")], 1, 0, 1)).toBeUndefined();
    expect(book.tickSize).toBe(1);
    expect(book.bestBid()).toBe(price("0.0412"));
    expect(book.replace([lv("0.0412", "1")], [], 2, 0, 100)).toBe("off_grid");
    expect(book.tickSize).toBe(1);
  });

  it("refuses frames older than what the book reflects (venue timestamps), accepts equal ones", () => {
    const book = new OrderBook(T, 100);
    book.replace([lv("0.4", "1")], [lv("0.6", "1")], 1, 1_000);
    expect(book.applyChanges([{ side: "BID", price: price("0.45"), size: 1 }], 2, 999)).toBe("out_of_order");
    expect(book.applyChanges([{ side: "BID", price: price("0.45"), size: 1 }], 2, 1_000)).toBeUndefined();
    expect(book.replace([], [], 3, 999)).toBe("out_of_order");
    expect(book.applyChanges([{ side: "BID", price: price("0.46"), size: 1 }], 2)).toBeUndefined(); // no venue ts: not checked
    expect(book.applyChanges([], Number.NaN)).toBe("bad_timestamp");
    expect(book.applyChanges([], 1, -5)).toBe("bad_timestamp");
    // a tick change is checked against level data but does not move it: the venue's next book may
    // carry the (older) time of the last level change
    expect(book.changeTickSize(10, 4, 900)).toBe("out_of_order");
    expect(book.changeTickSize(10, 4, 5_000)).toBeUndefined();
    expect(book.lastVenueTs).toBe(1_000);
    expect(book.replace([lv("0.405", "1")], [lv("0.6", "1")], 5, 1_000)).toBeUndefined();
    expect(book.trusted).toBe(true);
  });

  it("reports age and depth", () => {
    const book = new OrderBook(T, 100);
    expect(book.ageMs(5)).toBe(Number.POSITIVE_INFINITY);
    expect(book.depthWithin("BID", 100)).toBe(0);
    const raw = (p: number, s: number) => ({ price: p, size: s });
    book.replace([raw(5000, 1), raw(4900, 2), raw(4700, 4)], [raw(5100, 1), raw(5300, 10)], 0);
    expect(book.ageMs(0)).toBe(0);
    expect(book.ageMs(250)).toBe(250);
    expect(book.depthWithin("BID", 0)).toBe(1);
    expect(book.depthWithin("BID", 100)).toBe(3);
    expect(book.depthWithin("BID", 299)).toBe(3);
    expect(book.depthWithin("BID", 300)).toBe(7);
    expect(book.depthWithin("ASK", 200)).toBe(11);
    expect(book.depthWithin("ASK", Number.NaN)).toBe(0);
  });

  it("keeps memory bounded on the 0.0001 grid and gives it back after a scattered burst", () => {
    const dense = 2 * 10_001 * 8;
    const book = new OrderBook(T, 1);
    const bids = Array.from({ length: 100 }, (_, i) => ({ price: 4_900 - i * 3, size: 1 }));
    const asks = Array.from({ length: 100 }, (_, i) => ({ price: 5_100 + i * 3, size: 1 }));
    book.replace(bids, asks, 1);
    const clustered = book.bytes();
    expect(clustered).toBeLessThan(15_000);
    // one level on every page of both sides: the worst case
    for (let p = 1; p < 10_000; p += 32) {
      book.setLevel("BID", p, 1, 2);
      book.setLevel("ASK", p, 1, 2);
    }
    expect(book.bytes()).toBeLessThanOrEqual(dense + 8_000);
    book.replace(bids, asks, 3);
    expect(book.bytes()).toBeLessThan(50_000);
    expect(book.bestBid()).toBe(4_900);
    expect(book.bestAsk()).toBe(5_100);
    const small = new OrderBook(T, 100);
    small.replace([{ price: 4_000, size: 1 }], [{ price: 6_000, size: 1 }], 1);
    expect(small.bytes()).toBeLessThan(2_500);
  });

  it("reclaims pages as a thin book drifts across the whole 0.0001 grid", () => {
    const book = new OrderBook(T, 1);
    let peak = 0;
    // ten live levels per side that walk from one end of the grid to the other
    for (let mid = 200; mid < 9_800; mid += 3) {
      for (let k = 1; k <= 10; k++) {
        book.setLevel("BID", mid - k * 7, 1 + k, mid);
        book.setLevel("ASK", mid + k * 7, 1 + k, mid);
      }
      for (let k = 1; k <= 10; k++) {
        book.setLevel("BID", mid - k * 7, 0, mid);
        book.setLevel("ASK", mid + k * 7, 0, mid);
      }
      peak = Math.max(peak, book.bytes());
    }
    expect(book.levelCount("BID") + book.levelCount("ASK")).toBe(0);
    expect(peak).toBeLessThan(12_000);
  });

  it("rejects unsupported tick sizes at construction", () => {
    expect(() => new OrderBook(T, 7 as TickSize)).toThrow(RangeError);
  });
});
