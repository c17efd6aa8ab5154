/**
 * ExecutorActor: the single writer (law A) of working orders, pending actions, inventory (settled vs
 * pending), the reservation ledger and the risk / cooldown / resync / STOP state.
 *
 * One mailbox; every message (user event, gateway result, timer, control) is handled synchronously,
 * one at a time. Intents do not queue: each market has a single latest-wins slot (law I) that is
 * applied when the mailbox is drained (idle), through Planner then Reconciler. The venue is reached
 * only through the `OrderGateway` port; its results come back as mailbox messages.
 */
import {
  type ActionId,
  type CancelAck,
  type CancelAllAck,
  type Clock,
  type CollateralPosition,
  type ConditionId,
  type DesiredQuoteSet,
  fillFee,
  fillKey,
  type GatewayAction,
  type GatewayResult,
  isSettledStatus,
  isTerminalStatus,
  type Mailbox,
  type MarketInfo,
  NO_TAKER_FEE,
  type OrderGateway,
  type OrderId,
  type OutcomeUnknown,
  type PlaceAck,
  type PlaceReject,
  PRICE_SCALE,
  type Price,
  type RejectReason,
  type Reservation,
  type Side,
  type Size,
  type SyncResult,
  type TakerFee,
  type TickSize,
  type TokenId,
  type TokenPosition,
  TRADE_STATUSES,
  type TradeStatus,
  tradeStatusRank,
  type UserEvent,
  type UserFillEvent,
  type UserOrderEvent,
  type Usdc,
  type WorkingOrder,
  type WorkingOrderState,
  isTickSize,
} from "@mm/types";
import { type ExecutorConfig, type ExecutorConfigInput, resolveExecutorConfig } from "./config.js";
import { ReservationLedger } from "./internal/ledger.js";
import { OrderIndex } from "./internal/order-index.js";
import { type ExecutorMode, type JournalBody, type JournalSink, noopJournal, type PlanSummary } from "./journal.js";
import type { ControlCommand, ExecutorMessage, TimerName } from "./messages.js";
import { buyCost, type LockedExposure, type PlannerInput, type PlanResult, plan, sellProceeds } from "./planner.js";
import { type PlaceBudget, orderKey, type ReconcileInput, reconcile } from "./reconciler.js";
import { emptyStats, type ExecutorStats } from "./stats.js";

export interface ExecutorHooks {
  /** The venue rejected an order for tick / min size / price rules: market metadata should be refreshed. */
  readonly onMarketRefreshNeeded?: (conditionId: ConditionId, reason: RejectReason) => void;
}

export interface ExecutorOptions {
  readonly clock: Clock;
  readonly gateway: OrderGateway;
  readonly markets: readonly MarketInfo[];
  /** Wallet at start: collateral and settled shares per token. A RESYNC with balances corrects them. */
  readonly initial: { readonly collateral: Usdc; readonly tokens?: Readonly<Record<string, Size>> };
  readonly config?: ExecutorConfigInput;
  readonly journal?: JournalSink;
  readonly hooks?: ExecutorHooks;
}

interface OrderRecord {
  readonly clientOrderId: string;
  orderId: OrderId | undefined;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: Price;
  readonly originalSize: Size;
  /** max(matchedFills, matchedEvents), refreshed by `reserve` (so a record is itself a WorkingOrder). */
  matchedSize: Size;
  /** Booked into inventory by fill events (any status, FAILED included: the venue does not reopen it). */
  matchedFills: number;
  /** What the venue says matched (order events, sync). */
  matchedEvents: number;
  state: WorkingOrderState;
  readonly createdAt: number;
  readonly placeActionId: ActionId | undefined;
  placeUnknown: boolean;
  cancelActionId: ActionId | undefined;
  /** What the ledger holds for it (shares for a SELL, micro-USDC for a BUY), kept by `reserve`: read per pass without a lookup. */
  reserved: number;
}

interface FillRecord {
  readonly tradeId: string;
  readonly orderId: OrderId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly matchTime: number;
  rank: number;
  status: TradeStatus;
  /** Taker fee withheld by the venue: shares from a BUY, micro-USDC from a SELL (0 for a maker). */
  readonly feeShares: number;
  readonly feeUsdc: number;
  /** Where its inventory effect currently sits. */
  booked: "none" | "pending" | "settled";
  orderBooked: boolean;
  /** Clock time at which this executor first saw it MINED or CONFIRMED (on chain): RESYNC balance check. */
  onChainSeenAt?: number;
}

interface MarketState {
  info: MarketInfo;
  /** The positions of its two tokens (`positions` never replaces a Position object). */
  yesPos: Position;
  noPos: Position;
  /** Shares of each token at start (the max-loss mark's reference). */
  startYes: number;
  startNo: number;
  /** The intent last applied. */
  intent: DesiredQuoteSet | undefined;
  /** Latest intent not yet applied (law I: one slot, overwritten). */
  slot: DesiredQuoteSet | undefined;
  dirty: boolean;
  /** The applied intent changed since the last plan (for churn accounting). */
  intentChanged: boolean;
  suspendedUntil: number;
  rejectedKeys: Set<string>;
  lastPlan: PlanResult | undefined;
  /** What `lastPlan` was planned from (identity of the intent and metadata, and the numbers). */
  planIntent: DesiredQuoteSet | undefined;
  planInfo: MarketInfo | undefined;
  readonly planKey: Float64Array;
  /** Whether the last pass could place (mode RUNNING, not suspended, tradable); a change forces a pass. */
  lastPlaceAllowed: boolean;
}

interface Position {
  settled: number;
  /** Signed net of unsettled fills. */
  pending: number;
  /** Unsettled outflow alone (shares sold / cash spent): never netted against unsettled inflow (law E). */
  pendingOut: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Placeholders that scratch inputs point at between passes (so they never keep a plan or an intent alive). */
const EMPTY_INTENT: DesiredQuoteSet = {
  conditionId: "" as ConditionId,
  bids: [],
  asks: [],
  seq: -1,
  createdAt: 0,
  reason: { code: "none" },
};
const NO_ORDERS: readonly WorkingOrder[] = [];
const EMPTY_PLAN: PlanResult = {
  conditionId: "" as ConditionId,
  intentSeq: -1,
  tickSize: 100,
  orders: [],
  residuals: [],
  invalidLevels: 0,
};

/** The Planner's input as one reused, mutable object. */
interface PlanScratch extends Mutable<Omit<PlannerInput, "yes" | "no" | "collateral" | "locked">> {
  readonly yes: Mutable<TokenPosition>;
  readonly no: Mutable<TokenPosition>;
  readonly collateral: Mutable<CollateralPosition>;
  readonly locked: Mutable<LockedExposure>;
}

/** Whether two intents ask for the same levels (prices and sizes, in order). */
function sameLevels(a: DesiredQuoteSet, b: DesiredQuoteSet): boolean {
  return a.conditionId === b.conditionId && sameSide(a.bids, b.bids) && sameSide(a.asks, b.asks);
}

function sameSide(a: DesiredQuoteSet["bids"], b: DesiredQuoteSet["bids"]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    // NaN never equals itself: an invalid level always gets a pass (and is counted there).
    if (x.price !== y.price || x.size !== y.size) return false;
  }
  return true;
}

/** Terminal orders remembered (for late events) beyond which the oldest are forgotten. */
const RETAINED_ORDERS = 1024;
/** Orders forgotten at a time (compaction runs once this many more than `RETAINED_ORDERS` exist). */
const COMPACT_BATCH = 64;

const isOpen = (o: OrderRecord): boolean => o.state === "LIVE" || o.state === "PENDING_NEW" || o.state === "PENDING_CANCEL";
const isIntSize = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
const isPriceUnits = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= PRICE_SCALE;

/** Snapshot of one order for tests and the status view. */
export type OrderView = WorkingOrder & { readonly reserved: number };

export interface ExecutorSnapshot {
  readonly mode: ExecutorMode;
  readonly stopReason: string | undefined;
  readonly orders: readonly OrderView[];
  readonly positions: readonly TokenPosition[];
  readonly collateral: { readonly settled: number; readonly pending: number; readonly reserved: number };
  readonly reservations: readonly Reservation[];
  readonly pendingActions: number;
}

export class ExecutorActor {
  readonly config: ExecutorConfig;
  /** Post gateway results here (give it to the gateway as its result mailbox). */
  readonly results: Mailbox<GatewayResult> = { post: (result) => this.post({ kind: "gateway", result }) };
  /** Post user events here (the user feed's consumer). */
  readonly userEvents: Mailbox<UserEvent> = { post: (event) => this.post({ kind: "user", event }) };
  /** The strategy's single-slot output: latest wins (law I). */
  readonly intents: Mailbox<DesiredQuoteSet> = { post: (intent) => this.offerIntent(intent) };

  private readonly clock: Clock;
  private readonly gateway: OrderGateway;
  private readonly journal: JournalSink;
  /** False with the no-op sink: entries are then not even built (hot path). */
  private readonly journaling: boolean;
  private readonly hooks: ExecutorHooks;
  private readonly markets = new Map<ConditionId, MarketState>();
  /** `markets` as an array (iterated on every message and intent: no iterator objects). */
  private readonly marketList: MarketState[] = [];
  private readonly tokenMarket = new Map<TokenId, MarketState>();
  private readonly orders = new OrderIndex<OrderRecord>();
  /** Orders in PENDING_NEW / LIVE / PENDING_CANCEL (kept in sync by `reserve`). */
  private readonly open = new Set<OrderRecord>();
  private readonly byOrderId = new Map<OrderId, OrderRecord>();
  private readonly pendingActions = new Map<ActionId, GatewayAction>();
  private readonly positions = new Map<TokenId, Position>();
  private readonly collateral: Position;
  private readonly ledger = new ReservationLedger();
  private readonly fills = new Map<string, FillRecord>();
  private readonly fillsByOrderId = new Map<OrderId, FillRecord[]>();
  /** `fills.size` above which terminal fills are pruned (see `onFill`). */
  private pruneFillsAt: number;
  private readonly orphans = new Map<OrderId, UserOrderEvent[]>();
  private orphanCount = 0;
  private readonly lastFillPrice = new Map<TokenId, number>();
  private readonly startCollateral: number;
  private readonly startTokens = new Map<TokenId, number>();
  private readonly stats_ = emptyStats();

  private readonly queue: ExecutorMessage[] = [];
  private draining = false;
  /** An intent arrived in a slot during the current drain. */
  private slotsPending = false;
  private nextActionId = 1;
  private nextOrderSeq = 1;
  private journalSeq = 0;

  /**
   * STOP latch. An auto-resuming STOP (user-feed disconnect) turns into RESYNC only when the feed's
   * `resync_needed` says it is back: a SYNC for any other reason while the feed is still down must
   * not resume trading blind to fills.
   */
  private stopState: { reason: string; resumeOnResync: boolean } | undefined;
  private syncActionId: ActionId | undefined;
  /** Clock time the in-flight SYNC was submitted (its reads all happen after it). */
  private syncSentAt = 0;
  private resyncWanted = false;
  private cancelAllActionId: ActionId | undefined;
  private cooldownUntil = 0;
  private lastContinuityAt: number;
  private currentMode: ExecutorMode = "RUNNING";
  private modeSince: number;
  private readonly workingScratch: WorkingOrder[] = [];
  /**
   * Whether anything `checkRisk` reads may have changed since it last ran: a handled message (fills,
   * acks, controls, timers), a submitted action (open orders) or a new fair value (marks). An intent
   * with the same fair value and levels, the usual tick that leaves the top of book alone, skips it.
   */
  private riskInputsChanged = true;
  /** What `scanOpen` found for the market of the current pass (reused). */
  private readonly scan = {
    reusableYesSell: 0,
    reusableNoSell: 0,
    reusableBuyCollateral: 0,
    lockedYesBuy: 0,
    lockedNoBuy: 0,
    lockedNotional: 0,
    openBuyYes: 0,
    openBuyNo: 0,
    notional: 0,
  };
  /** Scratch inputs of the Planner and the Reconciler, reused by every pass (see `applyMarket`). */
  private readonly planIn: PlanScratch;
  private readonly reconcileIn: Mutable<ReconcileInput>;
  private readonly budgetScratch: PlaceBudget = {
    freeCollateral: 0,
    sellable: new Map(),
    buyRoom: new Map(),
    grossRoom: 0,
    notionalRoom: 0,
  };

  constructor(options: ExecutorOptions) {
    this.config = resolveExecutorConfig(options.config);
    this.clock = options.clock;
    this.gateway = options.gateway;
    this.journal = options.journal ?? noopJournal;
    this.journaling = this.journal !== noopJournal;
    this.hooks = options.hooks ?? {};
    this.pruneFillsAt = this.config.maxRetainedFills;
    const position = (): Mutable<TokenPosition> => ({
      tokenId: "" as TokenId,
      settled: 0 as Size,
      pending: 0,
      pendingOut: 0 as Size,
      reserved: 0 as Size,
    });
    this.planIn = {
      intent: EMPTY_INTENT,
      market: options.markets[0] ?? ({} as MarketInfo),
      yes: position(),
      no: position(),
      collateral: { settled: 0 as Usdc, pending: 0, pendingOut: 0 as Usdc, reserved: 0 as Usdc },
      limits: {
        maxPositionPerToken: this.config.limits.maxPositionPerToken,
        maxGrossPosition: this.config.limits.maxGrossPosition,
        maxWorkingNotional: this.config.limits.maxWorkingNotional,
        sizeLot: this.config.sizeLot,
      },
      locked: { yesBuy: 0, noBuy: 0, notional: 0 },
    };
    this.reconcileIn = {
      plan: EMPTY_PLAN,
      working: NO_ORDERS,
      minOrderSize: 0,
      undersizeTolerance: this.config.undersizeTolerance,
      oversizeTolerance: this.config.oversizeTolerance,
      budget: this.budgetScratch,
      placeAllowed: false,
      blockedKeys: undefined,
    };
    this.collateral = { settled: options.initial.collateral, pending: 0, pendingOut: 0 };
    this.startCollateral = options.initial.collateral;
    for (const m of options.markets) this.addMarket(m);
    for (const [token, amount] of Object.entries(options.initial.tokens ?? {})) {
      const t = token as TokenId;
      this.position(t).settled = amount;
      this.startTokens.set(t, amount);
    }
    for (const m of this.marketList) {
      m.startYes = this.startTokens.get(m.info.yes.tokenId) ?? 0;
      m.startNo = this.startTokens.get(m.info.no.tokenId) ?? 0;
    }
    this.modeSince = this.clock.now();
    this.lastContinuityAt = this.modeSince;
    this.record({
      type: "start",
      config: this.config,
      markets: options.markets,
      initial: { collateral: options.initial.collateral, tokens: { ...(options.initial.tokens ?? {}) } },
    });
  }

  // ------------------------------------------------------------------------------------------
  // Mailbox

  /** Enqueue a message; drains synchronously unless already draining (re-entrant posts queue up). */
  post(message: ExecutorMessage): void {
    if (message.kind === "intent") {
      this.offerIntent(message.intent);
      return;
    }
    this.queue.push(message);
    this.drain();
  }

  /** Overwrite the market's intent slot (law I) and drain. */
  offerIntent(intent: DesiredQuoteSet): void {
    const m = this.markets.get(intent.conditionId);
    this.stats_.intentsReceived++;
    const superseded = m?.slot !== undefined;
    if (this.journaling) this.record({ type: "intent", intent, superseded });
    if (!m) {
      this.anomaly("unknown_market_intent", String(intent.conditionId));
      return;
    }
    if (m.intent && intent.seq < m.intent.seq) {
      this.anomaly("stale_intent", `seq ${intent.seq} < applied ${m.intent.seq}`);
      return;
    }
    if (superseded) this.stats_.intentsSuperseded++;
    m.slot = intent;
    this.slotsPending = true;
    this.drain();
  }

  control(command: ControlCommand): void {
    this.post({ kind: "control", command });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        let i = 0;
        for (; i < this.queue.length; i++) this.handle(this.queue[i]!);
        // Popped, not `length = 0`: truncating to zero drops the array's storage, so the next post
        // would allocate a new backing store on every drain.
        while (this.queue.length > 0) this.queue.pop();
        this.idleWork();
        if (this.queue.length === 0 && !this.slotsPending) break;
      }
    } finally {
      this.draining = false;
    }
  }

  private handle(msg: ExecutorMessage): void {
    this.stats_.messages++;
    this.riskInputsChanged = true;
    try {
      switch (msg.kind) {
        case "user":
          if (this.journaling) this.record({ type: "user", event: msg.event });
          this.onUserEvent(msg.event);
          break;
        case "gateway":
          if (this.journaling) this.record({ type: "gateway", result: msg.result });
          this.onGatewayResult(msg.result);
          break;
        case "timer":
          this.record(
            msg.conditionId ? { type: "timer", timer: msg.timer, conditionId: msg.conditionId } : { type: "timer", timer: msg.timer },
          );
          this.onTimer(msg.timer, msg.conditionId);
          break;
        case "control":
          this.record({ type: "control", command: msg.command });
          this.onControl(msg.command);
          break;
        case "intent":
          this.offerIntent(msg.intent);
          break;
      }
    } catch (error) {
      // A defect must never leave orders working unattended.
      this.anomaly("internal_error", error instanceof Error ? (error.stack ?? error.message) : String(error));
      this.enterStop("internal_error", false);
    }
    const markets = this.marketList;
    for (let i = 0; i < markets.length; i++) markets[i]!.dirty = true;
    // Orders end on messages (acks, fills, sync): forget old ones here, off the intent → order path.
    if (this.orders.size > RETAINED_ORDERS + COMPACT_BATCH) this.compact();
    this.refreshMode("event");
  }

  private idleWork(): void {
    this.slotsPending = false;
    const markets = this.marketList;
    // Latest intent wins (law I): promote each slot, then risk-check with the newest marks, then plan.
    for (let i = 0; i < markets.length; i++) {
      const m = markets[i]!;
      const next = m.slot;
      if (!next) continue;
      const prev = m.intent;
      m.intent = next;
      m.slot = undefined;
      // NaN never equals itself: an invalid fair value is always re-checked.
      if (prev === undefined || prev.fairValue !== next.fairValue) this.riskInputsChanged = true;
      if (prev === undefined || next.seq !== prev.seq) {
        this.stats_.intentChanges++;
        // The venue's rejects were for the previous intent: the new one may try those orders again.
        if (m.rejectedKeys.size > 0) {
          m.rejectedKeys.clear();
          m.dirty = true;
        }
      }
      // The plan depends on the intent only through its levels (and conditionId): a new intent with
      // the same levels as the applied one, with nothing else changed since the last pass (no message
      // handled: `dirty` is false), would plan and reconcile to exactly the last pass's outcome, so it
      // is promoted without a pass. Its fair value still marks positions in `checkRisk` below.
      if (prev === undefined || !sameLevels(prev, next)) {
        m.dirty = true;
        m.intentChanged = true;
      }
    }
    try {
      if (this.riskInputsChanged) {
        this.riskInputsChanged = false;
        this.checkRisk();
      }
    } catch (error) {
      this.anomaly("internal_error", error instanceof Error ? (error.stack ?? error.message) : String(error));
      this.enterStop("internal_error", false);
    }
    const now = this.clock.now();
    const running = this.mode() === "RUNNING";
    for (let i = 0; i < markets.length; i++) {
      const m = markets[i]!;
      // Time alone can re-allow placing (a cooldown or a market suspension ran out before its timer
      // message): that is a change too.
      if (!m.dirty && m.lastPlaceAllowed !== this.placeAllowed(m, running, now)) m.dirty = true;
      if (!m.dirty) continue;
      try {
        this.applyMarket(m);
      } catch (error) {
        this.anomaly("internal_error", error instanceof Error ? (error.stack ?? error.message) : String(error));
        this.enterStop("internal_error", false);
      }
    }
    this.refreshMode("idle");
  }

  private placeAllowed(m: MarketState, running: boolean, now: number): boolean {
    return running && now >= m.suspendedUntil && m.info.active && !m.info.closed;
  }

  // ------------------------------------------------------------------------------------------
  // Planning

  private applyMarket(m: MarketState): void {
    m.dirty = false;
    const intentChange = m.intentChanged;
    m.intentChanged = false;
    const mode = this.mode();
    const now = this.clock.now();
    const placeAllowed = this.placeAllowed(m, mode === "RUNNING", now);
    m.lastPlaceAllowed = placeAllowed;
    if (mode === "STOP" || mode === "RESYNC") return;
    const working = this.scanOpen(m);
    if (!m.intent && working.length === 0) return;
    // A closed or inactive market is pulled whatever the strategy says.
    const tradable = m.info.active && !m.info.closed;
    const intent: DesiredQuoteSet = (tradable ? m.intent : undefined) ?? {
      conditionId: m.info.conditionId,
      bids: [],
      asks: [],
      seq: m.intent?.seq ?? -1,
      createdAt: now,
      reason: { code: tradable ? "no_intent" : "market_closed" },
    };
    const planned = this.planMarket(m, intent);
    m.lastPlan = planned;
    this.stats_.plans++;
    const rin = this.reconcileIn;
    rin.plan = planned;
    rin.working = working;
    rin.minOrderSize = m.info.minOrderSize;
    rin.budget = this.budget(m);
    rin.placeAllowed = placeAllowed;
    rin.blockedKeys = m.rejectedKeys;
    const result = reconcile(rin);
    // The scratch input must not keep the records or the plan alive.
    rin.plan = EMPTY_PLAN;
    rin.working = NO_ORDERS;
    while (working.length > 0) working.pop();
    const { cancels, places } = result;
    for (let i = 0; i < cancels.length; i++) this.cancelOrder(cancels[i] as OrderRecord);
    for (let i = 0; i < places.length; i++) {
      const p = places[i]!;
      this.placeOrder(m, p.tokenId, p.side, p.price, p.size);
    }
    const acted = cancels.length + places.length;
    if (intentChange) this.stats_.actionsOnIntentChange += acted;
    else this.stats_.actionsOnEvents += acted;
    if (acted > 0) {
      // Other markets plan against what this one holds (collateral, notional): they replan too.
      const markets = this.marketList;
      for (let i = 0; i < markets.length; i++) if (markets[i] !== m) markets[i]!.dirty = true;
    }
    if (this.journaling && (intentChange || acted > 0)) {
      const deferred: { key: string; reason: string }[] = [];
      for (const d of result.deferred) deferred.push({ key: orderKey(d.order.tokenId, d.order.side, d.order.price), reason: d.reason });
      const summary: PlanSummary = {
        conditionId: m.info.conditionId,
        intentSeq: planned.intentSeq,
        tickSize: planned.tickSize,
        planned: planned.orders.length,
        residuals: planned.residuals,
        kept: result.kept.length,
        cancels: cancels.length,
        places: places.length,
        deferred,
        invalidLevels: planned.invalidLevels,
      };
      this.record({ type: "plan", plan: summary });
    }
  }

  /** The plan for the market's intent; reads `scan`, filled by `scanOpen` earlier in the same pass. */
  private planMarket(m: MarketState, intent: DesiredQuoteSet): PlanResult {
    const { yes, no } = m.info;
    const { reusableYesSell, reusableNoSell, reusableBuyCollateral, lockedYesBuy, lockedNoBuy, lockedNotional } = this.scan;
    // One reused input (the planner is pure and keeps nothing of it): no allocation per pass.
    const pin = this.planIn;
    pin.intent = intent;
    pin.market = m.info;
    this.fillPosition(pin.yes, yes.tokenId, this.ledger.total(yes.tokenId) - reusableYesSell);
    this.fillPosition(pin.no, no.tokenId, this.ledger.total(no.tokenId) - reusableNoSell);
    const c = pin.collateral;
    c.settled = this.collateral.settled as Usdc;
    c.pending = this.collateral.pending;
    c.pendingOut = this.collateral.pendingOut as Usdc;
    c.reserved = (this.ledger.total("COLLATERAL") - reusableBuyCollateral) as Usdc;
    pin.locked.yesBuy = lockedYesBuy;
    pin.locked.noBuy = lockedNoBuy;
    pin.locked.notional = lockedNotional;
    // The Planner is a pure function of this input: with the same intent, market metadata and numbers
    // as the last plan of this market (typically a pass after an ack, which changes only order
    // states), the last plan is the answer.
    const key = m.planKey;
    const last = m.lastPlan;
    const same =
      last !== undefined &&
      m.planIntent === intent &&
      m.planInfo === m.info &&
      key[0] === pin.yes.settled &&
      key[1] === pin.yes.pending &&
      key[2] === pin.yes.pendingOut &&
      key[3] === pin.yes.reserved &&
      key[4] === pin.no.settled &&
      key[5] === pin.no.pending &&
      key[6] === pin.no.pendingOut &&
      key[7] === pin.no.reserved &&
      key[8] === c.settled &&
      key[9] === c.pending &&
      key[10] === c.pendingOut &&
      key[11] === c.reserved &&
      key[12] === lockedYesBuy &&
      key[13] === lockedNoBuy &&
      key[14] === lockedNotional;
    pin.intent = EMPTY_INTENT;
    if (same) return last;
    pin.intent = intent;
    const result = plan(pin);
    pin.intent = EMPTY_INTENT;
    m.planIntent = intent;
    m.planInfo = m.info;
    key[0] = pin.yes.settled;
    key[1] = pin.yes.pending;
    key[2] = pin.yes.pendingOut;
    key[3] = pin.yes.reserved;
    key[4] = pin.no.settled;
    key[5] = pin.no.pending;
    key[6] = pin.no.pendingOut;
    key[7] = pin.no.reserved;
    key[8] = c.settled;
    key[9] = c.pending;
    key[10] = c.pendingOut;
    key[11] = c.reserved;
    key[12] = lockedYesBuy;
    key[13] = lockedNoBuy;
    key[14] = lockedNotional;
    return result;
  }

  private fillPosition(out: Mutable<TokenPosition>, t: TokenId, reserved: number): void {
    const p = this.position(t);
    out.tokenId = t;
    out.settled = p.settled as Size;
    out.pending = p.pending;
    out.pendingOut = p.pendingOut as Size;
    out.reserved = Math.max(0, reserved) as Size;
  }

  /** Worst-case room: every open order counted as if it all fills; nothing released before ACK. Reads `scan` (see `scanOpen`). */
  private budget(m: MarketState): PlaceBudget {
    const { limits } = this.config;
    const yes = m.info.yes.tokenId;
    const no = m.info.no.tokenId;
    const { openBuyYes, openBuyNo, notional } = this.scan;
    // Reused per pass (the Reconciler keeps nothing of it once it returns).
    // (Map.clear would allocate a new table: the two keys are overwritten instead; other markets'
    // tokens left in the maps are never read for this market's orders.)
    const b = this.budgetScratch;
    const py = this.position(yes);
    const pn = this.position(no);
    b.sellable.set(yes, py.settled - py.pendingOut - this.ledger.total(yes));
    b.sellable.set(no, pn.settled - pn.pendingOut - this.ledger.total(no));
    const exposureYes = Math.max(0, py.settled + py.pending) + openBuyYes;
    const exposureNo = Math.max(0, pn.settled + pn.pending) + openBuyNo;
    b.buyRoom.set(yes, limits.maxPositionPerToken - exposureYes);
    b.buyRoom.set(no, limits.maxPositionPerToken - exposureNo);
    b.freeCollateral = this.collateral.settled - this.collateral.pendingOut - this.ledger.total("COLLATERAL");
    b.grossRoom = limits.maxGrossPosition - exposureYes - exposureNo;
    b.notionalRoom = limits.maxWorkingNotional - notional;
    return b;
  }

  // ------------------------------------------------------------------------------------------
  // Actions

  private submit(action: GatewayAction): void {
    this.riskInputsChanged = true;
    this.pendingActions.set(action.actionId, action);
    this.stats_.actions[action.kind]++;
    if (this.journaling) this.record({ type: "action", action });
    try {
      this.gateway.submit(action);
    } catch (error) {
      // The port promises not to throw; if it does, the outcome is unknown.
      this.queue.push({
        kind: "gateway",
        result: {
          kind: "OUTCOME_UNKNOWN",
          actionId: action.actionId,
          action,
          cause: `submit threw: ${String(error)}`,
          at: this.clock.now(),
        },
      });
    }
  }

  private placeOrder(m: MarketState, tokenId: TokenId, side: Side, price: Price, size: Size): void {
    const actionId = this.nextActionId++;
    const clientOrderId = `${this.config.clientOrderIdPrefix}-${this.nextOrderSeq++}`;
    const o: OrderRecord = {
      clientOrderId,
      orderId: undefined,
      conditionId: m.info.conditionId,
      tokenId,
      side,
      price,
      originalSize: size,
      matchedSize: 0 as Size,
      matchedFills: 0,
      matchedEvents: 0,
      state: "PENDING_NEW",
      createdAt: this.clock.now(),
      placeActionId: actionId,
      placeUnknown: false,
      cancelActionId: undefined,
      reserved: 0,
    };
    this.orders.add(o);
    this.reserve(o);
    this.submit({
      kind: "PLACE",
      actionId,
      order: {
        clientOrderId,
        conditionId: m.info.conditionId,
        tokenId,
        side,
        price,
        size,
        orderType: "GTC",
        postOnly: this.config.postOnly,
        tickSize: m.info.tickSize,
        negRisk: m.info.negRisk,
      },
    });
  }

  private cancelOrder(o: OrderRecord): void {
    if (o.state !== "LIVE" || o.orderId === undefined) return;
    const actionId = this.nextActionId++;
    o.state = "PENDING_CANCEL";
    o.cancelActionId = actionId;
    // Law G: the reservation stays until the cancel ACK.
    this.submit({ kind: "CANCEL", actionId, orderId: o.orderId, clientOrderId: o.clientOrderId });
  }

  private cancelAll(reason: string): void {
    const actionId = this.nextActionId++;
    this.cancelAllActionId = actionId;
    for (const o of this.open) {
      if (o.state === "LIVE") {
        o.state = "PENDING_CANCEL";
        o.cancelActionId = actionId;
      }
    }
    this.submit({ kind: "CANCEL_ALL", actionId, reason });
  }

  /** Earliest trade time a RESYNC could ask for (its `tradesSince`, in ms). */
  private watermark(): number {
    let since = this.lastContinuityAt;
    for (const f of this.fills.values()) if (!isTerminalStatus(f.status) && f.matchTime < since) since = f.matchTime;
    return since - this.config.resyncLookbackMs;
  }

  /**
   * Forgets terminal fills older than any RESYNC could fetch again (so a re-fetched trade can never
   * be mistaken for a new one); their effects stay in the positions.
   */
  private pruneFills(): void {
    const bound = this.watermark() - 60_000;
    for (const [key, f] of this.fills) {
      if (!isTerminalStatus(f.status) || f.matchTime >= bound) continue;
      this.fills.delete(key);
      const list = this.fillsByOrderId.get(f.orderId);
      if (list) {
        const i = list.indexOf(f);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.fillsByOrderId.delete(f.orderId);
      }
    }
  }

  private startSyncIfWanted(): void {
    if (!this.resyncWanted || this.syncActionId !== undefined || this.cancelAllActionId !== undefined) return;
    this.resyncWanted = false;
    const actionId = this.nextActionId++;
    this.syncActionId = actionId;
    this.syncSentAt = this.clock.now();
    this.stats_.resyncs++;
    const tradesSince = Math.max(0, Math.floor(this.watermark() / 1000));
    this.submit({ kind: "SYNC", actionId, conditionIds: [...this.markets.keys()], tradesSince });
  }

  private requestResync(reason: string): void {
    if (!this.resyncWanted) this.record({ type: "anomaly", code: "resync_requested", detail: reason });
    this.resyncWanted = true;
    this.startSyncIfWanted();
  }

  // ------------------------------------------------------------------------------------------
  // Modes

  mode(): ExecutorMode {
    if (this.stopState) return "STOP";
    if (this.syncActionId !== undefined || this.resyncWanted) return "RESYNC";
    if (this.clock.now() < this.cooldownUntil) return "COOLDOWN";
    return "RUNNING";
  }

  private refreshMode(reason: string): void {
    const next = this.mode();
    if (next === this.currentMode) return;
    const now = this.clock.now();
    this.stats_.modeTimeMs[this.currentMode] += now - this.modeSince;
    this.record({ type: "mode", from: this.currentMode, to: next, reason: this.stopState?.reason ?? reason });
    this.currentMode = next;
    this.modeSince = now;
  }

  private enterStop(reason: string, resumeOnResync: boolean): void {
    if (this.stopState) {
      // A latched (manual) stop is never downgraded to an auto-resuming one.
      if (!resumeOnResync) this.stopState.resumeOnResync = false;
      return;
    }
    this.stopState = { reason, resumeOnResync };
    this.cancelAll(reason);
    this.refreshMode(reason);
  }

  private enterCooldown(ms: number, reason: string): void {
    const until = this.clock.now() + ms;
    if (until <= this.cooldownUntil) return;
    this.cooldownUntil = until;
    this.record({ type: "anomaly", code: "cooldown", detail: `${reason} for ${ms} ms` });
    this.clock.setTimer(ms, () => this.post({ kind: "timer", timer: "cooldown_end" }));
  }

  private suspendMarket(m: MarketState, reason: RejectReason): void {
    m.suspendedUntil = this.clock.now() + this.config.marketSuspendMs;
    this.clock.setTimer(this.config.marketSuspendMs, () =>
      this.post({ kind: "timer", timer: "market_resume", conditionId: m.info.conditionId }),
    );
    this.hooks.onMarketRefreshNeeded?.(m.info.conditionId, reason);
  }

  private onTimer(timer: TimerName, conditionId: ConditionId | undefined): void {
    if (timer === "sync_retry") this.startSyncIfWanted();
    if (timer === "balance_recheck") this.requestResync("balance re-check after a correction made with unsettled fills");
    if (timer === "market_resume" && conditionId) {
      const m = this.markets.get(conditionId);
      if (m && this.clock.now() >= m.suspendedUntil) m.suspendedUntil = 0;
    }
    // cooldown_end: mode() is derived from the clock.
  }

  private onControl(c: ControlCommand): void {
    switch (c.type) {
      case "stop":
        this.enterStop(c.reason, c.resumeOnResync ?? false);
        break;
      case "kill":
        this.enterStop(`kill_switch: ${c.reason}`, false);
        break;
      case "resume":
        if (this.stopState) {
          this.stopState = undefined;
          this.requestResync("resume");
        }
        break;
      case "resync":
        this.requestResync(c.reason);
        break;
      case "market": {
        const m = this.markets.get(c.market.conditionId);
        if (m) {
          m.info = c.market;
          m.yesPos = this.position(c.market.yes.tokenId);
          m.noPos = this.position(c.market.no.tokenId);
          m.suspendedUntil = 0;
        } else this.addMarket(c.market);
        break;
      }
      case "tick_size": {
        const m = this.markets.get(c.conditionId);
        if (!m || !isTickSize(c.tickSize)) {
          this.anomaly("bad_tick_size_update", `${c.conditionId} ${c.tickSize}`);
          break;
        }
        m.info = { ...m.info, tickSize: c.tickSize as TickSize };
        m.suspendedUntil = 0;
        m.rejectedKeys.clear();
        break;
      }
    }
  }

  private checkRisk(): void {
    if (this.stopState && !this.stopState.resumeOnResync) return;
    const { limits } = this.config;
    let notional = 0;
    for (const o of this.open) {
      notional += buyCost(o.price, Math.max(0, o.originalSize - Math.max(o.matchedFills, o.matchedEvents)));
    }
    if (notional > limits.maxWorkingNotional) {
      this.riskBreach("max_working_notional", notional, limits.maxWorkingNotional);
      return;
    }
    let pnl = this.collateral.settled + this.collateral.pending - this.startCollateral;
    const markets = this.marketList;
    for (let i = 0; i < markets.length; i++) {
      const m = markets[i]!;
      const fv = m.intent?.fairValue;
      const marked = fv !== undefined && Number.isFinite(fv);
      let gross = 0;
      for (let k = 0; k < 2; k++) {
        const yes = k === 0;
        const p = yes ? m.yesPos : m.noPos;
        const qty = p.settled + p.pending;
        if (qty > limits.maxPositionPerToken) {
          this.riskBreach("max_position", qty, limits.maxPositionPerToken);
          return;
        }
        gross += Math.max(0, qty);
        const mark = marked ? (yes ? fv : PRICE_SCALE - fv) : (this.lastFillPrice.get(yes ? m.info.yes.tokenId : m.info.no.tokenId) ?? 0);
        pnl += ((qty - (yes ? m.startYes : m.startNo)) * mark) / PRICE_SCALE;
      }
      if (gross > limits.maxGrossPosition) {
        this.riskBreach("max_gross_position", gross, limits.maxGrossPosition);
        return;
      }
    }
    if (pnl < -limits.maxLoss) {
      this.riskBreach("max_loss", pnl, -limits.maxLoss);
      return;
    }
  }

  private riskBreach(limit: string, value: number, max: number): void {
    this.stats_.riskBreaches[limit] = (this.stats_.riskBreaches[limit] ?? 0) + 1;
    this.record({ type: "risk", limit, value, max });
    if (this.stopState) this.stopState.resumeOnResync = false;
    else this.enterStop(`risk:${limit}`, false);
  }

  // ------------------------------------------------------------------------------------------
  // User events

  private onUserEvent(e: UserEvent): void {
    switch (e.kind) {
      case "fill":
        this.lastContinuityAt = Math.max(this.lastContinuityAt, Math.min(this.clock.now(), e.timestamp));
        this.onFill(e);
        break;
      case "order":
        this.lastContinuityAt = Math.max(this.lastContinuityAt, Math.min(this.clock.now(), e.timestamp));
        this.onOrderEvent(e);
        break;
      case "resync_needed":
        // The feed is back but lost continuity; the venue does not replay (law D): rebuild from REST.
        // A disconnect STOP ends here and becomes RESYNC: no PLACE until the SYNC issued from now on
        // (after any in flight) has rebuilt orders and fills.
        if (this.stopState?.resumeOnResync) this.stopState = undefined;
        this.requestResync(`user feed: ${e.reason}`);
        break;
      default:
        this.stats_.invalidEvents++;
    }
  }

  private onFill(f: UserFillEvent): void {
    if (
      !isIntSize(f.size) ||
      f.size === 0 ||
      !isPriceUnits(f.price) ||
      (f.side !== "BUY" && f.side !== "SELL") ||
      !TRADE_STATUSES.includes(f.status) ||
      typeof f.tradeId !== "string" ||
      typeof f.orderId !== "string"
    ) {
      this.stats_.invalidEvents++;
      this.anomaly("invalid_fill", JSON.stringify(f));
      return;
    }
    if (!this.tokenMarket.has(f.tokenId)) {
      this.stats_.unknownEvents++;
      return;
    }
    const key = fillKey(f);
    const rank = tradeStatusRank(f.status);
    let rec = this.fills.get(key);
    if (rec && rank <= rec.rank) {
      this.stats_.duplicateFills++;
      return;
    }
    if (!rec) {
      const fee = this.takerFeeOf(f);
      rec = {
        tradeId: f.tradeId,
        orderId: f.orderId,
        tokenId: f.tokenId,
        side: f.side,
        price: f.price,
        size: f.size,
        feeShares: fee.sharesWithheld,
        feeUsdc: fee.usdcWithheld,
        matchTime: Number.isFinite(f.matchTime) ? f.matchTime : this.clock.now(),
        rank: 0,
        status: f.status,
        booked: "none",
        orderBooked: false,
      };
      this.fills.set(key, rec);
      const list = this.fillsByOrderId.get(f.orderId);
      if (list) list.push(rec);
      else this.fillsByOrderId.set(f.orderId, [rec]);
      this.stats_.fills++;
      this.lastFillPrice.set(f.tokenId, f.price);
      if (this.fills.size > this.pruneFillsAt) {
        this.pruneFills();
        // Fills still in flight cannot be forgotten: when too many are (e.g. CONFIRMED never comes),
        // try again only once as many more have come, so a fill never costs a sweep of all of them.
        const max = this.config.maxRetainedFills;
        this.pruneFillsAt = this.fills.size <= max ? max : 2 * this.fills.size;
      }
    } else if (rec.size !== f.size || rec.side !== f.side || rec.tokenId !== f.tokenId) {
      this.anomaly("fill_changed", `${key}: first seen ${rec.side} ${rec.size} of ${rec.tokenId}, now ${f.side} ${f.size} of ${f.tokenId}`);
    }
    const target = f.status === "FAILED" ? "none" : isSettledStatus(f.status, this.config.settlement) ? "settled" : "pending";
    if (f.status === "FAILED" && rec.booked !== "none") this.stats_.failedReversals++;
    this.moveBooking(rec, target);
    rec.rank = rank;
    rec.status = f.status;
    if (rec.onChainSeenAt === undefined && isOnChain(f.status)) rec.onChainSeenAt = this.clock.now();
    if (!rec.orderBooked) {
      const o = this.byOrderId.get(rec.orderId);
      if (o) this.bookFillOnOrder(o, rec);
    }
  }

  /**
   * The taker fee the venue withholds from this fill (POLYMARKET.md §11: shares on a BUY, USDC on a
   * SELL; makers pay none), at the market's charged schedule when known (`MarketInfo.feeSchedule`,
   * from Gamma) or else the fill's own `feeRateBps`. Rounded so that we never count more than the
   * wallet receives (law E sizes SELLs from it). A fee that cannot be computed is counted as an
   * anomaly and taken as 0: the RESYNC balance check corrects the wallet view.
   */
  private takerFeeOf(f: UserFillEvent): TakerFee {
    if (f.role !== "TAKER") return NO_TAKER_FEE;
    const schedule = this.tokenMarket.get(f.tokenId)?.info.feeSchedule;
    const r = fillFee(schedule !== undefined ? { ...f, feeRateBps: schedule.rateBps } : f, schedule?.exponent ?? 1);
    if (!r.ok) {
      this.anomaly("fee_unknown", `${f.tradeId}: ${r.error.reason}`);
      return NO_TAKER_FEE;
    }
    if (r.value.feeUsdc > 0) {
      this.stats_.takerFeesUsdc += r.value.feeUsdc;
      this.stats_.takerFeeShares += r.value.sharesWithheld;
    }
    return r.value;
  }

  /** Moves a fill's inventory effect between none / pending / settled (law E; FAILED → none, whenever). */
  private moveBooking(rec: FillRecord, target: FillRecord["booked"]): void {
    if (rec.booked === target) return;
    this.applyFillEffect(rec, rec.booked, -1);
    this.applyFillEffect(rec, target, +1);
    rec.booked = target;
  }

  private applyFillEffect(rec: FillRecord, where: FillRecord["booked"], mult: 1 | -1): void {
    if (where === "none") return;
    const p = this.position(rec.tokenId);
    // Net of the taker fee, as the wallet receives it.
    const shares = rec.side === "BUY" ? rec.size - rec.feeShares : -rec.size;
    const cash = rec.side === "BUY" ? -buyCost(rec.price, rec.size) : sellProceeds(rec.price, rec.size) - rec.feeUsdc;
    p[where] += mult * shares;
    this.collateral[where] += mult * cash;
    if (where === "pending") {
      // Outflows are tracked on their own: an unsettled BUY must never make room for a SELL (law E),
      // nor unsettled SELL proceeds for a BUY.
      if (shares < 0) p.pendingOut += mult * -shares;
      if (cash < 0) this.collateral.pendingOut += mult * -cash;
    }
  }

  private bookFillOnOrder(o: OrderRecord, rec: FillRecord): void {
    rec.orderBooked = true;
    o.matchedFills += rec.size;
    // Law H: an order whose cancel is in flight stays PENDING_CANCEL until the ACK even when its
    // fills cover it, so no replacement SELL goes out before the venue has answered the cancel.
    if (isOpen(o) && o.matchedFills >= o.originalSize && o.state !== "PENDING_CANCEL") o.state = "FILLED";
    this.reserve(o);
  }

  private onOrderEvent(e: UserOrderEvent): void {
    if (!isIntSize(e.sizeMatched) || !isIntSize(e.originalSize) || typeof e.orderId !== "string" || typeof e.status !== "string") {
      this.stats_.invalidEvents++;
      this.anomaly("invalid_order_event", JSON.stringify(e));
      return;
    }
    if (!this.tokenMarket.has(e.tokenId)) {
      this.stats_.unknownEvents++;
      return;
    }
    const o = this.byOrderId.get(e.orderId);
    if (o) {
      this.applyOrderEvent(o, e);
      return;
    }
    if (this.hasUnackedPlace(e.tokenId)) {
      // It may be one of ours whose PLACE ack has not arrived yet: hold it until the ack.
      const list = this.orphans.get(e.orderId);
      if (list) list.push(e);
      else this.orphans.set(e.orderId, [e]);
      this.stats_.orphanEvents++;
      if (++this.orphanCount > this.config.maxOrphanEvents) {
        const oldest = this.orphans.keys().next().value as OrderId;
        this.orphanCount -= this.orphans.get(oldest)?.length ?? 0;
        this.orphans.delete(oldest);
        this.anomaly("orphan_overflow", oldest);
      }
      return;
    }
    this.adoptFromEvents(e.orderId, [e]);
  }

  private static isTerminalOrderEvent(e: UserOrderEvent, matched: number, original: number): boolean {
    const s = e.status.toUpperCase();
    return e.eventType === "CANCELLATION" || s.startsWith("CANCELED") || s === "INVALID" || (s === "MATCHED" && matched >= original);
  }

  private applyOrderEvent(o: OrderRecord, e: UserOrderEvent): void {
    o.matchedEvents = Math.max(o.matchedEvents, e.sizeMatched);
    if (isOpen(o)) {
      const matched = Math.max(o.matchedEvents, o.matchedFills);
      if (ExecutorActor.isTerminalOrderEvent(e, matched, o.originalSize)) o.state = matched >= o.originalSize ? "FILLED" : "CANCELED";
      else if (o.state === "PENDING_NEW") o.state = "LIVE";
    }
    this.reserve(o);
  }

  /** An order of ours on our market that we do not track (lost ack, earlier session): track it so it is reserved and managed. */
  private adoptFromEvents(orderId: OrderId, events: readonly UserOrderEvent[]): void {
    const last = events[events.length - 1]!;
    let matched = 0;
    for (const e of events) matched = Math.max(matched, e.sizeMatched);
    const terminal = events.some((e) => ExecutorActor.isTerminalOrderEvent(e, matched, e.originalSize));
    if (terminal || matched >= last.originalSize) return;
    this.adopt({
      orderId,
      conditionId: this.tokenMarket.get(last.tokenId)!.info.conditionId,
      tokenId: last.tokenId,
      side: last.side,
      price: last.price,
      originalSize: last.originalSize,
      sizeMatched: matched as Size,
      createdAt: last.timestamp,
    });
  }

  private adopt(v: {
    orderId: OrderId;
    conditionId: ConditionId;
    tokenId: TokenId;
    side: Side;
    price: Price;
    originalSize: number;
    sizeMatched: number;
    createdAt: number;
  }): void {
    if (!isPriceUnits(v.price) || !isIntSize(v.originalSize) || (v.side !== "BUY" && v.side !== "SELL")) {
      this.anomaly("invalid_adopted_order", v.orderId);
      return;
    }
    const o: OrderRecord = {
      clientOrderId: `adopted-${v.orderId}`,
      orderId: v.orderId,
      conditionId: v.conditionId,
      tokenId: v.tokenId,
      side: v.side,
      price: v.price,
      originalSize: v.originalSize as Size,
      matchedSize: 0 as Size,
      matchedFills: 0,
      matchedEvents: v.sizeMatched,
      state: "LIVE",
      createdAt: v.createdAt,
      placeActionId: undefined,
      placeUnknown: false,
      cancelActionId: undefined,
      reserved: 0,
    };
    // An order adopted before and since forgotten by id may still be kept as ended: one record per id.
    this.orders.delete(o.clientOrderId);
    this.orders.add(o);
    this.byOrderId.set(v.orderId, o);
    this.stats_.adoptedOrders++;
    this.anomaly("adopted_order", `${v.orderId} ${v.side} ${v.originalSize} @ ${v.price}`);
    this.attachFills(o);
    this.reserve(o);
    if (this.stopState) this.cancelOrder(o);
  }

  private attachFills(o: OrderRecord): void {
    if (!o.orderId) return;
    for (const rec of this.fillsByOrderId.get(o.orderId) ?? []) if (!rec.orderBooked) this.bookFillOnOrder(o, rec);
  }

  private hasUnackedPlace(tokenId: TokenId): boolean {
    for (const o of this.open) if (o.state === "PENDING_NEW" && o.orderId === undefined && o.tokenId === tokenId) return true;
    return false;
  }

  /** Orphan events whose token has no unacked PLACE left: adopt live ones, drop the rest. */
  private resolveOrphans(): void {
    if (this.orphans.size === 0) return;
    for (const [orderId, events] of this.orphans) {
      const token = events[0]!.tokenId;
      if (this.hasUnackedPlace(token)) continue;
      this.orphans.delete(orderId);
      this.orphanCount -= events.length;
      const o = this.byOrderId.get(orderId);
      if (o) for (const e of events) this.applyOrderEvent(o, e);
      else this.adoptFromEvents(orderId, events);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Gateway results

  private onGatewayResult(r: GatewayResult): void {
    if (r.kind !== "HEARTBEAT_LAPSED") {
      const action = this.pendingActions.get(r.actionId);
      if (!action) {
        this.anomaly("result_for_unknown_action", `${r.kind} #${r.actionId}`);
        return;
      }
      this.pendingActions.delete(r.actionId);
    }
    switch (r.kind) {
      case "PLACE_ACK":
        this.onPlaceAck(r);
        return;
      case "PLACE_REJECT":
        this.onPlaceReject(r);
        return;
      case "CANCEL_ACK":
        this.onCancelAck(r);
        return;
      case "CANCEL_ALL_ACK":
        this.onCancelAllAck(r);
        return;
      case "SYNC_RESULT":
        this.onSyncResult(r);
        return;
      case "OUTCOME_UNKNOWN":
        this.onOutcomeUnknown(r);
        return;
      case "ACTION_FAILED":
        this.onActionFailed(r.action, r.reason, r.message);
        return;
      case "HEARTBEAT_LAPSED":
        // The venue has cancelled (or will cancel) every order: learn the truth before trading again.
        this.requestResync(`heartbeat lapsed: ${r.detail}`);
        return;
    }
  }

  private onPlaceAck(r: PlaceAck): void {
    const o = this.orders.get(r.clientOrderId);
    if (!o) {
      this.anomaly("ack_for_unknown_order", r.clientOrderId);
      this.requestResync("ack for unknown order");
      return;
    }
    const existing = this.byOrderId.get(r.orderId);
    if (existing && existing !== o) {
      // Adopted from a sync or an event before this ack: merge into the original record.
      o.matchedEvents = Math.max(o.matchedEvents, existing.matchedEvents);
      o.matchedFills += existing.matchedFills;
      o.state = existing.state === "PENDING_CANCEL" ? "PENDING_CANCEL" : isOpen(existing) ? "LIVE" : existing.state;
      o.cancelActionId = existing.cancelActionId;
      existing.state = "CANCELED";
      existing.matchedFills = 0;
      existing.matchedEvents = 0;
      this.reserve(existing);
      this.orders.delete(existing.clientOrderId);
      this.stats_.adoptedOrders--;
    } else if (o.state === "PENDING_NEW" || o.state === "REJECTED") {
      o.state = "LIVE";
    }
    o.orderId = r.orderId;
    o.placeUnknown = false;
    this.byOrderId.set(r.orderId, o);
    if (r.venueStatus === "matched") o.matchedEvents = o.originalSize;
    const buffered = this.orphans.get(r.orderId);
    if (buffered) {
      this.orphans.delete(r.orderId);
      this.orphanCount -= buffered.length;
      for (const e of buffered) this.applyOrderEvent(o, e);
    }
    if (isOpen(o) && Math.max(o.matchedEvents, o.matchedFills) >= o.originalSize) o.state = "FILLED";
    this.attachFills(o);
    this.reserve(o);
    this.resolveOrphans();
    if (this.stopState && o.state === "LIVE") this.cancelOrder(o);
  }

  private onPlaceReject(r: PlaceReject): void {
    const o = this.orders.get(r.clientOrderId);
    this.stats_.rejectsByReason[r.reason] = (this.stats_.rejectsByReason[r.reason] ?? 0) + 1;
    if (o && o.state === "PENDING_NEW") {
      o.state = "REJECTED";
      this.reserve(o);
    }
    const m = o ? this.markets.get(o.conditionId) : undefined;
    if (m && o) m.rejectedKeys.add(orderKey(o.tokenId, o.side, o.price));
    switch (r.reason) {
      case "tick_size":
      case "min_size":
      case "invalid_price":
      case "market_not_ready":
      case "market_closed":
        if (m) this.suspendMarket(m, r.reason);
        break;
      case "balance":
        // Our view of the wallet disagrees with the venue's: stop placing for a while and re-read it.
        this.enterCooldown(this.config.cooldownMs, "balance reject");
        this.requestResync("balance reject");
        break;
      case "cancel_only":
      case "trading_disabled":
        this.enterCooldown(this.config.cancelOnlyBackoffMs, r.reason);
        break;
      case "rate_limited":
      case "server_error":
        this.enterCooldown(this.config.cooldownMs, r.reason);
        break;
      case "duplicate":
        // The same signed order already exists at the venue: we do not know its state.
        this.requestResync("duplicate order reject");
        break;
      case "auth":
        this.enterStop("auth reject", false);
        break;
      default:
        break;
    }
    this.resolveOrphans();
  }

  private onCancelAck(r: CancelAck): void {
    const o = this.orders.get(r.clientOrderId) ?? this.byOrderId.get(r.orderId);
    if (!o) {
      this.anomaly("cancel_ack_for_unknown_order", r.clientOrderId);
      return;
    }
    if (o.cancelActionId === r.actionId) o.cancelActionId = undefined;
    if (!isOpen(o)) return;
    if (r.canceled) {
      // Law G: released now, on the ACK (the unbooked matched part stays until its fill arrives).
      o.state = Math.max(o.matchedFills, o.matchedEvents) >= o.originalSize ? "FILLED" : "CANCELED";
      this.reserve(o);
      return;
    }
    if (Math.max(o.matchedFills, o.matchedEvents) >= o.originalSize) {
      // "already matched", and our fills already cover the whole order: nothing is left to learn.
      o.state = "FILLED";
      this.reserve(o);
      return;
    }
    // "already canceled or matched": its final matched size is unknown; keep it reserved and ask the venue.
    this.requestResync(`cancel not done: ${r.reason ?? "no reason"}`);
  }

  private onCancelAllAck(r: CancelAllAck): void {
    if (this.cancelAllActionId === r.actionId) this.cancelAllActionId = undefined;
    const canceled = new Set(r.canceled);
    let uncertain = false;
    for (const o of this.orders.list()) {
      if (o.orderId && canceled.has(o.orderId) && isOpen(o)) {
        o.state = Math.max(o.matchedFills, o.matchedEvents) >= o.originalSize ? "FILLED" : "CANCELED";
        o.cancelActionId = undefined;
        this.reserve(o);
      } else if (o.cancelActionId === r.actionId) {
        o.cancelActionId = undefined;
        if (isOpen(o)) uncertain = true;
      }
    }
    if (uncertain) this.requestResync("cancel-all left orders unaccounted");
    this.startSyncIfWanted();
  }

  private onOutcomeUnknown(r: OutcomeUnknown): void {
    const a = r.action;
    if (a.kind === "PLACE") {
      const o = this.orders.get(a.order.clientOrderId);
      if (o) o.placeUnknown = true;
    } else if (a.kind === "CANCEL_ALL") {
      this.cancelAllActionId = undefined;
      if (this.stopState) this.cancelAll(`retry: ${a.reason}`);
    } else if (a.kind === "SYNC") {
      if (this.syncActionId === a.actionId) this.syncActionId = undefined;
      this.resyncWanted = true;
      this.clock.setTimer(this.config.syncRetryMs, () => this.post({ kind: "timer", timer: "sync_retry" }));
      return;
    }
    this.requestResync(`outcome unknown: ${a.kind} #${a.actionId}`);
  }

  private onActionFailed(a: GatewayAction, reason: RejectReason, message: string): void {
    if (a.kind !== "PLACE") this.stats_.rejectsByReason[reason] = (this.stats_.rejectsByReason[reason] ?? 0) + 1;
    switch (a.kind) {
      case "PLACE":
        this.onPlaceReject({
          kind: "PLACE_REJECT",
          actionId: a.actionId,
          clientOrderId: a.order.clientOrderId,
          reason,
          message,
          at: this.clock.now(),
        });
        return;
      case "CANCEL": {
        const o = this.orders.get(a.clientOrderId);
        if (o && o.cancelActionId === a.actionId) {
          o.cancelActionId = undefined;
          if (o.state === "PENDING_CANCEL") o.state = "LIVE";
        }
        if (reason === "not_found") this.requestResync("cancel: order not found");
        return;
      }
      case "CANCEL_ALL":
        this.cancelAllActionId = undefined;
        for (const o of this.orders.list()) {
          if (o.cancelActionId === a.actionId) {
            o.cancelActionId = undefined;
            if (o.state === "PENDING_CANCEL") o.state = "LIVE";
          }
        }
        // The safety interrupt must go through: try again now.
        if (this.stopState) this.cancelAll(`retry: ${a.reason}`);
        return;
      case "SYNC":
        if (this.syncActionId === a.actionId) this.syncActionId = undefined;
        this.resyncWanted = true;
        this.clock.setTimer(this.config.syncRetryMs, () => this.post({ kind: "timer", timer: "sync_retry" }));
        return;
    }
  }

  private onSyncResult(r: SyncResult): void {
    if (r.actionId !== this.syncActionId) {
      this.anomaly("stale_sync_result", `#${r.actionId}`);
      return;
    }
    this.syncActionId = undefined;
    // 1. Fills (idempotent by key and status rank).
    for (const f of r.fills) this.onFill(f);
    // 2. Open orders.
    const open = new Map<OrderId, (typeof r.openOrders)[number]>();
    for (const v of r.openOrders) if (this.tokenMarket.has(v.tokenId)) open.set(v.orderId, v);
    // Every venue id we already know is claimed first, so an unknown-outcome PLACE can only be matched
    // to an open order nobody else owns.
    const claimed = new Set<OrderId>();
    for (const o of this.orders.list()) if (o.orderId !== undefined) claimed.add(o.orderId);
    for (const o of this.orders.list()) {
      if (!isOpen(o)) continue;
      if (o.orderId !== undefined) {
        const v = open.get(o.orderId);
        if (v) {
          o.matchedEvents = Math.max(o.matchedEvents, isIntSize(v.sizeMatched) ? v.sizeMatched : 0);
          if (o.state !== "PENDING_CANCEL" || o.cancelActionId === undefined || !this.pendingActions.has(o.cancelActionId))
            o.state = "LIVE";
        } else {
          o.state = Math.max(o.matchedEvents, o.matchedFills) >= o.originalSize ? "FILLED" : "CANCELED";
          o.cancelActionId = undefined;
        }
      } else if (
        o.placeUnknown ||
        (o.placeActionId !== undefined && o.placeActionId < r.actionId && !this.pendingActions.has(o.placeActionId))
      ) {
        // Its PLACE ran before this SYNC (serial gateway) but we never heard: find it or consider it not placed.
        let match: OrderId | undefined;
        for (const v of open.values()) {
          if (claimed.has(v.orderId)) continue;
          if (v.tokenId === o.tokenId && v.side === o.side && v.price === o.price && v.originalSize === o.originalSize) {
            match = v.orderId;
            break;
          }
        }
        if (match) {
          const v = open.get(match)!;
          claimed.add(match);
          o.orderId = match;
          o.state = "LIVE";
          o.matchedEvents = Math.max(o.matchedEvents, v.sizeMatched);
          this.byOrderId.set(match, o);
          this.attachFills(o);
        } else o.state = "REJECTED";
        o.placeUnknown = false;
      }
      this.reserve(o);
    }
    // Terminal orders: the sync's fills are the truth, nothing unbooked remains.
    for (const o of this.orders.list()) {
      if (!isOpen(o) && o.matchedEvents > o.matchedFills) {
        o.matchedEvents = o.matchedFills;
        this.reserve(o);
      }
    }
    // 3. Open orders we did not know: ours (same API key), track them.
    for (const v of open.values()) {
      if (claimed.has(v.orderId) || this.byOrderId.has(v.orderId)) continue;
      this.adopt({ ...v, sizeMatched: v.sizeMatched });
    }
    // 4. Balances: the wallet is the truth for settled amounts.
    if (r.balances) this.applyBalances(r.balances, r.fills);
    // Drop forgotten terminal orders to bound memory.
    this.compact();
    this.lastContinuityAt = Math.max(this.lastContinuityAt, Math.min(this.clock.now(), r.at));
    this.resolveOrphans();
    this.startSyncIfWanted();
  }

  /**
   * Corrects settled token / collateral amounts from the wallet balances of a SYNC, race-safely.
   *
   * The gateway reads open orders, then trades, then balances (collateral, then each token) in
   * separate calls, and user events keep arriving meanwhile. A wallet balance counts exactly the
   * fills that are on chain (MINED/CONFIRMED) when it is read, so a fill the trades read did NOT
   * report on chain is ambiguous: it may have been mined before the balance read (counted) or not.
   * The same holds for a fill the executor saw go on chain only after this SYNC was sent (the balance
   * read may precede it). Ambiguous = not FAILED, not reported on chain by this sync, and either not
   * on chain in the executor's view or seen on chain at/after the SYNC was sent. Every other fill is
   * counted by the balance exactly as the executor counts it.
   *
   * So the executor's view is consistent when `balance − view` (view without its ambiguous fills)
   * equals the effect of SOME subset of the ambiguous fills: then it is left alone (the MINED events
   * still to come settle the rest). Blindly overwriting would count a fill mined between the trades
   * read and the balance read twice (once in the balance, once when its MINED event moves it from
   * pending to settled). Otherwise the view is genuinely wrong (e.g. a missed fill, a transfer): it is
   * corrected assuming the balance counts the ambiguous fills as the executor now does, and, if any
   * fill was ambiguous, a new RESYNC is asked for a little later to re-check once they have settled.
   */
  private applyBalances(b: NonNullable<SyncResult["balances"]>, reported: readonly UserFillEvent[]): void {
    const minedOnly = this.config.settlement === "CONFIRMED";
    const reportedOnChain = new Set<string>();
    for (const f of reported) if (isOnChain(f.status)) reportedOnChain.add(fillKey(f));
    // Per token (and collateral): MINED-not-CONFIRMED effect (on chain, not settled under the
    // CONFIRMED threshold), the executor's on-chain effect of ambiguous fills, and their deltas.
    const minedShares = new Map<TokenId, number>();
    let minedCash = 0;
    const ambShares = new Map<TokenId, { onChain: number; deltas: number[] }>();
    const ambCash = { onChain: 0, deltas: [] as number[] };
    for (const [key, f] of this.fills) {
      const shares = f.side === "BUY" ? f.size : -f.size;
      const cash = f.side === "BUY" ? -buyCost(f.price, f.size) : sellProceeds(f.price, f.size);
      if (minedOnly && f.status === "MINED") {
        minedShares.set(f.tokenId, (minedShares.get(f.tokenId) ?? 0) + shares);
        minedCash += cash;
      }
      if (f.status === "FAILED" || reportedOnChain.has(key)) continue;
      const onChain = isOnChain(f.status);
      if (onChain && (f.onChainSeenAt ?? 0) < this.syncSentAt) continue;
      let a = ambShares.get(f.tokenId);
      if (!a) {
        a = { onChain: 0, deltas: [] };
        ambShares.set(f.tokenId, a);
      }
      a.deltas.push(shares);
      ambCash.deltas.push(cash);
      if (onChain) {
        a.onChain += shares;
        ambCash.onChain += cash;
      }
    }
    let recheck = false;
    for (const token of this.tokenMarket.keys()) {
      const bal = b.tokens[token];
      if (bal === undefined) continue;
      if (!isIntSize(bal)) {
        this.anomaly("invalid_balance", `${token}: ${bal}`);
        continue;
      }
      const p = this.position(token);
      const mined = minedShares.get(token) ?? 0;
      const amb = ambShares.get(token);
      if (explainedBySubset(bal - (p.settled + mined - (amb?.onChain ?? 0)), amb?.deltas ?? [])) continue;
      const settled = bal - mined;
      this.anomaly("balance_corrected", `${token}: ${p.settled} → ${settled}`);
      p.settled = settled;
      if (amb) recheck = true;
    }
    if (isIntSize(b.collateral)) {
      const c = this.collateral;
      if (!explainedBySubset(b.collateral - (c.settled + minedCash - ambCash.onChain), ambCash.deltas)) {
        const settled = b.collateral - minedCash;
        this.anomaly("collateral_corrected", `${c.settled} → ${settled}`);
        c.settled = settled;
        if (ambCash.deltas.length > 0) recheck = true;
      }
    }
    if (recheck) {
      this.clock.setTimer(this.config.syncRetryMs, () => this.post({ kind: "timer", timer: "balance_recheck" }));
    }
  }

  /**
   * Forgets the oldest terminal, unreserved orders once there are more than `RETAINED_ORDERS` (late
   * events for them are then adopted or ignored). Runs on messages (acks, fills, sync), never on the
   * intent → order path, and in small batches: each call looks at a bounded number of the oldest
   * records; only when far behind (open or still-reserved orders at the head) does it sweep all.
   */
  private compact(): void {
    const orders = this.orders;
    if (orders.size <= RETAINED_ORDERS) return;
    // Orders that ended without passing through `reserve` are filed as ended first.
    for (const o of orders.openValues()) if (!isOpen(o)) orders.update(o, false);
    const sweep = orders.size > 4 * RETAINED_ORDERS;
    let looked = 0;
    for (const [id, o] of orders.endedEntries()) {
      if (orders.size <= RETAINED_ORDERS) break;
      if (!sweep && looked++ >= 4 * COMPACT_BATCH) break;
      if (!isOpen(o) && o.reserved === 0) {
        orders.delete(id);
        if (o.orderId && this.byOrderId.get(o.orderId) === o) {
          this.byOrderId.delete(o.orderId);
          this.fillsByOrderId.delete(o.orderId);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Ledger, positions

  /** Sets the order's reservation to what it holds now: open → original − booked fills; terminal → matched-but-unbooked. */
  private reserve(o: OrderRecord): void {
    o.matchedSize = Math.max(o.matchedFills, o.matchedEvents) as Size;
    const open = isOpen(o);
    if (open) this.open.add(o);
    else this.open.delete(o);
    this.orders.update(o, open);
    const shares = open ? Math.max(0, o.originalSize - o.matchedFills) : Math.max(0, o.matchedEvents - o.matchedFills);
    const amount = o.side === "SELL" ? shares : buyCost(o.price, shares);
    this.ledger.set(o.clientOrderId, o.side === "SELL" ? o.tokenId : "COLLATERAL", amount);
    o.reserved = Math.max(0, amount);
  }

  private position(t: TokenId): Position {
    let p = this.positions.get(t);
    if (!p) {
      p = { settled: 0, pending: 0, pendingOut: 0 };
      this.positions.set(t, p);
    }
    return p;
  }

  private tokenPosition(t: TokenId, reserved: number): TokenPosition {
    const p = this.position(t);
    return {
      tokenId: t,
      settled: p.settled as Size,
      pending: p.pending,
      pendingOut: p.pendingOut as Size,
      reserved: Math.max(0, reserved) as Size,
    };
  }

  private addMarket(info: MarketInfo): void {
    const m: MarketState = {
      info,
      yesPos: this.position(info.yes.tokenId),
      noPos: this.position(info.no.tokenId),
      startYes: this.startTokens.get(info.yes.tokenId) ?? 0,
      startNo: this.startTokens.get(info.no.tokenId) ?? 0,
      intent: undefined,
      slot: undefined,
      dirty: false,
      intentChanged: false,
      suspendedUntil: 0,
      rejectedKeys: new Set(),
      lastPlan: undefined,
      planIntent: undefined,
      planInfo: undefined,
      planKey: new Float64Array(15),
      lastPlaceAllowed: false,
    };
    this.markets.set(info.conditionId, m);
    this.marketList.push(m);
    this.tokenMarket.set(info.yes.tokenId, m);
    this.tokenMarket.set(info.no.tokenId, m);
  }

  /**
   * One walk over the open orders for a market's pass: its working orders (the records themselves,
   * read-only to the Reconciler, in a scratch list valid until the next call) and, in `scan`, what
   * `planMarket` and `budget` read next in the same pass.
   */
  private scanOpen(m: MarketState): WorkingOrder[] {
    const out = this.workingScratch;
    while (out.length > 0) out.pop();
    const cid = m.info.conditionId;
    const yes = m.info.yes.tokenId;
    const no = m.info.no.tokenId;
    const a = this.scan;
    a.reusableYesSell = 0;
    a.reusableNoSell = 0;
    a.reusableBuyCollateral = 0;
    a.lockedYesBuy = 0;
    a.lockedNoBuy = 0;
    a.lockedNotional = 0;
    a.openBuyYes = 0;
    a.openBuyNo = 0;
    a.notional = 0;
    for (const o of this.open) {
      const remaining = Math.max(0, o.originalSize - Math.max(o.matchedFills, o.matchedEvents));
      const cost = buyCost(o.price, remaining);
      // Budget: every open order counted as if it all fills (worst case; nothing released before ACK).
      a.notional += cost;
      if (o.side === "BUY") {
        if (o.tokenId === yes) a.openBuyYes += remaining;
        else if (o.tokenId === no) a.openBuyNo += remaining;
      }
      if (o.conditionId === cid) out.push(o);
      // Planner: what open orders hold. Every open order of this market is reusable for planning: the
      // Reconciler keeps it, or waits for its cancel ACK before using what it holds (laws G, H). Hard
      // caps are checked on the worst case there. Other markets' orders lock what they may still buy.
      const reserved = o.reserved;
      if (reserved === 0) continue;
      if (o.conditionId === cid) {
        if (o.side === "SELL") {
          if (o.tokenId === yes) a.reusableYesSell += reserved;
          else a.reusableNoSell += reserved;
        } else a.reusableBuyCollateral += reserved;
        continue;
      }
      a.lockedNotional += cost;
      if (o.side === "BUY" && o.tokenId === yes) a.lockedYesBuy += remaining;
      if (o.side === "BUY" && o.tokenId === no) a.lockedNoBuy += remaining;
    }
    return out;
  }

  private view(o: OrderRecord): OrderView {
    // One fixed object shape (no conditional spread): this runs for every open order on every plan.
    return {
      clientOrderId: o.clientOrderId,
      orderId: o.orderId,
      conditionId: o.conditionId,
      tokenId: o.tokenId,
      side: o.side,
      price: o.price,
      originalSize: o.originalSize as Size,
      matchedSize: Math.max(o.matchedFills, o.matchedEvents) as Size,
      state: o.state,
      createdAt: o.createdAt,
      reserved: o.reserved,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Journal, stats, inspection

  private record(body: JournalBody): void {
    if (!this.journaling) return;
    try {
      this.journal.append({ seq: ++this.journalSeq, at: this.clock.now(), ...body });
    } catch {
      // A failing sink must never stop the executor from protecting its orders; it is counted.
      this.stats_.journalErrors++;
    }
  }

  private anomaly(code: string, detail: string): void {
    this.stats_.anomalies++;
    this.record({ type: "anomaly", code, detail });
  }

  /** Metrics as a plain object (mode time includes the current mode up to now). */
  stats(): ExecutorStats & {
    readonly inventory: readonly TokenPosition[];
    readonly mode: ExecutorMode;
    readonly openOrders: number;
    readonly retainedFills: number;
  } {
    const s = structuredClone(this.stats_);
    s.modeTimeMs[this.currentMode] += this.clock.now() - this.modeSince;
    return { ...s, inventory: this.snapshot().positions, mode: this.mode(), openOrders: this.open.size, retainedFills: this.fills.size };
  }

  /** Settled and pending shares of one token (cheap; for an inventory reader such as the strategy's). */
  inventoryOf(tokenId: TokenId): { readonly settled: number; readonly pending: number } {
    const p = this.positions.get(tokenId);
    return p ? { settled: p.settled, pending: p.pending } : { settled: 0, pending: 0 };
  }

  snapshot(): ExecutorSnapshot {
    const positions: TokenPosition[] = [];
    for (const [t] of this.positions) positions.push(this.tokenPosition(t, this.ledger.total(t)));
    return {
      mode: this.mode(),
      stopReason: this.stopState?.reason,
      orders: this.orders.list().map((o) => this.view(o)),
      positions,
      collateral: { settled: this.collateral.settled, pending: this.collateral.pending, reserved: this.ledger.total("COLLATERAL") },
      reservations: this.ledger.list(),
      pendingActions: this.pendingActions.size,
    };
  }

  /** Self-check of the ledger and order bookkeeping (empty when consistent). For tests and health checks. */
  audit(): string[] {
    const problems = this.ledger.audit();
    const seen = new Set<string>();
    for (const r of this.ledger.list()) {
      if (seen.has(r.clientOrderId)) problems.push(`double reservation ${r.clientOrderId}`);
      seen.add(r.clientOrderId);
      const o = this.orders.get(r.clientOrderId);
      if (!o) problems.push(`reservation for unknown order ${r.clientOrderId}`);
    }
    for (const o of this.orders.list()) {
      if (o.matchedFills < 0 || o.matchedEvents < 0) problems.push(`negative matched on ${o.clientOrderId}`);
      if (o.orderId && this.byOrderId.get(o.orderId) !== o && isOpen(o)) problems.push(`order id index broken for ${o.clientOrderId}`);
      if (o.reserved !== (this.ledger.get(o.clientOrderId)?.amount ?? 0))
        problems.push(`order ${o.clientOrderId} holds ${o.reserved}, the ledger ${this.ledger.get(o.clientOrderId)?.amount ?? 0}`);
    }
    return problems;
  }
}

/** On chain: the wallet balance counts it (MINED or CONFIRMED). */
function isOnChain(status: TradeStatus): boolean {
  return status === "MINED" || status === "CONFIRMED";
}

/**
 * Whether `diff` is the summed effect of some subset of `deltas` (exact subset sums; past 4096
 * distinct sums, the range [sum of negatives, sum of positives] is accepted instead).
 */
function explainedBySubset(diff: number, deltas: readonly number[]): boolean {
  if (diff === 0) return true;
  let sums = new Set<number>([0]);
  for (const d of deltas) {
    const next = new Set(sums);
    for (const s of sums) next.add(s + d);
    sums = next;
    if (sums.size > 4096) {
      let lo = 0;
      let hi = 0;
      for (const x of deltas)
        if (x < 0) lo += x;
        else hi += x;
      return diff >= lo && diff <= hi;
    }
  }
  return sums.has(diff);
}
