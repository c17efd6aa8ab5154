/**
 * Retry policy of the REST clients: 5xx, 425, 429, network errors and timeouts are retried with
 * exponential backoff and jitter; a 429's Retry-After is honoured (never retried sooner); every
 * other 4xx fails at once. Waiting is done on the injected `Clock` and aborts with the caller's
 * signal.
 */
import type { Clock } from "@mm/types";

export interface RetryPolicy {
  /** Attempts including the first. Default 4. */
  readonly maxAttempts: number;
  /** Backoff before the 2nd attempt; doubles per attempt. Default 200 ms. */
  readonly baseDelayMs: number;
  /** Cap of one backoff. Default 5 s. */
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails (retryable) at once. Default 30 s. */
  readonly maxRetryAfterMs: number;
  /** Uniform random in [0, 1) for the jitter (injectable for deterministic tests). */
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
  random: Math.random,
};

/** Statuses worth another attempt: server errors, "too early" (engine restart), rate limiting. */
export const isRetryableStatus = (status: number): boolean => status >= 500 || status === 429 || status === 425;

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): "equal jitter" — half the exponential
 * step fixed, half random — so retries spread out but never collapse to zero. A Retry-After is a floor.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = step / 2 + policy.random() * (step / 2);
  return Math.ceil(retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered));
}

/** `Retry-After` header (delta seconds or an HTTP date) → ms from `nowMs`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const text = v.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Waits `ms` on `clock`; rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimer(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
