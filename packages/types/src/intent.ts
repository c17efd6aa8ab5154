/**
 * What strategy wants (YES-space intent) and what the Planner makes of it (token-space plan).
 */
import type { ConditionId, TokenId } from "./ids.js";
import type { IntentSide, Outcome, Side } from "./market.js";
import type { Price, Size, TickSize } from "./numbers.js";

export interface QuoteLevel {
  /** YES-space price, price units. Need not be on the grid: the Planner rounds it. */
  readonly price: Price;
  readonly size: Size;
}

/** Reason codes strategies use; a custom strategy may add its own string codes. */
export type QuoteReasonCode =
  | "quoting"
  | "widened_volatility"
  | "widened_reference_stale"
  | "widened_reference_jump"
  | "pulled_reference_stale"
  | "pulled_reference_jump"
  | "pulled_book_stale"
  | "pulled_book_untrusted"
  | "pulled_book_crossed"
  | "pulled_no_reference"
  | "pulled_expired"
  | "pulled_market_closed"
  | "pulled_manual";

export interface QuoteReason {
  readonly code: QuoteReasonCode | (string & {});
  /** Short human detail for logs and the status view ("reference 4.2 s old"). */
  readonly detail?: string;
}

/**
 * The complete quotes a strategy wants for one market right now. Latest wins: a newer set replaces
 * an older one wholesale (law I). Empty `bids` and `asks` means "no quotes" (pull).
 */
export interface DesiredQuoteSet {
  readonly conditionId: ConditionId;
  /** YES-space bids, best (highest) first. */
  readonly bids: readonly QuoteLevel[];
  /** YES-space asks, best (lowest) first. */
  readonly asks: readonly QuoteLevel[];
  /** Strategy's monotonically increasing counter, per market. */
  readonly seq: number;
  /** Clock time the snapshot was read, epoch ms. */
  readonly createdAt: number;
  readonly reason: QuoteReason;
  /** YES-space fair value in price units (may be fractional), when the strategy has one. */
  readonly fairValue?: number;
}

/** Reduce-first routing: `direct` trades YES; `complement` trades NO at 1 − p. */
export type Route = "direct" | "complement";

export interface PlannedOrder {
  readonly tokenId: TokenId;
  readonly outcome: Outcome;
  readonly side: Side;
  /** Token-space price, on the grid, within [tick, 1 − tick]. */
  readonly price: Price;
  /** At least the market's minimum order size. */
  readonly size: Size;
  readonly route: Route;
  readonly intentSide: IntentSide;
  /** Index of the intent level this order serves (0 = best). */
  readonly level: number;
}

export type ResidualReason =
  /** What remains is below the market's minimum order size. */
  | "below_min_size"
  /** A SELL route had no settled, unreserved inventory for this part. */
  | "insufficient_settled_inventory"
  /** A BUY route lacked free collateral. */
  | "insufficient_collateral"
  /** The price rounds outside [tick, 1 − tick]. */
  | "price_out_of_range"
  /** A risk limit (max position, gross, notional) capped the size. */
  | "risk_limit";

/** The part of an intent that the Planner could not express as a legal order, and why. */
export interface Residual {
  readonly intentSide: IntentSide;
  /** YES-space price of the intent level. */
  readonly price: Price;
  readonly size: Size;
  readonly level: number;
  readonly reason: ResidualReason;
}

export interface ExecutionPlan {
  readonly conditionId: ConditionId;
  /** `seq` of the DesiredQuoteSet this plan materializes. */
  readonly intentSeq: number;
  /** Tick the plan was rounded to. */
  readonly tickSize: TickSize;
  readonly orders: readonly PlannedOrder[];
  readonly residuals: readonly Residual[];
}
