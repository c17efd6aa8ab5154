/**
 * The segment file format (version 1). Everything is little-endian.
 *
 * File  = FileHeader Block*
 * FileHeader (16 B) = "MMSEG\0\0\0" (8) | u32 version | u32 codec (0 none, 1 gzip, 2 brotli)
 * Block = BlockHeader (40 B) payload (compressedLen bytes, `codec`-compressed)
 * BlockHeader = u32 BLOCK_MAGIC | u32 codec | u32 compressedLen | u32 rawLen | u32 records
 *             | u32 crc32(payload) | f64 firstMs | f64 lastMs
 * Raw block payload = Record*
 * Record = u32 bodyLen | u8 type | u8 flags | u16 reserved | u32 conn | u32 seq | f64 tsMs | payload
 *          (bodyLen = RECORD_HEAD - 4 + payload length)
 *
 * `tsMs` is the receive time in integer epoch milliseconds; `conn` the recorder's connection id
 * (0 for records not tied to a connection); `seq` the per-connection frame sequence (1-based, for
 * loss and duplicate checks) on FRAME records and 0 elsewhere. FRAME payloads are the frame bytes
 * exactly as received; every other payload is UTF-8 JSON (see the `*Payload` types).
 * Blocks are compressed independently, so a reader can seek to any block from the index.
 */

export const FILE_MAGIC = Buffer.from("MMSEG\0\0\0", "latin1");
export const FORMAT_VERSION = 1;
export const FILE_HEADER_BYTES = 16;
export const BLOCK_MAGIC = 0x4b4c4253; // "SBLK"
export const BLOCK_HEADER_BYTES = 40;
/** Bytes before a record's payload, including the length prefix. */
export const RECORD_HEAD = 24;
/** Refuse records larger than this on read (a corrupt length must not allocate gigabytes). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export const Codec = { none: 0, gzip: 1, brotli: 2 } as const;
export type CodecName = keyof typeof Codec;
export function codecName(n: number): CodecName | undefined {
  return n === 0 ? "none" : n === 1 ? "gzip" : n === 2 ? "brotli" : undefined;
}

export const RecordType = {
  /** A raw market-channel frame. */
  frame: 1,
  /** `conn` subscribed `assets`: ownership of each asset passes to `conn` at its next `book` snapshot. */
  subscribe: 2,
  /** `conn` unsubscribed `assets` (retired connection or expired market). */
  unsubscribe: 3,
  /** Continuity lost for `assets` (connection died, backpressure overflow…): books are untrusted until a snapshot. */
  gap: 4,
  /** Checkpoint `id` reflects the book state at exactly this point of the stream. */
  checkpointMark: 5,
  /** The books of checkpoint `id` (written later than its mark, once the workers answered). */
  checkpoint: 6,
  /** `assets` of a closed/resolved market expired: their books are dropped. */
  expire: 7,
  /** Connection lifecycle (`open` / `close`) for inspection. */
  conn: 8,
} as const;
export type RecordTypeName = keyof typeof RecordType;
export type RecordTypeId = (typeof RecordType)[RecordTypeName];
const TYPE_NAMES: Record<number, RecordTypeName> = Object.fromEntries(
  Object.entries(RecordType).map(([k, v]) => [v, k as RecordTypeName]),
) as Record<number, RecordTypeName>;
export function recordTypeName(t: number): RecordTypeName | undefined {
  return TYPE_NAMES[t];
}

export interface AssetsPayload {
  readonly assets: readonly string[];
  readonly reason?: string;
  readonly market?: string;
}
export interface CheckpointMarkPayload {
  readonly id: number;
}
/** One book in a checkpoint: levels best-first as [price, size] integer pairs. */
export interface CheckpointBook {
  readonly assetId: string;
  readonly tick: number;
  readonly bids: ReadonlyArray<readonly [number, number]>;
  readonly asks: ReadonlyArray<readonly [number, number]>;
  readonly venueTs: number;
  readonly trusted: boolean;
  /** Owning connection (0 = none) and candidate connections, so a reader can resume here. */
  readonly owner?: number;
  readonly candidates?: readonly number[];
}
export interface CheckpointPayload {
  readonly id: number;
  /** Book worker that took this part, and how many parts the checkpoint has. */
  readonly shard?: number;
  readonly shards?: number;
  readonly books: readonly CheckpointBook[];
}
export interface ConnPayload {
  readonly event: "open" | "close";
  readonly reason?: string;
  readonly assets?: number;
}

/** A decoded record. `payload` is a view into the block buffer: copy it to keep it. */
export interface SegmentRecord {
  readonly type: number;
  readonly conn: number;
  readonly seq: number;
  readonly tsMs: number;
  readonly payload: Buffer;
}

export interface BlockHeader {
  readonly codec: number;
  readonly compressedLen: number;
  readonly rawLen: number;
  readonly records: number;
  readonly crc: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

export function writeFileHeader(codec: number): Buffer {
  const b = Buffer.alloc(FILE_HEADER_BYTES);
  FILE_MAGIC.copy(b, 0);
  b.writeUInt32LE(FORMAT_VERSION, 8);
  b.writeUInt32LE(codec, 12);
  return b;
}

export function readFileHeader(b: Buffer): { readonly version: number; readonly codec: number } | undefined {
  if (b.length < FILE_HEADER_BYTES || !b.subarray(0, 8).equals(FILE_MAGIC)) return undefined;
  return { version: b.readUInt32LE(8), codec: b.readUInt32LE(12) };
}

export function writeBlockHeader(h: BlockHeader): Buffer {
  const b = Buffer.alloc(BLOCK_HEADER_BYTES);
  b.writeUInt32LE(BLOCK_MAGIC, 0);
  b.writeUInt32LE(h.codec, 4);
  b.writeUInt32LE(h.compressedLen, 8);
  b.writeUInt32LE(h.rawLen, 12);
  b.writeUInt32LE(h.records, 16);
  b.writeUInt32LE(h.crc >>> 0, 20);
  b.writeDoubleLE(h.firstMs, 24);
  b.writeDoubleLE(h.lastMs, 32);
  return b;
}

export function readBlockHeader(b: Buffer, offset = 0): BlockHeader | undefined {
  if (b.length - offset < BLOCK_HEADER_BYTES || b.readUInt32LE(offset) !== BLOCK_MAGIC) return undefined;
  return {
    codec: b.readUInt32LE(offset + 4),
    compressedLen: b.readUInt32LE(offset + 8),
    rawLen: b.readUInt32LE(offset + 12),
    records: b.readUInt32LE(offset + 16),
    crc: b.readUInt32LE(offset + 20),
    firstMs: b.readDoubleLE(offset + 24),
    lastMs: b.readDoubleLE(offset + 32),
  };
}

/**
 * Appends records into one growable buffer (the receive thread's only per-frame work: a few
 * integer writes and one memcpy). `take()` hands the filled bytes out and starts over.
 */
export class RecordBuffer {
  private buf: Buffer;
  private len = 0;
  count = 0;
  firstMs = 0;
  lastMs = 0;

  constructor(initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.len;
  }

  /** Appends one record; returns its start offset in this buffer. */
  append(type: number, conn: number, seq: number, tsMs: number, payload: Uint8Array | string): number {
    const plen = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
    const need = RECORD_HEAD + plen;
    if (this.len + need > this.buf.length) this.grow(need);
    const b = this.buf;
    const o = this.len;
    b.writeUInt32LE(need - 4, o);
    b[o + 4] = type;
    b[o + 5] = 0;
    b.writeUInt16LE(0, o + 6);
    b.writeUInt32LE(conn >>> 0, o + 8);
    b.writeUInt32LE(seq >>> 0, o + 12);
    b.writeDoubleLE(tsMs, o + 16);
    if (typeof payload === "string") b.write(payload, o + RECORD_HEAD, plen, "utf8");
    else b.set(payload, o + RECORD_HEAD);
    this.len = o + need;
    if (this.count === 0) this.firstMs = tsMs;
    this.lastMs = tsMs;
    this.count++;
    return o;
  }

  /** Copies a byte range of another record buffer (e.g. the segment block) in. */
  appendRaw(src: Buffer, start: number, end: number, tsMs: number): void {
    const need = end - start;
    if (this.len + need > this.buf.length) this.grow(need);
    src.copy(this.buf, this.len, start, end);
    this.len += need;
    if (this.count === 0) this.firstMs = tsMs;
    this.lastMs = tsMs;
    this.count++;
  }

  /** The backing buffer (no allocation; bytes `[0, length)` are valid until the next append/take). */
  get raw(): Buffer {
    return this.buf;
  }

  /** The current bytes (a view; valid until the next append/take). */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** Copies the content out (exact size, transferable) and resets. */
  take(): { readonly bytes: Uint8Array; readonly count: number; readonly firstMs: number; readonly lastMs: number } {
    const bytes = new Uint8Array(this.len);
    bytes.set(this.buf.subarray(0, this.len));
    const out = { bytes, count: this.count, firstMs: this.firstMs, lastMs: this.lastMs };
    this.len = 0;
    this.count = 0;
    this.firstMs = 0;
    this.lastMs = 0;
    return out;
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

export type RecordParseError = { readonly reason: "truncated" | "bad_length"; readonly offset: number };

/**
 * Walks the records of a raw block payload. Stops (and reports) at a truncated or absurd record
 * instead of throwing, so a torn tail never hides the records before it.
 */
export function forEachRecord(buf: Buffer, visit: (r: SegmentRecord) => void): RecordParseError | undefined {
  let o = 0;
  const n = buf.length;
  while (o < n) {
    if (n - o < RECORD_HEAD) return { reason: "truncated", offset: o };
    const bodyLen = buf.readUInt32LE(o);
    if (bodyLen < RECORD_HEAD - 4 || bodyLen > MAX_RECORD_BYTES) return { reason: "bad_length", offset: o };
    const end = o + 4 + bodyLen;
    if (end > n) return { reason: "truncated", offset: o };
    visit({
      type: buf[o + 4] as number,
      conn: buf.readUInt32LE(o + 8),
      seq: buf.readUInt32LE(o + 12),
      tsMs: buf.readDoubleLE(o + 16),
      payload: buf.subarray(o + RECORD_HEAD, end),
    });
    o = end;
  }
  return undefined;
}

export function recordsOf(buf: Buffer): { readonly records: SegmentRecord[]; readonly error: RecordParseError | undefined } {
  const records: SegmentRecord[] = [];
  const error = forEachRecord(buf, (r) => records.push(r));
  return { records, error };
}

/** JSON payload of a control record; undefined if it is not an object. */
export function jsonPayload<T>(r: SegmentRecord): T | undefined {
  try {
    const v: unknown = JSON.parse(r.payload.toString("utf8"));
    return typeof v === "object" && v !== null ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}
