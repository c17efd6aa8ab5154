import { type DesiredQuoteSet, ManualClock } from "@mm/types";
import { describe, expect, it } from "vitest";
import { FLAT_INVENTORY, LatestSlot, makeReferenceStrategy, OpeningPriceTracker, StrategyDriver } from "../src/index.js";
import { FakeBook, FakeBooks, FakeInventory, FakeReferences, marketInfo, NO_TOKEN, YES_TOKEN } from "./support/fakes.js";

describe("OpeningPriceTracker", () => {
  it("takes the last price at or before the start when it is fresh", () => {
    const t = new OpeningPriceTracker(10_000, 2000);
    t.observe(100, 8_500);
    t.observe(101, 9_900);
    expect(t.value()).toBe(101);
    t.observe(105, 10_300);
    expect(t.value()).toBe(101);
    t.observe(99, 9_950); // a late-arriving observation closer to the start
    expect(t.value()).toBe(99);
  });

  it("falls back to the first price after the start, within the tolerance", () => {
    const t = new OpeningPriceTracker(10_000, 2000);
    t.observe(100, 5_000); // too old to stand for the start
    expect(t.value()).toBeUndefined();
    t.observe(102, 11_000);
    t.observe(103, 10_500);
    expect(t.value()).toBe(103);
  });

  it("stays unknown when the feed was silent around the start; ignores invalid input", () => {
    const t = new OpeningPriceTracker(10_000, 2000);
    t.observe(100, 7_000);
    t.observe(101, 12_500);
    t.observe(Number.NaN, 10_000);
    t.observe(-1, 10_000);
    expect(t.value()).toBeUndefined();
    expect(() => new OpeningPriceTracker(Number.NaN)).toThrow(RangeError);
  });
});

describe("driver with an up/down market", () => {
  function rig(openPrice?: () => number | undefined) {
    const clock = new ManualClock(95_000);
    const market = marketInfo({ startTime: 100_000, endTime: 1_000_000 });
    const books = new FakeBooks()
      .put(new FakeBook(YES_TOKEN).set([[4800, 1e6]], [[5200, 1e6]], clock.now()))
      .put(new FakeBook(NO_TOKEN).set([[4800, 1e6]], [[5200, 1e6]], clock.now()));
    const refs = new FakeReferences();
    const slot = new LatestSlot<DesiredQuoteSet>();
    const driver = new StrategyDriver({
      clock,
      strategy: makeReferenceStrategy({ contract: { kind: "up", symbol: "BTCUSDT" } }),
      market,
      books,
      references: refs,
      inventory: new FakeInventory(FLAT_INVENTORY),
      output: slot,
      refreshMs: 0,
      ...(openPrice ? { openPrice } : {}),
    });
    const tick = (price: number) => {
      refs.set("BTCUSDT", price, clock.now());
      for (const b of books.books.values()) (b as FakeBook).lastUpdateAt = clock.now();
      driver.notify();
      return slot.peek() as DesiredQuoteSet;
    };
    return { clock, tick };
  }

  it("quotes ≈ 50 % before the start, captures the opening price, then prices against it", () => {
    const r = rig();
    expect(r.tick(100_000).reason.code).toBe("quoting");
    r.clock.advance(4_900);
    r.tick(100_000); // at 99.9 s: the price prevailing at the start
    r.clock.advance(200);
    const up = r.tick(100_100); // 100.1 s: above the open
    expect(up.reason.code).toBe("quoting");
    expect(up.fairValue).toBeGreaterThan(5_000);
    r.clock.advance(200);
    expect(r.tick(99_900).fairValue).toBeLessThan(5_000);
  });

  it("pulls when the opening price cannot be established, and uses an injected one", () => {
    const r = rig();
    r.tick(100_000);
    r.clock.advance(10_000); // silent across the start
    expect(r.tick(100_000).reason.code).toBe("pulled_no_open_price");
    const injected = rig(() => 99_000);
    injected.clock.advance(10_000);
    const set = injected.tick(100_000);
    expect(set.reason.code).toBe("quoting");
    expect(set.fairValue).toBeGreaterThan(9_000);
  });
});
