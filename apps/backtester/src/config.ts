/**
 * The run configuration file (JSON), validated at the boundary. Strategy and executor options are
 * passed to their packages, which validate them again (a bad value is a thrown RangeError there).
 * Units: prices in price units (1 = 0.0001), sizes in micro-shares, collateral in USDC (a number).
 */
import { z } from "zod";
import { LatencySpecSchema } from "./latency.js";
import { DEFAULT_LATENCY, type LatencyConfig } from "./latency.js";
import type { BacktestConfig, StrategySpec } from "./run.js";

const StrategySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("bands"), config: z.record(z.string(), z.unknown()).optional() }).strict(),
  z.object({ kind: z.literal("reference"), options: z.record(z.string(), z.unknown()) }).strict(),
]);

export const RunConfigSchema = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    strategy: StrategySchema,
    executor: z.record(z.string(), z.unknown()).optional(),
    venue: z
      .object({
        cancelModel: z.enum(["risk_averse", "proportional"]).optional(),
        minedDelayMs: z.number().min(0).optional(),
        confirmedDelayMs: z.number().min(0).optional(),
        retryDelayMs: z.number().min(0).optional(),
        failProbability: z.number().min(0).max(1).optional(),
        takerFeeRate: z.number().min(0).max(1).optional(),
        feeExponent: z.number().int().min(1).max(8).optional(),
        makerRebateRate: z.number().min(0).max(1).optional(),
        allowTaking: z.boolean().optional(),
      })
      .strict()
      .optional(),
    latency: z
      .object({
        orderEntry: LatencySpecSchema.optional(),
        ack: LatencySpecSchema.optional(),
        cancel: LatencySpecSchema.optional(),
        marketData: LatencySpecSchema.optional(),
        userFeed: LatencySpecSchema.optional(),
      })
      .strict()
      .optional(),
    gateway: z
      .object({
        worker: z.enum(["pipelined", "serial"]),
        maxBatchPlace: z.number().int().min(1).max(15).optional(),
        maxBatchCancel: z.number().int().min(1).max(1_000).optional(),
      })
      .strict()
      .optional(),
    initialCollateralUsdc: z.number().positive().max(1e12).default(1_000),
    sampleIntervalMs: z.number().positive().optional(),
    markoutHorizonsMs: z.array(z.number().positive()).max(16).optional(),
    tailMs: z.number().min(0).optional(),
    driver: z
      .object({ debounceMs: z.number().min(0).optional(), refreshMs: z.number().min(0).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type RunConfigFile = z.input<typeof RunConfigSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Validates a parsed JSON config into a `BacktestConfig`. */
export function parseRunConfig(json: unknown): BacktestConfig {
  const r = RunConfigSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(`config: ${i?.path.join(".") || "(root)"}: ${i?.message}`);
  }
  const c = r.data;
  const latency: LatencyConfig = { ...DEFAULT_LATENCY, ...(c.latency as Partial<LatencyConfig> | undefined) };
  return {
    seed: c.seed,
    strategy: c.strategy as unknown as StrategySpec,
    ...(c.executor ? { executor: c.executor as BacktestConfig["executor"] } : {}),
    ...(c.venue ? { venue: c.venue } : {}),
    latency,
    ...(c.gateway ? { gateway: c.gateway } : {}),
    initialCollateral: Math.round(c.initialCollateralUsdc * 1_000_000),
    ...(c.sampleIntervalMs !== undefined ? { sampleIntervalMs: c.sampleIntervalMs } : {}),
    ...(c.markoutHorizonsMs !== undefined ? { markoutHorizonsMs: c.markoutHorizonsMs } : {}),
    ...(c.tailMs !== undefined ? { tailMs: c.tailMs } : {}),
    ...(c.driver ? { driver: c.driver } : {}),
  };
}
