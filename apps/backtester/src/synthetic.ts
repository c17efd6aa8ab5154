/**
 * Simulator-generated sessions for synthetic studies: a seeded reference path (@mm/venue-sim's
 * `PricePath`) and a seeded background flow (laddering makers, noise and informed takers) matched by
 * @mm/venue-sim's deterministic `VenueEngine` on a virtual clock. The engine's book and trade events
 * are recorded into a tape (YES-space levels, per-maker-leg trades, reference quotes, automatic
 * tick-size changes, the resolution on the path), which the backtester then replays with our orders
 * added counterfactually. Same options ⇒ the same tape, bit for bit.
 */
import {
  type ConditionId,
  ManualClock,
  type MarketInfo,
  type OrderId,
  PRICE_SCALE,
  type Price,
  type Size,
  type TickSize,
  type TokenId,
  type Usdc,
} from "@mm/types";
import { type EngineEvent, PricePath, upProbability, VenueEngine } from "@mm/venue-sim";
import { Rng } from "./rng.js";
import { EventKind, SIDE_ASK, SIDE_BID, TAKER_BUY, TAKER_SELL, type Tape, TapeBuilder } from "./tape.js";

export interface SyntheticSessionOptions {
  readonly seed: number;
  /** Epoch ms of the window start (default 2026-01-01T00:00:00Z). */
  readonly startMs?: number;
  /** Window length = market lifetime, ms (default 15 min). */
  readonly durationMs?: number;
  /** Flow step, ms (default 250). */
  readonly stepMs?: number;
  /** Reference (default BTCUSDT at 96 500, 60 % annualized, no jumps). */
  readonly symbol?: string;
  readonly initialPrice?: number;
  readonly annualVol?: number;
  readonly jumpIntensityPerYear?: number;
  /** Maker ladder: levels per side, half spread in ticks, shares per level in [min, max]. */
  readonly makerLevels?: number;
  readonly makerHalfSpreadTicks?: number;
  readonly makerSizeMin?: number;
  readonly makerSizeMax?: number;
  /** A maker requotes when the fair value moved by at least this many ticks (default 1). */
  readonly requoteTicks?: number;
  /** Taker arrivals per second (default 1.5), sizes in shares. */
  readonly takerRatePerSec?: number;
  readonly takerSizeMin?: number;
  readonly takerSizeMax?: number;
  /** Fraction of takers that only trade stale quotes (default 0.3), edge in ticks (default 2). */
  readonly informedFraction?: number;
  readonly informedEdgeTicks?: number;
  /** Resolve at the end of the window on the path (default true). */
  readonly resolve?: boolean;
}

const HEX = (n: number, tag: number): string => `0x${tag.toString(16).padStart(8, "0")}${n.toString(16).padStart(56, "0")}`;

/** The up/down market of a synthetic window. */
export function syntheticMarket(seed: number, startMs: number, durationMs: number): MarketInfo {
  const s = Math.abs(Math.trunc(seed)) % 1_000_000_000;
  return {
    conditionId: HEX(s + 1, 0xc0ffee) as ConditionId,
    question: `BTC up or down (synthetic, seed ${seed})`,
    slug: `btc-updown-synthetic-${seed}`,
    yes: { tokenId: String(7_000_000_000_000 + s * 2) as TokenId, label: "Up" },
    no: { tokenId: String(7_000_000_000_000 + s * 2 + 1) as TokenId, label: "Down" },
    tickSize: 100,
    minOrderSize: 5_000_000 as Size,
    negRisk: false,
    startTime: startMs,
    endTime: startMs + durationMs,
    active: true,
    closed: false,
    feeRateBps: 0,
  };
}

export function generateSyntheticSession(options: SyntheticSessionOptions): Tape {
  const o = {
    startMs: Date.UTC(2026, 0, 1),
    durationMs: 15 * 60_000,
    stepMs: 250,
    symbol: "BTCUSDT",
    initialPrice: 96_500,
    annualVol: 0.6,
    jumpIntensityPerYear: 0,
    makerLevels: 3,
    makerHalfSpreadTicks: 1,
    makerSizeMin: 20,
    makerSizeMax: 200,
    requoteTicks: 1,
    takerRatePerSec: 1.5,
    takerSizeMin: 5,
    takerSizeMax: 60,
    informedFraction: 0.3,
    informedEdgeTicks: 2,
    resolve: true,
    ...options,
  };
  if (!(o.durationMs > 0 && o.stepMs > 0)) throw new RangeError("durationMs and stepMs must be > 0");
  const clock = new ManualClock(o.startMs);
  const rng = Rng.derive(o.seed, "synthetic.flow");
  const path = new PricePath(
    { seed: o.seed, initialPrice: o.initialPrice, volatility: o.annualVol, jumpIntensityPerYear: o.jumpIntensityPerYear },
    o.startMs,
  );
  const market = syntheticMarket(o.seed, o.startMs, o.durationMs);
  const engine = new VenueEngine({ clock, config: { seed: o.seed, settlement: { minedDelayMs: 0, confirmedDelayMs: 0 } } });
  engine.addMarket(market);
  const makers = ["maker-a", "maker-b"];
  for (const owner of [...makers, "taker-noise", "taker-informed"]) engine.deposit(owner, 1_000_000_000_000_000 as Usdc);

  const tape = new TapeBuilder({ markets: [market], symbols: [o.symbol], source: `synthetic seed ${o.seed}` }, 1 << 16);
  const pendingTrades: [number, number, number][] = [];
  const pendingLevels: [number, number, number][] = [];
  let pendingTick: number | undefined;
  let recording = false;
  engine.subscribe((e: EngineEvent) => {
    if (!recording) return;
    if (e.kind === "book") {
      for (const c of e.changes)
        if (c.tokenId === market.yes.tokenId) pendingLevels.push([c.side === "BUY" ? SIDE_BID : SIDE_ASK, c.price, c.size]);
    } else if (e.kind === "trade" && e.previousStatus === undefined) {
      for (const leg of e.trade.makers) {
        const onYes = leg.tokenId === market.yes.tokenId;
        const yesPrice = onYes ? leg.price : PRICE_SCALE - leg.price;
        // The maker's YES-space side is bid when it bought YES or sold NO; the taker did the opposite.
        const makerBid = onYes === (leg.side === "BUY");
        pendingTrades.push([makerBid ? TAKER_SELL : TAKER_BUY, yesPrice, leg.size]);
      }
    } else if (e.kind === "tick_size") pendingTick = e.newTickSize;
  });
  // Trades first, then the level changes they caused (the replay's queue model attributes a level's
  // decrease to the trades seen at it before counting the rest as cancels).
  const flush = (): void => {
    const t = clock.now();
    for (const [side, p, s] of pendingTrades) tape.push(t, EventKind.TRADE, 0, side, p, s);
    for (const [side, p, s] of pendingLevels) tape.push(t, EventKind.LEVEL, 0, side, p, s);
    if (pendingTick !== undefined) tape.push(t, EventKind.TICK_SIZE, 0, 0, pendingTick, 0);
    pendingTrades.length = 0;
    pendingLevels.length = 0;
    pendingTick = undefined;
  };

  const strike = path.last.mid;
  const orders = new Map<string, OrderId[]>();
  const lastFair = new Map<string, number>();
  const tickOf = (): TickSize => engine.tickSize(market.yes.tokenId) ?? market.tickSize;
  const fairAt = (t: number, spot: number): number => upProbability(spot, strike, o.annualVol, o.startMs + o.durationMs - t);

  const requote = (owner: string, fair: number, force: boolean): void => {
    const tick = tickOf();
    const last = lastFair.get(owner);
    if (!force && last !== undefined && Math.abs(fair - last) * PRICE_SCALE < o.requoteTicks * tick) return;
    lastFair.set(owner, fair);
    const ids = orders.get(owner) ?? [];
    if (ids.length > 0) engine.cancelOrders(owner, ids);
    const fresh: OrderId[] = [];
    const f = fair * PRICE_SCALE;
    for (let k = 0; k < o.makerLevels; k++) {
      const bid = Math.floor(f / tick - o.makerHalfSpreadTicks - k) * tick;
      const ask = Math.ceil(f / tick + o.makerHalfSpreadTicks + k) * tick;
      const sz = (rng.int(o.makerSizeMin, o.makerSizeMax) * 1_000_000) as Size;
      if (bid >= tick && bid <= PRICE_SCALE - tick) {
        const r = engine.placeOrder({ owner, tokenId: market.yes.tokenId, side: "BUY", price: bid as Price, size: sz, orderType: "GTC" });
        if (r.ok && r.status === "live") fresh.push(r.orderId);
      }
      if (ask >= tick && ask <= PRICE_SCALE - tick) {
        const r = engine.placeOrder({
          owner,
          tokenId: market.no.tokenId,
          side: "BUY",
          price: (PRICE_SCALE - ask) as Price,
          size: sz,
          orderType: "GTC",
        });
        if (r.ok && r.status === "live") fresh.push(r.orderId);
      }
    }
    orders.set(owner, fresh);
  };

  const taker = (fair: number): void => {
    const best = engine.bestPrices(market.yes.tokenId);
    if (best === undefined) return;
    const tick = tickOf();
    const informed = rng.next() < o.informedFraction;
    let buy: boolean;
    if (informed) {
      const edge = o.informedEdgeTicks * tick;
      const f = fair * PRICE_SCALE;
      if (best.bestAsk !== undefined && best.bestAsk <= f - edge) buy = true;
      else if (best.bestBid !== undefined && best.bestBid >= f + edge) buy = false;
      else return;
    } else buy = rng.next() < 0.5;
    const size = (rng.int(o.takerSizeMin, o.takerSizeMax) * 1_000_000) as Size;
    const owner = informed ? "taker-informed" : "taker-noise";
    if (buy) {
      if (best.bestAsk === undefined) return;
      const limit = Math.min(PRICE_SCALE - tick, best.bestAsk + tick);
      engine.placeOrder({ owner, tokenId: market.yes.tokenId, side: "BUY", price: limit as Price, size, orderType: "FAK" });
    } else {
      if (best.bestBid === undefined) return;
      const limit = Math.min(PRICE_SCALE - tick, PRICE_SCALE - Math.max(tick, best.bestBid - tick));
      engine.placeOrder({ owner, tokenId: market.no.tokenId, side: "BUY", price: limit as Price, size, orderType: "FAK" });
    }
  };

  // Opening book, recorded as a snapshot.
  const fair0 = fairAt(o.startMs, path.last.mid);
  for (const m of makers) requote(m, fair0, true);
  const snap = engine.book(market.yes.tokenId);
  tape.push(o.startMs, EventKind.REFERENCE, 0, 0, 0, path.last.bid, path.last.ask);
  tape.snapshot(
    o.startMs,
    0,
    (snap?.bids ?? []).map((l) => ({ price: l.price, size: l.size })),
    (snap?.asks ?? []).map((l) => ({ price: l.price, size: l.size })),
  );
  recording = true;

  const end = o.startMs + o.durationMs;
  const takerProb = Math.min(1, (o.takerRatePerSec * o.stepMs) / 1000);
  for (let t = o.startMs + o.stepMs; t < end; t += o.stepMs) {
    clock.advanceTo(t);
    const q = path.advanceTo(t);
    tape.push(t, EventKind.REFERENCE, 0, 0, 0, q.bid, q.ask);
    const fair = fairAt(t, q.mid);
    for (const m of makers) {
      requote(m, fair, false);
      flush();
    }
    if (rng.next() < takerProb) {
      taker(fair);
      flush();
    }
  }
  clock.advanceTo(end);
  const final = path.advanceTo(end);
  tape.push(end, EventKind.REFERENCE, 0, 0, 0, final.bid, final.ask);
  if (o.resolve) {
    recording = false;
    tape.push(end, EventKind.RESOLVE, 0, final.mid > strike ? 0 : 1, 0, 0);
  }
  return tape.build();
}
