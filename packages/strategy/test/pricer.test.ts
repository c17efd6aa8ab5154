import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  annualToPerSqrtSecond,
  type ContractSpec,
  contractFairValue,
  digitalAbove,
  digitalBelow,
  perSqrtSecondToAnnual,
  SECONDS_PER_YEAR,
} from "../src/index.js";

// Closed-form N(d2), N(−d2) and φ(d2)/√τ computed with scipy.stats.norm for driftless GBM,
// d2 = (ln(S/K) − σ²τ/2)/(σ√τ), σ annualized over 31 536 000 s.
const GOLDEN = [
  {
    S: 100,
    K: 100,
    annual: 0.5,
    tau: SECONDS_PER_YEAR,
    above: 0.4012936743170763,
    below: 0.5987063256829237,
    probVol: 6.885493296233594e-5,
  },
  { S: 99_950, K: 100_000, annual: 0.6, tau: 300, above: 0.39312707325243434, below: 0.6068729267475657, probVol: 0.02220143129345142 },
  { S: 100_100, K: 100_000, annual: 0.45, tau: 60, above: 0.9462964265565031, below: 0.05370357344349683, probVol: 0.014092785194939977 },
  {
    S: 90_000,
    K: 100_000,
    annual: 1.0,
    tau: 86_400,
    above: 0.020720970998333293,
    below: 0.9792790290016667,
    probVol: 0.00016974118595163785,
  },
] as const;

describe("digital pricer: golden values", () => {
  it.each(GOLDEN)("S=$S K=$K σ=$annual τ=$tau s", (g) => {
    const sigma = annualToPerSqrtSecond(g.annual);
    expect(Math.abs(digitalAbove(g.S, g.K, sigma, g.tau) - g.above)).toBeLessThan(1e-12);
    expect(Math.abs(digitalBelow(g.S, g.K, sigma, g.tau) - g.below)).toBeLessThan(1e-12);
    const fv = contractFairValue({ kind: "above", symbol: "BTCUSDT", strike: g.K }, { endTime: g.tau * 1000 }, g.S, sigma, 0);
    if (!fv.ok) throw new Error(fv.error.detail);
    expect(Math.abs(fv.value.probability - g.above)).toBeLessThan(1e-12);
    expect(Math.abs(fv.value.probVolPerSqrtSecond - g.probVol) / g.probVol).toBeLessThan(1e-9);
    expect(fv.value.phase).toBe("live");
  });

  it("deep tail keeps relative precision: P(below) for S/K = 1.05, σ 80%, 15 min is 1.777e-30", () => {
    const p = digitalBelow(105_000, 100_000, annualToPerSqrtSecond(0.8), 900);
    expect(Math.abs(p - 1.7770906487582818e-30) / 1.7770906487582818e-30).toBeLessThan(1e-6);
  });

  it("up/down before the start: P(up) = N(−σ√W/2) = 0.4993606346652818 for σ 60%, W 900 s", () => {
    const times = { startTime: 100_000, endTime: 1_000_000 };
    const sigma = annualToPerSqrtSecond(0.6);
    const up = contractFairValue({ kind: "up", symbol: "BTCUSDT" }, times, 50_000, sigma, 0);
    const down = contractFairValue({ kind: "down", symbol: "BTCUSDT" }, times, 70_000, sigma, 50_000);
    if (!up.ok || !down.ok) throw new Error("expected values");
    expect(Math.abs(up.value.probability - 0.4993606346652818)).toBeLessThan(1e-12);
    expect(up.value.phase).toBe("pre_start");
    expect(up.value.probVolPerSqrtSecond).toBe(0);
    expect(Math.abs(up.value.probability + down.value.probability - 1)).toBeLessThan(1e-15);
  });

  it("annualization round-trips and uses calendar seconds", () => {
    expect(perSqrtSecondToAnnual(annualToPerSqrtSecond(0.73))).toBeCloseTo(0.73, 14);
    expect(annualToPerSqrtSecond(1) ** 2 * SECONDS_PER_YEAR).toBeCloseTo(1, 12);
  });
});

describe("digital pricer: expiry", () => {
  const sigma = annualToPerSqrtSecond(0.6);
  it("converges to 0/1 as τ → 0 and is the indicator after expiry", () => {
    let prevIn = 0;
    let prevOut = 1;
    for (const tau of [3600, 600, 60, 10, 1, 0.1, 0.001]) {
      const inTheMoney = digitalAbove(100_050, 100_000, sigma, tau);
      const outOfTheMoney = digitalAbove(99_950, 100_000, sigma, tau);
      expect(inTheMoney).toBeGreaterThanOrEqual(prevIn);
      expect(outOfTheMoney).toBeLessThanOrEqual(prevOut);
      prevIn = inTheMoney;
      prevOut = outOfTheMoney;
    }
    expect(digitalAbove(100_050, 100_000, sigma, 3600)).toBeLessThan(0.9);
    expect(prevIn).toBeGreaterThan(1 - 1e-9);
    expect(prevOut).toBeLessThan(1e-9);
    const after = contractFairValue({ kind: "up", symbol: "X", openPrice: 100 }, { startTime: 0, endTime: 1000 }, 101, sigma, 5000);
    if (!after.ok) throw new Error(after.error.detail);
    expect(after.value).toMatchObject({ probability: 1, phase: "expired", probVolPerSqrtSecond: 0 });
    expect(after.value.tauSec).toBe(-4);
  });

  it("reports typed errors for missing metadata and bad inputs", () => {
    const up: ContractSpec = { kind: "up", symbol: "X" };
    const check = (r: ReturnType<typeof contractFairValue>, code: string) => {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe(code);
    };
    check(contractFairValue(up, {}, 100, sigma, 0), "no_expiry");
    check(contractFairValue(up, { startTime: 0, endTime: 10_000 }, 100, sigma, 1), "no_open_price");
    check(contractFairValue(up, { endTime: 10_000 }, Number.NaN, sigma, 1), "invalid_reference_price");
    check(contractFairValue(up, { endTime: 10_000 }, -5, sigma, 1), "invalid_reference_price");
    check(contractFairValue({ kind: "above", symbol: "X", strike: 0 }, { endTime: 10_000 }, 100, sigma, 1), "invalid_strike");
    check(contractFairValue({ kind: "above", symbol: "X", strike: 100 }, { endTime: 10_000 }, 100, 0, 1), "invalid_volatility");
  });
});

describe("digital pricer: properties", () => {
  const spot = fc.double({ min: 1_000, max: 1_000_000, noNaN: true });
  const annual = fc.double({ min: 0.05, max: 5, noNaN: true });
  const tau = fc.double({ min: 0.001, max: 30 * 86_400, noNaN: true });

  it("fair value is bounded in [0, 1] and monotone in the reference price", () => {
    fc.assert(
      fc.property(spot, spot, fc.double({ min: 1_000, max: 1_000_000, noNaN: true }), annual, tau, (a, b, K, vol, t) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const sigma = annualToPerSqrtSecond(vol);
        const pLo = digitalAbove(lo, K, sigma, t);
        const pHi = digitalAbove(hi, K, sigma, t);
        expect(pLo).toBeGreaterThanOrEqual(0);
        expect(pHi).toBeLessThanOrEqual(1);
        expect(pHi).toBeGreaterThanOrEqual(pLo);
        expect(digitalBelow(hi, K, sigma, t)).toBeLessThanOrEqual(digitalBelow(lo, K, sigma, t));
      }),
      { numRuns: 500 },
    );
  });

  it("is symmetric: P(up) + P(down) = 1 and P(above K) + P(below K) = 1, in every phase", () => {
    fc.assert(
      fc.property(
        spot,
        spot,
        annual,
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.integer({ min: -100_000, max: 4_000_000 }),
        (S, open, vol, window, now) => {
          const sigma = annualToPerSqrtSecond(vol);
          const times = { startTime: 100_000, endTime: 100_000 + window };
          const up = contractFairValue({ kind: "up", symbol: "X", openPrice: open }, times, S, sigma, now);
          const down = contractFairValue({ kind: "down", symbol: "X", openPrice: open }, times, S, sigma, now);
          const above = contractFairValue({ kind: "above", symbol: "X", strike: open }, times, S, sigma, now);
          const below = contractFairValue({ kind: "below", symbol: "X", strike: open }, times, S, sigma, now);
          if (!up.ok || !down.ok || !above.ok || !below.ok) throw new Error("unexpected error");
          expect(Math.abs(up.value.probability + down.value.probability - 1)).toBeLessThan(1e-12);
          expect(Math.abs(above.value.probability + below.value.probability - 1)).toBeLessThan(1e-12);
          for (const v of [up, down, above, below]) {
            expect(v.value.probability).toBeGreaterThanOrEqual(0);
            expect(v.value.probability).toBeLessThanOrEqual(1);
            expect(v.value.probVolPerSqrtSecond).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
