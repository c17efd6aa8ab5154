/**
 * Read-only snapshot ports the strategy reads (implemented by @mm/caches). Views report staleness
 * and trust; they never repair or decide (law D).
 */
import type { ConditionId, TokenId } from "./ids.js";
import type { BookSide } from "./market.js";
import type { Price, Size, TickSize } from "./numbers.js";

export interface BookLevel {
  readonly price: Price;
  readonly size: Size;
}

export interface BookView {
  readonly tokenId: TokenId;
  readonly conditionId: ConditionId | undefined;
  readonly tickSize: TickSize;
  /** Increments on every snapshot replace and tick-size change. */
  readonly epoch: number;
  readonly updateCount: number;
  /** Epoch ms of the last applied update (0 before the first). */
  readonly lastUpdateAt: number;
  /** False after a reconnect or tick change until a fresh snapshot arrives. */
  readonly trusted: boolean;
  bestBid(): Price | undefined;
  bestAsk(): Price | undefined;
  /** (bestBid + bestAsk) / 2 in price units (may be fractional); undefined if a side is empty. */
  mid(): number | undefined;
  spread(): number | undefined;
  /** Bid ≥ ask (crossed) or bid = ask (locked): reported, never repaired. */
  isCrossedOrLocked(): boolean;
  sizeAt(side: BookSide, price: Price): Size;
  /** Best-first levels, at most `n`. */
  topLevels(side: BookSide, n: number): BookLevel[];
  /** Total size within `distance` price units of the best price on that side. */
  depthWithin(side: BookSide, distance: number): Size;
  /** ms since the last update at `now`. */
  ageMs(now: number): number;
}

export interface BookReader {
  book(tokenId: TokenId): BookView | undefined;
}

/** Latest top of book of a reference market (e.g. Binance BTCUSDT). Prices are floats (USD). */
export interface ReferenceSnapshot {
  readonly symbol: string;
  readonly bid: number;
  readonly ask: number;
  readonly mid: number;
  /** Exchange event time (epoch ms) when the venue provides one. */
  readonly exchangeTime?: number;
  /** Local receive time, epoch ms. */
  readonly receivedAt: number;
  readonly updateCount: number;
}

export interface ReferenceReader {
  reference(symbol: string): ReferenceSnapshot | undefined;
}
