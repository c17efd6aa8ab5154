/**
 * Replay: rebuild books from segments with the same `BookReplayer` the workers run, verify every
 * checkpoint against the replayed state at its mark, and check per-connection frame sequences
 * (lost = a hole in a connection's 1, 2, 3… sequence; duplicated = a repeated number).
 * `fromMs` starts mid-day from the latest checkpoint at or before it.
 */
import { BookReplayer, type ReplayerStats } from "./books/replayer.js";
import { type CheckpointPayload, forEachRecord, jsonPayload, RecordType, type SegmentRecord } from "./segment/format.js";
import { listSegments, newReadStats, type ReadStats, readBlock, type SegmentInfo, segmentRecords } from "./segment/reader.js";

export interface ReplayOptions {
  readonly prefix?: string;
  /** Start at the latest checkpoint ≤ fromMs (mid-day start). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly verify?: boolean;
  readonly accept?: (assetId: string) => boolean;
}

export interface SequenceStats {
  connections: number;
  frames: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

export interface ReplayResult {
  readonly replayer: BookReplayer;
  readonly stats: ReplayerStats;
  readonly read: ReadStats;
  readonly sequences: SequenceStats;
  readonly segments: number;
  readonly startedFromCheckpoint: number | undefined;
}

/** Tracks per-connection sequences: each connection's frames must be 1, 2, 3… (or start anywhere mid-day). */
export class SequenceChecker {
  readonly stats: SequenceStats = { connections: 0, frames: 0, lost: 0, duplicated: 0, outOfOrder: 0 };
  private readonly last = new Map<number, number>();

  constructor(private readonly strictStart = true) {}

  see(conn: number, seq: number): void {
    this.stats.frames++;
    const prev = this.last.get(conn);
    if (prev === undefined) {
      this.stats.connections++;
      if (this.strictStart && seq > 1) this.stats.lost += seq - 1;
      this.last.set(conn, seq);
      return;
    }
    if (seq === prev + 1) this.last.set(conn, seq);
    else if (seq === prev) this.stats.duplicated++;
    else if (seq < prev) this.stats.outOfOrder++;
    else {
      this.stats.lost += seq - prev - 1;
      this.last.set(conn, seq);
    }
  }
}

export async function replay(dir: string, o: ReplayOptions = {}): Promise<ReplayResult> {
  const read = newReadStats();
  const replayer = new BookReplayer({ verifyCheckpoints: o.verify ?? true, ...(o.accept !== undefined ? { accept: o.accept } : {}) });
  const segments = await listSegments(dir, o.prefix);
  const to = o.toMs ?? Number.POSITIVE_INFINITY;
  let start = 0;
  let firstBlock = 0;
  let skipUntilMark: number | undefined;
  let fromCheckpoint: number | undefined;
  if (o.fromMs !== undefined) {
    const found = await findCheckpoint(segments, o.fromMs, read);
    if (found !== undefined) {
      replayer.load(found.books);
      start = found.segment;
      firstBlock = found.markBlock;
      skipUntilMark = found.id;
      fromCheckpoint = found.id;
    }
  }
  const seqs = new SequenceChecker(o.fromMs === undefined);
  for (let s = start; s < segments.length; s++) {
    const seg = segments[s] as SegmentInfo;
    for await (const r of segmentRecords(seg, Number.NEGATIVE_INFINITY, to, read, s === start ? firstBlock : 0)) {
      if (skipUntilMark !== undefined) {
        if (r.type === RecordType.checkpointMark && jsonPayload<{ id: number }>(r)?.id === skipUntilMark) skipUntilMark = undefined;
        continue;
      }
      if (r.type === RecordType.frame) seqs.see(r.conn, r.seq);
      replayer.apply(r);
    }
  }
  return {
    replayer,
    stats: replayer.stats,
    read,
    sequences: seqs.stats,
    segments: segments.length - start,
    startedFromCheckpoint: fromCheckpoint,
  };
}

interface FoundCheckpoint {
  readonly id: number;
  readonly segment: number;
  readonly markBlock: number;
  readonly books: CheckpointPayload["books"][number][];
}

async function findCheckpoint(segments: readonly SegmentInfo[], fromMs: number, read: ReadStats): Promise<FoundCheckpoint | undefined> {
  for (let s = segments.length - 1; s >= 0; s--) {
    const seg = segments[s] as SegmentInfo;
    const cands = seg.index.checkpoints.filter((c) => c.markBlock >= 0 && c.markTsMs <= fromMs).sort((a, b) => b.markTsMs - a.markTsMs);
    for (const c of cands) {
      const parts = await checkpointParts(segments, s, c.id, read);
      if (parts !== undefined) return { id: c.id, segment: s, markBlock: c.markBlock, books: parts };
    }
  }
  return undefined;
}

/** All parts (one per book worker) of checkpoint `id`, from segment `s` on; undefined if incomplete. */
async function checkpointParts(
  segments: readonly SegmentInfo[],
  s: number,
  id: number,
  read: ReadStats,
): Promise<CheckpointPayload["books"][number][] | undefined> {
  const books: CheckpointPayload["books"][number][] = [];
  const shards = new Set<number>();
  let expected = 1;
  for (let k = s; k < segments.length && k <= s + 1; k++) {
    const seg = segments[k] as SegmentInfo;
    const entry = seg.index.checkpoints.find((c) => c.id === id);
    if (entry === undefined) continue;
    for (const bi of entry.blocks) {
      const raw = await readBlock(seg, bi, read);
      if (raw === undefined) continue;
      forEachRecord(raw, (r: SegmentRecord) => {
        if (r.type !== RecordType.checkpoint) return;
        const p = jsonPayload<CheckpointPayload>(r);
        if (p?.id !== id || shards.has(p.shard ?? 0)) return;
        shards.add(p.shard ?? 0);
        expected = p.shards ?? 1;
        books.push(...p.books);
      });
    }
    if (shards.size >= expected && shards.size > 0) return books;
  }
  return undefined;
}
