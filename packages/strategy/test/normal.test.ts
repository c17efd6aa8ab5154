import { describe, expect, it } from "vitest";
import { normalCdf, normalPdf } from "../src/index.js";

// Φ(x) from scipy.stats.norm.cdf (double precision, Cody's erfc), i.e. ½·erfc(−x/√2).
const GOLDEN: readonly (readonly [number, number])[] = [
  [-10, 7.61985302416047e-24],
  [-8, 6.22096057427174e-16],
  [-7.5, 3.1908916729108844e-14],
  [-7.07, 7.746684865636453e-13],
  [-6, 9.865876450376946e-10],
  [-5, 2.866515718791933e-7],
  [-4, 3.167124183311986e-5],
  [-3, 0.0013498980316300933],
  [-2.5, 0.006209665325776132],
  [-2, 0.022750131948179195],
  [-1.96, 0.024997895148220435],
  [-1.5, 0.06680720126885807],
  [-1, 0.15865525393145707],
  [-0.5, 0.3085375387259869],
  [-0.25, 0.4012936743170763],
  [-0.1, 0.460172162722971],
  [0, 0.5],
  [0.1, 0.539827837277029],
  [0.25, 0.5987063256829237],
  [0.5, 0.6914624612740131],
  [1, 0.8413447460685429],
  [1.5, 0.9331927987311419],
  [1.96, 0.9750021048517795],
  [2, 0.9772498680518208],
  [2.5, 0.9937903346742238],
  [3, 0.9986501019683699],
  [4, 0.9999683287581669],
  [5, 0.9999997133484281],
  [6, 0.9999999990134123],
  [7.5, 0.9999999999999681],
  [8, 0.9999999999999993],
];

/** Independent oracle: the Taylor series of erf, exact to ~1e-16 for |x| ≤ 3. */
function cdfBySeries(x: number): number {
  const z = x / Math.SQRT2;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= (-z * z) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-18) break;
  }
  return 0.5 + sum / Math.sqrt(Math.PI);
}

describe("normalCdf", () => {
  it.each(GOLDEN)("Φ(%d) matches the closed-form value to 1e-12 absolute", (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-12);
  });

  it("keeps relative precision in the far left tail (≤ 1e-7 relative)", () => {
    for (const [x, expected] of GOLDEN) if (x <= -4) expect(Math.abs(normalCdf(x) - expected) / expected).toBeLessThan(1e-7);
  });

  it("agrees with an independent erf series on a fine grid of [−3, 3] to 1e-13", () => {
    let worst = 0;
    for (let x = -3; x <= 3; x += 0.001) worst = Math.max(worst, Math.abs(normalCdf(x) - cdfBySeries(x)));
    expect(worst).toBeLessThan(1e-13);
  });

  it("is symmetric, Φ(x) + Φ(−x) = 1, and monotone", () => {
    let prev = 0;
    for (let x = -40; x <= 40; x += 0.01) {
      const v = normalCdf(x);
      expect(Math.abs(v + normalCdf(-x) - 1)).toBeLessThan(1e-15);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });

  it("handles the extremes and NaN", () => {
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(-38)).toBe(0);
    expect(normalCdf(38)).toBe(1);
    expect(Number.isNaN(normalCdf(Number.NaN))).toBe(true);
  });

  it("normalPdf integrates to Φ (trapezoid on [−1, 1])", () => {
    let area = 0;
    const h = 1e-4;
    for (let x = -1; x < 1 - h / 2; x += h) area += ((normalPdf(x) + normalPdf(x + h)) / 2) * h;
    expect(Math.abs(area - (normalCdf(1) - normalCdf(-1)))).toBeLessThan(1e-9);
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
  });
});
