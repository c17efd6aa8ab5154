/**
 * Client-side rate limiting that mirrors a venue limit of the form "at most `limit` units in any
 * `windowMs`". A classic token bucket of capacity C refilled at C per window lets 2C through in
 * some window (a full bucket plus a window of refill), which would overrun the venue's limit; this
 * sliding-window log is the exact form: it keeps the times of the last `limit` units in a ring and
 * admits `cost` more at `now` only if the (limit − cost + 1)-th most recent unit left the window.
 * O(1) per decision, memory `limit` doubles. Pure: time is passed in.
 */
export interface WindowLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export class WindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly times: Float64Array;
  /** Index of the next write. */
  private head = 0;
  /** Units recorded so far, capped at `limit`. */
  private filled = 0;

  constructor(spec: WindowLimit) {
    if (!Number.isInteger(spec.limit) || spec.limit < 1) throw new RangeError(`limit must be a positive integer, got ${spec.limit}`);
    if (!(spec.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${spec.windowMs}`);
    this.limit = spec.limit;
    this.windowMs = spec.windowMs;
    this.times = new Float64Array(spec.limit);
  }

  /**
   * Milliseconds to wait before `cost` units fit under an effective limit of `effectiveLimit`
   * (≤ limit; used for load shedding); 0 when they fit now; Infinity when they never can.
   */
  waitMs(now: number, cost: number, effectiveLimit: number = this.limit): number {
    const lim = Math.min(this.limit, Math.floor(effectiveLimit));
    if (cost < 1) return 0;
    if (cost > lim) return Number.POSITIVE_INFINITY;
    // The unit that must have left the window: the (lim - cost + 1)-th most recent.
    const back = lim - cost + 1;
    if (back > this.filled) return 0;
    const t = this.times[(this.head - back + this.limit * 2) % this.limit] as number;
    const free = t + this.windowMs;
    return free <= now ? 0 : free - now;
  }

  /** Records `cost` units at `now`. Callers check `waitMs` first; `record` does not refuse. */
  record(now: number, cost: number): void {
    for (let i = 0; i < cost; i++) {
      this.times[this.head] = now;
      this.head = (this.head + 1) % this.limit;
      if (this.filled < this.limit) this.filled++;
    }
  }

  /** Units recorded in (now − windowMs, now]. For metrics and tests; O(limit). */
  countInWindow(now: number): number {
    let n = 0;
    for (let i = 1; i <= this.filled; i++) {
      const t = this.times[(this.head - i + this.limit * 2) % this.limit] as number;
      if (t > now - this.windowMs) n++;
      else break;
    }
    return n;
  }
}

/** Several limits that must all hold (e.g. burst 3,500/10 s and sustained 36,000/10 min). */
export class LimiterSet {
  private readonly limiters: readonly WindowLimiter[];

  constructor(limits: readonly WindowLimit[]) {
    this.limiters = limits.map((l) => new WindowLimiter(l));
  }

  /** Largest cost that could ever fit (the smallest limit, after shedding). */
  maxCost(shedFactor = 1): number {
    let m = Number.POSITIVE_INFINITY;
    for (const l of this.limiters) m = Math.min(m, Math.max(1, Math.floor(l.limit * shedFactor)));
    return m;
  }

  /** Largest cost ≤ `want` that fits right now (0 if none). */
  available(now: number, want: number, shedFactor = 1): number {
    let best = Math.min(want, this.maxCost(shedFactor));
    while (best > 0 && this.waitMs(now, best, shedFactor) > 0) best--;
    return best;
  }

  waitMs(now: number, cost: number, shedFactor = 1): number {
    let w = 0;
    for (const l of this.limiters) w = Math.max(w, l.waitMs(now, cost, Math.max(1, l.limit * shedFactor)));
    return w;
  }

  record(now: number, cost: number): void {
    for (const l of this.limiters) l.record(now, cost);
  }

  countsInWindow(now: number): number[] {
    return this.limiters.map((l) => l.countInWindow(now));
  }
}
