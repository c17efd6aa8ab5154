/**
 * `ReferenceFeed`: Binance `bookTicker` top of book into a `ReferenceCache`.
 *
 * - Primary: the WebSocket stream (`/ws/<sym>@bookTicker`, or the combined `/stream?streams=` for
 *   several symbols) on a `ManagedWebSocket` with protocol-level pings.
 * - Fallback: REST polling of `/api/v3/ticker/bookTicker` whenever the stream is down or has been
 *   quiet for `wsStaleMs`. Polling is bounded (≤ 20 requests/s in total, whatever the settings);
 *   failures (5xx, timeouts, garbage) are counted and back off exponentially — never a crash,
 *   never a spin. Runs on one Effect fiber; stopping interrupts it and aborts the request in flight.
 */
import type { ReferenceCache } from "@mm/caches";
import { BINANCE_PATHS } from "@mm/protocol";
import { type Clock, systemClock } from "@mm/types";
import { Effect, Fiber, type Scope } from "effect";
import { Agent, request } from "undici";
import { type BackoffOptions, backoffDelay, normalizeBackoff } from "./backoff.js";
import { type FeedLogger, framePreview, silentLogger } from "./logger.js";
import { ManagedWebSocket, type WsClientOptions, type WsState, type WsStats } from "./ws-client.js";

export interface ReferenceFeedOptions {
  /** WebSocket base, e.g. `wss://stream.binance.com:9443`. Absent: REST only. */
  readonly wsUrl?: string;
  /** REST base, e.g. `https://api.binance.com`. Absent: no fallback. */
  readonly restUrl?: string;
  /** Symbols, e.g. ["BTCUSDT"] (stored upper-case). */
  readonly symbols: readonly string[];
  readonly cache: ReferenceCache;
  /** REST poll period while falling back. Default 1,000 ms; floor 50 ms × symbols (≤ 20 Hz overall). */
  readonly pollIntervalMs?: number;
  /** The stream counts as unhealthy after this long without an update. Default 5,000 ms. */
  readonly wsStaleMs?: number;
  /** Per request. Default 2,000 ms. */
  readonly requestTimeoutMs?: number;
  /** Delays after failed polls (floors as for reconnects). Default 500 ms … 30 s. */
  readonly restBackoff?: Partial<BackoffOptions>;
  readonly ws?: Omit<Partial<WsClientOptions>, "url" | "name" | "now" | "heartbeat">;
  readonly clock?: Clock;
  readonly logger?: FeedLogger;
  readonly random?: () => number;
}

export class ReferenceFeedStats {
  wsUpdates = 0;
  restRequests = 0;
  restUpdates = 0;
  restFailures = 0;
  consecutiveRestFailures = 0;
  /** Frames or bodies that did not parse into a quote. */
  decodeErrors = 0;
  /** Quotes the cache refused (crossed, out of order, …; reasons in `cache.stats`). */
  rejected = 0;
  lastWsUpdateAt = 0;
  lastRestUpdateAt = 0;
  lastRestError: string | undefined = undefined;
}

/** Fewest ms between REST requests overall (20 Hz). */
const MIN_REQUEST_SPACING_MS = 50;

export class ReferenceFeed {
  readonly stats = new ReferenceFeedStats();
  private readonly symbols: string[];
  private readonly socket: ManagedWebSocket | undefined;
  private readonly clock: Clock;
  private readonly log: FeedLogger;
  private readonly pollIntervalMs: number;
  private readonly wsStaleMs: number;
  private readonly timeoutMs: number;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private poller: Fiber.Fiber<void> | undefined;

  constructor(private readonly options: ReferenceFeedOptions) {
    this.symbols = [...new Set(options.symbols.map((s) => s.toUpperCase()))];
    if (this.symbols.length === 0) throw new RangeError("ReferenceFeed needs at least one symbol");
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
    this.pollIntervalMs = Math.max(MIN_REQUEST_SPACING_MS * this.symbols.length, options.pollIntervalMs ?? 1_000);
    this.wsStaleMs = Math.max(100, options.wsStaleMs ?? 5_000);
    this.timeoutMs = Math.max(50, options.requestTimeoutMs ?? 2_000);
    this.backoff = normalizeBackoff(options.restBackoff);
    this.random = options.random ?? Math.random;
    if (options.wsUrl !== undefined) {
      const base = options.wsUrl.replace(/\/+$/, "");
      const streams = this.symbols.map((s) => `${s.toLowerCase()}@bookTicker`);
      const url = streams.length === 1 ? `${base}/ws/${streams[0]}` : `${base}/stream?streams=${streams.join("/")}`;
      this.socket = new ManagedWebSocket(
        { stallTimeoutMs: 30_000, ...options.ws, url, name: "reference", heartbeat: "protocol", now: () => this.clock.now() },
        { onOpen: () => {}, onMessage: (data, receivedAt) => this.onFrame(data, receivedAt) },
      );
    }
  }

  get wsState(): WsState | undefined {
    return this.socket?.state;
  }

  get socketStats(): WsStats | undefined {
    return this.socket?.stats;
  }

  /** Where quotes come from right now. */
  get mode(): "ws" | "rest" | "down" {
    if (this.wsHealthy()) return "ws";
    if (this.options.restUrl !== undefined && this.stats.consecutiveRestFailures === 0 && this.stats.lastRestUpdateAt > 0) return "rest";
    return "down";
  }

  /** The effective REST poll period (after the 20 Hz bound). */
  get pollPeriodMs(): number {
    return this.pollIntervalMs;
  }

  start(): void {
    this.socket?.start();
    if (this.options.restUrl !== undefined && this.poller === undefined) this.poller = Effect.runFork(this.pollLoop(this.options.restUrl));
  }

  async stop(): Promise<void> {
    const poller = this.poller;
    this.poller = undefined;
    await Promise.all([this.socket?.stop(), poller === undefined ? undefined : Effect.runPromise(Fiber.interrupt(poller))]);
  }

  /** Runs the feed for the lifetime of the enclosing Effect scope (start on acquire, stop on release). */
  get scoped(): Effect.Effect<void, never, Scope.Scope> {
    return Effect.acquireRelease(
      Effect.sync(() => this.start()),
      () => Effect.promise(() => this.stop()),
    );
  }

  // -------------------------------------------------------------------------------------------

  private wsHealthy(): boolean {
    return this.socket !== undefined && this.socket.state === "open" && this.clock.now() - this.stats.lastWsUpdateAt < this.wsStaleMs;
  }

  private onFrame(data: Buffer, receivedAt: number): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString("utf8"));
    } catch {
      this.decodeError(data, "invalid JSON");
      return;
    }
    if (typeof msg === "object" && msg !== null && "data" in msg && "stream" in msg) msg = (msg as { data: unknown }).data;
    if (typeof msg !== "object" || msg === null) {
      this.decodeError(data, "not an object");
      return;
    }
    const m = msg as Record<string, unknown>;
    if (m.result !== undefined && m.id !== undefined) return; // a reply to a control request
    const symbol = typeof m.s === "string" ? m.s.toUpperCase() : undefined;
    const bid = decimal(m.b);
    const ask = decimal(m.a);
    if (symbol === undefined || bid === undefined || ask === undefined) {
      this.decodeError(data, "not a bookTicker");
      return;
    }
    const updateId = typeof m.u === "number" ? m.u : undefined;
    const exchangeTime = typeof m.E === "number" ? m.E : undefined;
    const r = this.options.cache.update(symbol, bid, ask, receivedAt, {
      ...(updateId !== undefined ? { updateId } : {}),
      ...(exchangeTime !== undefined ? { exchangeTime } : {}),
    });
    if (r !== undefined) {
      this.stats.rejected++;
      return;
    }
    this.stats.wsUpdates++;
    this.stats.lastWsUpdateAt = receivedAt;
  }

  private decodeError(data: Buffer, why: string): void {
    this.stats.decodeErrors++;
    if (this.socket !== undefined) this.socket.stats.decodeErrors++;
    this.log.warn({ feed: "reference", why, frame: framePreview(data) }, "undecodable reference frame");
  }

  private pollLoop(restUrl: string): Effect.Effect<void> {
    const self = this;
    const base = restUrl.replace(/\/+$/, "");
    return Effect.scoped(
      Effect.gen(function* () {
        const agent = yield* Effect.acquireRelease(
          Effect.sync(
            () => new Agent({ connections: 2, keepAliveTimeout: 10_000, headersTimeout: self.timeoutMs, bodyTimeout: self.timeoutMs }),
          ),
          (a) => Effect.promise(() => a.destroy()),
        );
        // Give the stream its chance first: no REST traffic on a normal start.
        if (self.socket !== undefined) yield* Effect.sleep(self.wsStaleMs);
        for (;;) {
          if (self.wsHealthy()) {
            yield* Effect.sleep(self.pollIntervalMs);
            continue;
          }
          let failed = false;
          for (const symbol of self.symbols) {
            const ok = yield* Effect.promise((signal) => self.pollOnce(agent, base, symbol, signal));
            if (!ok) {
              failed = true;
              break;
            }
          }
          if (failed) {
            const n = ++self.stats.consecutiveRestFailures;
            const delay = Math.max(self.pollIntervalMs, backoffDelay(self.backoff, n - 1, self.random));
            self.log.warn(
              { feed: "reference", failures: n, retryInMs: delay, err: self.stats.lastRestError },
              "reference REST poll failed",
            );
            yield* Effect.sleep(delay);
          } else {
            self.stats.consecutiveRestFailures = 0;
            yield* Effect.sleep(self.pollIntervalMs);
          }
        }
      }),
    );
  }

  /** One request; resolves true on an accepted quote. Never rejects. */
  private async pollOnce(agent: Agent, base: string, symbol: string, stop: AbortSignal): Promise<boolean> {
    this.stats.restRequests++;
    const signal = AbortSignal.any([stop, AbortSignal.timeout(this.timeoutMs)]);
    try {
      const res = await request(`${base}${BINANCE_PATHS.bookTicker}?symbol=${encodeURIComponent(symbol)}`, {
        dispatcher: agent,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return this.fail(`HTTP ${res.statusCode}`);
      }
      const text = await res.body.text();
      if (text.length > 10_000) return this.fail("oversized body");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        this.stats.decodeErrors++;
        return this.fail("invalid JSON body");
      }
      const b = body as Record<string, unknown>;
      const bid = decimal(b.bidPrice);
      const ask = decimal(b.askPrice);
      if (bid === undefined || ask === undefined || (typeof b.symbol === "string" && b.symbol.toUpperCase() !== symbol)) {
        this.stats.decodeErrors++;
        return this.fail("not a bookTicker body");
      }
      const now = this.clock.now();
      if (this.options.cache.update(symbol, bid, ask, now) !== undefined) {
        this.stats.rejected++;
        return this.fail("quote refused by the cache");
      }
      this.stats.restUpdates++;
      this.stats.lastRestUpdateAt = now;
      return true;
    } catch (e) {
      return this.fail(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  }

  private fail(why: string): false {
    this.stats.restFailures++;
    this.stats.lastRestError = why;
    return false;
  }
}

/** A Binance decimal string ("64000.12000000") as a finite number, or undefined. */
function decimal(v: unknown): number | undefined {
  if (typeof v !== "string" || v.length === 0 || v.length > 40 || !/^\d+(\.\d+)?$/.test(v)) return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : undefined;
}
