import { type Clock, systemClock } from "@mm/types";
import { Database, type DatabaseOptions } from "./database.js";
import { StorageError } from "./errors.js";
import { LATEST_SCHEMA_VERSION } from "./migrations.js";
import type { Storage } from "./repositories.js";
import { SqliteCheckpointRepository } from "./sqlite-checkpoints.js";
import { SqliteJournalRepository } from "./sqlite-journal.js";
import { SqliteMarketRepository } from "./sqlite-markets.js";
import { SqliteTradeRepository, SqliteTradeWatermarkRepository } from "./sqlite-trades.js";

export interface SqliteStorageOptions extends DatabaseOptions {
  /** Time source for bookkeeping timestamps (`updatedAt`). Default: the system clock. */
  readonly clock?: Clock;
}

/** The embedded default `Storage`: every repository over one SQLite database. */
export class SqliteStorage implements Storage {
  readonly markets: SqliteMarketRepository;
  readonly trades: SqliteTradeRepository;
  readonly watermarks: SqliteTradeWatermarkRepository;
  readonly journal: SqliteJournalRepository;
  readonly checkpoints: SqliteCheckpointRepository;

  /** Takes ownership of `db` (closed by `close()`); the database must be at the latest schema version. */
  constructor(
    readonly db: Database,
    clock: Clock = systemClock,
  ) {
    if (db.schemaVersion !== LATEST_SCHEMA_VERSION) {
      throw new StorageError(
        "MIGRATION_MISMATCH",
        `SqliteStorage needs schema version ${LATEST_SCHEMA_VERSION}, the database is at ${db.schemaVersion}`,
        { path: db.path },
      );
    }
    this.markets = new SqliteMarketRepository(db);
    this.watermarks = new SqliteTradeWatermarkRepository(db, clock);
    this.trades = new SqliteTradeRepository(db, this.watermarks);
    this.journal = new SqliteJournalRepository(db);
    this.checkpoints = new SqliteCheckpointRepository(db, clock);
  }

  /** Opens (creating and migrating as needed) a database file, or `":memory:"`. Throws `StorageError`. */
  static open(options: SqliteStorageOptions): SqliteStorage {
    const db = Database.open(options);
    try {
      return new SqliteStorage(db, options.clock);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
