/** Data API (POLYMARKET.md §9): `GET /trades` rows. Numbers are JSON numbers; `timestamp` is unix seconds. */
import { z } from "zod";
import { WireSide } from "./common.js";

export const WireDataTradeSchema = z.object({
  proxyWallet: z.string().optional(),
  side: WireSide,
  asset: z.string(),
  conditionId: z.string(),
  size: z.number(),
  price: z.number(),
  timestamp: z.number(),
  title: z.string().optional(),
  slug: z.string().optional(),
  icon: z.string().optional(),
  eventSlug: z.string().optional(),
  outcome: z.string().optional(),
  outcomeIndex: z.number().optional(),
  name: z.string().optional(),
  pseudonym: z.string().optional(),
  bio: z.string().optional(),
  profileImage: z.string().optional(),
  profileImageOptimized: z.string().optional(),
  transactionHash: z.string().optional(),
});
export type WireDataTrade = z.infer<typeof WireDataTradeSchema>;
export const WireDataTradesSchema = z.array(WireDataTradeSchema);
export type WireDataTrades = z.infer<typeof WireDataTradesSchema>;
/** Keyset `/v2/trades`. */
export const WireDataTradesV2Schema = z.object({
  data: z.array(WireDataTradeSchema),
  pagination: z.object({ next_cursor: z.string().nullable().optional(), has_more: z.boolean() }),
});
