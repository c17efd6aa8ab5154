import { TICK_SIZES, type TickSize, tokenId } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderBook } from "../src/index.js";
import { ModelBook, type RawChange, type RawLevel } from "./model.js";

/**
 * Random snapshots, level updates (valid and corrupted), tick changes and trust flips, applied to
 * both `OrderBook` and the Map-based model; after every step the BBO, crossed/locked state, level
 * counts, top levels, depth, sizes at probe prices, epoch and trust must agree.
 */

type Corruption = "off_grid" | "price_zero" | "price_one" | "price_nan" | "neg_size" | "frac_size" | "bad_side" | "duplicate";

// Raw prices: clustered around a centre (paged structure: many levels in few pages) or anywhere.
const rawPrice = fc.oneof(
  fc.integer({ min: 4_700, max: 5_300 }),
  fc.integer({ min: 1, max: 9_999 }),
  fc.constantFrom(1, 9_999, 31, 32, 33, 64),
);
const rawSize = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000_000_000 }), fc.integer({ min: 1, max: 100 }));
const side = fc.constantFrom<"BID" | "ASK">("BID", "ASK");
const corruption = fc.option(
  fc.record({
    kind: fc.constantFrom<Corruption>("off_grid", "price_zero", "price_one", "price_nan", "neg_size", "frac_size", "bad_side", "duplicate"),
    at: fc.nat(),
  }),
  { freq: 4 },
);

const op = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("snapshot" as const),
      bids: fc.array(fc.record({ price: rawPrice, size: rawSize }), { maxLength: 60 }),
      asks: fc.array(fc.record({ price: rawPrice, size: rawSize }), { maxLength: 60 }),
      tick: fc.option(fc.constantFrom(...TICK_SIZES), { freq: 3 }),
      corrupt: corruption,
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant("changes" as const),
      changes: fc.array(fc.record({ side, price: rawPrice, size: rawSize }), { minLength: 1, maxLength: 8 }),
      corrupt: corruption,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("tick" as const), tick: fc.constantFrom(...TICK_SIZES) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("untrust" as const) }) },
);

/** Snaps a raw price onto the grid inside (0, 1). */
function snap(raw: number, tick: number): number {
  const p = Math.round(raw / tick) * tick;
  return Math.min(10_000 - tick, Math.max(tick, p));
}

function corrupt<T extends RawLevel | RawChange>(items: T[], c: { kind: Corruption; at: number } | null, tick: number): T[] {
  if (c === null || items.length === 0) return items;
  const i = c.at % items.length;
  const out = [...items];
  const item = out[i]!;
  switch (c.kind) {
    case "off_grid":
      if (tick === 1) return items;
      out[i] = { ...item, price: item.price - 1 };
      break;
    case "price_zero":
      out[i] = { ...item, price: 0 };
      break;
    case "price_one":
      out[i] = { ...item, price: 10_000 };
      break;
    case "price_nan":
      out[i] = { ...item, price: Number.NaN };
      break;
    case "neg_size":
      out[i] = { ...item, size: -5 };
      break;
    case "frac_size":
      out[i] = { ...item, size: 2.5 };
      break;
    case "bad_side":
      if (!("side" in item)) return items;
      out[i] = { ...item, side: "MID" };
      break;
    case "duplicate":
      out.push({ ...item, size: item.size + 1 });
      break;
  }
  return out;
}

function dedupe(levels: RawLevel[]): RawLevel[] {
  const seen = new Set<number>();
  return levels.filter((l) => {
    if (seen.has(l.price)) return false;
    seen.add(l.price);
    return true;
  });
}

function assertSame(book: OrderBook, model: ModelBook, probes: readonly number[]): void {
  expect(book.bestBid()).toBe(model.bestBid());
  expect(book.bestAsk()).toBe(model.bestAsk());
  const b = model.bestBid();
  const a = model.bestAsk();
  expect(book.isCrossedOrLocked()).toBe(b !== undefined && a !== undefined && b >= a);
  expect(book.isCrossed()).toBe(b !== undefined && a !== undefined && b > a);
  expect(book.mid()).toBe(b !== undefined && a !== undefined ? (b + a) / 2 : undefined);
  expect(book.spread()).toBe(b !== undefined && a !== undefined ? a - b : undefined);
  expect(book.tickSize).toBe(model.tick);
  expect(book.epoch).toBe(model.epoch);
  expect(book.trusted).toBe(model.trusted);
  expect(book.updateCount).toBe(model.updates);
  for (const s of ["BID", "ASK"] as const) {
    const sorted = model.sorted(s);
    expect(book.levelCount(s)).toBe(sorted.length);
    expect(book.topLevels(s, 5).map((l) => [l.price, l.size])).toEqual(sorted.slice(0, 5));
    for (const d of [0, 50, 333]) expect(book.depthWithin(s, d)).toBe(model.depthWithin(s, d));
    const m = s === "BID" ? model.bids : model.asks;
    for (const p of probes) expect(book.sizeAt(s, p as never)).toBe(m.get(p) ?? 0);
  }
}

describe("OrderBook vs Map model (property)", () => {
  it("agrees on BBO, levels and flags after every step of random snapshots, updates and tick changes", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TICK_SIZES), fc.array(op, { minLength: 1, maxLength: 60 }), (startTick: TickSize, ops) => {
        const book = new OrderBook(tokenId("1"), startTick);
        const model = new ModelBook(startTick);
        let ts = 1;
        for (const o of ops) {
          ts++;
          if (o.t === "snapshot") {
            const tick = o.tick ?? model.tick;
            const bids = dedupe(o.bids.map((l) => ({ price: snap(l.price, tick), size: l.size })));
            const asks = dedupe(o.asks.map((l) => ({ price: snap(l.price, tick), size: l.size })));
            const both = corrupt([...bids, ...asks], o.corrupt, tick);
            const bidsIn = both.slice(0, bids.length);
            const asksIn = both.slice(bids.length);
            const expected = model.snapshot(bidsIn, asksIn, tick);
            const got = book.replace(bidsIn, asksIn, ts, 0, o.tick ?? undefined);
            expect(got).toBe(expected);
          } else if (o.t === "changes") {
            const changes = corrupt(
              o.changes.map((c) => ({ side: c.side, price: snap(c.price, model.tick), size: c.size })),
              o.corrupt,
              model.tick,
            );
            const expected = model.changes(changes);
            const got = book.applyChanges(changes as never, ts);
            expect(got).toBe(expected);
          } else if (o.t === "tick") {
            const dropped = model.tickChange(o.tick);
            expect(book.changeTickSize(o.tick, ts)).toBeUndefined();
            if (book.tickSize !== o.tick || dropped > 0) expect(book.lastTickChangeDropped).toBe(dropped);
          } else {
            book.markUntrusted();
            model.trusted = false;
          }
          const probes = [...model.bids.keys(), ...model.asks.keys()].slice(0, 6);
          probes.push(snap(5_000, model.tick), snap(1, model.tick));
          assertSame(book, model, probes);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("single-level stream (setLevel) keeps the tracked best equal to a full scan", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TickSize>(1, 25, 10),
        fc.array(fc.record({ side, price: rawPrice, size: rawSize }), { minLength: 1, maxLength: 400 }),
        (tick, stream) => {
          const book = new OrderBook(tokenId("2"), tick);
          const model = new ModelBook(tick);
          for (const u of stream) {
            const price = snap(u.price, tick);
            expect(book.setLevel(u.side, price, u.size, 1)).toBeUndefined();
            model.changes([{ side: u.side, price, size: u.size }]);
            expect(book.bestBid()).toBe(model.bestBid());
            expect(book.bestAsk()).toBe(model.bestAsk());
          }
          expect(book.levelCount("BID") + book.levelCount("ASK")).toBe(model.bids.size + model.asks.size);
        },
      ),
      { numRuns: 200 },
    );
  });
});
