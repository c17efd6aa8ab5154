import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchSpec, defineBenches, median } from "@mm/bench";
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
  target: { minRatio: 10, minValue: 50_000 },
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

export default defineBenches([journalThroughput]);
