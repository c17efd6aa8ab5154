import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AttemptFailure, backoffMs, decideRetry, notExecuted, parseRetryAfter } from "../src/index.js";

const P = { baseDelayMs: 100, maxDelayMs: 5_000 };

describe("decideRetry", () => {
  const cases: readonly [string, AttemptFailure, boolean, string][] = [
    ["425 on a PLACE is retried (engine restart, nothing executed)", { kind: "status", status: 425 }, false, "retry"],
    ["429 on a PLACE is retried", { kind: "status", status: 429 }, false, "retry"],
    ["500 on a PLACE is verified, never resent", { kind: "status", status: 500 }, false, "verify"],
    ["timeout on a PLACE is verified, never resent", { kind: "timeout" }, false, "verify"],
    ["connection lost after sending a PLACE is verified", { kind: "network", sent: true }, false, "verify"],
    ["connection refused before sending a PLACE is retried", { kind: "network", sent: false }, false, "retry"],
    ["500 on a cancel is retried", { kind: "status", status: 502 }, true, "retry"],
    ["timeout on a read is retried", { kind: "timeout" }, true, "retry"],
    ["400 is never retried", { kind: "status", status: 400 }, true, "fail"],
  ];
  it.each(cases)("%s", (_name, f, idempotent, action) => {
    expect(decideRetry(f, 1, idempotent, P, 4, 0.5).action).toBe(action);
  });

  it("honours Retry-After when longer than the backoff", () => {
    const d = decideRetry({ kind: "status", status: 429, retryAfterMs: 3_000 }, 1, false, P, 4, 0.5);
    expect(d).toEqual({ action: "retry", delayMs: 3_000 });
  });

  it("out of attempts: fail when nothing executed, verify when it may have", () => {
    expect(decideRetry({ kind: "status", status: 425 }, 4, false, P, 4, 0).action).toBe("fail");
    expect(decideRetry({ kind: "timeout" }, 4, true, P, 4, 0).action).toBe("verify");
  });

  it("property: a non-idempotent call is never retried unless the failure proves it did not execute", () => {
    const failure = fc.oneof(
      fc.record({ kind: fc.constant("status" as const), status: fc.integer({ min: 400, max: 599 }) }),
      fc.constant({ kind: "timeout" as const }),
      fc.record({ kind: fc.constant("network" as const), sent: fc.boolean() }),
    );
    fc.assert(
      fc.property(failure, fc.integer({ min: 1, max: 10 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (f, attempt, r) => {
        const d = decideRetry(f, attempt, false, P, 10, r);
        if (d.action === "retry") expect(notExecuted(f)).toBe(true);
      }),
    );
  });

  it("property: backoff is within [exp/2, exp] and capped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const exp = Math.min(P.maxDelayMs, P.baseDelayMs * 2 ** (attempt - 1));
        const d = backoffMs(attempt, P, r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(exp / 2));
        expect(d).toBeLessThanOrEqual(exp);
      }),
    );
  });
});

describe("parseRetryAfter", () => {
  it("reads delta seconds, HTTP dates and the body's retry_after_seconds", () => {
    expect(parseRetryAfter("2", 0)).toBe(2_000);
    expect(parseRetryAfter("0.5", 0)).toBe(500);
    const now = Date.parse("2026-11-23T12:00:00Z");
    expect(parseRetryAfter("Mon, 23 Nov 2026 12:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter(undefined, 0, 7)).toBe(7_000);
    expect(parseRetryAfter(undefined, 0, "3")).toBe(3_000);
  });
  it("ignores garbage and absurd values", () => {
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    expect(parseRetryAfter("-1", 0)).toBeUndefined();
    expect(parseRetryAfter("999999", 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0, Number.NaN)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0, -3)).toBeUndefined();
  });
});
