import { ManualClock } from "@mm/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type JournalAppendSummary,
  type JournalEntry,
  type JournalRepository,
  type JournalRow,
  JournalWriter,
  SqliteStorage,
  StorageError,
} from "../src/index.js";

let storage: SqliteStorage;
let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock(1_000);
  storage = SqliteStorage.open({ path: ":memory:", clock });
});
afterEach(async () => {
  await storage.close();
});

const entry = (seq: number, kind = "intent", extra: Record<string, unknown> = {}): JournalEntry => ({
  kind,
  ts: 1_000 + seq,
  seq,
  ...extra,
});

/** Lets promise continuations run (the SQLite repository settles in microtasks). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A hand-written repository that fails its first `failures` appends, then delegates. */
class FlakyJournal implements JournalRepository {
  calls = 0;
  constructor(
    private readonly inner: JournalRepository,
    public failures: number,
  ) {}
  startSession = (s: Parameters<JournalRepository["startSession"]>[0]) => this.inner.startSession(s);
  read = (q: Parameters<JournalRepository["read"]>[0]) => this.inner.read(q);
  sessions = () => this.inner.sessions();
  lastSeq = (id: string) => this.inner.lastSeq(id);
  async append(sessionId: string, rows: readonly JournalRow[]): Promise<JournalAppendSummary> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new StorageError("IO", "disk I/O error (injected)");
    }
    return this.inner.append(sessionId, rows);
  }
}

describe("JournalWriter", () => {
  it("buffers appends and commits them in one batch after the flush interval", async () => {
    const writer = await JournalWriter.start({ journal: storage.journal, sessionId: "s", clock, flushIntervalMs: 50, maxBatch: 100 });
    for (let i = 0; i < 10; i++) writer.append(entry(i));
    expect(writer.stats).toMatchObject({ accepted: 10, pending: 10, committed: 0 });
    expect(await storage.journal.lastSeq("s")).toBeUndefined();
    clock.advance(49);
    await settle();
    expect(writer.stats.committed).toBe(0);
    clock.advance(1);
    await settle();
    expect(writer.stats).toMatchObject({ committed: 10, pending: 0, committedSeq: 9, flushes: 1 });
    expect((await storage.journal.read({ sessionId: "s" })).map((e) => e.entry)).toEqual(Array.from({ length: 10 }, (_, i) => entry(i)));
  });

  it("flushes as soon as maxBatch entries are waiting, in batches of at most maxBatch", async () => {
    const writer = await JournalWriter.start({ journal: storage.journal, sessionId: "s", clock, flushIntervalMs: 10_000, maxBatch: 4 });
    for (let i = 0; i < 10; i++) writer.append(entry(i));
    clock.advance(0);
    await settle();
    expect(writer.stats.committed).toBe(10);
    expect(writer.stats.flushes).toBe(3); // 4 + 4 + 2
  });

  it("records the entry as it was at append time", async () => {
    const writer = await JournalWriter.start({ journal: storage.journal, sessionId: "s", clock });
    const e = { kind: "fill", ts: 5, seq: 0, status: "MATCHED" };
    writer.append(e);
    e.status = "FAILED";
    await writer.flush();
    expect((await storage.journal.read({ sessionId: "s" }))[0]?.entry.status).toBe("MATCHED");
  });

  it("accepts @mm/executor's entry shape ({ seq, at, type, ... }) and stores kind and time from it", async () => {
    const writer = await JournalWriter.start({ journal: storage.journal, sessionId: "exec", clock });
    // Shaped exactly like executor JournalEntry values: seq from 1, `at` epoch ms, `type` discriminant.
    const intent = { seq: 1, at: 1_000, type: "intent", superseded: false, intent: { conditionId: "0xabc", seq: 7, levels: [] } };
    const action = { seq: 2, at: 1_001, type: "action", action: { kind: "PLACE", actionId: 3 } };
    const mode = { seq: 3, at: 1_002, type: "mode", from: "RUNNING", to: "STOP", reason: "user feed lost" };
    for (const e of [intent, action, mode]) writer.append(e);
    await writer.close();
    const stored = await storage.journal.read({ sessionId: "exec" });
    expect(stored.map((e) => [e.seq, e.kind, e.ts])).toEqual([
      [1, "intent", 1_000],
      [2, "action", 1_001],
      [3, "mode", 1_002],
    ]);
    expect(stored.map((e) => e.entry)).toEqual([intent, action, mode]);
    expect((await storage.journal.read({ sessionId: "exec", kinds: ["mode"] }))[0]?.entry.reason).toBe("user feed lost");
  });

  it("refuses malformed entries synchronously, loudly", async () => {
    const writer = await JournalWriter.start({ journal: storage.journal, sessionId: "s", clock });
    writer.append(entry(5));
    const bad: unknown[] = [
      entry(6, "x", { amount: 10n }),
      { kind: "", ts: 1, seq: 7 },
      { kind: "k", ts: Number.NaN, seq: 7 },
      { kind: "k", ts: 1, seq: 1.5 },
      entry(5),
      entry(4),
      null,
    ];
    for (const b of bad) expect(() => writer.append(b as JournalEntry)).toThrow(StorageError);
    writer.append(entry(6));
    await writer.flush();
    expect((await storage.journal.read({ sessionId: "s" })).map((e) => e.seq)).toEqual([5, 6]);
  });

  it("keeps entries through failing flushes, retries with backoff, preserves order and reports errors", async () => {
    const flaky = new FlakyJournal(storage.journal, 2);
    const errors: StorageError[] = [];
    const writer = await JournalWriter.start({
      journal: flaky,
      sessionId: "s",
      clock,
      flushIntervalMs: 10,
      maxBatch: 100,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 5; i++) writer.append(entry(i));
    await expect(writer.flush()).rejects.toMatchObject({ code: "IO" });
    expect(writer.stats).toMatchObject({ pending: 5, committed: 0, failedFlushes: 1 });
    for (let i = 5; i < 8; i++) writer.append(entry(i));
    // Backoff: the retry timer is at 10 * 2^1 = 20 ms.
    clock.advance(19);
    await settle();
    expect(flaky.calls).toBe(1);
    clock.advance(1);
    await settle();
    expect(flaky.calls).toBe(2); // second injected failure
    expect(writer.stats.pending).toBe(8);
    clock.advance(40); // 10 * 2^2
    await settle();
    expect(writer.stats).toMatchObject({ pending: 0, committed: 8, failedFlushes: 2 });
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e.code === "IO")).toBe(true);
    expect((await storage.journal.read({ sessionId: "s" })).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("throws JOURNAL_BACKLOG instead of growing without bound when the database keeps failing", async () => {
    const flaky = new FlakyJournal(storage.journal, Number.POSITIVE_INFINITY);
    const writer = await JournalWriter.start({
      journal: flaky,
      sessionId: "s",
      clock,
      maxBatch: 2,
      maxPending: 4,
      onError: () => undefined,
    });
    for (let i = 0; i < 4; i++) writer.append(entry(i));
    expect(() => writer.append(entry(4))).toThrow(expect.objectContaining({ code: "JOURNAL_BACKLOG" }));
    expect(writer.stats.pending).toBe(4);
  });

  it("resumes a session above its last stored seq and rejects appends after close", async () => {
    const first = await JournalWriter.start({ journal: storage.journal, sessionId: "s", clock, meta: { v: 1 } });
    first.append(entry(0));
    first.append(entry(1));
    await first.close();
    expect(() => first.append(entry(2))).toThrow(expect.objectContaining({ code: "CLOSED" }));
    const resumed = await JournalWriter.start({ journal: storage.journal, sessionId: "s", clock, meta: { v: 1 } });
    expect(() => resumed.append(entry(1))).toThrow(expect.objectContaining({ code: "INVALID_RECORD" }));
    resumed.append(entry(2));
    await resumed.close();
    expect(await storage.journal.lastSeq("s")).toBe(2);
  });
});

/** mulberry32: a tiny seeded PRNG so every randomized scenario is reproducible from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("JournalWriter randomized interleavings (seeded)", () => {
  it("stores exactly what was appended, in order, without duplicates, whatever the mix of appends, flushes, timers and failures", async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = rng(seed);
      const local = new ManualClock(0);
      const db = SqliteStorage.open({ path: ":memory:", clock: local });
      const flaky = new FlakyJournal(db.journal, 0);
      const maxBatch = 1 + Math.floor(random() * 8);
      const writer = await JournalWriter.start({
        journal: flaky,
        sessionId: `s${seed}`,
        clock: local,
        maxBatch,
        flushIntervalMs: 1 + Math.floor(random() * 20),
        maxPending: 10_000,
        onError: () => undefined,
      });
      const appended: number[] = [];
      let seq = 0;
      for (let step = 0; step < 40; step++) {
        const r = random();
        if (r < 0.5) {
          const k = 1 + Math.floor(random() * 10);
          for (let i = 0; i < k; i++) {
            writer.append(entry(seq, random() < 0.5 ? "intent" : "fill", { n: step }));
            appended.push(seq);
            seq += 1 + Math.floor(random() * 3); // gaps are allowed, order is not optional
          }
        } else if (r < 0.65) {
          flaky.failures += 1 + Math.floor(random() * 2);
        } else if (r < 0.85) {
          local.advance(Math.floor(random() * 200));
          await settle();
        } else {
          await writer.flush().catch(() => undefined);
        }
        // Invariant at every step: what is stored is a prefix of what was appended.
        const stored = (await db.journal.read({ sessionId: `s${seed}`, limit: 100_000 })).map((e) => e.seq);
        expect(stored, `seed ${seed} step ${step}`).toEqual(appended.slice(0, stored.length));
        expect(writer.stats.committed + writer.stats.pending, `seed ${seed}`).toBe(appended.length);
      }
      flaky.failures = 0;
      await writer.close();
      const stored = (await db.journal.read({ sessionId: `s${seed}`, limit: 100_000 })).map((e) => e.seq);
      expect(stored, `seed ${seed}`).toEqual(appended);
      expect(writer.stats).toMatchObject({ pending: 0, committed: appended.length });
      await db.close();
    }
  });
});
