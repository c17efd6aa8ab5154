/**
 * Every file in ../shared/protocol/fixtures is decoded (fast decoder, zod schema and/or
 * normalizer) or rejected for a stated reason. A new fixture without a row fails the suite.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  decodeWsFrame,
  fillsFromClobTrade,
  marketInfoFromClob,
  marketInfoFromGamma,
  normalizeClobTradesPage,
  normalizeDataTrade,
  normalizeOpenOrder,
  normalizeOpenOrdersPage,
  normalizeUserOrder,
  userFillsFromTrade,
  WireBalanceAllowanceSchema,
  WireBinanceAggTradeSchema,
  WireBinanceBookTickerRestSchema,
  WireBinanceBookTickerSchema,
  WireBinanceCombinedSchema,
  WireBinancePriceRestSchema,
  WireCancelResponseSchema,
  WireClobBookSchema,
  WireClobMarketInfoV2Schema,
  WireClobMarketSchema,
  WireClobTradeSchema,
  WireClobTradesPageSchema,
  WireDataTradesSchema,
  WireErrorBodySchema,
  WireFeeRateResponseSchema,
  WireGammaEventSchema,
  WireGammaEventsSchema,
  WireGammaMarketSchema,
  WireGammaMarketsSchema,
  WireHeartbeatResponseSchema,
  WireMarketEventSchema,
  WireMarketSubscribeSchema,
  WireMarketSubscriptionUpdateSchema,
  WireOpenOrderSchema,
  WireOpenOrdersPageSchema,
  WireOrderResponseSchema,
  WireOrdersResponseSchema,
  WirePostOrderBodyV1Schema,
  WirePostOrderBodyV2Schema,
  WireRtdsMessageSchema,
  WireSignedOrderV2Schema,
  WireUserEventSchema,
  WireUserSubscribeSchema,
  type WsEvent,
} from "../src/index.js";
import { allFixtureFiles, readFixture } from "./fixtures.js";

type Check = (text: string, json: unknown) => void;

function schema(s: z.ZodType): Check {
  return (_t, json) => {
    const r = s.safeParse(json);
    if (!r.success) throw new Error(r.error.message);
  };
}
function schemaRejects(s: z.ZodType, reason: RegExp): Check {
  return (_t, json) => {
    const r = s.safeParse(json);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.message).toMatch(reason);
  };
}
const all =
  (...checks: Check[]): Check =>
  (t, j) => {
    for (const c of checks) c(t, j);
  };

/** The fast decoder yields exactly these event kinds, with no rejects and no unknown events. */
function ws(kinds: WsEvent["kind"][], more?: (events: readonly WsEvent[]) => void): Check {
  return (text) => {
    const d = decodeWsFrame(text);
    expect(d.errors).toEqual([]);
    expect(d.unknown).toBe(0);
    expect(d.events.map((e) => e.kind)).toEqual(kinds);
    more?.(d.events);
  };
}
/** Not a WS event: the decoder counts it as unknown and skips it without an error. */
function notWs(): Check {
  return (text) => {
    const d = decodeWsFrame(text);
    expect(d.events).toEqual([]);
    expect(d.errors).toEqual([]);
    expect(d.unknown).toBeGreaterThan(0);
  };
}
/** The WS event validates against the schema (it carries event_type). */
const wsSchema = (isUser: boolean): Check => schema(isUser ? WireUserEventSchema : WireMarketEventSchema);

const ME = { apiKey: "00000000-0000-0000-0000-000000000001" };

function userOrder(normalized: "ok" | RegExp): Check {
  return (text) => {
    const d = decodeWsFrame(text);
    const ev = d.events[0];
    if (ev?.kind !== "user_order") throw new Error("expected a user_order event");
    const n = normalizeUserOrder(ev);
    if (normalized === "ok") expect(n.ok).toBe(true);
    else {
      expect(n.ok).toBe(false);
      if (!n.ok) expect(`${n.error.reason}: ${n.error.detail}`).toMatch(normalized);
    }
  };
}

const ROWS: Record<string, Check> = {
  // ---- Binance --------------------------------------------------------------------------------
  "binance/rest_ticker_bookTicker.json": all(schema(WireBinanceBookTickerRestSchema), notWs()),
  "binance/rest_ticker_price.json": schema(WireBinancePriceRestSchema),
  "binance/ws_combined_stream_wrapper.json": (_t, j) => {
    schema(WireBinanceCombinedSchema)(_t, j);
    schema(WireBinanceBookTickerSchema)(_t, (j as { data: unknown }).data);
  },
  "binance/ws_futures_bookTicker.json": schema(WireBinanceBookTickerSchema),
  "binance/ws_spot_aggTrade.json": schema(WireBinanceAggTradeSchema),
  "binance/ws_spot_bookTicker.json": schema(WireBinanceBookTickerSchema),
  // ---- docs examples ----------------------------------------------------------------------------
  // Constructed bodies keep placeholder addresses/signatures ("0xFUNDER...", "<65-byte hex>"): shape-valid, not signable.
  "docs_examples/constructed_v1_post_order_body.json": schema(WirePostOrderBodyV1Schema),
  "docs_examples/constructed_v2_post_order_body.json": schema(WirePostOrderBodyV2Schema),
  "docs_examples/rest_clob_markets_info_v2.json": schema(WireClobMarketInfoV2Schema),
  "docs_examples/rest_error_response.json": schema(WireErrorBodySchema),
  // Docs artefact: status TRADE_STATUS_CONFIRMED (normalized to CONFIRMED), raw-unit size, 40-hex order id.
  "docs_examples/rest_get_trades_v2_docs.json": (_t, j) => {
    schema(WireClobTradesPageSchema)(_t, j);
    const page = normalizeClobTradesPage(j, { apiKey: "f4f247b7-4ac7-ff29-a152-04fda0a8755a" });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.value.cursor).toEqual({ next: "MTAw", end: false });
    expect(page.value.rejected.map((r) => r.error.reason)).toEqual(["invalid_id"]); // taker_order_id is 0x + 40 hex
  },
  "docs_examples/rest_heartbeat_response.json": schema(WireHeartbeatResponseSchema),
  "docs_examples/rest_post_only_mode_error.json": schema(WireErrorBodySchema),
  "docs_examples/rest_post_order_response_ok.json": schema(WireOrderResponseSchema),
  "docs_examples/rest_post_orders_batch_per_order_errors.json": schema(WireOrdersResponseSchema),
  "docs_examples/ws_market_book.json": all(
    wsSchema(false),
    ws(["book"], ([b]) => {
      if (b?.kind !== "book") throw new Error("book");
      expect(b.bids.map((l) => l.price)).toEqual([5000, 4900, 4800]);
      expect(b.asks.map((l) => l.price)).toEqual([5200, 5300, 5400]);
    }),
  ),
  "docs_examples/ws_market_last_trade_price.json": all(wsSchema(false), ws(["last_trade_price"])),
  "docs_examples/ws_market_price_change_legacy_changes_array.json": all(
    wsSchema(false),
    ws(["price_change"], ([e]) => expect(e?.kind === "price_change" && e.schema).toBe("legacy_changes")),
  ),
  "docs_examples/ws_market_price_change_v2_2025-09.json": all(
    wsSchema(false),
    ws(["price_change"], ([e]) => {
      if (e?.kind !== "price_change") throw new Error("price_change");
      expect(e.schema).toBe("current");
      expect(e.changes.map((c) => [c.side, c.price, c.size, c.bestBid, c.bestAsk])).toEqual([
        ["BID", 5000, 200_000_000, 5000, 10000],
        ["ASK", 5000, 200_000_000, 0, 5000],
      ]);
    }),
  ),
  "docs_examples/ws_market_subscribe_dynamic.json": all(schema(WireMarketSubscriptionUpdateSchema), notWs()),
  "docs_examples/ws_market_subscribe_initial.json": all(schema(WireMarketSubscribeSchema), notWs()),
  // Docs example timestamp "100000000" is below 1e11, so it is read as seconds.
  "docs_examples/ws_market_tick_size_change.json": all(
    wsSchema(false),
    ws(["tick_size_change"], ([e]) =>
      expect(e?.kind === "tick_size_change" && [e.oldTickSize, e.newTickSize, e.timestamp]).toEqual([100, 10, 100_000_000_000]),
    ),
  ),
  "docs_examples/ws_market_unsubscribe_dynamic.json": all(schema(WireMarketSubscriptionUpdateSchema), notWs()),
  "docs_examples/ws_user_order_placement.json": all(wsSchema(true), ws(["user_order"]), userOrder("ok")),
  "docs_examples/ws_user_subscribe.json": all(schema(WireUserSubscribeSchema), notWs()),
  "docs_examples/ws_user_trade.json": all(
    wsSchema(true),
    ws(["user_trade"], ([e]) => {
      if (e?.kind !== "user_trade") throw new Error("trade");
      expect(e.matchTime).toBe(1_672_290_701_000); // `matchtime` spelling, seconds
      const fills = userFillsFromTrade(e, { apiKey: "9180014b-33c8-9240-a14b-bdca11c0a465" });
      expect(fills.ok && fills.value.map((f) => [f.role, f.side, f.size])).toEqual([["MAKER", "SELL", 10_000_000]]);
    }),
  ),
  // ---- nautilus_py --------------------------------------------------------------------------------
  "nautilus_py/http_responses/book.json": all(schema(WireClobBookSchema), ws(["book"])),
  // SYN: clobTokenIds shown as real arrays (accepted), no tick/min size → MarketInfo rejected with reason.
  "nautilus_py/http_responses/event.json": (_t, j) => {
    schemaRejects(WireGammaEventSchema, /expected string/)(_t, j); // its markets lack `id`
    const m = (j as { markets: unknown[] }).markets[0];
    const r = marketInfoFromGamma(m);
    expect(!r.ok && r.error.reason).toBe("missing_field");
  },
  "nautilus_py/http_responses/events_list.json": schemaRejects(WireGammaEventsSchema, /expected string/),
  "nautilus_py/http_responses/market_slug.json": (_t, j) => {
    schema(WireGammaMarketSchema)(_t, j);
    const r = marketInfoFromGamma(j);
    expect(r.ok).toBe(false);
  },
  "nautilus_py/http_responses/markets_list.json": schemaRejects(WireGammaMarketsSchema, /id/),
  // SYN rows (fake tx hashes, names): schema-valid; numbers normalize exactly.
  "nautilus_py/http_responses/trades.json": all(schema(WireDataTradesSchema), (_t, j) =>
    expect((j as unknown[]).every((r) => normalizeDataTrade(r).ok)).toBe(true),
  ),
  "nautilus_py/ws_messages/price_change_v2.json": all(
    wsSchema(false),
    ws(["price_change"], ([e]) => expect(e?.kind === "price_change" && e.changes.map((c) => c.price)).toEqual([6000, 5000, 7000])),
  ),
  // REST /data/trades record (no event_type): recognized as a trade by shape.
  "nautilus_py/ws_messages/trades.json": all(schema(WireClobTradeSchema), ws(["user_trade"]), (_t, j) => {
    const f = fillsFromClobTrade(j, { apiKey: "3e2c94ca-8124-c4c1-c7ea-be1ea21b71fe" });
    expect(f.ok && f.value.map((x) => [x.role, x.side, x.price, x.size])).toEqual([["TAKER", "BUY", 4890, 5_000_000]]);
  }),
  "nautilus_py/ws_messages/user_trade3.json": all(
    wsSchema(true),
    ws(["user_trade"], ([e]) => {
      if (e?.kind !== "user_trade") throw new Error("trade");
      expect(e.timestamp).toBe(1_762_776_436_000); // seconds on the wire
      const f = userFillsFromTrade(e, { apiKey: "a93a3d32-74fa-dd2b-4b67-98bfa6fc5cb5" });
      expect(f.ok && f.value.map((x) => [x.role, x.side, x.price, x.size, x.status])).toEqual([
        ["MAKER", "BUY", 5130, 5_000_000, "CONFIRMED"],
      ]);
    }),
  ),
  "nautilus_py/ws_messages/user_trade4.json": all(
    wsSchema(true),
    ws(["user_trade"], ([e]) => {
      if (e?.kind !== "user_trade") throw new Error("trade");
      const f = userFillsFromTrade(e, { apiKey: "a93a3d32-74fa-dd2b-4b67-98bfa6fc5cb5" });
      expect(f.ok && f.value.map((x) => [x.orderId.slice(0, 6), x.price])).toEqual([
        ["0x3ad0", 4000],
        ["0x67b5", 3000],
      ]);
    }),
  ),
  "nautilus_py/ws_messages_historical/price_change_changes_array_2024-10.json": all(wsSchema(false), ws(["price_change"])),
  // ---- nautilus_rust ------------------------------------------------------------------------------
  "nautilus_rust/clob_book_response.json": all(
    schema(WireClobBookSchema),
    ws(["book"], ([b]) => expect(b?.kind === "book" && b.bids[0]?.price).toBe(5000)),
  ),
  "nautilus_rust/clob_fee_rate_response_nonzero.json": schema(WireFeeRateResponseSchema),
  "nautilus_rust/clob_fee_rate_response_zero.json": schema(WireFeeRateResponseSchema),
  "nautilus_rust/clob_market_closed_binary_accepting_false.json": all(schema(WireClobMarketSchema), (_t, j) =>
    expect(marketInfoFromClob(j).ok).toBe(true),
  ),
  "nautilus_rust/clob_market_closed_binary_accepting_true.json": all(schema(WireClobMarketSchema), (_t, j) => {
    const r = marketInfoFromClob(j);
    expect(r.ok && [r.value.tickSize, r.value.minOrderSize, r.value.closed, r.value.yes.label]).toEqual([100, 5_000_000, true, "Yes"]);
  }),
  // Data-API positions: not a format the framework consumes; recognized as JSON, no WS events.
  "nautilus_rust/data_api_positions_response.json": notWs(),
  "nautilus_rust/data_api_trades_response.json": all(schema(WireDataTradesSchema), (_t, j) => {
    const rows = (j as unknown[]).map(normalizeDataTrade);
    expect(rows.map((r) => r.ok && [r.value.side, r.value.price, r.value.size, r.value.timestamp])).toEqual([
      ["BUY", 5500, 100_000_000, 1_710_000_000_000],
      ["SELL", 5300, 50_000_000, 1_709_999_900_000],
      ["BUY", 4500, 75_000_000, 1_709_999_800_000],
    ]);
  }),
  "nautilus_rust/gamma_event.json": all(schema(WireGammaEventsSchema), (_t, j) => {
    const ms = (j as { markets: unknown[] }[])[0]!.markets;
    expect(ms.map((m) => marketInfoFromGamma(m).ok)).toEqual(ms.map(() => true));
  }),
  "nautilus_rust/gamma_market_closed_binary_accepting_false.json": all(schema(WireGammaMarketSchema), (_t, j) =>
    expect(marketInfoFromGamma(j).ok).toBe(true),
  ),
  "nautilus_rust/gamma_market_closed_binary_accepting_true.json": all(schema(WireGammaMarketSchema), (_t, j) => {
    const r = marketInfoFromGamma(j);
    expect(r.ok && [r.value.yes.tokenId.slice(0, 8), r.value.tickSize, r.value.negRisk]).toEqual(["22978793", 100, false]);
    expect(r.ok && r.value.feeSchedule).toEqual({ rateBps: 0, exponent: 1 }); // feesEnabled: false
  }),
  // Legacy AMM-era markets: no orderPriceMinTickSize → rejected for MarketInfo with a reason.
  "nautilus_rust/gamma_market_closed_nonbinary_legacy.json": all(schema(WireGammaMarketSchema), (_t, j) => {
    const r = marketInfoFromGamma(j);
    expect(!r.ok && r.error.reason).toMatch(/not_binary|invalid_tick_size|missing_field/);
  }),
  "nautilus_rust/gamma_market_closed_zero_zero_legacy.json": all(schema(WireGammaMarketSchema), (_t, j) => {
    const r = marketInfoFromGamma(j);
    expect(!r.ok && r.error.reason).toMatch(/not_binary|invalid_tick_size|missing_field/);
  }),
  "nautilus_rust/gamma_market_sports_market_map_handicap.json": all(schema(WireGammaMarketSchema), (_t, j) => {
    const r = marketInfoFromGamma(j);
    expect(r.ok).toBe(true); // team-name outcomes: YES = first outcome
  }),
  // Recorded fee schedule {exponent 1, rate 0.03}: the charged taker rate is 300 bps.
  "nautilus_rust/gamma_market_sports_market_money_line.json": all(schema(WireGammaMarketSchema), (_t, j) => {
    const r = marketInfoFromGamma(j);
    expect(r.ok && r.value.feeSchedule).toEqual({ rateBps: 300, exponent: 1 });
  }),
  "nautilus_rust/gamma_tags.json": notWs(),
  "nautilus_rust/http_balance_allowance_collateral.json": schema(WireBalanceAllowanceSchema),
  "nautilus_rust/http_balance_allowance_no_allowance.json": schema(WireBalanceAllowanceSchema),
  "nautilus_rust/http_batch_cancel_response.json": schema(WireCancelResponseSchema),
  "nautilus_rust/http_cancel_response_failed.json": schema(WireCancelResponseSchema),
  "nautilus_rust/http_cancel_response_ok.json": schema(WireCancelResponseSchema),
  // SYN ids are 0x + 66 hex: schema-valid, rejected by the normalizer with the reason.
  "nautilus_rust/http_open_order.json": all(schema(WireOpenOrderSchema), notWs(), (_t, j) => {
    const r = normalizeOpenOrder(j);
    expect(!r.ok && `${r.error.reason}: ${r.error.detail}`).toMatch(/^invalid_id: id/);
  }),
  "nautilus_rust/http_open_order_sell_fok.json": all(schema(WireOpenOrderSchema), (_t, j) => {
    const r = normalizeOpenOrder(j);
    expect(r.ok && [r.value.side, r.value.orderType, r.value.sizeMatched, r.value.createdAt]).toEqual([
      "SELL",
      "FOK",
      50_000_000,
      1_703_875_201_000,
    ]);
  }),
  "nautilus_rust/http_open_orders_page.json": all(schema(WireOpenOrdersPageSchema), (_t, j) => {
    const r = normalizeOpenOrdersPage(j);
    expect(r.ok && [r.value.items.length, r.value.rejected.length, r.value.cursor.end]).toEqual([2, 0, true]);
  }),
  "nautilus_rust/http_order_response_error_500.json": schema(WireErrorBodySchema),
  "nautilus_rust/http_order_response_failed.json": schema(WireOrderResponseSchema),
  "nautilus_rust/http_order_response_ok.json": schema(WireOrderResponseSchema),
  "nautilus_rust/http_signed_order.json": schema(WireSignedOrderV2Schema),
  // SYN: ISO match_time and 0x+72-char maker order ids → decoded; our taker fill rejected for the id.
  "nautilus_rust/http_trade_report.json": all(schema(WireClobTradeSchema), ws(["user_trade"]), (_t, j) => {
    const r = fillsFromClobTrade(j, ME);
    expect(!r.ok && r.error.reason).toBe("invalid_id");
  }),
  "nautilus_rust/http_trades_page.json": all(schema(WireClobTradesPageSchema), (_t, j) => {
    const r = normalizeClobTradesPage(j, ME);
    expect(r.ok && [r.value.cursor.end, r.value.rejected[0]?.error.reason]).toEqual([true, "invalid_id"]);
  }),
  // RTDS topics: shape only; not consumed by the framework.
  "nautilus_rust/rtds_crypto_prices_subscribe.json": schema(WireRtdsMessageSchema),
  "nautilus_rust/rtds_crypto_prices_update.json": schema(WireRtdsMessageSchema),
  "nautilus_rust/rtds_equity_prices_subscribe.json": schema(WireRtdsMessageSchema),
  "nautilus_rust/rtds_equity_prices_update.json": schema(WireRtdsMessageSchema),
  "nautilus_rust/search_response.json": notWs(),
  // SYN frames without event_type: recognized by shape.
  "nautilus_rust/ws_book_snapshot.json": ws(["book"], ([b]) => {
    if (b?.kind !== "book") throw new Error("book");
    expect(b.bids.map((l) => l.price)).toEqual([5000, 4900, 4800]);
    expect(b.asks.map((l) => l.price)).toEqual([5100, 5200, 5300]);
  }),
  "nautilus_rust/ws_last_trade.json": ws(["last_trade_price"]),
  "nautilus_rust/ws_market_best_bid_ask_msg.json": all(wsSchema(false), ws(["best_bid_ask"])),
  // Best-first even when the wire is already best-first.
  "nautilus_rust/ws_market_book_msg.json": all(
    wsSchema(false),
    ws(["book"], ([b]) => expect(b?.kind === "book" && [b.bids[0]?.price, b.asks[0]?.price]).toEqual([5000, 5100])),
  ),
  "nautilus_rust/ws_market_last_trade_msg.json": all(wsSchema(false), ws(["last_trade_price"])),
  "nautilus_rust/ws_market_new_market_msg.json": all(
    wsSchema(false),
    ws(["new_market"], ([e]) => expect(e?.kind === "new_market" && [e.assetIds.length, e.tickSize]).toEqual([2, 100])),
  ),
  "nautilus_rust/ws_market_price_change_msg.json": all(wsSchema(false), ws(["price_change"])),
  "nautilus_rust/ws_market_resolved_msg.json": all(wsSchema(false), ws(["market_resolved"])),
  "nautilus_rust/ws_market_tick_size_msg.json": all(wsSchema(false), ws(["tick_size_change"])),
  "nautilus_rust/ws_quotes.json": ws(["price_change"], ([e]) => expect(e?.kind === "price_change" && e.changes.length).toBe(2)),
  "nautilus_rust/ws_tick_size_change.json": ws(["tick_size_change"]),
  // SYN order frames without event_type; ids are 0x + 66 hex → normalizer rejects with the reason.
  "nautilus_rust/ws_user_order_cancellation.json": all(ws(["user_order"]), userOrder(/^invalid_id: order id/)),
  "nautilus_rust/ws_user_order_fok_killed.json": all(
    wsSchema(true),
    ws(["user_order"], ([e]) => {
      if (e?.kind !== "user_order") throw new Error("order");
      expect([e.sizeMatched, e.createdAt, e.outcome, e.cancelReason]).toEqual([
        0,
        undefined,
        undefined,
        "order couldn't be fully filled. FOK orders are fully filled or killed.",
      ]);
    }),
    userOrder(/^invalid_id: order id/),
  ),
  "nautilus_rust/ws_user_order_matched.json": all(ws(["user_order"]), userOrder(/^invalid_id/)),
  "nautilus_rust/ws_user_order_msg.json": all(wsSchema(true), ws(["user_order"]), userOrder(/^invalid_id/)),
  "nautilus_rust/ws_user_order_placement.json": all(ws(["user_order"]), userOrder(/^invalid_id/)),
  "nautilus_rust/ws_user_order_update.json": all(
    ws(["user_order"], ([e]) => expect(e?.kind === "user_order" && e.sizeMatched).toBe(25_000_000)),
    userOrder(/^invalid_id/),
  ),
  "nautilus_rust/ws_user_order_venue_cancel.json": all(
    ws(["user_order"], ([e]) => expect(e?.kind === "user_order" && [e.status, e.eventType]).toEqual(["INVALID", "CANCELLATION"])),
    userOrder(/^invalid_id/),
  ),
  "nautilus_rust/ws_user_trade.json": ws(["user_trade"], ([e]) =>
    expect(e?.kind === "user_trade" && e.matchTime).toBe(Date.parse("2024-01-01T00:00:00Z")),
  ),
  "nautilus_rust/ws_user_trade_msg.json": all(wsSchema(true), ws(["user_trade"])),
  // ---- test vectors (exercised in their own suites) --------------------------------------------
  "test_vectors/l1_clobauth_eip712_vector.json": notWs(),
  "test_vectors/l2_hmac_vector.json": notWs(),
  "test_vectors/orderbook_summary_hash_vectors.json": notWs(),
  "test_vectors/v1_order_hash_vector.json": notWs(),
};

describe("fixture table", () => {
  const files = allFixtureFiles();
  it("has a row for every fixture file (and no stale rows)", () => {
    expect(files.length).toBeGreaterThan(90);
    expect(files.filter((f) => !(f in ROWS))).toEqual([]);
    expect(Object.keys(ROWS).filter((f) => !files.includes(f))).toEqual([]);
  });
  for (const f of files) {
    const check = ROWS[f];
    if (!check) continue;
    it(f, () => {
      const text = readFixture(f);
      check(text, JSON.parse(text));
    });
  }
});
