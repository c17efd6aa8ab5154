/**
 * G4 (executor part): decision latency of intent → Planner → Reconciler → gateway actions through the
 * real ExecutorActor with a stubbed gateway, for realistic ladders (3 levels a side, random-walk mid,
 * size jitter, inventory that makes both routes and both sides happen, acks and fills between intents).
 * Baseline in the same run: the Planner alone on the same intents.
 *
 * G4 (pipeline): book write (@mm/caches) → strategy (@mm/strategy bands, StrategyDriver) → executor →
 * stubbed gateway, synchronously with no macrotask hop, per book change; baselines in the same run:
 * the same book write + strategy with the intent dropped into a slot (no executor), and the book
 * write alone (the G4 "book only" reference, without decode).
 */
import { defineBenches, percentile } from "@mm/bench";
import { BookStore } from "@mm/caches";
import { LatestSlot, makeBandsStrategy, StrategyDriver } from "@mm/strategy";
import {
  conditionId,
  type DesiredQuoteSet,
  type GatewayAction,
  type GatewayResult,
  ManualClock,
  type MarketInfo,
  type OrderGateway,
  type OrderId,
  orderId,
  type Price,
  type Size,
  type TickSize,
  tokenId,
  type UserEvent,
} from "@mm/types";
import { ExecutorActor, plan } from "../src/index.js";

const SH = 1_000_000;
const CID = conditionId(`0x${"cd".repeat(32)}`);
const YES = tokenId("9001");
const NO = tokenId("9002");
const MARKET: MarketInfo = {
  conditionId: CID,
  question: "bench",
  slug: "bench",
  yes: { tokenId: YES, label: "Yes" },
  no: { tokenId: NO, label: "No" },
  tickSize: 100 as TickSize,
  minOrderSize: (5 * SH) as Size,
  negRisk: false,
  active: true,
  closed: false,
};

/** Deterministic PRNG (mulberry32). */
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

function makeIntents(n: number): DesiredQuoteSet[] {
  const u = rng(7);
  const out: DesiredQuoteSet[] = [];
  let mid = 5000;
  for (let i = 0; i < n; i++) {
    if (u() < 0.4) mid = Math.min(7000, Math.max(3000, mid + (u() < 0.5 ? -100 : 100)));
    const size = (k: number) => (Math.round((10 + 10 * k) * (0.95 + 0.1 * u()) * 100) * 10_000) as Size;
    out.push({
      conditionId: CID,
      bids: [0, 1, 2].map((k) => ({ price: (mid - 150 - k * 100 + u() * 40) as Price, size: size(k) })),
      asks: [0, 1, 2].map((k) => ({ price: (mid + 150 + k * 100 - u() * 40) as Price, size: size(k) })),
      seq: i + 1,
      createdAt: i,
      reason: { code: "quoting" },
      fairValue: mid,
    });
  }
  return out;
}

/** A gateway stub that records actions; the bench answers them between timed intents. */
class StubGateway implements OrderGateway {
  readonly pending: GatewayAction[] = [];
  total = 0;
  places = 0;
  illegal = 0;
  submit(a: GatewayAction): void {
    this.pending.push(a);
    this.total++;
    if (a.kind === "PLACE") {
      this.places++;
      const o = a.order;
      if (o.size < MARKET.minOrderSize || o.price % o.tickSize !== 0 || o.price < o.tickSize || o.price > 10_000 - o.tickSize)
        this.illegal++;
    }
  }
}

function world() {
  const clock = new ManualClock(1_700_000_000_000);
  const gw = new StubGateway();
  const actor = new ExecutorActor({
    clock,
    gateway: gw,
    markets: [MARKET],
    initial: { collateral: (10_000 * SH) as never, tokens: { [YES]: (120 * SH) as Size, [NO]: (80 * SH) as Size } },
    config: {
      limits: {
        maxPositionPerToken: (100_000 * SH) as Size,
        maxGrossPosition: (200_000 * SH) as Size,
        maxWorkingNotional: (100_000 * SH) as never,
        maxLoss: (1_000_000 * SH) as never,
      },
    },
  });
  let oid = 0;
  let trade = 0;
  const live: { orderId: OrderId; side: "BUY" | "SELL"; tokenId: typeof YES; price: number; size: number }[] = [];
  /** Answers every queued action (acks), possibly causing follow-up decisions. */
  const answer = () => {
    for (let guard = 0; gw.pending.length > 0 && guard < 100; guard++) {
      const a = gw.pending.shift()!;
      let r: GatewayResult;
      if (a.kind === "PLACE") {
        const id = orderId(`0x${(++oid).toString(16).padStart(64, "0")}`);
        live.push({ orderId: id, side: a.order.side, tokenId: a.order.tokenId, price: a.order.price, size: a.order.size });
        r = {
          kind: "PLACE_ACK",
          actionId: a.actionId,
          clientOrderId: a.order.clientOrderId,
          orderId: id,
          venueStatus: "live",
          at: clock.now(),
        };
      } else if (a.kind === "CANCEL") {
        const i = live.findIndex((l) => l.orderId === a.orderId);
        if (i >= 0) live.splice(i, 1);
        r = {
          kind: "CANCEL_ACK",
          actionId: a.actionId,
          orderId: a.orderId,
          clientOrderId: a.clientOrderId,
          canceled: true,
          at: clock.now(),
        };
      } else if (a.kind === "CANCEL_ALL") {
        r = { kind: "CANCEL_ALL_ACK", actionId: a.actionId, canceled: live.splice(0).map((l) => l.orderId), at: clock.now() };
      } else {
        r = { kind: "SYNC_RESULT", actionId: a.actionId, openOrders: [], fills: [], at: clock.now() };
      }
      actor.results.post(r);
    }
  };
  /** Every 10th intent a taker fills half of one resting order, MATCHED then MINED. */
  const maybeFill = (i: number) => {
    if (i % 10 !== 5 || live.length === 0) return;
    const l = live[i % live.length]!;
    const size = Math.max(10_000, Math.floor(l.size / 2 / 10_000) * 10_000);
    const base = {
      kind: "fill" as const,
      tradeId: `b${++trade}` as never,
      orderId: l.orderId,
      conditionId: CID,
      tokenId: l.tokenId,
      side: l.side,
    };
    const ev = (status: "MATCHED" | "MINED"): UserEvent => ({
      ...base,
      price: l.price as Price,
      size: size as Size,
      status,
      role: "MAKER",
      feeRateBps: 0,
      matchTime: clock.now(),
      timestamp: clock.now(),
    });
    actor.userEvents.post(ev("MATCHED"));
    actor.userEvents.post(ev("MINED"));
  };
  return { clock, gw, actor, answer, maybeFill };
}

function measureDecisions(n: number, warm: number) {
  const intents = makeIntents(n + warm);
  const w = world();
  const cand = new Float64Array(n);
  const base = new Float64Array(n);
  const planInput = {
    market: MARKET,
    yes: { tokenId: YES, settled: (120 * SH) as Size, pending: 0, pendingOut: 0 as Size, reserved: 0 as Size },
    no: { tokenId: NO, settled: (80 * SH) as Size, pending: 0, pendingOut: 0 as Size, reserved: 0 as Size },
    collateral: { settled: (10_000 * SH) as never, pending: 0, pendingOut: 0 as never, reserved: 0 as never },
    limits: { maxPositionPerToken: 100_000 * SH, maxGrossPosition: 200_000 * SH, maxWorkingNotional: 100_000 * SH, sizeLot: 10_000 },
  };
  let planned = 0;
  let actionsTimed = 0;
  for (let i = 0; i < intents.length; i++) {
    const intent = intents[i]!;
    w.clock.advance(50);
    const before = w.gw.total;
    const t0 = process.hrtime.bigint();
    w.actor.intents.post(intent);
    const t1 = process.hrtime.bigint();
    const p = plan({ ...planInput, intent });
    const t2 = process.hrtime.bigint();
    planned += p.orders.length;
    if (i >= warm) {
      cand[i - warm] = Number(t1 - t0);
      base[i - warm] = Number(t2 - t1);
      actionsTimed += w.gw.total - before;
    }
    w.answer();
    w.maybeFill(i);
    w.answer();
  }
  const problems = w.actor.audit();
  if (problems.length > 0) throw new Error(`ledger audit failed: ${problems.join("; ")}`);
  if (w.gw.illegal > 0) throw new Error(`${w.gw.illegal} illegal PLACEs`);
  if (w.actor.mode() !== "RUNNING") throw new Error(`executor left RUNNING: ${w.actor.snapshot().stopReason}`);
  if (w.gw.places === 0 || planned === 0) throw new Error("nothing was placed: the bench measures nothing");
  cand.sort();
  base.sort();
  const s = w.actor.stats();
  return { cand, base, actionsTimed, stats: s };
}

/** A cyclic random walk of the YES top of book (the NO book mirrors it). */
function bookPath(n: number): { bid: number; ask: number }[] {
  const u = rng(11);
  const half: { bid: number; ask: number }[] = [];
  let bid = 4900;
  let ask = 5100;
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    bid = Math.min(5400, Math.max(4500, bid + (u() < 0.5 ? -100 : 100)));
    ask = Math.max(bid + 100, Math.min(5600, ask + (u() < 0.5 ? -100 : 100)));
    half.push({ bid, ask });
  }
  return [...half, ...half.slice().reverse()].slice(0, n);
}

type Stage = "book" | "strategy" | "full";

function pipeline(stage: Stage, path: readonly { bid: number; ask: number }[]) {
  const w = world();
  const books = new BookStore();
  books.registerMarket(MARKET);
  const first = path[0]!;
  const now0 = w.clock.now();
  books.applySnapshot(
    YES,
    [{ price: first.bid as Price, size: (500 * SH) as Size }],
    [{ price: first.ask as Price, size: (500 * SH) as Size }],
    now0,
  );
  books.applySnapshot(
    NO,
    [{ price: (10_000 - first.ask) as Price, size: (500 * SH) as Size }],
    [{ price: (10_000 - first.bid) as Price, size: (500 * SH) as Size }],
    now0,
  );
  const slot = new LatestSlot<DesiredQuoteSet>();
  const driver = new StrategyDriver({
    clock: w.clock,
    strategy: makeBandsStrategy(),
    market: MARKET,
    books,
    inventory: { inventory: () => ({ yes: w.actor.inventoryOf(YES), no: w.actor.inventoryOf(NO) }) },
    output: stage === "full" ? w.actor.intents : slot,
    refreshMs: 0,
  });
  let prev = first;
  let i = 0;
  const step = () => {
    const c = path[i % path.length]!;
    i++;
    w.clock.advance(50);
    const now = w.clock.now();
    books.applyLevels(
      YES,
      [
        { side: "BID", price: prev.bid as Price, size: 0 as Size },
        { side: "ASK", price: prev.ask as Price, size: 0 as Size },
        { side: "BID", price: c.bid as Price, size: (500 * SH) as Size },
        { side: "ASK", price: c.ask as Price, size: (500 * SH) as Size },
      ],
      now,
    );
    books.applyLevels(
      NO,
      [
        { side: "ASK", price: (10_000 - prev.bid) as Price, size: 0 as Size },
        { side: "BID", price: (10_000 - prev.ask) as Price, size: 0 as Size },
        { side: "ASK", price: (10_000 - c.bid) as Price, size: (500 * SH) as Size },
        { side: "BID", price: (10_000 - c.ask) as Price, size: (500 * SH) as Size },
      ],
      now,
    );
    prev = c;
    if (stage !== "book") driver.recompute();
  };
  return { w, step, slot };
}

function measurePipeline(n: number, warm: number) {
  const path = bookPath(2_000);
  const stages: Stage[] = ["full", "strategy", "book"];
  const worlds = stages.map((s) => pipeline(s, path));
  const lat = stages.map(() => new Float64Array(n));
  for (let k = 0; k < n + warm; k++) {
    for (let s = 0; s < stages.length; s++) {
      const p = worlds[s]!;
      const t0 = process.hrtime.bigint();
      p.step();
      const t1 = process.hrtime.bigint();
      if (k >= warm) lat[s]![k - warm] = Number(t1 - t0);
      // Acks and fills are the venue's job, outside the measured tick.
      p.w.answer();
      p.w.maybeFill(k);
      p.w.answer();
    }
  }
  const full = worlds[0]!.w;
  if (full.gw.places === 0) throw new Error("the pipeline never placed an order: nothing measured");
  if (full.gw.illegal > 0) throw new Error(`${full.gw.illegal} illegal PLACEs`);
  const problems = full.actor.audit();
  if (problems.length > 0) throw new Error(`ledger audit failed: ${problems.join("; ")}`);
  if (worlds[1]!.slot.peek() === undefined) throw new Error("strategy-only baseline produced no intent");
  for (const l of lat) l.sort();
  return { full: lat[0]!, strategy: lat[1]!, book: lat[2]!, places: full.gw.places, intents: full.actor.stats().intentChanges };
}

export default defineBenches([
  {
    name: "executor/intent → plan → reconcile → actions p99 (stub gateway) vs planner-only",
    unit: "µs",
    better: "lower",
    // G4 budget for the executor's share of tick → decision: p99 ≤ 10 µs.
    target: { maxValue: 10 },
    measure: (ctx) => {
      const n = ctx.n(50_000, 200);
      const { cand, base, actionsTimed, stats } = measureDecisions(n, ctx.smoke ? 20 : 5_000);
      return {
        value: percentile(cand, 99) / 1000,
        baseline: percentile(base, 99) / 1000,
        details: {
          intents: n,
          p50us: percentile(cand, 50) / 1000,
          p99us: percentile(cand, 99) / 1000,
          p999us: percentile(cand, 99.9) / 1000,
          plannerOnlyP50us: percentile(base, 50) / 1000,
          plannerOnlyP999us: percentile(base, 99.9) / 1000,
          actionsPerIntent: Math.round((actionsTimed / n) * 100) / 100,
          churnActionsPerIntentChange: Math.round((stats.actionsOnIntentChange / Math.max(1, stats.intentChanges)) * 100) / 100,
          crossCheck: "ledger audit clean, every PLACE legal, still RUNNING",
        },
      };
    },
  },
  {
    name: "executor/intent → actions p99.9 (stub gateway) vs planner-only",
    unit: "µs",
    better: "lower",
    target: { maxValue: 50 },
    measure: (ctx) => {
      const n = ctx.n(50_000, 200);
      const { cand, base } = measureDecisions(n, ctx.smoke ? 20 : 5_000);
      return { value: percentile(cand, 99.9) / 1000, baseline: percentile(base, 99.9) / 1000, details: { intents: n } };
    },
  },
  {
    name: "executor/G4 book → strategy → executor → stub gateway p99 vs book+strategy",
    unit: "µs",
    better: "lower",
    // G4: p99 ≤ 10 µs for the whole in-process path (decode excluded: no wire frames here).
    target: { maxValue: 10 },
    measure: (ctx) => {
      const n = ctx.n(100_000, 200);
      const r = measurePipeline(n, ctx.smoke ? 20 : 5_000);
      const us = (a: Float64Array, p: number) => percentile(a, p) / 1000;
      return {
        value: us(r.full, 99),
        baseline: us(r.strategy, 99),
        details: {
          ticks: n,
          p50us: us(r.full, 50),
          p99us: us(r.full, 99),
          p999us: us(r.full, 99.9),
          bookStrategyP50us: us(r.strategy, 50),
          bookStrategyP999us: us(r.strategy, 99.9),
          bookOnlyP50us: us(r.book, 50),
          bookOnlyP99us: us(r.book, 99),
          ratioP50FullOverBookOnly: Math.round((percentile(r.full, 50) / Math.max(1, percentile(r.book, 50))) * 100) / 100,
          places: r.places,
          intentChanges: r.intents,
          crossCheck: "orders placed and legal, ledger audit clean, baseline produced intents",
        },
      };
    },
  },
]);
