import { price, size, type TradeId, usdc } from "@mm/types";
import { describe, expect, it } from "vitest";
import type { AssetBalance, EngineEvent } from "../src/engine/index.js";
import { type Harness, harness, ofKind, place, placed } from "./engine-fixtures.js";

function snapshot(h: Harness, owners: readonly string[]): Record<string, AssetBalance[]> {
  const out: Record<string, AssetBalance[]> = {};
  for (const o of owners)
    out[o] = [h.engine.balance(o, "COLLATERAL"), h.engine.balance(o, h.info.yes.tokenId), h.engine.balance(o, h.info.no.tokenId)];
  return out;
}

/** Events that concern `owner` as the user channel would deliver them. */
function userView(events: readonly EngineEvent[], owner: string): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.kind === "order" && e.order.owner === owner) out.push(`order ${e.type} ${e.order.status} ${e.order.sizeMatched}`);
    if (e.kind === "trade" && (e.trade.taker.owner === owner || e.trade.makers.some((l) => l.owner === owner)))
      out.push(`trade ${e.trade.status} ${e.trade.taker.owner === owner ? "TAKER" : "MAKER"} @${e.timestamp}`);
  }
  return out;
}

describe("trade lifecycle", () => {
  it("follows the documented maker fill: PLACEMENT → trade MATCHED + order UPDATE → MINED → CONFIRMED", () => {
    const h = harness();
    const t0 = h.clock.now();
    h.engine.deposit("maker", usdc("100"));
    h.engine.split("maker", h.info.conditionId, size("10"));
    h.engine.deposit("taker", usdc("100"));
    placed(place(h, "maker", h.info.yes.tokenId, "SELL", "0.55", "10"));
    placed(place(h, "taker", h.info.yes.tokenId, "BUY", "0.55", "10"));
    expect(h.engine.balance("maker", "COLLATERAL").balance).toBe(usdc("90"));
    h.clock.advance(2_000);
    expect(h.engine.balance("maker", "COLLATERAL").balance).toBe(usdc("95.5"));
    expect(h.engine.balance("taker", h.info.yes.tokenId).balance).toBe(size("10"));
    h.clock.advance(4_000);
    expect(userView(h.events, "maker")).toEqual([
      "order PLACEMENT LIVE 0",
      `trade MATCHED MAKER @${t0}`,
      "order UPDATE MATCHED 10000000",
      `trade MINED MAKER @${t0 + 2_000}`,
      `trade CONFIRMED MAKER @${t0 + 6_000}`,
    ]);
    const trades = ofKind(h.events, "trade");
    expect(trades.map((e) => [e.previousStatus, e.trade.status])).toEqual([
      [undefined, "MATCHED"],
      ["MATCHED", "MINED"],
      ["MINED", "CONFIRMED"],
    ]);
    expect(trades[0]?.trade.transactionHash).toBe("");
    expect(trades[1]?.trade.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(new Set(trades.map((e) => e.trade.id)).size).toBe(1);
  });

  it("FAILED reverses every leg: balances return to their pre-trade values (mint with two makers)", () => {
    const h = harness();
    for (const o of ["a", "b", "t"]) h.engine.deposit(o, usdc("50"));
    h.engine.split("a", h.info.conditionId, size("10"));
    placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.55", "10"));
    placed(place(h, "b", h.info.no.tokenId, "BUY", "0.44", "10"));
    const beforeOrders = snapshot(h, ["a", "b", "t"]);
    h.engine.injectNextTradeFaults("FAIL");
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.56", "20", "FOK"));
    const during = snapshot(h, ["a", "b", "t"]);
    expect(during.t?.[0]?.pendingOut).toBe(usdc("11.1"));
    expect(during.b?.[2]?.pendingIn).toBe(size("10"));
    h.clock.advance(3_000);
    expect(ofKind(h.events, "trade").at(-1)?.trade.status).toBe("RETRYING");
    h.clock.advance(3_000);
    expect(ofKind(h.events, "trade").at(-1)?.trade.status).toBe("FAILED");
    const after = snapshot(h, ["a", "b", "t"]);
    for (const o of ["a", "b", "t"]) {
      for (const [i, bal] of (after[o] ?? []).entries()) {
        const was = beforeOrders[o]?.[i];
        expect(bal.balance).toBe(was?.balance);
        expect(bal.pendingIn).toBe(0);
        expect(bal.pendingOut).toBe(0);
        // the consumed orders no longer reserve anything: availability is back to the full balance
        expect(bal.available).toBe(bal.balance);
      }
    }
    h.clock.advance(60_000);
    expect(ofKind(h.events, "trade").at(-1)?.trade.status).toBe("FAILED");
    expect(h.engine.lockedCollateral(h.info.conditionId)).toBe(size("10"));
  });

  it("RETRY goes MATCHED → RETRYING → MINED → CONFIRMED; a fault can target one trade id", () => {
    const h = harness({ settlement: { retryDelayMs: 1_000 } });
    h.engine.deposit("a", usdc("50"));
    h.engine.split("a", h.info.conditionId, size("20"));
    h.engine.deposit("t", usdc("50"));
    placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.5", "20"));
    const r1 = place(h, "t", h.info.yes.tokenId, "BUY", "0.5", "10", "FOK");
    const r2 = place(h, "t", h.info.yes.tokenId, "BUY", "0.5", "10", "FOK");
    if (!r1.ok || !r2.ok) throw new Error("rejected");
    const t1 = r1.tradeIds[0] as TradeId;
    const t2 = r2.tradeIds[0] as TradeId;
    expect(h.engine.injectTradeFault(t1, "RETRY")).toBe(true);
    expect(h.engine.injectTradeFault(t2, "FAIL_NOW")).toBe(true);
    h.clock.advance(10_000);
    const statuses = (id: TradeId) =>
      ofKind(h.events, "trade")
        .filter((e) => e.trade.id === id)
        .map((e) => e.trade.status);
    expect(statuses(t1)).toEqual(["MATCHED", "RETRYING", "MINED", "CONFIRMED"]);
    expect(statuses(t2)).toEqual(["MATCHED", "FAILED"]);
    expect(h.engine.injectTradeFault(t1, "FAIL")).toBe(false);
    expect(h.engine.balance("t", h.info.yes.tokenId).balance).toBe(size("10"));
    expect(h.engine.balance("a", h.info.yes.tokenId).balance).toBe(size("10"));
  });

  it("probabilistic faults are drawn from the seeded RNG: same seed, same outcomes", () => {
    const run = (seed: number): string[] => {
      const h = harness({ seed, settlement: { failProbability: 0.3, retryProbability: 0.3 } });
      h.engine.deposit("a", usdc("1000"));
      h.engine.split("a", h.info.conditionId, size("500"));
      h.engine.deposit("t", usdc("1000"));
      placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.5", "400"));
      for (let i = 0; i < 40; i++) placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.5", "10", "FOK"));
      h.clock.advance(60_000);
      return h.engine.trades("t").map((t) => t.status);
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    const failed = a.filter((s) => s === "FAILED").length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(30);
    expect(a.filter((s) => s === "CONFIRMED").length).toBe(40 - failed);
    expect(run(8)).not.toEqual(a);
  });
});

describe("the V2 reservation knob", () => {
  function scenario(reserveUnsettled: boolean): Harness {
    const h = harness({ reserveUnsettled });
    h.engine.deposit("u", usdc("10"));
    h.engine.deposit("m", usdc("100"));
    h.engine.split("m", h.info.conditionId, size("50"));
    placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10"));
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.5", "10", "FOK"));
    return h;
  }

  it("V2 (default): matched-but-unsettled collateral stays reserved", () => {
    const h = scenario(true);
    expect(h.engine.balance("u", "COLLATERAL")).toMatchObject({ balance: usdc("10"), pendingOut: usdc("5"), available: usdc("5") });
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "20").ok).toBe(false);
  });

  it("V1: it is released at match; an order that outgrows the wallet at MINED becomes INVALID", () => {
    const h = scenario(false);
    expect(h.engine.balance("u", "COLLATERAL")).toMatchObject({ balance: usdc("10"), pendingOut: usdc("5"), available: usdc("10") });
    const id = placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "20"));
    h.clock.advance(2_000);
    expect(h.engine.order(id)).toMatchObject({ status: "INVALID", open: false });
    expect(ofKind(h.events, "order").at(-1)).toMatchObject({ type: "CANCELLATION", cause: "invalid" });
    expect(h.engine.balance("u", "COLLATERAL")).toMatchObject({ balance: usdc("5"), reservedOpen: 0, available: usdc("5") });
  });

  it("V1: a trade whose payer cannot cover it when MINED fails instead of going negative", () => {
    const h = scenario(false);
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.5", "20"));
    const r = place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "20", "FOK"); // available 10 ≥ 10, but 5 is already owed
    expect(r.ok).toBe(true);
    h.clock.advance(2_000);
    const statuses = h.engine.trades("u").map((t) => t.status);
    expect(statuses).toEqual(["MINED", "FAILED"]);
    expect(h.engine.balance("u", "COLLATERAL")).toMatchObject({ balance: usdc("5"), pendingOut: 0, available: usdc("5") });
    expect(h.engine.balance("u", h.info.yes.tokenId).balance).toBe(size("10"));
  });
});

describe("heartbeats", () => {
  it("chains ids, rejects stale ones with the correct id, and cancels everything on lapse", () => {
    const h = harness();
    h.engine.deposit("u", usdc("100"));
    const a = placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10"));
    const b = placed(place(h, "u", h.info.no.tokenId, "BUY", "0.4", "10"));
    expect(h.engine.heartbeat("u", "nope")).toEqual({ ok: false, error: "Invalid Heartbeat ID", heartbeatId: "" });
    const first = h.engine.heartbeat("u", null);
    if (!first.ok) throw new Error("first heartbeat failed");
    let id = first.heartbeatId;
    for (let i = 0; i < 12; i++) {
      h.clock.advance(5_000);
      const r = h.engine.heartbeat("u", id);
      if (!r.ok) throw new Error("heartbeat failed");
      expect(r.heartbeatId).not.toBe(id);
      const stale = h.engine.heartbeat("u", id);
      expect(stale).toEqual({ ok: false, error: "Invalid Heartbeat ID", heartbeatId: r.heartbeatId });
      id = r.heartbeatId;
    }
    expect(h.engine.openOrders("u")).toHaveLength(2);
    h.clock.advance(14_999);
    expect(h.engine.openOrders("u")).toHaveLength(2);
    h.clock.advance(1);
    expect(h.engine.openOrders("u")).toHaveLength(0);
    const lapsed = ofKind(h.events, "heartbeat_lapsed");
    expect(lapsed).toEqual([expect.objectContaining({ owner: "u", canceled: [a, b] })]);
    expect(ofKind(h.events, "order").filter((e) => e.cause === "heartbeat")).toHaveLength(2);
    expect(h.engine.balance("u", "COLLATERAL").reservedOpen).toBe(0);
    // the chain is over: the old id is stale, null starts a new one
    expect(h.engine.heartbeat("u", id)).toMatchObject({ ok: false, heartbeatId: "" });
    expect(h.engine.heartbeat("u", "").ok).toBe(true);
  });

  it("does nothing for owners that never started a chain", () => {
    const h = harness();
    h.engine.deposit("u", usdc("100"));
    placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10"));
    h.clock.advance(120_000);
    expect(h.engine.openOrders("u")).toHaveLength(1);
  });
});

describe("resolution", () => {
  it("cancels open orders, settles pending trades, pays 1 per winning share and zeroes both tokens", () => {
    const h = harness();
    h.engine.deposit("a", usdc("100"));
    h.engine.deposit("b", usdc("100"));
    h.engine.split("a", h.info.conditionId, size("30"));
    placed(place(h, "a", h.info.no.tokenId, "SELL", "0.3", "10"));
    placed(place(h, "b", h.info.no.tokenId, "BUY", "0.3", "10")); // pending trade
    const resting = placed(place(h, "b", h.info.yes.tokenId, "BUY", "0.2", "10"));
    h.engine.resolveMarket(h.info.conditionId, "YES");
    expect(h.engine.order(resting)).toMatchObject({ status: "CANCELED_MARKET_RESOLVED", open: false });
    expect(h.engine.trades("b").map((t) => t.status)).toEqual(["CONFIRMED"]);
    const resolved = ofKind(h.events, "market_resolved");
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      winner: "YES",
      winningTokenId: h.info.yes.tokenId,
      payouts: [{ owner: "a", shares: size("30"), usdc: usdc("30") }],
    });
    expect(h.engine.balance("a", "COLLATERAL").balance).toBe(usdc("103"));
    expect(h.engine.balance("b", "COLLATERAL")).toMatchObject({ balance: usdc("97"), reservedOpen: 0 });
    for (const o of ["a", "b"]) for (const t of [h.info.yes.tokenId, h.info.no.tokenId]) expect(h.engine.balance(o, t).balance).toBe(0);
    expect(h.engine.market(h.info.conditionId)).toMatchObject({ status: "resolved", winner: "YES", acceptingOrders: false });
    // conservation: all 200 deposited USDC are back in wallets
    expect(h.engine.balance("a", "COLLATERAL").balance + h.engine.balance("b", "COLLATERAL").balance).toBe(usdc("200"));
  });
});

describe("tick size", () => {
  it("manual change emits tick_size for both tokens and moves the grid", () => {
    const h = harness();
    h.engine.deposit("u", usdc("100"));
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.555", "10").ok).toBe(false);
    h.engine.setTickSize(h.info.conditionId, 10);
    expect(ofKind(h.events, "tick_size")).toEqual([
      expect.objectContaining({ tokenIds: [h.info.yes.tokenId, h.info.no.tokenId], oldTickSize: 100, newTickSize: 10, automatic: false }),
    ]);
    expect(h.engine.tickSize(h.info.no.tokenId)).toBe(10);
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.555", "10").ok).toBe(true);
    expect(h.engine.book(h.info.yes.tokenId)?.tickSize).toBe(10);
  });

  it("switches to 0.001 automatically when the midpoint leaves [0.04, 0.96]", () => {
    const h = harness();
    h.engine.deposit("u", usdc("100"));
    h.engine.split("u", h.info.conditionId, size("50"));
    placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.95", "10"));
    placed(place(h, "u", h.info.yes.tokenId, "SELL", "0.97", "10"));
    expect(ofKind(h.events, "tick_size")).toHaveLength(0); // mid 0.96 is not beyond the extreme
    placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.96", "10"));
    expect(ofKind(h.events, "tick_size")).toEqual([expect.objectContaining({ oldTickSize: 100, newTickSize: 10, automatic: true })]);
    expect(h.engine.tickSize(h.info.yes.tokenId)).toBe(10);
  });
});

describe("queries", () => {
  it("REST trade filters match the taker order (the venue quirk), unless asked otherwise", () => {
    const h = harness();
    h.engine.deposit("m", usdc("100"));
    h.engine.deposit("t", usdc("100"));
    placed(place(h, "m", h.info.no.tokenId, "BUY", "0.4", "10"));
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.6", "10"));
    expect(h.engine.trades("m")).toHaveLength(1);
    expect(h.engine.trades("m", { assetId: h.info.no.tokenId })).toHaveLength(0);
    expect(h.engine.trades("m", { assetId: h.info.no.tokenId, matchOn: "any" })).toHaveLength(1);
    expect(h.engine.trades("m", { assetId: h.info.yes.tokenId })).toHaveLength(1);
    const sec = Math.floor(h.clock.now() / 1000);
    expect(h.engine.trades("m", { after: sec + 1 })).toHaveLength(0);
    expect(h.engine.trades("m", { before: sec, after: sec })).toHaveLength(1);
    expect(h.engine.marketTrades(h.info.conditionId)).toHaveLength(1);
    expect(h.engine.trades("nobody")).toEqual([]);
  });

  it("book snapshots honour depth and the wire helper reverses to worst-first", async () => {
    const { wireOrderLevels } = await import("../src/engine/index.js");
    const h = harness();
    h.engine.deposit("u", usdc("100"));
    for (const p of ["0.1", "0.2", "0.3"]) placed(place(h, "u", h.info.yes.tokenId, "BUY", p, "10"));
    const snap = h.engine.book(h.info.yes.tokenId, 2);
    expect(snap?.bids.map((l) => l.price)).toEqual([price("0.3"), price("0.2")]);
    const wire = wireOrderLevels(h.engine.book(h.info.no.tokenId) ?? { bids: [], asks: [] });
    expect(wire.asks.map((l) => l.price)).toEqual([price("0.9"), price("0.8"), price("0.7")]);
  });
});

describe("market registry and tick revert", () => {
  it("refuses duplicate markets and shared token ids", async () => {
    const { marketInfo } = await import("./engine-fixtures.js");
    const h = harness();
    expect(() => h.engine.addMarket(h.info)).toThrow(/already exists/);
    expect(() => h.engine.addMarket({ ...marketInfo(7), yes: h.info.yes })).toThrow(/distinct/);
    expect(h.engine.markets().map((m) => m.info.conditionId)).toEqual([h.info.conditionId]);
    expect(h.engine.marketOfToken(h.info.no.tokenId)?.info.conditionId).toBe(h.info.conditionId);
  });

  it("with revert on, the tick goes back to 0.01 when the midpoint returns inside the band", () => {
    const h = harness({ tickAuto: { revert: true } });
    h.engine.deposit("u", usdc("100"));
    h.engine.split("u", h.info.conditionId, size("50"));
    const bid = placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.97", "10"));
    placed(place(h, "u", h.info.yes.tokenId, "SELL", "0.98", "10"));
    expect(h.engine.tickSize(h.info.yes.tokenId)).toBe(10);
    h.engine.cancelOrders("u", [bid]);
    placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10"));
    expect(h.engine.tickSize(h.info.yes.tokenId)).toBe(100);
    expect(ofKind(h.events, "tick_size").map((e) => [e.oldTickSize, e.newTickSize, e.automatic])).toEqual([
      [100, 10, true],
      [10, 100, true],
    ]);
  });
});
