/** CLOB REST (POLYMARKET.md §4, §5, §7): market data, trading bodies and responses, auth keys. */
import { z } from "zod";
import { DecimalString, DigitsString, NumberOrString, WireBookLevelSchema, WireSide, wirePage } from "./common.js";
import { WireClobTradeSchema, WireOpenOrderSchema } from "./user.js";

// -- market data ----------------------------------------------------------------------------------

/** `GET /book` summary (and each element of `POST /books`). Same level order as the WS `book`. */
export const WireClobBookSchema = z.object({
  market: z.string(),
  asset_id: z.string(),
  timestamp: DigitsString.optional(),
  hash: z.string().optional(),
  bids: z.array(WireBookLevelSchema),
  asks: z.array(WireBookLevelSchema),
  min_order_size: DecimalString.optional(),
  tick_size: DecimalString.optional(),
  neg_risk: z.boolean().optional(),
  last_trade_price: DecimalString.optional(),
});
export type WireClobBook = z.infer<typeof WireClobBookSchema>;
export const WireClobBooksSchema = z.array(WireClobBookSchema);
export type WireClobBooks = z.infer<typeof WireClobBooksSchema>;
export const WireBooksRequestSchema = z.array(z.object({ token_id: z.string(), side: WireSide.optional() }));
export type WireBooksRequest = z.infer<typeof WireBooksRequestSchema>;

export const WireClobTokenSchema = z.object({
  token_id: z.string(),
  outcome: z.string(),
  price: z.number().optional(),
  winner: z.boolean().optional(),
});
export type WireClobToken = z.infer<typeof WireClobTokenSchema>;

export const WireClobRewardsSchema = z.object({
  rates: z
    .array(z.object({ asset_address: z.string(), rewards_daily_rate: z.number() }))
    .nullable()
    .optional(),
  min_size: z.number().optional(),
  max_spread: z.number().optional(),
});

/** `GET /markets/{condition_id}` and each element of the `GET /markets` page. Sizes/ticks are JSON numbers. */
export const WireClobMarketSchema = z.object({
  condition_id: z.string(),
  question_id: z.string().optional(),
  question: z.string().optional(),
  description: z.string().optional(),
  market_slug: z.string().optional(),
  end_date_iso: z.string().nullable().optional(),
  game_start_time: z.string().nullable().optional(),
  seconds_delay: z.number().optional(),
  fpmm: z.string().optional(),
  enable_order_book: z.boolean().optional(),
  active: z.boolean(),
  closed: z.boolean(),
  archived: z.boolean().optional(),
  accepting_orders: z.boolean().optional(),
  accepting_order_timestamp: z.string().nullable().optional(),
  minimum_order_size: NumberOrString,
  minimum_tick_size: NumberOrString,
  maker_base_fee: z.number().optional(),
  taker_base_fee: z.number().optional(),
  notifications_enabled: z.boolean().optional(),
  neg_risk: z.boolean().optional(),
  neg_risk_market_id: z.string().optional(),
  neg_risk_request_id: z.string().optional(),
  icon: z.string().optional(),
  image: z.string().optional(),
  rewards: WireClobRewardsSchema.nullable().optional(),
  is_50_50_outcome: z.boolean().optional(),
  tokens: z.array(WireClobTokenSchema),
  tags: z.array(z.string()).nullable().optional(),
});
export type WireClobMarket = z.infer<typeof WireClobMarketSchema>;

export const WireClobMarketsPageSchema = wirePage(WireClobMarketSchema);
export type WireClobMarketsPage = z.infer<typeof WireClobMarketsPageSchema>;

/** V2 compact `GET /clob-markets/{condition_id}`. */
export const WireClobMarketInfoV2Schema = z.object({
  c: z.string().optional(),
  t: z.array(z.object({ t: z.string(), o: z.string() })),
  mts: z.number(),
  mos: z.number(),
  nr: z.boolean().optional(),
  mbf: z.number().optional(),
  tbf: z.number().optional(),
  fd: z.object({ r: z.number(), e: z.number(), to: z.boolean() }).optional(),
  gst: z.string().optional(),
});
export type WireClobMarketInfoV2 = z.infer<typeof WireClobMarketInfoV2Schema>;

export const WireTickSizeResponseSchema = z.object({ minimum_tick_size: NumberOrString });
export const WireNegRiskResponseSchema = z.object({ neg_risk: z.boolean() });
export const WireFeeRateResponseSchema = z.object({ base_fee: NumberOrString });
export const WirePriceResponseSchema = z.object({ price: DecimalString });
export const WireMidpointResponseSchema = z.object({ mid: DecimalString });
export const WireSpreadResponseSchema = z.object({ spread: DecimalString });
export const WireLastTradePriceResponseSchema = z.object({ price: DecimalString, side: z.union([WireSide, z.literal("")]).optional() });
export const WirePricesHistorySchema = z.object({ history: z.array(z.object({ t: z.number(), p: z.number() })) });
export type WireTickSizeResponse = z.infer<typeof WireTickSizeResponseSchema>;
export type WireNegRiskResponse = z.infer<typeof WireNegRiskResponseSchema>;
export type WireFeeRateResponse = z.infer<typeof WireFeeRateResponseSchema>;
export type WirePriceResponse = z.infer<typeof WirePriceResponseSchema>;
export type WireMidpointResponse = z.infer<typeof WireMidpointResponseSchema>;

// -- trading ----------------------------------------------------------------------------------------

export const WireOrderType = z.enum(["GTC", "GTD", "FOK", "FAK"]);

/** A signed V1 order as the official TS client serializes it into `POST /order`. */
export const WireSignedOrderV1Schema = z.object({
  salt: z.number(),
  maker: z.string(),
  signer: z.string(),
  taker: z.string(),
  tokenId: DigitsString,
  makerAmount: DigitsString,
  takerAmount: DigitsString,
  side: WireSide,
  expiration: DigitsString,
  nonce: DigitsString,
  feeRateBps: DigitsString,
  signatureType: z.number().int(),
  signature: z.string(),
});
export type WireSignedOrderV1 = z.infer<typeof WireSignedOrderV1Schema>;

/** A signed V2 order (no taker/nonce/feeRateBps; `timestamp` ms, `metadata`/`builder` bytes32). */
export const WireSignedOrderV2Schema = z.object({
  salt: z.number(),
  maker: z.string(),
  signer: z.string(),
  tokenId: DigitsString,
  makerAmount: DigitsString,
  takerAmount: DigitsString,
  side: WireSide,
  signatureType: z.number().int(),
  timestamp: DigitsString,
  expiration: DigitsString,
  metadata: z.string(),
  builder: z.string(),
  signature: z.string(),
});
export type WireSignedOrderV2 = z.infer<typeof WireSignedOrderV2Schema>;

const envelope = {
  owner: z.string(),
  orderType: WireOrderType,
  deferExec: z.boolean().optional(),
  postOnly: z.boolean().optional(),
};
export const WirePostOrderBodyV1Schema = z.object({ order: WireSignedOrderV1Schema, ...envelope });
export const WirePostOrderBodyV2Schema = z.object({ order: WireSignedOrderV2Schema, ...envelope });
export const WirePostOrderBodySchema = z.union([WirePostOrderBodyV1Schema, WirePostOrderBodyV2Schema]);
export type WirePostOrderBodyV1 = z.infer<typeof WirePostOrderBodyV1Schema>;
export type WirePostOrderBodyV2 = z.infer<typeof WirePostOrderBodyV2Schema>;
export type WirePostOrderBody = z.infer<typeof WirePostOrderBodySchema>;
/** `POST /orders`: at most 15 envelopes. */
export const MAX_BATCH_ORDERS = 15;
export const WirePostOrdersBodySchema = z.array(WirePostOrderBodySchema);

/**
 * `POST /order` response and each element of `POST /orders`. `success: true` with a non-empty
 * `errorMsg` and `orderID: ""` is a rejected batch leg; synthetic payloads send nulls.
 */
export const WireOrderResponseSchema = z.object({
  success: z.boolean(),
  errorMsg: z.string().nullable().optional(),
  orderID: z.string().nullable().optional(),
  status: z.string().optional(),
  takingAmount: z.string().optional(),
  makingAmount: z.string().optional(),
  transactionsHashes: z.array(z.string()).nullable().optional(),
  tradeIDs: z.array(z.string()).nullable().optional(),
});
export type WireOrderResponse = z.infer<typeof WireOrderResponseSchema>;
export const WireOrdersResponseSchema = z.array(WireOrderResponseSchema);
export type WireOrdersResponse = z.infer<typeof WireOrdersResponseSchema>;

/** `DELETE /order` body. */
export const WireCancelOrderBodySchema = z.object({ orderID: z.string() });
/** `DELETE /orders` body. */
export const WireCancelOrdersBodySchema = z.array(z.string());
/** `DELETE /cancel-market-orders` body. */
export const WireCancelMarketOrdersBodySchema = z.object({ market: z.string().optional(), asset_id: z.string().optional() });
/** Every cancel endpoint answers with this. */
export const WireCancelResponseSchema = z.object({
  canceled: z.array(z.string()),
  not_canceled: z.record(z.string(), z.string()),
});
export type WireCancelResponse = z.infer<typeof WireCancelResponseSchema>;

export const WireOpenOrdersPageSchema = wirePage(WireOpenOrderSchema);
export type WireOpenOrdersPage = z.infer<typeof WireOpenOrdersPageSchema>;
export const WireClobTradesPageSchema = wirePage(WireClobTradeSchema);
export type WireClobTradesPage = z.infer<typeof WireClobTradesPageSchema>;

/** `GET /balance-allowance`: V1 `allowance`, V2 `allowances` per spender (6-decimal integer strings). */
export const WireBalanceAllowanceSchema = z.object({
  balance: z.string(),
  allowance: z.string().optional(),
  allowances: z.record(z.string(), z.string()).optional(),
});
export type WireBalanceAllowance = z.infer<typeof WireBalanceAllowanceSchema>;

/** `POST /v1/heartbeats` body: null ("" in V2/docs) for the first beat, then the previous id. */
export const WireHeartbeatRequestSchema = z.object({ heartbeat_id: z.string().nullable() });
export type WireHeartbeatRequest = z.infer<typeof WireHeartbeatRequestSchema>;
export const WireHeartbeatResponseSchema = z.object({
  heartbeat_id: z.string().nullable().optional(),
  status: z.string().optional(),
  error: z.string().optional(),
});
export type WireHeartbeatResponse = z.infer<typeof WireHeartbeatResponseSchema>;

/** Error body of any 4xx/5xx. 503 trading-mode errors add `code` and `retry_after_seconds`. */
export const WireErrorBodySchema = z.object({
  error: z.string(),
  code: z.string().optional(),
  retry_after_seconds: z.number().optional(),
});
export type WireErrorBody = z.infer<typeof WireErrorBodySchema>;

/** `POST /auth/api-key`, `GET /auth/derive-api-key`. */
export const WireApiKeyCredsSchema = z.object({ apiKey: z.string(), secret: z.string(), passphrase: z.string() });
export type WireApiKeyCreds = z.infer<typeof WireApiKeyCredsSchema>;
export const WireApiKeysSchema = z.object({ apiKeys: z.array(z.string()) });
export const WireBanStatusSchema = z.object({ closed_only: z.boolean() });
export const WireVersionSchema = z.object({ version: z.number() });
export const WireOrderScoringSchema = z.object({ scoring: z.boolean() });
