/**
 * `StrategyDriverRouter.drain` reuses one scratch list; a drain started from inside a driver's output
 * (re-entrant) works on the list's tail and must leave the outer drain's entries alone.
 */
import { conditionId, type DesiredQuoteSet, type MarketInfo, ManualClock, tokenId } from "@mm/types";
import { describe, expect, it } from "vitest";
import { FLAT_INVENTORY, makeBandsStrategy, StrategyDriver, StrategyDriverRouter } from "../src/index.js";
import { FakeBook, FakeBooks, FakeInventory, marketInfo, NO_TOKEN, YES_TOKEN } from "./support/fakes.js";

describe("StrategyDriverRouter.drain, re-entrant", () => {
  it("a drain from a driver's output notifies its drivers once, and the outer burst still reaches every driver", () => {
    const clock = new ManualClock(100_000);
    const books = new FakeBooks()
      .put(new FakeBook(YES_TOKEN).set([[4800, 50e6]], [[5200, 50e6]], clock.now()))
      .put(new FakeBook(NO_TOKEN).set([[4800, 50e6]], [[5200, 50e6]], clock.now()));
    const router = new StrategyDriverRouter();
    const posts: string[] = [];
    const make = (name: string, market: MarketInfo, onPost?: () => void) =>
      new StrategyDriver({
        clock,
        strategy: makeBandsStrategy(),
        market,
        books,
        inventory: new FakeInventory(FLAT_INVENTORY),
        output: {
          post: (_s: DesiredQuoteSet) => {
            posts.push(name);
            onPost?.();
          },
        },
        refreshMs: 0,
        debounceMs: 0,
      });
    const market = marketInfo({ startTime: 0, endTime: 10_000_000 });
    // `inner` quotes another market (no book: it posts a pull), drained from `first`'s output, once.
    const other = marketInfo({
      startTime: 0,
      endTime: 10_000_000,
      conditionId: conditionId(`0x${"ee".repeat(32)}`),
      yes: { tokenId: tokenId("9991"), label: "Yes" },
      no: { tokenId: tokenId("9992"), label: "No" },
    });
    const inner = make("inner", other);
    let reentered = 0;
    const first = make("first", market, () => {
      if (reentered++ === 0) router.drain([other.yes.tokenId, other.no.tokenId, other.yes.tokenId]);
    });
    const second = make("second", market);
    router.add(first);
    router.add(second);
    router.add(inner);
    router.drain([YES_TOKEN, NO_TOKEN]);
    expect(posts).toEqual(["first", "inner", "second"]);
    expect(first.stats().notifications).toBe(1);
    expect(second.stats().notifications).toBe(1);
    expect(inner.stats().notifications).toBe(1);
    // The scratch is empty again: the next burst notifies each driver exactly once more.
    clock.advance(10);
    router.drain([NO_TOKEN]);
    expect(posts).toEqual(["first", "inner", "second", "first", "second"]);
  });
});
