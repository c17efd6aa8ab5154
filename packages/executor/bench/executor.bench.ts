/**
 * G4 (PERFORMANCE.md): tick-to-decision latency.
 *
 * Pipeline (the G4 definition): recorded-format market-channel frames (`price_change` JSON as
 * Buffers, ≥ 300k in the full run, generated deterministically by `wire-frames.ts`) → `decodeWsFrame`
 * (@mm/protocol) → `BookStore.applyPriceChanges` (@mm/caches) → dirty set → `StrategyDriverRouter` →
 * `StrategyDriver` with the bands strategy (@mm/strategy) → `ExecutorActor` (Planner, Reconciler) →
 * a stubbed gateway, synchronously, no macrotask hop. hrtime per frame. Stages run interleaved frame by
 * frame on the same frames, each with its own books / strategy / executor:
 *   - `book`: decode + book only (the G4 baseline; the ratio is p50(full) ÷ p50(book));
 *   - `strategy`: decode + book + strategy, the intent dropped into a LatestSlot (attribution);
 *   - `full`: the whole path with the executor's default (no-op) journal sink;
 *   - `journal`: the whole path with a journal sink retaining entries in a ring (the bot journals every
 *     entry; what its storage writer then does with an entry is storage's cost, not measured here).
 * Acks and fills (MATCHED, MINED, CONFIRMED every 10th frame) are the venue's work and run between frames,
 * outside the timed section, so the executor always has orders to keep, cancel and replace.
 *
 * A machine-jitter probe (constant integer work of about a quiet frame's length, no allocation) is
 * timed once per frame in the same loop: its p99.9 is the floor the box itself puts under every
 * stage's p99.9 (on the 2-core VM this was written on, 26-50 µs for 3 µs of work, by phase).
 *
 * Details split the full stage by frames on which the executor acted (a pass with actions) and quiet
 * frames, count GC in the measured window by kind (observed, never forced, nothing dropped) and report
 * the V8 heap flags and the semi-space size the young generation grew to: young-generation scavenges set
 * the p99.9, so numbers are comparable only under the same flags (the bot should run with the flags the
 * G4 result was measured under, e.g. `NODE_OPTIONS=--max-semi-space-size=32 pnpm bench -- --only G4`).
 *
 * Executor only: intent → Planner → Reconciler → gateway actions through the real ExecutorActor with a
 * stubbed gateway for realistic ladders (3 levels a side, random-walk mid, size jitter, inventory that
 * makes both routes happen, acks and fills between intents); baseline in the same run: the Planner
 * alone on the same intents.
 */
import { constants, PerformanceObserver, performance } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { defineBenches, percentile } from "@mm/bench";
import { BookStore } from "@mm/caches";
import { DecoderStats, decodeWsFrame } from "@mm/protocol";
import { LatestSlot, makeBandsStrategy, StrategyDriver, StrategyDriverRouter } from "@mm/strategy";
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
  type TokenId,
  type TradeId,
  tokenId,
  type UserEvent,
} from "@mm/types";
import { ExecutorActor, type JournalEntry, type JournalSink, plan } from "../src/index.js";
import { makeFrameTape, rng } from "./wire-frames.js";

const START_TS = 1_757_908_892_351;
const SH = 1_000_000;
const CID = conditionId(`0x${"cd".repeat(32)}`);
const YES = tokenId("71321045679252212594626385532706912750332728571942532289631379312455583992563");
const NO = tokenId("52114319501245915516055106046884209969926127482827954674443846427813813222426");
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

function world(journal?: JournalSink) {
  const clock = new ManualClock(START_TS);
  const gw = new StubGateway();
  const actor = new ExecutorActor({
    clock,
    gateway: gw,
    ...(journal ? { journal } : {}),
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
  /** Every 10th intent a taker fills half of one resting order: MATCHED, MINED, CONFIRMED. */
  const maybeFill = (i: number) => {
    if (i % 10 !== 5 || live.length === 0) return;
    const l = live[i % live.length]!;
    const size = Math.max(10_000, Math.floor(l.size / 2 / 10_000) * 10_000);
    const tradeId = `b${++trade}` as TradeId;
    // Written out, not `{ ...base, status }`: on Node 20 a spread of a freshly built object leaves
    // garbage in old space (4M such events in isolation: 257 mark-compacts and 10× the scavenges of
    // the same literals). Here it grew old space by ~25 MB per 20k frames and put the window's
    // mark-compacts there. The decoder builds fill events as literals too (userFillsFromTrade).
    const ev = (status: "MATCHED" | "MINED" | "CONFIRMED"): UserEvent => ({
      kind: "fill",
      tradeId,
      orderId: l.orderId,
      conditionId: CID,
      tokenId: l.tokenId,
      side: l.side,
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
    actor.userEvents.post(ev("CONFIRMED"));
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

// ---------------------------------------------------------------------------------------------
// G4 pipeline: wire frames → decode → book → strategy → executor → stub gateway

const STEP_MS = 50;

/**
 * A journal sink that keeps the last entries in a preallocated ring: what @mm/storage's JournalWriter
 * holds between flushes (512 entries by default; its serialization is storage's cost, not measured).
 */
class RingJournal implements JournalSink {
  private readonly ring: (JournalEntry | undefined)[];
  appended = 0;
  constructor(size: number) {
    this.ring = new Array<JournalEntry | undefined>(size).fill(undefined);
  }
  append(entry: JournalEntry): void {
    this.ring[this.appended++ % this.ring.length] = entry;
  }
}

type Stage = "book" | "strategy" | "full" | "journal";
const STAGES: readonly Stage[] = ["full", "book", "journal", "strategy"];

function pipelineWorld(stage: Stage) {
  const journal = stage === "journal" ? new RingJournal(512) : undefined;
  const w = world(journal);
  const books = new BookStore();
  books.registerMarket(MARKET);
  const slot = new LatestSlot<DesiredQuoteSet>();
  const router = new StrategyDriverRouter();
  const driver = new StrategyDriver({
    clock: w.clock,
    strategy: makeBandsStrategy(),
    market: MARKET,
    books,
    inventory: { inventory: () => ({ yes: w.actor.inventoryOf(YES), no: w.actor.inventoryOf(NO) }) },
    output: stage === "strategy" ? slot : w.actor.intents,
  });
  if (stage !== "book") router.add(driver);
  const stats = new DecoderStats();
  const decodeOptions = { stats };
  const dirty: TokenId[] = [];
  let rejections = 0;
  let decodeErrors = 0;
  /** One frame, as the feed's `message` handler and the bot's dirty-set drain would run it. */
  const onFrame = (data: Buffer, receivedAt: number): void => {
    const frame = decodeWsFrame(data, decodeOptions);
    if (frame.errors.length > 0) decodeErrors++;
    const events = frame.events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind === "price_change") {
        if (books.applyPriceChanges(e.changes, receivedAt, e.timestamp) !== undefined) rejections++;
      } else if (e.kind === "book") {
        if (books.applySnapshot(e.assetId as TokenId, e.bids, e.asks, receivedAt, e.timestamp) !== undefined) rejections++;
      }
    }
    // Popped, not `length = 0` (which drops the storage: a new one on the next push), as the bot does.
    while (dirty.length > 0) dirty.pop();
    books.drainDirty(dirty);
    router.drain(dirty);
  };
  return {
    stage,
    w,
    books,
    driver,
    slot,
    journal,
    onFrame,
    problems: () => ({ rejections, decodeErrors, decoderRejected: stats.rejectedEvents + stats.rejectedFrames }),
  };
}

interface G4Result {
  readonly lat: Record<Stage, Float64Array>;
  readonly ticks: number;
  readonly topMoves: number;
  readonly places: number;
  readonly actionsTimed: number;
  /** Frames on which the executor submitted at least one action (a pass that changed orders). */
  readonly framesActing: number;
  readonly intentChanges: number;
  readonly journalEntries: number;
  /** GC in the measured window by kind (scavenges, incremental-marking steps, mark-compacts), from the `gc` observer. */
  readonly gc: {
    readonly minor: number;
    readonly incremental: number;
    readonly major: number;
    readonly maxPauseMs: number;
    readonly totalMs: number;
  };
  /** The full stage's latencies split by whether the executor acted on the frame (sorted). */
  readonly acting: Float64Array;
  readonly quiet: Float64Array;
  readonly bytes: number;
  /** The machine's own jitter: a constant integer computation timed once per frame in the same loop (sorted). */
  readonly probe: Float64Array;
  readonly probeIterations: number;
  /** Minor page faults and involuntary context switches in the measured window (`process.resourceUsage`). */
  readonly pageFaults: number;
  readonly involuntarySwitches: number;
}

/**
 * The machine-jitter probe: integer arithmetic that allocates nothing and touches no memory, so its
 * tail is what the machine (preemption, interrupts, the hypervisor) adds to any frame of that length.
 * Timed between frames in the same loop, it shows how much of a stage's p99.9 is the box, not the code.
 */
function probeWork(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) | 0;
  return x;
}

let probeSink = 0;

/** One timed probe, in ns. */
function timeProbe(iterations: number): number {
  const t0 = process.hrtime.bigint();
  probeSink += probeWork(iterations);
  return Number(process.hrtime.bigint() - t0);
}

/** Iterations that take about `targetNs` here (median of repeated timings). */
function calibrateProbe(targetNs: number): number {
  const iterations = 10_000;
  const t = new Float64Array(201);
  for (let i = 0; i < t.length; i++) {
    const t0 = process.hrtime.bigint();
    probeWork(iterations);
    t[i] = Number(process.hrtime.bigint() - t0);
  }
  t.sort();
  return Math.max(100, Math.round((iterations * targetNs) / Math.max(1, t[100]!)));
}

async function measureG4(n: number, warm: number): Promise<G4Result> {
  const total = n + warm;
  const tape = makeFrameTape(
    { conditionId: CID, yes: YES, no: NO, tick: MARKET.tickSize },
    { frames: total, seed: 11, topMoveShare: 0.3, startTs: START_TS, stepMs: STEP_MS },
  );
  const worlds = STAGES.map(pipelineWorld);
  for (const p of worlds) for (const s of tape.snapshots) p.onFrame(s, p.w.clock.now());
  const lat = { book: new Float64Array(n), strategy: new Float64Array(n), full: new Float64Array(n), journal: new Float64Array(n) };
  // GC pauses inside the measured window (observed, never forced).
  const gcEntries: { start: number; duration: number; kind: number }[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      gcEntries.push({ start: e.startTime, duration: e.duration, kind: kind ?? 0 });
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  let windowStart = Number.POSITIVE_INFINITY;
  const full = worlds[0]!;
  let actionsTimed = 0;
  let framesActing = 0;
  const acted = new Uint8Array(n);
  const probe = new Float64Array(n);
  // About a quiet frame's length (the full stage's median is 3-4 µs here).
  const probeIterations = calibrateProbe(3_000);
  let usage0 = process.resourceUsage();
  const { data, offsets } = tape;
  for (let k = 0; k < total; k++) {
    if (k === warm) {
      windowStart = performance.now();
      usage0 = process.resourceUsage();
    }
    for (let s = 0; s < worlds.length; s++) {
      const p = worlds[s]!;
      p.w.clock.advance(STEP_MS);
      // The socket hands the handler a fresh Buffer per message.
      const frame = data.subarray(offsets[k]!, offsets[k + 1]!);
      const before = p.w.gw.total;
      const now = p.w.clock.now();
      const t0 = process.hrtime.bigint();
      p.onFrame(frame, now);
      const t1 = process.hrtime.bigint();
      if (k >= warm) {
        lat[p.stage][k - warm] = Number(t1 - t0);
        if (p === full) {
          actionsTimed += p.w.gw.total - before;
          if (p.w.gw.total > before) {
            framesActing++;
            acted[k - warm] = 1;
          }
        }
      }
      if (p === full) {
        const ns = timeProbe(probeIterations);
        if (k >= warm) probe[k - warm] = ns;
      }
      // Acks and fills are the venue's job, outside the timed frame.
      p.w.answer();
      p.w.maybeFill(k);
      p.w.answer();
    }
  }
  const windowEnd = performance.now();
  const usage1 = process.resourceUsage();
  if (probeSink === 0.5) throw new Error("unreachable: keeps the probe's result alive");
  // GC entries are delivered asynchronously.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  const gc = { minor: 0, incremental: 0, major: 0, maxPauseMs: 0, totalMs: 0 };
  for (const e of gcEntries) {
    if (e.start < windowStart || e.start > windowEnd) continue;
    if (e.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    else if (e.kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
    else if (e.kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) gc.incremental++;
    gc.maxPauseMs = Math.max(gc.maxPauseMs, e.duration);
    gc.totalMs += e.duration;
  }
  const acting = new Float64Array(framesActing);
  const quiet = new Float64Array(n - framesActing);
  for (let i = 0, a = 0, q = 0; i < n; i++) {
    if (acted[i] === 1) acting[a++] = lat.full[i]!;
    else quiet[q++] = lat.full[i]!;
  }
  acting.sort();
  quiet.sort();

  for (const p of worlds) {
    const pr = p.problems();
    if (pr.rejections + pr.decodeErrors + pr.decoderRejected > 0)
      throw new Error(
        `${p.stage}: ${pr.decodeErrors} undecodable frames, ${pr.decoderRejected} rejected events, ${pr.rejections} book refusals`,
      );
    const yes = p.books.book(YES);
    if (yes?.bestBid() !== tape.finalBestBid || yes?.bestAsk() !== tape.finalBestAsk)
      throw new Error(`${p.stage}: top of book ${yes?.bestBid()}/${yes?.bestAsk()} != generated ${tape.finalBestBid}/${tape.finalBestAsk}`);
    // One computation per frame (both tokens' changes are one burst), plus one per initial snapshot.
    const computations = p.driver.stats().computations;
    if (p.stage !== "book" && computations !== total + tape.snapshots.length)
      throw new Error(`${p.stage}: strategy computed ${computations} times for ${total} frames`);
    if (p.stage === "full" || p.stage === "journal") {
      if (p.w.gw.places === 0) throw new Error(`${p.stage}: never placed an order: nothing measured`);
      if (p.w.gw.illegal > 0) throw new Error(`${p.stage}: ${p.w.gw.illegal} illegal PLACEs`);
      const problems = p.w.actor.audit();
      if (problems.length > 0) throw new Error(`${p.stage}: ledger audit failed: ${problems.join("; ")}`);
      if (p.w.actor.mode() !== "RUNNING") throw new Error(`${p.stage}: executor left RUNNING: ${p.w.actor.snapshot().stopReason}`);
    }
  }
  if (worlds[3]!.slot.peek() === undefined) throw new Error("strategy-only stage produced no intent");
  // The journaled executor decided exactly what the unjournaled one did (journaling has no effect).
  if (worlds[2]!.w.gw.total !== full.w.gw.total)
    throw new Error(`journaled executor took ${worlds[2]!.w.gw.total} actions, unjournaled ${full.w.gw.total}`);
  for (const l of Object.values(lat)) l.sort();
  return {
    lat,
    ticks: n,
    topMoves: tape.topMoves,
    places: full.w.gw.places,
    actionsTimed,
    framesActing,
    intentChanges: full.w.actor.stats().intentChanges,
    journalEntries: worlds[2]!.journal!.appended,
    gc,
    acting,
    quiet,
    bytes: tape.data.length,
    probe: probe.sort(),
    probeIterations,
    pageFaults: usage1.minorPageFault - usage0.minorPageFault,
    involuntarySwitches: usage1.involuntaryContextSwitches - usage0.involuntaryContextSwitches,
  };
}

/** One measurement serves the three G4 rows (and the two executor-only rows share theirs). */
const memo = new Map<string, Promise<unknown>>();
function once<T>(key: string, f: () => Promise<T> | T): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = Promise.resolve().then(f);
    memo.set(key, p);
  }
  return p;
}

const g4 = (smoke: boolean, n: number) => once(`g4:${smoke}:${n}`, () => measureG4(n, smoke ? 30 : 10_000));
const decisions = (smoke: boolean, n: number) => once(`dec:${smoke}:${n}`, () => measureDecisions(n, smoke ? 20 : 5_000));

/** Entries above `ns` in a sorted array. */
function countOver(sorted: Float64Array, ns: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= ns) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

const us = (a: Float64Array, p: number) => (a.length === 0 ? Number.NaN : percentile(a, p) / 1000);

/**
 * The V8 heap flags this process runs with and the young generation it ended up with: latency tails
 * depend on them (a bigger semi-space means fewer scavenges), so results are only comparable with
 * the same settings, and the bot must run with the flags a result was measured under.
 */
function gcSettings(): Record<string, string | number> {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].filter((a) =>
    /^--(max|min)-(semi|old)-space-size|^--max-heap-size/.test(a),
  );
  const young = getHeapSpaceStatistics().find((x) => x.space_name === "new_space");
  return {
    v8HeapFlags: flags.length > 0 ? flags.join(" ") : "none (V8 defaults)",
    // new_space is the two semi-spaces.
    semiSpaceMBAtEnd: young === undefined ? Number.NaN : Math.round(young.space_size / 2 / 2 ** 20),
  };
}

function g4Details(r: G4Result): Record<string, number | string> {
  const d: Record<string, number | string> = {
    frames: r.ticks,
    frameMB: Math.round(r.bytes / 1e5) / 10,
    topMoveFrames: r.topMoves,
  };
  for (const s of ["full", "book", "strategy", "journal"] as const) {
    d[`${s}P50us`] = us(r.lat[s], 50);
    d[`${s}P99us`] = us(r.lat[s], 99);
    d[`${s}P999us`] = us(r.lat[s], 99.9);
    d[`${s}MaxUs`] = us(r.lat[s], 100);
  }
  d.ratioP50FullOverDecodeBook = Math.round((percentile(r.lat.full, 50) / Math.max(1, percentile(r.lat.book, 50))) * 100) / 100;
  d.actionsPerFrame = Math.round((r.actionsTimed / r.ticks) * 1000) / 1000;
  d.framesWithActions = r.framesActing;
  d.places = r.places;
  d.intentChanges = r.intentChanges;
  d.journalEntries = r.journalEntries;
  d.fullActingP50us = us(r.acting, 50);
  d.fullActingP99us = us(r.acting, 99);
  d.fullQuietP50us = us(r.quiet, 50);
  d.fullQuietP99us = us(r.quiet, 99);
  d.gcMinor = r.gc.minor;
  d.gcIncremental = r.gc.incremental;
  d.gcMajor = r.gc.major;
  d.gcMaxPauseMs = Math.round(r.gc.maxPauseMs * 100) / 100;
  d.gcTotalMs = Math.round(r.gc.totalMs);
  d.machineProbeP50us = us(r.probe, 50);
  d.machineProbeP99us = us(r.probe, 99);
  d.machineProbeP999us = us(r.probe, 99.9);
  d.framesOver50usFull = countOver(r.lat.full, 50_000);
  d.framesOver50usBook = countOver(r.lat.book, 50_000);
  d.framesOver50usProbe = countOver(r.probe, 50_000);
  d.windowPageFaults = r.pageFaults;
  d.windowInvoluntarySwitches = r.involuntarySwitches;
  Object.assign(d, gcSettings());
  d.crossCheck = "0 decode/book errors, same final top of book in every stage, orders placed and legal, ledger audit clean, RUNNING";
  return d;
}

export default defineBenches([
  {
    name: "executor/G4 wire frame → decode → book → strategy → executor → stub gateway p99 vs decode+book",
    unit: "µs",
    better: "lower",
    target: { maxValue: 10 },
    measure: async (ctx) => {
      const r = await g4(ctx.smoke, ctx.n(300_000, 300));
      return { value: us(r.lat.full, 99), baseline: us(r.lat.book, 99), details: g4Details(r) };
    },
  },
  {
    name: "executor/G4 wire frame → … → stub gateway p99.9 vs decode+book",
    unit: "µs",
    better: "lower",
    target: { maxValue: 50 },
    measure: async (ctx) => {
      const r = await g4(ctx.smoke, ctx.n(300_000, 300));
      return {
        value: us(r.lat.full, 99.9),
        baseline: us(r.lat.book, 99.9),
        details: { frames: r.ticks, machineProbeP999us: us(r.probe, 99.9), probeIterations: r.probeIterations },
      };
    },
  },
  {
    name: "executor/G4 p50 ratio full ÷ decode+book",
    unit: "x",
    better: "lower",
    target: { maxValue: 1.5 },
    measure: async (ctx) => {
      const r = await g4(ctx.smoke, ctx.n(300_000, 300));
      return {
        value: percentile(r.lat.full, 50) / Math.max(1, percentile(r.lat.book, 50)),
        details: { fullP50us: us(r.lat.full, 50), decodeBookP50us: us(r.lat.book, 50) },
      };
    },
  },
  {
    name: "executor/intent → plan → reconcile → actions p99 (stub gateway) vs planner-only",
    unit: "µs",
    better: "lower",
    // The executor's share of the G4 budget: p99 ≤ 10 µs.
    target: { maxValue: 10 },
    measure: async (ctx) => {
      const n = ctx.n(50_000, 200);
      const { cand, base, actionsTimed, stats } = await decisions(ctx.smoke, n);
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
    measure: async (ctx) => {
      const n = ctx.n(50_000, 200);
      const { cand, base } = await decisions(ctx.smoke, n);
      return { value: percentile(cand, 99.9) / 1000, baseline: percentile(base, 99.9) / 1000, details: { intents: n } };
    },
  },
]);
