/**
 * Engine views/events → wire JSON (POLYMARKET.md §2–§5). Pure functions; every shape here is
 * checked against @mm/protocol's schemas in the conformance tests. Decimals are canonical strings
 * ("0.55", "10"), market-channel timestamps ms strings, user-channel times unix-seconds strings.
 */
import { createHash } from "node:crypto";
import { formatPrice, formatSize, formatTickSize, type Size, type TokenId } from "@mm/types";
import {
  type BookSnapshot,
  type LastTradeEngineEvent,
  type Level,
  type LevelChange,
  type OrderEngineEvent,
  type OrderView,
  type TradeView,
  wireOrderLevels,
} from "../engine/index.js";

export interface WireLevel {
  readonly price: string;
  readonly size: string;
}

const levels = (ls: readonly Level[]): WireLevel[] => ls.map((l) => ({ price: formatPrice(l.price), size: formatSize(l.size) }));

const seconds = (ms: number): string => String(Math.floor(ms / 1000));

/** Book hash as Polymarket's SDK defines it (§2.11): SHA-1 of compact JSON in a fixed key order with hash "". */
export function summaryHash(s: {
  readonly market: string;
  readonly asset_id: string;
  readonly timestamp: string;
  readonly bids: readonly WireLevel[];
  readonly asks: readonly WireLevel[];
  readonly min_order_size: string;
  readonly tick_size: string;
  readonly neg_risk: boolean;
  readonly last_trade_price: string;
}): string {
  const text = JSON.stringify({
    market: s.market,
    asset_id: s.asset_id,
    timestamp: s.timestamp,
    hash: "",
    bids: s.bids.map((l) => ({ price: l.price, size: l.size })),
    asks: s.asks.map((l) => ({ price: l.price, size: l.size })),
    min_order_size: s.min_order_size,
    tick_size: s.tick_size,
    neg_risk: s.neg_risk,
    last_trade_price: s.last_trade_price,
  });
  return createHash("sha1").update(text).digest("hex");
}

/** REST `GET /book` summary (levels worst-first, best LAST, like the WS book). */
export function bookSummary(b: BookSnapshot) {
  const ordered = wireOrderLevels(b);
  const body = {
    market: b.conditionId as string,
    asset_id: b.tokenId as string,
    timestamp: String(b.timestamp),
    hash: "",
    bids: levels(ordered.bids),
    asks: levels(ordered.asks),
    min_order_size: formatSize(b.minOrderSize),
    tick_size: formatTickSize(b.tickSize),
    neg_risk: b.negRisk,
    last_trade_price: b.lastTradePrice === undefined ? "0" : formatPrice(b.lastTradePrice),
  };
  body.hash = summaryHash(body);
  return body;
}

/** Market-channel `book` (no summary extras; the hash is the summary hash of the same state). */
export function bookEvent(b: BookSnapshot) {
  const s = bookSummary(b);
  return {
    event_type: "book" as const,
    market: s.market,
    asset_id: s.asset_id,
    timestamp: s.timestamp,
    hash: s.hash,
    bids: s.bids,
    asks: s.asks,
  };
}

/**
 * Opaque per-entry hash of a price_change (docs: distinct from the book hash; clients must not
 * validate it). A unique 40-hex marker from the engine sequence and entry index: no digest per
 * entry on the hot path.
 */
function changeHash(seq: number, index: number): string {
  return `${seq.toString(16).padStart(32, "0")}${index.toString(16).padStart(8, "0")}`;
}

/** Current `price_change` schema (since 2025-09-15): both tokens, absolute sizes, best_bid/best_ask. */
export function priceChangeEvent(conditionId: string, changes: readonly LevelChange[], timestamp: number, seq: number) {
  return {
    event_type: "price_change" as const,
    market: conditionId,
    price_changes: changes.map((c, i) => ({
      asset_id: c.tokenId as string,
      price: formatPrice(c.price),
      size: formatSize(c.size),
      side: c.side,
      hash: changeHash(seq, i),
      best_bid: c.bestBid === undefined ? "0" : formatPrice(c.bestBid),
      best_ask: c.bestAsk === undefined ? "1" : formatPrice(c.bestAsk),
    })),
    timestamp: String(timestamp),
  };
}

/**
 * The same `price_change` as `priceChangeEvent`, serialized by hand for the hot path (every field is
 * a validated hex id, digit string, canonical decimal or BUY/SELL: nothing needs escaping).
 */
export function priceChangeFrame(conditionId: string, changes: readonly LevelChange[], timestamp: number, seq: number): string {
  let out = `{"event_type":"price_change","market":"${conditionId}","price_changes":[`;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i] as LevelChange;
    if (i > 0) out += ",";
    out += `{"asset_id":"${c.tokenId}","price":"${formatPrice(c.price)}","size":"${formatSize(c.size)}","side":"${c.side}","hash":"${changeHash(seq, i)}","best_bid":"${c.bestBid === undefined ? "0" : formatPrice(c.bestBid)}","best_ask":"${c.bestAsk === undefined ? "1" : formatPrice(c.bestAsk)}"}`;
  }
  return `${out}],"timestamp":"${timestamp}"}`;
}

export function lastTradePriceEvent(e: LastTradeEngineEvent) {
  return {
    event_type: "last_trade_price" as const,
    asset_id: e.tokenId as string,
    market: e.conditionId as string,
    price: formatPrice(e.price),
    side: e.side,
    size: formatSize(e.size),
    fee_rate_bps: String(e.feeRateBps),
    timestamp: String(e.timestamp),
  };
}

export function tickSizeChangeEvent(conditionId: string, tokenId: TokenId, oldTick: number, newTick: number, timestamp: number) {
  return {
    event_type: "tick_size_change" as const,
    asset_id: tokenId as string,
    market: conditionId,
    old_tick_size: formatPrice(oldTick),
    new_tick_size: formatPrice(newTick),
    timestamp: String(timestamp),
  };
}

export function bestBidAskEvent(
  conditionId: string,
  tokenId: string,
  bestBid: number | undefined,
  bestAsk: number | undefined,
  timestamp: number,
) {
  const bid = bestBid ?? 0;
  const ask = bestAsk ?? 10_000;
  return {
    event_type: "best_bid_ask" as const,
    market: conditionId,
    asset_id: tokenId,
    best_bid: formatPrice(bid),
    best_ask: formatPrice(ask),
    spread: formatPrice(Math.max(0, ask - bid)),
    timestamp: String(timestamp),
  };
}

/** Resolves an engine owner id (API key) to the funder address the wire shows as `maker_address`. */
export type AddressOf = (owner: string) => string;

const isKill = (e: OrderEngineEvent): boolean => e.type === "CANCELLATION" && e.cause === "killed";

/** User-channel `order` event. FOK/FAK kill frames carry "" for size_matched/outcome/created_at (recorded). */
export function userOrderEvent(e: OrderEngineEvent, addressOf: AddressOf) {
  const o = e.order;
  const kill = isKill(e);
  return {
    event_type: "order" as const,
    type: e.type,
    id: o.id as string,
    owner: o.owner,
    order_owner: o.owner,
    market: o.conditionId as string,
    asset_id: o.tokenId as string,
    side: o.side,
    price: formatPrice(o.price),
    original_size: formatSize(o.originalSize),
    size_matched: kill ? "" : formatSize(o.sizeMatched),
    outcome: kill ? "" : o.outcomeLabel,
    associate_trades: o.associateTrades.length === 0 ? (kill ? [] : null) : o.associateTrades.map(String),
    created_at: kill ? "" : seconds(o.createdAt),
    expiration: String(o.expiration),
    order_type: o.orderType,
    status: o.status,
    maker_address: addressOf(o.owner),
    timestamp: String(e.timestamp),
  };
}

function makerOrders(t: TradeView, addressOf: AddressOf) {
  return t.makers.map((m) => ({
    order_id: m.orderId as string,
    owner: m.owner,
    maker_address: addressOf(m.owner),
    matched_amount: formatSize(m.size),
    price: formatPrice(m.price),
    fee_rate_bps: String(m.feeRateBps),
    asset_id: m.tokenId as string,
    outcome: m.outcomeLabel,
    side: m.side,
  }));
}

/** Fields shared by the WS `trade` event and the REST `/data/trades` record. `viewer` decides trader_side. */
function tradeFields(t: TradeView, viewer: string, addressOf: AddressOf) {
  return {
    id: t.id as string,
    taker_order_id: t.taker.orderId as string,
    market: t.conditionId as string,
    asset_id: t.taker.tokenId as string,
    side: t.taker.side,
    size: formatSize(t.taker.size),
    price: formatPrice(t.taker.price),
    fee_rate_bps: String(t.taker.feeRateBps),
    status: t.status as string,
    match_time: seconds(t.matchTime),
    last_update: seconds(t.lastUpdate),
    outcome: t.taker.outcomeLabel,
    bucket_index: t.bucketIndex,
    owner: t.taker.owner,
    maker_address: addressOf(t.taker.owner),
    transaction_hash: t.transactionHash,
    trader_side: (t.taker.owner === viewer ? "TAKER" : "MAKER") as "TAKER" | "MAKER",
    maker_orders: makerOrders(t, addressOf),
  };
}

/** User-channel `trade` event as delivered to `viewer` (top-level fields describe the taker). */
export function userTradeEvent(t: TradeView, viewer: string, timestamp: number, addressOf: AddressOf) {
  return {
    event_type: "trade" as const,
    type: "TRADE" as const,
    ...tradeFields(t, viewer, addressOf),
    trade_owner: t.taker.owner,
    timestamp: String(timestamp),
  };
}

/** REST `/data/trades` record. */
export function clobTrade(t: TradeView, viewer: string, addressOf: AddressOf) {
  return tradeFields(t, viewer, addressOf);
}

/** REST `/data/orders` / `/data/order/{id}` record (`created_at` a seconds number). */
export function openOrder(o: OrderView, addressOf: AddressOf) {
  return {
    id: o.id as string,
    status: o.status,
    owner: o.owner,
    maker_address: addressOf(o.owner),
    market: o.conditionId as string,
    asset_id: o.tokenId as string,
    side: o.side,
    original_size: formatSize(o.originalSize),
    size_matched: formatSize(o.sizeMatched),
    price: formatPrice(o.price),
    associate_trades: o.associateTrades.map(String),
    outcome: o.outcomeLabel,
    created_at: Math.floor(o.createdAt / 1000),
    expiration: String(o.expiration),
    order_type: o.orderType,
  };
}

/** Micro-units (collateral or shares) as the 6-decimal integer string of `/balance-allowance`. */
export const microString = (units: number): string => String(Math.max(0, Math.trunc(units)));

export const sizeText = (s: Size): string => formatSize(s);
