/**
 * Own-order stripping on hand-built recordings: our live orders appear in the recorded book a few
 * ms before or after the journal saw their ack; the transform removes exactly them, keeps everyone
 * else's liquidity, and counts what it could not attribute.
 */
import type { JournalEntry } from "@mm/executor";
import type { OrderId, Side, TokenId, UserEvent } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventKind, ownOrderDeltas, stripOwnOrders, type Tape, validateTape } from "../src/index.js";
import { MARKET, SH, T0, tapeOf } from "./support/tapes.js";

const YES = MARKET.yes.tokenId;
const NO = MARKET.no.tokenId;

/** A journal under construction: our order lifecycle as the executor records it. */
class J {
  readonly entries: JournalEntry[] = [];
  private seq = 0;
  private action = 0;
  private push(at: number, body: Record<string, unknown>): void {
    this.entries.push({ seq: ++this.seq, at, ...body } as unknown as JournalEntry);
  }
  /** PLACE sent at `at`, acked at `ackAt` (resting). Returns the order id. */
  place(at: number, ackAt: number, tokenId: TokenId, side: Side, price: number, shares: number, n: number): OrderId {
    const actionId = ++this.action;
    const clientOrderId = `c${n}`;
    const orderId = `0x${n.toString(16).padStart(64, "0")}` as OrderId;
    this.push(at, {
      type: "action",
      action: {
        kind: "PLACE",
        actionId,
        order: { clientOrderId, tokenId, side, price, size: shares * SH, orderType: "GTC", postOnly: true },
      },
    });
    this.push(ackAt, { type: "gateway", result: { kind: "PLACE_ACK", actionId, clientOrderId, orderId, venueStatus: "live", at: ackAt } });
    return orderId;
  }
  cancelAck(at: number, orderId: OrderId): void {
    this.push(at, {
      type: "gateway",
      result: { kind: "CANCEL_ACK", actionId: ++this.action, orderId, clientOrderId: "x", canceled: true, at },
    });
  }
  fill(at: number, orderId: OrderId, tokenId: TokenId, side: Side, price: number, shares: number, trade: string): void {
    const event: UserEvent = {
      kind: "fill",
      tradeId: trade as never,
      orderId,
      conditionId: MARKET.conditionId,
      tokenId,
      side,
      price: price as never,
      size: (shares * SH) as never,
      status: "MATCHED",
      role: "MAKER",
      feeRateBps: 0,
      matchTime: Math.floor(at / 1000) * 1000,
      timestamp: at,
    };
    this.push(at, { type: "user", event });
  }
}

/** YES-space book of the tape after all events: side → price → size (shares). */
function finalBook(t: Tape): { bids: Map<number, number>; asks: Map<number, number> } {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (let i = 0; i < t.length; i++) {
    const k = t.kind[i] as number;
    if (k === EventKind.SNAPSHOT) {
      bids.clear();
      asks.clear();
      continue; // its LEVELs follow and are applied below
    }
    if (k !== EventKind.LEVEL) continue;
    const m = t.side[i] === 0 ? bids : asks;
    const s = (t.size[i] as number) / SH;
    if (s === 0) m.delete(t.price[i] as number);
    else m.set(t.price[i] as number, s);
  }
  return { bids, asks };
}

/** Every LEVEL of `t` at (side, price) in order: [time, shares]. */
function levelHistory(t: Tape, side: 0 | 1, price: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < t.length; i++)
    if (t.kind[i] === EventKind.LEVEL && t.side[i] === side && t.price[i] === price)
      out.push([(t.time[i] as number) - T0, (t.size[i] as number) / SH]);
  return out;
}

describe("ownOrderDeltas", () => {
  it("place, maker fill and cancel of one order sum to zero; a NO order is a YES-space level", () => {
    const j = new J();
    const a = j.place(T0, T0 + 20, YES, "BUY", 4_800, 10, 1);
    j.fill(T0 + 100, a, YES, "BUY", 4_800, 4, "t1");
    j.fill(T0 + 150, a, YES, "BUY", 4_800, 4, "t1"); // a later status of the same leg: no second move
    j.cancelAck(T0 + 200, a);
    const b = j.place(T0 + 300, T0 + 310, NO, "BUY", 4_900, 7, 2); // BUY NO 0.49 = YES ask 0.51
    const ds = ownOrderDeltas(j.entries, [MARKET]);
    expect(ds.map((d) => [d.at - T0, d.kind, d.side, d.price, d.size / SH])).toEqual([
      [20, "place", 0, 4_800, 10],
      [100, "fill", 0, 4_800, -4],
      [200, "cancel", 0, 4_800, -6],
      [310, "place", 1, 5_100, 7],
    ]);
    expect(b).toBeDefined();
  });
});

describe("stripOwnOrders", () => {
  it("removes our order wherever its update lands within the window, before or after the ack", () => {
    const j = new J();
    const a = j.place(T0 + 90, T0 + 100, YES, "BUY", 4_800, 10, 1); // acked at +100
    j.cancelAck(T0 + 500, a);
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4_800, size: 30 * SH }], [{ price: 5_200, size: 20 * SH }]);
      b.push(T0 + 97, EventKind.LEVEL, 0, 0, 4_800, 40 * SH); // our order, seen 3 ms BEFORE the ack
      b.push(T0 + 300, EventKind.LEVEL, 0, 0, 4_800, 35 * SH); // someone cancels 5
      b.push(T0 + 504, EventKind.LEVEL, 0, 0, 4_800, 25 * SH); // our cancel, 4 ms after its ack
    });
    const { tape: out, stats } = stripOwnOrders(tape, j.entries, { windowMs: 50 });
    expect(levelHistory(out, 0, 4_800)).toEqual([
      [0, 30],
      [300, 25],
    ]);
    expect(stats).toMatchObject({ deltas: 2, matched: 2, forced: 0, excessLevels: 0, clampedSize: 0 });
    expect(validateTape(out)).toEqual([]);
  });

  it("an order's deltas apply in order: someone else's equal decrease before our place is not our cancel", () => {
    const j = new J();
    const a = j.place(T0 + 95, T0 + 100, YES, "BUY", 4_800, 10, 1);
    j.cancelAck(T0 + 110, a);
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4_800, size: 30 * SH }], []);
      b.push(T0 + 20, EventKind.LEVEL, 0, 0, 4_800, 20 * SH); // another maker cancels exactly 10
      b.push(T0 + 101, EventKind.LEVEL, 0, 0, 4_800, 30 * SH); // our place
      b.push(T0 + 111, EventKind.LEVEL, 0, 0, 4_800, 20 * SH); // our cancel
    });
    const { tape: out, stats } = stripOwnOrders(tape, j.entries, { windowMs: 250 });
    expect(levelHistory(out, 0, 4_800)).toEqual([
      [0, 30],
      [20, 20],
    ]);
    expect(stats).toMatchObject({ matched: 2, forced: 0, clampedSize: 0, excessLevels: 0 });
  });

  it("a batch cancel of two of our orders at one level is one update of their summed size", () => {
    const j = new J();
    const a = j.place(T0 + 10, T0 + 12, YES, "BUY", 4_800, 5, 1);
    const b2 = j.place(T0 + 10, T0 + 13, YES, "BUY", 4_800, 5, 2);
    j.cancelAck(T0 + 300, a);
    j.cancelAck(T0 + 300, b2);
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4_800, size: 30 * SH }], []);
      b.push(T0 + 11, EventKind.LEVEL, 0, 0, 4_800, 35 * SH);
      b.push(T0 + 11, EventKind.LEVEL, 0, 0, 4_800, 40 * SH);
      b.push(T0 + 299, EventKind.LEVEL, 0, 0, 4_800, 30 * SH); // both cancels in one update
    });
    const { tape: out, stats } = stripOwnOrders(tape, j.entries, { windowMs: 50 });
    expect(levelHistory(out, 0, 4_800)).toEqual([[0, 30]]);
    expect(stats).toMatchObject({ deltas: 4, matched: 4, forced: 0, excessLevels: 0 });
  });

  it("a maker fill: the level shrinks by others' and our volume, only others' shrink remains; prints kept or reduced", () => {
    const j = new J();
    const a = j.place(T0 + 10, T0 + 12, NO, "BUY", 4_900, 10, 1); // YES ask 0.51
    j.fill(T0 + 205, a, NO, "BUY", 4_900, 10, "t1");
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4_800, size: 30 * SH }], [{ price: 5_100, size: 20 * SH }]);
      b.push(T0 + 11, EventKind.LEVEL, 0, 1, 5_100, 30 * SH); // our ask joins behind 20
      b.push(T0 + 200, EventKind.TRADE, 0, 0, 5_100, 30 * SH); // a taker buys everything at 0.51
      b.snapshot(T0 + 200, 0, [{ price: 4_800, size: 30 * SH }], [{ price: 5_200, size: 15 * SH }]);
    });
    const keep = stripOwnOrders(tape, j.entries, { windowMs: 50 });
    expect(finalBook(keep.tape).asks).toEqual(new Map([[5_200, 15]]));
    expect(levelHistory(keep.tape, 1, 5_100)).toEqual([[0, 20]]); // never showed our 10
    const trades = (t: Tape) => [...t.kind.keys()].filter((i) => t.kind[i] === EventKind.TRADE).map((i) => (t.size[i] as number) / SH);
    expect(trades(keep.tape)).toEqual([30]);
    expect(keep.stats).toMatchObject({ matched: 2, forced: 0, excessLevels: 0 });
    const removed = stripOwnOrders(tape, j.entries, { windowMs: 50, ownTrades: "remove" });
    expect(trades(removed.tape)).toEqual([20]);
    expect(removed.stats.tradeVolumeRemoved).toBe(10 * SH);
  });

  it("a delta no update shows is applied when the window passed (forced, counted); excess never goes negative", () => {
    const j = new J();
    j.place(T0 + 10, T0 + 10, YES, "BUY", 4_800, 10, 1); // the recorder never saw it
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4_800, size: 30 * SH }], []);
      b.push(T0 + 500, EventKind.LEVEL, 0, 0, 4_800, 6 * SH); // others cancel down to 6
      b.push(T0 + 900, EventKind.LEVEL, 0, 0, 4_800, 26 * SH);
    });
    const { tape: out, stats } = stripOwnOrders(tape, j.entries, { windowMs: 50 });
    expect(stats.forced).toBe(1);
    expect(levelHistory(out, 0, 4_800)).toEqual([
      [0, 30],
      [500, 20], // forced at the first event after the window: 30 − 10
      [500, 0], // 6 − 10 → 0, never negative
      [900, 16],
    ]);
    expect(stats.excessLevels).toBe(1);
    expect(stats.excessSize).toBe(4 * SH);
  });

  it("an empty journal leaves the book as recorded", () => {
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4_800, size: 30 * SH }], [{ price: 5_100, size: 20 * SH }]);
      b.push(T0 + 5, EventKind.LEVEL, 0, 1, 5_100, 25 * SH);
      b.push(T0 + 6, EventKind.TRADE, 0, 1, 4_800, 5 * SH);
      b.push(T0 + 7, EventKind.LEVEL, 0, 0, 4_800, 25 * SH);
    });
    const { tape: out, stats } = stripOwnOrders(tape, []);
    expect(finalBook(out)).toEqual(finalBook(tape));
    expect(out.length).toBe(tape.length);
    expect(stats.deltas).toBe(0);
  });

  it("property: output sizes are integers ≥ 0, never above the recorded level, and the tape stays valid", () => {
    const ev = fc.record({
      dt: fc.integer({ min: 0, max: 40 }),
      side: fc.integer({ min: 0, max: 1 }),
      tick: fc.integer({ min: 45, max: 55 }),
      size: fc.integer({ min: 0, max: 60 }),
    });
    const order = fc.record({
      at: fc.integer({ min: 0, max: 1_500 }),
      life: fc.integer({ min: 0, max: 800 }),
      yes: fc.boolean(),
      buy: fc.boolean(),
      tick: fc.integer({ min: 45, max: 55 }),
      size: fc.integer({ min: 5, max: 30 }),
      fill: fc.integer({ min: 0, max: 30 }),
    });
    fc.assert(
      fc.property(
        fc.array(ev, { maxLength: 120 }),
        fc.array(order, { maxLength: 12 }),
        fc.integer({ min: 0, max: 300 }),
        (evs, orders, w) => {
          let t = T0;
          const raw: [number, number, number][] = [];
          const tape = tapeOf((b) => {
            b.snapshot(T0, 0, [], []);
            for (const e of evs) {
              t += e.dt;
              b.push(t, EventKind.LEVEL, 0, e.side, e.tick * 100, e.size * SH);
              raw.push([e.side, e.tick * 100, e.size * SH]);
            }
          });
          const j = new J();
          orders.forEach((o, n) => {
            const id = j.place(T0 + o.at, T0 + o.at, o.yes ? YES : NO, o.buy ? "BUY" : "SELL", o.tick * 100, o.size, n + 1);
            if (o.fill > 0)
              j.fill(T0 + o.at + o.life / 2, id, o.yes ? YES : NO, o.buy ? "BUY" : "SELL", o.tick * 100, Math.min(o.fill, o.size), `t${n}`);
            if (o.life < 700) j.cancelAck(T0 + o.at + o.life, id);
          });
          const { tape: out } = stripOwnOrders(tape, j.entries, { windowMs: w });
          expect(validateTape(out)).toEqual([]);
          const rec = new Map<string, number>();
          for (const [s, p, z] of raw) rec.set(`${s}:${p}`, z);
          // Replay both and compare at the end: stripped ≤ recorded at every level.
          const fin = finalBook(out);
          for (const [side, m] of [
            [0, fin.bids],
            [1, fin.asks],
          ] as const)
            for (const [p, z] of m) {
              expect(Number.isInteger(z * SH) && z >= 0).toBe(true);
              expect(z * SH).toBeLessThanOrEqual(rec.get(`${side}:${p}`) ?? 0);
            }
        },
      ),
      { numRuns: 150 },
    );
  });
});
