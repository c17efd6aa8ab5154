/**
 * `SimGateway`: the backtest's `OrderGateway`. Each action travels to the simulated venue with the
 * order-entry (or cancel) latency, executes there at its arrival time, and its result travels back
 * with the ack latency into the executor's mailbox. Like the live gateway it has one worker: actions
 * execute in submission order and results arrive in execution order; every action gets exactly one
 * result; `submit` never calls back synchronously.
 */
import type { Clock, GatewayAction, GatewayResult, Mailbox, OrderGateway, UserEvent, UserFillEvent } from "@mm/types";
import { DelayLine } from "./delay-line.js";
import type { LatencySampler } from "./latency.js";
import type { SimVenue } from "./venue-model.js";

export class SimGateway implements OrderGateway {
  /** Where results go (the executor's `results`); set before the first submit. */
  results: Mailbox<GatewayResult> | undefined;
  private readonly toVenue: DelayLine<GatewayAction>;
  private readonly fromVenue: DelayLine<GatewayResult>;
  readonly counters = { submitted: 0, results: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly venue: SimVenue,
    private readonly latency: LatencySampler,
  ) {
    this.toVenue = new DelayLine(clock, (a) => this.execute(a));
    this.fromVenue = new DelayLine(clock, (r) => {
      this.counters.results++;
      this.results?.post(r);
    });
  }

  submit(action: GatewayAction): void {
    this.counters.submitted++;
    const path = action.kind === "CANCEL" || action.kind === "CANCEL_ALL" ? "cancel" : "orderEntry";
    this.toVenue.push(this.latency.sample(path), action);
  }

  private execute(a: GatewayAction): void {
    const at = this.clock.now();
    let r: GatewayResult;
    switch (a.kind) {
      case "PLACE": {
        const out = this.venue.place(a.order);
        r = out.ok
          ? {
              kind: "PLACE_ACK",
              actionId: a.actionId,
              clientOrderId: a.order.clientOrderId,
              orderId: out.orderId,
              venueStatus: out.status,
              at,
            }
          : {
              kind: "PLACE_REJECT",
              actionId: a.actionId,
              clientOrderId: a.order.clientOrderId,
              reason: out.reason,
              message: out.message,
              at,
            };
        break;
      }
      case "CANCEL": {
        const out = this.venue.cancel(a.orderId);
        r = {
          kind: "CANCEL_ACK",
          actionId: a.actionId,
          orderId: a.orderId,
          clientOrderId: a.clientOrderId,
          canceled: out.canceled,
          ...(out.reason !== undefined ? { reason: out.reason } : {}),
          at,
        };
        break;
      }
      case "CANCEL_ALL":
        r = { kind: "CANCEL_ALL_ACK", actionId: a.actionId, canceled: this.venue.cancelAll(), at };
        break;
      case "SYNC": {
        const b = this.venue.balances();
        r = {
          kind: "SYNC_RESULT",
          actionId: a.actionId,
          openOrders: this.venue.openOrders(),
          fills: this.venue.fillsSince(a.tradesSince * 1000).filter((e): e is UserFillEvent => e.kind === "fill"),
          balances: { collateral: b.collateral as never, tokens: b.tokens as never },
          at,
        };
        break;
      }
    }
    this.fromVenue.push(this.latency.sample("ack"), r);
  }
}

/** The user channel: venue user events reach the executor after the user-feed latency, in order. */
export class SimUserFeed {
  private readonly line: DelayLine<UserEvent>;
  constructor(
    clock: Clock,
    sink: (e: UserEvent) => void,
    private readonly latency: LatencySampler,
  ) {
    this.line = new DelayLine(clock, sink);
  }
  publish(e: UserEvent): void {
    this.line.push(this.latency.sample("userFeed"), e);
  }
}
