import type { Size } from "@mm/types";
import { describe, expect, it } from "vitest";
import { computeBandsQuote, DEFAULT_BANDS_STRATEGY_CONFIG, makeBandsStrategy, validateDesiredQuoteSet } from "../src/index.js";
import { type Scenario, scenario } from "./support/scenario.js";

const config = DEFAULT_BANDS_STRATEGY_CONFIG;
const quote = (s: Scenario, c = config) => computeBandsQuote(scenario({ refMid: undefined, ...s }), c);

describe("bands strategy", () => {
  it("quotes each band around the book mid with its size", () => {
    const set = quote({ bookBid: 4500, bookAsk: 4700 });
    expect(set.reason.code).toBe("quoting");
    expect(set.fairValue).toBe(4600);
    expect(set.bids).toEqual([
      { price: 4500, size: 20_000_000 },
      { price: 4400, size: 40_000_000 },
      { price: 4300, size: 60_000_000 },
    ]);
    expect(set.asks).toEqual([
      { price: 4700, size: 20_000_000 },
      { price: 4800, size: 40_000_000 },
      { price: 4900, size: 60_000_000 },
    ]);
  });

  it("rounds a fractional mid outward on the grid and merges bands that land on one price", () => {
    const c = {
      ...config,
      bands: [
        { distance: 30, size: 1_000_000 as Size },
        { distance: 60, size: 2_000_000 as Size },
      ],
      maxSkew: 0,
    };
    const set = quote({ bookBid: 4500, bookAsk: 4600, tick: 100 }, c);
    // mid 4550: bids 4520 → 4500, 4490 → 4400; asks 4580 → 4600, 4610 → 4700
    expect(set.bids.map((l) => l.price)).toEqual([4500, 4400]);
    expect(set.asks.map((l) => l.price)).toEqual([4600, 4700]);
    const merged = quote({ bookBid: 4500, bookAsk: 4500 + 20, tick: 100 }, { ...c, maxBookSpread: 1000 });
    expect(merged.bids).toEqual([{ price: 4400, size: 3_000_000 }]);
    expect(validateDesiredQuoteSet(merged)).toEqual([]);
  });

  it("skews the center against inventory, capped below the first band", () => {
    const flat = quote({ bookBid: 4500, bookAsk: 4700, tick: 1 });
    const long = quote({ bookBid: 4500, bookAsk: 4700, tick: 1, exposure: 100 });
    const veryLong = quote({ bookBid: 4500, bookAsk: 4700, tick: 1, exposure: 1e6 });
    expect(long.bids[0]?.price).toBe((flat.bids[0]?.price ?? 0) - 20);
    expect(long.asks[0]?.price).toBe((flat.asks[0]?.price ?? 0) - 20);
    expect(veryLong.asks[0]?.price).toBe(4600 - 50 + 100);
    expect(veryLong.asks[0]?.price).toBeGreaterThan(4600);
  });

  it.each<[string, Scenario, string]>([
    ["one side empty", { bookBid: 4500, bookAsk: undefined }, "pulled_no_mid"],
    ["wide book", { bookBid: 2000, bookAsk: 8000 }, "pulled_wide_book"],
    ["crossed book", { bookBid: 5000, bookAsk: 4900 }, "pulled_book_crossed"],
    ["untrusted book", { bookBid: 4500, bookAsk: 4700, trusted: false }, "pulled_book_untrusted"],
    ["stale book", { bookBid: 4500, bookAsk: 4700, bookAgeMs: 200_000 }, "pulled_book_stale"],
    ["closed market", { bookBid: 4500, bookAsk: 4700, market: { closed: true } }, "pulled_market_closed"],
    ["near the end", { bookBid: 4500, bookAsk: 4700, now: 880_000 }, "pulled_expired"],
    ["long limit", { bookBid: 4500, bookAsk: 4700, exposure: 10 }, "quoting_one_sided_inventory"],
  ])("%s ⇒ %s", (_, s, code) => {
    const c = { ...config, maxLongShares: 5 };
    const set = quote(s, c);
    expect(set.reason.code).toBe(code);
    expect(validateDesiredQuoteSet(set)).toEqual([]);
    if (code.startsWith("pulled")) expect(set.bids.length + set.asks.length).toBe(0);
  });

  it("validates its config", () => {
    expect(() =>
      makeBandsStrategy({
        bands: [
          { distance: 100, size: 1 as Size },
          { distance: 50, size: 0 as Size },
        ],
        maxSkew: 200,
      }),
    ).toThrow(/bands\[1\]\.distance.*bands\[1\]\.size.*maxSkew/);
    expect(makeBandsStrategy().referenceSymbol).toBeUndefined();
  });
});
