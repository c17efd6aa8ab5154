import type { BenchContext, BenchResult, BenchSpec, Measured, Target } from "./types.js";

export function defineBenches(specs: readonly BenchSpec[]): readonly BenchSpec[] {
  return specs;
}

function contextFor(smoke: boolean): BenchContext {
  return {
    smoke,
    n: (full, smokeSize) => (smoke ? (smokeSize ?? Math.max(1, Math.min(full, Math.ceil(full / 1000)))) : full),
  };
}

export function describeTarget(target: Target): string {
  const parts: string[] = [];
  if (target.minRatio !== undefined) parts.push(`ratio >= ${target.minRatio}`);
  if (target.minValue !== undefined) parts.push(`value >= ${target.minValue}`);
  if (target.maxValue !== undefined) parts.push(`value <= ${target.maxValue}`);
  return parts.join("; ") || "reported";
}

export function toResult(spec: BenchSpec, measured: Measured): BenchResult {
  const baseline = measured.baseline ?? null;
  let ratio: number | null = null;
  if (baseline !== null && baseline !== 0 && measured.value !== 0) {
    ratio = spec.better === "higher" ? measured.value / baseline : baseline / measured.value;
  }
  const { minRatio, minValue, maxValue } = spec.target;
  const pass =
    Number.isFinite(measured.value) &&
    (minRatio === undefined || (ratio !== null && ratio >= minRatio)) &&
    (minValue === undefined || measured.value >= minValue) &&
    (maxValue === undefined || measured.value <= maxValue);
  return {
    name: spec.name,
    unit: spec.unit,
    value: round(measured.value),
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio),
    target: describeTarget(spec.target),
    pass,
    ...(measured.details ? { details: measured.details } : {}),
  };
}

function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 3 : 6;
  return Number(x.toFixed(digits));
}

/** Runs the specs in order; a spec that throws (e.g. a failed correctness cross-check) fails its row. */
export async function runBenches(
  specs: readonly BenchSpec[],
  options: { smoke?: boolean; only?: RegExp; onResult?: (r: BenchResult) => void } = {},
): Promise<BenchResult[]> {
  const ctx = contextFor(options.smoke ?? false);
  const results: BenchResult[] = [];
  for (const spec of specs) {
    if (options.only && !options.only.test(spec.name)) continue;
    let result: BenchResult;
    try {
      result = toResult(spec, await spec.measure(ctx));
    } catch (error) {
      result = {
        name: spec.name,
        unit: spec.unit,
        value: Number.NaN,
        baseline: null,
        ratio: null,
        target: describeTarget(spec.target),
        pass: false,
        details: { error: error instanceof Error ? error.message : String(error) },
      };
    }
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

export function formatTable(results: readonly BenchResult[]): string {
  const header = ["benchmark", "value", "unit", "baseline", "ratio", "target", "pass"];
  const rows = results.map((r) => [
    r.name,
    String(r.value),
    r.unit,
    r.baseline === null ? "-" : String(r.baseline),
    r.ratio === null ? "-" : `${r.ratio}x`,
    r.target,
    r.pass ? "PASS" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/**
 * For a package's test suite: run its benches in smoke mode (tiny inputs) so they never rot.
 * Returns the results; the caller asserts that every row produced a finite value.
 */
export function smokeRun(specs: readonly BenchSpec[]): Promise<BenchResult[]> {
  return runBenches(specs, { smoke: true });
}
