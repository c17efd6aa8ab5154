/**
 * The file side of the segment writer: compresses sealed blocks, appends them to the current
 * segment file, keeps its index, rotates, and on close writes the index and fsyncs file, index and
 * directory. Runs inside the compression worker (off the receive thread); plain synchronous code.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants as zc, crc32, gzipSync } from "node:zlib";
import { BLOCK_HEADER_BYTES, Codec, FILE_HEADER_BYTES, writeBlockHeader, writeFileHeader } from "../segment/format.js";
import { indexPathOf, type SegmentIndex, segmentFileName } from "../segment/index-file.js";
import { type LiveAssets, SegmentIndexer } from "./segment-indexer.js";

export interface SinkOptions {
  readonly dir: string;
  readonly prefix: string;
  readonly codec: number;
  /** gzip level 1–9 or brotli quality 0–11. */
  readonly level: number;
  /** Wall clock for file names. */
  readonly now?: () => number;
  /** First segment sequence number (continues after existing files). */
  readonly firstSeq?: number;
}

export interface SealedBlock {
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

export interface SinkStats {
  segments: number;
  blocks: number;
  records: number;
  rawBytes: number;
  fileBytes: number;
  compressMicros: number;
  currentFile: string | undefined;
  currentFileBytes: number;
  closedSegments: string[];
}

export class SegmentSink {
  readonly stats: SinkStats = {
    segments: 0,
    blocks: 0,
    records: 0,
    rawBytes: 0,
    fileBytes: 0,
    compressMicros: 0,
    currentFile: undefined,
    currentFileBytes: 0,
    closedSegments: [],
  };
  private fd: number | undefined;
  private path = "";
  private offset = 0;
  private indexer: SegmentIndexer | undefined;
  private readonly live: LiveAssets = new Map();
  private seq: number;
  private readonly now: () => number;

  constructor(private readonly o: SinkOptions) {
    mkdirSync(o.dir, { recursive: true });
    this.seq = o.firstSeq ?? 0;
    this.now = o.now ?? Date.now;
  }

  write(block: SealedBlock): void {
    if (block.count === 0) return;
    if (this.fd === undefined) this.openNext(block.firstMs);
    const raw = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
    const t0 = process.hrtime.bigint();
    const payload = this.compress(raw);
    this.stats.compressMicros += Number((process.hrtime.bigint() - t0) / 1000n);
    const header = writeBlockHeader({
      codec: this.o.codec,
      compressedLen: payload.length,
      rawLen: raw.length,
      records: block.count,
      crc: crc32(payload),
      firstMs: block.firstMs,
      lastMs: block.lastMs,
    });
    const fd = this.fd as number;
    writeAll(fd, header);
    writeAll(fd, payload);
    (this.indexer as SegmentIndexer).addBlock(
      {
        offset: this.offset,
        compressedLen: payload.length,
        rawLen: raw.length,
        records: block.count,
        firstMs: block.firstMs,
        lastMs: block.lastMs,
      },
      raw,
    );
    this.offset += BLOCK_HEADER_BYTES + payload.length;
    this.stats.blocks++;
    this.stats.records += block.count;
    this.stats.rawBytes += raw.length;
    this.stats.fileBytes += BLOCK_HEADER_BYTES + payload.length;
    this.stats.currentFileBytes = this.offset;
  }

  /** Closes the current segment (index + fsync); the next block opens a new one. */
  rotate(): SegmentIndex | undefined {
    const fd = this.fd;
    const indexer = this.indexer;
    if (fd === undefined || indexer === undefined) return undefined;
    fsyncSync(fd);
    closeSync(fd);
    this.fd = undefined;
    this.indexer = undefined;
    const index = indexer.index(this.offset, true);
    const idxPath = indexPathOf(this.path);
    const tmp = `${idxPath}.tmp`;
    const ifd = openSync(tmp, "w");
    writeAll(ifd, Buffer.from(JSON.stringify(index)));
    fsyncSync(ifd);
    closeSync(ifd);
    renameSync(tmp, idxPath);
    fsyncDir(this.o.dir);
    this.stats.closedSegments.push(this.path);
    this.stats.currentFile = undefined;
    this.stats.currentFileBytes = 0;
    return index;
  }

  close(): SegmentIndex | undefined {
    return this.rotate();
  }

  private openNext(firstMs: number): void {
    const name = segmentFileName(this.o.prefix, Number.isFinite(firstMs) && firstMs > 0 ? firstMs : this.now(), this.seq);
    this.path = join(this.o.dir, name);
    this.fd = openSync(this.path, "wx");
    writeAll(this.fd, writeFileHeader(this.o.codec));
    this.offset = FILE_HEADER_BYTES;
    this.indexer = new SegmentIndexer(name, this.seq, this.o.codec, this.now(), this.live);
    this.seq++;
    this.stats.segments++;
    this.stats.currentFile = this.path;
    fsyncDir(this.o.dir);
  }

  private compress(raw: Buffer): Buffer {
    switch (this.o.codec) {
      case Codec.gzip:
        return gzipSync(raw, { level: this.o.level });
      case Codec.brotli:
        return brotliCompressSync(raw, {
          params: { [zc.BROTLI_PARAM_QUALITY]: this.o.level, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length },
        });
      default:
        return raw;
    }
  }
}

function writeAll(fd: number, b: Buffer): void {
  let o = 0;
  while (o < b.length) o += writeSync(fd, b, o, b.length - o);
}

function fsyncDir(dir: string): void {
  try {
    const d = openSync(dir, "r");
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the files themselves are synced.
  }
}
