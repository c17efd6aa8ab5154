/**
 * `MarketFeed`: the Polymarket market channel into a `BookStore`.
 *
 * - Subscriptions are sharded over several connections (`maxAssetsPerConnection`, default 200;
 *   the venue stalls somewhere above ~500). Shards start staggered (`staggerMs`) so a restart does
 *   not open every socket at once (upgrade 429s).
 * - Dynamic `subscribe` / `unsubscribe` on live sockets (`operation` messages); a shard's whole set
 *   is re-sent as the initial subscription on every (re)connect.
 * - Every `book` replaces the book; `price_change` frames apply atomically across tokens;
 *   `tick_size_change` starts a new epoch. After a disconnect the shard's books are marked
 *   untrusted until their fresh snapshots arrive.
 * - A silent-stall watchdog (no data for `stallTimeoutMs` on a connection with subscriptions while
 *   PONGs still arrive) reconnects, which resubscribes and so resnapshots.
 * - Decode errors and refused frames are counted and logged with a preview of the frame, never fatal.
 *
 * Per frame: decode (synchronous, @mm/protocol) → apply (synchronous, @mm/caches). No Effect, no
 * await, no allocation beyond what the decoder makes.
 */
import type { BookRejection, BookStore } from "@mm/caches";
import { DecoderStats, decodeWsFrame, type MarketEvent } from "@mm/protocol";
import { type Clock, type ConditionId, type MarketInfo, systemClock, type TickSize, type TokenId } from "@mm/types";
import { Effect, type Scope } from "effect";
import { type FeedLogger, framePreview, silentLogger } from "./logger.js";
import { type DisconnectInfo, ManagedWebSocket, type WsClientOptions, type WsSession, type WsState, type WsStats } from "./ws-client.js";

/** A token to follow, with the grid its book starts on. */
export interface MarketSubscription {
  readonly tokenId: TokenId;
  readonly tickSize: TickSize;
  readonly conditionId?: ConditionId;
}

export interface MarketFeedOptions {
  /** Full market-channel URL, e.g. `wss://ws-subscriptions-clob.polymarket.com/ws/market`. */
  readonly url: string;
  readonly books: BookStore;
  /** Assets per connection. Default 200; clamped to [1, 500]. */
  readonly maxAssetsPerConnection?: number;
  /** Delay between shard connects. Default 250 ms. */
  readonly staggerMs?: number;
  /** Ask for `best_bid_ask` / `new_market` / `market_resolved` (delivered through `onEvent`). */
  readonly customFeatures?: boolean;
  /** Silent-stall watchdog. Default 60,000 ms; 0 disables. */
  readonly stallTimeoutMs?: number;
  /** Socket tuning (heartbeat, backoff, timeouts). */
  readonly ws?: Omit<Partial<WsClientOptions>, "url" | "name" | "stallTimeoutMs" | "initialDelayMs" | "now">;
  /** Receive timestamps (book `lastUpdateAt`). Default: system clock. */
  readonly clock?: Clock;
  readonly logger?: FeedLogger;
  /** Events that are not book updates (`last_trade_price`, `best_bid_ask`, `new_market`, …), synchronously. */
  readonly onEvent?: (event: MarketEvent, receivedAt: number) => void;
  /** Frames larger than this are refused by the decoder (and the socket). Default 16 MiB. */
  readonly maxFrameBytes?: number;
}

export interface ShardStats {
  readonly id: number;
  readonly state: WsState;
  readonly assets: number;
  readonly socket: WsStats;
}

/** Feed-level counters (socket counters are per shard in `shards()`). */
export class MarketFeedStats {
  /** Frames with at least one event the decoder refused. */
  decodeErrors = 0;
  /** Frames the book store refused (its `stats.rejected` has the reasons). */
  bookRejections = 0;
  /** Of which out-of-order (duplicated / reordered delivery). */
  outOfOrder = 0;
  /** Times a shard's books were marked untrusted after a disconnect. */
  untrustedMarks = 0;
  /** Log lines suppressed by the per-feed log limiter. */
  suppressedLogs = 0;
}

interface Shard {
  readonly id: number;
  readonly assets: Set<string>;
  readonly socket: ManagedWebSocket;
}

const LOG_BURST = 20;
const LOG_WINDOW_MS = 10_000;

export class MarketFeed {
  readonly stats = new MarketFeedStats();
  readonly decoder = new DecoderStats();
  private readonly shardsById = new Map<number, Shard>();
  private readonly shardOfAsset = new Map<string, Shard>();
  private readonly books: BookStore;
  private readonly maxPerConnection: number;
  private readonly staggerMs: number;
  private readonly clock: Clock;
  private readonly log: FeedLogger;
  private nextShardId = 1;
  private running = false;
  private logWindowStart = 0;
  private logsInWindow = 0;

  constructor(private readonly options: MarketFeedOptions) {
    this.books = options.books;
    this.maxPerConnection = Math.min(500, Math.max(1, Math.floor(options.maxAssetsPerConnection ?? 200)));
    this.staggerMs = Math.max(0, options.staggerMs ?? 250);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Subscribed token ids. */
  assets(): string[] {
    return [...this.shardOfAsset.keys()];
  }

  shards(): ShardStats[] {
    return [...this.shardsById.values()].map((s) => ({ id: s.id, state: s.socket.state, assets: s.assets.size, socket: s.socket.stats }));
  }

  /** Shard id serving a token. */
  shardOf(token: string): number | undefined {
    return this.shardOfAsset.get(token)?.id;
  }

  /**
   * Follows markets (both tokens, paired in the store) and/or single tokens. Books are registered
   * in the store (untrusted until their snapshot). New tokens go to shards with room; live shards
   * get a dynamic `subscribe`, new shards connect (staggered) when the feed runs.
   */
  subscribe(items: readonly (MarketInfo | MarketSubscription)[]): void {
    const added: string[] = [];
    for (const item of items) {
      if ("yes" in item) {
        this.books.registerMarket(item);
        added.push(item.yes.tokenId, item.no.tokenId);
      } else {
        this.books.registerToken(item.tokenId, item.tickSize, item.conditionId);
        added.push(item.tokenId);
      }
    }
    const perShard = new Map<Shard, string[]>();
    const fresh: Shard[] = [];
    for (const token of added) {
      if (this.shardOfAsset.has(token)) continue;
      let shard = [...this.shardsById.values()].find((s) => s.assets.size < this.maxPerConnection);
      if (shard === undefined) {
        shard = this.createShard();
        fresh.push(shard);
      }
      shard.assets.add(token);
      this.shardOfAsset.set(token, shard);
      if (!fresh.includes(shard)) {
        const list = perShard.get(shard) ?? [];
        list.push(token);
        perShard.set(shard, list);
      }
    }
    for (const [shard, tokens] of perShard) {
      shard.socket.send(
        JSON.stringify({ assets_ids: tokens, operation: "subscribe", custom_feature_enabled: this.options.customFeatures ?? false }),
      );
    }
    if (this.running) this.startShards(fresh);
  }

  /** Stops following tokens: dynamic `unsubscribe`, books removed from the store, empty shards closed. */
  async unsubscribe(tokens: readonly string[]): Promise<void> {
    const perShard = new Map<Shard, string[]>();
    for (const token of tokens) {
      const shard = this.shardOfAsset.get(token);
      if (shard === undefined) continue;
      shard.assets.delete(token);
      this.shardOfAsset.delete(token);
      this.books.remove(token as TokenId);
      const list = perShard.get(shard) ?? [];
      list.push(token);
      perShard.set(shard, list);
    }
    const closing: Promise<void>[] = [];
    for (const [shard, list] of perShard) {
      if (shard.assets.size === 0) {
        this.shardsById.delete(shard.id);
        closing.push(shard.socket.stop());
      } else {
        shard.socket.send(JSON.stringify({ assets_ids: list, operation: "unsubscribe" }));
      }
    }
    await Promise.all(closing);
  }

  /** Connects every shard, staggered. Idempotent; works again after `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startShards([...this.shardsById.values()]);
  }

  /** Closes every shard (at any point of their lifecycle). Books stay readable but untrusted. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await Promise.all([...this.shardsById.values()].map((s) => s.socket.stop()));
    this.books.markUntrusted(this.shardOfAsset.keys() as Iterable<TokenId>);
  }

  /** Totals over shards. */
  totals(): {
    messages: number;
    bytes: number;
    connects: number;
    reconnects: number;
    stalls: number;
    pongTimeouts: number;
    lastMessageAt: number;
  } {
    const t = { messages: 0, bytes: 0, connects: 0, reconnects: 0, stalls: 0, pongTimeouts: 0, lastMessageAt: 0 };
    for (const s of this.shardsById.values()) {
      const st = s.socket.stats;
      t.messages += st.messages;
      t.bytes += st.bytes;
      t.connects += st.connects;
      t.reconnects += st.reconnects;
      t.stalls += st.stalls;
      t.pongTimeouts += st.pongTimeouts;
      t.lastMessageAt = Math.max(t.lastMessageAt, st.lastMessageAt);
    }
    return t;
  }

  /**
   * Asks the venue for fresh snapshots of some tokens without reconnecting (per-asset staleness:
   * `unsubscribe` + `subscribe` on their live shards; the venue sends a `book` on subscribe). The
   * books are untrusted until those snapshots arrive. Returns how many tokens were re-requested
   * (tokens on shards that are not open get their snapshot on the next connect anyway).
   */
  resnapshot(tokens: readonly string[]): number {
    const perShard = new Map<Shard, string[]>();
    for (const token of tokens) {
      const shard = this.shardOfAsset.get(token);
      if (shard === undefined) continue;
      const list = perShard.get(shard) ?? [];
      list.push(token);
      perShard.set(shard, list);
    }
    let n = 0;
    for (const [shard, list] of perShard) {
      this.books.markUntrusted(list as TokenId[]);
      if (!shard.socket.send(JSON.stringify({ assets_ids: list, operation: "unsubscribe" }))) continue;
      shard.socket.send(
        JSON.stringify({ assets_ids: list, operation: "subscribe", custom_feature_enabled: this.options.customFeatures ?? false }),
      );
      n += list.length;
    }
    return n;
  }

  /** Drops a shard's connection as if the venue had (tests, operator "reconnect" action). */
  dropShard(id: number): boolean {
    const shard = this.shardsById.get(id);
    if (shard === undefined) return false;
    shard.socket.dropConnection();
    return true;
  }

  /** Runs the feed for the lifetime of the enclosing Effect scope (start on acquire, stop on release). */
  get scoped(): Effect.Effect<void, never, Scope.Scope> {
    return Effect.acquireRelease(
      Effect.sync(() => this.start()),
      () => Effect.promise(() => this.stop()),
    );
  }

  // -------------------------------------------------------------------------------------------

  private createShard(): Shard {
    const id = this.nextShardId++;
    const assets = new Set<string>();
    const o = this.options;
    let shard: Shard;
    const socket = new ManagedWebSocket(
      {
        backoff: { initialMs: 500, maxMs: 30_000 },
        ...o.ws,
        url: o.url,
        name: `market#${id}`,
        stallTimeoutMs: o.stallTimeoutMs ?? 60_000,
        maxPayloadBytes: o.maxFrameBytes ?? 16 * 1024 * 1024,
        logger: this.log,
        now: () => this.clock.now(),
      },
      {
        onOpen: (session) => this.onOpen(shard, session),
        onMessage: (data, receivedAt) => this.onFrame(shard, data, receivedAt),
        onDisconnect: (info) => this.onDisconnect(shard, info),
        isActive: () => assets.size > 0,
      },
    );
    shard = { id, assets, socket };
    this.shardsById.set(id, shard);
    return shard;
  }

  /**
   * Starts shards one after another, `staggerMs` apart. Chained (each timer set when the previous
   * shard started) rather than all scheduled at i × staggerMs: a late timer on a busy event loop then
   * delays the rest instead of bunching them up, so the spacing is a guaranteed minimum.
   */
  private startShards(shards: readonly Shard[]): void {
    const next = (i: number): void => {
      if (i >= shards.length) return;
      const shard = shards[i]!;
      // A restart re-creates nothing: the same socket object starts a new supervisor.
      if (this.running && this.shardsById.get(shard.id) === shard) shard.socket.start();
      if (i + 1 < shards.length) {
        if (this.staggerMs > 0) setTimeout(() => next(i + 1), this.staggerMs).unref();
        else next(i + 1);
      }
    };
    next(0);
  }

  private onOpen(shard: Shard, session: WsSession): void {
    if (shard.assets.size === 0) return;
    session.send(
      JSON.stringify({
        assets_ids: [...shard.assets],
        type: "market",
        initial_dump: true,
        custom_feature_enabled: this.options.customFeatures ?? false,
      }),
    );
  }

  private onDisconnect(shard: Shard, info: DisconnectInfo): void {
    const n = this.books.markUntrusted(shard.assets as Set<TokenId>);
    this.stats.untrustedMarks++;
    this.logLimited("info", { feed: `market#${shard.id}`, reason: info.reason, books: n }, "books untrusted until fresh snapshots");
  }

  private onFrame(shard: Shard, data: Buffer, receivedAt: number): void {
    const frame = decodeWsFrame(data, { stats: this.decoder, maxFrameBytes: this.options.maxFrameBytes });
    if (frame.errors.length > 0) {
      shard.socket.stats.decodeErrors++;
      this.stats.decodeErrors++;
      const first = frame.errors[0]!;
      this.logLimited(
        "warn",
        { feed: `market#${shard.id}`, reason: first.reason, detail: first.detail, errors: frame.errors.length, frame: framePreview(data) },
        "undecodable market frame",
      );
    }
    const events = frame.events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      let rejection: BookRejection | undefined;
      switch (e.kind) {
        case "book":
          rejection = this.books.applySnapshot(e.assetId as TokenId, e.bids, e.asks, receivedAt, e.timestamp);
          break;
        case "price_change":
          rejection = this.books.applyPriceChanges(e.changes, receivedAt, e.timestamp);
          break;
        case "tick_size_change":
          rejection = this.books.applyTickSize(e.assetId as TokenId, e.newTickSize, receivedAt, e.timestamp);
          break;
        default:
          if (this.options.onEvent !== undefined) {
            try {
              this.options.onEvent(e as MarketEvent, receivedAt);
            } catch (err) {
              shard.socket.stats.handlerErrors++;
              this.logLimited("error", { feed: `market#${shard.id}`, err: String(err) }, "onEvent handler failed");
            }
          }
          continue;
      }
      if (rejection !== undefined) this.onRejection(shard, rejection, data);
    }
  }

  private onRejection(shard: Shard, r: BookRejection, data: Buffer): void {
    this.stats.bookRejections++;
    if (r.reason === "out_of_order") {
      this.stats.outOfOrder++;
      return; // expected under duplicated / reordered delivery; counted in the store too
    }
    this.logLimited(
      "warn",
      { feed: `market#${shard.id}`, kind: r.kind, reason: r.reason, token: r.tokenId, index: r.index, frame: framePreview(data) },
      "book frame refused",
    );
  }

  private logLimited(level: "info" | "warn" | "error", fields: Record<string, unknown>, msg: string): void {
    const now = this.clock.now();
    if (now - this.logWindowStart > LOG_WINDOW_MS) {
      if (this.stats.suppressedLogs > 0 && this.logsInWindow >= LOG_BURST) {
        this.log.warn({ feed: "market", suppressed: this.stats.suppressedLogs }, "log lines suppressed so far");
      }
      this.logWindowStart = now;
      this.logsInWindow = 0;
    }
    if (this.logsInWindow >= LOG_BURST) {
      this.stats.suppressedLogs++;
      return;
    }
    this.logsInWindow++;
    this.log[level](fields, msg);
  }
}
