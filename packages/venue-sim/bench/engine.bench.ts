/**
 * Orders per second through the whole in-process engine (validation, matching, accounts, events),
 * dense price-indexed book vs the naive array-scan book, on the same seeded order flow in the same
 * run. The two event streams are folded into digests that must be identical.
 */
import { type BenchSpec, defineBenches } from "@mm/bench";
import {
  conditionId,
  type FeeSchedule,
  ManualClock,
  type MarketInfo,
  NO_FEES,
  type OrderType,
  type Price,
  PRICE_SCALE,
  type Side,
  type Size,
  takerFeeOfLegs,
  tokenId,
  type Usdc,
} from "@mm/types";
import { type EngineEvent, SeededRng, VenueEngine } from "../src/engine/index.js";

const INFO: MarketInfo = {
  conditionId: conditionId(`0x${"11".repeat(32)}`),
  question: "bench",
  slug: "bench",
  yes: { tokenId: tokenId("7001"), label: "Yes" },
  no: { tokenId: tokenId("7002"), label: "No" },
  tickSize: 100,
  minOrderSize: 5_000_000 as Size,
  negRisk: false,
  active: true,
  closed: false,
};

type Op =
  | {
      readonly k: "place";
      readonly owner: string;
      readonly yes: boolean;
      readonly side: Side;
      readonly price: Price;
      readonly size: Size;
      readonly type: OrderType;
    }
  | { readonly k: "cancel"; readonly owner: string; readonly nth: number }
  | { readonly k: "tick"; readonly ms: number };

const OWNERS = Array.from({ length: 16 }, (_, i) => `owner-${i}`);

/** A crypto up/down-like flow: passive quotes around a drifting fair value, takers crossing it, cancels. */
export function makeFlow(n: number, seed: number): Op[] {
  const rng = new SeededRng(seed);
  const ops: Op[] = [];
  let fair = 5_000;
  for (let i = 0; i < n; i++) {
    fair = Math.min(8_000, Math.max(2_000, fair + (rng.nextInt(21) - 10)));
    const r = rng.nextFloat();
    const owner = OWNERS[rng.nextInt(OWNERS.length)] as string;
    if (r < 0.12) {
      ops.push({ k: "cancel", owner, nth: rng.nextInt(8) });
    } else if (r < 0.13) {
      ops.push({ k: "tick", ms: 500 });
    } else {
      const taker = r > 0.8;
      const yesSpaceBid = rng.nextFloat() < 0.5;
      const offset = taker ? rng.nextInt(300) : 100 + rng.nextInt(1_500);
      const yesPx = Math.round((yesSpaceBid ? fair + (taker ? offset : -offset) : fair - (taker ? offset : -offset)) / 100) * 100;
      const p = Math.min(9_900, Math.max(100, yesPx));
      const yes = rng.nextFloat() < 0.5;
      const side: Side = yes === yesSpaceBid ? "BUY" : "SELL";
      const price = (yes ? p : 10_000 - p) as Price;
      const size = ((5 + rng.nextInt(200)) * 1_000_000) as Size;
      ops.push({ k: "place", owner, yes, side, price, size, type: taker ? (rng.nextFloat() < 0.5 ? "FAK" : "GTC") : "GTC" });
    }
  }
  return ops;
}

function makeEngine(core: "dense" | "naive", fees: FeeSchedule = NO_FEES): { engine: VenueEngine; clock: ManualClock } {
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new VenueEngine({ clock, config: { seed: 99 }, experimental_bookCore: core });
  engine.addMarket(INFO, fees);
  for (const o of OWNERS) {
    engine.deposit(o, 1_000_000_000_000 as Usdc);
    engine.split(o, INFO.conditionId, 400_000_000_000 as Size);
  }
  return { engine, clock };
}

/** FNV-1a over the fields that define matching behaviour. */
function digestOf(events: EngineEvent[]): { hash: number; trades: number; legs: number } {
  let h = 0x811c9dc5;
  const mix = (x: number | string): void => {
    const s = String(x);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  };
  let trades = 0;
  let legs = 0;
  for (const e of events) {
    mix(e.kind);
    if (e.kind === "trade") {
      mix(e.trade.id);
      mix(e.trade.status);
      if (e.previousStatus === undefined) {
        trades++;
        legs += e.trade.makers.length;
      }
      for (const l of e.trade.makers) {
        mix(l.orderId);
        mix(l.price);
        mix(l.size);
      }
    } else if (e.kind === "order") {
      mix(e.order.id);
      mix(e.order.status);
      mix(e.order.sizeMatched);
    } else if (e.kind === "book") {
      for (const c of e.changes) {
        mix(c.price);
        mix(c.size);
        mix(c.bestBid ?? -1);
        mix(c.bestAsk ?? -1);
      }
    }
  }
  return { hash: h, trades, legs };
}

export function replay(
  core: "dense" | "naive",
  ops: readonly Op[],
  fees: FeeSchedule = NO_FEES,
): { seconds: number; digest: ReturnType<typeof digestOf>; resting: number; events: EngineEvent[] } {
  const { engine, clock } = makeEngine(core, fees);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  // what a client remembers: its own recent order ids (cancels of filled ones land in not_canceled)
  const recent = new Map<string, string[]>(OWNERS.map((o) => [o, []]));
  const t0 = process.hrtime.bigint();
  for (const op of ops) {
    if (op.k === "place") {
      const r = engine.placeOrder({
        owner: op.owner,
        tokenId: op.yes ? INFO.yes.tokenId : INFO.no.tokenId,
        side: op.side,
        price: op.price,
        size: op.size,
        orderType: op.type,
      });
      const mine = recent.get(op.owner) as string[];
      mine.push(r.orderId);
      if (mine.length > 8) mine.shift();
    } else if (op.k === "cancel") {
      const mine = recent.get(op.owner) as string[];
      const id = mine[op.nth % Math.max(1, mine.length)];
      if (id !== undefined) engine.cancelOrders(op.owner, [id]);
    } else {
      clock.advance(op.ms);
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const resting = OWNERS.reduce((s, o) => s + engine.openOrders(o).length, 0);
  return { seconds, digest: digestOf(events), resting, events };
}

const engineThroughput: BenchSpec = {
  name: "venue-sim/engine orders matched in-process",
  unit: "orders/s",
  better: "higher",
  target: { minRatio: 2, minValue: 10_000 },
  measure(ctx) {
    const n = ctx.n(40_000, 400);
    const ops = makeFlow(n, 2024);
    const orders = ops.filter((o) => o.k === "place").length;
    replay("dense", ops.slice(0, Math.min(ops.length, 2_000))); // warm-up
    const dense = replay("dense", ops);
    const naive = replay("naive", ops);
    if (dense.digest.hash !== naive.digest.hash || dense.resting !== naive.resting)
      throw new Error(`dense and naive books diverged: ${JSON.stringify(dense.digest)} vs ${JSON.stringify(naive.digest)}`);
    if (!ctx.smoke && dense.digest.trades === 0) throw new Error("the flow produced no trades");
    return {
      value: orders / dense.seconds,
      baseline: orders / naive.seconds,
      details: {
        orders,
        ops: ops.length,
        trades: dense.digest.trades,
        makerLegs: dense.digest.legs,
        restingAtEnd: dense.resting,
        digest: dense.digest.hash.toString(16),
        crossChecked: true,
      },
    };
  },
};

const CRYPTO_FEES: FeeSchedule = { rateBps: 720, exponent: 1 };

/** Taker fees charged on every match leg cost little: same flow with and without a fee schedule. */
const feeOverhead: BenchSpec = {
  name: "venue-sim/engine orders matched with taker fees",
  unit: "orders/s",
  better: "higher",
  // value = with fees, baseline = the same flow on a fee-free market; fees may cost ≤ 25 %.
  target: { minRatio: 0.75, minValue: 10_000 },
  measure(ctx) {
    const n = ctx.n(40_000, 400);
    const ops = makeFlow(n, 2025);
    const orders = ops.filter((o) => o.k === "place").length;
    replay("dense", ops.slice(0, Math.min(ops.length, 2_000)), CRYPTO_FEES); // warm-up
    const free = replay("dense", ops);
    const charged = replay("dense", ops, CRYPTO_FEES);
    // Fees never change matching (funds are ample): identical trades, books and statuses.
    if (free.digest.hash !== charged.digest.hash) throw new Error("a fee schedule changed the matching");
    // Every taker fee equals the shared helper over the trade's legs, in the taker's token.
    let feeUsdc = 0;
    for (const e of charged.events) {
      if (e.kind !== "trade" || e.previousStatus !== undefined) continue;
      const t = e.trade;
      const legs = t.makers.map((l) => ({
        size: l.size,
        price: (l.matchType === "NORMAL" ? l.price : PRICE_SCALE - l.price) as Price,
      }));
      const want = takerFeeOfLegs(t.taker.side, legs, CRYPTO_FEES.rateBps, CRYPTO_FEES.exponent);
      if (JSON.stringify(want) !== JSON.stringify(t.taker.fee))
        throw new Error(`trade ${t.id}: fee ${JSON.stringify(t.taker.fee)} ≠ ${JSON.stringify(want)}`);
      feeUsdc += t.taker.fee.feeUsdc;
    }
    if (!ctx.smoke && feeUsdc === 0) throw new Error("the flow charged no fee");
    return {
      value: orders / charged.seconds,
      baseline: orders / free.seconds,
      details: { orders, trades: charged.digest.trades, makerLegs: charged.digest.legs, feeUsdc, crossChecked: true },
    };
  },
};

export default defineBenches([engineThroughput, feeOverhead]);
