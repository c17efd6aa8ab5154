/**
 * Taker fees (POLYMARKET.md §11): the venue withholds them from what the taker receives — shares
 * on a BUY, USDC on a SELL — so the executor books fills net of them, or law E would size SELLs from
 * shares the wallet never got. Makers pay nothing; FAILED reverses the net amounts.
 */
import {
  type FeeSchedule,
  type GatewayAction,
  ManualClock,
  type OrderGateway,
  type OrderId,
  type Price,
  type Size,
  takerFee,
  type TradeId,
  type TradeStatus,
  type UserFillEvent,
} from "@mm/types";
import { describe, expect, it } from "vitest";
import { ExecutorActor } from "../src/index.js";
import { CID, market, NO, YES } from "./fixtures.js";

const SH = 1_000_000;

class NullGateway implements OrderGateway {
  readonly submitted: GatewayAction[] = [];
  submit(a: GatewayAction): void {
    this.submitted.push(a);
  }
}

function setup(feeSchedule?: FeeSchedule, tokens: { yes?: number; no?: number } = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const gw = new NullGateway();
  const actor = new ExecutorActor({
    clock,
    gateway: gw,
    markets: [market(feeSchedule !== undefined ? { feeSchedule } : {})],
    initial: { collateral: (1_000 * SH) as never, tokens: { [YES]: (tokens.yes ?? 0) as Size, [NO]: (tokens.no ?? 0) as Size } },
  });
  let n = 0;
  const fill = (
    over: Partial<UserFillEvent> & Pick<UserFillEvent, "side" | "price" | "size" | "role">,
    status: TradeStatus,
    id = `t${++n}`,
  ): UserFillEvent => {
    const f: UserFillEvent = {
      kind: "fill",
      tradeId: id as TradeId,
      orderId: `0x${"0f".repeat(32)}` as OrderId,
      conditionId: CID,
      tokenId: YES,
      feeRateBps: 0,
      matchTime: clock.now(),
      timestamp: clock.now(),
      ...over,
      status,
    };
    actor.userEvents.post(f);
    return f;
  };
  const pos = (t = YES) => actor.snapshot().positions.find((p) => p.tokenId === t)!;
  const cash = () => actor.snapshot().collateral;
  return { actor, gw, fill, pos, cash, clock };
}

describe("ExecutorActor: taker fees booked as the wallet receives them", () => {
  it("a taker BUY on a fee market settles size − fee shares; collateral pays the gross notional", () => {
    const s = setup({ rateBps: 720, exponent: 1 });
    const size = (100 * SH) as Size;
    const price = 5000 as Price;
    const f = s.fill({ side: "BUY", price, size, role: "TAKER", feeRateBps: 1000 /* a cap on the wire */ }, "MATCHED");
    const fee = takerFee("BUY", size, price, 720, 1);
    expect(fee.sharesWithheld).toBe(3.6 * SH);
    expect(s.pos()).toMatchObject({ settled: 0, pending: size - fee.sharesWithheld });
    expect(s.cash()).toMatchObject({ settled: 1_000 * SH, pending: -50 * SH });
    s.fill({ ...f }, "MINED", f.tradeId);
    expect(s.pos()).toMatchObject({ settled: 96.4 * SH, pending: 0 });
    expect(s.cash()).toMatchObject({ settled: 950 * SH, pending: 0 });
    expect(s.actor.stats()).toMatchObject({ takerFeesUsdc: fee.feeUsdc, takerFeeShares: fee.sharesWithheld });
  });

  it("a taker SELL receives proceeds − fee USDC; the shares leave in full", () => {
    const s = setup({ rateBps: 720, exponent: 1 }, { yes: 200 * SH });
    const size = (100 * SH) as Size;
    const price = 8000 as Price;
    const f = s.fill({ side: "SELL", price, size, role: "TAKER" }, "MATCHED");
    s.fill({ ...f }, "MINED", f.tradeId);
    const fee = takerFee("SELL", size, price, 720, 1);
    expect(fee.usdcWithheld).toBe(1.152 * SH); // 100 × 0.072 × 0.8 × 0.2
    expect(s.pos()).toMatchObject({ settled: 100 * SH, pending: 0 });
    expect(s.cash()).toMatchObject({ settled: 1_000 * SH + 80 * SH - fee.usdcWithheld, pending: 0 });
  });

  it("makers pay nothing, whatever the rate on the wire", () => {
    const s = setup({ rateBps: 720, exponent: 1 });
    const f = s.fill({ side: "BUY", price: 4000 as Price, size: (10 * SH) as Size, role: "MAKER", feeRateBps: 720 }, "MATCHED");
    s.fill({ ...f }, "MINED", f.tradeId);
    expect(s.pos()).toMatchObject({ settled: 10 * SH });
    expect(s.actor.stats().takerFeesUsdc).toBe(0);
  });

  it("FAILED reverses the net amounts, from pending or settled", () => {
    const s = setup({ rateBps: 2500, exponent: 2 });
    const a = s.fill({ side: "BUY", price: 3000 as Price, size: (50 * SH) as Size, role: "TAKER" }, "MATCHED");
    s.fill({ ...a }, "FAILED", a.tradeId);
    const b = s.fill({ side: "BUY", price: 3000 as Price, size: (50 * SH) as Size, role: "TAKER" }, "MATCHED");
    s.fill({ ...b }, "MINED", b.tradeId);
    s.fill({ ...b }, "FAILED", b.tradeId);
    expect(s.pos()).toMatchObject({ settled: 0, pending: 0, pendingOut: 0 });
    expect(s.cash()).toMatchObject({ settled: 1_000 * SH, pending: 0 });
    expect(s.actor.audit()).toEqual([]);
  });

  it("without a known schedule the fill's own feeRateBps is used; an impossible rate is an anomaly and counts as 0", () => {
    const s = setup();
    const f = s.fill({ side: "BUY", price: 5000 as Price, size: (100 * SH) as Size, role: "TAKER", feeRateBps: 720 }, "MATCHED");
    s.fill({ ...f }, "MINED", f.tradeId);
    expect(s.pos().settled).toBe(100 * SH - takerFee("BUY", (100 * SH) as Size, 5000 as Price, 720).sharesWithheld);
    const before = s.actor.stats().anomalies;
    const g = s.fill({ side: "BUY", price: 5000 as Price, size: (10 * SH) as Size, role: "TAKER", feeRateBps: 99_999 }, "MATCHED");
    s.fill({ ...g }, "MINED", g.tradeId);
    expect(s.actor.stats().anomalies).toBe(before + 1);
    expect(s.pos().settled).toBe(96.4 * SH + 10 * SH);
  });

  it("law E: a SELL is sized from the shares the wallet actually received", () => {
    const s = setup({ rateBps: 720, exponent: 1 });
    const f = s.fill({ side: "BUY", price: 5000 as Price, size: (100 * SH) as Size, role: "TAKER" }, "MATCHED");
    s.fill({ ...f }, "MINED", f.tradeId);
    // Ask for 200 YES at 0.60: reduce-first sells what is settled (96.4), the rest routes to BUY NO.
    s.actor.intents.post({
      conditionId: CID,
      seq: 1,
      createdAt: s.clock.now(),
      bids: [],
      asks: [{ price: 6000 as Price, size: (200 * SH) as Size }],
      fairValue: 5500 as Price,
      reason: "test",
    } as never);
    const sells = s.gw.submitted.flatMap((a) => (a.kind === "PLACE" && a.order.side === "SELL" ? [a.order] : []));
    expect(sells.map((o) => [o.tokenId, o.size])).toEqual([[YES, 96.4 * SH]]);
    const buysNo = s.gw.submitted.flatMap((a) => (a.kind === "PLACE" && a.order.side === "BUY" && a.order.tokenId === NO ? [a.order] : []));
    expect(buysNo.length).toBe(1);
  });
});
