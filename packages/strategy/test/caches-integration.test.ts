/**
 * The driver against @mm/caches' real BookStore and ReferenceCache: dirty sets drained into the
 * router, YES/NO books read through the read-only views, trust and crossed state honoured.
 */
import { BookStore, ReferenceCache } from "@mm/caches";
import { type DesiredQuoteSet, ManualClock } from "@mm/types";
import { describe, expect, it } from "vitest";
import {
  FLAT_INVENTORY,
  LatestSlot,
  makeReferenceStrategy,
  StrategyDriver,
  StrategyDriverRouter,
  validateDesiredQuoteSet,
} from "../src/index.js";
import { FakeInventory, marketInfo, NO_TOKEN, YES_TOKEN } from "./support/fakes.js";

function wire() {
  const clock = new ManualClock(300_000);
  const market = marketInfo({ startTime: 0, endTime: 900_000 });
  const books = new BookStore();
  books.registerMarket(market);
  const refs = new ReferenceCache();
  const slot = new LatestSlot<DesiredQuoteSet>();
  const driver = new StrategyDriver({
    clock,
    strategy: makeReferenceStrategy({ contract: { kind: "above", symbol: "BTCUSDT", strike: 100_000 }, joinBook: { enabled: true } }),
    market,
    books,
    references: refs,
    inventory: new FakeInventory(FLAT_INVENTORY),
    output: slot,
    debounceMs: 5,
  });
  const router = new StrategyDriverRouter();
  router.add(driver);
  const pump = () => {
    router.drain(books.drainDirty());
    router.drain(refs.drainDirty());
  };
  return { clock, market, books, refs, slot, driver, pump };
}

describe("driver over @mm/caches", () => {
  it("quotes from real books and reference once both are fresh and trusted", () => {
    const w = wire();
    w.pump();
    expect(w.slot.take()).toBeUndefined(); // nothing dirty yet
    w.refs.update("BTCUSDT", 100_010, 100_012, w.clock.now());
    w.pump();
    expect(w.slot.take()?.reason.code).toBe("pulled_book_untrusted"); // registered books await a snapshot
    w.clock.advance(10);
    w.books.applySnapshot(YES_TOKEN, [{ price: 4000, size: 100e6 }], [{ price: 6000, size: 100e6 }], w.clock.now());
    w.books.applySnapshot(NO_TOKEN, [{ price: 4000, size: 100e6 }], [{ price: 6000, size: 100e6 }], w.clock.now());
    w.pump();
    const set = w.slot.take();
    expect(set?.reason.code).toBe("quoting");
    expect(validateDesiredQuoteSet(set as DesiredQuoteSet)).toEqual([]);
    expect(set?.fairValue).toBeGreaterThan(5000);
  });

  it("pulls on a crossed book and after the store marks books untrusted (reconnect)", () => {
    const w = wire();
    w.refs.update("BTCUSDT", 100_000, 100_002, w.clock.now());
    w.books.applySnapshot(YES_TOKEN, [{ price: 4900, size: 1e6 }], [{ price: 5100, size: 1e6 }], w.clock.now());
    w.books.applySnapshot(NO_TOKEN, [{ price: 4900, size: 1e6 }], [{ price: 5100, size: 1e6 }], w.clock.now());
    w.pump();
    expect(w.slot.take()?.reason.code).toBe("quoting");
    w.clock.advance(10);
    w.books.applyLevels(YES_TOKEN, [{ side: "BID", price: 5200, size: 1e6 }], w.clock.now());
    w.books.applyLevels(NO_TOKEN, [{ side: "BID", price: 5300, size: 1e6 }], w.clock.now());
    w.pump();
    expect(w.slot.take()?.reason.code).toBe("pulled_book_crossed");
    w.clock.advance(10);
    w.books.markAllUntrusted();
    w.driver.recompute();
    expect(w.slot.take()?.reason.code).toBe("pulled_book_untrusted");
  });
});
