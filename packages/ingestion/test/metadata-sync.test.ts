import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "@mm/storage";
import { type ConditionId, ManualClock } from "@mm/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type MetadataChange, MetadataSync } from "../src/index.js";
import { startTestVenue, type TestVenue } from "./sim.js";

let venue: TestVenue | undefined;
let dir: string;
let storage: SqliteStorage;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mm-ingestion-"));
  storage = SqliteStorage.open({ path: join(dir, "meta.db") });
});
afterEach(async () => {
  await venue?.stop();
  venue = undefined;
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Yields to the event loop until `cond` holds (loopback I/O is real; time is not the point). */
async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("MetadataSync against the simulator, into a real SQLite file", () => {
  it("adds every market, then picks up a tick-size change and a closed (resolved) market", async () => {
    venue = await startTestVenue({ markets: 4, pageSize: 3 });
    const changes: MetadataChange[] = [];
    const sync = new MetadataSync({
      source: venue.client(),
      markets: storage.markets,
      clock: venue.clock,
      onChange: (c) => changes.push(c),
    });

    const first = await sync.syncOnce();
    expect(first).toMatchObject({ fetched: 4, added: 4, updated: 0, unchanged: 0, rejected: [], notFound: [] });
    expect(changes.map((c) => c.type)).toEqual(["added", "added", "added", "added"]);
    const [m0, m1] = venue.markets as [(typeof venue.markets)[0], (typeof venue.markets)[0]];
    const stored = await storage.markets.get(m0.info.conditionId);
    expect(stored).toMatchObject({
      yes: { tokenId: m0.info.yes.tokenId, label: "Up" },
      no: { tokenId: m0.info.no.tokenId, label: "Down" },
      tickSize: 100,
      minOrderSize: m0.info.minOrderSize,
      negRisk: false,
      endTime: m0.endTime,
      active: true,
      closed: false,
    });
    expect(stored?.winnerTokenId).toBeUndefined();

    changes.length = 0;
    expect(await sync.syncOnce()).toMatchObject({ added: 0, updated: 0, unchanged: 4 });
    expect(changes).toEqual([]);

    expect(venue.sim.venue.applyFault({ type: "tick_size", market: m0.info.conditionId, tickSize: "0.001" }).ok).toBe(true);
    expect(venue.sim.venue.applyFault({ type: "resolve", market: m1.info.conditionId, winner: "NO" }).ok).toBe(true);
    const third = await sync.syncOnce();
    expect(third).toMatchObject({ added: 0, updated: 2, unchanged: 2 });
    const byId = new Map(changes.map((c) => [c.market.conditionId, c]));
    const tick = byId.get(m0.info.conditionId);
    expect(tick?.type).toBe("updated");
    if (tick?.type !== "updated") throw new Error("unreachable");
    expect(tick.fields).toEqual(["tickSize"]);
    expect(tick.previous.tickSize).toBe(100);
    expect(tick.market.tickSize).toBe(10);
    const closed = byId.get(m1.info.conditionId);
    if (closed?.type !== "updated") throw new Error("expected an update for the resolved market");
    expect([...closed.fields].sort()).toEqual(["active", "closed", "winnerTokenId"]);
    expect(closed.market).toMatchObject({ closed: true, active: false, winnerTokenId: m1.info.no.tokenId });
    expect((await storage.markets.get(m0.info.conditionId))?.tickSize).toBe(10);
    expect((await storage.markets.list({ openOnly: true })).map((m) => m.conditionId)).not.toContain(m1.info.conditionId);
  });

  it("syncs a given list of markets and reports ids the CLOB does not know", async () => {
    venue = await startTestVenue({ markets: 3 });
    const unknown = `0x${"ab".repeat(32)}` as ConditionId;
    const ids = [venue.markets[2]!.info.conditionId, unknown];
    const sync = new MetadataSync({ source: venue.client(), markets: storage.markets, conditionIds: ids });
    const r = await sync.syncOnce();
    expect(r).toMatchObject({ fetched: 1, added: 1, notFound: [unknown] });
    expect((await storage.markets.list()).map((m) => m.conditionId)).toEqual([venue.markets[2]!.info.conditionId]);
  });

  it("fails a run on a venue outage without writing anything, and the periodic loop keeps going", async () => {
    venue = await startTestVenue({ markets: 2 });
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    const client = venue.client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const sync = new MetadataSync({ source: client, markets: storage.markets, clock, intervalMs: 60_000, onError: (e) => errors.push(e) });
    venue.sim.venue.applyFault({ type: "http", kind: "5xx", route: "GET /markets", count: 2 });
    sync.start();
    await eventually(() => sync.stats.failedRuns === 1, "the failed first run");
    expect(errors).toHaveLength(1);
    expect(await storage.markets.list()).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(60_000);
    await eventually(() => sync.stats.runs === 1, "the second run");
    expect((await storage.markets.list()).length).toBe(2);
    await sync.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("stop() aborts an in-flight run", async () => {
    venue = await startTestVenue({ markets: 2 });
    venue.sim.venue.applyFault({ type: "http", kind: "timeout", route: "GET /markets", holdMs: 10_000 });
    const sync = new MetadataSync({ source: venue.client({ timeoutMs: 20_000 }), markets: storage.markets });
    sync.start();
    await eventually(() => venue!.sim.venue.requestCount("GET /markets") === 1, "the held request");
    const started = Date.now();
    await sync.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sync.stats).toMatchObject({ runs: 0, failedRuns: 0 });
  });
});
