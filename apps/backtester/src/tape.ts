/**
 * The tape: a session's normalized market events in columnar typed arrays, time-ordered.
 *
 * Everything is YES-space and integer: a level of the NO book at q is stored as the YES level at
 * 1 − q on the other side; a trade on NO is the YES trade with the taker side flipped. Prices are
 * @mm/types price units, sizes micro-shares. Reference quotes (floats, USD) use `size` for the bid
 * and `aux` for the ask.
 *
 * | kind        | market | side                     | price            | size            | aux     |
 * |-------------|--------|--------------------------|------------------|-----------------|---------|
 * | SNAPSHOT    | m      | –                        | –                | level count     | –       |
 * | LEVEL       | m      | 0 bid / 1 ask            | YES price        | absolute size   | –       |
 * | TRADE       | m      | taker 0 BUY / 1 SELL YES | YES price        | size            | –       |
 * | REFERENCE   | symbol | –                        | –                | bid             | ask     |
 * | TICK_SIZE   | m      | –                        | new tick (units) | –               | –       |
 * | RESOLVE     | m      | 0 YES won / 1 NO won     | –                | –               | –       |
 *
 * A SNAPSHOT event is followed by exactly `size` LEVEL events with the same time that replace the
 * market's book.
 */
import type { MarketInfo } from "@mm/types";

export const EventKind = {
  SNAPSHOT: 0,
  LEVEL: 1,
  TRADE: 2,
  REFERENCE: 3,
  TICK_SIZE: 4,
  RESOLVE: 5,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];
export const EVENT_KIND_NAMES = ["SNAPSHOT", "LEVEL", "TRADE", "REFERENCE", "TICK_SIZE", "RESOLVE"] as const;

export const SIDE_BID = 0;
export const SIDE_ASK = 1;
export const TAKER_BUY = 0;
export const TAKER_SELL = 1;

export interface TapeMeta {
  readonly markets: readonly MarketInfo[];
  readonly symbols: readonly string[];
  /** Free-form provenance ("synthetic seed 7", "recorder 2026-11-01T00:00/01:00"). */
  readonly source: string;
}

export interface Tape extends TapeMeta {
  readonly length: number;
  readonly time: Float64Array;
  readonly kind: Uint8Array;
  readonly market: Uint16Array;
  readonly side: Uint8Array;
  readonly price: Int32Array;
  readonly size: Float64Array;
  readonly aux: Float64Array;
}

/** Appends events (amortized growth); `build()` returns a trimmed, time-checked tape. */
export class TapeBuilder {
  private n = 0;
  private cap: number;
  private time: Float64Array;
  private kind: Uint8Array;
  private market: Uint16Array;
  private side: Uint8Array;
  private price: Int32Array;
  private size: Float64Array;
  private aux: Float64Array;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly meta: TapeMeta,
    initialCapacity = 1024,
  ) {
    this.cap = Math.max(16, initialCapacity);
    this.time = new Float64Array(this.cap);
    this.kind = new Uint8Array(this.cap);
    this.market = new Uint16Array(this.cap);
    this.side = new Uint8Array(this.cap);
    this.price = new Int32Array(this.cap);
    this.size = new Float64Array(this.cap);
    this.aux = new Float64Array(this.cap);
  }

  get length(): number {
    return this.n;
  }

  push(time: number, kind: EventKind, market: number, side: number, price: number, size: number, aux = 0): void {
    if (!Number.isFinite(time)) throw new RangeError(`tape: event time must be finite (got ${time})`);
    if (time < this.lastTime) throw new RangeError(`tape: events must be time-ordered (${time} after ${this.lastTime})`);
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.lastTime = time;
    this.time[i] = time;
    this.kind[i] = kind;
    this.market[i] = market;
    this.side[i] = side;
    this.price[i] = price;
    this.size[i] = size;
    this.aux[i] = aux;
  }

  snapshot(
    time: number,
    market: number,
    bids: readonly { price: number; size: number }[],
    asks: readonly { price: number; size: number }[],
  ): void {
    this.push(time, EventKind.SNAPSHOT, market, 0, 0, bids.length + asks.length);
    for (const l of bids) this.push(time, EventKind.LEVEL, market, SIDE_BID, l.price, l.size);
    for (const l of asks) this.push(time, EventKind.LEVEL, market, SIDE_ASK, l.price, l.size);
  }

  build(): Tape {
    const n = this.n;
    return {
      ...this.meta,
      length: n,
      time: this.time.slice(0, n),
      kind: this.kind.slice(0, n),
      market: this.market.slice(0, n),
      side: this.side.slice(0, n),
      price: this.price.slice(0, n),
      size: this.size.slice(0, n),
      aux: this.aux.slice(0, n),
    };
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Float64Array | Uint8Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.cap);
      b.set(a);
      return b;
    };
    this.time = g(this.time, (n) => new Float64Array(n));
    this.kind = g(this.kind, (n) => new Uint8Array(n));
    this.market = g(this.market, (n) => new Uint16Array(n));
    this.side = g(this.side, (n) => new Uint8Array(n));
    this.price = g(this.price, (n) => new Int32Array(n));
    this.size = g(this.size, (n) => new Float64Array(n));
    this.aux = g(this.aux, (n) => new Float64Array(n));
  }
}

/** Problems of a tape that would make a replay meaningless (checked once after decoding untrusted input). */
export function validateTape(t: Tape): string[] {
  const problems: string[] = [];
  const nm = t.markets.length;
  const ns = t.symbols.length;
  const { time, kind, market, side, price, size } = t;
  const n = t.length;
  if (time.length < n || kind.length < n || market.length < n || side.length < n || price.length < n || size.length < n || t.aux.length < n)
    return ["a column is shorter than the event count"];
  let last = Number.NEGATIVE_INFINITY;
  // One tight pass; details are only built for the first few bad events.
  for (let i = 0; i < n; i++) {
    const tm = time[i] as number;
    const k = kind[i] as number;
    const m = market[i] as number;
    let bad = !(tm >= last) || k > 5;
    last = tm;
    if (k === 3) bad ||= m >= ns;
    else {
      bad ||= m >= nm;
      if (k === 1 || k === 2) {
        const p = price[i] as number;
        const q = size[i] as number;
        bad ||= !(p > 0 && p < 10_000) || !(q >= 0 && q <= Number.MAX_SAFE_INTEGER && Math.floor(q) === q) || (side[i] as number) > 1;
      }
    }
    if (bad) {
      problems.push(describeBad(t, i, nm, ns, i > 0 ? (time[i - 1] as number) : Number.NEGATIVE_INFINITY));
      if (problems.length >= 10) break;
    }
  }
  return problems;
}

function describeBad(t: Tape, i: number, nm: number, ns: number, prev: number): string {
  const tm = t.time[i] as number;
  const k = t.kind[i] as number;
  const m = t.market[i] as number;
  if (!(tm >= prev)) return `event ${i}: time ${tm} not ordered`;
  if (k > 5) return `event ${i}: unknown kind ${k}`;
  if (k === 3) return `event ${i}: unknown symbol index ${m}`;
  if (m >= nm) return `event ${i}: unknown market index ${m}`;
  const p = t.price[i] as number;
  if (!(p > 0 && p < 10_000)) return `event ${i}: price ${p} out of (0, 1)`;
  const q = t.size[i] as number;
  if (!(Number.isSafeInteger(q) && q >= 0)) return `event ${i}: size ${q} not a non-negative integer`;
  void ns;
  return `event ${i}: side ${t.side[i]}`;
}
