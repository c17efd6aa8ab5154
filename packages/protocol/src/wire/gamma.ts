/**
 * Gamma API (POLYMARKET.md §8). `outcomes`, `outcomePrices` and `clobTokenIds` are JSON-ENCODED
 * STRINGS on the real API ("[\"Yes\", \"No\"]"); some third-party fixtures show real arrays, so both
 * are accepted. Use `parseGammaStringArray` to read them. Gamma sends `null` for many absent
 * fields, so every optional field is `nullish`.
 */
import { z } from "zod";
import { NumberOrString } from "./common.js";

const StringArrayOrJson = z.union([z.string(), z.array(z.string())]);

export const WireGammaMarketSchema = z.object({
  id: z.string(),
  question: z.string().nullish(),
  conditionId: z.string(),
  questionID: z.string().nullish(),
  slug: z.string().nullish(),
  description: z.string().nullish(),
  resolutionSource: z.string().nullish(),
  startDate: z.string().nullish(),
  endDate: z.string().nullish(),
  endDateIso: z.string().nullish(),
  startDateIso: z.string().nullish(),
  eventStartTime: z.string().nullish(),
  gameStartTime: z.string().nullish(),
  active: z.boolean().nullish(),
  closed: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  acceptingOrders: z.boolean().nullish(),
  acceptingOrdersTimestamp: z.string().nullish(),
  enableOrderBook: z.boolean().nullish(),
  orderPriceMinTickSize: NumberOrString.nullish(),
  orderMinSize: NumberOrString.nullish(),
  negRisk: z.boolean().nullish(),
  negRiskMarketID: z.string().nullish(),
  negRiskRequestID: z.string().nullish(),
  outcomes: StringArrayOrJson.nullish(),
  outcomePrices: StringArrayOrJson.nullish(),
  clobTokenIds: StringArrayOrJson.nullish(),
  bestBid: NumberOrString.nullish(),
  bestAsk: NumberOrString.nullish(),
  spread: NumberOrString.nullish(),
  lastTradePrice: NumberOrString.nullish(),
  volume: NumberOrString.nullish(),
  liquidity: NumberOrString.nullish(),
  volumeNum: z.number().nullish(),
  liquidityNum: z.number().nullish(),
  feesEnabled: z.boolean().nullish(),
  feeType: z.string().nullish(),
  /** `{exponent, rate, rebateRate, takerOnly}` (rate 0.03 = 3 %); parsed by `marketInfoFromGamma`, kept opaque here. */
  feeSchedule: z.unknown().optional(),
  makerBaseFee: z.number().nullish(),
  takerBaseFee: z.number().nullish(),
  rewardsMinSize: z.number().nullish(),
  rewardsMaxSpread: z.number().nullish(),
  umaResolutionStatuses: z.string().nullish(),
  version: z.string().nullish(),
  positionIds: z.array(z.string()).nullish(),
  groupItemTitle: z.string().nullish(),
});
export type WireGammaMarket = z.infer<typeof WireGammaMarketSchema>;

export const WireGammaEventSchema = z.object({
  id: z.string(),
  ticker: z.string().nullish(),
  slug: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  active: z.boolean().nullish(),
  closed: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  negRisk: z.boolean().nullish(),
  enableNegRisk: z.boolean().nullish(),
  negRiskAugmented: z.boolean().nullish(),
  negRiskMarketID: z.string().nullish(),
  startDate: z.string().nullish(),
  endDate: z.string().nullish(),
  markets: z.array(WireGammaMarketSchema).nullish(),
});
export type WireGammaEvent = z.infer<typeof WireGammaEventSchema>;

/** Legacy list endpoints return bare arrays; keyset endpoints wrap with an optional `next_cursor`. */
export const WireGammaMarketsSchema = z.array(WireGammaMarketSchema);
export const WireGammaEventsSchema = z.array(WireGammaEventSchema);
export const WireGammaMarketsKeysetSchema = z.object({ markets: z.array(WireGammaMarketSchema), next_cursor: z.string().nullish() });
export const WireGammaEventsKeysetSchema = z.object({ events: z.array(WireGammaEventSchema), next_cursor: z.string().nullish() });
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
