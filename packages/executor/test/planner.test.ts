import { price, size, type TickSize } from "@mm/types";
import { describe, expect, it } from "vitest";
import { plan } from "../src/index.js";
import { CID, coll, input, intent, LIMITS, market, NO, pos, YES } from "./fixtures.js";

const brief = (p: ReturnType<typeof plan>) => ({
  orders: p.orders.map((o) => `${o.side} ${o.outcome} ${o.size / 1e6}@${o.price / 1e4} ${o.route} L${o.level}`),
  residuals: p.residuals.map((r) => `${r.intentSide} L${r.level} ${r.size / 1e6} ${r.reason}`),
});

describe("planner: tick rounding (bids down, asks up, never worse for us)", () => {
  it("rounds onto a 0.01 grid and routes without inventory to BUY YES / BUY NO", () => {
    const p = plan(input({ intent: intent([["0.4567", "10"]], [["0.5233", "10"]]) }));
    expect(p.tickSize).toBe(100);
    expect(p.conditionId).toBe(CID);
    // bid 0.4567 → 0.45; ask 0.5233 → 0.53 → BUY NO @ 1 − 0.53 = 0.47
    expect(brief(p).orders).toEqual(["BUY YES 10@0.45 direct L0", "BUY NO 10@0.47 complement L0"]);
    expect(p.residuals).toEqual([]);
  });

  it("uses the market's current tick: after a change to 0.001 the same intent lands on the finer grid", () => {
    const p = plan(input({ intent: intent([["0.4567", "10"]], [["0.5233", "10"]]), market: market({ tickSize: 10 as TickSize }) }));
    expect(brief(p).orders).toEqual(["BUY YES 10@0.456 direct L0", "BUY NO 10@0.476 complement L0"]);
  });

  it("handles 0.005 and 0.0025 grids with price % tick, not decimal counts", () => {
    const p5 = plan(input({ intent: intent([["0.4567", "10"]], [["0.5233", "10"]]), market: market({ tickSize: 50 as TickSize }) }));
    expect(brief(p5).orders).toEqual(["BUY YES 10@0.455 direct L0", "BUY NO 10@0.475 complement L0"]);
    const p25 = plan(input({ intent: intent([["0.4567", "10"]], [["0.5233", "10"]]), market: market({ tickSize: 25 as TickSize }) }));
    // 0.0025 grid: 0.4567 → 0.4550 (0.4575 would be higher), ask 0.5233 → 0.5250 → BUY NO @ 0.4750
    expect(brief(p25).orders).toEqual(["BUY YES 10@0.455 direct L0", "BUY NO 10@0.475 complement L0"]);
    for (const o of p5.orders) expect(o.price % 50).toBe(0);
    for (const o of p25.orders) expect(o.price % 25).toBe(0);
  });

  it("coarser tick: a 0.505 quote becomes 0.50 bid / 0.51 ask on the 0.01 grid", () => {
    const p = plan(input({ intent: intent([["0.505", "10"]], [["0.505", "10"]]) }));
    // bid rounds down to 0.50, ask up to 0.51: never crossing into a worse price.
    expect(brief(p).orders).toEqual(["BUY YES 10@0.5 direct L0", "BUY NO 10@0.49 complement L0"]);
  });

  it("enforces [tick, 1 − tick]: safe-direction clamps, otherwise price_out_of_range residuals", () => {
    const p = plan(
      input({
        intent: intent(
          [
            ["0.999", "10"], // bid above 0.99 → lowered to 0.99 (less aggressive, safe)
            ["0.005", "6"], // rounds down to 0.00 → out of range
          ],
          [],
        ),
      }),
    );
    expect(brief(p).orders).toEqual(["BUY YES 10@0.99 direct L0"]);
    expect(brief(p).residuals).toEqual(["BID L1 6 price_out_of_range"]);
    const a = plan(
      input({
        intent: intent(
          [],
          [
            ["0.996", "7"],
            ["0.004", "8"],
          ],
        ),
        yes: pos(YES, "100"),
      }),
    );
    // ask 0.996 → rounds up to 1.00: cannot be expressed; ask 0.004 → raised to 0.01 (safe).
    expect(brief(a).orders).toEqual(["SELL YES 8@0.01 direct L1"]);
    expect(brief(a).residuals).toEqual(["ASK L0 7 price_out_of_range"]);
  });

  it("merges levels that round onto the same price and never plans a self-cross", () => {
    const merged = plan(
      input({
        intent: intent(
          [
            ["0.459", "3"],
            ["0.451", "3"],
          ],
          [],
        ),
      }),
    );
    // 3 + 3 at 0.45: each alone is below the 5-share minimum, merged they are a legal order.
    expect(brief(merged).orders).toEqual(["BUY YES 6@0.45 direct L0"]);
    const crossed = plan(input({ intent: intent([["0.55", "10"]], [["0.55", "10"]]) }));
    expect(crossed.orders).toEqual([]);
    expect(brief(crossed).residuals).toEqual(["BID L0 10 price_out_of_range", "ASK L0 10 price_out_of_range"]);
  });
});

describe("planner: minimum order size (law F)", () => {
  it("a 4.99-share intent becomes an explicit residual, never an order; 5 shares is an order", () => {
    const small = plan(input({ intent: intent([["0.40", "4.99"]], []) }));
    expect(small.orders).toEqual([]);
    expect(brief(small).residuals).toEqual(["BID L0 4.99 below_min_size"]);
    const five = plan(input({ intent: intent([["0.40", "5"]], []) }));
    expect(brief(five).orders).toEqual(["BUY YES 5@0.4 direct L0"]);
  });

  it("respects a market's own minimum (here 15 shares)", () => {
    const p = plan(input({ intent: intent([["0.40", "10"]], []), market: market({ minOrderSize: size("15") }) }));
    expect(brief(p).residuals).toEqual(["BID L0 10 below_min_size"]);
  });

  it("floors sizes to the 0.01-share lot and reports the dust", () => {
    const p = plan(input({ intent: intent([["0.40", "10.005"]], []) }));
    expect(brief(p).orders).toEqual(["BUY YES 10@0.4 direct L0"]);
    expect(brief(p).residuals).toEqual(["BID L0 0.005 below_min_size"]);
  });
});

describe("planner: reduce-first complement routing with settled inventory only (law E)", () => {
  it("YES ask with 20 settled YES is a SELL YES", () => {
    const p = plan(input({ intent: intent([], [["0.60", "10"]]), yes: pos(YES, "20") }));
    expect(brief(p).orders).toEqual(["SELL YES 10@0.6 direct L0"]);
  });

  it("splits one leg across both routes: 12 settled YES, ask 20 → SELL YES 12 + BUY NO 8 @ 0.40", () => {
    const p = plan(input({ intent: intent([], [["0.60", "20"]]), yes: pos(YES, "12") }));
    expect(brief(p).orders).toEqual(["SELL YES 12@0.6 direct L0", "BUY NO 8@0.4 complement L0"]);
  });

  it("each part must reach the minimum: 7 settled YES, ask 10 → SELL 7, the other 3 is a residual", () => {
    const p = plan(input({ intent: intent([], [["0.60", "10"]]), yes: pos(YES, "7") }));
    expect(brief(p).orders).toEqual(["SELL YES 7@0.6 direct L0"]);
    expect(brief(p).residuals).toEqual(["ASK L0 3 below_min_size"]);
  });

  it("inventory below the minimum is not sold: 3 settled YES, ask 10 → BUY NO 10", () => {
    const p = plan(input({ intent: intent([], [["0.60", "10"]]), yes: pos(YES, "3") }));
    expect(brief(p).orders).toEqual(["BUY NO 10@0.4 complement L0"]);
  });

  it("pending (MATCHED) buys do not back a SELL; pending sells and reservations reduce it", () => {
    const pendingBuy = plan(input({ intent: intent([], [["0.60", "10"]]), yes: pos(YES, "0", 10_000_000) }));
    expect(brief(pendingBuy).orders).toEqual(["BUY NO 10@0.4 complement L0"]);
    // settled 20, sold 4 not yet settled, 6 reserved by an order we cannot reuse → 10 sellable
    const p = plan(input({ intent: intent([], [["0.60", "15"]]), yes: pos(YES, "20", -4_000_000, "6") }));
    expect(brief(p).orders).toEqual(["SELL YES 10@0.6 direct L0", "BUY NO 5@0.4 complement L0"]);
  });

  it("YES bid with settled NO is a SELL NO at 1 − p; inventory is consumed level by level", () => {
    const p = plan(
      input({
        intent: intent(
          [
            ["0.45", "10"],
            ["0.44", "10"],
          ],
          [],
        ),
        no: pos(NO, "14"),
      }),
    );
    // L0: SELL NO 10 @ 0.55; L1: 4 NO left (< 5) → BUY YES 10 @ 0.44
    expect(brief(p).orders).toEqual(["SELL NO 10@0.55 complement L0", "BUY YES 10@0.44 direct L1"]);
  });

  it("complement price of a SELL NO rounds so that the YES-space bid is never higher than asked", () => {
    const p = plan(input({ intent: intent([["0.4567", "10"]], []), no: pos(NO, "10") }));
    // YES bid rounds down to 0.45 → SELL NO @ 0.55 (selling NO higher = bidding YES lower).
    expect(brief(p).orders).toEqual(["SELL NO 10@0.55 complement L0"]);
  });
});

describe("planner: collateral and risk caps", () => {
  it("BUYs fit free collateral (settled + outflows − reservations)", () => {
    // 3 USDC free, bid 10 @ 0.45 (4.50) → 6.66 shares, 3.34 residual
    const p = plan(input({ intent: intent([["0.45", "10"]], []), collateral: coll("3") }));
    expect(brief(p).orders).toEqual(["BUY YES 6.66@0.45 direct L0"]);
    expect(brief(p).residuals).toEqual(["BID L0 3.34 insufficient_collateral"]);
    // 3 settled, 1 reserved by an order we cannot reuse, 0.5 pending outflow → 1.5 free → 3.33 < 5
    const q = plan(input({ intent: intent([["0.45", "10"]], []), collateral: coll("3", -500_000, "1") }));
    expect(q.orders).toEqual([]);
    expect(brief(q).residuals).toEqual(["BID L0 10 insufficient_collateral"]);
  });

  it("collateral is shared by both sides, best levels first (bid 0, ask 0, bid 1 …)", () => {
    // 10 USDC: L0 bid 10@0.40 = 4.00, L0 ask → BUY NO 10@0.40 = 4.00, L1 bid 10@0.39 → only 2.00 left → 5.12
    const p = plan(
      input({
        intent: intent(
          [
            ["0.40", "10"],
            ["0.39", "10"],
          ],
          [["0.60", "10"]],
        ),
        collateral: coll("10"),
      }),
    );
    expect(brief(p).orders).toEqual(["BUY YES 10@0.4 direct L0", "BUY NO 10@0.4 complement L0", "BUY YES 5.12@0.39 direct L1"]);
    expect(brief(p).residuals).toEqual(["BID L1 4.88 insufficient_collateral"]);
  });

  it("caps BUYs by max position per token (counting exposure it cannot reuse)", () => {
    const p = plan(
      input({
        intent: intent([["0.40", "10"]], []),
        yes: pos(YES, "15"),
        limits: { ...LIMITS, maxPositionPerToken: size("25") },
        locked: { yesBuy: 4_000_000, noBuy: 0, notional: 0 },
      }),
    );
    // room = 25 − 15 − 4 = 6
    expect(brief(p).orders).toEqual(["BUY YES 6@0.4 direct L0"]);
    expect(brief(p).residuals).toEqual(["BID L0 4 risk_limit"]);
  });

  it("caps by gross YES + NO and by working notional", () => {
    const gross = plan(
      input({
        intent: intent([["0.40", "10"]], []),
        no: pos(NO, "0", 0),
        yes: pos(YES, "12"),
        limits: { ...LIMITS, maxGrossPosition: size("20") },
      }),
    );
    expect(brief(gross).orders).toEqual(["BUY YES 8@0.4 direct L0"]);
    const notional = plan(input({ intent: intent([["0.50", "10"]], []), limits: { ...LIMITS, maxWorkingNotional: 3_000_000 } }));
    expect(brief(notional).orders).toEqual(["BUY YES 6@0.5 direct L0"]);
    expect(brief(notional).residuals).toEqual(["BID L0 4 risk_limit"]);
  });

  it("every planned order is legal: on grid, in range, ≥ min size, lot-sized", () => {
    const p = plan(
      input({
        intent: intent(
          [
            ["0.3333", "17.777"],
            ["0.2", "5"],
          ],
          [["0.6666", "9.99"]],
        ),
        yes: pos(YES, "6"),
      }),
    );
    for (const o of p.orders) {
      expect(o.price % 100).toBe(0);
      expect(o.price).toBeGreaterThanOrEqual(100);
      expect(o.price).toBeLessThanOrEqual(9900);
      expect(o.size).toBeGreaterThanOrEqual(size("5"));
      expect(o.size % 10_000).toBe(0);
    }
  });

  it("counts NaN / negative levels as invalid instead of planning them", () => {
    const bad = intent([["0.40", "10"]], []);
    const p = plan(
      input({
        intent: {
          ...bad,
          bids: [
            { price: Number.NaN as never, size: size("5") },
            { price: price("0.4"), size: -1 as never },
          ],
        },
      }),
    );
    expect(p.invalidLevels).toBe(2);
    expect(p.orders).toEqual([]);
  });
});
