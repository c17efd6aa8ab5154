/**
 * The recycler's own trigger: connections older than `maxAgeMs` are replaced with overlap while
 * the venue keeps trading. No gap marker, no hand-over timeout, and a replay of the whole recording
 * still verifies every checkpoint and reproduces the simulator's final books.
 */
import { PolymarketClient } from "@mm/ingestion";
import { startVenueSim } from "@mm/venue-sim";
import { expect, it } from "vitest";
import { RecordType, readRecords } from "../src/index.js";
import { Recorder } from "../src/recorder.js";
import { replay } from "../src/replay.js";
import { eventually, tempDir } from "./helpers.js";

it("aged connections are recycled with overlap: no gap, books still exact", async () => {
  const sim = await startVenueSim({
    seed: 11,
    markets: 12,
    windowMs: 24 * 3_600_000,
    flow: { intervalMs: 100, roll: false },
    rateLimits: false,
    verifySignatures: false,
    marketWs: { idleTimeoutMs: 0 },
  });
  const tmp = tempDir("rec-recycle-");
  const rec = new Recorder({
    wsUrl: `${sim.urls.ws}/market`,
    gammaUrl: sim.urls.gamma,
    dataDir: tmp.dir,
    workers: 1,
    maxAssetsPerConnection: 8,
    staggerMs: 2,
    checkpointIntervalMs: 400,
    recycle: { maxAgeMs: 1_200, silentMs: 0, checkIntervalMs: 50, handoverTimeoutMs: 5_000, maxConcurrent: 1 },
  });
  try {
    await rec.start();
    await eventually("three rounds of recycling", () => rec.pool.stats().recyclesAged >= 6, 30_000);
    const pool = rec.pool.stats();
    expect(pool.handoverTimeouts).toBe(0);
    expect(rec.counters.gaps).toBe(0);
    sim.flow?.stop();
    await eventually("no recycle in progress", () => rec.pool.recycling === 0, 10_000);
    await new Promise((r) => setTimeout(r, 400));
    await rec.stop();
    let unsub = 0;
    let gaps = 0;
    for await (const r of readRecords(tmp.dir)) {
      if (r.type === RecordType.unsubscribe) unsub++;
      if (r.type === RecordType.gap) gaps++;
    }
    expect(gaps).toBe(0);
    expect(unsub).toBeGreaterThanOrEqual(6);
    const result = await replay(tmp.dir);
    expect(result.sequences).toMatchObject({ lost: 0, duplicated: 0 });
    expect(result.stats.notOwner).toBeGreaterThan(0); // overlap really happened and was ignored
    expect(result.stats.checkpointMismatches).toBe(0);
    expect(result.stats.checkpointBooksVerified).toBeGreaterThan(0);
    const client = new PolymarketClient({ clobUrl: sim.urls.clob });
    try {
      const ids = sim.venue.allMarkets().flatMap((m) => [m.info.yes.tokenId, m.info.no.tokenId]);
      const { items } = await client.getBooks(ids);
      expect(items.length).toBe(ids.length);
      for (const b of items) {
        const mine = result.replayer.book(b.tokenId)!;
        expect(mine.topLevels("BID", 1000).map((l) => [l.price, l.size])).toEqual(b.bids.map((l) => [l.price, l.size]));
        expect(mine.topLevels("ASK", 1000).map((l) => [l.price, l.size])).toEqual(b.asks.map((l) => [l.price, l.size]));
      }
    } finally {
      await client.close();
    }
  } finally {
    await rec.stop();
    await sim.stop();
    tmp.cleanup();
  }
}, 60_000);

it("a silent connection is replaced; when the replacement cannot take over in time, gap markers are written and books recover", async () => {
  const sim = await startVenueSim({
    seed: 12,
    markets: 6,
    windowMs: 24 * 3_600_000,
    flow: { intervalMs: 50, roll: false },
    rateLimits: false,
    verifySignatures: false,
    marketWs: { idleTimeoutMs: 0 },
  });
  const tmp = tempDir("rec-silent-");
  const rec = new Recorder({
    wsUrl: `${sim.urls.ws}/market`,
    gammaUrl: sim.urls.gamma,
    dataDir: tmp.dir,
    workers: 1,
    maxAssetsPerConnection: 6,
    staggerMs: 2,
    checkpointIntervalMs: 0,
    // Silence and hand-over limits well above an event-loop stall of a loaded 2-core CI box.
    recycle: { maxAgeMs: 0, silentMs: 1_500, checkIntervalMs: 50, handoverTimeoutMs: 1_500, maxConcurrent: 2 },
  });
  try {
    await rec.start();
    const ids = sim.venue.allMarkets().flatMap((m) => [m.info.yes.tokenId, m.info.no.tokenId]);
    await eventually("all owned", async () => (await rec.books()).filter((b) => b.owner !== 0).length === ids.length, 15_000);
    expect(rec.counters.gaps).toBe(0);
    sim.venue.applyFault({ type: "freeze", channel: "market", frozen: true });
    await eventually(
      "silent recycle timed out with gaps",
      () => rec.pool.stats().recyclesSilent >= 1 && rec.pool.stats().handoverTimeouts >= 1 && rec.counters.gaps >= 1,
      15_000,
    );
    sim.venue.applyFault({ type: "freeze", channel: "market", frozen: false });
    await eventually("every book owned again", async () => (await rec.books()).filter((b) => b.owner !== 0).length === ids.length, 20_000);
    await rec.stop();
    let gaps = 0;
    for await (const r of readRecords(tmp.dir)) if (r.type === RecordType.gap) gaps++;
    expect(gaps).toBe(rec.counters.gaps);
    const result = await replay(tmp.dir);
    expect(result.stats.gaps).toBeGreaterThan(0);
    expect(result.sequences).toMatchObject({ lost: 0, duplicated: 0 });
  } finally {
    await rec.stop();
    await sim.stop();
    tmp.cleanup();
  }
}, 60_000);
