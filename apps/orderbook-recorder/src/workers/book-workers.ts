/**
 * `BookWorkers`: the main-thread side of the book workers. Records are copied into one batch per
 * shard (a memcpy of the bytes the segment writer just encoded), and batches go out once per event
 * loop turn or when full. Each shard's queue (bytes sent, not yet acked) is bounded: above
 * `maxQueueBytes` the shard is declared under pressure (`onPressure(shard, true)`, which pauses its
 * sockets) until it drains below half. Nothing is ever dropped here; the accounting is explicit in
 * `stats` (queue depth, high-water mark, pressure episodes and time).
 */
import type { Worker } from "node:worker_threads";
import { workerShardOf } from "../hash.js";
import { startWorker } from "../internal/worker-entry.js";
import type { NatsSinkOptions } from "../internal/nats-sink.js";
import type { LifecycleEvent, WorkerOut, WorkerStats } from "../internal/worker-protocol.js";
import { type CheckpointBook, RecordBuffer } from "../segment/format.js";

export interface BookWorkersOptions {
  readonly workers: number;
  /** Bytes in flight per shard before backpressure. Default 32 MiB. */
  readonly maxQueueBytes?: number;
  /** Send a batch once it holds this many bytes (else at the end of the loop turn). Default 256 KiB. */
  readonly maxBatchBytes?: number;
  readonly onCheckpoint?: (id: number, shard: number, books: CheckpointBook[]) => void;
  readonly onPressure?: (shard: number, paused: boolean) => void;
  readonly onHandover?: (conn: number, assets: number) => void;
  readonly onLifecycle?: (e: LifecycleEvent) => void;
  readonly now?: () => number;
  /** Publish applied events to NATS JetStream from every worker. */
  readonly nats?: NatsSinkOptions;
}

export interface ShardQueueStats {
  shard: number;
  queuedBytes: number;
  queuedBatches: number;
  maxQueuedBytes: number;
  sentBatches: number;
  sentBytes: number;
  sentRecords: number;
  pressureEpisodes: number;
  pressureMs: number;
  underPressure: boolean;
  pressureSince: number;
  alive: boolean;
  exitCode: number | undefined;
}

interface Shard {
  readonly worker: Worker;
  readonly batch: RecordBuffer;
  readonly q: ShardQueueStats;
}

export class BookWorkers {
  private readonly shards: Shard[] = [];
  private scheduled = false;
  private nextId = 1;
  private readonly waiters = new Map<string, { left: number; acc: unknown[]; resolve: (v: unknown[]) => void }>();
  private readonly maxQueueBytes: number;
  private readonly maxBatchBytes: number;
  private readonly now: () => number;
  private readonly ackWaiters: Array<() => void> = [];
  errors = 0;
  lastError: string | undefined;

  constructor(private readonly o: BookWorkersOptions) {
    const n = Math.max(1, Math.floor(o.workers));
    this.maxQueueBytes = Math.max(64 * 1024, o.maxQueueBytes ?? 32 * 1024 * 1024);
    this.maxBatchBytes = Math.max(4096, o.maxBatchBytes ?? 256 * 1024);
    this.now = o.now ?? Date.now;
    for (let shard = 0; shard < n; shard++) {
      const worker = startWorker("book-worker", { shard, shards: n, ...(o.nats !== undefined ? { nats: o.nats } : {}) });
      const q: ShardQueueStats = {
        shard,
        queuedBytes: 0,
        queuedBatches: 0,
        maxQueuedBytes: 0,
        sentBatches: 0,
        sentBytes: 0,
        sentRecords: 0,
        pressureEpisodes: 0,
        pressureMs: 0,
        underPressure: false,
        pressureSince: 0,
        alive: true,
        exitCode: undefined,
      };
      const s: Shard = { worker, batch: new RecordBuffer(this.maxBatchBytes * 2), q };
      worker.on("message", (m: WorkerOut) => this.onMessage(s, m));
      worker.on("error", (e) => {
        this.errors++;
        this.lastError = `book worker ${shard}: ${e.message}`;
      });
      worker.on("exit", (code) => {
        q.alive = false;
        q.exitCode = code;
      });
      this.shards.push(s);
    }
  }

  get count(): number {
    return this.shards.length;
  }

  shardOf(assetId: string): number {
    return workerShardOf(assetId, this.shards.length);
  }

  queueStats(): ShardQueueStats[] {
    return this.shards.map((s) => ({ ...s.q }));
  }

  /** Copies one encoded record (`src[start, end)`) into `shard`'s batch. */
  push(shard: number, src: Buffer, start: number, end: number, tsMs: number): void {
    const s = this.shards[shard];
    if (s === undefined) return;
    s.batch.appendRaw(src, start, end, tsMs);
    if (s.batch.length >= this.maxBatchBytes) this.send(s);
    else this.schedule();
  }

  /** Copies one encoded control record into every shard's batch. */
  broadcast(src: Buffer, start: number, end: number, tsMs: number): void {
    for (let i = 0; i < this.shards.length; i++) this.push(i, src, start, end, tsMs);
  }

  /** Sends every non-empty batch now. */
  flush(): void {
    this.scheduled = false;
    for (const s of this.shards) if (s.batch.count > 0) this.send(s);
  }

  /** Resolves when every batch sent so far has been applied. */
  async drain(): Promise<void> {
    this.flush();
    while (this.shards.some((s) => s.q.queuedBatches > 0 && s.q.alive)) {
      await new Promise<void>((r) => this.ackWaiters.push(r));
    }
  }

  /** Worker stats (after everything queued so far). */
  stats(): Promise<WorkerStats[]> {
    return this.ask("stats") as Promise<WorkerStats[]>;
  }

  /** Every worker's books, after everything queued so far. */
  async books(): Promise<CheckpointBook[]> {
    const parts = (await this.ask("books")) as CheckpointBook[][];
    return parts.flat();
  }

  async close(): Promise<void> {
    await this.drain();
    // NATS publishes outlive their batch's ack (bounded outbox): wait for them before exiting.
    if (this.o.nats !== undefined) await this.ask("flush");
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
  }

  private ask(type: "stats" | "books" | "flush"): Promise<unknown[]> {
    this.flush();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const live = this.shards.filter((s) => s.q.alive);
      if (live.length === 0) {
        resolve([]);
        return;
      }
      this.waiters.set(`${type}:${id}`, { left: live.length, acc: [], resolve });
      for (const s of live) s.worker.postMessage({ type, id });
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private send(s: Shard): void {
    const b = s.batch.take();
    const q = s.q;
    q.queuedBytes += b.bytes.byteLength;
    q.queuedBatches++;
    q.sentBatches++;
    q.sentBytes += b.bytes.byteLength;
    q.sentRecords += b.count;
    if (q.queuedBytes > q.maxQueuedBytes) q.maxQueuedBytes = q.queuedBytes;
    s.worker.postMessage({ type: "batch", id: this.nextId++, bytes: b.bytes }, [b.bytes.buffer as ArrayBuffer]);
    if (!q.underPressure && q.queuedBytes > this.maxQueueBytes) {
      q.underPressure = true;
      q.pressureEpisodes++;
      q.pressureSince = this.now();
      this.o.onPressure?.(q.shard, true);
    }
  }

  private onMessage(s: Shard, m: WorkerOut): void {
    switch (m.type) {
      case "ack": {
        const q = s.q;
        q.queuedBytes -= m.bytes;
        q.queuedBatches--;
        if (q.underPressure && q.queuedBytes <= this.maxQueueBytes / 2) {
          q.underPressure = false;
          q.pressureMs += this.now() - q.pressureSince;
          this.o.onPressure?.(q.shard, false);
        }
        if (m.handovers !== undefined) for (const [conn, n] of m.handovers) this.o.onHandover?.(conn, n);
        if (m.lifecycle !== undefined) for (const e of m.lifecycle) this.o.onLifecycle?.(e);
        if (this.ackWaiters.length > 0) for (const w of this.ackWaiters.splice(0)) w();
        return;
      }
      case "checkpoint":
        this.o.onCheckpoint?.(m.id, m.shard, m.books);
        return;
      case "stats":
      case "books":
      case "flushed": {
        const key = `${m.type === "flushed" ? "flush" : m.type}:${m.id}`;
        const w = this.waiters.get(key);
        if (w === undefined) return;
        w.acc[m.shard] = m.type === "stats" ? m.stats : m.type === "books" ? m.books : true;
        if (--w.left === 0) {
          this.waiters.delete(key);
          w.resolve(w.acc.filter((x) => x !== undefined));
        }
        return;
      }
    }
  }
}
