import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LimiterSet, WindowLimiter } from "../src/index.js";

describe("WindowLimiter", () => {
  it("admits exactly `limit` in a window, then waits until the oldest leaves", () => {
    const l = new WindowLimiter({ limit: 3, windowMs: 1000 });
    for (let i = 0; i < 3; i++) {
      expect(l.waitMs(100 + i, 1)).toBe(0);
      l.record(100 + i, 1);
    }
    expect(l.waitMs(102, 1)).toBe(998);
    expect(l.waitMs(1100, 1)).toBe(0);
    expect(l.waitMs(1100, 2)).toBe(1);
    expect(l.waitMs(1100, 4)).toBe(Number.POSITIVE_INFINITY);
  });

  it("property: a caller that obeys waitMs never exceeds the limit in any window, and is never refused when room exists", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 10, max: 500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (limit, windowMs, steps, shed) => {
          const l = new WindowLimiter({ limit, windowMs });
          const eff = Math.max(1, Math.floor(limit * shed));
          const events: number[] = [];
          let now = 0;
          for (const [dt, cost] of steps) {
            now += dt;
            const w = l.waitMs(now, cost, eff);
            const inWindow = events.filter((t) => t > now - windowMs).length;
            if (cost > eff) {
              expect(w).toBe(Number.POSITIVE_INFINITY);
              continue;
            }
            // Exact: admitted iff it fits (no false refusals of the ring's effective limit).
            if (inWindow + cost <= eff) expect(w).toBe(0);
            else expect(w).toBeGreaterThan(0);
            if (w === 0) {
              l.record(now, cost);
              for (let i = 0; i < cost; i++) events.push(now);
            }
            // Invariant: no window ever holds more than the configured limit.
            expect(events.filter((t) => t > now - windowMs).length).toBeLessThanOrEqual(limit);
            expect(l.countInWindow(now)).toBe(Math.min(limit, events.filter((t) => t > now - windowMs).length));
          }
        },
      ),
    );
  });

  it("property: waiting the announced time always makes room", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 100 }),
        (limit, costs) => {
          const l = new WindowLimiter({ limit, windowMs: 100 });
          let now = 0;
          let admitted = 0;
          for (const c0 of costs) {
            const c = Math.min(c0, limit);
            const w = l.waitMs(now, c);
            now += w;
            expect(l.waitMs(now, c)).toBe(0);
            l.record(now, c);
            admitted += c;
          }
          // Any sliding window of 100 ms held at most `limit` units (checked via the ring).
          expect(l.countInWindow(now)).toBeLessThanOrEqual(limit);
          expect(admitted).toBeGreaterThan(0);
        },
      ),
    );
  });

  it("LimiterSet enforces burst and sustained together", () => {
    const s = new LimiterSet([
      { limit: 5, windowMs: 100 },
      { limit: 8, windowMs: 1000 },
    ]);
    let now = 0;
    let sent = 0;
    while (now < 1000) {
      if (s.waitMs(now, 1) === 0) {
        s.record(now, 1);
        sent++;
      }
      now += 1;
    }
    expect(sent).toBe(8);
    expect(s.available(999, 15)).toBe(0);
    expect(s.available(1000, 15)).toBe(1);
    expect(s.available(1005, 15)).toBe(5);
  });
});
