/**
 * Scale-out: two recorder shards (`--shard 0/2`, `1/2`) publish to a real nats-server (JetStream,
 * started here on a loopback port with a temp store); one consumer reads the stream. Every event the
 * shards' books applied (recomputed from their own segments with the same replayer) is in the
 * stream exactly once, on the subject of its market. A NATS restart mid-stream loses and duplicates
 * nothing (retries, de-duplicated by message id); a long outage sheds beyond the outbox without
 * pausing the recording and leaves a gap notice. Needs Debian's `nats-server` binary.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startVenueSim, type VenueSimHandle } from "@mm/venue-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BookReplayer, readRecords } from "../src/index.js";
import type { NatsGapNotice, NatsSinkStats } from "../src/internal/nats-sink.js";
import { Recorder } from "../src/recorder.js";
import { eventually, tempDir } from "./helpers.js";

const HAS_NATS = spawnSync("nats-server", ["--version"]).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!HAS_NATS)("NATS JetStream sink (real nats-server)", () => {
  let sim: VenueSimHandle;
  let nats: ChildProcess;
  let servers = "";
  const store = tempDir("rec-nats-store-");
  const data = tempDir("rec-nats-data-");

  let port = 0;

  /** (Re)starts nats-server on the same port and store: JetStream state survives a restart. */
  async function startNats(): Promise<void> {
    nats = spawn("nats-server", ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", store.dir], { stdio: "ignore" });
    await eventually(
      "nats-server up",
      async () => {
        try {
          const nc = await connect({ servers, reconnect: false });
          await nc.close();
          return true;
        } catch {
          return false;
        }
      },
      15_000,
      100,
    );
  }

  async function killNats(): Promise<void> {
    const exited = new Promise((r) => nats.once("exit", r));
    nats.kill("SIGKILL");
    await exited;
  }

  beforeAll(async () => {
    port = await freePort();
    servers = `nats://127.0.0.1:${port}`;
    await startNats();
    sim = await startVenueSim({
      seed: 5,
      markets: 20,
      windowMs: 24 * 3_600_000,
      flow: { intervalMs: 100, roll: false },
      rateLimits: false,
      verifySignatures: false,
      marketWs: { idleTimeoutMs: 0 },
    });
  });

  afterAll(async () => {
    await sim?.stop();
    nats?.kill("SIGTERM");
    store.cleanup();
    data.cleanup();
  });

  it("two shards, one consumer: every applied event exactly once, by market", async () => {
    const shards = [0, 1].map(
      (index) =>
        new Recorder({
          wsUrl: `${sim.urls.ws}/market`,
          gammaUrl: sim.urls.gamma,
          dataDir: data.dir,
          shard: { index, count: 2 },
          workers: 1,
          maxAssetsPerConnection: 10,
          staggerMs: 2,
          checkpointIntervalMs: 0,
          recycle: { maxAgeMs: 0, silentMs: 0 },
          nats: { servers, stream: "PM_TEST", subjectPrefix: "pm.book" },
        }),
    );
    await Promise.all(shards.map((r) => r.start()));
    const total = sim.venue.allMarkets().length * 2;
    await eventually("both shards subscribed", () => shards.reduce((n, r) => n + r.registry.stats().subscribed, 0) === total, 20_000);
    const mine = shards.map((r) => new Set([...r.registry.assets()].map((a) => a.assetId)));
    expect(mine[0]!.size).toBeGreaterThan(0);
    expect(mine[1]!.size).toBeGreaterThan(0);
    expect([...mine[0]!].some((a) => mine[1]!.has(a))).toBe(false);
    await eventually("frames flowing", () => shards.every((r) => r.counters.frames > 200), 20_000);
    sim.flow?.stop();
    await new Promise((r) => setTimeout(r, 500));
    for (const r of shards) for (const w of (await r.stats()).workers) expect(w.nats).toMatchObject({ failed: 0, lastError: undefined });
    await Promise.all(shards.map((r) => r.stop()));
    for (const r of shards) {
      const s = r.workers.queueStats();
      expect(s.every((q) => q.queuedBatches === 0)).toBe(true);
    }

    // what the shards' books applied, recomputed from their own segments
    const expected = new Map<string, string>();
    for (const index of [0, 1]) {
      const replayer = new BookReplayer({
        onApplied: (e) => {
          const key = `${index}of2:${e.conn}:${e.seq}:${e.index}`;
          expect(expected.has(key)).toBe(false);
          expected.set(key, e.market);
        },
      });
      for await (const rec of readRecords(data.dir, { prefix: `rec-${index}of2` })) replayer.apply(rec);
    }
    expect(expected.size).toBeGreaterThan(400);

    const nc = await connect({ servers });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info("PM_TEST");
      expect(info.state.messages).toBe(expected.size);
      const consumer = await jetstream(nc).consumers.get("PM_TEST");
      const seen = new Map<string, number>();
      const iter = await consumer.consume();
      let n = 0;
      for await (const m of iter) {
        const body = m.json<{ instance: string; conn: number; seq: number; index: number; event: { market: string } }>();
        const key = `${body.instance}:${body.conn}:${body.seq}:${body.index}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        expect(m.subject).toBe(`pm.book.${body.event.market}`);
        expect(expected.get(key)).toBe(body.event.market);
        if (++n === info.state.messages) break;
      }
      expect(seen.size).toBe(expected.size);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
    } finally {
      await nc.close();
    }
  }, 60_000);

  /** What one unsharded recorder's books applied, recomputed from its segments (key = message id). */
  async function appliedFrom(dir: string): Promise<Map<string, { market: string; tsMs: number }>> {
    const applied = new Map<string, { market: string; tsMs: number }>();
    const replayer = new BookReplayer({
      onApplied: (e) => {
        applied.set(`0of1:${e.conn}:${e.seq}:${e.index}`, { market: e.market, tsMs: e.tsMs });
      },
    });
    for await (const rec of readRecords(dir, { prefix: "rec" })) replayer.apply(rec);
    return applied;
  }

  /** Every message of `stream`, by subject: event message ids (counted) and gap notices. */
  async function readStream(stream: string) {
    const nc = await connect({ servers });
    try {
      const info = await (await jetstreamManager(nc)).streams.info(stream);
      const events = new Map<string, number>();
      const gaps: NatsGapNotice[] = [];
      if (info.state.messages === 0) return { events, gaps };
      const iter = await (await jetstream(nc).consumers.get(stream)).consume();
      let n = 0;
      for await (const m of iter) {
        if (m.subject.endsWith("._gaps")) gaps.push(m.json<NatsGapNotice>());
        else {
          const b = m.json<{ instance: string; conn: number; seq: number; index: number }>();
          const key = `${b.instance}:${b.conn}:${b.seq}:${b.index}`;
          events.set(key, (events.get(key) ?? 0) + 1);
        }
        if (++n === info.state.messages) break;
      }
      return { events, gaps };
    } finally {
      await nc.close();
    }
  }

  it("a NATS restart mid-stream loses and duplicates nothing (retries de-duplicated by message id)", async () => {
    const dir = tempDir("rec-nats-restart-");
    const rec = new Recorder({
      wsUrl: `${sim.urls.ws}/market`,
      gammaUrl: sim.urls.gamma,
      dataDir: dir.dir,
      workers: 1,
      maxAssetsPerConnection: 10,
      staggerMs: 2,
      checkpointIntervalMs: 0,
      recycle: { maxAgeMs: 0, silentMs: 0 },
      nats: { servers, stream: "PM_RESTART", subjectPrefix: "pm.rs", retryBudgetMs: 60_000 },
    });
    try {
      sim.flow?.start();
      await rec.start();
      await eventually("publishing", async () => ((await rec.stats()).workers[0]?.nats?.acked ?? 0) > 100, 20_000, 100);
      await killNats();
      const framesAtKill = rec.counters.frames;
      await eventually("recording goes on while NATS is down", () => rec.counters.frames > framesAtKill + 50, 20_000);
      await startNats();
      let sink: NatsSinkStats | undefined;
      await eventually(
        "the sink reconnected and caught up",
        async () => {
          sink = (await rec.stats()).workers[0]?.nats;
          return sink?.connected === true && sink.pending === 0 && sink.acked > 0;
        },
        30_000,
        100,
      );
      // the outage really failed publishes, and their retries all landed
      expect(sink).toMatchObject({ failed: 0, shed: 0 });
      expect(sink?.retried).toBeGreaterThan(0);
      sim.flow?.stop();
      await rec.stop();
      const { events, gaps } = await readStream("PM_RESTART");
      const applied = await appliedFrom(dir.dir);
      expect(applied.size).toBeGreaterThan(200);
      expect(gaps).toEqual([]);
      expect([...events.keys()].filter((k) => !applied.has(k))).toEqual([]);
      expect([...applied.keys()].filter((k) => !events.has(k))).toEqual([]);
      expect([...events.values()].every((c) => c === 1)).toBe(true);
    } finally {
      sim.flow?.stop();
      await rec.stop();
      dir.cleanup();
    }
  }, 90_000);

  it("a long NATS outage sheds beyond the outbox, keeps recording, and publishes a gap notice on return", async () => {
    const dir = tempDir("rec-nats-outage-");
    const rec = new Recorder({
      wsUrl: `${sim.urls.ws}/market`,
      gammaUrl: sim.urls.gamma,
      dataDir: dir.dir,
      workers: 1,
      maxAssetsPerConnection: 10,
      staggerMs: 2,
      checkpointIntervalMs: 0,
      recycle: { maxAgeMs: 0, silentMs: 0 },
      nats: { servers, stream: "PM_OUTAGE", subjectPrefix: "pm.out", maxPending: 20, retryBudgetMs: 60_000 },
    });
    try {
      sim.flow?.start();
      await rec.start();
      await eventually("publishing", async () => ((await rec.stats()).workers[0]?.nats?.acked ?? 0) > 100, 20_000, 100);
      await killNats();
      await eventually("events shed while NATS is down", async () => ((await rec.stats()).workers[0]?.nats?.shed ?? 0) > 50, 30_000, 100);
      const framesDown = rec.counters.frames;
      await eventually("recording not paused by the outage", () => rec.counters.frames > framesDown + 50, 20_000);
      await startNats();
      await eventually("gap notice published", async () => ((await rec.stats()).workers[0]?.nats?.gapNotices ?? 0) > 0, 30_000, 100);
      sim.flow?.stop();
      await rec.stop();
      const applied = await appliedFrom(dir.dir);
      const { events, gaps } = await readStream("PM_OUTAGE");
      const missing = [...applied].filter(([k]) => !events.has(k));
      expect(missing.length).toBeGreaterThan(50);
      expect([...events.keys()].filter((k) => !applied.has(k))).toEqual([]);
      expect([...events.values()].every((c) => c === 1)).toBe(true);
      // every event missing from the stream is covered by a gap notice
      expect(gaps.reduce((n, g) => n + g.events, 0)).toBe(missing.length);
      for (const [, e] of missing) expect(gaps.some((g) => g.fromTsMs <= e.tsMs && e.tsMs <= g.toTsMs)).toBe(true);
      expect(gaps.every((g) => g.instance === "0of1" && g.kind === "gap")).toBe(true);
    } finally {
      sim.flow?.stop();
      await rec.stop();
      dir.cleanup();
    }
  }, 90_000);
});
