import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  forEachRecord,
  indexPathOf,
  listSegments,
  newReadStats,
  RecordBuffer,
  RecordType,
  readEvents,
  readFrames,
  readRecords,
  SegmentWriter,
} from "../src/index.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "rec-seg-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function bookFrame(asset: string, ts: number, bid: string, ask: string): string {
  return JSON.stringify({
    event_type: "book",
    market: "0xm",
    asset_id: asset,
    timestamp: String(ts),
    hash: "h",
    bids: [{ price: bid, size: "10" }],
    asks: [{ price: ask, size: "5" }],
  });
}

describe("RecordBuffer / forEachRecord", () => {
  it("round-trips records and stops at a torn tail without losing earlier records", () => {
    const b = new RecordBuffer(64);
    for (let i = 0; i < 100; i++) b.append(RecordType.frame, 7, i + 1, 1_700_000_000_000 + i, Buffer.from(`frame-${i}`));
    const { bytes, count } = b.take();
    expect(count).toBe(100);
    const seen: number[] = [];
    const full = Buffer.from(bytes);
    expect(forEachRecord(full, (r) => seen.push(r.seq))).toBeUndefined();
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const torn: number[] = [];
    const err = forEachRecord(full.subarray(0, full.length - 3), (r) => torn.push(r.seq));
    expect(err?.reason).toBe("truncated");
    expect(torn.length).toBe(99);
    const bad = Buffer.from(full);
    bad.writeUInt32LE(0xffffffff, 0);
    expect(forEachRecord(bad, () => {})?.reason).toBe("bad_length");
  });
});

describe("SegmentWriter → reader", () => {
  for (const codec of ["gzip", "brotli", "none"] as const) {
    it(`writes, rotates and reads back every frame in order (${codec})`, async () => {
      const dir = tmp();
      const w = new SegmentWriter({ dir, codec, blockBytes: 4096, flushIntervalMs: 0 });
      const t0 = 1_700_000_000_000;
      w.appendControl(RecordType.subscribe, 1, t0, { assets: ["A", "B"] });
      const n = 3000;
      for (let i = 0; i < n; i++) {
        const asset = i % 2 === 0 ? "A" : "B";
        w.appendFrame(1, i + 1, t0 + i, Buffer.from(bookFrame(asset, t0 + i, "0.4", "0.6")));
        if (i === 1500) await w.rotate();
      }
      w.appendControl(RecordType.gap, 1, t0 + n, { assets: ["A"], reason: "test" });
      await w.close();
      const segs = await listSegments(dir);
      expect(segs.length).toBe(2);
      expect(segs.every((s) => !s.recovered && s.index.closed)).toBe(true);
      expect(segs[0]?.index.assets).toEqual(["A", "B"]);
      expect(segs[1]?.index.assets).toEqual(["A", "B"]);
      expect(segs[1]?.index.gaps.length).toBe(1);
      expect(segs.reduce((s, x) => s + x.index.frames, 0)).toBe(n);
      const seqs: number[] = [];
      for await (const f of readFrames(dir)) seqs.push(f.seq);
      expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      // time range + asset filter
      const ranged: number[] = [];
      for await (const f of readFrames(dir, { fromMs: t0 + 1000, toMs: t0 + 2000, assets: ["B"] })) ranged.push(f.seq);
      expect(ranged.length).toBe(500);
      expect(ranged[0]).toBe(1002);
      const events: string[] = [];
      for await (const e of readEvents(dir, { fromMs: t0 + 10, toMs: t0 + 14, assets: new Set(["A"]) })) {
        if (e.event.kind === "book") events.push(`${e.event.assetId}@${e.tsMs - t0}`);
      }
      expect(events).toEqual(["A@10", "A@12"]);
      if (codec !== "none") expect(segs[0]!.index.fileBytes).toBeLessThan(segs[0]!.index.rawBytes);
    });
  }

  it("recovers a segment without index and with a torn last block", async () => {
    const dir = tmp();
    const w = new SegmentWriter({ dir, codec: "gzip", blockBytes: 4096, flushIntervalMs: 0 });
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 1000; i++) w.appendFrame(3, i + 1, t0 + i, Buffer.from(bookFrame("A", t0 + i, "0.4", "0.6")));
    await w.close();
    const [seg] = readdirSync(dir).filter((f) => f.endsWith(".seg"));
    const path = join(dir, seg as string);
    unlinkSync(indexPathOf(path));
    truncateSync(path, statSync(path).size - 10);
    const [info] = await listSegments(dir);
    expect(info?.recovered).toBe(true);
    expect(info?.tornBytes).toBeGreaterThan(0);
    const stats = newReadStats();
    const seqs: number[] = [];
    for await (const r of readRecords(dir, { stats })) seqs.push(r.seq);
    expect(seqs.length).toBe(info?.index.frames);
    expect(seqs.length).toBeGreaterThan(800);
    expect(seqs.length).toBeLessThan(1000);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(stats.badBlocks).toBe(0);
  });

  it("counts a corrupt block and keeps reading the others", async () => {
    const dir = tmp();
    const w = new SegmentWriter({ dir, codec: "gzip", blockBytes: 4096, flushIntervalMs: 0 });
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 1000; i++) w.appendFrame(3, i + 1, t0 + i, Buffer.from(bookFrame("A", t0 + i, "0.4", "0.6")));
    await w.close();
    const [info] = await listSegments(dir);
    const blk = info!.index.blocks[1]!;
    const { openSync, writeSync, closeSync } = await import("node:fs");
    const fd = openSync(info!.path, "r+");
    writeSync(fd, Buffer.from([1, 2, 3, 4]), 0, 4, blk.offset + 60);
    closeSync(fd);
    const stats = newReadStats();
    let n = 0;
    for await (const _ of readFrames(dir, { stats })) n++;
    expect(stats.badBlocks).toBe(1);
    expect(n).toBe(1000 - blk.records);
  });

  it("reports pressure while sealed blocks wait for the compression worker, and releases it", async () => {
    const dir = tmp();
    const events: boolean[] = [];
    const w = new SegmentWriter({
      dir,
      codec: "brotli",
      level: 9,
      blockBytes: 4096,
      flushIntervalMs: 0,
      maxPendingBytes: 64 * 1024,
      onPressure: (p) => events.push(p),
    });
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 4000; i++) w.appendFrame(1, i + 1, t0 + i, Buffer.from(bookFrame(i % 2 ? "A" : "B", t0 + i, "0.4", "0.6")));
    expect(w.stats.underPressure).toBe(true);
    expect(events).toEqual([true]);
    await w.close();
    expect(events).toEqual([true, false]);
    expect(w.stats.pendingBytes).toBe(0);
    expect(w.stats.pressureEpisodes).toBe(1);
    let n = 0;
    for await (const _ of readFrames(dir)) n++;
    expect(n).toBe(4000);
  });
});
