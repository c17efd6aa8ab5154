/**
 * Typed storage failures. Every error that leaves this package is a `StorageError` with a closed
 * `code`, so callers can tell "this file is not ours" from "the disk is full" without parsing text.
 */

export type StorageErrorCode =
  /** The file exists but is not an SQLite database (wrong header, random bytes, encrypted). */
  | "NOT_A_DATABASE"
  /** An SQLite database whose pages or indexes fail the integrity check, or that SQLite reports corrupt. */
  | "CORRUPT"
  /** A valid SQLite database that belongs to another application (foreign application id or tables). */
  | "FOREIGN_DATABASE"
  /** The database was migrated by a newer build: its schema version is above what this build knows. */
  | "NEWER_SCHEMA"
  /** A recorded migration differs from this build's migration of the same version (or versions have gaps). */
  | "MIGRATION_MISMATCH"
  /** A migration failed and was rolled back; the database is still at its previous version. */
  | "MIGRATION_FAILED"
  /** Another connection holds the lock longer than the busy timeout. */
  | "BUSY"
  /** The file or directory is read-only, or the database was opened read-only. */
  | "READ_ONLY"
  /** Disk I/O failure, disk full, or the file cannot be opened. */
  | "IO"
  /** A record failed validation before reaching the database (NaN price, bad id, unserializable payload). */
  | "INVALID_RECORD"
  /** A journal entry reuses a (session, seq) already recorded with a different payload. */
  | "JOURNAL_CONFLICT"
  /** The journal writer's unflushed backlog exceeded its bound (the database is not keeping up or failing). */
  | "JOURNAL_BACKLOG"
  /** The database or writer was used after `close()`. */
  | "CLOSED"
  | "UNKNOWN";

export class StorageError extends Error {
  override readonly name = "StorageError";
  readonly code: StorageErrorCode;
  /** Database file path (or ":memory:") when known. */
  readonly path: string | undefined;
  /** The SQLite result code (e.g. `SQLITE_NOTADB`) when the failure came from SQLite. */
  readonly sqliteCode: string | undefined;

  constructor(code: StorageErrorCode, message: string, options: { path?: string; sqliteCode?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.sqliteCode = options.sqliteCode;
  }
}

export const isStorageError = (e: unknown): e is StorageError => e instanceof StorageError;

function sqliteCodeOf(e: unknown): string | undefined {
  if (typeof e === "object" && e !== null && "code" in e) {
    const code = (e as { code: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
  }
  return undefined;
}

/** Maps an SQLite result code to our closed set. */
export function classifySqliteCode(code: string | undefined): StorageErrorCode {
  if (code === undefined) return "UNKNOWN";
  if (code === "SQLITE_NOTADB") return "NOT_A_DATABASE";
  if (code.startsWith("SQLITE_CORRUPT")) return "CORRUPT";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "BUSY";
  if (code.startsWith("SQLITE_READONLY")) return "READ_ONLY";
  if (code.startsWith("SQLITE_IOERR") || code === "SQLITE_FULL" || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM")
    return "IO";
  if (code.startsWith("SQLITE_CONSTRAINT")) return "INVALID_RECORD";
  return "UNKNOWN";
}

/** Wraps anything thrown by better-sqlite3 (or our own code) into a `StorageError`. */
export function toStorageError(e: unknown, context: string, path?: string): StorageError {
  if (e instanceof StorageError) return e;
  const sqliteCode = sqliteCodeOf(e);
  const code = classifySqliteCode(sqliteCode);
  const detail = e instanceof Error ? e.message : String(e);
  const where = path === undefined ? "" : ` (${path})`;
  const hint =
    code === "NOT_A_DATABASE"
      ? ": the file is not an SQLite database; refusing to touch it"
      : code === "CORRUPT"
        ? ": the database file is corrupt; restore it from a backup (nothing was modified)"
        : "";
  return new StorageError(code, `${context}${where}: ${detail}${hint}`, {
    ...(path === undefined ? {} : { path }),
    ...(sqliteCode === undefined ? {} : { sqliteCode }),
    cause: e,
  });
}
