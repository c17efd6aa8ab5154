// backtester: deterministic event-driven replay through the live strategy driver and executor on a
// virtual clock, against a queue-position venue model with latency, settlement and fees.
export { runBacktest, type BacktestConfig, type BacktestResult, type RunProbe, type StrategySpec, type TimedIntent } from "./run.js";
export {
  SimVenue,
  DEFAULT_VENUE_MODEL,
  type CancelModel,
  type PlaceOutcome,
  type VenueModelConfig,
  type VenueTrade,
} from "./venue-model.js";
export { CLEARED_BY_CANCEL_ALL, SimGateway, SimUserFeed, traceAt, type GatewayModel, type ServiceTrace } from "./gateway.js";
export { DelayLine } from "./delay-line.js";
export {
  DEFAULT_LATENCY,
  LatencySampler,
  LatencySpecSchema,
  sampleLatency,
  ZERO_LATENCY,
  type LatencyConfig,
  type LatencySpec,
} from "./latency.js";
export { Rng } from "./rng.js";
export { Ledger } from "./ledger.js";
export {
  buildSummary,
  fillRecordOf,
  fillsHash,
  type BacktestSummary,
  type FillRecord,
  type MarkoutSummary,
  type SeriesPoint,
} from "./summary.js";
export {
  EventKind,
  EVENT_KIND_NAMES,
  SIDE_ASK,
  SIDE_BID,
  TAKER_BUY,
  TAKER_SELL,
  TapeBuilder,
  validateTape,
  type Tape,
  type TapeMeta,
} from "./tape.js";
export {
  decodeTape,
  encodeTape,
  loadTapeCached,
  readTapeFile,
  tapeFromJsonLines,
  tapeToJsonLines,
  TapeFormatError,
  writeTapeFile,
} from "./tape-file.js";
export { generateSyntheticSession, syntheticMarket, type SyntheticSessionOptions } from "./synthetic.js";
export { renderReport, type ReportInput } from "./report.js";
export { ConfigError, parseRunConfig, RunConfigSchema, type RunConfigFile } from "./config.js";
export { expandGrid, runSweep, withParam, type SweepOptions, type SweepRow, type SweepTable } from "./sweep.js";
export { jsonLinesToTapeUnchecked, replayBook } from "./replay.js";
export { tapeFromRecorder, type RecorderImportStats, type RecorderQuery } from "./recorder-input.js";
export {
  compareFills,
  formatParity,
  journalInputs,
  notRunningPeriods,
  runParity,
  type CompareOptions,
  type ParityOptions,
  type Divergence,
  type DivergenceCause,
  type JournalFill,
  type OrderSpan,
  type ParityReport,
} from "./parity.js";
export { readJournalSession } from "./journal-input.js";
export {
  ownOrderDeltas,
  stripOwnOrders,
  type OwnOrderDelta,
  type OwnOrderDeltaStats,
  type StripOptions,
  type StripStats,
} from "./own-orders.js";
export {
  fitLatency,
  latencyFromJournal,
  parityConfigFromSession,
  parseVenueSimSettings,
  serviceTraceFromJournal,
  venueModelFromVenueSim,
  type SessionParameters,
  type VenueSimSettings,
  VenueSimSettingsSchema,
} from "./sim-params.js";
export { parityFromRecording, type RecordedParity, type RecordedParityOptions } from "./parity-session.js";
