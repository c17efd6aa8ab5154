/**
 * Binance bookTicker → `ReferenceCache`, over @mm/feeds' `ManagedWebSocket` (reconnect with
 * backoff, protocol ping/pong, stall watchdog). @mm/feeds has no reference feed yet, so this thin
 * adapter lives in the app: I/O and decoding only, every frame validated, refusals counted.
 */
import type { ReferenceCache } from "@mm/caches";
import { type FeedLogger, ManagedWebSocket, type WsState, type WsStats } from "@mm/feeds";
import { binanceBookTickerStream, WireBinanceBookTickerSchema } from "@mm/protocol";

export interface ReferenceFeedOptions {
  /** Binance WebSocket origin, e.g. `wss://stream.binance.com:9443`. */
  readonly wsUrl: string;
  readonly symbols: readonly string[];
  readonly cache: ReferenceCache;
  readonly now: () => number;
  readonly logger?: FeedLogger;
  /** No data for this long ⇒ reconnect. Default 10 s. */
  readonly stallTimeoutMs?: number;
}

export class ReferenceFeedStats {
  updates = 0;
  decodeErrors = 0;
  rejected = 0;
}

const MAX_FRAME = 64 * 1024;

export class ReferenceFeed {
  readonly stats = new ReferenceFeedStats();
  private readonly socket: ManagedWebSocket;

  constructor(private readonly o: ReferenceFeedOptions) {
    const streams = o.symbols.map((s) => binanceBookTickerStream(s)).join("/");
    this.socket = new ManagedWebSocket(
      {
        url: `${o.wsUrl.replace(/\/+$/, "")}/stream?streams=${streams}`,
        name: "reference",
        heartbeat: "protocol",
        pingIntervalMs: 5_000,
        stallTimeoutMs: o.stallTimeoutMs ?? 10_000,
        maxPayloadBytes: MAX_FRAME,
        now: o.now,
        ...(o.logger !== undefined ? { logger: o.logger } : {}),
      },
      {
        onOpen: () => {},
        onMessage: (data, receivedAt) => this.onFrame(data, receivedAt),
      },
    );
  }

  get state(): WsState {
    return this.socket.state;
  }

  get socketStats(): WsStats {
    return this.socket.stats;
  }

  start(): void {
    this.socket.start();
  }

  stop(): Promise<void> {
    return this.socket.stop();
  }

  private onFrame(data: Buffer, receivedAt: number): void {
    let json: unknown;
    try {
      json = JSON.parse(data.toString("utf8"));
    } catch {
      this.refuse(data, "invalid_json");
      return;
    }
    const payload = typeof json === "object" && json !== null && "data" in json ? (json as { data: unknown }).data : json;
    const parsed = WireBinanceBookTickerSchema.safeParse(payload);
    if (!parsed.success) {
      // Subscription acks ({"result":null,"id":1}) are not errors.
      if (typeof json === "object" && json !== null && "result" in json) return;
      this.refuse(data, "not_a_book_ticker");
      return;
    }
    const t = parsed.data;
    const bid = Number(t.b);
    const ask = Number(t.a);
    if (!(Number.isFinite(bid) && Number.isFinite(ask) && bid > 0 && ask >= bid)) {
      this.refuse(data, "invalid_prices");
      return;
    }
    const meta = { updateId: t.u, ...(t.E !== undefined ? { exchangeTime: t.E } : t.T !== undefined ? { exchangeTime: t.T } : {}) };
    const rejected = this.o.cache.update(t.s.toUpperCase(), bid, ask, receivedAt, meta);
    if (rejected !== undefined) this.stats.rejected++;
    else this.stats.updates++;
  }

  private refuse(data: Buffer, reason: string): void {
    this.stats.decodeErrors++;
    this.socket.stats.decodeErrors++;
    if (this.stats.decodeErrors <= 20)
      this.o.logger?.warn(
        { feed: "reference", reason, frame: data.toString("utf8", 0, Math.min(data.length, 200)) },
        "refused reference frame",
      );
  }
}
