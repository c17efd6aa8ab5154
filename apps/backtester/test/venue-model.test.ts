/** SimVenue on its own: balances, settlement and the V2 reserve rule. */
import { ManualClock, type OrderRequest, type Price, type Size, type UserEvent } from "@mm/types";
import { describe, expect, it } from "vitest";
import { EventKind, SIDE_ASK, SIDE_BID, SimVenue, TAKER_BUY, TAKER_SELL } from "../src/index.js";
import { MARKET, SH, T0, tapeOf } from "./support/tapes.js";

const req = (id: string, side: "BUY" | "SELL", price: number, shares: number, outcome: "YES" | "NO" = "YES"): OrderRequest => ({
  clientOrderId: id,
  conditionId: MARKET.conditionId,
  tokenId: outcome === "YES" ? MARKET.yes.tokenId : MARKET.no.tokenId,
  side,
  price: price as Price,
  size: (shares * SH) as Size,
  orderType: "GTC",
  postOnly: true,
  tickSize: 100,
  negRisk: false,
});

function venueWithBook() {
  const clock = new ManualClock(T0);
  const events: UserEvent[] = [];
  const venue = new SimVenue({
    clock,
    markets: [MARKET],
    seed: 1,
    collateral: 1_000 * SH,
    tokens: { [MARKET.yes.tokenId]: 10 * SH },
    config: { minedDelayMs: 1_000, confirmedDelayMs: 1_000 },
    hooks: { onUserEvent: (e) => events.push(e) },
  });
  const tape = tapeOf((b) => b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5300, size: 100 * SH }]));
  venue.applyEvent(tape, 0);
  return { clock, venue, events };
}

describe("SimVenue balances", () => {
  it("a SELL may not use tokens bought but not yet MINED, even when a pending SELL nets against them", () => {
    const { clock, venue } = venueWithBook();
    // Sell 5 of the 10 settled YES (fills at once against an incoming bid), buy 20 YES (fills): both MATCHED.
    expect(venue.place(req("s1", "SELL", 5000, 5)).ok).toBe(true);
    expect(venue.place(req("b1", "BUY", 4900, 20)).ok).toBe(true);
    const t = tapeOf((b) => {
      b.push(T0, EventKind.LEVEL, 0, SIDE_BID, 5000, 5 * SH); // a buyer at 0.50 hits our 0.50 ask
      b.push(T0, EventKind.TRADE, 0, TAKER_SELL, 4900, 20 * SH); // a seller prints through our 0.49 bid
    });
    venue.applyEvent(t, 0);
    venue.applyEvent(t, 1);
    expect(venue.allTrades().map((x) => [x.side, x.size, x.status])).toEqual([
      ["SELL", 5 * SH, "MATCHED"],
      ["BUY", 20 * SH, "MATCHED"],
    ]);
    // Net pending is +15, but only 10 − 5 = 5 settled shares are free.
    const r = venue.place(req("s2", "SELL", 5200, 6));
    expect(r).toMatchObject({ ok: false, reason: "balance" });
    expect(venue.place(req("s3", "SELL", 5200, 5))).toMatchObject({ ok: true });
    // Once MINED the bought shares are in the wallet.
    clock.advance(1_000);
    expect(venue.balances().tokens[MARKET.yes.tokenId]).toBe((10 - 5 + 20) * SH);
    expect(venue.place(req("s4", "SELL", 5200, 20)).ok).toBe(true);
  });

  it("collateral: a BUY needs free collateral; a failed trade gives it back", () => {
    const clock = new ManualClock(T0);
    const venue = new SimVenue({
      clock,
      markets: [MARKET],
      seed: 1,
      collateral: 10 * SH,
      config: { failProbability: 1, retryDelayMs: 500 },
      hooks: { onUserEvent: () => {} },
    });
    expect(venue.place(req("b1", "BUY", 5000, 21))).toMatchObject({ ok: false, reason: "balance" });
    expect(venue.place(req("b2", "BUY", 5000, 21, "NO"))).toMatchObject({ ok: false, reason: "balance" });
    expect(venue.place(req("b3", "BUY", 5000, 19)).ok).toBe(true);
    const t = tapeOf((b) => b.push(T0, EventKind.TRADE, 0, TAKER_SELL, 5000, 19 * SH));
    venue.applyEvent(t, 0);
    expect(venue.place(req("b4", "BUY", 5000, 5))).toMatchObject({ ok: false, reason: "balance" });
    clock.advance(1_000);
    expect(venue.allTrades()[0]?.status).toBe("FAILED");
    expect(venue.balances().collateral).toBe(10 * SH);
    expect(venue.place(req("b5", "BUY", 5000, 19)).ok).toBe(true);
  });

  it("rejects off-grid prices, sub-minimum sizes and crossing post-only orders; a tick change re-grids", () => {
    const { venue } = venueWithBook();
    expect(venue.place(req("x1", "BUY", 4850, 10))).toMatchObject({ ok: false, reason: "tick_size" });
    expect(venue.place(req("x2", "BUY", 4800, 4))).toMatchObject({ ok: false, reason: "min_size" });
    expect(venue.place(req("x3", "BUY", 5300, 10))).toMatchObject({ ok: false, reason: "post_only_cross" });
    // BUY NO at 0.53 is a YES ask at 0.47: crosses the 0.47 bid.
    expect(venue.place(req("x4", "BUY", 5300, 10, "NO"))).toMatchObject({ ok: false, reason: "post_only_cross" });
    venue.applyEvent(
      tapeOf((b) => b.push(T0, EventKind.TICK_SIZE, 0, 0, 10, 0)),
      0,
    );
    expect(venue.place(req("x5", "BUY", 4850, 10)).ok).toBe(true);
    void SIDE_ASK;
    void TAKER_BUY;
  });

  it("forgets the oldest closed orders past maxClosedOrders; open orders and recent ones stay known", () => {
    const clock = new ManualClock(T0);
    const venue = new SimVenue({
      clock,
      markets: [MARKET],
      seed: 1,
      collateral: 1_000 * SH,
      maxClosedOrders: 10,
      hooks: { onUserEvent: () => {} },
    });
    const keep = venue.place(req("keep", "BUY", 4000, 5));
    const ids: string[] = [];
    for (let k = 0; k < 30; k++) {
      const r = venue.place(req(`o${k}`, "BUY", 4100, 5));
      if (!r.ok) throw new Error("place failed");
      ids.push(r.orderId);
      expect(venue.cancel(r.orderId).canceled).toBe(true);
    }
    expect(venue.cancel(ids[0] as never)).toEqual({ canceled: false, reason: "order not found" });
    expect(venue.cancel(ids[29] as never)).toEqual({ canceled: false, reason: "already canceled or matched" });
    expect(keep.ok && venue.cancel(keep.orderId).canceled).toBe(true);
    expect(venue.openOrders()).toEqual([]);
  });
});
