/**
 * The simple reference model the property tests compare `OrderBook` against: two Maps and linear
 * scans. Written independently of the paged implementation; slow and obviously right.
 */
import type { BookSide, TickSize } from "@mm/types";
import type { BookRejectReason } from "../src/index.js";

export interface RawLevel {
  readonly price: number;
  readonly size: number;
}
export interface RawChange extends RawLevel {
  readonly side: BookSide | string;
}

function checkPriceSize(price: number, size: number, tick: number): BookRejectReason | undefined {
  if (!Number.isInteger(price) || price <= 0 || price >= 10_000) return "price_out_of_range";
  if (price % tick !== 0) return "off_grid";
  if (!Number.isSafeInteger(size) || size < 0) return "bad_size";
  return undefined;
}

export class ModelBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  epoch = 0;
  trusted = false;
  updates = 0;

  constructor(public tick: TickSize) {}

  snapshot(bids: readonly RawLevel[], asks: readonly RawLevel[], tick: TickSize = this.tick): BookRejectReason | undefined {
    for (const side of [bids, asks]) {
      const seen = new Set<number>();
      for (const l of side) {
        const r = checkPriceSize(l.price, l.size, tick);
        if (r) return r;
        if (seen.has(l.price)) return "duplicate_level";
        seen.add(l.price);
      }
    }
    this.tick = tick;
    this.bids = new Map(bids.filter((l) => l.size > 0).map((l) => [l.price, l.size]));
    this.asks = new Map(asks.filter((l) => l.size > 0).map((l) => [l.price, l.size]));
    this.epoch++;
    this.trusted = true;
    this.updates++;
    return undefined;
  }

  changes(changes: readonly RawChange[]): BookRejectReason | undefined {
    for (const c of changes) {
      if (c.side !== "BID" && c.side !== "ASK") return "bad_side";
      const r = checkPriceSize(c.price, c.size, this.tick);
      if (r) return r;
    }
    for (const c of changes) {
      const m = c.side === "BID" ? this.bids : this.asks;
      if (c.size === 0) m.delete(c.price);
      else m.set(c.price, c.size);
    }
    this.updates++;
    return undefined;
  }

  tickChange(tick: TickSize): number {
    if (tick === this.tick) return 0;
    let dropped = 0;
    for (const m of [this.bids, this.asks]) {
      for (const p of [...m.keys()]) {
        if (p % tick !== 0) {
          m.delete(p);
          dropped++;
        }
      }
    }
    this.tick = tick;
    this.epoch++;
    this.trusted = false;
    this.updates++;
    return dropped;
  }

  bestBid(): number | undefined {
    let best: number | undefined;
    for (const p of this.bids.keys()) if (best === undefined || p > best) best = p;
    return best;
  }

  bestAsk(): number | undefined {
    let best: number | undefined;
    for (const p of this.asks.keys()) if (best === undefined || p < best) best = p;
    return best;
  }

  sorted(side: BookSide): [number, number][] {
    const m = side === "BID" ? this.bids : this.asks;
    return [...m.entries()].sort((a, b) => (side === "BID" ? b[0] - a[0] : a[0] - b[0]));
  }

  depthWithin(side: BookSide, distance: number): number {
    const best = side === "BID" ? this.bestBid() : this.bestAsk();
    if (best === undefined) return 0;
    let total = 0;
    for (const [p, s] of side === "BID" ? this.bids : this.asks) if (Math.abs(p - best) <= distance) total += s;
    return total;
  }
}
