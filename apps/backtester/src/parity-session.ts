/**
 * Parity with a recorded session, end to end: the recorder's segments of the session's markets →
 * tape → our own orders stripped (from the journal) → the journal's intents replayed with the
 * session's parameters (`parityConfigFromSession`) → live vs backtest fills compared by cause.
 *
 * The recorder does not capture the reference (Binance) feed, and parity does not need it: the
 * replay posts the journal's recorded intents instead of running the strategy, so only the
 * executor, gateway and venue model are simulated.
 */
import type { JournalEntry } from "@mm/executor";
import type { MarketInfo } from "@mm/types";
import { type ParityReport, runParity } from "./parity.js";
import { type RecorderImportStats, tapeFromRecorder } from "./recorder-input.js";
import type { BacktestConfig, BacktestResult } from "./run.js";
import { parityConfigFromSession, type VenueSimSettings } from "./sim-params.js";
import { type StripOptions, type StripStats, stripOwnOrders } from "./own-orders.js";
import type { Tape } from "./tape.js";

export interface RecordedParityOptions {
  /** The recorder's data directory. */
  readonly segmentsDir: string;
  readonly prefix?: string;
  /** The session's executor journal (its `start` entry names the markets and balances). */
  readonly journal: readonly JournalEntry[];
  /** The simulator's settings (settlement, fees); `{}` means venue-sim defaults. */
  readonly venueSim: VenueSimSettings;
  readonly seed?: number;
  /** Live-to-backtest fill matching window, ms (default 1000). */
  readonly windowMs?: number;
  /** Own-order stripping; `false` replays the recorded book as is (for comparison). */
  readonly strip?: StripOptions | false;
  /** Overrides on the derived configuration (e.g. another cancel model, for studies). */
  readonly override?: (config: Omit<BacktestConfig, "intents" | "strategy">) => Omit<BacktestConfig, "intents" | "strategy">;
}

export interface RecordedParity {
  readonly report: ParityReport;
  readonly result: BacktestResult;
  readonly tape: Tape;
  readonly markets: readonly MarketInfo[];
  readonly importStats: RecorderImportStats;
  readonly strip: StripStats | undefined;
  readonly config: Omit<BacktestConfig, "intents" | "strategy">;
  /** What the derived parameters could not mirror. */
  readonly notes: readonly string[];
}

export async function parityFromRecording(o: RecordedParityOptions): Promise<RecordedParity> {
  const start = o.journal.find((e): e is Extract<JournalEntry, { type: "start" }> => e.type === "start");
  if (start === undefined) throw new RangeError("the journal has no start entry (markets unknown)");
  const markets = start.markets;
  const importStats: RecorderImportStats = { frames: 0, events: 0, decodeErrors: 0, skipped: 0 };
  const recorded = await tapeFromRecorder(
    { dir: o.segmentsDir, markets, ...(o.prefix !== undefined ? { prefix: o.prefix } : {}) },
    importStats,
  );
  if (recorded.length === 0) throw new RangeError(`no recorded events of the session's markets in ${o.segmentsDir}`);
  const stripped = o.strip === false ? undefined : stripOwnOrders(recorded, o.journal, o.strip ?? {});
  const tape = stripped?.tape ?? recorded;
  const derived = parityConfigFromSession(o.journal, o.venueSim, o.seed ?? 1);
  const config = o.override ? o.override(derived.config) : derived.config;
  const { report, result } = runParity(tape, o.journal, config, { windowMs: o.windowMs ?? 1_000 });
  return { report, result, tape, markets, importStats, strip: stripped?.stats, config, notes: derived.notes };
}
