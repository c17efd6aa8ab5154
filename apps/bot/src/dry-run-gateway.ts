/**
 * `--dry-run`: an `OrderGateway` that submits nothing. Every intended order is logged and counted
 * and "rests" in a local paper book (acknowledged with a synthetic id), cancels and cancel-all
 * remove them, and SYNC answers from the paper book, so the executor runs its full lifecycle
 * without a single order reaching the venue. Results are posted asynchronously, as the port requires.
 */
import type { ActionId, GatewayAction, GatewayResult, Mailbox, OrderGateway, OrderId, OrderRequest, Size, VenueOpenOrder } from "@mm/types";
import { formatPrice, formatSize } from "@mm/types";

export interface DryRunStats {
  /** PLACE actions that would have been sent. */
  intendedOrders: number;
  intendedCancels: number;
  cancelAlls: number;
  syncs: number;
}

export interface DryRunLogger {
  info(fields: Record<string, unknown>, msg: string): void;
}

export class DryRunGateway implements OrderGateway {
  readonly stats: DryRunStats = { intendedOrders: 0, intendedCancels: 0, cancelAlls: 0, syncs: 0 };
  private readonly open = new Map<OrderId, { readonly order: OrderRequest; readonly createdAt: number }>();
  private seq = 0;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly mailbox: Mailbox<GatewayResult>,
    private readonly log: DryRunLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Paper orders currently "resting". */
  get openOrders(): number {
    return this.open.size;
  }

  submit(action: GatewayAction): void {
    this.pending++;
    setImmediate(() => {
      try {
        const r = this.handle(action);
        this.mailbox.post(r);
      } finally {
        this.pending--;
        if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
      }
    });
  }

  whenIdle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  private handle(a: GatewayAction): GatewayResult {
    const at = this.now();
    switch (a.kind) {
      case "PLACE": {
        this.stats.intendedOrders++;
        const o = a.order;
        const orderId = this.syntheticId(a.actionId);
        this.open.set(orderId, { order: o, createdAt: at });
        this.log.info(
          {
            dryRun: true,
            market: o.conditionId,
            token: o.tokenId,
            side: o.side,
            price: formatPrice(o.price),
            size: formatSize(o.size),
            clientOrderId: o.clientOrderId,
          },
          "dry-run: would place order",
        );
        return { kind: "PLACE_ACK", actionId: a.actionId, clientOrderId: o.clientOrderId, orderId, venueStatus: "live", at };
      }
      case "CANCEL": {
        this.stats.intendedCancels++;
        const had = this.open.delete(a.orderId);
        this.log.info({ dryRun: true, orderId: a.orderId, clientOrderId: a.clientOrderId }, "dry-run: would cancel order");
        return {
          kind: "CANCEL_ACK",
          actionId: a.actionId,
          orderId: a.orderId,
          clientOrderId: a.clientOrderId,
          canceled: had,
          ...(had ? {} : { reason: "not open" }),
          at,
        };
      }
      case "CANCEL_ALL": {
        this.stats.cancelAlls++;
        const canceled = [...this.open.keys()];
        this.open.clear();
        this.log.info({ dryRun: true, reason: a.reason, orders: canceled.length }, "dry-run: would cancel all orders");
        return { kind: "CANCEL_ALL_ACK", actionId: a.actionId, canceled, at };
      }
      case "SYNC": {
        this.stats.syncs++;
        const wanted = new Set<string>(a.conditionIds);
        const openOrders: VenueOpenOrder[] = [];
        for (const [orderId, { order, createdAt }] of this.open) {
          if (wanted.size > 0 && !wanted.has(order.conditionId)) continue;
          openOrders.push({
            orderId,
            conditionId: order.conditionId,
            tokenId: order.tokenId,
            side: order.side,
            price: order.price,
            originalSize: order.size,
            sizeMatched: 0 as Size,
            status: "LIVE",
            orderType: order.orderType,
            createdAt,
          });
        }
        return { kind: "SYNC_RESULT", actionId: a.actionId, openOrders, fills: [], at };
      }
    }
  }

  private syntheticId(actionId: ActionId): OrderId {
    this.seq++;
    const hex = `${this.seq.toString(16)}d${actionId.toString(16)}`;
    return `0x${"d".repeat(64 - hex.length)}${hex}` as OrderId;
  }
}
