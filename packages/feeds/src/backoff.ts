/**
 * Reconnect / retry delays: exponential with jitter, with floors that configuration cannot undercut,
 * so no setting turns a failing connection into a tight loop.
 */

export interface BackoffOptions {
  /** First delay (ms). Floor: `MIN_INITIAL_DELAY_MS`. Default 500. */
  readonly initialMs: number;
  /** Cap (ms). Floor: max(initialMs, `MIN_MAX_DELAY_MS`). Default 30,000. */
  readonly maxMs: number;
  /** Growth per attempt. Clamped to [1.5, 10]. Default 2. */
  readonly factor: number;
  /** Fraction of the delay randomized away (0 = none, 1 = full jitter). Clamped to [0, 0.5] so a delay never drops below half. Default 0.2. */
  readonly jitter: number;
}

export const MIN_INITIAL_DELAY_MS = 50;
export const MIN_MAX_DELAY_MS = 1_000;

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Applies the floors; the result is what `backoffDelay` uses. */
export function normalizeBackoff(partial: Partial<BackoffOptions> = {}): BackoffOptions {
  const num = (v: unknown, d: number): number => (typeof v === "number" && Number.isFinite(v) ? v : d);
  const initialMs = Math.max(MIN_INITIAL_DELAY_MS, num(partial.initialMs, DEFAULT_BACKOFF.initialMs));
  const maxMs = Math.max(initialMs, MIN_MAX_DELAY_MS, num(partial.maxMs, DEFAULT_BACKOFF.maxMs));
  const factor = Math.min(10, Math.max(1.5, num(partial.factor, DEFAULT_BACKOFF.factor)));
  const jitter = Math.min(0.5, Math.max(0, num(partial.jitter, DEFAULT_BACKOFF.jitter)));
  return { initialMs, maxMs, factor, jitter };
}

/** Delay before retry number `attempt` (0-based): min(max, initial × factor^attempt) × (1 − jitter × u), u ∈ [0, 1). */
export function backoffDelay(options: BackoffOptions, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(options.maxMs, options.initialMs * options.factor ** Math.min(Math.max(0, attempt), 64));
  const u = Math.min(Math.max(random(), 0), 1);
  return Math.max(MIN_INITIAL_DELAY_MS * (1 - options.jitter), Math.round(exp * (1 - options.jitter * u)));
}
