/**
 * Repository ports. Callers depend on these interfaces only; the SQLite implementation lives in
 * `sqlite-*.ts`. Every method returns a Promise so that a server database (Postgres, …) can be added
 * later without touching callers; the embedded implementation settles immediately.
 * All methods reject with `StorageError`.
 */
import type { ConditionId, TokenId } from "@mm/types";
import type {
  Checkpoint,
  JournalAppendSummary,
  JournalQuery,
  JournalRow,
  JournalSession,
  JournalSessionSummary,
  MarketRecord,
  MarketUpsertResult,
  StoredJournalEntry,
  TradeRecord,
  TradeUpsertSummary,
  TradeWatermark,
} from "./records.js";

export interface MarketRepository {
  /** Inserts or updates markets and their two tokens in one transaction; reports what changed. */
  upsert(markets: readonly MarketRecord[]): Promise<MarketUpsertResult[]>;
  get(conditionId: ConditionId): Promise<MarketRecord | undefined>;
  /** The market a token belongs to. */
  getByToken(tokenId: TokenId): Promise<MarketRecord | undefined>;
  /** All markets, optionally only those not closed; ordered by condition id. */
  list(filter?: { readonly openOnly?: boolean }): Promise<MarketRecord[]>;
}

export interface TradeRepository {
  /** Idempotent: a key already stored with the same content is skipped; one transaction. */
  upsert(trades: readonly TradeRecord[]): Promise<TradeUpsertSummary>;
  /**
   * Upserts trades of one market and advances that market's watermark to the newest of them, in one
   * transaction (so a crash can never leave the watermark ahead of the stored trades).
   */
  record(conditionId: ConditionId, trades: readonly TradeRecord[]): Promise<{ summary: TradeUpsertSummary; watermark?: TradeWatermark }>;
  /** Trades of a market at or after `sinceMs`, newest first. */
  recent(conditionId: ConditionId, sinceMs: number, limit?: number): Promise<TradeRecord[]>;
  get(key: string): Promise<TradeRecord | undefined>;
  count(conditionId?: ConditionId): Promise<number>;
}

export interface TradeWatermarkRepository {
  get(conditionId: ConditionId): Promise<TradeWatermark | undefined>;
  /** Moves the watermark forward; a timestamp older than the stored one leaves it unchanged. Returns the stored watermark. */
  advance(conditionId: ConditionId, timestamp: number, tradeKey?: string): Promise<TradeWatermark>;
  list(): Promise<TradeWatermark[]>;
}

export interface JournalRepository {
  /**
   * Registers a session. Resuming an existing session is allowed when `meta` is identical (the
   * original `startedAt` is kept); different meta fails with JOURNAL_CONFLICT.
   */
  startSession(session: JournalSession): Promise<void>;
  /**
   * Appends rows to a session in ONE transaction: after it resolves every row is durable, and a
   * crash before that leaves none of them. A (session, seq) already stored with an identical payload
   * is skipped (retries are safe); with a different payload the whole batch fails with JOURNAL_CONFLICT.
   */
  append(sessionId: string, rows: readonly JournalRow[]): Promise<JournalAppendSummary>;
  /** Entries of a session in seq order. */
  read(query: JournalQuery): Promise<StoredJournalEntry[]>;
  sessions(): Promise<JournalSessionSummary[]>;
  lastSeq(sessionId: string): Promise<number | undefined>;
}

export interface CheckpointRepository {
  get(name: string): Promise<Checkpoint | undefined>;
  /** Inserts or replaces. */
  put(checkpoint: Omit<Checkpoint, "updatedAt">): Promise<Checkpoint>;
  /** Checkpoints whose name starts with `prefix` (all when omitted), by name. */
  list(prefix?: string): Promise<Checkpoint[]>;
}

/** Everything a component may need; an implementation owns one database. */
export interface Storage {
  readonly markets: MarketRepository;
  readonly trades: TradeRepository;
  readonly watermarks: TradeWatermarkRepository;
  readonly journal: JournalRepository;
  readonly checkpoints: CheckpointRepository;
  close(): Promise<void>;
}
