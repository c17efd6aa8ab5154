/**
 * Fair value of crypto strike and up/down markets as a digital (cash-or-nothing) option.
 *
 * Model: the reference price follows a driftless geometric Brownian motion under the pricing
 * measure, dS/S = σ dW, with σ in units of 1/√second. For τ seconds to expiry,
 *
 *   d2 = (ln(S/K) − σ²τ/2) / (σ√τ),   P(S_T > K) = N(d2),   P(S_T < K) = N(−d2).
 *
 * Sensitivity of the probability to the reference, expressed as the probability's own diffusion
 * coefficient: dp = (∂p/∂S)·σS·dW = φ(d2)/√τ · dW, so σ_p = φ(d2)/√τ in probability per √second.
 * It grows as expiry approaches for an at-the-money contract (gamma risk), which is what widens the
 * quoting spread near expiry.
 *
 * Up/down over [t0, T]: before t0 the opening price is unknown and P(up) = P(S_T/S_t0 > 1) =
 * N(−σ√(T − t0)/2), independent of the current price (σ_p = 0). From t0 on it is the strike
 * contract with K = opening price.
 */
import { err, ok, type Result } from "@mm/types";
import { normalCdf, normalPdf } from "./normal.js";

/** 365 × 24 × 3600: crypto trades around the clock, so a year is calendar seconds. */
export const SECONDS_PER_YEAR = 31_536_000;
const SQRT_SECONDS_PER_YEAR = Math.sqrt(SECONDS_PER_YEAR);

/** Annualized volatility (e.g. 0.6 = 60 %/√year) → σ per √second. */
export const annualToPerSqrtSecond = (annual: number): number => annual / SQRT_SECONDS_PER_YEAR;
/** σ per √second → annualized volatility. */
export const perSqrtSecondToAnnual = (perSqrtSecond: number): number => perSqrtSecond * SQRT_SECONDS_PER_YEAR;

/**
 * What the YES token of a market pays on. `symbol` names the reference market (e.g. "BTCUSDT").
 * - `above` / `below`: YES pays if the reference ends above / below `strike` at `MarketInfo.endTime`.
 * - `up` / `down`: YES pays if the reference ends above / below its price at `MarketInfo.startTime`
 *   (`openPrice`, supplied once known; strategies pull without it after the start).
 */
export interface StrikeContract {
  readonly kind: "above" | "below";
  readonly symbol: string;
  readonly strike: number;
}
export interface UpDownContract {
  readonly kind: "up" | "down";
  readonly symbol: string;
  readonly openPrice?: number;
}
export type ContractSpec = StrikeContract | UpDownContract;

export const isUpDownContract = (c: ContractSpec): c is UpDownContract => c.kind === "up" || c.kind === "down";

/** P(S_T > K): digital call under driftless GBM; `sigma` per √second, `tauSec` seconds. */
export function digitalAbove(spot: number, strike: number, sigma: number, tauSec: number): number {
  if (tauSec <= 0 || sigma <= 0) return spot > strike ? 1 : spot < strike ? 0 : 0.5;
  return normalCdf(d2(spot, strike, sigma, tauSec));
}

/** P(S_T < K) = N(−d2), computed on its own (not as 1 − above) so small tails keep precision. */
export function digitalBelow(spot: number, strike: number, sigma: number, tauSec: number): number {
  if (tauSec <= 0 || sigma <= 0) return spot < strike ? 1 : spot > strike ? 0 : 0.5;
  return normalCdf(-d2(spot, strike, sigma, tauSec));
}

export function d2(spot: number, strike: number, sigma: number, tauSec: number): number {
  const sd = sigma * Math.sqrt(tauSec);
  return (Math.log(spot / strike) - 0.5 * sd * sd) / sd;
}

export type FairValuePhase = "pre_start" | "live" | "expired";

export interface FairValue {
  /** P(YES pays), in [0, 1]. */
  readonly probability: number;
  /** σ_p: the probability's diffusion coefficient, per √second (0 when it does not depend on the reference). */
  readonly probVolPerSqrtSecond: number;
  /** Seconds to expiry (≤ 0 once expired). */
  readonly tauSec: number;
  readonly phase: FairValuePhase;
}

export type FairValueErrorCode = "no_expiry" | "no_open_price" | "invalid_reference_price" | "invalid_strike" | "invalid_volatility";

export interface FairValueError {
  readonly code: FairValueErrorCode;
  readonly detail: string;
}

export interface ContractTimes {
  /** Epoch ms; required. */
  readonly endTime?: number;
  /** Epoch ms; the opening instant of up/down markets. */
  readonly startTime?: number;
}

const isPositive = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;

/**
 * Fair value of the YES token at `now` (epoch ms) given the reference price `spot` and volatility
 * `sigma` (per √second). Pure; rejects non-finite or non-positive inputs with a typed error.
 */
export function contractFairValue(
  contract: ContractSpec,
  times: ContractTimes,
  spot: number,
  sigma: number,
  now: number,
  /** Opening price of an up/down window when the contract does not carry one. */
  openPrice?: number,
): Result<FairValue, FairValueError> {
  const end = times.endTime;
  if (end === undefined || !Number.isFinite(end)) return err({ code: "no_expiry", detail: "market has no end time" });
  if (!isPositive(spot)) return err({ code: "invalid_reference_price", detail: `reference price ${spot}` });
  if (!isPositive(sigma)) return err({ code: "invalid_volatility", detail: `volatility ${sigma}` });
  const tauSec = (end - now) / 1000;
  const phase: FairValuePhase = tauSec <= 0 ? "expired" : "live";
  const above = contract.kind === "above" || contract.kind === "up";

  let strike: number;
  if (isUpDownContract(contract)) {
    const start = times.startTime;
    if (start !== undefined && Number.isFinite(start) && now < start) {
      // The opening price is still unknown: only the window length matters.
      const windowSec = Math.max(0, (end - start) / 1000);
      const pUp = windowSec > 0 ? normalCdf(-0.5 * sigma * Math.sqrt(windowSec)) : 0.5;
      const pDown = windowSec > 0 ? normalCdf(0.5 * sigma * Math.sqrt(windowSec)) : 0.5;
      return ok({ probability: above ? pUp : pDown, probVolPerSqrtSecond: 0, tauSec, phase: "pre_start" });
    }
    const open = contract.openPrice ?? openPrice;
    if (!isPositive(open)) return err({ code: "no_open_price", detail: "opening price not known yet" });
    strike = open;
  } else {
    if (!isPositive(contract.strike)) return err({ code: "invalid_strike", detail: `strike ${contract.strike}` });
    strike = contract.strike;
  }

  if (tauSec <= 0) {
    return ok({
      probability: above ? digitalAbove(spot, strike, sigma, 0) : digitalBelow(spot, strike, sigma, 0),
      probVolPerSqrtSecond: 0,
      tauSec,
      phase,
    });
  }
  const d = d2(spot, strike, sigma, tauSec);
  const probability = above ? normalCdf(d) : normalCdf(-d);
  return ok({ probability, probVolPerSqrtSecond: normalPdf(d) / Math.sqrt(tauSec), tauSec, phase });
}
