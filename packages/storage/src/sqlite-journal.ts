import type { Database } from "./database.js";
import { StorageError } from "./errors.js";
import type {
  JournalAppendSummary,
  JournalEntry,
  JournalQuery,
  JournalRow,
  JournalSession,
  JournalSessionSummary,
  StoredJournalEntry,
} from "./records.js";
import type { JournalRepository } from "./repositories.js";
import { checkSafeInt, checkString, invalid, toJson } from "./internal/validate.js";

interface EntryRow {
  id: number;
  session_id: string;
  seq: number;
  kind: string;
  ts: number;
  payload: string;
}

interface SessionRow {
  session_id: string;
  started_at: number;
  meta: string;
  entries: number;
  first_seq: number | null;
  last_seq: number | null;
  last_ts: number | null;
}

const MAX_READ = 100_000;

export function validateJournalRow(r: JournalRow): void {
  checkSafeInt(r.seq, "journal seq");
  checkString(r.kind, `journal entry ${r.seq} kind`, 128);
  if (typeof r.ts !== "number" || !Number.isFinite(r.ts)) throw invalid(`journal entry ${r.seq}: ts must be a finite number`);
  if (typeof r.payload !== "string") throw invalid(`journal entry ${r.seq}: payload must be JSON text`);
}

export class SqliteJournalRepository implements JournalRepository {
  private readonly insertSession;
  private readonly sessionById;
  private readonly insertEntry;
  private readonly payloadOf;
  private readonly lastSeqStmt;
  private readonly sessionsStmt;

  constructor(private readonly db: Database) {
    const c = db.connection;
    this.insertSession = c.prepare(
      "INSERT INTO journal_sessions (session_id, started_at, meta) VALUES (?, ?, ?) ON CONFLICT (session_id) DO NOTHING",
    );
    this.sessionById = c.prepare("SELECT session_id, started_at, meta FROM journal_sessions WHERE session_id = ?");
    this.insertEntry = c.prepare(
      "INSERT INTO journal (session_id, seq, kind, ts, payload) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, seq) DO NOTHING",
    );
    this.payloadOf = c.prepare("SELECT payload FROM journal WHERE session_id = ? AND seq = ?").pluck();
    this.lastSeqStmt = c.prepare("SELECT max(seq) FROM journal WHERE session_id = ?").pluck();
    this.sessionsStmt = c.prepare(`
SELECT s.session_id, s.started_at, s.meta, count(j.id) AS entries, min(j.seq) AS first_seq, max(j.seq) AS last_seq, max(j.ts) AS last_ts
FROM journal_sessions s LEFT JOIN journal j ON j.session_id = s.session_id
GROUP BY s.session_id ORDER BY s.started_at, s.session_id`);
  }

  async startSession(session: JournalSession): Promise<void> {
    checkString(session.sessionId, "journal session id", 256);
    checkSafeInt(session.startedAt, "journal session startedAt");
    const meta = toJson(session.meta ?? {}, "journal session meta");
    this.db.transaction(() => {
      const result = this.insertSession.run(session.sessionId, session.startedAt, meta);
      if (result.changes === 0) {
        const existing = this.sessionById.get(session.sessionId) as { started_at: number; meta: string };
        if (existing.meta !== meta) {
          throw new StorageError("JOURNAL_CONFLICT", `journal session ${session.sessionId} already exists with different meta`, {
            path: this.db.path,
          });
        }
      }
    }, "journal session start failed");
  }

  async append(sessionId: string, rows: readonly JournalRow[]): Promise<JournalAppendSummary> {
    for (const r of rows) validateJournalRow(r);
    if (rows.length === 0) return { appended: 0, duplicates: 0 };
    return this.db.transaction(() => {
      if (this.sessionById.get(sessionId) === undefined) {
        throw new StorageError("INVALID_RECORD", `journal session ${sessionId} was never started`, { path: this.db.path });
      }
      let appended = 0;
      let duplicates = 0;
      for (const r of rows) {
        if (this.insertEntry.run(sessionId, r.seq, r.kind, r.ts, r.payload).changes === 1) {
          appended++;
          continue;
        }
        const stored = this.payloadOf.get(sessionId, r.seq) as string;
        if (stored !== r.payload) {
          throw new StorageError(
            "JOURNAL_CONFLICT",
            `journal session ${sessionId} already has seq ${r.seq} with a different payload; batch rolled back`,
            { path: this.db.path },
          );
        }
        duplicates++;
      }
      return { appended, duplicates };
    }, "journal append failed");
  }

  async read(query: JournalQuery): Promise<StoredJournalEntry[]> {
    const limit = query.limit ?? 10_000;
    checkSafeInt(limit, "journal read limit", 1, MAX_READ);
    const where = ["session_id = ?"];
    const params: (string | number)[] = [query.sessionId];
    if (query.afterSeq !== undefined) {
      where.push("seq > ?");
      params.push(query.afterSeq);
    }
    if (query.toSeq !== undefined) {
      where.push("seq <= ?");
      params.push(query.toSeq);
    }
    if (query.kinds !== undefined) {
      if (query.kinds.length === 0) return [];
      where.push(`kind IN (${query.kinds.map(() => "?").join(", ")})`);
      params.push(...query.kinds);
    }
    params.push(limit);
    const sql = `SELECT id, session_id, seq, kind, ts, payload FROM journal WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`;
    const rows = this.db.run(() => this.db.connection.prepare(sql).all(...params) as EntryRow[], "journal read failed");
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      seq: r.seq,
      kind: r.kind,
      ts: r.ts,
      entry: JSON.parse(r.payload) as JournalEntry,
    }));
  }

  async sessions(): Promise<JournalSessionSummary[]> {
    const rows = this.db.run(() => this.sessionsStmt.all() as SessionRow[], "journal sessions read failed");
    return rows.map((r) => ({
      sessionId: r.session_id,
      startedAt: r.started_at,
      meta: JSON.parse(r.meta) as Record<string, unknown>,
      entries: r.entries,
      firstSeq: r.first_seq ?? undefined,
      lastSeq: r.last_seq ?? undefined,
      lastTs: r.last_ts ?? undefined,
    }));
  }

  async lastSeq(sessionId: string): Promise<number | undefined> {
    const v = this.db.run(() => this.lastSeqStmt.get(sessionId) as number | null, "journal read failed");
    return v ?? undefined;
  }
}
