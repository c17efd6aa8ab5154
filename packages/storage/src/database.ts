/**
 * `Database`: one better-sqlite3 connection, opened safely.
 *
 * Opening order matters for "never silent data loss": the file is inspected (header, application id,
 * tables, integrity, schema version) BEFORE anything is written to it. A foreign, corrupt or newer
 * file is refused with a typed `StorageError` and left byte-for-byte untouched; only then are WAL,
 * synchronous and foreign keys switched on and pending migrations applied, each in its own
 * transaction.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { StorageError, toStorageError } from "./errors.js";
import { APPLICATION_ID, MIGRATIONS, type Migration } from "./migrations.js";

export interface DatabaseOptions {
  /** A file path, or `":memory:"` for a private in-memory database (tests). */
  readonly path: string;
  /** How long a writer waits for another connection's lock before failing with `BUSY`. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * `FULL` (default): a committed transaction survives a process crash AND an OS crash / power loss.
   * `NORMAL`: survives a process crash (SIGKILL); the last commits may be lost on power loss. Faster.
   */
  readonly synchronous?: "FULL" | "NORMAL";
  /** Integrity check run before anything is written: `quick` (default, O(file size)), `full`, or `none`. */
  readonly integrityCheck?: "quick" | "full" | "none";
  /** Open read-only: no migration is applied; an out-of-date schema is refused. */
  readonly readonly?: boolean;
  /** Refuse to create a new file. Default false. */
  readonly fileMustExist?: boolean;
  /** Migrate only up to this version (tooling, tests of upgrades). Default: the latest. */
  readonly targetVersion?: number;
  /** The migration list; defaults to this build's `MIGRATIONS`. Overridden only by tests and tooling. */
  readonly migrations?: readonly Migration[];
  /**
   * Before migrating an existing file database to a newer version, write a consistent copy of it to
   * `<path>.v<from>.bak` (SQLite `VACUUM INTO`; an existing backup file is never overwritten — the
   * open fails with IO instead). Default false: migrations are transactional either way.
   */
  readonly backupBeforeMigrate?: boolean;
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  /** Epoch ms. */
  readonly appliedAt: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export const migrationChecksum = (m: Migration): string => createHash("sha256").update(m.sql.trim()).digest("hex");

function validateMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StorageError(
        "MIGRATION_MISMATCH",
        `migration list must be numbered 1..N without gaps; entry ${i} has version ${m.version}`,
      );
    }
  });
}

export class Database {
  readonly path: string;
  /** The underlying better-sqlite3 connection (for repositories in this package and advanced tooling). */
  readonly connection: BetterSqlite3.Database;
  private version: number;
  private closed = false;

  private constructor(path: string, connection: BetterSqlite3.Database, version: number) {
    this.path = path;
    this.connection = connection;
    this.version = version;
  }

  /** Opens (creating if allowed) and migrates a database. Throws `StorageError` on every failure. */
  static open(options: DatabaseOptions): Database {
    const path = options.path;
    const migrations = options.migrations ?? MIGRATIONS;
    validateMigrationList(migrations);
    const latest = migrations.length;
    const target = options.targetVersion ?? latest;
    if (!Number.isInteger(target) || target < 0 || target > latest) {
      throw new StorageError("MIGRATION_MISMATCH", `targetVersion ${String(target)} is not in 0..${latest}`, { path });
    }
    const inMemory = path === ":memory:";

    let conn: BetterSqlite3.Database;
    try {
      conn = new BetterSqlite3(path, {
        readonly: options.readonly ?? false,
        fileMustExist: options.fileMustExist ?? false,
        timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      });
    } catch (e) {
      if (e instanceof TypeError && /directory does not exist/.test(e.message)) {
        throw new StorageError("IO", `cannot open database (${path}): the directory does not exist`, { path, cause: e });
      }
      throw toStorageError(e, "cannot open database", path);
    }

    try {
      // 1. Inspect without writing.
      const current = inspect(conn, path, migrations);
      if (options.integrityCheck !== "none" && !inMemory) checkIntegrity(conn, path, options.integrityCheck ?? "quick");

      if (options.readonly) {
        if (current < target) {
          throw new StorageError(
            "READ_ONLY",
            `database schema version ${current} is older than ${target} and the database was opened read-only; open it read-write once to migrate`,
            { path },
          );
        }
        conn.pragma("foreign_keys = ON");
        return new Database(path, conn, current);
      }

      // 2. Connection settings (the file is known to be ours or empty from here on).
      if (!inMemory) {
        const mode = conn.pragma("journal_mode = WAL", { simple: true });
        if (String(mode).toLowerCase() !== "wal") {
          throw new StorageError("IO", `could not enable WAL journal mode (got "${String(mode)}"); is the file on a network file system?`, {
            path,
          });
        }
      }
      conn.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
      conn.pragma("foreign_keys = ON");

      // 3. Back up (optional), then migrate.
      if (options.backupBeforeMigrate && !inMemory && current > 0 && current < target) {
        const backup = `${path}.v${current}.bak`;
        if (existsSync(backup)) {
          throw new StorageError("IO", `backup file ${backup} already exists; move it away before migrating`, { path });
        }
        conn.prepare("VACUUM INTO ?").run(backup);
      }
      const version = migrate(conn, path, migrations, current, target);
      return new Database(path, conn, version);
    } catch (e) {
      try {
        conn.close();
      } catch {
        // The open already failed; the close error would hide the real cause.
      }
      throw toStorageError(e, "cannot open database", path);
    }
  }

  /** Schema version after opening (= the number of applied migrations). */
  get schemaVersion(): number {
    return this.version;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** The recorded migrations, oldest first. */
  appliedMigrations(): AppliedMigration[] {
    this.assertOpen();
    const rows = this.connection.prepare("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").all() as {
      version: number;
      name: string;
      checksum: string;
      applied_at: number;
    }[];
    return rows.map((r) => ({ version: r.version, name: r.name, checksum: r.checksum, appliedAt: r.applied_at }));
  }

  /**
   * Runs `fn` inside one `BEGIN IMMEDIATE` transaction: all of it commits or none of it does.
   * Errors are rethrown as `StorageError`.
   */
  transaction<T>(fn: () => T, context = "transaction failed"): T {
    this.assertOpen();
    try {
      return this.connection.transaction(fn).immediate();
    } catch (e) {
      throw toStorageError(e, context, this.path);
    }
  }

  /** Runs `fn` (a read or a single statement) and converts failures to `StorageError`. */
  run<T>(fn: () => T, context: string): T {
    this.assertOpen();
    try {
      return fn();
    } catch (e) {
      throw toStorageError(e, context, this.path);
    }
  }

  /** Integrity problems found by SQLite (empty when the file is sound). */
  integrityProblems(mode: "quick" | "full" = "quick"): string[] {
    this.assertOpen();
    return integrityRows(this.connection, mode);
  }

  /** Closes the connection (checkpointing the WAL into the main file). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.connection.close();
    } catch (e) {
      throw toStorageError(e, "close failed", this.path);
    }
  }

  assertOpen(): void {
    if (this.closed) throw new StorageError("CLOSED", "database is closed", { path: this.path });
  }
}

function hasTable(conn: BetterSqlite3.Database, name: string): boolean {
  return conn.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Reads the file's identity and schema version; refuses foreign, newer and mismatched files. Writes nothing. */
function inspect(conn: BetterSqlite3.Database, path: string, migrations: readonly Migration[]): number {
  // Reading the header is what surfaces SQLITE_NOTADB for a non-database file.
  const appId = Number(conn.pragma("application_id", { simple: true }));
  const objectCount = Number(conn.prepare("SELECT count(*) AS n FROM sqlite_schema").pluck().get());

  if (appId === 0 && objectCount === 0) return 0; // empty or brand-new file
  if (appId !== APPLICATION_ID) {
    throw new StorageError(
      "FOREIGN_DATABASE",
      appId === 0
        ? `the file is an SQLite database of another application (${objectCount} schema objects, no @mm/storage application id); refusing to modify it`
        : `the file is an SQLite database of another application (application_id 0x${appId.toString(16)}); refusing to modify it`,
      { path },
    );
  }
  if (!hasTable(conn, "schema_migrations")) {
    throw new StorageError("CORRUPT", "the file carries the @mm/storage application id but has no schema_migrations table", { path });
  }
  const rows = conn.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version").all() as {
    version: number;
    checksum: string;
  }[];
  rows.forEach((row, i) => {
    if (row.version !== i + 1) {
      throw new StorageError("MIGRATION_MISMATCH", `schema_migrations has a gap or duplicate at version ${row.version}`, { path });
    }
  });
  const current = rows.length;
  if (current > migrations.length) {
    throw new StorageError(
      "NEWER_SCHEMA",
      `database schema version ${current} is newer than this build supports (${migrations.length}); upgrade the software — the database was not modified`,
      { path },
    );
  }
  for (const row of rows) {
    const expected = migrationChecksum(migrations[row.version - 1]!);
    if (row.checksum !== expected) {
      throw new StorageError(
        "MIGRATION_MISMATCH",
        `migration ${row.version} recorded in the database differs from this build's (checksum ${row.checksum.slice(0, 12)}… vs ${expected.slice(0, 12)}…); refusing to continue`,
        { path },
      );
    }
  }
  return current;
}

function integrityRows(conn: BetterSqlite3.Database, mode: "quick" | "full"): string[] {
  const rows = conn.pragma(mode === "quick" ? "quick_check" : "integrity_check") as Record<string, unknown>[];
  const messages = rows.map((r) => String(Object.values(r)[0]));
  return messages.length === 1 && messages[0] === "ok" ? [] : messages;
}

function checkIntegrity(conn: BetterSqlite3.Database, path: string, mode: "quick" | "full"): void {
  const problems = integrityRows(conn, mode);
  if (problems.length > 0) {
    const shown = problems.slice(0, 3).join("; ");
    throw new StorageError(
      "CORRUPT",
      `integrity check failed (${problems.length} problem${problems.length === 1 ? "" : "s"}: ${shown}); restore from a backup — nothing was modified`,
      { path },
    );
  }
}

function migrate(conn: BetterSqlite3.Database, path: string, migrations: readonly Migration[], from: number, target: number): number {
  let version = from;
  for (const m of migrations) {
    if (m.version <= version || m.version > target) continue;
    conn.exec("BEGIN IMMEDIATE");
    try {
      // Another process may have migrated between our inspection and this lock.
      const already = hasTable(conn, "schema_migrations")
        ? (conn.prepare("SELECT checksum FROM schema_migrations WHERE version = ?").pluck().get(m.version) as string | undefined)
        : undefined;
      if (already !== undefined) {
        if (already !== migrationChecksum(m)) {
          throw new StorageError("MIGRATION_MISMATCH", `migration ${m.version} was applied concurrently with a different definition`, {
            path,
          });
        }
      } else {
        if (m.version === 1) {
          conn.exec(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT",
          );
          conn.pragma(`application_id = ${APPLICATION_ID}`);
        }
        conn.exec(m.sql);
        conn
          .prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)")
          .run(m.version, m.name, migrationChecksum(m), Date.now());
        conn.pragma(`user_version = ${m.version}`);
      }
      conn.exec("COMMIT");
      version = m.version;
    } catch (e) {
      if (conn.inTransaction) conn.exec("ROLLBACK");
      if (e instanceof StorageError) throw e;
      const cause = toStorageError(e, `migration ${m.version} (${m.name}) failed`, path);
      throw new StorageError(
        cause.code === "BUSY" || cause.code === "IO" || cause.code === "READ_ONLY" ? cause.code : "MIGRATION_FAILED",
        `${cause.message}; rolled back, the database is still at version ${version}`,
        { path, ...(cause.sqliteCode === undefined ? {} : { sqliteCode: cause.sqliteCode }), cause: e },
      );
    }
  }
  return version;
}
