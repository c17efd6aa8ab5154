/**
 * `BookStore`: the order books of every tracked token, keyed by token, with the market ↔ token
 * mapping and YES/NO pairing, per-book epoch / update count / last update time / trusted flag,
 * atomic per-frame updates (a frame with one bad entry changes nothing and is counted with its
 * reason), and a dirty set the consumer drains (the writer never waits for a reader).
 *
 * Writers are the feeds (one synchronous call per decoded frame); readers get `BookView`s.
 * The store reports staleness and trust; it never repairs or decides (law D).
 */
import type { BookView, BookReader, ConditionId, MarketInfo, Outcome, Price, TickSize, TokenId } from "@mm/types";
import { DirtySet } from "./internal/dirty-set.js";
import { type LevelChange, type LevelInput, OrderBook } from "./order-book.js";
import { BOOK_REJECT_REASONS, type BookRejection, type BookRejectReason, type FrameKind } from "./rejections.js";

/**
 * A level change of a multi-token frame (a `price_change` can touch both tokens of a market).
 * `assetId` is the venue's token id as received (a plain string: it is only a lookup key here,
 * unknown ids are ignored), so a decoder's normalized change can be passed without copying.
 */
export interface TokenLevelChange extends LevelChange {
  readonly assetId: string;
}

export interface BookStoreOptions {
  /**
   * Tick size for a book created by a snapshot of a token that was never registered. Without it,
   * such snapshots are refused (`unknown_token`): register markets (or tokens) first.
   */
  readonly defaultTickSize?: TickSize;
  /**
   * Refuse frames whose venue timestamp is older than the level data a book already reflects
   * (`out_of_order`, protection against duplicated / reordered delivery). Default true; false
   * ignores venue timestamps entirely (for sources whose clocks are not trustworthy).
   */
  readonly checkOrdering?: boolean;
}

/** Counters of what the store applied and refused. Plain fields: read them, don't write them. */
export class BookStoreStats {
  snapshots = 0;
  levelFrames = 0;
  levelChanges = 0;
  tickChanges = 0;
  /** Frames refused (all kinds); `rejected` splits them by reason. */
  rejectedFrames = 0;
  readonly rejected: Record<BookRejectReason, number>;
  /** Level changes for tokens without a book (not an error: frames can mix tracked and untracked tokens). */
  ignoredChanges = 0;
  /** Levels dropped because a tick-size change put them off the grid. */
  droppedOnTickChange = 0;
  /** Times a book went from normal to crossed or locked (reported, never repaired). */
  crossedOrLockedEntered = 0;
  /** The latest refusal, for logs. */
  lastRejection: BookRejection | undefined;

  constructor() {
    const rejected = {} as Record<BookRejectReason, number>;
    for (const r of BOOK_REJECT_REASONS) rejected[r] = 0;
    this.rejected = rejected;
  }
}

/** Top of book of one token at a glance. */
export interface Bbo {
  readonly tokenId: TokenId;
  readonly bid: Price | undefined;
  readonly ask: Price | undefined;
  readonly trusted: boolean;
  readonly epoch: number;
  readonly lastUpdateAt: number;
}

/** Both books of a binary market. */
export interface MarketBooks {
  readonly market: MarketInfo;
  readonly yes: BookView | undefined;
  readonly no: BookView | undefined;
}

export class BookStore implements BookReader {
  readonly stats = new BookStoreStats();
  private readonly books = new Map<TokenId, OrderBook>();
  private readonly markets = new Map<ConditionId, MarketInfo>();
  private readonly tokenMarket = new Map<TokenId, ConditionId>();
  private readonly dirty = new DirtySet<TokenId>();
  private readonly defaultTickSize: TickSize | undefined;
  private readonly checkOrdering: boolean;
  private frameSeq = 0;
  /** Scratch for multi-token frames (reused; cleared after each frame). */
  private readonly scratchBooks: (OrderBook | undefined)[] = [];
  private readonly touched: (OrderBook | undefined)[] = [];
  private readonly touchedCrossed: boolean[] = [];

  constructor(options: BookStoreOptions = {}) {
    this.defaultTickSize = options.defaultTickSize;
    this.checkOrdering = options.checkOrdering ?? true;
  }

  // ------------------------------------------------------------------------------------------
  // Registration and mapping

  /**
   * Registers a binary market: its two tokens get (empty, untrusted) books on the market's tick
   * size and are paired. A token that already has a book keeps its book and tick size (the feed's
   * `tick_size_change` is newer than metadata).
   */
  registerMarket(info: MarketInfo): void {
    this.markets.set(info.conditionId, info);
    for (const token of [info.yes.tokenId, info.no.tokenId]) {
      this.tokenMarket.set(token, info.conditionId);
      const existing = this.books.get(token);
      if (existing === undefined) this.books.set(token, new OrderBook(token, info.tickSize, info.conditionId));
      else existing.conditionId = info.conditionId;
    }
  }

  /** Registers a single token (no pairing). Returns its book view. */
  registerToken(token: TokenId, tickSize: TickSize, conditionId?: ConditionId): BookView {
    let book = this.books.get(token);
    if (book === undefined) {
      book = new OrderBook(token, tickSize, conditionId);
      this.books.set(token, book);
    } else if (conditionId !== undefined) {
      book.conditionId = conditionId;
    }
    if (conditionId !== undefined) this.tokenMarket.set(token, conditionId);
    return book;
  }

  /** Forgets a token's book (e.g. after unsubscribe). */
  remove(token: TokenId): boolean {
    this.dirty.delete(token);
    const book = this.books.get(token);
    if (book !== undefined) book.queued = false;
    this.tokenMarket.delete(token);
    return this.books.delete(token);
  }

  /** Forgets a market and both its books. */
  removeMarket(conditionId: ConditionId): boolean {
    const info = this.markets.get(conditionId);
    if (info === undefined) return false;
    this.remove(info.yes.tokenId);
    this.remove(info.no.tokenId);
    this.markets.delete(conditionId);
    return true;
  }

  has(token: TokenId): boolean {
    return this.books.has(token);
  }

  get size(): number {
    return this.books.size;
  }

  tokens(): TokenId[] {
    return [...this.books.keys()];
  }

  marketOf(token: TokenId): ConditionId | undefined {
    return this.tokenMarket.get(token);
  }

  market(conditionId: ConditionId): MarketInfo | undefined {
    return this.markets.get(conditionId);
  }

  outcomeOf(token: TokenId): Outcome | undefined {
    const cid = this.tokenMarket.get(token);
    const info = cid === undefined ? undefined : this.markets.get(cid);
    if (info === undefined) return undefined;
    return token === info.yes.tokenId ? "YES" : token === info.no.tokenId ? "NO" : undefined;
  }

  /** The other token of the token's market (YES ↔ NO). */
  complementOf(token: TokenId): TokenId | undefined {
    const cid = this.tokenMarket.get(token);
    const info = cid === undefined ? undefined : this.markets.get(cid);
    if (info === undefined) return undefined;
    return token === info.yes.tokenId ? info.no.tokenId : token === info.no.tokenId ? info.yes.tokenId : undefined;
  }

  pair(conditionId: ConditionId): MarketBooks | undefined {
    const market = this.markets.get(conditionId);
    if (market === undefined) return undefined;
    return { market, yes: this.books.get(market.yes.tokenId), no: this.books.get(market.no.tokenId) };
  }

  // ------------------------------------------------------------------------------------------
  // Read-only views

  book(token: TokenId): BookView | undefined {
    return this.books.get(token);
  }

  bbo(token: TokenId): Bbo | undefined {
    const b = this.books.get(token);
    if (b === undefined) return undefined;
    return { tokenId: token, bid: b.bestBid(), ask: b.bestAsk(), trusted: b.trusted, epoch: b.epoch, lastUpdateAt: b.lastUpdateAt };
  }

  /** Tokens whose book is older than `maxAgeMs` at `now` (never-updated books included). */
  staleTokens(now: number, maxAgeMs: number): TokenId[] {
    const out: TokenId[] = [];
    for (const [token, book] of this.books) if (book.ageMs(now) > maxAgeMs) out.push(token);
    return out;
  }

  untrustedTokens(): TokenId[] {
    const out: TokenId[] = [];
    for (const [token, book] of this.books) if (!book.trusted) out.push(token);
    return out;
  }

  /** Bytes held by every book's level arrays. */
  bytes(): number {
    let total = 0;
    for (const book of this.books.values()) total += book.bytes();
    return total;
  }

  // ------------------------------------------------------------------------------------------
  // Change notification

  /** Tokens changed since the last drain, in first-change order; clears the set. */
  drainDirty(out?: TokenId[]): TokenId[] {
    const start = out?.length ?? 0;
    const drained = this.dirty.drain(out);
    for (let i = start; i < drained.length; i++) {
      const book = this.books.get(drained[i]!);
      if (book !== undefined) book.queued = false;
    }
    return drained;
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }

  /**
   * A cheap synchronous signal fired when the dirty set goes from empty to non-empty (at most once
   * per drain). It must only schedule work (e.g. `queueMicrotask`); exceptions are counted in
   * `signalErrors`, never thrown at the writer.
   */
  onDirty(listener: (() => void) | undefined): void {
    this.dirty.onDirty(listener);
  }

  get signalErrors(): number {
    return this.dirty.signalErrors;
  }

  // ------------------------------------------------------------------------------------------
  // Writers (atomic per frame)

  /**
   * Full snapshot (a `book` message): replaces the token's book, starts a new epoch, makes it
   * trusted. `venueTs` (ms, 0 = unknown) orders frames; `tickSize` sets the grid when the source
   * carries it (REST `/book`) or creates an unregistered book.
   */
  applySnapshot(
    token: TokenId,
    bids: readonly LevelInput[],
    asks: readonly LevelInput[],
    receivedAt: number,
    venueTs = 0,
    tickSize?: TickSize,
  ): BookRejection | undefined {
    if (!this.checkOrdering) venueTs = 0;
    let book = this.books.get(token);
    let created = false;
    if (book === undefined) {
      const tick = tickSize ?? this.defaultTickSize;
      if (tick === undefined) return this.reject("snapshot", "unknown_token", token, -1);
      try {
        book = new OrderBook(token, tick, this.tokenMarket.get(token));
      } catch {
        return this.reject("snapshot", "bad_tick_size", token, -1);
      }
      created = true;
    }
    const wasCrossed = book.isCrossedOrLocked();
    const reason = book.replace(bids, asks, receivedAt, venueTs, tickSize);
    if (reason !== undefined) {
      const i = book.lastRejectIndex;
      const level = i < 0 ? undefined : i < bids.length ? bids[i] : asks[i - bids.length];
      return this.reject("snapshot", reason, token, i, level?.price, level?.size);
    }
    if (created) this.books.set(token, book);
    this.stats.snapshots++;
    this.afterApply(book, wasCrossed);
    return undefined;
  }

  /** Level updates of one token (absolute sizes; 0 removes). Unknown token: counted as ignored. */
  applyLevels(token: TokenId, changes: readonly LevelChange[], receivedAt: number, venueTs = 0): BookRejection | undefined {
    if (!this.checkOrdering) venueTs = 0;
    const book = this.books.get(token);
    if (book === undefined) {
      this.stats.ignoredChanges += changes.length;
      return undefined;
    }
    const wasCrossed = book.isCrossedOrLocked();
    const reason = book.applyChanges(changes, receivedAt, venueTs);
    if (reason !== undefined) {
      const c = changes[book.lastRejectIndex];
      return this.reject("levels", reason, token, book.lastRejectIndex, c?.price, c?.size);
    }
    this.stats.levelFrames++;
    this.stats.levelChanges += changes.length;
    this.afterApply(book, wasCrossed);
    return undefined;
  }

  /**
   * A multi-token frame (e.g. one `price_change` carrying both tokens of a market): every change of
   * every tracked token is validated before anything is written; one bad entry refuses the frame.
   * Changes for tokens without a book are ignored (counted).
   */
  applyPriceChanges(changes: readonly TokenLevelChange[], receivedAt: number, venueTs = 0): BookRejection | undefined {
    if (!this.checkOrdering) venueTs = 0;
    if (!(typeof receivedAt === "number" && receivedAt >= 0 && receivedAt <= Number.MAX_SAFE_INTEGER)) {
      return this.reject("levels", "bad_timestamp", (changes[0]?.assetId ?? "") as TokenId, -1);
    }
    const frame = ++this.frameSeq;
    const books = this.scratchBooks;
    const touched = this.touched;
    const crossed = this.touchedCrossed;
    const n = changes.length;
    let touchedCount = 0;
    let ignored = 0;
    let rejection: BookRejection | undefined;
    let lastToken: string | undefined;
    let lastBook: OrderBook | undefined;
    // Pass 1: validate everything (no writes).
    for (let i = 0; i < n; i++) {
      const c = changes[i];
      if (c === null || typeof c !== "object") {
        rejection = this.reject("levels", "bad_side", "" as TokenId, i);
        break;
      }
      const book = c.assetId === lastToken ? lastBook : this.books.get(c.assetId as TokenId);
      lastToken = c.assetId;
      lastBook = book;
      books[i] = book;
      if (book === undefined) {
        ignored++;
        continue;
      }
      if (book.frameMark !== frame) {
        book.frameMark = frame;
        const tsReason = book.checkVenueTs(venueTs);
        if (tsReason !== undefined) {
          rejection = this.reject("levels", tsReason, book.tokenId, i);
          break;
        }
        touched[touchedCount] = book;
        crossed[touchedCount] = book.isCrossedOrLocked();
        touchedCount++;
      }
      const reason = book.checkLevel(c.side, c.price, c.size);
      if (reason !== undefined) {
        rejection = this.reject("levels", reason, book.tokenId, i, c.price, c.size);
        break;
      }
    }
    // Pass 2: write, then commit each touched book once.
    if (rejection === undefined) {
      for (let i = 0; i < n; i++) {
        const book = books[i];
        if (book !== undefined) {
          const c = changes[i]!;
          book.writeValidated(c.side, c.price, c.size);
        }
      }
      for (let k = 0; k < touchedCount; k++) {
        const book = touched[k]!;
        book.commitFrame(receivedAt, venueTs);
        this.afterApply(book, crossed[k]!);
      }
      this.stats.levelFrames++;
      this.stats.levelChanges += n - ignored;
      this.stats.ignoredChanges += ignored;
    }
    // Drop references without truncating (assigning `length` is a slow runtime call).
    for (let i = 0; i < n; i++) books[i] = undefined;
    for (let k = 0; k < touchedCount; k++) touched[k] = undefined;
    return rejection;
  }

  /**
   * Tick-size change: a new epoch; levels off the new grid are dropped and the book is untrusted
   * until its next snapshot.
   */
  applyTickSize(token: TokenId, tickSize: TickSize, receivedAt: number, venueTs = 0): BookRejection | undefined {
    if (!this.checkOrdering) venueTs = 0;
    const book = this.books.get(token);
    if (book === undefined) return this.reject("tick_size", "unknown_token", token, -1);
    const wasCrossed = book.isCrossedOrLocked();
    const reason = book.changeTickSize(tickSize, receivedAt, venueTs);
    if (reason !== undefined) return this.reject("tick_size", reason, token, -1);
    this.stats.tickChanges++;
    this.stats.droppedOnTickChange += book.lastTickChangeDropped;
    this.afterApply(book, wasCrossed);
    return undefined;
  }

  /** Flags books untrusted (e.g. their connection reconnected) until each gets a fresh snapshot. */
  markUntrusted(tokens: Iterable<TokenId>): number {
    let n = 0;
    for (const token of tokens) {
      const book = this.books.get(token);
      if (book === undefined) continue;
      if (book.trusted) {
        book.markUntrusted();
        this.markDirty(book);
      }
      n++;
    }
    return n;
  }

  markAllUntrusted(): number {
    return this.markUntrusted(this.books.keys());
  }

  // ------------------------------------------------------------------------------------------

  private afterApply(book: OrderBook, wasCrossed: boolean): void {
    if (!wasCrossed && book.isCrossedOrLocked()) this.stats.crossedOrLockedEntered++;
    this.markDirty(book);
  }

  /** The per-book flag saves a hash lookup per frame while the book is already queued. */
  private markDirty(book: OrderBook): void {
    if (book.queued) return;
    book.queued = true;
    this.dirty.mark(book.tokenId);
  }

  private reject(
    kind: FrameKind,
    reason: BookRejectReason,
    tokenId: TokenId,
    index: number,
    price?: unknown,
    size?: unknown,
  ): BookRejection {
    const r: BookRejection = { kind, reason, tokenId, index, ...(index >= 0 ? { price, size } : {}) };
    this.stats.rejectedFrames++;
    this.stats.rejected[reason]++;
    this.stats.lastRejection = r;
    return r;
  }
}
