/**
 * Executor configuration: risk limits, settlement threshold, churn tolerance and back-off timings.
 * Every field has a documented default (`DEFAULT_EXECUTOR_CONFIG`); `resolveExecutorConfig` merges a
 * partial override and validates it (a bad limit is a configuration error, thrown at construction).
 */
import type { SettlementThreshold, Size, Usdc } from "@mm/types";

export interface RiskLimits {
  /** Max shares of one token: settled + pending + every open BUY's remaining (worst case, all fill). */
  readonly maxPositionPerToken: Size;
  /** Max YES + NO shares of one market, counted the same worst-case way. */
  readonly maxGrossPosition: Size;
  /** Max Σ price × remaining over all open orders, micro-USDC. */
  readonly maxWorkingNotional: Usdc;
  /** Max loss (micro-USDC) against the starting collateral, positions marked at fair value / last fill. */
  readonly maxLoss: Usdc;
}

export interface ExecutorConfig {
  /** When a fill's tokens count as settled (law E). */
  readonly settlement: SettlementThreshold;
  readonly limits: RiskLimits;
  /** Order sizes are multiples of this (the venue accepts 2 share decimals: 0.01 share = 10,000 micro). */
  readonly sizeLot: Size;
  /**
   * A resting order at the right price is kept while its remaining size is at most the planned size
   * and the shortfall is at most this fraction of the planned size (queue position is worth money).
   * A bigger shortfall is topped up with an extra order when the shortfall is itself a legal order.
   */
  readonly undersizeTolerance: number;
  /** A resting order at the right price is kept while at most this fraction larger than planned. */
  readonly oversizeTolerance: number;
  readonly postOnly: boolean;
  /** COOLDOWN after a balance / rate-limit / server-error reject, ms. */
  readonly cooldownMs: number;
  /** COOLDOWN after a cancel-only / trading-disabled reject, ms. */
  readonly cancelOnlyBackoffMs: number;
  /** Placing on one market is suspended this long after a tick-size / min-size / not-ready reject, ms. */
  readonly marketSuspendMs: number;
  /** Retry delay of a SYNC that failed, ms. */
  readonly syncRetryMs: number;
  /** RESYNC fetches trades from (last continuity − this margin), ms. */
  readonly resyncLookbackMs: number;
  /** Prefix of client order ids (unique per process run). */
  readonly clientOrderIdPrefix: string;
  /** Max buffered events for order ids not yet acked. */
  readonly maxOrphanEvents: number;
  /** Above this many remembered fills, terminal ones older than any RESYNC window are forgotten. */
  readonly maxRetainedFills: number;
}

const SHARES = 1_000_000;

export const DEFAULT_EXECUTOR_CONFIG: ExecutorConfig = {
  settlement: "MINED",
  limits: {
    maxPositionPerToken: (1_000 * SHARES) as Size,
    maxGrossPosition: (2_000 * SHARES) as Size,
    maxWorkingNotional: (1_000 * 1_000_000) as Usdc,
    maxLoss: (200 * 1_000_000) as Usdc,
  },
  sizeLot: 10_000 as Size,
  undersizeTolerance: 0.2,
  oversizeTolerance: 0.1,
  postOnly: true,
  cooldownMs: 5_000,
  cancelOnlyBackoffMs: 30_000,
  marketSuspendMs: 10_000,
  syncRetryMs: 2_000,
  resyncLookbackMs: 10 * 60_000,
  clientOrderIdPrefix: "mm",
  maxOrphanEvents: 1_000,
  maxRetainedFills: 10_000,
};

export type ExecutorConfigInput = Partial<Omit<ExecutorConfig, "limits">> & { readonly limits?: Partial<RiskLimits> };

export function resolveExecutorConfig(input: ExecutorConfigInput = {}): ExecutorConfig {
  const config: ExecutorConfig = {
    ...DEFAULT_EXECUTOR_CONFIG,
    ...input,
    limits: { ...DEFAULT_EXECUTOR_CONFIG.limits, ...input.limits },
  };
  const problems: string[] = [];
  const nonNegInt = (name: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 0) problems.push(`${name} must be a non-negative integer (got ${v})`);
  };
  nonNegInt("limits.maxPositionPerToken", config.limits.maxPositionPerToken);
  nonNegInt("limits.maxGrossPosition", config.limits.maxGrossPosition);
  nonNegInt("limits.maxWorkingNotional", config.limits.maxWorkingNotional);
  nonNegInt("limits.maxLoss", config.limits.maxLoss);
  nonNegInt("cooldownMs", config.cooldownMs);
  nonNegInt("cancelOnlyBackoffMs", config.cancelOnlyBackoffMs);
  nonNegInt("marketSuspendMs", config.marketSuspendMs);
  nonNegInt("syncRetryMs", config.syncRetryMs);
  nonNegInt("resyncLookbackMs", config.resyncLookbackMs);
  nonNegInt("maxOrphanEvents", config.maxOrphanEvents);
  nonNegInt("maxRetainedFills", config.maxRetainedFills);
  if (!Number.isSafeInteger(config.sizeLot) || config.sizeLot <= 0)
    problems.push(`sizeLot must be a positive integer (got ${config.sizeLot})`);
  if (!(config.undersizeTolerance >= 0 && config.undersizeTolerance < 1)) problems.push("undersizeTolerance must be in [0, 1)");
  if (!(config.oversizeTolerance >= 0 && config.oversizeTolerance <= 1)) problems.push("oversizeTolerance must be in [0, 1]");
  if (config.settlement !== "MINED" && config.settlement !== "CONFIRMED") problems.push("settlement must be MINED or CONFIRMED");
  if (config.clientOrderIdPrefix.length === 0 || config.clientOrderIdPrefix.length > 32)
    problems.push("clientOrderIdPrefix must be 1..32 chars");
  if (problems.length > 0) throw new RangeError(`invalid executor config: ${problems.join("; ")}`);
  return config;
}
