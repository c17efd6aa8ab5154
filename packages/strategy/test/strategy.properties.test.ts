import type { DesiredQuoteSet, Size, TickSize } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeBandsQuote,
  computeReferenceQuote,
  type ContractSpec,
  makeBandsStrategy,
  DEFAULT_BANDS_STRATEGY_CONFIG,
  type ReferenceStrategyConfig,
  resolveReferenceStrategyConfig,
  validateDesiredQuoteSet,
} from "../src/index.js";
import { type Scenario, scenario } from "./support/scenario.js";

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const tickArb = fc.constantFrom<TickSize>(1000, 100, 10, 1, 50, 25);

/** Anything the caches and the executor could hand over, healthy or not. */
const anyScenario: fc.Arbitrary<Scenario> = fc.record({
  now: fc.integer({ min: 0, max: 1_000_000 }),
  market: fc.record({
    closed: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    active: fc.integer({ min: 0, max: 19 }).map((n) => n !== 0),
  }),
  refMid: fc.oneof(
    { weight: 8, arbitrary: fc.double({ min: 95_000, max: 105_000, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, Number.NaN, 0, -1, Number.POSITIVE_INFINITY) },
  ),
  refAgeMs: fc.integer({ min: 0, max: 8000 }),
  bookBid: maybe(fc.integer({ min: 1, max: 9999 })),
  bookAsk: maybe(fc.integer({ min: 1, max: 9999 })),
  bookAgeMs: fc.integer({ min: 0, max: 100_000 }),
  trusted: fc.integer({ min: 0, max: 4 }).map((n) => n !== 0),
  yesBook: fc.boolean(),
  noBook: fc.boolean(),
  tick: tickArb,
  exposure: fc.double({ min: -5000, max: 5000, noNaN: true }),
  volAnnual: fc.double({ min: 0.01, max: 8, noNaN: true }),
  jumpAgoMs: maybe(fc.integer({ min: 0, max: 10_000 })),
  seq: fc.integer({ min: 0, max: 1_000_000 }),
});

const contractArb: fc.Arbitrary<ContractSpec> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("above" as const, "below" as const),
    symbol: fc.constant("BTCUSDT"),
    strike: fc.double({ min: 99_700, max: 100_300, noNaN: true }),
  }),
  fc.record({
    kind: fc.constantFrom("up" as const, "down" as const),
    symbol: fc.constant("BTCUSDT"),
    openPrice: maybe(fc.double({ min: 99_700, max: 100_300, noNaN: true })),
  }),
);

const configArb: fc.Arbitrary<ReferenceStrategyConfig> = fc
  .record({
    contract: contractArb,
    levelSizes: fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 5 }),
    levelSpacing: fc.integer({ min: 1, max: 500 }),
    minHalfSpread: fc.integer({ min: 1, max: 500 }),
    extraMax: fc.integer({ min: 0, max: 3000 }),
    riskAversion: fc.double({ min: 0, max: 1, noNaN: true }),
    linearSkewPerShare: fc.double({ min: 0, max: 5, noNaN: true }),
    maxSkew: fc.integer({ min: 0, max: 2000 }),
    minPrice: fc.integer({ min: 1, max: 2000 }),
    maxPrice: fc.integer({ min: 8000, max: 9999 }),
    join: fc.boolean(),
    onCrossed: fc.constantFrom("pull" as const, "widen" as const),
    onJump: fc.constantFrom("pull" as const, "widen" as const),
  })
  .map((r) =>
    resolveReferenceStrategyConfig({
      contract: r.contract,
      levelSizes: r.levelSizes as Size[],
      levelSpacing: r.levelSpacing,
      minHalfSpread: r.minHalfSpread,
      maxHalfSpread: r.minHalfSpread + r.extraMax,
      riskAversion: r.riskAversion,
      linearSkewPerShare: r.linearSkewPerShare,
      maxSkew: r.maxSkew,
      minPrice: r.minPrice,
      maxPrice: r.maxPrice,
      joinBook: { enabled: r.join },
      book: { onCrossed: r.onCrossed },
      reference: { onJump: r.onJump },
    }),
  );

/** A healthy market: fresh trusted book, fresh reference; only prices, vol, tick and inventory vary. */
const healthyScenario: fc.Arbitrary<Scenario> = fc.record({
  now: fc.integer({ min: 0, max: 880_000 }),
  refMid: fc.double({ min: 99_500, max: 100_500, noNaN: true }),
  bookBid: fc.integer({ min: 100, max: 4900 }),
  bookAsk: fc.integer({ min: 5100, max: 9900 }),
  tick: tickArb,
  volAnnual: fc.double({ min: 0.05, max: 3, noNaN: true }),
  exposure: fc.double({ min: -2000, max: 2000, noNaN: true }),
});

const bestBid = (s: DesiredQuoteSet) => s.bids[0]?.price ?? Number.NEGATIVE_INFINITY;
const bestAsk = (s: DesiredQuoteSet) => s.asks[0]?.price ?? Number.POSITIVE_INFINITY;
const isPull = (s: DesiredQuoteSet) => s.bids.length === 0 && s.asks.length === 0;

describe("reference strategy properties", () => {
  it("always returns a valid DesiredQuoteSet that echoes seq, time and market", () => {
    fc.assert(
      fc.property(anyScenario, configArb, (s, c) => {
        const inputs = scenario(s);
        const { set } = computeReferenceQuote(inputs, c);
        expect(validateDesiredQuoteSet(set)).toEqual([]);
        expect(set.seq).toBe(inputs.seq);
        expect(set.createdAt).toBe(inputs.now);
        expect(set.conditionId).toBe(inputs.market.conditionId);
        if (set.reason.code.startsWith("pulled")) expect(isPull(set)).toBe(true);
        const tick = (inputs.yesBook ?? inputs.noBook)?.tickSize ?? 1;
        for (const l of [...set.bids, ...set.asks]) {
          expect(l.price % tick).toBe(0);
          expect(l.price).toBeGreaterThanOrEqual(c.minPrice);
          expect(l.price).toBeLessThanOrEqual(c.maxPrice);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("more inventory never raises either quote; positive inventory strictly lowers the reservation price", () => {
    fc.assert(
      fc.property(healthyScenario, configArb, fc.double({ min: 0.01, max: 3000, noNaN: true }), (s, c, more) => {
        const a = computeReferenceQuote(scenario(s), c);
        const b = computeReferenceQuote(scenario({ ...s, exposure: (s.exposure ?? 0) + more }), c);
        expect(bestBid(b.set)).toBeLessThanOrEqual(bestBid(a.set));
        expect(bestAsk(b.set)).toBeLessThanOrEqual(bestAsk(a.set));
        if (a.diagnostics && b.diagnostics) expect(b.diagnostics.reservation).toBeLessThanOrEqual(a.diagnostics.reservation);
        const flat = computeReferenceQuote(scenario({ ...s, exposure: 0 }), c);
        const long = computeReferenceQuote(scenario({ ...s, exposure: more }), c);
        if (flat.diagnostics && long.diagnostics && c.maxSkew > 0 && c.linearSkewPerShare > 1e-6) {
          expect(long.diagnostics.reservation).toBeLessThan(flat.diagnostics.reservation);
        }
        expect(bestBid(long.set)).toBeLessThanOrEqual(bestBid(flat.set));
        expect(bestAsk(long.set)).toBeLessThanOrEqual(bestAsk(flat.set));
      }),
      { numRuns: 1000 },
    );
  });

  it("an older reference widens or pulls, never tightens", () => {
    fc.assert(
      fc.property(healthyScenario, configArb, fc.integer({ min: 0, max: 8000 }), fc.integer({ min: 0, max: 8000 }), (s, c, x, y) => {
        const [young, old] = x <= y ? [x, y] : [y, x];
        const a = computeReferenceQuote(scenario({ ...s, refAgeMs: young }), c);
        const b = computeReferenceQuote(scenario({ ...s, refAgeMs: old }), c);
        if (isPull(b.set)) return;
        expect(isPull(a.set)).toBe(false);
        expect(bestBid(b.set)).toBeLessThanOrEqual(bestBid(a.set));
        expect(bestAsk(b.set)).toBeGreaterThanOrEqual(bestAsk(a.set));
        if (a.diagnostics && b.diagnostics) expect(b.diagnostics.halfSpread).toBeGreaterThanOrEqual(a.diagnostics.halfSpread);
        if (old > c.reference.widenAfterMs) {
          expect(b.set.reason.code).toMatch(/^widened_|^pulled_|^quoting_one_sided/);
          if (young <= c.reference.widenAfterMs && a.diagnostics && b.diagnostics && a.diagnostics.halfSpread < c.maxHalfSpread / 1e4) {
            expect(b.diagnostics.halfSpread).toBeGreaterThan(a.diagnostics.halfSpread);
          }
        }
        if (old > c.reference.pullAfterMs) throw new Error("a reference older than pullAfterMs must pull");
      }),
      { numRuns: 1000 },
    );
  });

  it("the published fair value is monotone in the reference price (up for above/up, down for below/down)", () => {
    fc.assert(
      fc.property(healthyScenario, configArb, fc.double({ min: 99_000, max: 101_000, noNaN: true }), (s, c, other) => {
        const lo = Math.min(s.refMid ?? 0, other);
        const hi = Math.max(s.refMid ?? 0, other);
        const a = computeReferenceQuote(scenario({ ...s, refMid: lo }), c).set.fairValue;
        const b = computeReferenceQuote(scenario({ ...s, refMid: hi }), c).set.fairValue;
        if (a === undefined || b === undefined) return;
        expect(a).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(10_000);
        if (c.contract.kind === "above" || c.contract.kind === "up") expect(b).toBeGreaterThanOrEqual(a);
        else expect(b).toBeLessThanOrEqual(a);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("up/down symmetry through the strategy", () => {
  it("published fair values of the up and down contracts sum to 1", () => {
    fc.assert(
      fc.property(
        healthyScenario,
        fc.double({ min: 99_700, max: 100_300, noNaN: true }),
        fc.integer({ min: -50_000, max: 100_000 }),
        (s, open, start) => {
          const market = { startTime: start, endTime: 900_000 };
          const up = computeReferenceQuote(
            scenario({ ...s, market }),
            resolveReferenceStrategyConfig({ contract: { kind: "up", symbol: "BTCUSDT", openPrice: open } }),
          );
          const down = computeReferenceQuote(
            scenario({ ...s, market }),
            resolveReferenceStrategyConfig({ contract: { kind: "down", symbol: "BTCUSDT", openPrice: open } }),
          );
          if (up.set.fairValue === undefined || down.set.fairValue === undefined) throw new Error("expected fair values");
          expect(Math.abs(up.set.fairValue + down.set.fairValue - 10_000)).toBeLessThan(1e-8);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("bands strategy properties", () => {
  const bandsArb = fc
    .record({
      distances: fc.uniqueArray(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 5 }),
      size: fc.integer({ min: 1, max: 1e9 }),
      skew: fc.double({ min: 0, max: 3, noNaN: true }),
    })
    .map(({ distances, size, skew }) => {
      const sorted = [...distances].sort((x, y) => x - y);
      return {
        ...DEFAULT_BANDS_STRATEGY_CONFIG,
        bands: sorted.map((distance) => ({ distance, size: size as Size })),
        linearSkewPerShare: skew,
        maxSkew: Math.max(0, (sorted[0] ?? 1) - 1),
      };
    });

  it("always returns a valid DesiredQuoteSet", () => {
    fc.assert(
      fc.property(anyScenario, bandsArb, (s, c) => {
        const set = computeBandsQuote(scenario(s), c);
        expect(validateDesiredQuoteSet(set)).toEqual([]);
        if (set.reason.code.startsWith("pulled")) expect(isPull(set)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("more inventory never raises either quote", () => {
    fc.assert(
      fc.property(healthyScenario, bandsArb, fc.double({ min: 0.01, max: 3000, noNaN: true }), (s, c, more) => {
        const a = computeBandsQuote(scenario(s), c);
        const b = computeBandsQuote(scenario({ ...s, exposure: (s.exposure ?? 0) + more }), c);
        expect(bestBid(b)).toBeLessThanOrEqual(bestBid(a));
        expect(bestAsk(b)).toBeLessThanOrEqual(bestAsk(a));
      }),
      { numRuns: 1000 },
    );
  });

  it("with a requote tolerance, every quote over a random walk of books stays strictly on its side of the live mid and within the tolerance of a fresh quote", () => {
    const walkArb = fc.array(
      fc.record({
        step: fc.integer({ min: -150, max: 150 }),
        half: fc.integer({ min: 1, max: 300 }),
        exposure: fc.double({ min: -2000, max: 2000, noNaN: true }),
        pull: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(
        bandsArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        walkArb,
        tickArb,
        (bands, skewShare, share, walk, tick) => {
          const first = bands.bands[0]!.distance;
          // Any split of the first band between skew and tolerance that validation allows (sum below it).
          const maxSkew = Math.floor((first - 1) * skewShare);
          const requoteTolerance = Math.max(0, first - maxSkew - 1) * share;
          const c = { ...bands, maxSkew };
          const s = makeBandsStrategy({ ...c, requoteTolerance });
          let center = 5000;
          walk.forEach((w, i) => {
            center = Math.min(8000, Math.max(2000, center + w.step));
            const inputs = scenario({
              refMid: undefined,
              bookBid: center - w.half,
              bookAsk: w.pull ? undefined : center + w.half,
              tick,
              exposure: w.exposure,
              seq: i + 1,
            });
            const set = s.quote(inputs);
            const fresh = computeBandsQuote(inputs, c);
            expect(validateDesiredQuoteSet(set)).toEqual([]);
            expect(set.reason.code).toBe(fresh.reason.code);
            expect(set.fairValue).toBe(fresh.fairValue);
            if (isPull(set)) return;
            const mid = set.fairValue!;
            for (const l of set.bids) expect(l.price).toBeLessThan(mid);
            for (const l of set.asks) expect(l.price).toBeGreaterThan(mid);
            // Held quotes are at most the tolerance (plus one tick of rounding) from a fresh quote.
            if (set.bids.length > 0 && fresh.bids.length > 0)
              expect(Math.abs(bestBid(set) - bestBid(fresh))).toBeLessThanOrEqual(requoteTolerance + tick);
            if (set.asks.length > 0 && fresh.asks.length > 0)
              expect(Math.abs(bestAsk(set) - bestAsk(fresh))).toBeLessThanOrEqual(requoteTolerance + tick);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
