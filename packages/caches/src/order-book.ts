/**
 * `OrderBook`: the L2 book of one token over integer prices (0.0001 units) and sizes
 * (micro-shares), indexed by tick count of the book's tick size.
 *
 * - O(1) level set and O(1) best bid / best ask (tracked; rescanned only when the best level is
 *   deleted, and that rescan is bounded).
 * - Frames are atomic: `replace`, `applyChanges` and `changeTickSize` validate their whole input
 *   first and change nothing when any entry is bad, returning the reason (and `lastRejectIndex`).
 * - Crossed and locked books are reported (`isCrossedOrLocked`), never repaired (law D).
 * - A tick-size change starts a new epoch: levels still on the new grid are kept, levels off it are
 *   dropped, and the book is untrusted until the next snapshot.
 * - Memory stays bounded on the 0.0001 grid: each side is a paged array (see `PagedLevels`), so
 *   only occupied price ranges cost memory.
 */
import type { BookLevel, BookSide, BookView, ConditionId, Price, Size, TickSize, TokenId } from "@mm/types";
import { isTickSize, PRICE_SCALE } from "@mm/types";
import { PagedLevels } from "./internal/paged-levels.js";
import type { BookRejectReason } from "./rejections.js";

/** One level of a snapshot side, already parsed to integers (a `BookLevel` fits). Untrusted. */
export interface LevelInput {
  readonly price: number;
  readonly size: number;
}

/** An absolute-size level update (`size` 0 removes the level). Untrusted. */
export interface LevelChange {
  readonly side: BookSide;
  readonly price: number;
  readonly size: number;
}

/** Shared scratch for duplicate detection in snapshots: `stamp[price] === gen` ⇒ seen on this side. */
const stamp = new Uint32Array(PRICE_SCALE + 1);
let stampGen = 0;
function nextStampGen(): number {
  stampGen++;
  if (stampGen === 0xffffffff) {
    stamp.fill(0);
    stampGen = 1;
  }
  return stampGen;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const isTimestamp = (t: number): boolean => typeof t === "number" && t >= 0 && t <= Number.MAX_SAFE_INTEGER;

export class OrderBook implements BookView {
  readonly tokenId: TokenId;
  conditionId: ConditionId | undefined;
  private tick: TickSize;
  /** PRICE_SCALE / tick: the slot of price 1. */
  private maxSlot: number;
  /** 1 / tick (for the hot path's slot computation). */
  private invTick: number;
  private readonly bids: PagedLevels;
  /** Mirrored: index = maxSlot - slot, so a higher index is a lower (better) ask. */
  private readonly asks: PagedLevels;
  /** Best prices in price units (-1 = empty side), refreshed after every applied frame. */
  private bbPx = -1;
  private baPx = -1;
  private _epoch = 0;
  private _updateCount = 0;
  private _lastUpdateAt = 0;
  private _trusted = false;
  private _lastVenueTs = 0;
  /** Index in the last refused frame's input of the offending entry (-1 when not a level). */
  lastRejectIndex = -1;
  /** Levels dropped by the last tick-size change because they were off the new grid. */
  lastTickChangeDropped = 0;
  /** @internal Frame marker used by `BookStore` to touch each book once per multi-token frame. */
  frameMark = 0;
  /** @internal Set by `BookStore` while the book is in its dirty set. */
  queued = false;

  constructor(tokenId: TokenId, tickSize: TickSize, conditionId?: ConditionId) {
    if (!isTickSize(tickSize)) throw new RangeError(`unsupported tick size ${String(tickSize)}`);
    this.tokenId = tokenId;
    this.conditionId = conditionId;
    this.tick = tickSize;
    this.maxSlot = PRICE_SCALE / tickSize;
    this.invTick = 1 / tickSize;
    this.bids = new PagedLevels(this.maxSlot + 1);
    this.asks = new PagedLevels(this.maxSlot + 1);
  }

  // ------------------------------------------------------------------------------------------
  // BookView

  get tickSize(): TickSize {
    return this.tick;
  }
  get epoch(): number {
    return this._epoch;
  }
  get updateCount(): number {
    return this._updateCount;
  }
  get lastUpdateAt(): number {
    return this._lastUpdateAt;
  }
  get trusted(): boolean {
    return this._trusted;
  }
  /** Venue timestamp (ms) of the newest applied frame that carried one (0 before). */
  get lastVenueTs(): number {
    return this._lastVenueTs;
  }

  bestBid(): Price | undefined {
    const p = this.bbPx;
    return p < 0 ? undefined : (p as Price);
  }

  bestAsk(): Price | undefined {
    const p = this.baPx;
    return p < 0 ? undefined : (p as Price);
  }

  /** Best bid in price units, or `empty` when the side is empty (no `undefined` on hot paths). */
  bestBidOr(empty: number): number {
    const p = this.bbPx;
    return p < 0 ? empty : p;
  }

  /** Best ask in price units, or `empty` when the side is empty. */
  bestAskOr(empty: number): number {
    const p = this.baPx;
    return p < 0 ? empty : p;
  }

  mid(): number | undefined {
    const b = this.bids.best;
    const a = this.asks.best;
    if (b < 0 || a < 0) return undefined;
    return ((b + this.maxSlot - a) * this.tick) / 2;
  }

  spread(): number | undefined {
    const b = this.bids.best;
    const a = this.asks.best;
    if (b < 0 || a < 0) return undefined;
    return (this.maxSlot - a - b) * this.tick;
  }

  isCrossedOrLocked(): boolean {
    const b = this.bids.best;
    const a = this.asks.best;
    return b >= 0 && a >= 0 && b >= this.maxSlot - a;
  }

  /** Best bid strictly above best ask. */
  isCrossed(): boolean {
    const b = this.bids.best;
    const a = this.asks.best;
    return b >= 0 && a >= 0 && b > this.maxSlot - a;
  }

  /** Best bid equal to best ask. */
  isLocked(): boolean {
    const b = this.bids.best;
    const a = this.asks.best;
    return b >= 0 && a >= 0 && b === this.maxSlot - a;
  }

  sizeAt(side: BookSide, price: Price): Size {
    if (!Number.isInteger(price) || price <= 0 || price >= PRICE_SCALE || price % this.tick !== 0) return 0 as Size;
    const s = price / this.tick;
    return (side === "BID" ? this.bids.get(s) : this.asks.get(this.maxSlot - s)) as Size;
  }

  /** Number of levels on a side. */
  levelCount(side: BookSide): number {
    return side === "BID" ? this.bids.levels : this.asks.levels;
  }

  topLevels(side: BookSide, n: number): BookLevel[] {
    const out: BookLevel[] = [];
    const levels = side === "BID" ? this.bids : this.asks;
    for (let i = levels.best; i >= 0 && out.length < n; i = levels.nextBelow(i)) {
      out.push({ price: this.priceOf(side, i), size: levels.get(i) as Size });
    }
    return out;
  }

  /**
   * Allocation-free `topLevels`: writes up to `n` best-first levels into `prices`/`sizes` (which must
   * hold `n` entries) and returns how many were written.
   */
  copyTopLevels(side: BookSide, n: number, prices: { [i: number]: number }, sizes: { [i: number]: number }): number {
    const levels = side === "BID" ? this.bids : this.asks;
    let k = 0;
    for (let i = levels.best; i >= 0 && k < n; i = levels.nextBelow(i)) {
      prices[k] = this.priceOf(side, i);
      sizes[k] = levels.get(i);
      k++;
    }
    return k;
  }

  depthWithin(side: BookSide, distance: number): Size {
    if (!(distance >= 0)) return 0 as Size;
    const levels = side === "BID" ? this.bids : this.asks;
    const best = levels.best;
    if (best < 0) return 0 as Size;
    const floor = best - Math.floor(distance / this.tick);
    let total = 0;
    for (let i = best; i >= 0 && i >= floor; i = levels.nextBelow(i)) total += levels.get(i);
    return total as Size;
  }

  /** ms since the last applied update at `now`; `Infinity` before the first update. */
  ageMs(now: number): number {
    return this._updateCount === 0 ? Number.POSITIVE_INFINITY : Math.max(0, now - this._lastUpdateAt);
  }

  /** Bytes held by the book's level arrays (for memory reporting). */
  bytes(): number {
    return this.bids.bytes() + this.asks.bytes();
  }

  // ------------------------------------------------------------------------------------------
  // Validation (pure)

  /** Why this level would be refused on this book's grid, or `undefined` if it is valid. */
  checkLevel(side: unknown, price: number, size: number): BookRejectReason | undefined {
    const tick = this.tick;
    const slot = (price * this.invTick + 0.5) | 0;
    if (
      (side === "BID" || side === "ASK") &&
      slot * tick === price &&
      slot > 0 &&
      slot < this.maxSlot &&
      size >= 0 &&
      size <= MAX_SAFE &&
      Math.floor(size) === size
    ) {
      return undefined;
    }
    if (side !== "BID" && side !== "ASK") return "bad_side";
    return this.checkPriceSize(price, size) ?? "bad_size";
  }

  /** Why a frame with this venue timestamp would be refused (0 = no timestamp, not checked). */
  checkVenueTs(venueTs: number): BookRejectReason | undefined {
    if (!isTimestamp(venueTs)) return "bad_timestamp";
    return venueTs !== 0 && venueTs < this._lastVenueTs ? "out_of_order" : undefined;
  }

  private checkPriceSize(price: number, size: number, tick: number = this.tick): BookRejectReason | undefined {
    if (typeof price !== "number" || !Number.isInteger(price) || price <= 0 || price >= PRICE_SCALE) return "price_out_of_range";
    if (price % tick !== 0) return "off_grid";
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return "bad_size";
    return undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Atomic frames

  /**
   * Replaces the whole book with a snapshot (every `book` message is a full replacement). Level
   * order does not matter; size-0 entries mean "no level". A new epoch starts and the book becomes
   * trusted. With `tickSize`, the snapshot also sets the grid (e.g. a REST `/book` with `tick_size`).
   */
  replace(
    bids: readonly LevelInput[],
    asks: readonly LevelInput[],
    receivedAt: number,
    venueTs = 0,
    tickSize?: TickSize,
  ): BookRejectReason | undefined {
    this.lastRejectIndex = -1;
    const tick = tickSize ?? this.tick;
    if (!isTickSize(tick)) return "bad_tick_size";
    if (!isTimestamp(receivedAt)) return "bad_timestamp";
    const tsReject = this.checkVenueTs(venueTs);
    if (tsReject !== undefined) return tsReject;
    const bidReject = this.checkSnapshotSide(bids, tick, 0);
    if (bidReject !== undefined) return bidReject;
    const askReject = this.checkSnapshotSide(asks, tick, bids.length);
    if (askReject !== undefined) return askReject;

    if (tick !== this.tick) this.setGeometry(tick);
    this.bids.clear();
    this.asks.clear();
    const maxSlot = this.maxSlot;
    for (let i = 0; i < bids.length; i++) {
      const l = bids[i]!;
      if (l.size !== 0) this.bids.set(l.price / tick, l.size);
    }
    for (let i = 0; i < asks.length; i++) {
      const l = asks[i]!;
      if (l.size !== 0) this.asks.set(maxSlot - l.price / tick, l.size);
    }
    this.bids.compact();
    this.asks.compact();
    this._epoch++;
    this._trusted = true;
    this.commitFrame(receivedAt, venueTs);
    return undefined;
  }

  private checkSnapshotSide(levels: readonly LevelInput[], tick: number, indexBase: number): BookRejectReason | undefined {
    if (!Array.isArray(levels)) {
      this.lastRejectIndex = indexBase;
      return "price_out_of_range";
    }
    const gen = nextStampGen();
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i];
      const reason = l === null || typeof l !== "object" ? "price_out_of_range" : this.checkPriceSize(l.price, l.size, tick);
      if (reason !== undefined) {
        this.lastRejectIndex = indexBase + i;
        return reason;
      }
      const p = (l as LevelInput).price;
      if (stamp[p] === gen) {
        this.lastRejectIndex = indexBase + i;
        return "duplicate_level";
      }
      stamp[p] = gen;
    }
    return undefined;
  }

  /**
   * Applies absolute-size level updates in order (a later entry for the same level wins). Either
   * every change applies or none does.
   */
  applyChanges(changes: readonly LevelChange[], receivedAt: number, venueTs = 0): BookRejectReason | undefined {
    this.lastRejectIndex = -1;
    if (!isTimestamp(receivedAt)) return "bad_timestamp";
    const tsReject = this.checkVenueTs(venueTs);
    if (tsReject !== undefined) return tsReject;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      const reason = c === null || typeof c !== "object" ? "bad_side" : this.checkLevel(c.side, c.price, c.size);
      if (reason !== undefined) {
        this.lastRejectIndex = i;
        return reason;
      }
    }
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      this.writeValidated(c.side, c.price, c.size);
    }
    this.commitFrame(receivedAt, venueTs);
    return undefined;
  }

  /** A one-level frame: validates, writes, bumps the update count. The hot path of a level stream. */
  setLevel(side: BookSide, price: number, size: number, receivedAt: number): BookRejectReason | undefined {
    const tick = this.tick;
    // Slot by multiplying with the reciprocal and rounding (cheaper than a division); the exact
    // check `slot * tick === price` then rejects non-numbers, NaN, fractions and off-grid prices.
    const slot = (price * this.invTick + 0.5) | 0;
    if (slot * tick !== price || slot <= 0 || slot >= this.maxSlot || !(size >= 0 && size <= MAX_SAFE) || Math.floor(size) !== size) {
      return this.refuseLevel(side, price, size);
    }
    if (side === "BID") {
      const bids = this.bids;
      bids.set(slot, size);
      this.bbPx = bids.best < 0 ? -1 : bids.best * tick;
    } else if (side === "ASK") {
      const asks = this.asks;
      asks.set(this.maxSlot - slot, size);
      this.baPx = asks.best < 0 ? -1 : (this.maxSlot - asks.best) * tick;
    } else return this.refuseLevel(side, price, size);
    this._updateCount++;
    this._lastUpdateAt = receivedAt;
    return undefined;
  }

  private refuseLevel(side: unknown, price: number, size: number): BookRejectReason {
    this.lastRejectIndex = 0;
    return this.checkLevel(side, price, size) ?? "bad_size";
  }

  /**
   * Tick-size change: a new epoch. Levels on the new grid are kept, the others are dropped
   * (`lastTickChangeDropped`), and the book is untrusted until the next snapshot. The same tick
   * size again changes nothing. `venueTs` is checked (an older tick change is refused) but does
   * not advance the book's level-data timestamp.
   */
  changeTickSize(tickSize: TickSize, receivedAt: number, venueTs = 0): BookRejectReason | undefined {
    this.lastRejectIndex = -1;
    this.lastTickChangeDropped = 0;
    if (!isTickSize(tickSize)) return "bad_tick_size";
    if (!isTimestamp(receivedAt)) return "bad_timestamp";
    const tsReject = this.checkVenueTs(venueTs);
    if (tsReject !== undefined) return tsReject;
    if (tickSize === this.tick) return undefined;
    const keptBids = this.collect("BID");
    const keptAsks = this.collect("ASK");
    this.setGeometry(tickSize);
    let dropped = 0;
    for (let i = 0; i < keptBids.length; i += 2) {
      const p = keptBids[i]!;
      if (p % tickSize === 0) this.bids.set(p / tickSize, keptBids[i + 1]!);
      else dropped++;
    }
    for (let i = 0; i < keptAsks.length; i += 2) {
      const p = keptAsks[i]!;
      if (p % tickSize === 0) this.asks.set(this.maxSlot - p / tickSize, keptAsks[i + 1]!);
      else dropped++;
    }
    this.lastTickChangeDropped = dropped;
    this._epoch++;
    this._trusted = false;
    // Checked against, but does not advance, the level-data timestamp: the snapshot that follows a
    // tick change carries the time of the book's last level change, which can be older.
    this.commitFrame(receivedAt, 0);
    return undefined;
  }

  /** After a reconnect: the book stays readable but is flagged until its next snapshot. */
  markUntrusted(): void {
    this._trusted = false;
  }

  // ------------------------------------------------------------------------------------------
  // For BookStore's multi-token frames: validate every entry first, then write, then commit.

  /** @internal Writes a level that `checkLevel` accepted. Does not bump counters; call `commitFrame` after. */
  writeValidated(side: BookSide, price: number, size: number): void {
    if (side === "BID") this.bids.set(price / this.tick, size);
    else this.asks.set(this.maxSlot - price / this.tick, size);
  }

  /** @internal Marks a frame as applied: update count, receive time, venue timestamp (when given). */
  commitFrame(receivedAt: number, venueTs: number): void {
    this.refreshBest();
    this._updateCount++;
    this._lastUpdateAt = receivedAt;
    if (venueTs > this._lastVenueTs) this._lastVenueTs = venueTs;
  }

  // ------------------------------------------------------------------------------------------

  private refreshBest(): void {
    const b = this.bids.best;
    const a = this.asks.best;
    this.bbPx = b < 0 ? -1 : b * this.tick;
    this.baPx = a < 0 ? -1 : (this.maxSlot - a) * this.tick;
  }

  private priceOf(side: BookSide, index: number): Price {
    return ((side === "BID" ? index : this.maxSlot - index) * this.tick) as Price;
  }

  /** Flat [price, size, price, size, …] of one side, best first. */
  private collect(side: BookSide): number[] {
    const levels = side === "BID" ? this.bids : this.asks;
    const out: number[] = [];
    for (let i = levels.best; i >= 0; i = levels.nextBelow(i)) out.push(this.priceOf(side, i), levels.get(i));
    return out;
  }

  private setGeometry(tick: TickSize): void {
    this.tick = tick;
    this.maxSlot = PRICE_SCALE / tick;
    this.invTick = 1 / tick;
    this.bids.reshape(this.maxSlot + 1);
    this.asks.reshape(this.maxSlot + 1);
  }
}
