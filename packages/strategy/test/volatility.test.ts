import { describe, expect, it } from "vitest";
import { annualToPerSqrtSecond, EwmaVolatility } from "../src/index.js";
import { gbmPath } from "./support/random.js";

describe("EwmaVolatility", () => {
  it("starts at the prior, within floor and cap", () => {
    const v = new EwmaVolatility({ initialAnnualVol: 0.6 });
    expect(v.estimate().annualized).toBeCloseTo(0.6, 12);
    expect(v.estimate().samples).toBe(0);
    expect(new EwmaVolatility({ initialAnnualVol: 10, capAnnualVol: 4 }).estimate().annualized).toBeCloseTo(4, 12);
  });

  it.each([
    { annual: 0.4, minDtMs: 250, meanExtraMs: 200, seed: 1 },
    { annual: 0.4, minDtMs: 250, meanExtraMs: 3000, seed: 2 },
    { annual: 1.5, minDtMs: 300, meanExtraMs: 800, seed: 3 },
  ])("recovers σ=$annual of a GBM path sampled at irregular times (min $minDtMs ms + Exp($meanExtraMs ms))", (c) => {
    const sigma = annualToPerSqrtSecond(c.annual);
    const v = new EwmaVolatility({ initialAnnualVol: 0.6, halfLifeMs: 1_800_000 });
    const path = gbmPath({
      seed: c.seed,
      sigmaPerSqrtSecond: sigma,
      s0: 100_000,
      durationMs: 6 * 3_600_000,
      minDtMs: c.minDtMs,
      meanExtraMs: c.meanExtraMs,
    });
    for (const { at, price } of path) v.observe(price, at);
    const est = v.estimate();
    expect(est.samples).toBeGreaterThan(1000);
    expect(Math.abs(est.annualized / c.annual - 1)).toBeLessThan(0.15);
    expect(est.lastSampleAt).toBe(path[path.length - 1]?.at);
  });

  it("decays towards the floor on a flat price and saturates at the cap on wild moves", () => {
    const flat = new EwmaVolatility({ floorAnnualVol: 0.2, halfLifeMs: 10_000 });
    for (let i = 0; i <= 1000; i++) flat.observe(100, i * 1000);
    expect(flat.estimate().annualized).toBeCloseTo(0.2, 10);
    const wild = new EwmaVolatility({ capAnnualVol: 3, halfLifeMs: 10_000, clipSigmas: 100, minJumpReturn: 1 });
    for (let i = 0; i <= 1000; i++) wild.observe(i % 2 === 0 ? 100 : 110, i * 1000);
    expect(wild.estimate().annualized).toBeCloseTo(3, 10);
  });

  it("records a jump with its size in σ and does not record normal moves", () => {
    const sigma = annualToPerSqrtSecond(0.5);
    const v = new EwmaVolatility({ initialAnnualVol: 0.5, jumpSigmas: 8, minJumpReturn: 0.0015 });
    const path = gbmPath({ seed: 7, sigmaPerSqrtSecond: sigma, s0: 100_000, durationMs: 600_000, minDtMs: 250, meanExtraMs: 500 });
    for (const { at, price } of path) v.observe(price, at);
    expect(v.estimate().lastJump).toBeUndefined();
    const last = path[path.length - 1] as { at: number; price: number };
    v.observe(last.price * 1.01, last.at + 500);
    const jump = v.estimate().lastJump;
    expect(jump?.at).toBe(last.at + 500);
    expect(jump?.logReturn).toBeCloseTo(Math.log(1.01), 12);
    expect(jump?.sigmas).toBeGreaterThan(8);
    expect(v.stats().jumps).toBe(1);
  });

  it("flags a jump at once even between samples, and counts one move once", () => {
    const v = new EwmaVolatility({ initialAnnualVol: 0.5, minSampleIntervalMs: 250 });
    v.observe(100_000, 0);
    expect(v.observe(101_000, 100)).toBe("too_soon"); // +1 % within 100 ms
    expect(v.estimate().lastJump).toMatchObject({ at: 100 });
    expect(v.estimate().samples).toBe(0);
    v.observe(101_000, 200);
    expect(v.observe(101_000, 300)).toBe("absorbed");
    expect(v.estimate().lastJump?.at).toBe(300);
    expect(v.stats().jumps).toBe(1);
    v.observe(101_010, 600);
    expect(v.estimate().lastJump?.at).toBe(300);
  });

  it("clips one outlier's contribution to clip² × the current rate", () => {
    const v = new EwmaVolatility({ initialAnnualVol: 0.5, clipSigmas: 6, halfLifeMs: 1000, capAnnualVol: 100, minSampleIntervalMs: 0 });
    v.observe(100, 0);
    v.observe(200, 1000); // a doubling in 1 s; α = ½
    const prior = annualToPerSqrtSecond(0.5) ** 2;
    expect(v.estimate().sigmaPerSqrtSecond ** 2).toBeCloseTo(0.5 * prior + 0.5 * 36 * prior, 18);
  });

  it("counts and skips invalid, out-of-order, too-soon and duplicate inputs; re-anchors after a gap", () => {
    const v = new EwmaVolatility({ minSampleIntervalMs: 250, maxGapMs: 10_000 });
    expect(v.observe(100, 1000)).toBe("anchored");
    expect(v.observe(Number.NaN, 2000)).toBe("rejected_invalid");
    expect(v.observe(0, 2000)).toBe("rejected_invalid");
    expect(v.observe(100, Number.POSITIVE_INFINITY)).toBe("rejected_invalid");
    expect(v.observe(101, 500)).toBe("rejected_out_of_order");
    expect(v.observe(101, 1100)).toBe("too_soon");
    expect(v.observe(101, 1300)).toBe("absorbed");
    expect(v.observe(150, 20_000)).toBe("gap_reset");
    expect(v.estimate().samples).toBe(1);
    const snap = { symbol: "BTCUSDT", bid: 149, ask: 151, mid: 150, receivedAt: 21_000, updateCount: 9 };
    expect(v.observeSnapshot(snap)).toBe("absorbed");
    expect(v.observeSnapshot(snap)).toBe("duplicate");
    expect(v.observeSnapshot({ ...snap, bid: 152, updateCount: 10, receivedAt: 22_000 })).toBe("rejected_invalid");
    expect(v.stats()).toMatchObject({ absorbed: 2, rejectedInvalid: 4, rejectedOutOfOrder: 1, tooSoon: 1, duplicates: 1, gapResets: 1 });
  });

  it("uses the exchange time when configured and present", () => {
    const v = new EwmaVolatility({ timestamp: "exchange" });
    v.observeSnapshot({ symbol: "X", bid: 99, ask: 101, mid: 100, receivedAt: 5000, exchangeTime: 4000, updateCount: 1 });
    expect(v.estimate().lastSampleAt).toBe(4000);
  });

  it("rejects an invalid config with every problem listed", () => {
    expect(() => new EwmaVolatility({ halfLifeMs: 0, floorAnnualVol: 5, capAnnualVol: 1 })).toThrow(
      /halfLifeMs.*floorAnnualVol must not exceed/,
    );
  });
});
