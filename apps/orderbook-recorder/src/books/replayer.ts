/**
 * `BookReplayer`: rebuilds order books from a record stream. The SAME class runs inside the live
 * book workers and in `replay`/the backtester, so a replay reproduces exactly what the workers
 * checkpointed.
 *
 * Ownership (why overlapping connections never corrupt a book): every asset has at most one owner
 * connection whose frames are applied. A `subscribe` record makes a connection a candidate; the
 * candidate's next `book` snapshot of the asset (a full replace) hands ownership over. Frames of any
 * other connection for that asset (the old connection during a recycle overlap, duplicates) are
 * counted and ignored. A `gap` on the owner clears ownership and untrusts the book until a snapshot.
 */
import { OrderBook } from "@mm/caches";
import {
  DecoderStats,
  decodeWsFrame,
  type MarketEvent,
  type MarketResolvedEvent,
  type NewMarketEvent,
  type LevelChange as WireLevelChange,
  type WsEvent,
} from "@mm/protocol";
import { type BookLevel, isTickSize, type TickSize, type TokenId } from "@mm/types";
import {
  type AssetsPayload,
  type CheckpointBook,
  type CheckpointMarkPayload,
  type CheckpointPayload,
  jsonPayload,
  RecordType,
  type SegmentRecord,
} from "../segment/format.js";

export interface ReplayerOptions {
  /** Only maintain books for these assets (a worker's shard). Default: all. */
  readonly accept?: (assetId: string) => boolean;
  /** Tick for books first seen without a known tick (default 1 = 0.0001: every wire price fits). */
  readonly defaultTick?: TickSize;
  /** Called at every checkpoint mark (workers answer with `snapshot()`). */
  readonly onMark?: (id: number, tsMs: number) => void;
  /** A candidate connection took ownership of an asset (its snapshot arrived). */
  readonly onOwner?: (assetId: string, conn: number) => void;
  /** `new_market` / `market_resolved` events seen in frames (lifecycle discovery). */
  readonly onLifecycle?: (e: NewMarketEvent | MarketResolvedEvent, conn: number) => void;
  /**
   * Every market event applied by the asset's owner connection (a price_change split per asset),
   * i.e. each venue event exactly once even when connections overlap. `index` numbers the events
   * of one frame. Used by the NATS sink and by tests that count what was published.
   */
  readonly onApplied?: (e: AppliedEvent) => void;
  /** Compare checkpoints found in the stream with the replayed state at their marks. */
  readonly verifyCheckpoints?: boolean;
}

export interface AppliedEvent {
  readonly market: string;
  readonly assetId: string;
  readonly conn: number;
  readonly seq: number;
  readonly tsMs: number;
  /** Position of this (per-asset) event within its frame. */
  readonly index: number;
  readonly event: MarketEvent;
}

interface AssetState {
  readonly book: OrderBook;
  owner: number;
  readonly candidates: Set<number>;
  lastFrameTs: number;
  /** Latest venue timestamp applied (reported in checkpoints). */
  venueTs: number;
}

export class ReplayerStats {
  records = 0;
  frames = 0;
  events = 0;
  snapshots = 0;
  levelChanges = 0;
  /** Events (or per-asset parts of a price_change) from a connection that does not own the asset. */
  notOwner = 0;
  /** Events for assets outside `accept` or never subscribed/snapshotted. */
  foreign = 0;
  rejected = 0;
  decodeErrors = 0;
  gaps = 0;
  expired = 0;
  checkpointsVerified = 0;
  checkpointBooksVerified = 0;
  checkpointMismatches = 0;
  lastMismatch: string | undefined = undefined;
  readonly rejectReasons = new Map<string, number>();
}

const EMPTY_CANDIDATES: readonly number[] = [];

export class BookReplayer {
  readonly stats = new ReplayerStats();
  readonly decoderStats = new DecoderStats();
  private readonly assets = new Map<string, AssetState>();
  private readonly accept: (assetId: string) => boolean;
  private readonly defaultTick: TickSize;
  private readonly marks = new Map<number, Map<string, CheckpointBook>>();
  private readonly scratch = new Map<string, WireLevelChange[]>();

  constructor(private readonly o: ReplayerOptions = {}) {
    this.accept = o.accept ?? (() => true);
    this.defaultTick = o.defaultTick ?? 1;
  }

  get bookCount(): number {
    return this.assets.size;
  }

  book(assetId: string): OrderBook | undefined {
    return this.assets.get(assetId)?.book;
  }

  assetIds(): IterableIterator<string> {
    return this.assets.keys();
  }

  owner(assetId: string): number | undefined {
    return this.assets.get(assetId)?.owner;
  }

  apply(r: SegmentRecord): void {
    this.stats.records++;
    switch (r.type) {
      case RecordType.frame:
        this.applyFrame(r);
        return;
      case RecordType.subscribe: {
        const p = jsonPayload<AssetsPayload & { ticks?: number[] }>(r);
        if (p === undefined) return;
        p.assets.forEach((a, i) => {
          if (!this.accept(a)) return;
          const tick = p.ticks?.[i];
          const st = this.state(a, tick !== undefined && isTickSize(tick) ? tick : undefined);
          if (st.owner !== r.conn) st.candidates.add(r.conn);
        });
        return;
      }
      case RecordType.unsubscribe: {
        for (const a of jsonPayload<AssetsPayload>(r)?.assets ?? []) {
          const st = this.assets.get(a);
          if (st === undefined) continue;
          st.candidates.delete(r.conn);
          if (st.owner === r.conn) st.owner = 0;
        }
        return;
      }
      case RecordType.gap: {
        for (const a of jsonPayload<AssetsPayload>(r)?.assets ?? []) {
          const st = this.assets.get(a);
          if (st === undefined) continue;
          this.stats.gaps++;
          if (r.conn === 0 || st.owner === r.conn) {
            st.owner = 0;
            st.book.markUntrusted();
          }
          st.candidates.delete(r.conn);
        }
        return;
      }
      case RecordType.expire: {
        for (const a of jsonPayload<AssetsPayload>(r)?.assets ?? []) {
          if (this.assets.delete(a)) this.stats.expired++;
        }
        return;
      }
      case RecordType.checkpointMark: {
        const p = jsonPayload<CheckpointMarkPayload>(r);
        if (p === undefined) return;
        if (this.o.verifyCheckpoints) this.marks.set(p.id, new Map(this.snapshot().map((b) => [b.assetId, b])));
        this.o.onMark?.(p.id, r.tsMs);
        return;
      }
      case RecordType.checkpoint: {
        if (!this.o.verifyCheckpoints) return;
        const p = jsonPayload<CheckpointPayload>(r);
        if (p !== undefined) this.verify(p);
        return;
      }
      default:
        return;
    }
  }

  /** The current books (levels best-first), plus ownership so a reader can resume from it. */
  snapshot(): CheckpointBook[] {
    const out: CheckpointBook[] = [];
    for (const [assetId, st] of this.assets) out.push(snapshotOf(assetId, st));
    return out;
  }

  /** Starts from a checkpoint (mid-day start): replaces every listed book and its ownership. */
  load(books: readonly CheckpointBook[]): void {
    for (const b of books) {
      if (!this.accept(b.assetId)) continue;
      this.assets.delete(b.assetId);
      const st = this.state(b.assetId, isTickSize(b.tick) ? b.tick : undefined);
      const lv = (xs: ReadonlyArray<readonly [number, number]>) => xs.map(([price, size]) => ({ price, size }));
      st.book.replace(lv(b.bids), lv(b.asks), Math.max(1, b.venueTs), 0, st.book.tickSize);
      st.venueTs = b.venueTs;
      if (!b.trusted) st.book.markUntrusted();
      st.owner = b.owner ?? 0;
      for (const c of b.candidates ?? EMPTY_CANDIDATES) st.candidates.add(c);
    }
  }

  private verify(p: CheckpointPayload): void {
    const at = this.marks.get(p.id);
    if (at === undefined) return;
    this.stats.checkpointsVerified++;
    for (const cb of p.books) {
      if (!this.accept(cb.assetId)) continue;
      this.stats.checkpointBooksVerified++;
      const mine = at.get(cb.assetId);
      const diff = mine === undefined ? "missing in replay" : diffBooks(mine, cb);
      if (diff !== undefined) {
        this.stats.checkpointMismatches++;
        this.stats.lastMismatch = `checkpoint ${p.id} asset ${cb.assetId}: ${diff}`;
      }
    }
  }

  private state(assetId: string, tick?: TickSize): AssetState {
    let st = this.assets.get(assetId);
    if (st === undefined) {
      st = {
        book: new OrderBook(assetId as TokenId, tick ?? this.defaultTick),
        owner: 0,
        candidates: new Set(),
        lastFrameTs: 0,
        venueTs: 0,
      };
      this.assets.set(assetId, st);
    }
    return st;
  }

  /** The owner's frames apply; a candidate's (or anyone's, when unowned) snapshot takes ownership. */
  private applyFrame(r: SegmentRecord): void {
    this.stats.frames++;
    const d = decodeWsFrame(r.payload, { stats: this.decoderStats });
    this.stats.decodeErrors += d.errors.length;
    this.seq = r.seq;
    this.index = 0;
    for (const e of d.events) this.applyEvent(e, r.conn, r.tsMs);
  }

  private seq = 0;
  private index = 0;

  private emit(market: string, assetId: string, conn: number, tsMs: number, event: MarketEvent): void {
    const cb = this.o.onApplied;
    if (cb !== undefined) cb({ market, assetId, conn, seq: this.seq, tsMs, index: this.index++, event });
  }

  private applyEvent(e: WsEvent, conn: number, tsMs: number): void {
    this.stats.events++;
    switch (e.kind) {
      case "book": {
        if (!this.accept(e.assetId)) {
          this.stats.foreign++;
          return;
        }
        const st = this.state(e.assetId);
        if (st.owner !== conn) {
          if (st.owner !== 0 && !st.candidates.has(conn)) {
            this.stats.notOwner++;
            return;
          }
          st.owner = conn;
          st.candidates.delete(conn);
          this.o.onOwner?.(e.assetId, conn);
        }
        this.stats.snapshots++;
        // Frames of one owner are applied in arrival (= venue) order; the venue timestamp is not an
        // ordering key here (a snapshot may carry the book's older last-change time).
        this.check(st.book.replace(e.bids, e.asks, Math.max(1, tsMs), 0));
        st.lastFrameTs = tsMs;
        if (e.timestamp > st.venueTs) st.venueTs = e.timestamp;
        this.emit(e.market, e.assetId, conn, tsMs, e);
        return;
      }
      case "price_change": {
        const groups = this.scratch;
        groups.clear();
        for (const c of e.changes) {
          let g = groups.get(c.assetId);
          if (g === undefined) {
            g = [];
            groups.set(c.assetId, g);
          }
          g.push(c);
        }
        for (const [assetId, changes] of groups) {
          const st = this.assets.get(assetId);
          if (st === undefined || !this.accept(assetId)) {
            this.stats.foreign++;
            continue;
          }
          if (st.owner !== conn) {
            this.stats.notOwner++;
            continue;
          }
          this.stats.levelChanges += changes.length;
          this.check(st.book.applyChanges(changes, Math.max(1, tsMs), 0));
          st.lastFrameTs = tsMs;
          if (e.timestamp > st.venueTs) st.venueTs = e.timestamp;
          if (this.o.onApplied !== undefined) this.emit(e.market, assetId, conn, tsMs, { ...e, changes: [...changes] });
        }
        groups.clear();
        return;
      }
      case "tick_size_change": {
        const st = this.assets.get(e.assetId);
        if (st === undefined || st.owner !== conn) {
          if (st !== undefined) this.stats.notOwner++;
          return;
        }
        this.check(st.book.changeTickSize(e.newTickSize, Math.max(1, tsMs), 0));
        this.emit(e.market, e.assetId, conn, tsMs, e);
        return;
      }
      case "last_trade_price":
      case "best_bid_ask": {
        const st = this.assets.get(e.assetId);
        if (st !== undefined && st.owner === conn) this.emit(e.market, e.assetId, conn, tsMs, e);
        return;
      }
      case "new_market":
      case "market_resolved":
        this.o.onLifecycle?.(e, conn);
        return;
      default:
        return;
    }
  }

  private check(reason: string | undefined): void {
    if (reason === undefined) return;
    this.stats.rejected++;
    this.stats.rejectReasons.set(reason, (this.stats.rejectReasons.get(reason) ?? 0) + 1);
  }
}

function levels(xs: readonly BookLevel[]): Array<readonly [number, number]> {
  return xs.map((l) => [l.price, l.size] as const);
}

function snapshotOf(assetId: string, st: AssetState): CheckpointBook {
  const b = st.book;
  return {
    assetId,
    tick: b.tickSize,
    bids: levels(b.topLevels("BID", b.levelCount("BID"))),
    asks: levels(b.topLevels("ASK", b.levelCount("ASK"))),
    venueTs: st.venueTs,
    trusted: b.trusted,
    owner: st.owner,
    candidates: [...st.candidates],
  };
}

/** First difference between two checkpoint books (levels and tick), or undefined. */
export function diffBooks(a: CheckpointBook, b: CheckpointBook): string | undefined {
  if (a.tick !== b.tick) return `tick ${a.tick} vs ${b.tick}`;
  for (const side of ["bids", "asks"] as const) {
    const x = a[side];
    const y = b[side];
    if (x.length !== y.length) return `${side}: ${x.length} vs ${y.length} levels`;
    for (let i = 0; i < x.length; i++) {
      const l = x[i] as readonly [number, number];
      const m = y[i] as readonly [number, number];
      if (l[0] !== m[0] || l[1] !== m[1]) return `${side}[${i}]: ${l[0]}@${l[1]} vs ${m[0]}@${m[1]}`;
    }
  }
  return undefined;
}
