import { price, size, usdc } from "@mm/types";
import { describe, expect, it } from "vitest";
import { type Harness, harness, ofKind, place, placed } from "./engine-fixtures.js";

function funded(h: Harness, owners: readonly string[], collateral = "1000", pairs = "100"): void {
  for (const o of owners) {
    h.engine.deposit(o, usdc(collateral));
    h.engine.split(o, h.info.conditionId, size(pairs));
  }
}

describe("matching", () => {
  it("fills in price-time priority and gives the price improvement to the taker", () => {
    const h = harness();
    funded(h, ["a", "b", "c", "t"]);
    const yes = h.info.yes.tokenId;
    const a = placed(place(h, "a", yes, "SELL", "0.55", "10"));
    placed(place(h, "b", yes, "SELL", "0.55", "10"));
    const c = placed(place(h, "c", yes, "SELL", "0.54", "5"));
    const before = h.engine.balance("t", "COLLATERAL");
    const r = place(h, "t", yes, "BUY", "0.56", "15");
    expect(r.ok && r.status).toBe("matched");
    const [trade] = ofKind(h.events, "trade");
    expect(trade?.trade.makers.map((l) => [l.orderId, l.price, l.size])).toEqual([
      [c, price("0.54"), size("5")],
      [a, price("0.55"), size("10")],
    ]);
    expect(trade?.trade.taker.price).toBe(price("0.54"));
    expect(trade?.trade.taker.size).toBe(size("15"));
    // 5 × 0.54 + 10 × 0.55 = 8.2 (not 15 × 0.56 = 8.4)
    expect(trade?.trade.taker.usdc).toBe(usdc("8.2"));
    const after = h.engine.balance("t", "COLLATERAL");
    expect(after.pendingOut).toBe(usdc("8.2"));
    expect(after.reservedOpen).toBe(0);
    expect(after.available).toBe(before.available - usdc("8.2"));
    // b is untouched and still first at 0.55
    expect(h.engine.book(yes)?.asks).toEqual([{ price: price("0.55"), size: size("10") }]);
    expect(h.engine.lastTrade(yes)).toMatchObject({ price: price("0.55"), side: "BUY", size: size("15") });
  });

  it("shows a YES bid at p as a NO ask at 1 − p, in snapshots and in book events for both tokens", () => {
    const h = harness();
    funded(h, ["a"]);
    placed(place(h, "a", h.info.yes.tokenId, "BUY", "0.4", "10"));
    placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.45", "7"));
    expect(h.engine.book(h.info.no.tokenId)).toMatchObject({
      bids: [{ price: price("0.55"), size: size("7") }],
      asks: [{ price: price("0.6"), size: size("10") }],
    });
    const books = ofKind(h.events, "book");
    expect(books.map((b) => b.cause)).toEqual(["place", "place"]);
    expect(books[1]?.changes).toEqual([
      { tokenId: h.info.yes.tokenId, side: "SELL", price: price("0.45"), size: size("7"), bestBid: price("0.4"), bestAsk: price("0.45") },
      { tokenId: h.info.no.tokenId, side: "BUY", price: price("0.55"), size: size("7"), bestBid: price("0.55"), bestAsk: price("0.6") },
    ]);
    expect(h.engine.bestPrices(h.info.no.tokenId)).toEqual({ bestBid: price("0.55"), bestAsk: price("0.6") });
  });

  it("BUY YES crossing a resting BUY NO mints: each side pays its own price, 1 per pair in total", () => {
    const h = harness();
    h.engine.deposit("m", usdc("100"));
    h.engine.deposit("t", usdc("100"));
    const mk = placed(place(h, "m", h.info.no.tokenId, "BUY", "0.4", "10"));
    expect(h.engine.book(h.info.yes.tokenId)?.asks).toEqual([{ price: price("0.6"), size: size("10") }]);
    const r = place(h, "t", h.info.yes.tokenId, "BUY", "0.65", "10");
    expect(r.ok).toBe(true);
    const trade = ofKind(h.events, "trade")[0]?.trade;
    expect(trade?.makers).toHaveLength(1);
    expect(trade?.makers[0]).toMatchObject({
      orderId: mk,
      tokenId: h.info.no.tokenId,
      side: "BUY",
      price: price("0.4"),
      matchType: "MINT",
      usdc: usdc("4"),
    });
    expect(trade?.taker).toMatchObject({ side: "BUY", price: price("0.6"), usdc: usdc("6"), size: size("10") });
    // nothing moves in the wallets until MINED
    expect(h.engine.balance("t", h.info.yes.tokenId).balance).toBe(0);
    expect(h.engine.lockedCollateral(h.info.conditionId)).toBe(0);
    h.clock.advance(2_000);
    expect(h.engine.trade(trade?.id ?? ("" as never))?.status).toBe("MINED");
    expect(h.engine.balance("t", h.info.yes.tokenId).balance).toBe(size("10"));
    expect(h.engine.balance("m", h.info.no.tokenId).balance).toBe(size("10"));
    expect(h.engine.balance("t", "COLLATERAL").balance).toBe(usdc("94"));
    expect(h.engine.balance("m", "COLLATERAL").balance).toBe(usdc("96"));
    expect(h.engine.lockedCollateral(h.info.conditionId)).toBe(size("10"));
  });

  it("SELL YES crossing a resting SELL NO merges: each side receives its own price", () => {
    const h = harness();
    funded(h, ["m", "t"], "0", "0");
    h.engine.deposit("m", usdc("10"));
    h.engine.split("m", h.info.conditionId, size("10"));
    h.engine.deposit("t", usdc("10"));
    h.engine.split("t", h.info.conditionId, size("10"));
    placed(place(h, "m", h.info.no.tokenId, "SELL", "0.45", "10")); // YES-space bid at 0.55
    const r = place(h, "t", h.info.yes.tokenId, "SELL", "0.5", "10");
    expect(r.ok).toBe(true);
    const trade = ofKind(h.events, "trade")[0]?.trade;
    expect(trade?.makers[0]).toMatchObject({
      tokenId: h.info.no.tokenId,
      side: "SELL",
      price: price("0.45"),
      matchType: "MERGE",
      usdc: usdc("4.5"),
    });
    expect(trade?.taker).toMatchObject({ side: "SELL", price: price("0.55"), usdc: usdc("5.5") });
    expect(h.engine.lockedCollateral(h.info.conditionId)).toBe(size("20"));
    h.clock.advance(2_000);
    expect(h.engine.balance("t", "COLLATERAL").balance).toBe(usdc("5.5"));
    expect(h.engine.balance("m", "COLLATERAL").balance).toBe(usdc("4.5"));
    expect(h.engine.balance("t", h.info.yes.tokenId).balance).toBe(0);
    expect(h.engine.balance("m", h.info.no.tokenId).balance).toBe(0);
    expect(h.engine.lockedCollateral(h.info.conditionId)).toBe(size("10"));
  });

  it("one trade carries maker legs on both tokens, each with its owner", () => {
    const h = harness();
    funded(h, ["a", "b", "t"]);
    const a = placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.55", "10"));
    const b = placed(place(h, "b", h.info.no.tokenId, "BUY", "0.44", "10")); // YES ask at 0.56
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.56", "20"));
    const trades = ofKind(h.events, "trade");
    expect(trades).toHaveLength(1);
    expect(trades[0]?.trade.makers.map((l) => [l.orderId, l.owner, l.tokenId, l.side, l.matchType])).toEqual([
      [a, "a", h.info.yes.tokenId, "SELL", "NORMAL"],
      [b, "b", h.info.no.tokenId, "BUY", "MINT"],
    ]);
    expect(trades[0]?.trade.taker.usdc).toBe(usdc("11.1"));
    const updates = ofKind(h.events, "order").filter((e) => e.type === "UPDATE");
    expect(updates.map((e) => [e.order.id, e.order.status, e.order.sizeMatched])).toEqual([
      [a, "MATCHED", size("10")],
      [b, "MATCHED", size("10")],
      [trades[0]?.trade.taker.orderId, "MATCHED", size("20")],
    ]);
    expect(h.engine.trades("b")).toHaveLength(1);
  });

  it("a partial fill leaves the maker LIVE with its remainder at the same priority", () => {
    const h = harness();
    funded(h, ["a", "b", "t"]);
    const a = placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.55", "10"));
    placed(place(h, "b", h.info.yes.tokenId, "SELL", "0.55", "10"));
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.55", "4", "FAK"));
    expect(h.engine.order(a)).toMatchObject({ status: "LIVE", sizeMatched: size("4"), open: true });
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.55", "7", "FAK"));
    expect(h.engine.order(a)).toMatchObject({ status: "MATCHED", open: false });
    expect(h.engine.book(h.info.yes.tokenId)?.asks).toEqual([{ price: price("0.55"), size: size("9") }]);
    const tradeBook = ofKind(h.events, "book").filter((b) => b.cause === "trade");
    expect(tradeBook.at(-1)?.changes[0]).toMatchObject({
      tokenId: h.info.yes.tokenId,
      side: "SELL",
      price: price("0.55"),
      size: size("9"),
    });
  });

  it("trades on the NO token against NO makers are same-token trades", () => {
    const h = harness();
    funded(h, ["a", "t"]);
    placed(place(h, "a", h.info.no.tokenId, "SELL", "0.3", "10"));
    placed(place(h, "t", h.info.no.tokenId, "BUY", "0.31", "10"));
    const tr = ofKind(h.events, "trade")[0]?.trade;
    expect(tr?.makers[0]?.matchType).toBe("NORMAL");
    expect(tr?.taker.price).toBe(price("0.3"));
    expect(h.engine.lastTrade(h.info.no.tokenId)?.price).toBe(price("0.3"));
    expect(h.engine.lastTrade(h.info.yes.tokenId)).toMatchObject({ price: price("0.7"), side: "SELL" });
    const ltp = ofKind(h.events, "last_trade");
    expect(ltp).toHaveLength(1);
    expect(ltp[0]).toMatchObject({ tokenId: h.info.no.tokenId, price: price("0.3"), side: "BUY", size: size("10") });
  });

  it("fills whole 0.01-share lots; a maker left with dust is done and its dust released", () => {
    const h = harness();
    funded(h, ["a", "t"]);
    const a = placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.5", "10.005"));
    expect(h.engine.balance("a", h.info.yes.tokenId).reservedOpen).toBe(size("10.005"));
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.5", "10", "FOK"));
    expect(h.engine.order(a)).toMatchObject({ status: "MATCHED", sizeMatched: size("10"), open: false });
    expect(h.engine.balance("a", h.info.yes.tokenId)).toMatchObject({ reservedOpen: 0, pendingOut: size("10") });
    expect(h.engine.book(h.info.yes.tokenId)?.asks).toEqual([]);
  });

  it("never leaves a crossed book: a resting remainder sits behind what it could not take", () => {
    const h = harness();
    funded(h, ["a", "t"]);
    placed(place(h, "a", h.info.yes.tokenId, "SELL", "0.5", "5"));
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.52", "8"));
    expect(h.engine.bestPrices(h.info.yes.tokenId)).toEqual({ bestBid: price("0.52"), bestAsk: undefined });
    expect(h.engine.book(h.info.yes.tokenId)?.bids).toEqual([{ price: price("0.52"), size: size("3") }]);
    const causes = ofKind(h.events, "book").map((b) => b.cause);
    expect(causes).toEqual(["place", "trade", "place"]);
  });
});
