import { closeSync, existsSync, openSync, writeFileSync, writeSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APPLICATION_ID, Database, LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration, SqliteStorage, StorageError } from "../src/index.js";
import { cid, market, sha256File, type TempDir, tempDir, trade } from "./helpers.js";

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

function expectStorageError(fn: () => unknown, code: StorageError["code"]): StorageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).code).toBe(code);
    return e as StorageError;
  }
  throw new Error(`expected StorageError ${code}, nothing was thrown`);
}

const tableNames = (db: Database): string[] =>
  (db.connection.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter(
    (n) => !n.startsWith("sqlite_"),
  );

describe("Database.open on a fresh file", () => {
  it("creates the latest schema with WAL, foreign keys, busy timeout and our application id", () => {
    const path = tmp.file("fresh.db");
    const db = Database.open({ path, busyTimeoutMs: 1234 });
    expect(db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(db.connection.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.connection.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.connection.pragma("busy_timeout", { simple: true })).toBe(1234);
    expect(db.connection.pragma("synchronous", { simple: true })).toBe(2); // FULL
    expect(db.connection.pragma("application_id", { simple: true })).toBe(APPLICATION_ID);
    expect(db.connection.pragma("user_version", { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.appliedMigrations().map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(tableNames(db)).toEqual([
      "journal",
      "journal_sessions",
      "market_data_checkpoints",
      "markets",
      "schema_migrations",
      "tokens",
      "trade_watermarks",
      "trades",
    ]);
    const applied = db.appliedMigrations();
    db.close();
    // Reopening applies nothing.
    const again = Database.open({ path });
    expect(again.appliedMigrations()).toEqual(applied);
    again.close();
  });

  it("treats a zero-byte file as empty and migrates it", () => {
    const path = tmp.file("empty.db");
    writeFileSync(path, "");
    const db = Database.open({ path });
    expect(db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it("supports :memory: for tests", async () => {
    const storage = SqliteStorage.open({ path: ":memory:" });
    await storage.markets.upsert([market(1)]);
    expect((await storage.markets.get(cid(1)))?.slug).toBe("thing-1");
    await storage.close();
  });

  it("honours synchronous NORMAL when asked", () => {
    const db = Database.open({ path: tmp.file("n.db"), synchronous: "NORMAL" });
    expect(db.connection.pragma("synchronous", { simple: true })).toBe(1);
    db.close();
  });

  it("refuses to create a file when fileMustExist is set", () => {
    const path = tmp.file("missing.db");
    expectStorageError(() => Database.open({ path, fileMustExist: true }), "IO");
    expect(existsSync(path)).toBe(false);
  });

  it("reports a missing directory as IO", () => {
    const e = expectStorageError(() => Database.open({ path: tmp.file("no/such/dir/x.db") }), "IO");
    expect(e.message).toContain("directory does not exist");
  });

  it("throws CLOSED after close", () => {
    const db = Database.open({ path: tmp.file("c.db") });
    db.close();
    db.close(); // idempotent
    expectStorageError(() => db.appliedMigrations(), "CLOSED");
  });
});

describe("migrations from previous versions", () => {
  for (let from = 1; from < LATEST_SCHEMA_VERSION; from++) {
    it(`migrates a version-${from} database with data to version ${LATEST_SCHEMA_VERSION} without losing rows`, async () => {
      const path = tmp.file(`v${from}.db`);
      const old = Database.open({ path, targetVersion: from });
      expect(old.schemaVersion).toBe(from);
      // Data written by the old version (v1 tables exist in every version).
      old.connection
        .prepare(
          "INSERT INTO trades (trade_key, condition_id, token_id, side, price, size, ts, source, tx_hash) VALUES (?, ?, ?, 'BUY', 5500, 10500000, ?, 'data-api', NULL)",
        )
        .run("k1", cid(1), "1000002", 1_700_000_000_000);
      old.connection
        .prepare("INSERT INTO trade_watermarks (condition_id, ts, trade_key, updated_at) VALUES (?, ?, ?, ?)")
        .run(cid(1), 1, "k1", 2);
      if (from >= 2) {
        old.connection.prepare("INSERT INTO journal_sessions (session_id, started_at, meta) VALUES ('s', 1, '{}')").run();
        old.connection
          .prepare(
            `INSERT INTO journal (session_id, seq, kind, ts, payload) VALUES ('s', 0, 'intent', 1, '{"kind":"intent","ts":1,"seq":0}')`,
          )
          .run();
      }
      expect(tableNames(old)).not.toContain("market_data_checkpoints");
      old.close();

      const storage = SqliteStorage.open({ path });
      expect(storage.db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(storage.db.appliedMigrations().map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const t = await storage.trades.get("k1");
      expect(t).toMatchObject({ key: "k1", price: 5500, size: 10_500_000, timestamp: 1_700_000_000_000 });
      expect((await storage.watermarks.get(cid(1)))?.tradeKey).toBe("k1");
      if (from >= 2)
        expect((await storage.journal.read({ sessionId: "s" })).map((e) => e.entry)).toEqual([{ kind: "intent", ts: 1, seq: 0 }]);
      // The new version's tables work.
      await storage.checkpoints.put({ name: "rec/0", position: "seg-1:0", timestamp: 5 });
      expect((await storage.checkpoints.get("rec/0"))?.position).toBe("seg-1:0");
      await storage.close();
    });
  }

  it("writes a consistent backup of the old version before migrating when asked", async () => {
    const path = tmp.file("bak.db");
    const old = Database.open({ path, targetVersion: 1 });
    old.connection.prepare("INSERT INTO trade_watermarks (condition_id, ts, trade_key, updated_at) VALUES (?, 1, 'k', 2)").run(cid(3));
    old.close();
    const db = Database.open({ path, backupBeforeMigrate: true });
    expect(db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    db.close();
    const backup = Database.open({ path: `${path}.v1.bak`, readonly: true, targetVersion: 1 });
    expect(backup.schemaVersion).toBe(1);
    expect(backup.connection.prepare("SELECT trade_key FROM trade_watermarks").pluck().get()).toBe("k");
    backup.close();
    // Nothing to migrate: no new backup; an existing backup is never overwritten.
    Database.open({ path, backupBeforeMigrate: true }).close();
    Database.open({ path: tmp.file("bak2.db"), targetVersion: 1 }).close();
    writeFileSync(tmp.file("bak2.db.v1.bak"), "keep me");
    expectStorageError(() => Database.open({ path: tmp.file("bak2.db"), backupBeforeMigrate: true }), "IO");
    const untouched = Database.open({ path: tmp.file("bak2.db"), readonly: true, targetVersion: 1 });
    expect(untouched.schemaVersion).toBe(1);
    untouched.close();
  });

  it("rolls a failing migration back completely and reports MIGRATION_FAILED", () => {
    const path = tmp.file("fail.db");
    Database.open({ path }).close();
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        name: "broken",
        sql: "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);",
      },
    ];
    const e = expectStorageError(() => Database.open({ path, migrations: broken }), "MIGRATION_FAILED");
    expect(e.message).toContain(`still at version ${LATEST_SCHEMA_VERSION}`);
    const db = Database.open({ path });
    expect(db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(tableNames(db)).not.toContain("half_done");
    db.close();
  });

  it("refuses a database from a newer version and leaves the file untouched", () => {
    const path = tmp.file("newer.db");
    const newer: Migration[] = [
      ...MIGRATIONS,
      { version: LATEST_SCHEMA_VERSION + 1, name: "future", sql: "CREATE TABLE future (x INTEGER) STRICT;" },
    ];
    Database.open({ path, migrations: newer }).close();
    const before = sha256File(path);
    const e = expectStorageError(() => Database.open({ path }), "NEWER_SCHEMA");
    expect(e.message).toContain(`version ${LATEST_SCHEMA_VERSION + 1} is newer`);
    expect(sha256File(path)).toBe(before);
  });

  it("refuses a database whose recorded migration differs from this build's", () => {
    const path = tmp.file("mismatch.db");
    const altered = MIGRATIONS.map((m) => (m.version === 3 ? { ...m, sql: `${m.sql}\nCREATE TABLE extra (x INTEGER);` } : m));
    Database.open({ path, migrations: altered }).close();
    const before = sha256File(path);
    expectStorageError(() => Database.open({ path }), "MIGRATION_MISMATCH");
    expect(sha256File(path)).toBe(before);
  });

  it("refuses an out-of-date schema when opened read-only", () => {
    const path = tmp.file("ro.db");
    Database.open({ path, targetVersion: 1 }).close();
    expectStorageError(() => Database.open({ path, readonly: true }), "READ_ONLY");
    const db = Database.open({ path, readonly: true, targetVersion: 1 });
    expect(db.schemaVersion).toBe(1);
    db.close();
  });
});

describe("foreign and corrupt files", () => {
  it("refuses a file that is not a database (NOT_A_DATABASE) and does not modify it", () => {
    const path = tmp.file("notes.db");
    writeFileSync(path, JSON.stringify({ hello: "world", padding: "x".repeat(5000) }));
    const before = sha256File(path);
    const e = expectStorageError(() => Database.open({ path }), "NOT_A_DATABASE");
    expect(e.sqliteCode).toBe("SQLITE_NOTADB");
    expect(e.path).toBe(path);
    expect(sha256File(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it("refuses another application's SQLite database (FOREIGN_DATABASE) without touching it", () => {
    const path = tmp.file("other.db");
    const other = new BetterSqlite3(path);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('a'), ('b');");
    other.close();
    const before = sha256File(path);
    const e = expectStorageError(() => Database.open({ path }), "FOREIGN_DATABASE");
    expect(e.message).toContain("another application");
    expect(sha256File(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new BetterSqlite3(path, { readonly: true });
    expect(check.pragma("journal_mode", { simple: true })).toBe("delete");
    expect(check.prepare("SELECT count(*) FROM customers").pluck().get()).toBe(2);
    check.close();
  });

  it("refuses an SQLite file with a foreign application id even when it has no tables", () => {
    const path = tmp.file("app.db");
    const other = new BetterSqlite3(path);
    other.pragma("application_id = 1234");
    other.close();
    expectStorageError(() => Database.open({ path }), "FOREIGN_DATABASE");
  });

  it("detects page corruption (CORRUPT) before writing anything", async () => {
    const path = tmp.file("corrupt.db");
    const storage = SqliteStorage.open({ path });
    const trades = Array.from({ length: 3000 }, (_, i) => trade(i));
    await storage.trades.upsert(trades);
    await storage.close();
    const conn = new BetterSqlite3(path);
    const pageSize = Number(conn.pragma("page_size", { simple: true }));
    const pages = Number(conn.pragma("page_count", { simple: true }));
    conn.close();
    expect(pages).toBeGreaterThan(20);
    // Overwrite the middle pages (not the header) with garbage.
    const fd = openSync(path, "r+");
    const garbage = Buffer.alloc(pageSize * 4, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, pageSize * Math.floor(pages / 2));
    closeSync(fd);
    const before = sha256File(path);
    const e = expectStorageError(() => Database.open({ path }), "CORRUPT");
    expect(e.message).toMatch(/corrupt|integrity|malformed/i);
    expect(sha256File(path)).toBe(before);
  });

  it("refuses a file with a destroyed header", () => {
    const path = tmp.file("header.db");
    Database.open({ path }).close();
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.from("NOT SQLITE AT ALL"), 0, 16, 0);
    closeSync(fd);
    expectStorageError(() => Database.open({ path }), "NOT_A_DATABASE");
  });
});

describe("locking", () => {
  it("reports BUSY when another connection holds the write lock past the busy timeout", async () => {
    const path = tmp.file("busy.db");
    const storage = SqliteStorage.open({ path, busyTimeoutMs: 50 });
    const other = new BetterSqlite3(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      await expect(storage.trades.upsert([trade(1)])).rejects.toMatchObject({ name: "StorageError", code: "BUSY" });
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    await storage.trades.upsert([trade(1)]);
    expect(await storage.trades.count()).toBe(1);
    await storage.close();
  });
});
