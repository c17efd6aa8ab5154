/**
 * The retry policy as a pure decision. What may be retried depends on whether the failed call
 * could have executed:
 *  - 425 (engine restart), 429 (rate limited) and connection failures before the request was
 *    written did not execute: any call may be retried (429 after the venue's Retry-After).
 *  - 5xx, timeouts and connections lost after sending may have executed: only idempotent calls
 *    (reads, cancels, cancel-all, heartbeats) are retried. A PLACE is never resent: the caller
 *    queries the venue for its order id (the EIP-712 hash) instead (`verify`).
 */
import type { RetryPolicy } from "./config.js";

/** What came back from one attempt, as far as the retry policy cares. */
export type AttemptFailure =
  | { readonly kind: "status"; readonly status: number; readonly retryAfterMs?: number }
  | { readonly kind: "timeout" }
  | { readonly kind: "network"; readonly sent: boolean };

export type RetryDecision =
  | { readonly action: "retry"; readonly delayMs: number }
  /** Not retryable and the call may have executed: find out (PLACE) or report unknown. */
  | { readonly action: "verify" }
  /** Not retryable, or out of attempts, and the call did not execute. */
  | { readonly action: "fail" };

/** True when the failure proves the call did not execute. */
export function notExecuted(f: AttemptFailure): boolean {
  if (f.kind === "network") return !f.sent;
  if (f.kind === "timeout") return false;
  return f.status === 425 || f.status === 429;
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. `random` in [0, 1). */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">, random: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(random, 0), 0.999999));
}

/**
 * Decision after the `attempt`-th failed attempt (1-based) of a call.
 * `idempotent`: repeating the call cannot do harm twice (GETs, cancels, cancel-all, heartbeats).
 */
export function decideRetry(
  failure: AttemptFailure,
  attempt: number,
  idempotent: boolean,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  maxAttempts: number,
  random: number,
): RetryDecision {
  const safe = notExecuted(failure);
  const transient = safe || failure.kind !== "status" || failure.status >= 500;
  if (!transient) return { action: "fail" };
  if (!safe && !idempotent) return { action: "verify" };
  if (attempt >= maxAttempts) return safe ? { action: "fail" } : { action: "verify" };
  let delay = backoffMs(attempt, policy, random);
  if (failure.kind === "status" && failure.retryAfterMs !== undefined) delay = Math.max(delay, failure.retryAfterMs);
  return { action: "retry", delayMs: delay };
}

/**
 * `Retry-After` (delta seconds or HTTP date) and/or a body's `retry_after_seconds` → ms.
 * Untrusted input: negative, NaN or absurd (> 1 h) values are ignored.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number, bodySeconds?: unknown): number | undefined {
  const cap = 3_600_000;
  if (header !== undefined && header.trim() !== "") {
    const h = header.trim();
    if (/^\d+(\.\d+)?$/.test(h)) {
      const ms = Math.round(Number(h) * 1000);
      if (ms <= cap) return ms;
    } else {
      const at = Date.parse(h);
      if (Number.isFinite(at)) {
        const ms = Math.max(0, at - nowMs);
        if (ms <= cap) return ms;
      }
    }
  }
  if (typeof bodySeconds === "number" && Number.isFinite(bodySeconds) && bodySeconds >= 0 && bodySeconds * 1000 <= cap) {
    return Math.round(bodySeconds * 1000);
  }
  if (typeof bodySeconds === "string" && /^\d+(\.\d+)?$/.test(bodySeconds) && Number(bodySeconds) * 1000 <= cap) {
    return Math.round(Number(bodySeconds) * 1000);
  }
  return undefined;
}
