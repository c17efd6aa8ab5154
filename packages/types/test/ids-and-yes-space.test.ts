import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  complementPrice,
  freeCollateral,
  ManualClock,
  parseConditionId,
  parseOrderId,
  parseTokenId,
  parseTradeId,
  sellableSize,
  toYesSpace,
  tokenId,
  yesSpaceRoutes,
  type Price,
  type Size,
  type TokenPosition,
  type Usdc,
} from "../src/index.js";

describe("ids", () => {
  it("accepts 78-digit token ids as strings and rejects numbers beyond uint256", () => {
    const big = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    expect(parseTokenId(big)).toEqual({ ok: true, value: big });
    expect(parseTokenId("9".repeat(78)).ok).toBe(false);
    expect(parseTokenId("").ok).toBe(false);
    expect(parseTokenId("12a").ok).toBe(false);
    expect(parseTokenId("012").ok).toBe(false);
    expect(parseTokenId("1".repeat(79)).ok).toBe(false);
  });

  it("normalizes hex ids to lowercase and rejects wrong lengths", () => {
    const upper = `0x${"AB".repeat(32)}`;
    expect(parseConditionId(upper)).toEqual({ ok: true, value: upper.toLowerCase() });
    expect(parseOrderId("0x1234").ok).toBe(false);
    expect(parseTradeId("83b5c849-2f2a-4f2a-9c5e-0d8b1b0c3a11").ok).toBe(true);
    expect(parseTradeId("has space").ok).toBe(false);
    expect(() => tokenId("x")).toThrow(/invalid TokenId/);
  });
});

describe("YES-space mapping", () => {
  const priceArb = fc.integer({ min: 1, max: 9_999 }).map((p) => p as Price);

  it("complement is an involution", () => {
    fc.assert(
      fc.property(priceArb, (p) => {
        expect(complementPrice(complementPrice(p))).toBe(p);
      }),
    );
  });

  it("both routes of a YES-space quote map back to the same intent side and price", () => {
    fc.assert(
      fc.property(fc.constantFrom("BID" as const, "ASK" as const), priceArb, (side, p) => {
        const { direct, complement } = yesSpaceRoutes(side, p);
        expect(toYesSpace(direct.outcome, direct.side, direct.price)).toEqual({ intentSide: side, price: p });
        expect(toYesSpace(complement.outcome, complement.side, complement.price)).toEqual({ intentSide: side, price: p });
        expect(direct.outcome).toBe("YES");
        expect(complement.outcome).toBe("NO");
        expect(direct.side).not.toBe(complement.side);
      }),
    );
  });

  it("a YES bid is BUY YES or SELL NO; a YES ask is SELL YES or BUY NO", () => {
    expect(yesSpaceRoutes("BID", 4_500 as Price)).toEqual({
      direct: { outcome: "YES", side: "BUY", price: 4_500 },
      complement: { outcome: "NO", side: "SELL", price: 5_500 },
    });
    expect(yesSpaceRoutes("ASK", 4_500 as Price).complement).toEqual({ outcome: "NO", side: "BUY", price: 5_500 });
  });
});

describe("sellableSize", () => {
  it("never counts pending buys, subtracts pending sells and reservations, never negative", () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(1e9), fc.nat(1e9), fc.nat(2e9), (settled, pendingIn, pendingOut, reserved) => {
        const pos: TokenPosition = {
          tokenId: tokenId("1"),
          settled: settled as Size,
          pending: pendingIn - pendingOut,
          pendingOut: pendingOut as Size,
          reserved: reserved as Size,
        };
        const s = sellableSize(pos);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBe(Math.max(0, settled - pendingOut - reserved));
        // an unsettled BUY never makes room for a SELL, however large
        expect(sellableSize({ ...pos, pending: pos.pending + 1e9 })).toBe(s);
      }),
    );
  });

  it("a pending BUY does not mask a pending SELL (netting bug regression)", () => {
    // settled 10, sold 10 (unsettled), bought 10 (unsettled): nothing is sellable until the buy settles
    const pos: TokenPosition = { tokenId: tokenId("1"), settled: 10 as Size, pending: 0, pendingOut: 10 as Size, reserved: 0 as Size };
    expect(sellableSize(pos)).toBe(0);
    expect(freeCollateral({ settled: 100 as Usdc, pending: 0, pendingOut: 40 as Usdc, reserved: 50 as Usdc })).toBe(10);
  });
});

describe("ManualClock", () => {
  it("fires timers in time order, including timers set by timers", () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`c@${clock.now()}`));
    const b = clock.setTimer(20, () => fired.push("b"));
    clock.setTimer(10, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(5, () => fired.push(`a2@${clock.now()}`));
    });
    clock.clearTimer(b);
    clock.advance(25);
    expect(fired).toEqual(["a@1010", "a2@1015"]);
    expect(clock.now()).toBe(1_025);
    clock.advance(10);
    expect(fired).toEqual(["a@1010", "a2@1015", "c@1030"]);
    expect(() => clock.advanceTo(0)).toThrow(RangeError);
  });
});

describe("ManualClock ordering (property)", () => {
  it("fires exactly the uncancelled timers, in (time, creation) order, at their own times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 50 }), cancel: fc.boolean() }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 5 }),
        (specs, steps) => {
          const clock = new ManualClock(0);
          const fired: { id: number; at: number; now: number }[] = [];
          const handles = specs.map((s, i) => ({
            ...s,
            at: s.delay,
            i,
            h: clock.setTimer(s.delay, () => fired.push({ id: i, at: s.delay, now: clock.now() })),
          }));
          for (const t of handles) if (t.cancel) clock.clearTimer(t.h);
          let total = 0;
          for (const step of steps) {
            total += step;
            clock.advance(step);
          }
          const expected = handles
            .filter((t) => !t.cancel && t.at <= total)
            .sort((a, b) => a.at - b.at || a.i - b.i)
            .map((t) => t.i);
          expect(fired.map((f) => f.id)).toEqual(expected);
          for (const f of fired) expect(f.now).toBe(f.at);
          expect(clock.pendingTimers).toBe(handles.filter((t) => !t.cancel && t.at > total).length);
        },
      ),
    );
  });
});
