/**
 * The recorder against @mm/venue-sim over loopback with many assets: discovery, dynamic subscribe,
 * new markets without restart, expiry of resolved markets, a recycle without gap, a killed
 * connection with gap markers, SIGTERM-style stop with nothing lost, and a replay that reproduces
 * the simulator's final `/book` of every asset. `RECORDER_SOAK=1` runs it with 2,000 assets.
 */
import { PolymarketClient } from "@mm/ingestion";
import { makeUpDownMarkets, startVenueSim, type VenueSimHandle } from "@mm/venue-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSegments, RecordType, readRecords } from "../src/index.js";
import { Recorder } from "../src/recorder.js";
import { replay } from "../src/replay.js";
import { eventually, tempDir } from "./helpers.js";

const SOAK = process.env.RECORDER_SOAK === "1";
const MARKETS = SOAK ? 1000 : 150; // 2 assets each
const CAP = SOAK ? 250 : 40;

describe(`recorder against venue-sim (${MARKETS * 2} assets)`, () => {
  let sim: VenueSimHandle;
  let rec: Recorder;
  const tmp = tempDir("rec-sim-");
  const expected = new Set<string>();

  beforeAll(async () => {
    sim = await startVenueSim({
      seed: 7,
      markets: MARKETS,
      windowMs: 24 * 3_600_000,
      flow: { intervalMs: 200, takerRatePerSec: 0.2, roll: false, levels: 3 },
      rateLimits: false,
      verifySignatures: false,
      marketWs: { idleTimeoutMs: 0 },
    });
    for (const m of sim.venue.allMarkets()) {
      expected.add(m.info.yes.tokenId);
      expected.add(m.info.no.tokenId);
    }
    rec = new Recorder({
      wsUrl: `${sim.urls.ws}/market`,
      gammaUrl: sim.urls.gamma,
      dataDir: tmp.dir,
      workers: 2,
      maxAssetsPerConnection: CAP,
      staggerMs: 2,
      discoveryIntervalMs: 1_000,
      checkpointIntervalMs: 700,
      cleanupDelayMs: 300,
      recycle: { maxAgeMs: 0, silentMs: 0, checkIntervalMs: 50, handoverTimeoutMs: 8_000 },
      segment: { codec: "gzip", level: 1, flushIntervalMs: 100, blockBytes: 64 * 1024, maxSegmentMs: 2_000 },
      pingIntervalMs: 1_000,
    });
    await rec.start();
  }, 60_000);

  afterAll(async () => {
    await rec?.stop();
    await sim?.stop();
    tmp.cleanup();
  });

  it("discovers and subscribes every asset, books arrive for all", async () => {
    await eventually("all assets subscribed", () => rec.registry.stats().subscribed === expected.size, 30_000);
    const pool = rec.pool.stats();
    expect(pool.assets).toBe(expected.size);
    expect(pool.connections).toBe(Math.ceil(expected.size / CAP) + (pool.connections - Math.ceil(expected.size / CAP)));
    expect(pool.perConnection.every((c) => c.assets <= CAP)).toBe(true);
    await eventually(
      "a book for every asset",
      async () => (await rec.books()).filter((b) => b.owner !== 0).length >= expected.size,
      30_000,
    );
  });

  it("picks up new markets without a restart and expires resolved ones", async () => {
    const [fresh] = makeUpDownMarkets({ seed: 99, count: 1, startTime: Date.now(), windowMs: 24 * 3_600_000, firstIndex: 5_000 });
    sim.venue.addMarket(fresh!);
    await eventually("new market subscribed", () => rec.registry.asset(fresh!.info.yes.tokenId)?.status === "subscribed", 10_000);
    expected.add(fresh!.info.yes.tokenId);
    expected.add(fresh!.info.no.tokenId);

    const victim = sim.venue.allMarkets()[3]!;
    const r = sim.venue.applyFault({ type: "resolve", market: victim.info.conditionId, winner: "YES" });
    expect(r.ok).toBe(true);
    await eventually("resolved market expired", () => rec.registry.market(victim.info.conditionId)?.closedAt !== undefined, 10_000);
    expect(rec.pool.connectionOf(victim.info.yes.tokenId)).toBeUndefined();
    await eventually("resolved market cleaned up", () => rec.registry.market(victim.info.conditionId) === undefined, 10_000);
    expected.delete(victim.info.yes.tokenId);
    expected.delete(victim.info.no.tokenId);
  });

  it("recycles a connection with overlap and no gap", async () => {
    const gapsBefore = rec.counters.gaps;
    const old = rec.pool.connections().find((c) => c.open && c.assets.size > 0 && !c.retiring)!;
    const oldId = old.id;
    const fresh = rec.pool.recycle(old, "test")!;
    expect(fresh).toBeDefined();
    await eventually("old connection retired", () => old.stopped, 10_000);
    expect(rec.pool.stats().handoverTimeouts).toBe(0);
    expect(rec.counters.gaps).toBe(gapsBefore);
    expect(fresh.owned).toBe(fresh.assets.size);
    expect(oldId).not.toBe(fresh.id);
  });

  it("a killed connection leaves gap markers, then everything resubscribes", async () => {
    const gapsBefore = rec.counters.gaps;
    const open = rec.pool.stats().open;
    sim.venue.applyFault({ type: "close", channel: "market" });
    await eventually("gaps recorded", () => rec.counters.gaps >= gapsBefore + open, 10_000);
    await eventually("all reconnected", () => rec.pool.stats().open === rec.pool.stats().connections, 20_000);
    await eventually(
      "every asset owned again",
      async () => (await rec.books()).filter((b) => b.owner !== 0).length >= expected.size,
      20_000,
    );
  });

  it("stops without losing a frame; replay reproduces the simulator's final /book of every asset", async () => {
    sim.flow?.stop();
    // let the last frames arrive
    let last = -1;
    await eventually(
      "quiet",
      () => {
        const n = rec.counters.frames;
        const quiet = n === last;
        last = n;
        return quiet;
      },
      10_000,
      300,
    );
    const received = rec.counters.frames;
    await rec.stop();
    const segs = await listSegments(tmp.dir);
    expect(segs.length).toBeGreaterThan(1);
    expect(segs.every((s) => s.index.closed && !s.recovered)).toBe(true);
    expect(segs.reduce((n, s) => n + s.index.frames, 0)).toBe(received);
    let gaps = 0;
    for await (const r of readRecords(tmp.dir)) if (r.type === RecordType.gap) gaps++;
    expect(gaps).toBe(rec.counters.gaps);

    const result = await replay(tmp.dir);
    expect(result.read.badBlocks).toBe(0);
    expect(result.sequences.lost).toBe(0);
    expect(result.sequences.duplicated).toBe(0);
    expect(result.sequences.frames).toBe(received);
    expect(result.stats.checkpointsVerified).toBeGreaterThan(2);
    expect(result.stats.checkpointMismatches).toBe(0);
    expect(result.stats.rejected, JSON.stringify([...result.stats.rejectReasons])).toBe(0);

    // mid-day start: from the latest checkpoint before the middle of the recording
    const mid = (segs[0]!.index.startMs + segs[segs.length - 1]!.index.endMs) / 2;
    const partial = await replay(tmp.dir, { fromMs: mid });
    expect(partial.startedFromCheckpoint).toBeGreaterThan(0);
    expect(partial.sequences.frames).toBeLessThan(received);
    expect(partial.stats.checkpointMismatches, partial.stats.lastMismatch).toBe(0);
    for (const id of expected) {
      const a = result.replayer.book(id)!;
      const b = partial.replayer.book(id);
      expect(b?.topLevels("BID", 1000), id).toEqual(a.topLevels("BID", 1000));
      expect(b?.topLevels("ASK", 1000), id).toEqual(a.topLevels("ASK", 1000));
    }

    const client = new PolymarketClient({ clobUrl: sim.urls.clob });
    try {
      let compared = 0;
      const ids = [...expected];
      for (let i = 0; i < ids.length; i += 200) {
        const { items } = await client.getBooks(ids.slice(i, i + 200) as never);
        for (const b of items) {
          const mine = result.replayer.book(b.tokenId);
          expect(mine, b.tokenId).toBeDefined();
          const bids = mine!.topLevels("BID", 1000).map((l) => [l.price, l.size]);
          const asks = mine!.topLevels("ASK", 1000).map((l) => [l.price, l.size]);
          expect(bids, `bids of ${b.tokenId}`).toEqual(b.bids.map((l) => [l.price, l.size]));
          expect(asks, `asks of ${b.tokenId}`).toEqual(b.asks.map((l) => [l.price, l.size]));
          compared++;
        }
      }
      expect(compared).toBe(expected.size);
    } finally {
      await client.close();
    }
  }, 60_000);
});
