// @mm/storage: embedded SQLite storage — safe open, versioned migrations, typed repositories behind
// ports, and the append-only execution journal with a batched sink.
export {
  classifySqliteCode,
  isStorageError,
  StorageError,
  toStorageError,
  type StorageErrorCode,
} from "./errors.js";
export { APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./migrations.js";
export { Database, migrationChecksum, type AppliedMigration, type DatabaseOptions } from "./database.js";
export type {
  Checkpoint,
  JournalAppendSummary,
  JournalEntry,
  JournalQuery,
  JournalRow,
  JournalSession,
  JournalSessionSummary,
  MarketField,
  MarketRecord,
  MarketUpsertResult,
  StoredJournalEntry,
  TradeRecord,
  TradeUpsertSummary,
  TradeWatermark,
} from "./records.js";
export type {
  CheckpointRepository,
  JournalRepository,
  MarketRepository,
  Storage,
  TradeRepository,
  TradeWatermarkRepository,
} from "./repositories.js";
export { diffMarkets } from "./sqlite-markets.js";
export { SqliteStorage, type SqliteStorageOptions } from "./sqlite-storage.js";
export { JournalWriter, type JournalSink, type JournalWriterOptions, type JournalWriterStats } from "./journal-writer.js";
