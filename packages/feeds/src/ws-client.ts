/**
 * `ManagedWebSocket`: the WebSocket client every feed is built on. Effect owns the lifecycle —
 * a supervisor fiber connects inside a scope (socket closed by the scope's finalizer), runs a
 * heartbeat/watchdog fiber, waits for the close, awaits the disconnect hook, then sleeps an
 * exponential, jittered backoff (floors that cannot be configured away) and tries again. Stopping
 * interrupts that fiber at whatever point it is (connecting, open, awaiting the hook, backing off).
 *
 * Per-message work is plain synchronous code: the socket's `message` callback calls the feed's
 * `onMessage` directly (no Effect, no await per frame). Handler exceptions are counted, never fatal.
 */
import { Effect, Fiber, type Scope } from "effect";
import WebSocket from "ws";
import { type BackoffOptions, backoffDelay, normalizeBackoff } from "./backoff.js";
import { type FeedLogger, silentLogger } from "./logger.js";

export type WsState = "idle" | "connecting" | "open" | "disconnecting" | "waiting" | "stopped" | "failed";

/** `text`: send "PING" and expect "PONG" (Polymarket). `protocol`: WS ping/pong control frames (Binance). */
export type Heartbeat = "text" | "protocol";

export interface WsClientOptions {
  readonly url: string;
  /** For logs and metrics. */
  readonly name?: string;
  readonly heartbeat?: Heartbeat;
  /** Heartbeat period (ms). Default 10,000; floor 20. */
  readonly pingIntervalMs?: number;
  /** No inbound frame at all (not even PONG) for this long ⇒ the socket is dead ⇒ reconnect. Default 3 × ping; floor 2 × ping. */
  readonly pongTimeoutMs?: number;
  /** Silent-stall watchdog: no data frame for this long on an active connection ⇒ reconnect. 0 = off (default). */
  readonly stallTimeoutMs?: number;
  /** Give up an attempt that has not opened after this long. Default 10,000. */
  readonly connectTimeoutMs?: number;
  /** A connection open at least this long resets the backoff. Default 10,000. */
  readonly stableAfterMs?: number;
  /** Wait before the first connect (staggered shards). Default 0. */
  readonly initialDelayMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
  /** Larger inbound frames close the socket (ws `maxPayload`). Default 16 MiB. */
  readonly maxPayloadBytes?: number;
  readonly logger?: FeedLogger;
  /** Jitter source (tests pass a seeded one). */
  readonly random?: () => number;
  /** Wall clock for timestamps in stats (epoch ms). */
  readonly now?: () => number;
}

export type DisconnectReason = "closed" | "error" | "pong_timeout" | "stall";

export interface DisconnectInfo {
  readonly reason: DisconnectReason;
  /** WebSocket close code when the peer sent one. */
  readonly code: number | undefined;
  /** How long the connection had been open. */
  readonly openMs: number;
  /** 1-based number of the connection that ended. */
  readonly connection: number;
}

/** What a feed sees of the current connection. */
export interface WsSession {
  readonly connection: number;
  /** Sends a text frame; false when the socket is not open. */
  send(text: string): boolean;
  /** Stop reading from the socket (consumer backpressure); heartbeats go on, the watchdogs hold off. */
  pause(): void;
  resume(): void;
}

export interface WsHandlers {
  /** The socket opened: send subscriptions here. */
  onOpen(session: WsSession): void;
  /** Every inbound data frame, synchronously (text PONGs are consumed by the client). */
  onMessage(data: Buffer, receivedAt: number, session: WsSession): void;
  /** A connection that had opened ended; awaited before any reconnect attempt. Not called on `stop()`. */
  onDisconnect?(info: DisconnectInfo): void | Promise<void>;
  /** Whether the stall watchdog applies now (e.g. the connection has subscriptions). Default: always. */
  isActive?(): boolean;
}

/** Counters of one managed socket (plain fields; read, don't write). */
export class WsStats {
  connects = 0;
  connectFailures = 0;
  reconnects = 0;
  disconnects = 0;
  messages = 0;
  bytes = 0;
  pongs = 0;
  pingsSent = 0;
  /** Incremented by the feed for frames its decoder refused. */
  decodeErrors = 0;
  handlerErrors = 0;
  pongTimeouts = 0;
  stalls = 0;
  lastMessageAt = 0;
  lastDataAt = 0;
  lastPongAt = 0;
  lastConnectAt = 0;
  /** When the latest connection attempt started (the socket was created). */
  lastAttemptAt = 0;
  lastError: string | undefined = undefined;
}

const PONG = Buffer.from("PONG");

interface OpenOk {
  readonly ok: true;
}
interface OpenFailed {
  readonly ok: false;
  readonly error: string;
}

export class ManagedWebSocket {
  readonly stats = new WsStats();
  readonly name: string;
  private readonly url: string;
  private readonly heartbeat: Heartbeat;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly stableAfterMs: number;
  private readonly initialDelayMs: number;
  private readonly backoff: BackoffOptions;
  private readonly maxPayload: number;
  private readonly log: FeedLogger;
  private readonly random: () => number;
  private readonly now: () => number;
  private fiber: Fiber.Fiber<void> | undefined;
  private ws: WebSocket | undefined;
  private _state: WsState = "idle";
  private connection = 0;
  private openedAt = 0;
  private closeReason: DisconnectReason | undefined;
  private paused = false;
  /** When the next connect attempt is due (epoch ms) while `waiting`. */
  nextAttemptAt = 0;

  private readonly session: WsSession;

  constructor(
    options: WsClientOptions,
    private readonly handlers: WsHandlers,
  ) {
    this.url = options.url;
    this.name = options.name ?? options.url;
    this.heartbeat = options.heartbeat ?? "text";
    this.pingIntervalMs = Math.max(20, options.pingIntervalMs ?? 10_000);
    this.pongTimeoutMs = Math.max(2 * this.pingIntervalMs, options.pongTimeoutMs ?? 3 * this.pingIntervalMs);
    this.stallTimeoutMs = Math.max(0, options.stallTimeoutMs ?? 0);
    this.connectTimeoutMs = Math.max(100, options.connectTimeoutMs ?? 10_000);
    this.stableAfterMs = Math.max(0, options.stableAfterMs ?? 10_000);
    this.initialDelayMs = Math.max(0, options.initialDelayMs ?? 0);
    this.backoff = normalizeBackoff(options.backoff);
    this.maxPayload = options.maxPayloadBytes ?? 16 * 1024 * 1024;
    this.log = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    const self = this;
    this.session = {
      get connection(): number {
        return self.connection;
      },
      send: (text) => self.send(text),
      pause: () => self.pause(),
      resume: () => self.resume(),
    };
  }

  get state(): WsState {
    return this._state;
  }

  /** True while a supervisor fiber runs (connected or trying to be). */
  get running(): boolean {
    return this.fiber !== undefined;
  }

  /** The effective backoff policy (after floors). */
  get backoffPolicy(): BackoffOptions {
    return this.backoff;
  }

  /** Starts connecting (idempotent). Works again after `stop()` or a failure. */
  start(): void {
    if (this.fiber !== undefined) return;
    this.paused = false;
    const fiber = Effect.runFork(this.supervisor());
    this.fiber = fiber;
    fiber.addObserver(() => {
      if (this.fiber === fiber) {
        // The supervisor only ends by interruption; anything else is a defect worth surfacing.
        this.fiber = undefined;
        this._state = "failed";
        this.log.error({ feed: this.name }, "websocket supervisor ended unexpectedly");
      }
    });
  }

  /** Stops at any point (connecting, open, awaiting the disconnect hook, backing off); resolves when closed. */
  async stop(): Promise<void> {
    const fiber = this.fiber;
    if (fiber === undefined) {
      if (this._state !== "idle") this._state = "stopped";
      return;
    }
    this.fiber = undefined;
    await Effect.runPromise(Fiber.interrupt(fiber));
    this._state = "stopped";
  }

  /** An Effect that keeps the socket running for the lifetime of the enclosing scope. */
  get scoped(): Effect.Effect<void, never, Scope.Scope> {
    return Effect.acquireRelease(
      Effect.sync(() => this.start()),
      () => Effect.promise(() => this.stop()),
    );
  }

  send(text: string): boolean {
    const ws = this.ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(text);
    return true;
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.ws?.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // The watchdogs measured nothing while paused: restart their clocks.
    const now = this.now();
    this.stats.lastMessageAt = Math.max(this.stats.lastMessageAt, now);
    this.stats.lastDataAt = Math.max(this.stats.lastDataAt, now);
    this.ws?.resume();
  }

  /** Closes the current connection as if the peer had (the supervisor reconnects). */
  dropConnection(reason: DisconnectReason = "closed"): void {
    if (this.ws === undefined) return;
    this.closeReason ??= reason;
    this.ws.terminate();
  }

  // -------------------------------------------------------------------------------------------

  private setState(s: WsState): void {
    this._state = s;
  }

  private supervisor(): Effect.Effect<void> {
    const self = this;
    return Effect.gen(function* () {
      if (self.initialDelayMs > 0) {
        self.setState("waiting");
        self.nextAttemptAt = self.now() + self.initialDelayMs;
        yield* Effect.sleep(self.initialDelayMs);
      }
      let attempt = 0;
      for (;;) {
        self.setState("connecting");
        const outcome = yield* self.connectOnce();
        if (outcome !== undefined) {
          if (outcome.openMs >= self.stableAfterMs) attempt = 0;
          self.stats.disconnects++;
          self.log.warn({ feed: self.name, ...outcome }, "websocket disconnected");
          const hook = self.handlers.onDisconnect;
          if (hook !== undefined) {
            self.setState("disconnecting");
            yield* Effect.promise(async () => {
              try {
                await hook(outcome);
              } catch (e) {
                self.stats.handlerErrors++;
                self.log.error({ feed: self.name, err: errorText(e) }, "disconnect hook failed");
              }
            });
          }
        } else {
          self.stats.connectFailures++;
        }
        const delay = backoffDelay(self.backoff, attempt++, self.random);
        self.setState("waiting");
        self.nextAttemptAt = self.now() + delay;
        yield* Effect.sleep(delay);
        self.stats.reconnects++;
      }
    });
  }

  /** One connection: open (interruptible), run until it closes. Undefined when it never opened. */
  private connectOnce(): Effect.Effect<DisconnectInfo | undefined> {
    const self = this;
    return Effect.scoped(
      Effect.gen(function* () {
        const ws = yield* Effect.acquireRelease(
          Effect.sync(() => {
            try {
              return self.createSocket();
            } catch (e) {
              return e instanceof Error ? e : new Error(String(e)); // e.g. an invalid URL: a failed attempt, not a crash
            }
          }),
          (socket) => Effect.sync(() => (socket instanceof Error ? undefined : self.releaseSocket(socket))),
        );
        if (ws instanceof Error) {
          self.stats.lastError = ws.message;
          self.log.error({ feed: self.name, err: ws.message }, "websocket could not be created");
          return undefined;
        }
        const opened = yield* self.awaitOpen(ws);
        if (!opened.ok) {
          self.stats.lastError = opened.error;
          self.log.warn({ feed: self.name, err: opened.error }, "websocket connect failed");
          return undefined;
        }
        self.connection++;
        self.openedAt = self.now();
        self.stats.connects++;
        self.stats.lastConnectAt = self.openedAt;
        self.stats.lastMessageAt = self.openedAt;
        self.stats.lastDataAt = self.openedAt;
        self.closeReason = undefined;
        if (self.paused) ws.pause(); // a consumer that is still behind keeps the new socket paused
        self.setState("open");
        self.log.info({ feed: self.name, connection: self.connection }, "websocket open");
        try {
          self.handlers.onOpen(self.session);
        } catch (e) {
          self.stats.handlerErrors++;
          self.log.error({ feed: self.name, err: errorText(e) }, "open handler failed");
        }
        yield* Effect.forkScoped(self.watchdog(ws));
        const code = yield* self.awaitClose(ws);
        const info: DisconnectInfo = {
          reason: self.closeReason ?? "closed",
          code,
          openMs: self.now() - self.openedAt,
          connection: self.connection,
        };
        return info;
      }),
    );
  }

  private createSocket(): WebSocket {
    this.stats.lastAttemptAt = this.now();
    const ws = new WebSocket(this.url, { maxPayload: this.maxPayload, perMessageDeflate: false, handshakeTimeout: this.connectTimeoutMs });
    this.ws = ws;
    ws.on("message", (data: Buffer, isBinary: boolean) => this.onFrame(ws, data, isBinary));
    ws.on("pong", () => {
      if (ws !== this.ws) return;
      const now = this.now();
      this.stats.pongs++;
      this.stats.lastPongAt = now;
      this.stats.lastMessageAt = now;
    });
    ws.on("error", (e: Error) => {
      this.stats.lastError = e.message;
      if (this.closeReason === undefined && ws.readyState === WebSocket.OPEN) this.closeReason = "error";
    });
    return ws;
  }

  private releaseSocket(ws: WebSocket): void {
    if (this.ws === ws) this.ws = undefined;
    if (ws.readyState === WebSocket.OPEN) {
      ws.close(1000, "client closing");
      setTimeout(() => ws.terminate(), 1_000).unref();
    } else if (ws.readyState !== WebSocket.CLOSED) {
      ws.terminate();
    }
  }

  private awaitOpen(ws: WebSocket): Effect.Effect<OpenOk | OpenFailed> {
    return Effect.callback<OpenOk | OpenFailed>((resume) => {
      if (ws.readyState === WebSocket.OPEN) {
        resume(Effect.succeed({ ok: true }));
        return;
      }
      let error: string | undefined;
      const onOpen = (): void => {
        cleanup();
        resume(Effect.succeed({ ok: true }));
      };
      const onError = (e: Error): void => {
        error ??= e.message;
      };
      const onUnexpected = (_req: unknown, res: { statusCode?: number }): void => {
        error = `unexpected HTTP ${res.statusCode ?? "?"} on upgrade`;
        ws.terminate();
      };
      const onClose = (): void => {
        cleanup();
        resume(Effect.succeed({ ok: false, error: error ?? "closed before open" }));
      };
      const cleanup = (): void => {
        ws.off("open", onOpen);
        ws.off("error", onError);
        ws.off("close", onClose);
        ws.off("unexpected-response", onUnexpected);
      };
      ws.on("open", onOpen);
      ws.on("error", onError);
      ws.on("close", onClose);
      ws.on("unexpected-response", onUnexpected);
      return Effect.sync(cleanup);
    });
  }

  private awaitClose(ws: WebSocket): Effect.Effect<number | undefined> {
    return Effect.callback<number | undefined>((resume) => {
      if (ws.readyState === WebSocket.CLOSED) {
        resume(Effect.succeed(undefined));
        return;
      }
      const onClose = (code: number): void => resume(Effect.succeed(code === 1005 || code === 1006 ? undefined : code));
      ws.once("close", onClose);
      return Effect.sync(() => {
        ws.off("close", onClose);
      });
    });
  }

  /** Heartbeat + dead-socket + silent-stall checks, on one fiber per connection. */
  private watchdog(ws: WebSocket): Effect.Effect<void> {
    const self = this;
    const tick = Math.max(
      10,
      Math.min(
        self.pingIntervalMs,
        Math.floor(self.pongTimeoutMs / 4),
        self.stallTimeoutMs > 0 ? Math.floor(self.stallTimeoutMs / 4) : Infinity,
      ),
    );
    return Effect.gen(function* () {
      let nextPing = self.now() + self.pingIntervalMs;
      for (;;) {
        yield* Effect.sleep(tick);
        if (ws.readyState !== WebSocket.OPEN) return;
        const now = self.now();
        // Keep pinging while paused (the venue drops clients that stop), but judge nothing:
        // replies are not being read.
        if (now >= nextPing) {
          nextPing = now + self.pingIntervalMs;
          if (self.heartbeat === "text") ws.send("PING");
          else ws.ping();
          self.stats.pingsSent++;
        }
        if (self.paused) continue;
        if (now - self.stats.lastMessageAt > self.pongTimeoutMs) {
          self.stats.pongTimeouts++;
          self.closeReason = "pong_timeout";
          self.log.warn({ feed: self.name, silentMs: now - self.stats.lastMessageAt }, "no PONG: reconnecting");
          ws.terminate();
          return;
        }
        const active = self.handlers.isActive?.() ?? true;
        if (self.stallTimeoutMs > 0 && active && now - self.stats.lastDataAt > self.stallTimeoutMs) {
          self.stats.stalls++;
          self.closeReason = "stall";
          self.log.warn({ feed: self.name, silentMs: now - self.stats.lastDataAt }, "no data while heartbeats flow: reconnecting");
          ws.terminate();
          return;
        }
      }
    });
  }

  private onFrame(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    if (ws !== this.ws) return;
    const now = this.now();
    const stats = this.stats;
    stats.messages++;
    stats.bytes += data.length;
    stats.lastMessageAt = now;
    if (!isBinary && data.length === 4 && data.equals(PONG)) {
      stats.pongs++;
      stats.lastPongAt = now;
      return;
    }
    stats.lastDataAt = now;
    try {
      this.handlers.onMessage(data, now, this.session);
    } catch (e) {
      stats.handlerErrors++;
      this.log.error({ feed: this.name, err: errorText(e) }, "message handler failed");
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
