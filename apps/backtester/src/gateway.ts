/**
 * `SimGateway`: the backtest's `OrderGateway`. Each action travels to the simulated venue with the
 * order-entry (or cancel) latency, executes there at its arrival time, and its result travels back
 * with the ack latency into the executor's mailbox. Every action gets exactly one result; `submit`
 * never calls back synchronously. Two worker models:
 *
 * - `pipelined` (default): actions leave at once, in submission order, each with its own latency
 *   draw; results arrive in execution order.
 * - `serial`: like @mm/gateway's one worker, one request is in flight at a time; the next leaves
 *   when the previous answer arrived. A request is a batch: a CANCEL_ALL alone, else every queued
 *   CANCEL (up to `maxBatchCancel`), else a SYNC alone, else the leading PLACEs (up to
 *   `maxBatchPlace`). One latency draw per request (order entry or cancel, then ack) covers the
 *   whole batch, so measured request times (signing, HTTP) can be used as they are.
 */
import type { Clock, GatewayAction, GatewayResult, Mailbox, OrderGateway, UserEvent, UserFillEvent } from "@mm/types";
import { DelayLine } from "./delay-line.js";
import type { LatencySampler } from "./latency.js";
import type { SimVenue } from "./venue-model.js";

/** The message of a PLACE cleared by a CANCEL_ALL before it was sent (@mm/gateway's text). */
export const CLEARED_BY_CANCEL_ALL = "not sent: cleared by CANCEL_ALL";

export interface GatewayModel {
  readonly worker: "pipelined" | "serial";
  /** `serial`: PLACEs per batch request (@mm/gateway default 15). */
  readonly maxBatchPlace?: number;
  /** `serial`: CANCELs per batch request (@mm/gateway default 15). */
  readonly maxBatchCancel?: number;
  /**
   * `serial`: request times observed in a session (e.g. `serviceTraceFromJournal`): a request of a
   * kind takes the observed order-entry time of the observed request of that kind that could leave
   * nearest in time, when one is within `traceWindowMs` (default 1000); else the latency model draws.
   */
  readonly trace?: ServiceTrace;
  readonly traceWindowMs?: number;
}

/** Observed requests: [time it could leave (epoch ms), order-entry time (ms)], time-ordered. */
export interface ServiceTrace {
  readonly place: readonly (readonly [number, number])[];
  readonly cancel: readonly (readonly [number, number])[];
}

/** The value of the trace entry nearest to `t` within `window`, else undefined. */
export function traceAt(trace: readonly (readonly [number, number])[], t: number, window: number): number | undefined {
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((trace[mid] as readonly [number, number])[0] < t) lo = mid + 1;
    else hi = mid;
  }
  let best: readonly [number, number] | undefined;
  for (const k of [lo - 1, lo]) {
    const e = trace[k];
    if (e !== undefined && Math.abs(e[0] - t) <= window && (best === undefined || Math.abs(e[0] - t) < Math.abs(best[0] - t))) best = e;
  }
  return best?.[1];
}

export class SimGateway implements OrderGateway {
  /** Where results go (the executor's `results`); set before the first submit. */
  results: Mailbox<GatewayResult> | undefined;
  private readonly toVenue: DelayLine<GatewayAction>;
  private readonly fromVenue: DelayLine<GatewayResult>;
  readonly counters = { submitted: 0, results: 0, requests: 0 };
  private readonly serial: boolean;
  private readonly maxBatchPlace: number;
  private readonly maxBatchCancel: number;
  private readonly queue: GatewayAction[] = [];
  private busy = false;
  private readonly trace: ServiceTrace | undefined;
  private readonly traceWindowMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly venue: SimVenue,
    private readonly latency: LatencySampler,
    model: GatewayModel = { worker: "pipelined" },
  ) {
    this.serial = model.worker === "serial";
    this.maxBatchPlace = model.maxBatchPlace ?? 15;
    this.maxBatchCancel = model.maxBatchCancel ?? 15;
    this.trace = model.trace;
    this.traceWindowMs = model.traceWindowMs ?? 1_000;
    if (!(this.traceWindowMs >= 0)) throw new RangeError("traceWindowMs must be ≥ 0");
    if (
      !(
        Number.isInteger(this.maxBatchPlace) &&
        this.maxBatchPlace >= 1 &&
        Number.isInteger(this.maxBatchCancel) &&
        this.maxBatchCancel >= 1
      )
    )
      throw new RangeError("maxBatchPlace and maxBatchCancel must be integers ≥ 1");
    this.toVenue = new DelayLine(clock, (a) => {
      const r = this.execute(a);
      this.fromVenue.push(this.latency.sample("ack"), r);
    });
    this.fromVenue = new DelayLine(clock, (r) => {
      this.counters.results++;
      this.results?.post(r);
    });
  }

  submit(action: GatewayAction): void {
    this.counters.submitted++;
    if (this.serial) {
      if (action.kind === "CANCEL_ALL") this.clearPlaces();
      this.queue.push(action);
      this.kick();
      return;
    }
    const path = action.kind === "CANCEL" || action.kind === "CANCEL_ALL" ? "cancel" : "orderEntry";
    this.toVenue.push(this.latency.sample(path), action);
  }

  /** `serial`: sends the next request when none is in flight. */
  private kick(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    this.counters.requests++;
    const batch = this.takeBatch();
    const cancel = batch[0]?.kind === "CANCEL" || batch[0]?.kind === "CANCEL_ALL";
    const drawn = this.latency.sample(cancel ? "cancel" : "orderEntry");
    const traced =
      this.trace === undefined || batch[0]?.kind === "SYNC"
        ? undefined
        : traceAt(cancel ? this.trace.cancel : this.trace.place, this.clock.now(), this.traceWindowMs);
    this.clock.setTimer(traced ?? drawn, () => {
      const results = batch.map((a) => this.execute(a));
      this.clock.setTimer(this.latency.sample("ack"), () => {
        for (const r of results) {
          this.counters.results++;
          this.results?.post(r);
        }
        this.busy = false;
        this.kick();
      });
    });
  }

  /** `serial`: like @mm/gateway, a CANCEL_ALL clears the queued PLACEs (never sent), each answered with a reject. */
  private clearPlaces(): void {
    const cleared = this.queue.filter((a): a is Extract<GatewayAction, { kind: "PLACE" }> => a.kind === "PLACE");
    if (cleared.length === 0) return;
    for (let i = this.queue.length - 1; i >= 0; i--) if ((this.queue[i] as GatewayAction).kind === "PLACE") this.queue.splice(i, 1);
    this.clock.setTimer(0, () => {
      for (const a of cleared) {
        this.counters.results++;
        this.results?.post({
          kind: "PLACE_REJECT",
          actionId: a.actionId,
          clientOrderId: a.order.clientOrderId,
          reason: "not_sent",
          message: CLEARED_BY_CANCEL_ALL,
          at: this.clock.now(),
        });
      }
    });
  }

  private takeBatch(): GatewayAction[] {
    const q = this.queue;
    const all = q.findIndex((a) => a.kind === "CANCEL_ALL");
    if (all >= 0) return q.splice(all, 1);
    if (q.some((a) => a.kind === "CANCEL")) {
      const out: GatewayAction[] = [];
      for (let i = 0; i < q.length && out.length < this.maxBatchCancel; ) {
        if ((q[i] as GatewayAction).kind === "CANCEL") out.push(...q.splice(i, 1));
        else i++;
      }
      return out;
    }
    if ((q[0] as GatewayAction).kind !== "PLACE") return q.splice(0, 1);
    let n = 0;
    while (n < q.length && n < this.maxBatchPlace && (q[n] as GatewayAction).kind === "PLACE") n++;
    return q.splice(0, n);
  }

  private execute(a: GatewayAction): GatewayResult {
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
    return r;
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
