/**
 * The gateway worker: one priority queue (see internal/action-queue.ts) served by ONE async
 * worker, client-side rate limits, batching, retries and place verification. Results are posted
 * to the mailbox; `submit` only enqueues (results are never posted synchronously from `submit`).
 *
 * Safety properties (each has tests):
 *  - CANCEL_ALL is served before anything queued, is never held by the client rate limiter, and
 *    (by default) clears every queued PLACE, answering each with a PLACE_REJECT, so no PLACE
 *    queued before a CANCEL_ALL reaches the venue after it. A CANCEL_ALL that arrives while the
 *    worker waits (rate-limit room, retry backoff, verification delay) runs at once.
 *  - A PLACE whose answer is lost (timeout, 5xx, connection lost after sending) is never resent:
 *    the venue is asked for its order id (the EIP-712 hash) and the true outcome is reported, or
 *    OUTCOME_UNKNOWN when it cannot be established.
 *  - Every submitted action gets exactly one result.
 */
import { END_CURSOR } from "@mm/protocol";
import type {
  CancelAction,
  CancelAllAction,
  Clock,
  GatewayAction,
  GatewayResult,
  Mailbox,
  OrderGateway,
  OrderId,
  PlaceAction,
  RejectReason,
  SyncAction,
} from "@mm/types";
import { classifyReject, isDefinitiveReject } from "./classify.js";
import { type GatewayPolicy, type GatewayPolicyInput, resolvePolicy } from "./config.js";
import { ActionQueue, type Queued } from "./internal/action-queue.js";
import { Sleeper } from "./internal/sleeper.js";
import { LimiterSet } from "./internal/window-limiter.js";
import { errorText, isRecord, readCancelResponse, readOrderResponse, safeJson, venueOrderStatus } from "./internal/wire.js";
import { type AttemptFailure, decideRetry, parseRetryAfter } from "./retry.js";
import { VENUE_PATHS } from "./routes.js";
import { fetchSync, type SyncIdentity } from "./sync.js";
import type { OrderSigner, RouteKey, SignedOrder, VenueReply, VenueRequest, VenueTransport } from "./transport.js";

/** Message prefix of the PLACE_REJECT answering a PLACE cleared by a CANCEL_ALL (it was never sent). */
export const CLEARED_BY_CANCEL_ALL = "not sent: cleared by CANCEL_ALL";
/** Message prefix of answers to actions still queued at `close()`. */
export const GATEWAY_CLOSED = "not sent: gateway closed";

export interface GatewayCoreOptions {
  readonly transport: VenueTransport;
  readonly signer: OrderSigner;
  readonly mailbox: Mailbox<GatewayResult>;
  readonly clock: Clock;
  readonly policy?: GatewayPolicyInput;
  /** Who "we" are in venue trades (SYNC fill extraction). Without it SYNC answers ACTION_FAILED. */
  readonly identity?: SyncIdentity;
  /** Fetch wallet balances during SYNC (`GET /balance-allowance`). Default false. */
  readonly syncBalances?: boolean;
  /** Source of jitter, [0, 1). Default Math.random. */
  readonly random?: () => number;
}

/** Counters for metrics and tests. */
export interface GatewayStats {
  submitted: number;
  requests: number;
  retries: number;
  verifications: number;
  placesCleared: number;
  placesShed: number;
  outcomeUnknown: number;
  rateLimitWarnings: number;
  throttled429: number;
  batchesPlaced: number;
  batchesCanceled: number;
  /** Reads that waited for client rate-limit room (or a 429 pause), and the total wait. */
  readsDelayed: number;
  readDelayMs: number;
}

type Family = "order" | "cancel" | "read";

const FAMILY: Record<RouteKey, Family> = {
  postOrder: "order",
  postOrders: "order",
  deleteOrder: "cancel",
  deleteOrders: "cancel",
  cancelAll: "cancel",
  getOrder: "read",
  getOrders: "read",
  getTrades: "read",
  getBalance: "read",
  heartbeat: "read",
};

/** What one logical call (with its retries) came to. */
export type CallOutcome =
  | { readonly kind: "ok"; readonly status: number; readonly body: unknown; readonly text: string }
  /** The venue refused definitively; nothing executed. */
  | { readonly kind: "rejected"; readonly status: number; readonly reason: RejectReason; readonly message: string }
  /** Retries exhausted on failures that prove nothing executed. */
  | { readonly kind: "not_executed"; readonly reason: RejectReason; readonly message: string }
  /** May have executed. */
  | { readonly kind: "ambiguous"; readonly message: string }
  /** A CANCEL_ALL was served during a retry wait and the caller asked to stop (nothing executed). */
  | { readonly kind: "interrupted" }
  | { readonly kind: "aborted"; readonly sent: boolean };

interface CallOptions {
  readonly idempotent: boolean;
  readonly maxAttempts?: number;
  /** Stop retrying (outcome `interrupted`) when a CANCEL_ALL clearing PLACEs was served meanwhile. */
  readonly abortOnCancelAll?: boolean;
  /** Do not consult or charge the client limiter (CANCEL_ALL, heartbeats). */
  readonly unlimited?: boolean;
  /** Limiter cost in the per-signer bucket. */
  readonly bucketCost?: number;
}

type Plan =
  | { readonly kind: "cancelAll" }
  | { readonly kind: "cancels"; readonly n: number; readonly route: "deleteOrder" | "deleteOrders" }
  | { readonly kind: "places"; readonly n: number; readonly route: "postOrder" | "postOrders" }
  | { readonly kind: "sync" }
  | { readonly kind: "again" }
  | { readonly kind: "wait"; readonly ms: number };

export class GatewayCore implements OrderGateway {
  readonly policy: GatewayPolicy;
  readonly stats: GatewayStats = {
    submitted: 0,
    requests: 0,
    retries: 0,
    verifications: 0,
    placesCleared: 0,
    placesShed: 0,
    outcomeUnknown: 0,
    rateLimitWarnings: 0,
    throttled429: 0,
    batchesPlaced: 0,
    batchesCanceled: 0,
    readsDelayed: 0,
    readDelayMs: 0,
  };

  private readonly queue = new ActionQueue();
  private readonly sleeper: Sleeper;
  private readonly abort = new AbortController();
  private readonly random: () => number;
  private running = false;
  private closed = false;
  private inCancelAll = false;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | undefined;
  /** Time until which venue pressure (warning header or 429) reduces limits and allows shedding. */
  private pressureUntil = Number.NEGATIVE_INFINITY;
  private readonly pausedUntil: Record<Family, number> = { order: 0, cancel: 0, read: 0 };
  private readonly limits: {
    readonly postOrder: LimiterSet;
    readonly postOrders: LimiterSet;
    readonly deleteOrder: LimiterSet;
    readonly deleteOrders: LimiterSet;
    readonly orderBucket: LimiterSet;
    readonly cancelBucket: LimiterSet;
    readonly getOrders: LimiterSet;
    readonly getTrades: LimiterSet;
    readonly getOrder: LimiterSet;
    readonly getBalance: LimiterSet;
  };

  constructor(private readonly opts: GatewayCoreOptions) {
    this.policy = resolvePolicy(opts.policy);
    this.sleeper = new Sleeper(opts.clock);
    this.random = opts.random ?? Math.random;
    const rl = this.policy.rateLimits;
    this.limits = {
      postOrder: new LimiterSet(rl.postOrder),
      postOrders: new LimiterSet(rl.postOrders),
      deleteOrder: new LimiterSet(rl.deleteOrder),
      deleteOrders: new LimiterSet(rl.deleteOrders),
      orderBucket: new LimiterSet(rl.orderBucket),
      cancelBucket: new LimiterSet(rl.cancelBucket),
      getOrders: new LimiterSet(rl.getOrders),
      getTrades: new LimiterSet(rl.getTrades),
      getOrder: new LimiterSet(rl.getOrder),
      getBalance: new LimiterSet(rl.getBalance),
    };
  }

  /** Enqueue. Never throws, never posts synchronously. */
  submit(action: GatewayAction): void {
    const now = this.opts.clock.now();
    this.stats.submitted++;
    if (this.closed) {
      queueMicrotask(() => this.post(this.failedResult(action, "not_sent", GATEWAY_CLOSED)));
      return;
    }
    switch (action?.kind) {
      case "CANCEL_ALL": {
        const cleared = this.queue.pushCancelAll(action, now, this.policy.cancelAllClearsPlaces);
        if (cleared.length > 0) {
          this.stats.placesCleared += cleared.length;
          queueMicrotask(() => {
            for (const q of cleared) this.post(this.placeReject(q.action, "not_sent", CLEARED_BY_CANCEL_ALL));
          });
        }
        break;
      }
      case "CANCEL":
        this.queue.pushCancel(action, now);
        break;
      case "PLACE":
      case "SYNC":
        this.queue.pushNormal(action, now);
        break;
      default:
        queueMicrotask(() => this.post(this.failedResult(action, "invalid_order", "unknown action kind")));
        return;
    }
    this.kick();
  }

  /** True while the worker has work (in flight, waiting for room or for a retry). */
  get busy(): boolean {
    return this.running;
  }

  /** Queued actions not yet taken by the worker. */
  get queued(): number {
    return this.queue.size;
  }

  /** Resolves when the worker has nothing left to do (for tests and orderly shutdown). */
  whenIdle(): Promise<void> {
    return this.running ? this.idle : Promise.resolve();
  }

  /** Venue-pressure hook for the heartbeat and HTTP layer (shared headers). */
  observeHeaders(header: (name: string) => string | undefined): void {
    const w = header("poly-ratelimit-warning");
    if (w !== undefined && /^(true|1|yes)$/i.test(w.trim())) {
      this.stats.rateLimitWarnings++;
      this.pressureUntil = Math.max(this.pressureUntil, this.opts.clock.now() + this.policy.shedding.warningHoldMs);
    }
  }

  /**
   * Stops the worker: queued actions are answered (PLACE_REJECT / ACTION_FAILED, "gateway
   * closed"), the in-flight request is aborted (a PLACE in flight is then OUTCOME_UNKNOWN).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queue.drain()) this.post(this.failedResult(q.action, "not_sent", GATEWAY_CLOSED));
    this.abort.abort();
    this.sleeper.wake();
    await this.whenIdle();
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  // ---------------------------------------------------------------------------------------------
  // worker

  private kick(): void {
    if (this.running) {
      this.sleeper.wake();
      return;
    }
    this.running = true;
    this.idle = new Promise((r) => {
      this.resolveIdle = r;
    });
    queueMicrotask(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        if (this.closed) break;
        const plan = this.plan(this.opts.clock.now());
        if (plan === undefined) break;
        switch (plan.kind) {
          case "again":
            continue;
          case "wait":
            await this.sleeper.sleep(plan.ms);
            continue;
          case "cancelAll":
            await this.serveCancelAll();
            continue;
          case "cancels":
            await this.serveCancels(this.queue.takeCancels(plan.n), plan.route);
            continue;
          case "places":
            await this.servePlaces(this.queue.takePlaces(plan.n), plan.route);
            continue;
          case "sync": {
            const q = this.queue.takeSync();
            if (q !== undefined) await this.serveSync(q);
            continue;
          }
        }
      }
    } finally {
      this.running = false;
      this.resolveIdle?.();
      // An action may have arrived between the last plan and now only via submit → kick, which saw running=true
      // and just woke the (absent) sleeper; re-check so it is not stranded.
      if (!this.closed && this.queue.size > 0) this.kick();
    }
  }

  private shedFactor(now: number): number {
    return now < this.pressureUntil ? this.policy.shedding.warningFactor : 1;
  }

  private plan(now: number): Plan | undefined {
    if (this.queue.pendingCancelAll > 0) return { kind: "cancelAll" };
    let wait = Number.POSITIVE_INFINITY;
    const shed = this.shedFactor(now);
    if (this.queue.pendingCancels > 0) {
      const want = Math.min(this.queue.pendingCancels, this.policy.batching ? this.policy.maxBatchCancel : 1);
      const room = this.room(now, want, "cancel", this.limits.deleteOrder, this.limits.deleteOrders, this.limits.cancelBucket, shed);
      if (room.n > 0) return { kind: "cancels", n: room.n, route: room.batch ? "deleteOrders" : "deleteOrder" };
      wait = Math.min(wait, room.wait);
    }
    const head = this.queue.peekNormal();
    if (head !== undefined) {
      if (head.action.kind === "SYNC") {
        const paused = this.pausedUntil.read - now;
        if (paused <= 0) return { kind: "sync" };
        wait = Math.min(wait, paused);
      } else {
        const want = this.queue.leadingPlaces(this.policy.batching ? this.policy.maxBatchPlace : 1);
        const room = this.room(now, want, "order", this.limits.postOrder, this.limits.postOrders, this.limits.orderBucket, shed);
        if (room.n > 0) return { kind: "places", n: room.n, route: room.batch ? "postOrders" : "postOrder" };
        if (now < this.pressureUntil && this.shedStalePlaces(now, room.wait)) return { kind: "again" };
        wait = Math.min(wait, room.wait);
      }
    }
    if (this.queue.size === 0) return undefined;
    return { kind: "wait", ms: Number.isFinite(wait) ? Math.max(1, Math.ceil(wait)) : 1_000 };
  }

  /** How many of `want` actions of a family may go now, and by which endpoint; else how long to wait. */
  private room(
    now: number,
    want: number,
    family: Family,
    single: LimiterSet,
    batch: LimiterSet,
    bucket: LimiterSet,
    shed: number,
  ): { n: number; batch: boolean; wait: number } {
    const paused = this.pausedUntil[family] - now;
    if (paused > 0) return { n: 0, batch: false, wait: paused };
    const k = bucket.available(now, want, shed);
    const singleWait = single.waitMs(now, 1, shed);
    const batchWait = this.policy.batching ? batch.waitMs(now, 1, shed) : Number.POSITIVE_INFINITY;
    if (k >= 2 && batchWait === 0) return { n: k, batch: true, wait: 0 };
    if (k >= 1 && singleWait === 0) return { n: 1, batch: false, wait: 0 };
    if (k >= 1 && batchWait === 0) return { n: k, batch: true, wait: 0 };
    return { n: 0, batch: false, wait: Math.max(bucket.waitMs(now, 1, shed), Math.min(singleWait, batchWait)) };
  }

  /** Under venue pressure, rejects leading PLACEs that would be older than maxPlaceQueueMs when sent. */
  private shedStalePlaces(now: number, wait: number): boolean {
    const maxAge = this.policy.shedding.maxPlaceQueueMs;
    let shed = 0;
    for (;;) {
      const head = this.queue.peekNormal();
      if (head === undefined || head.action.kind !== "PLACE") break;
      if (now + wait - head.enqueuedAt <= maxAge) break;
      const [q] = this.queue.takePlaces(1);
      if (q === undefined) break;
      shed++;
      this.post(this.placeReject(q.action, "rate_limited", "not sent: shed under venue rate-limit pressure"));
    }
    this.stats.placesShed += shed;
    return shed > 0;
  }

  /**
   * Waits `ms` on the clock; a CANCEL_ALL that arrives meanwhile is served at once (inline, on
   * this same worker). Returns true if one was served.
   */
  private async pause(ms: number): Promise<boolean> {
    const until = this.opts.clock.now() + ms;
    let served = false;
    for (;;) {
      if (this.closed) return served;
      if (!this.inCancelAll && this.queue.pendingCancelAll > 0) {
        await this.serveCancelAll();
        served = true;
        continue;
      }
      const left = until - this.opts.clock.now();
      if (left <= 0) return served;
      await this.sleeper.sleep(left);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // one logical call with retries

  private charge(route: RouteKey, now: number, bucketCost: number): void {
    switch (route) {
      case "postOrder":
        this.limits.postOrder.record(now, 1);
        this.limits.orderBucket.record(now, bucketCost);
        break;
      case "postOrders":
        this.limits.postOrders.record(now, 1);
        this.limits.orderBucket.record(now, bucketCost);
        break;
      case "deleteOrder":
        this.limits.deleteOrder.record(now, 1);
        this.limits.cancelBucket.record(now, bucketCost);
        break;
      case "deleteOrders":
        this.limits.deleteOrders.record(now, 1);
        this.limits.cancelBucket.record(now, bucketCost);
        break;
      case "getOrders":
      case "getTrades":
      case "getOrder":
      case "getBalance":
        this.limits[route].record(now, 1);
        break;
      default:
        break;
    }
  }

  /** Time until the client limiter lets a retry of `route` go (0 for unlimited routes). */
  private limiterWait(route: RouteKey, now: number, bucketCost: number): number {
    const shed = this.shedFactor(now);
    switch (route) {
      case "postOrder":
        return Math.max(this.limits.postOrder.waitMs(now, 1, shed), this.limits.orderBucket.waitMs(now, bucketCost, shed));
      case "postOrders":
        return Math.max(this.limits.postOrders.waitMs(now, 1, shed), this.limits.orderBucket.waitMs(now, bucketCost, shed));
      case "deleteOrder":
        return Math.max(this.limits.deleteOrder.waitMs(now, 1, shed), this.limits.cancelBucket.waitMs(now, bucketCost, shed));
      case "deleteOrders":
        return Math.max(this.limits.deleteOrders.waitMs(now, 1, shed), this.limits.cancelBucket.waitMs(now, bucketCost, shed));
      case "getOrders":
      case "getTrades":
      case "getOrder":
      case "getBalance":
        return this.limits[route].waitMs(now, 1, shed);
      default:
        return 0;
    }
  }

  async call(req: VenueRequest, o: CallOptions): Promise<CallOutcome> {
    const family = FAMILY[req.route];
    const maxAttempts = o.maxAttempts ?? this.policy.retry.maxAttempts;
    const cost = o.bucketCost ?? 1;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return { kind: "aborted", sent: false };
      if (!o.unlimited) {
        const now = this.opts.clock.now();
        // A write's first attempt was planned with room; its retries, and every read attempt, must
        // wait for the limiter and any 429 pause.
        const check = attempt > 1 || family === "read";
        const w = Math.max(check ? this.limiterWait(req.route, now, cost) : 0, check ? this.pausedUntil[family] - now : 0);
        if (w > 0 && Number.isFinite(w)) {
          if (family === "read") {
            this.stats.readsDelayed++;
            this.stats.readDelayMs += w;
          }
          const served = await this.pause(w);
          if (served && o.abortOnCancelAll && this.policy.cancelAllClearsPlaces) return { kind: "interrupted" };
          if (this.closed) return { kind: "aborted", sent: false };
        }
        this.charge(req.route, this.opts.clock.now(), cost);
      }
      this.stats.requests++;
      let reply: VenueReply;
      try {
        reply = await this.opts.transport.send(req, this.abort.signal);
      } catch (e) {
        // A transport must not throw; if one does, treat it as a lost answer (may have executed).
        reply = { kind: "network", sent: true, message: e instanceof Error ? e.message : String(e) };
      }
      let failure: AttemptFailure;
      let failMessage: string;
      switch (reply.kind) {
        case "aborted":
          return { kind: "aborted", sent: reply.sent };
        case "timeout":
          failure = { kind: "timeout" };
          failMessage = `timeout on ${req.method} ${req.path}`;
          break;
        case "network":
          failure = { kind: "network", sent: reply.sent };
          failMessage = `network error on ${req.method} ${req.path}: ${reply.message}`;
          break;
        case "response": {
          this.observeHeaders(reply.header);
          const body = safeJson(reply.text);
          if (reply.status >= 200 && reply.status < 300) return { kind: "ok", status: reply.status, body, text: reply.text };
          const message = errorText(body, reply.text);
          const reason = classifyReject(reply.status, message);
          if (reply.status === 429) {
            this.stats.throttled429++;
            const now = this.opts.clock.now();
            const ra = parseRetryAfter(reply.header("retry-after"), now, isRecord(body) ? body.retry_after_seconds : undefined);
            this.pausedUntil[family] = Math.max(this.pausedUntil[family], now + (ra ?? 0));
            this.pressureUntil = Math.max(this.pressureUntil, now + this.policy.shedding.warningHoldMs);
            failure = ra === undefined ? { kind: "status", status: 429 } : { kind: "status", status: 429, retryAfterMs: ra };
          } else if (reply.status === 425) {
            failure = { kind: "status", status: 425 };
          } else if (reply.status >= 500 && !isDefinitiveReject(reason)) {
            failure = { kind: "status", status: reply.status };
          } else {
            return { kind: "rejected", status: reply.status, reason, message };
          }
          failMessage = `HTTP ${reply.status} on ${req.method} ${req.path}: ${message}`;
          break;
        }
      }
      const decision = decideRetry(failure, attempt, o.idempotent, this.policy.retry, maxAttempts, this.random());
      if (decision.action === "verify") return { kind: "ambiguous", message: failMessage };
      if (decision.action === "fail") {
        const reason: RejectReason = failure.kind === "status" && failure.status === 429 ? "rate_limited" : "server_error";
        return { kind: "not_executed", reason, message: failMessage };
      }
      this.stats.retries++;
      const served = await this.pause(decision.delayMs);
      if (served && o.abortOnCancelAll && this.policy.cancelAllClearsPlaces) return { kind: "interrupted" };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CANCEL_ALL

  private async serveCancelAll(): Promise<void> {
    const items = this.queue.takeCancelAlls();
    if (items.length === 0) return;
    this.inCancelAll = true;
    try {
      const out = await this.call(
        { route: "cancelAll", method: "DELETE", path: VENUE_PATHS.cancelAll },
        { idempotent: true, unlimited: true, maxAttempts: this.policy.retry.cancelAllMaxAttempts },
      );
      const at = this.opts.clock.now();
      if (out.kind === "ok") {
        const parsed = readCancelResponse(out.body);
        if (parsed !== undefined) {
          // The venue charges 1 + N to the cancel bucket.
          this.limits.cancelBucket.record(at, 1 + parsed.canceled.length);
          const canceled = parsed.canceled as OrderId[];
          for (const q of items) this.post({ kind: "CANCEL_ALL_ACK", actionId: q.action.actionId, canceled, at });
          return;
        }
        for (const q of items) this.unknown(q.action, `unreadable cancel-all response: ${out.text.slice(0, 200)}`);
        return;
      }
      for (const q of items) this.answerFailure(q.action, out);
    } finally {
      this.inCancelAll = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CANCEL

  private async serveCancels(items: Queued<CancelAction>[], route: "deleteOrder" | "deleteOrders"): Promise<void> {
    if (items.length === 0) return;
    const ids = items.map((q) => q.action.orderId.toLowerCase());
    const req: VenueRequest =
      route === "deleteOrder"
        ? { route, method: "DELETE", path: VENUE_PATHS.order, body: JSON.stringify({ orderID: ids[0] }) }
        : { route, method: "DELETE", path: VENUE_PATHS.orders, body: JSON.stringify(ids) };
    if (route === "deleteOrders") this.stats.batchesCanceled++;
    const out = await this.call(req, { idempotent: true, bucketCost: items.length });
    const at = this.opts.clock.now();
    if (out.kind === "ok") {
      const parsed = readCancelResponse(out.body);
      if (parsed === undefined) {
        for (const q of items) this.unknown(q.action, `unreadable cancel response: ${out.text.slice(0, 200)}`);
        return;
      }
      const canceled = new Set(parsed.canceled);
      for (const q of items) {
        const id = q.action.orderId.toLowerCase();
        const ok = canceled.has(id);
        const reason = ok ? undefined : (parsed.notCanceled.get(id) ?? "not reported by the venue");
        this.post({
          kind: "CANCEL_ACK",
          actionId: q.action.actionId,
          orderId: q.action.orderId,
          clientOrderId: q.action.clientOrderId,
          canceled: ok,
          ...(reason !== undefined ? { reason } : {}),
          at,
        });
      }
      return;
    }
    if (out.kind === "interrupted") {
      this.queue.requeueCancels(items);
      return;
    }
    for (const q of items) this.answerFailure(q.action, out);
  }

  // ---------------------------------------------------------------------------------------------
  // PLACE

  private async servePlaces(items: Queued<PlaceAction>[], route: "postOrder" | "postOrders"): Promise<void> {
    if (items.length === 0) return;
    const signed: { q: Queued<PlaceAction>; s: SignedOrder }[] = [];
    for (const q of items) {
      try {
        signed.push({ q, s: this.opts.signer.sign(q.action.order) });
      } catch (e) {
        const message = `not sent: cannot build/sign: ${e instanceof Error ? e.message : String(e)}`;
        const given = (e as { reason?: unknown } | null)?.reason;
        const reason = typeof given === "string" ? (given as RejectReason) : classifyReject(undefined, message);
        this.post(this.placeReject(q.action, reason === "unknown" ? "invalid_order" : reason, message));
      }
    }
    if (signed.length === 0) return;
    const useBatch = route === "postOrders" || signed.length > 1;
    const req: VenueRequest = useBatch
      ? { route: "postOrders", method: "POST", path: VENUE_PATHS.orders, body: JSON.stringify(signed.map((x) => x.s.envelope)) }
      : { route: "postOrder", method: "POST", path: VENUE_PATHS.order, body: JSON.stringify(signed[0]!.s.envelope) };
    if (useBatch) this.stats.batchesPlaced++;
    const sentAt = this.opts.clock.now();
    const out = await this.call(req, { idempotent: false, bucketCost: signed.length, abortOnCancelAll: true });
    switch (out.kind) {
      case "ok": {
        const legs = useBatch ? (Array.isArray(out.body) ? out.body : undefined) : [out.body];
        if (legs === undefined || legs.length !== signed.length) {
          await this.verifyAll(signed, sentAt, `unreadable place response: ${out.text.slice(0, 200)}`);
          return;
        }
        const toVerify: typeof signed = [];
        for (let i = 0; i < signed.length; i++) {
          const x = signed[i]!;
          const leg = readOrderResponse(legs[i]);
          const at = this.opts.clock.now();
          if (leg === undefined) {
            toVerify.push(x);
            continue;
          }
          if (leg.errorMsg.length > 0) {
            // A leg rejected inside a 200 is a definitive refusal, classified like a 400.
            const reason = classifyReject(400, leg.errorMsg);
            this.post(this.placeReject(x.q.action, reason, leg.errorMsg, leg.orderId || x.s.orderId));
            continue;
          }
          const status = venueOrderStatus(leg.status);
          // Trust our own hash; an echoed id that disagrees, or a leg without a usable status, is verified.
          if (!leg.success || status === undefined || (leg.orderId !== "" && leg.orderId.toLowerCase() !== x.s.orderId.toLowerCase())) {
            toVerify.push(x);
            continue;
          }
          this.post({
            kind: "PLACE_ACK",
            actionId: x.q.action.actionId,
            clientOrderId: x.q.action.order.clientOrderId,
            orderId: x.s.orderId,
            venueStatus: status,
            at,
          });
        }
        if (toVerify.length > 0) await this.verifyAll(toVerify, sentAt, "venue answered without a usable status");
        return;
      }
      case "rejected":
        for (const x of signed) {
          // A FAK that matched nothing comes back as a 400 that still names the order id.
          this.post(this.placeReject(x.q.action, out.reason, out.message, x.s.orderId));
        }
        return;
      case "not_executed":
        for (const x of signed) this.post(this.placeReject(x.q.action, out.reason, `not placed: ${out.message}`, x.s.orderId));
        return;
      case "interrupted":
        for (const x of signed) this.post(this.placeReject(x.q.action, "not_sent", CLEARED_BY_CANCEL_ALL, x.s.orderId));
        this.stats.placesCleared += signed.length;
        return;
      case "aborted":
        for (const x of signed) {
          if (out.sent) this.unknown(x.q.action, "aborted by shutdown while in flight");
          else this.post(this.placeReject(x.q.action, "not_sent", GATEWAY_CLOSED, x.s.orderId));
        }
        return;
      case "ambiguous":
        await this.verifyAll(signed, sentAt, out.message);
        return;
    }
  }

  private async verifyAll(items: readonly { q: Queued<PlaceAction>; s: SignedOrder }[], sentAt: number, cause: string): Promise<void> {
    for (const x of items) {
      const v = await this.verifyPlaced(x.s.orderId, sentAt);
      const at = this.opts.clock.now();
      if (v.kind === "ack") {
        this.post({
          kind: "PLACE_ACK",
          actionId: x.q.action.actionId,
          clientOrderId: x.q.action.order.clientOrderId,
          orderId: x.s.orderId,
          venueStatus: v.status,
          at,
        });
      } else {
        this.unknown(x.q.action, `${cause}; verification: ${v.detail}`);
      }
    }
  }

  /**
   * Asks the venue whether order `id` exists: `GET /data/order/{id}`, then our trades since the
   * send (a fully filled order is no longer returned as an order). Retries after `verify.delayMs`
   * because the venue may still be processing it.
   */
  private async verifyPlaced(
    id: OrderId,
    sentAt: number,
  ): Promise<{ kind: "ack"; status: "live" | "matched" | "delayed" | "unmatched" } | { kind: "unknown"; detail: string }> {
    this.stats.verifications++;
    let detail = "not found";
    for (let i = 0; i < this.policy.verify.attempts; i++) {
      if (this.closed) return { kind: "unknown", detail: "gateway closed during verification" };
      if (i > 0 || this.policy.verify.delayMs > 0) await this.pause(this.policy.verify.delayMs);
      const o = await this.call({ route: "getOrder", method: "GET", path: VENUE_PATHS.orderById(id) }, { idempotent: true });
      if (o.kind === "ok" && isRecord(o.body) && typeof o.body.id === "string" && o.body.id.toLowerCase() === id.toLowerCase()) {
        const raw = typeof o.body.status === "string" ? o.body.status : "";
        const status = venueOrderStatus(raw);
        if (status !== undefined) return { kind: "ack", status };
        return { kind: "unknown", detail: `order exists with status ${raw.slice(0, 80) || "(none)"}` };
      }
      if (o.kind === "ok" || (o.kind === "rejected" && (o.status === 404 || o.reason === "not_found"))) {
        const t = await this.findOrderInTrades(id, sentAt);
        if (t === "found") return { kind: "ack", status: "matched" };
        if (t === "error") detail = "trades query failed";
        else detail = "not found as order or in trades";
        continue;
      }
      detail = o.kind === "rejected" || o.kind === "not_executed" || o.kind === "ambiguous" ? o.message : o.kind;
    }
    return { kind: "unknown", detail };
  }

  private async findOrderInTrades(id: OrderId, sentAt: number): Promise<"found" | "absent" | "error"> {
    const want = id.toLowerCase();
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const query: Record<string, string> = { after: String(Math.max(0, Math.floor(sentAt / 1000) - 60)) };
      if (cursor !== undefined) query.next_cursor = cursor;
      const r = await this.call({ route: "getTrades", method: "GET", path: VENUE_PATHS.trades, query }, { idempotent: true });
      if (r.kind !== "ok" || !isRecord(r.body) || !Array.isArray(r.body.data)) return "error";
      for (const t of r.body.data) {
        if (!isRecord(t)) continue;
        if (typeof t.taker_order_id === "string" && t.taker_order_id.toLowerCase() === want) return "found";
        if (Array.isArray(t.maker_orders))
          for (const m of t.maker_orders)
            if (isRecord(m) && typeof m.order_id === "string" && m.order_id.toLowerCase() === want) return "found";
      }
      const next = r.body.next_cursor;
      if (typeof next !== "string" || next === "" || next === END_CURSOR || next === cursor) return "absent";
      cursor = next;
    }
    return "absent";
  }

  // ---------------------------------------------------------------------------------------------
  // SYNC

  private async serveSync(q: Queued<SyncAction>): Promise<void> {
    const identity = this.opts.identity;
    if (identity === undefined) {
      this.post(this.failedResult(q.action, "invalid_order", "SYNC needs the gateway identity (api key, maker address)"));
      return;
    }
    const r = await fetchSync(q.action, identity, this.syncBalancesEnabled, (req) => this.call(req, { idempotent: true }));
    const at = this.opts.clock.now();
    if (r.ok) {
      this.post({ kind: "SYNC_RESULT", actionId: q.action.actionId, ...r.value, at });
    } else {
      this.post(this.failedResult(q.action, r.error.reason, r.error.message));
    }
  }

  private get syncBalancesEnabled(): boolean {
    return this.opts.syncBalances === true;
  }

  // ---------------------------------------------------------------------------------------------
  // results

  private post(r: GatewayResult): void {
    try {
      this.opts.mailbox.post(r);
    } catch {
      // The mailbox is the receiver's; its failure must not stop the worker. Nothing else to do here.
    }
  }

  private placeReject(a: PlaceAction, reason: RejectReason, message: string, orderId?: OrderId | string): GatewayResult {
    const id = typeof orderId === "string" && /^0x[0-9a-fA-F]{64}$/.test(orderId) ? (orderId.toLowerCase() as OrderId) : undefined;
    return {
      kind: "PLACE_REJECT",
      actionId: a.actionId,
      clientOrderId: a.order.clientOrderId,
      ...(id !== undefined ? { orderId: id } : {}),
      reason,
      message,
      at: this.opts.clock.now(),
    };
  }

  private failedResult(action: GatewayAction, reason: RejectReason, message: string): GatewayResult {
    if (action?.kind === "PLACE") return this.placeReject(action, reason, message);
    return { kind: "ACTION_FAILED", actionId: action?.actionId ?? -1, action, reason, message, at: this.opts.clock.now() };
  }

  private unknown(action: GatewayAction, cause: string): void {
    this.stats.outcomeUnknown++;
    this.post({ kind: "OUTCOME_UNKNOWN", actionId: action.actionId, action, cause, at: this.opts.clock.now() });
  }

  /** Answer for a non-ok call outcome of a non-PLACE action. */
  private answerFailure(action: CancelAllAction | CancelAction, out: Exclude<CallOutcome, { kind: "ok" }>): void {
    switch (out.kind) {
      case "rejected":
      case "not_executed":
        this.post(this.failedResult(action, out.reason, out.message));
        return;
      case "ambiguous":
        this.unknown(action, out.message);
        return;
      case "aborted":
        if (out.sent) this.unknown(action, "aborted by shutdown while in flight");
        else this.post(this.failedResult(action, "not_sent", GATEWAY_CLOSED));
        return;
      case "interrupted":
        this.post(this.failedResult(action, "unknown", "interrupted"));
        return;
    }
  }
}
