/**
 * VenueEngine: markets, accounts, matching, settlement lifecycle, heartbeats and resolution behind
 * one synchronous API driven by an injected Clock.
 *
 * Accounting model (documented choice, GOTCHAS 34): a match moves nothing in `balance`; it moves
 * the amounts out of the orders' reservations into `pendingOut` (payer) and `pendingIn` (receiver).
 * When the trade is MINED the balances move (tokens and collateral credited/debited), matching the
 * venue whose balance endpoints reflect a trade only after MINED. FAILED (only before MINED) drops
 * the pending amounts, which restores every leg's balances and availability.
 *
 * Taker fees (POLYMARKET.md §11, @mm/types `takerFee`): on a market with a fee schedule the TAKER
 * pays `size × rate × (p(1−p))^exponent` per maker leg, at that leg's execution price, floored to
 * 1e-5 USDC — withheld from what it receives: shares on a BUY, collateral on a SELL (complement
 * matches included: a BUY YES taker against a BUY NO maker is still the taker). The withheld amount
 * never enters the taker's `pendingIn` nor, when MINED, its balance; it goes to the venue's fee
 * collector (`collectedFees`). Makers pay nothing (rebates are paid out of band, not modelled). A
 * FAILED trade credits nothing, fee included.
 */
import {
  type Clock,
  type ConditionId,
  type FeeSchedule,
  isFeeSchedule,
  isOnTickGrid,
  type MarketInfo,
  type OrderId,
  type OrderType,
  type Outcome,
  PRICE_SCALE,
  type Price,
  type Side,
  type Size,
  type TickSize,
  type TimerHandle,
  type TokenId,
  type TradeId,
  type TradeStatus,
  type Usdc,
  NO_FEES,
  NO_TAKER_FEE,
  type TakerFee,
  takerFee,
} from "@mm/types";
import { costCeil, costFloor, deriveFromAmounts, FILL_LOT, nearestTick } from "./amounts.js";
import { type BookCore, type BookNode, DenseBook, EMPTY_ASK, EMPTY_BID, NaiveBook } from "./book.js";
import {
  CANCEL_NOT_FOUND_REASON,
  FAK_KILL_MESSAGE,
  FOK_KILL_MESSAGE,
  HEARTBEAT_INVALID_MESSAGE,
  Rejects,
  STATUS_CANCELED_MARKET_RESOLVED,
} from "./errors.js";
import { SeededRng } from "./rng.js";
import type {
  AssetBalance,
  BestPrices,
  CollectedFees,
  BookSnapshot,
  CancelCause,
  CancelResult,
  EngineConfig,
  EngineEvent,
  EngineListener,
  EngineOptions,
  EngineReject,
  HeartbeatResult,
  LastTrade,
  Level,
  LevelChange,
  MakerLeg,
  MarketStatus,
  MarketView,
  MatchType,
  OpenOrdersFilter,
  OrderView,
  OwnerId,
  Payout,
  PlaceOrderInput,
  PlaceResult,
  TradeFault,
  TradeLeg,
  TradesFilter,
  TradeView,
  TradingMode,
} from "./types.js";

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  seed: 1,
  reserveUnsettled: true,
  gtdThresholdSec: 60,
  heartbeatTimeoutMs: 10_000,
  heartbeatBufferMs: 5_000,
  minMarketableNotional: 1_000_000 as Usdc,
  settlement: { minedDelayMs: 2_000, confirmedDelayMs: 4_000, retryDelayMs: 3_000, failProbability: 0, retryProbability: 0 },
  tickAuto: { enabled: true, upper: 9_600, lower: 400, revert: false },
  placementForTakers: true,
};

// ---------------------------------------------------------------------------------------------
// Internal state

interface Asset {
  balance: number;
  reservedOpen: number;
  pendingOut: number;
  pendingIn: number;
}

interface Account {
  readonly owner: OwnerId;
  readonly collateral: Asset;
  readonly tokens: Map<string, Asset>;
  /** Open orders, insertion (= time) order. */
  readonly open: Map<string, Order>;
  readonly tradeIds: TradeId[];
  readonly tradeSet: Set<string>;
}

interface Market {
  readonly info: MarketInfo;
  /** Taker fee schedule (NO_FEES unless configured). */
  readonly fees: FeeSchedule;
  tick: TickSize;
  status: MarketStatus;
  accepting: boolean;
  winner: Outcome | undefined;
  readonly book: BookCore;
  lastYes: LastTrade | undefined;
  lastNo: LastTrade | undefined;
  lastChange: number;
  autoTicked: boolean;
  /** Collateral held by the CTF for this market's outstanding YES/NO pairs. */
  locked: number;
  readonly trades: Trade[];
  readonly pending: Set<Trade>;
  /** Fee collector: taker fees of MINED trades (collateral, and shares withheld from BUY takers). */
  feeUsdc: number;
  feeYes: number;
  feeNo: number;
}

class Order implements BookNode {
  prev: BookNode | null = null;
  next: BookNode | null = null;
  remaining: number;
  sizeMatched = 0;
  status = "LIVE";
  open = false;
  /** BUY: collateral still reserved; SELL: shares still reserved. */
  reserveLeft: number;
  readonly associateTrades: TradeId[] = [];
  expiryTimer: TimerHandle | undefined;
  readonly yesPrice: number;
  readonly bid: boolean;

  constructor(
    readonly seq: number,
    readonly id: OrderId,
    readonly owner: OwnerId,
    readonly market: Market,
    readonly tokenId: TokenId,
    readonly outcome: Outcome,
    readonly side: Side,
    readonly price: Price,
    readonly originalSize: Size,
    readonly orderType: OrderType,
    readonly postOnly: boolean,
    readonly expiration: number,
    readonly makerAmount: number,
    readonly takerAmount: number,
    readonly createdAt: number,
  ) {
    this.remaining = originalSize;
    this.yesPrice = outcome === "YES" ? price : PRICE_SCALE - price;
    this.bid = (outcome === "YES") === (side === "BUY");
    this.reserveLeft = side === "BUY" ? makerAmount : originalSize;
  }
}

interface LegRec {
  readonly order: Order;
  readonly price: Price;
  readonly size: number;
  readonly usdc: number;
  readonly matchType: MatchType;
}

interface Trade {
  readonly id: TradeId;
  readonly market: Market;
  status: TradeStatus;
  readonly taker: Order;
  readonly takerPrice: Price;
  readonly takerSize: number;
  readonly takerUsdc: number;
  /** The taker's fee over all legs (NO_TAKER_FEE when the market charges none). */
  readonly takerFee: TakerFee;
  readonly makers: readonly LegRec[];
  readonly matchTime: number;
  lastUpdate: number;
  txHash: string;
  fault: TradeFault | undefined;
  timer: TimerHandle | undefined;
}

interface PlannedFill {
  readonly maker: Order;
  readonly size: number;
  /** Execution price for the taker, in the taker's token. */
  readonly takerPrice: number;
}

interface HeartbeatChain {
  id: string;
  timer: TimerHandle;
}

/** Touched YES-space levels of one market during one operation. */
type Touched = Map<Market, Set<number>>;

const levelKey = (bid: boolean, price: number): number => (bid ? price : -1 - price);

/**
 * The venue core. Every mutating call runs to completion synchronously and THEN delivers the events
 * it produced, in order, to the subscribers (so a listener may call back into the engine; its events
 * are queued behind). Timers (settlement, GTD expiry, heartbeat lapse) run on the Clock and deliver
 * their events the same way. The books of a market's two tokens are one YES-space book: a YES bid
 * at p is the NO ask at 1 − p.
 */
export class VenueEngine {
  readonly config: EngineConfig;
  /** The injected clock, wrapped so that `dispose()` can cancel every timer the engine set. */
  private readonly clock: EngineTimers;
  private readonly ids: SeededRng;
  private readonly faults: SeededRng;
  private readonly bookKind: "dense" | "naive";
  /** Copy-on-write: (un)subscribing replaces the array, so delivery iterates a stable snapshot. */
  private listeners: readonly EngineListener[] = [];
  private recorded: EngineEvent[] | undefined;
  private readonly queue: EngineEvent[] = [];
  private depth = 0;
  private flushing = false;
  private seq = 0;
  private orderSeq = 0;
  private mode: TradingMode = "normal";
  private readonly marketsById = new Map<string, Market>();
  private readonly marketByToken = new Map<string, Market>();
  private readonly accounts = new Map<string, Account>();
  private readonly orders = new Map<string, Order>();
  /** Ids of pruned orders, still refused as duplicates. */
  private readonly prunedIds = new Set<string>();
  private readonly tradesById = new Map<string, Trade>();
  private readonly nextFaults: TradeFault[] = [];
  private readonly heartbeats = new Map<string, HeartbeatChain>();

  constructor(options: EngineOptions) {
    const c = options.config ?? {};
    this.config = {
      ...DEFAULT_ENGINE_CONFIG,
      ...c,
      settlement: { ...DEFAULT_ENGINE_CONFIG.settlement, ...(c.settlement ?? {}) },
      tickAuto: { ...DEFAULT_ENGINE_CONFIG.tickAuto, ...(c.tickAuto ?? {}) },
    };
    this.clock = new EngineTimers(options.clock);
    this.ids = new SeededRng(this.config.seed);
    this.faults = new SeededRng((this.config.seed ^ 0x5bd1e995) >>> 0);
    this.bookKind = options.experimental_bookCore ?? "dense";
  }

  /**
   * Cancels every pending engine timer (settlement steps MATCHED → MINED → CONFIRMED, GTD expiries,
   * heartbeat lapses) and sets no more: for a shared clock that outlives the venue. Trades stay in
   * the status they had; time-driven behaviour of this engine ends for good. Idempotent.
   */
  dispose(): void {
    this.clock.dispose();
  }

  /** Number of engine timers still pending on the clock (0 after `dispose()`). */
  get pendingTimers(): number {
    return this.clock.pending;
  }

  // ---- events ----------------------------------------------------------------------------------

  /** Adds a listener; returns the unsubscribe function. Events come in `seq` order. */
  subscribe(listener: EngineListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Keeps every event from now on in memory (tests, determinism checks); returns the live array. */
  recordEvents(): readonly EngineEvent[] {
    if (this.recorded === undefined) this.recorded = [];
    return this.recorded;
  }

  private emit(event: EngineEvent): void {
    this.queue.push(event);
  }

  private nextSeq(): number {
    return ++this.seq;
  }

  /** Runs a mutation; delivers its events once the outermost mutation is done. */
  private run<T>(fn: () => T): T {
    this.depth++;
    let result: T;
    try {
      result = fn();
    } finally {
      this.depth--;
    }
    if (this.depth === 0 && !this.flushing) this.flush();
    return result;
  }

  private flush(): void {
    this.flushing = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const e = this.queue[i] as EngineEvent;
        this.recorded?.push(e);
        const ls = this.listeners;
        for (let j = 0; j < ls.length; j++) (ls[j] as EngineListener)(e);
      }
    } finally {
      this.queue.length = 0;
      this.flushing = false;
    }
  }

  // ---- markets ---------------------------------------------------------------------------------

  /**
   * Registers a binary market (its two tokens, tick, min size, neg-risk, base fee bps, labels) and
   * its taker fee schedule (default `NO_FEES`: nothing charged). Throws on a duplicate id or an
   * invalid schedule.
   */
  addMarket(info: MarketInfo, fees: FeeSchedule = NO_FEES): void {
    if (this.marketsById.has(info.conditionId)) throw new Error(`market ${info.conditionId} already exists`);
    if (!isFeeSchedule(fees)) throw new RangeError(`market ${info.conditionId}: invalid fee schedule ${JSON.stringify(fees)}`);
    if (this.marketByToken.has(info.yes.tokenId) || this.marketByToken.has(info.no.tokenId) || info.yes.tokenId === info.no.tokenId)
      throw new Error(`market ${info.conditionId}: token ids must be new and distinct`);
    const m: Market = {
      info,
      fees: { rateBps: fees.rateBps, exponent: fees.exponent },
      tick: info.tickSize,
      status: info.closed ? "closed" : "active",
      accepting: info.active && !info.closed,
      winner: undefined,
      book: this.bookKind === "naive" ? new NaiveBook() : new DenseBook(),
      lastYes: undefined,
      lastNo: undefined,
      lastChange: this.clock.now(),
      autoTicked: false,
      locked: 0,
      trades: [],
      pending: new Set(),
      feeUsdc: 0,
      feeYes: 0,
      feeNo: 0,
    };
    this.marketsById.set(info.conditionId, m);
    this.marketByToken.set(info.yes.tokenId, m);
    this.marketByToken.set(info.no.tokenId, m);
  }

  markets(): readonly MarketView[] {
    return [...this.marketsById.values()].map((m) => this.marketView(m));
  }

  market(conditionId: ConditionId): MarketView | undefined {
    const m = this.marketsById.get(conditionId);
    return m === undefined ? undefined : this.marketView(m);
  }

  /** The market a token belongs to. */
  marketOfToken(tokenId: TokenId): MarketView | undefined {
    const m = this.marketByToken.get(tokenId);
    return m === undefined ? undefined : this.marketView(m);
  }

  /** Current tick of a token's market. */
  tickSize(tokenId: TokenId): TickSize | undefined {
    return this.marketByToken.get(tokenId)?.tick;
  }

  /** Manual tick-size change (fault injection / tests); emits `tick_size` (automatic: false). */
  setTickSize(conditionId: ConditionId, tick: TickSize): void {
    this.run(() => {
      const m = this.requireMarket(conditionId);
      if (m.tick === tick) return;
      this.changeTick(m, tick, false);
    });
  }

  /** Stops (false) or resumes (true) accepting orders on one market (rejected as closed). Resting orders stay. */
  setAcceptingOrders(conditionId: ConditionId, accepting: boolean): void {
    const m = this.requireMarket(conditionId);
    if (m.status === "resolved") return;
    m.accepting = accepting;
    m.status = accepting ? "active" : "closed";
  }

  /**
   * Resolves a market: cancels its open orders (status CANCELED_MARKET_RESOLVED), settles its
   * unsettled trades at once (their injected faults still apply), then pays 1 collateral per
   * winning share to every holder and zeroes both tokens. Emits `market_resolved` with payouts.
   */
  resolveMarket(conditionId: ConditionId, winner: Outcome): void {
    this.run(() => {
      const m = this.requireMarket(conditionId);
      if (m.status === "resolved") return;
      m.accepting = false;
      const touched: Touched = new Map();
      const openOrders: Order[] = [];
      for (const acc of this.accounts.values()) for (const o of acc.open.values()) if (o.market === m) openOrders.push(o);
      openOrders.sort((a, b) => a.seq - b.seq);
      for (const o of openOrders) this.cancelOne(o, "resolved", STATUS_CANCELED_MARKET_RESOLVED, touched);
      this.emitBookChanges(touched, "resolved");
      for (const t of [...m.pending]) this.settleNow(t);
      const winTok = winner === "YES" ? m.info.yes.tokenId : m.info.no.tokenId;
      const payouts: Payout[] = [];
      for (const acc of this.accounts.values()) {
        const w = acc.tokens.get(winTok);
        const l = acc.tokens.get(winner === "YES" ? m.info.no.tokenId : m.info.yes.tokenId);
        const shares = w?.balance ?? 0;
        if (shares > 0) {
          acc.collateral.balance += shares;
          m.locked -= shares;
          payouts.push({ owner: acc.owner, shares: shares as Size, usdc: shares as Usdc });
        }
        if (w !== undefined) w.balance = 0;
        if (l !== undefined) l.balance = 0;
      }
      // The fee collector's winning shares redeem like everyone's (its losing ones expire worthless).
      m.feeUsdc += winner === "YES" ? m.feeYes : m.feeNo;
      m.feeYes = 0;
      m.feeNo = 0;
      m.locked = 0;
      m.status = "resolved";
      m.winner = winner;
      this.emit({
        kind: "market_resolved",
        seq: this.nextSeq(),
        timestamp: this.clock.now(),
        conditionId: m.info.conditionId,
        winner,
        winningTokenId: winTok,
        payouts,
      });
    });
  }

  private requireMarket(conditionId: ConditionId): Market {
    const m = this.marketsById.get(conditionId);
    if (m === undefined) throw new Error(`unknown market ${conditionId}`);
    return m;
  }

  private marketView(m: Market): MarketView {
    return { info: m.info, fees: m.fees, tickSize: m.tick, status: m.status, acceptingOrders: m.accepting, winner: m.winner };
  }

  // ---- venue modes -----------------------------------------------------------------------------

  /** Venue-wide mode; cancels are always accepted. Emits `trading_mode`. */
  setTradingMode(mode: TradingMode): void {
    this.run(() => {
      if (mode === this.mode) return;
      this.mode = mode;
      this.emit({ kind: "trading_mode", seq: this.nextSeq(), timestamp: this.clock.now(), mode });
    });
  }

  tradingMode(): TradingMode {
    return this.mode;
  }

  // ---- accounts --------------------------------------------------------------------------------

  private account(owner: OwnerId): Account {
    let a = this.accounts.get(owner);
    if (a === undefined) {
      a = { owner, collateral: newAsset(), tokens: new Map(), open: new Map(), tradeIds: [], tradeSet: new Set() };
      this.accounts.set(owner, a);
    }
    return a;
  }

  private tokenAsset(acc: Account, tokenId: string): Asset {
    let a = acc.tokens.get(tokenId);
    if (a === undefined) {
      a = newAsset();
      acc.tokens.set(tokenId, a);
    }
    return a;
  }

  private available(a: Asset): number {
    return a.balance - a.reservedOpen - (this.config.reserveUnsettled ? a.pendingOut : 0);
  }

  /** Credits collateral (a funded sim account / test). */
  deposit(owner: OwnerId, amount: Usdc): void {
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`deposit: bad amount ${amount}`);
    this.account(owner).collateral.balance += amount;
  }

  /** Splits collateral into `size` YES + `size` NO of a market (CTF split). Returns false if short. */
  split(owner: OwnerId, conditionId: ConditionId, size: Size): boolean {
    const m = this.requireMarket(conditionId);
    if (!Number.isSafeInteger(size) || size <= 0 || m.status === "resolved") return false;
    const acc = this.account(owner);
    if (this.available(acc.collateral) < size) return false;
    acc.collateral.balance -= size;
    this.tokenAsset(acc, m.info.yes.tokenId).balance += size;
    this.tokenAsset(acc, m.info.no.tokenId).balance += size;
    m.locked += size;
    return true;
  }

  /** Merges `size` YES + `size` NO back into collateral. Returns false if short. */
  merge(owner: OwnerId, conditionId: ConditionId, size: Size): boolean {
    const m = this.requireMarket(conditionId);
    if (!Number.isSafeInteger(size) || size <= 0 || m.status === "resolved") return false;
    const acc = this.account(owner);
    const y = this.tokenAsset(acc, m.info.yes.tokenId);
    const n = this.tokenAsset(acc, m.info.no.tokenId);
    if (this.available(y) < size || this.available(n) < size) return false;
    y.balance -= size;
    n.balance -= size;
    acc.collateral.balance += size;
    m.locked -= size;
    return true;
  }

  /** Balance of COLLATERAL or of a token for an owner (zeros for unknown owners). */
  balance(owner: OwnerId, asset: "COLLATERAL" | TokenId): AssetBalance {
    const acc = this.accounts.get(owner);
    const a = acc === undefined ? undefined : asset === "COLLATERAL" ? acc.collateral : acc.tokens.get(asset);
    if (a === undefined) return { balance: 0, reservedOpen: 0, pendingOut: 0, pendingIn: 0, available: 0 };
    return {
      balance: a.balance,
      reservedOpen: a.reservedOpen,
      pendingOut: a.pendingOut,
      pendingIn: a.pendingIn,
      available: this.available(a),
    };
  }

  /** Owners known to the engine, in creation order. */
  owners(): readonly OwnerId[] {
    return [...this.accounts.keys()];
  }

  /** Collateral held by the CTF for a market's outstanding YES/NO pairs (conservation checks). */
  lockedCollateral(conditionId: ConditionId): number {
    return this.requireMarket(conditionId).locked;
  }

  /**
   * Taker fees the venue's fee collector holds for a market: collateral (SELL takers' fees, and the
   * winning fee shares redeemed at resolution) and the shares withheld from BUY takers. Counted
   * when a trade is MINED, like every balance (conservation checks: wallets + locked + fees).
   */
  collectedFees(conditionId: ConditionId): CollectedFees {
    const m = this.requireMarket(conditionId);
    return { usdc: m.feeUsdc as Usdc, yesShares: m.feeYes as Size, noShares: m.feeNo as Size };
  }

  // ---- orders ----------------------------------------------------------------------------------

  /** Validates, matches and (GTC/GTD) rests one order. Never throws on bad input: rejects instead. */
  placeOrder(input: PlaceOrderInput): PlaceResult {
    return this.run(() => this.place(input));
  }

  /** Places orders one after another (the server enforces MAX_BATCH_ORDERS). */
  placeOrders(inputs: readonly PlaceOrderInput[]): PlaceResult[] {
    return this.run(() => inputs.map((i) => this.place(i)));
  }

  private place(input: PlaceOrderInput): PlaceResult {
    const given = typeof input.orderId === "string" && input.orderId.length > 0 ? (input.orderId.toLowerCase() as OrderId) : undefined;
    const id = given ?? (`0x${this.ids.hex(32)}` as OrderId);
    const fail = (reject: EngineReject): PlaceResult => ({ ok: false, orderId: id, reject });

    if (this.mode === "disabled") return fail(Rejects.tradingDisabled());
    if (this.mode === "cancel-only") return fail(Rejects.cancelOnly());
    if (this.mode === "post-only" && input.postOnly !== true) return fail(Rejects.postOnlyMode());

    const m = this.marketByToken.get(input.tokenId);
    if (m === undefined) return fail(Rejects.invalidToken());
    if (m.status === "resolved" || m.status === "closed" || (!m.accepting && m.info.active)) return fail(Rejects.marketClosed());
    if (!m.accepting) return fail(Rejects.marketNotReady());
    if (this.orders.has(id) || this.prunedIds.has(id)) return fail(Rejects.duplicate(id));

    const side = input.side;
    const type = input.orderType;
    if (side !== "BUY" && side !== "SELL") return fail(Rejects.invalidAmounts());
    if (type !== "GTC" && type !== "GTD" && type !== "FOK" && type !== "FAK") return fail(Rejects.invalidAmounts());
    const postOnly = input.postOnly === true;
    const market = type === "FOK" || type === "FAK";
    if (postOnly && market) return fail(Rejects.postOnlyType());

    const now = this.clock.now();
    const expiration = input.expiration ?? 0;
    if (!Number.isSafeInteger(expiration) || expiration < 0) return fail(Rejects.expiration());
    if (type === "GTD") {
      if (expiration * 1000 < now + this.config.gtdThresholdSec * 1000) return fail(Rejects.expiration());
    } else if (expiration !== 0) return fail(Rejects.expiration());

    // Price, size and amounts, exactly.
    let priceUnits: number;
    let sizeUnits: number;
    let makerAmount: number;
    let takerAmount: number;
    if (input.makerAmount !== undefined || input.takerAmount !== undefined) {
      const d = deriveFromAmounts(side, input.makerAmount ?? 0, input.takerAmount ?? 0);
      if (d === undefined) return fail(Rejects.invalidAmounts());
      makerAmount = input.makerAmount as number;
      takerAmount = input.takerAmount as number;
      sizeUnits = d.size;
      priceUnits = d.exact || !market ? d.price : nearestTick(d.price, m.tick);
    } else {
      const p = input.price;
      const s = input.size;
      if (p === undefined || s === undefined || !Number.isFinite(p) || !Number.isSafeInteger(s) || s <= 0)
        return fail(Rejects.invalidAmounts());
      priceUnits = p;
      sizeUnits = s;
      if (!Number.isInteger(p) || p <= 0 || p >= PRICE_SCALE) {
        makerAmount = 0;
        takerAmount = 0;
      } else if (side === "BUY") {
        makerAmount = costCeil(p, s);
        takerAmount = s;
      } else {
        makerAmount = s;
        takerAmount = costFloor(p, s);
      }
    }
    if (market && (makerAmount % 10_000 !== 0 || takerAmount % 100 !== 0)) return fail(Rejects.marketOrderPrecision(side));
    if (!Number.isInteger(priceUnits) || !isOnTickGrid(priceUnits, m.tick)) return fail(Rejects.tickSize(id, priceUnits, m.tick));
    if (priceUnits < m.tick || priceUnits > PRICE_SCALE - m.tick) return fail(Rejects.priceRange(priceUnits, m.tick));
    if (!market && sizeUnits < m.info.minOrderSize) return fail(Rejects.minSize(id, sizeUnits, m.info.minOrderSize));
    if (sizeUnits < FILL_LOT) return fail(Rejects.minSize(id, sizeUnits, Math.max(FILL_LOT, m.info.minOrderSize)));

    const outcome: Outcome = input.tokenId === m.info.yes.tokenId ? "YES" : "NO";
    const yesPrice = outcome === "YES" ? priceUnits : PRICE_SCALE - priceUnits;
    const bid = (outcome === "YES") === (side === "BUY");
    const bestOpp = m.book.bestPrice(!bid);
    const crosses = bid ? bestOpp !== EMPTY_ASK && bestOpp <= yesPrice : bestOpp !== EMPTY_BID && bestOpp >= yesPrice;
    const notional = side === "BUY" ? makerAmount : takerAmount;
    if ((market || crosses) && notional < this.config.minMarketableNotional) return fail(Rejects.marketableMin(side, notional));
    if (postOnly && crosses) return fail(Rejects.postOnlyCross());

    const acc = this.account(input.owner);
    const payAsset = side === "BUY" ? acc.collateral : this.tokenAsset(acc, input.tokenId);
    const need = side === "BUY" ? makerAmount : sizeUnits;
    if (this.available(payAsset) < need) return fail(Rejects.balance());

    const order = new Order(
      ++this.orderSeq,
      id,
      input.owner,
      m,
      input.tokenId,
      outcome,
      side,
      priceUnits as Price,
      sizeUnits as Size,
      type,
      postOnly,
      expiration,
      makerAmount,
      takerAmount,
      now,
    );

    // Plan the match without touching the book.
    const plan: PlannedFill[] = [];
    let complete = false;
    if (crosses) complete = this.planMatch(order, plan);
    else complete = order.remaining < FILL_LOT;

    if ((type === "FOK" && !complete) || (type === "FAK" && plan.length === 0)) {
      const reason = type === "FOK" ? FOK_KILL_MESSAGE : FAK_KILL_MESSAGE;
      order.status = `CANCELED_${reason}`;
      this.orders.set(id, order);
      this.emit({
        kind: "order",
        type: "CANCELLATION",
        seq: this.nextSeq(),
        timestamp: now,
        order: this.orderView(order),
        cause: "killed",
      });
      return fail(type === "FOK" ? Rejects.fokNotFilled() : Rejects.fakNoMatch());
    }

    // Accepted: register and reserve the whole order.
    this.orders.set(id, order);
    payAsset.reservedOpen += need;
    const rests = type === "GTC" || type === "GTD";
    if (plan.length === 0 || this.config.placementForTakers) {
      this.emit({ kind: "order", type: "PLACEMENT", seq: this.nextSeq(), timestamp: now, order: this.orderView(order) });
    }

    let tradeIds: TradeId[] = [];
    let making = 0;
    let taking = 0;
    if (plan.length > 0) {
      const trade = this.execute(order, plan, acc, rests);
      tradeIds = [trade.id];
      making = side === "BUY" ? trade.takerUsdc : trade.takerSize;
      taking = side === "BUY" ? trade.takerSize : trade.takerUsdc;
    }

    if (rests && order.remaining >= FILL_LOT) {
      order.open = true;
      order.status = "LIVE";
      acc.open.set(id, order);
      m.book.insert(order);
      m.lastChange = now;
      if (type === "GTD") {
        const at = (expiration - this.config.gtdThresholdSec) * 1000;
        order.expiryTimer = this.clock.setTimer(at - now, () => this.run(() => this.expire(order)));
      }
      const touched: Touched = new Map([[m, new Set([levelKey(order.bid, order.yesPrice)])]]);
      this.emitBookChanges(touched, "place");
    } else {
      this.finish(order);
    }
    this.checkAutoTick(m);
    return {
      ok: true,
      orderId: id,
      status: order.sizeMatched > 0 ? "matched" : "live",
      makingAmount: making,
      takingAmount: taking,
      tradeIds,
    };
  }

  /** Walks the opposite side in priority order; returns whether the taker would be complete. */
  private planMatch(taker: Order, plan: PlannedFill[]): boolean {
    const book = taker.market.book;
    const bid = taker.bid;
    const limit = taker.yesPrice;
    const takerYes = taker.outcome === "YES";
    const isBuy = taker.side === "BUY";
    let remaining = taker.remaining;
    let budget = isBuy ? taker.reserveLeft : Number.POSITIVE_INFINITY;
    let complete = false;
    book.forEachInPriority(!bid, (node) => {
      const P = node.yesPrice;
      if (bid ? P > limit : P < limit) return false;
      const pt = takerYes ? P : PRICE_SCALE - P;
      let lots = Math.floor(Math.min(remaining, node.remaining) / FILL_LOT);
      if (isBuy) lots = Math.min(lots, Math.floor(budget / pt));
      if (lots <= 0) {
        complete = true; // taker dust left or budget exhausted
        return false;
      }
      const size = lots * FILL_LOT;
      plan.push({ maker: node as Order, size, takerPrice: pt });
      remaining -= size;
      if (isBuy) budget -= pt * lots;
      if (remaining < FILL_LOT) {
        complete = true;
        return false;
      }
      return true;
    });
    return complete;
  }

  /** Applies a planned match: one trade, maker legs, reservations → pending, events. */
  private execute(taker: Order, plan: readonly PlannedFill[], takerAcc: Account, takerRests: boolean): Trade {
    const m = taker.market;
    const now = this.clock.now();
    const tradeId = this.ids.uuid() as TradeId;
    const touched = new Set<number>();
    const legs: LegRec[] = [];
    let takerSize = 0;
    let takerUsdc = 0;
    let feeUsdc = 0;
    let feeShares = 0;
    let feeWithheldUsdc = 0;
    const charged = m.fees.rateBps > 0;
    for (const f of plan) {
      const mk = f.maker;
      const lots = f.size / FILL_LOT;
      const makerUsdc = mk.price * lots;
      const takerLegUsdc = f.takerPrice * lots;
      const matchType: MatchType = mk.tokenId === taker.tokenId ? "NORMAL" : taker.side === "BUY" ? "MINT" : "MERGE";
      legs.push({ order: mk, price: mk.price, size: f.size, usdc: makerUsdc, matchType });
      takerSize += f.size;
      takerUsdc += takerLegUsdc;
      if (charged) {
        // One fee per match leg at the taker's execution price of that leg, floored per leg
        // (each maker fill is its own exchange fill). [M: the venue may floor once per trade]
        const fee = takerFee(taker.side, f.size as Size, f.takerPrice as Price, m.fees.rateBps, m.fees.exponent);
        feeUsdc += fee.feeUsdc;
        feeShares += fee.sharesWithheld;
        feeWithheldUsdc += fee.usdcWithheld;
      }
      touched.add(levelKey(mk.bid, mk.yesPrice));
      m.book.reduce(mk, f.size);
      mk.sizeMatched += f.size;
      mk.associateTrades.push(tradeId);
      this.moveToPending(this.account(mk.owner), mk, f.size, makerUsdc);
    }
    taker.remaining -= takerSize;
    taker.sizeMatched += takerSize;
    taker.associateTrades.push(tradeId);
    const takerFeeTotal: TakerFee =
      feeUsdc === 0 ? NO_TAKER_FEE : { feeUsdc: feeUsdc as Usdc, sharesWithheld: feeShares as Size, usdcWithheld: feeWithheldUsdc as Usdc };
    this.moveToPending(takerAcc, taker, takerSize, takerUsdc, takerFeeTotal);

    const first = plan[0] as PlannedFill;
    const last = plan[plan.length - 1] as PlannedFill;
    const trade: Trade = {
      id: tradeId,
      market: m,
      status: "MATCHED",
      taker,
      takerPrice: first.takerPrice as Price,
      takerSize,
      takerUsdc,
      takerFee: takerFeeTotal,
      makers: legs,
      matchTime: now,
      lastUpdate: now,
      txHash: "",
      fault: this.drawFault(),
      timer: undefined,
    };
    this.tradesById.set(tradeId, trade);
    m.trades.push(trade);
    m.pending.add(trade);
    this.indexTrade(taker.owner, tradeId);
    for (const l of legs) this.indexTrade(l.order.owner, tradeId);

    // Makers fully matched (or down to dust) leave the book.
    for (const l of legs) {
      const mk = l.order;
      if (mk.open && mk.remaining < FILL_LOT) {
        m.book.remove(mk);
        this.finish(mk);
      }
    }

    this.emit({ kind: "trade", seq: this.nextSeq(), timestamp: now, trade: this.tradeView(trade), previousStatus: undefined });
    const seen = new Set<Order>();
    for (const l of legs) {
      if (seen.has(l.order)) continue;
      seen.add(l.order);
      this.emit({ kind: "order", type: "UPDATE", seq: this.nextSeq(), timestamp: now, order: this.orderView(l.order), tradeId });
    }
    taker.status = takerRests && taker.remaining >= FILL_LOT ? "LIVE" : "MATCHED";
    this.emit({ kind: "order", type: "UPDATE", seq: this.nextSeq(), timestamp: now, order: this.orderView(taker), tradeId });

    // Last trade price: the last (worst) leg, on the taker's token; mirrored on the complement.
    const lp = last.takerPrice as Price;
    const lt: LastTrade = { price: lp, side: taker.side, size: takerSize as Size, at: now };
    const mirror: LastTrade = {
      price: (PRICE_SCALE - lp) as Price,
      side: taker.side === "BUY" ? "SELL" : "BUY",
      size: takerSize as Size,
      at: now,
    };
    if (taker.outcome === "YES") {
      m.lastYes = lt;
      m.lastNo = mirror;
    } else {
      m.lastNo = lt;
      m.lastYes = mirror;
    }
    this.emit({
      kind: "last_trade",
      seq: this.nextSeq(),
      timestamp: now,
      conditionId: m.info.conditionId,
      tokenId: taker.tokenId,
      tradeId,
      price: lp,
      side: taker.side,
      size: takerSize as Size,
      feeRateBps: this.feeRateOf(m, true),
    });
    m.lastChange = now;
    this.emitBookChanges(new Map([[m, touched]]), "trade");
    this.scheduleTrade(trade);
    return trade;
  }

  /**
   * A fill of `size` shares costing/yielding `usdc`: the order's reservation becomes pending. A
   * taker's fee is withheld from what it receives (shares on a BUY, collateral on a SELL).
   */
  private moveToPending(acc: Account, o: Order, size: number, usdc: number, fee: TakerFee = NO_TAKER_FEE): void {
    const tokenAsset = this.tokenAsset(acc, o.tokenId);
    if (o.side === "BUY") {
      acc.collateral.reservedOpen -= usdc;
      acc.collateral.pendingOut += usdc;
      o.reserveLeft -= usdc;
      tokenAsset.pendingIn += size - fee.sharesWithheld;
    } else {
      tokenAsset.reservedOpen -= size;
      tokenAsset.pendingOut += size;
      o.reserveLeft -= size;
      acc.collateral.pendingIn += usdc - fee.usdcWithheld;
    }
  }

  /**
   * `fee_rate_bps` a leg reports: on a fee market the rate that applied to it (the schedule's rate
   * for the taker, 0 for makers, who pay nothing) [M: V2 reports the applied rate]; on a fee-free
   * market the market's base fee as before (0 unless configured).
   */
  private feeRateOf(m: Market, taker: boolean): number {
    if (m.fees.rateBps > 0) return taker ? m.fees.rateBps : 0;
    return m.info.feeRateBps ?? 0;
  }

  /** The order is done (fully matched, dust, or killed remainder): release what it still reserves. */
  private finish(o: Order): void {
    const acc = this.account(o.owner);
    const asset = o.side === "BUY" ? acc.collateral : this.tokenAsset(acc, o.tokenId);
    asset.reservedOpen -= o.reserveLeft;
    o.reserveLeft = 0;
    if (o.open) {
      o.open = false;
      acc.open.delete(o.id);
    }
    if (o.expiryTimer !== undefined) {
      this.clock.clearTimer(o.expiryTimer);
      o.expiryTimer = undefined;
    }
    o.status = "MATCHED";
  }

  private indexTrade(owner: OwnerId, id: TradeId): void {
    const acc = this.account(owner);
    if (acc.tradeSet.has(id)) return;
    acc.tradeSet.add(id);
    acc.tradeIds.push(id);
  }

  private expire(o: Order): void {
    o.expiryTimer = undefined;
    if (!o.open) return;
    const touched: Touched = new Map();
    this.cancelOne(o, "expired", "CANCELED", touched);
    this.emitBookChanges(touched, "cancel");
    this.checkAutoTick(o.market);
  }

  /** Removes an open order's remainder from the book and releases its reservation. */
  private cancelOne(o: Order, cause: CancelCause, status: string, touched: Touched): void {
    const m = o.market;
    m.book.remove(o);
    let set = touched.get(m);
    if (set === undefined) {
      set = new Set();
      touched.set(m, set);
    }
    set.add(levelKey(o.bid, o.yesPrice));
    this.finish(o);
    o.status = status;
    m.lastChange = this.clock.now();
    this.emit({ kind: "order", type: "CANCELLATION", seq: this.nextSeq(), timestamp: this.clock.now(), order: this.orderView(o), cause });
  }

  /** Cancels the unfilled remainder of the owner's orders; others land in `notCanceled`. */
  cancelOrders(owner: OwnerId, orderIds: readonly string[]): CancelResult {
    return this.run(() => {
      const canceled: OrderId[] = [];
      const notCanceled: Record<string, string> = {};
      const touched: Touched = new Map();
      for (const raw of orderIds) {
        const key = typeof raw === "string" ? raw.toLowerCase() : "";
        const o = this.orders.get(key);
        if (o === undefined || o.owner !== owner || !o.open) {
          notCanceled[String(raw)] = CANCEL_NOT_FOUND_REASON;
          continue;
        }
        this.cancelOne(o, "user", "CANCELED", touched);
        canceled.push(o.id);
      }
      this.afterCancels(touched);
      return { canceled, notCanceled };
    });
  }

  cancelAll(owner: OwnerId): CancelResult {
    return this.run(() => this.cancelWhere(owner, "cancel_all", () => true));
  }

  /** `DELETE /cancel-market-orders`: both filters optional (none ⇒ all the owner's orders). */
  cancelMarketOrders(owner: OwnerId, filter: { readonly market?: ConditionId; readonly assetId?: TokenId }): CancelResult {
    return this.run(() =>
      this.cancelWhere(
        owner,
        "cancel_market",
        (o) =>
          (filter.market === undefined || o.market.info.conditionId === filter.market) &&
          (filter.assetId === undefined || o.tokenId === filter.assetId),
      ),
    );
  }

  private cancelWhere(owner: OwnerId, cause: CancelCause, pred: (o: Order) => boolean): CancelResult {
    const acc = this.accounts.get(owner);
    const canceled: OrderId[] = [];
    if (acc === undefined) return { canceled, notCanceled: {} };
    const touched: Touched = new Map();
    for (const o of [...acc.open.values()]) {
      if (!pred(o)) continue;
      this.cancelOne(o, cause, "CANCELED", touched);
      canceled.push(o.id);
    }
    this.afterCancels(touched);
    return { canceled, notCanceled: {} };
  }

  private afterCancels(touched: Touched): void {
    this.emitBookChanges(touched, "cancel");
    for (const m of touched.keys()) this.checkAutoTick(m);
  }

  /** Any order by id, open or terminal (the server decides what `/data/order/{id}` shows). */
  order(orderId: string): OrderView | undefined {
    const o = this.orders.get(typeof orderId === "string" ? orderId.toLowerCase() : "");
    return o === undefined ? undefined : this.orderView(o);
  }

  /** Open orders of an owner, oldest first. */
  openOrders(owner: OwnerId, filter: OpenOrdersFilter = {}): OrderView[] {
    const acc = this.accounts.get(owner);
    if (acc === undefined) return [];
    const out: OrderView[] = [];
    for (const o of acc.open.values()) {
      if (filter.id !== undefined && o.id !== filter.id.toLowerCase()) continue;
      if (filter.market !== undefined && o.market.info.conditionId !== filter.market) continue;
      if (filter.assetId !== undefined && o.tokenId !== filter.assetId) continue;
      out.push(this.orderView(o));
    }
    return out;
  }

  private orderView(o: Order): OrderView {
    const label = o.outcome === "YES" ? o.market.info.yes.label : o.market.info.no.label;
    return {
      id: o.id,
      owner: o.owner,
      conditionId: o.market.info.conditionId,
      tokenId: o.tokenId,
      outcome: o.outcome,
      outcomeLabel: label,
      side: o.side,
      price: o.price,
      originalSize: o.originalSize,
      sizeMatched: o.sizeMatched as Size,
      orderType: o.orderType,
      postOnly: o.postOnly,
      expiration: o.expiration,
      makerAmount: o.makerAmount,
      takerAmount: o.takerAmount,
      createdAt: o.createdAt,
      status: o.status,
      open: o.open,
      associateTrades: o.associateTrades.slice(),
    };
  }

  // ---- trades ----------------------------------------------------------------------------------

  /** Trades where the owner is taker or has a maker leg, oldest first (taker-filter quirk by default). */
  trades(owner: OwnerId, filter: TradesFilter = {}): TradeView[] {
    const acc = this.accounts.get(owner);
    if (acc === undefined) return [];
    const out: TradeView[] = [];
    const any = filter.matchOn === "any";
    for (const id of acc.tradeIds) {
      const t = this.tradesById.get(id);
      if (t === undefined) continue;
      if (filter.id !== undefined && t.id !== filter.id) continue;
      if (filter.market !== undefined && t.market.info.conditionId !== filter.market) continue;
      if (filter.assetId !== undefined) {
        const hit = t.taker.tokenId === filter.assetId || (any && t.makers.some((l) => l.order.tokenId === filter.assetId));
        if (!hit) continue;
      }
      const sec = Math.floor(t.matchTime / 1000);
      if (filter.before !== undefined && sec > filter.before) continue;
      if (filter.after !== undefined && sec < filter.after) continue;
      out.push(this.tradeView(t));
    }
    return out;
  }

  trade(tradeId: TradeId): TradeView | undefined {
    const t = this.tradesById.get(tradeId);
    return t === undefined ? undefined : this.tradeView(t);
  }

  /** All trades of a market, oldest first (Data-API style feeds). */
  marketTrades(conditionId: ConditionId): TradeView[] {
    return this.requireMarket(conditionId).trades.map((t) => this.tradeView(t));
  }

  private legView(o: Order, price: Price, size: number, usdc: number, fee: TakerFee | undefined): TradeLeg {
    const m = o.market;
    return {
      orderId: o.id,
      owner: o.owner,
      tokenId: o.tokenId,
      outcome: o.outcome,
      outcomeLabel: o.outcome === "YES" ? m.info.yes.label : m.info.no.label,
      side: o.side,
      price,
      size: size as Size,
      usdc: usdc as Usdc,
      feeRateBps: this.feeRateOf(m, fee !== undefined),
      fee: fee ?? NO_TAKER_FEE,
    };
  }

  private tradeView(t: Trade): TradeView {
    const makers: MakerLeg[] = t.makers.map((l) => ({
      ...this.legView(l.order, l.price, l.size, l.usdc, undefined),
      matchType: l.matchType,
    }));
    return {
      id: t.id,
      conditionId: t.market.info.conditionId,
      status: t.status,
      taker: this.legView(t.taker, t.takerPrice, t.takerSize, t.takerUsdc, t.takerFee),
      makers,
      matchTime: t.matchTime,
      lastUpdate: t.lastUpdate,
      transactionHash: t.txHash,
      bucketIndex: 0,
    };
  }

  // ---- settlement ------------------------------------------------------------------------------

  private drawFault(): TradeFault | undefined {
    const queued = this.nextFaults.shift();
    if (queued !== undefined) return queued;
    const { failProbability, retryProbability } = this.config.settlement;
    if (failProbability <= 0 && retryProbability <= 0) return undefined;
    const r = this.faults.nextFloat();
    if (r < failProbability) return "FAIL";
    if (r < failProbability + retryProbability) return "RETRY";
    return undefined;
  }

  /** Delay before the next transition from the current status under the trade's fault. */
  private nextDelay(t: Trade): number | undefined {
    const s = this.config.settlement;
    switch (t.status) {
      case "MATCHED":
        return t.fault === "RETRY" || t.fault === "FAIL" ? s.retryDelayMs : s.minedDelayMs;
      case "RETRYING":
        return s.retryDelayMs;
      case "MINED":
        return s.confirmedDelayMs;
      default:
        return undefined;
    }
  }

  private scheduleTrade(t: Trade): void {
    const delay = this.nextDelay(t);
    if (delay === undefined) return;
    t.timer = this.clock.setTimer(delay, () =>
      this.run(() => {
        t.timer = undefined;
        this.step(t);
        this.scheduleTrade(t);
      }),
    );
  }

  /** Performs the next status transition of a pending trade. */
  private step(t: Trade): void {
    switch (t.status) {
      case "MATCHED":
        if (t.fault === "RETRY" || t.fault === "FAIL") this.transition(t, "RETRYING");
        else if (t.fault === "FAIL_NOW") this.failTrade(t);
        else this.mine(t);
        return;
      case "RETRYING":
        if (t.fault === "FAIL" || t.fault === "FAIL_NOW") this.failTrade(t);
        else this.mine(t);
        return;
      case "MINED":
        this.transition(t, "CONFIRMED");
        t.market.pending.delete(t);
        return;
      default:
        return;
    }
  }

  /** Settles a trade to its terminal state at once (resolution). */
  private settleNow(t: Trade): void {
    if (t.timer !== undefined) {
      this.clock.clearTimer(t.timer);
      t.timer = undefined;
    }
    while (t.status !== "CONFIRMED" && t.status !== "FAILED") this.step(t);
  }

  private transition(t: Trade, status: TradeStatus): void {
    const previous = t.status;
    t.status = status;
    t.lastUpdate = this.clock.now();
    this.emit({ kind: "trade", seq: this.nextSeq(), timestamp: t.lastUpdate, trade: this.tradeView(t), previousStatus: previous });
  }

  /** Every leg's debit and credit: [owner, asset key ("" = collateral), debit, credit]. */
  private movements(t: Trade): { acc: Account; asset: Asset; debit: number; credit: number }[] {
    const out: { acc: Account; asset: Asset; debit: number; credit: number }[] = [];
    const add = (o: Order, size: number, usdc: number, fee: TakerFee): void => {
      const acc = this.account(o.owner);
      const tok = this.tokenAsset(acc, o.tokenId);
      if (o.side === "BUY") {
        out.push({ acc, asset: acc.collateral, debit: usdc, credit: 0 });
        out.push({ acc, asset: tok, debit: 0, credit: size - fee.sharesWithheld });
      } else {
        out.push({ acc, asset: tok, debit: size, credit: 0 });
        out.push({ acc, asset: acc.collateral, debit: 0, credit: usdc - fee.usdcWithheld });
      }
    };
    add(t.taker, t.takerSize, t.takerUsdc, t.takerFee);
    for (const l of t.makers) add(l.order, l.size, l.usdc, NO_TAKER_FEE);
    return out;
  }

  private mine(t: Trade): void {
    const moves = this.movements(t);
    // The chain transaction is atomic: every payer must cover its debit (only binds with reserveUnsettled = false).
    const debits = new Map<Asset, number>();
    for (const mv of moves) if (mv.debit > 0) debits.set(mv.asset, (debits.get(mv.asset) ?? 0) + mv.debit);
    for (const [asset, d] of debits) {
      if (asset.balance < d) {
        this.failTrade(t);
        return;
      }
    }
    for (const mv of moves) {
      mv.asset.balance += mv.credit - mv.debit;
      mv.asset.pendingOut -= mv.debit;
      mv.asset.pendingIn -= mv.credit;
    }
    for (const l of t.makers) {
      if (l.matchType === "MINT") t.market.locked += l.size;
      else if (l.matchType === "MERGE") t.market.locked -= l.size;
    }
    // The fee collector receives what the taker's legs withheld.
    const fee = t.takerFee;
    t.market.feeUsdc += fee.usdcWithheld;
    if (t.taker.outcome === "YES") t.market.feeYes += fee.sharesWithheld;
    else t.market.feeNo += fee.sharesWithheld;
    t.txHash = `0x${this.ids.hex(32)}`;
    this.transition(t, "MINED");
    // V1 (reserveUnsettled = false) lets open orders outgrow the wallet once a trade settles: the
    // venue then invalidates them (status INVALID), newest first, until the rest is backed again.
    const touched: Touched = new Map();
    for (const mv of moves) if (mv.debit > 0) this.enforceBacking(mv.acc, mv.asset, touched);
    this.afterCancels(touched);
  }

  private enforceBacking(acc: Account, asset: Asset, touched: Touched): void {
    const backed = (): boolean => asset.reservedOpen + (this.config.reserveUnsettled ? asset.pendingOut : 0) <= asset.balance;
    if (backed()) return;
    const open = [...acc.open.values()];
    for (let i = open.length - 1; i >= 0 && !backed(); i--) {
      const o = open[i] as Order;
      const uses = o.side === "BUY" ? acc.collateral : acc.tokens.get(o.tokenId);
      if (uses === asset) this.cancelOne(o, "invalid", "INVALID", touched);
    }
  }

  private failTrade(t: Trade): void {
    for (const mv of this.movements(t)) {
      mv.asset.pendingOut -= mv.debit;
      mv.asset.pendingIn -= mv.credit;
    }
    t.market.pending.delete(t);
    this.transition(t, "FAILED");
  }

  /** Forces a settlement fault on a not-yet-MINED trade; false if unknown or already MINED/terminal. */
  injectTradeFault(tradeId: TradeId, fault: TradeFault): boolean {
    const t = this.tradesById.get(tradeId);
    if (t === undefined || (t.status !== "MATCHED" && t.status !== "RETRYING")) return false;
    t.fault = fault;
    if (t.timer !== undefined) this.clock.clearTimer(t.timer);
    t.timer = undefined;
    this.scheduleTrade(t);
    return true;
  }

  /** Applies `fault` to the next `count` trades created (before any probabilistic draw). */
  injectNextTradeFaults(fault: TradeFault, count = 1): void {
    for (let i = 0; i < count; i++) this.nextFaults.push(fault);
  }

  /**
   * Forgets terminal orders and settled (CONFIRMED/FAILED) trades last changed before `cutoffMs`
   * (epoch ms), so a long-running simulator stays bounded. Pruned order ids are still refused as
   * duplicates. Returns how many orders and trades were dropped.
   */
  prune(cutoffMs: number): { readonly orders: number; readonly trades: number } {
    let trades = 0;
    const dropped = new Set<string>();
    for (const [id, t] of this.tradesById) {
      if ((t.status === "CONFIRMED" || t.status === "FAILED") && t.lastUpdate < cutoffMs) {
        this.tradesById.delete(id);
        dropped.add(id);
        trades++;
      }
    }
    if (trades > 0) {
      for (const m of this.marketsById.values()) {
        const keep = m.trades.filter((t) => !dropped.has(t.id));
        m.trades.length = 0;
        m.trades.push(...keep);
      }
      for (const acc of this.accounts.values()) {
        const keep = acc.tradeIds.filter((id) => !dropped.has(id));
        acc.tradeIds.length = 0;
        acc.tradeIds.push(...keep);
        for (const id of dropped) acc.tradeSet.delete(id);
      }
    }
    let orders = 0;
    const referenced = new Set<Order>();
    for (const t of this.tradesById.values()) {
      referenced.add(t.taker);
      for (const l of t.makers) referenced.add(l.order);
    }
    for (const [id, o] of this.orders) {
      if (o.open || referenced.has(o) || o.createdAt >= cutoffMs) continue;
      this.orders.delete(id);
      this.prunedIds.add(id);
      orders++;
    }
    return { orders, trades };
  }

  // ---- market data -----------------------------------------------------------------------------

  /** Aggregated book of a token, best-first, at most `depth` levels per side. */
  book(tokenId: TokenId, depth = Number.POSITIVE_INFINITY): BookSnapshot | undefined {
    const m = this.marketByToken.get(tokenId);
    if (m === undefined) return undefined;
    const yes = tokenId === m.info.yes.tokenId;
    const collect = (bidSide: boolean, mirror: boolean): Level[] => {
      const out: Level[] = [];
      m.book.forEachLevel(bidSide, (p, s) => {
        out.push({ price: (mirror ? PRICE_SCALE - p : p) as Price, size: s as Size });
        return out.length < depth;
      });
      return out;
    };
    return {
      conditionId: m.info.conditionId,
      tokenId,
      bids: yes ? collect(true, false) : collect(false, true),
      asks: yes ? collect(false, false) : collect(true, true),
      tickSize: m.tick,
      minOrderSize: m.info.minOrderSize,
      negRisk: m.info.negRisk,
      lastTradePrice: (yes ? m.lastYes : m.lastNo)?.price,
      timestamp: m.lastChange,
    };
  }

  bestPrices(tokenId: TokenId): BestPrices | undefined {
    const m = this.marketByToken.get(tokenId);
    if (m === undefined) return undefined;
    return this.bestOf(m, tokenId === m.info.yes.tokenId);
  }

  private bestOf(m: Market, yes: boolean): BestPrices {
    const bb = m.book.bestPrice(true);
    const ba = m.book.bestPrice(false);
    const yesBid = bb === EMPTY_BID ? undefined : (bb as Price);
    const yesAsk = ba === EMPTY_ASK ? undefined : (ba as Price);
    if (yes) return { bestBid: yesBid, bestAsk: yesAsk };
    return {
      bestBid: yesAsk === undefined ? undefined : ((PRICE_SCALE - yesAsk) as Price),
      bestAsk: yesBid === undefined ? undefined : ((PRICE_SCALE - yesBid) as Price),
    };
  }

  lastTrade(tokenId: TokenId): LastTrade | undefined {
    const m = this.marketByToken.get(tokenId);
    if (m === undefined) return undefined;
    return tokenId === m.info.yes.tokenId ? m.lastYes : m.lastNo;
  }

  private emitBookChanges(touched: Touched, cause: "place" | "cancel" | "trade" | "resolved"): void {
    const now = this.clock.now();
    for (const [m, keys] of touched) {
      if (keys.size === 0) continue;
      const yb = this.bestOf(m, true);
      const nb = this.bestOf(m, false);
      const changes: LevelChange[] = [];
      const sorted = keys.size === 1 ? keys : [...keys].sort((a, b) => a - b);
      for (const k of sorted) {
        const bid = k >= 0;
        const p = bid ? k : -1 - k;
        const size = m.book.levelSize(bid, p) as Size;
        changes.push({
          tokenId: m.info.yes.tokenId,
          side: bid ? "BUY" : "SELL",
          price: p as Price,
          size,
          bestBid: yb.bestBid,
          bestAsk: yb.bestAsk,
        });
        changes.push({
          tokenId: m.info.no.tokenId,
          side: bid ? "SELL" : "BUY",
          price: (PRICE_SCALE - p) as Price,
          size,
          bestBid: nb.bestBid,
          bestAsk: nb.bestAsk,
        });
      }
      this.emit({ kind: "book", seq: this.nextSeq(), timestamp: now, conditionId: m.info.conditionId, cause, changes });
    }
  }

  // ---- tick size -------------------------------------------------------------------------------

  private checkAutoTick(m: Market): void {
    const cfg = this.config.tickAuto;
    if (!cfg.enabled || m.status === "resolved") return;
    const bb = m.book.bestPrice(true);
    const ba = m.book.bestPrice(false);
    const ref = bb !== EMPTY_BID && ba !== EMPTY_ASK ? (bb + ba) / 2 : m.lastYes?.price;
    if (ref === undefined) return;
    const extreme = ref > cfg.upper || ref < cfg.lower;
    if (extreme && m.tick === 100) {
      m.autoTicked = true;
      this.changeTick(m, 10, true);
    } else if (!extreme && cfg.revert && m.autoTicked && m.tick === 10) {
      m.autoTicked = false;
      this.changeTick(m, 100, true);
    }
  }

  private changeTick(m: Market, tick: TickSize, automatic: boolean): void {
    const old = m.tick;
    m.tick = tick;
    if (!automatic) m.autoTicked = false;
    this.emit({
      kind: "tick_size",
      seq: this.nextSeq(),
      timestamp: this.clock.now(),
      conditionId: m.info.conditionId,
      tokenIds: [m.info.yes.tokenId, m.info.no.tokenId],
      oldTickSize: old,
      newTickSize: tick,
      automatic,
    });
  }

  // ---- heartbeats ------------------------------------------------------------------------------

  /**
   * `POST /v1/heartbeats`: `null`/"" starts (or restarts) the owner's chain and returns a new id;
   * the current id extends it and returns the next id; anything else fails with the correct id
   * ("" when no chain is running). Once started, no valid heartbeat within timeout + buffer cancels
   * all the owner's orders (emits `heartbeat_lapsed` and the CANCELLATIONs) and ends the chain.
   */
  heartbeat(owner: OwnerId, heartbeatId: string | null): HeartbeatResult {
    return this.run(() => {
      const chain = this.heartbeats.get(owner);
      const start = heartbeatId === null || heartbeatId === "";
      if (!start && (chain === undefined || chain.id !== heartbeatId)) {
        return { ok: false, error: HEARTBEAT_INVALID_MESSAGE, heartbeatId: chain?.id ?? "" };
      }
      if (chain !== undefined) this.clock.clearTimer(chain.timer);
      const id = this.ids.uuid();
      const timer = this.clock.setTimer(this.config.heartbeatTimeoutMs + this.config.heartbeatBufferMs, () =>
        this.run(() => this.lapse(owner)),
      );
      this.heartbeats.set(owner, { id, timer });
      return { ok: true, heartbeatId: id };
    });
  }

  private lapse(owner: OwnerId): void {
    this.heartbeats.delete(owner);
    const acc = this.accounts.get(owner);
    const canceled: OrderId[] = [];
    if (acc !== undefined) {
      const touched: Touched = new Map();
      for (const o of [...acc.open.values()]) {
        this.cancelOne(o, "heartbeat", "CANCELED", touched);
        canceled.push(o.id);
      }
      this.afterCancels(touched);
    }
    this.emit({ kind: "heartbeat_lapsed", seq: this.nextSeq(), timestamp: this.clock.now(), owner, canceled });
  }
}

function newAsset(): Asset {
  return { balance: 0, reservedOpen: 0, pendingOut: 0, pendingIn: 0 };
}

/** Forwards to the injected clock and remembers the live timers, so they can all be cancelled. */
class EngineTimers implements Clock {
  private readonly live = new Map<number, TimerHandle>();
  private disposed = false;
  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    if (this.disposed) return DEAD_TIMER;
    const handle = this.clock.setTimer(delayMs, () => {
      this.live.delete(handle.id);
      fn();
    });
    this.live.set(handle.id, handle);
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    if (this.live.delete(handle.id)) this.clock.clearTimer(handle);
  }

  get pending(): number {
    return this.live.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const h of this.live.values()) this.clock.clearTimer(h);
    this.live.clear();
  }
}

/** Returned by a disposed engine's clock: never fires, clearing it is a no-op. */
const DEAD_TIMER: TimerHandle = { id: -1 };
