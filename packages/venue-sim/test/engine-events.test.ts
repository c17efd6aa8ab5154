import { price, size, usdc } from "@mm/types";
import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../src/engine/index.js";
import { harness, ofKind, place, placed } from "./engine-fixtures.js";

describe("event delivery", () => {
  it("delivers a call's events after the call completes, in seq order, even when a listener calls back in", () => {
    const h = harness();
    h.engine.deposit("a", usdc("100"));
    h.engine.deposit("b", usdc("100"));
    const delivered: EngineEvent[] = [];
    let placedInside: string | undefined;
    let bookSeenDuringCall = -1;
    const off = h.engine.subscribe((e) => {
      delivered.push(e);
      // react to a's placement by quoting from b: re-entrant call
      if (e.kind === "order" && e.type === "PLACEMENT" && e.order.owner === "a" && placedInside === undefined) {
        const r = place(h, "b", h.info.no.tokenId, "BUY", "0.3", "10");
        placedInside = r.orderId;
      }
    });
    const r = place(h, "a", h.info.yes.tokenId, "BUY", "0.4", "10");
    bookSeenDuringCall = delivered.length;
    expect(r.ok).toBe(true);
    expect(placedInside).toBeDefined();
    const seqs = delivered.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    // a's PLACEMENT and book change come first; b's (queued during delivery) follow
    expect(delivered.map((e) => (e.kind === "order" ? `${e.type}:${e.order.owner}` : e.kind))).toEqual([
      "PLACEMENT:a",
      "book",
      "PLACEMENT:b",
      "book",
    ]);
    expect(bookSeenDuringCall).toBe(4);
    off();
    placed(place(h, "a", h.info.yes.tokenId, "BUY", "0.41", "10"));
    expect(delivered).toHaveLength(4);
    expect(h.events).toHaveLength(6);
  });

  it("a GTD partially filled and then expired reports the UPDATE, then a CANCELLATION of the remainder", () => {
    const h = harness();
    h.engine.deposit("a", usdc("100"));
    h.engine.deposit("b", usdc("100"));
    h.engine.split("b", h.info.conditionId, size("20"));
    const expiration = Math.floor(h.clock.now() / 1000) + 120;
    const id = placed(place(h, "a", h.info.yes.tokenId, "BUY", "0.5", "10", "GTD", { expiration }));
    placed(place(h, "b", h.info.yes.tokenId, "SELL", "0.5", "4", "FAK"));
    h.clock.advance(60_000);
    const mine = ofKind(h.events, "order").filter((e) => e.order.id === id);
    expect(mine.map((e) => [e.type, e.order.status, e.order.sizeMatched])).toEqual([
      ["PLACEMENT", "LIVE", 0],
      ["UPDATE", "LIVE", size("4")],
      ["CANCELLATION", "CANCELED", size("4")],
    ]);
    expect(h.engine.balance("a", "COLLATERAL")).toMatchObject({ reservedOpen: 0, pendingOut: 0, balance: usdc("98") });
  });

  it("taker events: PLACEMENT, trade MATCHED, maker and taker UPDATEs, last trade, book — in that order", () => {
    const h = harness();
    h.engine.deposit("a", usdc("100"));
    h.engine.split("a", h.info.conditionId, size("20"));
    h.engine.deposit("t", usdc("100"));
    placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.5", "10"));
    const from = h.events.length;
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.5", "15"));
    expect(
      h.events
        .slice(from)
        .map((e) => (e.kind === "order" ? `${e.type}:${e.order.owner}:${e.order.status}` : e.kind === "book" ? `book:${e.cause}` : e.kind)),
    ).toEqual(["PLACEMENT:t:LIVE", "trade", "UPDATE:a:MATCHED", "UPDATE:t:LIVE", "last_trade", "book:trade", "book:place"]);
    expect(h.engine.book(h.info.yes.tokenId)?.bids).toEqual([{ price: price("0.5"), size: size("5") }]);
  });

  it("placeOrders processes a batch in order; order ids are case-insensitive for lookups and cancels", () => {
    const h = harness();
    h.engine.deposit("a", usdc("100"));
    const results = h.engine.placeOrders([
      { owner: "a", tokenId: h.info.yes.tokenId, side: "BUY", price: price("0.4"), size: size("10"), orderType: "GTC" },
      { owner: "a", tokenId: h.info.yes.tokenId, side: "BUY", price: price("0.405"), size: size("10"), orderType: "GTC" },
      { owner: "a", tokenId: h.info.no.tokenId, side: "BUY", price: price("0.4"), size: size("10"), orderType: "GTC" },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const id = results[0]?.orderId ?? "";
    expect(h.engine.order(id.toUpperCase().replace("0X", "0x"))?.id).toBe(id);
    expect(h.engine.cancelOrders("a", [id.toUpperCase().replace("0X", "0x")]).canceled).toEqual([id]);
  });

  it("restarting a heartbeat chain with null while one runs replaces it", () => {
    const h = harness();
    const a = h.engine.heartbeat("u", null);
    const b = h.engine.heartbeat("u", null);
    if (!a.ok || !b.ok) throw new Error("heartbeat failed");
    expect(b.heartbeatId).not.toBe(a.heartbeatId);
    expect(h.engine.heartbeat("u", a.heartbeatId)).toMatchObject({ ok: false, heartbeatId: b.heartbeatId });
    h.clock.advance(15_000);
    expect(ofKind(h.events, "heartbeat_lapsed")).toHaveLength(1);
  });
});

describe("pruning", () => {
  it("drops settled trades and terminal orders before a cutoff, keeps open ones and refuses pruned ids", () => {
    const h = harness();
    h.engine.deposit("a", usdc("100"));
    h.engine.split("a", h.info.conditionId, size("50"));
    h.engine.deposit("t", usdc("100"));
    const maker = placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.5", "10"));
    const resting = placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.6", "10"));
    const r = place(h, "t", h.info.yes.tokenId, "BUY", "0.5", "10", "FOK");
    h.clock.advance(1_000);
    // the trade is still pending: nothing can go
    expect(h.engine.prune(h.clock.now())).toEqual({ orders: 0, trades: 0 });
    h.clock.advance(10_000);
    expect(h.engine.prune(h.clock.now())).toEqual({ orders: 2, trades: 1 });
    expect(h.engine.order(maker)).toBeUndefined();
    expect(h.engine.order(r.orderId)).toBeUndefined();
    expect(h.engine.order(resting)?.open).toBe(true);
    expect(h.engine.trades("t")).toEqual([]);
    expect(h.engine.marketTrades(h.info.conditionId)).toEqual([]);
    expect(place(h, "a", h.info.yes.tokenId, "SELL", "0.7", "10", "GTC", { orderId: maker as never }).ok).toBe(false);
    expect(h.engine.balance("t", h.info.yes.tokenId).balance).toBe(size("10"));
  });
});
