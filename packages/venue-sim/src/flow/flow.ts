/**
 * Simulated order flow, seeded and deterministic on the venue's Clock: passive makers ladder BUY
 * YES bids and BUY NO offers (= YES asks via the complement book) around a fair value
 * P(S_T > S_0) from the reference path; noise takers cross at random; informed takers pick off
 * quotes that lag the reference (adverse selection). Windows open (strike = spot), resolve on the
 * path (market_resolved, payout) and roll into new markets.
 */
import type { ConditionId, OrderId, Price, Size, TimerHandle, TokenId, Usdc } from "@mm/types";
import { upProbability } from "../reference/path.js";
import { Rng } from "../reference/rng.js";
import { makeUpDownMarkets, type SimMarket } from "../server/markets.js";
import type { Venue } from "../server/venue.js";

export interface FlowOptions {
  readonly seed: number;
  /** Step interval (default 250 ms). */
  readonly intervalMs: number;
  /** Market window length (for rolled markets). */
  readonly windowMs: number;
  readonly makers: number;
  readonly levels: number;
  /** Maker half spread in ticks, fractional allowed (default 0.5: one-tick markets, as on liquid crypto up/downs). */
  readonly halfSpreadTicks: number;
  /** Shares per maker level, uniform in [min, max]. */
  readonly makerSizeMin: number;
  readonly makerSizeMax: number;
  /** Taker arrivals per second per market. */
  readonly takerRatePerSec: number;
  /** Fraction of takers that trade only against stale quotes (edge ≥ `informedEdgeTicks`). */
  readonly informedFraction: number;
  readonly informedEdgeTicks: number;
  readonly takerSizeMin: number;
  readonly takerSizeMax: number;
  /** Resolve markets at window end and open new ones (default true). */
  readonly roll: boolean;
  /** Reference symbol (default BTCUSDT). */
  readonly symbol: string;
  /**
   * Terminal orders and settled trades older than this are pruned from the engine once a minute so a
   * long run stays bounded (default 15 min; 0 keeps everything).
   */
  readonly pruneAfterMs: number;
}

const DEFAULTS: Omit<FlowOptions, "seed" | "windowMs"> = {
  intervalMs: 250,
  makers: 2,
  levels: 3,
  halfSpreadTicks: 0.5,
  makerSizeMin: 20,
  makerSizeMax: 200,
  takerRatePerSec: 1.5,
  informedFraction: 0.3,
  informedEdgeTicks: 2,
  takerSizeMin: 5,
  takerSizeMax: 60,
  roll: true,
  symbol: "BTCUSDT",
  pruneAfterMs: 15 * 60_000,
};

interface MakerState {
  readonly owner: string;
  orders: OrderId[];
  lastFair: number;
}

const FLOW_FUNDING = 1_000_000_000_000_000 as Usdc; // 1e9 USDC per simulated participant

export class OrderFlow {
  readonly options: FlowOptions;
  private readonly rng: Rng;
  private timer: TimerHandle | undefined;
  private lastStep: number;
  private readonly makers = new Map<string, MakerState[]>();
  private readonly noise = "flow-taker-noise";
  private readonly informed = "flow-taker-informed";
  private nextIndex = 1_000;
  private latestStart = 0;
  private lastPrune: number;
  /** Counters for tests and the status of a run. */
  readonly stats = { steps: 0, makerOrders: 0, takerOrders: 0, resolved: 0, rolled: 0, rejected: 0, prunedOrders: 0, prunedTrades: 0 };

  constructor(
    private readonly venue: Venue,
    options: Partial<FlowOptions> & { readonly seed: number; readonly windowMs: number },
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.rng = new Rng((options.seed ^ 0xf10) >>> 0);
    this.lastStep = venue.clock.now();
    this.lastPrune = this.lastStep;
    const owners = [this.noise, this.informed];
    for (let i = 0; i < this.options.makers; i++) owners.push(`flow-mm-${i}`);
    for (const o of owners) venue.engine.deposit(o, FLOW_FUNDING);
    for (const m of venue.allMarkets()) this.latestStart = Math.max(this.latestStart, m.startTime);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.venue.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.venue.clock.setTimer(this.options.intervalMs, () => {
      this.step();
      this.schedule();
    });
  }

  /** One flow step at the clock's current time (the timer calls this; tests may too). */
  step(): void {
    const now = this.venue.clock.now();
    const dtSec = Math.max(0, (now - this.lastStep) / 1000);
    this.lastStep = now;
    this.stats.steps++;
    if (this.options.pruneAfterMs > 0 && now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      const p = this.venue.engine.prune(now - this.options.pruneAfterMs);
      this.stats.prunedOrders += p.orders;
      this.stats.prunedTrades += p.trades;
    }
    const quote = this.venue.reference.quote(this.options.symbol);
    const path = this.venue.reference.paths.get(this.options.symbol);
    if (quote === undefined || path === undefined) return;
    const spot = quote.mid;
    for (const m of this.venue.allMarkets()) {
      const view = this.venue.engine.market(m.info.conditionId);
      if (view === undefined || view.status !== "active") continue;
      if (now >= m.startTime && m.strike === undefined) m.strike = spot;
      if (now >= m.endTime) {
        this.resolve(m, spot);
        continue;
      }
      const fair = m.strike === undefined ? 0.5 : upProbability(spot, m.strike, path.sigma, m.endTime - now);
      this.quoteMakers(m, fair);
      this.takers(m, fair, dtSec);
    }
  }

  private resolve(m: SimMarket, spot: number): void {
    const winner = m.strike !== undefined && spot > m.strike ? "YES" : "NO";
    this.venue.engine.resolveMarket(m.info.conditionId, winner);
    this.makers.delete(m.info.conditionId);
    this.stats.resolved++;
    if (!this.options.roll) return;
    const stagger = this.options.windowMs;
    const next = makeUpDownMarkets({
      seed: this.options.seed,
      count: 1,
      startTime: Math.max(this.latestStart + Math.min(stagger, 60_000), m.endTime),
      windowMs: this.options.windowMs,
      symbol: this.options.symbol,
      firstIndex: this.nextIndex++,
      negRisk: m.info.negRisk,
      fees: m.fees,
    })[0];
    if (next === undefined) return;
    this.latestStart = next.startTime;
    this.venue.addMarket(next);
    this.stats.rolled++;
  }

  private tick(m: SimMarket): number {
    return this.venue.engine.tickSize(m.info.yes.tokenId) ?? m.info.tickSize;
  }

  private quoteMakers(m: SimMarket, fair: number): void {
    const cid = m.info.conditionId;
    let states = this.makers.get(cid);
    if (states === undefined) {
      states = [];
      for (let i = 0; i < this.options.makers; i++) states.push({ owner: `flow-mm-${i}`, orders: [], lastFair: Number.NaN });
      this.makers.set(cid, states);
    }
    const tick = this.tick(m);
    const fairUnits = fair * 10_000;
    for (const s of states) {
      const moved = !(Math.abs(fairUnits - s.lastFair) < tick / 2);
      // Replenish when a quote was hit; otherwise requote on a fair-value move (or now and then).
      const depleted = s.orders.some((id) => this.venue.engine.order(id)?.open !== true);
      if (!moved && !depleted && !this.rng.chance(0.05)) continue;
      if (s.orders.length > 0) this.venue.engine.cancelOrders(s.owner, s.orders);
      s.orders = [];
      s.lastFair = fairUnits;
      // Each maker skews its quotes slightly so the two ladders interleave.
      const skew = this.rng.int(0, 1) * tick;
      const half = this.options.halfSpreadTicks * tick;
      for (let k = 0; k < this.options.levels; k++) {
        const bid = Math.floor((fairUnits - half - k * tick - skew) / tick) * tick;
        const ask = Math.ceil((fairUnits + half + k * tick + skew) / tick) * tick;
        if (bid >= tick && bid <= 10_000 - tick) this.place(s.owner, m.info.yes.tokenId, bid, this.makerSize(), "GTC", s);
        if (ask >= tick && ask <= 10_000 - tick) this.place(s.owner, m.info.no.tokenId, 10_000 - ask, this.makerSize(), "GTC", s);
      }
    }
  }

  private makerSize(): number {
    return this.rng.int(this.options.makerSizeMin, this.options.makerSizeMax) * 1_000_000;
  }

  private takers(m: SimMarket, fair: number, dtSec: number): void {
    const n = this.rng.poisson(this.options.takerRatePerSec * dtSec);
    if (n === 0) return;
    const tick = this.tick(m);
    const fairUnits = fair * 10_000;
    for (let i = 0; i < n; i++) {
      const yes = this.venue.engine.bestPrices(m.info.yes.tokenId);
      const bestBid = yes?.bestBid;
      const bestAsk = yes?.bestAsk;
      const size = this.rng.int(this.options.takerSizeMin, this.options.takerSizeMax) * 1_000_000;
      if (this.rng.chance(this.options.informedFraction)) {
        const edge = this.options.informedEdgeTicks * tick;
        if (bestAsk !== undefined && bestAsk <= fairUnits - edge) this.place(this.informed, m.info.yes.tokenId, bestAsk, size, "FAK");
        else if (bestBid !== undefined && bestBid >= fairUnits + edge)
          this.place(this.informed, m.info.no.tokenId, 10_000 - bestBid, size, "FAK");
        continue;
      }
      if (this.rng.chance(0.5)) {
        if (bestAsk !== undefined)
          this.place(this.noise, m.info.yes.tokenId, Math.min(10_000 - tick, bestAsk + tick * this.rng.int(0, 2)), size, "FAK");
      } else if (bestBid !== undefined) {
        this.place(this.noise, m.info.no.tokenId, Math.min(10_000 - tick, 10_000 - bestBid + tick * this.rng.int(0, 2)), size, "FAK");
      }
    }
  }

  private place(owner: string, token: TokenId, priceUnits: number, sizeMicro: number, type: "GTC" | "FAK", maker?: MakerState): void {
    const r = this.venue.engine.placeOrder({
      owner,
      tokenId: token,
      side: "BUY",
      orderType: type,
      price: priceUnits as Price,
      size: sizeMicro as Size,
    });
    if (maker !== undefined) this.stats.makerOrders++;
    else this.stats.takerOrders++;
    if (!r.ok) {
      this.stats.rejected++;
      return;
    }
    if (maker !== undefined && r.status === "live") maker.orders.push(r.orderId);
  }

  /** Condition ids of the markets the flow is currently quoting. */
  quotedMarkets(): ConditionId[] {
    return [...this.makers.keys()] as ConditionId[];
  }
}
