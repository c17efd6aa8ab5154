import { describe, expect, it } from "vitest";
import { BookReplayer, RecordBuffer, RecordType, recordsOf } from "../src/index.js";
import { BookWorkers } from "../src/workers/book-workers.js";

const T0 = 1_700_000_000_000;
const book = (asset: string, ts: number, bids: Array<[string, string]>, asks: Array<[string, string]>) =>
  JSON.stringify({
    event_type: "book",
    market: "0xm",
    asset_id: asset,
    timestamp: String(ts),
    hash: "h",
    bids: bids.map(([price, size]) => ({ price, size })),
    asks: asks.map(([price, size]) => ({ price, size })),
  });
const change = (asset: string, ts: number, side: "BUY" | "SELL", price: string, size: string) =>
  JSON.stringify({
    event_type: "price_change",
    market: "0xm",
    timestamp: String(ts),
    price_changes: [{ asset_id: asset, side, price, size, hash: "x", best_bid: "0", best_ask: "1" }],
  });

function stream(build: (b: RecordBuffer) => void) {
  const b = new RecordBuffer();
  build(b);
  return recordsOf(Buffer.from(b.take().bytes)).records;
}

describe("BookReplayer ownership", () => {
  it("applies only the owner's frames; a candidate's snapshot hands over; a gap untrusts", () => {
    const owners: Array<[string, number]> = [];
    const r = new BookReplayer({ onOwner: (a, c) => owners.push([a, c]) });
    const recs = stream((b) => {
      b.append(RecordType.subscribe, 1, 0, T0, JSON.stringify({ assets: ["A"] }));
      b.append(RecordType.frame, 1, 1, T0 + 1, book("A", T0 + 1, [["0.40", "10"]], [["0.60", "5"]]));
      b.append(RecordType.frame, 1, 2, T0 + 2, change("A", T0 + 2, "BUY", "0.41", "3"));
      b.append(RecordType.subscribe, 2, 0, T0 + 3, JSON.stringify({ assets: ["A"] }));
      // duplicate of a later change on the new connection before its snapshot: ignored
      b.append(RecordType.frame, 2, 1, T0 + 4, change("A", T0 + 4, "BUY", "0.42", "1"));
      b.append(RecordType.frame, 1, 3, T0 + 4, change("A", T0 + 4, "BUY", "0.42", "1"));
      b.append(
        RecordType.frame,
        2,
        2,
        T0 + 5,
        book(
          "A",
          T0 + 4,
          [
            ["0.40", "10"],
            ["0.41", "3"],
            ["0.42", "1"],
          ],
          [["0.60", "5"]],
        ),
      );
      // the old connection's frames are now ignored
      b.append(RecordType.frame, 1, 4, T0 + 6, change("A", T0 + 6, "SELL", "0.60", "0"));
      b.append(RecordType.frame, 2, 3, T0 + 6, change("A", T0 + 6, "SELL", "0.60", "0"));
      b.append(RecordType.unsubscribe, 1, 0, T0 + 7, JSON.stringify({ assets: ["A"] }));
    });
    for (const x of recs) r.apply(x);
    const a = r.book("A");
    expect(a?.topLevels("BID", 10).map((l) => [l.price, l.size])).toEqual([
      [4200, 1_000_000],
      [4100, 3_000_000],
      [4000, 10_000_000],
    ]);
    expect(a?.levelCount("ASK")).toBe(0);
    expect(r.owner("A")).toBe(2);
    expect(owners).toEqual([
      ["A", 1],
      ["A", 2],
    ]);
    expect(r.stats.notOwner).toBe(2);
    const gap = stream((b) => b.append(RecordType.gap, 2, 0, T0 + 8, JSON.stringify({ assets: ["A"], reason: "closed" })));
    r.apply(gap[0]!);
    expect(r.owner("A")).toBe(0);
    expect(a?.trusted).toBe(false);
  });

  it("verifies checkpoints against the state at their mark and reports a tampered one", () => {
    const r = new BookReplayer({ verifyCheckpoints: true });
    const base = stream((b) => {
      b.append(RecordType.subscribe, 1, 0, T0, JSON.stringify({ assets: ["A"] }));
      b.append(RecordType.frame, 1, 1, T0 + 1, book("A", T0 + 1, [["0.40", "10"]], [["0.60", "5"]]));
      b.append(RecordType.checkpointMark, 0, 0, T0 + 2, JSON.stringify({ id: 1 }));
      b.append(RecordType.frame, 1, 2, T0 + 3, change("A", T0 + 3, "BUY", "0.41", "3"));
    });
    for (const x of base) r.apply(x);
    const good = {
      id: 1,
      books: [{ assetId: "A", tick: 1, bids: [[4000, 10_000_000]], asks: [[6000, 5_000_000]], venueTs: T0 + 1, trusted: true }],
    };
    const bad = { id: 1, books: [{ ...good.books[0], bids: [[4000, 9_000_000]] }] };
    for (const p of [good, bad])
      for (const x of stream((b) => b.append(RecordType.checkpoint, 0, 0, T0 + 4, JSON.stringify(p)))) r.apply(x);
    expect(r.stats.checkpointBooksVerified).toBe(2);
    expect(r.stats.checkpointMismatches).toBe(1);
    expect(r.stats.lastMismatch).toContain("bids[0]");
  });
});

describe("BookWorkers", () => {
  it("shards books over worker threads, answers checkpoints in stream order, accounts the queue", async () => {
    const checkpoints: Array<{ id: number; shard: number; n: number }> = [];
    const handovers = new Map<number, number>();
    const w = new BookWorkers({
      workers: 2,
      onCheckpoint: (id, shard, books) => checkpoints.push({ id, shard, n: books.length }),
      onHandover: (c, n) => handovers.set(c, (handovers.get(c) ?? 0) + n),
    });
    try {
      const assets = Array.from({ length: 50 }, (_, i) => `asset-${i}`);
      const enc = new RecordBuffer();
      const sub = enc.append(RecordType.subscribe, 1, 0, T0, JSON.stringify({ assets }));
      w.broadcast(enc.view(), sub, enc.length, T0);
      for (const [i, a] of assets.entries()) {
        const at = enc.append(RecordType.frame, 1, i + 1, T0 + i, book(a, T0 + i, [["0.40", String(i + 1)]], [["0.60", "5"]]));
        // every frame goes to the shard of its asset (the recorder routes by connection; here by asset)
        w.push(w.shardOf(a), enc.view(), at, enc.length, T0 + i);
      }
      const mark = enc.append(RecordType.checkpointMark, 0, 0, T0 + 100, JSON.stringify({ id: 7 }));
      w.broadcast(enc.view(), mark, enc.length, T0 + 100);
      await w.drain();
      const books = await w.books();
      expect(books.length).toBe(50);
      expect(new Set(books.map((b) => b.assetId))).toEqual(new Set(assets));
      const b7 = books.find((b) => b.assetId === "asset-7");
      expect(b7?.bids).toEqual([[4000, 8_000_000]]);
      expect(checkpoints.map((c) => c.id)).toEqual([7, 7]);
      expect(checkpoints.reduce((s, c) => s + c.n, 0)).toBe(50);
      expect(handovers.get(1)).toBe(50);
      const q = w.queueStats();
      expect(q.every((s) => s.queuedBytes === 0 && s.queuedBatches === 0)).toBe(true);
      expect(q.reduce((s, x) => s + x.sentRecords, 0)).toBe(50 + 2 + 2);
      const st = await w.stats();
      expect(st.reduce((s, x) => s + x.replayer.snapshots, 0)).toBe(50);
    } finally {
      await w.close();
    }
  });

  it("declares backpressure above the queue bound and releases it once drained, dropping nothing", async () => {
    const events: Array<[number, boolean]> = [];
    const w = new BookWorkers({
      workers: 1,
      maxQueueBytes: 64 * 1024,
      maxBatchBytes: 16 * 1024,
      onPressure: (s, p) => events.push([s, p]),
    });
    try {
      const enc = new RecordBuffer();
      const sub = enc.append(RecordType.subscribe, 1, 0, T0, JSON.stringify({ assets: ["A"] }));
      w.push(0, enc.raw, sub, enc.length, T0);
      const n = 3000;
      for (let i = 0; i < n; i++) {
        enc.take();
        const at = enc.append(RecordType.frame, 1, i + 1, T0 + i, book("A", T0 + i, [["0.40", String(i + 1)]], [["0.60", "5"]]));
        w.push(0, enc.raw, at, enc.length, T0 + i);
      }
      const q = w.queueStats()[0]!;
      expect(q.underPressure).toBe(true);
      expect(events[0]).toEqual([0, true]);
      await w.drain();
      expect(events.at(-1)).toEqual([0, false]);
      const after = w.queueStats()[0]!;
      expect(after.pressureEpisodes).toBeGreaterThanOrEqual(1);
      expect(after.queuedBytes).toBe(0);
      const [st] = await w.stats();
      expect(st!.replayer.snapshots).toBe(n);
      const [b] = await w.books();
      expect(b!.bids).toEqual([[4000, n * 1_000_000]]);
    } finally {
      await w.close();
    }
  });
});
