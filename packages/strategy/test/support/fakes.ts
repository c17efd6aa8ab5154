/**
 * Small hand-written implementations of the read-only snapshot ports (@mm/types snapshots.ts), so the
 * strategy is tested against the interfaces it consumes, not against a particular cache.
 */
import {
  type BookLevel,
  type BookReader,
  type BookSide,
  type BookView,
  type ConditionId,
  conditionId,
  type MarketInfo,
  type Price,
  type ReferenceReader,
  type ReferenceSnapshot,
  type Size,
  type TickSize,
  type TokenId,
  tokenId,
} from "@mm/types";
import type { InventoryReader, MarketInventory } from "../../src/index.js";

export class FakeBook implements BookView {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  epoch = 1;
  updateCount = 0;
  lastUpdateAt = 0;
  trusted = true;
  constructor(
    readonly tokenId: TokenId,
    public tickSize: TickSize = 100,
    readonly conditionId: ConditionId | undefined = undefined,
  ) {}

  /** Replaces the book: `bids`/`asks` as [price units, micro-shares]. */
  set(bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[], at: number): this {
    this.bids.clear();
    this.asks.clear();
    for (const [p, s] of bids) this.bids.set(p, s);
    for (const [p, s] of asks) this.asks.set(p, s);
    this.updateCount++;
    this.lastUpdateAt = at;
    return this;
  }
  bestBid(): Price | undefined {
    let best: number | undefined;
    for (const p of this.bids.keys()) if (best === undefined || p > best) best = p;
    return best as Price | undefined;
  }
  bestAsk(): Price | undefined {
    let best: number | undefined;
    for (const p of this.asks.keys()) if (best === undefined || p < best) best = p;
    return best as Price | undefined;
  }
  mid(): number | undefined {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b === undefined || a === undefined ? undefined : (b + a) / 2;
  }
  spread(): number | undefined {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b === undefined || a === undefined ? undefined : a - b;
  }
  isCrossedOrLocked(): boolean {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b !== undefined && a !== undefined && b >= a;
  }
  sizeAt(side: BookSide, price: Price): Size {
    return ((side === "BID" ? this.bids : this.asks).get(price) ?? 0) as Size;
  }
  topLevels(side: BookSide, n: number): BookLevel[] {
    const m = side === "BID" ? this.bids : this.asks;
    const prices = [...m.keys()].sort((x, y) => (side === "BID" ? y - x : x - y)).slice(0, n);
    return prices.map((p) => ({ price: p as Price, size: (m.get(p) ?? 0) as Size }));
  }
  depthWithin(side: BookSide, distance: number): Size {
    const best = side === "BID" ? this.bestBid() : this.bestAsk();
    if (best === undefined) return 0 as Size;
    let total = 0;
    for (const [p, s] of side === "BID" ? this.bids : this.asks) if (Math.abs(p - best) <= distance) total += s;
    return total as Size;
  }
  ageMs(now: number): number {
    return now - this.lastUpdateAt;
  }
}

export class FakeBooks implements BookReader {
  readonly books = new Map<string, BookView>();
  book(id: TokenId): BookView | undefined {
    return this.books.get(id);
  }
  put(book: BookView): this {
    this.books.set(book.tokenId, book);
    return this;
  }
}

export class FakeReferences implements ReferenceReader {
  private readonly snaps = new Map<string, ReferenceSnapshot>();
  private count = 0;
  reference(symbol: string): ReferenceSnapshot | undefined {
    return this.snaps.get(symbol);
  }
  /** Sets the top of book as a ±half-spread around `mid`. */
  set(symbol: string, mid: number, receivedAt: number, halfSpread = 0.5): ReferenceSnapshot {
    const s: ReferenceSnapshot = { symbol, bid: mid - halfSpread, ask: mid + halfSpread, mid, receivedAt, updateCount: ++this.count };
    this.snaps.set(symbol, s);
    return s;
  }
  setRaw(s: ReferenceSnapshot): void {
    this.snaps.set(s.symbol, s);
  }
}

export class FakeInventory implements InventoryReader {
  value: MarketInventory | undefined;
  constructor(value?: MarketInventory) {
    this.value = value;
  }
  inventory(_: ConditionId): MarketInventory | undefined {
    return this.value;
  }
}

/** Inventory with `yesShares` of YES and `noShares` of NO, split between settled and pending. */
export function inventoryOf(yesShares: number, noShares = 0, pendingFraction = 0): MarketInventory {
  const micro = (x: number) => Math.round(x * 1e6);
  return {
    yes: { settled: micro(yesShares * (1 - pendingFraction)), pending: micro(yesShares * pendingFraction) },
    no: { settled: micro(noShares * (1 - pendingFraction)), pending: micro(noShares * pendingFraction) },
  };
}

export const CONDITION = conditionId(`0x${"ab".repeat(32)}`);
export const YES_TOKEN = tokenId("1111111111111111111111");
export const NO_TOKEN = tokenId("2222222222222222222222");

export function marketInfo(overrides: Partial<MarketInfo> = {}): MarketInfo {
  return {
    conditionId: CONDITION,
    question: "Bitcoin Up or Down - test window",
    slug: "btc-updown-test",
    yes: { tokenId: YES_TOKEN, label: "Up" },
    no: { tokenId: NO_TOKEN, label: "Down" },
    tickSize: 100,
    minOrderSize: 5_000_000 as Size,
    negRisk: false,
    startTime: 0,
    endTime: 900_000,
    active: true,
    closed: false,
    ...overrides,
  };
}
