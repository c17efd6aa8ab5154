/**
 * Reference-anchored quoting (Avellaneda–Stoikov family) for crypto strike and up/down markets.
 *
 * All maths in probability units (1 = PRICE_SCALE price units = 1 USDC per share):
 *
 *   p      fair value from the digital pricer (pricer.ts), σ_p its diffusion per √s
 *   V_h    = min(σ_p²·h, p(1−p))                         variance of p over the horizon h (s)
 *   skew   = clamp(q·(γ·V_h + κ), ±maxSkew)               q = YES-space exposure (shares)
 *   r      = p − skew                                     reservation price
 *   δ      = δ_min + γ·V_h/2 + z·min(σ_p·√L, √(p(1−p)))    half-spread; δ_min plays A–S's (1/γ)ln(1+γ/k)
 *          + [stale] max(δ_stale, z_s·min(σ_p·√age, √(p(1−p))))
 *   δ      = min(δ × widen factors (jump, high volatility, crossed book), δ_max)
 *   quotes = r ∓ δ, then levels every `levelSpacing`, on the tick grid, within [minPrice, maxPrice]
 *
 * γ is risk aversion in 1/USDC, κ a linear skew per share, L the reaction latency. The result
 * always carries a reason; pulls return empty sides.
 */
import { type DesiredQuoteSet, PRICE_SCALE, type Size } from "@mm/types";
import { formatAge, readYesSpaceBook } from "./book-state.js";
import { yesSpaceExposureShares } from "./inventory.js";
import { buildLadder, type LadderLevel } from "./ladder.js";
import { type ContractSpec, contractFairValue, type FairValue, perSqrtSecondToAnnual, annualToPerSqrtSecond } from "./pricer.js";
import { pulledQuoteSet, type Strategy, type StrategyInputs, type StrategyReasonCode } from "./strategy.js";

export interface ReferenceStrategyConfig {
  readonly contract: ContractSpec;
  /** Size of each level, best first, micro-shares; the number of levels is its length. */
  readonly levelSizes: readonly Size[];
  /** Distance between levels, price units (at least one tick is used). */
  readonly levelSpacing: number;
  /** δ_min, price units (> 0). */
  readonly minHalfSpread: number;
  /** δ_max, price units. */
  readonly maxHalfSpread: number;
  /** γ, 1/USDC. */
  readonly riskAversion: number;
  /** h: holding horizon of inventory risk, ms. */
  readonly horizonMs: number;
  /** z: half-spread covers z standard deviations of fair-value move over the reaction latency. */
  readonly adverseSelectionSigmas: number;
  /** L, ms. */
  readonly reactionLatencyMs: number;
  /** κ: linear skew, price units per share of exposure. */
  readonly linearSkewPerShare: number;
  /** Cap of |skew|, price units. */
  readonly maxSkew: number;
  /** At or above this long exposure (shares) bids are withheld (Infinity = no limit). */
  readonly maxLongShares: number;
  /** At or above this short exposure (shares) asks are withheld. */
  readonly maxShortShares: number;
  /** Inclusive quote bounds, price units (further limited to [tick, 1 − tick]). */
  readonly minPrice: number;
  readonly maxPrice: number;
  /** Pull this long before `endTime`, ms. */
  readonly pullBeforeExpiryMs: number;
  readonly reference: {
    /** Reference older than this widens, ms. */
    readonly widenAfterMs: number;
    /** Reference older than this pulls, ms. */
    readonly pullAfterMs: number;
    /** z_s: stale widening in standard deviations of fair-value move over the reference's age. */
    readonly staleSigmas: number;
    /** δ_stale: minimum extra half-spread while stale, price units. */
    readonly staleMinExtra: number;
    /** A recorded jump younger than this triggers `onJump`, ms. */
    readonly jumpHoldMs: number;
    readonly onJump: "pull" | "widen";
    readonly jumpWidenFactor: number;
  };
  readonly volatility: {
    /** Used when no estimate is supplied, annualized. */
    readonly fallbackAnnualVol: number;
    /** Above this annualized volatility the spread widens by `highVolWidenFactor`. */
    readonly highAnnualVol: number;
    readonly highVolWidenFactor: number;
  };
  readonly book: {
    /** Our book older than this pulls, ms. */
    readonly staleAfterMs: number;
    /** Crossed/locked book: pull, or ignore it and widen. */
    readonly onCrossed: "pull" | "widen";
    readonly crossedWidenFactor: number;
  };
  readonly joinBook: {
    /** When the book is inside our spread, move our best quote to the book's best (never past r ∓ minEdge). */
    readonly enabled: boolean;
    /** Minimum distance kept from the reservation price when joining, price units. */
    readonly minEdge: number;
  };
}

export type ReferenceStrategyOptions = Omit<Partial<ReferenceStrategyConfig>, "reference" | "volatility" | "book" | "joinBook"> & {
  readonly contract: ContractSpec;
  readonly reference?: Partial<ReferenceStrategyConfig["reference"]>;
  readonly volatility?: Partial<ReferenceStrategyConfig["volatility"]>;
  readonly book?: Partial<ReferenceStrategyConfig["book"]>;
  readonly joinBook?: Partial<ReferenceStrategyConfig["joinBook"]>;
};

export const DEFAULT_REFERENCE_STRATEGY_CONFIG: Omit<ReferenceStrategyConfig, "contract"> = {
  levelSizes: [25_000_000 as Size, 50_000_000 as Size],
  levelSpacing: 100,
  minHalfSpread: 100,
  maxHalfSpread: 1500,
  riskAversion: 0.01,
  horizonMs: 60_000,
  adverseSelectionSigmas: 1,
  reactionLatencyMs: 1000,
  linearSkewPerShare: 0.5,
  maxSkew: 500,
  maxLongShares: Number.POSITIVE_INFINITY,
  maxShortShares: Number.POSITIVE_INFINITY,
  minPrice: 100,
  maxPrice: 9900,
  pullBeforeExpiryMs: 5000,
  reference: {
    widenAfterMs: 1500,
    pullAfterMs: 5000,
    staleSigmas: 2,
    staleMinExtra: 50,
    jumpHoldMs: 3000,
    onJump: "pull",
    jumpWidenFactor: 2,
  },
  volatility: { fallbackAnnualVol: 0.6, highAnnualVol: 1.2, highVolWidenFactor: 1.5 },
  book: { staleAfterMs: 60_000, onCrossed: "pull", crossedWidenFactor: 2 },
  joinBook: { enabled: false, minEdge: 50 },
};

export function resolveReferenceStrategyConfig(options: ReferenceStrategyOptions): ReferenceStrategyConfig {
  const d = DEFAULT_REFERENCE_STRATEGY_CONFIG;
  return {
    ...d,
    ...options,
    reference: { ...d.reference, ...options.reference },
    volatility: { ...d.volatility, ...options.volatility },
    book: { ...d.book, ...options.book },
    joinBook: { ...d.joinBook, ...options.joinBook },
  };
}

/** Every problem with a config (empty = valid). */
export function validateReferenceStrategyConfig(c: ReferenceStrategyConfig): string[] {
  const p: string[] = [];
  const finiteMin = (name: string, v: number, min: number, strict = false) => {
    if (!Number.isFinite(v) || (strict ? v <= min : v < min))
      p.push(`${name} must be a finite number ${strict ? ">" : "≥"} ${min} (got ${v})`);
  };
  const k = c.contract;
  if (typeof k.symbol !== "string" || k.symbol.length === 0) p.push("contract.symbol must be a non-empty string");
  if ((k.kind === "above" || k.kind === "below") && !(Number.isFinite(k.strike) && k.strike > 0))
    p.push("contract.strike must be a positive number");
  if ((k.kind === "up" || k.kind === "down") && k.openPrice !== undefined && !(Number.isFinite(k.openPrice) && k.openPrice > 0)) {
    p.push("contract.openPrice must be a positive number when given");
  }
  if (c.levelSizes.length === 0) p.push("levelSizes must list at least one level");
  c.levelSizes.forEach((s, i) => {
    if (!Number.isSafeInteger(s) || s <= 0) p.push(`levelSizes[${i}] must be a positive integer of micro-shares`);
  });
  finiteMin("levelSpacing", c.levelSpacing, 0, true);
  finiteMin("minHalfSpread", c.minHalfSpread, 0, true);
  finiteMin("maxHalfSpread", c.maxHalfSpread, c.minHalfSpread);
  finiteMin("riskAversion", c.riskAversion, 0);
  finiteMin("horizonMs", c.horizonMs, 0);
  finiteMin("adverseSelectionSigmas", c.adverseSelectionSigmas, 0);
  finiteMin("reactionLatencyMs", c.reactionLatencyMs, 0);
  finiteMin("linearSkewPerShare", c.linearSkewPerShare, 0);
  finiteMin("maxSkew", c.maxSkew, 0);
  if (!(c.maxLongShares > 0)) p.push("maxLongShares must be > 0 (Infinity for no limit)");
  if (!(c.maxShortShares > 0)) p.push("maxShortShares must be > 0 (Infinity for no limit)");
  finiteMin("minPrice", c.minPrice, 1);
  if (!(Number.isFinite(c.maxPrice) && c.maxPrice < PRICE_SCALE && c.maxPrice > c.minPrice))
    p.push(`maxPrice must be in (minPrice, ${PRICE_SCALE})`);
  finiteMin("pullBeforeExpiryMs", c.pullBeforeExpiryMs, 0);
  finiteMin("reference.widenAfterMs", c.reference.widenAfterMs, 0);
  finiteMin("reference.pullAfterMs", c.reference.pullAfterMs, c.reference.widenAfterMs);
  finiteMin("reference.staleSigmas", c.reference.staleSigmas, 0);
  finiteMin("reference.staleMinExtra", c.reference.staleMinExtra, 0);
  finiteMin("reference.jumpHoldMs", c.reference.jumpHoldMs, 0);
  finiteMin("reference.jumpWidenFactor", c.reference.jumpWidenFactor, 1);
  finiteMin("volatility.fallbackAnnualVol", c.volatility.fallbackAnnualVol, 0, true);
  finiteMin("volatility.highAnnualVol", c.volatility.highAnnualVol, 0, true);
  finiteMin("volatility.highVolWidenFactor", c.volatility.highVolWidenFactor, 1);
  finiteMin("book.staleAfterMs", c.book.staleAfterMs, 0);
  finiteMin("book.crossedWidenFactor", c.book.crossedWidenFactor, 1);
  finiteMin("joinBook.minEdge", c.joinBook.minEdge, 0);
  return p;
}

/** The numbers behind a quote, for tests, logs and the status view (probability units unless noted). */
export interface ReferenceQuoteDiagnostics {
  readonly fair: FairValue;
  readonly sigmaAnnual: number;
  readonly exposureShares: number;
  readonly skew: number;
  readonly reservation: number;
  readonly halfSpread: number;
  readonly widenFactor: number;
  /** ms; NaN when no reference. */
  readonly referenceAgeMs: number;
  readonly joinedBid: boolean;
  readonly joinedAsk: boolean;
}

export interface ReferenceQuoteResult {
  readonly set: DesiredQuoteSet;
  /** Present when a fair value was computed. */
  readonly diagnostics?: ReferenceQuoteDiagnostics;
}

interface Cause {
  readonly code: StrategyReasonCode;
  readonly detail?: string;
}

const pct = (annual: number): string => `${(annual * 100).toFixed(0)}%`;

/** Pure: the reference strategy's answer and the numbers behind it. */
export function computeReferenceQuote(inputs: StrategyInputs, c: ReferenceStrategyConfig): ReferenceQuoteResult {
  const { market, now } = inputs;
  if (market.closed || !market.active)
    return { set: pulledQuoteSet(inputs, "pulled_market_closed", market.closed ? "market closed" : "market inactive") };
  const end = market.endTime;
  if (end === undefined || !Number.isFinite(end)) return { set: pulledQuoteSet(inputs, "pulled_no_expiry", "market has no end time") };

  // Reference and volatility.
  const ref = inputs.reference;
  const refValid =
    ref !== undefined &&
    ref.symbol === c.contract.symbol &&
    Number.isFinite(ref.mid) &&
    ref.mid > 0 &&
    ref.bid > 0 &&
    ref.ask >= ref.bid &&
    Number.isFinite(ref.receivedAt);
  const refAge = refValid ? Math.max(0, now - ref.receivedAt) : Number.NaN;
  const volEstimate = inputs.volatility;
  const sigma =
    volEstimate !== undefined && Number.isFinite(volEstimate.sigmaPerSqrtSecond) && volEstimate.sigmaPerSqrtSecond > 0
      ? volEstimate.sigmaPerSqrtSecond
      : annualToPerSqrtSecond(c.volatility.fallbackAnnualVol);
  const sigmaAnnual = perSqrtSecondToAnnual(sigma);
  const fairResult = refValid ? contractFairValue(c.contract, market, ref.mid, sigma, now, inputs.openPrice) : undefined;
  const fair = fairResult?.ok ? fairResult.value : undefined;
  const fairUnits = fair === undefined ? undefined : fair.probability * PRICE_SCALE;

  if (end - now <= c.pullBeforeExpiryMs) {
    const detail =
      end - now <= 0
        ? `expired ${formatAge(now - end)} ago`
        : `${formatAge(end - now)} to expiry (pull at ${formatAge(c.pullBeforeExpiryMs)})`;
    return { set: pulledQuoteSet(inputs, "pulled_expired", detail, fairUnits) };
  }

  const yesBook = readYesSpaceBook(inputs.yesBook, inputs.noBook, now, c.book.staleAfterMs);
  if (!yesBook.ok) return { set: pulledQuoteSet(inputs, yesBook.code, yesBook.detail, fairUnits) };
  if (ref === undefined) return { set: pulledQuoteSet(inputs, "pulled_no_reference", `no ${c.contract.symbol} reference yet`) };
  if (!refValid)
    return {
      set: pulledQuoteSet(
        inputs,
        "pulled_no_reference",
        ref.symbol !== c.contract.symbol
          ? `reference is ${ref.symbol}, contract needs ${c.contract.symbol}`
          : `invalid ${c.contract.symbol} reference (bid ${ref.bid}, ask ${ref.ask}, mid ${ref.mid})`,
      ),
    };
  if (refAge > c.reference.pullAfterMs) {
    return {
      set: pulledQuoteSet(
        inputs,
        "pulled_reference_stale",
        `reference ${formatAge(refAge)} old (pull at ${formatAge(c.reference.pullAfterMs)})`,
        fairUnits,
      ),
    };
  }
  if (fairResult !== undefined && !fairResult.ok) {
    const code: StrategyReasonCode = fairResult.error.code === "no_open_price" ? "pulled_no_open_price" : "pulled_no_reference";
    return { set: pulledQuoteSet(inputs, code, fairResult.error.detail) };
  }
  if (fair === undefined) return { set: pulledQuoteSet(inputs, "pulled_no_reference", "no fair value") };

  const exposure = yesSpaceExposureShares(inputs.inventory);
  if (!Number.isFinite(exposure)) return { set: pulledQuoteSet(inputs, "pulled_inventory_invalid", "inventory is not finite", fairUnits) };

  const causes: Cause[] = [];
  let factor = 1;
  const jump = volEstimate?.lastJump;
  if (jump !== undefined && now - jump.at < c.reference.jumpHoldMs) {
    const detail = `reference jumped ${(jump.logReturn * 1e4).toFixed(1)} bp (${jump.sigmas.toFixed(1)}σ) ${formatAge(Math.max(0, now - jump.at))} ago`;
    if (c.reference.onJump === "pull") return { set: pulledQuoteSet(inputs, "pulled_reference_jump", detail, fairUnits) };
    causes.push({ code: "widened_reference_jump", detail });
    factor *= c.reference.jumpWidenFactor;
  }
  const stale = refAge > c.reference.widenAfterMs;
  if (stale) causes.push({ code: "widened_reference_stale", detail: `reference ${formatAge(refAge)} old` });
  if (yesBook.crossed) {
    const detail = `book crossed or locked (bid ${yesBook.bestBid}, ask ${yesBook.bestAsk})`;
    if (c.book.onCrossed === "pull") return { set: pulledQuoteSet(inputs, "pulled_book_crossed", detail, fairUnits) };
    causes.push({ code: "widened_book_crossed", detail });
    factor *= c.book.crossedWidenFactor;
  }
  if (sigmaAnnual > c.volatility.highAnnualVol) {
    causes.push({ code: "widened_volatility", detail: `volatility ${pct(sigmaAnnual)} > ${pct(c.volatility.highAnnualVol)}` });
    factor *= c.volatility.highVolWidenFactor;
  }

  // Avellaneda–Stoikov reservation price and half-spread, probability units.
  const p = fair.probability;
  const sp = fair.probVolPerSqrtSecond;
  const pq = p * (1 - p);
  const sdCap = Math.sqrt(pq);
  const varH = Math.min(sp * sp * (c.horizonMs / 1000), pq);
  const rawSkew = exposure * (c.riskAversion * varH + c.linearSkewPerShare / PRICE_SCALE);
  const maxSkew = c.maxSkew / PRICE_SCALE;
  const skew = Math.min(maxSkew, Math.max(-maxSkew, rawSkew));
  const r = p - skew;
  let half =
    c.minHalfSpread / PRICE_SCALE +
    0.5 * c.riskAversion * varH +
    c.adverseSelectionSigmas * Math.min(sp * Math.sqrt(c.reactionLatencyMs / 1000), sdCap);
  if (stale)
    half += Math.max(c.reference.staleMinExtra / PRICE_SCALE, c.reference.staleSigmas * Math.min(sp * Math.sqrt(refAge / 1000), sdCap));
  half = Math.min(half * factor, c.maxHalfSpread / PRICE_SCALE);

  let bidTop = (r - half) * PRICE_SCALE;
  let askTop = (r + half) * PRICE_SCALE;
  let joinedBid = false;
  let joinedAsk = false;
  if (c.joinBook.enabled && causes.length === 0) {
    const rUnits = r * PRICE_SCALE;
    const { bestBid, bestAsk } = yesBook;
    if (bestBid !== undefined && bestBid > bidTop) {
      const joined = Math.min(bestBid, rUnits - c.joinBook.minEdge);
      if (joined > bidTop) {
        bidTop = joined;
        joinedBid = true;
      }
    }
    if (bestAsk !== undefined && bestAsk < askTop) {
      const joined = Math.max(bestAsk, rUnits + c.joinBook.minEdge);
      if (joined < askTop) {
        askTop = joined;
        joinedAsk = true;
      }
    }
  }

  const withholdBids = exposure >= c.maxLongShares;
  const withholdAsks = -exposure >= c.maxShortShares;
  const spacing = Math.max(c.levelSpacing, yesBook.tick);
  const levels: LadderLevel[] = c.levelSizes.map((size, i) => ({ offset: i * spacing, size }));
  const ladder = buildLadder({
    bidTop: withholdBids ? undefined : bidTop,
    askTop: withholdAsks ? undefined : askTop,
    bidLevels: levels,
    askLevels: levels,
    tick: yesBook.tick,
    minPrice: c.minPrice,
    maxPrice: c.maxPrice,
  });

  const diagnostics: ReferenceQuoteDiagnostics = {
    fair,
    sigmaAnnual,
    exposureShares: exposure,
    skew,
    reservation: r,
    halfSpread: half,
    widenFactor: factor,
    referenceAgeMs: refAge,
    joinedBid,
    joinedAsk,
  };
  let reason: Cause;
  if (ladder.bids.length === 0 && ladder.asks.length === 0) {
    reason = {
      code: "pulled_out_of_range",
      detail: `reservation ${(r * 100).toFixed(2)}¢ ± ${(half * 100).toFixed(2)}¢ leaves no price in range`,
    };
  } else if (causes.length > 0) {
    reason = { code: (causes[0] as Cause).code, detail: causes.map((x) => x.detail).join("; ") };
  } else if (withholdBids || withholdAsks) {
    reason = {
      code: "quoting_one_sided_inventory",
      detail: `exposure ${exposure.toFixed(2)} shares: ${withholdBids ? "bids" : "asks"} withheld`,
    };
  } else {
    // No detail on the hot path: the fair value travels in `fairValue`; σ and τ are in the diagnostics.
    reason = { code: "quoting" };
  }
  return {
    set: {
      conditionId: market.conditionId,
      bids: ladder.bids,
      asks: ladder.asks,
      seq: inputs.seq,
      createdAt: now,
      reason,
      fairValue: p * PRICE_SCALE,
    },
    diagnostics,
  };
}

/** Builds the reference strategy; throws a RangeError listing every config problem. */
export function makeReferenceStrategy(options: ReferenceStrategyOptions): Strategy & { readonly config: ReferenceStrategyConfig } {
  const config = resolveReferenceStrategyConfig(options);
  const problems = validateReferenceStrategyConfig(config);
  if (problems.length > 0) throw new RangeError(`invalid reference strategy config: ${problems.join("; ")}`);
  return {
    name: `reference:${config.contract.kind}:${config.contract.symbol}`,
    referenceSymbol: config.contract.symbol,
    config,
    quote: (inputs) => computeReferenceQuote(inputs, config).set,
  };
}
