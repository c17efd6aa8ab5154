/**
 * Token buckets per route (POLYMARKET.md §10: limits per 10 s window), on the injected clock. The
 * venue throttles first and answers 429 `{"error":"Too Many Requests"}` with Retry-After when a
 * bucket is empty; here an empty bucket always answers 429 (the simulator does not queue).
 */
export interface BucketSpec {
  /** Requests allowed per window (the bucket's capacity). */
  readonly limit: number;
  readonly windowMs: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  readonly spec: BucketSpec;
}

/** Documented per-10 s limits for the routes the simulator serves (subset of §10). */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, BucketSpec>> = {
  "GET /book": { limit: 1500, windowMs: 10_000 },
  "POST /books": { limit: 500, windowMs: 10_000 },
  "GET /price": { limit: 1500, windowMs: 10_000 },
  "GET /midpoint": { limit: 1500, windowMs: 10_000 },
  "GET /tick-size": { limit: 200, windowMs: 10_000 },
  "GET /ok": { limit: 100, windowMs: 10_000 },
  "GET /balance-allowance": { limit: 200, windowMs: 10_000 },
  "GET /data/orders": { limit: 500, windowMs: 10_000 },
  "GET /data/trades": { limit: 500, windowMs: 10_000 },
  "POST /order": { limit: 3500, windowMs: 10_000 },
  "DELETE /order": { limit: 3000, windowMs: 10_000 },
  "POST /orders": { limit: 1000, windowMs: 10_000 },
  "DELETE /orders": { limit: 1000, windowMs: 10_000 },
  "DELETE /cancel-all": { limit: 250, windowMs: 10_000 },
  "*": { limit: 9000, windowMs: 10_000 },
};

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly specs: Map<string, BucketSpec>;
  /** Requests rejected with 429, per route. */
  readonly limited = new Map<string, number>();

  constructor(
    specs: Readonly<Record<string, BucketSpec>>,
    private readonly now: () => number,
    public enabled = true,
  ) {
    this.specs = new Map(Object.entries(specs));
  }

  /** Replaces (or adds) a route's limit; resets its bucket. */
  setLimit(route: string, spec: BucketSpec): void {
    this.specs.set(route, spec);
    this.buckets.delete(route);
  }

  /** Takes `cost` tokens; returns 0 when allowed, else the seconds until enough tokens refill. */
  take(route: string, cost = 1): number {
    if (!this.enabled) return 0;
    const key = this.specs.has(route) ? route : "*";
    const spec = this.specs.get(key);
    if (spec === undefined) return 0;
    const now = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: spec.limit, updatedAt: now, spec };
      this.buckets.set(key, b);
    }
    const rate = spec.limit / spec.windowMs;
    b.tokens = Math.min(spec.limit, b.tokens + (now - b.updatedAt) * rate);
    b.updatedAt = now;
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    this.limited.set(route, (this.limited.get(route) ?? 0) + 1);
    return Math.max(1, Math.ceil((cost - b.tokens) / rate / 1000));
  }
}

/** Per-signer order/cancel buckets (POLYMARKET.md §10, warning mode from 2026-07-24). */
export interface SignerLimits {
  readonly order: BucketSpec;
  readonly cancel: BucketSpec;
  /** "warn": never reject, flag with `Poly-RateLimit-Warning: true`; "enforce": 429 + Retry-After (whole batch). */
  readonly mode: "warn" | "enforce";
}

export type SignerBucket = "order" | "cancel";

export class SignerLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Over-limit requests per bucket (warned or rejected). */
  readonly overLimit = { order: 0, cancel: 0 };

  constructor(
    readonly limits: SignerLimits,
    private readonly now: () => number,
  ) {}

  private bucket(signer: string, kind: SignerBucket): Bucket {
    const key = `${kind}|${signer}`;
    const spec = this.limits[kind];
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: spec.limit, updatedAt: this.now(), spec };
      this.buckets.set(key, b);
    }
    const now = this.now();
    b.tokens = Math.min(spec.limit, b.tokens + (now - b.updatedAt) * (spec.limit / spec.windowMs));
    b.updatedAt = now;
    return b;
  }

  /**
   * Charges `cost`; returns 0 when within the limit, else the seconds until it would be. In "warn"
   * mode the cost is charged anyway (the bucket may go negative) and the caller only flags.
   */
  take(signer: string, kind: SignerBucket, cost: number): number {
    const b = this.bucket(signer, kind);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    this.overLimit[kind]++;
    const wait = Math.max(1, Math.ceil((cost - b.tokens) / (b.spec.limit / b.spec.windowMs) / 1000));
    if (this.limits.mode === "warn") b.tokens -= cost;
    return wait;
  }

  /** Unconditional extra charge known only after execution (cancel-all: 1 + cancelled). */
  charge(signer: string, kind: SignerBucket, cost: number): void {
    if (cost > 0) this.bucket(signer, kind).tokens -= cost;
  }
}
