/** The README's custom-strategy example, compiled and run through the driver. */
import { type DesiredQuoteSet, ManualClock, type Size } from "@mm/types";
import { expect, it } from "vitest";
import {
  buildLadder,
  FLAT_INVENTORY,
  LatestSlot,
  pulledQuoteSet,
  readYesSpaceBook,
  type Strategy,
  StrategyDriver,
  validateDesiredQuoteSet,
  yesSpaceExposureShares,
} from "../src/index.js";
import { FakeBook, FakeBooks, FakeInventory, inventoryOf, marketInfo, NO_TOKEN, YES_TOKEN } from "./support/fakes.js";

/** Quotes 2 ¢ around the book mid, leaning 1 ¢ (100 price units) per 100 shares of inventory. */
export const leanOnMid: Strategy = {
  name: "lean-on-mid",
  quote(inputs) {
    const book = readYesSpaceBook(inputs.yesBook, inputs.noBook, inputs.now, 30_000);
    if (!book.ok) return pulledQuoteSet(inputs, book.code, book.detail);
    if (book.crossed || book.bestBid === undefined || book.bestAsk === undefined) return pulledQuoteSet(inputs, "pulled_book_crossed");
    const center = (book.bestBid + book.bestAsk) / 2 - yesSpaceExposureShares(inputs.inventory);
    const level = [{ offset: 200, size: 10_000_000 as Size }];
    const { bids, asks } = buildLadder({
      bidTop: center,
      askTop: center,
      bidLevels: level,
      askLevels: level,
      tick: book.tick,
      minPrice: 100,
      maxPrice: 9900,
    });
    return {
      conditionId: inputs.market.conditionId,
      seq: inputs.seq,
      createdAt: inputs.now,
      bids,
      asks,
      reason: { code: "quoting" },
      fairValue: center,
    };
  },
};

it("the README's custom strategy runs under the driver and leans against inventory", () => {
  const clock = new ManualClock(1000);
  const books = new FakeBooks()
    .put(new FakeBook(YES_TOKEN).set([[4800, 1e6]], [[5200, 1e6]], 1000))
    .put(new FakeBook(NO_TOKEN).set([[4800, 1e6]], [[5200, 1e6]], 1000));
  const inventory = new FakeInventory(FLAT_INVENTORY);
  const slot = new LatestSlot<DesiredQuoteSet>();
  const driver = new StrategyDriver({
    clock,
    strategy: leanOnMid,
    market: marketInfo({ endTime: 1e9 }),
    books,
    inventory,
    output: slot,
    debounceMs: 0,
  });
  driver.notify();
  const flat = slot.take() as DesiredQuoteSet;
  expect(validateDesiredQuoteSet(flat)).toEqual([]);
  expect(flat.bids).toEqual([{ price: 4800, size: 10_000_000 }]);
  expect(flat.asks).toEqual([{ price: 5200, size: 10_000_000 }]);
  inventory.value = inventoryOf(100);
  clock.advance(1);
  driver.notify();
  const long = slot.take() as DesiredQuoteSet;
  expect(long.fairValue).toBe(4900);
  expect(long.bids[0]?.price).toBe(4700);
  expect(long.seq).toBe(2);
});
