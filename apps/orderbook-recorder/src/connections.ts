/**
 * The connection pool: market-channel sockets (each a `ManagedWebSocket` from @mm/feeds, so
 * heartbeat, watchdogs and jittered reconnect come from there), each carrying at most
 * `maxAssetsPerConnection` assets of ONE book-worker shard (frames are routed to workers by
 * connection, without parsing). Every physical connection gets a fresh id and per-connection frame
 * sequence numbers. Includes the recycler: aged or silent connections are replaced with overlap —
 * the replacement subscribes first, and the old one is retired only after the book workers report
 * that the replacement's snapshots took over every asset (or a timeout, which leaves gap markers
 * for the assets that did not hand over).
 */
import { type BackoffOptions, type DisconnectInfo, type FeedLogger, ManagedWebSocket, silentLogger, type WsSession } from "@mm/feeds";

export interface PoolSink {
  /** Hot path: one raw frame. */
  onFrame(conn: RecorderConnection, data: Buffer, receivedAt: number): void;
  /** A physical connection opened and subscribed `assets` (the initial subscription). */
  onOpen(conn: RecorderConnection, assets: readonly string[]): void;
  /** Dynamic subscribe / unsubscribe on an open connection. */
  onSubscribe(conn: RecorderConnection, assets: readonly string[]): void;
  onUnsubscribe(conn: RecorderConnection, assets: readonly string[], reason: string): void;
  /** A physical connection ended unexpectedly: continuity of `assets` is lost. */
  onLost(conn: RecorderConnection, assets: readonly string[], info: DisconnectInfo): void;
  /** A connection was retired or stopped on purpose. */
  onClosed(conn: RecorderConnection, reason: string): void;
}

export interface PoolOptions {
  readonly url: string;
  readonly maxAssetsPerConnection?: number;
  /** Delay between the first connects of connections created together. Default 100 ms. */
  readonly staggerMs?: number;
  readonly shardOf: (assetId: string) => number;
  /** Ask for `new_market` / `market_resolved` (custom feature). Default true. */
  readonly customFeatures?: boolean;
  readonly pingIntervalMs?: number;
  /** Hard stall watchdog of the socket itself (reconnect, leaves a gap). Default 60 s. */
  readonly stallTimeoutMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
  readonly recycle?: RecycleOptions;
  readonly logger?: FeedLogger;
  readonly now?: () => number;
}

export interface RecycleOptions {
  /** Replace connections older than this. 0 = never. Default 6 h. */
  readonly maxAgeMs?: number;
  /** Replace connections with assets but no data frame for this long. 0 = never. Default 30 s. */
  readonly silentMs?: number;
  readonly checkIntervalMs?: number;
  /** Give up waiting for the replacement's snapshots after this long (gap markers for the rest). Default 15 s. */
  readonly handoverTimeoutMs?: number;
  /** Recycles in progress at once. Default 2. */
  readonly maxConcurrent?: number;
}

let nextPhysicalId = 1;

export class RecorderConnection {
  /** Current physical connection id (0 before the first open). */
  id = 0;
  seq = 0;
  readonly assets = new Set<string>();
  readonly ws: ManagedWebSocket;
  openedAt = 0;
  lastFrameAt = 0;
  frames = 0;
  bytes = 0;
  opens = 0;
  losses = 0;
  retiring = false;
  stopped = false;
  /** Assets whose snapshot on this physical connection took ownership (from the workers). */
  owned = 0;
  private session: WsSession | undefined;
  private paused = false;

  constructor(
    readonly name: string,
    readonly shard: number,
    private readonly pool: ConnectionPool,
    o: PoolOptions,
    initialDelayMs: number,
  ) {
    this.ws = new ManagedWebSocket(
      {
        url: o.url,
        name,
        heartbeat: "text",
        pingIntervalMs: o.pingIntervalMs ?? 10_000,
        stallTimeoutMs: o.stallTimeoutMs ?? 60_000,
        initialDelayMs,
        backoff: o.backoff ?? {},
        logger: o.logger ?? silentLogger,
        ...(o.now !== undefined ? { now: o.now } : {}),
      },
      {
        onOpen: (s) => this.onOpen(s),
        onMessage: (data, receivedAt) => {
          if (this.stopped) return;
          this.seq++;
          this.frames++;
          this.bytes += data.length;
          this.lastFrameAt = receivedAt;
          pool.sink.onFrame(this, data, receivedAt);
        },
        onDisconnect: (info) => this.onDisconnect(info),
        isActive: () => this.assets.size > 0,
      },
    );
  }

  get open(): boolean {
    return this.ws.state === "open";
  }

  start(): void {
    this.ws.start();
  }

  add(assets: readonly string[]): void {
    const fresh = assets.filter((a) => !this.assets.has(a));
    if (fresh.length === 0) return;
    for (const a of fresh) this.assets.add(a);
    if (this.open && this.session !== undefined) {
      this.session.send(JSON.stringify({ assets_ids: fresh, operation: "subscribe" }));
      this.pool.sink.onSubscribe(this, fresh);
    }
  }

  remove(assets: readonly string[], reason: string): void {
    const gone = assets.filter((a) => this.assets.delete(a));
    if (gone.length === 0) return;
    if (this.open && this.session !== undefined) {
      this.session.send(JSON.stringify({ assets_ids: gone, operation: "unsubscribe" }));
      this.pool.sink.onUnsubscribe(this, gone, reason);
    }
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.session?.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.session?.resume();
  }

  async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const wasOpen = this.open;
    await this.ws.stop();
    if (wasOpen) this.pool.sink.onClosed(this, reason);
  }

  private onOpen(s: WsSession): void {
    this.session = s;
    this.id = nextPhysicalId++;
    this.seq = 0;
    this.owned = 0;
    this.opens++;
    this.openedAt = this.pool.now();
    this.lastFrameAt = this.openedAt;
    const assets = [...this.assets];
    s.send(JSON.stringify({ assets_ids: assets, type: "market", custom_feature_enabled: this.pool.customFeatures }));
    this.pool.sink.onOpen(this, assets);
    this.pool.register(this);
    if (this.paused) s.pause();
  }

  private onDisconnect(info: DisconnectInfo): void {
    this.losses++;
    this.pool.sink.onLost(this, [...this.assets], info);
  }
}

export interface PoolStats {
  connections: number;
  open: number;
  assets: number;
  created: number;
  retired: number;
  recycles: number;
  recyclesAged: number;
  recyclesSilent: number;
  handoverTimeouts: number;
  losses: number;
  reconnects: number;
  perConnection: Array<{
    name: string;
    id: number;
    shard: number;
    state: string;
    assets: number;
    frames: number;
    bytes: number;
    ageMs: number;
    silentMs: number;
    retiring: boolean;
  }>;
}

interface Recycle {
  readonly old: RecorderConnection;
  readonly fresh: RecorderConnection;
  readonly startedAt: number;
  readonly reason: string;
}

export class ConnectionPool {
  readonly customFeatures: boolean;
  readonly now: () => number;
  private readonly conns = new Set<RecorderConnection>();
  private readonly byAsset = new Map<string, RecorderConnection>();
  private readonly byPhysical = new Map<number, RecorderConnection>();
  private readonly recycles = new Map<RecorderConnection, Recycle>();
  private readonly cap: number;
  private readonly stagger: number;
  private readonly recycleOpts: Required<RecycleOptions>;
  private timer: NodeJS.Timeout | undefined;
  private counter = 0;
  private readonly counters = { created: 0, retired: 0, recycles: 0, recyclesAged: 0, recyclesSilent: 0, handoverTimeouts: 0 };
  private lastStartAt = 0;

  constructor(
    private readonly o: PoolOptions,
    readonly sink: PoolSink,
  ) {
    this.cap = Math.max(1, o.maxAssetsPerConnection ?? 400);
    this.stagger = Math.max(0, o.staggerMs ?? 100);
    this.customFeatures = o.customFeatures ?? true;
    this.now = o.now ?? Date.now;
    const r = o.recycle ?? {};
    this.recycleOpts = {
      maxAgeMs: r.maxAgeMs ?? 6 * 3_600_000,
      silentMs: r.silentMs ?? 30_000,
      checkIntervalMs: r.checkIntervalMs ?? 1_000,
      handoverTimeoutMs: r.handoverTimeoutMs ?? 15_000,
      maxConcurrent: r.maxConcurrent ?? 2,
    };
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.check(), this.recycleOpts.checkIntervalMs);
    this.timer.unref();
  }

  /** Places assets on connections of their shard with spare capacity, opening (staggered) new ones as needed. */
  assign(assets: readonly string[]): void {
    const byShard = new Map<number, string[]>();
    for (const a of assets) {
      if (this.byAsset.has(a)) continue;
      const s = this.o.shardOf(a);
      let list = byShard.get(s);
      if (list === undefined) {
        list = [];
        byShard.set(s, list);
      }
      list.push(a);
    }
    for (const [shard, list] of byShard) {
      let i = 0;
      for (const c of this.conns) {
        if (i >= list.length) break;
        if (c.shard !== shard || c.retiring || c.stopped) continue;
        const room = this.cap - c.assets.size;
        if (room <= 0) continue;
        const part = list.slice(i, i + room);
        i += part.length;
        for (const a of part) this.byAsset.set(a, c);
        c.add(part);
      }
      while (i < list.length) {
        const part = list.slice(i, i + this.cap);
        i += part.length;
        const c = this.create(shard);
        for (const a of part) this.byAsset.set(a, c);
        c.add(part);
        c.start();
      }
    }
  }

  unassign(assets: readonly string[], reason: string): void {
    const byConn = new Map<RecorderConnection, string[]>();
    for (const a of assets) {
      const c = this.byAsset.get(a);
      if (c === undefined) continue;
      this.byAsset.delete(a);
      let l = byConn.get(c);
      if (l === undefined) {
        l = [];
        byConn.set(c, l);
      }
      l.push(a);
    }
    for (const [c, l] of byConn) {
      c.remove(l, reason);
      // a recycle replacement carries the same assets
      for (const r of this.recycles.values()) if (r.old === c) r.fresh.remove(l, reason);
    }
  }

  connectionOf(assetId: string): RecorderConnection | undefined {
    return this.byAsset.get(assetId);
  }

  connections(): RecorderConnection[] {
    return [...this.conns];
  }

  /** Called by the book workers' reports: `n` more assets of physical connection `id` took ownership. */
  handover(physicalId: number, n: number): void {
    const c = this.byPhysical.get(physicalId);
    if (c !== undefined) c.owned += n;
  }

  private readonly pausedShards = new Set<number>();
  private writerPaused = false;

  /** Pause/resume every socket of a worker shard (its queue is over its bound). */
  setPaused(shard: number, paused: boolean): void {
    if (paused) this.pausedShards.add(shard);
    else this.pausedShards.delete(shard);
    this.applyPause();
  }

  /** Pause/resume every socket (the segment writer is behind). */
  setWriterPaused(paused: boolean): void {
    this.writerPaused = paused;
    this.applyPause();
  }

  /** A socket reads only when neither its shard's queue nor the writer is over its bound. */
  private applyPause(): void {
    for (const c of this.conns) {
      if (this.writerPaused || this.pausedShards.has(c.shard)) c.pause();
      else c.resume();
    }
  }

  /** Replaces `old` with overlap (public for tests and the admin API). */
  recycle(old: RecorderConnection, reason: string): RecorderConnection | undefined {
    if (old.retiring || old.stopped || !this.conns.has(old)) return undefined;
    old.retiring = true;
    const fresh = this.create(old.shard, 0);
    fresh.add([...old.assets]);
    for (const a of old.assets) this.byAsset.set(a, fresh);
    this.recycles.set(old, { old, fresh, startedAt: this.now(), reason });
    this.counters.recycles++;
    if (reason === "aged") this.counters.recyclesAged++;
    if (reason === "silent") this.counters.recyclesSilent++;
    fresh.start();
    return fresh;
  }

  /** Recycles in progress. */
  get recycling(): number {
    return this.recycles.size;
  }

  register(c: RecorderConnection): void {
    this.byPhysical.set(c.id, c);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.conns].map((c) => c.stop("shutdown")));
  }

  stats(): PoolStats {
    const now = this.now();
    let open = 0;
    let losses = 0;
    let reconnects = 0;
    for (const c of this.conns) {
      if (c.open) open++;
      losses += c.losses;
      reconnects += c.ws.stats.reconnects;
    }
    return {
      connections: this.conns.size,
      open,
      assets: this.byAsset.size,
      ...this.counters,
      losses,
      reconnects,
      perConnection: [...this.conns].map((c) => ({
        name: c.name,
        id: c.id,
        shard: c.shard,
        state: c.ws.state,
        assets: c.assets.size,
        frames: c.frames,
        bytes: c.bytes,
        ageMs: c.openedAt > 0 ? now - c.openedAt : 0,
        silentMs: c.lastFrameAt > 0 ? now - c.lastFrameAt : 0,
        retiring: c.retiring,
      })),
    };
  }

  /** One recycler pass (also run by the timer). */
  check(): void {
    const now = this.now();
    for (const r of [...this.recycles.values()]) {
      const ready = r.fresh.open && r.fresh.owned >= r.fresh.assets.size;
      const timedOut = now - r.startedAt >= this.recycleOpts.handoverTimeoutMs;
      if (ready || timedOut) {
        if (!ready) this.counters.handoverTimeouts++;
        void this.retire(r, ready);
      }
    }
    const { maxAgeMs, silentMs, maxConcurrent } = this.recycleOpts;
    for (const c of this.conns) {
      if (this.recycles.size >= maxConcurrent) break;
      if (c.retiring || c.stopped || !c.open || c.assets.size === 0) continue;
      if (maxAgeMs > 0 && now - c.openedAt >= maxAgeMs) this.recycle(c, "aged");
      else if (silentMs > 0 && now - c.lastFrameAt >= silentMs) this.recycle(c, "silent");
    }
  }

  private async retire(r: Recycle, handedOver: boolean): Promise<void> {
    this.recycles.delete(r.old);
    const old = r.old;
    if (!handedOver && old.open) {
      // The replacement did not deliver every snapshot in time: those books lose continuity.
      this.sink.onLost(old, [...old.assets], { reason: "closed", code: undefined, openMs: this.now() - old.openedAt, connection: old.id });
    } else if (old.open) {
      this.sink.onUnsubscribe(old, [...old.assets], `recycled:${r.reason}`);
    }
    this.conns.delete(old);
    this.counters.retired++;
    await old.stop(`recycled:${r.reason}`);
  }

  private create(shard: number, delay?: number): RecorderConnection {
    const now = this.now();
    // Stagger: each new connection starts `stagger` ms after the previous one.
    const at = Math.max(now, this.lastStartAt + this.stagger);
    this.lastStartAt = at;
    const c = new RecorderConnection(`market-${shard}-${++this.counter}`, shard, this, this.o, delay ?? at - now);
    if (this.writerPaused || this.pausedShards.has(shard)) c.pause();
    this.conns.add(c);
    this.counters.created++;
    return c;
  }
}
