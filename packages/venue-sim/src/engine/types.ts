/**
 * Public vocabulary of the venue engine: inputs, results, views and the typed events the server
 * maps onto the wire. Everything is integers in @mm/types units (Price = 0.0001, Size = micro-share,
 * Usdc = micro-USDC); times are epoch milliseconds from the injected Clock unless a field says
 * "unix seconds". No JSON, no wire field names: the server owns the mapping.
 */
import type {
  Clock,
  ConditionId,
  FeeSchedule,
  MarketInfo,
  OrderId,
  OrderType,
  Outcome,
  Price,
  Side,
  Size,
  TakerFee,
  TickSize,
  TokenId,
  TradeId,
  TradeStatus,
  Usdc,
} from "@mm/types";

/** The engine keys accounts by an opaque owner id (the server uses the API key). */
export type OwnerId = string;

// ---------------------------------------------------------------------------------------------
// Configuration

/** Venue-wide trading mode (the 503 modes of POLYMARKET.md §5.5). Cancels are accepted in every mode. */
export type TradingMode = "normal" | "cancel-only" | "post-only" | "disabled";

export interface SettlementConfig {
  /** Delay MATCHED → MINED (ms). Default 2000. */
  readonly minedDelayMs: number;
  /** Delay MINED → CONFIRMED (ms). Default 4000. */
  readonly confirmedDelayMs: number;
  /** Delay MATCHED → RETRYING and RETRYING → next state (ms) when a retry is injected. Default 3000. */
  readonly retryDelayMs: number;
  /** Probability in [0,1] that a new trade goes MATCHED → RETRYING → FAILED (seeded RNG). Default 0. */
  readonly failProbability: number;
  /** Probability in [0,1] that a new trade goes MATCHED → RETRYING → MINED → CONFIRMED. Default 0. */
  readonly retryProbability: number;
}

export interface TickAutoConfig {
  /** Switch a 0.01 market to 0.001 when its YES midpoint (or last trade) leaves [lower, upper]. Default true. */
  readonly enabled: boolean;
  /** Price units; default 9600 (0.96). */
  readonly upper: number;
  /** Price units; default 400 (0.04). */
  readonly lower: number;
  /** Switch back to the coarse tick when the price returns inside [lower, upper] ([L] on the venue). Default false. */
  readonly revert: boolean;
}

export interface EngineConfig {
  /** Seed of the engine's PRNG (ids, injected faults). Same seed + same inputs ⇒ same events. */
  readonly seed: number;
  /**
   * V2 rule (py-clob-client-v2 #34): amounts matched but not yet MINED stay reserved. Default true.
   * With false (V1), they are released at match time; a trade whose payer can no longer cover its
   * leg when it is MINED then goes FAILED (never a negative balance).
   */
  readonly reserveUnsettled: boolean;
  /** GTD security threshold, seconds: `expiration` must be ≥ now + threshold and the order is
   * cancelled at `expiration − threshold`. Default 60. */
  readonly gtdThresholdSec: number;
  /** Heartbeat chain timeout (ms) and extra buffer (ms) before the lapse cancels. Defaults 10000 + 5000. */
  readonly heartbeatTimeoutMs: number;
  readonly heartbeatBufferMs: number;
  /** Minimum notional of a marketable order, micro-USDC. Default 1_000_000 ($1). */
  readonly minMarketableNotional: Usdc;
  readonly settlement: SettlementConfig;
  readonly tickAuto: TickAutoConfig;
  /** Emit an `order PLACEMENT` for taker orders that fill (fully or partly) on entry. Default true. */
  readonly placementForTakers: boolean;
}

export interface EngineOptions {
  readonly clock: Clock;
  /** Partial overrides of `DEFAULT_ENGINE_CONFIG`; `settlement`/`tickAuto` merge field-wise. */
  readonly config?: Partial<Omit<EngineConfig, "settlement" | "tickAuto">> & {
    readonly settlement?: Partial<SettlementConfig>;
    readonly tickAuto?: Partial<TickAutoConfig>;
  };
  /** Book implementation: "dense" (default) or the array-scan "naive" baseline (bench, cross-checks). */
  readonly experimental_bookCore?: "dense" | "naive";
}

// ---------------------------------------------------------------------------------------------
// Orders in

/**
 * One order as submitted. Give EITHER `price` + `size` OR the signed `makerAmount` + `takerAmount`
 * (micro units, POLYMARKET.md §6: BUY maker = USDC, taker = shares; SELL maker = shares, taker =
 * USDC). From amounts the engine derives price and size exactly in integers: limit orders (GTC/GTD)
 * must imply an exact grid price; FOK/FAK prices are rounded to the nearest tick and a BUY never
 * spends more than its `makerAmount`. From price/size the engine computes the amounts
 * (BUY maker = ⌈price × size⌉).
 */
export interface PlaceOrderInput {
  readonly owner: OwnerId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly orderType: OrderType;
  /** Only with GTC/GTD (else rejected). */
  readonly postOnly?: boolean;
  /** GTD: unix seconds, must be ≥ now + gtdThresholdSec. Others: 0 or absent. */
  readonly expiration?: number;
  readonly price?: Price;
  readonly size?: Size;
  readonly makerAmount?: number;
  readonly takerAmount?: number;
  /** The order hash (the server's EIP-712 hash). Absent ⇒ the engine makes a deterministic 0x-64-hex id. */
  readonly orderId?: OrderId;
}

/** Closed set of rejection causes; `message` carries the venue's text. */
export type RejectCode =
  | "invalid_token"
  | "invalid_amounts"
  | "market_order_precision"
  | "tick_size"
  | "invalid_price"
  | "min_size"
  | "marketable_min"
  | "duplicate"
  | "balance"
  | "post_only_cross"
  | "post_only_type"
  | "expiration"
  | "fok_not_filled"
  | "fak_no_match"
  | "cancel_only"
  | "post_only_mode"
  | "trading_disabled"
  | "market_not_ready"
  | "market_closed";

export interface EngineReject {
  readonly code: RejectCode;
  /** The venue's error text (POLYMARKET.md §5.5), ready for `{"error": message}` / `errorMsg`. */
  readonly message: string;
  /** The HTTP status the real venue answers a single `POST /order` with (400, or 503 for modes). */
  readonly httpStatus: 400 | 503;
}

/** Venue status of an accepted order, as in `OrderResponse.status`. */
export type PlaceStatus = "live" | "matched";

export type PlaceResult =
  | {
      readonly ok: true;
      readonly orderId: OrderId;
      readonly status: PlaceStatus;
      /** Taker totals filled on entry (0 when none): making = what the order gave (BUY: micro-USDC,
       * SELL: micro-shares), taking = what it received (BUY: micro-shares, SELL: micro-USDC). */
      readonly makingAmount: number;
      readonly takingAmount: number;
      readonly tradeIds: readonly TradeId[];
    }
  | {
      readonly ok: false;
      /** The id the order had (FOK/FAK kills keep theirs; validation rejects too when known). */
      readonly orderId: OrderId;
      readonly reject: EngineReject;
    };

// ---------------------------------------------------------------------------------------------
// Views out

/** Order status strings as on the wire: LIVE, MATCHED, CANCELED, INVALID, CANCELED_MARKET_RESOLVED, CANCELED_<reason>. */
export type OrderStatus = string;

/** Why an order left the book (for the server's choice of texts; `status` is already the wire string). */
export type CancelCause = "user" | "cancel_all" | "cancel_market" | "expired" | "heartbeat" | "resolved" | "killed" | "invalid";

export interface OrderView {
  readonly id: OrderId;
  readonly owner: OwnerId;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly outcome: Outcome;
  /** The market's label of this token ("Yes", "Up", …). */
  readonly outcomeLabel: string;
  readonly side: Side;
  readonly price: Price;
  readonly originalSize: Size;
  readonly sizeMatched: Size;
  readonly orderType: OrderType;
  readonly postOnly: boolean;
  /** Unix seconds, 0 when none. */
  readonly expiration: number;
  readonly makerAmount: number;
  readonly takerAmount: number;
  /** Epoch ms of acceptance. */
  readonly createdAt: number;
  readonly status: OrderStatus;
  /** True while resting on the book. */
  readonly open: boolean;
  readonly associateTrades: readonly TradeId[];
}

/** How a maker leg settled against the taker: same token, both BUY (mint) or both SELL (merge). */
export type MatchType = "NORMAL" | "MINT" | "MERGE";

export interface TradeLeg {
  readonly orderId: OrderId;
  readonly owner: OwnerId;
  readonly tokenId: TokenId;
  readonly outcome: Outcome;
  readonly outcomeLabel: string;
  readonly side: Side;
  /** Execution price of this leg in its own token (a maker's own limit price). */
  readonly price: Price;
  readonly size: Size;
  /** Collateral paid (BUY) or received (SELL) by this leg, micro-USDC, before any fee. */
  readonly usdc: Usdc;
  /** `fee_rate_bps` on the wire: the rate that applied to this leg (taker: the schedule's; makers: 0) on a fee market, else the base fee. */
  readonly feeRateBps: number;
  /**
   * The fee this leg paid (taker only; NO_TAKER_FEE for makers and on fee-free markets): a BUY
   * receives `size − fee.sharesWithheld` shares, a SELL `usdc − fee.usdcWithheld` collateral.
   */
  readonly fee: TakerFee;
}

export interface MakerLeg extends TradeLeg {
  readonly matchType: MatchType;
}

/**
 * One match: the taker order and every maker leg it hit (the wire `trade` with `maker_orders[]`).
 * `taker.price` is the taker's execution price at the first (best) maker leg, in the taker's token;
 * `taker.size`/`taker.usdc` are totals across legs. One trade per taker order per placement.
 */
export interface TradeView {
  readonly id: TradeId;
  readonly conditionId: ConditionId;
  readonly status: TradeStatus;
  readonly taker: TradeLeg;
  readonly makers: readonly MakerLeg[];
  /** Epoch ms of the match. */
  readonly matchTime: number;
  /** Epoch ms of the latest status change. */
  readonly lastUpdate: number;
  /** 0x-64-hex, deterministic; set once MINED (empty string before). */
  readonly transactionHash: string;
  readonly bucketIndex: number;
}

export interface Level {
  readonly price: Price;
  readonly size: Size;
}

/**
 * Aggregated book of one token. `bids` and `asks` are BEST-FIRST (bids descending, asks ascending);
 * the wire wants worst-first (bids ascending, asks descending): use `wireOrderLevels`.
 */
export interface BookSnapshot {
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
  readonly tickSize: TickSize;
  readonly minOrderSize: Size;
  readonly negRisk: boolean;
  /** Last trade price on THIS token (mirrored from the complement when it traded there), if any. */
  readonly lastTradePrice: Price | undefined;
  /** Epoch ms of the last change of this market's book. */
  readonly timestamp: number;
}

export interface BestPrices {
  /** undefined when the side is empty (wire: "0" for bid, "1" for ask). */
  readonly bestBid: Price | undefined;
  readonly bestAsk: Price | undefined;
}

export interface LastTrade {
  readonly price: Price;
  /** The taker's side of the trade that set it. */
  readonly side: Side;
  readonly size: Size;
  readonly at: number;
}

export type MarketStatus = "active" | "closed" | "resolved";

export interface MarketView {
  readonly info: MarketInfo;
  /** Taker fee schedule (`NO_FEES` on a fee-free market). */
  readonly fees: FeeSchedule;
  /** Current tick (changes at runtime; `info.tickSize` is the initial one). */
  readonly tickSize: TickSize;
  readonly status: MarketStatus;
  readonly acceptingOrders: boolean;
  readonly winner: Outcome | undefined;
}

/** Balance of one asset. `available = balance − reservedOpen − (reserveUnsettled ? pendingOut : 0)`. */
export interface AssetBalance {
  /** Settled wallet balance (what `/balance-allowance` reports): trades move it when MINED. */
  readonly balance: number;
  /** Held by open orders (BUY: remaining collateral budget; SELL: remaining shares). */
  readonly reservedOpen: number;
  /** Matched, not yet MINED, to be debited. */
  readonly pendingOut: number;
  /** Matched, not yet MINED, to be credited. */
  readonly pendingIn: number;
  /** What a new order may use. */
  readonly available: number;
}

/** Taker fees held by the venue's fee collector for one market (see `VenueEngine.collectedFees`). */
export interface CollectedFees {
  readonly usdc: Usdc;
  readonly yesShares: Size;
  readonly noShares: Size;
}

export interface OpenOrdersFilter {
  readonly id?: OrderId;
  readonly market?: ConditionId;
  readonly assetId?: TokenId;
}

export interface TradesFilter {
  readonly id?: TradeId;
  /** Venue quirk (Nautilus #3345): `market` and `assetId` match the TAKER order only (default `matchOn: "taker"`). */
  readonly market?: ConditionId;
  readonly assetId?: TokenId;
  /** Unix seconds, inclusive bounds on match time. */
  readonly before?: number;
  readonly after?: number;
  /** "any" matches a filter against any leg (not the venue's behaviour; for tests and tools). */
  readonly matchOn?: "taker" | "any";
}

export interface CancelResult {
  readonly canceled: readonly OrderId[];
  /** order id → reason ("already canceled or matched"). */
  readonly notCanceled: Readonly<Record<string, string>>;
}

export type HeartbeatResult =
  | { readonly ok: true; readonly heartbeatId: string }
  | {
      readonly ok: false;
      /** "Invalid Heartbeat ID" style text for the 400 body. */
      readonly error: string;
      /** The id the client should have sent ("" after a lapse: restart the chain with null/""). */
      readonly heartbeatId: string;
    };

/** Fault to apply to a trade's settlement. */
export type TradeFault =
  /** MATCHED → RETRYING → MINED → CONFIRMED */
  | "RETRY"
  /** MATCHED → RETRYING → FAILED (balances reversed for every leg) */
  | "FAIL"
  /** MATCHED → FAILED directly */
  | "FAIL_NOW";

// ---------------------------------------------------------------------------------------------
// Events

interface EventBase {
  /** Monotonic sequence number over all events of one engine (determinism checks). */
  readonly seq: number;
  /** Epoch ms (Clock). */
  readonly timestamp: number;
}

/** `order` user event. `order` is the snapshot after the change. */
export interface OrderEngineEvent extends EventBase {
  readonly kind: "order";
  readonly type: "PLACEMENT" | "UPDATE" | "CANCELLATION";
  readonly order: OrderView;
  /** For CANCELLATION: why. */
  readonly cause?: CancelCause;
  /** For UPDATE: the trade that caused it. */
  readonly tradeId?: TradeId;
}

/** `trade` user event: emitted on MATCHED and on every later status transition, with all legs. */
export interface TradeEngineEvent extends EventBase {
  readonly kind: "trade";
  readonly trade: TradeView;
  readonly previousStatus: TradeStatus | undefined;
}

export interface LevelChange {
  readonly tokenId: TokenId;
  /** Book side of the level on that token: BUY = bid, SELL = ask. */
  readonly side: Side;
  readonly price: Price;
  /** New absolute aggregate size (0 = level removed). */
  readonly size: Size;
  /** That token's top of book AFTER the whole change. */
  readonly bestBid: Price | undefined;
  readonly bestAsk: Price | undefined;
}

/**
 * Book level changes of one market, both tokens (each YES-space level change yields one YES entry
 * and one mirrored NO entry). `cause` tells the server whether the venue would publish
 * `price_change` (place/cancel/expire/…) or a full `book` (trade).
 */
export interface BookEngineEvent extends EventBase {
  readonly kind: "book";
  readonly conditionId: ConditionId;
  readonly cause: "place" | "cancel" | "trade" | "tick_size" | "resolved";
  readonly changes: readonly LevelChange[];
}

/** `last_trade_price`: one per trade, on the taker's token. */
export interface LastTradeEngineEvent extends EventBase {
  readonly kind: "last_trade";
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly tradeId: TradeId;
  readonly price: Price;
  readonly side: Side;
  readonly size: Size;
  readonly feeRateBps: number;
}

export interface TickSizeEngineEvent extends EventBase {
  readonly kind: "tick_size";
  readonly conditionId: ConditionId;
  /** Both tokens (the wire sends one `tick_size_change` per asset). */
  readonly tokenIds: readonly [TokenId, TokenId];
  readonly oldTickSize: TickSize;
  readonly newTickSize: TickSize;
  readonly automatic: boolean;
}

export interface Payout {
  readonly owner: OwnerId;
  /** Winning shares redeemed at 1 each. */
  readonly shares: Size;
  readonly usdc: Usdc;
}

export interface MarketResolvedEngineEvent extends EventBase {
  readonly kind: "market_resolved";
  readonly conditionId: ConditionId;
  readonly winner: Outcome;
  readonly winningTokenId: TokenId;
  readonly payouts: readonly Payout[];
}

export interface HeartbeatLapsedEngineEvent extends EventBase {
  readonly kind: "heartbeat_lapsed";
  readonly owner: OwnerId;
  readonly canceled: readonly OrderId[];
}

export interface TradingModeEngineEvent extends EventBase {
  readonly kind: "trading_mode";
  readonly mode: TradingMode;
}

export type EngineEvent =
  | OrderEngineEvent
  | TradeEngineEvent
  | BookEngineEvent
  | LastTradeEngineEvent
  | TickSizeEngineEvent
  | MarketResolvedEngineEvent
  | HeartbeatLapsedEngineEvent
  | TradingModeEngineEvent;

export type EngineListener = (event: EngineEvent) => void;
