import { type DesiredQuoteSet, ManualClock } from "@mm/types";
import { describe, expect, it } from "vitest";
import { FLAT_INVENTORY, makeBandsStrategy, StrategyDriver, StrategyDriverRouter } from "../src/index.js";
import { FakeBook, FakeBooks, FakeInventory, marketInfo, NO_TOKEN, YES_TOKEN } from "./support/fakes.js";

function driverRig() {
  const clock = new ManualClock(100_000);
  const books = new FakeBooks()
    .put(new FakeBook(YES_TOKEN).set([[4800, 50e6]], [[5200, 50e6]], clock.now()))
    .put(new FakeBook(NO_TOKEN).set([[4800, 50e6]], [[5200, 50e6]], clock.now()));
  const posts: DesiredQuoteSet[] = [];
  const driver = new StrategyDriver({
    clock,
    strategy: makeBandsStrategy(),
    market: marketInfo({ startTime: 0, endTime: 10_000_000 }),
    books,
    inventory: new FakeInventory(FLAT_INVENTORY),
    output: { post: (s) => posts.push(s) },
    refreshMs: 0,
  });
  return { clock, driver, posts };
}

describe("StrategyDriverRouter.drain", () => {
  it("notifies a driver once per drained burst even when several of its keys changed (one computation, no trailing one)", () => {
    const r = driverRig();
    const router = new StrategyDriverRouter();
    router.add(r.driver);
    // One price_change frame dirties both tokens of the market.
    router.drain([YES_TOKEN, NO_TOKEN]);
    expect(r.posts.length).toBe(1);
    expect(r.driver.stats().notifications).toBe(1);
    // Without the dedupe the second notify would have armed a trailing computation at +debounce.
    r.clock.advance(1_000);
    expect(r.posts.length).toBe(1);
    // The next burst is a new change.
    router.drain(new Set([NO_TOKEN]));
    expect(r.posts.length).toBe(2);
  });

  it("notifies every driver of the burst, each once", () => {
    const a = driverRig();
    const b = driverRig();
    const router = new StrategyDriverRouter();
    router.add(a.driver);
    router.add(b.driver);
    router.drain([YES_TOKEN, NO_TOKEN, YES_TOKEN, "unknown"]);
    expect(a.driver.stats().notifications).toBe(1);
    expect(b.driver.stats().notifications).toBe(1);
    expect(a.posts.length + b.posts.length).toBe(2);
  });
});
