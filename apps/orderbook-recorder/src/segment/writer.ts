/**
 * `SegmentWriter`: the receive-thread side of recording. Appending a frame is a few integer writes
 * and one memcpy into the open block; sealed blocks are transferred (zero-copy) to the compression
 * worker, which compresses, writes, indexes, rotates and fsyncs. Blocks seal by size or on a timer;
 * segments rotate by age and by file size. `close()` seals the last block and resolves only after
 * the worker has written it, written the index and fsynced file, index and directory.
 */
import { readdirSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { startWorker } from "../internal/worker-entry.js";
import type { SinkStats } from "../internal/segment-sink.js";
import { Codec, type CodecName, RecordBuffer, RecordType, type RecordTypeId } from "./format.js";
import type { SegmentIndex } from "./index-file.js";

export interface SegmentWriterOptions {
  readonly dir: string;
  /** File name prefix (e.g. the shard: `rec-0of2`). Default `rec`. */
  readonly prefix?: string;
  readonly codec?: CodecName;
  /** gzip level (default 6) or brotli quality (default 3). */
  readonly level?: number;
  /** Seal the open block at this many raw bytes. Default 1 MiB. */
  readonly blockBytes?: number;
  /** Seal the open block at least this often (ms). Default 1,000. 0 = only by size / flush(). */
  readonly flushIntervalMs?: number;
  /** Rotate when the current file reaches this many bytes. Default 256 MiB. */
  readonly maxSegmentBytes?: number;
  /** Rotate when the current segment is this old (ms). Default 1 h. */
  readonly maxSegmentMs?: number;
  /**
   * Sealed bytes waiting for the compression worker above which `onPressure(true)` is called (the
   * recorder pauses its sockets); `onPressure(false)` once below half. Default 64 MiB.
   */
  readonly maxPendingBytes?: number;
  readonly onPressure?: (paused: boolean) => void;
  /** Called right after a rotation, before any record of the new segment (write a checkpoint mark here). */
  readonly onRotate?: () => void;
  readonly now?: () => number;
}

export interface SegmentWriterStats {
  records: number;
  frames: number;
  rawBytes: number;
  blocksSealed: number;
  blocksPending: number;
  pendingBytes: number;
  maxPendingBytes: number;
  rotations: number;
  pressureEpisodes: number;
  underPressure: boolean;
  errors: number;
  lastError: string | undefined;
  sink: SinkStats | undefined;
}

export class SegmentWriter {
  readonly stats: SegmentWriterStats = {
    records: 0,
    frames: 0,
    rawBytes: 0,
    blocksSealed: 0,
    blocksPending: 0,
    pendingBytes: 0,
    maxPendingBytes: 0,
    rotations: 0,
    pressureEpisodes: 0,
    underPressure: false,
    errors: 0,
    lastError: undefined,
    sink: undefined,
  };
  /** The open block. Read its bytes with `block.view()` to copy a just-appended record elsewhere. */
  readonly block: RecordBuffer;
  private readonly worker: Worker;
  private readonly blockBytes: number;
  private readonly maxSegmentBytes: number;
  private readonly maxSegmentMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private segmentStartedAt = 0;
  private nextId = 1;
  private readonly waiters = new Map<number, (index: SegmentIndex | undefined) => void>();
  private readonly pendingSizes: number[] = [];
  private closed = false;
  private closing: Promise<SegmentIndex | undefined> | undefined;
  private readonly indexes: SegmentIndex[] = [];
  private readonly onRotate: (() => void) | undefined;
  private readonly maxPendingBytes: number;

  constructor(readonly options: SegmentWriterOptions) {
    const codec = Codec[options.codec ?? "gzip"];
    const prefix = options.prefix ?? "rec";
    if (!/^[A-Za-z0-9._-]+$/.test(prefix)) throw new Error(`invalid segment prefix ${JSON.stringify(prefix)}`);
    this.blockBytes = Math.max(4096, options.blockBytes ?? 1024 * 1024);
    this.maxSegmentBytes = Math.max(64 * 1024, options.maxSegmentBytes ?? 256 * 1024 * 1024);
    this.maxSegmentMs = Math.max(1000, options.maxSegmentMs ?? 3_600_000);
    this.now = options.now ?? Date.now;
    this.onRotate = options.onRotate;
    this.maxPendingBytes = Math.max(64 * 1024, options.maxPendingBytes ?? 64 * 1024 * 1024);
    this.block = new RecordBuffer(Math.min(this.blockBytes * 2, 8 * 1024 * 1024));
    const level = options.level ?? (codec === Codec.brotli ? 3 : 6);
    this.worker = startWorker("compress-worker", { dir: options.dir, prefix, codec, level, firstSeq: nextSeq(options.dir, prefix) });
    this.worker.on("message", (m: { type: string; id?: number; index?: SegmentIndex; stats?: SinkStats; error?: string }) => {
      if (m.stats !== undefined) this.stats.sink = m.stats;
      if (m.type === "written") {
        const size = this.pendingSizes.shift() ?? 0;
        this.stats.blocksPending--;
        this.stats.pendingBytes -= size;
        if (this.stats.underPressure && this.stats.pendingBytes <= this.maxPendingBytes / 2) {
          this.stats.underPressure = false;
          this.options.onPressure?.(false);
        }
      } else if (m.type === "rotated" || m.type === "closed") {
        if (m.index !== undefined) this.indexes.push(m.index);
        const w = m.id === undefined ? undefined : this.waiters.get(m.id);
        if (w !== undefined && m.id !== undefined) {
          this.waiters.delete(m.id);
          w(m.index);
        }
      } else if (m.type === "error") {
        this.stats.errors++;
        this.stats.lastError = m.error;
      }
    });
    this.worker.on("error", (e) => {
      this.stats.errors++;
      this.stats.lastError = e.message;
    });
    const interval = options.flushIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => this.tick(), interval);
      this.timer.unref();
    }
  }

  /** Appends a raw frame. Returns the record's offset in `block` (valid until the next append). */
  appendFrame(conn: number, seq: number, tsMs: number, data: Uint8Array): number {
    if (this.closed) throw new Error("segment writer closed");
    this.beforeAppend(tsMs);
    const at = this.block.append(RecordType.frame, conn, seq, tsMs, data);
    this.afterAppend(true, this.block.length - at);
    return at;
  }

  /** Appends a control record (subscribe, gap, checkpoint…) with a JSON payload. */
  appendControl(type: RecordTypeId, conn: number, tsMs: number, payload: object): number {
    if (this.closed) throw new Error("segment writer closed");
    this.beforeAppend(tsMs);
    const at = this.block.append(type, conn, 0, tsMs, JSON.stringify(payload));
    this.afterAppend(false, this.block.length - at);
    return at;
  }

  /** Seals the open block and hands it to the compression worker. */
  flush(): void {
    if (this.block.count === 0) return;
    const b = this.block.take();
    this.pendingSizes.push(b.bytes.byteLength);
    this.stats.blocksSealed++;
    this.stats.blocksPending++;
    this.stats.pendingBytes += b.bytes.byteLength;
    if (this.stats.pendingBytes > this.stats.maxPendingBytes) this.stats.maxPendingBytes = this.stats.pendingBytes;
    this.worker.postMessage({ type: "block", bytes: b.bytes, count: b.count, firstMs: b.firstMs, lastMs: b.lastMs }, [
      b.bytes.buffer as ArrayBuffer,
    ]);
    if (!this.stats.underPressure && this.stats.pendingBytes > this.maxPendingBytes) {
      this.stats.underPressure = true;
      this.stats.pressureEpisodes++;
      this.options.onPressure?.(true);
    }
  }

  /** Closes the current segment now (index + fsync); resolves with its index. */
  rotate(): Promise<SegmentIndex | undefined> {
    this.flush();
    const p = this.request("rotate");
    this.stats.rotations++;
    this.segmentStartedAt = 0;
    this.onRotate?.();
    return p;
  }

  /** True once `close` was called: appends throw from then on. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Seals, writes, indexes and fsyncs everything, then stops the worker. Idempotent. */
  close(): Promise<SegmentIndex | undefined> {
    if (this.closing !== undefined) return this.closing;
    this.flush();
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.closing = this.request("close").then(async (index) => {
      await this.worker.terminate();
      return index;
    });
    return this.closing;
  }

  /** Indexes of the segments closed so far by this writer. */
  closedSegments(): readonly SegmentIndex[] {
    return this.indexes;
  }

  private request(type: "rotate" | "close"): Promise<SegmentIndex | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiters.set(id, resolve);
      this.worker.postMessage({ type, id });
    });
  }

  /** Seals a full block BEFORE appending, so the record just appended is always in `block.view()`. */
  private beforeAppend(tsMs: number): void {
    if (this.block.length >= this.blockBytes) this.flush();
    if (this.segmentStartedAt === 0) this.segmentStartedAt = tsMs;
  }

  private afterAppend(frame: boolean, bytes: number): void {
    this.stats.records++;
    this.stats.rawBytes += bytes;
    if (frame) this.stats.frames++;
  }

  private tick(): void {
    const now = this.now();
    const fileBytes = (this.stats.sink?.currentFileBytes ?? 0) + this.stats.pendingBytes / 4 + this.block.length / 4;
    const aged = this.segmentStartedAt > 0 && now - this.segmentStartedAt >= this.maxSegmentMs;
    if (!this.closed && (aged || fileBytes >= this.maxSegmentBytes)) {
      void this.rotate();
      return;
    }
    this.flush();
  }
}

/** Next free segment sequence number for `prefix` in `dir` (segments are never overwritten). */
function nextSeq(dir: string, prefix: string): number {
  let max = -1;
  try {
    for (const f of readdirSync(dir)) {
      if (!f.startsWith(`${prefix}-`) || !f.endsWith(".seg")) continue;
      const m = /-(\d{6,})\.seg$/.exec(f);
      if (m?.[1] !== undefined) max = Math.max(max, Number(m[1]));
    }
  } catch {
    // dir does not exist yet
  }
  return max + 1;
}
