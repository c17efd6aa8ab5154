/**
 * The per-segment index (`<segment>.idx.json`), written by the compression worker when a segment
 * closes: time → block offsets, the assets live in the segment, its gaps and checkpoints. A segment
 * without an index (crash) is still readable: `scanSegment` rebuilds the same index from the
 * block headers (a torn last block is reported, never fatal).
 */
import { z } from "zod";

export const BlockEntrySchema = z.object({
  offset: z.number().int().nonnegative(),
  compressedLen: z.number().int().nonnegative(),
  rawLen: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  firstMs: z.number(),
  lastMs: z.number(),
});
export type BlockEntry = z.infer<typeof BlockEntrySchema>;

export const GapEntrySchema = z.object({
  tsMs: z.number(),
  conn: z.number().int(),
  reason: z.string(),
  assets: z.number().int(),
  block: z.number().int(),
});
export type GapEntry = z.infer<typeof GapEntrySchema>;

export const CheckpointEntrySchema = z.object({
  id: z.number().int(),
  /** Block holding the mark (the point in the stream the books reflect). */
  markBlock: z.number().int(),
  markTsMs: z.number(),
  /** Blocks holding the checkpoint payloads (one per book worker). */
  blocks: z.array(z.number().int()),
  books: z.number().int(),
});
export type CheckpointEntry = z.infer<typeof CheckpointEntrySchema>;

export const SegmentIndexSchema = z.object({
  version: z.literal(1),
  file: z.string(),
  codec: z.number().int(),
  seq: z.number().int(),
  createdMs: z.number(),
  startMs: z.number(),
  endMs: z.number(),
  closed: z.boolean(),
  records: z.number().int(),
  frames: z.number().int(),
  rawBytes: z.number().int(),
  fileBytes: z.number().int(),
  blocks: z.array(BlockEntrySchema),
  assets: z.array(z.string()),
  gaps: z.array(GapEntrySchema),
  checkpoints: z.array(CheckpointEntrySchema),
});
export type SegmentIndex = z.infer<typeof SegmentIndexSchema>;

export function indexPathOf(segmentPath: string): string {
  return `${segmentPath}.idx.json`;
}

/** `<prefix>-<yyyymmddThhmmssZ>-<seq 6 digits>.seg`: lexical order = time order. */
export function segmentFileName(prefix: string, startMs: number, seq: number): string {
  const iso = new Date(startMs).toISOString(); // 2026-11-23T12:34:56.789Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return `${prefix}-${stamp}-${String(seq).padStart(6, "0")}.seg`;
}
