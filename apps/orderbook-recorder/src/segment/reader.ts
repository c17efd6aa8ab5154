/**
 * Segment reader (shared with the backtester): lists segments, loads or rebuilds their indexes,
 * and iterates records, frames or decoded events by time range and asset. Blocks are read with
 * positional reads and decompressed one at a time (memory ~ one block). A corrupt or torn block is
 * reported in `ReadStats` and skipped; it never ends the iteration silently.
 */
import { type FileHandle, open, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { brotliDecompressSync, crc32, gunzipSync } from "node:zlib";
import { decodeWsFrame, type MarketEvent, type WsEvent } from "@mm/protocol";
import {
  BLOCK_HEADER_BYTES,
  Codec,
  FILE_HEADER_BYTES,
  forEachRecord,
  readBlockHeader,
  readFileHeader,
  RecordType,
  type SegmentRecord,
} from "./format.js";
import { indexPathOf, type SegmentIndex, SegmentIndexSchema } from "./index-file.js";
import { SegmentIndexer } from "../internal/segment-indexer.js";

export interface SegmentInfo {
  readonly path: string;
  readonly index: SegmentIndex;
  /** True when the index was rebuilt by scanning (no index file: crash or still being written). */
  readonly recovered: boolean;
  /** Bytes after the last complete block (torn write), if any. */
  readonly tornBytes: number;
}

export interface ReadStats {
  blocks: number;
  records: number;
  badBlocks: number;
  badRecords: number;
  lastError: string | undefined;
}

export interface RecordQuery {
  /** Inclusive, epoch ms (receive time). */
  readonly fromMs?: number;
  /** Exclusive, epoch ms. */
  readonly toMs?: number;
  /** Only segments whose file name starts with `<prefix>-`. */
  readonly prefix?: string;
  readonly stats?: ReadStats;
}

export interface FrameQuery extends RecordQuery {
  /** Only frames with at least one event for one of these assets (decodes frames to check). */
  readonly assets?: ReadonlySet<string> | readonly string[];
}

export interface RecordedFrame {
  readonly tsMs: number;
  readonly conn: number;
  readonly seq: number;
  readonly data: Buffer;
}

export interface RecordedEvent {
  readonly tsMs: number;
  readonly conn: number;
  readonly seq: number;
  readonly event: MarketEvent;
}

export function newReadStats(): ReadStats {
  return { blocks: 0, records: 0, badBlocks: 0, badRecords: 0, lastError: undefined };
}

/** Segment files of `dir` in time order (optionally one prefix), with their indexes. */
export async function listSegments(dir: string, prefix?: string): Promise<SegmentInfo[]> {
  const names = (await readdir(dir))
    .filter((f) => f.endsWith(".seg") && (prefix === undefined || f.startsWith(`${prefix}-`)))
    .sort(bySegmentOrder);
  const out: SegmentInfo[] = [];
  for (const name of names) out.push(await openSegmentInfo(join(dir, name)));
  return out;
}

/** Time order: the timestamp part, then the sequence number (file names of different prefixes interleave correctly). */
function bySegmentOrder(a: string, b: string): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
function sortKey(name: string): string {
  const m = /-(\d{8}T\d{6}Z)-(\d+)\.seg$/.exec(name);
  return m === null ? name : `${m[1]}-${m[2]?.padStart(12, "0")}-${name}`;
}

export async function openSegmentInfo(path: string): Promise<SegmentInfo> {
  try {
    const parsed = SegmentIndexSchema.safeParse(JSON.parse(await readFile(indexPathOf(path), "utf8")));
    if (parsed.success) return { path, index: parsed.data, recovered: false, tornBytes: 0 };
  } catch {
    // no index (crash, or the segment is still open): rebuild below
  }
  return scanSegment(path);
}

/** Rebuilds a segment's index from its block headers and contents. */
export async function scanSegment(path: string): Promise<SegmentInfo> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(FILE_HEADER_BYTES);
    await fh.read(head, 0, FILE_HEADER_BYTES, 0);
    const fileHeader = readFileHeader(head);
    if (fileHeader === undefined) throw new Error(`${path}: not a segment file`);
    const name = path.slice(path.lastIndexOf("/") + 1);
    const seq = Number(/-(\d+)\.seg$/.exec(name)?.[1] ?? 0);
    const indexer = new SegmentIndexer(name, seq, fileHeader.codec, 0, new Map());
    let offset = FILE_HEADER_BYTES;
    const hb = Buffer.alloc(BLOCK_HEADER_BYTES);
    while (offset + BLOCK_HEADER_BYTES <= size) {
      await fh.read(hb, 0, BLOCK_HEADER_BYTES, offset);
      const h = readBlockHeader(hb);
      if (h === undefined || offset + BLOCK_HEADER_BYTES + h.compressedLen > size) break;
      const payload = Buffer.alloc(h.compressedLen);
      await fh.read(payload, 0, h.compressedLen, offset + BLOCK_HEADER_BYTES);
      const raw = crc32(payload) === h.crc ? decompress(h.codec, payload) : undefined;
      if (raw === undefined) break;
      indexer.addBlock(
        { offset, compressedLen: h.compressedLen, rawLen: h.rawLen, records: h.records, firstMs: h.firstMs, lastMs: h.lastMs },
        raw,
      );
      offset += BLOCK_HEADER_BYTES + h.compressedLen;
    }
    return { path, index: indexer.index(offset, false), recovered: true, tornBytes: size - offset };
  } finally {
    await fh.close();
  }
}

function decompress(codec: number, payload: Buffer): Buffer | undefined {
  try {
    if (codec === Codec.gzip) return gunzipSync(payload);
    if (codec === Codec.brotli) return brotliDecompressSync(payload);
    if (codec === Codec.none) return payload;
  } catch {
    return undefined;
  }
  return undefined;
}

/** Reads and decompresses block `i` of a segment; undefined (counted) when corrupt. */
export async function readBlock(seg: SegmentInfo, i: number, stats?: ReadStats, handle?: FileHandle): Promise<Buffer | undefined> {
  const b = seg.index.blocks[i];
  if (b === undefined) return undefined;
  const fh = handle ?? (await open(seg.path, "r"));
  try {
    const buf = Buffer.alloc(BLOCK_HEADER_BYTES + b.compressedLen);
    const { bytesRead } = await fh.read(buf, 0, buf.length, b.offset);
    const h = readBlockHeader(buf);
    const payload = buf.subarray(BLOCK_HEADER_BYTES);
    const raw = bytesRead === buf.length && h !== undefined && crc32(payload) === h.crc ? decompress(h.codec, payload) : undefined;
    if (stats !== undefined) {
      stats.blocks++;
      if (raw === undefined) {
        stats.badBlocks++;
        stats.lastError = `${seg.path}: block ${i} at ${b.offset} is corrupt`;
      }
    }
    return raw;
  } finally {
    if (handle === undefined) await fh.close();
  }
}

/** Every record in time range `[fromMs, toMs)`, in stream order, across segments. */
export async function* readRecords(dir: string, q: RecordQuery = {}): AsyncGenerator<SegmentRecord> {
  const from = q.fromMs ?? Number.NEGATIVE_INFINITY;
  const to = q.toMs ?? Number.POSITIVE_INFINITY;
  for (const seg of await listSegments(dir, q.prefix)) {
    if (seg.index.blocks.length > 0 && (seg.index.endMs < from || seg.index.startMs >= to)) continue;
    yield* segmentRecords(seg, from, to, q.stats);
  }
}

/** The records of one segment within `[from, to)`. */
export async function* segmentRecords(
  seg: SegmentInfo,
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
  stats?: ReadStats,
  firstBlock = 0,
): AsyncGenerator<SegmentRecord> {
  const blocks = seg.index.blocks;
  const fh = await open(seg.path, "r");
  try {
    for (let i = firstBlock; i < blocks.length; i++) {
      const b = blocks[i] as (typeof blocks)[number];
      if (b.lastMs < from) continue;
      if (b.firstMs >= to) return;
      const raw = await readBlock(seg, i, stats, fh);
      if (raw === undefined) continue;
      const batch: SegmentRecord[] = [];
      const err = forEachRecord(raw, (r) => {
        if (r.tsMs >= from && r.tsMs < to) batch.push(r);
      });
      if (err !== undefined && stats !== undefined) {
        stats.badRecords++;
        stats.lastError = `${seg.path}: block ${i}: ${err.reason} record at ${err.offset}`;
      }
      if (stats !== undefined) stats.records += batch.length;
      yield* batch;
    }
  } finally {
    await fh.close();
  }
}

/** Raw frames (as received), optionally only those touching `assets`. */
export async function* readFrames(dir: string, q: FrameQuery = {}): AsyncGenerator<RecordedFrame> {
  const assets = q.assets === undefined ? undefined : q.assets instanceof Set ? q.assets : new Set(q.assets as readonly string[]);
  for await (const r of readRecords(dir, q)) {
    if (r.type !== RecordType.frame) continue;
    if (assets !== undefined && !frameTouches(r.payload, assets)) continue;
    yield { tsMs: r.tsMs, conn: r.conn, seq: r.seq, data: Buffer.from(r.payload) };
  }
}

/**
 * Decoded market events, optionally only for `assets` (a price_change keeps only their changes).
 * Rejected events are counted in `decodeErrors` of the stats object passed in `q`, if any.
 */
export async function* readEvents(
  dir: string,
  q: FrameQuery & { readonly decodeErrors?: { count: number } } = {},
): AsyncGenerator<RecordedEvent> {
  const assets = q.assets === undefined ? undefined : q.assets instanceof Set ? q.assets : new Set(q.assets as readonly string[]);
  for await (const r of readRecords(dir, q)) {
    if (r.type !== RecordType.frame) continue;
    const d = decodeWsFrame(r.payload);
    if (q.decodeErrors !== undefined) q.decodeErrors.count += d.errors.length;
    for (const e of d.events) {
      const kept = filterEvent(e, assets);
      if (kept !== undefined) yield { tsMs: r.tsMs, conn: r.conn, seq: r.seq, event: kept };
    }
  }
}

function filterEvent(e: WsEvent, assets: ReadonlySet<string> | undefined): MarketEvent | undefined {
  if (e.kind === "user_order" || e.kind === "user_trade") return undefined;
  if (assets === undefined) return e;
  switch (e.kind) {
    case "price_change": {
      const changes = e.changes.filter((c) => assets.has(c.assetId));
      if (changes.length === 0) return undefined;
      return changes.length === e.changes.length ? e : { ...e, changes };
    }
    case "new_market":
    case "market_resolved":
      return e.assetIds.some((a) => assets.has(a)) ? e : undefined;
    default:
      return assets.has(e.assetId) ? e : undefined;
  }
}

function frameTouches(payload: Buffer, assets: ReadonlySet<string>): boolean {
  const d = decodeWsFrame(payload);
  for (const e of d.events) if (filterEvent(e, assets) !== undefined) return true;
  return false;
}
