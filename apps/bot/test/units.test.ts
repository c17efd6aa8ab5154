import type { ConditionId, GatewayResult, OrderId, Price, Size, TokenId, TradeId, UserFillEvent } from "@mm/types";
import { describe, expect, it } from "vitest";
import { DryRunGateway } from "../src/dry-run-gateway.js";
import { windowStartFromSlug } from "../src/market-selection.js";
import { PnlTracker } from "../src/pnl.js";
import { RunClock } from "../src/run-clock.js";

const CID = `0x${"ab".repeat(32)}` as ConditionId;
const YES = "111" as TokenId;
const NO = "222" as TokenId;

let tradeSeq = 0;
function fill(over: Partial<UserFillEvent>): UserFillEvent {
  tradeSeq++;
  return {
    kind: "fill",
    tradeId: `t${tradeSeq}` as TradeId,
    orderId: `0x${tradeSeq.toString(16).padStart(64, "0")}` as OrderId,
    conditionId: CID,
    tokenId: YES,
    side: "BUY",
    price: 4_000 as Price,
    size: 10_000_000 as Size,
    status: "MATCHED",
    role: "MAKER",
    feeRateBps: 0,
    timestamp: 0,
    ...over,
  } as UserFillEvent;
}

describe("PnL tracker (average cost, worked numbers)", () => {
  it("buy 10 @ 0.40, buy 10 @ 0.50, sell 15 @ 0.60: realized $2.25, 5 left at 0.45 marked at 0.55 → unrealized $0.50", () => {
    const p = new PnlTracker();
    p.onFill(fill({ price: 4_000 as Price }));
    p.onFill(fill({ price: 5_000 as Price }));
    p.onFill(fill({ side: "SELL", price: 6_000 as Price, size: 15_000_000 as Size }));
    const t = p.byToken().get(YES)!;
    expect(t.position).toBe(5_000_000);
    expect(t.avgCost).toBe(4_500);
    expect(t.realized).toBe(2_250_000);
    expect(p.pnl([YES, NO], () => 5_500)).toEqual({ realized: 2_250_000, unrealized: 500_000 });
    expect(p.fills).toBe(3);
  });

  it("status updates of the same leg count once; FAILED removes the leg whenever it arrives", () => {
    const p = new PnlTracker();
    const f = fill({ price: 5_000 as Price });
    p.onFill(f);
    p.onFill({ ...f, status: "MINED" });
    p.onFill({ ...f, status: "MINED" });
    expect(p.fills).toBe(1);
    expect(p.byToken().get(YES)?.position).toBe(10_000_000);
    p.onFill({ ...f, status: "FAILED" });
    expect(p.fills).toBe(0);
    expect(p.byToken().get(YES)).toBeUndefined();
    expect(p.pnl([YES], () => 9_000)).toEqual({ realized: 0, unrealized: 0 });
  });

  it("a sell through zero opens a short at the sell price", () => {
    const p = new PnlTracker();
    p.onFill(fill({ price: 3_000 as Price, size: 5_000_000 as Size }));
    p.onFill(fill({ side: "SELL", price: 4_000 as Price, size: 8_000_000 as Size }));
    const t = p.byToken().get(YES)!;
    expect(t.realized).toBe(500_000);
    expect(t.position).toBe(-3_000_000);
    expect(t.avgCost).toBe(4_000);
  });
});

describe("up/down window start from the slug", () => {
  it("reads unix seconds at the end of an up/down slug, nothing otherwise", () => {
    expect(windowStartFromSlug("btc-updown-15m-1763460000")).toBe(1_763_460_000_000);
    expect(windowStartFromSlug("eth-updown-1h-1763460000")).toBe(1_763_460_000_000);
    expect(windowStartFromSlug("will-btc-hit-100k")).toBeUndefined();
    expect(windowStartFromSlug("btc-updown-15m-")).toBeUndefined();
  });
});

describe("dry-run gateway", () => {
  it("acknowledges asynchronously, keeps a paper book for cancel, cancel-all and SYNC, counts intended orders", async () => {
    const got: GatewayResult[] = [];
    const logged: string[] = [];
    const gw = new DryRunGateway({ post: (r) => got.push(r) }, { info: (_f, m) => logged.push(m) }, () => 42);
    const order = {
      clientOrderId: "c1",
      conditionId: CID,
      tokenId: YES,
      side: "BUY" as const,
      price: 4_500 as Price,
      size: 10_000_000 as Size,
      orderType: "GTC" as const,
      postOnly: true,
      tickSize: 100 as never,
      negRisk: false,
    };
    gw.submit({ kind: "PLACE", actionId: 1, order });
    gw.submit({ kind: "PLACE", actionId: 2, order: { ...order, clientOrderId: "c2" } });
    expect(got).toEqual([]); // never synchronously
    await gw.whenIdle();
    expect(got.map((r) => r.kind)).toEqual(["PLACE_ACK", "PLACE_ACK"]);
    const id1 = (got[0] as { orderId: OrderId }).orderId;
    expect(id1).toMatch(/^0x[0-9a-f]{64}$/);
    gw.submit({ kind: "CANCEL", actionId: 3, orderId: id1, clientOrderId: "c1" });
    gw.submit({ kind: "SYNC", actionId: 4, conditionIds: [CID], tradesSince: 0 });
    await gw.whenIdle();
    expect(got[2]).toMatchObject({ kind: "CANCEL_ACK", canceled: true });
    expect(got[3]).toMatchObject({ kind: "SYNC_RESULT", fills: [] });
    expect((got[3] as unknown as { openOrders: unknown[] }).openOrders).toHaveLength(1);
    gw.submit({ kind: "CANCEL_ALL", actionId: 5, reason: "test" });
    await gw.whenIdle();
    expect(got[4]).toMatchObject({ kind: "CANCEL_ALL_ACK", canceled: [(got[1] as { orderId: OrderId }).orderId] });
    expect(gw.openOrders).toBe(0);
    expect(gw.stats).toEqual({ intendedOrders: 2, intendedCancels: 1, cancelAlls: 1, syncs: 1 });
    expect(logged.filter((m) => m === "dry-run: would place order")).toHaveLength(2);
  });
});

describe("run clock", () => {
  it("fires timers like the system clock until closed; close cancels pending ones and refuses new ones", async () => {
    const clock = new RunClock();
    const fired: string[] = [];
    clock.setTimer(5, () => fired.push("early"));
    clock.setTimer(60_000, () => fired.push("late"));
    const cleared = clock.setTimer(10, () => fired.push("cleared"));
    clock.clearTimer(cleared);
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual(["early"]);
    expect(clock.pendingTimers).toBe(1);
    clock.close();
    expect(clock.pendingTimers).toBe(0);
    clock.setTimer(1, () => fired.push("after close"));
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toEqual(["early"]);
  });
});
