/**
 * G8 (PERFORMANCE.md): replay throughput of the same tape (book levels + trades) through the venue
 * model with the queue-position fill model active (our orders resting on both sides), from the
 * columnar binary file vs from JSON lines, in one run; two binary runs must give the same fills hash.
 * Also reported: full strategy + executor replay throughput (the real StrategyDriver and
 * ExecutorActor on the virtual clock), events per second.
 */
import { defineBenches } from "@mm/bench";
import { ManualClock, type OrderRequest, type Price, type Size } from "@mm/types";
import {
  decodeTape,
  encodeTape,
  fillsHash,
  jsonLinesToTapeUnchecked,
  replayBook,
  runBacktest,
  SimVenue,
  type Tape,
  tapeToJsonLines,
  ZERO_LATENCY,
} from "../src/index.js";
import { generateSyntheticSession } from "../src/synthetic.js";

const tapes = new Map<number, Tape>();
function sessionTape(minutes: number): Tape {
  let t = tapes.get(minutes);
  if (t === undefined) {
    t = generateSyntheticSession({ seed: 42, durationMs: minutes * 60_000 });
    tapes.set(minutes, t);
  }
  return t;
}

/** Replays with 4 resting orders per side around the open (queue model, fills, settlement timers). */
function replayOnce(tape: Tape): { events: number; hash: string } {
  const m = tape.markets[0];
  if (m === undefined) throw new Error("no market");
  const clock = new ManualClock(tape.time[0] ?? 0);
  const venue = new SimVenue({
    clock,
    markets: tape.markets,
    seed: 1,
    collateral: 1e15,
    tokens: { [m.yes.tokenId]: 1e12 },
    hooks: { onUserEvent: () => {} },
  });
  let events = 0;
  // Apply the opening snapshot first so our orders join real queues.
  const first = (tape.size[1] ?? 0) + 2;
  const head = { ...tape, length: Math.min(first, tape.length) };
  events += replayBook(head, venue, clock);
  const order = (side: "BUY" | "SELL", price: number, k: number): OrderRequest => ({
    clientOrderId: `b-${side}-${k}`,
    conditionId: m.conditionId,
    tokenId: m.yes.tokenId,
    side,
    price: price as Price,
    size: 50_000_000 as Size,
    orderType: "GTC",
    postOnly: true,
    tickSize: m.tickSize,
    negRisk: false,
  });
  const bid = venue.bestBid(0) ?? 4900;
  const ask = venue.bestAsk(0) ?? 5100;
  for (let k = 0; k < 4; k++) {
    venue.place(order("BUY", bid - k * 100, k));
    venue.place(order("SELL", ask + k * 100, k));
  }
  const rest: Tape = {
    ...tape,
    length: tape.length - head.length,
    time: tape.time.subarray(head.length),
    kind: tape.kind.subarray(head.length),
    market: tape.market.subarray(head.length),
    side: tape.side.subarray(head.length),
    price: tape.price.subarray(head.length),
    size: tape.size.subarray(head.length),
    aux: tape.aux.subarray(head.length),
  };
  events += replayBook(rest, venue, clock);
  const fills = venue.allTrades().map((t) => ({
    time: t.matchTime,
    tradeId: t.tradeId,
    clientOrderId: t.clientOrderId,
    market: t.market,
    outcome: t.outcome,
    side: t.side,
    price: t.price,
    size: t.size,
    yesDirection: t.yesDirection,
    yesPrice: t.yesPrice,
    role: t.role,
    fee: t.fee,
    status: t.status,
    markouts: [],
  }));
  return { events, hash: fillsHash(fills) };
}

export default defineBenches([
  {
    name: "backtester/book replay binary vs JSONL (G8)",
    unit: "events/s",
    better: "higher",
    target: { minRatio: 20, minValue: 10_000_000 },
    measure(ctx) {
      const tape = sessionTape(ctx.n(60, 1));
      const bin = encodeTape(tape);
      const text = tapeToJsonLines(tape);
      const reps = ctx.n(100, 1);
      // Warm both paths (each is timed after the JIT has settled on it).
      const ref = replayOnce(decodeTape(bin));
      const viaJson = replayOnce(jsonLinesToTapeUnchecked(text));
      if (viaJson.hash !== ref.hash) throw new Error("JSONL and binary replays disagree on fills");
      for (let w = 0; w < ctx.n(5, 0); w++) {
        replayOnce(decodeTape(bin));
        replayOnce(jsonLinesToTapeUnchecked(text));
      }
      // CPU time of this thread (user + system), not wall time: the figure is per core, and a loaded
      // shared machine otherwise measures its scheduler.
      const cpu = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1e6;
      };
      let t0 = cpu();
      let events = 0;
      for (let r = 0; r < reps; r++) {
        const out = replayOnce(decodeTape(bin));
        if (out.hash !== ref.hash) throw new Error("two binary replays disagree on fills");
        events += out.events;
      }
      const binSec = cpu() - t0;
      const jsonReps = Math.max(1, Math.ceil(reps / 10));
      t0 = cpu();
      let jsonEvents = 0;
      for (let r = 0; r < jsonReps; r++) jsonEvents += replayOnce(jsonLinesToTapeUnchecked(text)).events;
      const jsonSec = cpu() - t0;
      return {
        value: events / binSec,
        baseline: jsonEvents / jsonSec,
        details: { events: tape.length, reps, fills: ref.hash.slice(0, 16), binaryBytes: bin.length, jsonlBytes: Buffer.byteLength(text) },
      };
    },
  },
  {
    name: "backtester/full strategy+executor replay",
    unit: "events/s",
    better: "higher",
    target: { minValue: 5_000 },
    measure(ctx) {
      const tape = sessionTape(ctx.n(15, 1));
      const config = {
        seed: 1,
        strategy: { kind: "reference" as const, options: { contract: { kind: "up" as const, symbol: "BTCUSDT" } } },
        initialCollateral: 1_000_000_000,
        latency: ZERO_LATENCY,
      };
      const warm = runBacktest(tape, config);
      const t0 = performance.now();
      const again = runBacktest(tape, config);
      const sec = (performance.now() - t0) / 1000;
      if (again.summaryJson !== warm.summaryJson) throw new Error("two full replays differ");
      return {
        value: tape.length / sec,
        details: { events: tape.length, fills: again.summary.fills.count, places: again.summary.churn.places, ms: Math.round(sec * 1000) },
      };
    },
  },
]);
