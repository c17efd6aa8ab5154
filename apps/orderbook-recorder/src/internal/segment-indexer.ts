/**
 * Builds a `SegmentIndex` from raw block payloads (used by the compression worker while writing
 * and by the reader when an index is missing). Only the record type byte is read for frames;
 * control records (few) are parsed as JSON.
 */
import {
  type AssetsPayload,
  type CheckpointMarkPayload,
  type CheckpointPayload,
  forEachRecord,
  jsonPayload,
  RecordType,
} from "../segment/format.js";
import type { BlockEntry, CheckpointEntry, GapEntry, SegmentIndex } from "../segment/index-file.js";

/** Asset → connections currently subscribed to it; carried from one segment to the next. */
export type LiveAssets = Map<string, Set<number>>;

export class SegmentIndexer {
  readonly blocks: BlockEntry[] = [];
  readonly gaps: GapEntry[] = [];
  readonly checkpoints = new Map<number, CheckpointEntry>();
  private readonly assets: Set<string>;
  records = 0;
  frames = 0;
  rawBytes = 0;
  startMs = 0;
  endMs = 0;
  parseErrors = 0;

  constructor(
    readonly file: string,
    readonly seq: number,
    readonly codec: number,
    readonly createdMs: number,
    private readonly live: LiveAssets,
  ) {
    this.assets = new Set(live.keys());
  }

  addBlock(entry: BlockEntry, raw: Buffer): void {
    const block = this.blocks.length;
    this.blocks.push(entry);
    this.records += entry.records;
    this.rawBytes += entry.rawLen;
    if (this.blocks.length === 1) this.startMs = entry.firstMs;
    this.endMs = Math.max(this.endMs, entry.lastMs);
    const err = forEachRecord(raw, (r) => {
      switch (r.type) {
        case RecordType.frame:
          this.frames++;
          return;
        case RecordType.subscribe: {
          const p = jsonPayload<AssetsPayload>(r);
          for (const a of p?.assets ?? []) {
            this.assets.add(a);
            let s = this.live.get(a);
            if (s === undefined) {
              s = new Set();
              this.live.set(a, s);
            }
            s.add(r.conn);
          }
          return;
        }
        case RecordType.unsubscribe:
        case RecordType.expire: {
          const p = jsonPayload<AssetsPayload>(r);
          for (const a of p?.assets ?? []) {
            const s = this.live.get(a);
            if (s === undefined) continue;
            if (r.type === RecordType.expire) this.live.delete(a);
            else {
              s.delete(r.conn);
              if (s.size === 0) this.live.delete(a);
            }
          }
          return;
        }
        case RecordType.gap: {
          const p = jsonPayload<AssetsPayload>(r);
          this.gaps.push({ tsMs: r.tsMs, conn: r.conn, reason: p?.reason ?? "unknown", assets: p?.assets.length ?? 0, block });
          return;
        }
        case RecordType.checkpointMark: {
          const p = jsonPayload<CheckpointMarkPayload>(r);
          if (p !== undefined) this.checkpoints.set(p.id, { id: p.id, markBlock: block, markTsMs: r.tsMs, blocks: [], books: 0 });
          return;
        }
        case RecordType.checkpoint: {
          const p = jsonPayload<CheckpointPayload>(r);
          if (p === undefined) return;
          const c = this.checkpoints.get(p.id);
          // A checkpoint whose mark is in an earlier segment is indexed here with markBlock -1.
          const entry = c ?? { id: p.id, markBlock: -1, markTsMs: r.tsMs, blocks: [], books: 0 };
          if (!entry.blocks.includes(block)) entry.blocks.push(block);
          entry.books += p.books.length;
          this.checkpoints.set(p.id, entry);
          return;
        }
        default:
          return;
      }
    });
    if (err !== undefined) this.parseErrors++;
  }

  index(fileBytes: number, closed: boolean): SegmentIndex {
    return {
      version: 1,
      file: this.file,
      codec: this.codec,
      seq: this.seq,
      createdMs: this.createdMs,
      startMs: this.startMs,
      endMs: this.endMs,
      closed,
      records: this.records,
      frames: this.frames,
      rawBytes: this.rawBytes,
      fileBytes,
      blocks: this.blocks,
      assets: [...this.assets].sort(),
      gaps: this.gaps,
      checkpoints: [...this.checkpoints.values()],
    };
  }
}
