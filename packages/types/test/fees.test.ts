import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FEE_USDC_STEP,
  fillFee,
  isFeeSchedule,
  MAX_FEE_EXPONENT,
  NO_TAKER_FEE,
  parseFeeRate,
  parseFeeSchedule,
  type Price,
  PRICE_SCALE,
  price,
  type Size,
  size,
  takerFee,
  takerFeeOfLegs,
  takerFeeShares,
  takerFeeUsdc,
  usdc,
} from "../src/index.js";

describe("takerFeeUsdc / takerFeeShares: worked numbers", () => {
  it("100 shares at 0.50, 720 bps: 100 × 0.072 × 0.25 = 1.8 USDC, i.e. 3.6 shares on a buy", () => {
    expect(takerFeeUsdc(size("100"), price("0.5"), 720)).toBe(usdc("1.8"));
    expect(takerFeeShares(size("100"), price("0.5"), 720)).toBe(size("3.6"));
    expect(takerFee("BUY", size("100"), price("0.5"), 720)).toEqual({ feeUsdc: usdc("1.8"), sharesWithheld: size("3.6"), usdcWithheld: 0 });
    expect(takerFee("SELL", size("100"), price("0.5"), 720)).toEqual({
      feeUsdc: usdc("1.8"),
      sharesWithheld: 0,
      usdcWithheld: usdc("1.8"),
    });
  });

  it("10 shares at 0.65, 700 bps: 10 × 0.07 × 0.65 × 0.35 = 0.15925 USDC = 0.245 shares", () => {
    expect(takerFeeUsdc(size("10"), price("0.65"), 700)).toBe(usdc("0.15925"));
    expect(takerFeeShares(size("10"), price("0.65"), 700)).toBe(size("0.245"));
  });

  it("floors the USDC fee to the 1e-5 step: 1 share at 0.01, 720 bps = 0.0007128 → 0.00071", () => {
    expect(takerFeeUsdc(size("1"), price("0.01"), 720)).toBe(usdc("0.00071"));
    expect(takerFeeShares(size("1"), price("0.01"), 720)).toBe(size("0.071"));
  });

  it("a fee below 1e-5 USDC is not charged at all (0.01 shares at 0.01, 720 bps = 0.000007128)", () => {
    expect(takerFeeUsdc(size("0.01"), price("0.01"), 720)).toBe(0);
    expect(takerFeeShares(size("0.01"), price("0.01"), 720)).toBe(0);
    expect(takerFee("BUY", size("0.01"), price("0.01"), 720)).toBe(NO_TAKER_FEE);
  });

  it("rounds the share conversion UP to the micro-share: 1 share at 0.03, 720 bps = 0.00209 USDC → 0.069667 shares", () => {
    expect(takerFeeUsdc(size("1"), price("0.03"), 720)).toBe(usdc("0.00209"));
    // 0.00209 / 0.03 = 0.0696666… → 0.069667 (never credits more shares than the venue)
    expect(takerFeeShares(size("1"), price("0.03"), 720)).toBe(size("0.069667"));
  });

  it("exponent 2: 100 shares at 0.50, rate 0.25 ⇒ 100 × 0.25 × 0.0625 = 1.5625 USDC", () => {
    expect(takerFeeUsdc(size("100"), price("0.5"), 2500, 2)).toBe(usdc("1.5625"));
    expect(takerFeeShares(size("100"), price("0.5"), 2500, 2)).toBe(size("3.125"));
  });

  it("zero at the price bounds, at size 0 and at rate 0", () => {
    expect(takerFeeUsdc(size("100"), 0 as Price, 720)).toBe(0);
    expect(takerFeeUsdc(size("100"), PRICE_SCALE as Price, 720)).toBe(0);
    expect(takerFeeShares(size("100"), 0 as Price, 720)).toBe(0);
    expect(takerFeeUsdc(0 as Size, price("0.5"), 720)).toBe(0);
    expect(takerFeeUsdc(size("100"), price("0.5"), 0)).toBe(0);
  });

  it("stays exact for sizes whose products exceed 2^53 (bigint path)", () => {
    // 9e9 shares at 0.5, 720 bps = 9e9 × 0.018 = 162,000,000 USDC
    const s = 9_000_000_000_000_000 as Size;
    expect(takerFeeUsdc(s, price("0.5"), 720)).toBe(162_000_000_000_000);
    expect(takerFeeShares(s, price("0.5"), 720)).toBe(324_000_000_000_000);
  });

  it("throws RangeError on out-of-domain arguments", () => {
    expect(() => takerFeeUsdc(-1 as Size, price("0.5"), 720)).toThrow(RangeError);
    expect(() => takerFeeUsdc(1.5 as Size, price("0.5"), 720)).toThrow(RangeError);
    expect(() => takerFeeUsdc(size("1"), 10_001 as Price, 720)).toThrow(RangeError);
    expect(() => takerFeeUsdc(size("1"), Number.NaN as Price, 720)).toThrow(RangeError);
    expect(() => takerFeeUsdc(size("1"), price("0.5"), 10_001)).toThrow(RangeError);
    expect(() => takerFeeUsdc(size("1"), price("0.5"), 7.5)).toThrow(RangeError);
    expect(() => takerFeeUsdc(size("1"), price("0.5"), 720, 0)).toThrow(RangeError);
    expect(() => takerFeeUsdc(size("1"), price("0.5"), 720, 1.5)).toThrow(RangeError);
    expect(() => takerFeeUsdc(size("1"), price("0.5"), 720, MAX_FEE_EXPONENT + 1)).toThrow(RangeError);
  });
});

describe("takerFeeOfLegs (a sweep across levels)", () => {
  it("charges each leg at its own price, floors each leg, and sums", () => {
    // 10 @ 0.50 → 0.18; 7 @ 0.53 → 7 × 0.072 × 0.53 × 0.47 = 0.1255464 → 0.12554
    const legs = [
      { size: size("10"), price: price("0.5") },
      { size: size("7"), price: price("0.53") },
    ];
    expect(takerFeeOfLegs("SELL", legs, 720)).toEqual({ feeUsdc: usdc("0.30554"), sharesWithheld: 0, usdcWithheld: usdc("0.30554") });
    const buy = takerFeeOfLegs("BUY", legs, 720);
    // 0.18 / 0.5 = 0.36; 0.12554 / 0.53 = 0.236868 (rounded up)
    expect(buy).toEqual({ feeUsdc: usdc("0.30554"), sharesWithheld: size("0.596868"), usdcWithheld: 0 });
    // one price for the whole size (what an aggregated taker fill reports) differs: an estimate only
    expect(takerFeeUsdc(size("17"), price("0.5"), 720)).toBe(usdc("0.306"));
    expect(takerFeeOfLegs("BUY", [], 720)).toBe(NO_TAKER_FEE);
    expect(takerFeeOfLegs("BUY", legs, 0)).toBe(NO_TAKER_FEE);
  });
});

describe("fillFee (user fill events)", () => {
  const fill = { side: "BUY" as const, size: size("100"), price: price("0.5"), feeRateBps: 720 };

  it("charges a TAKER leg and never a MAKER leg", () => {
    const t = fillFee({ ...fill, role: "TAKER" });
    expect(t).toEqual({ ok: true, value: { feeUsdc: usdc("1.8"), sharesWithheld: size("3.6"), usdcWithheld: 0 } });
    expect(fillFee({ ...fill, role: "MAKER" })).toEqual({ ok: true, value: NO_TAKER_FEE });
    const s = fillFee({ ...fill, side: "SELL", role: "TAKER" });
    expect(s.ok && s.value.usdcWithheld).toBe(usdc("1.8"));
  });

  it("returns a typed error (no throw) for an out-of-range wire rate or exponent", () => {
    const r = fillFee({ ...fill, role: "TAKER", feeRateBps: 1_000_000 });
    expect(r.ok).toBe(false);
    expect(fillFee({ ...fill, role: "TAKER" }, 0).ok).toBe(false);
    expect(fillFee({ ...fill, role: "TAKER", price: Number.NaN as Price }).ok).toBe(false);
  });
});

describe("fee schedule parsing (Gamma feeSchedule)", () => {
  it("parses rates to whole basis points", () => {
    expect(parseFeeRate(0.072)).toEqual({ ok: true, value: 720 });
    expect(parseFeeRate(0.03)).toEqual({ ok: true, value: 300 });
    expect(parseFeeRate(0.0315)).toEqual({ ok: true, value: 315 });
    expect(parseFeeRate("0.0175")).toEqual({ ok: true, value: 175 });
    expect(parseFeeRate("0.25000")).toEqual({ ok: true, value: 2500 });
    expect(parseFeeRate(0)).toEqual({ ok: true, value: 0 });
    expect(parseFeeRate("1")).toEqual({ ok: true, value: 10_000 });
  });

  it("rejects malformed, negative, >1 and sub-bps rates", () => {
    for (const bad of [-0.01, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 0.00005, "0.00005", "abc", "", ".", "-0.1", "2", null, {}]) {
      expect(parseFeeRate(bad).ok, String(bad)).toBe(false);
    }
  });

  it("parses the recorded Gamma schedule object and defaults a missing exponent to 1", () => {
    const recorded = { exponent: 1, rate: 0.03, rebateRate: 0.25, takerOnly: true };
    expect(parseFeeSchedule(recorded)).toEqual({ ok: true, value: { rateBps: 300, exponent: 1 } });
    expect(parseFeeSchedule({ rate: 0.072 })).toEqual({ ok: true, value: { rateBps: 720, exponent: 1 } });
    expect(parseFeeSchedule({ rate: "0.25", exponent: "2" })).toEqual({ ok: true, value: { rateBps: 2500, exponent: 2 } });
    expect(parseFeeSchedule({ rate: 0.03, exponent: 1.5 }).ok).toBe(false);
    expect(parseFeeSchedule({ rate: 0.03, exponent: 0 }).ok).toBe(false);
    expect(parseFeeSchedule("0.03").ok).toBe(false);
    expect(isFeeSchedule({ rateBps: 720, exponent: 1 })).toBe(true);
    expect(isFeeSchedule({ rateBps: -1, exponent: 1 })).toBe(false);
  });
});

describe("fee properties", () => {
  const sizeArb = fc.integer({ min: 0, max: 10_000_000_000_000 }).map((n) => n as Size); // up to 1e7 shares
  const priceArb = fc.integer({ min: 0, max: PRICE_SCALE }).map((n) => n as Price);
  const rateArb = fc.integer({ min: 0, max: 10_000 });
  const expArb = fc.integer({ min: 1, max: 3 });

  it("fee ≥ 0, a whole multiple of the 1e-5 step, ≤ notional, and within one step of the exact value", () => {
    fc.assert(
      fc.property(sizeArb, priceArb, rateArb, expArb, (s, p, r, e) => {
        const fee = takerFeeUsdc(s, p, r, e);
        expect(fee).toBeGreaterThanOrEqual(0);
        expect(fee % FEE_USDC_STEP).toBe(0);
        // fee ≤ notional (BUY side: size × p) and ≤ the sell side's (size × (1 − p)) notional
        expect(BigInt(fee) * BigInt(PRICE_SCALE) <= BigInt(s) * BigInt(p)).toBe(true);
        expect(BigInt(fee) * BigInt(PRICE_SCALE) <= BigInt(s) * BigInt(PRICE_SCALE - p)).toBe(true);
        const exact = (s * (r / 10_000) * ((p / PRICE_SCALE) * (1 - p / PRICE_SCALE)) ** e) as number;
        expect(fee).toBeLessThanOrEqual(exact * (1 + 1e-9) + 1e-6);
        expect(fee).toBeGreaterThan(exact * (1 - 1e-9) - FEE_USDC_STEP - 1e-6);
      }),
    );
  });

  it("is symmetric in p ↔ 1 − p and zero at rate 0", () => {
    fc.assert(
      fc.property(sizeArb, priceArb, rateArb, expArb, (s, p, r, e) => {
        expect(takerFeeUsdc(s, p, r, e)).toBe(takerFeeUsdc(s, (PRICE_SCALE - p) as Price, r, e));
        expect(takerFeeUsdc(s, p, 0, e)).toBe(0);
        expect(takerFeeShares(s, p, 0, e)).toBe(0);
      }),
    );
  });

  it("is monotone in size and rate", () => {
    fc.assert(
      fc.property(sizeArb, sizeArb, priceArb, rateArb, rateArb, (a, b, p, r1, r2) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(takerFeeUsdc(lo, p, r1)).toBeLessThanOrEqual(takerFeeUsdc(hi, p, r1));
        const [rl, rh] = r1 <= r2 ? [r1, r2] : [r2, r1];
        expect(takerFeeUsdc(a, p, rl)).toBeLessThanOrEqual(takerFeeUsdc(a, p, rh));
      }),
    );
  });

  it("fee shares are the smallest whole micro-share count worth at least the USDC fee, and never exceed the size", () => {
    fc.assert(
      fc.property(sizeArb, priceArb, rateArb, expArb, (s, p, r, e) => {
        const fee = takerFeeUsdc(s, p, r, e);
        const shares = takerFeeShares(s, p, r, e);
        expect(shares).toBeGreaterThanOrEqual(0);
        expect(shares).toBeLessThanOrEqual(s);
        if (fee === 0) {
          expect(shares).toBe(0);
          return;
        }
        // shares × p ≥ fee (covers the fee) and (shares − 1) × p < fee (rounded up by less than one micro-share)
        expect(BigInt(shares) * BigInt(p) >= BigInt(fee) * BigInt(PRICE_SCALE)).toBe(true);
        expect(BigInt(shares - 1) * BigInt(p) < BigInt(fee) * BigInt(PRICE_SCALE)).toBe(true);
      }),
    );
  });
});
