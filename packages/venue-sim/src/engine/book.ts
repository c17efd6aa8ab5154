/**
 * The YES-space book of one binary market. Every resting order is a level entry at its YES-space
 * price: BUY YES @ p and SELL NO @ 1 − p are bids at p; SELL YES @ p and BUY NO @ 1 − p are asks
 * at p. Matching the two sides therefore covers same-token trades, mints (BUY vs BUY) and merges
 * (SELL vs SELL) with one price-time priority.
 *
 * `DenseBook` indexes levels by price unit (10001 slots, FIFO doubly-linked list per level): O(1)
 * insert/cancel, amortised O(1) best price. `NaiveBook` is the array-scan baseline the bench and the
 * tests cross-check against; both must produce identical matches.
 */
import { PRICE_SCALE } from "@mm/types";

/** The fields the book needs on a resting order (the engine's order object carries them). */
export interface BookNode {
  /** Global arrival sequence: time priority. */
  readonly seq: number;
  /** YES-space price in units, 1..9999. */
  readonly yesPrice: number;
  /** YES-space bid? */
  readonly bid: boolean;
  /** Unfilled size, micro-shares. The book owns updates to it through `reduce`. */
  remaining: number;
  prev: BookNode | null;
  next: BookNode | null;
}

export interface BookCore {
  readonly kind: "dense" | "naive";
  /** Appends at the tail of its level (lowest priority at that price). */
  insert(node: BookNode): void;
  remove(node: BookNode): void;
  /** Reduces a resting node's remaining size by `by` (it stays in the book). */
  reduce(node: BookNode, by: number): void;
  /** Best price of a side: bid → highest (−1 if empty), ask → lowest (PRICE_SCALE + 1 if empty). */
  bestPrice(bid: boolean): number;
  /** Aggregate remaining size at a level. */
  levelSize(bid: boolean, price: number): number;
  /** Visits resting nodes of one side in priority order (best price, then seq) until `visit` returns false. */
  forEachInPriority(bid: boolean, visit: (node: BookNode) => boolean): void;
  /** Visits non-empty levels best-first until `visit` returns false. */
  forEachLevel(bid: boolean, visit: (price: number, size: number) => boolean): void;
  /** Number of resting nodes. */
  readonly count: number;
}

export const EMPTY_ASK = PRICE_SCALE + 1;
export const EMPTY_BID = -1;
const SLOTS = PRICE_SCALE + 1;

export class DenseBook implements BookCore {
  readonly kind = "dense" as const;
  private readonly bidHead: (BookNode | null)[] = new Array<BookNode | null>(SLOTS).fill(null);
  private readonly bidTail: (BookNode | null)[] = new Array<BookNode | null>(SLOTS).fill(null);
  private readonly askHead: (BookNode | null)[] = new Array<BookNode | null>(SLOTS).fill(null);
  private readonly askTail: (BookNode | null)[] = new Array<BookNode | null>(SLOTS).fill(null);
  private readonly bidSize = new Float64Array(SLOTS);
  private readonly askSize = new Float64Array(SLOTS);
  private bestBid = EMPTY_BID;
  private bestAsk = EMPTY_ASK;
  private nodes = 0;

  get count(): number {
    return this.nodes;
  }

  insert(node: BookNode): void {
    const p = node.yesPrice;
    node.next = null;
    if (node.bid) {
      const tail = this.bidTail[p] ?? null;
      node.prev = tail;
      if (tail === null) this.bidHead[p] = node;
      else tail.next = node;
      this.bidTail[p] = node;
      this.bidSize[p] = (this.bidSize[p] ?? 0) + node.remaining;
      if (p > this.bestBid) this.bestBid = p;
    } else {
      const tail = this.askTail[p] ?? null;
      node.prev = tail;
      if (tail === null) this.askHead[p] = node;
      else tail.next = node;
      this.askTail[p] = node;
      this.askSize[p] = (this.askSize[p] ?? 0) + node.remaining;
      if (p < this.bestAsk) this.bestAsk = p;
    }
    this.nodes++;
  }

  remove(node: BookNode): void {
    const p = node.yesPrice;
    const heads = node.bid ? this.bidHead : this.askHead;
    const tails = node.bid ? this.bidTail : this.askTail;
    if (node.prev === null) heads[p] = node.next;
    else node.prev.next = node.next;
    if (node.next === null) tails[p] = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    this.nodes--;
    if (node.bid) {
      this.bidSize[p] = (this.bidSize[p] ?? 0) - node.remaining;
      if (heads[p] === null) {
        this.bidSize[p] = 0;
        if (p === this.bestBid) {
          let q = p - 1;
          while (q >= 0 && this.bidHead[q] === null) q--;
          this.bestBid = q;
        }
      }
    } else {
      this.askSize[p] = (this.askSize[p] ?? 0) - node.remaining;
      if (heads[p] === null) {
        this.askSize[p] = 0;
        if (p === this.bestAsk) {
          let q = p + 1;
          while (q < SLOTS && this.askHead[q] === null) q++;
          this.bestAsk = q >= SLOTS ? EMPTY_ASK : q;
        }
      }
    }
  }

  reduce(node: BookNode, by: number): void {
    node.remaining -= by;
    if (node.bid) this.bidSize[node.yesPrice] = (this.bidSize[node.yesPrice] ?? 0) - by;
    else this.askSize[node.yesPrice] = (this.askSize[node.yesPrice] ?? 0) - by;
  }

  bestPrice(bid: boolean): number {
    return bid ? this.bestBid : this.bestAsk;
  }

  levelSize(bid: boolean, price: number): number {
    if (price < 0 || price >= SLOTS) return 0;
    return (bid ? this.bidSize[price] : this.askSize[price]) ?? 0;
  }

  forEachInPriority(bid: boolean, visit: (node: BookNode) => boolean): void {
    if (bid) {
      for (let p = this.bestBid; p >= 0; p--) {
        for (let n = this.bidHead[p] ?? null; n !== null; n = n.next) if (!visit(n)) return;
      }
    } else {
      for (let p = this.bestAsk; p < SLOTS; p++) {
        for (let n = this.askHead[p] ?? null; n !== null; n = n.next) if (!visit(n)) return;
      }
    }
  }

  forEachLevel(bid: boolean, visit: (price: number, size: number) => boolean): void {
    if (bid) {
      for (let p = this.bestBid; p >= 0; p--) if (this.bidHead[p] !== null && !visit(p, this.bidSize[p] ?? 0)) return;
    } else {
      for (let p = this.bestAsk; p < SLOTS; p++) if (this.askHead[p] !== null && !visit(p, this.askSize[p] ?? 0)) return;
    }
  }
}

/** Baseline: one unsorted array per side, every query scans. Same semantics as DenseBook. */
export class NaiveBook implements BookCore {
  readonly kind = "naive" as const;
  private readonly bids: BookNode[] = [];
  private readonly asks: BookNode[] = [];

  get count(): number {
    return this.bids.length + this.asks.length;
  }

  insert(node: BookNode): void {
    node.prev = null;
    node.next = null;
    (node.bid ? this.bids : this.asks).push(node);
  }

  remove(node: BookNode): void {
    const arr = node.bid ? this.bids : this.asks;
    const i = arr.indexOf(node);
    if (i >= 0) arr.splice(i, 1);
  }

  reduce(node: BookNode, by: number): void {
    node.remaining -= by;
  }

  bestPrice(bid: boolean): number {
    let best = bid ? EMPTY_BID : EMPTY_ASK;
    for (const n of bid ? this.bids : this.asks) if (bid ? n.yesPrice > best : n.yesPrice < best) best = n.yesPrice;
    return best;
  }

  levelSize(bid: boolean, price: number): number {
    let s = 0;
    for (const n of bid ? this.bids : this.asks) if (n.yesPrice === price) s += n.remaining;
    return s;
  }

  private sorted(bid: boolean): BookNode[] {
    return (bid ? this.bids : this.asks)
      .slice()
      .sort((a, b) => (a.yesPrice !== b.yesPrice ? (bid ? b.yesPrice - a.yesPrice : a.yesPrice - b.yesPrice) : a.seq - b.seq));
  }

  forEachInPriority(bid: boolean, visit: (node: BookNode) => boolean): void {
    for (const n of this.sorted(bid)) if (!visit(n)) return;
  }

  forEachLevel(bid: boolean, visit: (price: number, size: number) => boolean): void {
    const sorted = this.sorted(bid);
    let i = 0;
    while (i < sorted.length) {
      const p = sorted[i]?.yesPrice ?? 0;
      let s = 0;
      while (i < sorted.length && sorted[i]?.yesPrice === p) s += sorted[i++]?.remaining ?? 0;
      if (!visit(p, s)) return;
    }
  }
}
