import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs } from "../src/index.js";

describe("retry policy", () => {
  const policy = (r: number) => ({ ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000, random: () => r });

  it("backs off exponentially with equal jitter, capped", () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, policy(0)))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, policy(0.999999)))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("never retries sooner than Retry-After", () => {
    expect(retryDelayMs(1, policy(0.5), 3_000)).toBe(3_000);
    expect(retryDelayMs(5, policy(1), 10)).toBe(1_000);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-23T12:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter("1.5", now)).toBe(1_500);
    expect(parseRetryAfter(["2"], now)).toBe(2_000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 12:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("retries 5xx, 425 and 429 only", () => {
    expect([500, 502, 503, 504, 425, 429].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });
});
