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

  describe("requoteTolerance", () => {
    // Bands 100/200/300 on a 0.0001 tick, no skew: bids are center − 100 …, asks center + 100 ….
    const held = (requoteTolerance: number) => makeBandsStrategy({ maxSkew: 0, requoteTolerance });
    const at = (bookBid: number | undefined, bookAsk: number | undefined, seq: number) =>
      scenario({ refMid: undefined, bookBid, bookAsk, tick: 1, seq });

    it("keeps the last center while the mid stays within the tolerance, then requotes around the new mid", () => {
      const s = held(60);
      const first = s.quote(at(4500, 4700, 1));
      expect(first.bids[0]?.price).toBe(4500);
      // Mid 4600 → 4650: 50 ≤ 60, same quotes (the very same level arrays), fair value still the live mid.
      const moved = s.quote(at(4550, 4750, 2));
      expect(moved.bids).toBe(first.bids);
      expect(moved.asks).toBe(first.asks);
      expect(moved.fairValue).toBe(4650);
      // 4600 → 4670 is beyond 60 from the held center: requote around 4670, which becomes the new anchor.
      const beyond = s.quote(at(4570, 4770, 3));
      expect(beyond.bids.map((l) => l.price)).toEqual([4570, 4470, 4370]);
      expect(beyond.asks.map((l) => l.price)).toEqual([4770, 4870, 4970]);
      // Measured from the new anchor (4670), not from the first one.
      expect(s.quote(at(4520, 4720, 4)).bids).toBe(beyond.bids);
    });

    it("0 requotes on every move (the default)", () => {
      const s = makeBandsStrategy({ maxSkew: 0 });
      expect(s.config.requoteTolerance).toBe(0);
      s.quote(at(4500, 4700, 1));
      expect(s.quote(at(4510, 4710, 2)).bids[0]?.price).toBe(4510);
    });

    it("forgets the held center after a pull", () => {
      const s = held(60);
      s.quote(at(4500, 4700, 1));
      expect(s.quote(at(4500, undefined, 2)).reason.code).toBe("pulled_no_mid");
      // Within 60 of the old center, but the book came back: quote the live mid.
      expect(s.quote(at(4540, 4740, 3)).bids[0]?.price).toBe(4540);
    });

    it("requotes on a tick-size change even within the tolerance", () => {
      const s = held(60);
      s.quote(at(4500, 4700, 1));
      const coarser = s.quote(scenario({ refMid: undefined, bookBid: 4500, bookAsk: 4720, tick: 10, seq: 2 }));
      // Center 4610 on the 0.001 grid, not the held 4600.
      expect(coarser.bids[0]?.price).toBe(4510);
      expect(coarser.asks[0]?.price).toBe(4710);
    });

    it("rejects a tolerance that would let a held quote reach the mid", () => {
      expect(() => makeBandsStrategy({ requoteTolerance: 60 })).toThrow(/requoteTolerance \+ maxSkew/);
      expect(() => makeBandsStrategy({ requoteTolerance: -1 })).toThrow(/requoteTolerance must be ≥ 0/);
      expect(() => makeBandsStrategy({ requoteTolerance: Number.NaN })).toThrow(/requoteTolerance must be ≥ 0/);
      expect(makeBandsStrategy({ requoteTolerance: 49 }).config.requoteTolerance).toBe(49);
    });
  });
});
