/**
 * `runBacktest`: one deterministic replay of a tape through the live strategy driver and executor on
 * a virtual clock, against the simulated venue.
 *
 *   tape event ──(venue time)──▶ SimVenue (truth + our queues) ──fills──▶ user feed ─(latency)─▶ executor
 *        └────(market-data latency)──▶ BookStore / ReferenceCache ──▶ StrategyDriver ──▶ executor.intents
 *   executor ──▶ SimGateway ─(entry / cancel latency)─▶ SimVenue ─(ack latency)─▶ executor.results
 *
 * Nothing reads wall time; every random draw comes from streams derived from `seed`.
 */
import { BookStore, type LevelInput, ReferenceCache } from "@mm/caches";
import { type ExecutorConfigInput, ExecutorActor, type JournalSink } from "@mm/executor";
import {
  type BandsStrategyConfig,
  type InventoryReader,
  makeBandsStrategy,
  makeReferenceStrategy,
  type ReferenceStrategyOptions,
  type Strategy,
  StrategyDriver,
  StrategyDriverRouter,
} from "@mm/strategy";
import {
  type ConditionId,
  type DesiredQuoteSet,
  ManualClock,
  type MarketInfo,
  PRICE_SCALE,
  type Size,
  type TickSize,
  type TokenId,
  type Usdc,
} from "@mm/types";
import { DelayLine } from "./delay-line.js";
import { type GatewayModel, SimGateway, SimUserFeed } from "./gateway.js";
import { DEFAULT_LATENCY, type LatencyConfig, LatencySampler } from "./latency.js";
import { Ledger } from "./ledger.js";
import { buildSummary, fillRecordOf, type BacktestSummary, type FillRecord, type SeriesPoint } from "./summary.js";
import { EventKind, SIDE_BID, type Tape } from "./tape.js";
import { SimVenue, type VenueHooks, type VenueModelConfig, type VenueTrade } from "./venue-model.js";

export type StrategySpec =
  | { readonly kind: "bands"; readonly config?: Partial<BandsStrategyConfig> }
  | { readonly kind: "reference"; readonly options: ReferenceStrategyOptions }
  | { readonly kind: "custom"; readonly make: (market: MarketInfo) => Strategy };

export interface BacktestConfig {
  readonly seed: number;
  readonly strategy: StrategySpec;
  readonly executor?: ExecutorConfigInput;
  readonly venue?: Partial<VenueModelConfig>;
  readonly latency?: LatencyConfig;
  /** micro-USDC */
  readonly initialCollateral: number;
  /** Settled shares per token id at start, micro-shares. */
  readonly initialTokens?: Readonly<Record<string, number>>;
  /** Series sampling interval, ms (default 1000). */
  readonly sampleIntervalMs?: number;
  /** Markout horizons, ms (default 1 s, 10 s, 60 s). */
  readonly markoutHorizonsMs?: readonly number[];
  /** Virtual time run after the last event so settlement, acks and markouts complete, ms (default 70 s). */
  readonly tailMs?: number;
  readonly driver?: { readonly debounceMs?: number; readonly refreshMs?: number };
  /** The executor's journal (e.g. a MemoryJournal for parity checks). */
  readonly journal?: JournalSink;
  /**
   * Replay these intents (e.g. from a bot journal) at their times instead of running the strategy:
   * the executor, gateway and venue model are then the only things simulated (live-vs-backtest parity).
   */
  readonly intents?: readonly TimedIntent[];
  /** The gateway's worker model (default pipelined; `serial` mirrors @mm/gateway's one in-flight request). */
  readonly gateway?: GatewayModel;
  /** Known settlement outcomes of our trades (see `VenueHooks.settlementOutcome`; parity replays). */
  readonly settlementOutcome?: VenueHooks["settlementOutcome"];
  /** Keep every order's span at the venue in `BacktestResult.orderSpans` (parity); default false. */
  readonly recordOrderSpans?: boolean;
}

export interface TimedIntent {
  readonly at: number;
  readonly intent: DesiredQuoteSet;
}

export interface BacktestResult {
  readonly summary: BacktestSummary;
  /** Canonical JSON of `summary` (byte-identical for the same inputs and seed). */
  readonly summaryJson: string;
  readonly fills: readonly FillRecord[];
  readonly series: readonly SeriesPoint[];
  readonly executorStats: ReturnType<ExecutorActor["stats"]>;
  /** Orders at the simulated venue and when they were there (closed ones only with `recordOrderSpans`). */
  readonly orderSpans: ReturnType<SimVenue["orderSpans"]>;
}

/** Hooks for tests and tools: a look inside while the run goes. */
export interface RunProbe {
  /** Called after each tape event was applied to the venue. */
  readonly afterEvent?: (
    i: number,
    ctx: { readonly venue: SimVenue; readonly executor: ExecutorActor; readonly clock: ManualClock },
  ) => void;
}

export function runBacktest(tape: Tape, config: BacktestConfig, probe: RunProbe = {}): BacktestResult {
  if (tape.markets.length === 0) throw new RangeError("tape has no markets");
  const start = tape.length > 0 ? (tape.time[0] as number) : 0;
  const clock = new ManualClock(start);
  const latency = new LatencySampler(config.latency ?? DEFAULT_LATENCY, config.seed);
  const horizons = config.markoutHorizonsMs ?? [1_000, 10_000, 60_000];
  const sampleMs = config.sampleIntervalMs ?? 1_000;
  if (!(sampleMs > 0)) throw new RangeError("sampleIntervalMs must be > 0");
  const markets = tape.markets.map((m) => ({ ...m }));
  const byCondition = new Map<ConditionId, number>(markets.map((m, i) => [m.conditionId, i]));
  const tokenInfo = new Map<TokenId, { market: number; outcome: "YES" | "NO" }>();
  markets.forEach((m, i) => {
    tokenInfo.set(m.yes.tokenId, { market: i, outcome: "YES" });
    tokenInfo.set(m.no.tokenId, { market: i, outcome: "NO" });
  });

  // --- the run's records
  const ledger = new Ledger(config.initialCollateral, tokenInfo);
  const fills: FillRecord[] = [];
  const fillByTrade = new Map<string, FillRecord>();
  const series: SeriesPoint[] = [];
  const onTrade = (t: VenueTrade): void => {
    ledger.onTrade(t);
    const rec = fillByTrade.get(t.tradeId);
    if (rec === undefined) {
      const r = fillRecordOf(
        t,
        horizons.map(() => null),
      );
      fills.push(r);
      fillByTrade.set(t.tradeId, r);
      horizons.forEach((h, k) => {
        clock.setTimer(h, () => {
          const mid = venue.mid(t.market);
          r.markouts[k] = mid === undefined ? null : t.yesDirection * (mid - t.yesPrice);
        });
      });
    } else rec.status = t.status;
  };

  // --- venue, feeds, gateway, executor
  let executor: ExecutorActor | undefined;
  const userFeed = new SimUserFeed(clock, (e) => executor?.userEvents.post(e), latency);
  const venue = new SimVenue({
    clock,
    markets,
    config: config.venue ?? {},
    seed: config.seed,
    collateral: config.initialCollateral,
    ...(config.initialTokens ? { tokens: config.initialTokens } : {}),
    hooks: {
      onUserEvent: (e) => userFeed.publish(e),
      onTrade,
      ...(config.settlementOutcome !== undefined ? { settlementOutcome: config.settlementOutcome } : {}),
    },
    recordSpans: config.recordOrderSpans ?? false,
  });
  const gateway = new SimGateway(clock, venue, latency, config.gateway);
  // The executor knows the fee schedule the venue model charges (as the bot gets it from Gamma), so
  // it books taker fills net of the same fee; the venue model is the truth here.
  const rateBps = Math.round((config.venue?.takerFeeRate ?? 0) * 10_000);
  const feeSchedule = { rateBps, exponent: config.venue?.feeExponent ?? 1 };
  const actor = new ExecutorActor({
    clock,
    gateway,
    markets: markets.map((m) => ({ ...m, feeSchedule })),
    initial: { collateral: config.initialCollateral as Usdc, tokens: (config.initialTokens ?? {}) as Record<string, Size> },
    ...(config.executor ? { config: config.executor } : {}),
    ...(config.journal ? { journal: config.journal } : {}),
  });
  executor = actor;
  gateway.results = actor.results;

  // --- the bot's view of the market
  const books = new BookStore({ checkOrdering: false });
  const references = new ReferenceCache();
  for (const m of markets) books.registerMarket(m);
  const inventory: InventoryReader = {
    inventory(cid) {
      const i = byCondition.get(cid);
      if (i === undefined) return undefined;
      const m = markets[i] as MarketInfo;
      return { yes: actor.inventoryOf(m.yes.tokenId), no: actor.inventoryOf(m.no.tokenId) };
    },
  };
  const router = new StrategyDriverRouter();
  const replaying = config.intents !== undefined;
  const drivers = (replaying ? [] : markets).map((_, i) => {
    const strategy = makeStrategy(config.strategy, markets[i] as MarketInfo);
    const d = new StrategyDriver({
      clock,
      strategy,
      market: () => markets[i] as MarketInfo,
      books,
      references,
      inventory,
      output: actor.intents,
      ...(config.driver?.debounceMs !== undefined ? { debounceMs: config.driver.debounceMs } : {}),
      ...(config.driver?.refreshMs !== undefined ? { refreshMs: config.driver.refreshMs } : {}),
    });
    router.add(d);
    return d;
  });

  const deliver = (i: number): void => {
    const now = clock.now();
    const kind = tape.kind[i] as number;
    const mi = tape.market[i] as number;
    if (kind === EventKind.REFERENCE) {
      const symbol = tape.symbols[mi];
      if (symbol === undefined) return;
      references.update(symbol, tape.size[i] as number, tape.aux[i] as number, now);
      router.notify(symbol);
      return;
    }
    const m = markets[mi];
    if (m === undefined) return;
    switch (kind) {
      case EventKind.SNAPSHOT: {
        const n = tape.size[i] as number;
        const bids: LevelInput[] = [];
        const asks: LevelInput[] = [];
        const noBids: LevelInput[] = [];
        const noAsks: LevelInput[] = [];
        for (let j = i + 1; j <= i + n && j < tape.length; j++) {
          const p = tape.price[j] as number;
          const s = tape.size[j] as number;
          if (s <= 0) continue;
          if ((tape.side[j] as number) === SIDE_BID) {
            bids.push({ price: p, size: s });
            noAsks.push({ price: PRICE_SCALE - p, size: s });
          } else {
            asks.push({ price: p, size: s });
            noBids.push({ price: PRICE_SCALE - p, size: s });
          }
        }
        books.applySnapshot(m.yes.tokenId, bids, asks, now);
        books.applySnapshot(m.no.tokenId, noBids, noAsks, now);
        break;
      }
      case EventKind.LEVEL: {
        const p = tape.price[i] as number;
        const s = tape.size[i] as number;
        const bid = (tape.side[i] as number) === SIDE_BID;
        books.applyLevels(m.yes.tokenId, [{ side: bid ? "BID" : "ASK", price: p, size: s }], now);
        books.applyLevels(m.no.tokenId, [{ side: bid ? "ASK" : "BID", price: PRICE_SCALE - p, size: s }], now);
        break;
      }
      case EventKind.TICK_SIZE: {
        const tick = tape.price[i] as TickSize;
        books.applyTickSize(m.yes.tokenId, tick, now);
        books.applyTickSize(m.no.tokenId, tick, now);
        markets[mi] = { ...m, tickSize: tick };
        actor.control({ type: "tick_size", conditionId: m.conditionId, tickSize: tick });
        break;
      }
      case EventKind.RESOLVE: {
        const closed = { ...m, closed: true, active: false };
        markets[mi] = closed;
        actor.control({ type: "market", market: closed });
        break;
      }
      default:
        return; // trades: the strategies read books, not prints
    }
    drivers[mi]?.notify();
  };
  const md = new DelayLine<number>(clock, deliver);

  // --- sampling
  const end = (tape.length > 0 ? (tape.time[tape.length - 1] as number) : start) + (config.tailMs ?? 70_000);
  // Marks: the venue mid, else the last mid seen (a one-sided book near expiry), and the payoff once resolved.
  const lastMid: (number | undefined)[] = markets.map(() => undefined);
  const sample = (): void => {
    for (let mi = 0; mi < markets.length; mi++) lastMid[mi] = venue.mid(mi) ?? lastMid[mi];
    const v = ledger.valuation(
      (m) => lastMid[m],
      (m) => {
        const w = venue.winner(m);
        return w === undefined ? undefined : w === "YES" ? 1 : 0;
      },
    );
    for (let mi = 0; mi < markets.length; mi++) {
      const last = drivers[mi]?.lastPosted ?? lastIntent[mi];
      series.push({
        t: clock.now(),
        market: mi,
        pnl: v.total / 1e6,
        exposure: ledger.exposure(mi),
        bookBid: venue.bestBid(mi) ?? null,
        bookAsk: venue.bestAsk(mi) ?? null,
        quoteBid: last?.bids[0]?.price ?? null,
        quoteAsk: last?.asks[0]?.price ?? null,
        fair: last?.fairValue !== undefined && Number.isFinite(last.fairValue) ? Math.round(last.fairValue * 100) / 100 : null,
      });
    }
    if (clock.now() + sampleMs <= end) clock.setTimer(sampleMs, sample);
  };
  clock.setTimer(0, sample);

  // --- recorded intents instead of the strategy
  const lastIntent: (DesiredQuoteSet | undefined)[] = markets.map(() => undefined);
  if (config.intents !== undefined) {
    const sorted = [...config.intents].sort((a, b) => a.at - b.at);
    let k = 0;
    const postDue = (): void => {
      while (k < sorted.length && (sorted[k] as TimedIntent).at <= clock.now()) {
        const { intent } = sorted[k++] as TimedIntent;
        const mi = byCondition.get(intent.conditionId);
        if (mi !== undefined) lastIntent[mi] = intent;
        actor.intents.post(intent);
      }
      const next = sorted[k];
      if (next !== undefined) clock.setTimer(next.at - clock.now(), postDue);
    };
    const first = sorted[0];
    if (first !== undefined) clock.setTimer(Math.max(0, first.at - start), postDue);
  }

  // --- the replay
  for (let i = 0; i < tape.length; i++) {
    const t = tape.time[i] as number;
    if (t > clock.now()) clock.advanceTo(t);
    venue.applyEvent(tape, i);
    md.push(latency.sample("marketData"), i);
    probe.afterEvent?.(i, { venue, executor: actor, clock });
    if ((tape.kind[i] as number) === EventKind.SNAPSHOT) i += tape.size[i] as number;
  }
  for (const d of drivers) d.stop({ pull: true, detail: "end of tape" });
  clock.advanceTo(end);

  const stats = actor.stats();
  const summary = buildSummary({
    tape,
    config,
    horizons,
    fills,
    series,
    ledger,
    venue,
    executorStats: stats,
    end,
  });
  return { summary, summaryJson: JSON.stringify(summary), fills, series, executorStats: stats, orderSpans: venue.orderSpans() };
}

function makeStrategy(spec: StrategySpec, market: MarketInfo): Strategy {
  switch (spec.kind) {
    case "bands":
      return makeBandsStrategy(spec.config ?? {});
    case "reference":
      return makeReferenceStrategy(spec.options);
    case "custom":
      return spec.make(market);
  }
}
