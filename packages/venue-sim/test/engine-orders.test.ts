import { orderId, price, size, tokenId, usdc } from "@mm/types";
import { describe, expect, it } from "vitest";
import { batchTooLargeMessage, MAX_BATCH_ORDERS, type PlaceResult } from "../src/engine/index.js";
import { type Harness, harness, marketInfo, ofKind, place, placed } from "./engine-fixtures.js";

const ID = orderId(`0x${"ab".repeat(32)}`);

function rich(h: Harness, owner = "u"): void {
  h.engine.deposit(owner, usdc("1000"));
  h.engine.split(owner, h.info.conditionId, size("100"));
}

function rejectOf(r: PlaceResult): { message: string; code: string; httpStatus: number } {
  if (r.ok) throw new Error("expected a rejection");
  return r.reject;
}

describe("validation errors carry the venue's texts", () => {
  it("unknown token", () => {
    const h = harness();
    rich(h);
    expect(
      rejectOf(
        h.engine.placeOrder({ owner: "u", tokenId: tokenId("999"), side: "BUY", price: price("0.5"), size: size("10"), orderType: "GTC" }),
      ),
    ).toMatchObject({ code: "invalid_token", message: "Invalid token id", httpStatus: 400 });
  });

  it("missing or malformed amounts", () => {
    const h = harness();
    rich(h);
    const base = { owner: "u", tokenId: h.info.yes.tokenId, side: "BUY" as const, orderType: "GTC" as const };
    expect(rejectOf(h.engine.placeOrder({ ...base })).code).toBe("invalid_amounts");
    expect(rejectOf(h.engine.placeOrder({ ...base, price: Number.NaN as never, size: size("10") })).code).toBe("invalid_amounts");
    expect(rejectOf(h.engine.placeOrder({ ...base, price: price("0.5"), size: 0 as never })).code).toBe("invalid_amounts");
    expect(rejectOf(h.engine.placeOrder({ ...base, makerAmount: 0, takerAmount: 10_000_000 })).code).toBe("invalid_amounts");
    expect(rejectOf(h.engine.placeOrder({ ...base, makerAmount: 1.5, takerAmount: 10_000_000 })).code).toBe("invalid_amounts");
  });

  it("market-order decimal caps (maker 2 decimals, taker 4 decimals)", () => {
    const h = harness();
    rich(h);
    const buy = h.engine.placeOrder({
      owner: "u",
      tokenId: h.info.yes.tokenId,
      side: "BUY",
      orderType: "FOK",
      makerAmount: 5_005_000,
      takerAmount: 10_000_000,
    });
    expect(rejectOf(buy).message).toBe(
      "invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals",
    );
    const sell = h.engine.placeOrder({
      owner: "u",
      tokenId: h.info.yes.tokenId,
      side: "SELL",
      orderType: "FAK",
      makerAmount: 10_000_000,
      takerAmount: 5_000_050,
    });
    expect(rejectOf(sell).message).toBe(
      "invalid amounts, the market sell orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals",
    );
  });

  it("tick grid, including 0.005 and 0.0025 grids checked by modulo", () => {
    const h = harness();
    rich(h);
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.555", "10", "GTC", { orderId: ID })).message).toBe(
      `order ${ID} is invalid. Price (0.555) breaks minimum tick size rule: 0.01`,
    );
    const h5 = harness({}, marketInfo(2, 50));
    rich(h5);
    expect(rejectOf(place(h5, "u", h5.info.yes.tokenId, "BUY", "0.502", "10")).code).toBe("tick_size");
    expect(place(h5, "u", h5.info.yes.tokenId, "BUY", "0.505", "10").ok).toBe(true);
    const h25 = harness({}, marketInfo(3, 25));
    rich(h25);
    expect(rejectOf(place(h25, "u", h25.info.yes.tokenId, "BUY", "0.501", "10")).message).toMatch(/breaks minimum tick size rule: 0.0025$/);
    expect(place(h25, "u", h25.info.yes.tokenId, "BUY", "0.5025", "10").ok).toBe(true);
    // limit amounts implying an off-grid, non-4-decimal price
    const r = h.engine.placeOrder({
      owner: "u",
      tokenId: h.info.yes.tokenId,
      side: "BUY",
      orderType: "GTC",
      makerAmount: 1_000_000,
      takerAmount: 3_000_000,
      orderId: ID,
    });
    expect(rejectOf(r).message).toBe(`order ${ID} is invalid. Price (0.333333) breaks minimum tick size rule: 0.01`);
  });

  it("price range [tick, 1 − tick]", () => {
    const h = harness();
    rich(h);
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0", "10")).message).toBe("invalid price (0), min: 0.01 - max: 0.99");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "SELL", "1", "10")).message).toBe("invalid price (1), min: 0.01 - max: 0.99");
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.01", "10").ok).toBe(true);
    expect(place(h, "u", h.info.yes.tokenId, "SELL", "0.99", "10").ok).toBe(true);
  });

  it("minimum size for resting orders, not for market orders", () => {
    const h = harness();
    rich(h);
    rich(h, "m");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "4.99", "GTC", { orderId: ID })).message).toBe(
      `order ${ID} is invalid. Size (4.99) lower than the minimum: 5`,
    );
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.5", "10"));
    // 3 shares × 0.5 = $1.5 marketable: allowed below the 5-share minimum
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "3", "FOK").ok).toBe(true);
  });

  it("$1 minimum for marketable orders", () => {
    const h = harness();
    rich(h);
    rich(h, "m");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "1", "FOK")).message).toBe(
      "invalid amount for a marketable BUY order ($0.5), min size: $1",
    );
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "SELL", "0.3", "3", "FAK")).message).toBe(
      "invalid amount for a marketable SELL order ($0.9), min size: $1",
    );
    // a crossing limit order is marketable too
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.1", "10"));
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.1", "5")).code).toBe("marketable_min");
  });

  it("duplicates (same order id, even after it ended)", () => {
    const h = harness();
    rich(h);
    placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTC", { orderId: ID }));
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTC", { orderId: ID })).message).toBe(
      `order ${ID} is invalid. Duplicated.`,
    );
    h.engine.cancelAll("u");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTC", { orderId: ID })).code).toBe("duplicate");
  });

  it("not enough balance / allowance, counting open-order reservations", () => {
    const h = harness();
    h.engine.deposit("u", usdc("10"));
    placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "12")); // reserves 6
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10")).message).toBe("not enough balance / allowance");
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "8").ok).toBe(true); // exactly 4 left
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "SELL", "0.5", "5")).code).toBe("balance"); // holds no tokens
  });

  it("post-only: crossing rejected, FOK/FAK rejected, resting accepted", () => {
    const h = harness();
    rich(h);
    rich(h, "m");
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.5", "10"));
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTC", { postOnly: true })).message).toBe(
      "invalid post-only order: order crosses book",
    );
    // SELL NO @ 0.5 is a YES-space bid at 0.5: it crosses the YES ask at 0.5 through the complement
    expect(rejectOf(place(h, "u", h.info.no.tokenId, "SELL", "0.5", "10", "GTC", { postOnly: true })).code).toBe("post_only_cross");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "FOK", { postOnly: true })).message).toBe(
      "invalid post-only order: only GTC and GTD order types are allowed",
    );
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.49", "10", "GTC", { postOnly: true }).ok).toBe(true);
  });

  it("GTD needs expiration ≥ now + 60 s; other types must not carry one", () => {
    const h = harness();
    rich(h);
    const nowSec = Math.floor(h.clock.now() / 1000);
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTD", { expiration: nowSec + 59 })).message).toBe(
      "invalid expiration",
    );
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTD")).code).toBe("expiration");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTC", { expiration: nowSec + 600 })).code).toBe("expiration");
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "GTD", { expiration: nowSec + 60 }).ok).toBe(true);
  });

  it("venue modes answer 503 with their texts; cancels still work", () => {
    const h = harness();
    rich(h);
    const id = placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10"));
    h.engine.setTradingMode("cancel-only");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10"))).toMatchObject({ code: "cancel_only", httpStatus: 503 });
    expect(h.engine.cancelOrders("u", [id]).canceled).toEqual([id]);
    h.engine.setTradingMode("post-only");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10"))).toMatchObject({
      message: "post-only mode: only post-only orders and cancels are allowed",
      httpStatus: 503,
    });
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10", "GTC", { postOnly: true }).ok).toBe(true);
    h.engine.setTradingMode("disabled");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10"))).toMatchObject({ code: "trading_disabled", httpStatus: 503 });
    expect(h.engine.cancelAll("u").canceled).toHaveLength(1);
    expect(ofKind(h.events, "trading_mode").map((e) => e.mode)).toEqual(["cancel-only", "post-only", "disabled"]);
  });

  it("closed, resolved and not-yet-active markets", () => {
    const h = harness();
    rich(h);
    h.engine.setAcceptingOrders(h.info.conditionId, false);
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10")).code).toBe("market_closed");
    h.engine.setAcceptingOrders(h.info.conditionId, true);
    expect(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10").ok).toBe(true);
    h.engine.resolveMarket(h.info.conditionId, "YES");
    expect(rejectOf(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10")).code).toBe("market_closed");
    const inactive = harness({}, { ...marketInfo(5), active: false });
    rich(inactive);
    expect(rejectOf(place(inactive, "u", inactive.info.yes.tokenId, "BUY", "0.4", "10")).message).toBe(
      "the market is not yet ready to process new orders",
    );
  });

  it("exposes the batch limit of 15 and its text", () => {
    expect(MAX_BATCH_ORDERS).toBe(15);
    expect(batchTooLargeMessage(16)).toBe("Too many orders in payload: 16, max allowed: 15");
  });
});

describe("order types", () => {
  it("FOK fills entirely across levels or is killed without touching the book", () => {
    const h = harness();
    rich(h);
    rich(h, "m");
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.5", "5"));
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.51", "5"));
    const killed = place(h, "u", h.info.yes.tokenId, "BUY", "0.51", "11", "FOK");
    expect(rejectOf(killed).message).toBe("order couldn't be fully filled. FOK orders are fully filled or killed.");
    const kill = ofKind(h.events, "order").at(-1);
    expect(kill).toMatchObject({ type: "CANCELLATION", cause: "killed" });
    expect(kill?.order.status).toBe("CANCELED_order couldn't be fully filled. FOK orders are fully filled or killed.");
    expect(ofKind(h.events, "trade")).toHaveLength(0);
    expect(h.engine.balance("u", "COLLATERAL").reservedOpen).toBe(0);
    expect(h.engine.book(h.info.yes.tokenId)?.asks).toHaveLength(2);
    const ok = place(h, "u", h.info.yes.tokenId, "BUY", "0.51", "10", "FOK");
    expect(ok).toMatchObject({ ok: true, status: "matched", takingAmount: size("10"), makingAmount: usdc("5.05") });
    expect(h.engine.book(h.info.yes.tokenId)?.asks).toHaveLength(0);
  });

  it("FAK takes what is there and kills the rest; with nothing to match it is killed", () => {
    const h = harness();
    rich(h);
    rich(h, "m");
    const none = place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "FAK");
    expect(rejectOf(none).message).toBe(
      "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.",
    );
    expect(none.orderId).toMatch(/^0x[0-9a-f]{64}$/);
    placed(place(h, "m", h.info.yes.tokenId, "SELL", "0.5", "6"));
    const r = place(h, "u", h.info.yes.tokenId, "BUY", "0.5", "10", "FAK");
    expect(r).toMatchObject({ ok: true, status: "matched", takingAmount: size("6") });
    expect(h.engine.order(r.orderId)).toMatchObject({ status: "MATCHED", sizeMatched: size("6"), open: false });
    expect(h.engine.openOrders("u")).toHaveLength(0);
    expect(h.engine.balance("u", "COLLATERAL")).toMatchObject({ reservedOpen: 0, pendingOut: usdc("3") });
  });

  it("GTD rests and is cancelled at expiration − 60 s, reported as a cancellation", () => {
    const h = harness();
    rich(h);
    const nowSec = Math.floor(h.clock.now() / 1000);
    const id = placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10", "GTD", { expiration: nowSec + 60 + 30 }));
    expect(h.engine.balance("u", "COLLATERAL").reservedOpen).toBe(usdc("4"));
    h.clock.advance(29_000);
    expect(h.engine.order(id)?.open).toBe(true);
    h.clock.advance(1_000);
    expect(h.engine.order(id)).toMatchObject({ open: false, status: "CANCELED" });
    const last = ofKind(h.events, "order").at(-1);
    expect(last).toMatchObject({ type: "CANCELLATION", cause: "expired" });
    expect(h.engine.balance("u", "COLLATERAL").reservedOpen).toBe(0);
    expect(ofKind(h.events, "book").at(-1)?.changes[0]).toMatchObject({ price: price("0.4"), size: 0 });
  });
});

describe("cancels", () => {
  it("cancels only the unfilled remainder and reports the rest in not_canceled", () => {
    const h = harness();
    rich(h);
    rich(h, "t");
    const a = placed(place(h, "u", h.info.yes.tokenId, "SELL", "0.6", "10"));
    placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.6", "4", "FOK"));
    const other = placed(place(h, "t", h.info.yes.tokenId, "BUY", "0.3", "10"));
    const res = h.engine.cancelOrders("u", [a, a, "0xdeadbeef", other]);
    expect(res.canceled).toEqual([a]);
    expect(res.notCanceled).toEqual({
      [a]: "already canceled or matched",
      "0xdeadbeef": "already canceled or matched",
      [other]: "already canceled or matched",
    });
    expect(h.engine.order(a)).toMatchObject({ status: "CANCELED", sizeMatched: size("4"), open: false });
    expect(h.engine.balance("u", h.info.yes.tokenId)).toMatchObject({ reservedOpen: 0, pendingOut: size("4") });
    expect(h.engine.order(other)?.open).toBe(true);
  });

  it("cancel-all and cancel-market-orders with market / asset filters", () => {
    const h = harness();
    const h2info = marketInfo(9);
    h.engine.addMarket(h2info);
    rich(h);
    h.engine.split("u", h2info.conditionId, size("100"));
    const y1 = placed(place(h, "u", h.info.yes.tokenId, "BUY", "0.4", "10"));
    const n1 = placed(place(h, "u", h.info.no.tokenId, "BUY", "0.4", "10"));
    const y2 = h.engine.placeOrder({
      owner: "u",
      tokenId: h2info.yes.tokenId,
      side: "BUY",
      price: price("0.4"),
      size: size("10"),
      orderType: "GTC",
    }).orderId;
    expect(h.engine.openOrders("u", { market: h.info.conditionId }).map((o) => o.id)).toEqual([y1, n1]);
    expect(h.engine.openOrders("u", { assetId: h.info.no.tokenId }).map((o) => o.id)).toEqual([n1]);
    expect(h.engine.cancelMarketOrders("u", { market: h.info.conditionId, assetId: h.info.no.tokenId }).canceled).toEqual([n1]);
    expect(h.engine.cancelMarketOrders("u", { market: h.info.conditionId }).canceled).toEqual([y1]);
    expect(h.engine.cancelAll("u").canceled).toEqual([y2]);
    expect(h.engine.cancelAll("nobody")).toEqual({ canceled: [], notCanceled: {} });
    expect(h.engine.balance("u", "COLLATERAL").reservedOpen).toBe(0);
    const cancels = ofKind(h.events, "order").filter((e) => e.type === "CANCELLATION");
    expect(cancels.map((e) => e.cause)).toEqual(["cancel_market", "cancel_market", "cancel_all"]);
  });
});
