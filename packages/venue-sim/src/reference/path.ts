/**
 * A seeded reference price path: geometric Brownian motion with optional compound-Poisson jumps
 * (log-normal jump sizes), stepped on explicit time deltas so it runs on real or virtual time alike.
 */
import { Rng } from "./rng.js";

const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

export interface PricePathOptions {
  readonly seed: number;
  /** Starting mid price (e.g. 96500 for BTCUSDT). */
  readonly initialPrice?: number;
  /** Annualised volatility of the diffusion (0.6 = 60 %/yr). */
  readonly volatility?: number;
  /** Annualised drift of the log price (default 0: a martingale-ish path). */
  readonly drift?: number;
  /** Expected jumps per year (0 disables jumps). */
  readonly jumpIntensityPerYear?: number;
  /** Mean and standard deviation of the log jump size. */
  readonly jumpMean?: number;
  readonly jumpStdDev?: number;
  /** Quote price increment (0.01 for BTCUSDT). */
  readonly priceTick?: number;
  /** Half spread in ticks around the mid (≥ 1 keeps bid < ask). */
  readonly halfSpreadTicks?: number;
}

export interface ReferenceQuote {
  readonly seq: number;
  /** Epoch ms of the path time the quote belongs to. */
  readonly time: number;
  readonly mid: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidQty: number;
  readonly askQty: number;
}

export class PricePath {
  private readonly rng: Rng;
  private readonly volatility: number;
  private readonly drift: number;
  private readonly jumpIntensity: number;
  private readonly jumpMean: number;
  private readonly jumpStdDev: number;
  readonly priceTick: number;
  private readonly halfSpreadTicks: number;
  private mid: number;
  private time: number;
  private seq = 1;
  private current: ReferenceQuote;

  constructor(options: PricePathOptions, startTime: number) {
    this.rng = new Rng(options.seed ^ 0x5eed_0001);
    this.mid = options.initialPrice ?? 96_500;
    this.volatility = options.volatility ?? 0.6;
    this.drift = options.drift ?? 0;
    this.jumpIntensity = options.jumpIntensityPerYear ?? 0;
    this.jumpMean = options.jumpMean ?? 0;
    this.jumpStdDev = options.jumpStdDev ?? 0.01;
    this.priceTick = options.priceTick ?? 0.01;
    this.halfSpreadTicks = Math.max(1, options.halfSpreadTicks ?? 1);
    if (!(this.mid > 0) || !Number.isFinite(this.mid)) throw new RangeError(`initialPrice must be a positive number, got ${this.mid}`);
    if (!(this.volatility >= 0) || !Number.isFinite(this.volatility))
      throw new RangeError(`volatility must be ≥ 0, got ${this.volatility}`);
    this.time = startTime;
    this.current = this.quote();
  }

  /** Annualised volatility (used by fair-value maths). */
  get sigma(): number {
    return this.volatility;
  }

  get last(): ReferenceQuote {
    return this.current;
  }

  /** Advances the path to `time` (epoch ms) and returns the new quote. Non-increasing times are no-ops. */
  advanceTo(time: number): ReferenceQuote {
    const dtMs = time - this.time;
    if (!(dtMs > 0)) return this.current;
    const dt = dtMs / MS_PER_YEAR;
    const sigma = this.volatility;
    let logReturn = (this.drift - 0.5 * sigma * sigma) * dt + sigma * Math.sqrt(dt) * this.rng.normal();
    if (this.jumpIntensity > 0) {
      const jumps = this.rng.poisson(this.jumpIntensity * dt);
      for (let i = 0; i < jumps; i++) logReturn += this.jumpMean + this.jumpStdDev * this.rng.normal();
    }
    this.mid *= Math.exp(logReturn);
    if (this.mid < this.priceTick * (this.halfSpreadTicks + 1)) this.mid = this.priceTick * (this.halfSpreadTicks + 1);
    this.time = time;
    this.seq += 1 + this.rng.int(0, 3);
    this.current = this.quote();
    return this.current;
  }

  private quote(): ReferenceQuote {
    const tick = this.priceTick;
    const midTicks = Math.round(this.mid / tick);
    const bidTicks = midTicks - this.halfSpreadTicks;
    const askTicks = midTicks + this.halfSpreadTicks;
    return {
      seq: this.seq,
      time: this.time,
      mid: this.mid,
      bid: bidTicks * tick,
      ask: askTicks * tick,
      bidQty: Math.round((0.05 + this.rng.next() * 3) * 1e5) / 1e5,
      askQty: Math.round((0.05 + this.rng.next() * 3) * 1e5) / 1e5,
    };
  }
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Fair probability that an "up" market resolves YES: P(S_T > strike) for a driftless GBM with
 * annualised volatility `sigma`, `remainingMs` before expiry. At or after expiry: 1, 0, or ½ on a tie.
 */
export function upProbability(spot: number, strike: number, sigma: number, remainingMs: number): number {
  if (remainingMs <= 0 || sigma <= 0) return spot > strike ? 1 : spot < strike ? 0 : 0.5;
  const tau = remainingMs / MS_PER_YEAR;
  const sd = sigma * Math.sqrt(tau);
  const d2 = (Math.log(spot / strike) - 0.5 * sd * sd) / sd;
  return normalCdf(d2);
}
