/**
 * Gateway policy configuration with the venue's published defaults (POLYMARKET.md §10). Every
 * field is optional in `GatewayPolicyInput`; `resolvePolicy` fills defaults and validates.
 */
import type { WindowLimit } from "./internal/window-limiter.js";

const SEC = 1_000;
const MIN = 60 * SEC;

export interface RateLimitPolicy {
  /** Requests to `POST /order`. */
  readonly postOrder: readonly WindowLimit[];
  /** Requests to `POST /orders` (batch). */
  readonly postOrders: readonly WindowLimit[];
  /** Requests to `DELETE /order`. */
  readonly deleteOrder: readonly WindowLimit[];
  /** Requests to `DELETE /orders` (batch). */
  readonly deleteOrders: readonly WindowLimit[];
  /** Per-signer order bucket: 1 per order placed, N per batch of N. */
  readonly orderBucket: readonly WindowLimit[];
  /** Per-signer cancel bucket: 1 per order cancelled, N per batch of N. */
  readonly cancelBucket: readonly WindowLimit[];
  /** Reads (SYNC and place verification). Unlike writes they are not planned ahead: every attempt waits for room. */
  readonly getOrders: readonly WindowLimit[];
  readonly getTrades: readonly WindowLimit[];
  readonly getOrder: readonly WindowLimit[];
  readonly getBalance: readonly WindowLimit[];
}

export interface RetryPolicy {
  /** Attempts in total (first try included) for retryable failures. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** CANCEL_ALL is the safety call: it gets more attempts. */
  readonly cancelAllMaxAttempts: number;
}

export interface VerifyPolicy {
  /** Queries of the venue for a PLACE whose answer was lost, before OUTCOME_UNKNOWN. */
  readonly attempts: number;
  /** Delay before each query (the venue may still be processing the order). */
  readonly delayMs: number;
}

export interface SheddingPolicy {
  /** Fraction of the configured limits used while the venue warns (`Poly-RateLimit-Warning`). */
  readonly warningFactor: number;
  /** How long a warning keeps the reduced limits in force. */
  readonly warningHoldMs: number;
  /** A PLACE that waited longer than this for rate-limit room is rejected (`rate_limited`) instead of sent: its quote is stale. */
  readonly maxPlaceQueueMs: number;
}

export interface GatewayPolicy {
  readonly rateLimits: RateLimitPolicy;
  readonly retry: RetryPolicy;
  readonly verify: VerifyPolicy;
  readonly shedding: SheddingPolicy;
  /** Orders per `POST /orders` (venue maximum 15). */
  readonly maxBatchPlace: number;
  /** Orders per `DELETE /orders`. */
  readonly maxBatchCancel: number;
  /** Batch when more than one PLACE (CANCEL) is ready. */
  readonly batching: boolean;
  /** CANCEL_ALL clears queued PLACEs (each answered with a PLACE_REJECT). */
  readonly cancelAllClearsPlaces: boolean;
}

export const DEFAULT_RATE_LIMITS: RateLimitPolicy = {
  postOrder: [
    { limit: 3_500, windowMs: 10 * SEC },
    { limit: 36_000, windowMs: 10 * MIN },
  ],
  postOrders: [
    { limit: 1_000, windowMs: 10 * SEC },
    { limit: 15_000, windowMs: 10 * MIN },
  ],
  deleteOrder: [
    { limit: 3_000, windowMs: 10 * SEC },
    { limit: 30_000, windowMs: 10 * MIN },
  ],
  deleteOrders: [
    { limit: 1_000, windowMs: 10 * SEC },
    { limit: 15_000, windowMs: 10 * MIN },
  ],
  // Tier sizes of the per-signer buckets are not published; default to the single-order limits.
  orderBucket: [
    { limit: 3_500, windowMs: 10 * SEC },
    { limit: 36_000, windowMs: 10 * MIN },
  ],
  cancelBucket: [
    { limit: 3_000, windowMs: 10 * SEC },
    { limit: 30_000, windowMs: 10 * MIN },
  ],
  // Published read limits (POLYMARKET.md §10): `/data/orders` 500, `/data/trades` 500, the
  // "/trades, /orders, /order" ledger 900, `GET balance-allowance` 200 per 10 s. Authenticated reads
  // are reported to throttle earlier in practice [M]: lower these if 429s show up on reads.
  getOrders: [{ limit: 500, windowMs: 10 * SEC }],
  getTrades: [{ limit: 500, windowMs: 10 * SEC }],
  getOrder: [{ limit: 900, windowMs: 10 * SEC }],
  getBalance: [{ limit: 200, windowMs: 10 * SEC }],
};

export const DEFAULT_POLICY: GatewayPolicy = {
  rateLimits: DEFAULT_RATE_LIMITS,
  retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000, cancelAllMaxAttempts: 8 },
  verify: { attempts: 3, delayMs: 250 },
  shedding: { warningFactor: 0.5, warningHoldMs: 10 * SEC, maxPlaceQueueMs: 2 * SEC },
  maxBatchPlace: 15,
  maxBatchCancel: 15,
  batching: true,
  cancelAllClearsPlaces: true,
};

export interface GatewayPolicyInput {
  readonly rateLimits?: Partial<RateLimitPolicy>;
  readonly retry?: Partial<RetryPolicy>;
  readonly verify?: Partial<VerifyPolicy>;
  readonly shedding?: Partial<SheddingPolicy>;
  readonly maxBatchPlace?: number;
  readonly maxBatchCancel?: number;
  readonly batching?: boolean;
  readonly cancelAllClearsPlaces?: boolean;
}

function positiveInt(name: string, v: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(`${name} must be an integer in [1, ${max}], got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  return v;
}

/** Fills defaults and validates; throws RangeError on nonsense (configuration is trusted input, checked once). */
export function resolvePolicy(input: GatewayPolicyInput = {}): GatewayPolicy {
  const rateLimits: RateLimitPolicy = { ...DEFAULT_RATE_LIMITS, ...input.rateLimits };
  for (const [k, limits] of Object.entries(rateLimits) as [string, readonly WindowLimit[]][]) {
    for (const l of limits) {
      positiveInt(`rateLimits.${k}.limit`, l.limit);
      if (!(l.windowMs > 0)) throw new RangeError(`rateLimits.${k}.windowMs must be positive`);
    }
  }
  const retry: RetryPolicy = { ...DEFAULT_POLICY.retry, ...input.retry };
  positiveInt("retry.maxAttempts", retry.maxAttempts, 100);
  positiveInt("retry.cancelAllMaxAttempts", retry.cancelAllMaxAttempts, 100);
  nonNegative("retry.baseDelayMs", retry.baseDelayMs);
  nonNegative("retry.maxDelayMs", retry.maxDelayMs);
  const verify: VerifyPolicy = { ...DEFAULT_POLICY.verify, ...input.verify };
  positiveInt("verify.attempts", verify.attempts, 100);
  nonNegative("verify.delayMs", verify.delayMs);
  const shedding: SheddingPolicy = { ...DEFAULT_POLICY.shedding, ...input.shedding };
  if (!(shedding.warningFactor > 0 && shedding.warningFactor <= 1)) throw new RangeError("shedding.warningFactor must be in (0, 1]");
  nonNegative("shedding.warningHoldMs", shedding.warningHoldMs);
  nonNegative("shedding.maxPlaceQueueMs", shedding.maxPlaceQueueMs);
  return {
    rateLimits,
    retry,
    verify,
    shedding,
    maxBatchPlace: positiveInt("maxBatchPlace", input.maxBatchPlace ?? DEFAULT_POLICY.maxBatchPlace, 15),
    maxBatchCancel: positiveInt("maxBatchCancel", input.maxBatchCancel ?? DEFAULT_POLICY.maxBatchCancel, 1_000),
    batching: input.batching ?? DEFAULT_POLICY.batching,
    cancelAllClearsPlaces: input.cancelAllClearsPlaces ?? DEFAULT_POLICY.cancelAllClearsPlaces,
  };
}
