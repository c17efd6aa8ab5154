import { describe, expect, it } from "vitest";
import {
  annualToPerSqrtSecond,
  computeReferenceQuote,
  digitalAbove,
  makeReferenceStrategy,
  type ReferenceStrategyOptions,
  resolveReferenceStrategyConfig,
  validateDesiredQuoteSet,
} from "../src/index.js";
import { inventoryOf } from "./support/fakes.js";
import { type Scenario, scenario } from "./support/scenario.js";

const STRIKE = 100_000;
const base: ReferenceStrategyOptions = { contract: { kind: "above", symbol: "BTCUSDT", strike: STRIKE } };
const cfg = (o: Partial<ReferenceStrategyOptions> = {}) => resolveReferenceStrategyConfig({ ...base, ...o });
const quote = (s: Scenario, o: Partial<ReferenceStrategyOptions> = {}) => computeReferenceQuote(scenario(s), cfg(o));

describe("reference strategy: quoting", () => {
  it("quotes around the closed-form fair value with the configured ladder", () => {
    const { set, diagnostics } = quote({ refMid: 100_020, bookBid: 4000, bookAsk: 6000 });
    expect(validateDesiredQuoteSet(set)).toEqual([]);
    expect(set.reason.code).toBe("quoting");
    const p = digitalAbove(100_020, STRIKE, annualToPerSqrtSecond(0.6), 600);
    expect(set.fairValue).toBeCloseTo(p * 10_000, 9);
    const bid = set.bids[0]?.price ?? 0;
    const ask = set.asks[0]?.price ?? 0;
    expect(bid).toBeLessThan(p * 10_000);
    expect(ask).toBeGreaterThan(p * 10_000);
    expect(set.bids.map((l) => l.size)).toEqual([25_000_000, 50_000_000]);
    expect(set.asks.map((l) => l.size)).toEqual([25_000_000, 50_000_000]);
    expect((set.bids[0]?.price ?? 0) - (set.bids[1]?.price ?? 0)).toBe(100);
    expect((set.asks[1]?.price ?? 0) - (set.asks[0]?.price ?? 0)).toBe(100);
    // Half-spread decomposition: δ_min + γV/2 + z·σ_p·√L with the defaults.
    const d = diagnostics;
    if (d === undefined) throw new Error("no diagnostics");
    const sp = d.fair.probVolPerSqrtSecond;
    const varH = Math.min(sp * sp * 60, p * (1 - p));
    expect(d.halfSpread).toBeCloseTo(0.01 + 0.5 * 0.01 * varH + sp * 1, 12);
    expect(d.reservation).toBeCloseTo(p, 12);
  });

  it("widens towards expiry at the money (σ_p = φ(d2)/√τ grows)", () => {
    const far = quote({ now: 300_000 }).diagnostics?.halfSpread ?? 0;
    const near = quote({ now: 860_000 }).diagnostics?.halfSpread ?? 0;
    expect(near).toBeGreaterThan(far);
  });

  it("widens with volatility away from the money (σ_p = φ(d2)/√τ rises with σ there) and explicitly above highAnnualVol", () => {
    const calm = quote({ refMid: 100_100, volAnnual: 0.3 }).diagnostics;
    const busy = quote({ refMid: 100_100, volAnnual: 0.9 }).diagnostics;
    expect(busy?.fair.probVolPerSqrtSecond).toBeGreaterThan(calm?.fair.probVolPerSqrtSecond ?? 0);
    expect(busy?.halfSpread).toBeGreaterThan(calm?.halfSpread ?? 0);
    const wild = quote({ refMid: 100_100, volAnnual: 1.5 });
    expect(wild.set.reason.code).toBe("widened_volatility");
    expect(wild.diagnostics?.widenFactor).toBe(1.5);
  });

  it("converges to 0/1 near expiry and pulls with the converged fair value", () => {
    const itm = quote({ refMid: 100_300, now: 890_000 });
    expect(itm.set.fairValue).toBeGreaterThan(9_900);
    const expired = quote({ refMid: 100_300, now: 897_000 });
    expect(expired.set.reason.code).toBe("pulled_expired");
    expect(expired.set.bids).toEqual([]);
    expect(expired.set.fairValue).toBeGreaterThan(9_990);
    const after = quote({ refMid: 99_000, now: 901_000 });
    expect(after.set).toMatchObject({ bids: [], asks: [], fairValue: 0, reason: { code: "pulled_expired" } });
  });

  it("skews both quotes down when long and up when short (exposure counts pending and NO as short YES)", () => {
    const flat = quote({});
    const long = quote({ inventory: inventoryOf(200, 0, 0.5) });
    const short = quote({ inventory: inventoryOf(0, 200) });
    expect(long.diagnostics?.reservation).toBeLessThan(flat.diagnostics?.reservation ?? 0);
    expect(long.set.bids[0]?.price).toBeLessThan(flat.set.bids[0]?.price ?? 0);
    expect(long.set.asks[0]?.price).toBeLessThan(flat.set.asks[0]?.price ?? 0);
    expect(short.set.bids[0]?.price).toBeGreaterThan(flat.set.bids[0]?.price ?? 0);
    expect(long.diagnostics?.exposureShares).toBe(200);
    expect(short.diagnostics?.exposureShares).toBe(-200);
    expect(Math.abs(long.diagnostics?.skew ?? 0)).toBeLessThanOrEqual(0.05);
    expect(quote({ exposure: 1e9 }).diagnostics?.skew).toBeCloseTo(0.05, 12);
  });

  it("withholds bids at the long limit and asks at the short limit", () => {
    const long = quote({ exposure: 150 }, { maxLongShares: 100 });
    expect(long.set.bids).toEqual([]);
    expect(long.set.asks.length).toBe(2);
    expect(long.set.reason.code).toBe("quoting_one_sided_inventory");
    const short = quote({ exposure: -150 }, { maxShortShares: 100 });
    expect(short.set.asks).toEqual([]);
    expect(short.set.bids.length).toBe(2);
  });

  it("joins the book when it is inside our spread, never closer than minEdge to the reservation", () => {
    const wide = quote({ bookBid: 4000, bookAsk: 6000 }, { joinBook: { enabled: true, minEdge: 50 }, minHalfSpread: 600 });
    const inside = quote({ bookBid: 4900, bookAsk: 5100 }, { joinBook: { enabled: true, minEdge: 50 }, minHalfSpread: 600 });
    const r = (inside.diagnostics?.reservation ?? 0) * 10_000;
    expect(wide.diagnostics?.joinedBid).toBe(false);
    expect(inside.diagnostics?.joinedBid).toBe(true);
    expect(inside.diagnostics?.joinedAsk).toBe(true);
    expect(inside.set.bids[0]?.price).toBe(Math.min(4900, Math.floor((r - 50) / 100) * 100));
    expect(inside.set.asks[0]?.price).toBe(Math.max(5100, Math.ceil((r + 50) / 100) * 100));
    expect(validateDesiredQuoteSet(inside.set)).toEqual([]);
    const off = quote({ bookBid: 4900, bookAsk: 5100 }, { minHalfSpread: 600 });
    expect(off.set.bids[0]?.price).toBeLessThan(inside.set.bids[0]?.price ?? 0);
  });

  it("reads the NO book mirrored when the YES book is absent", () => {
    const both = quote({ bookBid: 4000, bookAsk: 6000 }, { joinBook: { enabled: true } });
    const noOnly = quote({ bookBid: 4000, bookAsk: 6000, yesBook: false }, { joinBook: { enabled: true } });
    expect(noOnly.set.bids).toEqual(both.set.bids);
    expect(noOnly.set.asks).toEqual(both.set.asks);
  });

  it("keeps quotes inside [minPrice, maxPrice] and on the tick grid", () => {
    const deep = quote({ refMid: 100_800, tick: 10 }, { maxPrice: 9900 });
    expect(deep.set.fairValue).toBeGreaterThan(9_900);
    for (const l of [...deep.set.bids, ...deep.set.asks]) {
      expect(l.price % 10).toBe(0);
      expect(l.price).toBeLessThanOrEqual(9900);
    }
    expect(deep.set.asks).toEqual([]);
    expect(validateDesiredQuoteSet(deep.set)).toEqual([]);
  });
});

describe("reference strategy: regime control", () => {
  const code = (s: Scenario, o: Partial<ReferenceStrategyOptions> = {}) => {
    const r = quote(s, o).set;
    expect(validateDesiredQuoteSet(r)).toEqual([]);
    if (r.reason.code.startsWith("pulled")) expect(r.bids.length + r.asks.length).toBe(0);
    return r.reason.code;
  };

  it.each<[string, Scenario, Partial<ReferenceStrategyOptions>, string]>([
    ["market closed", { market: { closed: true } }, {}, "pulled_market_closed"],
    ["market inactive", { market: { active: false } }, {}, "pulled_market_closed"],
    ["no end time", { market: { endTime: undefined } }, {}, "pulled_no_expiry"],
    ["no book", { yesBook: false, noBook: false }, {}, "pulled_book_stale"],
    ["untrusted book", { trusted: false }, {}, "pulled_book_untrusted"],
    ["stale book", { bookAgeMs: 120_000 }, {}, "pulled_book_stale"],
    ["crossed book (pull)", { bookBid: 5200, bookAsk: 5100 }, {}, "pulled_book_crossed"],
    ["locked book (pull)", { bookBid: 5100, bookAsk: 5100 }, {}, "pulled_book_crossed"],
    ["crossed book (widen)", { bookBid: 5200, bookAsk: 5100 }, { book: { onCrossed: "widen" } }, "widened_book_crossed"],
    ["no reference", { refMid: undefined }, {}, "pulled_no_reference"],
    ["NaN reference", { refMid: Number.NaN }, {}, "pulled_no_reference"],
    ["negative reference", { refMid: -1 }, {}, "pulled_no_reference"],
    ["stale reference (widen)", { refAgeMs: 3000 }, {}, "widened_reference_stale"],
    ["stale reference (pull)", { refAgeMs: 6000 }, {}, "pulled_reference_stale"],
    ["recent jump (pull)", { jumpAgoMs: 1000 }, {}, "pulled_reference_jump"],
    ["recent jump (widen)", { jumpAgoMs: 1000 }, { reference: { onJump: "widen" } }, "widened_reference_jump"],
    ["old jump", { jumpAgoMs: 10_000 }, {}, "quoting"],
    ["high volatility", { volAnnual: 2 }, {}, "widened_volatility"],
    [
      "invalid inventory",
      { inventory: { yes: { settled: Number.NaN, pending: 0 }, no: { settled: 0, pending: 0 } } },
      {},
      "pulled_inventory_invalid",
    ],
  ])("%s ⇒ %s", (_, s, o, expected) => {
    expect(code(s, o)).toBe(expected);
  });

  it("refuses a reference snapshot of another symbol", () => {
    const inputs = scenario({});
    const wrong = { ...inputs, reference: inputs.reference && { ...inputs.reference, symbol: "ETHUSDT" } };
    const set = computeReferenceQuote(wrong, cfg()).set;
    expect(set.reason).toEqual({ code: "pulled_no_reference", detail: "reference is ETHUSDT, contract needs BTCUSDT" });
  });

  it("up/down: quotes before the start without an open price, pulls after the start until it is known", () => {
    const upDown = { contract: { kind: "up", symbol: "BTCUSDT" } } as const;
    const pre = quote({ now: 50_000, market: { startTime: 100_000, endTime: 1_000_000 } }, upDown);
    expect(pre.set.reason.code).toBe("quoting");
    expect(pre.set.fairValue).toBeCloseTo(10_000 * digitalAbove(1, 1, annualToPerSqrtSecond(0.6), 900), 6);
    const noOpen = quote({ now: 200_000, market: { startTime: 100_000, endTime: 1_000_000 } }, upDown);
    expect(noOpen.set.reason.code).toBe("pulled_no_open_price");
    const withOpen = quote(
      { now: 200_000, market: { startTime: 100_000, endTime: 1_000_000 } },
      { contract: { kind: "up", symbol: "BTCUSDT", openPrice: 99_900 } },
    );
    expect(withOpen.set.reason.code).toBe("quoting");
    expect(withOpen.set.fairValue).toBeGreaterThan(5_000);
  });

  it("widening is visible in the spread and lists every cause in the detail", () => {
    const fresh = quote({}).diagnostics?.halfSpread ?? 0;
    const r = quote({ refAgeMs: 3000, volAnnual: 2, jumpAgoMs: 500 }, { reference: { onJump: "widen" } });
    expect(r.set.reason.code).toBe("widened_reference_jump");
    expect(r.set.reason.detail).toMatch(/jumped.*reference 3\.0 s old.*volatility 200%/);
    expect(r.diagnostics?.halfSpread).toBeGreaterThan(fresh * 2);
    expect(r.diagnostics?.halfSpread).toBeLessThanOrEqual(0.15);
  });

  it("rejects invalid configs listing every problem", () => {
    expect(() => makeReferenceStrategy({ ...base, levelSizes: [], minHalfSpread: 0, maxPrice: 10_000 })).toThrow(
      /levelSizes must list.*minHalfSpread.*maxPrice/,
    );
    expect(() => makeReferenceStrategy({ contract: { kind: "above", symbol: "", strike: -1 } })).toThrow(/symbol.*strike/);
    const s = makeReferenceStrategy(base);
    expect(s.referenceSymbol).toBe("BTCUSDT");
    expect(s.name).toBe("reference:above:BTCUSDT");
  });
});
