/**
 * EWMA volatility of reference log-returns on irregular timestamps.
 *
 * State is a variance RATE v (per second). A sample of log-return r over dt seconds contributes the
 * instantaneous rate r²/dt with weight α = 1 − 2^(−dt/halfLife), so the estimate decays in wall
 * time, not in sample count, and sampling density does not bias it:
 *
 *   v ← (1 − α)·v + α·min(r²/dt, clip²·v)
 *
 * σ = √v is per √second; annualized σ = √(v · 31 536 000). The state is kept within
 * [floor², cap²] (annualized floor and cap converted to per-second rates) and seeded with a prior,
 * so a fresh estimator is usable at once. Samples closer than `minSampleIntervalMs` to the previous
 * anchor are skipped (microstructure noise), a gap longer than `maxGapMs` re-anchors without a
 * return, and a return beyond `jumpSigmas` standard deviations (and at least `minJumpReturn`) is
 * recorded as a jump, which strategies read to widen or pull. Synchronous and allocation-light.
 */
import type { ReferenceSnapshot } from "@mm/types";
import { annualToPerSqrtSecond, perSqrtSecondToAnnual } from "./pricer.js";

export interface EwmaVolatilityConfig {
  /** Half-life of the EWMA weight, ms of reference time (default 300 000 = 5 min). */
  readonly halfLifeMs: number;
  /** Prior, annualized (default 0.6). */
  readonly initialAnnualVol: number;
  /** Lower bound, annualized (default 0.15). */
  readonly floorAnnualVol: number;
  /** Upper bound, annualized (default 4). */
  readonly capAnnualVol: number;
  /** Minimum spacing of returns, ms (default 250). */
  readonly minSampleIntervalMs: number;
  /** A longer gap re-anchors without using the return (default 60 000). */
  readonly maxGapMs: number;
  /** Clip of one sample's rate at clip² × current rate (default 6). */
  readonly clipSigmas: number;
  /** A return of at least this many σ√dt is a jump (default 8)… */
  readonly jumpSigmas: number;
  /** …and at least this absolute log-return (default 0.0015 = 15 bp). */
  readonly minJumpReturn: number;
  /** Which snapshot time to use: local receive time (default) or the exchange's event time when present. */
  readonly timestamp: "received" | "exchange";
}

export const DEFAULT_EWMA_VOLATILITY_CONFIG: EwmaVolatilityConfig = {
  halfLifeMs: 300_000,
  initialAnnualVol: 0.6,
  floorAnnualVol: 0.15,
  capAnnualVol: 4,
  minSampleIntervalMs: 250,
  maxGapMs: 60_000,
  clipSigmas: 6,
  jumpSigmas: 8,
  minJumpReturn: 0.0015,
  timestamp: "received",
};

export interface JumpObservation {
  /** Reference time of the sample that jumped, epoch ms. */
  readonly at: number;
  readonly logReturn: number;
  /** |r| / (σ√dt) with σ before the sample. */
  readonly sigmas: number;
}

export interface VolatilityEstimate {
  /** σ per √second, within floor and cap. */
  readonly sigmaPerSqrtSecond: number;
  readonly annualized: number;
  /** Returns absorbed since construction. */
  readonly samples: number;
  /** Reference time of the latest anchor, epoch ms. */
  readonly lastSampleAt: number | undefined;
  readonly lastJump: JumpObservation | undefined;
}

export type ObserveOutcome =
  | "anchored"
  | "absorbed"
  | "too_soon"
  | "duplicate"
  | "gap_reset"
  | "rejected_invalid"
  | "rejected_out_of_order";

export interface EwmaVolatilityStats {
  readonly absorbed: number;
  readonly tooSoon: number;
  readonly duplicates: number;
  readonly gapResets: number;
  readonly rejectedInvalid: number;
  readonly rejectedOutOfOrder: number;
  readonly jumps: number;
}

export function validateEwmaVolatilityConfig(c: EwmaVolatilityConfig): string[] {
  const problems: string[] = [];
  const pos = (name: keyof EwmaVolatilityConfig, v: number) => {
    if (!Number.isFinite(v) || v <= 0) problems.push(`${name} must be a positive finite number (got ${v})`);
  };
  pos("halfLifeMs", c.halfLifeMs);
  pos("initialAnnualVol", c.initialAnnualVol);
  pos("floorAnnualVol", c.floorAnnualVol);
  pos("capAnnualVol", c.capAnnualVol);
  pos("maxGapMs", c.maxGapMs);
  pos("clipSigmas", c.clipSigmas);
  pos("jumpSigmas", c.jumpSigmas);
  if (!Number.isFinite(c.minSampleIntervalMs) || c.minSampleIntervalMs < 0) problems.push("minSampleIntervalMs must be ≥ 0");
  if (!Number.isFinite(c.minJumpReturn) || c.minJumpReturn < 0) problems.push("minJumpReturn must be ≥ 0");
  if (c.floorAnnualVol > c.capAnnualVol) problems.push("floorAnnualVol must not exceed capAnnualVol");
  if (c.maxGapMs <= c.minSampleIntervalMs) problems.push("maxGapMs must exceed minSampleIntervalMs");
  return problems;
}

export class EwmaVolatility {
  readonly config: EwmaVolatilityConfig;
  private readonly minRate: number;
  private readonly maxRate: number;
  private rate: number;
  private anchorPrice = Number.NaN;
  private anchorAt = Number.NaN;
  private lastUpdateCount = -1;
  private samples = 0;
  private lastJump: JumpObservation | undefined;
  private cached: VolatilityEstimate | undefined;
  private counters = { absorbed: 0, tooSoon: 0, duplicates: 0, gapResets: 0, rejectedInvalid: 0, rejectedOutOfOrder: 0, jumps: 0 };

  constructor(config: Partial<EwmaVolatilityConfig> = {}) {
    this.config = { ...DEFAULT_EWMA_VOLATILITY_CONFIG, ...config };
    const problems = validateEwmaVolatilityConfig(this.config);
    if (problems.length > 0) throw new RangeError(`invalid EWMA volatility config: ${problems.join("; ")}`);
    this.minRate = annualToPerSqrtSecond(this.config.floorAnnualVol) ** 2;
    this.maxRate = annualToPerSqrtSecond(this.config.capAnnualVol) ** 2;
    this.rate = this.clampRate(annualToPerSqrtSecond(this.config.initialAnnualVol) ** 2);
  }

  private clampRate(v: number): number {
    return Math.min(this.maxRate, Math.max(this.minRate, v));
  }

  /** Feeds one reference price observed at `at` (epoch ms). */
  observe(price: number, at: number): ObserveOutcome {
    if (!Number.isFinite(price) || price <= 0 || !Number.isFinite(at)) {
      this.counters.rejectedInvalid++;
      return "rejected_invalid";
    }
    if (Number.isNaN(this.anchorAt)) return this.anchor(price, at, "anchored");
    const dtMs = at - this.anchorAt;
    if (dtMs < 0) {
      this.counters.rejectedOutOfOrder++;
      return "rejected_out_of_order";
    }
    if (dtMs > this.config.maxGapMs) {
      this.counters.gapResets++;
      return this.anchor(price, at, "gap_reset");
    }
    const r = Math.log(price / this.anchorPrice);
    const prior = this.rate;
    if (dtMs === 0 || dtMs < this.config.minSampleIntervalMs) {
      // Not used for the variance, but a jump is flagged at once rather than at the next sample.
      this.checkJump(r, Math.max(dtMs, 1) / 1000, prior, at);
      this.counters.tooSoon++;
      return "too_soon";
    }
    const dt = dtMs / 1000;
    this.checkJump(r, dt, prior, at);
    const clip = this.config.clipSigmas * this.config.clipSigmas * prior;
    const inst = Math.min((r * r) / dt, clip);
    const alpha = 1 - 2 ** (-dtMs / this.config.halfLifeMs);
    this.rate = this.clampRate((1 - alpha) * prior + alpha * inst);
    this.samples++;
    this.counters.absorbed++;
    return this.anchor(price, at, "absorbed");
  }

  /** Records a jump of return `r` over `dt` s; one jump since the current anchor is counted once. */
  private checkJump(r: number, dt: number, rate: number, at: number): void {
    const sigmas = Math.abs(r) / Math.sqrt(rate * dt);
    if (!(sigmas >= this.config.jumpSigmas && Math.abs(r) >= this.config.minJumpReturn)) return;
    const sameMove = this.lastJump !== undefined && this.lastJump.at > this.anchorAt;
    if (!sameMove) this.counters.jumps++;
    // Keep the strongest reading of this move; its time is the latest observation showing it.
    const strongest = sameMove && this.lastJump !== undefined && this.lastJump.sigmas > sigmas ? this.lastJump : undefined;
    this.lastJump = { at, logReturn: strongest?.logReturn ?? r, sigmas: strongest?.sigmas ?? sigmas };
    this.cached = undefined;
  }

  private anchor(price: number, at: number, outcome: ObserveOutcome): ObserveOutcome {
    this.anchorPrice = price;
    this.anchorAt = at;
    this.cached = undefined;
    return outcome;
  }

  /** Feeds a reference snapshot: its mid at its timestamp; a repeated `updateCount` is skipped. */
  observeSnapshot(s: ReferenceSnapshot): ObserveOutcome {
    if (s.updateCount === this.lastUpdateCount) {
      this.counters.duplicates++;
      return "duplicate";
    }
    this.lastUpdateCount = s.updateCount;
    const at = this.config.timestamp === "exchange" && s.exchangeTime !== undefined ? s.exchangeTime : s.receivedAt;
    if (!(s.bid > 0 && s.ask >= s.bid)) {
      this.counters.rejectedInvalid++;
      return "rejected_invalid";
    }
    return this.observe(s.mid, at);
  }

  estimate(): VolatilityEstimate {
    if (this.cached === undefined) {
      const sigma = Math.sqrt(this.rate);
      this.cached = {
        sigmaPerSqrtSecond: sigma,
        annualized: perSqrtSecondToAnnual(sigma),
        samples: this.samples,
        lastSampleAt: Number.isNaN(this.anchorAt) ? undefined : this.anchorAt,
        lastJump: this.lastJump,
      };
    }
    return this.cached;
  }

  stats(): EwmaVolatilityStats {
    return { ...this.counters };
  }
}
