/**
 * Typed rows of every repository. Prices, sizes and ids use the @mm/types vocabulary, so a row read
 * back is exactly what was written (integer price units and micro-shares, branded ids).
 */
import type { ConditionId, MarketInfo, Price, Side, Size, TokenId } from "@mm/types";

/** Market and token metadata as last synced (`MarketInfo` plus resolution and bookkeeping). */
export interface MarketRecord extends MarketInfo {
  /** The winning token once the market resolved; undefined while unresolved. */
  readonly winnerTokenId?: TokenId;
  /** Epoch ms of the sync that last wrote this record. */
  readonly updatedAt: number;
}

/** Fields compared when deciding whether a market changed (bookkeeping `updatedAt` excluded). */
export type MarketField = Exclude<keyof MarketRecord, "updatedAt">;

export interface MarketUpsertResult {
  readonly conditionId: ConditionId;
  readonly change: "inserted" | "updated" | "unchanged";
  /** Fields that differ from the stored record (empty unless `updated`). */
  readonly changedFields: readonly MarketField[];
  /** The stored record before this upsert (undefined when inserted). */
  readonly previous?: MarketRecord;
}

/** One public trade print (Data-API, REST or market channel), stored idempotently by `key`. */
export interface TradeRecord {
  /** Idempotency key chosen by the producer (stable across re-fetches of the same print). */
  readonly key: string;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: Price;
  readonly size: Size;
  /** Epoch ms of the trade. */
  readonly timestamp: number;
  /** Where it came from, e.g. "data-api". */
  readonly source: string;
  readonly txHash?: string;
}

export interface TradeUpsertSummary {
  readonly inserted: number;
  /** Same key already stored with different content: overwritten with the newer values. */
  readonly updated: number;
  readonly unchanged: number;
}

/** How far trades of one market have been ingested. Only ever moves forward. */
export interface TradeWatermark {
  readonly conditionId: ConditionId;
  /** Epoch ms of the newest ingested trade. */
  readonly timestamp: number;
  /** Key of that trade, when known (ties at the same timestamp). */
  readonly tradeKey?: string;
  readonly updatedAt: number;
}

/**
 * One execution-journal entry as the executor emits it: a plain JSON-serializable object with a
 * `seq` (the emitter's sequence number, unique and increasing within a session), a kind — `kind`
 * or, as @mm/executor names it, `type` ("intent", "action", "gateway", "user", "plan", …) — and a
 * time in epoch ms — `ts` or, as @mm/executor names it, `at`. Everything else is stored verbatim.
 */
export interface JournalEntry {
  readonly seq: number;
  readonly kind?: string;
  readonly type?: string;
  readonly ts?: number;
  readonly at?: number;
  readonly [field: string]: unknown;
}

/** An entry already validated and serialized by the writer (what repositories store). */
export interface JournalRow {
  readonly seq: number;
  readonly kind: string;
  readonly ts: number;
  /** The whole entry as JSON text. */
  readonly payload: string;
}

export interface StoredJournalEntry {
  /** Global append order across sessions. */
  readonly id: number;
  readonly sessionId: string;
  readonly seq: number;
  readonly kind: string;
  readonly ts: number;
  /** The entry exactly as appended (parsed back from JSON). */
  readonly entry: JournalEntry;
}

export interface JournalSession {
  readonly sessionId: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly meta: Readonly<Record<string, unknown>>;
}

export interface JournalSessionSummary extends JournalSession {
  readonly entries: number;
  readonly firstSeq: number | undefined;
  readonly lastSeq: number | undefined;
  readonly lastTs: number | undefined;
}

export interface JournalQuery {
  readonly sessionId: string;
  /** Only these kinds. */
  readonly kinds?: readonly string[];
  /** seq strictly greater than this. */
  readonly afterSeq?: number;
  /** seq at most this. */
  readonly toSeq?: number;
  /** Default 10,000; at most 100,000 per call (page with `afterSeq`). */
  readonly limit?: number;
}

export interface JournalAppendSummary {
  readonly appended: number;
  /** Entries already stored with an identical payload (a retried flush): skipped. */
  readonly duplicates: number;
}

/** A resumable position in a market-data stream (recorder segment + offset, last book hash, …). */
export interface Checkpoint {
  /** Unique name, e.g. "recorder/shard-0" or "book/<tokenId>". */
  readonly name: string;
  /** Opaque position (segment file and byte offset, a cursor, a hash). */
  readonly position: string;
  /** Epoch ms of the data the position refers to. */
  readonly timestamp: number;
  /** Extra JSON-serializable state. */
  readonly data?: unknown;
  readonly updatedAt: number;
}
