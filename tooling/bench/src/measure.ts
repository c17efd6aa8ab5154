/**
 * Timing primitives. Method (../shared/PERFORMANCE.md §4): warm up, then the median of several
 * repetitions, candidate and baseline interleaved on identical in-memory inputs, so that the ratio
 * is stable even when the VM's absolute speed drifts by ±30% between runs.
 */

export interface MeasureOptions {
  /** Repetitions whose median is reported (default 5). */
  readonly reps?: number;
  /** Warm-up repetitions, discarded (default 2). */
  readonly warmup?: number;
}

/** Nanoseconds per operation of one call of `body`, which performs `ops` operations. */
export function nsPerOp(body: () => void, ops: number): number {
  const start = process.hrtime.bigint();
  body();
  const elapsed = Number(process.hrtime.bigint() - start);
  return elapsed / ops;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

/**
 * Runs candidate and baseline alternately (warm-up first) and returns the median ns/op of each.
 * Interleaving means both see the same machine state; the median discards GC outliers.
 */
export function compareNsPerOp(
  candidate: () => void,
  baseline: () => void,
  ops: number,
  options: MeasureOptions = {},
): { candidateNs: number; baselineNs: number } {
  const reps = options.reps ?? 5;
  const warmup = options.warmup ?? 2;
  for (let i = 0; i < warmup; i++) {
    candidate();
    baseline();
  }
  const c: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps; i++) {
    c.push(nsPerOp(candidate, ops));
    b.push(nsPerOp(baseline, ops));
  }
  return { candidateNs: median(c), baselineNs: median(b) };
}

/** Median ns/op of a single body (no baseline), with warm-up. */
export function measureNsPerOp(body: () => void, ops: number, options: MeasureOptions = {}): number {
  const reps = options.reps ?? 5;
  const warmup = options.warmup ?? 2;
  for (let i = 0; i < warmup; i++) body();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) samples.push(nsPerOp(body, ops));
  return median(samples);
}

/** Latency distribution of `count` calls of `once`, in ns, sorted ascending. */
export function sampleLatencies(once: (i: number) => void, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    once(i);
    out[i] = Number(process.hrtime.bigint() - t0);
  }
  return out.sort();
}
