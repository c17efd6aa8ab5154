/**
 * The reference model of what the executor can know: recomputed declaratively from the messages
 * actually delivered to it (fills by (tradeId, orderId) at their highest status rank, order
 * lifecycles from acks / events / syncs). The executor's incremental state must agree with it, and
 * every PLACE must be legal against it.
 */
import {
  type GatewayAction,
  type GatewayResult,
  type OrderId,
  type SettlementThreshold,
  type TokenId,
  type TradeStatus,
  tradeStatusRank,
  type UserEvent,
  type UserFillEvent,
} from "@mm/types";
import { cost, proceeds } from "./venue-model.js";

interface KFill {
  readonly orderId: OrderId;
  readonly tokenId: TokenId;
  readonly side: "BUY" | "SELL";
  readonly price: number;
  readonly size: number;
  status: TradeStatus;
}

interface KOrder {
  readonly tokenId: TokenId;
  readonly side: "BUY" | "SELL";
  readonly price: number;
  readonly original: number;
  orderId: OrderId | undefined;
  terminal: boolean;
  cancelInFlight: ActionRef | undefined;
  unknownPlace: boolean;
}
type ActionRef = number;

export class Knowledge {
  private readonly fills = new Map<string, KFill>();
  private readonly orders = new Map<string, KOrder>();
  private readonly baseTokens = new Map<TokenId, number>();
  private baseCollateral: number;
  private readonly answered = new Set<number>();
  /** Venue order ids seen finished in order events before we knew them (ack still in flight). */
  private readonly finishedIds = new Set<OrderId>();

  constructor(
    private readonly threshold: SettlementThreshold,
    init: { collateral: number; tokens: ReadonlyMap<TokenId, number> },
  ) {
    this.baseCollateral = init.collateral;
    for (const [t, v] of init.tokens) this.baseTokens.set(t, v);
  }

  // Inputs -------------------------------------------------------------------------------

  submitted(a: GatewayAction): void {
    if (a.kind === "PLACE") {
      const r = a.order;
      this.orders.set(r.clientOrderId, {
        tokenId: r.tokenId,
        side: r.side,
        price: r.price,
        original: r.size,
        orderId: undefined,
        terminal: false,
        cancelInFlight: undefined,
        unknownPlace: false,
      });
    } else if (a.kind === "CANCEL") {
      const o = this.orders.get(a.clientOrderId);
      if (o) o.cancelInFlight = a.actionId;
      const byId = this.byOrderId(a.orderId);
      if (byId) byId.cancelInFlight = a.actionId;
    } else if (a.kind === "CANCEL_ALL") {
      for (const o of this.orders.values()) if (!o.terminal && o.orderId) o.cancelInFlight = a.actionId;
    }
  }

  private byOrderId(id: OrderId): KOrder | undefined {
    for (const o of this.orders.values()) if (o.orderId === id) return o;
    return undefined;
  }

  private fill(f: UserFillEvent): void {
    const key = `${f.tradeId}:${f.orderId}`;
    const prev = this.fills.get(key);
    if (prev && tradeStatusRank(f.status) <= tradeStatusRank(prev.status)) return;
    if (prev) prev.status = f.status;
    else this.fills.set(key, { orderId: f.orderId, tokenId: f.tokenId, side: f.side, price: f.price, size: f.size, status: f.status });
  }

  user(e: UserEvent): void {
    if (e.kind === "fill") {
      this.fill(e);
      return;
    }
    if (e.kind !== "order") return;
    const o = this.byOrderId(e.orderId);
    const s = e.status.toUpperCase();
    const finished = e.eventType === "CANCELLATION" || s.startsWith("CANCELED") || (s === "MATCHED" && e.sizeMatched >= e.originalSize);
    if (!o) {
      if (finished) this.finishedIds.add(e.orderId);
      return;
    }
    if (finished) {
      o.terminal = true;
      o.cancelInFlight = undefined;
    }
  }

  result(r: GatewayResult): void {
    if (r.kind !== "HEARTBEAT_LAPSED") this.answered.add(r.actionId);
    switch (r.kind) {
      case "PLACE_ACK": {
        const o = this.orders.get(r.clientOrderId);
        if (!o) return;
        for (const [k, other] of this.orders) if (other !== o && other.orderId === r.orderId) this.orders.delete(k);
        o.orderId = r.orderId;
        o.terminal = this.finishedIds.has(r.orderId);
        o.unknownPlace = false;
        return;
      }
      case "PLACE_REJECT": {
        const o = this.orders.get(r.clientOrderId);
        if (o && !o.orderId) o.terminal = true;
        return;
      }
      case "CANCEL_ACK": {
        // The ack names the venue order: every record of it learns the outcome.
        for (const o of this.orders.values()) {
          if (o.cancelInFlight === r.actionId) o.cancelInFlight = undefined;
          if (r.canceled && o.orderId === r.orderId) o.terminal = true;
        }
        const mine = this.orders.get(r.clientOrderId);
        if (mine && r.canceled) mine.terminal = true;
        return;
      }
      case "CANCEL_ALL_ACK": {
        const ids = new Set(r.canceled);
        for (const o of this.orders.values()) {
          if (o.orderId && ids.has(o.orderId)) o.terminal = true;
          if (o.cancelInFlight === r.actionId) o.cancelInFlight = undefined;
        }
        return;
      }
      case "OUTCOME_UNKNOWN":
      case "ACTION_FAILED": {
        const a = r.action;
        if (a.kind === "PLACE" && r.kind === "OUTCOME_UNKNOWN") {
          const o = this.orders.get(a.order.clientOrderId);
          if (o) o.unknownPlace = true;
        }
        if (a.kind === "PLACE" && r.kind === "ACTION_FAILED") {
          const o = this.orders.get(a.order.clientOrderId);
          if (o && !o.orderId) o.terminal = true;
        }
        // A cancel whose outcome is unknown is still "in flight" until the sync tells.
        if (r.kind === "ACTION_FAILED" && (a.kind === "CANCEL" || a.kind === "CANCEL_ALL")) {
          for (const o of this.orders.values()) if (o.cancelInFlight === a.actionId) o.cancelInFlight = undefined;
        }
        return;
      }
      case "SYNC_RESULT": {
        for (const f of r.fills) this.fill(f);
        const open = new Map(r.openOrders.map((v) => [v.orderId, v]));
        for (const o of this.orders.values()) {
          if (o.orderId) {
            if (!open.has(o.orderId)) {
              o.terminal = true;
              o.cancelInFlight = undefined;
            } else {
              // Still open in the snapshot; a cancellation delivered since (the snapshot is older) stands.
              open.delete(o.orderId);
              // A cancel that was answered (even "unknown") is no longer in flight once the venue shows the order open.
              if (o.cancelInFlight !== undefined && this.answered.has(o.cancelInFlight)) o.cancelInFlight = undefined;
            }
          } else if (o.unknownPlace) o.terminal = true;
        }
        for (const v of open.values()) {
          this.orders.set(`adopted-${v.orderId}`, {
            tokenId: v.tokenId,
            side: v.side,
            price: v.price,
            original: v.originalSize,
            orderId: v.orderId,
            // Its cancellation may already have been delivered (the venue cancelled it after the snapshot).
            terminal: this.finishedIds.has(v.orderId),
            cancelInFlight: undefined,
            unknownPlace: false,
          });
        }
        if (r.balances) {
          // A wallet balance is a uint: a negative one (possible in this model after a FAILED-after-MINED
          // reversal of spent proceeds) is not a balance, and the executor rejects it as invalid.
          for (const [t, bal] of Object.entries(r.balances.tokens)) {
            const token = t as TokenId;
            if (bal >= 0) this.baseTokens.set(token, bal - this.sumShares(token, (s) => s === "MINED" || s === "CONFIRMED"));
          }
          if (r.balances.collateral >= 0)
            this.baseCollateral = r.balances.collateral - this.sumCash((s) => s === "MINED" || s === "CONFIRMED");
        }
        return;
      }
      default:
        return;
    }
  }

  // Derived ------------------------------------------------------------------------------

  private settledStatus = (s: TradeStatus): boolean => s === "CONFIRMED" || (s === "MINED" && this.threshold === "MINED");
  private pendingStatus = (s: TradeStatus): boolean =>
    s === "MATCHED" || s === "RETRYING" || (s === "MINED" && this.threshold === "CONFIRMED");

  private sumShares(t: TokenId, pred: (s: TradeStatus) => boolean): number {
    let n = 0;
    for (const f of this.fills.values()) if (f.tokenId === t && pred(f.status)) n += f.side === "BUY" ? f.size : -f.size;
    return n;
  }

  private sumCash(pred: (s: TradeStatus) => boolean): number {
    let n = 0;
    for (const f of this.fills.values()) if (pred(f.status)) n += f.side === "BUY" ? -cost(f.price, f.size) : proceeds(f.price, f.size);
    return n;
  }

  settled(t: TokenId): number {
    return (this.baseTokens.get(t) ?? 0) + this.sumShares(t, this.settledStatus);
  }
  pending(t: TokenId): number {
    return this.sumShares(t, this.pendingStatus);
  }
  collateralSettled(): number {
    return this.baseCollateral + this.sumCash(this.settledStatus);
  }
  collateralPending(): number {
    return this.sumCash(this.pendingStatus);
  }

  private booked(orderId: OrderId | undefined): number {
    if (!orderId) return 0;
    let n = 0;
    for (const f of this.fills.values()) if (f.orderId === orderId) n += f.size;
    return n;
  }

  /** Lower bound of what open orders hold (lenient: only orders not known to be finished). */
  reserved(asset: "COLLATERAL" | TokenId): number {
    let n = 0;
    for (const o of this.orders.values()) {
      if (o.terminal) continue;
      const rem = Math.max(0, o.original - this.booked(o.orderId));
      if (asset === "COLLATERAL" && o.side === "BUY") n += cost(o.price, rem);
      if (asset === o.tokenId && o.side === "SELL") n += rem;
    }
    return n;
  }

  /** Settled minus unsettled SELLs (never offset by unsettled BUYs) minus reservations. */
  sellable(t: TokenId): number {
    let out = 0;
    for (const f of this.fills.values()) if (f.tokenId === t && f.side === "SELL" && this.pendingStatus(f.status)) out += f.size;
    return this.settled(t) - out - this.reserved(t);
  }

  freeCollateral(): number {
    let spent = 0;
    for (const f of this.fills.values()) if (f.side === "BUY" && this.pendingStatus(f.status)) spent += cost(f.price, f.size);
    return this.collateralSettled() - spent - this.reserved("COLLATERAL");
  }

  sellCancelInFlight(t: TokenId): boolean {
    for (const o of this.orders.values())
      if (o.tokenId === t && o.side === "SELL" && !o.terminal && o.cancelInFlight !== undefined) return true;
    return false;
  }
}
