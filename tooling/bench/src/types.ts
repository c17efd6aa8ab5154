/** One row of `bench-results.json`. */
export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  /** The candidate's figure, in `unit`. */
  readonly value: number;
  /** The same-run baseline's figure, in `unit` (null when the goal is absolute only). */
  readonly baseline: number | null;
  /** value ÷ baseline, oriented so that higher is better (see `BenchSpec.better`). */
  readonly ratio: number | null;
  /** Human-readable target, e.g. `ratio >= 0.75; value >= 400000`. */
  readonly target: string;
  readonly pass: boolean;
  /** Free-form extra figures (p99, memory, counts) and the correctness cross-check. */
  readonly details?: Readonly<Record<string, number | string | boolean>>;
}

export interface Target {
  /** Minimum (higher-is-better) ratio of candidate to baseline. */
  readonly minRatio?: number;
  /** Bounds on the candidate's own value, in its unit. */
  readonly minValue?: number;
  readonly maxValue?: number;
}

export interface BenchContext {
  /** True in the smoke run that the test suite executes: tiny inputs, no timing claims. */
  readonly smoke: boolean;
  /** Scale an input size down in smoke mode: `ctx.n(1_000_000)` → 1e6 normally, small when smoking. */
  n(full: number, smokeSize?: number): number;
}

/** What a bench case measures; `measure` must also cross-check correctness and throw on mismatch. */
export interface BenchSpec {
  readonly name: string;
  readonly unit: string;
  /** Whether a higher `value` is better (throughput) or a lower one (latency, bytes). */
  readonly better: "higher" | "lower";
  readonly target: Target;
  measure(ctx: BenchContext): Promise<Measured> | Measured;
}

export interface Measured {
  readonly value: number;
  readonly baseline?: number;
  readonly details?: Readonly<Record<string, number | string | boolean>>;
}
