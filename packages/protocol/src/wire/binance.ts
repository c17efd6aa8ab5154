/** Binance reference feed (POLYMARKET.md §12): bookTicker REST + WS, aggTrade, combined-stream wrapper. */
import { z } from "zod";
import { DecimalString } from "./common.js";

/** `GET /api/v3/ticker/bookTicker?symbol=`. */
export const WireBinanceBookTickerRestSchema = z.object({
  symbol: z.string(),
  bidPrice: DecimalString,
  bidQty: DecimalString,
  askPrice: DecimalString,
  askQty: DecimalString,
});
export type WireBinanceBookTickerRest = z.infer<typeof WireBinanceBookTickerRestSchema>;

/** `GET /api/v3/ticker/price?symbol=`. */
export const WireBinancePriceRestSchema = z.object({ symbol: z.string(), price: DecimalString });
export type WireBinancePriceRest = z.infer<typeof WireBinancePriceRestSchema>;

/** `<symbol>@bookTicker`; USD-M futures add `e`, `E` (event ms), `T` (transaction ms). */
export const WireBinanceBookTickerSchema = z.object({
  u: z.number(),
  s: z.string(),
  b: DecimalString,
  B: DecimalString,
  a: DecimalString,
  A: DecimalString,
  e: z.literal("bookTicker").optional(),
  E: z.number().optional(),
  T: z.number().optional(),
});
export type WireBinanceBookTicker = z.infer<typeof WireBinanceBookTickerSchema>;

/** `<symbol>@aggTrade`; `m` = buyer is maker (the taker sold). */
export const WireBinanceAggTradeSchema = z.object({
  e: z.literal("aggTrade"),
  E: z.number(),
  s: z.string(),
  a: z.number(),
  p: DecimalString,
  q: DecimalString,
  f: z.number(),
  l: z.number(),
  T: z.number(),
  m: z.boolean(),
  M: z.boolean().optional(),
});
export type WireBinanceAggTrade = z.infer<typeof WireBinanceAggTradeSchema>;

/** Combined streams `/stream?streams=a/b` wrap each payload. */
export const WireBinanceCombinedSchema = z.object({ stream: z.string(), data: z.unknown() });
export type WireBinanceCombined<T = unknown> = { stream: string; data: T };

export const binanceBookTickerStream = (symbol: string): string => `${symbol.toLowerCase()}@bookTicker`;
export const binanceAggTradeStream = (symbol: string): string => `${symbol.toLowerCase()}@aggTrade`;

/** RTDS `crypto_prices` update (Binance-sourced) — shape only. */
export const WireRtdsMessageSchema = z.object({
  topic: z.string(),
  type: z.string(),
  timestamp: z.number(),
  payload: z.unknown(),
});
export type WireRtdsMessage = z.infer<typeof WireRtdsMessageSchema>;
