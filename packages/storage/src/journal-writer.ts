/**
 * `JournalWriter`: the execution journal's sink. The executor calls `append(entry)` synchronously
 * on its hot path; the writer validates and serializes the entry at once (so later mutation of the
 * object cannot change what is recorded, and an unserializable entry fails loudly at its source),
 * buffers it, and commits buffered entries in ONE transaction per flush — when `maxBatch` entries
 * are waiting, every `flushIntervalMs`, or on `flush()` / `close()`.
 *
 * Durability contract: an entry is durable once a `flush()` that started after its `append` has
 * resolved (or `stats.committed` covers it). Entries appended but not yet flushed are lost if the
 * process dies — that window is at most `flushIntervalMs` or `maxBatch` entries. A failed flush
 * keeps its entries, in order, at the front of the buffer and retries with backoff; nothing is
 * dropped silently. When the backlog exceeds `maxPending`, `append` throws `JOURNAL_BACKLOG`.
 */
import { type Clock, systemClock, type TimerHandle } from "@mm/types";
import { StorageError, toStorageError } from "./errors.js";
import type { JournalEntry, JournalRow } from "./records.js";
import type { JournalRepository } from "./repositories.js";
import { invalid, toJson } from "./internal/validate.js";

/** What the executor writes its journal through (structurally @mm/executor's `JournalSink`). */
export interface JournalSink {
  append(entry: JournalEntry): void;
}

export interface JournalWriterOptions {
  readonly journal: JournalRepository;
  readonly sessionId: string;
  /** Stored with the session (config hash, version, mode…); JSON-serializable. */
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly clock?: Clock;
  /** Flush as soon as this many entries are waiting. Default 512. */
  readonly maxBatch?: number;
  /** Flush at most this long after the first unflushed append. Default 50 ms. */
  readonly flushIntervalMs?: number;
  /** Bound of the unflushed backlog; beyond it `append` throws. Default 100,000. */
  readonly maxPending?: number;
  /** Called for every failed background flush (the entries stay buffered and are retried). */
  readonly onError?: (error: StorageError) => void;
}

export interface JournalWriterStats {
  /** Entries accepted by `append`. */
  readonly accepted: number;
  /** Entries known durable. */
  readonly committed: number;
  /** Entries waiting for a flush. */
  readonly pending: number;
  /** Highest seq known durable (-1 before the first commit of this writer). */
  readonly committedSeq: number;
  readonly flushes: number;
  readonly failedFlushes: number;
  readonly lastError: StorageError | undefined;
}

const MAX_RETRY_DELAY_MS = 5_000;

export class JournalWriter implements JournalSink {
  private readonly journal: JournalRepository;
  readonly sessionId: string;
  private readonly clock: Clock;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;
  private readonly onError: ((error: StorageError) => void) | undefined;

  private buffer: JournalRow[] = [];
  private lastSeq: number;
  private timer: TimerHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private consecutiveFailures = 0;
  private accepted = 0;
  private committed = 0;
  private committedSeq = -1;
  private flushes = 0;
  private failedFlushes = 0;
  private lastError: StorageError | undefined;

  private constructor(options: JournalWriterOptions, lastSeq: number) {
    this.journal = options.journal;
    this.sessionId = options.sessionId;
    this.clock = options.clock ?? systemClock;
    this.maxBatch = options.maxBatch ?? 512;
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxPending = options.maxPending ?? 100_000;
    this.onError = options.onError;
    this.lastSeq = lastSeq;
    if (!(this.maxBatch >= 1 && this.flushIntervalMs >= 0 && this.maxPending >= this.maxBatch)) {
      throw new RangeError("JournalWriter: need maxBatch >= 1, flushIntervalMs >= 0, maxPending >= maxBatch");
    }
  }

  /**
   * Registers the session (or resumes one: appends must then continue above its last stored seq)
   * and returns a writer for it.
   */
  static async start(options: JournalWriterOptions): Promise<JournalWriter> {
    const clock = options.clock ?? systemClock;
    await options.journal.startSession({ sessionId: options.sessionId, startedAt: Math.floor(clock.now()), meta: options.meta ?? {} });
    const last = await options.journal.lastSeq(options.sessionId);
    return new JournalWriter(options, last ?? -1);
  }

  /**
   * Accepts one entry. Synchronous, never performs I/O. Throws `StorageError` (`INVALID_RECORD`
   * for a malformed or unserializable entry or a seq not above the previous one, `JOURNAL_BACKLOG`,
   * `CLOSED`) — those are caller bugs or a failing disk, and must not pass silently.
   */
  append(entry: JournalEntry): void {
    if (this.closed) throw new StorageError("CLOSED", `journal writer for session ${this.sessionId} is closed`);
    if (typeof entry !== "object" || entry === null) throw invalid("journal entry must be an object");
    const seq = entry.seq;
    const kind = typeof entry.kind === "string" ? entry.kind : entry.type;
    const ts = entry.ts ?? entry.at;
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) throw invalid("journal entry seq must be a non-negative integer");
    if (typeof kind !== "string" || kind.length === 0 || kind.length > 128) {
      throw invalid(`journal entry ${seq}: kind (or type) must be a non-empty string`);
    }
    if (typeof ts !== "number" || !Number.isFinite(ts)) throw invalid(`journal entry ${seq}: ts (or at) must be a finite number`);
    if (seq <= this.lastSeq) throw invalid(`journal entry seq ${seq} is not above the previous seq ${this.lastSeq}`);
    if (this.buffer.length >= this.maxPending) {
      throw new StorageError(
        "JOURNAL_BACKLOG",
        `journal backlog of ${this.buffer.length} entries exceeds its bound; last error: ${this.lastError?.message ?? "none"}`,
      );
    }
    const payload = toJson(entry, `journal entry ${seq}`);
    this.lastSeq = seq;
    this.buffer.push({ seq, kind, ts, payload });
    this.accepted++;
    if (this.buffer.length >= this.maxBatch && this.consecutiveFailures === 0) this.flushSoon(0);
    else this.flushSoon(this.flushIntervalMs);
  }

  /** Commits everything appended so far. Rejects with the `StorageError` if the write fails (entries stay buffered). */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Flushes and stops; later appends throw `CLOSED`. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    await this.flush();
  }

  get stats(): JournalWriterStats {
    return {
      accepted: this.accepted,
      committed: this.committed,
      pending: this.buffer.length,
      committedSeq: this.committedSeq,
      flushes: this.flushes,
      failedFlushes: this.failedFlushes,
      lastError: this.lastError,
    };
  }

  private flushSoon(delayMs: number): void {
    if (this.timer !== undefined) {
      if (delayMs > 0) return;
      this.cancelTimer();
    }
    this.timer = this.clock.setTimer(delayMs, () => {
      this.timer = undefined;
      this.flush().catch(() => {
        // Reported through onError/stats in flushNow; the entries stay buffered.
      });
    });
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
  }

  private async flushNow(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.maxBatch);
      try {
        await this.journal.append(this.sessionId, batch);
      } catch (e) {
        this.buffer = batch.concat(this.buffer);
        const error = toStorageError(e, `journal flush of ${batch.length} entries failed`);
        this.lastError = error;
        this.failedFlushes++;
        this.consecutiveFailures++;
        this.onError?.(error);
        if (!this.closed) {
          this.cancelTimer();
          this.flushSoon(Math.min(MAX_RETRY_DELAY_MS, Math.max(1, this.flushIntervalMs) * 2 ** this.consecutiveFailures));
        }
        throw error;
      }
      this.consecutiveFailures = 0;
      this.flushes++;
      this.committed += batch.length;
      this.committedSeq = batch[batch.length - 1]!.seq;
    }
  }
}
