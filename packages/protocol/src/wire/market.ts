/** Market WebSocket channel (POLYMARKET.md §2): subscriptions and every event schema, current and legacy. */
import { z } from "zod";
import { DecimalString, DigitsString, WireBookLevelSchema, WireSide } from "./common.js";

// -- client → server ------------------------------------------------------------------------------

export const WireMarketSubscribeSchema = z.object({
  assets_ids: z.array(z.string()),
  type: z.string(),
  custom_feature_enabled: z.boolean().optional(),
  initial_dump: z.boolean().optional(),
  level: z.number().optional(),
  markets: z.array(z.string()).optional(),
  operation: z.string().optional(),
});
export type WireMarketSubscribe = z.infer<typeof WireMarketSubscribeSchema>;

/** Dynamic subscription change on an open socket (shipped ~Dec 2025). */
export const WireMarketSubscriptionUpdateSchema = z.object({
  assets_ids: z.array(z.string()),
  operation: z.enum(["subscribe", "unsubscribe"]),
  custom_feature_enabled: z.boolean().optional(),
});
export type WireMarketSubscriptionUpdate = z.infer<typeof WireMarketSubscriptionUpdateSchema>;

/** Text frames of the heartbeat and notices: the client sends PING, the server answers PONG. */
export const PING_FRAME = "PING";
export const PONG_FRAME = "PONG";
export const NO_NEW_ASSETS_FRAME = "NO NEW ASSETS";

// -- server → client ------------------------------------------------------------------------------

/** Full L2 snapshot of one token. Wire order: bids ascending, asks descending (best = last). */
export const WireBookSchema = z.object({
  event_type: z.literal("book"),
  market: z.string(),
  asset_id: z.string(),
  timestamp: DigitsString,
  hash: z.string().optional(),
  bids: z.array(WireBookLevelSchema),
  asks: z.array(WireBookLevelSchema),
  last_trade_price: DecimalString.optional(),
  tick_size: DecimalString.optional(),
  min_order_size: DecimalString.optional(),
  neg_risk: z.boolean().optional(),
});
export type WireBook = z.infer<typeof WireBookSchema>;

/** One level change of the current `price_change` schema (since 2025-09-15). `size` is absolute. */
export const WirePriceChangeEntrySchema = z.object({
  asset_id: z.string(),
  price: DecimalString,
  size: DecimalString,
  side: WireSide,
  hash: z.string().optional(),
  best_bid: DecimalString.optional(),
  best_ask: DecimalString.optional(),
});
export type WirePriceChangeEntry = z.infer<typeof WirePriceChangeEntrySchema>;

export const WirePriceChangeSchema = z.object({
  event_type: z.literal("price_change"),
  market: z.string(),
  price_changes: z.array(WirePriceChangeEntrySchema),
  timestamp: DigitsString,
});
export type WirePriceChange = z.infer<typeof WirePriceChangeSchema>;

/** Legacy Oct 2024 → 2025-09-15: one token per message, an array of changes, one hash. */
export const WirePriceChangeLegacyChangesSchema = z.object({
  event_type: z.literal("price_change"),
  asset_id: z.string(),
  market: z.string(),
  changes: z.array(z.object({ price: DecimalString, side: WireSide, size: DecimalString })),
  hash: z.string().optional(),
  timestamp: DigitsString,
});
export type WirePriceChangeLegacyChanges = z.infer<typeof WirePriceChangeLegacyChangesSchema>;

/** Legacy Aug–Sep 2024: one change per message, fields flattened. */
export const WirePriceChangeLegacyFlatSchema = z.object({
  event_type: z.literal("price_change"),
  asset_id: z.string(),
  market: z.string(),
  price: DecimalString,
  side: WireSide,
  size: DecimalString,
  hash: z.string().optional(),
  timestamp: DigitsString,
});
export type WirePriceChangeLegacyFlat = z.infer<typeof WirePriceChangeLegacyFlatSchema>;

export const WireAnyPriceChangeSchema = z.union([
  WirePriceChangeSchema,
  WirePriceChangeLegacyChangesSchema,
  WirePriceChangeLegacyFlatSchema,
]);
export type WireAnyPriceChange = z.infer<typeof WireAnyPriceChangeSchema>;

export const WireLastTradePriceSchema = z.object({
  event_type: z.literal("last_trade_price"),
  asset_id: z.string(),
  market: z.string(),
  price: DecimalString,
  side: WireSide.optional(),
  size: DecimalString,
  fee_rate_bps: z.string().optional(),
  timestamp: DigitsString,
  transaction_hash: z.string().optional(),
});
export type WireLastTradePrice = z.infer<typeof WireLastTradePriceSchema>;

export const WireTickSizeChangeSchema = z.object({
  event_type: z.literal("tick_size_change"),
  asset_id: z.string(),
  market: z.string(),
  old_tick_size: DecimalString,
  new_tick_size: DecimalString,
  timestamp: DigitsString,
});
export type WireTickSizeChange = z.infer<typeof WireTickSizeChangeSchema>;

export const WireBestBidAskSchema = z.object({
  event_type: z.literal("best_bid_ask"),
  market: z.string(),
  asset_id: z.string(),
  best_bid: DecimalString,
  best_ask: DecimalString,
  spread: DecimalString.optional(),
  timestamp: DigitsString,
});
export type WireBestBidAsk = z.infer<typeof WireBestBidAskSchema>;

export const WireEventMessageSchema = z.object({
  id: z.string().optional(),
  ticker: z.string().optional(),
  slug: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
});
export type WireEventMessage = z.infer<typeof WireEventMessageSchema>;

export const WireNewMarketSchema = z.object({
  event_type: z.literal("new_market"),
  id: z.string().optional(),
  question: z.string().optional(),
  market: z.string(),
  slug: z.string().optional(),
  description: z.string().optional(),
  assets_ids: z.array(z.string()),
  outcomes: z.array(z.string()).optional(),
  event_message: WireEventMessageSchema.optional(),
  timestamp: DigitsString,
  tags: z.array(z.string()).optional(),
  condition_id: z.string().optional(),
  active: z.boolean().optional(),
  clob_token_ids: z.array(z.string()).optional(),
  sports_market_type: z.string().optional(),
  line: z.string().optional(),
  game_start_time: z.string().optional(),
  order_price_min_tick_size: z.string().optional(),
  group_item_title: z.string().optional(),
});
export type WireNewMarket = z.infer<typeof WireNewMarketSchema>;

export const WireMarketResolvedSchema = z.object({
  event_type: z.literal("market_resolved"),
  id: z.string().optional(),
  question: z.string().optional(),
  market: z.string(),
  slug: z.string().optional(),
  description: z.string().optional(),
  assets_ids: z.array(z.string()).optional(),
  outcomes: z.array(z.string()).optional(),
  winning_asset_id: z.string(),
  winning_outcome: z.string().optional(),
  event_message: WireEventMessageSchema.optional(),
  timestamp: DigitsString,
  tags: z.array(z.string()).optional(),
});
export type WireMarketResolved = z.infer<typeof WireMarketResolvedSchema>;

export const WireMarketEventSchema = z.union([
  WireBookSchema,
  WirePriceChangeSchema,
  WirePriceChangeLegacyChangesSchema,
  WirePriceChangeLegacyFlatSchema,
  WireLastTradePriceSchema,
  WireTickSizeChangeSchema,
  WireBestBidAskSchema,
  WireNewMarketSchema,
  WireMarketResolvedSchema,
]);
export type WireMarketEvent = z.infer<typeof WireMarketEventSchema>;

/** A market-channel frame: one event object or an array of them. */
export const WireMarketFrameSchema = z.union([WireMarketEventSchema, z.array(WireMarketEventSchema)]);
export type WireMarketFrame = z.infer<typeof WireMarketFrameSchema>;
