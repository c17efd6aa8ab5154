/**
 * `Recorder`: the composition root of a recording instance. Receive path per frame (main thread):
 * sequence number, one append into the open segment block, one memcpy into the shard's worker
 * batch. Everything else (decode, books, compression, file I/O) happens on worker threads.
 */
import type { DisconnectInfo, FeedLogger } from "@mm/feeds";
import { PolymarketClient } from "@mm/ingestion";
import {
  type ConnectionPool as Pool,
  ConnectionPool,
  type PoolStats,
  type RecorderConnection,
  type RecycleOptions,
} from "./connections.js";
import { instanceShardOf, type ShardSpec } from "./hash.js";
import type { WorkerStats } from "./internal/worker-protocol.js";
import { LifecycleController, type LifecycleStats, type MarketFilter } from "./lifecycle.js";
import { AssetRegistry, type RegistryStats } from "./registry.js";
import { type CheckpointBook, RECORD_HEAD, RecordType, type RecordTypeId } from "./segment/format.js";
import { SegmentWriter, type SegmentWriterOptions, type SegmentWriterStats } from "./segment/writer.js";
import { BookWorkers, type ShardQueueStats } from "./workers/book-workers.js";

export interface RecorderOptions {
  /** Market channel URL (…/ws/market). */
  readonly wsUrl: string;
  readonly gammaUrl: string;
  readonly dataDir: string;
  /** Segment file prefix; default `rec` or `rec-<k>of<N>` when sharded. */
  readonly prefix?: string;
  readonly shard?: ShardSpec;
  /** Book worker threads. Default 2. */
  readonly workers?: number;
  readonly maxAssetsPerConnection?: number;
  readonly staggerMs?: number;
  readonly discoveryIntervalMs?: number;
  readonly newMarketEvents?: boolean;
  readonly filter?: MarketFilter;
  readonly cleanupDelayMs?: number;
  readonly recycle?: RecycleOptions;
  /** Periodic book checkpoints. Default 5 min; also one at every rotation and at shutdown. */
  readonly checkpointIntervalMs?: number;
  readonly segment?: Omit<SegmentWriterOptions, "dir" | "prefix" | "onRotate" | "onPressure" | "now">;
  readonly maxQueueBytes?: number;
  readonly pingIntervalMs?: number;
  readonly logger?: FeedLogger;
  readonly now?: () => number;
  readonly gammaPageSize?: number;
  /** Publish normalized events to NATS JetStream, subject `<subjectPrefix>.<market>`. */
  readonly nats?: {
    readonly servers: string;
    readonly stream?: string;
    readonly subjectPrefix?: string;
    /** Publishes in flight per worker before backpressure (or shedding while NATS is down). Default 20,000. */
    readonly maxPending?: number;
    /** How long a failed publish is retried (same message id: de-duplicated). Default 60 s. */
    readonly retryBudgetMs?: number;
  };
}

export interface RecorderStats {
  readonly state: string;
  readonly startedAt: number;
  readonly registry: RegistryStats;
  readonly pool: PoolStats;
  readonly workers: WorkerStats[];
  readonly queues: ShardQueueStats[];
  readonly lifecycle: LifecycleStats;
  readonly writer: SegmentWriterStats;
  readonly recorder: {
    frames: number;
    bytes: number;
    gaps: number;
    gapAssets: number;
    checkpointsRequested: number;
    checkpointsWritten: number;
    checkpointsDropped: number;
  };
  /** This process's memory (the RSS soak watches these). */
  readonly process: { rssBytes: number; heapUsedBytes: number; externalBytes: number; arrayBuffersBytes: number; uptimeS: number };
}

export interface HealthComponent {
  readonly ok: boolean;
  readonly detail: string;
}

export class Recorder {
  readonly registry = new AssetRegistry();
  readonly pool: Pool;
  readonly workers: BookWorkers;
  readonly writer: SegmentWriter;
  readonly lifecycle: LifecycleController;
  private readonly client: PolymarketClient;
  private readonly now: () => number;
  private state: "idle" | "running" | "stopping" | "stopped" = "idle";
  private checkpointsClosed = false;
  private startedAt = 0;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private nextCheckpoint = 1;
  private stopping: Promise<void> | undefined;
  readonly counters = { frames: 0, bytes: 0, gaps: 0, gapAssets: 0, checkpointsRequested: 0, checkpointsWritten: 0, checkpointsDropped: 0 };

  constructor(readonly o: RecorderOptions) {
    this.now = o.now ?? Date.now;
    const shard = o.shard;
    const prefix = o.prefix ?? (shard !== undefined && shard.count > 1 ? `rec-${shard.index}of${shard.count}` : "rec");
    this.writer = new SegmentWriter({
      ...(o.segment ?? {}),
      dir: o.dataDir,
      prefix,
      now: this.now,
      onRotate: () => this.checkpoint(),
      onPressure: (paused) => this.pool.setWriterPaused(paused),
    });
    this.workers = new BookWorkers({
      workers: o.workers ?? 2,
      ...(o.maxQueueBytes !== undefined ? { maxQueueBytes: o.maxQueueBytes } : {}),
      now: this.now,
      ...(o.nats !== undefined
        ? {
            nats: {
              servers: o.nats.servers,
              stream: o.nats.stream ?? "PM_BOOKS",
              subjectPrefix: o.nats.subjectPrefix ?? "pm.book",
              ...(o.nats.maxPending !== undefined ? { maxPending: o.nats.maxPending } : {}),
              ...(o.nats.retryBudgetMs !== undefined ? { retryBudgetMs: o.nats.retryBudgetMs } : {}),
              instance: shard !== undefined ? `${shard.index}of${shard.count}` : "0of1",
            },
          }
        : {}),
      onCheckpoint: (id, s, books) => this.writeCheckpoint(id, s, books),
      onPressure: (s, paused) => this.pool.setPaused(s, paused),
      onHandover: (conn, n) => this.pool.handover(conn, n),
      onLifecycle: (e) => {
        if (e.kind === "new_market") this.lifecycle.onNewMarket(e);
        else this.lifecycle.onResolved(e.market);
      },
    });
    const sink = {
      onFrame: (c: RecorderConnection, data: Buffer, ts: number) => this.onFrame(c, data, ts),
      onOpen: (c: RecorderConnection, assets: readonly string[]) => {
        this.control(RecordType.conn, c.id, { event: "open", assets: assets.length, name: c.name });
        this.subscribeRecord(c, assets);
      },
      onSubscribe: (c: RecorderConnection, assets: readonly string[]) => this.subscribeRecord(c, assets),
      onUnsubscribe: (c: RecorderConnection, assets: readonly string[], reason: string) => {
        this.control(RecordType.unsubscribe, c.id, { assets, reason });
      },
      onLost: (c: RecorderConnection, assets: readonly string[], info: DisconnectInfo) => {
        this.counters.gaps++;
        this.counters.gapAssets += assets.length;
        this.control(RecordType.gap, c.id, { assets, reason: info.reason });
        this.control(RecordType.conn, c.id, { event: "close", reason: info.reason });
      },
      onClosed: (c: RecorderConnection, reason: string) => this.control(RecordType.conn, c.id, { event: "close", reason }),
    };
    this.pool = new ConnectionPool(
      {
        url: o.wsUrl,
        shardOf: (a) => this.workers.shardOf(a),
        ...(o.maxAssetsPerConnection !== undefined ? { maxAssetsPerConnection: o.maxAssetsPerConnection } : {}),
        ...(o.staggerMs !== undefined ? { staggerMs: o.staggerMs } : {}),
        ...(o.recycle !== undefined ? { recycle: o.recycle } : {}),
        ...(o.pingIntervalMs !== undefined ? { pingIntervalMs: o.pingIntervalMs } : {}),
        ...(o.logger !== undefined ? { logger: o.logger } : {}),
        customFeatures: o.newMarketEvents ?? true,
        now: this.now,
      },
      sink,
    );
    this.client = new PolymarketClient({ gammaUrl: o.gammaUrl });
    this.lifecycle = new LifecycleController({
      client: this.client,
      registry: this.registry,
      ...(o.filter !== undefined ? { filter: o.filter } : {}),
      ...(shard !== undefined && shard.count > 1 ? { acceptAsset: (a: string) => instanceShardOf(a, shard.count) === shard.index } : {}),
      ...(o.discoveryIntervalMs !== undefined ? { intervalMs: o.discoveryIntervalMs } : {}),
      ...(o.cleanupDelayMs !== undefined ? { cleanupDelayMs: o.cleanupDelayMs } : {}),
      ...(o.gammaPageSize !== undefined ? { pageSize: o.gammaPageSize } : {}),
      newMarketEvents: o.newMarketEvents ?? true,
      now: this.now,
      onAdded: (assets) => this.pool.assign(assets),
      onExpired: (assets) => this.pool.unassign(assets, "expired"),
      onRemoved: (assets, market) => this.control(RecordType.expire, 0, { assets, market }),
    });
  }

  /** Discovers (first pass awaited), subscribes, and starts the timers. */
  async start(): Promise<void> {
    if (this.state !== "idle") return;
    this.state = "running";
    this.startedAt = this.now();
    this.pool.start();
    await this.lifecycle.start();
    const every = this.o.checkpointIntervalMs ?? 5 * 60_000;
    if (every > 0) {
      this.checkpointTimer = setInterval(() => this.checkpoint(), every);
      this.checkpointTimer.unref();
    }
  }

  /**
   * Graceful stop (SIGTERM): stop discovery, close every socket, take a final checkpoint once the
   * workers have applied every frame, then seal, write, index and fsync the last segment.
   */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.stopping = (async () => {
      this.state = "stopping";
      if (this.checkpointTimer !== undefined) clearInterval(this.checkpointTimer);
      await this.lifecycle.stop();
      await this.pool.stop();
      this.checkpoint();
      // The last one: a rotation during the drain must not ask for another the writer could not take.
      this.checkpointsClosed = true;
      await this.workers.drain();
      await this.writer.close();
      await this.workers.close();
      await this.client.close();
      this.state = "stopped";
    })();
    return this.stopping;
  }

  /** Writes a checkpoint mark; the workers answer with their books at exactly that point. */
  checkpoint(): number {
    if (this.state === "stopped" || this.checkpointsClosed) return 0;
    const id = this.nextCheckpoint++;
    this.counters.checkpointsRequested++;
    this.control(RecordType.checkpointMark, 0, { id });
    return id;
  }

  async stats(): Promise<RecorderStats> {
    const workers = this.state === "stopped" ? [] : await this.workers.stats();
    return {
      state: this.state,
      startedAt: this.startedAt,
      registry: this.registry.stats(),
      pool: this.pool.stats(),
      workers,
      queues: this.workers.queueStats(),
      lifecycle: { ...this.lifecycle.stats },
      writer: { ...this.writer.stats },
      recorder: { ...this.counters },
      process: processMemory(),
    };
  }

  health(): { readonly ok: boolean; readonly components: Record<string, HealthComponent> } {
    const pool = this.pool.stats();
    const q = this.workers.queueStats();
    const life = this.lifecycle.stats;
    const w = this.writer.stats;
    const components: Record<string, HealthComponent> = {
      recorder: { ok: this.state === "running", detail: this.state },
      connections: {
        ok: pool.connections === 0 || pool.open > 0,
        detail: `${pool.open}/${pool.connections} open, ${pool.assets} assets`,
      },
      workers: {
        ok: q.every((s) => s.alive) && this.workers.errors === 0,
        detail: q
          .map((s) => `#${s.shard} ${s.alive ? "alive" : "dead"} q=${s.queuedBytes}B${s.underPressure ? " PRESSURE" : ""}`)
          .join(", "),
      },
      discovery: {
        // healthy while a pass succeeded within the last three intervals (failures are retried)
        ok: life.passes > 0 && this.now() - life.lastPassAt <= 3 * Math.max(1000, this.o.discoveryIntervalMs ?? 60_000),
        detail: `${life.passes} passes, ${life.failures} failures${life.lastError !== undefined ? `, last error: ${life.lastError}` : ""}`,
      },
      writer: {
        ok: w.errors === 0,
        detail: `${w.records} records, ${w.blocksPending} blocks pending${w.lastError ? `, ${w.lastError}` : ""}`,
      },
    };
    return { ok: Object.values(components).every((c) => c.ok), components };
  }

  /** Every worker's current books (after everything received so far is applied). */
  books(): Promise<CheckpointBook[]> {
    return this.workers.books();
  }

  // ---- hot path ---------------------------------------------------------------------------------

  private onFrame(c: RecorderConnection, data: Buffer, ts: number): void {
    if (this.state === "stopped") return;
    this.counters.frames++;
    this.counters.bytes += data.length;
    const w = this.writer;
    const at = w.appendFrame(c.id, c.seq, ts, data);
    this.workers.push(c.shard, w.block.raw, at, at + RECORD_HEAD + data.length, ts);
  }

  private subscribeRecord(c: RecorderConnection, assets: readonly string[]): void {
    const ticks = assets.map((a) => this.registry.asset(a)?.tick ?? null);
    for (const a of assets) this.registry.markSubscribed(a, c.id, this.now());
    this.control(RecordType.subscribe, c.id, { assets, ticks });
  }

  /** Appends a control record to the segment and to every worker (in stream order). */
  private control(type: RecordTypeId, conn: number, payload: object): void {
    // After the last segment is sealed (stop), nothing more can be recorded.
    if (this.state === "stopped" || this.writer.isClosed) return;
    const ts = this.now();
    const w = this.writer;
    const at = w.appendControl(type, conn, ts, payload);
    if (type !== RecordType.conn) this.workers.broadcast(w.block.raw, at, w.block.length, ts);
  }

  private writeCheckpoint(id: number, shard: number, books: CheckpointBook[]): void {
    if (this.state === "stopped" || this.writer.isClosed) {
      this.counters.checkpointsDropped++;
      return;
    }
    this.counters.checkpointsWritten++;
    this.writer.appendControl(RecordType.checkpoint, 0, this.now(), { id, shard, shards: this.workers.count, books });
  }
}

function processMemory(): RecorderStats["process"] {
  const m = process.memoryUsage();
  return {
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    externalBytes: m.external,
    arrayBuffersBytes: m.arrayBuffers,
    uptimeS: Math.round(process.uptime()),
  };
}
