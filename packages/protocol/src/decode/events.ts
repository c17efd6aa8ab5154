/**
 * Decoded WebSocket events: wire frames turned into @mm/types integers (Price in 1e-4, Size in
 * micro-shares), timestamps in epoch ms, book levels best-first. Ids stay the venue's strings
 * (the normalizers in `normalize/` brand and validate them for the core).
 */
import type { BookLevel, BookSide, Price, Side, Size, TickSize, TradeStatus } from "@mm/types";

export interface BookEvent {
  readonly kind: "book";
  readonly assetId: string;
  readonly market: string;
  readonly timestamp: number;
  readonly hash: string | undefined;
  /** Best (highest) first. */
  readonly bids: BookLevel[];
  /** Best (lowest) first. */
  readonly asks: BookLevel[];
}

/** One absolute level update (size 0 = level removed), from any of the three price_change schemas. */
export interface LevelChange {
  readonly assetId: string;
  readonly side: BookSide;
  readonly price: Price;
  readonly size: Size;
  /** Top of book of `assetId` after the change (current schema only; 0 / 1 mean an empty side). */
  readonly bestBid: Price | undefined;
  readonly bestAsk: Price | undefined;
  readonly hash: string | undefined;
}

export type PriceChangeSchemaVersion = "current" | "legacy_changes" | "legacy_flat";

export interface PriceChangeEvent {
  readonly kind: "price_change";
  readonly market: string;
  readonly timestamp: number;
  readonly schema: PriceChangeSchemaVersion;
  readonly changes: LevelChange[];
}

export interface LastTradePriceEvent {
  readonly kind: "last_trade_price";
  readonly assetId: string;
  readonly market: string;
  readonly price: Price;
  readonly size: Size;
  /** Believed to be the taker's side; absent on some payloads. */
  readonly side: Side | undefined;
  readonly feeRateBps: number | undefined;
  readonly timestamp: number;
}

export interface TickSizeChangeEvent {
  readonly kind: "tick_size_change";
  readonly assetId: string;
  readonly market: string;
  readonly oldTickSize: TickSize;
  readonly newTickSize: TickSize;
  readonly timestamp: number;
}

export interface BestBidAskEvent {
  readonly kind: "best_bid_ask";
  readonly assetId: string;
  readonly market: string;
  readonly bestBid: Price;
  readonly bestAsk: Price;
  readonly timestamp: number;
}

export interface NewMarketEvent {
  readonly kind: "new_market";
  readonly market: string;
  readonly assetIds: string[];
  readonly outcomes: string[];
  readonly question: string | undefined;
  readonly slug: string | undefined;
  readonly tickSize: TickSize | undefined;
  readonly active: boolean | undefined;
  readonly timestamp: number;
}

export interface MarketResolvedEvent {
  readonly kind: "market_resolved";
  readonly market: string;
  readonly assetIds: string[];
  readonly winningAssetId: string;
  readonly winningOutcome: string | undefined;
  readonly timestamp: number;
}

/** The user channel's `order` event with numbers decoded (ids not yet validated). */
export interface UserOrderMessage {
  readonly kind: "user_order";
  readonly id: string;
  readonly eventType: "PLACEMENT" | "UPDATE" | "CANCELLATION";
  /** Raw status (LIVE, MATCHED, CANCELED, INVALID, CANCELED_<reason>, …); "" when absent. */
  readonly status: string;
  /** The reason of a `CANCELED_<reason>` status. */
  readonly cancelReason: string | undefined;
  readonly market: string;
  readonly assetId: string;
  readonly side: Side;
  readonly price: Price;
  readonly originalSize: Size;
  /** "" on the wire (kill frames) decodes to 0. */
  readonly sizeMatched: Size;
  readonly orderType: string | undefined;
  readonly owner: string | undefined;
  readonly makerAddress: string | undefined;
  readonly outcome: string | undefined;
  readonly associateTrades: string[];
  /** Epoch ms; undefined when "" or absent. */
  readonly createdAt: number | undefined;
  readonly timestamp: number;
}

export interface MakerLeg {
  readonly orderId: string;
  readonly owner: string;
  readonly makerAddress: string | undefined;
  readonly assetId: string;
  readonly price: Price;
  readonly matchedAmount: Size;
  /** Present on 2025+ payloads only. */
  readonly side: Side | undefined;
  readonly feeRateBps: number;
  readonly outcome: string | undefined;
}

/** The user channel's `trade` event (also a CLOB `/data/trades` record) with numbers decoded. */
export interface UserTradeMessage {
  readonly kind: "user_trade";
  readonly id: string;
  readonly takerOrderId: string;
  /** Raw wire status. */
  readonly rawStatus: string;
  /** Normalized (MATCHED_NOT_BROADCASTED → MATCHED, TRADE_STATUS_X → X); undefined if unknown. */
  readonly status: TradeStatus | undefined;
  readonly market: string;
  /** Taker's token, side, price and total size. */
  readonly assetId: string;
  readonly side: Side;
  readonly price: Price;
  readonly size: Size;
  readonly feeRateBps: number;
  readonly traderSide: "TAKER" | "MAKER" | undefined;
  readonly owner: string | undefined;
  readonly tradeOwner: string | undefined;
  readonly makerAddress: string | undefined;
  readonly outcome: string | undefined;
  readonly bucketIndex: number | undefined;
  readonly transactionHash: string | undefined;
  readonly makerOrders: MakerLeg[];
  /** Epoch ms of the match (`match_time` / `matchtime`), or of the message when absent. */
  readonly matchTime: number;
  /** Epoch ms of this status update (`timestamp`, else `last_update`, else match time). */
  readonly timestamp: number;
}

export type MarketEvent =
  | BookEvent
  | PriceChangeEvent
  | LastTradePriceEvent
  | TickSizeChangeEvent
  | BestBidAskEvent
  | NewMarketEvent
  | MarketResolvedEvent;

export type WsEvent = MarketEvent | UserOrderMessage | UserTradeMessage;

export type FrameErrorReason =
  | "empty_frame"
  | "oversized_frame"
  | "invalid_json"
  | "not_an_event"
  | "missing_field"
  | "invalid_field"
  | "invalid_number"
  | "invalid_tick_size";

/** Why (part of) a frame was rejected. Never contains secrets (frames carry none). */
export interface FrameError {
  readonly reason: FrameErrorReason;
  readonly detail: string;
  readonly eventType: string | undefined;
}

export interface DecodedFrame {
  /** Decoded events in wire order (read-only: empty frames share one list). */
  readonly events: readonly WsEvent[];
  /** Rejected events (the rest of the frame is still delivered). Read-only, shared when empty. */
  readonly errors: readonly FrameError[];
  /** Non-JSON text frame (PONG, NO NEW ASSETS, …). */
  readonly text: string | undefined;
  /** Events of unknown type, skipped. */
  readonly unknown: number;
}
