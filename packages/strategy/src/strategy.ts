/**
 * The strategy contract. A strategy is a pure function of snapshot inputs to the complete set of
 * YES-space quotes it wants now (`DesiredQuoteSet`). It never trades, never sees orders, never
 * handles complements, minimum sizes or settlement (laws B, E, F belong to the executor).
 */
import type { BookView, DesiredQuoteSet, MarketInfo, QuoteReasonCode, ReferenceSnapshot } from "@mm/types";
import type { MarketInventory } from "./inventory.js";
import type { VolatilityEstimate } from "./volatility.js";

export interface StrategyInputs {
  /** The `seq` the returned set must carry (the driver's per-market counter). */
  readonly seq: number;
  /** Clock time of this read, epoch ms; becomes `createdAt`. */
  readonly now: number;
  readonly market: MarketInfo;
  /** Book of the YES token (may be absent before the first snapshot). */
  readonly yesBook: BookView | undefined;
  /** Book of the NO token (the mirror of the YES book on the venue). */
  readonly noBook: BookView | undefined;
  /** Latest reference snapshot, for strategies that declare a `referenceSymbol`. */
  readonly reference: ReferenceSnapshot | undefined;
  /** Volatility of the reference, when the strategy declares a `referenceSymbol`. */
  readonly volatility: VolatilityEstimate | undefined;
  /** Settled + pending holdings of both tokens (read-only). */
  readonly inventory: MarketInventory;
  /** Reference price at `market.startTime` when known (up/down markets); see `OpeningPriceTracker`. */
  readonly openPrice?: number | undefined;
}

/**
 * Implement this for your own strategy. `quote` must be pure and synchronous (no I/O, no timers, no
 * hidden state that changes its answer for the same inputs) and must return a valid set (see
 * `validateDesiredQuoteSet`); the driver checks and pulls on an invalid set or a throw.
 */
export interface Strategy {
  readonly name: string;
  /** Reference market symbol (e.g. "BTCUSDT") whose snapshots and volatility this strategy reads. */
  readonly referenceSymbol?: string;
  quote(inputs: StrategyInputs): DesiredQuoteSet;
}

/** Reason codes of this package beyond `QuoteReasonCode` (strategies may add their own strings). */
export type StrategyReasonCode =
  | QuoteReasonCode
  | "pulled_no_expiry"
  | "pulled_no_open_price"
  | "pulled_inventory_invalid"
  | "pulled_out_of_range"
  | "pulled_no_mid"
  | "pulled_wide_book"
  | "pulled_strategy_error"
  | "pulled_invalid_intent"
  | "widened_book_crossed"
  | "quoting_one_sided_inventory";

/** An empty set ("no quotes") with a reason. */
export function pulledQuoteSet(
  inputs: Pick<StrategyInputs, "seq" | "now" | "market">,
  code: StrategyReasonCode,
  detail?: string,
  fairValue?: number,
): DesiredQuoteSet {
  return {
    conditionId: inputs.market.conditionId,
    bids: [],
    asks: [],
    seq: inputs.seq,
    createdAt: inputs.now,
    reason: detail === undefined ? { code } : { code, detail },
    ...(fairValue !== undefined && Number.isFinite(fairValue) ? { fairValue } : {}),
  };
}
