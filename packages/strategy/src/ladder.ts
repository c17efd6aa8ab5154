/**
 * Turns a top-of-ladder price per side into best-first levels on the market's tick grid.
 * Bids round down and asks round up (never more aggressive than asked); both stay within
 * [minPrice, maxPrice] ∩ [tick, 1 − tick]. A level beyond the passive edge is dropped (a bid below
 * the floor, an ask above the ceiling); a level beyond the aggressive edge is clamped to it (a bid
 * above the ceiling bids the ceiling). Levels that land on the same price merge their sizes, so the
 * output is strictly monotone and the total size is kept whenever prices stay in range.
 */
import { PRICE_SCALE, type Price, type QuoteLevel, type Size, type TickSize } from "@mm/types";

export interface LadderLevel {
  /** Distance from the top of its side, price units (≥ 0, ascending across levels). */
  readonly offset: number;
  readonly size: Size;
}

export interface LadderInput {
  /** Best bid wanted, price units (may be fractional); undefined = no bids. */
  readonly bidTop: number | undefined;
  /** Best ask wanted, price units (may be fractional); undefined = no asks. */
  readonly askTop: number | undefined;
  readonly bidLevels: readonly LadderLevel[];
  readonly askLevels: readonly LadderLevel[];
  readonly tick: TickSize;
  /** Inclusive price bounds, price units. */
  readonly minPrice: number;
  readonly maxPrice: number;
}

export interface Ladder {
  readonly bids: QuoteLevel[];
  readonly asks: QuoteLevel[];
}

const EPS = 1e-9;
export const floorToTick = (p: number, tick: number): number => Math.floor(p / tick + EPS) * tick;
export const ceilToTick = (p: number, tick: number): number => Math.ceil(p / tick - EPS) * tick;

export function buildLadder(input: LadderInput): Ladder {
  const { tick } = input;
  const lo = ceilToTick(Math.max(input.minPrice, tick), tick);
  const hi = floorToTick(Math.min(input.maxPrice, PRICE_SCALE - tick), tick);
  const bids: QuoteLevel[] = [];
  const asks: QuoteLevel[] = [];
  if (lo > hi) return { bids, asks };

  if (input.bidTop !== undefined && Number.isFinite(input.bidTop)) {
    for (const level of input.bidLevels) {
      let p = floorToTick(input.bidTop - level.offset, tick);
      if (p > hi) p = hi;
      if (p < lo) break;
      pushMerged(bids, p, level.size, -1);
    }
  }
  if (input.askTop !== undefined && Number.isFinite(input.askTop)) {
    for (const level of input.askLevels) {
      let p = ceilToTick(input.askTop + level.offset, tick);
      if (p < lo) p = lo;
      if (p > hi) break;
      pushMerged(asks, p, level.size, 1);
    }
  }
  // Rounding guard: a bid must stay strictly below the best ask.
  const bestAsk = asks[0];
  if (bestAsk !== undefined) {
    let keep = 0;
    while (keep < bids.length && (bids[keep] as QuoteLevel).price >= bestAsk.price) keep++;
    if (keep > 0) bids.splice(0, keep);
  }
  return { bids, asks };
}

function pushMerged(levels: QuoteLevel[], p: number, size: Size, direction: 1 | -1): void {
  if (!(size > 0)) return;
  const last = levels[levels.length - 1];
  if (last !== undefined) {
    if (last.price === p) {
      levels[levels.length - 1] = { price: last.price, size: (last.size + size) as Size };
      return;
    }
    if ((p - last.price) * direction < 0) return; // offsets out of order: never emit a non-monotone ladder
  }
  levels.push({ price: p as Price, size });
}
