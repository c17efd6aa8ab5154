/**
 * The schema, as an ordered list of versioned migrations. Rules:
 * - A migration is never edited after release: its checksum is recorded in `schema_migrations` and
 *   a database whose recorded checksum differs is refused (`MIGRATION_MISMATCH`).
 * - Each migration runs in its own `BEGIN IMMEDIATE` transaction together with its bookkeeping row,
 *   so a crash or failure leaves the database at the previous version, never half-migrated.
 * - Append new versions at the end; never reorder or renumber.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Plain SQL; several statements allowed. */
  readonly sql: string;
}

/** `PRAGMA application_id` of our files ("MMST"), so a foreign SQLite file is recognised without guessing. */
export const APPLICATION_ID = 0x4d4d5354;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "market metadata, trades, trade watermarks",
    sql: `
CREATE TABLE markets (
  condition_id    TEXT PRIMARY KEY CHECK (length(condition_id) = 66 AND condition_id GLOB '0x*'),
  question        TEXT NOT NULL,
  slug            TEXT NOT NULL,
  tick_size       INTEGER NOT NULL CHECK (tick_size IN (1000, 100, 10, 1, 50, 25)),
  min_order_size  INTEGER NOT NULL CHECK (min_order_size >= 0),
  neg_risk        INTEGER NOT NULL CHECK (neg_risk IN (0, 1)),
  start_time      INTEGER,
  end_time        INTEGER,
  active          INTEGER NOT NULL CHECK (active IN (0, 1)),
  closed          INTEGER NOT NULL CHECK (closed IN (0, 1)),
  fee_rate_bps    INTEGER,
  winner_token_id TEXT,
  updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE tokens (
  token_id     TEXT PRIMARY KEY,
  condition_id TEXT NOT NULL REFERENCES markets (condition_id) ON DELETE CASCADE,
  outcome      TEXT NOT NULL CHECK (outcome IN ('YES', 'NO')),
  label        TEXT NOT NULL,
  UNIQUE (condition_id, outcome)
) STRICT;

CREATE TABLE trades (
  trade_key    TEXT PRIMARY KEY,
  condition_id TEXT NOT NULL,
  token_id     TEXT NOT NULL,
  side         TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  price        INTEGER NOT NULL CHECK (price BETWEEN 0 AND 10000),
  size         INTEGER NOT NULL CHECK (size >= 0),
  ts           INTEGER NOT NULL,
  source       TEXT NOT NULL,
  tx_hash      TEXT
) STRICT;
CREATE INDEX trades_by_condition_ts ON trades (condition_id, ts);
CREATE INDEX trades_by_token_ts ON trades (token_id, ts);

CREATE TABLE trade_watermarks (
  condition_id TEXT PRIMARY KEY,
  ts           INTEGER NOT NULL,
  trade_key    TEXT,
  updated_at   INTEGER NOT NULL
) STRICT;
`,
  },
  {
    version: 2,
    name: "append-only execution journal",
    sql: `
CREATE TABLE journal_sessions (
  session_id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  meta       TEXT NOT NULL CHECK (json_valid(meta))
) STRICT;

CREATE TABLE journal (
  id         INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES journal_sessions (session_id),
  seq        INTEGER NOT NULL CHECK (seq >= 0),
  kind       TEXT NOT NULL,
  ts         REAL NOT NULL,
  payload    TEXT NOT NULL CHECK (json_valid(payload)),
  UNIQUE (session_id, seq)
) STRICT;
CREATE INDEX journal_by_kind ON journal (session_id, kind, seq);

CREATE TRIGGER journal_append_only_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_append_only_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_sessions_no_delete BEFORE DELETE ON journal_sessions
BEGIN SELECT RAISE(ABORT, 'journal sessions are append-only'); END;
`,
  },
  {
    version: 3,
    name: "market-data checkpoints",
    sql: `
CREATE TABLE market_data_checkpoints (
  name       TEXT PRIMARY KEY,
  position   TEXT NOT NULL,
  ts         INTEGER NOT NULL,
  data       TEXT CHECK (data IS NULL OR json_valid(data)),
  updated_at INTEGER NOT NULL
) STRICT;
`,
  },
];

/** The schema version this build writes. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;
