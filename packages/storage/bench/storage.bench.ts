import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchSpec, compareNsPerOp, defineBenches, median } from "@mm/bench";
import { ManualClock } from "@mm/types";
import { JournalWriter, SqliteStorage } from "../src/index.js";

const entry = (seq: number) => ({
  kind: seq % 2 === 0 ? "intent" : "ack",
  ts: 1_750_000_000_000 + seq,
  seq,
  orderId: `0x${seq.toString(16).padStart(64, "0")}`,
});

/** Entries/s through the batched JournalWriter vs one transaction per entry, same file settings (WAL, synchronous FULL). */
const journalThroughput: BenchSpec = {
  name: "storage/journal batched append (WAL, synchronous FULL)",
  unit: "entries/s",
  better: "higher",
  target: { minRatio: 10, minValue: 10_000 },
  async measure(ctx) {
    const n = ctx.n(20_000, 20);
    const baselineN = Math.max(10, Math.floor(n / 20)); // per-entry commits are slow: time fewer of them
    const dir = mkdtempSync(join(tmpdir(), "mm-storage-bench-"));
    try {
      const storage = SqliteStorage.open({ path: join(dir, "bench.db") });
      const candidate: number[] = [];
      const baseline: number[] = [];
      let session = 0;
      for (let rep = 0; rep < (ctx.smoke ? 1 : 3); rep++) {
        const writer = await JournalWriter.start({ journal: storage.journal, sessionId: `batched-${session++}`, maxBatch: 512 });
        let t = process.hrtime.bigint();
        for (let i = 0; i < n; i++) writer.append(entry(i));
        await writer.close();
        candidate.push(n / (Number(process.hrtime.bigint() - t) / 1e9));
        if ((await storage.journal.lastSeq(writer.sessionId)) !== n - 1) throw new Error("batched writer lost entries");

        const sessionId = `single-${session++}`;
        await storage.journal.startSession({ sessionId, startedAt: 0, meta: {} });
        t = process.hrtime.bigint();
        for (let i = 0; i < baselineN; i++) {
          const e = entry(i);
          await storage.journal.append(sessionId, [{ seq: e.seq, kind: e.kind, ts: e.ts, payload: JSON.stringify(e) }]);
        }
        baseline.push(baselineN / (Number(process.hrtime.bigint() - t) / 1e9));
        if ((await storage.journal.lastSeq(sessionId)) !== baselineN - 1) throw new Error("per-entry baseline lost entries");
      }
      await storage.close();
      return { value: median(candidate), baseline: median(baseline), details: { entries: n, baselineEntries: baselineN, batch: 512 } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * The executor's side of the journal: `append` (validate + serialize + buffer, no I/O) per entry,
 * against a bare `JSON.stringify` of the same entries — the floor of any faithful recording.
 */
const appendCost: BenchSpec = {
  name: "storage/JournalWriter.append cost vs JSON.stringify",
  unit: "ns/entry",
  better: "lower",
  target: { minRatio: 0.5 },
  async measure(ctx) {
    const n = ctx.n(20_000, 50);
    const reps = ctx.smoke ? 1 : 5;
    const warmup = ctx.smoke ? 0 : 1;
    const runs = reps + warmup;
    // One array per timed run: seq must keep increasing across runs of the same writer.
    const batches = Array.from({ length: runs }, (_, r) =>
      Array.from({ length: n }, (_, i) => {
        const seq = r * n + i;
        return {
          seq,
          at: 1_750_000_000_000 + seq,
          type: "gateway",
          result: {
            kind: "PLACE_ACK",
            actionId: seq,
            clientOrderId: `c-${seq}`,
            orderId: `0x${seq.toString(16).padStart(64, "0")}`,
            venueStatus: "live",
            at: seq,
          },
        };
      }),
    );
    const storage = SqliteStorage.open({ path: ":memory:" });
    const clock = new ManualClock(0); // timers never fire: only the append path is timed
    const total = runs * n;
    const writer = await JournalWriter.start({
      journal: storage.journal,
      sessionId: "bench",
      clock,
      maxBatch: total + 1,
      maxPending: total + 1,
    });
    let run = 0;
    let baselineRun = 0;
    let chars = 0;
    const { candidateNs, baselineNs } = compareNsPerOp(
      () => {
        for (const e of batches[run++]!) writer.append(e);
      },
      () => {
        for (const e of batches[baselineRun++ % runs]!) chars += JSON.stringify(e).length;
      },
      n,
      { reps, warmup },
    );
    // Cross-check: the writer holds every entry and commits them all.
    if (writer.stats.pending !== total) throw new Error(`expected ${total} pending entries, got ${writer.stats.pending}`);
    await writer.close();
    if ((await storage.journal.lastSeq("bench")) !== total - 1) throw new Error("entries lost");
    await storage.close();
    return { value: candidateNs, baseline: baselineNs, details: { entries: n, stringifiedChars: chars } };
  },
};

export default defineBenches([journalThroughput, appendCost]);
