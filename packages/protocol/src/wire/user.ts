/** User WebSocket channel (POLYMARKET.md §3) and the CLOB REST order/trade records that share its shapes. */
import { z } from "zod";
import { DecimalString, WireSide } from "./common.js";

/** A decimal string that the venue sends as "" on kill/cancel frames (FOK kill: `size_matched: ""`). */
const DecimalOrEmpty = z.union([DecimalString, z.literal("")]);

export const WireUserAuthSchema = z.object({ apiKey: z.string(), secret: z.string(), passphrase: z.string() });
export type WireUserAuth = z.infer<typeof WireUserAuthSchema>;

export const WireUserSubscribeSchema = z.object({
  auth: WireUserAuthSchema,
  markets: z.array(z.string()).optional(),
  type: z.string().optional(),
  operation: z.enum(["subscribe", "unsubscribe"]).optional(),
});
export type WireUserSubscribe = z.infer<typeof WireUserSubscribeSchema>;

export const WireOrderEventType = z.enum(["PLACEMENT", "UPDATE", "CANCELLATION"]);
export type WireOrderEventType = z.infer<typeof WireOrderEventType>;

/**
 * `order` event. `status` is LIVE, MATCHED, CANCELED, INVALID, DELAYED, UNMATCHED or
 * `CANCELED_<free-text reason>` (parse by prefix). Kill frames carry "" for `size_matched`,
 * `outcome` and `created_at`. `created_at` is unix seconds (string); `timestamp` ms (sometimes s).
 */
export const WireUserOrderSchema = z.object({
  event_type: z.literal("order"),
  type: WireOrderEventType,
  id: z.string(),
  owner: z.string().optional(),
  order_owner: z.string().optional(),
  market: z.string(),
  asset_id: z.string(),
  side: WireSide,
  price: DecimalString,
  original_size: DecimalString,
  size_matched: DecimalOrEmpty,
  outcome: z.string().optional(),
  associate_trades: z.array(z.string()).nullable().optional(),
  created_at: z.string().optional(),
  expiration: z.string().nullable().optional(),
  order_type: z.string().optional(),
  status: z.string().optional(),
  maker_address: z.string().optional(),
  timestamp: z.string(),
});
export type WireUserOrder = z.infer<typeof WireUserOrderSchema>;

/** One maker order hit by a match. `side` was added in 2025 and may be missing. */
export const WireMakerOrderSchema = z.object({
  order_id: z.string(),
  owner: z.string(),
  maker_address: z.string().optional(),
  matched_amount: DecimalString,
  price: DecimalString,
  fee_rate_bps: z.string().optional(),
  asset_id: z.string(),
  outcome: z.string().optional(),
  side: WireSide.optional(),
  builder_fee: z.string().optional(),
  builder_code: z.string().optional(),
});
export type WireMakerOrder = z.infer<typeof WireMakerOrderSchema>;

/** Trade statuses on the wire (V2 adds the provisional MATCHED_NOT_BROADCASTED; V2 docs show TRADE_STATUS_* enums). */
export const WIRE_TRADE_STATUSES = ["MATCHED", "MATCHED_NOT_BROADCASTED", "MINED", "CONFIRMED", "RETRYING", "FAILED"] as const;

const tradeFields = {
  id: z.string(),
  taker_order_id: z.string(),
  market: z.string(),
  asset_id: z.string(),
  side: WireSide,
  size: DecimalString,
  price: DecimalString,
  fee_rate_bps: z.string().optional(),
  status: z.string(),
  /** Recorded spelling; unix seconds (string). Synthetic fixtures use ISO text. */
  match_time: z.string().optional(),
  /** Docs spelling of the same field. */
  matchtime: z.string().optional(),
  last_update: z.string().optional(),
  outcome: z.string().optional(),
  bucket_index: z.number().optional(),
  owner: z.string().optional(),
  maker_address: z.string().optional(),
  transaction_hash: z.string().optional(),
  trader_side: z.enum(["TAKER", "MAKER"]).optional(),
  maker_orders: z.array(WireMakerOrderSchema),
};

/**
 * `trade` event: one match of a taker order against one or more makers. Top-level fields describe
 * the TAKER; find our maker legs in `maker_orders[]` by owner/maker_address.
 */
export const WireUserTradeSchema = z.object({
  event_type: z.literal("trade"),
  type: z.literal("TRADE").optional(),
  ...tradeFields,
  trade_owner: z.string().optional(),
  /** ms in most recordings, seconds in newer ones. */
  timestamp: z.string().optional(),
});
export type WireUserTrade = z.infer<typeof WireUserTradeSchema>;

export const WireUserEventSchema = z.union([WireUserOrderSchema, WireUserTradeSchema]);
export type WireUserEvent = z.infer<typeof WireUserEventSchema>;
export const WireUserFrameSchema = z.union([WireUserEventSchema, z.array(WireUserEventSchema)]);

/** CLOB REST `GET /data/trades` record: the WS trade minus type/event_type/timestamp/trade_owner. */
export const WireClobTradeSchema = z.object(tradeFields);
export type WireClobTrade = z.infer<typeof WireClobTradeSchema>;

/** CLOB REST `GET /data/orders` / `GET /data/order/{id}` record. `created_at` is a seconds number. */
export const WireOpenOrderSchema = z.object({
  id: z.string(),
  status: z.string(),
  owner: z.string().optional(),
  maker_address: z.string().optional(),
  market: z.string(),
  asset_id: z.string(),
  side: WireSide,
  original_size: DecimalString,
  size_matched: DecimalOrEmpty,
  price: DecimalString,
  associate_trades: z.array(z.string()).nullable().optional(),
  outcome: z.string().optional(),
  created_at: z.union([z.number(), z.string()]),
  expiration: z.string().nullable().optional(),
  order_type: z.string().optional(),
});
export type WireOpenOrder = z.infer<typeof WireOpenOrderSchema>;
