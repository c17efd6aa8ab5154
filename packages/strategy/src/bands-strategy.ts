/**
 * Bands around the book mid, for markets without a reference (sports, politics, …), in the manner of
 * the venue's own reference market maker: each band is a distance from the center and a size.
 *
 *   center = mid − clamp(q·κ, ±maxSkew)         (price units; q = YES-space exposure in shares)
 *   bid_i  = center − distance_i,  ask_i = center + distance_i
 *
 * The mid is the book's, which includes our own resting quotes; keeping maxSkew below the first
 * band's distance (enforced by validation) keeps the skew from walking the mid away by itself.
 * No mid (a side empty), a book wider than `maxBookSpread`, a crossed, stale or untrusted book ⇒ pull.
 *
 * With `requoteTolerance`, a strategy instance keeps quoting around its last center while the new
 * center stays within that distance of it: small moves then cost no cancel/replace (queue position
 * kept, fewer requests against the rate limits). Validation keeps tolerance + maxSkew below the first
 * band's distance, so a held bid stays below the mid and a held ask above it (never crossing).
 */
import { type DesiredQuoteSet, PRICE_SCALE, type Size, type TickSize } from "@mm/types";
import { formatAge, readYesSpaceBook } from "./book-state.js";
import { yesSpaceExposureShares } from "./inventory.js";
import { buildLadder, type Ladder, type LadderInput, type LadderLevel } from "./ladder.js";
import { pulledQuoteSet, type Strategy, type StrategyInputs } from "./strategy.js";

export interface Band {
  /** Distance from the center, price units (> 0; bands strictly ascending). */
  readonly distance: number;
  /** micro-shares. */
  readonly size: Size;
}

export interface BandsStrategyConfig {
  readonly bands: readonly Band[];
  /** A book wider than this (price units) has no meaningful mid: pull. */
  readonly maxBookSpread: number;
  /** κ, price units per share of exposure. */
  readonly linearSkewPerShare: number;
  /** Cap of |skew|, price units; must be below the first band's distance. */
  readonly maxSkew: number;
  readonly maxLongShares: number;
  readonly maxShortShares: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  /** Our book older than this pulls, ms. */
  readonly bookStaleAfterMs: number;
  /** Pull this long before `endTime` when the market has one, ms. */
  readonly pullBeforeExpiryMs: number;
  /**
   * Keep the last quoted center while the new center is within this distance of it (price units,
   * ≥ 0; 0 requotes on every move). tolerance + maxSkew must be below the first band's distance.
   * Only a strategy instance (`makeBandsStrategy`) remembers a center; `computeBandsQuote` has none.
   */
  readonly requoteTolerance: number;
}

export const DEFAULT_BANDS_STRATEGY_CONFIG: BandsStrategyConfig = {
  bands: [
    { distance: 100, size: 20_000_000 as Size },
    { distance: 200, size: 40_000_000 as Size },
    { distance: 300, size: 60_000_000 as Size },
  ],
  maxBookSpread: 1000,
  linearSkewPerShare: 0.2,
  maxSkew: 50,
  maxLongShares: Number.POSITIVE_INFINITY,
  maxShortShares: Number.POSITIVE_INFINITY,
  minPrice: 100,
  maxPrice: 9900,
  bookStaleAfterMs: 120_000,
  pullBeforeExpiryMs: 60_000,
  requoteTolerance: 0,
};

export function validateBandsStrategyConfig(c: BandsStrategyConfig): string[] {
  const p: string[] = [];
  if (c.bands.length === 0) p.push("bands must list at least one band");
  let prev = 0;
  c.bands.forEach((b, i) => {
    if (!(Number.isFinite(b.distance) && b.distance > prev)) p.push(`bands[${i}].distance must be finite and above ${prev}`);
    if (!Number.isSafeInteger(b.size) || b.size <= 0) p.push(`bands[${i}].size must be a positive integer of micro-shares`);
    prev = Number.isFinite(b.distance) ? b.distance : prev;
  });
  if (!(Number.isFinite(c.maxBookSpread) && c.maxBookSpread > 0)) p.push("maxBookSpread must be > 0");
  if (!(Number.isFinite(c.linearSkewPerShare) && c.linearSkewPerShare >= 0)) p.push("linearSkewPerShare must be ≥ 0");
  const first = c.bands[0];
  if (!(Number.isFinite(c.maxSkew) && c.maxSkew >= 0 && (first === undefined || c.maxSkew < first.distance))) {
    p.push("maxSkew must be ≥ 0 and below the first band's distance");
  }
  if (!(c.maxLongShares > 0)) p.push("maxLongShares must be > 0 (Infinity for no limit)");
  if (!(c.maxShortShares > 0)) p.push("maxShortShares must be > 0 (Infinity for no limit)");
  if (!(Number.isFinite(c.minPrice) && c.minPrice >= 1)) p.push("minPrice must be ≥ 1");
  if (!(Number.isFinite(c.maxPrice) && c.maxPrice < PRICE_SCALE && c.maxPrice > c.minPrice))
    p.push(`maxPrice must be in (minPrice, ${PRICE_SCALE})`);
  if (!(Number.isFinite(c.bookStaleAfterMs) && c.bookStaleAfterMs >= 0)) p.push("bookStaleAfterMs must be ≥ 0");
  if (!(Number.isFinite(c.pullBeforeExpiryMs) && c.pullBeforeExpiryMs >= 0)) p.push("pullBeforeExpiryMs must be ≥ 0");
  if (!(Number.isFinite(c.requoteTolerance) && c.requoteTolerance >= 0)) p.push("requoteTolerance must be ≥ 0");
  else if (first !== undefined && Number.isFinite(c.maxSkew) && !(c.requoteTolerance + c.maxSkew < first.distance))
    p.push("requoteTolerance + maxSkew must be below the first band's distance (a held quote must not reach the mid)");
  return p;
}

/** Pure: the bands strategy's answer. */
export function computeBandsQuote(inputs: StrategyInputs, c: BandsStrategyConfig): DesiredQuoteSet {
  return bandsQuote(inputs, c, ladderLevels(c), undefined);
}

/**
 * The last ladder one strategy instance built, by the only inputs that vary (tops and tick; levels and
 * price bounds are the config's). Most book changes leave the mid, hence the ladder, where it was:
 * those quotes share the previous quote's level arrays instead of building equal ones. A
 * `DesiredQuoteSet`'s levels are read-only (`readonly QuoteLevel[]` of readonly fields), so sharing is
 * not observable. They are not frozen: `Object.freeze` on every rebuilt ladder cost ~0.5 µs per
 * top-of-book move and measurably raised the G4 p99 (the frames that rebuild are the ones that act).
 */
interface LadderMemo {
  bidTop: number | undefined;
  askTop: number | undefined;
  tick: number;
  ladder: Ladder | undefined;
  /** The center the last quote was built around (`requoteTolerance`); undefined after a pull. */
  anchor: number | undefined;
  anchorTick: number;
}

function memoLadder(
  memo: LadderMemo | undefined,
  bidTop: number | undefined,
  askTop: number | undefined,
  tick: TickSize,
  levels: readonly LadderLevel[],
  c: BandsStrategyConfig,
): Ladder {
  const last = memo?.ladder;
  if (last !== undefined && memo!.bidTop === bidTop && memo!.askTop === askTop && memo!.tick === tick) return last;
  const input: LadderInput = { bidTop, askTop, bidLevels: levels, askLevels: levels, tick, minPrice: c.minPrice, maxPrice: c.maxPrice };
  const ladder = buildLadder(input);
  if (memo === undefined) return ladder;
  memo.bidTop = bidTop;
  memo.askTop = askTop;
  memo.tick = tick;
  memo.ladder = ladder;
  return ladder;
}

/** The center to quote around: the last one while `center` is within `tolerance` of it on the same tick, else `center` (remembered). */
function heldCenter(memo: LadderMemo | undefined, center: number, tick: TickSize, tolerance: number): number {
  if (memo === undefined || tolerance <= 0) return center;
  const anchor = memo.anchor;
  if (anchor !== undefined && memo.anchorTick === tick && Math.abs(center - anchor) <= tolerance) return anchor;
  memo.anchor = center;
  memo.anchorTick = tick;
  return center;
}

const ladderLevels = (c: BandsStrategyConfig): LadderLevel[] => c.bands.map((b) => ({ offset: b.distance, size: b.size }));

/** The reason of a plain two-sided quote (shared: it carries nothing per call). */
const QUOTING: DesiredQuoteSet["reason"] = Object.freeze({ code: "quoting" });

/** `computeBandsQuote` with the config's ladder levels built once (they depend on the config only). */
function bandsQuote(
  inputs: StrategyInputs,
  c: BandsStrategyConfig,
  levels: readonly LadderLevel[],
  memo: LadderMemo | undefined,
): DesiredQuoteSet {
  const { market, now } = inputs;
  if (market.closed || !market.active)
    return pulledQuoteSet(inputs, "pulled_market_closed", market.closed ? "market closed" : "market inactive");
  if (market.endTime !== undefined && market.endTime - now <= c.pullBeforeExpiryMs) {
    return pulledQuoteSet(inputs, "pulled_expired", `${formatAge(Math.max(0, market.endTime - now))} to end`);
  }
  const book = readYesSpaceBook(inputs.yesBook, inputs.noBook, now, c.bookStaleAfterMs);
  if (!book.ok) return pulledQuoteSet(inputs, book.code, book.detail);
  if (book.crossed)
    return pulledQuoteSet(inputs, "pulled_book_crossed", `book crossed or locked (bid ${book.bestBid}, ask ${book.bestAsk})`);
  if (book.bestBid === undefined || book.bestAsk === undefined) return pulledQuoteSet(inputs, "pulled_no_mid", "a book side is empty");
  const spread = book.bestAsk - book.bestBid;
  const mid = (book.bestBid + book.bestAsk) / 2;
  if (spread > c.maxBookSpread)
    return pulledQuoteSet(inputs, "pulled_wide_book", `book spread ${spread} > ${c.maxBookSpread} price units`, mid);
  const exposure = yesSpaceExposureShares(inputs.inventory);
  if (!Number.isFinite(exposure)) return pulledQuoteSet(inputs, "pulled_inventory_invalid", "inventory is not finite", mid);

  const raw = exposure * c.linearSkewPerShare;
  const skew = Math.min(c.maxSkew, Math.max(-c.maxSkew, raw));
  const center = heldCenter(memo, mid - skew, book.tick, c.requoteTolerance);
  const withholdBids = exposure >= c.maxLongShares;
  const withholdAsks = -exposure >= c.maxShortShares;
  const ladder = memoLadder(memo, withholdBids ? undefined : center, withholdAsks ? undefined : center, book.tick, levels, c);
  const code =
    ladder.bids.length === 0 && ladder.asks.length === 0
      ? "pulled_out_of_range"
      : withholdBids || withholdAsks
        ? "quoting_one_sided_inventory"
        : "quoting";
  return {
    conditionId: market.conditionId,
    bids: ladder.bids,
    asks: ladder.asks,
    seq: inputs.seq,
    createdAt: now,
    // Plain quoting carries no detail (hot path); the center is in `fairValue`.
    reason: code === "quoting" ? QUOTING : { code, detail: `mid ${mid} skew ${skew.toFixed(1)} (exposure ${exposure.toFixed(2)} shares)` },
    fairValue: mid,
  };
}

export function makeBandsStrategy(options: Partial<BandsStrategyConfig> = {}): Strategy & { readonly config: BandsStrategyConfig } {
  const config: BandsStrategyConfig = { ...DEFAULT_BANDS_STRATEGY_CONFIG, ...options };
  const problems = validateBandsStrategyConfig(config);
  if (problems.length > 0) throw new RangeError(`invalid bands strategy config: ${problems.join("; ")}`);
  const levels = ladderLevels(config);
  const memo: LadderMemo = { bidTop: undefined, askTop: undefined, tick: 0, ladder: undefined, anchor: undefined, anchorTick: 0 };
  const quote = (inputs: StrategyInputs): DesiredQuoteSet => {
    const set = bandsQuote(inputs, config, levels, memo);
    // After a pull (an empty set) the next quote starts from the then-current center.
    if (set.bids.length === 0 && set.asks.length === 0) memo.anchor = undefined;
    return set;
  };
  return { name: "bands", config, quote };
}
