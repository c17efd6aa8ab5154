/**
 * Polymarket taker fees in exact integer arithmetic (POLYMARKET.md §11; CLOB V2 "fees decided at
 * match time").
 *
 *   fee (USDC) = C × rate × (p × (1 − p))^exponent
 *
 * C = shares matched, p = the taker's execution price of that match, rate/exponent = the market's
 * fee schedule (Gamma `feeSchedule.rate` / `feeSchedule.exponent`; exponent 1 is the common case).
 * Only the TAKER pays; makers pay 0 (their rebates are paid out separately and are not modelled
 * here). The fee is collected from what the taker RECEIVES: in shares on a BUY, in USDC on a SELL.
 *
 * Units: Size = micro-shares, Price = 0.0001, Usdc = micro-USDC, rate in basis points (0.072 = 720).
 *
 * Rounding (documented choices):
 * - The USDC fee is FLOORED to the venue's 1e-5 USDC step (10 micro-USDC), as the venue charges it
 *   (docs.polymarket.com/trading/fees; Nautilus `compute_commission` floors to 5 decimals). [H]
 * - The shares-on-buy fee converts that charged USDC fee at the execution price, rounded UP to the
 *   micro-share: ⌈feeUsdc ÷ p⌉. Whatever rounding the venue applies to the same quotient (floor,
 *   nearest, ceiling at micro-share resolution), ours is never smaller, so the shares credited
 *   (size − fee shares) are never more than the venue credits. [M: the venue's exact conversion is
 *   not published]
 *
 * The helpers are pure and allocation-light (one bigint product: size × rate × (p(1−p))^e can reach
 * ~1e35, far beyond 2^53). Out-of-domain arguments (negative or fractional units, a price outside
 * [0, 1], a rate outside [0, 10000] bps, an exponent that is not a whole number in [1, 8]) throw a
 * RangeError: validate untrusted rates first with `isValidFeeRateBps` / `parseFeeSchedule`, or use
 * `fillFee`, which returns a Result.
 */
import type { UserFillEvent } from "./events.js";
import type { Side } from "./market.js";
import { type Price, PRICE_SCALE, type Size, type Usdc } from "./numbers.js";
import { err, ok, type Result } from "./result.js";

/** The venue's fee step: 1e-5 USDC = 10 micro-USDC. Charged fees are whole multiples of it. */
export const FEE_USDC_STEP = 10;
/** Largest fee-schedule exponent accepted (observed schedules use 1 and 2). */
export const MAX_FEE_EXPONENT = 8;
/** 100 % in basis points: the largest rate accepted. */
export const MAX_FEE_RATE_BPS = 10_000;

/** A market's taker fee schedule. `rateBps` 0 means a fee-free market. */
export interface FeeSchedule {
  /** Effective taker rate in basis points (Gamma `feeSchedule.rate` × 10 000: 0.072 → 720). */
  readonly rateBps: number;
  /** Exponent of p(1 − p) (Gamma `feeSchedule.exponent`), a whole number in [1, MAX_FEE_EXPONENT]. */
  readonly exponent: number;
}

/** Fee-free schedule (every market that is not `feesEnabled`). */
export const NO_FEES: FeeSchedule = Object.freeze({ rateBps: 0, exponent: 1 });

export const isValidFeeRateBps = (rateBps: unknown): rateBps is number =>
  typeof rateBps === "number" && Number.isInteger(rateBps) && rateBps >= 0 && rateBps <= MAX_FEE_RATE_BPS;

export const isValidFeeExponent = (exponent: unknown): exponent is number =>
  typeof exponent === "number" && Number.isInteger(exponent) && exponent >= 1 && exponent <= MAX_FEE_EXPONENT;

export function isFeeSchedule(s: unknown): s is FeeSchedule {
  if (typeof s !== "object" || s === null) return false;
  const o = s as Record<string, unknown>;
  return isValidFeeRateBps(o.rateBps) && isValidFeeExponent(o.exponent);
}

export interface FeeError {
  readonly kind: "Fee";
  readonly reason: string;
}

const feeErr = (reason: string): Result<never, FeeError> => err({ kind: "Fee", reason });

/**
 * A decimal fee rate (Gamma `feeSchedule.rate`: the number 0.072 or the string "0.072") → whole
 * basis points. Rejects negatives, rates above 1, NaN, and rates that are not a whole number of bps
 * (no silent rounding of an untrusted rate).
 */
export function parseFeeRate(rate: unknown): Result<number, FeeError> {
  let bps: number;
  if (typeof rate === "number") {
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) return feeErr(`fee rate ${String(rate)} is not in [0, 1]`);
    const scaled = rate * MAX_FEE_RATE_BPS;
    bps = Math.round(scaled);
    // Floats like 0.072 scale to 719.9999999999999: accept a representation error, never a real fraction.
    if (Math.abs(scaled - bps) > 1e-6) return feeErr(`fee rate ${rate} is not a whole number of basis points`);
  } else if (typeof rate === "string") {
    const m = /^(\d*)(?:\.(\d+))?$/.exec(rate);
    if (m === null || rate === "" || rate === ".") return feeErr(`fee rate "${rate}" is not a plain decimal`);
    const whole = m[1] ?? "";
    const frac = (m[2] ?? "").replace(/0+$/, "");
    if (frac.length > 4) return feeErr(`fee rate "${rate}" is not a whole number of basis points`);
    if (whole.length > 2) return feeErr(`fee rate "${rate}" is not in [0, 1]`);
    bps = Number(whole === "" ? "0" : whole) * MAX_FEE_RATE_BPS + Number(frac.padEnd(4, "0") || "0");
    if (bps > MAX_FEE_RATE_BPS) return feeErr(`fee rate "${rate}" is not in [0, 1]`);
  } else {
    return feeErr("fee rate is not a number or a string");
  }
  return ok(bps);
}

/**
 * Gamma `feeSchedule` object ({rate, exponent, takerOnly?, rebateRate?}) → FeeSchedule. An absent
 * exponent means 1. Anything malformed is a typed error.
 */
export function parseFeeSchedule(raw: unknown): Result<FeeSchedule, FeeError> {
  if (typeof raw !== "object" || raw === null) return feeErr("fee schedule is not an object");
  const o = raw as Record<string, unknown>;
  const rate = parseFeeRate(o.rate);
  if (!rate.ok) return rate;
  const e = o.exponent === undefined || o.exponent === null ? 1 : typeof o.exponent === "string" ? Number(o.exponent) : o.exponent;
  if (!isValidFeeExponent(e)) return feeErr(`fee exponent ${String(o.exponent)} is not a whole number in [1, ${MAX_FEE_EXPONENT}]`);
  return ok({ rateBps: rate.value, exponent: e });
}

function check(size: number, price: number, rateBps: number, exponent: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`fee: size ${size} is not a non-negative integer of micro-shares`);
  if (!Number.isInteger(price) || price < 0 || price > PRICE_SCALE)
    throw new RangeError(`fee: price ${price} is not in [0, ${PRICE_SCALE}] units`);
  if (!isValidFeeRateBps(rateBps)) throw new RangeError(`fee: rate ${rateBps} bps is not an integer in [0, ${MAX_FEE_RATE_BPS}]`);
  if (!isValidFeeExponent(exponent)) throw new RangeError(`fee: exponent ${exponent} is not a whole number in [1, ${MAX_FEE_EXPONENT}]`);
}

const B_PRICE = BigInt(PRICE_SCALE);
const B_PQ_SCALE = B_PRICE * B_PRICE; // p(1−p) in price units carries PRICE_SCALE²
const B_STEP = BigInt(FEE_USDC_STEP);

/** Exact fee numerator/denominator in micro-USDC: size × rate × (P(S−P))^e / (S_bps × (S²)^e). */
function feeFraction(size: number, price: number, rateBps: number, exponent: number): [bigint, bigint] {
  const pq = BigInt(price) * BigInt(PRICE_SCALE - price);
  const e = BigInt(exponent);
  return [BigInt(size) * BigInt(rateBps) * pq ** e, BigInt(MAX_FEE_RATE_BPS) * B_PQ_SCALE ** e];
}

/**
 * The taker fee in micro-USDC of a match of `size` at `price`, floored to the venue's 1e-5 USDC
 * step. 0 at rate 0, at size 0 and at p ∈ {0, 1}. Symmetric in p ↔ 1 − p.
 *
 * Worked: 100 shares at 0.50, 720 bps, exponent 1 ⇒ 100 × 0.072 × 0.25 = 1.8 USDC (1_800_000).
 */
export function takerFeeUsdc(size: Size, price: Price, rateBps: number, exponent = 1): Usdc {
  check(size, price, rateBps, exponent);
  if (rateBps === 0 || size === 0 || price === 0 || price === PRICE_SCALE) return 0 as Usdc;
  const [num, den] = feeFraction(size, price, rateBps, exponent);
  return Number((num / (den * B_STEP)) * B_STEP) as Usdc;
}

/**
 * The fee a taker BUY pays in shares (micro-shares): the charged USDC fee (`takerFeeUsdc`)
 * converted at `price`, rounded UP to the micro-share, never more than `size`. The taker receives
 * `size − takerFeeShares(...)` shares.
 *
 * Worked: 100 shares at 0.50, 720 bps ⇒ 1.8 USDC ÷ 0.50 = 3.6 shares (3_600_000); receives 96.4.
 */
export function takerFeeShares(size: Size, price: Price, rateBps: number, exponent = 1): Size {
  const usdcFee = takerFeeUsdc(size, price, rateBps, exponent);
  if (usdcFee === 0) return 0 as Size;
  // micro-shares = ⌈micro-USDC × PRICE_SCALE ÷ price⌉, exactly (price > 0 here: p = 0 charges nothing).
  const exact = Number((BigInt(usdcFee) * B_PRICE + BigInt(price) - 1n) / BigInt(price));
  return Math.min(exact, size) as Size;
}

/** What a taker fee takes from one match: the fee's USDC value and the amount actually withheld. */
export interface TakerFee {
  /** The charged fee in micro-USDC (floored to FEE_USDC_STEP), whichever asset it is taken in. */
  readonly feeUsdc: Usdc;
  /** BUY: micro-shares withheld from the shares received (0 on a SELL). */
  readonly sharesWithheld: Size;
  /** SELL: micro-USDC withheld from the proceeds (0 on a BUY). */
  readonly usdcWithheld: Usdc;
}

export const NO_TAKER_FEE: TakerFee = Object.freeze({ feeUsdc: 0 as Usdc, sharesWithheld: 0 as Size, usdcWithheld: 0 as Usdc });

/**
 * The taker fee of one match, by the taker's side: a BUY receives `size − sharesWithheld` shares,
 * a SELL receives `notional − usdcWithheld` micro-USDC. Throws RangeError on out-of-domain input.
 */
export function takerFee(side: Side, size: Size, price: Price, rateBps: number, exponent = 1): TakerFee {
  const feeUsdc = takerFeeUsdc(size, price, rateBps, exponent);
  if (feeUsdc === 0) return NO_TAKER_FEE;
  if (side === "SELL") return { feeUsdc, sharesWithheld: 0 as Size, usdcWithheld: feeUsdc };
  return { feeUsdc, sharesWithheld: takerFeeShares(size, price, rateBps, exponent), usdcWithheld: 0 as Usdc };
}

/** One match leg as the taker saw it: the size matched and the TAKER's execution price of that leg. */
export interface TakerLeg {
  readonly size: Size;
  /** In the taker's token: for a complement leg (maker on the other token) this is 1 − the maker's price. */
  readonly price: Price;
}

/**
 * The taker fee of a trade that swept several maker legs: each leg charged at its own price and
 * floored on its own (each maker fill is its own exchange fill), then summed — what the venue
 * simulator charges. A wire `trade` gives the legs as `maker_orders[]` (`matched_amount`, `price`
 * in the maker's token). Throws RangeError on out-of-domain input, like `takerFee`.
 */
export function takerFeeOfLegs(side: Side, legs: readonly TakerLeg[], rateBps: number, exponent = 1): TakerFee {
  let feeUsdc = 0;
  let shares = 0;
  let usdcWithheld = 0;
  for (const l of legs) {
    const f = takerFee(side, l.size, l.price, rateBps, exponent);
    feeUsdc += f.feeUsdc;
    shares += f.sharesWithheld;
    usdcWithheld += f.usdcWithheld;
  }
  if (feeUsdc === 0) return NO_TAKER_FEE;
  return { feeUsdc: feeUsdc as Usdc, sharesWithheld: shares as Size, usdcWithheld: usdcWithheld as Usdc };
}

/**
 * The fee of one of OUR fills as the user feed reports it: zero for a MAKER leg; for a TAKER leg
 * the fee at the fill's `price` and `size` with the reported `feeRateBps` and the market's
 * `exponent` (1 unless the market's fee schedule says otherwise). The wire rate is untrusted, so
 * an out-of-domain rate is a typed error, never a throw.
 *
 * A taker fill that swept several price levels reports one `price` (the first leg's) and the total
 * `size`; the venue charges each leg at its own price, so for such fills this is an estimate (exact
 * for one-leg and one-price trades): use `takerFeeOfLegs` when the legs are at hand, and let the
 * venue's balance be the authority.
 */
export function fillFee(
  fill: Pick<UserFillEvent, "role" | "side" | "size" | "price" | "feeRateBps">,
  exponent = 1,
): Result<TakerFee, FeeError> {
  if (fill.role !== "TAKER") return ok(NO_TAKER_FEE);
  if (!isValidFeeRateBps(fill.feeRateBps)) return feeErr(`fee rate ${String(fill.feeRateBps)} bps is out of range`);
  if (!isValidFeeExponent(exponent)) return feeErr(`fee exponent ${String(exponent)} is out of range`);
  if (!Number.isSafeInteger(fill.size) || fill.size < 0) return feeErr(`fill size ${String(fill.size)} is invalid`);
  if (!Number.isInteger(fill.price) || fill.price < 0 || fill.price > PRICE_SCALE)
    return feeErr(`fill price ${String(fill.price)} is invalid`);
  return ok(takerFee(fill.side, fill.size, fill.price, fill.feeRateBps, exponent));
}
