import { describe, expect, it } from "vitest";
import { compareNsPerOp, median, percentile } from "../src/measure.js";
import { formatTable, runBenches, toResult } from "../src/run.js";
import type { BenchSpec } from "../src/types.js";

describe("bench harness", () => {
  it("orients ratios so that higher is better for both throughput and latency", () => {
    const throughput: BenchSpec = { name: "t", unit: "op/s", better: "higher", target: { minRatio: 0.75 }, measure: () => ({ value: 0 }) };
    const latency: BenchSpec = { name: "l", unit: "ns", better: "lower", target: { minRatio: 2 }, measure: () => ({ value: 0 }) };
    expect(toResult(throughput, { value: 80, baseline: 100 })).toMatchObject({ ratio: 0.8, pass: true });
    expect(toResult(throughput, { value: 70, baseline: 100 })).toMatchObject({ ratio: 0.7, pass: false });
    expect(toResult(latency, { value: 50, baseline: 100 })).toMatchObject({ ratio: 2, pass: true });
    expect(toResult(latency, { value: 60, baseline: 100 }).pass).toBe(false);
  });

  it("checks absolute bounds and reports them in the target text", () => {
    const spec: BenchSpec = { name: "abs", unit: "us", better: "lower", target: { maxValue: 100 }, measure: () => ({ value: 0 }) };
    expect(toResult(spec, { value: 99 })).toMatchObject({ pass: true, target: "value <= 100", baseline: null, ratio: null });
    expect(toResult(spec, { value: 101 }).pass).toBe(false);
  });

  it("turns a throwing case (failed cross-check) into a failed row instead of aborting the run", async () => {
    const specs: BenchSpec[] = [
      {
        name: "bad",
        unit: "x",
        better: "higher",
        target: {},
        measure: () => {
          throw new Error("top of book differs");
        },
      },
      { name: "good", unit: "x", better: "higher", target: {}, measure: (ctx) => ({ value: ctx.n(1000) }) },
    ];
    const results = await runBenches(specs, { smoke: true });
    expect(results[0]).toMatchObject({ name: "bad", pass: false, details: { error: "top of book differs" } });
    expect(results[1]).toMatchObject({ name: "good", value: 1, pass: true });
    expect(formatTable(results)).toContain("FAIL");
  });

  it("filters by --only pattern", async () => {
    const mk = (name: string): BenchSpec => ({ name, unit: "x", better: "higher", target: {}, measure: () => ({ value: 1 }) });
    const results = await runBenches([mk("book/apply"), mk("decode/frame")], { only: /book/ });
    expect(results.map((r) => r.name)).toEqual(["book/apply"]);
  });

  it("measures medians and percentiles", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    let sink = 0;
    const { candidateNs, baselineNs } = compareNsPerOp(
      () => {
        for (let i = 0; i < 1000; i++) sink += i;
      },
      () => {
        for (let i = 0; i < 1000; i++) sink -= i;
      },
      1000,
      { reps: 3, warmup: 1 },
    );
    expect(candidateNs).toBeGreaterThan(0);
    expect(baselineNs).toBeGreaterThan(0);
    expect(Number.isFinite(sink)).toBe(true);
  });
});
