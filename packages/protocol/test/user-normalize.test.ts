import { describe, expect, it } from "vitest";
import { decodeWsFrame, normalizeUserOrder, type UserTradeMessage, userEventsFromFrame, userFillsFromTrade } from "../src/index.js";

const CID = "0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917";
const YES = "21742633143463906290569050155826241533067272736897614950488156847949938836455";
const NO = "48331043336612883890938759509493159234755048973500640148014422747788308965732";
const oid = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const ME = "3e2c94ca-8124-c4c1-c7ea-be1ea21b71fe";
const MY_FUNDER = "0xa3D82Ed56F4c68d2328Fb8c29e568Ba2cAF7d7c8";

function trade(over: Record<string, unknown>): UserTradeMessage {
  const base = {
    event_type: "trade",
    type: "TRADE",
    id: "83b5c849-620e-4c23-b63b-2e779c04a6e7",
    taker_order_id: oid(1),
    market: CID,
    asset_id: YES,
    side: "BUY",
    size: "1096.87",
    price: "0.518",
    fee_rate_bps: "0",
    status: "MINED",
    match_time: "1725868859",
    last_update: "1725868885",
    owner: "092dab0c-74fa-5ba7-4b67-572daeace198",
    trade_owner: "092dab0c-74fa-5ba7-4b67-572daeace198",
    maker_address: "0x64B7b3d1BF7aA4f5E9fe0eC7B2e0C0fB6f1bF4C1",
    trader_side: "MAKER",
    timestamp: "1725868885871",
    maker_orders: [
      {
        order_id: oid(2),
        owner: ME,
        maker_address: MY_FUNDER,
        matched_amount: "5",
        price: "0.518",
        fee_rate_bps: "0",
        asset_id: YES,
        outcome: "Yes",
      },
      {
        order_id: oid(3),
        owner: "someone-else",
        maker_address: "0x1111111111111111111111111111111111111111",
        matched_amount: "100",
        price: "0.518",
        asset_id: YES,
      },
      {
        order_id: oid(4),
        owner: ME,
        maker_address: MY_FUNDER,
        matched_amount: "12.5",
        price: "0.482",
        fee_rate_bps: "10",
        asset_id: NO,
        outcome: "No",
      },
    ],
    ...over,
  };
  const e = decodeWsFrame(JSON.stringify(base)).events[0];
  if (e?.kind !== "user_trade") throw new Error("not a trade");
  return e;
}

describe("userFillsFromTrade", () => {
  it("MAKER: picks our legs by API key, infers sides (cross-asset = taker's side)", () => {
    const r = userFillsFromTrade(trade({}), { apiKey: ME });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(
      r.value.map((f) => [f.orderId, f.tokenId === YES ? "YES" : "NO", f.side, f.price, f.size, f.role, f.feeRateBps, f.status]),
    ).toEqual([
      [oid(2), "YES", "SELL", 5180, 5_000_000, "MAKER", 0, "MINED"],
      [oid(4), "NO", "BUY", 4820, 12_500_000, "MAKER", 10, "MINED"],
    ]);
    expect(r.value[0]?.matchTime).toBe(1_725_868_859_000);
    expect(r.value[0]?.timestamp).toBe(1_725_868_885_871);
  });

  it("MAKER: matches by funder address case-insensitively; explicit leg side wins", () => {
    const t = trade({});
    const withSide: UserTradeMessage = { ...t, makerOrders: t.makerOrders.map((l) => ({ ...l, side: "SELL" as const })) };
    const r = userFillsFromTrade(withSide, { makerAddresses: [MY_FUNDER.toLowerCase()] });
    expect(r.ok && r.value.map((f) => f.side)).toEqual(["SELL", "SELL"]);
  });

  it("TAKER: the top-level order is ours", () => {
    const r = userFillsFromTrade(trade({ trader_side: "TAKER", status: "MATCHED" }), { apiKey: "092dab0c-74fa-5ba7-4b67-572daeace198" });
    expect(r.ok && r.value.map((f) => [f.orderId, f.side, f.price, f.size, f.role])).toEqual([
      [oid(1), "BUY", 5180, 1_096_870_000, "TAKER"],
    ]);
  });

  it("reports missing identity, foreign trades and unknown statuses", () => {
    expect(userFillsFromTrade(trade({}), {})).toMatchObject({ ok: false, error: { reason: "no_identity" } });
    expect(userFillsFromTrade(trade({}), { apiKey: "", makerAddresses: [""] })).toMatchObject({
      ok: false,
      error: { reason: "no_identity" },
    });
    expect(userFillsFromTrade(trade({}), { apiKey: "nobody" })).toMatchObject({ ok: false, error: { reason: "no_own_leg" } });
    expect(userFillsFromTrade(trade({ status: "WEIRD" }), { apiKey: ME })).toMatchObject({
      ok: false,
      error: { reason: "unknown_status" },
    });
    expect(userFillsFromTrade(trade({ status: "TRADE_STATUS_CONFIRMED" }), { apiKey: ME })).toMatchObject({ ok: true });
  });
});

describe("normalizeUserOrder", () => {
  it("brands ids and keeps the cancel reason", () => {
    const frame = {
      event_type: "order",
      type: "CANCELLATION",
      id: oid(9).toUpperCase().replace("0X", "0x"),
      market: CID,
      asset_id: YES,
      side: "SELL",
      price: "0.57",
      original_size: "10",
      size_matched: "2.5",
      status: "CANCELED_MARKET_RESOLVED",
      order_type: "GTC",
      timestamp: "1672290687",
    };
    const e = decodeWsFrame(JSON.stringify(frame)).events[0];
    if (e?.kind !== "user_order") throw new Error("order");
    const r = normalizeUserOrder(e);
    expect(r.ok && r.value).toEqual({
      kind: "order",
      eventType: "CANCELLATION",
      orderId: oid(9),
      conditionId: CID,
      tokenId: YES,
      side: "SELL",
      price: 5700,
      originalSize: 10_000_000,
      sizeMatched: 2_500_000,
      status: "CANCELED_MARKET_RESOLVED",
      cancelReason: "MARKET_RESOLVED",
      orderType: "GTC",
      timestamp: 1_672_290_687_000,
    });
  });
});

describe("userEventsFromFrame", () => {
  it("turns one user frame into our domain events, in wire order, with reasons for the rest", () => {
    const order = {
      event_type: "order",
      type: "PLACEMENT",
      id: oid(7),
      market: CID,
      asset_id: YES,
      side: "BUY",
      price: "0.5",
      original_size: "10",
      size_matched: "0",
      status: "LIVE",
      timestamp: "1725842520990",
    };
    const t = {
      event_type: "trade",
      id: "t-1",
      taker_order_id: oid(1),
      market: CID,
      asset_id: YES,
      side: "BUY",
      size: "5",
      price: "0.5",
      status: "MATCHED",
      trader_side: "MAKER",
      maker_orders: [{ order_id: oid(7), owner: ME, matched_amount: "5", price: "0.5", asset_id: YES }],
      timestamp: "1725842521000",
    };
    const frame = decodeWsFrame(JSON.stringify([order, t, { ...order, id: "0xbad" }]));
    const r = userEventsFromFrame(frame.events, { apiKey: ME });
    expect(r.events.map((e) => e.kind)).toEqual(["order", "fill"]);
    expect(r.events[1]).toMatchObject({ kind: "fill", orderId: oid(7), side: "SELL", size: 5_000_000, role: "MAKER", status: "MATCHED" });
    expect(r.errors.map((e) => e.reason)).toEqual(["invalid_id"]);
  });
});
