/**
 * Parameter sweeps over worker threads: a grid of config values (dotted paths → candidate values) is
 * expanded to its cartesian product; each worker reads the binary tape once and runs its share of
 * the points; the answer is one table, in grid order, whatever the thread count or timing.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BacktestSummary } from "./summary.js";

export interface SweepRow {
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly pnlTotal: number;
  readonly pnlAtResolution: number;
  readonly fills: number;
  readonly fillRatio: number;
  readonly markout10s: number | null;
  readonly places: number;
  readonly cancels: number;
  readonly fillsHash: string;
  readonly error?: string;
}

export interface SweepTable {
  readonly tape: string;
  readonly points: number;
  readonly rows: readonly SweepRow[];
}

/** Cartesian product of the grid, keys in sorted order (the first key varies slowest). */
export function expandGrid(grid: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  const keys = Object.keys(grid).sort();
  let out: Record<string, unknown>[] = [{}];
  for (const k of keys) {
    const values = grid[k];
    if (!Array.isArray(values) || values.length === 0) throw new RangeError(`grid.${k} must be a non-empty array`);
    const next: Record<string, unknown>[] = [];
    for (const p of out) for (const v of values) next.push({ ...p, [k]: v });
    out = next;
  }
  return out;
}

/** A deep copy of `base` with `path` ("strategy.options.minHalfSpread") set to `value`. */
export function withParam(base: unknown, path: string, value: unknown): unknown {
  const parts = path.split(".");
  if (parts.some((p) => p === "" || p === "__proto__" || p === "constructor" || p === "prototype"))
    throw new RangeError(`bad grid key "${path}"`);
  const root = structuredClone(base) as Record<string, unknown>;
  let cur: Record<string, unknown> = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i] as string;
    const next = cur[k];
    if (next === undefined || next === null || typeof next !== "object") cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
  return root;
}

export function sweepRow(index: number, params: Record<string, unknown>, s: BacktestSummary): SweepRow {
  return {
    index,
    params,
    pnlTotal: s.pnl.total,
    pnlAtResolution: s.pnl.atResolution,
    fills: s.fills.count,
    fillRatio: s.fillRatio,
    markout10s: s.markouts.find((m) => m.horizonMs === 10_000)?.meanPerShare ?? null,
    places: s.churn.places,
    cancels: s.churn.cancels,
    fillsHash: s.fillsHash,
  };
}

export interface SweepOptions {
  readonly tapePath: string;
  /** The run config as JSON (the CLI's config file), before grid values are applied. */
  readonly baseConfig: unknown;
  readonly grid: Readonly<Record<string, readonly unknown[]>>;
  readonly workers?: number;
}

export async function runSweep(options: SweepOptions): Promise<SweepTable> {
  const points = expandGrid(options.grid);
  const configs = points.map((p) => Object.entries(p).reduce((c, [k, v]) => withParam(c, k, v), options.baseConfig));
  const n = Math.max(1, Math.min(options.workers ?? availableParallelism(), points.length));
  const rows: (SweepRow | undefined)[] = new Array(points.length);
  // From sources (tests, `pnpm start`) the worker registers tsx itself: loader flags in a worker's
  // execArgv are not honoured by Node 20.
  const fromSource = import.meta.url.endsWith(".ts");
  const workerUrl = new URL(fromSource ? "./sweep-worker.ts" : "./sweep-worker.js", import.meta.url);
  const execArgv = fromSource ? ["--conditions=@mm/source"] : [];
  const spawn = (): Worker =>
    fromSource
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); });`,
          { eval: true, workerData: { tapePath: options.tapePath }, execArgv },
        )
      : new Worker(workerUrl, { workerData: { tapePath: options.tapePath }, execArgv });
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolveWorker, rejectWorker) => {
      const w = spawn();
      const feed = () => {
        if (next >= points.length) {
          void w.terminate();
          resolveWorker();
          return;
        }
        const index = next++;
        w.postMessage({ index, config: configs[index] });
      };
      w.on("message", (m: { index: number; summary?: BacktestSummary; error?: string }) => {
        const params = points[m.index] as Record<string, unknown>;
        rows[m.index] =
          m.summary !== undefined
            ? sweepRow(m.index, params, m.summary)
            : {
                index: m.index,
                params,
                pnlTotal: 0,
                pnlAtResolution: 0,
                fills: 0,
                fillRatio: 0,
                markout10s: null,
                places: 0,
                cancels: 0,
                fillsHash: "",
                error: m.error ?? "unknown error",
              };
        feed();
      });
      w.on("error", rejectWorker);
      w.on("online", feed);
    });
  await Promise.all(Array.from({ length: n }, runWorker));
  return { tape: options.tapePath, points: points.length, rows: rows.map((r, i) => r ?? sweepFailure(i, points[i] ?? {})) };
}

const sweepFailure = (index: number, params: Record<string, unknown>): SweepRow => ({
  index,
  params,
  pnlTotal: 0,
  pnlAtResolution: 0,
  fills: 0,
  fillRatio: 0,
  markout10s: null,
  places: 0,
  cancels: 0,
  fillsHash: "",
  error: "no result",
});
