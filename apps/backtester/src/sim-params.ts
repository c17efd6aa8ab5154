/**
 * "The same parameters": the backtest settings that correspond to a @mm/venue-sim session, written
 * once. Settlement (MATCHED → MINED → CONFIRMED delays, FAILED probability) and taker fees come from
 * the simulator's configuration; latency is not a simulator setting (it runs on loopback and adds no
 * delay of its own), so what the bot actually experienced, its gateway queueing, signing and HTTP
 * round trips, is measured from the session's journal (action → answer times). Executor settings,
 * markets and starting balances come from the journal's `start` entry.
 */
import type { ExecutorConfigInput, JournalEntry } from "@mm/executor";
import { z } from "zod";
import { DEFAULT_ENGINE_CONFIG, type SettlementConfig } from "@mm/venue-sim";
import type { ServiceTrace } from "./gateway.js";
import type { LatencyConfig, LatencySpec } from "./latency.js";
import type { BacktestConfig } from "./run.js";
import type { VenueModelConfig } from "./venue-model.js";

/** The parts of a venue-sim configuration (`startVenueSim` options) that the venue model mirrors. */
export interface VenueSimSettings {
  readonly engine?: { readonly settlement?: Partial<SettlementConfig> };
  /** The simulator's taker fee schedule (`startVenueSim({ fees })`); absent = fee-free markets. */
  readonly fees?: { readonly rateBps: number; readonly exponent?: number };
}

const SettlementSchema = z
  .object({
    minedDelayMs: z.number().min(0).max(3_600_000),
    confirmedDelayMs: z.number().min(0).max(3_600_000),
    retryDelayMs: z.number().min(0).max(3_600_000),
    failProbability: z.number().min(0).max(1),
    retryProbability: z.number().min(0).max(1),
  })
  .partial()
  .strict();

/** The simulator's settings from a JSON file: `startVenueSim` options (other keys are ignored). */
export const VenueSimSettingsSchema = z.looseObject({
  engine: z.looseObject({ settlement: SettlementSchema.optional() }).optional(),
  fees: z.object({ rateBps: z.number().int().min(0).max(10_000), exponent: z.number().int().min(1).max(8).optional() }).optional(),
});

/** Validates parsed JSON into `VenueSimSettings` (RangeError with the first problem). */
export function parseVenueSimSettings(json: unknown): VenueSimSettings {
  const r = VenueSimSettingsSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new RangeError(`sim config: ${i?.path.join(".") || "(root)"}: ${i?.message}`);
  }
  const settlement = r.data.engine?.settlement;
  return {
    ...(settlement !== undefined ? { engine: { settlement: settlement as Partial<SettlementConfig> } } : {}),
    ...(r.data.fees !== undefined
      ? { fees: { rateBps: r.data.fees.rateBps, ...(r.data.fees.exponent !== undefined ? { exponent: r.data.fees.exponent } : {}) } }
      : {}),
  };
}

/** The venue model equivalent to a venue-sim configuration, and what it cannot mirror. */
export function venueModelFromVenueSim(sim: VenueSimSettings): { readonly venue: Partial<VenueModelConfig>; readonly notes: string[] } {
  const s = { ...DEFAULT_ENGINE_CONFIG.settlement, ...(sim.engine?.settlement ?? {}) };
  const notes: string[] = [];
  if (s.retryProbability > 0)
    notes.push(
      `venue-sim retryProbability ${s.retryProbability} (RETRYING → MINED) has no venue-model equivalent: those trades settle at the normal delay in the backtest`,
    );
  return {
    venue: {
      minedDelayMs: s.minedDelayMs,
      confirmedDelayMs: s.confirmedDelayMs,
      retryDelayMs: s.retryDelayMs,
      failProbability: s.failProbability,
      // venue-sim withholds the taker fee exactly as the venue model does (@mm/types `takerFee`);
      // it pays no maker rebates.
      takerFeeRate: (sim.fees?.rateBps ?? 0) / 10_000,
      feeExponent: sim.fees?.exponent ?? 1,
      makerRebateRate: 0,
      // venue-sim matches marketable orders that are not post-only, like the venue.
      allowTaking: true,
      // Price-time FIFO at the simulator; its makers cancel and requote whole ladders, so a cancel at
      // our level is as likely ahead of us as behind: proportional.
      cancelModel: "proportional",
    },
    notes,
  };
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** A lognormal fitted to observed delays (median, spread from the 16th–84th percentiles, capped at the max seen). */
export function fitLatency(samples: readonly number[], fallback: LatencySpec): LatencySpec {
  const xs = samples.filter((x) => Number.isFinite(x) && x >= 0).sort((a, b) => a - b);
  if (xs.length < 5) return fallback;
  const med = Math.max(0.5, quantile(xs, 0.5));
  const lo = Math.max(0.5, quantile(xs, 0.16));
  const hi = Math.max(lo, quantile(xs, 0.84));
  const sigma = Math.min(5, Math.max(0, (Math.log(hi) - Math.log(lo)) / 2));
  return { kind: "lognormal", medianMs: med, sigma: Math.round(sigma * 1000) / 1000, maxMs: Math.max(med, xs[xs.length - 1] as number) };
}

/** Loopback one-way delay of a WebSocket frame or an HTTP answer, ms. */
const LOOPBACK: LatencySpec = { kind: "constant", ms: 1 };

/**
 * Latency as the session experienced it, for the `serial` gateway model (@mm/gateway has one request
 * in flight; a request is a batch of PLACEs or CANCELs). Results the executor received in the same
 * millisecond are one request; its service time runs from when it could leave (its first action was
 * queued and the previous request had been answered) to its answer. Less the loopback answer leg,
 * place and cancel requests give the order-entry and cancel distributions.
 */
export function latencyFromJournal(entries: readonly JournalEntry[]): LatencyConfig {
  const trace = serviceTraceFromJournal(entries);
  const entry = fitLatency(
    trace.place.map(([, ms]) => ms),
    { kind: "constant", ms: 5 },
  );
  return {
    orderEntry: entry,
    ack: LOOPBACK,
    cancel: fitLatency(
      trace.cancel.map(([, ms]) => ms),
      entry,
    ),
    marketData: LOOPBACK,
    userFeed: LOOPBACK,
  };
}

/** The session's requests as `[time it could leave, order-entry ms]` per kind (see `latencyFromJournal`). */
export function serviceTraceFromJournal(entries: readonly JournalEntry[]): ServiceTrace {
  const queuedAt = new Map<number, { kind: string; at: number }>();
  const answers: { at: number; kind: string; queued: number }[] = [];
  for (const e of entries) {
    if (e.type === "action") queuedAt.set(e.action.actionId, { kind: e.action.kind, at: e.at });
    else if (e.type === "gateway" && "actionId" in e.result) {
      const a = queuedAt.get(e.result.actionId);
      if (a !== undefined) answers.push({ at: e.at, kind: a.kind, queued: a.at });
    }
  }
  const place: [number, number][] = [];
  const cancel: [number, number][] = [];
  let prevEnd = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < answers.length; ) {
    const first = answers[i] as (typeof answers)[number];
    let j = i;
    let queued = Number.POSITIVE_INFINITY;
    while (
      j < answers.length &&
      (answers[j] as (typeof answers)[number]).at - first.at <= 1 &&
      (answers[j] as (typeof answers)[number]).kind === first.kind
    ) {
      queued = Math.min(queued, (answers[j] as (typeof answers)[number]).queued);
      j++;
    }
    const leave = Math.max(queued, prevEnd);
    const service = Math.max(0, first.at - leave - 1);
    if (first.kind === "PLACE") place.push([leave, service]);
    else if (first.kind === "CANCEL") cancel.push([leave, service]);
    prevEnd = (answers[j - 1] as (typeof answers)[number]).at;
    i = j;
  }
  return { place, cancel };
}

export interface SessionParameters {
  readonly config: Omit<BacktestConfig, "intents" | "strategy">;
  readonly notes: readonly string[];
}

/**
 * Everything a parity replay of a venue-sim session needs besides the tape: settlement and fees from
 * the simulator's settings, latency measured from the journal, the executor's configuration and the
 * starting balances from the journal's `start` entry.
 */
export function parityConfigFromSession(journal: readonly JournalEntry[], sim: VenueSimSettings, seed = 1): SessionParameters {
  const start = journal.find((e): e is Extract<JournalEntry, { type: "start" }> => e.type === "start");
  if (start === undefined) throw new RangeError("the journal has no start entry (executor configuration and balances unknown)");
  const { venue, notes } = venueModelFromVenueSim(sim);
  return {
    config: {
      seed,
      venue,
      latency: latencyFromJournal(journal),
      gateway: { worker: "serial", trace: serviceTraceFromJournal(journal) },
      executor: start.config as ExecutorConfigInput,
      initialCollateral: start.initial.collateral,
      ...(Object.keys(start.initial.tokens).length > 0 ? { initialTokens: start.initial.tokens } : {}),
    },
    notes,
  };
}
