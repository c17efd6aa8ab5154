/**
 * `verifyOrderbookPrice` — the spike-trade protection (G5). Before acting on a trigger price (a
 * trade print, a signal), check that the book agrees: the best bid must be within `maxDeviation` of
 * the expected price. A 95¢ trigger against a book bid at 5¢ is refused, and the reason names both
 * prices. An empty book is refused with its own reason (there is nothing to confirm the price).
 */
import { type BookLevel, formatPrice, type Price, PRICE_SCALE } from "@mm/types";

export interface OrderbookVerification {
  readonly valid: boolean;
  readonly bestBid: Price | undefined;
  /** Always set: why it is valid or not, with the prices involved. */
  readonly reason: string;
}

/** Anything with bids: a REST snapshot (`{ bids }`, any order) or a cache view (`bestBid()`). */
export type BidSource = { readonly bids: readonly BookLevel[] } | { bestBid(): Price | undefined };

function bestBidOf(book: BidSource): Price | undefined {
  if ("bestBid" in book && typeof book.bestBid === "function") return book.bestBid();
  let best: Price | undefined;
  for (const l of (book as { bids: readonly BookLevel[] }).bids) {
    if (l.size > 0 && (best === undefined || l.price > best)) best = l.price;
  }
  return best;
}

const isPriceUnits = (p: number): boolean => Number.isInteger(p) && p >= 0 && p <= PRICE_SCALE;

/**
 * @param expectedPrice the trigger price, in price units (0.0001)
 * @param maxDeviation allowed |bestBid − expectedPrice|, in price units (e.g. 500 = 5¢)
 */
export function verifyOrderbookPrice(book: BidSource, expectedPrice: Price, maxDeviation: number): OrderbookVerification {
  if (!Number.isSafeInteger(maxDeviation) || maxDeviation < 0) {
    throw new RangeError(`maxDeviation must be a non-negative integer number of price units, got ${maxDeviation}`);
  }
  const bestBid = bestBidOf(book);
  if (!isPriceUnits(expectedPrice)) {
    return { valid: false, bestBid, reason: `expected price ${String(expectedPrice)} is not a price in [0, 1]` };
  }
  const expected = formatPrice(expectedPrice);
  if (bestBid === undefined) {
    return { valid: false, bestBid, reason: `order book has no bids; cannot confirm expected price ${expected}` };
  }
  if (!isPriceUnits(bestBid)) {
    return { valid: false, bestBid: undefined, reason: `order book best bid ${String(bestBid)} is not a valid price` };
  }
  const deviation = Math.abs(bestBid - expectedPrice);
  const bid = formatPrice(bestBid);
  if (deviation > maxDeviation) {
    return {
      valid: false,
      bestBid,
      reason: `best bid ${bid} is ${formatPrice(deviation)} away from expected price ${expected} (max deviation ${formatPrice(maxDeviation)})`,
    };
  }
  return { valid: true, bestBid, reason: `best bid ${bid} is within ${formatPrice(maxDeviation)} of expected price ${expected}` };
}
