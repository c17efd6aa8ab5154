/**
 * A bands strategy instance reuses its last ladder when the tops and tick are unchanged (most book
 * changes do not move the mid). That must not be observable: every answer equals the pure
 * `computeBandsQuote` of the same inputs, whatever came before, and an earlier quote never changes.
 */
import type { TickSize } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeBandsQuote, DEFAULT_BANDS_STRATEGY_CONFIG, makeBandsStrategy } from "../src/index.js";
import { scenario } from "./support/scenario.js";

const stepArb = fc.record({
  bookBid: fc.integer({ min: 30, max: 50 }).map((c) => c * 100),
  spread: fc.constantFrom(100, 200, 300, 2000),
  tick: fc.constantFrom(100 as TickSize, 10 as TickSize),
  exposure: fc.constantFrom(0, 0, 0, 40, -40, 1000),
  trusted: fc.constantFrom(true, true, true, false),
});

describe("bands strategy: ladder reuse across quotes", () => {
  it("each quote equals the pure computation of its inputs, whatever came before (300 sequences)", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), (steps) => {
        const strategy = makeBandsStrategy();
        const got: unknown[] = [];
        const want: unknown[] = [];
        for (let i = 0; i < steps.length; i++) {
          const s = steps[i]!;
          const inputs = scenario({
            refMid: undefined,
            bookBid: s.bookBid,
            bookAsk: s.bookBid + s.spread,
            tick: s.tick,
            exposure: s.exposure,
            trusted: s.trusted,
            seq: i + 1,
          });
          got.push(strategy.quote(inputs));
          want.push(computeBandsQuote(inputs, DEFAULT_BANDS_STRATEGY_CONFIG));
          expect(got[i]).toEqual(want[i]);
        }
        // Later quotes never changed an earlier one (shared levels are never written).
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it("an unchanged mid shares the previous quote's levels; a moved mid builds new ones", () => {
    const strategy = makeBandsStrategy();
    const a = strategy.quote(scenario({ refMid: undefined, bookBid: 4500, bookAsk: 4700, seq: 1 }));
    const b = strategy.quote(scenario({ refMid: undefined, bookBid: 4500, bookAsk: 4700, seq: 2 }));
    expect(b).not.toBe(a);
    expect(b.seq).toBe(2);
    expect(b.bids).toBe(a.bids);
    expect(b.asks).toBe(a.asks);
    const c = strategy.quote(scenario({ refMid: undefined, bookBid: 4600, bookAsk: 4800, seq: 3 }));
    expect(c.bids).not.toBe(a.bids);
    expect(c.bids.map((l) => l.price)).toEqual([4600, 4500, 4400]);
    // The earlier quote still says what it said.
    expect(a.bids.map((l) => l.price)).toEqual([4500, 4400, 4300]);
    // A tick change with the same mid rebuilds on the new grid.
    const d = strategy.quote(scenario({ refMid: undefined, bookBid: 4600, bookAsk: 4800, tick: 10 as TickSize, seq: 4 }));
    expect(d.bids).not.toBe(c.bids);
    expect(d.bids).toEqual(
      computeBandsQuote(
        scenario({ refMid: undefined, bookBid: 4600, bookAsk: 4800, tick: 10 as TickSize, seq: 4 }),
        DEFAULT_BANDS_STRATEGY_CONFIG,
      ).bids,
    );
  });
});
