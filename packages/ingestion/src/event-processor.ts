/**
 * `EventProcessor` — turns size-less price updates (market channel `last_trade_price` without a
 * size, RTDS prints) into processed events, backfilling the size over REST (G3) when configured.
 *
 * Concurrency: shared state (counters, the recent-events ring) is touched only in short synchronous
 * sections before and after the backfill; nothing is held across the `await`. N concurrent updates
 * therefore overlap their REST calls and take about one backfill's time, not N (tested).
 */
import { type Clock, type ConditionId, type Price, type Side, type Size, systemClock, type TokenId } from "@mm/types";
import type { CallOptions } from "./client.js";
import type { TradeFetcher } from "./trade-fetcher.js";

/** A price update as the feeds deliver it; `size` is absent on size-less updates. */
export interface PriceUpdate {
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly price: Price;
  readonly size?: Size;
  readonly side?: Side;
  /** Venue time, epoch ms. */
  readonly timestamp: number;
}

export type SizeSource =
  /** The update carried its size. */
  | "update"
  /** Found over REST. */
  | "backfill"
  /** Backfill ran but found no matching print, or failed (see `backfillError`). */
  | "unavailable"
  /** No size and backfill is not configured. */
  | "none";

export interface ProcessedEvent {
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly price: Price;
  readonly side: Side | undefined;
  readonly timestamp: number;
  /** undefined = unknown; a size filter must decide explicitly what unknown means. */
  readonly size: Size | undefined;
  readonly sizeSource: SizeSource;
  readonly backfillError?: string;
  /** Clock time when processing finished (epoch ms). */
  readonly processedAt: number;
}

/** Where sizes come from when an update has none. */
export interface SizeBackfill {
  sizeFor(update: PriceUpdate, o: CallOptions): Promise<Size | undefined>;
}

/** A `TradeFetcher` as the backfill: the newest fresh print of the token within `tolerance` price units. */
export function tradeFetcherBackfill(fetcher: TradeFetcher, tolerance = 0): SizeBackfill {
  return {
    async sizeFor(u, o) {
      return (await fetcher.fetchTradeSizeAtPrice(u.conditionId, u.tokenId, u.price, { ...o, tolerance }))?.size;
    },
  };
}

export interface EventProcessorOptions {
  /** When set, size-less updates are backfilled through it. */
  readonly backfill?: SizeBackfill;
  readonly clock?: Clock;
  /** Capacity of the recent-events ring. Default 1,000. */
  readonly recentCapacity?: number;
  /** Called synchronously with every processed event. */
  readonly onEvent?: (event: ProcessedEvent) => void;
}

export interface EventProcessorStats {
  /** Events emitted. */
  readonly processed: number;
  /** Events whose size came from a REST backfill. */
  readonly backfilled: number;
  /** Backfills that ended without a size (no matching print or an error). */
  readonly failed: number;
  /** Of `failed`, those that ended in an error. */
  readonly errors: number;
  /** Updates refused as malformed. */
  readonly rejected: number;
  /** Backfills currently awaiting I/O. */
  readonly inFlight: number;
  /** `onEvent` calls that threw (the event was still recorded and returned). */
  readonly listenerErrors: number;
}

export class EventProcessor {
  private readonly backfill: SizeBackfill | undefined;
  private readonly clock: Clock;
  private readonly onEvent: ((event: ProcessedEvent) => void) | undefined;
  private readonly ring: (ProcessedEvent | undefined)[];
  private ringNext = 0;
  private ringCount = 0;
  private processed = 0;
  private backfilled = 0;
  private failed = 0;
  private errors = 0;
  private rejected = 0;
  private inFlight = 0;
  private listenerErrors = 0;

  constructor(options: EventProcessorOptions = {}) {
    this.backfill = options.backfill;
    this.clock = options.clock ?? systemClock;
    this.onEvent = options.onEvent;
    const capacity = options.recentCapacity ?? 1_000;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("recentCapacity must be a positive integer");
    this.ring = new Array<ProcessedEvent | undefined>(capacity).fill(undefined);
  }

  /**
   * Processes one update. Rejects with a RangeError for a malformed update (counted in `rejected`)
   * and with the signal's reason when aborted during the backfill (nothing recorded).
   */
  async process(update: PriceUpdate, o: CallOptions = {}): Promise<ProcessedEvent> {
    const problem = validate(update);
    if (problem !== undefined) {
      this.rejected++;
      throw new RangeError(`malformed price update: ${problem}`);
    }
    if (update.size !== undefined) return this.emit(update, update.size, "update");
    if (this.backfill === undefined) return this.emit(update, undefined, "none");

    this.inFlight++;
    let size: Size | undefined;
    let error: string | undefined;
    try {
      size = await this.backfill.sizeFor(update, o);
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      error = e instanceof Error ? e.message : String(e);
    } finally {
      this.inFlight--;
    }
    if (size !== undefined) {
      this.backfilled++;
      return this.emit(update, size, "backfill");
    }
    this.failed++;
    if (error !== undefined) this.errors++;
    return this.emit(update, undefined, "unavailable", error);
  }

  get stats(): EventProcessorStats {
    return {
      processed: this.processed,
      backfilled: this.backfilled,
      failed: this.failed,
      errors: this.errors,
      rejected: this.rejected,
      inFlight: this.inFlight,
      listenerErrors: this.listenerErrors,
    };
  }

  /** The most recent events, oldest first (at most `recentCapacity`). */
  recentEvents(): ProcessedEvent[] {
    const out: ProcessedEvent[] = [];
    const cap = this.ring.length;
    for (let i = 0; i < this.ringCount; i++) {
      const e = this.ring[(this.ringNext - this.ringCount + i + cap) % cap];
      if (e !== undefined) out.push(e);
    }
    return out;
  }

  private emit(u: PriceUpdate, size: Size | undefined, sizeSource: SizeSource, backfillError?: string): ProcessedEvent {
    const event: ProcessedEvent = {
      conditionId: u.conditionId,
      tokenId: u.tokenId,
      price: u.price,
      side: u.side,
      timestamp: u.timestamp,
      size,
      sizeSource,
      ...(backfillError === undefined ? {} : { backfillError }),
      processedAt: this.clock.now(),
    };
    this.processed++;
    this.ring[this.ringNext] = event;
    this.ringNext = (this.ringNext + 1) % this.ring.length;
    if (this.ringCount < this.ring.length) this.ringCount++;
    if (this.onEvent !== undefined) {
      try {
        this.onEvent(event);
      } catch {
        // A listener's bug must not fail processing of an event that is already recorded; it is counted.
        this.listenerErrors++;
      }
    }
    return event;
  }
}

function validate(u: PriceUpdate): string | undefined {
  if (typeof u !== "object" || u === null) return "not an object";
  if (!Number.isInteger(u.price) || u.price < 0 || u.price > 10_000) return `price ${String(u.price)} is not in price units [0, 10000]`;
  if (u.size !== undefined && (!Number.isSafeInteger(u.size) || u.size < 0)) return `size ${String(u.size)} is not micro-shares`;
  if (!Number.isFinite(u.timestamp)) return `timestamp ${String(u.timestamp)} is not finite`;
  if (typeof u.tokenId !== "string" || typeof u.conditionId !== "string") return "missing token or condition id";
  return undefined;
}
