import { ManualClock, price, size, type TickSize } from "@mm/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type JournalRow, SqliteStorage, StorageError } from "../src/index.js";
import { cid, market, type TempDir, tempDir, tid, trade } from "./helpers.js";

let tmp: TempDir;
let storage: SqliteStorage;
let clock: ManualClock;
beforeEach(() => {
  tmp = tempDir();
  clock = new ManualClock(1_750_000_000_000);
  storage = SqliteStorage.open({ path: tmp.file("repo.db"), clock });
});
afterEach(async () => {
  await storage.close();
  tmp.remove();
});

const row = (seq: number, kind = "intent", extra: Record<string, unknown> = {}): JournalRow => {
  const entry = { kind, ts: 1000 + seq, seq, ...extra };
  return { seq, kind, ts: entry.ts, payload: JSON.stringify(entry) };
};

describe("MarketRepository", () => {
  it("inserts, reports unchanged, and reports exactly the changed fields", async () => {
    const r1 = await storage.markets.upsert([market(1), market(2)]);
    expect(r1.map((r) => r.change)).toEqual(["inserted", "inserted"]);
    const r2 = await storage.markets.upsert([market(1, { updatedAt: 1_800_000_000_000 })]);
    expect(r2[0]).toMatchObject({ change: "unchanged", changedFields: [] });
    const r3 = await storage.markets.upsert([market(1, { tickSize: 10 as TickSize, closed: true, winnerTokenId: tid(2) })]);
    expect(r3[0]?.change).toBe("updated");
    expect([...(r3[0]?.changedFields ?? [])].sort()).toEqual(["closed", "tickSize", "winnerTokenId"]);
    expect(r3[0]?.previous?.tickSize).toBe(100);
    const stored = await storage.markets.get(cid(1));
    expect(stored).toMatchObject({ tickSize: 10, closed: true, winnerTokenId: tid(2), minOrderSize: size("5") });
    expect(stored?.feeRateBps).toBeUndefined();
    expect(stored?.startTime).toBeUndefined();
  });

  it("round-trips every field and finds markets by token", async () => {
    const m = market(3, {
      negRisk: true,
      startTime: 1_700_000_000_000,
      feeRateBps: 200,
      yes: { tokenId: tid(6), label: "Up" },
      no: { tokenId: tid(7), label: "Down" },
    });
    await storage.markets.upsert([m]);
    expect(await storage.markets.get(cid(3))).toEqual(m);
    expect(await storage.markets.getByToken(tid(7))).toEqual(m);
    expect(await storage.markets.getByToken(tid(999))).toBeUndefined();
  });

  it("re-pairs tokens when the venue relabels them", async () => {
    await storage.markets.upsert([market(1)]);
    const r = await storage.markets.upsert([market(1, { yes: { tokenId: tid(2), label: "YES" } })]);
    expect(r[0]?.changedFields).toEqual(["yes"]);
    expect((await storage.markets.getByToken(tid(2)))?.yes.label).toBe("YES");
  });

  it("lists open markets only when asked", async () => {
    await storage.markets.upsert([market(1), market(2, { closed: true }), market(3)]);
    expect((await storage.markets.list()).map((m) => m.conditionId)).toEqual([cid(1), cid(2), cid(3)]);
    expect((await storage.markets.list({ openOnly: true })).map((m) => m.conditionId)).toEqual([cid(1), cid(3)]);
  });

  it("rejects invalid records and writes none of the batch", async () => {
    await expect(storage.markets.upsert([market(1), market(2, { tickSize: 7 as TickSize })])).rejects.toMatchObject({
      code: "INVALID_RECORD",
    });
    await expect(storage.markets.upsert([market(1, { conditionId: "0xABC" as never })])).rejects.toMatchObject({ code: "INVALID_RECORD" });
    await expect(storage.markets.upsert([market(1, { minOrderSize: Number.NaN as never })])).rejects.toMatchObject({
      code: "INVALID_RECORD",
    });
    await expect(storage.markets.upsert([market(1, { winnerTokenId: tid(50) })])).rejects.toMatchObject({ code: "INVALID_RECORD" });
    expect(await storage.markets.list()).toEqual([]);
  });
});

describe("TradeRepository and watermarks", () => {
  it("upserts idempotently", async () => {
    const batch = [trade(1), trade(2), trade(3)];
    expect(await storage.trades.upsert(batch)).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
    expect(await storage.trades.upsert(batch)).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await storage.trades.upsert([trade(2, { size: size("11") }), trade(4)])).toEqual({ inserted: 1, updated: 1, unchanged: 0 });
    expect(await storage.trades.count()).toBe(4);
    expect(await storage.trades.count(cid(1))).toBe(4);
    expect((await storage.trades.get(trade(2).key))?.size).toBe(size("11"));
    expect(await storage.trades.get(trade(1).key)).toEqual(trade(1));
  });

  it("returns recent trades newest first", async () => {
    await storage.trades.upsert([trade(1), trade(2), trade(3)]);
    const recent = await storage.trades.recent(cid(1), trade(2).timestamp);
    expect(recent.map((t) => t.key)).toEqual([trade(3).key, trade(2).key]);
    expect(await storage.trades.recent(cid(1), 0, 1)).toHaveLength(1);
  });

  it("records trades and advances the watermark atomically, never backwards", async () => {
    const { summary, watermark } = await storage.trades.record(cid(1), [trade(5), trade(3)]);
    expect(summary.inserted).toBe(2);
    expect(watermark).toMatchObject({ conditionId: cid(1), timestamp: trade(5).timestamp, tradeKey: trade(5).key, updatedAt: clock.now() });
    const older = await storage.trades.record(cid(1), [trade(1)]);
    expect(older.watermark?.timestamp).toBe(trade(5).timestamp);
    expect(await storage.watermarks.advance(cid(1), 10)).toMatchObject({ timestamp: trade(5).timestamp });
    clock.advance(1000);
    expect(await storage.watermarks.advance(cid(1), trade(9).timestamp, "x")).toMatchObject({
      timestamp: trade(9).timestamp,
      tradeKey: "x",
    });
    expect((await storage.watermarks.list()).map((w) => w.conditionId)).toEqual([cid(1)]);
  });

  it("rolls the whole batch back (trades and watermark) when one trade is invalid", async () => {
    await expect(storage.trades.record(cid(1), [trade(1), trade(2, { price: 10_001 as never })])).rejects.toBeInstanceOf(StorageError);
    await expect(storage.trades.record(cid(1), [trade(1), trade(2, { conditionId: cid(9) })])).rejects.toMatchObject({
      code: "INVALID_RECORD",
    });
    await expect(storage.trades.upsert([trade(1, { side: "HOLD" as never })])).rejects.toMatchObject({ code: "INVALID_RECORD" });
    await expect(storage.trades.upsert([trade(1, { price: (price("0.5") + 0.5) as never })])).rejects.toMatchObject({
      code: "INVALID_RECORD",
    });
    expect(await storage.trades.count()).toBe(0);
    expect(await storage.watermarks.get(cid(1))).toBeUndefined();
  });
});

describe("JournalRepository", () => {
  it("appends, skips identical retries, and reads back in seq order with filters", async () => {
    await storage.journal.startSession({ sessionId: "s1", startedAt: 1, meta: { mode: "sim" } });
    await storage.journal.startSession({ sessionId: "s1", startedAt: 1, meta: { mode: "sim" } }); // idempotent
    expect(await storage.journal.append("s1", [row(0), row(1, "action"), row(2, "ack"), row(3, "fill", { status: "MATCHED" })])).toEqual({
      appended: 4,
      duplicates: 0,
    });
    expect(await storage.journal.append("s1", [row(3, "fill", { status: "MATCHED" }), row(4, "fill", { status: "MINED" })])).toEqual({
      appended: 1,
      duplicates: 1,
    });
    const fills = await storage.journal.read({ sessionId: "s1", kinds: ["fill"] });
    expect(fills.map((f) => f.entry.status)).toEqual(["MATCHED", "MINED"]);
    expect((await storage.journal.read({ sessionId: "s1", afterSeq: 1, toSeq: 3 })).map((e) => e.seq)).toEqual([2, 3]);
    expect((await storage.journal.read({ sessionId: "s1", limit: 2 })).map((e) => e.kind)).toEqual(["intent", "action"]);
    expect(await storage.journal.read({ sessionId: "s1", kinds: [] })).toEqual([]);
    expect(await storage.journal.lastSeq("s1")).toBe(4);
    expect(await storage.journal.lastSeq("nope")).toBeUndefined();
    const [summary] = await storage.journal.sessions();
    expect(summary).toMatchObject({ sessionId: "s1", entries: 5, firstSeq: 0, lastSeq: 4, lastTs: 1004, meta: { mode: "sim" } });
  });

  it("fails a batch with a conflicting seq as a whole", async () => {
    await storage.journal.startSession({ sessionId: "s", startedAt: 1, meta: {} });
    await storage.journal.append("s", [row(0)]);
    await expect(storage.journal.append("s", [row(1), row(0, "other")])).rejects.toMatchObject({ code: "JOURNAL_CONFLICT" });
    expect(await storage.journal.lastSeq("s")).toBe(0);
  });

  it("refuses a session restarted with different meta and appends to unknown sessions", async () => {
    await storage.journal.startSession({ sessionId: "s", startedAt: 1, meta: { a: 1 } });
    await expect(storage.journal.startSession({ sessionId: "s", startedAt: 1, meta: { a: 2 } })).rejects.toMatchObject({
      code: "JOURNAL_CONFLICT",
    });
    await expect(storage.journal.append("ghost", [row(0)])).rejects.toMatchObject({ code: "INVALID_RECORD" });
  });

  it("is append-only at the database level", async () => {
    await storage.journal.startSession({ sessionId: "s", startedAt: 1, meta: {} });
    await storage.journal.append("s", [row(0)]);
    const c = storage.db.connection;
    expect(() => c.prepare("UPDATE journal SET kind = 'x'").run()).toThrow(/append-only/);
    expect(() => c.prepare("DELETE FROM journal").run()).toThrow(/append-only/);
    expect(() => c.prepare("DELETE FROM journal_sessions").run()).toThrow(/append-only/);
    expect(await storage.journal.lastSeq("s")).toBe(0);
  });

  it("rejects rows with invalid JSON payloads", async () => {
    await storage.journal.startSession({ sessionId: "s", startedAt: 1, meta: {} });
    await expect(storage.journal.append("s", [{ seq: 0, kind: "x", ts: 1, payload: "{not json" }])).rejects.toMatchObject({
      code: "INVALID_RECORD",
    });
    await expect(storage.journal.append("s", [{ seq: -1, kind: "x", ts: 1, payload: "{}" }])).rejects.toMatchObject({
      code: "INVALID_RECORD",
    });
  });
});

describe("CheckpointRepository", () => {
  it("puts, replaces, and lists by literal prefix", async () => {
    await storage.checkpoints.put({ name: "rec/100%", position: "seg-1:0", timestamp: 1, data: { hashes: ["a"] } });
    await storage.checkpoints.put({ name: "rec/1_0", position: "seg-2:0", timestamp: 2 });
    await storage.checkpoints.put({ name: "book/x", position: "h", timestamp: 3 });
    clock.advance(5);
    const replaced = await storage.checkpoints.put({ name: "rec/100%", position: "seg-1:4096", timestamp: 9, data: { hashes: ["b"] } });
    expect(replaced.updatedAt).toBe(clock.now());
    expect(await storage.checkpoints.get("rec/100%")).toEqual(replaced);
    expect((await storage.checkpoints.list("rec/1")).map((c) => c.name)).toEqual(["rec/100%", "rec/1_0"]);
    expect((await storage.checkpoints.list("rec/10")).map((c) => c.name)).toEqual(["rec/100%"]);
    expect(await storage.checkpoints.list()).toHaveLength(3);
    await expect(storage.checkpoints.put({ name: "x", position: "p", timestamp: 1, data: { big: 1n } })).rejects.toMatchObject({
      code: "INVALID_RECORD",
    });
  });
});
