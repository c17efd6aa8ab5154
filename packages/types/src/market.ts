/**
 * Sides, outcomes, market metadata and the YES-space mapping.
 *
 * Strategy thinks in YES-space: a YES-space bid at p means "I want more YES exposure at p". On the
 * venue that is either BUY YES @ p or SELL NO @ 1 − p (the complement books mirror each other).
 * A YES-space ask at p is SELL YES @ p or BUY NO @ 1 − p. Which route to use is the Planner's job.
 */
import type { FeeSchedule } from "./fees.js";
import type { ConditionId, TokenId } from "./ids.js";
import { PRICE_SCALE, type Price, type Size, type TickSize } from "./numbers.js";

/** Order side on the venue. */
export type Side = "BUY" | "SELL";
/** Side of a book level. */
export type BookSide = "BID" | "ASK";
/** Which token of a binary market. Wire labels vary ("Yes", "Up", team names); see `MarketInfo`. */
export type Outcome = "YES" | "NO";
/** Side of a YES-space quote. */
export type IntentSide = "BID" | "ASK";

export const oppositeSide = (s: Side): Side => (s === "BUY" ? "SELL" : "BUY");
export const oppositeOutcome = (o: Outcome): Outcome => (o === "YES" ? "NO" : "YES");
export const bookSideOf = (s: Side): BookSide => (s === "BUY" ? "BID" : "ASK");

/** 1 − p in price units: the same economic price seen from the complementary token. */
export const complementPrice = (p: number): Price => (PRICE_SCALE - p) as Price;

/** A token-space order leg: what actually goes to the venue. */
export interface TokenLeg {
  readonly outcome: Outcome;
  readonly side: Side;
  readonly price: Price;
}

/**
 * The two ways to express a YES-space quote on the venue.
 * `direct` trades the YES token; `complement` trades the NO token at 1 − p on the opposite side.
 */
export function yesSpaceRoutes(intentSide: IntentSide, p: Price): { readonly direct: TokenLeg; readonly complement: TokenLeg } {
  return intentSide === "BID"
    ? { direct: { outcome: "YES", side: "BUY", price: p }, complement: { outcome: "NO", side: "SELL", price: complementPrice(p) } }
    : { direct: { outcome: "YES", side: "SELL", price: p }, complement: { outcome: "NO", side: "BUY", price: complementPrice(p) } };
}

/** Maps a token-space order back to YES-space: which intent side it serves and at what YES price. */
export function toYesSpace(outcome: Outcome, side: Side, p: Price): { readonly intentSide: IntentSide; readonly price: Price } {
  if (outcome === "YES") return { intentSide: side === "BUY" ? "BID" : "ASK", price: p };
  return { intentSide: side === "BUY" ? "ASK" : "BID", price: complementPrice(p) };
}

export interface OutcomeToken {
  readonly tokenId: TokenId;
  /** The venue's label for this token ("Yes", "Up", "Lakers"), kept for display. */
  readonly label: string;
}

/** Static-ish metadata of one binary market; `tickSize` changes at runtime (`tick_size_change`). */
export interface MarketInfo {
  readonly conditionId: ConditionId;
  readonly question: string;
  readonly slug: string;
  /** The token we call YES (first outcome: "Yes", "Up", …). */
  readonly yes: OutcomeToken;
  readonly no: OutcomeToken;
  readonly tickSize: TickSize;
  /** Minimum size of a resting order (commonly 5 shares). */
  readonly minOrderSize: Size;
  /** Neg-risk markets sign against the Neg Risk CTF Exchange. */
  readonly negRisk: boolean;
  /** End / resolution time, epoch ms, when known. */
  readonly endTime?: number;
  /** Start of the market's observation window (up/down markets), epoch ms, when known. */
  readonly startTime?: number;
  readonly active: boolean;
  readonly closed: boolean;
  /** Base fee rate in basis points as the venue reports it (CLOB `taker_base_fee`: a cap, not the charged rate). */
  readonly feeRateBps?: number;
  /**
   * The taker fee schedule actually charged (Gamma `feeSchedule`; `NO_FEES` when `feesEnabled` is
   * false). Absent when unknown: then a fill's own `feeRateBps` is the best information.
   */
  readonly feeSchedule?: FeeSchedule;
}

export function outcomeOf(market: MarketInfo, token: TokenId): Outcome | undefined {
  if (token === market.yes.tokenId) return "YES";
  if (token === market.no.tokenId) return "NO";
  return undefined;
}

export const tokenOf = (market: MarketInfo, outcome: Outcome): TokenId => (outcome === "YES" ? market.yes.tokenId : market.no.tokenId);
