/**
 * `MetadataSync` — keeps market and token metadata in storage current: outcome labels and token
 * pairing, tick size, min order size, neg-risk, end date, active/closed and the resolved winner. The
 * CLOB's `/markets` objects are the source (their `tokens[]` pair token ids with labels reliably;
 * GOTCHAS 17). Each run reports what changed as events (`added`, `updated` with the changed fields
 * and the previous record), e.g. a tick-size change or a market that closed.
 *
 * Runs periodically on the injected Clock (`start`/`stop`); a run never overlaps the next one, and
 * `stop()` aborts an in-flight run and waits for it.
 */
import type { WireClobMarket } from "@mm/protocol";
import type { MarketField, MarketRecord, MarketRepository } from "@mm/storage";
import { type Clock, type ConditionId, systemClock, type TimerHandle } from "@mm/types";
import type { CallOptions, ClobMarketsPage, PageWalkOptions } from "./client.js";
import { isPolymarketApiError } from "./errors.js";
import type { RejectedItem } from "./model.js";
import { normalizeClobMarket } from "./normalize.js";

/** The part of `PolymarketClient` the sync needs. */
export interface MarketMetadataSource {
  getClobMarket(conditionId: ConditionId, o?: CallOptions): Promise<WireClobMarket>;
  clobMarketPages(o?: PageWalkOptions): AsyncGenerator<ClobMarketsPage>;
}

export type MetadataChange =
  | { readonly type: "added"; readonly market: MarketRecord }
  | { readonly type: "updated"; readonly market: MarketRecord; readonly previous: MarketRecord; readonly fields: readonly MarketField[] };

export interface SyncReport {
  readonly startedAt: number;
  readonly finishedAt: number;
  /** Market objects received. */
  readonly fetched: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Markets refused (malformed, not binary, unsupported tick) with the reason. */
  readonly rejected: readonly RejectedItem[];
  /** Requested condition ids the CLOB does not know (yet: new markets reach Gamma first). */
  readonly notFound: readonly ConditionId[];
  readonly changes: readonly MetadataChange[];
}

export interface MetadataSyncOptions {
  readonly source: MarketMetadataSource;
  readonly markets: MarketRepository;
  readonly clock?: Clock;
  /** Pause between the end of one run and the start of the next. Default 60 s. */
  readonly intervalMs?: number;
  /**
   * Which markets: a list of condition ids (fetched one by one with `GET /markets/{id}`), a function
   * returning the current list, or undefined to walk every `GET /markets` page.
   */
  readonly conditionIds?: readonly ConditionId[] | (() => readonly ConditionId[]);
  /** Parallel `GET /markets/{id}` requests. Default 8. */
  readonly concurrency?: number;
  readonly onChange?: (change: MetadataChange) => void;
  /** A failed periodic run (the next one is still scheduled). */
  readonly onError?: (error: unknown) => void;
}

export interface MetadataSyncStats {
  readonly runs: number;
  readonly failedRuns: number;
  readonly lastReport: SyncReport | undefined;
  readonly lastError: unknown;
}

export class MetadataSync {
  private readonly source: MarketMetadataSource;
  private readonly markets: MarketRepository;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly concurrency: number;
  private readonly listeners = new Set<(change: MetadataChange) => void>();
  private readonly onError: ((error: unknown) => void) | undefined;
  private readonly ids: (() => readonly ConditionId[]) | undefined;
  private timer: TimerHandle | undefined;
  private running: Promise<unknown> | undefined;
  private controller: AbortController | undefined;
  private started = false;
  private runs = 0;
  private failedRuns = 0;
  private lastReport: SyncReport | undefined;
  private lastError: unknown;

  constructor(options: MetadataSyncOptions) {
    this.source = options.source;
    this.markets = options.markets;
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.concurrency = options.concurrency ?? 8;
    this.onError = options.onError;
    const ids = options.conditionIds;
    this.ids = ids === undefined ? undefined : typeof ids === "function" ? ids : () => ids;
    if (options.onChange !== undefined) this.listeners.add(options.onChange);
    if (!(this.intervalMs > 0) || !(Number.isInteger(this.concurrency) && this.concurrency >= 1)) {
      throw new RangeError("MetadataSync: intervalMs must be > 0 and concurrency a positive integer");
    }
  }

  /** Adds a change listener; returns its removal. */
  subscribe(listener: (change: MetadataChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get stats(): MetadataSyncStats {
    return { runs: this.runs, failedRuns: this.failedRuns, lastReport: this.lastReport, lastError: this.lastError };
  }

  /** One full sync. Rejects on transport failure (nothing partial is written) or with the signal's reason. */
  async syncOnce(o: CallOptions = {}): Promise<SyncReport> {
    const startedAt = this.clock.now();
    const wire: WireClobMarket[] = [];
    const rejected: RejectedItem[] = [];
    const notFound: ConditionId[] = [];
    if (this.ids === undefined) {
      for await (const page of this.source.clobMarketPages(o)) {
        wire.push(...page.items);
        rejected.push(...page.rejected);
      }
    } else {
      await this.fetchEach(this.ids(), o, wire, rejected, notFound);
    }
    o.signal?.throwIfAborted();

    const records: MarketRecord[] = [];
    wire.forEach((w, index) => {
      const r = normalizeClobMarket(w, this.clock.now());
      if (r.ok) records.push(r.value);
      else rejected.push({ index, id: w.condition_id, reason: r.error });
    });
    // Two objects for one market in a walk (pages shifting underneath): keep the last.
    const byId = new Map(records.map((r) => [r.conditionId, r]));
    const results = await this.markets.upsert([...byId.values()]);

    const changes: MetadataChange[] = [];
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (const r of results) {
      const market = byId.get(r.conditionId)!;
      if (r.change === "inserted") {
        added++;
        changes.push({ type: "added", market });
      } else if (r.change === "updated" && r.previous !== undefined) {
        updated++;
        changes.push({ type: "updated", market, previous: r.previous, fields: r.changedFields });
      } else {
        unchanged++;
      }
    }
    const report: SyncReport = {
      startedAt,
      finishedAt: this.clock.now(),
      fetched: wire.length,
      added,
      updated,
      unchanged,
      rejected,
      notFound,
      changes,
    };
    this.runs++;
    this.lastReport = report;
    for (const c of changes) {
      for (const l of this.listeners) {
        try {
          l(c);
        } catch (e) {
          // A listener's bug must not turn a completed (already stored) sync into a failure.
          this.onError?.(e);
        }
      }
    }
    return report;
  }

  private async fetchEach(
    ids: readonly ConditionId[],
    o: CallOptions,
    out: WireClobMarket[],
    rejected: RejectedItem[],
    notFound: ConditionId[],
  ): Promise<void> {
    const results: (WireClobMarket | undefined)[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= ids.length) return;
        const id = ids[i]!;
        try {
          results[i] = await this.source.getClobMarket(id, o);
        } catch (e) {
          if (o.signal?.aborted) throw o.signal.reason;
          if (isPolymarketApiError(e) && e.status === 404) notFound.push(id);
          else if (isPolymarketApiError(e) && e.reason === "invalid_response") rejected.push({ index: i, id, reason: e.message });
          else throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, ids.length) }, worker));
    for (const r of results) if (r !== undefined) out.push(r);
  }

  /** Runs a sync now and then every `intervalMs` after each run ends. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.runScheduled();
  }

  /** Stops the schedule, aborts an in-flight run and waits for it to settle. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) {
      this.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
    this.controller?.abort(new Error("MetadataSync stopped"));
    await this.running?.catch(() => undefined);
  }

  private runScheduled(): void {
    this.timer = undefined;
    if (!this.started) return;
    const controller = new AbortController();
    this.controller = controller;
    const run = this.syncOnce({ signal: controller.signal }).then(
      () => undefined,
      (e: unknown) => {
        if (controller.signal.aborted) return;
        this.failedRuns++;
        this.lastError = e;
        this.onError?.(e);
      },
    );
    this.running = run.finally(() => {
      if (this.started) this.timer = this.clock.setTimer(this.intervalMs, () => this.runScheduled());
    });
  }
}
