/**
 * Typed failures of the REST clients. A cancelled call never becomes one of these: the caller's
 * `AbortSignal.reason` is rethrown as is, so cancellation is never mistaken for (or hidden behind)
 * a venue failure.
 */

export type ApiErrorReason =
  /** The venue answered with a non-2xx status (see `status` and `venueMessage`). */
  | "http_status"
  /** Connection refused / reset / DNS failure before a complete response. */
  | "network"
  /** No complete response within the per-attempt timeout. */
  | "timeout"
  /** A 2xx response that is not JSON or does not match the wire schema. */
  | "invalid_response"
  /** The response body exceeded `maxResponseBytes`. */
  | "response_too_large"
  /** A paginated walk did not terminate (repeated cursor, a page of only already-seen items, page cap). */
  | "pagination";

export interface ApiErrorDetails {
  readonly reason: ApiErrorReason;
  readonly method: string;
  /** Origin + path (+ query); public market-data URLs carry no secrets. */
  readonly url: string;
  readonly status?: number;
  /** The venue's own error text (`{"error": "..."}`), truncated. */
  readonly venueMessage?: string;
  /** Attempts made, including the first. */
  readonly attempts: number;
  /** Whether another attempt later could succeed (5xx, 429, network, timeout). */
  readonly retryable: boolean;
  /** The venue's Retry-After, when it sent one (ms). */
  readonly retryAfterMs?: number;
  readonly detail?: string;
  readonly cause?: unknown;
}

export class PolymarketApiError extends Error {
  override readonly name = "PolymarketApiError";
  readonly reason: ApiErrorReason;
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly venueMessage: string | undefined;
  readonly attempts: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(d: ApiErrorDetails) {
    super(describe(d), d.cause === undefined ? undefined : { cause: d.cause });
    this.reason = d.reason;
    this.method = d.method;
    this.url = d.url;
    this.status = d.status;
    this.venueMessage = d.venueMessage;
    this.attempts = d.attempts;
    this.retryable = d.retryable;
    this.retryAfterMs = d.retryAfterMs;
  }
}

function describe(d: ApiErrorDetails): string {
  const what =
    d.reason === "http_status"
      ? `HTTP ${d.status ?? "?"}${d.venueMessage === undefined ? "" : `: ${d.venueMessage}`}`
      : `${d.reason.replace("_", " ")}${d.detail === undefined ? "" : `: ${d.detail}`}`;
  return `${d.method} ${d.url} failed (${what}) after ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`;
}

export const isPolymarketApiError = (e: unknown): e is PolymarketApiError => e instanceof PolymarketApiError;
