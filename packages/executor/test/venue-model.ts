/**
 * A small hand-written reference venue for the executor's tests: it receives gateway actions through
 * an `OrderGateway` stub, runs them one at a time (CANCEL_ALL first, like the real gateway), keeps a
 * wallet that settles at MINED and reverses on FAILED, and produces gateway results and user events
 * into an outbox that the test delivers — in order, out of order, duplicated or not at all.
 *
 * Gateway results are delivered in execution order among themselves (one gateway worker, one
 * mailbox); user events may be reordered, duplicated and lost (disconnect) relative to everything.
 */
import {
  type ConditionId,
  type GatewayAction,
  type GatewayResult,
  type OrderGateway,
  type OrderId,
  orderId as mkOrderId,
  type Price,
  type Side,
  type Size,
  type TickSize,
  type TokenId,
  type TradeId,
  type TradeStatus,
  tradeId as mkTradeId,
  type UserEvent,
  type UserFillEvent,
  type VenueOpenOrder,
} from "@mm/types";

export interface VOrder {
  readonly orderId: OrderId;
  readonly clientOrderId: string;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: number;
  readonly original: number;
  matched: number;
  open: boolean;
  readonly createdAt: number;
}

export interface VTrade {
  readonly tradeId: TradeId;
  readonly orderId: OrderId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  status: TradeStatus;
  readonly matchTime: number;
}

export type Delivery = { readonly kind: "result"; readonly result: GatewayResult } | { readonly kind: "user"; readonly event: UserEvent };

export const cost = (p: number, s: number): number => Math.ceil((p * s) / 10_000);
export const proceeds = (p: number, s: number): number => Math.floor((p * s) / 10_000);

export class FakeVenue implements OrderGateway {
  readonly queue: GatewayAction[] = [];
  readonly results: GatewayResult[] = [];
  userEvents: UserEvent[] = [];
  readonly orders = new Map<OrderId, VOrder>();
  readonly trades: VTrade[] = [];
  readonly tokens = new Map<TokenId, number>();
  collateral: number;
  tick: TickSize;
  minSize: number;
  /** The next executed action's answer is lost (OUTCOME_UNKNOWN); `executeAnyway` says whether it ran. */
  unknownNext: { executeAnyway: boolean } | undefined;
  /** The next action fails definitively without executing (PLACE → PLACE_REJECT, others → ACTION_FAILED). */
  failNext: "rate_limited" | "server_error" | "not_found" | "cancel_only" | undefined;
  readonly submitted: GatewayAction[] = [];
  rejects: Record<string, number> = {};
  onSubmit: ((a: GatewayAction) => void) | undefined;
  private seq = 0;

  constructor(
    readonly conditionId: ConditionId,
    readonly yes: TokenId,
    readonly no: TokenId,
    private readonly now: () => number,
    init: { collateral: number; yes: number; no: number; tick: TickSize; minSize: number },
  ) {
    this.collateral = init.collateral;
    this.tokens.set(yes, init.yes);
    this.tokens.set(no, init.no);
    this.tick = init.tick;
    this.minSize = init.minSize;
  }

  submit(action: GatewayAction): void {
    this.onSubmit?.(action);
    this.submitted.push(action);
    this.queue.push(action);
  }

  /** Venue's own available balance for a new order (wallet − open orders − unsettled outflows). */
  available(asset: "COLLATERAL" | TokenId): number {
    let free = asset === "COLLATERAL" ? this.collateral : (this.tokens.get(asset) ?? 0);
    for (const o of this.orders.values()) {
      if (!o.open) continue;
      if (asset === "COLLATERAL" && o.side === "BUY") free -= cost(o.price, o.original - o.matched);
      if (asset === o.tokenId && o.side === "SELL") free -= o.original - o.matched;
    }
    for (const t of this.trades) {
      if (t.status !== "MATCHED" && t.status !== "RETRYING") continue;
      if (asset === "COLLATERAL" && t.side === "BUY") free -= cost(t.price, t.size);
      if (asset === t.tokenId && t.side === "SELL") free -= t.size;
    }
    return free;
  }

  /** Runs the next queued action (CANCEL_ALL jumps the queue). Returns false when idle. */
  step(): boolean {
    if (this.queue.length === 0) return false;
    let idx = this.queue.findIndex((a) => a.kind === "CANCEL_ALL");
    if (idx < 0) idx = 0;
    const action = this.queue.splice(idx, 1)[0]!;
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) {
      const at = this.now();
      if (action.kind === "PLACE") {
        this.rejects[failure] = (this.rejects[failure] ?? 0) + 1;
        this.results.push({
          kind: "PLACE_REJECT",
          actionId: action.actionId,
          clientOrderId: action.order.clientOrderId,
          reason: failure,
          message: failure,
          at,
        });
      } else this.results.push({ kind: "ACTION_FAILED", actionId: action.actionId, action, reason: failure, message: failure, at });
      return true;
    }
    const unknown = this.unknownNext;
    this.unknownNext = undefined;
    if (unknown && !unknown.executeAnyway) {
      this.results.push({ kind: "OUTCOME_UNKNOWN", actionId: action.actionId, action, cause: "timeout", at: this.now() });
      return true;
    }
    const result = this.execute(action);
    this.results.push(unknown ? { kind: "OUTCOME_UNKNOWN", actionId: action.actionId, action, cause: "timeout", at: this.now() } : result);
    return true;
  }

  private reject(
    a: GatewayAction & { kind: "PLACE" },
    reason: "tick_size" | "min_size" | "balance" | "unknown",
    message: string,
  ): GatewayResult {
    this.rejects[reason] = (this.rejects[reason] ?? 0) + 1;
    return { kind: "PLACE_REJECT", actionId: a.actionId, clientOrderId: a.order.clientOrderId, reason, message, at: this.now() };
  }

  private orderEvent(o: VOrder, eventType: "PLACEMENT" | "UPDATE" | "CANCELLATION", status: string): UserEvent {
    return {
      kind: "order",
      eventType,
      orderId: o.orderId,
      conditionId: this.conditionId,
      tokenId: o.tokenId,
      side: o.side,
      price: o.price as Price,
      originalSize: o.original as Size,
      sizeMatched: o.matched as Size,
      status,
      timestamp: this.now(),
    };
  }

  private execute(a: GatewayAction): GatewayResult {
    const at = this.now();
    switch (a.kind) {
      case "PLACE": {
        const r = a.order;
        if (r.price % this.tick !== 0 || r.price < this.tick || r.price > 10_000 - this.tick)
          return this.reject(a, "tick_size", "breaks minimum tick size rule");
        if (r.size < this.minSize) return this.reject(a, "min_size", "lower than the minimum");
        const need = r.side === "BUY" ? cost(r.price, r.size) : r.size;
        if (this.available(r.side === "BUY" ? "COLLATERAL" : r.tokenId) < need)
          return this.reject(a, "balance", "not enough balance / allowance");
        const id = mkOrderId(`0x${(++this.seq).toString(16).padStart(64, "0")}`);
        const o: VOrder = {
          orderId: id,
          clientOrderId: r.clientOrderId,
          tokenId: r.tokenId,
          side: r.side,
          price: r.price,
          original: r.size,
          matched: 0,
          open: true,
          createdAt: at,
        };
        this.orders.set(id, o);
        this.userEvents.push(this.orderEvent(o, "PLACEMENT", "LIVE"));
        return { kind: "PLACE_ACK", actionId: a.actionId, clientOrderId: r.clientOrderId, orderId: id, venueStatus: "live", at };
      }
      case "CANCEL": {
        const o = this.orders.get(a.orderId);
        if (!o?.open)
          return {
            kind: "CANCEL_ACK",
            actionId: a.actionId,
            orderId: a.orderId,
            clientOrderId: a.clientOrderId,
            canceled: false,
            reason: "already canceled or matched",
            at,
          };
        o.open = false;
        this.userEvents.push(this.orderEvent(o, "CANCELLATION", "CANCELED"));
        return { kind: "CANCEL_ACK", actionId: a.actionId, orderId: a.orderId, clientOrderId: a.clientOrderId, canceled: true, at };
      }
      case "CANCEL_ALL": {
        const canceled: OrderId[] = [];
        for (const o of this.orders.values()) {
          if (!o.open) continue;
          o.open = false;
          canceled.push(o.orderId);
          this.userEvents.push(this.orderEvent(o, "CANCELLATION", "CANCELED"));
        }
        // Queued PLACEs are cleared and answered.
        for (let i = this.queue.length - 1; i >= 0; i--) {
          const q = this.queue[i]!;
          if (q.kind !== "PLACE") continue;
          this.queue.splice(i, 1);
          this.results.push(this.reject(q, "unknown", "cleared by CANCEL_ALL"));
        }
        return { kind: "CANCEL_ALL_ACK", actionId: a.actionId, canceled, at };
      }
      case "SYNC": {
        const openOrders: VenueOpenOrder[] = [];
        for (const o of this.orders.values()) {
          if (!o.open) continue;
          openOrders.push({
            orderId: o.orderId,
            conditionId: this.conditionId,
            tokenId: o.tokenId,
            side: o.side,
            price: o.price as Price,
            originalSize: o.original as Size,
            sizeMatched: o.matched as Size,
            status: "LIVE",
            orderType: "GTC",
            createdAt: o.createdAt,
          });
        }
        const fills = this.trades.filter((t) => t.matchTime >= a.tradesSince * 1000).map((t) => this.fillEvent(t));
        const tokens: Record<string, Size> = {};
        for (const [t, v] of this.tokens) tokens[t] = v as Size;
        return {
          kind: "SYNC_RESULT",
          actionId: a.actionId,
          openOrders,
          fills,
          balances: { collateral: this.collateral as never, tokens },
          at,
        };
      }
    }
  }

  fillEvent(t: VTrade): UserFillEvent {
    return {
      kind: "fill",
      tradeId: t.tradeId,
      orderId: t.orderId,
      conditionId: this.conditionId,
      tokenId: t.tokenId,
      side: t.side,
      price: t.price as Price,
      size: t.size as Size,
      status: t.status,
      role: "MAKER",
      feeRateBps: 0,
      matchTime: t.matchTime,
      timestamp: this.now(),
    };
  }

  openOrders(): VOrder[] {
    return [...this.orders.values()].filter((o) => o.open);
  }

  /** A taker hits one of our open orders for `fraction` of its remaining (at least one 0.01 lot). */
  fill(pick: number, fraction: number): boolean {
    const open = this.openOrders();
    if (open.length === 0) return false;
    const o = open[pick % open.length]!;
    const remaining = o.original - o.matched;
    const size = Math.max(10_000, Math.min(remaining, Math.floor((remaining * fraction) / 10_000) * 10_000));
    o.matched += size;
    if (o.matched >= o.original) o.open = false;
    const t: VTrade = {
      tradeId: mkTradeId(`t${this.trades.length + 1}`),
      orderId: o.orderId,
      tokenId: o.tokenId,
      side: o.side,
      price: o.price,
      size,
      status: "MATCHED",
      matchTime: this.now(),
    };
    this.trades.push(t);
    this.userEvents.push(this.fillEvent(t));
    this.userEvents.push(this.orderEvent(o, "UPDATE", o.open ? "LIVE" : "MATCHED"));
    return true;
  }

  private walletEffect(t: VTrade, mult: 1 | -1): void {
    const shares = t.side === "BUY" ? t.size : -t.size;
    const cash = t.side === "BUY" ? -cost(t.price, t.size) : proceeds(t.price, t.size);
    this.tokens.set(t.tokenId, (this.tokens.get(t.tokenId) ?? 0) + mult * shares);
    this.collateral += mult * cash;
  }

  /** Moves a non-terminal trade one step; `choice` picks among the allowed next statuses. */
  advance(pick: number, choice: number): boolean {
    const live = this.trades.filter((t) => t.status !== "CONFIRMED" && t.status !== "FAILED");
    if (live.length === 0) return false;
    const t = live[pick % live.length]!;
    const next: Record<string, TradeStatus[]> = {
      MATCHED: ["MINED", "MINED", "RETRYING", "FAILED"],
      RETRYING: ["MINED", "FAILED"],
      MINED: ["CONFIRMED", "CONFIRMED", "CONFIRMED", "FAILED"],
    };
    const options = next[t.status]!;
    const to = options[choice % options.length]!;
    const wasSettled = t.status === "MINED";
    if (to === "MINED") this.walletEffect(t, 1);
    if (to === "FAILED" && wasSettled) this.walletEffect(t, -1);
    t.status = to;
    this.userEvents.push(this.fillEvent(t));
    return true;
  }

  /** The venue's heartbeat kill-switch fired: every order cancelled. */
  heartbeatLapse(): void {
    for (const o of this.orders.values()) {
      if (!o.open) continue;
      o.open = false;
      this.userEvents.push(this.orderEvent(o, "CANCELLATION", "CANCELED"));
    }
    this.results.push({ kind: "HEARTBEAT_LAPSED", detail: "no heartbeat for 15 s", at: this.now() });
  }
}
