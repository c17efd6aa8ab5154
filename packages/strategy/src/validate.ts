import { type DesiredQuoteSet, PRICE_SCALE, type QuoteLevel } from "@mm/types";

/**
 * Problems with a `DesiredQuoteSet` (empty array = valid): bids best-first strictly descending,
 * asks strictly ascending, best bid < best ask, integer prices strictly inside (0, 1), positive
 * integer sizes, finite `seq`/`createdAt`, a non-empty reason code.
 */
export function validateDesiredQuoteSet(set: DesiredQuoteSet): string[] {
  const problems: string[] = [];
  if (!Number.isSafeInteger(set.seq) || set.seq < 0) problems.push(`seq ${set.seq} is not a non-negative integer`);
  if (!Number.isFinite(set.createdAt)) problems.push(`createdAt ${set.createdAt} is not finite`);
  if (typeof set.reason?.code !== "string" || set.reason.code.length === 0) problems.push("reason code is empty");
  if (set.fairValue !== undefined && !(Number.isFinite(set.fairValue) && set.fairValue >= 0 && set.fairValue <= PRICE_SCALE)) {
    problems.push(`fairValue ${set.fairValue} is outside [0, ${PRICE_SCALE}]`);
  }
  checkSide("bid", set.bids, -1, problems);
  checkSide("ask", set.asks, 1, problems);
  const bestBid = set.bids[0];
  const bestAsk = set.asks[0];
  if (bestBid !== undefined && bestAsk !== undefined && !(bestBid.price < bestAsk.price)) {
    problems.push(`best bid ${bestBid.price} is not below best ask ${bestAsk.price}`);
  }
  return problems;
}

function checkSide(name: string, levels: readonly QuoteLevel[], direction: 1 | -1, problems: string[]): void {
  let prev: number | undefined;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as QuoteLevel;
    if (!Number.isInteger(l.price) || l.price <= 0 || l.price >= PRICE_SCALE)
      problems.push(`${name}[${i}] price ${l.price} is not an integer in (0, ${PRICE_SCALE})`);
    if (!Number.isSafeInteger(l.size) || l.size <= 0) problems.push(`${name}[${i}] size ${l.size} is not a positive integer`);
    if (prev !== undefined && !((l.price - prev) * direction > 0)) {
      problems.push(`${name}[${i}] price ${l.price} does not ${direction > 0 ? "ascend" : "descend"} strictly after ${prev}`);
    }
    prev = l.price;
  }
}

export const isValidDesiredQuoteSet = (set: DesiredQuoteSet): boolean => validateDesiredQuoteSet(set).length === 0;
