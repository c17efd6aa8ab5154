/**
 * `ReferenceCache`: the latest top of book of reference markets (e.g. Binance BTCUSDT) with
 * receive and exchange timestamps. Each accepted update publishes a new immutable
 * `ReferenceSnapshot` (readers may keep the object). Invalid input is refused and counted;
 * staleness is reported, never acted on.
 */
import type { ReferenceReader, ReferenceSnapshot } from "@mm/types";
import { DirtySet } from "./internal/dirty-set.js";

export type ReferenceRejectReason =
  /** bid or ask not a finite positive number. */
  | "bad_price"
  /** bid above ask. */
  | "crossed"
  /** Older than the snapshot already held (by exchange time or update id). */
  | "out_of_order"
  /** receivedAt / exchangeTime not a finite non-negative number. */
  | "bad_timestamp"
  /** Empty or over-long symbol. */
  | "bad_symbol";

export const REFERENCE_REJECT_REASONS: readonly ReferenceRejectReason[] = [
  "bad_price",
  "crossed",
  "out_of_order",
  "bad_timestamp",
  "bad_symbol",
];

export interface ReferenceUpdateMeta {
  /** Exchange event time, epoch ms, when the source provides one. */
  readonly exchangeTime?: number;
  /** Monotonic update id when the source provides one (Binance bookTicker `u`). */
  readonly updateId?: number;
}

export class ReferenceCacheStats {
  updates = 0;
  rejectedUpdates = 0;
  readonly rejected: Record<ReferenceRejectReason, number>;
  constructor() {
    const rejected = {} as Record<ReferenceRejectReason, number>;
    for (const r of REFERENCE_REJECT_REASONS) rejected[r] = 0;
    this.rejected = rejected;
  }
}

interface Entry {
  snapshot: ReferenceSnapshot;
  updateId: number | undefined;
}

const isTime = (t: unknown): t is number => typeof t === "number" && t >= 0 && t <= Number.MAX_SAFE_INTEGER;

export class ReferenceCache implements ReferenceReader {
  readonly stats = new ReferenceCacheStats();
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new DirtySet<string>();

  /** Stores a new top of book; returns why it was refused, or `undefined` when accepted. */
  update(symbol: string, bid: number, ask: number, receivedAt: number, meta: ReferenceUpdateMeta = {}): ReferenceRejectReason | undefined {
    if (typeof symbol !== "string" || symbol.length === 0 || symbol.length > 64) return this.reject("bad_symbol");
    if (!(typeof bid === "number" && bid > 0 && bid < Number.POSITIVE_INFINITY)) return this.reject("bad_price");
    if (!(typeof ask === "number" && ask > 0 && ask < Number.POSITIVE_INFINITY)) return this.reject("bad_price");
    if (bid > ask) return this.reject("crossed");
    if (!isTime(receivedAt)) return this.reject("bad_timestamp");
    const { exchangeTime, updateId } = meta;
    if (exchangeTime !== undefined && !isTime(exchangeTime)) return this.reject("bad_timestamp");
    if (updateId !== undefined && !(Number.isSafeInteger(updateId) && updateId >= 0)) return this.reject("bad_timestamp");
    const prev = this.entries.get(symbol);
    if (prev !== undefined) {
      const prevTime = prev.snapshot.exchangeTime;
      if (exchangeTime !== undefined && prevTime !== undefined && exchangeTime < prevTime) return this.reject("out_of_order");
      if (updateId !== undefined && prev.updateId !== undefined && updateId < prev.updateId) return this.reject("out_of_order");
    }
    const snapshot: ReferenceSnapshot = Object.freeze({
      symbol,
      bid,
      ask,
      mid: (bid + ask) / 2,
      ...(exchangeTime !== undefined ? { exchangeTime } : {}),
      receivedAt,
      updateCount: (prev?.snapshot.updateCount ?? 0) + 1,
    });
    if (prev === undefined) this.entries.set(symbol, { snapshot, updateId });
    else {
      prev.snapshot = snapshot;
      if (updateId !== undefined) prev.updateId = updateId;
    }
    this.stats.updates++;
    this.dirty.mark(symbol);
    return undefined;
  }

  reference(symbol: string): ReferenceSnapshot | undefined {
    return this.entries.get(symbol)?.snapshot;
  }

  /** ms since the symbol's last accepted update at `now`; `Infinity` if none yet. */
  ageMs(symbol: string, now: number): number {
    const e = this.entries.get(symbol);
    return e === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - e.snapshot.receivedAt);
  }

  symbols(): string[] {
    return [...this.entries.keys()];
  }

  /** Symbols updated since the last drain; clears the set. */
  drainDirty(out?: string[]): string[] {
    return this.dirty.drain(out);
  }

  /** Cheap synchronous signal on empty → non-empty (see `BookStore.onDirty`). */
  onDirty(listener: (() => void) | undefined): void {
    this.dirty.onDirty(listener);
  }

  private reject(reason: ReferenceRejectReason): ReferenceRejectReason {
    this.stats.rejectedUpdates++;
    this.stats.rejected[reason]++;
    return reason;
  }
}
