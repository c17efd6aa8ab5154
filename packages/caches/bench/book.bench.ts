/**
 * @mm/caches benches (PERFORMANCE.md G2, G12).
 *
 * - G2: `OrderBook.setLevel` vs an in-harness dense `Float64Array` book (tracked best, rescan on
 *   best delete) on the same pre-generated stream (1001 and 10001 ticks); top of book is checked
 *   equal after every update before anything is timed.
 * - best-price query cost through the `BookView` API.
 * - G12: memory per book over 5,000 books (0.01, 0.001 and 0.0001 grids) vs the dense reference.
 * - Multi-token frames through `BookStore.applyPriceChanges` (validation + atomicity included).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { compareNsPerOp, defineBenches } from "@mm/bench";
import { type TickSize, type TokenId, tokenId } from "@mm/types";
import { BookStore, OrderBook, type TokenLevelChange } from "../src/index.js";

// ---------------------------------------------------------------------------------------------
// The dense reference (what PERFORMANCE.md §2(b)(i) measured): one Float64Array per side indexed by
// tick, best tracked, linear rescan when the best level is deleted.

class DenseBook {
  readonly bids: Float64Array;
  readonly asks: Float64Array;
  bestBid = -1;
  bestAsk = -1;
  constructor(readonly slots: number) {
    this.bids = new Float64Array(slots);
    this.asks = new Float64Array(slots);
  }
  set(isAsk: boolean, slot: number, size: number): void {
    if (!isAsk) {
      this.bids[slot] = size;
      if (size > 0) {
        if (slot > this.bestBid) this.bestBid = slot;
      } else if (slot === this.bestBid) {
        let i = slot - 1;
        while (i >= 0 && this.bids[i] === 0) i--;
        this.bestBid = i;
      }
    } else {
      this.asks[slot] = size;
      if (size > 0) {
        if (this.bestAsk < 0 || slot < this.bestAsk) this.bestAsk = slot;
      } else if (slot === this.bestAsk) {
        let i = slot + 1;
        while (i < this.slots && this.asks[i] === 0) i++;
        this.bestAsk = i < this.slots ? i : -1;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Streams

/** Deterministic PRNG (mulberry32) so candidate and reference see identical inputs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Stream {
  readonly n: number;
  readonly isAsk: Uint8Array;
  /** Slot (tick count) for the reference. */
  readonly slots: Int32Array;
  /** Price units for the candidate. */
  readonly prices: Int32Array;
  readonly sizes: Float64Array;
}

/**
 * Level updates exponentially distributed around a drifting mid (mean `meanTicks`), 30% deletions,
 * as in PERFORMANCE.md §2(b).
 */
function makeStream(n: number, tick: TickSize, meanTicks: number, seed: number): Stream {
  const maxSlot = 10_000 / tick;
  const r = rng(seed);
  const isAsk = new Uint8Array(n);
  const slots = new Int32Array(n);
  const prices = new Int32Array(n);
  const sizes = new Float64Array(n);
  let mid = maxSlot / 2;
  for (let i = 0; i < n; i++) {
    mid = Math.min(maxSlot * 0.8, Math.max(maxSlot * 0.2, mid + (r() - 0.5) * 0.2));
    const ask = r() < 0.5;
    const d = 1 + Math.floor(-Math.log(1 - r()) * meanTicks);
    const m = Math.round(mid);
    const slot = Math.min(maxSlot - 1, Math.max(1, ask ? m + d : m - d));
    isAsk[i] = ask ? 1 : 0;
    slots[i] = slot;
    prices[i] = slot * tick;
    sizes[i] = r() < 0.3 ? 0 : 1 + Math.floor(r() * 1e9);
  }
  return { n, isAsk, slots, prices, sizes };
}

function runCandidate(book: OrderBook, s: Stream): void {
  const { n, isAsk, prices, sizes } = s;
  for (let i = 0; i < n; i++) book.setLevel(isAsk[i] === 1 ? "ASK" : "BID", prices[i]!, sizes[i]!, i);
}

function runReference(book: DenseBook, s: Stream): void {
  const { n, isAsk, slots, sizes } = s;
  for (let i = 0; i < n; i++) book.set(isAsk[i] === 1, slots[i]!, sizes[i]!);
}

/** Applies both, checking top of book after every update; throws on the first mismatch. */
function crossCheck(tick: TickSize, s: Stream): { levels: number; bytes: number } {
  const book = new OrderBook(tokenId("1"), tick);
  const ref = new DenseBook(10_000 / tick + 1);
  for (let i = 0; i < s.n; i++) {
    const ask = s.isAsk[i] === 1;
    const reason = book.setLevel(ask ? "ASK" : "BID", s.prices[i]!, s.sizes[i]!, i);
    if (reason !== undefined) throw new Error(`update ${i} refused: ${reason}`);
    ref.set(ask, s.slots[i]!, s.sizes[i]!);
    const bb = ref.bestBid < 0 ? undefined : ref.bestBid * tick;
    const ba = ref.bestAsk < 0 ? undefined : ref.bestAsk * tick;
    if (book.bestBid() !== bb || book.bestAsk() !== ba) {
      throw new Error(`top of book mismatch at update ${i}: ${book.bestBid()}/${book.bestAsk()} vs ${bb}/${ba}`);
    }
  }
  return { levels: book.levelCount("BID") + book.levelCount("ASK"), bytes: book.bytes() };
}

function applyBench(tick: TickSize, meanTicks: number) {
  const slots = 10_000 / tick + 1;
  return {
    name: `caches/book apply ${slots} ticks`,
    unit: "M upd/s",
    better: "higher" as const,
    target: { minRatio: 0.5, minValue: 20 },
    measure(ctx: { n(full: number, smoke?: number): number }) {
      const s = makeStream(ctx.n(1_000_000, 2_000), tick, meanTicks, 42 + tick);
      const end = crossCheck(tick, s);
      const { candidateNs, baselineNs } = compareNsPerOp(
        () => runCandidate(new OrderBook(tokenId("1"), tick), s),
        () => runReference(new DenseBook(slots), s),
        s.n,
      );
      return {
        value: 1_000 / candidateNs,
        baseline: 1_000 / baselineNs,
        details: {
          candidateNsPerUpdate: Number(candidateNs.toFixed(2)),
          referenceNsPerUpdate: Number(baselineNs.toFixed(2)),
          updates: s.n,
          levelsAtEnd: end.levels,
          bookBytesAtEnd: end.bytes,
          denseBytes: slots * 16,
          topOfBookChecked: "every update",
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Memory

function snapshotFor(tick: TickSize, meanTicks: number, perSide: number, r: () => number) {
  const maxSlot = 10_000 / tick;
  const mid = Math.round(maxSlot * (0.3 + 0.4 * r()));
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const cap = Math.min(perSide, mid - 2, maxSlot - mid - 2);
  while (bids.size < cap) bids.set(Math.max(1, mid - 1 - Math.floor(-Math.log(1 - r()) * meanTicks)) * tick, 1 + Math.floor(r() * 1e9));
  while (asks.size < cap)
    asks.set(Math.min(maxSlot - 1, mid + 1 + Math.floor(-Math.log(1 - r()) * meanTicks)) * tick, 1 + Math.floor(r() * 1e9));
  const toLevels = (m: Map<number, number>) => [...m].map(([price, size]) => ({ price, size }));
  return { bids: toLevels(bids), asks: toLevels(asks) };
}

/** A full GC before each reading, even when node was started without --expose-gc. */
const gc: (() => void) | undefined = (() => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") return g;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
})();

function heapNow(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function memoryBench(tick: TickSize, label: string, meanTicks: number, perSide: number, maxKb: number) {
  const slots = 10_000 / tick + 1;
  return {
    name: `caches/book memory ${label} grid`,
    unit: "KB/book",
    better: "lower" as const,
    target: { maxValue: maxKb },
    measure(ctx: { n(full: number, smoke?: number): number }) {
      const books = ctx.n(5_000, 5);
      const r = rng(7 + tick);
      const snaps = Array.from({ length: Math.min(books, 200) }, () => snapshotFor(tick, meanTicks, perSide, r));
      const ids: TokenId[] = Array.from({ length: books }, (_, i) => tokenId(String(1_000_000 + i)));
      const before = heapNow();
      const held: OrderBook[] = [];
      let arrayBytes = 0;
      for (let i = 0; i < books; i++) {
        const snap = snaps[i % snaps.length]!;
        const book = new OrderBook(ids[i]!, tick);
        const reason = book.replace(snap.bids, snap.asks, 1);
        if (reason !== undefined) throw new Error(`snapshot refused: ${reason}`);
        const want = Math.max(...snap.bids.map((l) => l.price));
        if (book.bestBid() !== want) throw new Error(`best bid ${book.bestBid()} != ${want}`);
        arrayBytes += book.bytes();
        held.push(book);
      }
      const candidate = (heapNow() - before) / books;
      // The dense reference at 160 KB/book on the 0.0001 grid is measured on at most 1,000 books.
      const denseBooks = Math.min(books, 1_000);
      const before2 = heapNow();
      const dense: DenseBook[] = [];
      for (let i = 0; i < denseBooks; i++) {
        const snap = snaps[i % snaps.length]!;
        const d = new DenseBook(slots);
        for (const l of snap.bids) d.set(false, l.price / tick, l.size);
        for (const l of snap.asks) d.set(true, l.price / tick, l.size);
        dense.push(d);
      }
      const baseline = (heapNow() - before2) / denseBooks;
      if (held.length !== books || dense.length !== denseBooks) throw new Error("lost books");
      return {
        value: candidate / 1024,
        baseline: baseline / 1024,
        details: {
          books,
          levelsPerSide: snaps[0]!.bids.length,
          levelArraysKbPerBook: Number((arrayBytes / books / 1024).toFixed(2)),
          denseBooksMeasured: denseBooks,
          gcForced: gc !== undefined,
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------

export default defineBenches([
  applyBench(10, 20),
  applyBench(1, 200),
  {
    name: "caches/best bid+ask query",
    unit: "ns/query",
    better: "lower",
    target: { maxValue: 5 },
    measure(ctx) {
      const n = ctx.n(10_000_000, 10_000);
      const s = makeStream(20_000, 1, 200, 3);
      const book = new OrderBook(tokenId("1"), 1);
      runCandidate(book, s);
      const ref = new DenseBook(10_001);
      runReference(ref, s);
      if (book.bestBid() !== ref.bestBid || book.bestAsk() !== ref.bestAsk) throw new Error("top of book mismatch");
      const view = book as { bestBid(): number | undefined; bestAsk(): number | undefined };
      let sink = 0;
      // interleaved with the baseline (a plain field read of the dense book), median of 5
      const { candidateNs, baselineNs } = compareNsPerOp(
        () => {
          let s = 0;
          for (let i = 0; i < n; i++) s += (view.bestBid() ?? 0) + (view.bestAsk() ?? 0);
          sink += s;
        },
        () => {
          let s = 0;
          for (let i = 0; i < n; i++) s += ref.bestBid + ref.bestAsk;
          sink += s;
        },
        2 * n,
      );
      if (sink === -1) throw new Error("unreachable");
      return { value: candidateNs, baseline: baselineNs, details: { queries: 2 * n } };
    },
  },
  memoryBench(100, "0.01", 10, 60, 16.5),
  memoryBench(10, "0.001", 20, 100, 16.5),
  memoryBench(1, "0.0001", 200, 100, 50),
  {
    name: "caches/store multi-token frame apply",
    unit: "M changes/s",
    better: "higher",
    target: {},
    measure(ctx) {
      // price_change-like frames: 2 changes each (YES at p, NO at 1-p on the other side), 200 tokens.
      const frames = ctx.n(500_000, 500);
      const tokens = Array.from({ length: 200 }, (_, i) => tokenId(String(10 + i)));
      const s = makeStream(frames, 100, 10, 11);
      const built: TokenLevelChange[][] = [];
      for (let i = 0; i < frames; i++) {
        const pair = (i % 100) * 2;
        const yes = tokens[pair]!;
        const no = tokens[pair + 1]!;
        const ask = s.isAsk[i] === 1;
        built.push([
          { assetId: yes, side: ask ? "ASK" : "BID", price: s.prices[i]!, size: s.sizes[i]! },
          { assetId: no, side: ask ? "BID" : "ASK", price: 10_000 - s.prices[i]!, size: s.sizes[i]! },
        ]);
      }
      const fresh = () => {
        const store = new BookStore();
        for (const t of tokens) store.registerToken(t, 100);
        return store;
      };
      const refs = () => tokens.map(() => new DenseBook(101));
      let store = fresh();
      let dense = refs();
      for (let i = 0; i < frames; i++) {
        if (store.applyPriceChanges(built[i]!, i) !== undefined) throw new Error(`frame ${i} refused`);
        for (const c of built[i]!) dense[tokens.indexOf(c.assetId as TokenId)]!.set(c.side === "ASK", c.price / 100, c.size);
      }
      tokens.forEach((t, k) => {
        const b = store.book(t)!;
        const d = dense[k]!;
        if (b.bestBid() !== (d.bestBid < 0 ? undefined : d.bestBid * 100)) throw new Error(`token ${k} best bid mismatch`);
      });
      const index = new Map(tokens.map((t, k) => [t, k]));
      const { candidateNs, baselineNs } = compareNsPerOp(
        () => {
          store = fresh();
          for (let i = 0; i < frames; i++) store.applyPriceChanges(built[i]!, i);
          store.drainDirty();
        },
        () => {
          dense = refs();
          for (let i = 0; i < frames; i++) {
            const f = built[i]!;
            for (let j = 0; j < f.length; j++) {
              const c = f[j]!;
              dense[index.get(c.assetId as TokenId)!]!.set(c.side === "ASK", c.price / 100, c.size);
            }
          }
        },
        frames * 2,
        { reps: 3, warmup: 1 },
      );
      return { value: 1_000 / candidateNs, baseline: 1_000 / baselineNs, details: { frames, changesPerFrame: 2, tokens: 200 } };
    },
  },
]);
