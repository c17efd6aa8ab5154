/**
 * Property tests of the queue model over random tapes: whatever the recorded flow, our fills never
 * exceed our order sizes or the volume that printed at or through our prices plus liquidity that
 * arrived crossing them, queue-ahead never grows while we rest, and the same tape gives the same fills.
 */
import fc from "fast-check";
import { ManualClock, type Price, type Size } from "@mm/types";
import { describe, expect, it } from "vitest";
import { EventKind, SIDE_ASK, SIDE_BID, SimVenue, type Tape, TapeBuilder } from "../src/index.js";
import { MARKET, SH, T0 } from "./support/tapes.js";

const eventArb = fc.oneof(
  fc.record({
    k: fc.constant(EventKind.LEVEL),
    side: fc.integer({ min: 0, max: 1 }),
    tick: fc.integer({ min: 40, max: 60 }),
    q: fc.integer({ min: 0, max: 200 }),
  }),
  fc.record({
    k: fc.constant(EventKind.TRADE),
    side: fc.integer({ min: 0, max: 1 }),
    tick: fc.integer({ min: 40, max: 60 }),
    q: fc.integer({ min: 1, max: 80 }),
  }),
);

function build(events: { k: number; side: number; tick: number; q: number }[]): Tape {
  const b = new TapeBuilder({ markets: [MARKET], symbols: [], source: "prop" });
  b.snapshot(T0, 0, [{ price: 4800, size: 50 * SH }], [{ price: 5200, size: 50 * SH }]);
  events.forEach((e, i) => {
    b.push(T0 + 10 * (i + 1), e.k as EventKind, 0, e.side, e.tick * 100, e.q * SH);
  });
  return b.build();
}

function replay(tape: Tape, bid: number, ask: number) {
  const clock = new ManualClock(T0);
  const venue = new SimVenue({
    clock,
    markets: [MARKET],
    seed: 1,
    collateral: 1e12,
    tokens: { [MARKET.yes.tokenId]: 1e12 },
    hooks: { onUserEvent: () => {} },
  });
  venue.applySnapshot(tape, 0);
  const place = (id: string, side: "BUY" | "SELL", price: number) =>
    venue.place({
      clientOrderId: id,
      conditionId: MARKET.conditionId,
      tokenId: MARKET.yes.tokenId,
      side,
      price: price as Price,
      size: (20 * SH) as Size,
      orderType: "GTC",
      postOnly: true,
      tickSize: 100,
      negRisk: false,
    });
  const b = place("bid", "BUY", bid);
  const a = place("ask", "SELL", ask);
  let maxAheadIncrease = 0;
  let prev: Record<string, number | undefined> = { bid: venue.queueAhead("bid"), ask: venue.queueAhead("ask") };
  let volumeBid = 0;
  let volumeAsk = 0;
  for (let i = 3; i < tape.length; i++) {
    clock.advanceTo(tape.time[i] as number);
    const k = tape.kind[i];
    const p = tape.price[i] as number;
    const q = tape.size[i] as number;
    // Volume that could reach us: prints at/through our price, and crossing liquidity added.
    if (k === EventKind.TRADE && tape.side[i] === 1 && p <= bid) volumeBid += q;
    if (k === EventKind.TRADE && tape.side[i] === 0 && p >= ask) volumeAsk += q;
    if (k === EventKind.LEVEL && tape.side[i] === SIDE_ASK && p <= bid) volumeBid += q;
    if (k === EventKind.LEVEL && tape.side[i] === SIDE_BID && p >= ask) volumeAsk += q;
    venue.applyEvent(tape, i);
    for (const id of ["bid", "ask"] as const) {
      const now = venue.queueAhead(id);
      const before = prev[id];
      if (now !== undefined && before !== undefined) maxAheadIncrease = Math.max(maxAheadIncrease, now - before);
      prev = { ...prev, [id]: now };
    }
  }
  const trades = venue.allTrades();
  const filled = (id: string) => trades.filter((t) => t.clientOrderId === id).reduce((s, t) => s + t.size, 0);
  return {
    placed: [b.ok, a.ok],
    bid: filled("bid"),
    ask: filled("ask"),
    volumeBid,
    volumeAsk,
    maxAheadIncrease,
    hash: trades.map((t) => `${t.clientOrderId}:${t.size}:${t.matchTime}`).join(","),
  };
}

describe("queue model properties", () => {
  it("fills are bounded by order size and reachable volume; queue ahead never grows; deterministic", () => {
    let withFills = 0;
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 60 }),
        fc.integer({ min: 45, max: 50 }),
        fc.integer({ min: 50, max: 55 }),
        (events, bidTick, askTick) => {
          const bid = bidTick * 100;
          const ask = Math.max(askTick * 100, bid + 100);
          const tape = build(events);
          const r = replay(tape, bid, ask);
          if (!r.placed[0] || !r.placed[1]) return; // crossing post-only (e.g. ask at the 0.48 bid): nothing rests
          expect(r.bid).toBeLessThanOrEqual(20 * SH);
          expect(r.ask).toBeLessThanOrEqual(20 * SH);
          expect(r.bid).toBeLessThanOrEqual(r.volumeBid);
          expect(r.ask).toBeLessThanOrEqual(r.volumeAsk);
          expect(r.maxAheadIncrease).toBeLessThanOrEqual(0);
          expect(replay(tape, bid, ask).hash).toBe(r.hash);
          if (r.bid + r.ask > 0) withFills++;
        },
      ),
      { numRuns: 300, seed: 1234 },
    );
    // The property is not vacuous: many random tapes do fill us.
    expect(withFills).toBeGreaterThan(30);
  });
});
