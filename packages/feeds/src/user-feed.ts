/**
 * `UserFeed`: the authenticated Polymarket user channel → `UserEvent`s (order updates, our fills,
 * `resync_needed`) on a queue that never drops.
 *
 * - Backpressure, not loss: when the queue reaches `queueHighWater` the socket stops being read
 *   (TCP pushes back to the venue); below `queueLowWater` reading resumes. Nothing is discarded;
 *   the queue can exceed the mark only by frames already received when the pause took effect.
 * - Safety first: when a connection ends for any reason, `safety(info)` (cancel-all + executor STOP)
 *   is awaited BEFORE any reconnect attempt. The venue does not replay missed events, so every
 *   connection after the first (a reconnect, or a start after `stop()`) queues a `resync_needed`
 *   event ahead of its own events (the executor resyncs from REST).
 * - Credentials go only into the subscription message; they never reach logs, errors or stats.
 */
import {
  decodeWsFrame,
  DecoderStats,
  normalizeUserOrder,
  type OwnIdentity,
  type UserOrderMessage,
  type UserTradeMessage,
  userFillsFromTrade,
} from "@mm/protocol";
import { type Clock, systemClock, type UserEvent } from "@mm/types";
import { BackpressureQueue } from "./internal/event-queue.js";
import { Effect, type Scope } from "effect";
import { type FeedLogger, framePreview, silentLogger } from "./logger.js";
import { type DisconnectInfo, ManagedWebSocket, type WsClientOptions, type WsSession, type WsState, type WsStats } from "./ws-client.js";

export interface UserCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
}

export interface UserFeedOptions {
  /** Full user-channel URL, e.g. `wss://ws-subscriptions-clob.polymarket.com/ws/user`. */
  readonly url: string;
  readonly credentials: UserCredentials;
  /** Condition ids to follow; empty or absent = every market of the API key. */
  readonly markets?: readonly string[];
  /** How our fills are recognized in trades (API key, maker addresses). Default: the API key. */
  readonly identity?: OwnIdentity;
  /**
   * Runs on every disconnect, before reconnecting (cancel-all + executor STOP). Awaited; if it
   * throws, the error is counted and logged and the feed still reconnects (STOP stays the
   * executor's state to clear after its resync).
   */
  readonly safety: (info: DisconnectInfo) => void | Promise<void>;
  /** Pause reading at this many queued events. Default 10,000. */
  readonly queueHighWater?: number;
  /** Resume reading at this many. Default half of the high-water mark. */
  readonly queueLowWater?: number;
  readonly ws?: Omit<Partial<WsClientOptions>, "url" | "name" | "now">;
  readonly clock?: Clock;
  readonly logger?: FeedLogger;
}

export class UserFeedStats {
  orderEvents = 0;
  fillEvents = 0;
  resyncEvents = 0;
  /** Trades in which none of the legs were ours. */
  foreignTrades = 0;
  /** Frames with events the decoder refused. */
  decodeErrors = 0;
  /** Decoded events that failed normalization (bad ids, unknown status): logged, never silently dropped. */
  normalizeErrors = 0;
  /** Market-channel events seen on the user channel (ignored). */
  unexpectedEvents = 0;
  safetyCalls = 0;
  safetyErrors = 0;
}

export class UserFeed {
  readonly stats = new UserFeedStats();
  readonly decoder = new DecoderStats();
  private readonly socket: ManagedWebSocket;
  private readonly queue: BackpressureQueue<UserEvent>;
  private readonly clock: Clock;
  private readonly log: FeedLogger;
  private readonly identity: OwnIdentity;
  private lastDisconnect: DisconnectInfo | undefined;
  private connectedBefore = false;

  constructor(private readonly options: UserFeedOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
    this.identity = options.identity ?? { apiKey: options.credentials.apiKey };
    const high = Math.max(1, Math.floor(options.queueHighWater ?? 10_000));
    const low = Math.min(high - 1, Math.max(0, Math.floor(options.queueLowWater ?? high / 2)));
    this.queue = new BackpressureQueue<UserEvent>(
      high,
      low,
      () => this.socket.pause(),
      () => this.socket.resume(),
    );
    this.socket = new ManagedWebSocket(
      {
        ...options.ws,
        url: options.url,
        name: "user",
        now: () => this.clock.now(),
      },
      {
        onOpen: (session) => this.onOpen(session),
        onMessage: (data) => this.onFrame(data),
        onDisconnect: (info) => this.onDisconnect(info),
      },
    );
  }

  get state(): WsState {
    return this.socket.state;
  }

  get socketStats(): WsStats {
    return this.socket.stats;
  }

  /** Events waiting to be taken. */
  get queued(): number {
    return this.queue.size;
  }

  /** Queue high-water mark reached so far, and how many times reading was paused. */
  get backpressure(): { readonly maxQueued: number; readonly pauses: number; readonly paused: boolean } {
    return { maxQueued: this.queue.maxSize, pauses: this.queue.pauses, paused: this.queue.paused };
  }

  start(): void {
    this.socket.start();
  }

  /** Closes the socket (no safety call: stopping is deliberate). Queued events stay takeable. */
  stop(): Promise<void> {
    return this.socket.stop();
  }

  /** Next event, waiting if none is queued. An abort rejects the wait; no event is lost by it. */
  take(signal?: AbortSignal): Promise<UserEvent> {
    return this.queue.take(signal);
  }

  /** Next event if one is queued. */
  poll(): UserEvent | undefined {
    return this.queue.poll();
  }

  /** Every event, in order, until `signal` aborts (then the iteration ends; queued events stay takeable). */
  async *events(signal?: AbortSignal): AsyncGenerator<UserEvent, void, undefined> {
    for (;;) {
      let event: UserEvent;
      try {
        event = await this.queue.take(signal);
      } catch (e) {
        if (signal?.aborted) return;
        throw e;
      }
      yield event;
    }
  }

  /** Runs the feed for the lifetime of the enclosing Effect scope (start on acquire, stop on release). */
  get scoped(): Effect.Effect<void, never, Scope.Scope> {
    return Effect.acquireRelease(
      Effect.sync(() => this.start()),
      () => Effect.promise(() => this.stop()),
    );
  }

  // -------------------------------------------------------------------------------------------

  private onOpen(session: WsSession): void {
    const { apiKey, secret, passphrase } = this.options.credentials;
    session.send(JSON.stringify({ auth: { apiKey, secret, passphrase }, markets: this.options.markets ?? [], type: "user" }));
    if (this.queue.paused) session.pause(); // the consumer is still behind: keep the new socket paused
    // Every connection after the first one may have missed events (after a drop, or while stopped).
    if (this.connectedBefore) {
      const last = this.lastDisconnect;
      const after = last === undefined ? "a stop/start" : `${last.reason}${last.code !== undefined ? ` (code ${last.code})` : ""}`;
      this.lastDisconnect = undefined;
      this.stats.resyncEvents++;
      this.queue.offer({
        kind: "resync_needed",
        reason: `user channel reconnected after ${after}; missed events are not replayed`,
        timestamp: this.clock.now(),
      });
    }
    this.connectedBefore = true;
  }

  private async onDisconnect(info: DisconnectInfo): Promise<void> {
    this.lastDisconnect = info;
    this.stats.safetyCalls++;
    try {
      await this.options.safety(info);
    } catch (e) {
      this.stats.safetyErrors++;
      this.log.error({ feed: "user", err: e instanceof Error ? e.message : String(e) }, "safety callback failed");
    }
  }

  private onFrame(data: Buffer): void {
    const frame = decodeWsFrame(data, { stats: this.decoder });
    if (frame.errors.length > 0) {
      this.stats.decodeErrors++;
      this.socket.stats.decodeErrors++;
      const first = frame.errors[0]!;
      this.log.warn({ feed: "user", reason: first.reason, detail: first.detail, frame: framePreview(data) }, "undecodable user frame");
    }
    for (const e of frame.events) {
      if (e.kind === "user_order") this.onOrder(e);
      else if (e.kind === "user_trade") this.onTrade(e);
      else this.stats.unexpectedEvents++;
    }
  }

  private onOrder(m: UserOrderMessage): void {
    const r = normalizeUserOrder(m);
    if (!r.ok) {
      this.stats.normalizeErrors++;
      this.log.warn({ feed: "user", order: m.id, reason: r.error.reason, detail: r.error.detail }, "user order event not normalizable");
      return;
    }
    this.stats.orderEvents++;
    this.queue.offer(r.value);
  }

  private onTrade(m: UserTradeMessage): void {
    const r = userFillsFromTrade(m, this.identity);
    if (!r.ok) {
      this.stats.normalizeErrors++;
      this.log.warn({ feed: "user", trade: m.id, reason: r.error.reason, detail: r.error.detail }, "user trade event not normalizable");
      return;
    }
    if (r.value.length === 0) {
      this.stats.foreignTrades++;
      return;
    }
    for (const fill of r.value) {
      this.stats.fillEvents++;
      this.queue.offer(fill);
    }
  }
}
