/**
 * Latency models: a distribution per path (order entry, ack, cancel, market data, user feed), drawn
 * from a seeded stream. Values are whole milliseconds ≥ 0 (the virtual clock's resolution).
 */
import { z } from "zod";
import { Rng } from "./rng.js";

export const LatencySpecSchema = z.union([
  z.object({ kind: z.literal("constant"), ms: z.number().min(0).max(3_600_000) }).strict(),
  z
    .object({ kind: z.literal("uniform"), minMs: z.number().min(0).max(3_600_000), maxMs: z.number().min(0).max(3_600_000) })
    .strict()
    .refine((s) => s.maxMs >= s.minMs, "maxMs must be ≥ minMs"),
  z
    .object({
      kind: z.literal("lognormal"),
      /** Median, ms. */
      medianMs: z.number().positive().max(3_600_000),
      /** σ of ln(latency). */
      sigma: z.number().min(0).max(5),
      /** Hard cap, ms (default 10 × median). */
      maxMs: z.number().positive().max(3_600_000).optional(),
    })
    .strict(),
]);
export type LatencySpec = z.infer<typeof LatencySpecSchema>;

export interface LatencyConfig {
  /** Our action leaving the bot → arriving at the matching engine. */
  readonly orderEntry: LatencySpec;
  /** Venue answer (PLACE ack / reject, SYNC result) → the executor's mailbox. */
  readonly ack: LatencySpec;
  /** Cancel leaving the bot → taking effect at the venue. */
  readonly cancel: LatencySpec;
  /** Venue market-data event → the bot's caches. */
  readonly marketData: LatencySpec;
  /** Venue user event (fill status) → the executor's mailbox. */
  readonly userFeed: LatencySpec;
}

export const ZERO_LATENCY: LatencyConfig = {
  orderEntry: { kind: "constant", ms: 0 },
  ack: { kind: "constant", ms: 0 },
  cancel: { kind: "constant", ms: 0 },
  marketData: { kind: "constant", ms: 0 },
  userFeed: { kind: "constant", ms: 0 },
};

/** A typical co-located-ish profile: tens of ms each way, lognormal tails. */
export const DEFAULT_LATENCY: LatencyConfig = {
  orderEntry: { kind: "lognormal", medianMs: 40, sigma: 0.4 },
  ack: { kind: "lognormal", medianMs: 40, sigma: 0.4 },
  cancel: { kind: "lognormal", medianMs: 40, sigma: 0.4 },
  marketData: { kind: "lognormal", medianMs: 30, sigma: 0.3 },
  userFeed: { kind: "lognormal", medianMs: 50, sigma: 0.4 },
};

export type LatencyPath = keyof LatencyConfig;

/** Draws latencies; each path has its own seeded stream so changing one path's model never shifts another's draws. */
export class LatencySampler {
  private readonly streams: Record<LatencyPath, Rng>;
  constructor(
    private readonly config: LatencyConfig,
    seed: number,
  ) {
    this.streams = {
      orderEntry: Rng.derive(seed, "latency.orderEntry"),
      ack: Rng.derive(seed, "latency.ack"),
      cancel: Rng.derive(seed, "latency.cancel"),
      marketData: Rng.derive(seed, "latency.marketData"),
      userFeed: Rng.derive(seed, "latency.userFeed"),
    };
  }

  sample(path: LatencyPath): number {
    return sampleLatency(this.config[path], this.streams[path]);
  }
}

export function sampleLatency(spec: LatencySpec, rng: Rng): number {
  switch (spec.kind) {
    case "constant":
      return Math.round(spec.ms);
    case "uniform":
      return Math.round(spec.minMs + rng.next() * (spec.maxMs - spec.minMs));
    case "lognormal": {
      const v = spec.medianMs * Math.exp(spec.sigma * rng.normal());
      return Math.round(Math.min(v, spec.maxMs ?? spec.medianMs * 10));
    }
  }
}
