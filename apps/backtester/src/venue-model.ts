/**
 * The simulated venue of a backtest: the recorded (or generated) YES-space L2 book is the truth of
 * everyone else's liquidity; our orders are counterfactual and rest in a queue at their level.
 *
 * Queue-position model (hftbacktest family): an order joining a level has everything already there
 * ahead of it (`queueAhead` = level size). Trades at the level consume the queue ahead first, then
 * fill us. Level decreases not explained by trades are cancels, allocated ahead of / behind us by the
 * configured model: `risk_averse` (cancels come from behind; only a level shrinking below our queue
 * ahead moves us up) or `proportional` (a cancel is ahead of us with probability ahead / level size,
 * taken in expectation). Trades through our price (the taker paid more than our ask / sold below our
 * bid) fill us fully first, at our price. Liquidity arriving on the other side at or through our price
 * is an incoming order that hits us. A marketable order of ours (not post-only) takes the book at the
 * book's prices (price improvement) and rests the remainder.
 *
 * YES and NO are one book: BUY NO at q is a YES-space ask at 1 − q, SELL NO at q a YES-space bid at
 * 1 − q (complement crossing). Fills are reported in the order's own token and price.
 *
 * Settlement: every fill is a trade that goes MATCHED → MINED → CONFIRMED after configurable delays,
 * or (with `failProbability`, seeded) MATCHED → RETRYING → FAILED, which voids it. Wallet balances move
 * at MINED; until then a BUY's tokens are not in the wallet, so a SELL cannot use them (the venue
 * rejects it with `balance`, like the real V2 venue), exactly the settled-only law the executor keeps.
 *
 * Fees: the venue's taker fee `takerFeeRate × shares × (p(1 − p))^feeExponent`, floored to 1e-5
 * USDC and withheld from what the taker receives — shares on a BUY, USDC on a SELL (@mm/types
 * `takerFee`, the same rounding as @mm/venue-sim and the executor) — at MINED. A maker receives
 * `makerRebateRate × shares × p(1 − p)` USDC at MINED (the venue pays rebates separately, daily; this
 * books them per fill).
 */
import {
  type Clock,
  type ConditionId,
  isTickSize,
  isValidOrderPrice,
  type MarketInfo,
  type OrderId,
  type OrderRequest,
  type Outcome,
  PRICE_SCALE,
  type Price,
  type RejectReason,
  type Side,
  type Size,
  type TickSize,
  takerFee,
  type TokenId,
  type TradeId,
  type TradeStatus,
  type UserEvent,
  type VenueOpenOrder,
  type VenueOrderStatus,
} from "@mm/types";
import { Rng } from "./rng.js";
import { EventKind, SIDE_ASK, SIDE_BID, type Tape, TAKER_BUY } from "./tape.js";

export type CancelModel = "risk_averse" | "proportional";

export interface VenueModelConfig {
  readonly cancelModel: CancelModel;
  /** MATCHED → MINED, ms. */
  readonly minedDelayMs: number;
  /** MINED → CONFIRMED, ms. */
  readonly confirmedDelayMs: number;
  /** MATCHED → RETRYING and RETRYING → FAILED, ms. */
  readonly retryDelayMs: number;
  /** Probability that a trade fails (MATCHED → RETRYING → FAILED; the fill is void). */
  readonly failProbability: number;
  /** Taker fee rate (0.072 = 7.2 %): rate × shares × (p(1 − p))^feeExponent, USDC. */
  readonly takerFeeRate: number;
  /** Exponent of the fee curve (the market's `feeSchedule.exponent`), a whole number in [1, 8]. */
  readonly feeExponent: number;
  /** Maker rebate: rate × shares × p(1 − p), USDC. */
  readonly makerRebateRate: number;
  /** Our marketable orders may take the recorded book (false: reject them as if post-only). */
  readonly allowTaking: boolean;
}

export const DEFAULT_VENUE_MODEL: VenueModelConfig = {
  cancelModel: "proportional",
  minedDelayMs: 2_000,
  confirmedDelayMs: 4_000,
  retryDelayMs: 3_000,
  failProbability: 0,
  takerFeeRate: 0,
  feeExponent: 1,
  makerRebateRate: 0,
  allowTaking: true,
};

/** A trade status change of one of our fills, as the run records it. */
export interface VenueTrade {
  readonly tradeId: TradeId;
  readonly orderId: OrderId;
  readonly clientOrderId: string;
  readonly market: number;
  readonly tokenId: TokenId;
  readonly outcome: Outcome;
  readonly side: Side;
  /** Token-space execution price. */
  readonly price: Price;
  readonly size: Size;
  /** YES-space view: +1 bought YES exposure (BUY YES / SELL NO), −1 sold it. */
  readonly yesDirection: 1 | -1;
  readonly yesPrice: number;
  readonly role: "MAKER" | "TAKER";
  /** Fee (+) or rebate (−), micro-USDC value, at MINED (a taker BUY pays it in shares: `feeShares`). */
  readonly fee: number;
  /** Micro-shares withheld from a taker BUY as its fee (0 otherwise). */
  readonly feeShares: number;
  readonly matchTime: number;
  status: TradeStatus;
}

export type PlaceOutcome =
  | { readonly ok: true; readonly orderId: OrderId; readonly status: VenueOrderStatus }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

export interface VenueHooks {
  /** A user event the venue publishes (fills at every status, cancellations by the venue). */
  readonly onUserEvent: (event: UserEvent) => void;
  /** A trade of ours changed status (MATCHED first). */
  readonly onTrade?: (trade: VenueTrade) => void;
  /**
   * The settlement outcome of a new trade when it is known from elsewhere (a parity replay uses the
   * live session's outcomes): true fails it, false settles it, undefined lets `failProbability` draw.
   */
  readonly settlementOutcome?: (trade: VenueTrade) => boolean | undefined;
}

interface SimOrder {
  readonly orderId: OrderId;
  readonly clientOrderId: string;
  readonly market: number;
  readonly tokenId: TokenId;
  readonly outcome: Outcome;
  readonly side: Side;
  readonly price: Price;
  readonly size: number;
  readonly yesSide: 0 | 1;
  readonly yesPrice: number;
  readonly createdAt: number;
  readonly seq: number;
  matched: number;
  queueAhead: number;
  open: boolean;
  /** When it left the book (or never rested), epoch ms; NaN while open. */
  closedAt: number;
  /** Collateral (BUY) or shares (SELL) still held by the open order. */
  reserved: number;
}

interface MarketBook {
  readonly info: MarketInfo;
  readonly index: number;
  tick: TickSize;
  /** YES-space level sizes: [0] bids, [1] asks, index = price units. */
  readonly levels: [Float64Array, Float64Array];
  /** Recorded trade volume at a level not yet matched by the level's decrease. */
  readonly traded: [Float64Array, Float64Array];
  /** Liquidity our taking consumed at a level since its last update (not taken twice). */
  readonly consumed: [Float64Array, Float64Array];
  /** Some `consumed` entry may be non-zero (set by our taking or crossing fills). */
  anyConsumed: boolean;
  bestBid: number;
  bestAsk: number;
  /** Step of the best-price scans: the finest tick seen (1 once an off-grid level appeared). */
  scanStep: number;
  readonly resting: SimOrder[];
  /** Our resting orders per YES-space level ([0] bids, [1] asks), so book updates elsewhere cost O(1). */
  readonly ours: [Uint16Array, Uint16Array];
  /** Our best resting YES bid (0 = none) and ask (PRICE_SCALE = none). */
  ourBid: number;
  ourAsk: number;
  winner: Outcome | undefined;
}

const TRADE_ID = (n: number): TradeId => `bt-trade-${n}` as TradeId;
const ORDER_ID = (n: number): OrderId => `0x${n.toString(16).padStart(64, "0")}` as OrderId;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const buyCost = (price: number, size: number): number => Math.ceil((price * size) / PRICE_SCALE);
const sellProceeds = (price: number, size: number): number => Math.floor((price * size) / PRICE_SCALE);

export class SimVenue {
  readonly config: VenueModelConfig;
  private readonly clock: Clock;
  private readonly hooks: VenueHooks;
  private readonly rng: Rng;
  /** The taker fee rate in basis points (the venue's unit; @mm/types `takerFee`). */
  private readonly takerFeeBps: number;
  private readonly books: MarketBook[] = [];
  private readonly byToken = new Map<TokenId, { book: MarketBook; outcome: Outcome }>();
  private readonly orders = new Map<OrderId, SimOrder>();
  private readonly byClient = new Map<string, SimOrder>();
  private readonly trades: VenueTrade[] = [];
  private readonly recordSpans: boolean;
  private readonly maxClosedOrders: number;
  private closedCount = 0;
  private readonly spans: { tokenId: TokenId; side: Side; price: Price; from: number; to: number }[] = [];
  private collateral: number;
  private collateralPendingOut = 0;
  private collateralReserved = 0;
  private readonly tokens = new Map<TokenId, { settled: number; pendingOut: number; reserved: number }>();
  private nextOrder = 1;
  private nextTrade = 1;
  private seq = 0;
  readonly counters = { placedShares: 0, places: 0, rejects: 0, cancels: 0, makerFills: 0, takerFills: 0, failedTrades: 0, crossFills: 0 };

  constructor(options: {
    readonly clock: Clock;
    readonly markets: readonly MarketInfo[];
    readonly config?: Partial<VenueModelConfig>;
    readonly seed: number;
    readonly collateral: number;
    readonly tokens?: Readonly<Record<string, number>>;
    readonly hooks: VenueHooks;
    /** Keep every order's time span at the venue for `orderSpans()` (parity analysis). Default false. */
    readonly recordSpans?: boolean;
    /** Closed orders kept for id lookups (late cancels); older ones are forgotten. Default 50,000. */
    readonly maxClosedOrders?: number;
  }) {
    this.config = { ...DEFAULT_VENUE_MODEL, ...options.config };
    const c = this.config;
    if (!(c.failProbability >= 0 && c.failProbability <= 1)) throw new RangeError("failProbability must be in [0, 1]");
    for (const k of ["minedDelayMs", "confirmedDelayMs", "retryDelayMs"] as const)
      if (!(Number.isFinite(c[k]) && c[k] >= 0)) throw new RangeError(`${k} must be ≥ 0`);
    if (!(c.takerFeeRate >= 0 && c.takerFeeRate <= 1)) throw new RangeError("takerFeeRate must be in [0, 1]");
    if (!(Number.isInteger(c.feeExponent) && c.feeExponent >= 1 && c.feeExponent <= 8))
      throw new RangeError("feeExponent must be a whole number in [1, 8]");
    this.takerFeeBps = Math.round(c.takerFeeRate * 10_000);
    this.clock = options.clock;
    this.hooks = options.hooks;
    this.recordSpans = options.recordSpans ?? false;
    this.maxClosedOrders = options.maxClosedOrders ?? 50_000;
    this.rng = Rng.derive(options.seed, "venue.settlement");
    this.collateral = options.collateral;
    options.markets.forEach((info, index) => {
      const book: MarketBook = {
        info,
        index,
        tick: info.tickSize,
        levels: [new Float64Array(PRICE_SCALE + 1), new Float64Array(PRICE_SCALE + 1)],
        traded: [new Float64Array(PRICE_SCALE + 1), new Float64Array(PRICE_SCALE + 1)],
        consumed: [new Float64Array(PRICE_SCALE + 1), new Float64Array(PRICE_SCALE + 1)],
        anyConsumed: false,
        bestBid: 0,
        bestAsk: PRICE_SCALE,
        scanStep: info.tickSize,
        resting: [],
        ours: [new Uint16Array(PRICE_SCALE + 1), new Uint16Array(PRICE_SCALE + 1)],
        ourBid: 0,
        ourAsk: PRICE_SCALE,
        winner: undefined,
      };
      this.books.push(book);
      this.byToken.set(info.yes.tokenId, { book, outcome: "YES" });
      this.byToken.set(info.no.tokenId, { book, outcome: "NO" });
    });
    for (const [t, amount] of Object.entries(options.tokens ?? {})) this.token(t as TokenId).settled = amount;
  }

  // ------------------------------------------------------------------------------------------
  // Market data (the truth of everyone else)

  /** Applies tape event `i` (already due: the runner advanced the clock to its time). */
  applyEvent(t: Tape, i: number): void {
    const kind = t.kind[i] as number;
    if (kind === EventKind.SNAPSHOT) {
      this.applySnapshot(t, i);
      return;
    }
    this.applyScalar(kind, t.market[i] as number, t.side[i] as number, t.price[i] as number, t.size[i] as number);
  }

  /** Every event but SNAPSHOT, from its scalars (the replay loop's fast path: no object reads). */
  applyScalar(kind: number, market: number, side: number, price: number, size: number): void {
    if (kind === EventKind.REFERENCE) return;
    const book = this.books[market];
    if (book === undefined) return;
    switch (kind) {
      case EventKind.LEVEL:
        // The runner skips the LEVELs of a snapshot (applied with their SNAPSHOT).
        this.setLevel(book, side === SIDE_BID ? SIDE_BID : SIDE_ASK, price, size);
        return;
      case EventKind.TRADE:
        this.onRecordedTrade(book, side, price, size);
        return;
      case EventKind.TICK_SIZE: {
        if (!isTickSize(price)) return;
        book.tick = price;
        book.scanStep = gcd(book.scanStep, price);
        return;
      }
      case EventKind.RESOLVE:
        this.resolve(book, side === 0 ? "YES" : "NO");
        return;
    }
  }

  /** A SNAPSHOT at `i` and the LEVELs that follow it replace the market's book. */
  applySnapshot(t: Tape, i: number): void {
    const book = this.books[t.market[i] as number];
    if (book === undefined) return;
    const n = t.size[i] as number;
    const fresh: [Float64Array, Float64Array] = [new Float64Array(PRICE_SCALE + 1), new Float64Array(PRICE_SCALE + 1)];
    for (let j = i + 1; j <= i + n && j < t.length; j++) {
      const p = t.price[j] as number;
      if (p > 0 && p < PRICE_SCALE) fresh[t.side[j] === SIDE_BID ? SIDE_BID : SIDE_ASK][p] = t.size[j] as number;
    }
    for (const side of [SIDE_BID, SIDE_ASK] as const) {
      const lv = book.levels[side];
      for (let p = 1; p < PRICE_SCALE; p++) {
        const nv = fresh[side][p] as number;
        if (nv !== lv[p]) this.setLevel(book, side, p, nv);
      }
    }
  }

  private setLevel(book: MarketBook, side: 0 | 1, p: number, size: number): void {
    if (!(p > 0 && p < PRICE_SCALE) || !(size >= 0)) return;
    const lv = book.levels[side];
    const old = lv[p] as number;
    lv[p] = size;
    if (book.anyConsumed) {
      const used = book.consumed[side];
      if ((used[p] as number) !== 0) used[p] = 0;
    }
    // Only a level appearing can be off the scan grid.
    if (old === 0 && p % book.scanStep !== 0) book.scanStep = 1;
    if (size < old) {
      const decrease = old - size;
      const traded = book.traded[side][p] as number;
      const explained = Math.min(decrease, traded);
      book.traded[side][p] = traded - explained;
      const cancelled = decrease - explained;
      if ((book.ours[side][p] as number) > 0) this.onLevelShrink(book, side, p, old, size, cancelled);
    } else {
      // A level that did not shrink after prints at it already nets them (someone joined meanwhile):
      // the prints must not explain a later, unrelated decrease.
      const traded = book.traded[side];
      if ((traded[p] as number) !== 0) traded[p] = 0;
    }
    // Best prices.
    if (side === SIDE_BID) {
      if (size > 0 && p > book.bestBid) book.bestBid = p;
      else if (size === 0 && p === book.bestBid) {
        const step = book.scanStep;
        let q = p - step;
        while (q > 0 && (lv[q] as number) === 0) q -= step;
        book.bestBid = Math.max(q, 0);
      }
    } else {
      if (size > 0 && p < book.bestAsk) book.bestAsk = p;
      else if (size === 0 && p === book.bestAsk) {
        const step = book.scanStep;
        let q = p + step;
        while (q < PRICE_SCALE && (lv[q] as number) === 0) q += step;
        book.bestAsk = Math.min(q, PRICE_SCALE);
      }
    }
    // New liquidity at or through one of our resting orders on the other side: it would have hit us.
    if (size > old && (side === SIDE_ASK ? p <= book.ourBid : p >= book.ourAsk)) this.onCrossingLiquidity(book, side, p, size - old);
  }

  private onLevelShrink(book: MarketBook, side: 0 | 1, p: number, old: number, size: number, cancelled: number): void {
    for (const o of book.resting) {
      if (o.yesSide !== side || o.yesPrice !== p) continue;
      if (this.config.cancelModel === "proportional" && cancelled > 0 && old > 0) {
        o.queueAhead -= (cancelled * o.queueAhead) / old;
      }
      o.queueAhead = Math.max(0, Math.min(o.queueAhead, size));
    }
  }

  private onCrossingLiquidity(book: MarketBook, side: 0 | 1, p: number, added: number): void {
    // Hot path: most updates cross nothing; look before allocating.
    let any = false;
    for (const o of book.resting) {
      if (o.open && o.yesSide !== side && (side === SIDE_ASK ? o.yesPrice >= p : o.yesPrice <= p)) {
        any = true;
        break;
      }
    }
    if (!any) return;
    let left = added;
    const hit = book.resting
      .filter((o) => o.open && o.yesSide !== side && (side === SIDE_ASK ? o.yesPrice >= p : o.yesPrice <= p))
      .sort((a, b) => (side === SIDE_ASK ? b.yesPrice - a.yesPrice : a.yesPrice - b.yesPrice) || a.seq - b.seq);
    for (const o of hit) {
      if (left <= 0) break;
      const f = Math.min(left, o.size - o.matched);
      if (f <= 0) continue;
      left -= f;
      book.consumed[side][p] = (book.consumed[side][p] as number) + f;
      book.anyConsumed = true;
      this.counters.crossFills++;
      this.fill(o, f, o.price, "MAKER");
    }
  }

  /** A recorded trade: taker `takerSide` (YES-space) at YES price `p` for `size`. */
  private onRecordedTrade(book: MarketBook, takerSide: number, p: number, size: number): void {
    if (!(p > 0 && p < PRICE_SCALE) || !(size > 0)) return;
    // Taker BUY consumes asks; taker SELL consumes bids.
    const bookSide: 0 | 1 = takerSide === TAKER_BUY ? SIDE_ASK : SIDE_BID;
    book.traded[bookSide][p] = (book.traded[bookSide][p] as number) + size;
    if (bookSide === SIDE_ASK ? book.ourAsk > p : book.ourBid < p) return;
    let any = false;
    for (const o of book.resting) {
      if (o.open && o.yesSide === bookSide && (bookSide === SIDE_ASK ? o.yesPrice <= p : o.yesPrice >= p)) {
        any = true;
        break;
      }
    }
    if (!any) return;
    const candidates = book.resting
      .filter((o) => o.open && o.yesSide === bookSide && (bookSide === SIDE_ASK ? o.yesPrice <= p : o.yesPrice >= p))
      .sort((a, b) => (bookSide === SIDE_ASK ? a.yesPrice - b.yesPrice : b.yesPrice - a.yesPrice) || a.seq - b.seq);
    let v = size;
    let consumedAtLevel = 0;
    for (const o of candidates) {
      if (v <= 0) break;
      const remaining = o.size - o.matched;
      if (o.yesPrice !== p) {
        // Through our price: the taker would have taken us first (we were better priced).
        const f = Math.min(v, remaining);
        v -= f;
        this.fill(o, f, o.price, "MAKER");
        continue;
      }
      // At our level: the volume reaching the level consumes the queue ahead of us, then us.
      const ahead = Math.max(0, o.queueAhead - consumedAtLevel);
      const a = Math.min(v, ahead);
      v -= a;
      consumedAtLevel += a;
      o.queueAhead = ahead - a;
      const f = Math.min(v, remaining);
      if (f > 0) {
        v -= f;
        this.fill(o, f, o.price, "MAKER");
      }
    }
  }

  private resolve(book: MarketBook, winner: Outcome): void {
    if (book.winner !== undefined) return;
    book.winner = winner;
    for (const o of [...book.resting]) this.cancelInternal(o, "CANCELED_MARKET_RESOLVED");
  }

  // ------------------------------------------------------------------------------------------
  // Our actions (at their venue arrival time)

  place(req: OrderRequest): PlaceOutcome {
    this.counters.places++;
    const r = this.placeInner(req);
    if (!r.ok) this.counters.rejects++;
    return r;
  }

  private placeInner(req: OrderRequest): PlaceOutcome {
    const loc = this.byToken.get(req.tokenId);
    if (loc === undefined) return { ok: false, reason: "invalid_order", message: "unknown token" };
    const { book, outcome } = loc;
    if (book.winner !== undefined || book.info.closed) return { ok: false, reason: "market_not_ready", message: "market is closed" };
    if (this.byClient.get(req.clientOrderId)?.open) return { ok: false, reason: "duplicate", message: "order already exists" };
    if (!Number.isSafeInteger(req.size) || req.size <= 0) return { ok: false, reason: "invalid_order", message: "bad size" };
    if (!isValidOrderPrice(req.price, book.tick))
      return { ok: false, reason: "tick_size", message: `price ${req.price} breaks minimum tick size rule: ${book.tick}` };
    if (req.size < book.info.minOrderSize) return { ok: false, reason: "min_size", message: "size lower than the minimum" };
    // Balance (V2: unsettled amounts stay reserved, so pending tokens cannot back a SELL).
    const need = req.side === "BUY" ? buyCost(req.price, req.size) : req.size;
    if (req.side === "BUY") {
      if (this.collateral - this.collateralReserved - this.collateralPendingOut < need)
        return { ok: false, reason: "balance", message: "not enough balance / allowance" };
    } else {
      const tk = this.token(req.tokenId);
      if (tk.settled - tk.reserved - tk.pendingOut < need)
        return { ok: false, reason: "balance", message: "not enough balance / allowance" };
    }
    const yesSide: 0 | 1 = (outcome === "YES") === (req.side === "BUY") ? SIDE_BID : SIDE_ASK;
    const yesPrice = outcome === "YES" ? req.price : PRICE_SCALE - req.price;
    const crosses =
      yesSide === SIDE_BID ? book.bestAsk <= yesPrice && book.bestAsk < PRICE_SCALE : book.bestBid >= yesPrice && book.bestBid > 0;
    if (crosses && (req.postOnly || !this.config.allowTaking))
      return { ok: false, reason: "post_only_cross", message: "invalid post-only order: order crosses book" };
    const o: SimOrder = {
      orderId: ORDER_ID(this.nextOrder++),
      clientOrderId: req.clientOrderId,
      market: book.index,
      tokenId: req.tokenId,
      outcome,
      side: req.side,
      price: req.price,
      size: req.size,
      yesSide,
      yesPrice,
      createdAt: this.clock.now(),
      seq: ++this.seq,
      matched: 0,
      queueAhead: 0,
      open: true,
      closedAt: Number.NaN,
      reserved: 0,
    };
    this.orders.set(o.orderId, o);
    this.byClient.set(o.clientOrderId, o);
    this.counters.placedShares += o.size;
    this.setReserve(o, need);
    if (crosses) this.take(book, o);
    if (o.matched >= o.size) {
      this.close(o);
      return { ok: true, orderId: o.orderId, status: "matched" };
    }
    if (req.orderType === "FOK" || req.orderType === "FAK") {
      this.close(o);
      return { ok: true, orderId: o.orderId, status: o.matched > 0 ? "matched" : "unmatched" };
    }
    o.queueAhead = book.levels[yesSide][yesPrice] as number;
    book.resting.push(o);
    this.restingChanged(book, o, 1);
    return { ok: true, orderId: o.orderId, status: o.matched > 0 ? "matched" : "live" };
  }

  /** Our marketable order takes the recorded book at its prices, best first (price improvement). */
  private take(book: MarketBook, o: SimOrder): void {
    const against: 0 | 1 = o.yesSide === SIDE_BID ? SIDE_ASK : SIDE_BID;
    const lv = book.levels[against];
    const used = book.consumed[against];
    const step = against === SIDE_ASK ? 1 : -1;
    let p = against === SIDE_ASK ? book.bestAsk : book.bestBid;
    while (o.matched < o.size && p > 0 && p < PRICE_SCALE && (against === SIDE_ASK ? p <= o.yesPrice : p >= o.yesPrice)) {
      const avail = (lv[p] as number) - (used[p] as number);
      if (avail > 0) {
        const f = Math.min(avail, o.size - o.matched);
        used[p] = (used[p] as number) + f;
        book.anyConsumed = true;
        const tokenPrice = (o.outcome === "YES" ? p : PRICE_SCALE - p) as Price;
        this.fill(o, f, tokenPrice, "TAKER");
      }
      p += step;
    }
  }

  cancel(orderId: OrderId): { readonly canceled: boolean; readonly reason?: string } {
    const o = this.orders.get(orderId);
    if (o === undefined) return { canceled: false, reason: "order not found" };
    if (!o.open) return { canceled: false, reason: "already canceled or matched" };
    this.counters.cancels++;
    this.close(o);
    return { canceled: true };
  }

  cancelAll(): OrderId[] {
    const out: OrderId[] = [];
    for (const book of this.books) {
      for (const o of [...book.resting]) {
        if (!o.open) continue;
        this.close(o);
        out.push(o.orderId);
      }
    }
    this.counters.cancels += out.length;
    return out;
  }

  openOrders(): VenueOpenOrder[] {
    const out: VenueOpenOrder[] = [];
    for (const book of this.books) {
      for (const o of book.resting) {
        if (!o.open) continue;
        out.push({
          orderId: o.orderId,
          conditionId: book.info.conditionId,
          tokenId: o.tokenId,
          side: o.side,
          price: o.price,
          originalSize: o.size as Size,
          sizeMatched: o.matched as Size,
          status: "LIVE",
          orderType: "GTC",
          createdAt: o.createdAt,
        });
      }
    }
    return out;
  }

  /** Our fills matched at or after `sinceMs`, at their current status. */
  fillsSince(sinceMs: number): UserEvent[] {
    const out: UserEvent[] = [];
    for (const t of this.trades) if (t.matchTime >= sinceMs) out.push(this.fillEvent(t));
    return out;
  }

  balances(): { readonly collateral: number; readonly tokens: Record<string, number> } {
    const tokens: Record<string, number> = {};
    for (const [t, v] of this.tokens) tokens[t] = v.settled;
    return { collateral: this.collateral, tokens };
  }

  /** Venue YES-space mid of market `m`, price units (undefined when a side is empty). */
  mid(m: number): number | undefined {
    const b = this.books[m];
    if (b === undefined || b.bestBid <= 0 || b.bestAsk >= PRICE_SCALE) return undefined;
    return (b.bestBid + b.bestAsk) / 2;
  }

  bestBid(m: number): number | undefined {
    const b = this.books[m];
    return b === undefined || b.bestBid <= 0 ? undefined : b.bestBid;
  }

  bestAsk(m: number): number | undefined {
    const b = this.books[m];
    return b === undefined || b.bestAsk >= PRICE_SCALE ? undefined : b.bestAsk;
  }

  /** Recorded (everyone else's) size at YES-space `price` on `side` (0 bid, 1 ask) of market `m`, micro-shares. */
  levelSize(m: number, side: 0 | 1, price: number): number {
    const b = this.books[m];
    return b === undefined ? 0 : ((b.levels[side === SIDE_BID ? SIDE_BID : SIDE_ASK][price] as number | undefined) ?? 0);
  }

  winner(m: number): Outcome | undefined {
    return this.books[m]?.winner;
  }

  /** Queue ahead of one of our open orders (tests, diagnostics). */
  queueAhead(clientOrderId: string): number | undefined {
    const o = this.byClient.get(clientOrderId);
    return o?.open ? o.queueAhead : undefined;
  }

  /**
   * Every order we placed with the time span it was at the venue (for divergence analysis; closed
   * orders only when constructed with `recordSpans`).
   */
  orderSpans(): { readonly tokenId: TokenId; readonly side: Side; readonly price: Price; readonly from: number; readonly to: number }[] {
    const out = [...this.spans];
    for (const o of this.orders.values())
      if (o.open) out.push({ tokenId: o.tokenId, side: o.side, price: o.price, from: o.createdAt, to: Number.POSITIVE_INFINITY });
    return out;
  }

  allTrades(): readonly VenueTrade[] {
    return this.trades;
  }

  conditionOf(m: number): ConditionId | undefined {
    return this.books[m]?.info.conditionId;
  }

  // ------------------------------------------------------------------------------------------
  // Fills and settlement

  private fill(o: SimOrder, f: number, price: Price, role: "MAKER" | "TAKER"): void {
    f = Math.floor(f);
    if (f <= 0) return;
    o.matched += f;
    if (role === "MAKER") this.counters.makerFills++;
    else this.counters.takerFills++;
    // Reservation → pending outflow.
    const out = o.side === "BUY" ? buyCost(price, f) : f;
    const left = o.side === "BUY" ? buyCost(o.price, o.size - o.matched) : o.size - o.matched;
    this.setReserve(o, o.open ? left : 0);
    if (o.side === "BUY") this.collateralPendingOut += out;
    else this.token(o.tokenId).pendingOut += out;
    let fee: number;
    let feeShares = 0;
    if (role === "TAKER") {
      const tf = takerFee(o.side, f as Size, price, this.takerFeeBps, this.config.feeExponent);
      fee = tf.feeUsdc;
      feeShares = tf.sharesWithheld;
    } else {
      const p = price / PRICE_SCALE;
      fee = -Math.floor(this.config.makerRebateRate * f * p * (1 - p));
    }
    const trade: VenueTrade = {
      tradeId: TRADE_ID(this.nextTrade++),
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      market: o.market,
      tokenId: o.tokenId,
      outcome: o.outcome,
      side: o.side,
      price,
      size: f as Size,
      yesDirection: o.yesSide === SIDE_BID ? 1 : -1,
      yesPrice: o.outcome === "YES" ? price : PRICE_SCALE - price,
      role,
      fee,
      feeShares,
      matchTime: this.clock.now(),
      status: "MATCHED",
    };
    this.trades.push(trade);
    this.publish(trade);
    if (o.matched >= o.size) this.close(o);
    const fails =
      this.hooks.settlementOutcome?.(trade) ?? (this.config.failProbability > 0 && this.rng.next() < this.config.failProbability);
    if (fails) {
      this.clock.setTimer(this.config.retryDelayMs, () => {
        this.transition(trade, "RETRYING");
        this.clock.setTimer(this.config.retryDelayMs, () => this.failTrade(trade, out));
      });
    } else {
      this.clock.setTimer(this.config.minedDelayMs, () => {
        this.mine(trade, out);
        this.clock.setTimer(this.config.confirmedDelayMs, () => this.transition(trade, "CONFIRMED"));
      });
    }
  }

  private mine(t: VenueTrade, out: number): void {
    if (t.side === "BUY") {
      this.collateralPendingOut -= out;
      this.collateral -= out;
      this.token(t.tokenId).settled += t.size - t.feeShares;
    } else {
      const tk = this.token(t.tokenId);
      tk.pendingOut -= out;
      tk.settled -= t.size;
      this.collateral += sellProceeds(t.price, t.size);
    }
    // A taker BUY's fee was withheld in shares above; a taker SELL's comes out of the proceeds; a
    // maker rebate (negative fee) is paid in USDC.
    if (t.feeShares === 0) this.collateral -= t.fee;
    this.transition(t, "MINED");
  }

  private failTrade(t: VenueTrade, out: number): void {
    if (t.side === "BUY") this.collateralPendingOut -= out;
    else this.token(t.tokenId).pendingOut -= out;
    this.counters.failedTrades++;
    this.transition(t, "FAILED");
  }

  private transition(t: VenueTrade, status: TradeStatus): void {
    t.status = status;
    this.publish(t);
  }

  private publish(t: VenueTrade): void {
    this.hooks.onTrade?.(t);
    this.hooks.onUserEvent(this.fillEvent(t));
  }

  private fillEvent(t: VenueTrade): UserEvent {
    const book = this.books[t.market] as MarketBook;
    return {
      kind: "fill",
      tradeId: t.tradeId,
      orderId: t.orderId,
      conditionId: book.info.conditionId,
      tokenId: t.tokenId,
      side: t.side,
      price: t.price,
      size: t.size,
      status: t.status,
      role: t.role,
      feeRateBps: t.role === "TAKER" ? Math.round(this.config.takerFeeRate * 10_000) : 0,
      matchTime: t.matchTime,
      timestamp: this.clock.now(),
    };
  }

  private cancelInternal(o: SimOrder, status: string): void {
    if (!o.open) return;
    this.close(o);
    const book = this.books[o.market] as MarketBook;
    this.hooks.onUserEvent({
      kind: "order",
      eventType: "CANCELLATION",
      orderId: o.orderId,
      conditionId: book.info.conditionId,
      tokenId: o.tokenId,
      side: o.side,
      price: o.price,
      originalSize: o.size as Size,
      sizeMatched: o.matched as Size,
      status,
      orderType: "GTC",
      timestamp: this.clock.now(),
    });
  }

  private close(o: SimOrder): void {
    if (!o.open) return;
    o.open = false;
    o.closedAt = this.clock.now();
    this.setReserve(o, 0);
    if (this.recordSpans) this.spans.push({ tokenId: o.tokenId, side: o.side, price: o.price, from: o.createdAt, to: o.closedAt });
    if (++this.closedCount > this.maxClosedOrders) this.forgetClosed();
    const book = this.books[o.market] as MarketBook;
    const i = book.resting.indexOf(o);
    if (i >= 0) {
      book.resting.splice(i, 1);
      this.restingChanged(book, o, -1);
    }
  }

  /** Drops the oldest half of the closed orders from the id maps (memory stays bounded on long runs). */
  private forgetClosed(): void {
    let drop = this.closedCount - Math.floor(this.maxClosedOrders / 2);
    for (const [id, o] of this.orders) {
      if (drop <= 0) break;
      if (o.open) continue;
      this.orders.delete(id);
      if (this.byClient.get(o.clientOrderId) === o) this.byClient.delete(o.clientOrderId);
      this.closedCount--;
      drop--;
    }
  }

  private restingChanged(book: MarketBook, o: SimOrder, delta: 1 | -1): void {
    const at = book.ours[o.yesSide];
    at[o.yesPrice] = (at[o.yesPrice] as number) + delta;
    let bid = 0;
    let ask = PRICE_SCALE;
    for (const r of book.resting) {
      if (r.yesSide === SIDE_BID) bid = Math.max(bid, r.yesPrice);
      else ask = Math.min(ask, r.yesPrice);
    }
    book.ourBid = bid;
    book.ourAsk = ask;
  }

  private setReserve(o: SimOrder, amount: number): void {
    const delta = amount - o.reserved;
    o.reserved = amount;
    if (o.side === "BUY") this.collateralReserved += delta;
    else this.token(o.tokenId).reserved += delta;
  }

  private token(t: TokenId): { settled: number; pendingOut: number; reserved: number } {
    let v = this.tokens.get(t);
    if (v === undefined) {
      v = { settled: 0, pendingOut: 0, reserved: 0 };
      this.tokens.set(t, v);
    }
    return v;
  }
}
