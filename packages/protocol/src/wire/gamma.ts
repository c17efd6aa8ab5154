/**
 * Gamma API (POLYMARKET.md §8). `outcomes`, `outcomePrices` and `clobTokenIds` are JSON-ENCODED
 * STRINGS on the real API ("[\"Yes\", \"No\"]"); some third-party fixtures show real arrays, so both
 * are accepted. Use `parseGammaStringArray` to read them.
 */
import { z } from "zod";
import { NumberOrString } from "./common.js";

const StringArrayOrJson = z.union([z.string(), z.array(z.string())]);

export const WireGammaMarketSchema = z.object({
  id: z.string(),
  question: z.string().optional(),
  conditionId: z.string(),
  questionID: z.string().optional(),
  slug: z.string().optional(),
  description: z.string().optional(),
  resolutionSource: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  endDateIso: z.string().optional(),
  startDateIso: z.string().optional(),
  eventStartTime: z.string().optional(),
  gameStartTime: z.string().optional(),
  active: z.boolean().optional(),
  closed: z.boolean().optional(),
  archived: z.boolean().optional(),
  acceptingOrders: z.boolean().optional(),
  acceptingOrdersTimestamp: z.string().optional(),
  enableOrderBook: z.boolean().optional(),
  orderPriceMinTickSize: NumberOrString.optional(),
  orderMinSize: NumberOrString.optional(),
  negRisk: z.boolean().optional(),
  negRiskMarketID: z.string().optional(),
  negRiskRequestID: z.string().optional(),
  outcomes: StringArrayOrJson.optional(),
  outcomePrices: StringArrayOrJson.optional(),
  clobTokenIds: StringArrayOrJson.optional(),
  bestBid: NumberOrString.optional(),
  bestAsk: NumberOrString.optional(),
  spread: NumberOrString.optional(),
  lastTradePrice: NumberOrString.optional(),
  volume: NumberOrString.optional(),
  liquidity: NumberOrString.optional(),
  volumeNum: z.number().optional(),
  liquidityNum: z.number().optional(),
  feesEnabled: z.boolean().optional(),
  feeType: z.string().nullable().optional(),
  makerBaseFee: z.number().optional(),
  takerBaseFee: z.number().optional(),
  rewardsMinSize: z.number().optional(),
  rewardsMaxSpread: z.number().optional(),
  umaResolutionStatuses: z.string().optional(),
  version: z.string().optional(),
  positionIds: z.array(z.string()).optional(),
  groupItemTitle: z.string().optional(),
});
export type WireGammaMarket = z.infer<typeof WireGammaMarketSchema>;

export const WireGammaEventSchema = z.object({
  id: z.string(),
  ticker: z.string().optional(),
  slug: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  active: z.boolean().optional(),
  closed: z.boolean().optional(),
  archived: z.boolean().optional(),
  negRisk: z.boolean().optional(),
  enableNegRisk: z.boolean().optional(),
  negRiskAugmented: z.boolean().optional(),
  negRiskMarketID: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  markets: z.array(WireGammaMarketSchema).optional(),
});
export type WireGammaEvent = z.infer<typeof WireGammaEventSchema>;

/** Legacy list endpoints return bare arrays; keyset endpoints wrap with an optional `next_cursor`. */
export const WireGammaMarketsSchema = z.array(WireGammaMarketSchema);
export const WireGammaEventsSchema = z.array(WireGammaEventSchema);
export const WireGammaMarketsKeysetSchema = z.object({ markets: z.array(WireGammaMarketSchema), next_cursor: z.string().optional() });
export const WireGammaEventsKeysetSchema = z.object({ events: z.array(WireGammaEventSchema), next_cursor: z.string().optional() });
export type WireGammaMarketsKeyset = z.infer<typeof WireGammaMarketsKeysetSchema>;
export type WireGammaEventsKeyset = z.infer<typeof WireGammaEventsKeysetSchema>;

/**
 * Reads a Gamma JSON-in-JSON string array (`"[\"Yes\", \"No\"]"`); tolerates a real array.
 * Returns undefined for anything that is not an array of strings.
 */
export function parseGammaStringArray(value: unknown): string[] | undefined {
  let v = value;
  if (typeof v === "string") {
    if (v.length === 0) return [];
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    if (typeof x === "string") out.push(x);
    else if (typeof x === "number" && Number.isFinite(x)) out.push(String(x));
    else return undefined;
  }
  return out;
}
